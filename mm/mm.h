/*
 * mm/mm.h - a process's address space: its page tables and its regions.
 *
 * struct mm is Linux's mm_struct, simplified: the root of the page tables,
 * the tree of regions (struct vm_area_struct, mm/vma.h), and the layout
 * markers /proc/PID/maps and status report (code, data, heap, stack).
 * Threads share one mm (users counts them).
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <vmos/types.h>
#include "mm/vma.h"
#include <asm/pgtable.h>

/* Linux's default x86-64 layout (with randomization off). */
#define MMAP_MIN_ADDR 0x10000ul            /* nothing is ever mapped below */
#define STACK_TOP (USER_SPACE_END - PAGE_SIZE) /* 0x7ffffffff000 */
#define STACK_GUARD_GAP (256ul * PAGE_SIZE) /* stack_guard_gap: 1 MiB */
#define STACK_RLIMIT_DEFAULT (8ul << 20)   /* RLIMIT_STACK: 8 MiB */
#define STACK_INITIAL_SIZE (128ul << 10)   /* the stack region at exec */
#define PIE_BASE 0x555555554000ul          /* ELF_ET_DYN_BASE, unrandomized */
#define MAX_MAP_COUNT 65530                /* vm.max_map_count: regions per
					      address space (-ENOMEM beyond) */

struct mm {
	u64 pgd;                 /* physical address of the PML4 */
	u32 users;               /* tasks sharing it */
	struct vma_tree vmas;
	u64 start_code, end_code, start_data, end_data;
	u64 start_brk, brk;      /* the heap: [start_brk, brk) */
	u64 start_stack;         /* the initial stack pointer */
	u64 arg_start, arg_end, env_start, env_end;
	u64 mmap_base;           /* top-down mmap searches start below this */
	u64 total_vm;            /* pages in all regions */
	u64 hiwater_vm;          /* peak total_vm (VmPeak) */
	u64 rss;                 /* pages present (mapped) */
	u64 swapents;            /* entries holding a swap slot (VmSwap) */
	u64 hiwater_rss;         /* peak rss (VmHWM) */
	u64 unmap_seq;           /* counts mm_unmap() calls: a caller that
				    slept can tell whether its range may have
				    changed hands (mmap's MAP_POPULATE undo) */
	u64 stack_top;           /* where the stack region ends (randomized) */
	bool vmtrace;            /* log every fault (prctl PR_VMOS_VMTRACE) */
	bool nodump;             /* no core file (kernel/coredump.c): prctl
				    PR_SET_DUMPABLE 0, or a change of effective
				    ids (Linux's suid_dumpable 0); copied by
				    fork, false after exec (a new mm) */
	struct inode *exe_deny;  /* the program it runs, denied write access
				    (ETXTBSY) while this address space lives */
	u32 membarrier_state;    /* MEMBARRIER_STATE_* registrations
				    (kernel/membarrier.c); 0 after exec */
	u64 def_flags;           /* VM_LOCKED(|VM_LOCKONFAULT) for every new
				    region after mlockall(MCL_FUTURE); not
				    inherited by fork or exec (Linux's) */
	u32 personality;         /* personality(2) flags: ADDR_NO_RANDOMIZE.
				    Linux keeps them per task; here they live
				    with the address space and carry across
				    fork and exec */
	struct mm *mmlist_prev, *mmlist_next; /* every mm (mm_first()) */
	struct ldt *ldt;         /* x86: the local descriptor table the
				    process set up with modify_ldt, or NULL
				    (asm/ldt.h); copied by fork, not exec */
	struct anonmm *anonmm;   /* its fork family (mm/rmap.h), or NULL
				    while it has mapped no frame */
	struct mm *anon_prev, *anon_next; /* the family's other members */
	struct userfaultfd_ctx *uffd_ctxs; /* the userfaultfds watching it
					      (mm/userfaultfd.c) */
};

/* vmtrace_all - log every fault and eviction of every process ("vmtrace"
 * on the command line); a process alone: prctl(PR_VMOS_VMTRACE), which
 * sets its mm's vmtrace. */
extern bool vmtrace_all;

/* mm_first - the first of every address space that exists (follow
 * mmlist_next), also those no task uses yet: exec's new one while it
 * waits for the other threads to exit (Linux's mmlist, for swapoff). */
struct mm *mm_first(void);

/* mm_create - an empty user address space sharing the kernel half, or NULL. */
struct mm *mm_create(void);
/* mm_account - pages added to (delta > 0) or taken from the address space's
 * size, keeping its peak (VmPeak) up to date. */
void mm_account(struct mm *mm, s64 delta);
/* mm_layout - pick the (randomized) stack top and mmap base for a new
 * image, per the personality flags it will run with. */
void mm_layout(struct mm *mm, u32 personality);
/* mm_get / mm_put - references; the last put frees pages, tables, regions. */
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);
/* mm_fork - a copy of src for a child process, or NULL when out of memory. */
struct mm *mm_fork(struct mm *src);
/* mm_activate - load mm's page tables (the kernel's own for NULL). */
void mm_activate(struct mm *mm);

/* Region flags for mm_map() (VM_* of mm/vma.h) from PROT_* and MAP_*. */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_FIXED_NOREPLACE 0x100000

/*
 * mm_map_anon - a new anonymous region [addr, addr + len) with vm_flags
 * (VM_READ...). addr and len page-aligned; MAP_FIXED semantics (whatever
 * was there is unmapped first). Pages appear on first touch.
 * Returns 0 or -ENOMEM.
 */
int mm_map_anon(struct mm *mm, u64 addr, u64 len, u64 vm_flags);
/*
 * mm_map_file - a region mapping file (which it takes a reference on) from
 * page pgoff, MAP_FIXED semantics; pages are read from the file on first
 * touch (private regions copy a page on their first write).  0 or -ENOMEM.
 */
struct file;
int mm_map_file(struct mm *mm, u64 addr, u64 len, u64 vm_flags,
		struct file *file, u64 pgoff);
/*
 * mm_drop_entry - a pt_drop_fn for mm's tables: the entry old at va was
 * just cleared: a frame leaves the reverse map and loses a reference, a
 * swap entry its slot reference; the counters follow.
 */
void mm_drop_entry(pte_t old, u64 va, void *arg);
/* mm_unmap - remove [addr, addr + len): pages freed, regions split. */
int mm_unmap(struct mm *mm, u64 addr, u64 len);
/* mm_protect - change the access of [addr, addr + len): 0, -ENOMEM (a hole). */
int mm_protect(struct mm *mm, u64 addr, u64 len, u64 vm_flags);
/* mm_set_flags - set (or clear) flag bits such as VM_LOCKED on exactly
 * [addr, addr + len), splitting regions at its ends: 0, -ENOMEM. */
int mm_set_flags(struct mm *mm, u64 addr, u64 len, u64 flags, bool set);
/* mm_set_userfaultfd - the regions of [start, end) (holes skipped) are
 * registered with ctx for uffd_flags (VM_UFFD_FLAGS), or with nothing
 * (0, NULL), split at the ends and merged where they can: 0, -ENOMEM. */
int mm_set_userfaultfd(struct mm *mm, u64 start, u64 end, u64 uffd_flags,
		       struct userfaultfd_ctx *ctx);
/* mm_get_unmapped_area - a free range of len bytes, top-down below
 * mmap_base; 0 if none. */
u64 mm_get_unmapped_area(struct mm *mm, u64 len);
/* mm_put_user_u32 - store v at addr in mm (need not be active) as the
 * user could: only into a writable region (else -EFAULT). */
int mm_put_user_u32(struct mm *mm, u64 addr, u32 v);
/* mm_copy_from - read n bytes at addr of mm (need not be active), for
 * /proc/PID/cmdline and the like; a page not faulted in yet reads as it
 * would (zeros, or the file's bytes).  0 or -EFAULT (outside every region). */
int mm_copy_from(struct mm *mm, u64 addr, void *dst, size_t n);
/* mm_populate - fault in [addr, addr + len) now (MAP_POPULATE, exec). */
int mm_populate(struct mm *mm, u64 addr, u64 len, bool write);
/* mm_copy_to - write bytes into mm at addr through the page tables (the mm
 * need not be active): for exec building the new image. 0 or -EFAULT. */
int mm_copy_to(struct mm *mm, u64 addr, const void *src, size_t n);

/* mm_clear - zero n bytes at addr in mm (copying shared pages first, as a
 * write would): 0 or -EFAULT.  exec zeroes the .bss tail of a file page. */
int mm_clear(struct mm *mm, u64 addr, size_t n);

/* The fault cases (mm/fault.c), also used to reach another mm's pages. */
int fault_in_page(struct mm *mm, struct vm_area_struct *v, u64 addr, bool write);
int break_cow(struct mm *mm, struct vm_area_struct *v, u64 addr);

/*
 * mm_region_name - a region's name as /proc/PID/maps prints it (Linux's
 * rules): the mapped file's path, "[heap]" for the region overlapping the
 * heap's range, "[stack]" for the one holding the initial stack pointer,
 * "" for other anonymous memory.
 */
const char *mm_region_name(const struct mm *mm, const struct vm_area_struct *v);
/* user_range_ok - does [addr, addr + len) lie in the user half of the
 * address space, without wrapping?  The memory system calls' one range
 * check; each answers its own errno when it fails, as Linux's do. */
static inline bool user_range_ok(u64 addr, u64 len)
{
	return addr < USER_SPACE_END && len <= USER_SPACE_END - addr;
}

/*
 * vma_is_anonymous - are v's pages anonymous memory (zero-filled, private
 * copies on write)?  No file, or a private mapping of /dev/zero, which
 * keeps its file for /proc/PID/maps as on Linux (vma_set_anonymous).
 * Shared anonymous memory maps a shmem object (mm/shmem.h) instead.
 * Inline: every fault on an empty entry asks.
 */
bool vma_file_is_dev_zero(const struct vm_area_struct *v);

static inline bool vma_is_anonymous(const struct vm_area_struct *v)
{
	return !v->vm_file || vma_file_is_dev_zero(v);
}

/* mm_region_perms - "r-xp" style permissions of v into out[5]. */
void mm_region_perms(const struct vm_area_struct *v, char out[5]);

/* vm_flags_to_pte - the PTE flags a page of a region with vm_flags gets:
 * a region with no access at all keeps its pages out of reach with the
 * software PROT_NONE bit. */
static inline pte_t vm_flags_to_pte(u64 vm_flags)
{
	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return PTE_SW_PROTNONE;
	return PTE_U | ((vm_flags & VM_WRITE) ? PTE_W : 0) |
	       ((vm_flags & VM_EXEC) ? 0 : PTE_NX);
}
/* install_frame - map frame pa (the caller's reference on it goes to the
 * mapping) at addr of region v, in its empty entry e from pt_walk(),
 * writable as the region allows: 0 or -ENOMEM (UFFDIO_COPY: a new
 * anonymous page, or a shared file's page). */
int install_frame(struct mm *mm, struct vm_area_struct *v, u64 addr,
		  pte_t *e, phys_addr_t pa);

#endif
