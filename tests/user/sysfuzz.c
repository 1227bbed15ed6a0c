/*
 * tests/user/sysfuzz.c - a system-call fuzzer that runs as ordinary user
 * processes.  The parent forks workers, one after another (or --jobs at
 * a time); each worker sets itself up (its own directory under /tmp/fuzz,
 * a pool of pointers and descriptors, modest limits, uid 1000) and issues a
 * batch of raw system calls with random numbers and arguments drawn from
 * values that find bugs: 0, -1, page boundaries, pointers into its own
 * memory (writable, read-only, PROT_NONE, unmapped, the last bytes before
 * an unmapped page), kernel and non-canonical addresses, open and closed
 * descriptors.  A worker that crashes or exits just ends its batch early;
 * the next worker starts with the next seed.
 *
 *	sysfuzz [--seed N] [--calls M] [--batch B] [--jobs J] [--worker K]
 *		[--warmup W] [--check-each] [--verbose] [--stats N] [--spin K]
 *
 * Worker k's calls depend only on (seed, k): "sysfuzz --seed N --worker K"
 * replays exactly the batch of one worker, "--seed N --calls M --jobs 1"
 * the whole run.  At the end the parent prints TAP: the calls made, calls
 * per second, workers that crashed (fine), stalled (blocked in a call, so
 * SIGKILLed: fine) or hung (did not die after SIGKILL: a kernel bug), and a
 * leak check of /proc/kmem across the run.  See docs/robustness.md.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#define PAGE 4096ul
#define FUZZ_DIR "/tmp/fuzz"
#define FUZZ_UID 1000
#define MAX_NR 460           /* the top of Linux's table, and a little beyond */
#define MAX_JOBS 4
#define STALL_MS 100         /* a worker making no progress this long is killed, */
#define ASLEEP_MS 10         /* ... or this long when it sleeps in a call */
#define HANG_MS 5000         /* ... and one that outlives SIGKILL this long hung */
#define STILL_LOOKS 5        /* a stall is seen by this many looks, 2 ms apart:
				QEMU's host can pause the whole guest for
				longer than STALL_MS, and that is no stall */
#define LOOP_CPU_MS 100      /* a worker outside any call that ran this long
				without a call loops on a fault, */
#define STARVED_MS 2000      /* ... but one that could not run this long is
				only killed (another worker's long call
				keeps it off the CPU: the kernel is not
				preemptible) */
#define SLOW_MS 200          /* --verbose: name workers slower than this */
#define WORKER_AS (48ul << 20)
#define WORKER_NOFILE 64

/* ---- the random numbers: splitmix64, so a seed names a whole run */

static uint64_t rng_state;

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	rng_state += 0x9e3779b97f4a7c15ull;
	return mix64(rng_state);
}

/* rnd_below - a number in [0, n). */
static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

/* worker_seed - worker k's seed: depends on the run's seed and k only. */
static uint64_t worker_seed(uint64_t seed, uint64_t k)
{
	return mix64(seed ^ mix64(k + 1));
}

/* ---- what the parent and its workers share: one page, a slot each */

struct slot {
	volatile uint64_t calls;  /* calls issued so far in this batch */
	volatile long nr;         /* the call in progress */
	volatile uint64_t args[6];
	volatile long recent[8];  /* the calls before, recent[calls % 8] */
	volatile int ready;       /* set up, calls starting */
	volatile int in_call;     /* inside raw_syscall() now */
};

static struct slot *slots;

/* ---- a worker's pools: the memory and descriptors arguments point to */

struct pools {
	char *rw;        /* 4 writable pages, random bytes */
	char *rw_end;    /* the first byte after them: an unmapped page */
	char *ro;        /* a read-only page */
	char *none;      /* a PROT_NONE page */
	char *unmapped;  /* a page known to be unmapped */
	char *paths;     /* a read-only page of path names, below */
	char *bad_path;  /* a name with no NUL before the unmapped page */
	int fds[24];
	int nfds;
	uint16_t inet_port; /* the port of the AF_INET listener in fds */
};

static struct pools P;

/* Names a path argument may take: all relative, none with "..", so every
 * file a worker makes or removes is under its own directory.  Permissions
 * (uid 1000) keep it off /tests and /bin, but /tmp is writable by all:
 * with "../../x" a worker could leave files there, which the leak check
 * would count. */
static const char *const path_names[] = {
	"a", "b", "d", "d/f", "d/e/", ".", "", "l", "a/x", "p", "dd/d2/d3",
	"loooooooooooooooooooooooooooooooooooooooooooooooooooooooooooong",
};
#define NPATHS (sizeof(path_names) / sizeof(path_names[0]))

/* map_pages - n fresh pages with prot, or exit (a worker cannot run). */
static char *map_pages(size_t n, int prot)
{
	void *p = mmap(NULL, n * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(100);
	return p;
}

/* setup_memory - the pointer pool; the writable pages end at an unmapped
 * page so that "the last byte" pointers straddle into nothing. */
static void setup_memory(void)
{
	char *area = map_pages(9, PROT_READ | PROT_WRITE);

	mprotect(area, PAGE, PROT_NONE);   /* a guard below the rw pages */
	P.rw = area + PAGE;
	P.rw_end = P.rw + 4 * PAGE;
	P.unmapped = P.rw_end;
	munmap(P.unmapped, PAGE);
	P.ro = P.unmapped + PAGE;
	P.paths = P.ro + PAGE;
	P.none = P.paths + PAGE;
	for (size_t i = 0; i < 4 * PAGE; i += 8)
		*(uint64_t *)(P.rw + i) = rnd();
	memset(P.ro, 0x5a, PAGE);
	for (size_t i = 0, off = 0; i < NPATHS; i++) {
		strcpy(P.paths + off, path_names[i]);
		off += strlen(path_names[i]) + 1;
	}
	P.bad_path = P.rw_end - 3;
	memcpy(P.bad_path, "abc", 3);
	mprotect(P.ro, 2 * PAGE, PROT_READ);
	mprotect(P.none, PAGE, PROT_NONE);
}

/* setup_inet - AF_INET sockets for the pool (net/af_inet.c): a
 * TCP listener on 127.0.0.1, a client connected to it, a bound UDP socket
 * and an AF_INET6 one; non-blocking, so that accept and recv do not stall
 * the worker until the watchdog kills it (the socketpair already can). */
static int *setup_inet(int *f)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    listen(l, 4) == 0 &&
	    getsockname(l, (struct sockaddr *)&a, &len) == 0) {
		P.inet_port = ntohs(a.sin_port);
		*f++ = l;
		*f = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(*f++, (struct sockaddr *)&a, sizeof(a));
	}
	*f = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	a.sin_port = 0;
	bind(*f++, (struct sockaddr *)&a, sizeof(a));
	*f++ = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0); /* dual-stack */
	return f;
}

/* setup_files - the descriptor pool, in the worker's own directory. */
static void setup_files(void)
{
	int pfd[2];
	int *f = P.fds;

	*f++ = open("a", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(f[-1], P.rw, 3000);
	mkdir("d", 0755);
	symlink("a", "l");
	*f++ = open(".", O_RDONLY | O_DIRECTORY);
	*f++ = open("/dev/null", O_RDWR);
	*f++ = open("/dev/zero", O_RDONLY);
	*f++ = open("/proc/self/maps", O_RDONLY);
	*f++ = open("/proc/self/status", O_RDONLY);
	if (pipe(pfd) == 0) {
		*f++ = pfd[0];
		*f++ = pfd[1];
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pfd) == 0) { /* net */
		*f++ = pfd[0];
		*f++ = pfd[1];
	}
	*f++ = socket(AF_UNIX, SOCK_DGRAM, 0);
	f = setup_inet(f);
	*f++ = 1000;
	*f++ = -1;
	*f++ = AT_FDCWD;
	*f++ = WORKER_NOFILE - 1;
	*f++ = 0;
	P.nfds = (int)(f - P.fds);
}

/* ---- arguments */

static const uint64_t interesting[] = {
	0, 1, 2, 3, 7, 8, 16, 64, 127, 128, 255, 256, 1000, 4095, 4096, 4097,
	8192, 65536, 1ul << 20, 1ul << 31, 1ul << 32, 1ul << 47, 1ul << 63,
	~0ul, ~0ul - 1, 0x7ffffffful, 0x80000000ul, 0xfffffffful,
	0x7ffffffffffffffful, 0x00007ffffffff000ul, 0x00007ffffffffffful,
};
#define NINTERESTING (sizeof(interesting) / sizeof(interesting[0]))

/* bad_pointer - an address no call may use: NULL, unmapped, PROT_NONE,
 * the kernel's half, non-canonical, or straddling into an unmapped page. */
static uint64_t bad_pointer(void)
{
	switch (rnd_below(9)) {
	case 0: return 0;
	case 1: return (uint64_t)P.unmapped + rnd_below(PAGE);
	case 2: return (uint64_t)P.none;
	case 3: return 0xffffffff80000000ul + rnd_below(16) * PAGE;
	case 4: return 0xffff888000000000ul;
	case 5: return 0x0000800000000000ul;
	case 6: return 0x8000000000000000ul | rnd_below(1ul << 40);
	case 7: return (uint64_t)P.rw_end - 1 - rnd_below(16);
	default: return 0x1000;
	}
}

/* good_pointer - into the worker's own memory. */
static uint64_t good_pointer(void)
{
	switch (rnd_below(5)) {
	case 0: return (uint64_t)P.rw;
	case 1: return (uint64_t)P.rw + rnd_below(4) * PAGE;
	case 2: return (uint64_t)P.rw + rnd_below(4 * PAGE);
	case 3: return (uint64_t)P.rw_end - 8 * (1 + rnd_below(64));
	default: return (uint64_t)P.ro + rnd_below(2) * 64;
	}
}

/* random_flags - a few bits set, as flags arguments have. */
static uint64_t random_flags(void)
{
	uint64_t v = 0;

	for (int n = 1 + (int)rnd_below(3); n > 0; n--)
		v |= 1ul << rnd_below(rnd_below(4) ? 24 : 64);
	return v;
}

static uint64_t random_arg(void)
{
	switch (rnd_below(12)) {
	case 0: case 1: return interesting[rnd_below(NINTERESTING)];
	case 2: return rnd_below(32);
	case 3: return (uint64_t)(int64_t)-(int64_t)(1 + rnd_below(200));
	case 4: case 5: return good_pointer();
	case 6: return bad_pointer();
	case 7: case 8: return (uint64_t)(int64_t)P.fds[rnd_below(P.nfds)];
	case 9: return random_flags();
	case 10: return rnd_below(2) ? rnd() : rnd() & 0xffffffff;
	default: return rnd_below(8) * PAGE + (rnd_below(4) ? 0 : rnd_below(PAGE));
	}
}

/* path_arg - a name from the pool (all under the worker's directory), or a
 * bad pointer; never random bytes, which might spell "/tests/...". */
static uint64_t path_arg(void)
{
	uint64_t off = 0;

	switch (rnd_below(8)) {
	case 0: return bad_pointer();
	case 1: return (uint64_t)P.bad_path;
	default:
		for (size_t i = rnd_below(NPATHS); i > 0; i--)
			off += strlen(P.paths + off) + 1;
		return (uint64_t)P.paths + off;
	}
}

/* Which arguments of a call are path names (bit i: argument i). */
static unsigned path_args(long nr)
{
	switch (nr) {
	case SYS_open: case SYS_stat: case SYS_lstat: case SYS_access:
	case SYS_execve: case SYS_truncate: case SYS_chdir: case SYS_mkdir:
	case SYS_rmdir: case SYS_creat: case SYS_unlink: case SYS_readlink:
	case SYS_chmod: case SYS_chown: case SYS_lchown: case SYS_mknod:
	case SYS_statfs: case SYS_chroot: case SYS_acct: case SYS_uselib:
	case SYS_swapon: case SYS_swapoff: case SYS_umount2: case SYS_utime:
	case SYS_utimes: case SYS_setxattr: case SYS_lsetxattr:
	case SYS_getxattr: case SYS_lgetxattr: case SYS_listxattr:
	case SYS_llistxattr: case SYS_removexattr: case SYS_lremovexattr:
		return 1;
	case SYS_rename: case SYS_link: case SYS_symlink: case SYS_pivot_root:
		return 3;
	case SYS_mount:
		return 7;
	case SYS_openat: case SYS_mkdirat: case SYS_mknodat: case SYS_fchownat:
	case SYS_futimesat: case SYS_newfstatat: case SYS_unlinkat:
	case SYS_readlinkat: case SYS_fchmodat: case SYS_faccessat:
	case SYS_utimensat: case SYS_execveat: case SYS_name_to_handle_at:
	case SYS_inotify_add_watch: case SYS_faccessat2: case SYS_statx:
	case SYS_openat2: case SYS_open_tree: case SYS_fspick: case 452:
		return 2;
	case SYS_renameat: case SYS_linkat: case SYS_renameat2:
	case SYS_move_mount:
		return 10;
	case SYS_symlinkat:
		return 5;
	}
	return 0;
}

/* ---- socket calls: AF_INET and AF_INET6 arguments, so that the fuzzer
 * reaches af_inet.c and not only EAFNOSUPPORT and EINVAL */

/* inet6_addr_arg - a sockaddr_in6 (or near one), as inet_addr_arg. */
static uint64_t inet6_addr_arg(uint64_t *len)
{
	static const uint64_t lens[] = { 28, 28, 24, 20, 16, 128 };
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(P.rw + 3 * PAGE +
							   8 * rnd_below(64));
	uint16_t ports[] = { 0, P.inet_port, (uint16_t)rnd(), 80 };

	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = rnd_below(8) ? AF_INET6 : (sa_family_t)rnd_below(12);
	sin6->sin6_port = htons(ports[rnd_below(4)]);
	switch (rnd_below(5)) {
	case 0: break;                                   /* :: */
	case 1: sin6->sin6_addr.s6_addr[15] = 1; break;  /* ::1 */
	case 2: /* ::ffff:127.0.0.1 */
		sin6->sin6_addr.s6_addr[10] = sin6->sin6_addr.s6_addr[11] = 0xff;
		sin6->sin6_addr.s6_addr[12] = 127;
		sin6->sin6_addr.s6_addr[15] = 1;
		break;
	default:
		for (int i = 0; i < 16; i++)
			sin6->sin6_addr.s6_addr[i] = (uint8_t)rnd();
	}
	*len = lens[rnd_below(6)];
	return (uint64_t)sin6;
}

/* inet_addr_arg - a sockaddr_in (or something near one) in the rw pages,
 * now and then a sockaddr_in6: its address; *len: a length for it. */
static uint64_t inet_addr_arg(uint64_t *len)
{
	static const uint32_t addrs[] = { INADDR_ANY, INADDR_LOOPBACK, 0x7f000002,
					   0x0a000001, INADDR_BROADCAST, 0xe0000001 };
	static const uint64_t lens[] = { 16, 16, 16, 8, 2, 28, 128, 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)(P.rw + 3 * PAGE +
							 8 * rnd_below(64));
	uint16_t ports[] = { 0, P.inet_port, (uint16_t)rnd(), 80, 32768, 60999 };

	if (!rnd_below(3))
		return inet6_addr_arg(len);
	sin->sin_family = rnd_below(8) ? AF_INET : (sa_family_t)rnd_below(12);
	sin->sin_port = htons(ports[rnd_below(6)]);
	sin->sin_addr.s_addr = htonl(rnd_below(8) ? addrs[rnd_below(6)] : (uint32_t)rnd());
	*len = lens[rnd_below(8)];
	return (uint64_t)sin;
}

/* inet_args - for the socket calls, now and then AF_INET arguments. */
static void inet_args(long nr, uint64_t a[6])
{
	static const uint64_t levels[] = { SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP,
					   IPPROTO_IPV6 };

	if (rnd_below(2))
		return;
	switch (nr) {
	case SYS_socket:
		a[0] = rnd_below(3) ? AF_INET : AF_INET6;
		a[1] = rnd_below(6) | (rnd_below(4) ? 0 : SOCK_NONBLOCK);
		a[2] = rnd_below(2) ? 0 : rnd_below(2) ? IPPROTO_TCP : IPPROTO_UDP;
		break;
	case SYS_bind: case SYS_connect:
		a[1] = inet_addr_arg(&a[2]);
		break;
	case SYS_sendto:
		a[4] = inet_addr_arg(&a[5]);
		a[2] = rnd_below(4) ? rnd_below(100) : a[2];
		break;
	case SYS_setsockopt: case SYS_getsockopt:
		a[1] = levels[rnd_below(4)];
		a[2] = rnd_below(40);
		a[4] = nr == SYS_setsockopt ? 4 : (uint64_t)(P.rw + 8 * rnd_below(64));
		if (nr == SYS_getsockopt)
			*(int *)a[4] = (int)rnd_below(20);
		break;
	case SYS_listen:
		a[1] = rnd_below(8);
		break;
	}
}

/* ---- the calls a worker must not make, or not make as drawn */

/* make_safe - change a call that would end the whole run into one that
 * cannot; false if the call must be skipped. */
static bool make_safe(long nr, uint64_t a[6])
{
	static long self;

	if (!self)
		self = getpid();

	switch (nr) {
	case SYS_reboot:          /* would power the machine off */
	case SYS_ptrace:          /* could stop or poke the parent */
	case SYS_pidfd_send_signal:
	case SYS_rt_tgsigqueueinfo:
		return false;
	case SYS_kill:
		/* -1 is every process the user may signal: the other workers
		 * too.  Others (the parent, init) are root's: -EPERM. */
		if ((int)a[0] == -1)
			a[0] = (uint64_t)self;
		return true;
	case SYS_setpriority:
		a[0] = 0;
		return true;
	}
	return true;
}

/* A fork-like call returns 0 in its child, which must leave at once:
 * clone may have given it the worker's memory and even its stack. */
static bool forks(long nr)
{
	return nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone ||
	       nr == SYS_clone3;
}

/*
 * raw_syscall - the syscall instruction itself (musl's syscall() would
 * store errno through the thread pointer, which a call may have changed).
 * In the child of a fork-like call it runs exit(0) without touching the
 * stack: with CLONE_VM the child shares the worker's stack.
 */
static long raw_syscall(long nr, const uint64_t a[6], long child_exits)
{
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %[ce], %[ce]\n\t"
			 "jz 1f\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "1:"
			 : "=a"(ret), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "0"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]),
			   [ce] "b"(child_exits)
			 : "rcx", "r11", "memory");
	return ret;
}

/* ends_or_blocks - a call that ends the worker or always blocks it (only
 * a signal ends pause; we have no alarm() to send one, so the parent's
 * watchdog kills the worker: costly, so such calls are drawn less). */
static bool ends_or_blocks(long nr)
{
	return nr == SYS_exit || nr == SYS_exit_group || nr == SYS_rt_sigreturn ||
	       nr == SYS_pause || nr == SYS_rt_sigsuspend;
}

/* pick_nr - a call number: mostly the table, a few beyond it or absurd.
 * Calls that said ENOSYS before are mostly drawn again, and so are the
 * calls that end or block the worker, so a batch lasts. */
static long pick_nr(const uint8_t *enosys)
{
	static const long absurd[] = { -1, -2, 512, 1000, 0x40000000, 1l << 32,
				       (1l << 32) + 1, LONG_MIN };
	long nr;

	for (int tries = 0;; tries++) {
		if (rnd_below(200) == 0)
			return absurd[rnd_below(sizeof(absurd) / sizeof(absurd[0]))];
		nr = (long)rnd_below(MAX_NR + 1);
		if (tries >= 4)
			return nr;
		if (enosys[nr] && rnd_below(16))
			continue;
		if (ends_or_blocks(nr) && rnd_below(16))
			continue;
		return nr;
	}
}

/* one_call - draw a call and its arguments, make it, note it in the slot. */
static void one_call(struct slot *s, uint8_t *enosys)
{
	long nr = pick_nr(enosys), ret;
	unsigned paths;
	uint64_t a[6];

	for (int i = 0; i < 6; i++)
		a[i] = random_arg();
	paths = nr >= 0 && nr <= MAX_NR ? path_args(nr) : 0;
	for (int i = 0; i < 6; i++)
		if (paths & (1u << i))
			a[i] = path_arg();
	inet_args(nr, a);
	if (!make_safe(nr, a))
		return;
	s->nr = nr;
	for (int i = 0; i < 6; i++)
		s->args[i] = a[i];
	s->in_call = 1;
	ret = raw_syscall(nr, a, forks(nr));
	s->in_call = 0;
	if (ret == -ENOSYS && nr >= 0 && nr <= MAX_NR)
		enosys[nr] = 1;
	s->recent[s->calls % 8] = nr;
	s->calls++;
}

/*
 * set_fault_dispositions - what the worker does with the signals of its own
 * faults (its calls may unmap or protect its code and stack), drawn per
 * worker: the default, ignored, blocked, or a handler the kernel cannot
 * run (an unmapped, a PROT_NONE or a non-executable address).  None of
 * them may make a fault repeat forever: the kernel must kill the worker
 * (Linux's force_sig_fault).
 */
static void set_fault_dispositions(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	void *bad_handlers[] = { P.unmapped, P.none, P.rw };
	uint64_t how = rnd_below(6);
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa = { .sa_handler = SIG_IGN };

		if (how == 0)
			return; /* the default: the fault kills */
		if (how == 2) {
			sigaddset(&set, sigs[i]);
			continue;
		}
		if (how >= 3)
			sa.sa_handler = (void (*)(int))bad_handlers[how - 3];
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* worker_dir - the directory worker slot i works in. */
static void worker_dir(int i, char *buf, size_t n)
{
	snprintf(buf, n, FUZZ_DIR "/w%d", i);
}

/* worker - set up, then issue batch calls; never returns. */
static void __attribute__((noreturn)) worker(int slot, uint64_t seed, uint64_t batch)
{
	static uint8_t enosys[MAX_NR + 1];
	struct rlimit as = { WORKER_AS, WORKER_AS };
	struct rlimit nofile = { WORKER_NOFILE, WORKER_NOFILE };
	struct slot *s = &slots[slot];
	char dir[64];
	int null = open("/dev/null", O_RDWR);

	/* Nothing a worker writes may reach the console. */
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	close(null);
	worker_dir(slot, dir, sizeof(dir));
	if (mkdir(dir, 0755) || chown(dir, FUZZ_UID, 0) || chdir(dir))
		_exit(101);
	rng_state = seed;
	setrlimit(RLIMIT_AS, &as);
	setrlimit(RLIMIT_NOFILE, &nofile);
	setup_memory();
	set_fault_dispositions();
	if (setuid(FUZZ_UID))
		_exit(102);
	setup_files(); /* as uid 1000: its files are its own */
	s->ready = 1;
	while (s->calls < batch)
		one_call(s, enosys);
	_exit(0);
}

/* ---- the parent */

struct options {
	uint64_t seed, calls, batch, warmup;
	long only_worker; /* --worker K: replay that one batch */
	uint64_t first;   /* --first K: the first worker of the run */
	int jobs;
	uint64_t stats;   /* --stats N: memory figures every N workers */
	bool check_each, verbose;
};

struct running {
	pid_t pid;
	uint64_t k;          /* worker number: its seed is worker_seed(seed, k) */
	uint64_t last_calls; /* progress seen at the last look */
	uint64_t last_move;  /* when it last moved, ms */
	unsigned still;      /* looks since then */
	long cpu_still;      /* its CPU time at the first of them, ms */
	uint64_t killed_at;  /* when we sent SIGKILL, ms; 0: not yet */
	uint64_t started;    /* ms */
};

struct totals {
	uint64_t calls, workers, crashed, exited_early, stalled, hung, looped;
	uint64_t sig_count[65];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

/* remove_tree - rm -r path (links are removed, not followed). */
static void remove_tree(const char *path)
{
	struct stat st;
	struct dirent *e;
	char sub[512];
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		remove_tree(sub);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

/* clean - remove_tree(path) in a child process: the parent's own memory
 * (its heap, its stack) must not change between two leak checks. */
static void clean(const char *path)
{
	pid_t pid = fork();

	if (pid == 0) {
		remove_tree(path);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static uint64_t fork_failures; /* fork() said ENOMEM or EAGAIN: fine */
static long spin_worker = -1;  /* --spin K: worker K loops, no calls */

/* spin - what a worker does when the kernel retries one of its faults
 * forever: it runs, and makes no call.  --spin checks that the watchdog
 * says LOOPED for it (make test's sysfuzz-spin). */
static void __attribute__((noreturn)) spin(struct slot *s)
{
	s->ready = 1;
	for (;;)
		__asm__ volatile("" ::: "memory");
}

/* start_worker - fork worker k into slot i; false if fork failed (memory
 * is short while the OOM killer works: the caller tries again later). */
static bool start_worker(struct running *r, int i, uint64_t k,
			 const struct options *o, uint64_t batch)
{
	char dir[64];

	worker_dir(i, dir, sizeof(dir));
	clean(dir);
	memset((void *)&slots[i], 0, sizeof(slots[i]));
	fflush(stdout);
	r->pid = fork();
	if (r->pid < 0) {
		r->pid = 0;
		fork_failures++;
		sleep_ms(2);
		return false;
	}
	if (r->pid == 0 && (long)k == spin_worker)
		spin(&slots[i]);
	if (r->pid == 0)
		worker(i, worker_seed(o->seed, k), batch);
	r->k = k;
	r->last_calls = 0;
	r->last_move = r->started = now_ms();
	r->still = 0;
	r->killed_at = 0;
	return true;
}

/* describe_call - "nr 9 (0x0, 0x1000, ...)" of the call in slot i. */
static void describe_call(int i, char *buf, size_t n)
{
	volatile struct slot *s = &slots[i];

	int len = snprintf(buf, n, "nr %ld (0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, "
			   "0x%lx) after", s->nr, s->args[0], s->args[1],
			   s->args[2], s->args[3], s->args[4], s->args[5]);

	for (uint64_t c = s->calls > 8 ? s->calls - 8 : 0; c < s->calls; c++)
		len += snprintf(buf + len, n - (size_t)len, " %ld", s->recent[c % 8]);
}

/* cpu_ms - the time pid has run, user and system, in ms: /proc/PID/stat's
 * utime and stime (fields 14 and 15, in 10 ms clock ticks); -1 if gone. */
static long cpu_ms(pid_t pid)
{
	char path[64], text[512], *p;
	unsigned long utime, stime;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, text, sizeof(text)) <= 0 || !(p = strrchr(text, ')')))
		return -1;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		   &utime, &stime) != 2)
		return -1;
	return (long)(utime + stime) * 10;
}

enum verdict { MOVING, STALLED, LOOPED };

/* judge - what worker r in slot i does, with no progress for a while:
 * asleep in a call for ASLEEP_MS (pause, a read of an empty pipe: most
 * stalls, not worth a tenth of a second each) or in a call for STALL_MS:
 * stalled.  Outside any call and not stopped (a fuzzed kill can send it
 * SIGSTOP), it loops on a fault once it ran LOOP_CPU_MS of CPU time: the
 * kernel let it retry a fault forever. */
static enum verdict judge(struct running *r, int i, uint64_t now)
{
	uint64_t idle = now - r->last_move;
	char state;

	if (r->still < STILL_LOOKS || idle <= ASLEEP_MS)
		return MOVING;
	state = proc_state(r->pid);
	if (slots[i].in_call || !slots[i].ready || state == 'T')
		return idle > STALL_MS || (slots[i].in_call && state == 'S')
		       ? STALLED : MOVING;
	if (idle > STALL_MS && cpu_ms(r->pid) - r->cpu_still >= LOOP_CPU_MS)
		return LOOPED;
	return idle > STARVED_MS ? STALLED : MOVING;
}

/* describe_stuck - each thread of pid: its state and where it sleeps
 * (/proc/PID/task/TID/wchan), for a worker that outlived SIGKILL. */
static void describe_stuck(pid_t pid)
{
	char path[300], wchan[64];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan", pid, e->d_name);
		if (read_text(path, wchan, sizeof(wchan)) < 0)
			strcpy(wchan, "?");
		printf("#   thread %s: state %c, wchan %s\n", e->d_name,
		       proc_state(atoi(e->d_name)), wchan);
	}
	if (d)
		closedir(d);
}

/* watch - kill a worker that stalled or loops (judge); one that has not
 * died HANG_MS after SIGKILL is stuck in the kernel. */
static void watch(struct running *r, int i, const struct options *o, struct totals *t)
{
	uint64_t now = now_ms(), calls = slots[i].calls;
	enum verdict verdict;
	char call[256];

	if (calls != r->last_calls) {
		r->last_calls = calls;
		r->last_move = now;
		r->still = 0;
	} else if (r->still++ == 0) {
		r->cpu_still = cpu_ms(r->pid);
	}
	verdict = r->killed_at ? MOVING : judge(r, i, now);
	if (verdict != MOVING) {
		if (verdict == LOOPED) {
			describe_call(i, call, sizeof(call));
			printf("# LOOPED worker %lu (seed %lu): stuck outside a call "
			       "for %lu ms, %ld ms of it on the CPU, after %s\n", r->k,
			       o->seed, now - r->last_move, cpu_ms(r->pid) - r->cpu_still,
			       call);
			t->looped++;
		}
		kill(r->pid, SIGKILL);
		r->killed_at = now;
		t->stalled++;
		if (o->verbose) {
			describe_call(i, call, sizeof(call));
			printf("# worker %lu stalled in %s\n", r->k, call);
		}
	} else if (r->killed_at && now - r->killed_at > HANG_MS) {
		describe_call(i, call, sizeof(call));
		printf("# HUNG worker %lu (seed %lu): did not die after SIGKILL, "
		       "in %s\n", r->k, o->seed, call);
		describe_stuck(r->pid);
		t->hung++;
		r->killed_at = now; /* report again if it stays */
	}
}

/* account - a worker ended with status: add it to the totals. */
static void account(struct running *r, int i, int status, const struct options *o,
		    struct totals *t, uint64_t batch)
{
	char call[256];

	t->calls += slots[i].calls;
	t->workers++;
	if (WIFSIGNALED(status) && !r->killed_at) {
		t->crashed++;
		t->sig_count[WTERMSIG(status) < 65 ? WTERMSIG(status) : 0]++;
		if (o->verbose) {
			describe_call(i, call, sizeof(call));
			printf("# worker %lu: signal %d after %lu calls, in %s\n",
			       r->k, WTERMSIG(status), slots[i].calls, call);
		}
	} else if (WIFEXITED(status) && slots[i].calls < batch) {
		t->exited_early++;
	}
	if (o->verbose && now_ms() - r->started > SLOW_MS)
		printf("# worker %lu: slow, %lu ms for %lu calls\n", r->k,
		       now_ms() - r->started, slots[i].calls);
	r->pid = 0;
}

/* print_stats - --stats: where the memory is, between workers. */
static void print_stats(const char *when, const struct totals *t)
{
	char kmem[512], *used = NULL, *slab = NULL;

	read_text("/proc/kmem", kmem, sizeof(kmem));
	used = strstr(kmem, "frames_used_outside_slabs ");
	slab = strstr(kmem, "frames_slab ");
	printf("# stats, %s: %lu workers, %lu calls: MemFree %ld kB, Cached %ld kB, "
	       "AnonPages %ld kB, Shmem %ld kB, %.*s, %.*s\n", when, t->workers, t->calls,
	       meminfo_kb("MemFree:"), meminfo_kb("Cached:"), meminfo_kb("AnonPages:"),
	       meminfo_kb("Shmem:"), slab ? (int)strcspn(slab, "\n") : 0, slab ? slab : "",
	       used ? (int)strcspn(used, "\n") : 0, used ? used : "");
}

/* reap - collect every ended child; workers' own children (forks that
 * exited at once, CLONE_PARENT) come here too as orphans or siblings. */
static int reap(struct running *run, const struct options *o, struct totals *t)
{
	int status, ended = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
		for (int i = 0; i < o->jobs; i++) {
			if (run[i].pid == pid) {
				account(&run[i], i, status, o, t, o->batch);
				ended++;
				if (o->stats && t->workers % o->stats == 0)
					print_stats("between workers", t);
			}
		}
	}
	return ended;
}

/* reap_orphans - wait for every child left: what workers forked ends at
 * once, but it may not have run yet.  As init we may end stragglers
 * (stopped by a signal a worker sent them) with kill(-1). */
static void reap_orphans(void)
{
	uint64_t start = now_ms();
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG | __WALL)) >= 0) {
		if (pid > 0)
			continue;
		if (getpid() == 1 && now_ms() - start > STALL_MS)
			kill(-1, SIGKILL);
		sleep_ms(1);
	}
}

/* wait_worker - watch the worker in slot i until it has been reaped. */
static void wait_worker(struct running *run, int i, const struct options *o,
			struct totals *t)
{
	while (run[i].pid) {
		sleep_ms(2);
		reap(run, o, t);
		if (run[i].pid)
			watch(&run[i], i, o, t);
	}
}

/* stack_reserve - touch n bytes of stack below the caller's frame. */
static __attribute__((noinline)) void stack_reserve(size_t n)
{
	volatile char pad[64 * 1024];

	pad[0] = pad[sizeof(pad) - 1] = 0;
	if (n > sizeof(pad))
		stack_reserve(n - sizeof(pad));
}

/*
 * fault_in_self - give the parent every page it will ever touch before the
 * leak baseline: its user pages count in /proc/kmem too, and a static
 * array (a rare signal's counter) or a deeper stack first touched late in
 * a run would look like a kernel leak of one frame.  mlockall populates
 * every region; the locks are dropped again, the pages stay.
 */
static void fault_in_self(void)
{
	stack_reserve(256 * 1024);
	mlockall(MCL_CURRENT);
	munlockall();
}

/* remove_shm - remove the SysV shared memory segments workers made
 * (they outlive their creators, as files do): the leak check would count
 * them.  By slot: SHM_STAT_ANY gives each one's id. */
static void remove_shm(void)
{
	char ds[128]; /* a struct shmid_ds */
	long top = syscall(SYS_shmctl, 0, 14 /* SHM_INFO */, ds); /* highest slot */

	for (long slot = 0; slot <= top; slot++) {
		long id = syscall(SYS_shmctl, slot, 15 /* SHM_STAT_ANY */, ds);

		if (id >= 0)
			syscall(SYS_shmctl, id, 0 /* IPC_RMID */, 0);
	}
}

/* The message queue file system, mounted where only root can look: every
 * queue's name is an entry there, whatever bytes a worker named it with. */
#define MQ_DIR "/tmp/sysfuzz-mqueue"

static bool mq_mounted;

static void mount_mqueue(void)
{
	mkdir(MQ_DIR, 0700);
	mq_mounted = mount("none", MQ_DIR, "mqueue", 0, NULL) == 0;
	if (!mq_mounted)
		printf("# could not mount the mqueue file system: %s\n", strerror(errno));
}

/* remove_mqueues - remove the POSIX message queues workers made (they
 * outlive their creators too): every entry of the mqueue file system, or
 * without it the names of path_names a worker may have used. */
static void remove_mqueues(void)
{
	char path[300];
	struct dirent *e;
	int removed = mq_mounted;

	while (removed) { /* again: unlinking while reading may skip names */
		DIR *d = opendir(MQ_DIR);

		removed = 0;
		while (d && (e = readdir(d))) {
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(path, sizeof(path), MQ_DIR "/%s", e->d_name);
				removed += unlink(path) == 0;
			}
		}
		if (d)
			closedir(d);
	}
	for (size_t i = 0; i < NPATHS; i++)
		syscall(SYS_mq_unlink, path_names[i]);
}

/* rmid_forced - SysV segments that no process maps go when their creator
 * exits (Linux's shm_rmid_forced): a million calls of workers' shmget
 * would otherwise fill memory with their leftovers, as they would on
 * Linux, and the OOM killer would end every worker at its first call. */
static void rmid_forced(void)
{
	int fd = open("/proc/sys/kernel/shm_rmid_forced", O_WRONLY);

	if (fd < 0 || write(fd, "1", 1) != 1)
		printf("# could not set shm_rmid_forced: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
}

static char kmem_before[512], kmem_after[512];

/* fuzz_checked - --check-each: one worker at a time, and /proc/kmem read
 * before and after each, to name the batch that leaks. */
static void fuzz_checked(const struct options *o, uint64_t k, uint64_t calls,
			 struct totals *t)
{
	struct running run[1] = { 0 };
	long before, after;
	char dir[64];

	worker_dir(0, dir, sizeof(dir));
	for (; t->calls < calls; k++) {
		clean(dir);
		before = kmem_baseline();
		while (!start_worker(&run[0], 0, k, o, o->batch))
			continue;
		wait_worker(run, 0, o, t);
		reap_orphans();
		clean(dir);
		remove_shm();
		remove_mqueues();
		after = kmem_usage();
		if (after != before)
			printf("# worker %lu: kmem %ld -> %ld\n", k, before, after);
	}
}

/* fuzz - run workers first, first + 1, ... (--jobs at a time) until they
 * have made calls calls; the totals in t. */
static void fuzz(const struct options *o, uint64_t first, uint64_t calls,
		 struct totals *t)
{
	struct running run[MAX_JOBS] = { 0 };
	uint64_t k = first;
	int busy;

	memset(t, 0, sizeof(*t));
	if (o->check_each)
		return fuzz_checked(o, first, calls, t);
	do {
		busy = 0;
		for (int i = 0; i < o->jobs; i++)
			busy += run[i].pid != 0;
		/* start one more while the calls made so far, and a batch
		 * for each one running, fall short */
		for (int i = 0; i < o->jobs; i++) {
			if (run[i].pid || t->calls + o->batch * (uint64_t)busy >= calls)
				continue;
			if (!start_worker(&run[i], i, k, o, o->batch))
				continue;
			k++;
			busy++;
		}
		sleep_ms(2);
		reap(run, o, t);
		for (int i = 0; i < o->jobs; i++)
			if (run[i].pid)
				watch(&run[i], i, o, t);
	} while (busy);
	reap_orphans();
}

static void cleanup_dirs(const struct options *o, const struct totals *t)
{
	char dir[64];

	for (int i = 0; i < MAX_JOBS; i++) {
		worker_dir(i, dir, sizeof(dir));
		clean(dir);
	}
	if (o->stats)
		print_stats("the workers' files removed", t);
	remove_shm();
	if (o->stats)
		print_stats("their SysV shared memory removed", t);
	remove_mqueues();
	if (o->stats)
		print_stats("their message queues removed", t);
}

static void parse(int argc, char **argv, struct options *o)
{
	o->seed = now_ms() ^ ((uint64_t)getpid() << 32);
	o->calls = 100000;
	o->batch = 2000;
	o->warmup = 5000;
	o->jobs = 1;
	o->only_worker = -1;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : "0";

		if (!strcmp(argv[i], "--seed"))
			o->seed = strtoull(v, NULL, 0), i++;
		else if (!strcmp(argv[i], "--calls"))
			o->calls = strtoull(v, NULL, 0), i++;
		else if (!strcmp(argv[i], "--batch"))
			o->batch = strtoull(v, NULL, 0), i++;
		else if (!strcmp(argv[i], "--warmup"))
			o->warmup = strtoull(v, NULL, 0), i++;
		else if (!strcmp(argv[i], "--jobs"))
			o->jobs = atoi(v), i++;
		else if (!strcmp(argv[i], "--first"))
			o->first = strtoull(v, NULL, 0), i++;
		else if (!strcmp(argv[i], "--worker"))
			o->only_worker = atol(v), i++;
		else if (!strcmp(argv[i], "--check-each"))
			o->check_each = true;
		else if (!strcmp(argv[i], "--verbose"))
			o->verbose = true;
		else if (!strcmp(argv[i], "--spin"))
			spin_worker = atol(v), i++;
		else if (!strcmp(argv[i], "--stats"))
			o->stats = strtoull(v, NULL, 0), i++;
	}
	if (o->jobs < 1 || o->jobs > MAX_JOBS)
		o->jobs = 1;
	if (o->check_each)
		o->jobs = 1;
	if (!o->batch)
		o->batch = 1;
}

/* report - the TAP lines of a run. */
static void report(const struct options *o, const struct totals *t, uint64_t ms)
{
	char why[160], what[80];

	printf("# %lu calls by %lu workers in %lu.%03lu s: %lu calls/s\n",
	       t->calls, t->workers, ms / 1000, ms % 1000,
	       ms ? t->calls * 1000 / ms : 0);
	printf("# workers killed by a signal (fine): %lu; exited early (fine): "
	       "%lu; stalled in a call and SIGKILLed (fine): %lu; forks that "
	       "failed (fine): %lu\n", t->crashed, t->exited_early, t->stalled,
	       fork_failures);
	for (int s = 1; s < 65; s++)
		if (t->sig_count[s])
			printf("#   signal %d: %lu\n", s, t->sig_count[s]);
	snprintf(what, sizeof(what), "%lu calls made, %lu calls/s", t->calls,
		 ms ? t->calls * 1000 / ms : 0);
	snprintf(why, sizeof(why), "%lu asked for", o->calls);
	tap_result(t->calls >= (o->only_worker >= 0 ? 1 : o->calls), what,
		   t->calls >= o->calls ? NULL : why);
	snprintf(why, sizeof(why), "%lu hung", t->hung);
	tap_result(t->hung == 0, "no worker outlived SIGKILL (no kernel hang)",
		   t->hung ? why : NULL);
	snprintf(why, sizeof(why), "%lu looped", t->looped);
	tap_result(t->looped == 0, "no worker looped on a fault it blocks, "
		   "ignores or cannot handle", t->looped ? why : NULL);
}

int main(int argc, char **argv)
{
	struct options o;
	struct totals t;
	uint64_t start, ms;
	long before, after;

	parse(argc, argv, &o);
	printf("sysfuzz: seed %lu\n", o.seed);
	fflush(stdout);
	slots = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED || (mkdir(FUZZ_DIR, 0777) && errno != EEXIST)) {
		printf("Bail out! no shared page or no " FUZZ_DIR "\n");
		return 1;
	}
	rmid_forced();
	mount_mqueue();
	if (o.only_worker >= 0) {
		o.jobs = 1;
		o.check_each = true;
		before = kmem_baseline();
		fuzz(&o, (uint64_t)o.only_worker, 1, &t);
		cleanup_dirs(&o, &t);
		after = kmem_usage();
		report(&o, &t, 1);
		leak_check("this worker leaked no kernel memory", before, after);
		return tap_done();
	}
	/* A short pass first, with other workers' seeds, so that what the
	 * kernel allocates once and keeps is not counted as a leak. */
	fuzz(&o, 1ul << 40, o.warmup, &t);
	cleanup_dirs(&o, &t);
	fault_in_self();
	before = kmem_baseline();
	read_text("/proc/kmem", kmem_before, sizeof(kmem_before));
	start = now_ms();
	fuzz(&o, o.first, o.calls, &t);
	ms = now_ms() - start;
	cleanup_dirs(&o, &t);
	after = kmem_usage();
	report(&o, &t, ms);
	leak_check("no kernel memory leaked (frames outside slabs, kmalloc objects)",
		   before, after);
	if (after != before) { /* every counter, to say what kind of memory */
		read_text("/proc/kmem", kmem_after, sizeof(kmem_after));
		printf("# /proc/kmem before:\n%s# /proc/kmem after:\n%s", kmem_before,
		       kmem_after);
	}
	printf("# replay: sysfuzz --seed %lu --calls %lu --batch %lu --jobs 1\n",
	       o.seed, o.calls, o.batch);
	rmdir(FUZZ_DIR);
	if (mq_mounted && umount(MQ_DIR) == 0)
		rmdir(MQ_DIR);
	return tap_done();
}
