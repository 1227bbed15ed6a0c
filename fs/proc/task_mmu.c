/*
 * fs/proc/task_mmu.c - a process's memory in /proc/PID, as Linux's
 * fs/proc/task_mmu.c: maps, smaps, smaps_rollup, statm, the memory lines
 * of status, and pagemap (the formats: fs/procfmt.c).
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/proc/internal.h"
#include "mm/mm.h"
#include "mm/pagetable.h"

/* ---- status and statm ---- */

/* task_memory - the memory figures status and statm show for t: its
 * address space's, or for a zombie those noted as it exited (false if
 * there are none). */
static bool task_memory(struct task *t, struct task_mem *tm)
{
	if (t->mm) {
		mm_task_mem(t->mm, tm);
		return true;
	}
	if (t->state == TASK_ZOMBIE && t->exit_mem_valid) {
		*tm = t->exit_mem;
		return true;
	}
	return false;
}

/* status_mem - status's memory lines (procfmt_status_mem), while t has
 * memory figures (task_memory). */
void status_mem(struct task *t, struct pbuf *b)
{
	struct task_mem tm;

	if (task_memory(t, &tm))
		procfmt_status_mem(b, &tm);
}

/* statm: sizes in pages (procfmt_statm); all 0 without memory. */
void show_statm(struct task *t, struct pbuf *b)
{
	struct task_mem tm = { 0 };

	if (t->mm)
		mm_task_mem(t->mm, &tm);
	procfmt_statm(b, &tm);
}

/* ---- maps, smaps, smaps_rollup ---- */

/* region_entry - what the header line of region v of mm shows. */
static struct maps_entry region_entry(const struct mm *mm,
				      const struct vm_area_struct *v)
{
	const struct file *f = v->vm_file;

	return (struct maps_entry){
		.start = v->vm_start,
		.end = v->vm_end,
		.vm_flags = v->vm_flags,
		.offset = f ? v->vm_pgoff * PAGE_SIZE : 0,
		.major = f ? MAJOR(f->inode->dev) : 0,
		.minor = f ? MINOR(f->inode->dev) : 0,
		.ino = f ? f->inode->ino : 0,
		.name = mm_region_name(mm, v),
	};
}

/* show_regions - a maps line per region of t, or with_pages an smaps
 * block: the line, then what its pages are (mm_region_stats). */
static void show_regions(struct task *t, struct pbuf *b, bool with_pages)
{
	struct mm *mm = t->mm;

	if (!mm)
		return;
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
	     v = vma_next(&mm->vmas, v)) {
		struct maps_entry e = region_entry(mm, v);
		struct mem_size_stats mss = { 0 };

		if (!with_pages) {
			procfmt_maps_line(b, &e);
			continue;
		}
		mm_region_stats(mm, v, &mss);
		procfmt_smaps(b, &e, &mss);
	}
}

void show_maps(struct task *t, struct pbuf *b)
{
	show_regions(t, b, false);
}

void show_smaps(struct task *t, struct pbuf *b)
{
	show_regions(t, b, true);
}

/* smaps_rollup: the sums over all regions, from the first region's start
 * to the last one's end.  An address space with no region at all (every
 * page unmapped) shows the range 0-0 with every sum 0, as Linux's
 * show_smaps_rollup does. */
void show_smaps_rollup(struct task *t, struct pbuf *b)
{
	struct mm *mm = t->mm;
	struct mem_size_stats mss = { 0 };

	if (!mm)
		return;
	if (!vma_first(&mm->vmas)) {
		procfmt_smaps_rollup(b, 0, 0, &mss);
		return;
	}
	mm_rollup_stats(mm, &mss);
	procfmt_smaps_rollup(b, vma_first(&mm->vmas)->vm_start,
			     vma_last(&mm->vmas)->vm_end, &mss);
}

/* ---- pagetable (vmos; lab pgtbl) ---- */

/*
 * /proc/PID/pagetable: the process's page table as xv6's vmprint shows
 * it, one line per present entry of the user half, indented by depth:
 *   PML4[  0] = 0x0000000001234027 -> 0x1234000  P RW US A
 *       PT  [ 16] = 0x8000000001237067 -> 0x1237000  va 0x410000  P RW US A D NX
 * the level, the index in its table, the raw entry, the physical address
 * it holds (the next table, or the page), and for a page its virtual
 * address.  The walk is mm/pagetable.c's pt_dump() (docs/labs/pgtbl.md).
 * Physical addresses are for root only, as pagemap's frame numbers.
 */
struct dump_state {
	struct pbuf *b;
	u64 entries[PT_LEVELS + 1]; /* per level */
};

static void dump_entry(int level, unsigned index, pte_t e, u64 va, void *arg)
{
	static const char *const names[] = { "?", "PT", "PD", "PDPT", "PML4" };
	static const struct { pte_t bit; const char *name; } bits[] = {
		{ PTE_P, "P" }, { PTE_W, "RW" }, { PTE_U, "US" }, { PTE_A, "A" },
		{ PTE_D, "D" }, { PTE_PS, "PS" }, { PTE_G, "G" }, { PTE_NX, "NX" },
	};
	struct dump_state *s = arg;
	bool page = level == 1 || (e & PTE_PS);

	if (level < 1 || level > PT_LEVELS)
		return;
	s->entries[level]++;
	/* indented by depth: one space for the PML4, four for a PT */
	pbuf_printf(s->b, "%s%-4s[%3u] = 0x%016lx -> 0x%lx", &"    "[level - 1],
		    names[level], index, e,
		    (u64)(e & PTE_PS ? e & PTE_LARGE_ADDR_MASK : pte_addr(e)));
	if (page)
		pbuf_printf(s->b, "  va 0x%lx", va);
	pbuf_printf(s->b, " ");
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
		if (e & bits[i].bit)
			pbuf_printf(s->b, " %s", bits[i].name);
	pbuf_printf(s->b, "\n");
}

void show_pagetable(struct task *t, struct pbuf *b)
{
	struct dump_state s = { .b = b };

	if (!t->mm)
		return;
	pbuf_printf(b, "page table of PID %d (%s): PML4 at 0x%lx, the user half\n",
		    t->pid, t->comm, t->mm->pgd);
	pt_dump(t->mm->pgd, dump_entry, &s);
	if (!s.entries[PT_LEVELS])
		pbuf_printf(b, "no entries: pt_dump() showed nothing (lab pgtbl's "
			    "skeleton? docs/labs/pgtbl.md)\n");
	else
		pbuf_printf(b, "%lu entries: %lu PML4, %lu PDPT, %lu PD, %lu PT\n",
			    s.entries[4] + s.entries[3] + s.entries[2] + s.entries[1],
			    s.entries[4], s.entries[3], s.entries[2], s.entries[1]);
}

/* ---- pagemap ---- */

/*
 * /proc/PID/pagemap: one 64-bit word per virtual page, read at offset
 * 8 * (address / PAGE_SIZE) (Linux's Documentation/admin-guide/mm/
 * pagemap.rst):
 *   bit 63 present, 62 swapped (never here), 61 a file page or shared
 *   anonymous memory (not a private anonymous page, nor the private copy
 *   of a file page), 56 exclusively mapped (page_mapcount() == 1: a file
 *   page mapped by one process is exclusive although the file also holds
 *   it), 55 soft-dirty (not tracked: 0, as on a Linux without
 *   CONFIG_MEM_SOFT_DIRTY), bits 0-54 the frame number.
 * Linux shows frame numbers only to a reader with CAP_SYS_ADMIN, decided
 * when the file is opened; here, to one whose effective uid is 0 at open.
 * Others read 0 there and every other bit as it is.  Offsets and lengths
 * must be multiples of 8, else -EINVAL.
 */
#define PM_PRESENT (1ull << 63)
#define PM_SWAP (1ull << 62)
#define PM_FILE_OR_SHARED (1ull << 61)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN_MASK ((1ull << 55) - 1)
#define PM_ENTRY_BYTES 8
#define PM_SHOW_PFN ((void *)1) /* f->private: the opener was root */

static u64 pagemap_entry(struct mm *mm, u64 va, bool show_pfn)
{
	struct page_info pi;
	u64 pm;

	if (!mm_page_info(mm, va, &pi))
		return 0;
	if (pi.swapped) /* bits 0-4 the area, 5-54 the slot */
		return PM_SWAP | (swp_type(pi.swap) & 0x1f) |
		       ((swp_offset(pi.swap) << 5) & PM_PFN_MASK);
	pm = PM_PRESENT | (show_pfn ? pi.pfn & PM_PFN_MASK : 0);
	if (pi.file_or_shared)
		pm |= PM_FILE_OR_SHARED;
	if (pi.exclusive)
		pm |= PM_EXCLUSIVE;
	return pm;
}

static int pagemap_open(struct inode *inode, struct file *f)
{
	int err = proc_open_check(node_of(inode), -ENOENT);

	f->private = capable(CAP_SYS_ADMIN) ? PM_SHOW_PFN : NULL;
	return err;
}

static long pagemap_read(struct file *f, struct uio *u, u64 *pos)
{
	struct task *t = node_task(node_of(f->inode)); /* gone: 0 bytes */
	bool show_pfn = f->private == PM_SHOW_PFN;
	u64 words[32];
	long done = 0;

	if ((*pos % PM_ENTRY_BYTES) || (u->len % PM_ENTRY_BYTES))
		return -EINVAL;
	if (!t || !t->mm)
		return 0;
	while (u->len) {
		size_t n = MIN(u->len / PM_ENTRY_BYTES, ARRAY_SIZE(words));
		long got;

		for (size_t i = 0; i < n; i++)
			words[i] = pagemap_entry(t->mm,
				(*pos / PM_ENTRY_BYTES + i) << PAGE_SHIFT, show_pfn);
		got = uio_copy_out(u, words, n * PM_ENTRY_BYTES);
		if (got < 0)
			return done ? done : got;
		*pos += (u64)got;
		done += got;
	}
	return done;
}

const struct file_operations proc_pagemap_fops = {
	.open = pagemap_open,
	.read = pagemap_read,
};
