/*
 * tests/user/addrs.c - print where things are: code, stack, heap, an mmap
 * region, the dynamic/vdso-free auxiliary random bytes.  Used by
 * aslr_test (built twice: static, and static-PIE as addrs-pie).
 */
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	int local;
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	printf("code=%p stack=%p heap=%p mmap=%p random=%p\n", (void *)main,
	       (void *)&local, sbrk(0), m, (void *)getauxval(AT_RANDOM));
	return 0;
}
