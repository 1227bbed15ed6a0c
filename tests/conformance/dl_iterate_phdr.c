/*
 * tests/conformance/dl_iterate_phdr.c - dl_iterate_phdr as glibc reports
 * the executable, linked into exec/load_address.  The test takes the object
 * with an empty dlpi_name for the program (glibc's convention); musl names
 * it.  This one reports only the executable, from the auxiliary vector:
 * its program headers (AT_PHDR, AT_PHNUM) and its load bias, AT_PHDR minus
 * the PT_PHDR entry's own p_vaddr (0 for a program without PT_PHDR, which
 * is not position-independent).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <sys/auxv.h>

int dl_iterate_phdr(int (*callback)(struct dl_phdr_info *, size_t, void *),
		    void *data)
{
	struct dl_phdr_info info = { 0 };

	info.dlpi_phdr = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	info.dlpi_phnum = getauxval(AT_PHNUM);
	info.dlpi_name = "";
	for (int i = 0; i < info.dlpi_phnum; i++)
		if (info.dlpi_phdr[i].p_type == PT_PHDR)
			info.dlpi_addr = (ElfW(Addr))info.dlpi_phdr - info.dlpi_phdr[i].p_vaddr;
	return callback(&info, sizeof(info), data);
}
