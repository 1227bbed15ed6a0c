/*
 * mm/swapslots.c - the pure half of swap areas: checking a swap header,
 * the slot map of each area, choosing an area by priority, and the slot
 * calls of mm/swap.h.  No I/O and no file system here (mm/swapfile.c does
 * those), so tests/unit/test_swapfile.c runs all of it on the host.
 *
 * Locking: none.  One CPU runs the kernel and it is not preempted, and
 * nothing here sleeps, so each call finishes before another starts.
 */
#include <vmos/errno.h>
#include <vmos/printk.h>
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/swapfile.h"

#define KB_PER_SWAP_PAGE (SWAP_PAGE_SIZE / 1024)
#define SWAPS_NAME_COLUMNS 40   /* /proc/swaps pads names to this width */
#define SWAPS_WIDE_NUMBER 10000000 /* from here, no second tab after it */

struct swap_area swap_areas[MAX_SWAPFILES];

/* The last default priority given: the next is one less (Linux starts
 * at -1, so the first area without SWAP_FLAG_PREFER gets -2). */
static int least_priority = -1;
/* Where swap_slot_alloc() starts looking among areas of equal priority,
 * so that they take turns, as on Linux. */
static unsigned next_type;

/* ---- the header ---- */

long swap_header_check(const union swap_header *h, u64 dev_pages,
		       const char *dev)
{
	u64 max;

	if (!memcmp(h->magic.magic, SWAP_MAGIC_V0, SWAP_MAGIC_LEN)) {
		pr_err("swapon: %s: old swap space format (\"%s\") is not "
		       "supported: run mkswap again\n", dev, SWAP_MAGIC_V0);
		return -EINVAL;
	}
	if (memcmp(h->magic.magic, SWAP_MAGIC, SWAP_MAGIC_LEN)) {
		pr_err("swapon: %s: Unable to find swap-space signature\n", dev);
		return -EINVAL;
	}
	if (h->info.version != SWAP_HEADER_VERSION) {
		pr_err("swapon: %s: Unable to handle swap header version %u\n",
		       dev, h->info.version);
		return -EINVAL;
	}
	if (h->info.nr_badpages > MAX_SWAP_BADPAGES) {
		pr_err("swapon: %s: %u bad pages listed, at most %u fit in the "
		       "header\n", dev, h->info.nr_badpages, MAX_SWAP_BADPAGES);
		return -EINVAL;
	}
	if (h->info.last_page == 0) {
		pr_err("swapon: %s: Empty swap-file (last page 0)\n", dev);
		return -EINVAL;
	}
	max = (u64)h->info.last_page + 1;
	if (max > dev_pages) {
		pr_err("swapon: %s: Swap area shorter than signature indicates "
		       "(last page %u, the device has %lu pages)\n", dev,
		       h->info.last_page, dev_pages);
		return -EINVAL;
	}
	for (u32 i = 0; i < h->info.nr_badpages; i++) {
		u32 bad = h->info.badpages[i];

		if (bad == 0 || bad > h->info.last_page) {
			pr_err("swapon: %s: bad page %u is outside the area "
			       "(pages 1 .. %u)\n", dev, bad, h->info.last_page);
			return -EINVAL;
		}
	}
	return (long)max;
}

/* ---- one area's slots ---- */

u64 swap_map_init(struct swap_map *m, u8 *count, u64 max,
		  const union swap_header *h)
{
	m->count = count;
	m->max = max;
	m->inuse = 0;
	m->cursor = 1;
	memset(count, 0, max);
	count[0] = SWAP_MAP_BAD; /* the header */
	for (u32 i = 0; i < h->info.nr_badpages; i++)
		count[h->info.badpages[i]] = SWAP_MAP_BAD;
	m->pages = 0;
	for (u64 off = 1; off < max; off++)
		m->pages += count[off] == 0;
	return m->pages;
}

u64 swap_map_alloc(struct swap_map *m)
{
	if (m->inuse == m->pages)
		return 0;
	for (u64 n = 0; n < m->max; n++) {
		u64 off = m->cursor;

		m->cursor = off + 1 < m->max ? off + 1 : 1;
		if (m->count[off] == 0) {
			m->count[off] = 1;
			m->inuse++;
			return off;
		}
	}
	panic("swap_map_alloc: %lu of %lu slots in use, but none is free",
	      m->inuse, m->pages);
}

/* ---- the area table ---- */

void swap_area_enable(unsigned type, int prio)
{
	struct swap_area *a = &swap_areas[type];

	a->prio = prio >= 0 ? prio : --least_priority;
	a->flags |= SWP_USED | SWP_WRITEOK;
}

void swap_area_disable(unsigned type)
{
	swap_areas[type].flags &= ~SWP_WRITEOK;
}

void swap_area_forget(unsigned type)
{
	struct swap_area *a = &swap_areas[type];

	if (a->prio < 0) {
		for (unsigned t = 0; t < MAX_SWAPFILES; t++)
			if (t != type && (swap_areas[t].flags & SWP_USED) &&
			    swap_areas[t].prio < a->prio)
				swap_areas[t].prio++;
		least_priority++;
	}
	memset(a, 0, sizeof(*a));
}

void swap_reset(void)
{
	memset(swap_areas, 0, sizeof(swap_areas));
	least_priority = -1;
	next_type = 0;
}

/* area_of - the area holding slot e, or NULL if e names no page of an
 * area in use. */
static struct swap_area *area_of(swp_entry_t e)
{
	struct swap_area *a;

	if (swp_type(e) >= MAX_SWAPFILES)
		return NULL;
	a = &swap_areas[swp_type(e)];
	if (!(a->flags & SWP_USED) || !a->map.count || swp_offset(e) >= a->map.max)
		return NULL;
	return a;
}

/* slot_count - the count byte of e (SWAP_MAP_BAD when e is no slot). */
static u8 slot_count(swp_entry_t e)
{
	struct swap_area *a = area_of(e);

	return a ? a->map.count[swp_offset(e)] : SWAP_MAP_BAD;
}

/* ---- mm/swap.h ---- */

swp_entry_t swap_slot_alloc(void)
{
	struct swap_area *best = NULL;
	unsigned type = 0;

	for (unsigned i = 0; i < MAX_SWAPFILES; i++) {
		unsigned t = (next_type + i) % MAX_SWAPFILES;
		struct swap_area *a = &swap_areas[t];

		if (!(a->flags & SWP_WRITEOK) || a->map.inuse == a->map.pages)
			continue;
		if (!best || a->prio > best->prio) {
			best = a;
			type = t;
		}
	}
	if (!best)
		return (swp_entry_t){ 0 };
	next_type = (type + 1) % MAX_SWAPFILES;
	return swp_entry(type, swap_map_alloc(&best->map));
}

int swap_slot_dup(swp_entry_t e)
{
	u8 c = slot_count(e);

	if (c == 0 || c == SWAP_MAP_BAD)
		return -EINVAL;
	if (c >= SWAP_SLOT_MAX_REFS)
		return -ENOMEM;
	area_of(e)->map.count[swp_offset(e)] = c + 1;
	return 0;
}

u32 swap_slot_free(swp_entry_t e)
{
	struct swap_area *a = area_of(e);
	u8 c = slot_count(e);

	if (c == 0 || c == SWAP_MAP_BAD)
		panic("swap_slot_free: entry 0x%lx (area %u, slot %lu) is not "
		      "allocated (count %u)", e.val, swp_type(e), swp_offset(e),
		      c);
	a->map.count[swp_offset(e)] = --c;
	if (c == 0)
		a->map.inuse--;
	return c;
}

u32 swap_slot_count(swp_entry_t e)
{
	u8 c = slot_count(e);

	return c == SWAP_MAP_BAD ? 0 : c;
}

/*
 * The totals count an area that swapoff is emptying as if its slots in
 * use were still there and free (Linux's si_swapinfo): they are about to
 * come back into memory, and the area's size no longer counts.
 */
u64 swap_total_pages(void)
{
	u64 n = 0;

	for (unsigned t = 0; t < MAX_SWAPFILES; t++) {
		const struct swap_area *a = &swap_areas[t];

		if (a->flags & SWP_WRITEOK)
			n += a->map.pages;
		else if (a->flags & SWP_USED)
			n += a->map.inuse;
	}
	return n;
}

u64 swap_free_pages(void)
{
	u64 n = 0;

	for (unsigned t = 0; t < MAX_SWAPFILES; t++) {
		const struct swap_area *a = &swap_areas[t];

		if (a->flags & SWP_WRITEOK)
			n += a->map.pages - a->map.inuse;
		else if (a->flags & SWP_USED)
			n += a->map.inuse;
	}
	return n;
}

/* ---- /proc/swaps ---- */

/* put_escaped - path into buf (size bytes, from *len on) with space, tab,
 * newline and backslash as \ooo, as Linux's seq_file_path does. */
static void put_escaped(char *buf, size_t size, size_t *len, const char *path)
{
	for (const char *p = path; *p; p++) {
		char c = *p, esc[4] = { '\\', (char)('0' + ((c >> 6) & 3)),
					(char)('0' + ((c >> 3) & 7)),
					(char)('0' + (c & 7)) };
		bool special = c == ' ' || c == '\t' || c == '\n' || c == '\\';

		for (unsigned i = 0; i < (special ? 4u : 1u); i++, (*len)++)
			if (*len + 1 < size)
				buf[*len] = special ? esc[i] : c;
	}
}

int swap_area_line(const struct swap_area *a, char *buf, size_t size)
{
	u64 kb = a->map.pages * KB_PER_SWAP_PAGE;
	u64 used = a->map.inuse * KB_PER_SWAP_PAGE;
	size_t len = 0;
	int pad, rest;

	put_escaped(buf, size, &len, a->path);
	pad = len < SWAPS_NAME_COLUMNS ? (int)(SWAPS_NAME_COLUMNS - len) : 1;
	rest = ksnprintf(len < size ? buf + len : NULL, len < size ? size - len : 0,
			 "%*s%s\t%lu\t%s%lu\t%s%d\n", pad, " ",
			 a->bdev ? "partition" : "file\t", kb,
			 kb < SWAPS_WIDE_NUMBER ? "\t" : "", used,
			 used < SWAPS_WIDE_NUMBER ? "\t" : "", a->prio);
	if (size && len >= size)
		buf[size - 1] = '\0';
	return (int)len + rest;
}
