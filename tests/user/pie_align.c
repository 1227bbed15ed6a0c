/*
 * tests/user/pie_align.c - where exec put this program: its load bias, as
 * the dynamic linker reports it.  Built as a PIE with a dynamic linker and
 * -z max-page-size=0x200000 (pie_align-2m): Linux 6.1 aligns such a
 * program's load address to its largest p_align, 2 MiB (the harness's
 * user-pie-align checks the printed bias).
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdio.h>

static int first(struct dl_phdr_info *info, size_t size, void *bias)
{
	(void)size;
	*(unsigned long *)bias = info->dlpi_addr;
	return 1; /* the program itself comes first */
}

int main(void)
{
	unsigned long bias = 0;

	dl_iterate_phdr(first, &bias);
	printf("pie_align: bias=0x%lx\n", bias);
	return 0;
}
