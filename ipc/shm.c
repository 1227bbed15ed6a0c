/*
 * ipc/shm.c - System V shared memory, as Linux's ipc/shm.c: shmget,
 * shmat, shmdt and shmctl, with Linux's limits, ids and errors.
 *
 * A segment's bytes live in a shmem object (mm/shmem.h), sized to the
 * segment: the same object MAP_SHARED|MAP_ANONYMOUS memory maps, which
 * holds the pages (and their swap slots: segment pages are swapped like
 * Linux's, unless SHM_LOCKed).  shmat() maps it MAP_SHARED, so a fault
 * finds the object's page (mm/fault.c do_shared_anonymous_page) and every
 * attach in every process shares it; nothing here touches pages.
 *
 * Attaches are counted by the kernel's own reference counts: while a
 * segment is attached, one struct file (seg->file) stands for it and
 * every region mapping it holds a reference on that file (mm.c takes one
 * per region, so a fork or a split region counts again, and exec, exit
 * and munmap drop theirs).  shm_nattch is therefore seg->file->refcount,
 * and the file's release, run when the last region goes, is the "last
 * detach": it forgets the file and destroys a segment that IPC_RMID
 * marked SHM_DEST.
 *
 * A segment outlives its creator, as a file does, unless
 * /proc/sys/kernel/shm_rmid_forced is 1 (Linux's, default 0): then the
 * last detach destroys it, and so does its creator's exit when nothing
 * maps it (shm_exit); setting it destroys the orphans (shm_set_rmid_forced).
 *
 * Ids are Linux's: seq * IPCMNI + idx, with idx the lowest free slot and
 * seq moving on whenever a slot at or below the last one is reused.  The
 * inode number of the file is the id, and the file is named
 * "/SYSV<key in hex> (deleted)", which is how /proc/PID/maps shows it.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/procfmt.h"
#include "fs/internal.h"
#include <vmos/printk.h>
#include "kernel/rlimit.h"
#include "ipc/shm.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/shmem.h"
#include <asm/page.h>

/* Flags and commands, Linux's values (include/uapi/linux/ipc.h, shm.h). */
#define IPC_PRIVATE 0
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_STAT 13
#define SHM_INFO 14
#define SHM_STAT_ANY 15
#define SHM_RDONLY 010000 /* shmat flags */
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHM_DEST 01000   /* mode bits IPC_STAT shows */
#define SHM_LOCKED 02000
#define S_IRWXUGO 0777
#define S_IRUGO 0444
#define S_IWUGO 0222

/* Linux's defaults (include/uapi/linux/shm.h): no practical size limit. */
#define SHMMIN 1ul
#define SHMMAX (~0ul - (1ul << 24)) /* bytes in one segment */
#define SHMALL (~0ul - (1ul << 24)) /* pages in all segments */
#define SHMMNI 4096                 /* segments */
#define SHMSEG SHMMNI               /* attaches per process (not enforced) */
#define SHMLBA PAGE_SIZE            /* attach addresses are multiples */
#define IPCMNI 32768                /* ids: seq * IPCMNI + idx */
#define IPCID_SEQ_MAX (0x7fffffff / IPCMNI)

struct shm_segment {
	int id;
	int key;             /* IPC_PRIVATE once IPC_RMID marked it */
	u32 uid, gid, cuid, cgid;
	u32 mode;            /* permissions | SHM_DEST | SHM_LOCKED */
	u16 seq;
	u64 segsz;           /* bytes, as asked */
	s64 atime, dtime, ctime; /* seconds since the epoch */
	int cpid, lpid;      /* creator, last shmat/shmdt */
	struct task *creator; /* the creating thread; NULL once it exited */
	struct inode *inode; /* the bytes: a shmem object (one reference) */
	struct file *file;   /* what attaches map; NULL while none is */
	char name[24];       /* "/SYSV%08x (deleted)" with the first key */
};

static struct shm_segment *segments[SHMMNI];
static int nr_segments, last_idx = -1;
static int seq;
static u64 shm_tot; /* pages of all segments */
u64 shm_rmid_forced; /* /proc/sys/kernel/shm_rmid_forced */

static const struct file_operations shm_file_fops;

bool is_shm_file(const struct file *f)
{
	return f && f->fops == &shm_file_fops;
}

static s64 now_seconds(void)
{
	return (s64)(ktime_get_real_ns() / 1000000000ul);
}

/* The caller's effective group (kernel/task.h: struct task_cred). */
static u32 current_egid(void)
{
	return current->cred.egid;
}

static u64 seg_pages(const struct shm_segment *s)
{
	return (s->segsz + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* nattch - the regions that map s (see the comment at the top). */
static u64 nattch(const struct shm_segment *s)
{
	return s->file ? s->file->refcount : 0;
}

/* shm_lookup - the segment with this id, or NULL (Linux: EINVAL). */
static struct shm_segment *shm_lookup(int id)
{
	struct shm_segment *s;

	if (id < 0)
		return NULL;
	s = segments[(u32)id % IPCMNI % SHMMNI];
	return s && s->id == id ? s : NULL;
}

static struct shm_segment *find_key(int key)
{
	for (int i = 0; i < SHMMNI; i++)
		if (segments[i] && segments[i]->key == key)
			return segments[i];
	return NULL;
}

/* max_idx - the highest slot in use, or -1 (IPC_INFO's return value). */
static int max_idx(void)
{
	for (int i = SHMMNI - 1; i >= 0; i--)
		if (segments[i])
			return i;
	return -1;
}

/*
 * ipcperms - Linux's check of flag's rwx bits (each of the three groups
 * counts) against the owner's, group's or others' bits of s; root may do
 * anything (CAP_IPC_OWNER).  0 or -EACCES.
 */
static int ipcperms(const struct shm_segment *s, int flag)
{
	u32 euid = current->cred.euid, egid = current_egid();
	int requested = (flag >> 6 | flag >> 3 | flag) & 7;
	int granted = (int)s->mode;

	if (euid == s->uid || euid == s->cuid)
		granted >>= 6;
	else if (egid == s->gid || egid == s->cgid || in_group_p(s->gid) ||
		 in_group_p(s->cgid))
		granted >>= 3;
	if ((requested & ~granted & 7) && !capable(CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

/* may_change - IPC_SET, IPC_RMID: the owner, the creator or CAP_SYS_ADMIN. */
static bool may_change(const struct shm_segment *s)
{
	u32 euid = current->cred.euid;

	return euid == s->uid || euid == s->cuid || capable(CAP_SYS_ADMIN);
}

/* shm_destroy - forget s and free it; its pages go with the last
 * reference on its inode (an attach still mapping them keeps them). */
static void shm_destroy(struct shm_segment *s)
{
	segments[(u32)s->id % IPCMNI % SHMMNI] = NULL;
	nr_segments--;
	shm_tot -= seg_pages(s);
	iput(s->inode);
	kfree(s);
}

/* shm_may_destroy - Linux's rule: nothing maps s, and IPC_RMID marked
 * it or shm_rmid_forced is set. */
static bool shm_may_destroy(const struct shm_segment *s)
{
	return nattch(s) == 0 && (shm_rmid_forced || (s->mode & SHM_DEST));
}

/* The last region mapping the segment is gone (file_put's release). */
static void shm_file_release(struct file *f)
{
	struct shm_segment *s = f->private;

	s->file = NULL;
	if (shm_may_destroy(s))
		shm_destroy(s);
}

void shm_exit(struct task *t)
{
	/* Every exit comes here: stop at the last segment there is (most
	 * often none) rather than look at all SHMMNI slots. */
	for (int i = 0, left = nr_segments; left; i++) {
		struct shm_segment *s = segments[i];

		if (!s)
			continue;
		left--;
		if (s->creator != t)
			continue;
		s->creator = NULL;
		if (shm_may_destroy(s))
			shm_destroy(s);
	}
}

void shm_set_rmid_forced(u64 on)
{
	shm_rmid_forced = on;
	if (!on)
		return;
	for (int i = 0; i < SHMMNI; i++) /* Linux's shm_destroy_orphaned */
		if (segments[i] && !segments[i]->creator && shm_may_destroy(segments[i]))
			shm_destroy(segments[i]);
}

/* No read or write through it: it has no descriptor, only mappings. */
static const struct file_operations shm_file_fops = {
	.release = shm_file_release,
};

/* shm_file - the file attaches of s map, with a reference for the
 * caller, or NULL when out of memory. */
static struct file *shm_file(struct shm_segment *s)
{
	struct file *f;
	int err;

	if (s->file) {
		file_get(s->file);
		return s->file;
	}
	f = file_open_inode(s->inode, O_RDWR, s->name, &err);
	if (!f)
		return NULL;
	f->fops = &shm_file_fops;
	f->private = s;
	s->file = f;
	return f;
}

/* alloc_slot - the lowest free slot and the id it gets (Linux 6.1's
 * ipc_idr_alloc).  There must be one (newseg checked nr_segments). */
static int alloc_slot(int *id)
{
	int idx = 0;

	while (idx < SHMMNI && segments[idx])
		idx++;
	if (idx == SHMMNI)
		panic("alloc_slot: %d segments and no free slot", nr_segments);
	if (idx <= last_idx && ++seq >= IPCID_SEQ_MAX)
		seq = 0;
	last_idx = idx;
	*id = (int)seq * IPCMNI + idx;
	return idx;
}

/* newseg - a new segment of size bytes: its id or -errno. */
static long newseg(int key, u64 size, int shmflg)
{
	u64 pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	struct shm_segment *s;
	int idx, id = 0;

	if (size < SHMMIN || size > SHMMAX)
		return -EINVAL;
	if (shm_tot + pages < shm_tot || shm_tot + pages > SHMALL)
		return -ENOSPC;
	if (nr_segments >= SHMMNI)
		return -ENOSPC;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	/* A segment bigger than memory and swap is refused, as Linux's
	 * heuristic overcommit refuses it (shmem_new_inode). */
	s->inode = shmem_new_inode(size);
	if (!s->inode) {
		kfree(s);
		return -ENOMEM;
	}
	s->inode->mode = S_IFREG | ((u32)shmflg & S_IRWXUGO);
	idx = alloc_slot(&id);
	s->id = id;
	s->key = key;
	s->uid = s->cuid = current->cred.euid;
	s->gid = s->cgid = current_egid();
	s->mode = (u32)shmflg & S_IRWXUGO;
	s->seq = (u16)seq;
	s->segsz = size;
	s->ctime = now_seconds();
	s->cpid = current->tgid;
	s->creator = current;
	s->inode->ino = (u32)id; /* maps shows the id as the inode */
	ksnprintf(s->name, sizeof(s->name), "/SYSV%08x (deleted)", (u32)key);
	segments[idx] = s;
	nr_segments++;
	shm_tot += pages;
	return id;
}

/*
 * shmget: the segment of key (created with IPC_CREAT if there is none,
 * -EEXIST with IPC_EXCL if there is one), or always a new one for
 * IPC_PRIVATE.  An existing one must be at least size bytes (-EINVAL) and
 * allow the access of shmflg's permission bits (-EACCES).
 */
SYSCALL_DEFINE3(shmget, int, key, u64, size, int, shmflg)
{
	struct shm_segment *s;

	if (key == IPC_PRIVATE)
		return newseg(key, size, shmflg);
	s = find_key(key);
	if (!s)
		return (shmflg & IPC_CREAT) ? newseg(key, size, shmflg) : -ENOENT;
	if ((shmflg & IPC_CREAT) && (shmflg & IPC_EXCL))
		return -EEXIST;
	if (s->segsz < size)
		return -EINVAL;
	if (ipcperms(s, shmflg))
		return -EACCES;
	return s->id;
}

/* shmat_address - where an attach of len bytes goes: addr (a fixed one,
 * checked as mmap checks MAP_FIXED) or a free range; -errno. */
static s64 shmat_address(struct mm *mm, u64 addr, u64 len)
{
	if (!addr) {
		addr = mm_get_unmapped_area(mm, len);
		return addr ? (s64)addr : -ENOMEM;
	}
	if (len > STACK_TOP || addr > STACK_TOP - len)
		return -ENOMEM;
	if (addr < MMAP_MIN_ADDR)
		return -EPERM;
	return (s64)addr;
}

/*
 * shmat: map segment shmid at addr (0: where mmap would put it; a
 * multiple of SHMLBA, or rounded down with SHM_RND), read-write or
 * SHM_RDONLY, executable with SHM_EXEC.  A fixed address must be free
 * unless SHM_REMAP replaces what is there.  Returns the address.
 */
SYSCALL_DEFINE3(shmat, int, shmid, u64, addr, int, shmflg)
{
	struct mm *mm = current->mm;
	u64 vm_flags = VM_READ | VM_MAYREAD | VM_MAYEXEC | VM_SHARED | VM_MAYSHARE;
	int acc = S_IRUGO, err;
	struct shm_segment *s;
	struct file *f;
	u64 size, len;
	s64 where;

	if (shmid < 0)
		return -EINVAL;
	if (addr && (addr & (SHMLBA - 1))) {
		if (!(shmflg & SHM_RND))
			return -EINVAL;
		addr &= ~(SHMLBA - 1);
		if (!addr && (shmflg & SHM_REMAP))
			return -EINVAL;
	} else if (!addr && (shmflg & SHM_REMAP)) {
		return -EINVAL;
	}
	if (!(shmflg & SHM_RDONLY)) {
		vm_flags |= VM_WRITE | VM_MAYWRITE;
		acc |= S_IWUGO;
	}
	if (shmflg & SHM_EXEC) {
		vm_flags |= VM_EXEC;
		acc |= S_IXUGO;
	}
	s = shm_lookup(shmid);
	if (!s)
		return -EINVAL;
	if (ipcperms(s, acc))
		return -EACCES;
	size = s->segsz;
	len = ALIGN_UP(size, PAGE_SIZE);
	if (addr && !(shmflg & SHM_REMAP) &&
	    (addr + size < addr ||
	     find_vma_intersection(&mm->vmas, addr, addr + size)))
		return -EINVAL;
	where = shmat_address(mm, addr, len);
	if (where < 0)
		return where;
	f = shm_file(s);
	if (!f)
		return -ENOMEM;
	err = mm_map_file(mm, (u64)where, len, vm_flags, f, 0);
	s->atime = now_seconds();
	s->lpid = current->tgid;
	file_put(f); /* the region holds its own; s may be gone on failure */
	return err ? err : where;
}

/* detach_one - unmap region v, which maps a segment. */
static void detach_one(struct mm *mm, struct vm_area_struct *v)
{
	mm_unmap(mm, v->vm_start, v->vm_end - v->vm_start);
}

/* attach_piece - does v map a segment from its start at addr on? */
static bool attach_piece(const struct vm_area_struct *v, u64 addr)
{
	return is_shm_file(v->vm_file) &&
	       (v->vm_start - addr) >> PAGE_SHIFT == v->vm_pgoff;
}

/*
 * shmdt: detach the attach that starts at addr (Linux's rule: the first
 * region at or above addr that maps a segment from offset addr), then
 * every other piece of it within the segment's size (mprotect may have
 * split it).  -EINVAL if there is none.
 */
SYSCALL_DEFINE1(shmdt, u64, addr)
{
	struct mm *mm = current->mm;
	struct vm_area_struct *v;
	struct file *f = NULL;
	struct shm_segment *s;
	u64 size;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	for (v = find_vma(&mm->vmas, addr); v; v = vma_next(&mm->vmas, v))
		if (attach_piece(v, addr))
			break;
	if (!v)
		return -EINVAL;
	f = v->vm_file;
	file_get(f); /* keeps s while its regions go */
	s = f->private;
	size = ALIGN_UP(s->segsz, PAGE_SIZE);
	for (u64 next; v && v->vm_end - addr <= size; v = find_vma(&mm->vmas, next)) {
		next = v->vm_end;
		if (attach_piece(v, addr) && v->vm_file == f)
			detach_one(mm, v);
	}
	s->dtime = now_seconds();
	s->lpid = current->tgid;
	file_put(f); /* the last detach of a removed segment destroys it */
	return 0;
}

/* Linux's struct ipc64_perm and shmid64_ds on x86-64 (musl's shmid_ds). */
struct ipc64_perm {
	s32 key;
	u32 uid, gid, cuid, cgid, mode;
	u16 seq, pad1;
	u32 pad2;
	u64 unused1, unused2;
};

struct shmid64_ds {
	struct ipc64_perm shm_perm;
	u64 shm_segsz;
	s64 shm_atime, shm_dtime, shm_ctime;
	s32 shm_cpid, shm_lpid;
	u64 shm_nattch, unused4, unused5;
};

struct shminfo64 {
	u64 shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};

struct shm_info {
	s32 used_ids;
	u32 pad;
	u64 shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

/* resident - pages of s in memory (its file's frames). */
static u64 resident(const struct shm_segment *s)
{
	return s->inode->blocks / (PAGE_SIZE / 512);
}

static void fill_stat(const struct shm_segment *s, struct shmid64_ds *d)
{
	memset(d, 0, sizeof(*d));
	d->shm_perm = (struct ipc64_perm){ .key = s->key, .uid = s->uid,
					   .gid = s->gid, .cuid = s->cuid,
					   .cgid = s->cgid, .mode = s->mode,
					   .seq = s->seq };
	d->shm_segsz = s->segsz;
	d->shm_atime = s->atime;
	d->shm_dtime = s->dtime;
	d->shm_ctime = s->ctime;
	d->shm_cpid = s->cpid;
	d->shm_lpid = s->lpid;
	d->shm_nattch = nattch(s);
}

/* IPC_INFO and SHM_INFO: the limits or the totals; the highest slot in
 * use (0 if none) is the return value. */
static long shm_info_cmd(int cmd, void __user *buf)
{
	int top = max_idx();

	if (cmd == IPC_INFO) {
		struct shminfo64 i = { SHMMAX, SHMMIN, SHMMNI, SHMSEG, SHMALL, { 0 } };

		if (copy_to_user(buf, &i, sizeof(i)))
			return -EFAULT;
	} else {
		struct shm_info i = { .used_ids = nr_segments, .shm_tot = shm_tot };

		for (int k = 0; k < SHMMNI; k++)
			if (segments[k]) {
				i.shm_rss += resident(segments[k]);
				i.shm_swp += shmem_swapped(segments[k]->inode);
			}
		if (copy_to_user(buf, &i, sizeof(i)))
			return -EFAULT;
	}
	return top < 0 ? 0 : top;
}

/* IPC_STAT (by id), SHM_STAT and SHM_STAT_ANY (by slot: they return the
 * id); all but SHM_STAT_ANY need read permission. */
static long shm_stat_cmd(int shmid, int cmd, void __user *buf)
{
	struct shm_segment *s;
	struct shmid64_ds d;

	if (cmd == IPC_STAT)
		s = shm_lookup(shmid);
	else
		s = shmid < SHMMNI ? segments[shmid] : NULL;
	if (!s)
		return -EINVAL;
	if (cmd != SHM_STAT_ANY && ipcperms(s, S_IRUGO))
		return -EACCES;
	fill_stat(s, &d);
	if (copy_to_user(buf, &d, sizeof(d)))
		return -EFAULT;
	return cmd == IPC_STAT ? 0 : s->id;
}

/* SHM_LOCK, SHM_UNLOCK: the segment's pages stay in memory (page
 * replacement skips them; pages already in swap come back when touched),
 * as Linux's.  Root, or the owner or creator with a non-zero
 * RLIMIT_MEMLOCK to lock. */
static long shm_lock_cmd(int shmid, int cmd)
{
	struct shm_segment *s = shm_lookup(shmid);
	u32 euid = current->cred.euid;

	if (!s)
		return -EINVAL;
	if (!capable(CAP_IPC_LOCK)) {
		if (euid != s->uid && euid != s->cuid)
			return -EPERM;
		if (cmd == SHM_LOCK && !current->rlimits[RLIMIT_MEMLOCK][0])
			return -EPERM;
	}
	if (cmd == SHM_LOCK)
		s->mode |= SHM_LOCKED;
	else
		s->mode &= ~SHM_LOCKED;
	shmem_lock(s->inode, cmd == SHM_LOCK);
	return 0;
}

/* IPC_SET (owner, group, permission bits) and IPC_RMID (destroy now, or
 * at the last detach: the key is then free for a new segment). */
static long shm_change_cmd(int shmid, int cmd, void __user *buf)
{
	struct shm_segment *s;
	struct shmid64_ds d;

	if (cmd == IPC_SET && copy_from_user(&d, buf, sizeof(d)))
		return -EFAULT;
	s = shm_lookup(shmid);
	if (!s)
		return -EINVAL;
	if (!may_change(s))
		return -EPERM;
	if (cmd == IPC_RMID) {
		if (!nattch(s)) {
			shm_destroy(s);
			return 0;
		}
		s->mode |= SHM_DEST;
		s->key = IPC_PRIVATE;
		return 0;
	}
	if (d.shm_perm.uid == (u32)-1 || d.shm_perm.gid == (u32)-1)
		return -EINVAL;
	s->uid = d.shm_perm.uid;
	s->gid = d.shm_perm.gid;
	s->mode = (s->mode & ~S_IRWXUGO) | (d.shm_perm.mode & S_IRWXUGO);
	s->ctime = now_seconds();
	return 0;
}

SYSCALL_DEFINE3(shmctl, int, shmid, int, cmd, void __user *, buf)
{
	if (cmd < 0 || shmid < 0)
		return -EINVAL;
	switch (cmd) {
	case IPC_INFO:
	case SHM_INFO:
		return shm_info_cmd(cmd, buf);
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		return shm_stat_cmd(shmid, cmd, buf);
	case SHM_LOCK:
	case SHM_UNLOCK:
		return shm_lock_cmd(shmid, cmd);
	case IPC_SET:
	case IPC_RMID:
		return shm_change_cmd(shmid, cmd, buf);
	default:
		return -EINVAL;
	}
}

void shm_proc_show(struct pbuf *b)
{
	pbuf_printf(b, "       key      shmid perms                  size  cpid  lpid"
		    " nattch   uid   gid  cuid  cgid      atime      dtime      ctime"
		    "                   rss                  swap\n");
	for (int i = 0; i < SHMMNI; i++) {
		struct shm_segment *s = segments[i];

		if (!s)
			continue;
		pbuf_printf(b, "%10d %10d  %4o %21lu %5d %5d  %5lu %5u %5u %5u %5u"
			    " %10ld %10ld %10ld %21lu %21lu\n", s->key, s->id,
			    s->mode, s->segsz, s->cpid, s->lpid, nattch(s), s->uid,
			    s->gid, s->cuid, s->cgid, s->atime, s->dtime, s->ctime,
			    resident(s) * PAGE_SIZE, shmem_swapped(s->inode) * PAGE_SIZE);
	}
}
