/*
 * mm/page_index.c - a sparse array of words by page offset (see
 * page_index.h): a radix tree of 512-word nodes made on first use.
 *
 * A node at level 0 (a leaf) holds the words; a node above holds the
 * addresses of the nodes below, or 0 where none was made yet.
 */
#include "mm/page_index.h"
#include <vmos/printk.h>
#include "mm/kmalloc.h"

/* node_words - how many words a node holds: a one-level index is one
 * node just big enough, every other node is full. */
static u64 node_words(const struct page_index *ix)
{
	return ix->height == 1 ? ix->nwords : PAGE_INDEX_SLOTS;
}

bool page_index_init(struct page_index *ix, u64 nwords)
{
	unsigned height = 1;

	ix->root = NULL;
	ix->nwords = nwords;
	while (height < PAGE_INDEX_MAX_HEIGHT &&
	       nwords > 1ull << (PAGE_INDEX_SHIFT * height))
		height++;
	ix->height = height;
	return nwords && nwords <= 1ull << (PAGE_INDEX_SHIFT * height);
}

/* slot_at - the index of offset i in a node of level l. */
static unsigned slot_at(u64 i, unsigned level)
{
	return (unsigned)(i >> (PAGE_INDEX_SHIFT * level)) & (PAGE_INDEX_SLOTS - 1);
}

u64 *page_index_slot(struct page_index *ix, u64 i, bool create)
{
	u64 *node;

	if (i >= ix->nwords)
		panic("page_index_slot: offset %lu of %lu", i, ix->nwords);
	if (!ix->root) {
		if (!create || !(ix->root = kzalloc(node_words(ix) * sizeof(u64))))
			return NULL;
	}
	node = ix->root;
	for (unsigned level = ix->height - 1; level > 0; level--) {
		u64 *entry = &node[slot_at(i, level)];

		if (!*entry) {
			u64 *below = create ? kzalloc(PAGE_INDEX_SLOTS * sizeof(u64)) : NULL;

			if (!below)
				return NULL;
			*entry = (u64)below;
		}
		node = (u64 *)*entry;
	}
	return &node[slot_at(i, 0)];
}

u64 page_index_get(const struct page_index *ix, u64 i)
{
	u64 *word = page_index_slot((struct page_index *)ix, i, false);

	return word ? *word : 0;
}

/* walk - fn on the words under node (level, covering offsets from base);
 * with free_nodes, every node is freed after its words were visited. */
static void walk(struct page_index *ix, u64 *node, unsigned level, u64 base,
		 void (*fn)(u64, u64 *, void *), void *arg, bool free_nodes, u64 *count)
{
	u64 n = level == ix->height - 1 ? node_words(ix) : PAGE_INDEX_SLOTS;

	++*count;
	for (u64 s = 0; s < n; s++) {
		u64 i = base + (s << (PAGE_INDEX_SHIFT * level));

		if (!node[s])
			continue;
		if (level)
			walk(ix, (u64 *)node[s], level - 1, i, fn, arg, free_nodes, count);
		else if (fn)
			fn(i, &node[s], arg);
	}
	if (free_nodes)
		kfree(node);
}

void page_index_for_each(struct page_index *ix,
			 void (*fn)(u64 i, u64 *word, void *arg), void *arg)
{
	u64 count = 0;

	if (ix->root)
		walk(ix, ix->root, ix->height - 1, 0, fn, arg, false, &count);
}

u64 page_index_nodes(const struct page_index *ix)
{
	u64 count = 0;

	if (ix->root)
		walk((struct page_index *)ix, ix->root, ix->height - 1, 0, NULL, NULL,
		     false, &count);
	return count;
}

void page_index_destroy(struct page_index *ix)
{
	u64 count = 0;

	if (ix->root)
		walk(ix, ix->root, ix->height - 1, 0, NULL, NULL, true, &count);
	ix->root = NULL;
}
