/*
 * kernel/ksyms.h - names for kernel code addresses, for backtraces.
 *
 * The build links the kernel once, lists its functions with nm, and writes
 * the sorted table into the reserved .ksyms section of the final image
 * (tools/ksyms.py).  Format: struct ksyms_header, then count entries sorted
 * by address, then the NUL-terminated names.
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <vmos/types.h>

#define KSYMS_MAGIC 0x4d59534bu /* "KSYM" */
#define KSYM_NAME_BUF 80

struct ksyms_header {
	u32 magic;
	u32 count;
	u32 strtab; /* offset of the names from the header */
	u32 reserved;
};

struct ksym {
	u64 addr;
	u32 name;  /* offset in the name table */
	u32 size;  /* bytes of code, 0 if unknown */
};

/*
 * ksym_lookup_in - the symbol containing addr in the table at blob, or NULL.
 * *offset receives addr minus the symbol's start. blob must be 8-byte
 * aligned (as the .ksyms section is); its contents are not trusted: a
 * malformed table gives NULL and nothing outside blob_size is read.
 * Pure, host-tested.
 */
const char *ksym_lookup_in(const void *blob, size_t blob_size, u64 addr,
			   u64 *offset);
/* ksym_lookup - the same for the kernel's own table. */
const char *ksym_lookup(u64 addr, u64 *offset);
/* ksym_format - "name+0x1f" or "0xffffffff80101234" into buf; returns buf. */
char *ksym_format(u64 addr, char *buf, size_t size);
/*
 * ksym_format_return - the same for a return address, which may point just
 * past the end of its function (when a call to a noreturn function is the
 * last instruction): looked up as ret - 1, printed as name+offset of ret.
 */
char *ksym_format_return(u64 ret, char *buf, size_t size);
/* ksym_address - the address of a function by name, or 0. */
u64 ksym_address(const char *name);

#endif
