/*
 * drivers/virtio_blk.c - virtio disks over PCI, legacy interface.
 *
 * A virtio device and its driver share a "virtqueue" in guest RAM: a
 * table of buffer descriptors, a ring where the driver offers chains of
 * descriptors (avail), and a ring where the device hands them back
 * (used).  A disk request is a chain of three: a header the device reads
 * (read or write, which sector), the data (the device writes it for a
 * read, reads it for a write) and one status byte the device writes.
 *
 * QEMU's virtio disk on its PC machine is "transitional" (PCI device id
 * 0x1001): besides virtio 1.0's interface it offers the legacy one, a
 * block of registers in I/O BAR 0 (virtio 1.0 spec, 4.1.4.8):
 *
 *	0x00 device features (32 bits)	0x04 driver features (32 bits)
 *	0x08 queue address (page number)	0x0c queue size (16 bits)
 *	0x0e queue select (16 bits)	0x10 queue notify (16 bits)
 *	0x12 device status (8 bits)	0x13 ISR status (8 bits)
 *	0x14 device configuration: for a disk, its capacity in sectors (64 bits)
 *
 * The legacy queue layout is fixed by its size N, which the device
 * chooses: descriptors (16 N bytes), then the avail ring, then, at the
 * next 4096-byte boundary, the used ring; the device is told only the
 * page number of the start.
 *
 * Several requests can be in flight at once: the queue is cut into
 * request slots, each owning a fixed run of CHAIN_MAX descriptors (the
 * longest chain), so a slot's number is its chain's head descriptor
 * divided by CHAIN_MAX.  A task that submits a request sleeps (state D)
 * until the device answers: the disk's interrupt takes the answers off
 * the used ring (reap()) and wakes each one's task, and meanwhile the CPU
 * runs other tasks.  Where the caller may not sleep (at boot, the idle
 * loop, interrupts off: sched_can_sleep()) or the disk has no interrupt
 * line, the caller halts until an interrupt and reaps itself: polling.
 * Either way a request that gets no answer in VIRTIO_BLK_TIMEOUT_NS
 * fails with -EIO and disables the disk (the device may still own its
 * buffers).
 *
 * Locking: vb->lock (interrupts off) covers the slots, the rings and
 * used_seen; the interrupt handler takes it too.
 */
#include <vmos/bkl.h>
#include "drivers/virtio_blk.h"
#include "drivers/blkdev.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "kernel/task.h"
#include "kernel/wait.h"
#include <vmos/spinlock.h>
#include <asm/arch.h>
#include <asm/barrier.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/pci.h>

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_BLK_LEGACY_ID 0x1001 /* transitional: legacy registers too */
#define VIRTIO_BLK_MODERN_ID 0x1042 /* virtio 1.0 only: not supported */

/* The legacy registers, offsets in I/O BAR 0. */
#define VIRTIO_PCI_HOST_FEATURES 0x00
#define VIRTIO_PCI_GUEST_FEATURES 0x04
#define VIRTIO_PCI_QUEUE_PFN 0x08
#define VIRTIO_PCI_QUEUE_SIZE 0x0c
#define VIRTIO_PCI_QUEUE_SEL 0x0e
#define VIRTIO_PCI_QUEUE_NOTIFY 0x10
#define VIRTIO_PCI_STATUS 0x12
#define VIRTIO_PCI_ISR 0x13
#define VIRTIO_PCI_CONFIG 0x14 /* without MSI-X, which we never enable */
#define VIRTIO_BLK_CONFIG_CAPACITY 0x00 /* in the config: u64, sectors */

#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12 /* the queue address is a page number */
#define VIRTIO_VRING_ALIGN 4096        /* where the used ring starts */

/* Device status bits: how far the driver got. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1 /* the driver saw the device */
#define VIRTIO_STATUS_DRIVER 2      /* ... and knows how to drive it */
#define VIRTIO_STATUS_DRIVER_OK 4   /* ... and is ready */
#define VIRTIO_STATUS_FAILED 128    /* ... and gave up */

#define VIRTIO_BLK_F_RO 5 /* feature bit: the disk is read-only */

/* Descriptor flags. */
#define VRING_DESC_F_NEXT 1  /* the chain goes on at .next */
#define VRING_DESC_F_WRITE 2 /* the device writes this buffer */

/* Request types and status values (virtio 1.0 spec, 5.2.6). */
#define VIRTIO_BLK_T_IN 0  /* read from the disk */
#define VIRTIO_BLK_T_OUT 1 /* write to the disk */
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_S_NONE 0xff /* ours: the device has not written it */

#define VIRTIO_BLK_QUEUE 0            /* a disk's one request queue */
#define VIRTIO_BLK_MAX_SECTORS 256    /* one request moves at most 128 KiB */
#define VIRTIO_BLK_TIMEOUT_NS (10ull * 1000 * 1000 * 1000) /* 10 s */

struct vring_desc {
	u64 addr; /* physical */
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_avail {
	u16 flags;
	u16 idx;    /* where the driver will put its next chain, mod N */
	u16 ring[]; /* head descriptors of the chains offered */
};

struct vring_used_elem {
	u32 id;  /* head descriptor of a finished chain */
	u32 len; /* bytes the device wrote into it */
};

struct vring_used {
	u16 flags;
	u16 idx; /* where the device will put its next answer, mod N */
	struct vring_used_elem ring[];
};
/* The layouts the spec gives, with no padding anywhere. */
_Static_assert(sizeof(struct vring_desc) == 16, "a descriptor is 16 bytes");
_Static_assert(sizeof(struct vring_used) == 4, "used ring entries start at 4");

/* The parts of a request the driver owns: header and status byte. */
struct virtio_blk_req {
	u32 type;
	u32 reserved;
	u64 sector;
	u8 status;
} __packed;
#define VIRTIO_BLK_REQ_HDR_SIZE 16 /* type, reserved, sector */

/* The longest chain: header, one descriptor a page, status. */
#define CHAIN_MAX (BLKDEV_MAX_PAGES + 2)

/* Who waits for a request: on the submitter's stack. */
struct waiter {
	bool done;              /* the device has answered */
	u8 status;              /* ... with this status */
	struct wait_queue wait; /* the submitter, sleeping until done */
	const struct blk_io *io; /* its done() runs at the answer, or NULL */
};

/* A request slot: its descriptors are CHAIN_MAX * its number on. */
struct request_slot {
	struct virtio_blk_req req; /* the device reads and writes it */
	struct waiter *waiter;     /* NULL: the slot is free */
};

struct virtio_blk {
	struct blkdev blk;
	const struct pci_dev *pci;
	u16 iobase;  /* first port of the legacy registers */
	u16 qsize;   /* N: descriptors in the queue */
	unsigned ring_order;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	struct spinlock lock; /* slots, rings, used_seen (the handler too) */
	u16 used_seen;  /* used->idx when the last answer was taken */
	bool broken;    /* a request timed out: the queue is the device's */
	bool irq;       /* its interrupt line is served: submitters sleep */
	unsigned nslots; /* qsize / CHAIN_MAX */
	struct request_slot *slots;
	struct wait_queue slot_wait; /* tasks waiting for a free slot */
	struct waiter lost;          /* owns the slots of timed-out requests */
};

static unsigned nr_disks;
static struct virtio_blk *disks[MAX_BLKDEVS];
static bool line_taken[NR_IRQS]; /* the handler is registered on the line */

/* vring_used_offset - where the used ring of a legacy queue of n entries
 * starts: after the descriptors and the avail ring (flags, idx, n entries,
 * used_event), at the next VIRTIO_VRING_ALIGN boundary. */
static u64 vring_used_offset(u16 n)
{
	return ALIGN_UP(sizeof(struct vring_desc) * n + 2 * (3ull + n),
			(u64)VIRTIO_VRING_ALIGN);
}

/* vring_size - bytes of the whole queue: the used ring is flags, idx,
 * n entries and avail_event. */
static u64 vring_size(u16 n)
{
	return vring_used_offset(n) + 2 * 3 + sizeof(struct vring_used_elem) * n;
}

/* setup_queue - allocate queue 0 in zeroed frames and give it to the
 * device: 0, or -ENOMEM / -ENODEV (the device has no queue 0). */
static int setup_queue(struct virtio_blk *vb)
{
	struct page *pages;
	u8 *ring;
	u64 bytes;

	pci_io_write16(vb->iobase + VIRTIO_PCI_QUEUE_SEL, VIRTIO_BLK_QUEUE);
	vb->qsize = pci_io_read16(vb->iobase + VIRTIO_PCI_QUEUE_SIZE);
	if (vb->qsize < CHAIN_MAX) /* a chain of pages, header, status */
		return -ENODEV;
	vb->nslots = vb->qsize / CHAIN_MAX;
	bytes = vring_size(vb->qsize);
	while ((PAGE_SIZE << vb->ring_order) < bytes)
		vb->ring_order++;
	pages = frames_alloc(vb->ring_order);
	if (!pages)
		return -ENOMEM;
	ring = phys_to_virt(page_to_phys(pages));
	memset(ring, 0, PAGE_SIZE << vb->ring_order);
	vb->desc = (struct vring_desc *)ring;
	vb->avail = (struct vring_avail *)(ring + sizeof(struct vring_desc) * vb->qsize);
	vb->used = (struct vring_used *)(ring + vring_used_offset(vb->qsize));
	pci_io_write32(vb->iobase + VIRTIO_PCI_QUEUE_PFN,
		       (u32)(page_to_phys(pages) >> VIRTIO_PCI_QUEUE_ADDR_SHIFT));
	return 0;
}

/* reap - with vb->lock held: take the device's answers off the used ring:
 * each one's status goes to its waiter, which is woken, and its slot is
 * free again (even before the waiter runs). */
static void reap(struct virtio_blk *vb)
{
	volatile u16 *used_idx = &vb->used->idx;

	while (*used_idx != vb->used_seen) {
		struct request_slot *rs;
		struct waiter *w;
		u32 head;

		dma_rmb(); /* read the entry only after seeing idx move */
		head = vb->used->ring[vb->used_seen % vb->qsize].id;
		vb->used_seen++;
		if (head % CHAIN_MAX || head / CHAIN_MAX >= vb->nslots ||
		    !vb->slots[head / CHAIN_MAX].waiter) {
			pr_err("virtio_blk: %s: the device answered descriptor %u, "
			       "which heads no request\n", vb->blk.name, head);
			continue;
		}
		rs = &vb->slots[head / CHAIN_MAX];
		w = rs->waiter;
		if (w == &vb->lost) /* timed out: the device let go at last */
			continue;
		w->status = rs->req.status;
		w->done = true;
		rs->waiter = NULL;
		if (w->io)
			w->io->done(w->io->arg, w->status == VIRTIO_BLK_S_OK ? 0 : -EIO);
		wake_up(&w->wait);
		wake_up(&vb->slot_wait);
	}
}

/* The interrupt: reading ISR acknowledges it (and lowers the line); the
 * answers are reaped by its deferred work (vmos/bkl.h).  Lines are shared (level-triggered PCI): every
 * disk is asked, or one could keep the line up for ever. */
static void virtio_blk_interrupt(struct trap_frame *tf)
{
	(void)tf;
	for (unsigned i = 0; i < nr_disks; i++)
		(void)pci_io_read8(disks[i]->iobase + VIRTIO_PCI_ISR);
}

/* The interrupt's deferred work (under the kernel lock): the answers. */
static void virtio_blk_interrupt_work(void)
{
	for (unsigned i = 0; i < nr_disks; i++) {
		struct virtio_blk *vb = disks[i];
		u64 flags = spin_lock_irqsave(&vb->lock);

		reap(vb);
		spin_unlock_irqrestore(&vb->lock, flags);
	}
}

/*
 * wait_once - with vb->lock held and interrupts off: wait for the device
 * once, sleeping on wq until woken (sleep) or halting until an interrupt
 * and reaping here (polling).  False once the deadline has passed.
 */
static __sched bool wait_once(struct virtio_blk *vb, struct wait_queue *wq,
			      bool sleep, u64 deadline)
{
	if (arch_clock_ns() > deadline)
		return false;
	spin_unlock(&vb->lock);
	if (sleep)
		wait_sleep_uninterruptible(wq, deadline);
	else if (vb->irq && kernel_locked_here())
		kernel_wait_irq(); /* the interrupt comes to CPU 0, which wakes
				      this one (vmos/bkl.h) */
	else if (vb->irq)
		arch_wait_irq(); /* hands the CPU to QEMU's I/O thread, where
				    spinning would make it wait its turn */
	spin_lock(&vb->lock);
	if (!sleep)
		reap(vb);
	return true;
}

/* free_slot - a slot no request owns, or NULL. */
static struct request_slot *free_slot(struct virtio_blk *vb)
{
	for (unsigned i = 0; i < vb->nslots; i++)
		if (!vb->slots[i].waiter)
			return &vb->slots[i];
	return NULL;
}

/* One piece of a request's data: len bytes at buf (direct-map memory). */
struct segment {
	void *buf;
	u32 len;
};

/* post - with vb->lock held: offer a request in slot rs to the device. */
static void post(struct virtio_blk *vb, struct request_slot *rs, u64 sector,
		 const struct segment *segs, unsigned nsegs, bool write)
{
	u16 head = (u16)((rs - vb->slots) * CHAIN_MAX);
	struct vring_desc *d = &vb->desc[head];

	rs->req = (struct virtio_blk_req){
		.type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN,
		.sector = sector, .status = VIRTIO_BLK_S_NONE };
	d[0] = (struct vring_desc){ virt_to_phys(&rs->req), VIRTIO_BLK_REQ_HDR_SIZE,
				    VRING_DESC_F_NEXT, (u16)(head + 1) };
	for (unsigned i = 0; i < nsegs; i++)
		d[1 + i] = (struct vring_desc){
			virt_to_phys(segs[i].buf), segs[i].len,
			VRING_DESC_F_NEXT | (write ? 0 : VRING_DESC_F_WRITE),
			(u16)(head + 2 + i) };
	d[1 + nsegs] = (struct vring_desc){ virt_to_phys(&rs->req.status), 1,
					    VRING_DESC_F_WRITE, 0 };
	vb->avail->ring[vb->avail->idx % vb->qsize] = head;
	dma_wmb(); /* the device must see the chain before the new idx */
	vb->avail->idx++;
	dma_wmb();
	pci_io_write16(vb->iobase + VIRTIO_PCI_QUEUE_NOTIFY, VIRTIO_BLK_QUEUE);
}

/* virtio_blk_submit - one request: the sectors from sector on, their data
 * in nsegs segments (a chain of descriptors: header, the segments,
 * status); waits for the device, sleeping if may_sleep and the context
 * allows (a sleeping task's wchan is this function): 0 or -EIO (logged). */
static int virtio_blk_submit(struct virtio_blk *vb, u64 sector,
			     const struct segment *segs, unsigned nsegs,
			     bool write, bool may_sleep, const struct blk_io *io)
{
	const char *op = write ? "write" : "read";
	u64 deadline = arch_clock_ns() + VIRTIO_BLK_TIMEOUT_NS, flags;
	bool sleep = may_sleep && vb->irq && sched_can_sleep();
	struct waiter w = { .io = io };
	struct request_slot *rs;
	u32 count = 0;

	for (unsigned i = 0; i < nsegs; i++)
		count += segs[i].len >> SECTOR_SHIFT;
	flags = arch_irq_save();
	spin_lock(&vb->lock);
	/* A caller with a struct blk_io has pages that others wait for
	 * already (locked in the swap cache), some with the CPU halted until
	 * done(): its request must go out without this task sleeping first.
	 * Slots free up in reap(), from the interrupt, so halting is enough. */
	while (!(rs = free_slot(vb)))
		if (!wait_once(vb, &vb->slot_wait, sleep && !io, deadline))
			goto timeout;
	rs->waiter = &w;
	post(vb, rs, sector, segs, nsegs, write);
	while (!w.done)
		if (!wait_once(vb, &w.wait, sleep, deadline)) {
			rs->waiter = &vb->lost; /* w is gone once we return */
			goto timeout;
		}
	spin_unlock(&vb->lock);
	arch_irq_restore(flags);
	if (w.status != VIRTIO_BLK_S_OK) {
		pr_err("virtio_blk: %s: %s of %u sectors at %lu failed: status %u (%s)\n",
		       vb->blk.name, op, count, sector, w.status,
		       w.status == VIRTIO_BLK_S_IOERR ? "I/O error" :
		       w.status == VIRTIO_BLK_S_UNSUPP ? "unsupported" :
							 "not written");
		return -EIO;
	}
	return 0;

timeout:
	vb->broken = true;
	spin_unlock(&vb->lock);
	arch_irq_restore(flags);
	if (io)
		io->done(io->arg, -EIO);
	pr_err("virtio_blk: %s: %s of %u sectors at %lu: no answer in %llu s; "
	       "the disk is disabled\n", vb->blk.name, op, count, sector,
	       VIRTIO_BLK_TIMEOUT_NS / 1000000000);
	return -EIO;
}

static struct virtio_blk *usable(struct blkdev *dev)
{
	struct virtio_blk *vb = container_of(dev, struct virtio_blk, blk);

	if (vb->broken) {
		pr_err("virtio_blk: %s: disabled after a timeout\n", dev->name);
		return NULL;
	}
	return vb;
}

/* virtio_blk_transfer - the blkdev operation: requests of at most
 * VIRTIO_BLK_MAX_SECTORS each (blkdev.c checked the range and buffer). */
static int virtio_blk_transfer(struct blkdev *dev, u64 sector, void *buf,
			       u32 count, bool write)
{
	struct virtio_blk *vb = usable(dev);

	if (!vb)
		return -EIO;
	while (count) {
		u32 n = MIN(count, VIRTIO_BLK_MAX_SECTORS);
		struct segment seg = { buf, n << SECTOR_SHIFT };
		int err = virtio_blk_submit(vb, sector, &seg, 1, write, true, NULL);

		if (err)
			return err;
		sector += n;
		count -= n;
		buf = (u8 *)buf + ((u64)n << SECTOR_SHIFT);
	}
	return 0;
}

/* virtio_blk_transfer_pages - the blkdev operation for n pages anywhere in
 * memory and consecutive on the disk: one request (n <= BLKDEV_MAX_PAGES);
 * the task sleeps only if the caller gave a struct blk_io. */
static int virtio_blk_transfer_pages(struct blkdev *dev, u64 sector,
				     void *const *pages, unsigned n, bool write,
				     const struct blk_io *io)
{
	struct virtio_blk *vb = usable(dev);
	struct segment segs[BLKDEV_MAX_PAGES];

	if (!vb) {
		if (io)
			io->done(io->arg, -EIO);
		return -EIO;
	}
	for (unsigned i = 0; i < n; i++)
		segs[i] = (struct segment){ pages[i], PAGE_SIZE };
	return virtio_blk_submit(vb, sector, segs, n, write, io != NULL, io);
}

static const struct blkdev_ops virtio_blk_ops = {
	.transfer = virtio_blk_transfer,
	.transfer_pages = virtio_blk_transfer_pages,
};

static void set_status(struct virtio_blk *vb, u8 bits)
{
	u8 status = bits ? pci_io_read8(vb->iobase + VIRTIO_PCI_STATUS) | bits : 0;

	pci_io_write8(vb->iobase + VIRTIO_PCI_STATUS, status);
}

static u64 read_capacity(struct virtio_blk *vb)
{
	u16 port = vb->iobase + VIRTIO_PCI_CONFIG + VIRTIO_BLK_CONFIG_CAPACITY;

	return pci_io_read32(port) | (u64)pci_io_read32(port + 4) << 32;
}

/*
 * probe - bring up one disk: reset, say hello, agree on features (we use
 * none; a read-only disk says so in one), set up the queue, go.  0 or
 * -errno; on failure the device is left marked FAILED.
 */
static int probe(struct virtio_blk *vb)
{
	u32 features;
	int err;

	pci_enable_device(vb->pci);
	set_status(vb, 0); /* reset */
	set_status(vb, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(vb, VIRTIO_STATUS_DRIVER);
	features = pci_io_read32(vb->iobase + VIRTIO_PCI_HOST_FEATURES);
	vb->blk.read_only = features & (1u << VIRTIO_BLK_F_RO);
	pci_io_write32(vb->iobase + VIRTIO_PCI_GUEST_FEATURES,
		       features & (1u << VIRTIO_BLK_F_RO));
	err = setup_queue(vb);
	if (!err && !(vb->slots = kzalloc(vb->nslots * sizeof(*vb->slots))))
		err = -ENOMEM;
	if (err) {
		set_status(vb, VIRTIO_STATUS_FAILED);
		return err;
	}
	vb->blk.sectors = read_capacity(vb);
	vb->blk.ops = &virtio_blk_ops;
	vb->blk.private = vb;
	set_status(vb, VIRTIO_STATUS_DRIVER_OK);
	return 0;
}

/* release - undo probe() for a disk that could not be registered. */
static void release(struct virtio_blk *vb)
{
	set_status(vb, 0); /* reset: the device forgets the queue */
	if (vb->desc)
		frames_free(phys_to_page(virt_to_phys(vb->desc)), vb->ring_order);
	kfree(vb->slots);
	kfree(vb);
}

static void add_disk(const struct pci_dev *pci)
{
	struct virtio_blk *vb = kzalloc(sizeof(*vb));
	int err;

	if (!vb) {
		pr_err("virtio_blk: out of memory\n");
		return;
	}
	vb->pci = pci;
	spin_lock_init(&vb->lock, "virtio_blk.lock");
	vb->iobase = pci_bar_io_port(pci, 0);
	ksnprintf(vb->blk.name, sizeof(vb->blk.name), "vd%c", 'a' + nr_disks);
	err = vb->iobase ? probe(vb) : -ENODEV;
	if (!err)
		err = blkdev_register(&vb->blk);
	if (err) {
		pr_err("virtio_blk %02x:%02x.%x: cannot set it up: error %d\n",
		       pci->bus, pci->slot, pci->func, err);
		if (vb->iobase)
			release(vb);
		else
			kfree(vb);
		return;
	}
	disks[nr_disks++] = vb;
	/* One handler a line serves every disk (it asks them all). */
	if (pci->irq_line < NR_IRQS && pci->irq_line != IRQ_TIMER) {
		if (!line_taken[pci->irq_line])
			irq_register(pci->irq_line, virtio_blk_interrupt,
				     virtio_blk_interrupt_work);
		line_taken[pci->irq_line] = true;
		vb->irq = true;
	}
	pr_info("virtio_blk %02x:%02x.%x: [%s] %lu 512-byte sectors (%lu %s)%s, "
		"queue of %u (%u requests at once), %s\n", pci->bus, pci->slot,
		pci->func, vb->blk.name, vb->blk.sectors,
		vb->blk.sectors >= MiB(1) / SECTOR_SIZE ? vb->blk.sectors >> 11
							: vb->blk.sectors >> 1,
		vb->blk.sectors >= MiB(1) / SECTOR_SIZE ? "MiB" : "KiB",
		vb->blk.read_only ? ", read-only" : "", vb->qsize, vb->nslots,
		vb->irq ? "interrupt-driven" : "polled");
}

void virtio_blk_init(void)
{
	const struct pci_dev *pci;

	for (unsigned i = 0; (pci = pci_device(i)); i++) {
		if (pci->vendor != VIRTIO_VENDOR)
			continue;
		if (pci->device == VIRTIO_BLK_LEGACY_ID)
			add_disk(pci);
		else if (pci->device == VIRTIO_BLK_MODERN_ID)
			pr_warn("virtio_blk %02x:%02x.%x: a virtio 1.0-only disk; "
				"this driver speaks the legacy interface only\n",
				pci->bus, pci->slot, pci->func);
	}
}
