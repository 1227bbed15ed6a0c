/*
 * user/demos/loader.c - demand paging done by hand, in user space.
 *
 * Reserves 8 pages PROT_NONE for a file in /tmp.  Every access to a page
 * not loaded yet faults; the SIGSEGV handler reads that page of the file
 * into it (mprotect read-write, pread, mprotect read-only) and returns,
 * and the access runs again and succeeds.  This is what the kernel does
 * for a file mapping in do_fault(), with a page-table entry instead of
 * mprotect.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include "demo.h"

#define PATH   "/tmp/loader-demo.bin"
#define NPAGES 8

static char *area;        /* the reserved pages */
static int file_fd;
static volatile int loads; /* pages loaded so far (the handler counts) */
static uintptr_t loaded_at[NPAGES];

/* on_segv - load the page of the fault from the file, or give up. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	char *page = (char *)(addr & ~(PAGE_SIZE_4K - 1));
	off_t off = page - area;

	if (page < area || page >= area + NPAGES * PAGE_SIZE_4K ||
	    mprotect(page, PAGE_SIZE_4K, PROT_READ | PROT_WRITE) < 0 ||
	    pread(file_fd, page, PAGE_SIZE_4K, off) < 0 ||
	    mprotect(page, PAGE_SIZE_4K, PROT_READ) < 0) {
		signal(SIGSEGV, SIG_DFL); /* not ours: crash as usual */
		return;
	}
	if (loads < NPAGES)
		loaded_at[loads++] = addr;
}

/* make_file - NPAGES pages, each starting with its own line of text. */
static int make_file(void)
{
	char page[PAGE_SIZE_4K];
	int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);

	for (int i = 0; fd >= 0 && i < NPAGES; i++) {
		memset(page, 0, sizeof(page));
		snprintf(page, sizeof(page), "this is page %d of the file", i);
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
			return -1;
	}
	return fd;
}

/* read_page - read page i through the area, report the faults it took. */
static void read_page(int i)
{
	int before = loads;
	const char *text = area + i * PAGE_SIZE_4K;
	char first = *(volatile const char *)text; /* the access that faults */

	printf("loader: page %d says \"%c%s\" (%s)\n", i, first, text + 1,
	       loads > before ? "loaded by the handler on a fault"
			      : "already loaded, no fault");
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	printf("loader: look how each page is read from the file only when it is "
	       "first touched, by a SIGSEGV handler.\n");
	file_fd = make_file();
	area = mmap(NULL, NPAGES * PAGE_SIZE_4K, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (file_fd < 0 || area == MAP_FAILED)
		return 1;
	unlink(PATH);
	sigaction(SIGSEGV, &sa, NULL);
	printf("loader: %d pages reserved PROT_NONE at %p\n", NPAGES, (void *)area);
	read_page(0);
	read_page(5);
	read_page(5);
	read_page(7);
	printf("loader: %d loads for 4 reads:", loads);
	for (int i = 0; i < loads; i++)
		printf(" %#lx", (unsigned long)loaded_at[i]);
	printf("\n");
	return 0;
}
