/*
 * tests/user/adv_mm.c - the memory-management calls given bad arguments
 * (xv6's sbrkfail, badarg, MAXVAplus): mmap, mprotect, munmap, mremap,
 * madvise, mincore, msync, mlock, brk with flag combinations, alignments,
 * lengths and ranges Linux refuses, each with Linux's exact errno; then
 * futex on NULL, kernel, unaligned, unmapped and read-only words, with bad
 * timeouts.  Every row is one raw system call in its own child.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include "adv.h"

#define PAGE 4096l
#define TASK_SIZE 0x7ffffffff000l
#define RW (PROT_READ | PROT_WRITE)
#define PRIV_ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define MAP_SHARED_VALIDATE 0x03
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE 128

/* ROW - a call made in a child: it must return exactly want. */
#define ROW(desc, call, want)                                               \
	do {                                                                \
		int _st = 0;                                                \
		pid_t _p;                                                   \
		fflush(stdout);                                             \
		_p = fork();                                                \
		if (_p == 0) {                                              \
			long _r = (long)(call), _w = (long)(want);          \
			if (_r != _w)                                       \
				printf("# %s gave %ld, expected %ld\n",     \
				       #call, _r, _w);                      \
			fflush(stdout);                                     \
			_exit(_r != _w);                                    \
		}                                                           \
		waitpid(_p, &_st, 0);                                       \
		tap_result(WIFEXITED(_st) && WEXITSTATUS(_st) == 0, desc,   \
			   WIFSIGNALED(_st) ? "killed by a signal" : NULL); \
	} while (0)

static char *r;		/* four read-write pages at 256 MiB, then a hole */
static char *ro;	/* a read-only page */
static int fd;		/* /tmp/adv-mm: 8 KiB */

/* mmap that succeeded: 1; failed: its -errno */
static long mapped(long v)
{
	return v < 0 && v > -4096 ? v : 1;
}

#define MMAP(a, l, p, f, d, o) SC6(SYS_mmap, a, l, p, f, d, o)

static void mmap_rows(void)
{
	ROW("mmap MAP_SHARED|MAP_PRIVATE (MAP_SHARED_VALIDATE) of a file: ok",
	    mapped(MMAP(0, PAGE, RW, MAP_SHARED_VALIDATE, fd, 0)), 1);
	ROW("mmap MAP_SHARED_VALIDATE with an unknown flag: EOPNOTSUPP",
	    MMAP(0, PAGE, RW, MAP_SHARED_VALIDATE | 0x800000, fd, 0), -EOPNOTSUPP);
	ROW("mmap neither MAP_SHARED nor MAP_PRIVATE: EINVAL",
	    MMAP(0, PAGE, RW, MAP_ANONYMOUS, -1, 0), -EINVAL);
	ROW("mmap length 0: EINVAL", MMAP(0, 0, RW, PRIV_ANON, -1, 0), -EINVAL);
	ROW("mmap length 2^47: ENOMEM", MMAP(0, 1l << 47, RW, PRIV_ANON, -1, 0), -ENOMEM);
	ROW("mmap length SIZE_MAX: ENOMEM", MMAP(0, -1l, RW, PRIV_ANON, -1, 0), -ENOMEM);
	ROW("mmap length SIZE_MAX - 4095 (rounds to 0): ENOMEM",
	    MMAP(0, -4095l, RW, PRIV_ANON, -1, 0), -ENOMEM);
	ROW("mmap MAP_FIXED unaligned: EINVAL",
	    MMAP(r + 1, PAGE, RW, PRIV_ANON | MAP_FIXED, -1, 0), -EINVAL);
	ROW("mmap offset unaligned: EINVAL", MMAP(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 1), -EINVAL);
	ROW("mmap offset + length overflows: EOVERFLOW",
	    MMAP(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, -PAGE), -EOVERFLOW);
	ROW("mmap MAP_FIXED in the kernel half: ENOMEM",
	    MMAP(KERNEL_TEXT, PAGE, RW, PRIV_ANON | MAP_FIXED, -1, 0), -ENOMEM);
	ROW("mmap MAP_FIXED at 0x0000800000000000: ENOMEM",
	    MMAP(NONCANON_LOW, PAGE, RW, PRIV_ANON | MAP_FIXED, -1, 0), -ENOMEM);
	ROW("mmap MAP_FIXED over the end of user space: ENOMEM",
	    MMAP(TASK_SIZE - PAGE, 2 * PAGE, RW, PRIV_ANON | MAP_FIXED, -1, 0), -ENOMEM);
	ROW("mmap MAP_FIXED at the last user page (TASK_SIZE): ENOMEM",
	    MMAP(TASK_SIZE, PAGE, RW, PRIV_ANON | MAP_FIXED, -1, 0), -ENOMEM);
	ROW("mmap MAP_FIXED wrapping around: ENOMEM",
	    MMAP(r, -2 * PAGE, RW, PRIV_ANON | MAP_FIXED, -1, 0), -ENOMEM);
	ROW("mmap MAP_FIXED at 0 (below mmap_min_addr): EPERM",
	    MMAP(0, PAGE, RW, PRIV_ANON | MAP_FIXED, -1, 0), -EPERM);
	ROW("mmap MAP_FIXED_NOREPLACE over a mapping: EEXIST",
	    MMAP(r, PAGE, RW, PRIV_ANON | MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
	ROW("mmap a hint in the kernel half: placed elsewhere",
	    mapped(MMAP(KERNEL_TEXT, PAGE, RW, PRIV_ANON, -1, 0)), 1);
	ROW("mmap a closed descriptor: EBADF", MMAP(0, PAGE, PROT_READ, MAP_PRIVATE, 99, 0), -EBADF);
	ROW("mmap MAP_SHARED writable of a read-only descriptor: EACCES",
	    MMAP(0, PAGE, RW, MAP_SHARED, open("/tmp/adv-mm", O_RDONLY), 0), -EACCES);
	ROW("mmap a write-only descriptor: EACCES",
	    MMAP(0, PAGE, PROT_READ, MAP_PRIVATE, open("/tmp/adv-mm", O_WRONLY), 0), -EACCES);
	ROW("mmap a directory: ENODEV",
	    MMAP(0, PAGE, PROT_READ, MAP_PRIVATE, open("/tmp", O_RDONLY), 0), -ENODEV);
}

static void mprotect_rows(void)
{
	ROW("mprotect unaligned: EINVAL", SC3(SYS_mprotect, r + 1, PAGE, PROT_READ), -EINVAL);
	ROW("mprotect unknown prot bit: EINVAL", SC3(SYS_mprotect, r, PAGE, 0x100), -EINVAL);
	ROW("mprotect GROWSDOWN|GROWSUP: EINVAL",
	    SC3(SYS_mprotect, r, PAGE, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP), -EINVAL);
	ROW("mprotect length 0: ok", SC3(SYS_mprotect, r, 0, PROT_READ), 0);
	ROW("mprotect an unmapped page: ENOMEM", SC3(SYS_mprotect, r + 4 * PAGE, PAGE, PROT_READ), -ENOMEM);
	ROW("mprotect running into an unmapped page: ENOMEM",
	    SC3(SYS_mprotect, r + 3 * PAGE, 2 * PAGE, PROT_READ), -ENOMEM);
	ROW("mprotect the kernel half: ENOMEM", SC3(SYS_mprotect, KERNEL_TEXT, PAGE, RW), -ENOMEM);
	ROW("mprotect a wrapping range: ENOMEM", SC3(SYS_mprotect, r, -2 * PAGE, RW), -ENOMEM);
	ROW("mprotect length SIZE_MAX: ENOMEM", SC3(SYS_mprotect, r, -1l, RW), -ENOMEM);
	ROW("mprotect PROT_WRITE on a read-only file mapping (MAP_SHARED): EACCES",
	    SC3(SYS_mprotect, MMAP(0, PAGE, PROT_READ, MAP_SHARED,
				   open("/tmp/adv-mm", O_RDONLY), 0), PAGE, RW), -EACCES);
}

static void munmap_rows(void)
{
	ROW("munmap unaligned: EINVAL", SC2(SYS_munmap, r + 1, PAGE), -EINVAL);
	ROW("munmap length 0: EINVAL", SC2(SYS_munmap, r, 0), -EINVAL);
	ROW("munmap the kernel half: EINVAL", SC2(SYS_munmap, KERNEL_TEXT, PAGE), -EINVAL);
	ROW("munmap 0x0000800000000000: EINVAL", SC2(SYS_munmap, NONCANON_LOW, PAGE), -EINVAL);
	ROW("munmap past the end of user space: EINVAL",
	    SC2(SYS_munmap, TASK_SIZE - PAGE, 4 * PAGE), -EINVAL);
	ROW("munmap a wrapping range: EINVAL", SC2(SYS_munmap, r, -2 * PAGE), -EINVAL);
	ROW("munmap an unmapped range: ok", SC2(SYS_munmap, r + 4 * PAGE, PAGE), 0);
}

/* xv6's "unmap everything": the syscall returns into nothing */
static void unmap_everything(void)
{
	SC2(SYS_munmap, 0x10000, TASK_SIZE - 0x10000);
}

static void mremap_rows(void)
{
	ROW("mremap unaligned old address: EINVAL",
	    SC5(SYS_mremap, r + 1, PAGE, PAGE, 0, 0), -EINVAL);
	ROW("mremap unknown flag: EINVAL", SC5(SYS_mremap, r, PAGE, PAGE, 8, 0), -EINVAL);
	ROW("mremap MREMAP_FIXED without MAYMOVE: EINVAL",
	    SC5(SYS_mremap, r, PAGE, PAGE, MREMAP_FIXED, 0x50000000), -EINVAL);
	ROW("mremap new length 0: EINVAL", SC5(SYS_mremap, r, PAGE, 0, 0, 0), -EINVAL);
	ROW("mremap shrink: the same address", SC5(SYS_mremap, r, 2 * PAGE, PAGE, 0, 0), (long)r);
	ROW("mremap grow in place into a mapping, no MAYMOVE: ENOMEM",
	    SC5(SYS_mremap, r, PAGE, 2 * PAGE, 0, 0), -ENOMEM);
	ROW("mremap grow with MAYMOVE: ok",
	    mapped(SC5(SYS_mremap, r, PAGE, 64 * PAGE, MREMAP_MAYMOVE, 0)), 1);
	ROW("mremap an unmapped old range: EFAULT",
	    SC5(SYS_mremap, r + 4 * PAGE, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0), -EFAULT);
	ROW("mremap an old range running past its mapping: EFAULT",
	    SC5(SYS_mremap, r + 3 * PAGE, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0), -EFAULT);
	ROW("mremap grow to 2^47: ENOMEM",
	    SC5(SYS_mremap, r, PAGE, 1l << 47, MREMAP_MAYMOVE, 0), -ENOMEM);
	ROW("mremap MREMAP_FIXED unaligned new address: EINVAL",
	    SC5(SYS_mremap, r, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, 0x50000001), -EINVAL);
	ROW("mremap MREMAP_FIXED onto itself (overlap): EINVAL",
	    SC5(SYS_mremap, r, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, r + PAGE), -EINVAL);
	ROW("mremap MREMAP_FIXED into the kernel half: EINVAL",
	    SC5(SYS_mremap, r, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, KERNEL_TEXT), -EINVAL);
	ROW("mremap MREMAP_FIXED past the end of user space: EINVAL",
	    SC5(SYS_mremap, r, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, TASK_SIZE - PAGE),
	    -EINVAL);
	ROW("mremap MREMAP_FIXED: moved there",
	    SC5(SYS_mremap, r, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, 0x50000000), 0x50000000);
	ROW("mremap old address in the kernel half: EFAULT",
	    SC5(SYS_mremap, KERNEL_TEXT, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0), -EFAULT);
}

static void other_rows(void)
{
	ROW("madvise unaligned: EINVAL", SC3(SYS_madvise, r + 1, PAGE, MADV_DONTNEED), -EINVAL);
	ROW("madvise unknown advice: EINVAL", SC3(SYS_madvise, r, PAGE, 9999), -EINVAL);
	ROW("madvise an unmapped range: ENOMEM",
	    SC3(SYS_madvise, r + 4 * PAGE, PAGE, MADV_DONTNEED), -ENOMEM);
	ROW("mincore unaligned: EINVAL", SC3(SYS_mincore, r + 1, PAGE, r), -EINVAL);
	ROW("mincore an unmapped range: ENOMEM", SC3(SYS_mincore, r + 4 * PAGE, PAGE, r), -ENOMEM);
	ROW("mincore the kernel half: ENOMEM", SC3(SYS_mincore, KERNEL_TEXT, PAGE, r), -ENOMEM);
	ROW("mincore vec read-only: EFAULT", SC3(SYS_mincore, r, PAGE, ro), -EFAULT);
	ROW("mincore vec in the kernel: EFAULT", SC3(SYS_mincore, r, PAGE, KERNEL_TEXT), -EFAULT);
	ROW("msync unaligned: EINVAL", SC3(SYS_msync, r + 1, PAGE, MS_SYNC), -EINVAL);
	ROW("msync MS_SYNC|MS_ASYNC: EINVAL", SC3(SYS_msync, r, PAGE, MS_SYNC | MS_ASYNC), -EINVAL);
	ROW("msync unknown flag: EINVAL", SC3(SYS_msync, r, PAGE, 0x100), -EINVAL);
	ROW("msync an unmapped range: ENOMEM", SC3(SYS_msync, r + 4 * PAGE, PAGE, MS_SYNC), -ENOMEM);
	ROW("mlock an unmapped range: ENOMEM", SC2(SYS_mlock, r + 4 * PAGE, PAGE), -ENOMEM);
	ROW("brk into the kernel half: refused (the old break)",
	    SC1(SYS_brk, KERNEL_TEXT) == SC1(SYS_brk, 0), 1);
	ROW("brk to a non-canonical address: refused",
	    SC1(SYS_brk, NONCANON_HIGH) == SC1(SYS_brk, 0), 1);
	ROW("brk below its start: refused", SC1(SYS_brk, 0x10000) == SC1(SYS_brk, 0), 1);
	ROW("brk onto an existing mapping: refused", SC1(SYS_brk, r + PAGE) == SC1(SYS_brk, 0), 1);
}

/* sbrkfail: grow the break under a small RLIMIT_AS until it fails; the
 * memory comes back when the child exits (the leak check). */
static long brk_until_failure(void)
{
	struct { long cur, max; } lim = { 16 << 20, 16 << 20 };
	long start = SC1(SYS_brk, 0), cur = start;

	SC4(SYS_prlimit64, 0, 9 /* RLIMIT_AS */, &lim, 0);
	for (;;) {
		long next = SC1(SYS_brk, cur + (1 << 20));

		if (next != cur + (1 << 20))
			break;
		((volatile char *)cur)[0] = 1;
		cur = next;
	}
	return cur > start && MMAP(0, 32 << 20, RW, PRIV_ANON, -1, 0) == -ENOMEM;
}

static void futex_rows(void)
{
	static uint32_t word = 7;
	struct timespec zero = { 0, 0 }, bad_ns = { 0, 1000000000 }, neg = { -1, 0 };

	ROW("futex WAIT on NULL: EFAULT", SC4(SYS_futex, 0, FUTEX_WAIT, 0, &zero), -EFAULT);
	ROW("futex WAIT in the kernel: EFAULT",
	    SC4(SYS_futex, KERNEL_TEXT, FUTEX_WAIT, 0, &zero), -EFAULT);
	ROW("futex WAIT non-canonical: EFAULT",
	    SC4(SYS_futex, NONCANON_LOW, FUTEX_WAIT, 0, &zero), -EFAULT);
	ROW("futex WAIT unaligned: EINVAL", SC4(SYS_futex, r + 1, FUTEX_WAIT, 0, &zero), -EINVAL);
	ROW("futex WAKE unaligned: EINVAL", SC3(SYS_futex, r + 2, FUTEX_WAKE, 1), -EINVAL);
	ROW("futex WAIT unmapped: EFAULT", SC4(SYS_futex, r + 4 * PAGE, FUTEX_WAIT, 0, &zero), -EFAULT);
	/* Linux 6.1 (get_futex_key: a read-only anonymous page can never
	 * change) refuses a shared futex there; checked on the peer. */
	ROW("futex WAIT read-only anonymous, value differs: EFAULT",
	    SC4(SYS_futex, ro, FUTEX_WAIT, 1, &zero), -EFAULT);
	ROW("futex WAIT read-only anonymous, value equal, zero timeout: EFAULT",
	    SC4(SYS_futex, ro, FUTEX_WAIT, 0, &zero), -EFAULT);
	ROW("futex WAKE read-only anonymous: EFAULT", SC3(SYS_futex, ro, FUTEX_WAKE, 1), -EFAULT);
	ROW("futex WAKE private read-only: 0",
	    SC3(SYS_futex, ro, FUTEX_WAKE | FUTEX_PRIVATE, 1), 0);
	ROW("futex WAKE private on an unmapped word: 0 (never read)",
	    SC3(SYS_futex, r + 4 * PAGE, FUTEX_WAKE | FUTEX_PRIVATE, 1), 0);
	ROW("futex WAKE in the kernel: EFAULT",
	    SC3(SYS_futex, KERNEL_TEXT, FUTEX_WAKE | FUTEX_PRIVATE, 1), -EFAULT);
	ROW("futex WAIT timeout tv_nsec 1e9: EINVAL",
	    SC4(SYS_futex, &word, FUTEX_WAIT, 7, &bad_ns), -EINVAL);
	ROW("futex WAIT timeout negative: EINVAL",
	    SC4(SYS_futex, &word, FUTEX_WAIT, 7, &neg), -EINVAL);
	ROW("futex WAIT timeout unmapped: EFAULT",
	    SC4(SYS_futex, &word, FUTEX_WAIT, 7, r + 4 * PAGE), -EFAULT);
	ROW("futex WAIT timeout read before the word (value differs): EFAULT",
	    SC4(SYS_futex, &word, FUTEX_WAIT, 8, KERNEL_TEXT), -EFAULT);
	ROW("futex unknown op: ENOSYS", SC3(SYS_futex, &word, 99, 0), -ENOSYS);
}

int main(void)
{
	long before;
	char page[PAGE];

	fd = open("/tmp/adv-mm", O_RDWR | O_CREAT | O_TRUNC, 0644);
	memset(page, 'm', sizeof(page));
	write(fd, page, PAGE);
	write(fd, page, PAGE);
	/* low, where no mmap without MAP_FIXED goes: the hole stays a hole */
	r = mmap((void *)0x10000000, 5 * PAGE, RW, PRIV_ANON | MAP_FIXED, -1, 0);
	munmap(r + 4 * PAGE, PAGE);
	ro = mmap(NULL, PAGE, PROT_READ, PRIV_ANON, -1, 0);
	before = kmem_baseline();
	mmap_rows();
	mprotect_rows();
	munmap_rows();
	expect_death("munmap all of user space: SIGSEGV on return", unmap_everything, SIGSEGV);
	mremap_rows();
	other_rows();
	ROW("sbrkfail: brk stops at RLIMIT_AS, mmap too", brk_until_failure(), 1);
	futex_rows();
	leak_check("adv_mm: no kernel memory lost", before, kmem_usage());
	close(fd);
	unlink("/tmp/adv-mm");
	return tap_done();
}
