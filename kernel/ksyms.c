/*
 * kernel/ksyms.c - looking up the embedded symbol table (see ksyms.h).
 */
#include "kernel/ksyms.h"
#include <vmos/format.h>
#include <vmos/string.h>

extern const char _ksyms[], _ksyms_end[];

/* The table at blob, or NULL if blob holds no valid table. */
static const struct ksyms_header *table(const void *blob, size_t size)
{
	const struct ksyms_header *h = blob;

	if (size < sizeof(*h) || h->magic != KSYMS_MAGIC ||
	    h->count > (size - sizeof(*h)) / sizeof(struct ksym) ||
	    h->strtab < sizeof(*h) + h->count * sizeof(struct ksym) ||
	    h->strtab >= size)
		return NULL;
	return h;
}

const char *ksym_lookup_in(const void *blob, size_t size, u64 addr,
			   u64 *offset)
{
	const struct ksyms_header *h = table(blob, size);
	const struct ksym *syms;
	u32 lo = 0, hi;

	if (!h || h->count == 0)
		return NULL;
	syms = (const struct ksym *)(h + 1);
	hi = h->count;
	/* Find the last symbol with syms[i].addr <= addr. */
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (syms[lo].addr > addr ||
	    (syms[lo].size && addr - syms[lo].addr >= syms[lo].size))
		return NULL;
	if (syms[lo].name >= size - h->strtab)
		return NULL;
	/* Names must end inside the blob. */
	const char *name = (const char *)blob + h->strtab + syms[lo].name;
	if (strnlen(name, size - h->strtab - syms[lo].name) ==
	    size - h->strtab - syms[lo].name)
		return NULL;
	if (offset)
		*offset = addr - syms[lo].addr;
	return name;
}

const char *ksym_lookup(u64 addr, u64 *offset)
{
	return ksym_lookup_in(_ksyms, (size_t)(_ksyms_end - _ksyms), addr,
			      offset);
}

char *ksym_format(u64 addr, char *buf, size_t size)
{
	u64 off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		ksnprintf(buf, size, "%s+0x%lx", name, off);
	else
		ksnprintf(buf, size, "0x%016lx", addr);
	return buf;
}

char *ksym_format_return(u64 ret, char *buf, size_t size)
{
	u64 off;
	const char *name = ksym_lookup(ret - 1, &off);

	if (name)
		ksnprintf(buf, size, "%s+0x%lx", name, off + 1);
	else
		ksnprintf(buf, size, "0x%016lx", ret);
	return buf;
}

u64 ksym_address(const char *name)
{
	const struct ksyms_header *h =
		table(_ksyms, (size_t)(_ksyms_end - _ksyms));
	const struct ksym *syms;

	if (!h)
		return 0;
	syms = (const struct ksym *)(h + 1);
	for (u32 i = 0; i < h->count; i++)
		if (!strcmp(_ksyms + h->strtab + syms[i].name, name))
			return syms[i].addr;
	return 0;
}
