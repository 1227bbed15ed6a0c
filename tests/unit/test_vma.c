/*
 * tests/unit/test_vma.c - the region tree of mm/vma.c.
 *
 * Most tests use a tree over 1024 pages, [PG(0), PG(NPAGES)), where PG(n) is
 * the address of page n (PG(0) = 0x10000, aligned to 64 KiB, so page
 * numbers and addresses agree on every alignment up to 16 pages).  The
 * random test checks thousands of operations against a page-by-page model
 * of that range; the scale test puts 16,384 regions in the default range.
 */
#include "host.h"
#include <vmos/errno.h>
#include "mm/vma.h"

#include <stdio.h>

#define NPAGES 1024
#define BASE DEFAULT_MMAP_MIN_ADDR
#define PG(n) (BASE + (u64)(s64)(n) * PAGE_SIZE) /* n may be negative */
#define NPG(n) ((u64)(n) * PAGE_SIZE)             /* n pages, in bytes */

#define RW (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define RO (VM_READ | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

struct file {
	int id;
};
static struct file file_a = { 1 }, file_b = { 2 };

static struct vma_tree t;
static struct vm_area_struct pool[64]; /* the unit tests' regions */
static unsigned pool_used;

static int setup(void **state)
{
	host_reset();
	vma_tree_init(&t, PG(0), PG(NPAGES));
	memset(pool, 0, sizeof(pool));
	pool_used = 0;
	return 0;
}

/* region - a fresh struct for [PG(p0), PG(p1)), not in any tree. */
static struct vm_area_struct *region(long p0, long p1, vm_flags_t flags,
				     struct file *file, u64 pgoff)
{
	struct vm_area_struct *v;

	assert_true(pool_used < ARRAY_SIZE(pool));
	v = &pool[pool_used++];
	v->vm_start = PG(p0);
	v->vm_end = PG(p1);
	v->vm_flags = flags;
	v->vm_file = file;
	v->vm_pgoff = pgoff;
	return v;
}

/* add - an anonymous read-write region, inserted; it must fit. */
static struct vm_area_struct *add(long p0, long p1)
{
	struct vm_area_struct *v = region(p0, p1, RW, NULL, 0);

	assert_int_equal(vma_insert(&t, v), 0);
	vma_check(&t);
	return v;
}

static struct vm_area_struct *add_file(long p0, long p1, struct file *f,
				       u64 pgoff)
{
	struct vm_area_struct *v = region(p0, p1, RW, f, pgoff);

	assert_int_equal(vma_insert(&t, v), 0);
	vma_check(&t);
	return v;
}

/* The tree must hold exactly these regions, as page-number pairs. */
static void check_layout(const long *want, unsigned n)
{
	struct vm_area_struct *v = vma_first(&t);

	vma_check(&t);
	assert_int_equal(t.count, n);
	for (unsigned i = 0; i < n; i++, v = vma_next(&t, v)) {
		assert_non_null(v);
		if (v->vm_start != PG(want[2 * i]) ||
		    v->vm_end != PG(want[2 * i + 1]))
			fail_msg("region %u is [0x%lx, 0x%lx), "
				 "expected [0x%lx, 0x%lx)",
				 i, v->vm_start, v->vm_end, PG(want[2 * i]),
				 PG(want[2 * i + 1]));
	}
	assert_null(v);
}

#define CHECK_LAYOUT(...)                                                     \
	do {                                                                  \
		const long want[] = { __VA_ARGS__ };                          \
		check_layout(want, ARRAY_SIZE(want) / 2);                     \
	} while (0)
#define CHECK_EMPTY() check_layout(NULL, 0)

/* ---------------------------------------------------------------- */

static void test_empty_tree(void **state)
{
	vma_check(&t);
	assert_int_equal(t.count, 0);
	assert_null(vma_first(&t));
	assert_null(vma_last(&t));
	assert_null(find_vma(&t, 0));
	assert_null(find_vma(&t, PG(5)));
	assert_null(vma_lookup(&t, PG(5)));
	assert_null(find_vma_intersection(&t, 0, ~0ul));
	/* The whole range is one gap. */
	assert_int_equal(vma_gap_topdown(&t, PAGE_SIZE, PAGE_SIZE, 0, ~0ul),
			 PG(NPAGES - 1));
	assert_int_equal(vma_gap_bottomup(&t, PAGE_SIZE, PAGE_SIZE, 0, ~0ul),
			 PG(0));
	assert_int_equal(vma_gap_topdown(&t, NPG(NPAGES), PAGE_SIZE, 0, ~0ul),
			 PG(0));
	assert_int_equal(vma_gap_bottomup(&t, NPG(NPAGES), PAGE_SIZE, 0, ~0ul),
			 PG(0));
	assert_int_equal(vma_gap_topdown(&t, NPG(NPAGES + 1), PAGE_SIZE, 0,
					 ~0ul), 0);
	assert_int_equal(vma_gap_bottomup(&t, NPG(NPAGES + 1), PAGE_SIZE, 0,
					  ~0ul), 0);
}

static void test_tree_init_bad_range_panics(void **state)
{
	struct vma_tree bad;

	expect_panic(vma_tree_init(&bad, 0, PG(1)), "bad range");
	expect_panic(vma_tree_init(&bad, PG(1), PG(1)), "bad range");
	expect_panic(vma_tree_init(&bad, PG(2), PG(1)), "bad range");
	expect_panic(vma_tree_init(&bad, PG(0) + 1, PG(1)), "bad range");
	expect_panic(vma_tree_init(&bad, PG(0), PG(1) - 1), "bad range");
	expect_panic(vma_tree_init(&bad, PG(0), USER_SPACE_END + PAGE_SIZE),
		     "bad range");
	vma_tree_init(&bad, DEFAULT_MMAP_MIN_ADDR, TASK_SIZE_MAX);
	assert_int_equal(bad.mmap_max, 0x7ffffffff000ul);
}

static void test_find_vma(void **state)
{
	struct vm_area_struct *a = add(2, 4), *b = add(6, 8), *c = add(8, 10);

	assert_int_equal(t.count, 3);
	/* find_vma: the region containing addr, else the next one up. */
	assert_ptr_equal(find_vma(&t, 0), a);
	assert_ptr_equal(find_vma(&t, PG(0)), a);
	assert_ptr_equal(find_vma(&t, PG(2)), a);
	assert_ptr_equal(find_vma(&t, PG(4) - 1), a);
	assert_ptr_equal(find_vma(&t, PG(4)), b);
	assert_ptr_equal(find_vma(&t, PG(7) + 123), b);
	assert_ptr_equal(find_vma(&t, PG(8) - 1), b);
	assert_ptr_equal(find_vma(&t, PG(8)), c); /* touching regions */
	assert_ptr_equal(find_vma(&t, PG(10) - 1), c);
	assert_null(find_vma(&t, PG(10)));
	assert_null(find_vma(&t, ~0ul));
	/* vma_lookup: only the region containing addr. */
	assert_null(vma_lookup(&t, PG(1)));
	assert_ptr_equal(vma_lookup(&t, PG(3) + 5), a);
	assert_null(vma_lookup(&t, PG(4)));
	assert_null(vma_lookup(&t, PG(6) - 1));
	assert_ptr_equal(vma_lookup(&t, PG(6)), b);
	assert_ptr_equal(vma_lookup(&t, PG(8)), c);
	assert_null(vma_lookup(&t, PG(10)));
}

static void test_find_vma_intersection(void **state)
{
	struct vm_area_struct *a = add(4, 8), *b = add(10, 12);

	assert_null(find_vma_intersection(&t, PG(0), PG(4)));
	assert_ptr_equal(find_vma_intersection(&t, PG(0), PG(4) + 1), a);
	assert_ptr_equal(find_vma_intersection(&t, PG(7), PG(20)), a);
	assert_null(find_vma_intersection(&t, PG(8), PG(10)));
	assert_ptr_equal(find_vma_intersection(&t, PG(8), PG(11)), b);
	assert_ptr_equal(find_vma_intersection(&t, PG(5), PG(11)), a);
	assert_null(find_vma_intersection(&t, PG(12), PG(NPAGES)));
}

static void test_insert_overlap(void **state)
{
	add(4, 8);
	assert_int_equal(vma_insert(&t, region(2, 5, RW, NULL, 0)), -EEXIST);
	assert_int_equal(vma_insert(&t, region(7, 9, RW, NULL, 0)), -EEXIST);
	assert_int_equal(vma_insert(&t, region(4, 8, RW, NULL, 0)), -EEXIST);
	assert_int_equal(vma_insert(&t, region(5, 6, RW, NULL, 0)), -EEXIST);
	assert_int_equal(vma_insert(&t, region(2, 10, RW, NULL, 0)), -EEXIST);
	CHECK_LAYOUT(4, 8);
	/* Touching on either side is not overlapping. */
	add(2, 4);
	add(8, 9);
	CHECK_LAYOUT(2, 4, 4, 8, 8, 9);
}

static void test_insert_invalid(void **state)
{
	struct vm_area_struct *v = region(1, 2, RW, NULL, 0);

	v->vm_start += 1; /* unaligned start */
	assert_int_equal(vma_insert(&t, v), -EINVAL);
	v = region(1, 2, RW, NULL, 0);
	v->vm_end -= 1; /* unaligned end */
	assert_int_equal(vma_insert(&t, v), -EINVAL);
	assert_int_equal(vma_insert(&t, region(3, 3, RW, NULL, 0)), -EINVAL);
	assert_int_equal(vma_insert(&t, region(4, 3, RW, NULL, 0)), -EINVAL);
	assert_int_equal(vma_insert(&t, region(-1, 1, RW, NULL, 0)), -EINVAL);
	assert_int_equal(vma_insert(&t, region(NPAGES - 1, NPAGES + 1, RW,
					       NULL, 0)), -EINVAL);
	CHECK_EMPTY();
	/* Exactly the tree's whole range is fine. */
	add(0, NPAGES);
	CHECK_LAYOUT(0, NPAGES);
}

static void test_iterate(void **state)
{
	struct vm_area_struct *v;
	long p = 0;

	/* 40 regions, inserted in a scrambled order (17 is prime to 40). */
	for (long i = 0; i < 40; i++)
		add((i * 17 % 40) * 3, (i * 17 % 40) * 3 + 2);
	vma_check(&t);
	for (v = vma_first(&t); v; v = vma_next(&t, v), p += 3)
		assert_int_equal(v->vm_start, PG(p));
	assert_int_equal(p, 120);
	for (v = vma_last(&t); v; v = vma_prev(&t, v)) {
		p -= 3;
		assert_int_equal(v->vm_start, PG(p));
	}
	assert_int_equal(p, 0);
	assert_null(vma_prev(&t, vma_first(&t)));
	assert_null(vma_next(&t, vma_last(&t)));
}

static void test_remove(void **state)
{
	struct vm_area_struct *r[31];

	for (long i = 0; i < 31; i++)
		r[i] = add(2 * i, 2 * i + 1);
	/* The root (two children), then a mix of inner nodes and leaves. */
	vma_remove(&t, t.root);
	vma_check(&t);
	assert_int_equal(t.count, 30);
	for (int i = 0; i < 31; i += 3) {
		if (vma_lookup(&t, r[i]->vm_start) != r[i])
			continue; /* that was the root */
		vma_remove(&t, r[i]);
		vma_check(&t);
		assert_null(vma_lookup(&t, r[i]->vm_start));
	}
	while (t.root) {
		vma_remove(&t, vma_last(&t));
		vma_check(&t);
	}
	CHECK_EMPTY();
}

static void test_remove_not_in_tree_panics(void **state)
{
	struct vm_area_struct *a = add(2, 4);

	expect_panic(vma_remove(&t, region(6, 8, RW, NULL, 0)),
		     "not in this tree");
	vma_remove(&t, a);
	expect_panic(vma_remove(&t, a), "not in this tree"); /* twice */
	CHECK_EMPTY();
}

static void test_split(void **state)
{
	struct vm_area_struct *v = add_file(10, 20, &file_a, 100);
	struct vm_area_struct *u = region(0, 0, 0, NULL, 0);
	struct vm_area_struct *w = region(0, 0, 0, NULL, 0);

	v->vm_flags |= VM_LOCKED;
	/* At the first page boundary: v keeps one page. */
	vma_split(&t, v, PG(11), u);
	CHECK_LAYOUT(10, 11, 11, 20);
	assert_int_equal(v->vm_pgoff, 100);
	assert_int_equal(u->vm_pgoff, 101);
	assert_ptr_equal(u->vm_file, &file_a);
	assert_int_equal(u->vm_flags, RW | VM_LOCKED);
	/* At the last page: the new upper part is one page. */
	vma_split(&t, u, PG(19), w);
	CHECK_LAYOUT(10, 11, 11, 19, 19, 20);
	assert_int_equal(w->vm_pgoff, 109);
	assert_ptr_equal(vma_lookup(&t, PG(19)), w);
	assert_ptr_equal(vma_lookup(&t, PG(18)), u);
}

static void test_split_anonymous(void **state)
{
	struct vm_area_struct *v = add(10, 20);
	struct vm_area_struct *u = region(0, 0, 0, NULL, 0);

	v->vm_pgoff = 7; /* meaningless for anonymous memory: just copied */
	vma_split(&t, v, PG(15), u);
	CHECK_LAYOUT(10, 15, 15, 20);
	assert_int_equal(u->vm_pgoff, 7);
	assert_null(u->vm_file);
	/* The gap above the split region is still found. */
	assert_int_equal(vma_gap_bottomup(&t, PAGE_SIZE, PAGE_SIZE, PG(10),
					  ~0ul), PG(20));
}

static void test_split_bad_panics(void **state)
{
	struct vm_area_struct *v = add(10, 20);
	struct vm_area_struct *u = region(0, 0, 0, NULL, 0);

	expect_panic(vma_split(&t, v, PG(10), u), "cannot split");
	expect_panic(vma_split(&t, v, PG(20), u), "cannot split");
	expect_panic(vma_split(&t, v, PG(25), u), "cannot split");
	expect_panic(vma_split(&t, v, PG(15) + 8, u), "cannot split");
	expect_panic(vma_split(&t, v, PG(15), NULL), "no spare");
	CHECK_LAYOUT(10, 20);
}

static void test_can_merge(void **state)
{
	struct vm_area_struct *a = region(2, 4, RW, NULL, 0);
	struct vm_area_struct *b = region(4, 6, RW, NULL, 33);
	struct vm_area_struct *fa = region(2, 4, RW, &file_a, 10);
	struct vm_area_struct *fb = region(4, 6, RW, &file_a, 12);

	assert_true(vma_can_merge(a, b)); /* anonymous: pgoff ignored */
	assert_false(vma_can_merge(b, a)); /* order matters */
	b->vm_start = PG(5);
	assert_false(vma_can_merge(a, b)); /* not adjacent */
	b->vm_start = PG(4);
	b->vm_flags = RO;
	assert_false(vma_can_merge(a, b)); /* other flags */
	b->vm_flags = RW;
	a->vm_flags = b->vm_flags = RW | VM_IO;
	assert_false(vma_can_merge(a, b)); /* VM_SPECIAL */
	assert_true(vma_can_merge(fa, fb)); /* 10 + 2 pages = 12 */
	fb->vm_pgoff = 13;
	assert_false(vma_can_merge(fa, fb));
	fb->vm_pgoff = 12;
	fb->vm_file = &file_b;
	assert_false(vma_can_merge(fa, fb));
	fb->vm_file = NULL;
	assert_false(vma_can_merge(fa, fb)); /* file and anonymous */
}

static void test_merge_both_sides(void **state)
{
	struct vm_area_struct *a = add(2, 4), *c = add(6, 8), *b = add(4, 6);
	struct vm_area_struct *freed[VMA_MERGE_MAX_FREED], *m;
	unsigned n;

	add(9, 10); /* not adjacent: stays apart */
	m = vma_merge_neighbours(&t, b, freed, &n);
	assert_ptr_equal(m, a);
	assert_int_equal(n, 2);
	assert_ptr_equal(freed[0], b);
	assert_ptr_equal(freed[1], c);
	CHECK_LAYOUT(2, 8, 9, 10);
}

static void test_merge_one_side(void **state)
{
	struct vm_area_struct *a = add(2, 4), *b = add(4, 6), *c = add(6, 8);
	struct vm_area_struct *freed[VMA_MERGE_MAX_FREED], *m;
	unsigned n;

	c->vm_flags = RO;
	m = vma_merge_neighbours(&t, b, freed, &n); /* with the previous */
	assert_ptr_equal(m, a);
	assert_int_equal(n, 1);
	assert_ptr_equal(freed[0], b);
	CHECK_LAYOUT(2, 6, 6, 8);

	b = add(8, 10);
	b->vm_flags = RO;
	m = vma_merge_neighbours(&t, c, freed, &n); /* with the next */
	assert_ptr_equal(m, c);
	assert_int_equal(n, 1);
	assert_ptr_equal(freed[0], b);
	CHECK_LAYOUT(2, 6, 6, 10);

	m = vma_merge_neighbours(&t, c, freed, &n); /* nothing left to do */
	assert_ptr_equal(m, c);
	assert_int_equal(n, 0);
	CHECK_LAYOUT(2, 6, 6, 10);
}

static void test_merge_file_needs_contiguous_pgoff(void **state)
{
	struct vm_area_struct *a = add_file(2, 4, &file_a, 10);
	struct vm_area_struct *b = add_file(4, 6, &file_a, 20);
	struct vm_area_struct *c = add_file(6, 8, &file_a, 22);
	struct vm_area_struct *d = add_file(8, 10, &file_b, 24);
	struct vm_area_struct *freed[VMA_MERGE_MAX_FREED], *m;
	unsigned n;

	/* a|b: offsets 11 -> 20 jump; b|c: 21 -> 22 continue; c|d: files. */
	m = vma_merge_neighbours(&t, b, freed, &n);
	assert_ptr_equal(m, b);
	assert_int_equal(n, 1);
	assert_ptr_equal(freed[0], c);
	assert_int_equal(b->vm_pgoff, 20);
	CHECK_LAYOUT(2, 4, 4, 8, 8, 10);
	m = vma_merge_neighbours(&t, a, freed, &n);
	assert_int_equal(n, 0);
	m = vma_merge_neighbours(&t, d, freed, &n);
	assert_int_equal(n, 0);
	CHECK_LAYOUT(2, 4, 4, 8, 8, 10);
}

/* The pieces vma_unmap_range hands back. */
struct pieces {
	unsigned n;
	struct vm_area_struct *v[16];
	u64 start[16], end[16], pgoff[16];
};

static void collect(struct vm_area_struct *piece, void *ctx)
{
	struct pieces *p = ctx;

	assert_true(p->n < 16);
	/* Out of the tree already, links cleared. */
	assert_ptr_not_equal(vma_lookup(&t, piece->vm_start), piece);
	assert_null(piece->vm_node.parent);
	assert_null(piece->vm_node.left);
	assert_null(piece->vm_node.right);
	p->v[p->n] = piece;
	p->start[p->n] = piece->vm_start;
	p->end[p->n] = piece->vm_end;
	p->pgoff[p->n] = piece->vm_pgoff;
	p->n++;
}

static void check_piece(const struct pieces *p, unsigned i, long p0, long p1)
{
	assert_true(i < p->n);
	if (p->start[i] != PG(p0) || p->end[i] != PG(p1))
		fail_msg("piece %u is [0x%lx, 0x%lx), expected [0x%lx, 0x%lx)",
			 i, p->start[i], p->end[i], PG(p0), PG(p1));
}

static void test_unmap_three_regions(void **state)
{
	struct vm_area_struct *a = add_file(2, 6, &file_a, 0);
	struct vm_area_struct *b = add(6, 9);
	struct vm_area_struct *c = add_file(10, 14, &file_b, 50);
	struct vm_area_struct *s0 = region(0, 0, 0, NULL, 0);
	struct vm_area_struct *s1 = region(0, 0, 0, NULL, 0);
	struct vm_area_struct *spare[2] = { s0, s1 };
	struct pieces p = { 0 };

	/* Partly into a, all of b, the hole, partly into c. */
	assert_int_equal(vma_unmap_spares_needed(&t, PG(4), PG(12)), 2);
	assert_int_equal(vma_unmap_range(&t, PG(4), PG(12), spare, 2,
					 collect, &p), 0);
	CHECK_LAYOUT(2, 4, 12, 14);
	assert_int_equal(p.n, 3);
	check_piece(&p, 0, 4, 6);
	assert_ptr_equal(p.v[0], s0); /* the split-off upper part of a */
	assert_int_equal(p.pgoff[0], 2);
	check_piece(&p, 1, 6, 9);
	assert_ptr_equal(p.v[1], b);
	check_piece(&p, 2, 10, 12);
	assert_ptr_equal(p.v[2], c); /* c's lower part, upper in s1 */
	assert_int_equal(p.pgoff[2], 50);
	assert_ptr_equal(vma_lookup(&t, PG(2)), a);
	assert_int_equal(a->vm_pgoff, 0);
	assert_ptr_equal(vma_lookup(&t, PG(12)), s1);
	assert_int_equal(s1->vm_pgoff, 52);
	assert_ptr_equal(s1->vm_file, &file_b);
	assert_null(spare[0]);
	assert_null(spare[1]);
}

static void test_unmap_inside_one_region(void **state)
{
	struct vm_area_struct *a = add_file(2, 10, &file_a, 40);
	struct vm_area_struct *s0 = region(0, 0, 0, NULL, 0);
	struct vm_area_struct *s1 = region(0, 0, 0, NULL, 0);
	struct vm_area_struct *spare[2] = { s0, NULL };
	struct pieces p = { 0 };

	/* a becomes three pieces: two new structs are needed. */
	assert_int_equal(vma_unmap_spares_needed(&t, PG(4), PG(6)), 2);
	assert_int_equal(vma_unmap_range(&t, PG(4), PG(6), NULL, 0, collect,
					 &p), -ENOMEM);
	assert_int_equal(vma_unmap_range(&t, PG(4), PG(6), spare, 2, collect,
					 &p), -ENOMEM);
	assert_ptr_equal(spare[0], s0); /* nothing taken on failure */
	assert_int_equal(p.n, 0);
	CHECK_LAYOUT(2, 10);

	spare[1] = s1;
	assert_int_equal(vma_unmap_range(&t, PG(4), PG(6), spare, 2, collect,
					 &p), 0);
	CHECK_LAYOUT(2, 4, 6, 10);
	assert_int_equal(p.n, 1);
	check_piece(&p, 0, 4, 6);
	assert_int_equal(p.pgoff[0], 42);
	assert_ptr_equal(vma_lookup(&t, PG(3)), a);
	assert_ptr_equal(vma_lookup(&t, PG(6)), s1);
	assert_int_equal(s1->vm_pgoff, 44);
}

static void test_unmap_edges(void **state)
{
	struct vm_area_struct *s0 = region(0, 0, 0, NULL, 0);
	struct vm_area_struct *spare[1] = { s0 };
	struct pieces p = { 0 };

	add(2, 6);
	add(6, 8);
	add(10, 20);
	/* Bad arguments. */
	assert_int_equal(vma_unmap_range(&t, PG(2) + 1, PG(4), spare, 1,
					 collect, &p), -EINVAL);
	assert_int_equal(vma_unmap_range(&t, PG(2), PG(4) - 1, spare, 1,
					 collect, &p), -EINVAL);
	assert_int_equal(vma_unmap_range(&t, PG(4), PG(4), spare, 1, collect,
					 &p), -EINVAL);
	/* A hole, and beyond the tree's range: nothing to do. */
	assert_int_equal(vma_unmap_range(&t, PG(8), PG(10), NULL, 0, collect,
					 &p), 0);
	assert_int_equal(vma_unmap_range(&t, PG(NPAGES), PG(NPAGES + 9), NULL,
					 0, collect, &p), 0);
	assert_int_equal(p.n, 0);
	/* Exactly one region: no spare needed, the spare stays ours. */
	assert_int_equal(vma_unmap_spares_needed(&t, PG(6), PG(8)), 0);
	assert_int_equal(vma_unmap_range(&t, PG(6), PG(8), spare, 1, collect,
					 &p), 0);
	assert_ptr_equal(spare[0], s0);
	CHECK_LAYOUT(2, 6, 10, 20);
	/* The first page of a region; then its last page. */
	assert_int_equal(vma_unmap_spares_needed(&t, PG(10), PG(11)), 1);
	assert_int_equal(vma_unmap_range(&t, PG(10), PG(11), spare, 1,
					 collect, &p), 0);
	assert_null(spare[0]);
	CHECK_LAYOUT(2, 6, 11, 20);
	assert_int_equal(vma_unmap_range(&t, PG(19), PG(20), NULL, 0, collect,
					 &p), -ENOMEM);
	spare[0] = region(0, 0, 0, NULL, 0);
	assert_int_equal(vma_unmap_range(&t, PG(19), PG(20), spare, 1,
					 collect, &p), 0);
	CHECK_LAYOUT(2, 6, 11, 19);
	/* Everything. */
	assert_int_equal(vma_unmap_range(&t, PG(0), PG(NPAGES), NULL, 0,
					 collect, &p), 0);
	CHECK_EMPTY();
	assert_int_equal(p.n, 5);
	check_piece(&p, 0, 6, 8);
	check_piece(&p, 1, 10, 11);
	check_piece(&p, 2, 19, 20);
	check_piece(&p, 3, 2, 6);
	check_piece(&p, 4, 11, 19);
}

static void test_adjust(void **state)
{
	struct vm_area_struct *a = add(4, 8), *b = add(10, 12);

	assert_int_equal(vma_adjust(&t, a, PG(4), PG(10)), 0); /* touch b */
	CHECK_LAYOUT(4, 10, 10, 12);
	assert_int_equal(vma_adjust(&t, a, PG(4), PG(11)), -EEXIST);
	assert_int_equal(vma_adjust(&t, b, PG(9), PG(12)), -EEXIST);
	assert_int_equal(vma_adjust(&t, a, PG(5), PG(6)), 0); /* shrink */
	CHECK_LAYOUT(5, 6, 10, 12);
	assert_int_equal(vma_adjust(&t, a, PG(0), PG(6)), 0); /* grow down */
	assert_int_equal(vma_adjust(&t, a, PG(-1), PG(6)), -EINVAL);
	assert_int_equal(vma_adjust(&t, b, PG(10), PG(NPAGES + 1)), -EINVAL);
	assert_int_equal(vma_adjust(&t, a, PG(3), PG(3)), -EINVAL);
	assert_int_equal(vma_adjust(&t, a, PG(3) + 1, PG(5)), -EINVAL);
	assert_int_equal(vma_adjust(&t, b, PG(10), PG(NPAGES)), 0);
	CHECK_LAYOUT(0, 6, 10, NPAGES);
	/* The gap summaries follow: only [6, 10) is left. */
	assert_int_equal(vma_gap_topdown(&t, NPG(4), PAGE_SIZE, 0, ~0ul),
			 PG(6));
	assert_int_equal(vma_gap_topdown(&t, NPG(5), PAGE_SIZE, 0, ~0ul), 0);
}

static void test_adjust_file_offset(void **state)
{
	struct vm_area_struct *f = add_file(20, 24, &file_a, 2);

	assert_int_equal(vma_adjust(&t, f, PG(18), PG(24)), 0);
	assert_int_equal(f->vm_pgoff, 0);
	assert_int_equal(vma_adjust(&t, f, PG(17), PG(24)), -EINVAL);
	assert_int_equal(f->vm_pgoff, 0);
	assert_int_equal(vma_adjust(&t, f, PG(21), PG(30)), 0);
	assert_int_equal(f->vm_pgoff, 3);
	CHECK_LAYOUT(21, 30);
}

/*
 * Regions [10,20) [22,30) [33,40) [40,50): holes [0,10) [20,22) [30,33)
 * and [50, NPAGES).
 */
static void add_gap_layout(void)
{
	add(10, 20);
	add(22, 30);
	add(40, 50);
	add(33, 40);
}

static void test_gap_topdown(void **state)
{
	add_gap_layout();
	/* The highest hole, and the highest place in it. */
	assert_int_equal(vma_gap_topdown(&t, NPG(3), PAGE_SIZE, 0, ~0ul),
			 PG(NPAGES - 3));
	/* Below 50: [30,33) fits 3 pages exactly. */
	assert_int_equal(vma_gap_topdown(&t, NPG(3), PAGE_SIZE, 0, PG(50)),
			 PG(30));
	assert_int_equal(vma_gap_topdown(&t, NPG(2), PAGE_SIZE, 0, PG(50)),
			 PG(31));
	assert_int_equal(vma_gap_topdown(&t, NPG(4), PAGE_SIZE, 0, PG(50)),
			 PG(6));
	assert_int_equal(vma_gap_topdown(&t, NPG(10), PAGE_SIZE, 0, PG(50)),
			 PG(0));
	assert_int_equal(vma_gap_topdown(&t, NPG(11), PAGE_SIZE, 0, PG(50)),
			 0);
	/* The window cuts holes: [31, 33) is left of [30, 33). */
	assert_int_equal(vma_gap_topdown(&t, NPG(2), PAGE_SIZE, PG(31),
					 PG(50)), PG(31));
	assert_int_equal(vma_gap_topdown(&t, NPG(2), PAGE_SIZE, PG(32),
					 PG(50)), 0);
	assert_int_equal(vma_gap_topdown(&t, NPG(2), PAGE_SIZE, PG(32),
					 PG(52)), PG(50));
	assert_int_equal(vma_gap_topdown(&t, NPG(3), PAGE_SIZE, 0,
					 PG(32)), PG(7));
	assert_int_equal(vma_gap_topdown(&t, NPG(3), PAGE_SIZE, 0,
					 PG(3)), PG(0));
	assert_int_equal(vma_gap_topdown(&t, NPG(3), PAGE_SIZE, 0,
					 PG(2)), 0);
}

static void test_gap_topdown_alignment(void **state)
{
	add_gap_layout();
	/*
	 * 2 pages aligned to 4: not in [30,33) (no multiple of 4 in 30..31),
	 * but [20,22) holds one exactly: found, although a search for
	 * size + align - PAGE_SIZE (Linux's) would skip that hole.
	 */
	assert_int_equal(vma_gap_topdown(&t, NPG(2), NPG(4), 0, PG(50)),
			 PG(20));
	/* Aligned to 16 pages (64 KiB): only page 0 below 50. */
	assert_int_equal(vma_gap_topdown(&t, NPG(2), NPG(16), 0, PG(50)),
			 PG(0));
	assert_int_equal(vma_gap_topdown(&t, NPG(2), NPG(16), PG(1), PG(50)),
			 0);
	/* The highest place is aligned down from the top of the hole. */
	assert_int_equal(vma_gap_topdown(&t, NPG(3), NPG(8), 0, ~0ul),
			 PG(NPAGES - 8));
}

static void test_gap_bottomup(void **state)
{
	add_gap_layout();
	assert_int_equal(vma_gap_bottomup(&t, NPG(2), PAGE_SIZE, 0, ~0ul),
			 PG(0));
	assert_int_equal(vma_gap_bottomup(&t, NPG(2), PAGE_SIZE, PG(10),
					  ~0ul), PG(20));
	assert_int_equal(vma_gap_bottomup(&t, NPG(3), PAGE_SIZE, PG(10),
					  ~0ul), PG(30));
	assert_int_equal(vma_gap_bottomup(&t, NPG(4), PAGE_SIZE, PG(10),
					  ~0ul), PG(50));
	assert_int_equal(vma_gap_bottomup(&t, NPG(2), PAGE_SIZE, PG(21),
					  ~0ul), PG(30));
	/* Alignment: [20,22) at 4; none in [30,33); then 52. */
	assert_int_equal(vma_gap_bottomup(&t, NPG(2), NPG(4), PG(10), ~0ul),
			 PG(20));
	assert_int_equal(vma_gap_bottomup(&t, NPG(2), NPG(4), PG(21), ~0ul),
			 PG(52));
	/* The high bound. */
	assert_int_equal(vma_gap_bottomup(&t, NPG(2), NPG(4), PG(21),
					  PG(54)), PG(52));
	assert_int_equal(vma_gap_bottomup(&t, NPG(2), NPG(4), PG(21),
					  PG(53)), 0);
	assert_int_equal(vma_gap_bottomup(&t, NPG(NPAGES - 50), PAGE_SIZE, 0,
					  ~0ul), PG(50));
	assert_int_equal(vma_gap_bottomup(&t, NPG(NPAGES - 49), PAGE_SIZE, 0,
					  ~0ul), 0);
}

static void test_gap_bad_arguments_panic(void **state)
{
	expect_panic(vma_gap_topdown(&t, 0, PAGE_SIZE, 0, ~0ul), "bad size");
	expect_panic(vma_gap_topdown(&t, 100, PAGE_SIZE, 0, ~0ul), "bad size");
	expect_panic(vma_gap_bottomup(&t, PAGE_SIZE, 0, 0, ~0ul), "alignment");
	expect_panic(vma_gap_bottomup(&t, PAGE_SIZE, NPG(3), 0, ~0ul),
		     "alignment");
	/* An empty or reversed window is no bug: just no room. */
	assert_int_equal(vma_gap_topdown(&t, PAGE_SIZE, PAGE_SIZE, PG(5),
					 PG(5)), 0);
	assert_int_equal(vma_gap_bottomup(&t, PAGE_SIZE, PAGE_SIZE, PG(6),
					  PG(5)), 0);
}

static void test_check_catches_corruption(void **state)
{
	struct vm_area_struct *v, *second, *saved_parent;
	u64 saved;

	for (long i = 0; i < 15; i++)
		add(3 * i, 3 * i + 2);
	v = t.root;
	second = vma_next(&t, vma_first(&t));

	saved = v->vm_node.subtree_gap;
	v->vm_node.subtree_gap = NPG(5);
	expect_panic(vma_check(&t), "subtree_gap");
	v->vm_node.subtree_gap = saved;

	v->vm_node.subtree_end += PAGE_SIZE;
	expect_panic(vma_check(&t), "subtree range");
	v->vm_node.subtree_end -= PAGE_SIZE;

	v->vm_node.height++;
	expect_panic(vma_check(&t), "height");
	v->vm_node.height--;

	saved_parent = second->vm_node.parent;
	second->vm_node.parent = saved_parent == t.root ? vma_last(&t) : t.root;
	expect_panic(vma_check(&t), "wrong parent");
	second->vm_node.parent = saved_parent;

	saved = second->vm_start;
	second->vm_start = PG(1); /* over the first region [0, 2) */
	expect_panic(vma_check(&t), "overlaps the previous");
	second->vm_start = saved;

	second->vm_end += 1;
	expect_panic(vma_check(&t), "unaligned");
	second->vm_end -= 1;

	t.count++;
	expect_panic(vma_check(&t), "count is 16 but the tree holds 15");
	t.count -= 2;
	expect_panic(vma_check(&t), "more regions than count");
	t.count++;

	t.mmap_max = PG(40);
	expect_panic(vma_check(&t), "outside");
	t.mmap_max = PG(NPAGES);
	vma_check(&t);
}

static void test_flag_names(void **state)
{
	static const char want[] = "rd wr ex sh mr mw me ms gd um pf lo io sr rr "
				   "dc de ?? ac nr ht sf ar wf dd sd mm hg nh "
				   "mg ui";
	char got[sizeof(want) + 8] = "";

	/* Linux's values, which smaps users may know by heart. */
	assert_int_equal(VM_READ, 0x1);
	assert_int_equal(VM_MAYSHARE, 0x80);
	assert_int_equal(VM_GROWSDOWN, 0x100);
	assert_int_equal(VM_UFFD_MISSING, 0x200);
	assert_int_equal(VM_UFFD_MINOR, 1ul << 37);
	assert_int_equal(VM_LOCKED, 0x2000);
	assert_int_equal(VM_DONTEXPAND, 0x40000);
	assert_int_equal(VM_ACCOUNT, 0x100000);
	assert_int_equal(VM_NORESERVE, 0x200000);
	assert_int_equal(VM_SOFTDIRTY, 0x8000000);
	for (unsigned i = 0; i < nr_vma_flag_names; i++) {
		vm_flags_t f = vma_flag_names[i].flag;

		assert_true(f && !(f & (f - 1))); /* one bit */
		if (i)
			assert_true(f > vma_flag_names[i - 1].flag);
		assert_int_equal(strlen(vma_flag_names[i].name), 2);
		if (i)
			strcat(got, " ");
		strcat(got, vma_flag_names[i].name);
	}
	assert_string_equal(got, want);
}

/* ---------------------------------------------------------------- */
/*
 * The random test: a model holding, for every page of the range, the
 * struct that maps it and the attributes it must have.  A page's file
 * page number (fpg) never changes while it stays mapped, whatever splits,
 * merges and resizes happen around it: that checks every vm_pgoff update.
 */
struct mpage {
	struct vm_area_struct *owner; /* NULL: free */
	vm_flags_t flags;
	struct file *file;
	s64 fpg; /* the file page mapped here (file regions only) */
};

static struct mpage model[NPAGES];
static u64 seed;

/* What the random operations achieved, to see that the test bites. */
static struct {
	unsigned long inserted, adjusted, merged, cut, nomem, gaps_found;
	unsigned long max_regions;
} did;

static u64 rnd(u64 n)
{
	return host_rand(&seed) % n;
}

static long page_of(u64 addr)
{
	return (long)((s64)(addr - BASE) >> PAGE_SHIFT);
}

static bool mapped(long p)
{
	return p >= 0 && p < NPAGES && model[p].owner;
}

/* check_model - the tree and the model agree, page by page. */
static void check_model(void)
{
	struct vm_area_struct *v = vma_first(&t);
	unsigned long regions = 0;

	vma_check(&t);
	for (long p = 0; p < NPAGES; p++) {
		while (v && v->vm_end <= PG(p)) {
			v = vma_next(&t, v);
			regions++;
		}
		if (v && v->vm_start <= PG(p)) {
			const struct mpage *m = &model[p];

			if (m->owner != v)
				fail_msg("page %ld: tree has [0x%lx, 0x%lx), "
					 "model %p", p, v->vm_start,
					 v->vm_end, (void *)m->owner);
			assert_int_equal(v->vm_flags, m->flags);
			assert_ptr_equal(v->vm_file, m->file);
			if (v->vm_file)
				assert_int_equal((s64)v->vm_pgoff +
						 (p - page_of(v->vm_start)),
						 m->fpg);
		} else if (model[p].owner) {
			fail_msg("page %ld: mapped in the model only", p);
		}
	}
	assert_null(v ? vma_next(&t, v) : NULL);
	assert_int_equal(t.count, regions + (v != NULL));
}

static struct vm_area_struct *random_region(void)
{
	long p = rnd(NPAGES);

	for (long i = 0; i < NPAGES; i++)
		if (mapped((p + i) % NPAGES))
			return model[(p + i) % NPAGES].owner;
	return NULL;
}

static void model_set(long p0, long p1, struct vm_area_struct *owner,
		      vm_flags_t flags, struct file *file, s64 fpg0)
{
	for (long p = p0; p < p1; p++)
		model[p] = (struct mpage){ owner, flags, file, fpg0 + p - p0 };
}

static void model_clear(long p0, long p1)
{
	for (long p = MAX(p0, 0); p < MIN(p1, NPAGES); p++)
		model[p] = (struct mpage){ 0 };
}

static void random_insert(void)
{
	static const vm_flags_t flags[] = { RW, RW, RO, RW | VM_IO };
	struct vm_area_struct *v = calloc(1, sizeof(*v));
	long p0 = (long)rnd(NPAGES + 8) - 4, p1 = p0 + 1 + (long)rnd(12);
	bool bad = p0 < 0 || p1 > NPAGES, overlap = false;
	int want, got;

	assert_non_null(v);
	v->vm_start = PG(p0);
	v->vm_end = PG(p1);
	v->vm_flags = flags[rnd(ARRAY_SIZE(flags))];
	v->vm_file = rnd(3) ? (rnd(2) ? &file_a : &file_b) : NULL;
	v->vm_pgoff = rnd(2) ? (u64)p0 + 8 : rnd(64); /* often contiguous */
	if (rnd(30) == 0) {
		v->vm_end += 8;
		bad = true;
	}
	for (long p = p0; !bad && p < p1; p++)
		overlap |= mapped(p);
	want = bad ? -EINVAL : overlap ? -EEXIST : 0;
	got = vma_insert(&t, v);
	if (got != want)
		fail_msg("insert [%ld, %ld): %d, expected %d", p0, p1, got,
			 want);
	if (got) {
		free(v);
		return;
	}
	model_set(p0, p1, v, v->vm_flags, v->vm_file, (s64)v->vm_pgoff);
	did.inserted++;
}

static void random_remove(void)
{
	struct vm_area_struct *v = random_region();

	if (!v)
		return;
	model_clear(page_of(v->vm_start), page_of(v->vm_end));
	vma_remove(&t, v);
	free(v);
}

static void random_split(void)
{
	struct vm_area_struct *v = random_region(), *u;
	long p0, p1, at;

	if (!v || vma_pages(v) < 2)
		return;
	p0 = page_of(v->vm_start);
	p1 = page_of(v->vm_end);
	at = p0 + 1 + (long)rnd(p1 - p0 - 1);
	u = malloc(sizeof(*u));
	assert_non_null(u);
	vma_split(&t, v, PG(at), u);
	for (long p = at; p < p1; p++)
		model[p].owner = u;
}

/* What vma_adjust must answer, checked in the order it checks. */
static int adjust_expect(struct vm_area_struct *v, long n0, long n1)
{
	if (n0 >= n1 || n0 < 0 || n1 > NPAGES)
		return -EINVAL;
	if (v->vm_file && n0 < page_of(v->vm_start) &&
	    page_of(v->vm_start) - n0 > (long)v->vm_pgoff)
		return -EINVAL;
	/* Another region in the way: overlapped, or jumped over. */
	for (long p = MIN(n0, page_of(v->vm_start));
	     p < MAX(n1, page_of(v->vm_end)); p++)
		if (mapped(p) && model[p].owner != v)
			return -EEXIST;
	return 0;
}

static void random_adjust(void)
{
	struct vm_area_struct *v = random_region();
	long p0, p1, n0, n1;
	s64 fpg0;
	int want, got;

	if (!v)
		return;
	p0 = page_of(v->vm_start);
	p1 = page_of(v->vm_end);
	n0 = p0 + (long)rnd(9) - 4;
	n1 = p1 + (long)rnd(9) - 4;
	fpg0 = model[p0].fpg - (p0 - n0); /* the file page at n0 */
	want = adjust_expect(v, n0, n1);
	got = vma_adjust(&t, v, PG(n0), PG(n1));
	if (got != want)
		fail_msg("adjust [%ld, %ld) to [%ld, %ld): %d, expected %d", p0,
			 p1, n0, n1, got, want);
	if (got)
		return;
	model_set(n0, n1, v, v->vm_flags, v->vm_file, fpg0);
	model_clear(p0, MIN(p1, n0));
	model_clear(MAX(p0, n1), p1);
	did.adjusted++;
}

/* A removed piece the model expects: a run of one owner inside the range. */
struct expected_piece {
	long p0, p1;
	vm_flags_t flags;
	struct file *file;
	s64 fpg;
};

struct unmap_ctx {
	struct expected_piece want[NPAGES];
	unsigned n, next;
};

static void check_and_free_piece(struct vm_area_struct *piece, void *arg)
{
	struct unmap_ctx *c = arg;
	const struct expected_piece *w;

	if (c->next >= c->n)
		fail_msg("unexpected piece [0x%lx, 0x%lx)", piece->vm_start,
			 piece->vm_end);
	w = &c->want[c->next++];
	assert_int_equal(piece->vm_start, PG(w->p0));
	assert_int_equal(piece->vm_end, PG(w->p1));
	assert_int_equal(piece->vm_flags, w->flags);
	assert_ptr_equal(piece->vm_file, w->file);
	if (piece->vm_file)
		assert_int_equal((s64)piece->vm_pgoff, w->fpg);
	free(piece);
}

/* expect_pieces - the runs of one owner inside [s, e), in address order. */
static void expect_pieces(struct unmap_ctx *c, long s, long e)
{
	c->n = c->next = 0;
	for (long p = MAX(s, 0); p < MIN(e, NPAGES); p++) {
		if (!mapped(p))
			continue;
		if (c->n && c->want[c->n - 1].p1 == p &&
		    model[p].owner == model[p - 1].owner) {
			c->want[c->n - 1].p1++;
			continue;
		}
		c->want[c->n++] = (struct expected_piece){
			p, p + 1, model[p].flags, model[p].file, model[p].fpg
		};
	}
}

static void random_unmap(void)
{
	static struct unmap_ctx c;
	struct vm_area_struct *spare[2] = { NULL, NULL }, *before[2], *avail[2];
	long s = (long)rnd(NPAGES + 8) - 4, e = s + 1 + (long)rnd(40);
	bool left_cut, right_cut;
	unsigned need, have = 0;
	int got;

	for (int i = 0; i < 2; i++) {
		if (rnd(3) == 0)
			continue;
		spare[i] = avail[have++] = malloc(sizeof(*spare[i]));
		assert_non_null(spare[i]);
	}
	left_cut = mapped(s) && mapped(s - 1) &&
		   model[s].owner == model[s - 1].owner;
	right_cut = mapped(e) && mapped(e - 1) &&
		    model[e].owner == model[e - 1].owner;
	need = left_cut + right_cut;
	assert_int_equal(vma_unmap_spares_needed(&t, PG(s), PG(e)), need);
	expect_pieces(&c, s, e);
	before[0] = spare[0];
	before[1] = spare[1];

	got = vma_unmap_range(&t, PG(s), PG(e), spare, 2,
			      check_and_free_piece, &c);
	if (have < need) {
		assert_int_equal(got, -ENOMEM);
		assert_int_equal(c.next, 0);
		did.nomem++;
	} else {
		assert_int_equal(got, 0);
		did.cut += need;
		assert_int_equal(c.next, c.n);
		/* Spares go in array order: the cut at e takes the last. */
		for (long p = e; right_cut && p < NPAGES &&
				 model[p].owner == model[e - 1].owner; p++)
			model[p].owner = avail[left_cut];
		model_clear(s, e);
	}
	/* The first `need` spares given were used and are NULL now. */
	for (unsigned i = 0, k = 0; i < 2; i++) {
		if (!before[i])
			continue;
		if (got == 0 && k++ < need)
			assert_null(spare[i]);
		else
			assert_ptr_equal(spare[i], before[i]);
		free(spare[i]); /* an unused one; NULL if used */
	}
}

static void random_merge(void)
{
	struct vm_area_struct *v = random_region(), *freed[2], *m, *want_m;
	struct vm_area_struct *want_freed[2];
	unsigned n, want_n = 0;
	long p0, p1;

	if (!v)
		return;
	p0 = page_of(v->vm_start);
	p1 = page_of(v->vm_end);
	want_m = v;
	/* Model: a page pair merges across a boundary when all agrees. */
#define JOINS(a, b)                                                           \
	(mapped(a) && mapped(b) && model[a].flags == model[b].flags &&        \
	 !(model[a].flags & VM_SPECIAL) && model[a].file == model[b].file &&  \
	 (!model[a].file || model[a].fpg + 1 == model[b].fpg))
	if (JOINS(p0 - 1, p0)) {
		want_m = model[p0 - 1].owner;
		want_freed[want_n++] = v;
	}
	if (JOINS(p1 - 1, p1))
		want_freed[want_n++] = model[p1].owner;
#undef JOINS
	m = vma_merge_neighbours(&t, v, freed, &n);
	assert_ptr_equal(m, want_m);
	assert_int_equal(n, want_n);
	did.merged += n;
	for (unsigned i = 0; i < n; i++) {
		assert_ptr_equal(freed[i], want_freed[i]);
		for (long p = 0; p < NPAGES; p++)
			if (model[p].owner == freed[i])
				model[p].owner = m;
		free(freed[i]);
	}
}

static bool model_free(u64 a, u64 size)
{
	for (long p = page_of(a); p < page_of(a + size); p++)
		if (mapped(p))
			return false;
	return true;
}

static u64 model_topdown(u64 size, u64 align, u64 low, u64 high)
{
	u64 lo = MAX(low, PG(0)), hi = MIN(high, PG(NPAGES));

	if (hi <= lo || hi - lo < size)
		return 0;
	for (u64 a = ALIGN_DOWN(hi - size, align); a >= lo; a -= align)
		if (model_free(a, size))
			return a;
	return 0;
}

static u64 model_bottomup(u64 size, u64 align, u64 low, u64 high)
{
	u64 lo = MAX(low, PG(0)), hi = MIN(high, PG(NPAGES));

	if (hi <= lo || hi - lo < size)
		return 0;
	for (u64 a = ALIGN_UP(lo, align); a + size <= hi; a += align)
		if (model_free(a, size))
			return a;
	return 0;
}

static void random_gap(void)
{
	u64 size = NPG(1 + rnd(rnd(4) ? 4 : 40));
	u64 align = NPG(1) << rnd(5);
	u64 low = PG((long)rnd(NPAGES + 8) - 4) + (rnd(4) ? 0 : rnd(4096));
	u64 high = low + NPG(rnd(NPAGES)) - (rnd(4) ? 0 : rnd(4096));

	if (rnd(8) == 0)
		high = ~0ul;
	if (rnd(8) == 0)
		low = 0;
	assert_int_equal(vma_gap_topdown(&t, size, align, low, high),
			 model_topdown(size, align, low, high));
	did.gaps_found += model_topdown(size, align, low, high) != 0;
	assert_int_equal(vma_gap_bottomup(&t, size, align, low, high),
			 model_bottomup(size, align, low, high));
}

static void random_lookup(void)
{
	u64 addr = PG((long)rnd(NPAGES + 4) - 2) + rnd(PAGE_SIZE);
	u64 len = 1 + rnd(NPG(8));
	long p = page_of(addr);
	struct vm_area_struct *want = NULL, *hit = NULL;

	for (long q = MAX(p, 0); q < NPAGES && !want; q++)
		want = mapped(q) ? model[q].owner : NULL;
	for (long q = MAX(p, 0); q < NPAGES && PG(q) < addr + len && !hit; q++)
		hit = mapped(q) ? model[q].owner : NULL;
	assert_ptr_equal(find_vma(&t, addr), want);
	assert_ptr_equal(vma_lookup(&t, addr),
			 mapped(p) ? model[p].owner : NULL);
	assert_ptr_equal(find_vma_intersection(&t, addr, addr + len), hit);
}

static void free_piece(struct vm_area_struct *piece, void *ctx)
{
	free(piece);
}

static void test_random_against_model(void **state)
{
	enum { STEPS = 40000 };
	unsigned long done[8] = { 0 };

	seed = 0x5eed0f7e57ull;
	memset(model, 0, sizeof(model));
	memset(&did, 0, sizeof(did));
	for (int i = 0; i < STEPS; i++) {
		unsigned op = rnd(100);

		if (op < 28)
			random_insert(), done[0]++;
		else if (op < 34)
			random_remove(), done[1]++;
		else if (op < 44)
			random_split(), done[2]++;
		else if (op < 54)
			random_adjust(), done[3]++;
		else if (op < 66)
			random_unmap(), done[4]++;
		else if (op < 76)
			random_merge(), done[5]++;
		else if (op < 88)
			random_gap(), done[6]++;
		else
			random_lookup(), done[7]++;
		check_model();
		did.max_regions = MAX(did.max_regions, t.count);
	}
	printf("# vma model: %lu inserts (%lu fitted), %lu removes, "
	       "%lu splits, "
	       "%lu adjusts (%lu done), %lu unmaps (%lu cuts, %lu -ENOMEM), "
	       "%lu merges (%lu regions absorbed), %lu gap searches (%lu "
	       "found), %lu lookups; up to %lu regions\n",
	       done[0], did.inserted, done[1], done[2], done[3], did.adjusted,
	       done[4], did.cut, did.nomem, done[5], did.merged, done[6],
	       did.gaps_found, done[7], did.max_regions);
	fflush(stdout);
	assert_int_equal(vma_unmap_range(&t, PG(0), PG(NPAGES), NULL, 0,
					 free_piece, NULL), 0);
	CHECK_EMPTY();
}

/* ---------------------------------------------------------------- */

#define SCALE_N 16384
#define SCALE_STEP NPG(2) /* one page mapped, one page free */

/* avl_max_height - the greatest height an AVL tree of n nodes can have. */
static int avl_max_height(unsigned long n)
{
	unsigned long fewest[64] = { 0, 1 }; /* fewest nodes of height h */
	int h = 1;

	while (fewest[h] <= n) {
		h++;
		fewest[h] = fewest[h - 1] + fewest[h - 2] + 1;
	}
	return h - 1;
}

static unsigned long pieces_counted;

static void count_piece(struct vm_area_struct *piece, void *ctx)
{
	pieces_counted++;
}

/* insert_all - insert r[order[i]] for every i; the tree's height. */
static int insert_all(struct vm_area_struct *r, const unsigned *order)
{
	for (unsigned i = 0; i < SCALE_N; i++)
		assert_int_equal(vma_insert(&t, &r[order[i]]), 0);
	vma_check(&t);
	assert_int_equal(t.count, SCALE_N);
	return t.root->vm_node.height;
}

static void test_scale_16384(void **state)
{
	struct vm_area_struct *r = calloc(SCALE_N, sizeof(*r));
	unsigned *order = malloc(SCALE_N * sizeof(*order));
	int bound = avl_max_height(SCALE_N), h_up, h_random;

	assert_non_null(r);
	assert_non_null(order);
	vma_tree_init(&t, DEFAULT_MMAP_MIN_ADDR, TASK_SIZE_MAX);
	for (unsigned i = 0; i < SCALE_N; i++) {
		r[i].vm_start = DEFAULT_MMAP_MIN_ADDR + i * SCALE_STEP;
		r[i].vm_end = r[i].vm_start + PAGE_SIZE;
		r[i].vm_flags = RW;
		order[i] = i;
	}

	/* Ascending: a plain search tree would become a list. */
	h_up = insert_all(r, order);
	assert_true(h_up <= bound);
	for (unsigned i = 0; i < SCALE_N; i++) {
		assert_ptr_equal(vma_lookup(&t, r[i].vm_start + 5), &r[i]);
		assert_null(vma_lookup(&t, r[i].vm_end));
		assert_ptr_equal(find_vma(&t, r[i].vm_end), i + 1 < SCALE_N ?
				 &r[i + 1] : NULL);
	}
	/* Every hole is one page, but one: make a 3-page hole. */
	assert_int_equal(vma_gap_topdown(&t, NPG(2), PAGE_SIZE,
					 0, r[SCALE_N - 1].vm_start), 0);
	vma_remove(&t, &r[1000]);
	assert_int_equal(vma_gap_topdown(&t, NPG(2), PAGE_SIZE, 0,
					 r[SCALE_N - 1].vm_start),
			 r[999].vm_end + PAGE_SIZE);
	assert_int_equal(vma_gap_bottomup(&t, NPG(3), PAGE_SIZE, 0, ~0ul),
			 r[999].vm_end);
	assert_int_equal(vma_gap_bottomup(&t, NPG(4), PAGE_SIZE, 0, ~0ul),
			 r[SCALE_N - 1].vm_end);

	/* Take everything out in a random order, checking as we go. */
	seed = 0x16384ull;
	for (unsigned i = SCALE_N - 1; i > 0; i--) {
		unsigned j = rnd(i + 1), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	for (unsigned i = 0; i < SCALE_N; i++) {
		if (order[i] != 1000)
			vma_remove(&t, &r[order[i]]);
		if (i % 2048 == 0)
			vma_check(&t);
	}
	CHECK_EMPTY();

	/* The same regions inserted in that random order. */
	h_random = insert_all(r, order);
	assert_true(h_random <= bound);
	printf("# vma tree height with %d regions: %d (ascending inserts), "
	       "%d (random inserts); AVL bound %d, log2(n) = 14\n",
	       SCALE_N, h_up, h_random, bound);
	fflush(stdout);

	/* One munmap over everything; the structs are one array here. */
	pieces_counted = 0;
	assert_int_equal(vma_unmap_range(&t, DEFAULT_MMAP_MIN_ADDR,
					 TASK_SIZE_MAX, NULL, 0, count_piece,
					 NULL), 0);
	assert_int_equal(pieces_counted, SCALE_N);
	CHECK_EMPTY();
	free(order);
	free(r);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty_tree),
		T(test_tree_init_bad_range_panics),
		T(test_find_vma),
		T(test_find_vma_intersection),
		T(test_insert_overlap),
		T(test_insert_invalid),
		T(test_iterate),
		T(test_remove),
		T(test_remove_not_in_tree_panics),
		T(test_split),
		T(test_split_anonymous),
		T(test_split_bad_panics),
		T(test_can_merge),
		T(test_merge_both_sides),
		T(test_merge_one_side),
		T(test_merge_file_needs_contiguous_pgoff),
		T(test_unmap_three_regions),
		T(test_unmap_inside_one_region),
		T(test_unmap_edges),
		T(test_adjust),
		T(test_adjust_file_offset),
		T(test_gap_topdown),
		T(test_gap_topdown_alignment),
		T(test_gap_bottomup),
		T(test_gap_bad_arguments_panic),
		T(test_check_catches_corruption),
		T(test_flag_names),
		T(test_random_against_model),
		T(test_scale_16384),
	};

	return cmocka_run_group_tests_name("mm/vma", tests, host_group_setup,
					   host_group_teardown);
}
