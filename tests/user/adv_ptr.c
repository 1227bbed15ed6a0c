/*
 * tests/user/adv_ptr.c - every pointer argument of every implemented
 * system call, given every kind of bad pointer (Pintos's sc-bad-ptr,
 * xv6's copyin/copyout/kernmem).  The table names the call, its
 * arguments, which one is the pointer, which way the kernel copies and
 * how many bytes; each (pointer, kind) pair runs in its own child and must
 * fail with exactly Linux's errno (EFAULT unless the row says otherwise),
 * without killing the caller.  Then a few cases the table cannot express:
 * absurd lengths, errno precedence, no state change on failure.  A leak
 * check ends the run.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include "adv.h"

#define PAGE 4096ul
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

/* Placeholders in a row's arguments, replaced in the child. */
#define PH(n) (0x5eed000000000000l | (n))
#define BAD PH(1)	/* the pointer under test */
#define BUF PH(2)	/* a good writable 4 KiB buffer */
#define FILEP PH(3)	/* "/tmp/adv/file": a regular file, 8 KiB */
#define NEWP PH(4)	/* "/tmp/adv/new": does not exist */
#define DIRP PH(5)	/* "/tmp/adv" */
#define LINKP PH(6)	/* "/tmp/adv/link": a symlink to file */
#define IOV PH(7)	/* one good iovec of 64 bytes */
#define SET0 PH(8)	/* a good empty signal set */
#define TS0 PH(9)	/* a good zero timespec */
#define PFD PH(10)	/* a good pollfd for the pipe's read end */
#define CHILD PH(11)	/* the pid of a child that has exited */
#define SIGARG PH(12)	/* pselect6's { sigset pointer, size } */
#define FALSEP PH(13)	/* "/bin/false": runs, and exits 1 */
#define SHMID PH(14)	/* a SysV shared memory segment of one page */
#define CAPHDR PH(15)	/* a capget header: version 3, this process */

/* Descriptors the parent opens before the cases (inherited). */
#define FD_FILE 10	/* /tmp/adv/file, O_RDWR */
#define FD_PIPE_R 11
#define FD_PIPE_W 12
#define FD_DIR 13
#define FD_TTY 14
#define FD_SOCK_A 15	/* a stream socket pair's ends (net); */
#define FD_SOCK_B 16	/* B has "data" waiting, non-blocking */
#define FD_SOCK_D 17	/* an unbound datagram socket */

enum dir {
	IN,	/* the kernel reads size bytes */
	OUT,	/* the kernel writes size bytes */
	INOUT,	/* both (poll's array) */
	STR,	/* a NUL-terminated path the kernel reads */
};

#define NULL_OK 1	/* NULL means "none": a legal argument */
#define PARTIAL 2	/* a straddling buffer may give a short count (Linux) */
#define ALIGN4 4	/* a pointer not 4-byte aligned is EINVAL (futex) */

struct row {
	const char *name;
	long nr;
	long a[6];
	int ptr;		/* which argument is BAD */
	enum dir dir;
	unsigned size;		/* bytes the kernel copies at the pointer */
	unsigned flags;
};

static const struct row rows[] = {
	{ "read buf", SYS_read, { FD_FILE, BAD, 64 }, 1, OUT, 64, PARTIAL },
	{ "write buf", SYS_write, { FD_FILE, BAD, 64 }, 1, IN, 64, PARTIAL },
	{ "pread64 buf", SYS_pread64, { FD_FILE, BAD, 64, 0 }, 1, OUT, 64, PARTIAL },
	{ "pwrite64 buf", SYS_pwrite64, { FD_FILE, BAD, 64, 0 }, 1, IN, 64, PARTIAL },
	{ "read pipe buf", SYS_read, { FD_PIPE_R, BAD, 4 }, 1, OUT, 4, 0 },
	{ "write pipe buf", SYS_write, { FD_PIPE_W, BAD, 64 }, 1, IN, 64, PARTIAL },
	{ "readv iov", SYS_readv, { FD_FILE, BAD, 1 }, 1, IN, 16, 0 },
	{ "writev iov", SYS_writev, { FD_FILE, BAD, 1 }, 1, IN, 16, 0 },
	{ "preadv iov", SYS_preadv, { FD_FILE, BAD, 1, 0 }, 1, IN, 16, 0 },
	{ "pwritev iov", SYS_pwritev, { FD_FILE, BAD, 1, 0 }, 1, IN, 16, 0 },
	{ "open path", SYS_open, { BAD, O_RDONLY }, 0, STR, 0, 0 },
	{ "openat path", SYS_openat, { AT_FDCWD, BAD, O_RDONLY }, 1, STR, 0, 0 },
	{ "creat path", SYS_creat, { BAD, 0644 }, 0, STR, 0, 0 },
	{ "access path", SYS_access, { BAD, F_OK }, 0, STR, 0, 0 },
	{ "faccessat path", SYS_faccessat, { AT_FDCWD, BAD, F_OK }, 1, STR, 0, 0 },
	{ "stat path", SYS_stat, { BAD, BUF }, 0, STR, 0, 0 },
	{ "stat buf", SYS_stat, { FILEP, BAD }, 1, OUT, 144, 0 },
	{ "lstat path", SYS_lstat, { BAD, BUF }, 0, STR, 0, 0 },
	{ "lstat buf", SYS_lstat, { LINKP, BAD }, 1, OUT, 144, 0 },
	{ "fstat buf", SYS_fstat, { FD_FILE, BAD }, 1, OUT, 144, 0 },
	{ "newfstatat path", SYS_newfstatat, { AT_FDCWD, BAD, BUF, 0 }, 1, STR, 0, 0 },
	{ "newfstatat buf", SYS_newfstatat, { AT_FDCWD, FILEP, BAD, 0 }, 2, OUT, 144, 0 },
	{ "statfs path", SYS_statfs, { BAD, BUF }, 0, STR, 0, 0 },
	{ "statfs buf", SYS_statfs, { FILEP, BAD }, 1, OUT, 120, 0 },
	{ "fstatfs buf", SYS_fstatfs, { FD_FILE, BAD }, 1, OUT, 120, 0 },
	{ "chdir path", SYS_chdir, { BAD }, 0, STR, 0, 0 },
	{ "mkdir path", SYS_mkdir, { BAD, 0755 }, 0, STR, 0, 0 },
	{ "mkdirat path", SYS_mkdirat, { AT_FDCWD, BAD, 0755 }, 1, STR, 0, 0 },
	{ "mknod path", SYS_mknod, { BAD, S_IFIFO | 0644, 0 }, 0, STR, 0, 0 },
	{ "mknodat path", SYS_mknodat, { AT_FDCWD, BAD, S_IFIFO | 0644, 0 }, 1, STR, 0, 0 },
	{ "rmdir path", SYS_rmdir, { BAD }, 0, STR, 0, 0 },
	{ "unlink path", SYS_unlink, { BAD }, 0, STR, 0, 0 },
	{ "unlinkat path", SYS_unlinkat, { AT_FDCWD, BAD, 0 }, 1, STR, 0, 0 },
	{ "rename old", SYS_rename, { BAD, NEWP }, 0, STR, 0, 0 },
	{ "rename new", SYS_rename, { FILEP, BAD }, 1, STR, 0, 0 },
	{ "renameat old", SYS_renameat, { AT_FDCWD, BAD, AT_FDCWD, NEWP }, 1, STR, 0, 0 },
	{ "renameat new", SYS_renameat, { AT_FDCWD, FILEP, AT_FDCWD, BAD }, 3, STR, 0, 0 },
	{ "renameat2 new", SYS_renameat2, { AT_FDCWD, FILEP, AT_FDCWD, BAD, 0 }, 3, STR, 0, 0 },
	{ "link old", SYS_link, { BAD, NEWP }, 0, STR, 0, 0 },
	{ "link new", SYS_link, { FILEP, BAD }, 1, STR, 0, 0 },
	{ "linkat new", SYS_linkat, { AT_FDCWD, FILEP, AT_FDCWD, BAD, 0 }, 3, STR, 0, 0 },
	{ "symlink target", SYS_symlink, { BAD, NEWP }, 0, STR, 0, 0 },
	{ "symlink path", SYS_symlink, { FILEP, BAD }, 1, STR, 0, 0 },
	{ "symlinkat path", SYS_symlinkat, { FILEP, AT_FDCWD, BAD }, 2, STR, 0, 0 },
	{ "readlink path", SYS_readlink, { BAD, BUF, 64 }, 0, STR, 0, 0 },
	{ "readlink buf", SYS_readlink, { LINKP, BAD, 64 }, 1, OUT, 64, 0 },
	{ "readlinkat buf", SYS_readlinkat, { AT_FDCWD, LINKP, BAD, 64 }, 2, OUT, 64, 0 },
	{ "chmod path", SYS_chmod, { BAD, 0644 }, 0, STR, 0, 0 },
	{ "fchmodat path", SYS_fchmodat, { AT_FDCWD, BAD, 0644 }, 1, STR, 0, 0 },
	{ "chown path", SYS_chown, { BAD, 0, 0 }, 0, STR, 0, 0 },
	{ "lchown path", SYS_lchown, { BAD, 0, 0 }, 0, STR, 0, 0 },
	{ "fchownat path", SYS_fchownat, { AT_FDCWD, BAD, 0, 0, 0 }, 1, STR, 0, 0 },
	{ "truncate path", SYS_truncate, { BAD, 0 }, 0, STR, 0, 0 },
	{ "utimensat path", SYS_utimensat, { AT_FDCWD, BAD, 0, 0 }, 1, STR, 0, NULL_OK },
	{ "utimensat times", SYS_utimensat, { AT_FDCWD, FILEP, BAD, 0 }, 2, IN, 32, NULL_OK },
	{ "getcwd buf", SYS_getcwd, { BAD, 64 }, 0, OUT, 64, 0 },
	{ "getdents64 buf", SYS_getdents64, { FD_DIR, BAD, 64 }, 1, OUT, 64, 0 },
	{ "pipe fds", SYS_pipe, { BAD }, 0, OUT, 8, 0 },
	{ "pipe2 fds", SYS_pipe2, { BAD, 0 }, 0, OUT, 8, 0 },
	{ "poll fds", SYS_poll, { BAD, 1, 0 }, 0, INOUT, 8, 0 },
	{ "ppoll fds", SYS_ppoll, { BAD, 1, TS0, 0, 8 }, 0, INOUT, 8, 0 },
	{ "ppoll timeout", SYS_ppoll, { PFD, 1, BAD, 0, 8 }, 2, IN, 16, NULL_OK },
	{ "ppoll sigmask", SYS_ppoll, { PFD, 1, TS0, BAD, 8 }, 3, IN, 8, NULL_OK },
	{ "select readfds", SYS_select, { FD_PIPE_R + 1, BAD, 0, 0, TS0 }, 1, INOUT, 8, NULL_OK },
	{ "select writefds", SYS_select, { FD_PIPE_R + 1, 0, BAD, 0, TS0 }, 2, INOUT, 8, NULL_OK },
	{ "select exceptfds", SYS_select, { FD_PIPE_R + 1, 0, 0, BAD, TS0 }, 3, INOUT, 8, NULL_OK },
	/* Linux does not fail select when it cannot write back the time
	 * left (a constant timeval may be read-only): IN, not INOUT */
	{ "select timeout", SYS_select, { 1, 0, 0, 0, BAD }, 4, IN, 16, NULL_OK },
	{ "pselect6 timeout", SYS_pselect6, { 1, 0, 0, 0, BAD, 0 }, 4, IN, 16, NULL_OK },
	{ "pselect6 sigarg", SYS_pselect6, { 1, 0, 0, 0, TS0, BAD }, 5, IN, 16, NULL_OK },
	{ "ioctl TCGETS", SYS_ioctl, { FD_TTY, TCGETS, BAD }, 2, OUT, 36, 0 },
	{ "ioctl TCSETS", SYS_ioctl, { FD_TTY, TCSETS, BAD }, 2, IN, 36, 0 },
	{ "ioctl TIOCGWINSZ", SYS_ioctl, { FD_TTY, TIOCGWINSZ, BAD }, 2, OUT, 8, 0 },
	{ "ioctl TIOCSWINSZ", SYS_ioctl, { FD_TTY, TIOCSWINSZ, BAD }, 2, IN, 8, 0 },
	{ "rt_sigaction act", SYS_rt_sigaction, { SIGUSR1, BAD, 0, 8 }, 1, IN, 32, NULL_OK },
	{ "rt_sigaction oact", SYS_rt_sigaction, { SIGUSR1, 0, BAD, 8 }, 2, OUT, 32, NULL_OK },
	{ "rt_sigprocmask set", SYS_rt_sigprocmask, { SIG_BLOCK, BAD, 0, 8 }, 1, IN, 8, NULL_OK },
	{ "rt_sigprocmask oset", SYS_rt_sigprocmask, { SIG_BLOCK, SET0, BAD, 8 }, 2, OUT, 8, NULL_OK },
	{ "rt_sigpending set", SYS_rt_sigpending, { BAD, 8 }, 0, OUT, 8, 0 },
	{ "rt_sigsuspend mask", SYS_rt_sigsuspend, { BAD, 8 }, 0, IN, 8, 0 },
	{ "sigaltstack ss", SYS_sigaltstack, { BAD, 0 }, 0, IN, 24, NULL_OK },
	{ "sigaltstack oss", SYS_sigaltstack, { 0, BAD }, 1, OUT, 24, NULL_OK },
	{ "nanosleep req", SYS_nanosleep, { BAD, 0 }, 0, IN, 16, 0 },
	{ "clock_nanosleep req", SYS_clock_nanosleep, { CLOCK_MONOTONIC, 0, BAD, 0 }, 2, IN, 16, 0 },
	{ "clock_gettime tp", SYS_clock_gettime, { CLOCK_MONOTONIC, BAD }, 1, OUT, 16, 0 },
	{ "clock_getres tp", SYS_clock_getres, { CLOCK_MONOTONIC, BAD }, 1, OUT, 16, NULL_OK },
	{ "gettimeofday tv", SYS_gettimeofday, { BAD, 0 }, 0, OUT, 16, NULL_OK },
	{ "time t", SYS_time, { BAD }, 0, OUT, 8, NULL_OK },
	{ "times buf", SYS_times, { BAD }, 0, OUT, 32, NULL_OK },
	{ "uname buf", SYS_uname, { BAD }, 0, OUT, 390, 0 },
	{ "sysinfo info", SYS_sysinfo, { BAD }, 0, OUT, 112, 0 },
	{ "getrusage ru", SYS_getrusage, { RUSAGE_SELF, BAD }, 1, OUT, 144, 0 },
	{ "getrlimit rl", SYS_getrlimit, { RLIMIT_NOFILE, BAD }, 1, OUT, 16, 0 },
	{ "setrlimit rl", SYS_setrlimit, { RLIMIT_NOFILE, BAD }, 1, IN, 16, 0 },
	{ "prlimit64 new", SYS_prlimit64, { 0, RLIMIT_NOFILE, BAD, 0 }, 2, IN, 16, NULL_OK },
	{ "prlimit64 old", SYS_prlimit64, { 0, RLIMIT_NOFILE, 0, BAD }, 3, OUT, 16, NULL_OK },
	{ "getresuid r", SYS_getresuid, { BAD, BUF, BUF }, 0, OUT, 4, 0 },
	{ "getresuid s", SYS_getresuid, { BUF, BUF, BAD }, 2, OUT, 4, 0 },
	{ "getresgid e", SYS_getresgid, { BUF, BAD, BUF }, 1, OUT, 4, 0 },
	{ "getrandom buf", SYS_getrandom, { BAD, 16, 0 }, 0, OUT, 16, PARTIAL },
	{ "wait4 status", SYS_wait4, { CHILD, BAD, 0, 0 }, 1, OUT, 4, NULL_OK },
	{ "wait4 rusage", SYS_wait4, { CHILD, 0, 0, BAD }, 3, OUT, 144, NULL_OK },
	{ "waitid infop", SYS_waitid, { P_PID, CHILD, BAD, WEXITED, 0 }, 2, OUT, 128, NULL_OK },
	{ "waitid rusage", SYS_waitid, { P_PID, CHILD, BUF, WEXITED, BAD }, 4, OUT, 144, NULL_OK },
	{ "sendfile offset", SYS_sendfile, { FD_PIPE_W, FD_FILE, BAD, 4 }, 2, INOUT, 8, NULL_OK },
	/* (FUTEX_WAKE never reads the word: see adv_mm's futex cases) */
	{ "futex wait uaddr", SYS_futex, { BAD, FUTEX_WAIT_PRIVATE, 0, TS0 }, 0, IN, 4, ALIGN4 },
	{ "futex timeout", SYS_futex, { BUF, FUTEX_WAIT_PRIVATE, 0, BAD }, 3, IN, 16, NULL_OK },
	/* futex_waitv (449), a timeout already past: never sleeps; NULL is EINVAL */
	{ "futex_waitv waiters", 449, { BAD, 1, 0, TS0, 1 /* CLOCK_MONOTONIC */ }, 0, IN, 24, NULL_OK },
	{ "get_robust_list head", SYS_get_robust_list, { 0, BAD, BUF }, 1, OUT, 8, 0 },
	{ "get_robust_list len", SYS_get_robust_list, { 0, BUF, BAD }, 2, OUT, 8, 0 },
	{ "execve path", SYS_execve, { BAD, 0, 0 }, 0, STR, 0, 0 },
	{ "execve argv", SYS_execve, { FALSEP, BAD, 0 }, 1, IN, 8, NULL_OK },
	{ "execve envp", SYS_execve, { FALSEP, 0, BAD }, 2, IN, 8, NULL_OK },
	{ "arch_prctl GET_FS", SYS_arch_prctl, { 0x1003 /* ARCH_GET_FS */, BAD }, 1, OUT, 8, 0 },
	{ "prctl SET_NAME", SYS_prctl, { 15 /* PR_SET_NAME */, BAD }, 1, STR, 0, 0 },
	{ "prctl GET_NAME", SYS_prctl, { 16 /* PR_GET_NAME */, BAD }, 1, OUT, 16, 0 },
	{ "sched_getaffinity mask", SYS_sched_getaffinity, { 0, 8, BAD }, 2, OUT, 8, 0 },
	{ "sched_setaffinity mask", SYS_sched_setaffinity, { 0, 8, BAD }, 2, IN, 8, 0 },
	{ "getcpu cpu", SYS_getcpu, { BAD, 0, 0 }, 0, OUT, 4, NULL_OK },
	{ "getcpu node", SYS_getcpu, { 0, BAD, 0 }, 1, OUT, 4, NULL_OK },
	/* (sched_getparam: NULL is EINVAL, as Linux; sched_calls_test) */
	{ "sched_rr_get_interval tp", SYS_sched_rr_get_interval, { 0, BAD }, 1, OUT, 16, 0 },
	{ "capget header", SYS_capget, { BAD, 0 }, 0, IN, 8, 0 },
	{ "capget data", SYS_capget, { CAPHDR, BAD }, 1, OUT, 24, NULL_OK },
	{ "shmctl IPC_STAT buf", SYS_shmctl, { SHMID, IPC_STAT, BAD }, 2, OUT, 112, 0 },
	{ "shmctl IPC_SET buf", SYS_shmctl, { SHMID, IPC_SET, BAD }, 2, IN, 112, 0 },
	{ "shmctl SHM_STAT buf", SYS_shmctl, { 0, SHM_STAT, BAD }, 2, OUT, 112, 0 },
	{ "shmctl IPC_INFO buf", SYS_shmctl, { 0, IPC_INFO, BAD }, 2, OUT, 72, 0 },
	{ "shmctl SHM_INFO buf", SYS_shmctl, { 0, SHM_INFO, BAD }, 2, OUT, 48, 0 },
	/* sockets (net/socket.c); accept's address needs a pending
	 * connection and is checked in socket_test */
	{ "socketpair sv", SYS_socketpair, { 1 /* AF_UNIX */, 1, 0, BAD }, 3, OUT, 8, 0 },
	{ "bind addr", SYS_bind, { FD_SOCK_D, BAD, 16 }, 1, IN, 16, 0 },
	{ "connect addr", SYS_connect, { FD_SOCK_D, BAD, 16 }, 1, IN, 16, 0 },
	{ "sendto buf", SYS_sendto, { FD_SOCK_A, BAD, 64, 0, 0, 0 }, 1, IN, 64, 0 },
	{ "sendto addr", SYS_sendto, { FD_SOCK_D, BUF, 1, 0, BAD, 16 }, 4, IN, 16, NULL_OK },
	{ "recvfrom buf", SYS_recvfrom, { FD_SOCK_B, BAD, 4, 0, 0, 0 }, 1, OUT, 4, 0 },
	{ "recvfrom addrlen", SYS_recvfrom, { FD_SOCK_B, BUF, 4, 2 /* MSG_PEEK */, BUF, BAD },
	  5, INOUT, 4, 0 },
	{ "sendmsg msg", SYS_sendmsg, { FD_SOCK_A, BAD, 0 }, 1, IN, 56, 0 },
	{ "recvmsg msg", SYS_recvmsg, { FD_SOCK_B, BAD, 0 }, 1, INOUT, 56, 0 },
	{ "getsockname addr", SYS_getsockname, { FD_SOCK_D, BAD, BUF }, 1, OUT, 2, 0 },
	{ "getsockname addrlen", SYS_getsockname, { FD_SOCK_D, BUF, BAD }, 2, INOUT, 4, 0 },
	{ "getpeername addr", SYS_getpeername, { FD_SOCK_A, BAD, BUF }, 1, OUT, 2, 0 },
	{ "getpeername addrlen", SYS_getpeername, { FD_SOCK_A, BUF, BAD }, 2, INOUT, 4, 0 },
	{ "getsockopt val", SYS_getsockopt, { FD_SOCK_D, 1, 3 /* SO_TYPE */, BAD, BUF },
	  3, OUT, 4, 0 },
	{ "getsockopt optlen", SYS_getsockopt, { FD_SOCK_D, 1, 3, BUF, BAD }, 4, INOUT, 4, 0 },
	{ "setsockopt val", SYS_setsockopt, { FD_SOCK_D, 1, 2 /* SO_REUSEADDR */, BAD, 4 },
	  3, IN, 4, 0 },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/*
 * The kinds of bad pointer.  The arena is four pages: A (read-write, full
 * of 'a': no NUL), B (unmapped), C (read-write), D (read-only), then E
 * (PROT_NONE).
 */
enum kind {
	K_NULL, K_KTEXT, K_KDIRECT, K_NC_LOW, K_NC_HIGH, K_LAST, K_UNMAPPED,
	K_PROTNONE, K_STRADDLE_UNMAPPED, K_STRADDLE_RO, NKINDS
};
static const char *const kind_names[NKINDS] = {
	"NULL", "kernel text 0xffffffff80000000",
	"kernel direct map 0xffff888000000000",
	"non-canonical 0x0000800000000000", "non-canonical 0x8000000000000000",
	"last user byte 0x7fffffffffff", "unmapped page", "PROT_NONE page",
	"straddling into an unmapped page", "straddling into a read-only page",
};

static char *arena;
static char goodbuf[PAGE] __attribute__((aligned(16)));
static struct iovec good_iov;
static uint64_t zero_set, pselect_arg[2];
static struct timespec zero_ts;
static struct pollfd good_pfd = { .fd = FD_PIPE_R, .events = POLLIN };
static pid_t exited_child;

#define PAGE_A (arena)
#define PAGE_B (arena + PAGE)
#define PAGE_C (arena + 2 * PAGE)
#define PAGE_D (arena + 3 * PAGE)
#define PAGE_E (arena + 4 * PAGE)

/* The bytes at the valid end of a straddling buffer: 8, so no directory
 * entry fits and a short copy is told from a full one. */
#define STRADDLE_VALID 8u

/* bad_pointer - the pointer of this kind for row r; 0 if the kind does
 * not apply (a straddle of one byte, a read-only page for a read). */
static long bad_pointer(const struct row *r, enum kind k)
{
	unsigned size = r->dir == STR ? 64 : r->size;

	/* a string straddles with STRADDLE_VALID bytes and no NUL */
	switch (k) {
	case K_NULL: return 0;
	case K_KTEXT: return (long)KERNEL_TEXT;
	case K_KDIRECT: return (long)KERNEL_DIRECT;
	case K_NC_LOW: return (long)NONCANON_LOW;
	case K_NC_HIGH: return (long)NONCANON_HIGH;
	case K_LAST: return (long)LAST_USER_BYTE;
	case K_UNMAPPED: return (long)PAGE_B;
	case K_PROTNONE: return (long)PAGE_E;
	case K_STRADDLE_UNMAPPED:
		if (size <= STRADDLE_VALID)
			return (long)(PAGE_B - size / 2);
		return (long)(PAGE_B - STRADDLE_VALID);
	case K_STRADDLE_RO:
		if (r->dir != OUT && r->dir != INOUT)
			return 0;
		return (long)(PAGE_D - (size <= STRADDLE_VALID ? size / 2 : STRADDLE_VALID));
	default: return 0;
	}
}

static int shm_id; /* SHMID: made by setup(), removed by teardown() */
static unsigned cap_header[2] = { 0x20080522, 0 }; /* CAPHDR */

static long placeholder(long v, long bad)
{
	switch (v) {
	case BAD: return bad;
	case BUF: return (long)goodbuf;
	case FILEP: return (long)"/tmp/adv/file";
	case NEWP: return (long)"/tmp/adv/new";
	case DIRP: return (long)"/tmp/adv";
	case LINKP: return (long)"/tmp/adv/link";
	case IOV: return (long)&good_iov;
	case SET0: return (long)&zero_set;
	case TS0: return (long)&zero_ts;
	case PFD: return (long)&good_pfd;
	case CHILD: return exited_child;
	case SIGARG: return (long)pselect_arg;
	case FALSEP: return (long)"/bin/false";
	case SHMID: return shm_id;
	case CAPHDR: return (long)cap_header;
	default: return v;
	}
}

static pid_t exited(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid;
}

/* The child of one case: make the call, check the answer. */
static void one_case(const struct row *r, long bad)
{
	long a[6], ret;
	int valid = (int)(PAGE_B - (char *)bad);

	for (int i = 0; i < 6; i++)
		if (r->a[i] == CHILD)
			exited_child = exited();
	for (int i = 0; i < 6; i++)
		a[i] = placeholder(r->a[i], bad);
	ret = sc(r->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	/* A short count of exactly the valid bytes is what Linux gives for
	 * a buffer straddling into an unmapped page. */
	if ((r->flags & PARTIAL) && bad == (long)(PAGE_B - STRADDLE_VALID) &&
	    ret == valid)
		return;
	if ((r->flags & ALIGN4) && bad % 4) {
		CHECK(ret == -EINVAL, "%s with 0x%lx: gave %ld, expected -EINVAL "
		      "(-22)", r->name, bad, ret);
		return;
	}
	CHECK(ret == -EFAULT, "%s with 0x%lx: gave %ld, expected -EFAULT (-14)",
	      r->name, bad, ret);
}

static void run_rows(void)
{
	char name[160], why[64];

	for (size_t i = 0; i < NROWS; i++) {
		for (int k = 0; k < NKINDS; k++) {
			const struct row *r = &rows[i];
			long bad = bad_pointer(r, (enum kind)k);
			int status = 0;
			pid_t pid;

			if ((k == K_NULL && (r->flags & NULL_OK)) ||
			    (k >= K_STRADDLE_UNMAPPED && !bad))
				continue;
			snprintf(name, sizeof(name), "%s: %s: %s", r->name,
				 kind_names[k], (r->flags & ALIGN4) && bad % 4 ?
				 "EINVAL" : "EFAULT");
			fflush(stdout);
			pid = fork();
			if (pid == 0) {
				one_case(r, bad);
				fflush(stdout);
				_exit(case_failed);
			}
			waitpid(pid, &status, 0);
			snprintf(why, sizeof(why), "wait status 0x%x", status);
			tap_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
				   name, status ? why : NULL);
		}
	}
}

/* ---------------------------------------------- what the table cannot say */

/* Absurd lengths: read and write check the range before any copy
 * (Linux's access_ok): EFAULT, even for a good buffer. */
static void t_absurd_lengths(void)
{
	CHECK_RAW(SC3(SYS_read, FD_FILE, goodbuf, SIZE_MAX), -EFAULT);
	CHECK_RAW(SC3(SYS_read, FD_FILE, goodbuf, 1ul << 47), -EFAULT);
	CHECK_RAW(SC3(SYS_write, FD_FILE, goodbuf, SIZE_MAX), -EFAULT);
	CHECK_RAW(SC3(SYS_write, FD_FILE, goodbuf, 1ul << 47), -EFAULT);
	CHECK_RAW(SC4(SYS_pread64, FD_FILE, goodbuf, SIZE_MAX, 0), -EFAULT);
	/* getdents64's count is an unsigned int: 2^47 is 0, too small for
	 * an entry */
	CHECK_RAW(SC3(SYS_getdents64, FD_DIR, goodbuf, 1ul << 47), -EINVAL);
	CHECK(lseek(FD_FILE, 0, SEEK_CUR) == 0, "the file position moved");
}

/* iovecs: a bad base inside a good array, too many, a length past the
 * end of user space (EFAULT: Linux checks each piece's range). */
static void t_iovec(void)
{
	struct iovec v[2] = { { goodbuf, 8 }, { (void *)KERNEL_TEXT, 8 } };
	static struct iovec many[1025];

	CHECK_RAW(SC3(SYS_readv, FD_FILE, v, 2), -EFAULT);
	CHECK_RAW(SC3(SYS_writev, FD_FILE, v, 2), -EFAULT);
	v[1].iov_base = (void *)NONCANON_HIGH;
	CHECK_RAW(SC3(SYS_writev, FD_FILE, v, 2), -EFAULT);
	CHECK_RAW(SC3(SYS_readv, FD_FILE, many, 1025), -EINVAL); /* IOV_MAX */
	CHECK_RAW(SC3(SYS_readv, FD_FILE, many, -1), -EINVAL);
	v[0].iov_len = SSIZE_MAX;
	v[1].iov_base = goodbuf;
	v[1].iov_len = SSIZE_MAX;
	CHECK_RAW(SC3(SYS_readv, FD_FILE, v, 2), -EFAULT);
	CHECK_RAW(SC3(SYS_readv, FD_FILE, KERNEL_TEXT, 0), 0);
	CHECK(lseek(FD_FILE, 0, SEEK_CUR) == 0, "the file position moved");
}

/* The descriptor is checked before the buffer (Linux: EBADF first). */
static void t_ebadf_first(void)
{
	int wr = open("/tmp/adv/file", O_WRONLY);

	CHECK_RAW(SC3(SYS_read, 99, 0, 8), -EBADF);
	CHECK_RAW(SC3(SYS_write, 99, KERNEL_TEXT, 8), -EBADF);
	CHECK_RAW(SC3(SYS_read, wr, 0, 8), -EBADF);
	CHECK_RAW(SC2(SYS_fstat, 99, 0), -EBADF);
	CHECK_RAW(SC3(SYS_readv, 99, KERNEL_TEXT, 1), -EBADF);
	CHECK_RAW(SC3(SYS_writev, wr, 0, 1), -EFAULT);
	CHECK_RAW(SC3(SYS_readv, wr, 0, 1), -EBADF);
	CHECK_RAW(SC4(SYS_pread64, FD_PIPE_R, 0, 8, 0), -ESPIPE);
	CHECK_RAW(SC3(SYS_getdents64, 99, 0, 64), -EBADF);
	close(wr);
}

/* A failed pipe() leaves no descriptors behind. */
static void t_pipe_no_fd_leak(void)
{
	int fd;

	CHECK_RAW(SC1(SYS_pipe, PAGE_D), -EFAULT);
	CHECK_RAW(SC1(SYS_pipe, PAGE_B - 4), -EFAULT);
	fd = open("/tmp/adv/file", O_RDONLY);
	CHECK(fd == 3, "the next descriptor is %d, not 3", fd);
}

/* A failed rt_sigprocmask(set) does not change the mask. */
static void t_sigprocmask_unchanged(void)
{
	uint64_t before, after;

	SC4(SYS_rt_sigprocmask, SIG_BLOCK, 0, &before, 8);
	CHECK_RAW(SC4(SYS_rt_sigprocmask, SIG_SETMASK, PAGE_B - 4, 0, 8), -EFAULT);
	SC4(SYS_rt_sigprocmask, SIG_BLOCK, 0, &after, 8);
	CHECK(before == after, "mask 0x%lx became 0x%lx", before, after);
	CHECK_RAW(SC4(SYS_rt_sigprocmask, SIG_BLOCK, 0, 0, 7), -EINVAL);
	CHECK_RAW(SC4(SYS_rt_sigaction, SIGUSR1, 0, 0, 16), -EINVAL);
}

/* A path running to the end of user space, and one longer than PATH_MAX. */
static void t_paths(void)
{
	static char longp[5000];

	memset(longp, 'a', sizeof(longp) - 1);
	CHECK_RAW(SC2(SYS_open, longp, O_RDONLY), -ENAMETOOLONG);
	CHECK_RAW(SC2(SYS_open, "", O_RDONLY), -ENOENT);
	CHECK_RAW(SC3(SYS_execve, "", 0, 0), -ENOENT);
	CHECK_RAW(SC2(SYS_getcwd, goodbuf, 0), -ERANGE);
	CHECK_RAW(SC2(SYS_getcwd, goodbuf, 1), -ERANGE);
	/* a huge size is fine: only the path's bytes are written */
	CHECK(SC2(SYS_getcwd, goodbuf, SIZE_MAX) > 0, "getcwd with SIZE_MAX failed");
}

/* set_tid_address takes any pointer: the kernel clears it at exit and
 * ignores a fault there. */
static void tid_address_bad(void)
{
	SC1(SYS_set_tid_address, KERNEL_TEXT);
	SC1(SYS_set_tid_address, NONCANON_LOW);
	SC1(SYS_set_tid_address, PAGE_D);
	_exit(0);
}

static void t_set_tid_address(void)
{
	expect_death("set_tid_address to a read-only page: exits normally",
		     tid_address_bad, 0);
}

/* arch_prctl(ARCH_SET_FS) takes a value, not a pointer: a kernel or
 * non-canonical base is EPERM (Linux: at or above TASK_SIZE_MAX). */
static void t_arch_prctl(void)
{
	CHECK_RAW(SC2(SYS_arch_prctl, 0x1002, KERNEL_TEXT), -EPERM);
	CHECK_RAW(SC2(SYS_arch_prctl, 0x1002, NONCANON_LOW), -EPERM);
	CHECK_RAW(SC2(SYS_arch_prctl, 0x1002, 0x7ffffffff000ul), -EPERM);
	CHECK_RAW(SC2(SYS_arch_prctl, 0x9999, 0), -EINVAL);
}

static void setup(void)
{
	int fd, p[2];

	mkdir("/tmp/adv", 0755);
	fd = open("/tmp/adv/file", O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (unsigned i = 0; i < 2 * PAGE; i++)
		goodbuf[i % PAGE] = (char)('0' + i % 10);
	write(fd, goodbuf, PAGE);
	write(fd, goodbuf, PAGE);
	dup2(fd, FD_FILE);
	close(fd);
	lseek(FD_FILE, 0, SEEK_SET);
	symlink("/tmp/adv/file", "/tmp/adv/link");
	pipe(p);
	write(p[1], "data", 4);
	fcntl(p[0], F_SETFL, O_NONBLOCK); /* a consumed byte fails, not hangs */
	dup2(p[0], FD_PIPE_R);
	dup2(p[1], FD_PIPE_W);
	close(p[0]);
	close(p[1]);
	fd = open("/tmp/adv", O_RDONLY | O_DIRECTORY);
	dup2(fd, FD_DIR);
	close(fd);
	fd = open("/dev/console", O_RDWR);
	dup2(fd, FD_TTY);
	close(fd);
	socketpair(AF_UNIX, SOCK_STREAM, 0, p);
	write(p[0], "data", 4);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	dup2(p[0], FD_SOCK_A);
	dup2(p[1], FD_SOCK_B);
	close(p[0]);
	close(p[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	dup2(fd, FD_SOCK_D);
	close(fd);

	chdir("/tmp/adv"); /* a cwd longer than a straddle's valid bytes */
	arena = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(arena, 'a', 5 * PAGE);
	/* zeros where a straddling buffer is readable: empty fd sets, a
	 * pollfd for descriptor 0 */
	memset(PAGE_D - 64, 0, 128);
	munmap(PAGE_B, PAGE);
	mprotect(PAGE_D, PAGE, PROT_READ);
	mprotect(PAGE_E, PAGE, PROT_NONE);
	good_iov.iov_base = goodbuf;
	good_iov.iov_len = 64;
	pselect_arg[0] = (uint64_t)&zero_set;
	pselect_arg[1] = 8;
	shm_id = shmget(IPC_PRIVATE, PAGE, 0600);
}

static void teardown(void)
{
	for (int fd = FD_FILE; fd <= FD_SOCK_D; fd++)
		close(fd);
	munmap(arena, 5 * PAGE);
	shmctl(shm_id, IPC_RMID, NULL);
	chdir("/");
	unlink("/tmp/adv/link");
	unlink("/tmp/adv/new");
	unlink("/tmp/adv/file");
	rmdir("/tmp/adv");
}

int main(void)
{
	long before;

	signal(SIGPIPE, SIG_IGN);
	setup();
	teardown();
	before = kmem_baseline();
	setup();
	run_rows();
	RUN(t_absurd_lengths);
	RUN(t_iovec);
	RUN(t_ebadf_first);
	RUN(t_pipe_no_fd_leak);
	RUN(t_sigprocmask_unchanged);
	RUN(t_paths);
	t_set_tid_address();
	RUN(t_arch_prctl);
	teardown();
	while (wait(NULL) > 0)
		;
	leak_check("adv_ptr: no kernel memory lost", before, kmem_usage());
	return tap_done();
}
