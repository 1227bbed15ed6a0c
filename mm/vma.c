/*
 * mm/vma.c - the region tree of an address space (see vma.h for the API).
 *
 * The tree is an AVL tree ordered by vm_start.  Regions never overlap, so
 * ordering by start also orders by end, and an in-order walk visits the
 * regions in address order.  Each node carries, besides its height, a
 * summary of its subtree:
 *
 *   subtree_start  the lowest vm_start in the subtree   (its leftmost node)
 *   subtree_end    the highest vm_end in the subtree    (its rightmost node)
 *   subtree_gap    the largest hole between two regions of the subtree
 *
 * A summary depends only on the node and its two children's summaries
 * (vma_update() below), never on regions outside the subtree.  So after
 * any change, recomputing the nodes on the path from the change up to the
 * root puts every summary right again; a rotation changes only the two
 * nodes it turns.  The holes below the first region and above the last
 * one are the tree's own: [mmap_min, root's subtree_start) and
 * [root's subtree_end, mmap_max).
 *
 * Why AVL and not red-black (which Linux used up to 6.0):
 *   - Every change must walk the whole path to the root anyway, to fix the
 *     subtree gaps, so the red-black advantage (rebalancing that stops
 *     after O(1) rotations) buys nothing here.
 *   - AVL does all its work in one loop, vma_fixup_upward(): "from the
 *     changed node up to the root, recompute each node, rotate where its
 *     two sides differ in height by 2".  Insert, remove and resize all end
 *     with that loop.  Red-black removal needs a fix-up with four cases
 *     (and their mirror images) that is much harder to follow.
 *   - An AVL tree is lower: at most 1.44 log2(n + 2) levels against
 *     2 log2(n + 1), so the page-fault path's lookup takes fewer steps.
 */
#include "mm/vma.h"
#include <vmos/errno.h>
#include <vmos/printk.h>

/* In bit order, as Linux prints them (show_smap_vma_flags()). */
const struct vma_flag_name vma_flag_names[] = {
	{ VM_READ, "rd" },        { VM_WRITE, "wr" },
	{ VM_EXEC, "ex" },        { VM_SHARED, "sh" },
	{ VM_MAYREAD, "mr" },     { VM_MAYWRITE, "mw" },
	{ VM_MAYEXEC, "me" },     { VM_MAYSHARE, "ms" },
	{ VM_GROWSDOWN, "gd" },   { VM_UFFD_MISSING, "um" },
	{ VM_PFNMAP, "pf" },
	{ VM_LOCKED, "lo" },      { VM_IO, "io" },
	{ VM_SEQ_READ, "sr" },    { VM_RAND_READ, "rr" },
	{ VM_DONTCOPY, "dc" },    { VM_DONTEXPAND, "de" },
	{ VM_LOCKONFAULT, "??" }, /* Linux 6.1 has no name for it */
	{ VM_ACCOUNT, "ac" },
	{ VM_NORESERVE, "nr" },   { VM_HUGETLB, "ht" },
	{ VM_SYNC, "sf" },        { VM_ARCH_1, "ar" },
	{ VM_WIPEONFORK, "wf" },  { VM_DONTDUMP, "dd" },
	{ VM_SOFTDIRTY, "sd" },   { VM_MIXEDMAP, "mm" },
	{ VM_HUGEPAGE, "hg" },    { VM_NOHUGEPAGE, "nh" },
	{ VM_MERGEABLE, "mg" },   { VM_UFFD_MINOR, "ui" },
};
const unsigned int nr_vma_flag_names = ARRAY_SIZE(vma_flag_names);

void vma_tree_init(struct vma_tree *t, u64 low, u64 high)
{
	if (low == 0 || low >= high || high > USER_SPACE_END ||
	    !IS_ALIGNED(low, PAGE_SIZE) || !IS_ALIGNED(high, PAGE_SIZE))
		panic("vma_tree_init: bad range [0x%lx, 0x%lx)", low, high);
	t->root = NULL;
	t->count = 0;
	t->mmap_min = low;
	t->mmap_max = high;
}

/* ------------------------------------------------------------------ */
/* The AVL machinery: summaries, rotations, and the walk to the root.  */

static int height(const struct vm_area_struct *v)
{
	return v ? v->vm_node.height : 0;
}

struct vma_summary {
	int height;
	u64 start, end, gap;
};

/*
 * summarise - what v's vma_node fields must hold, computed from v and the
 * (already correct) fields of its children.
 */
static struct vma_summary summarise(const struct vm_area_struct *v)
{
	const struct vm_area_struct *l = v->vm_node.left, *r = v->vm_node.right;
	struct vma_summary s = {
		.height = 1 + MAX(height(l), height(r)),
		.start = v->vm_start,
		.end = v->vm_end,
		.gap = 0,
	};

	if (l) {
		s.start = l->vm_node.subtree_start;
		s.gap = MAX(l->vm_node.subtree_gap,
			    v->vm_start - l->vm_node.subtree_end);
	}
	if (r) {
		s.end = r->vm_node.subtree_end;
		s.gap = MAX(s.gap, r->vm_node.subtree_gap);
		s.gap = MAX(s.gap, r->vm_node.subtree_start - v->vm_end);
	}
	return s;
}

/* vma_update - recompute v's height and summary from its children. */
static void vma_update(struct vm_area_struct *v)
{
	struct vma_summary s = summarise(v);

	v->vm_node.height = s.height;
	v->vm_node.subtree_start = s.start;
	v->vm_node.subtree_end = s.end;
	v->vm_node.subtree_gap = s.gap;
}

/* replace_child - make new take old's place under parent (or as root). */
static void replace_child(struct vma_tree *t, struct vm_area_struct *parent,
			  struct vm_area_struct *old,
			  struct vm_area_struct *new)
{
	if (!parent)
		t->root = new;
	else if (parent->vm_node.left == old)
		parent->vm_node.left = new;
	else
		parent->vm_node.right = new;
	if (new)
		new->vm_node.parent = parent;
}

/*
 * rotate_left - x's right child y takes x's place; returns y.
 *
 *        x                  y
 *       / \                / \
 *      a   y      =>      x   c
 *         / \            / \
 *        b   c          a   b
 *
 * In-order (a x b y c) is unchanged; only x and y need recomputing.
 */
static struct vm_area_struct *rotate_left(struct vma_tree *t,
					  struct vm_area_struct *x)
{
	struct vm_area_struct *y = x->vm_node.right;
	struct vm_area_struct *b = y->vm_node.left;

	replace_child(t, x->vm_node.parent, x, y);
	x->vm_node.right = b;
	if (b)
		b->vm_node.parent = x;
	y->vm_node.left = x;
	x->vm_node.parent = y;
	vma_update(x);
	vma_update(y);
	return y;
}

/* rotate_right - the mirror image: x's left child y takes x's place. */
static struct vm_area_struct *rotate_right(struct vma_tree *t,
					   struct vm_area_struct *x)
{
	struct vm_area_struct *y = x->vm_node.left;
	struct vm_area_struct *b = y->vm_node.right;

	replace_child(t, x->vm_node.parent, x, y);
	x->vm_node.left = b;
	if (b)
		b->vm_node.parent = x;
	y->vm_node.right = x;
	x->vm_node.parent = y;
	vma_update(x);
	vma_update(y);
	return y;
}

/*
 * rebalance - v's children are balanced and correct, but their heights may
 * differ by 2.  Rotate to fix that and return the subtree's new top.
 * If the taller child leans the other way (a "zig-zag"), a first rotation
 * of that child straightens it.
 */
static struct vm_area_struct *rebalance(struct vma_tree *t,
					struct vm_area_struct *v)
{
	struct vm_area_struct *l = v->vm_node.left, *r = v->vm_node.right;
	int balance = height(l) - height(r);

	if (balance > 1) {
		if (height(l->vm_node.left) < height(l->vm_node.right))
			rotate_left(t, l);
		return rotate_right(t, v);
	}
	if (balance < -1) {
		if (height(r->vm_node.right) < height(r->vm_node.left))
			rotate_right(t, r);
		return rotate_left(t, v);
	}
	return v;
}

/*
 * vma_fixup_upward - after a change at v (a node linked or unlinked below
 * it, or its bounds moved), recompute and rebalance every node from v up
 * to the root.  O(log n).
 */
static void vma_fixup_upward(struct vma_tree *t, struct vm_area_struct *v)
{
	while (v) {
		vma_update(v);
		v = rebalance(t, v);
		v = v->vm_node.parent;
	}
}

static struct vm_area_struct *leftmost(struct vm_area_struct *v)
{
	while (v && v->vm_node.left)
		v = v->vm_node.left;
	return v;
}

static struct vm_area_struct *rightmost(struct vm_area_struct *v)
{
	while (v && v->vm_node.right)
		v = v->vm_node.right;
	return v;
}

/* ------------------------------------------------------------------ */
/* Finding regions.                                                   */

struct vm_area_struct *find_vma(const struct vma_tree *t, u64 addr)
{
	struct vm_area_struct *v = t->root, *best = NULL;

	while (v) {
		if (v->vm_end > addr) {
			best = v; /* a candidate; a lower one may exist */
			if (v->vm_start <= addr)
				break; /* v contains addr */
			v = v->vm_node.left;
		} else {
			v = v->vm_node.right;
		}
	}
	return best;
}

struct vm_area_struct *vma_lookup(const struct vma_tree *t, u64 addr)
{
	struct vm_area_struct *v = find_vma(t, addr);

	return v && v->vm_start <= addr ? v : NULL;
}

struct vm_area_struct *find_vma_intersection(const struct vma_tree *t,
					     u64 start, u64 end)
{
	struct vm_area_struct *v = find_vma(t, start);

	return v && v->vm_start < end ? v : NULL;
}

struct vm_area_struct *vma_first(const struct vma_tree *t)
{
	return leftmost(t->root);
}

struct vm_area_struct *vma_last(const struct vma_tree *t)
{
	return rightmost(t->root);
}

/* The next region is the leftmost of the right subtree or, if there is
 * none, the first ancestor that we reach from its left side. */
struct vm_area_struct *vma_next(const struct vma_tree *t,
				const struct vm_area_struct *v)
{
	struct vm_area_struct *p;

	if (v->vm_node.right)
		return leftmost(v->vm_node.right);
	for (p = v->vm_node.parent; p && p->vm_node.right == v;
	     p = p->vm_node.parent)
		v = p;
	return p;
}

struct vm_area_struct *vma_prev(const struct vma_tree *t,
				const struct vm_area_struct *v)
{
	struct vm_area_struct *p;

	if (v->vm_node.left)
		return rightmost(v->vm_node.left);
	for (p = v->vm_node.parent; p && p->vm_node.left == v;
	     p = p->vm_node.parent)
		v = p;
	return p;
}

/* ------------------------------------------------------------------ */
/* Changing the tree.                                                 */

/* range_ok - [start, end) is a non-empty page range regions may occupy. */
static bool range_ok(const struct vma_tree *t, u64 start, u64 end)
{
	return start < end && IS_ALIGNED(start, PAGE_SIZE) &&
	       IS_ALIGNED(end, PAGE_SIZE) && start >= t->mmap_min &&
	       end <= t->mmap_max;
}

/* must_be_in_tree - panic unless v is a region of t (a caller's bug). */
static void must_be_in_tree(const struct vma_tree *t,
			    const struct vm_area_struct *v, const char *who)
{
	if (vma_lookup(t, v->vm_start) != v)
		panic("%s: region [0x%lx, 0x%lx) is not in this tree", who,
		      v->vm_start, v->vm_end);
}

/* vma_link - add v, known not to overlap anything, as a leaf; rebalance. */
static void vma_link(struct vma_tree *t, struct vm_area_struct *v)
{
	struct vm_area_struct **link = &t->root, *parent = NULL;

	while (*link) {
		parent = *link;
		if (v->vm_start < parent->vm_start)
			link = &parent->vm_node.left;
		else
			link = &parent->vm_node.right;
	}
	v->vm_node = (struct vma_node){ .parent = parent };
	*link = v;
	t->count++;
	vma_fixup_upward(t, v);
}

int vma_insert(struct vma_tree *t, struct vm_area_struct *v)
{
	if (!range_ok(t, v->vm_start, v->vm_end))
		return -EINVAL;
	if (find_vma_intersection(t, v->vm_start, v->vm_end))
		return -EEXIST;
	vma_link(t, v);
	return 0;
}

/*
 * vma_remove - a node with at most one child is replaced by that child.
 * A node with two is replaced by its successor s (the leftmost node of its
 * right subtree, which has no left child): s first leaves its own place to
 * its right child, then takes v's place and v's children.  Rebalancing
 * starts from the lowest node whose subtree changed.
 */
void vma_remove(struct vma_tree *t, struct vm_area_struct *v)
{
	struct vm_area_struct *parent = v->vm_node.parent;
	struct vm_area_struct *l = v->vm_node.left, *r = v->vm_node.right;
	struct vm_area_struct *s, *fix;

	must_be_in_tree(t, v, "vma_remove");
	if (!l || !r) {
		replace_child(t, parent, v, l ? l : r);
		fix = parent;
	} else {
		s = leftmost(r);
		if (s->vm_node.parent == v) {
			fix = s; /* s keeps its right subtree */
		} else {
			fix = s->vm_node.parent;
			replace_child(t, fix, s, s->vm_node.right);
			s->vm_node.right = r;
			r->vm_node.parent = s;
		}
		s->vm_node.left = l;
		l->vm_node.parent = s;
		replace_child(t, parent, v, s);
	}
	t->count--;
	vma_fixup_upward(t, fix);
	v->vm_node = (struct vma_node){ 0 };
}

void vma_split(struct vma_tree *t, struct vm_area_struct *v, u64 addr,
	       struct vm_area_struct *new_upper)
{
	must_be_in_tree(t, v, "vma_split");
	if (!new_upper || !IS_ALIGNED(addr, PAGE_SIZE) ||
	    addr <= v->vm_start || addr >= v->vm_end)
		panic("vma_split: cannot split [0x%lx, 0x%lx) at 0x%lx%s",
		      v->vm_start, v->vm_end, addr,
		      new_upper ? "" : " (no spare struct)");
	*new_upper = *v;
	new_upper->vm_start = addr;
	if (v->vm_file)
		new_upper->vm_pgoff += (addr - v->vm_start) >> PAGE_SHIFT;
	v->vm_end = addr;
	vma_fixup_upward(t, v); /* v's subtree ends lower now */
	vma_link(t, new_upper);
}

int vma_adjust(struct vma_tree *t, struct vm_area_struct *v, u64 new_start,
	       u64 new_end)
{
	struct vm_area_struct *prev, *next;

	must_be_in_tree(t, v, "vma_adjust");
	if (!range_ok(t, new_start, new_end))
		return -EINVAL;
	if (v->vm_file && new_start < v->vm_start &&
	    (v->vm_start - new_start) >> PAGE_SHIFT > v->vm_pgoff)
		return -EINVAL; /* would map the file before its offset 0 */
	prev = vma_prev(t, v);
	next = vma_next(t, v);
	if ((prev && prev->vm_end > new_start) ||
	    (next && next->vm_start < new_end))
		return -EEXIST;

	/* Neighbours stay on the same sides, so the order is unchanged. */
	if (v->vm_file && new_start < v->vm_start)
		v->vm_pgoff -= (v->vm_start - new_start) >> PAGE_SHIFT;
	else if (v->vm_file)
		v->vm_pgoff += (new_start - v->vm_start) >> PAGE_SHIFT;
	v->vm_start = new_start;
	v->vm_end = new_end;
	vma_fixup_upward(t, v);
	return 0;
}

bool vma_can_merge(const struct vm_area_struct *a,
		   const struct vm_area_struct *b)
{
	if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags ||
	    (a->vm_flags & VM_SPECIAL) || a->vm_file != b->vm_file ||
	    a->vm_userfaultfd_ctx != b->vm_userfaultfd_ctx)
		return false;
	return !a->vm_file || a->vm_pgoff + vma_pages(a) == b->vm_pgoff;
}

/* absorb_next - v grows over next, which leaves the tree into freed[]. */
static void absorb_next(struct vma_tree *t, struct vm_area_struct *v,
			struct vm_area_struct *next,
			struct vm_area_struct **freed, unsigned int *nfreed)
{
	u64 end = next->vm_end;

	vma_remove(t, next);
	freed[(*nfreed)++] = next;
	v->vm_end = end;
	vma_fixup_upward(t, v);
}

struct vm_area_struct *vma_merge_neighbours(struct vma_tree *t,
					    struct vm_area_struct *v,
					    struct vm_area_struct **freed,
					    unsigned int *nfreed)
{
	struct vm_area_struct *prev, *next;

	must_be_in_tree(t, v, "vma_merge_neighbours");
	*nfreed = 0;
	prev = vma_prev(t, v);
	if (prev && vma_can_merge(prev, v)) {
		absorb_next(t, prev, v, freed, nfreed);
		v = prev;
	}
	next = vma_next(t, v);
	if (next && vma_can_merge(v, next))
		absorb_next(t, v, next, freed, nfreed);
	return v;
}

unsigned int vma_unmap_spares_needed(const struct vma_tree *t, u64 start,
				     u64 end)
{
	const struct vm_area_struct *first, *last;
	unsigned int n = 0;

	if (start >= end)
		return 0;
	first = vma_lookup(t, start);
	last = vma_lookup(t, end - 1);
	if (first && first->vm_start < start)
		n++; /* split at start */
	if (last && last->vm_end > end)
		n++; /* split at end */
	return n;
}

/* take_spare - the first non-NULL spare[i], which becomes NULL. */
static struct vm_area_struct *take_spare(struct vm_area_struct **spare,
					 unsigned int nr_spare)
{
	for (unsigned int i = 0; i < nr_spare; i++) {
		struct vm_area_struct *s = spare[i];

		if (s) {
			spare[i] = NULL;
			return s;
		}
	}
	panic("take_spare: no spare struct left (counted wrongly)");
}

static unsigned int count_spares(struct vm_area_struct **spare,
				 unsigned int nr_spare)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nr_spare; i++)
		n += spare[i] != NULL;
	return n;
}

/*
 * As Linux's munmap: first cut the regions straddling start and end, so
 * that [start, end) is made of whole regions, then take those out.
 */
int vma_unmap_range(struct vma_tree *t, u64 start, u64 end,
		    struct vm_area_struct **spare, unsigned int nr_spare,
		    void (*removed)(struct vm_area_struct *piece, void *ctx),
		    void *ctx)
{
	struct vm_area_struct *v, *next;

	if (!removed)
		panic("vma_unmap_range: no callback for the removed pieces");
	if (start >= end || !IS_ALIGNED(start, PAGE_SIZE) ||
	    !IS_ALIGNED(end, PAGE_SIZE))
		return -EINVAL;
	if (count_spares(spare, nr_spare) <
	    vma_unmap_spares_needed(t, start, end))
		return -ENOMEM;

	v = vma_lookup(t, start);
	if (v && v->vm_start < start)
		vma_split(t, v, start, take_spare(spare, nr_spare));
	v = vma_lookup(t, end - 1);
	if (v && v->vm_end > end)
		vma_split(t, v, end, take_spare(spare, nr_spare));

	for (v = find_vma(t, start); v && v->vm_start < end; v = next) {
		next = vma_next(t, v);
		vma_remove(t, v);
		removed(v, ctx); /* may free v */
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Finding free space.                                                */

/* A search: a block of size bytes, aligned to align, inside [low, high). */
struct gap_query {
	u64 size, align, low, high;
};

/*
 * gap_query_init - check the arguments (panic on a caller's bug) and clip
 * [low, high) to the tree's range.  False if no block can fit at all.
 */
static bool gap_query_init(struct gap_query *q, const struct vma_tree *t,
			   u64 size, u64 align, u64 low, u64 high)
{
	if (size == 0 || !IS_ALIGNED(size, PAGE_SIZE) || align < PAGE_SIZE ||
	    (align & (align - 1)))
		panic("vma_gap: bad size 0x%lx or alignment 0x%lx", size,
		      align);
	q->size = size;
	q->align = align;
	q->low = MAX(low, t->mmap_min);
	q->high = MIN(high, t->mmap_max);
	return q->low < q->high && q->high - q->low >= size;
}

/*
 * fit_highest / fit_lowest - the highest / lowest aligned start of a block
 * inside both the hole [gap_start, gap_end) and the query's window, or 0.
 * (0 is never an answer: the window starts at mmap_min > 0.)
 */
static u64 fit_highest(const struct gap_query *q, u64 gap_start, u64 gap_end)
{
	u64 start = MAX(gap_start, q->low), end = MIN(gap_end, q->high);
	u64 a;

	if (end < start || end - start < q->size)
		return 0;
	a = ALIGN_DOWN(end - q->size, q->align);
	return a >= start ? a : 0;
}

static u64 fit_lowest(const struct gap_query *q, u64 gap_start, u64 gap_end)
{
	u64 start = MAX(gap_start, q->low), end = MIN(gap_end, q->high);
	u64 a;

	if (end < start || end - start < q->size)
		return 0;
	a = ALIGN_UP(start, q->align);
	return a <= end && end - a >= q->size ? a : 0;
}

/*
 * worth_searching - whether v's subtree may hold a fitting hole between its
 * regions: one at least size long, and the subtree reaching into the
 * window.  Skipping the subtrees that fail this is what makes the search
 * O(log n) instead of a walk over every hole.
 */
static bool worth_searching(const struct gap_query *q,
			    const struct vm_area_struct *v)
{
	return v && v->vm_node.subtree_gap >= q->size &&
	       v->vm_node.subtree_end > q->low &&
	       v->vm_node.subtree_start < q->high;
}

/*
 * search_highest - the highest fit in a hole between regions of v's
 * subtree, or 0.  Holes from the top down: inside the right subtree, then
 * between v and the right subtree, between the left subtree and v, inside
 * the left subtree.  Recursion depth: the tree's height.
 */
static u64 search_highest(const struct gap_query *q,
			  const struct vm_area_struct *v)
{
	const struct vm_area_struct *l, *r;
	u64 a;

	if (!worth_searching(q, v))
		return 0;
	l = v->vm_node.left;
	r = v->vm_node.right;
	a = search_highest(q, r);
	if (!a && r)
		a = fit_highest(q, v->vm_end, r->vm_node.subtree_start);
	if (!a && l)
		a = fit_highest(q, l->vm_node.subtree_end, v->vm_start);
	if (!a)
		a = search_highest(q, l);
	return a;
}

/* search_lowest - the mirror image: holes from the bottom up. */
static u64 search_lowest(const struct gap_query *q,
			 const struct vm_area_struct *v)
{
	const struct vm_area_struct *l, *r;
	u64 a;

	if (!worth_searching(q, v))
		return 0;
	l = v->vm_node.left;
	r = v->vm_node.right;
	a = search_lowest(q, l);
	if (!a && l)
		a = fit_lowest(q, l->vm_node.subtree_end, v->vm_start);
	if (!a && r)
		a = fit_lowest(q, v->vm_end, r->vm_node.subtree_start);
	if (!a)
		a = search_lowest(q, r);
	return a;
}

u64 vma_gap_topdown(const struct vma_tree *t, u64 size, u64 align, u64 low,
		    u64 high)
{
	const struct vm_area_struct *root = t->root;
	struct gap_query q;
	u64 a;

	if (!gap_query_init(&q, t, size, align, low, high))
		return 0;
	if (!root)
		return fit_highest(&q, t->mmap_min, t->mmap_max);
	a = fit_highest(&q, root->vm_node.subtree_end, t->mmap_max);
	if (!a)
		a = search_highest(&q, root);
	if (!a)
		a = fit_highest(&q, t->mmap_min, root->vm_node.subtree_start);
	return a;
}

u64 vma_gap_bottomup(const struct vma_tree *t, u64 size, u64 align, u64 low,
		     u64 high)
{
	const struct vm_area_struct *root = t->root;
	struct gap_query q;
	u64 a;

	if (!gap_query_init(&q, t, size, align, low, high))
		return 0;
	if (!root)
		return fit_lowest(&q, t->mmap_min, t->mmap_max);
	a = fit_lowest(&q, t->mmap_min, root->vm_node.subtree_start);
	if (!a)
		a = search_lowest(&q, root);
	if (!a)
		a = fit_lowest(&q, root->vm_node.subtree_end, t->mmap_max);
	return a;
}

/* ------------------------------------------------------------------ */
/* Checking every invariant.                                          */

struct check_state {
	const struct vma_tree *t;
	unsigned long seen; /* nodes visited */
	u64 prev_end;       /* end of the previous region in address order */
};

/* check_region - v alone, and against the region before it. */
static void check_region(struct check_state *s, const struct vm_area_struct *v)
{
	const struct vma_tree *t = s->t;

	if (v->vm_start >= v->vm_end || !IS_ALIGNED(v->vm_start, PAGE_SIZE) ||
	    !IS_ALIGNED(v->vm_end, PAGE_SIZE))
		panic("vma_check: region [0x%lx, 0x%lx) is empty or unaligned",
		      v->vm_start, v->vm_end);
	if (v->vm_start < t->mmap_min || v->vm_end > t->mmap_max)
		panic("vma_check: region [0x%lx, 0x%lx) is outside "
		      "[0x%lx, 0x%lx)",
		      v->vm_start, v->vm_end, t->mmap_min, t->mmap_max);
	if (v->vm_start < s->prev_end)
		panic("vma_check: region [0x%lx, 0x%lx) is out of order or "
		      "overlaps the previous one (ending at 0x%lx)",
		      v->vm_start, v->vm_end, s->prev_end);
	s->prev_end = v->vm_end;
}

/* check_node - v's height, balance and summary, its children being right. */
static void check_node(const struct vm_area_struct *v)
{
	struct vma_summary want = summarise(v);
	int balance = height(v->vm_node.left) - height(v->vm_node.right);

	if (v->vm_node.height != want.height)
		panic("vma_check: region [0x%lx, 0x%lx) has height %d, "
		      "expected %d",
		      v->vm_start, v->vm_end, v->vm_node.height, want.height);
	if (balance < -1 || balance > 1)
		panic("vma_check: region [0x%lx, 0x%lx) is unbalanced (%d)",
		      v->vm_start, v->vm_end, balance);
	if (v->vm_node.subtree_start != want.start ||
	    v->vm_node.subtree_end != want.end)
		panic("vma_check: region [0x%lx, 0x%lx) has subtree range "
		      "[0x%lx, 0x%lx), expected [0x%lx, 0x%lx)",
		      v->vm_start, v->vm_end, v->vm_node.subtree_start,
		      v->vm_node.subtree_end, want.start, want.end);
	if (v->vm_node.subtree_gap != want.gap)
		panic("vma_check: region [0x%lx, 0x%lx) has subtree_gap 0x%lx, "
		      "expected 0x%lx",
		      v->vm_start, v->vm_end, v->vm_node.subtree_gap, want.gap);
}

/* check_subtree - in order: left subtree, v, right subtree; then v's node. */
static void check_subtree(struct check_state *s,
			  const struct vm_area_struct *v,
			  const struct vm_area_struct *parent)
{
	if (!v)
		return;
	if (++s->seen > s->t->count)
		panic("vma_check: more regions than count %lu (a cycle?)",
		      s->t->count);
	if (v->vm_node.parent != parent)
		panic("vma_check: region [0x%lx, 0x%lx) has a wrong "
		      "parent link",
		      v->vm_start, v->vm_end);
	check_subtree(s, v->vm_node.left, v);
	check_region(s, v);
	check_subtree(s, v->vm_node.right, v);
	check_node(v);
}

void vma_check(const struct vma_tree *t)
{
	struct check_state s = { .t = t, .seen = 0, .prev_end = 0 };

	check_subtree(&s, t->root, NULL);
	if (s.seen != t->count)
		panic("vma_check: count is %lu but the tree holds %lu regions",
		      t->count, s.seen);
}
