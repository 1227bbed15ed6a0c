/*
 * mm/vma.h - the regions of an address space and the tree that holds them.
 *
 * A process's user memory is a set of regions ("virtual memory areas"):
 * one struct vm_area_struct per range [vm_start, vm_end) of pages with the
 * same permissions and the same backing (a file at an offset, or nothing:
 * anonymous, zero-filled).  /proc/PID/maps prints one line per region.
 *
 * The regions of one address space live in a struct vma_tree, a balanced
 * binary search tree ordered by address (see vma.c for why AVL), so that
 *   - the page-fault path finds the region of an address in O(log n)
 *     (find_vma, vma_lookup);
 *   - mmap finds a free range of a given size in O(log n)
 *     (vma_gap_topdown, vma_gap_bottomup): every node also records the
 *     largest free gap between the regions of its subtree, so the search
 *     skips whole subtrees that have no room.
 *
 * The tree is intrusive and never allocates: its links live inside each
 * struct vm_area_struct, and the caller (the mmap code) allocates and frees
 * the structs.  An operation that needs a new struct (splitting a region in
 * two) takes a spare one from the caller; one that makes a struct unused
 * (merging, unmapping) hands it back.  So every function here either
 * succeeds completely or returns an error having changed nothing.
 *
 * Linux, for comparison: up to 6.0 it kept the regions in a red-black tree
 * (vm_rb) with the same "largest gap in the subtree" augmentation
 * (rb_subtree_gap, unmapped_area_topdown() in mm/mmap.c); since 6.1 it uses
 * a maple tree.  The struct, field, flag and function names below are
 * Linux's where the idea is the same.
 *
 * Pure logic: unit-tested on the host (tests/unit/test_vma.c).
 */
#ifndef MM_VMA_H
#define MM_VMA_H

#include <vmos/types.h>
#include <asm/page_types.h>

/*
 * The default range regions may occupy, as on Linux x86-64: nothing below
 * mmap_min_addr (64 KiB, so that NULL pointer dereferences with an offset
 * always fault), and nothing in the last user page (a SYSCALL instruction
 * there would return to a non-canonical address: Linux's TASK_SIZE_MAX).
 */
#define DEFAULT_MMAP_MIN_ADDR 0x10000ul
#define TASK_SIZE_MAX (USER_SPACE_END - PAGE_SIZE)

/*
 * vm_flags: Linux's bits and values (include/linux/mm.h), so that the
 * "VmFlags:" line of /proc/PID/smaps reads the same.  VM_READ..VM_SHARED
 * are what the region allows now; VM_MAY* what mprotect() may later allow.
 */
typedef unsigned long vm_flags_t;

#define VM_NONE 0x00000000ul
#define VM_READ 0x00000001ul
#define VM_WRITE 0x00000002ul
#define VM_EXEC 0x00000004ul
#define VM_SHARED 0x00000008ul
#define VM_MAYREAD 0x00000010ul
#define VM_MAYWRITE 0x00000020ul
#define VM_MAYEXEC 0x00000040ul
#define VM_MAYSHARE 0x00000080ul
#define VM_GROWSDOWN 0x00000100ul  /* a stack: grows down on faults */
#define VM_UFFD_MISSING 0x00000200ul /* userfaultfd: missing pages reported */
#define VM_PFNMAP 0x00000400ul     /* raw page frames, no struct page */
#define VM_LOCKED 0x00002000ul     /* mlock()ed */
#define VM_IO 0x00004000ul         /* memory-mapped I/O */
#define VM_SEQ_READ 0x00008000ul   /* madvise(MADV_SEQUENTIAL) */
#define VM_RAND_READ 0x00010000ul  /* madvise(MADV_RANDOM) */
#define VM_DONTCOPY 0x00020000ul   /* not copied on fork */
#define VM_DONTEXPAND 0x00040000ul /* mremap() may not grow it */
#define VM_LOCKONFAULT 0x00080000ul /* mlock2(MLOCK_ONFAULT) */
#define VM_ACCOUNT 0x00100000ul    /* counted as committed memory */
#define VM_NORESERVE 0x00200000ul  /* MAP_NORESERVE: not counted */
#define VM_HUGETLB 0x00400000ul    /* hugetlbfs pages */
#define VM_SYNC 0x00800000ul       /* MAP_SYNC */
#define VM_ARCH_1 0x01000000ul     /* architecture-specific (x86: PAT) */
#define VM_WIPEONFORK 0x02000000ul /* the child sees zeroes */
#define VM_DONTDUMP 0x04000000ul   /* left out of core dumps */
#define VM_SOFTDIRTY 0x08000000ul  /* Linux sets it on new regions */
#define VM_MIXEDMAP 0x10000000ul   /* struct pages and raw frames */
#define VM_HUGEPAGE 0x20000000ul   /* madvise(MADV_HUGEPAGE) */
#define VM_NOHUGEPAGE 0x40000000ul /* madvise(MADV_NOHUGEPAGE) */
#define VM_MERGEABLE 0x80000000ul  /* KSM may merge its pages */
#define VM_UFFD_MINOR (1ul << 37)  /* userfaultfd: minor faults reported */
#define VM_UFFD_FLAGS (VM_UFFD_MISSING | VM_UFFD_MINOR)

/* Regions with any of these flags are never merged (Linux's VM_SPECIAL). */
#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)

/*
 * vma_flag_names - the two-letter code of each flag above, in bit order,
 * which is the order Linux prints them on smaps' "VmFlags:" line
 * (show_smap_vma_flags() in fs/proc/task_mmu.c).
 */
struct vma_flag_name {
	vm_flags_t flag;
	char name[3];
};
extern const struct vma_flag_name vma_flag_names[];
extern const unsigned int nr_vma_flag_names;

struct file; /* opaque here: the file a region maps */
struct vm_area_struct;
struct userfaultfd_ctx; /* mm/userfaultfd.h */

/*
 * vma_node - a region's place in its tree (AVL, see vma.c).  Besides the
 * links and the height, each node summarises its subtree: the lowest
 * start, the highest end, and the largest free gap between two regions of
 * the subtree.  Only vma.c touches these.
 */
struct vma_node {
	struct vm_area_struct *parent, *left, *right;
	int height;        /* of this subtree: 1 for a leaf */
	u64 subtree_start; /* lowest vm_start in the subtree */
	u64 subtree_end;   /* highest vm_end in the subtree */
	u64 subtree_gap;   /* largest gap between regions of the subtree */
};

struct vm_area_struct {
	u64 vm_start;        /* first byte of the region (page-aligned) */
	u64 vm_end;          /* first byte after the region (page-aligned) */
	vm_flags_t vm_flags; /* VM_* */
	struct file *vm_file; /* what is mapped, or NULL: anonymous memory */
	u64 vm_pgoff;        /* vm_file page mapped at vm_start */
	struct userfaultfd_ctx *vm_userfaultfd_ctx; /* the userfaultfd it is
				registered with (VM_UFFD_FLAGS), or NULL */
	struct vma_node vm_node;
};

/* vma_pages - the number of pages in v. */
static inline u64 vma_pages(const struct vm_area_struct *v)
{
	return (v->vm_end - v->vm_start) >> PAGE_SHIFT;
}

/*
 * vma_tree - the regions of one address space.  Every region lies inside
 * [mmap_min, mmap_max); free gaps are measured inside that range too, so
 * the space below the first region and above the last one count as gaps.
 */
struct vma_tree {
	struct vm_area_struct *root;
	unsigned long count; /* regions in the tree */
	u64 mmap_min, mmap_max;
};

/*
 * vma_tree_init - an empty tree whose regions must lie in [low, high):
 * normally [DEFAULT_MMAP_MIN_ADDR, TASK_SIZE_MAX).  low and high must be
 * page-aligned, 0 < low < high <= USER_SPACE_END (else panic: page 0 is
 * never mapped, which lets the gap searches return 0 for "no room").
 */
void vma_tree_init(struct vma_tree *t, u64 low, u64 high);

/* ---- finding regions: O(log n) ---- */

/*
 * find_vma - the first region that ends above addr: the one containing addr,
 * or else the next one above it.  NULL if no region ends above addr.
 * (Linux's semantics: the stack-growth code wants the region above a hole.)
 */
struct vm_area_struct *find_vma(const struct vma_tree *t, u64 addr);

/* vma_lookup - the region containing addr, or NULL. */
struct vm_area_struct *vma_lookup(const struct vma_tree *t, u64 addr);

/*
 * find_vma_intersection - the lowest region overlapping [start, end), or
 * NULL.
 */
struct vm_area_struct *find_vma_intersection(const struct vma_tree *t,
					     u64 start, u64 end);

/*
 * In address order: vma_first / vma_last, or NULL for an empty tree;
 * vma_next / vma_prev of a region in t, or NULL at the end.  A walk over
 * the whole tree with vma_next costs O(n): O(1) per step on average.
 *   for (v = vma_first(t); v; v = vma_next(t, v)) ...
 */
struct vm_area_struct *vma_first(const struct vma_tree *t);
struct vm_area_struct *vma_last(const struct vma_tree *t);
struct vm_area_struct *vma_next(const struct vma_tree *t,
				const struct vm_area_struct *v);
struct vm_area_struct *vma_prev(const struct vma_tree *t,
				const struct vm_area_struct *v);

/* ---- changing the tree: O(log n) each ---- */

/*
 * vma_insert - add v (vm_start, vm_end, vm_flags, vm_file, vm_pgoff set;
 * vm_node is overwritten).  Returns 0; -EINVAL if the range is empty, not
 * page-aligned or not inside [mmap_min, mmap_max); -EEXIST if it overlaps
 * a region already in the tree.  Touching a neighbour is fine: no merge
 * happens here (see vma_merge_neighbours).
 */
int vma_insert(struct vma_tree *t, struct vm_area_struct *v);

/* vma_remove - take v out of t; the caller owns it again. v must be in t. */
void vma_remove(struct vma_tree *t, struct vm_area_struct *v);

/*
 * vma_split - cut v in two at addr: v keeps [vm_start, addr) and new_upper
 * (a spare struct, overwritten with a copy of v) gets [addr, vm_end), with
 * vm_pgoff moved on for a file region.  addr must be page-aligned and
 * strictly inside v (else panic: only a kernel bug gets this wrong).
 */
void vma_split(struct vma_tree *t, struct vm_area_struct *v, u64 addr,
	       struct vm_area_struct *new_upper);

/*
 * vma_adjust - move v's bounds to [new_start, new_end) in place (brk,
 * stack growth, mremap).  A file region's vm_pgoff follows vm_start so
 * that every remaining page keeps its file offset.  Returns 0; -EINVAL if
 * the new range is empty, unaligned, outside [mmap_min, mmap_max) or would
 * start before the file's first page; -EEXIST if it would overlap another
 * region or move past one (v keeps its neighbours).  On error v is
 * unchanged.
 */
int vma_adjust(struct vma_tree *t, struct vm_area_struct *v, u64 new_start,
	       u64 new_end);

/*
 * vma_can_merge - whether a and b may become one region: a ends where b
 * starts, same flags (none of VM_SPECIAL), and the same backing: both
 * anonymous, or the same file with b's offset continuing a's.
 */
bool vma_can_merge(const struct vm_area_struct *a,
		   const struct vm_area_struct *b);

/*
 * vma_merge_neighbours - merge v (in t) with the region before it and/or
 * the one after it where vma_can_merge() allows.  Returns the region now
 * covering v's range (v itself, or the previous region that absorbed it).
 * The structs that left the tree are stored in freed[0..*nfreed) (at most
 * VMA_MERGE_MAX_FREED: freed must have room for that many); the caller
 * frees them.
 */
#define VMA_MERGE_MAX_FREED 2
struct vm_area_struct *vma_merge_neighbours(struct vma_tree *t,
					    struct vm_area_struct *v,
					    struct vm_area_struct **freed,
					    unsigned int *nfreed);

/*
 * vma_unmap_range - remove [start, end) from the address space, whatever
 * regions it covers (munmap).  A region only partly inside is first split
 * at start or end, which takes a spare struct from spare[0..nr_spare):
 * vma_unmap_spares_needed() says how many (0, 1 or 2: two when the range
 * lies strictly inside one region, since that region becomes three
 * pieces).  Spares are used in array order and each used one is set to
 * NULL in spare[]; the caller frees the rest.  Then every piece inside
 * [start, end) is taken out of the tree and passed, in address order, to
 * removed(piece, ctx), which owns it from then on (unmap its pages, free
 * it).  Returns 0 (also when nothing was mapped there); -EINVAL if start
 * or end is unaligned or start >= end; -ENOMEM, changing nothing, if
 * fewer than the needed spares were given.
 */
#define VMA_UNMAP_MAX_SPARES 2
unsigned int vma_unmap_spares_needed(const struct vma_tree *t, u64 start,
				     u64 end);
int vma_unmap_range(struct vma_tree *t, u64 start, u64 end,
		    struct vm_area_struct **spare, unsigned int nr_spare,
		    void (*removed)(struct vm_area_struct *piece, void *ctx),
		    void *ctx);

/* ---- finding free space ---- */

/*
 * vma_gap_topdown - where mmap places a new region (Linux's default
 * layout): the highest address A, a multiple of align, such that
 * [A, A + size) overlaps no region and lies inside [low, high) and inside
 * [mmap_min, mmap_max).  Returns 0 if there is none.  size is a non-zero
 * multiple of PAGE_SIZE; align a power of two >= PAGE_SIZE (else panic).
 * The answer is exact, alignment included.  Cost: O(log n) when align is
 * PAGE_SIZE; a larger alignment adds O(log n) for each gap that is long
 * enough but cannot hold an aligned block (Linux instead searches for
 * size + align - PAGE_SIZE and may miss such a tight gap).
 */
u64 vma_gap_topdown(const struct vma_tree *t, u64 size, u64 align, u64 low,
		    u64 high);

/* vma_gap_bottomup - the same, but the lowest such address. */
u64 vma_gap_bottomup(const struct vma_tree *t, u64 size, u64 align, u64 low,
		     u64 high);

/* ---- debugging ---- */

/*
 * vma_check - verify every invariant of t: each region non-empty, aligned
 * and inside [mmap_min, mmap_max); regions in order and not overlapping;
 * parent links; AVL heights and balance; the subtree summaries (start,
 * end, gap); the count.  Panics naming the first broken one.  O(n).
 */
void vma_check(const struct vma_tree *t);

#endif
