/*
 * user/demos/tlbdemo.c - the TLB shootdown, seen from user mode.
 *
 * A reader thread, pinned to CPU 1, reads a page in a loop: its CPU keeps
 * the page's translation in its TLB.  The main thread, on CPU 0, calls
 * mprotect(PROT_NONE) on the page.  The kernel changes the page-table
 * entry, and before mprotect returns it interrupts CPU 1 (an IPI) to make
 * it forget the old translation: the reader faults on its very next read.
 * The demo prints how many reads the reader made after mprotect returned
 * (0 or 1: the one in flight), and /proc/vmstat's shootdown counters
 * before and after (nr_tlb_remote_flush: IPIs this kernel asked for;
 * nr_tlb_remote_flush_received: flushes the other CPUs did).  With one
 * CPU there is no other TLB to shoot down: it says so.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "demo.h"

static volatile int *page;
static atomic_long reads;
static atomic_int started, finish;
static long reads_at_fault = -1;
static sigjmp_buf out;

static void on_segv(int sig)
{
	(void)sig;
	reads_at_fault = atomic_load(&reads);
	siglongjmp(out, 1);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static unsigned where(void)
{
	unsigned cpu = ~0u;

	syscall(SYS_getcpu, &cpu, NULL, NULL);
	return cpu;
}

static void *reader(void *arg)
{
	(void)arg;
	pin(1);
	printf("tlbdemo: reader thread on CPU %u reads the page in a loop\n", where());
	fflush(stdout);
	if (sigsetjmp(out, 1)) {
		/* faulted: stay until main has read the counters (a thread's
		 * exit frees its kernel stack: a shootdown of its own) */
		while (!atomic_load(&finish))
			;
		return NULL;
	}
	atomic_store(&started, 1);
	for (;;) {
		(void)*page;
		atomic_fetch_add(&reads, 1);
	}
}

/* The value of "name " in /proc/vmstat, or -1: read with pread into the
 * stack, so that reading allocates nothing (stdio's buffer would be
 * malloc'd and freed, and a munmap is a shootdown too). */
static int vmstat_fd = -1;

static long vmstat(const char *name)
{
	char text[4096], *p;
	size_t n = strlen(name);
	ssize_t len = pread(vmstat_fd, text, sizeof(text) - 1, 0);

	if (len <= 0)
		return -1;
	text[len] = '\0';
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == ' ')
			return atol(p + n + 1);
	return -1;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_segv };
	long asked, received, after;
	pthread_t th;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("tlbdemo: one CPU: no other CPU's TLB to shoot down (make run "
		       "starts two; SMP=N for more)\n");
		return 0;
	}
	sigaction(SIGSEGV, &sa, NULL);
	vmstat_fd = open("/proc/vmstat", O_RDONLY);
	pin(0);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	page[0] = 42;
	pthread_create(&th, NULL, reader, NULL);
	while (!atomic_load(&started) || atomic_load(&reads) < 1000000)
		;
	printf("tlbdemo: main thread on CPU %u: the reader has read %ld times; "
	       "now mprotect(PROT_NONE)\n", where(), atomic_load(&reads));
	asked = vmstat("nr_tlb_remote_flush");
	received = vmstat("nr_tlb_remote_flush_received");
	mprotect((void *)page, 4096, PROT_NONE);
	after = atomic_load(&reads);
	asked = vmstat("nr_tlb_remote_flush") - asked;
	received = vmstat("nr_tlb_remote_flush_received") - received;
	atomic_store(&finish, 1);
	pthread_join(th, NULL);
	printf("tlbdemo: mprotect returned; the reader read %ld more time(s), "
	       "then faulted (SIGSEGV)\n", reads_at_fault - after);
	printf("tlbdemo: during mprotect: shootdowns asked (nr_tlb_remote_flush) "
	       "+%ld, flushes done by other CPUs (nr_tlb_remote_flush_received) +%ld\n",
	       asked, received);
	return reads_at_fault >= after && reads_at_fault - after <= 2 ? 0 : 1;
}
