/*
 * mm/memmap.c - sorted, merged sets of physical ranges (see memmap.h).
 */
#include "mm/memmap.h"

void memmap_init(struct memmap *m)
{
	m->n = 0;
}

static void remove_at(struct memmap *m, unsigned i)
{
	for (unsigned j = i; j + 1 < m->n; j++)
		m->r[j] = m->r[j + 1];
	m->n--;
}

static int insert_at(struct memmap *m, unsigned i, phys_addr_t s,
		     phys_addr_t e)
{
	if (m->n == MEMMAP_MAX_RANGES)
		return -1;
	for (unsigned j = m->n; j > i; j--)
		m->r[j] = m->r[j - 1];
	m->r[i].start = s;
	m->r[i].end = e;
	m->n++;
	return 0;
}

int memmap_add(struct memmap *m, phys_addr_t start, phys_addr_t end)
{
	unsigned i = 0;

	if (start >= end)
		return 0;
	/* Skip ranges wholly before the new one (touching ones merge). */
	while (i < m->n && m->r[i].end < start)
		i++;
	/* Absorb every range that overlaps or touches [start, end). */
	while (i < m->n && m->r[i].start <= end) {
		start = MIN(start, m->r[i].start);
		end = MAX(end, m->r[i].end);
		remove_at(m, i);
	}
	return insert_at(m, i, start, end);
}

int memmap_remove(struct memmap *m, phys_addr_t start, phys_addr_t end)
{
	if (start >= end)
		return 0;
	for (unsigned i = 0; i < m->n;) {
		struct mem_range *r = &m->r[i];

		if (r->end <= start || r->start >= end) {
			i++;
		} else if (r->start >= start && r->end <= end) {
			remove_at(m, i); /* wholly covered */
		} else if (r->start < start && r->end > end) {
			/* The hole is inside: split into two.  Check for room
			 * first, so that a full table is left unchanged. */
			phys_addr_t old_end = r->end;

			if (m->n == MEMMAP_MAX_RANGES)
				return -1;
			r->end = start;
			return insert_at(m, i + 1, end, old_end);
		} else if (r->start < start) {
			r->end = start; /* overlap on the right */
			i++;
		} else {
			r->start = end; /* overlap on the left */
			i++;
		}
	}
	return 0;
}

u64 memmap_total(const struct memmap *m)
{
	u64 sum = 0;

	for (unsigned i = 0; i < m->n; i++)
		sum += m->r[i].end - m->r[i].start;
	return sum;
}

void memmap_page_align(struct memmap *m)
{
	for (unsigned i = 0; i < m->n;) {
		phys_addr_t s = ALIGN_UP(m->r[i].start, 4096ull);
		phys_addr_t e = ALIGN_DOWN(m->r[i].end, 4096ull);

		if (s >= e) {
			remove_at(m, i);
			continue;
		}
		m->r[i].start = s;
		m->r[i].end = e;
		i++;
	}
}

phys_addr_t memmap_alloc(struct memmap *m, u64 size, u64 align,
			 phys_addr_t limit)
{
	if (size == 0 || align == 0 || (align & (align - 1)))
		return 0;
	for (unsigned i = 0; i < m->n; i++) {
		phys_addr_t s = ALIGN_UP(m->r[i].start, align);

		if (s < m->r[i].start || s >= m->r[i].end) /* wrapped/empty */
			continue;
		if (m->r[i].end - s < size || s + size > limit)
			continue;
		if (memmap_remove(m, s, s + size) < 0)
			return 0;
		return s;
	}
	return 0;
}
