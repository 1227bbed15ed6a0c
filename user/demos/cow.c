/*
 * user/demos/cow.c - copy-on-write after fork.
 *
 * A written page of private memory, then fork: parent and child map the
 * same physical frame (read-only in both, as /proc/self/pagemap shows)
 * until the child writes, which costs it one minor fault and gives it a
 * copy in a new frame.  The parent's later write is a fault too, but
 * copies nothing: it is now the frame's only user.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "demo.h"

/* minflt - this process's minor faults so far. */
static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* write_counting - write to page; returns the minor faults it took. */
static long write_counting(volatile char *page, char value)
{
	long before = minflt();

	page[0] = value;
	return minflt() - before;
}

/* verdict - compare two frame numbers in words. */
static const char *verdict(uint64_t a, uint64_t b)
{
	if (!a || !b)
		return "frames hidden (pagemap shows them to root only)";
	return a == b ? "same frame" : "different frames";
}

/* child - runs after fork; p is the page, parent_pfn its frame. */
static void child(volatile char *page, uint64_t parent_pfn, int done_fd)
{
	uint64_t pfn = pfn_of(0, (const void *)page);
	long faults;

	printf("cow: after fork: parent frame 0x%llx, child frame 0x%llx: %s\n",
	       (unsigned long long)parent_pfn, (unsigned long long)pfn,
	       verdict(parent_pfn, pfn));
	faults = write_counting(page, 'c');
	pfn = pfn_of(0, (const void *)page);
	printf("cow: child wrote (%ld minor fault): parent frame 0x%llx, child "
	       "frame 0x%llx: %s\n", faults, (unsigned long long)parent_pfn,
	       (unsigned long long)pfn, verdict(parent_pfn, pfn));
	fflush(stdout);
	close(done_fd);
	_exit(0);
}

int main(void)
{
	volatile char *page = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t before, after;
	long faults;
	int fds[2];
	char c;

	printf("cow: look for the same frame in parent and child after fork, "
	       "and different frames once the child writes.\n");
	fflush(stdout);
	if (page == MAP_FAILED || pipe(fds) < 0)
		return 1;
	page[0] = 'p';
	before = pfn_of(0, (const void *)page);
	if (fork() == 0)
		child(page, before, fds[1]);
	close(fds[1]);
	read(fds[0], &c, 1); /* EOF: the child has written */
	wait(NULL);
	faults = write_counting(page, 'P');
	after = pfn_of(0, (const void *)page);
	printf("cow: parent wrote (%ld minor fault): frame 0x%llx, was 0x%llx: "
	       "%s%s\n", faults, (unsigned long long)after,
	       (unsigned long long)before, verdict(before, after),
	       before == after ? ", nothing copied (the parent is its only user now)"
			       : "");
	return 0;
}
