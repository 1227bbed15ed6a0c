/*
 * mm/poison.c - filling free memory with poison and checking it is still
 * there (see poison.h).  Only the checked kernel has this file.
 */
#include "mm/poison.h"
#include <vmos/printk.h>
#include <vmos/format.h>
#include <vmos/string.h>
#include <asm/page.h>

#define POISON_WORD (0x0101010101010101ull * POISON_FREE)
#define DUMP_BYTES 16

static unsigned nr_reports;

void poison_fill(void *p, size_t size)
{
	memset(p, POISON_FREE, size);
}

/* The offset of the first byte in [skip, size) that is not poison, or size. */
static size_t first_difference(const u8 *p, size_t skip, size_t size)
{
	size_t i = skip;

	for (; i < size && !IS_ALIGNED(i, 8); i++) /* to a word boundary */
		if (p[i] != POISON_FREE)
			return i;
	for (; i + 8 <= size; i += 8) /* a word at a time: fast */
		if (*(const u64 *)(p + i) != POISON_WORD)
			break;
	for (; i < size; i++)
		if (p[i] != POISON_FREE)
			return i;
	return size;
}

/* The 16 bytes around off, as "+0x060: 6b 6b 11 ...". */
static void dump_around(const u8 *p, size_t off, size_t size)
{
	size_t start = ALIGN_DOWN(off, DUMP_BYTES);
	char line[8 + DUMP_BYTES * 3 + 1];
	size_t n = 0;

	n += ksnprintf(line, sizeof(line), "+0x%03zx:", start);
	for (size_t i = start; i < MIN(start + DUMP_BYTES, size); i++)
		n += ksnprintf(line + n, sizeof(line) - n, " %02x", p[i]);
	printk(KERN_ERR "POISON:   %s\n", line);
}

bool poison_check(const void *p, size_t skip, size_t size, const char *what,
		  u64 addr)
{
	const u8 *b = p;
	size_t off = first_difference(b, skip, size);

	if (off == size)
		return true;
	nr_reports++;
	printk(KERN_ERR "POISON: use after free: %s 0x%lx (%zu bytes) was written "
	       "after it was freed: byte +0x%zx is 0x%02x, not 0x%02x\n", what,
	       addr, size, off, b[off], POISON_FREE);
	dump_around(b, off, size);
	return false;
}

unsigned poison_report_count(void)
{
	return nr_reports;
}
