/*
 * user/demos/pagemap.c - virtual addresses to physical frames.
 *
 * Reads its own /proc/self/pagemap (one 64-bit word per virtual page:
 * bit 63 present, bit 61 file or shared, bit 56 mapped only here, bits
 * 0-54 the frame number) for four pages of fresh anonymous memory, before
 * and after writing pages 0 and 2, and for a page of code and of the
 * stack.  Frame numbers need root (CAP_SYS_ADMIN) on Linux.
 */
#include <sys/mman.h>
#include "demo.h"

/* show - the pagemap word of addr, decoded. */
static void show(const char *what, const void *addr)
{
	uint64_t w = pagemap_word(0, addr);

	if (!(w & PM_PRESENT)) {
		printf("pagemap: %-14s %14p  not present\n", what, addr);
		return;
	}
	printf("pagemap: %-14s %14p  present, frame 0x%llx (physical 0x%llx)%s%s\n",
	       what, addr, (unsigned long long)(w & PM_PFN_MASK),
	       (unsigned long long)(w & PM_PFN_MASK) * 4096,
	       w & PM_FILE ? ", file/shared" : "",
	       w & PM_EXCLUSIVE ? ", only mapping" : "");
}

/* show_pages - the four pages of map, under a heading. */
static void show_pages(const char *heading, char *map)
{
	char what[32];

	printf("pagemap: %s\n", heading);
	for (int i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "anon page %d", i);
		show(what, map + i * PAGE_SIZE_4K);
	}
}

int main(void)
{
	char *map = mmap(NULL, 4 * PAGE_SIZE_4K, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int local = 0;

	printf("pagemap: look how a page has no frame until it is written, "
	       "then a frame of its own.\n");
	if (map == MAP_FAILED)
		return 1;
	show_pages("fresh mmap of 4 pages, nothing touched yet:", map);
	map[0] = 1;
	map[2 * PAGE_SIZE_4K] = 1;
	show_pages("after writing pages 0 and 2:", map);
	show("code (main)", (const void *)main);
	show("stack", &local);
	return 0;
}
