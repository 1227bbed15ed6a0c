/*
 * tests/user/sched_calls_test.c - the scheduling queries and capget as
 * Linux answers them on one CPU: sched_getaffinity/setaffinity, getcpu,
 * the priority ranges, sched_getscheduler/getparam,
 * sched_rr_get_interval, capget's versions and sets; capabilities
 * (capset's rules, the checks that use them, set*uid and execve, prctl's
 * options, /proc/PID/status), unshare, and rseq (registration, cpu_id,
 * critical sections aborted by preemption and by signals, SIGSEGV for a
 * bad signature or descriptor).  Leak-checked.
 *
 * "sched_calls_test caps P E" (run by the execve cases) exits 0 if its
 * permitted and effective sets are P and E (hex).
 */
#define _GNU_SOURCE
#include "tap.h"
#include <sched.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <time.h>

#define SELF "/tests/sched_calls_test"
#define FULL 0x1ffffffffffull /* capabilities 0-40 */
#define BIT(cap) (1ull << (cap))
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_KILL 5
#define CAP_SETUID 7
#define CAP_SETPCAP 8

#define V1 0x19980330
#define V2 0x20071026
#define V3 0x20080522

struct cap_header { uint32_t version; int pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };

/* The CPUs online: /proc/cpuinfo's blocks. */
static int nr_cpus(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		n += !strncmp(line, "processor", 9);
	if (f)
		fclose(f);
	return n;
}

/* pin - run on the CPUs of mask only: 0 once there. */
static long pin(unsigned long mask)
{
	return syscall(SYS_sched_setaffinity, 0, sizeof(mask), &mask);
}

static unsigned long all_cpus(void)
{
	return (1ul << nr_cpus()) - 1;
}

/* Every CPU online is in the mask, and the task runs where it is pinned:
 * it moves to the CPU at once (before sched_setaffinity returns). */
static void t_affinity(void)
{
	unsigned long mask[4] = { ~0ul, ~0ul, ~0ul, ~0ul };
	int n = nr_cpus();
	unsigned long one = 1, none = 0, beyond = 1ul << n, all = all_cpus();

	CHECK(n >= 1 && n < 64, "%d CPUs in /proc/cpuinfo", n);
	CHECK(syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask) == 8, "size 8");
	CHECK(mask[0] == all && mask[1] == ~0ul, "every CPU (%#lx), 8 bytes written",
	      mask[0]);
	CHECK(sysconf(_SC_NPROCESSORS_ONLN) == n, "sysconf: %ld CPUs",
	      sysconf(_SC_NPROCESSORS_ONLN));
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, mask), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 12, mask), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 8, (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 999999, 8, mask), ESRCH);
	CHECK(syscall(SYS_sched_setaffinity, 0, 8, &one) == 0, "CPU 0");
	CHECK(syscall(SYS_sched_setaffinity, getpid(), 1, &one) == 0, "short mask");
	CHECK_ERR(syscall(SYS_sched_setaffinity, 0, 8, &none), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setaffinity, 0, 8, &beyond), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setaffinity, 0, 8, (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_sched_setaffinity, -1, 8, &one), ESRCH);
	for (int cpu = n - 1; cpu >= 0; cpu--) {
		unsigned here = ~0u;

		CHECK(pin(1ul << cpu) == 0, "pinned to CPU %d", cpu);
		CHECK(syscall(SYS_getcpu, &here, NULL, NULL) == 0 && here == (unsigned)cpu,
		      "pinned to CPU %d, runs on %u", cpu, here);
		CHECK(syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask) == 8 &&
		      mask[0] == 1ul << cpu, "its mask: %#lx", mask[0]);
	}
	CHECK(pin(all) == 0, "every CPU again");
}

static void t_getcpu_and_priorities(void)
{
	unsigned cpu = 7, node = 7;
	struct sched_param sp = { .sched_priority = 5 };
	struct timespec ts = { 9, 9 };

	CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0 && cpu < (unsigned)nr_cpus() &&
	      node == 0, "getcpu %u %u", cpu, node);
	CHECK(syscall(SYS_getcpu, NULL, NULL, NULL) == 0, "NULLs");
	CHECK_ERR(syscall(SYS_getcpu, (void *)8, NULL, NULL), EFAULT);
	CHECK(sched_get_priority_max(SCHED_FIFO) == 99 &&
	      sched_get_priority_min(SCHED_FIFO) == 1, "FIFO 1..99");
	CHECK(sched_get_priority_max(SCHED_RR) == 99, "RR");
	CHECK(sched_get_priority_max(SCHED_OTHER) == 0 &&
	      sched_get_priority_min(SCHED_BATCH) == 0, "OTHER/BATCH 0");
	CHECK_ERR(sched_get_priority_max(42), EINVAL);
	CHECK_ERR(sched_get_priority_min(-1), EINVAL);
	CHECK(syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER, "SCHED_OTHER");
	CHECK_ERR(syscall(SYS_sched_getscheduler, -1), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getscheduler, 999999), ESRCH);
	CHECK(syscall(SYS_sched_getparam, 0, &sp) == 0 && sp.sched_priority == 0, "param");
	CHECK_ERR(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getparam, 0, (void *)8), EFAULT);
	CHECK(syscall(SYS_sched_rr_get_interval, 0, &ts) == 0 && ts.tv_sec == 0 &&
	      ts.tv_nsec > 0, "interval %ld", ts.tv_nsec);
	CHECK_ERR(syscall(SYS_sched_rr_get_interval, -1, &ts), EINVAL);
}

/* sched_setscheduler and sched_setparam: checked and kept as Linux does
 * (the round robin runs every task alike), inherited by fork unless
 * SCHED_RESET_ON_FORK. */
static void t_setscheduler(void)
{
	struct sched_param sp = { .sched_priority = 10 }, got = { 0 };
	int status = 0;
	pid_t pid;

	CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) == 0, "FIFO 10");
	CHECK(syscall(SYS_sched_getscheduler, 0) == SCHED_FIFO, "reads back FIFO");
	CHECK(syscall(SYS_sched_getparam, 0, &got) == 0 && got.sched_priority == 10, "prio 10");
	sp.sched_priority = 20;
	CHECK(syscall(SYS_sched_setparam, 0, &sp) == 0, "setparam 20");
	CHECK(syscall(SYS_sched_getparam, 0, &got) == 0 && got.sched_priority == 20, "prio 20");
	pid = fork();
	if (pid == 0)
		_exit(syscall(SYS_sched_getscheduler, 0) == SCHED_FIFO ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 0,
	      "a child inherits FIFO");
	CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_RR | 0x40000000, &sp) == 0,
	      "RR with SCHED_RESET_ON_FORK");
	CHECK(syscall(SYS_sched_getscheduler, 0) == (SCHED_RR | 0x40000000), "reads back");
	pid = fork();
	if (pid == 0)
		_exit(syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 0,
	      "...and the child is back to SCHED_OTHER");
	sp.sched_priority = 0;
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EINVAL);
	sp.sched_priority = 100;
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_RR, &sp), EINVAL);
	sp.sched_priority = 1;
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, 42, &sp), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 999999, SCHED_OTHER, &sp), ESRCH);
	sp.sched_priority = 0;
	CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp) == 0, "back to OTHER");
	pid = fork();
	if (pid == 0) {
		setuid(1000);
		sp.sched_priority = 5;
		_exit(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) == -1 && errno == EPERM &&
		      syscall(SYS_sched_setscheduler, 1, SCHED_BATCH, &(struct sched_param){ 0 }) == -1 &&
		      errno == EPERM ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 0,
	      "uid 1000: no real-time policy, not another user's task (EPERM)");
}

static void as_user(void *unused)
{
	struct cap_header h = { V3, 0 };
	struct cap_data d[2];

	if (setuid(1000))
		_exit(9);
	memset(d, 0xff, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0)
		_exit(1);
	if (d[0].effective || d[0].permitted || d[1].effective || d[1].permitted)
		_exit(2);
	_exit(0);
}

static void t_capget(void)
{
	struct cap_header h = { V3, 0 };
	struct cap_data d[2];
	int status = -1;
	pid_t pid;

	memset(d, 0xff, sizeof(d));
	CHECK(syscall(SYS_capget, &h, d) == 0, "v3");
	CHECK(d[0].effective == ~0u && d[0].permitted == ~0u && d[0].inheritable == 0 &&
	      d[1].effective == 0x1ff && d[1].permitted == 0x1ff, "root's full set");
	h.version = V1;
	memset(d, 0xff, sizeof(d));
	CHECK(syscall(SYS_capget, &h, d) == 0 && d[1].effective == ~0u, "v1: one word");
	h.version = 0x12345;
	CHECK_ERR(syscall(SYS_capget, &h, d), EINVAL);
	CHECK(h.version == V3, "the preferred version written back: %#x", h.version);
	h.version = V2;
	CHECK(syscall(SYS_capget, &h, NULL) == 0, "NULL data probes");
	h.version = 0x12345;
	CHECK(syscall(SYS_capget, &h, NULL) == 0 && h.version == V3,
	      "NULL data: an unknown version is answered, not refused");
	h.pid = -1;
	CHECK_ERR(syscall(SYS_capget, &h, d), EINVAL);
	h.pid = 999999;
	CHECK_ERR(syscall(SYS_capget, &h, d), ESRCH);
	CHECK_ERR(syscall(SYS_capget, (void *)8, d), EFAULT);
	h.pid = 0;
	CHECK_ERR(syscall(SYS_capget, &h, (void *)8), EFAULT);
	pid = fork();
	if (pid == 0)
		as_user(NULL);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "uid 1000: %#x", status);
}

/* caps_get - the caller's sets (version 3); false if capget failed. */
static int caps_get(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct cap_header h = { V3, 0 };
	struct cap_data d[2];

	if (syscall(SYS_capget, &h, d))
		return 0;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 1;
}

/* caps_set - capset (version 3) of the caller's sets: 0 or -1. */
static long caps_set(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct cap_header h = { V3, 0 };
	struct cap_data d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};

	return syscall(SYS_capset, &h, d);
}

/* capset: permitted only shrinks, effective within permitted, inheritable
 * within permitted (without CAP_SETPCAP) and the bounding set; only the
 * caller itself; versions as capget. */
static void t_capset(void)
{
	struct cap_header h = { 0x12345, 0 };
	struct cap_data d[2] = { { 0 } };
	uint64_t e, p, i;

	CHECK(caps_set(FULL, FULL, 0) == 0, "the same sets");
	CHECK_ERR(syscall(SYS_capset, &h, d), EINVAL);
	CHECK(h.version == V3, "version written back: %#x", h.version);
	h.version = V3, h.pid = 1;
	CHECK_ERR(syscall(SYS_capset, &h, d), EPERM);
	h.pid = getpid();
	CHECK_ERR(syscall(SYS_capset, &h, (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_capset, (void *)8, d), EFAULT);
	CHECK(caps_set(FULL & ~BIT(CAP_KILL), FULL, 0) == 0, "effective lowered");
	CHECK(caps_get(&e, &p, &i) && e == (FULL & ~BIT(CAP_KILL)) && p == FULL,
	      "%llx %llx", (unsigned long long)e, (unsigned long long)p);
	CHECK(caps_set(FULL, FULL, 0) == 0, "raised again from permitted");
	CHECK_ERR(caps_set(FULL, FULL & ~BIT(CAP_KILL), 0), EPERM); /* E not in P */
	CHECK(caps_set(FULL & ~BIT(CAP_KILL), FULL & ~BIT(CAP_KILL), BIT(CAP_KILL)) == 0,
	      "permitted lowered; inheritable may hold what CAP_SETPCAP allows");
	CHECK_ERR(caps_set(FULL & ~BIT(CAP_KILL), FULL, 0), EPERM); /* P grows */
	CHECK(caps_set(FULL & ~BIT(CAP_KILL) & ~BIT(CAP_SETPCAP),
		       FULL & ~BIT(CAP_KILL), BIT(CAP_KILL)) == 0, "CAP_SETPCAP off");
	CHECK(caps_set(FULL & ~BIT(CAP_KILL) & ~BIT(CAP_SETPCAP),
		       FULL & ~BIT(CAP_KILL), 0) == 0, "inheritable lowered");
	CHECK_ERR(caps_set(0, FULL & ~BIT(CAP_KILL), BIT(CAP_KILL)), EPERM);
	/* version 1: one word, so capabilities 32-40 go from every set */
	h.version = V1, h.pid = 0;
	d[0].effective = d[0].permitted = 0xffffffdf;
	CHECK(syscall(SYS_capset, &h, d) == 0, "v1");
	CHECK(caps_get(&e, &p, &i) && p == 0xffffffdf && e == 0xffffffdf && !i,
	      "%llx", (unsigned long long)p);
}

/* The bounding set: read any capability, drop one with CAP_SETPCAP. */
static void t_bounding_set(void)
{
	uint64_t e, p, i;

	CHECK(prctl(PR_CAPBSET_READ, CAP_KILL) == 1, "CAP_KILL bounded in");
	CHECK_ERR(prctl(PR_CAPBSET_READ, 41), EINVAL);
	CHECK(prctl(PR_CAPBSET_DROP, CAP_KILL) == 0, "drop");
	CHECK(prctl(PR_CAPBSET_READ, CAP_KILL) == 0, "dropped");
	CHECK_ERR(prctl(PR_CAPBSET_DROP, 41), EINVAL);
	CHECK(caps_get(&e, &p, &i) && p == FULL, "permitted unchanged");
	CHECK_ERR(caps_set(FULL, FULL, BIT(CAP_KILL)), EPERM); /* I within bounding */
	CHECK(caps_set(FULL & ~BIT(CAP_SETPCAP), FULL, 0) == 0, "no CAP_SETPCAP");
	CHECK_ERR(prctl(PR_CAPBSET_DROP, CAP_SETUID), EPERM);
	CHECK_ERR(prctl(PR_CAPBSET_DROP, 41), EPERM);
}

/* status_line - the value of "name:" in /proc/self/status, into out. */
static int status_line(const char *name, char *out, size_t size)
{
	char text[4096], *p;
	int fd = open("/proc/self/status", O_RDONLY), n;

	n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	p = strstr(text, name);
	if (!p)
		return 0;
	sscanf(p + strlen(name), ":\t%63s", out);
	(void)size;
	return 1;
}

static void t_status_caps(void)
{
	static const char *const names[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	const char *root[] = { "0000000000000000", "000001ffffffffff", "000001ffffffffff",
			       "000001ffffffffff", "0000000000000000" };
	const char *after[] = { "0000000000000020", "000001ffffffffff", "000001ffffffffdf",
				"000001fffffffffe", "0000000000000020" };
	char v[64];

	for (int k = 0; k < 5; k++)
		CHECK(status_line(names[k], v, sizeof(v)) && !strcmp(v, root[k]),
		      "%s: %s", names[k], v);
	CHECK(caps_set(FULL & ~BIT(CAP_KILL), FULL, BIT(CAP_KILL)) == 0, "capset");
	CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0) == 0, "ambient");
	CHECK(prctl(PR_CAPBSET_DROP, 0) == 0, "bounding");
	for (int k = 0; k < 5; k++)
		CHECK(status_line(names[k], v, sizeof(v)) && !strcmp(v, after[k]),
		      "%s: %s", names[k], v);
}

/* A root process without CAP_KILL signals its own uid's processes only. */
static void t_cap_kill(void)
{
	int ready[2], status;
	pid_t other, same;
	char c;

	CHECK(pipe(ready) == 0, "pipe");
	other = fork();
	if (other == 0) {
		if (setuid(1000) == 0)
			write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	same = fork();
	if (same == 0) {
		pause();
		_exit(0);
	}
	CHECK(read(ready[0], &c, 1) == 1, "the child is uid 1000");
	CHECK(kill(other, 0) == 0, "with CAP_KILL");
	CHECK(caps_set(FULL & ~BIT(CAP_KILL), FULL & ~BIT(CAP_KILL), 0) == 0, "drop");
	CHECK_ERR(kill(other, 0), EPERM);
	CHECK_ERR(kill(other, SIGKILL), EPERM);
	CHECK(kill(same, 0) == 0 && kill(getpid(), 0) == 0, "own uid");
	CHECK(kill(same, SIGKILL) == 0, "own child killed");
	waitpid(same, &status, 0);
	CHECK(caps_set(FULL & ~BIT(CAP_KILL), FULL & ~BIT(CAP_KILL), 0) == 0 &&
	      prctl(PR_CAPBSET_READ, CAP_KILL) == 1, "still bounded in");
	/* we cannot kill the uid-1000 child now; a uid-1000 process can
	 * (waited for by pid: the child it kills may exit first, on another
	 * CPU) */
	same = fork();
	if (same == 0) {
		setuid(1000);
		_exit(kill(other, SIGKILL) ? 1 : 0);
	}
	CHECK(waitpid(same, &status, 0) == same && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "same-uid kill");
	waitpid(other, &status, 0);
}

/* File permissions: CAP_DAC_READ_SEARCH reads anything, CAP_DAC_OVERRIDE
 * also writes; without both a mode-000 file is closed to root too. */
static void t_cap_dac(void)
{
	const char *path = "/tmp/caps-000";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0);

	CHECK(fd >= 0 && write(fd, "x", 1) == 1, "made");
	close(fd);
	chmod(path, 0);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0, "root opens a mode-000 file");
	close(fd);
	CHECK(caps_set(FULL & ~BIT(CAP_DAC_OVERRIDE), FULL & ~BIT(CAP_DAC_OVERRIDE), 0) == 0,
	      "no CAP_DAC_OVERRIDE");
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "CAP_DAC_READ_SEARCH still reads");
	close(fd);
	CHECK_ERR(open(path, O_WRONLY), EACCES);
	CHECK(caps_set(FULL & ~BIT(CAP_DAC_OVERRIDE) & ~BIT(CAP_DAC_READ_SEARCH),
		       FULL & ~BIT(CAP_DAC_OVERRIDE) & ~BIT(CAP_DAC_READ_SEARCH), 0) == 0,
	      "no CAP_DAC_READ_SEARCH");
	CHECK_ERR(open(path, O_RDONLY), EACCES);
	CHECK_ERR(access(path, R_OK), EACCES);
	CHECK(access("/tests", R_OK | X_OK) == 0, "the mode bits still work");
	unlink(path);
}

/* exec_caps - run SELF caps P E as the caller is: its exit status. */
static int exec_caps(uint64_t perm, uint64_t eff)
{
	char ps[32], es[32];
	int status = -1;
	pid_t pid;

	snprintf(ps, sizeof(ps), "%llx", (unsigned long long)perm);
	snprintf(es, sizeof(es), "%llx", (unsigned long long)eff);
	pid = fork();
	if (pid == 0) {
		execl(SELF, SELF, "caps", ps, es, (char *)NULL);
		_exit(99);
	}
	waitpid(pid, &status, 0);
	return status;
}

/* set*uid: leaving uid 0 clears the sets unless PR_SET_KEEPCAPS; an
 * effective uid 0 and back; execve gives root the bounding set and a user
 * only its ambient set. */
static void t_keepcaps_setuid_exec(void)
{
	uint64_t e, p, i;

	CHECK(exec_caps(FULL, FULL) == 0, "root keeps everything across exec");
	CHECK(prctl(PR_GET_KEEPCAPS) == 0, "off");
	CHECK_ERR(prctl(PR_SET_KEEPCAPS, 2), EINVAL);
	CHECK(setresuid(-1, 1000, -1) == 0, "euid 1000");
	CHECK(caps_get(&e, &p, &i) && e == 0 && p == FULL, "effective cleared only");
	CHECK_ERR(setgroups(0, NULL), EPERM);
	CHECK(setresuid(-1, 0, -1) == 0 && caps_get(&e, &p, &i) && e == FULL,
	      "euid 0: effective again");
	CHECK(prctl(PR_SET_KEEPCAPS, 1) == 0 && prctl(PR_GET_KEEPCAPS) == 1, "on");
	CHECK(caps_set(FULL, FULL, BIT(CAP_KILL)) == 0, "inheritable CAP_KILL");
	CHECK(setresuid(1000, 1000, 1000) == 0, "uid 1000");
	CHECK(caps_get(&e, &p, &i) && e == 0 && p == FULL, "kept: %llx %llx",
	      (unsigned long long)e, (unsigned long long)p);
	CHECK(prctl(PR_SET_KEEPCAPS, 1) == 0, "still settable");
	CHECK(caps_set(BIT(CAP_KILL) | BIT(CAP_SETUID), FULL, BIT(CAP_KILL)) == 0,
	      "effective from kept permitted");
	CHECK(setuid(2000) == 0, "CAP_SETUID works without uid 0");
	CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0) == 0, "ambient");
	CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0) == 1, "is set");
	CHECK_ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETUID, 0, 0), EPERM);
	CHECK_ERR(prctl(PR_CAP_AMBIENT, 9, CAP_KILL, 0, 0), EINVAL);
	CHECK(exec_caps(BIT(CAP_KILL), BIT(CAP_KILL)) == 0, "a user keeps its ambient set");
	CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0, "clear");
	CHECK(exec_caps(0, 0) == 0, "a user gets nothing");
	CHECK(caps_set(0, 0, 0) == 0 && caps_get(&e, &p, &i) && !p, "all gone");
	CHECK_ERR(caps_set(BIT(CAP_KILL), BIT(CAP_KILL), 0), EPERM);
}

/* copy_file - from to to with mode; 0 or -1. */
static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[4096];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	ssize_t n;

	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	close(out);
	return chmod(to, mode);
}

/* A set-user-ID-root program run by uid 1000 gets root's capabilities
 * (P' = E' = the bounding set); chown clears the bit. */
static void t_setuid_root_exec(void)
{
	const char *path = "/tmp/caps-suid";
	struct stat st;
	int status = -1;
	pid_t pid;

	CHECK(copy_file(SELF, path, 04755) == 0, "copy");
	CHECK(prctl(PR_CAPBSET_DROP, CAP_KILL) == 0, "bounding");
	pid = fork();
	if (pid == 0) {
		if (setresuid(1000, 1000, 1000))
			_exit(98);
		execl(path, path, "caps", "1ffffffffdf", "1ffffffffdf", (char *)NULL);
		_exit(99);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0, "status %#x", status);
	CHECK(chown(path, 1000, 0) == 0 && stat(path, &st) == 0 && !(st.st_mode & S_ISUID),
	      "chown cleared set-user-ID: %o", st.st_mode);
	unlink(path);
}

/* Without KEEPCAPS, setuid away from root clears both sets for good. */
static void t_setuid_drops_caps(void)
{
	uint64_t e, p, i;

	CHECK(mknod("/tmp/caps-null", S_IFCHR | 0600, makedev(1, 3)) == 0, "root: mknod");
	unlink("/tmp/caps-null");
	CHECK(setuid(1000) == 0, "setuid");
	CHECK(caps_get(&e, &p, &i) && !e && !p, "cleared");
	CHECK_ERR(setuid(0), EPERM);
	CHECK_ERR(mknod("/tmp/caps-null", S_IFCHR | 0600, makedev(1, 3)), EPERM);
	CHECK(mknod("/tmp/caps-fifo", S_IFIFO | 0600, 0) == 0, "a FIFO needs nothing");
	unlink("/tmp/caps-fifo");
	/* without CAP_SYS_BOOT: EPERM before the magic numbers are looked at */
	CHECK_ERR(syscall(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0), EPERM);
	CHECK_ERR(syscall(SYS_reboot, 0, 0, 0x4321fedc, 0), EPERM);
}

/* unshare: CLONE_FILES and CLONE_FS give the caller its own table and
 * cwd; namespaces are not there (EINVAL for root, EPERM for others). */
static void t_unshare(void)
{
	int fd = open("/tests", O_RDONLY), status = -1;
	char cwd[64];
	pid_t pid = syscall(SYS_clone, CLONE_FILES | CLONE_FS | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0) {
		int ok = syscall(SYS_unshare, CLONE_FILES | CLONE_FS | CLONE_SYSVSEM) == 0;

		close(fd);
		ok = ok && chdir("/tmp") == 0;
		_exit(ok ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && status == 0, "child");
	CHECK(fcntl(fd, F_GETFD) == 0, "the child closed only its copy");
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/"), "cwd %s", cwd);
	CHECK(syscall(SYS_unshare, CLONE_FILES | CLONE_FS | CLONE_VM | CLONE_SIGHAND |
		      CLONE_THREAD) == 0, "nothing shared: nothing to do");
	CHECK_ERR(syscall(SYS_unshare, 0x11), EINVAL);
	CHECK_ERR(syscall(SYS_unshare, CLONE_NEWUSER), EINVAL);
	CHECK_ERR(syscall(SYS_unshare, CLONE_NEWNS), EINVAL);
	CHECK(setuid(1000) == 0, "setuid");
	CHECK_ERR(syscall(SYS_unshare, CLONE_NEWNS), EPERM);
	CHECK_ERR(syscall(SYS_unshare, CLONE_NEWPID | CLONE_FILES), EPERM);
}

/* ---- rseq ---- */

#define RSEQ_SIG 0x53053053
#define RSEQ_FLAG_UNREGISTER 1

struct rseq_area {
	uint32_t cpu_id_start, cpu_id;
	uint64_t rseq_cs;
	uint32_t flags;
} __attribute__((aligned(32)));

struct rseq_desc {
	uint32_t version, flags;
	uint64_t start_ip, post_commit_offset, abort_ip;
};

static struct rseq_area rs;
static volatile int handler_ran;

static long rseq(void *area, unsigned len, int flags, unsigned sig)
{
	return syscall(SYS_rseq, area, len, flags, sig);
}

/* percpu_inc - counters[cpu_id] += 1 in a critical section that first
 * spins spin times: 0 if it committed, 1 if the kernel aborted it. */
static int percpu_inc(long *counters, long spin)
{
	int aborted;

	__asm__ __volatile__(
		".pushsection __rseq_cs, \"aw\"\n\t"
		".balign 32\n"
		"3:\n\t"
		".long 0, 0\n\t"
		".quad 1f, 2f - 1f, 4f\n\t"
		".popsection\n\t"
		"leaq 3b(%%rip), %%rax\n\t"
		"movq %%rax, %[cs]\n"
		"1:\n\t"
		"movl %[cpu], %%eax\n\t"
		"movq %[spin], %%rcx\n"
		"5:\n\t"
		"decq %%rcx\n\t"
		"jnz 5b\n\t"
		"incq (%[counters], %%rax, 8)\n" /* the commit */
		"2:\n\t"
		"xorl %[ab], %[ab]\n\t"
		"jmp 6f\n\t"
		".long 0x53053053\n" /* the signature, just before the abort */
		"4:\n\t"
		"movl $1, %[ab]\n"
		"6:\n"
		: [ab] "=&r"(aborted), [cs] "=m"(rs.rseq_cs)
		: [cpu] "m"(rs.cpu_id), [counters] "r"(counters), [spin] "r"(spin)
		: "rax", "rcx", "memory", "cc");
	return aborted;
}

/* Where wait_in_section's section is, and where the signal found rip. */
struct section { uint64_t start, end, abort; };
static volatile uint64_t signal_rip;

/* wait_in_section - spin inside a critical section until handler_ran; an
 * abort before that restarts it.  1 if it ended by an abort (the signal
 * handler ran while rip was in the section), 0 if it saw the flag; *where
 * tells where the section is. */
static int wait_in_section(struct section *where)
{
	int aborted;

	__asm__ __volatile__(
		".pushsection __rseq_cs, \"aw\"\n\t"
		".balign 32\n"
		"3:\n\t"
		".long 0, 0\n\t"
		".quad 1f, 2f - 1f, 4f\n\t"
		".popsection\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"movq %%rax, %[start]\n\t"
		"leaq 2f(%%rip), %%rax\n\t"
		"movq %%rax, %[end]\n\t"
		"leaq 4f(%%rip), %%rax\n\t"
		"movq %%rax, %[abort]\n"
		"7:\n\t"
		"leaq 3b(%%rip), %%rax\n\t"
		"movq %%rax, %[cs]\n"
		"1:\n\t"
		"cmpl $0, %[flag]\n\t"
		"je 1b\n"
		"2:\n\t"
		"xorl %[ab], %[ab]\n\t"
		"jmp 6f\n\t"
		".long 0x53053053\n"
		"4:\n\t"
		"cmpl $0, %[flag]\n\t"
		"je 7b\n\t"
		"movl $1, %[ab]\n"
		"6:\n"
		: [ab] "=&r"(aborted), [cs] "=m"(rs.rseq_cs), [start] "=m"(where->start),
		  [end] "=m"(where->end), [abort] "=m"(where->abort)
		: [flag] "m"(handler_ran)
		: "rax", "memory", "cc");
	return aborted;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Registration: Linux 6.1's errors; cpu_id kept; unregistering. */
static void t_rseq_register(void)
{
	static struct rseq_area other;
	int status = -1;
	pid_t pid;

	/* The rseq tests run on CPU 0 only (cpu_id is then 0), with the tasks
	 * they fork: a preemption needs two tasks on one CPU. */
	CHECK(pin(1) == 0, "on CPU 0");
	rs.cpu_id_start = rs.cpu_id = 0xffffffff;
	CHECK_ERR(rseq((char *)&rs + 8, 32, 0, RSEQ_SIG), EINVAL); /* misaligned */
	CHECK_ERR(rseq(&rs, 28, 0, RSEQ_SIG), EINVAL);
	CHECK_ERR(rseq(&rs, 32, 2, RSEQ_SIG), EINVAL);
	CHECK_ERR(rseq((void *)0xffff800000000000ul, 32, 0, RSEQ_SIG), EFAULT);
	CHECK_ERR(rseq(&rs, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG), EINVAL); /* none */
	CHECK(rseq(&rs, 32, 0, RSEQ_SIG) == 0, "register");
	CHECK(rs.cpu_id_start == 0 && rs.cpu_id == 0, "cpu %u %u", rs.cpu_id_start, rs.cpu_id);
	CHECK_ERR(rseq(&rs, 32, 0, RSEQ_SIG), EBUSY);
	CHECK_ERR(rseq(&rs, 32, 0, RSEQ_SIG + 1), EPERM);
	CHECK_ERR(rseq(&other, 32, 0, RSEQ_SIG), EINVAL);
	pid = fork();
	if (pid == 0) /* a child keeps the registration */
		_exit(rseq(&rs, 32, 0, RSEQ_SIG) == -1 && errno == EBUSY ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0, "fork: %#x", status);
	CHECK_ERR(rseq(&rs, 32, RSEQ_FLAG_UNREGISTER | 2, RSEQ_SIG), EINVAL);
	CHECK_ERR(rseq(&rs, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1), EPERM);
	CHECK_ERR(rseq(&other, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG), EINVAL);
	CHECK(rseq(&rs, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) == 0, "unregister");
	CHECK(rs.cpu_id == 0xffffffff, "cpu_id uninitialized again: %#x", rs.cpu_id);
	CHECK(rseq(&other, 32, 0, RSEQ_SIG) == 0, "another area");
}

/* Per-CPU counting with a second task running: some sections are
 * preempted and aborted, and no increment is lost or doubled. */
static void t_rseq_preempt_aborts(void)
{
	static long counters[1];
	long committed = 0, aborted = 0;
	double end;
	pid_t hog;

	CHECK(pin(1) == 0, "on CPU 0, with the hog"); /* t_rseq_register says why */
	hog = fork();
	if (hog == 0)
		for (;;)
			;
	CHECK(rseq(&rs, 32, 0, RSEQ_SIG) == 0, "register");
	end = now_s() + 3;
	while (aborted < 5 && now_s() < end) {
		if (percpu_inc(counters, 20000))
			aborted++;
		else
			committed++;
	}
	kill(hog, SIGKILL);
	waitpid(hog, NULL, 0);
	CHECK(aborted >= 5, "preemptions aborted %ld sections (%ld committed)",
	      aborted, committed);
	CHECK(counters[0] == committed, "counter %ld, committed %ld", counters[0], committed);
	CHECK(rs.cpu_id == 0 && rs.cpu_id_start == 0, "cpu_id");
	printf("# rseq: %ld sections committed, %ld aborted by preemption\n",
	       committed, aborted);
}

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
	signal_rip = ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
	handler_ran = 1;
}

/* signalled_section - wait_in_section with a timer signal 20 ms away,
 * until the signal comes while rip is in the section (it may come just
 * before, if the machine is slow): 1 if the section was aborted, 0 if the
 * handler returned into it, -1 if the signal never hit it. */
static int signalled_section(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	struct section where;

	for (int tries = 0; tries < 10; tries++) {
		handler_ran = 0;
		signal_rip = 0;
		if (setitimer(ITIMER_REAL, &it, NULL))
			return -1;
		if (wait_in_section(&where))
			return signal_rip == where.abort;
		if (signal_rip >= where.start && signal_rip < where.end)
			return 0;
	}
	return -1;
}

/* A signal delivered inside a section resumes it at its abort handler. */
static void t_rseq_signal_aborts(void)
{
	struct sigaction sa = { .sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO };

	CHECK(pin(1) == 0, "on CPU 0");
	sigaction(SIGALRM, &sa, NULL);
	CHECK(rseq(&rs, 32, 0, RSEQ_SIG) == 0, "register");
	CHECK(signalled_section() == 1, "the handler returned to the abort");
	CHECK(rseq(&rs, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) == 0, "unregister");
	CHECK(signalled_section() == 0, "unregistered: no abort");
}

/* in_child_segv - fn in a child: was it killed by SIGSEGV? */
static int in_child_segv(void (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

/* switched_away - make sure the task is switched away from at least once
 * (the descriptor is read on the way back): a child that must run first. */
static void switched_away(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0); /* sleeps until the child ran */
}

static void bad_signature(void)
{
	static uint32_t not_code[4];
	static struct rseq_desc d;

	d.start_ip = 0x10000, d.post_commit_offset = 0x10;
	d.abort_ip = (uint64_t)&not_code[2]; /* preceded by 0, not the signature */
	signal(SIGSEGV, SIG_IGN); /* cannot save it */
	rseq(&rs, 32, 0, RSEQ_SIG);
	rs.rseq_cs = (uint64_t)&d;
	switched_away();
}

static void bad_descriptor(void)
{
	rseq(&rs, 32, 0, RSEQ_SIG);
	rs.rseq_cs = 0xffff800000000000ull;
	switched_away();
}

static void abort_in_section(void)
{
	static struct rseq_desc d;

	d.start_ip = 0x10000, d.post_commit_offset = 0x10, d.abort_ip = 0x10008;
	rseq(&rs, 32, 0, RSEQ_SIG);
	rs.rseq_cs = (uint64_t)&d;
	switched_away();
}

static void good_descriptor(void)
{
	static uint32_t code[4] = { 0, RSEQ_SIG, 0, 0 };
	static struct rseq_desc d;

	d.start_ip = 0x10000, d.post_commit_offset = 0x10;
	d.abort_ip = (uint64_t)&code[2];
	rseq(&rs, 32, 0, RSEQ_SIG);
	rs.rseq_cs = (uint64_t)&d;
	switched_away();
	if (rs.rseq_cs != 0) /* outside the section: cleared */
		_exit(3);
}

/* A bad signature or descriptor is SIGSEGV (Linux's rseq_ip_fixup). */
static void t_rseq_bad_sections(void)
{
	CHECK(pin(1) == 0, "on CPU 0: switched_away() needs its child to run here");
	CHECK(in_child_segv(bad_signature), "bad signature: SIGSEGV");
	CHECK(in_child_segv(bad_descriptor), "kernel address: SIGSEGV");
	CHECK(in_child_segv(abort_in_section), "abort_ip inside: SIGSEGV");
	CHECK(run_child(good_descriptor) == 0, "a good one outside its range is cleared");
	CHECK(pin(all_cpus()) == 0, "every CPU again");
}

static void all_cases(void)
{
	RUN(t_affinity);
	RUN(t_getcpu_and_priorities);
	RUN(t_setscheduler);
	RUN(t_capget);
	RUN(t_capset);
	RUN(t_bounding_set);
	RUN(t_status_caps);
	RUN(t_cap_kill);
	RUN(t_cap_dac);
	RUN(t_keepcaps_setuid_exec);
	RUN(t_setuid_drops_caps);
	RUN(t_setuid_root_exec);
	RUN(t_unshare);
	RUN(t_rseq_register);
	RUN(t_rseq_preempt_aborts);
	RUN(t_rseq_signal_aborts);
	RUN(t_rseq_bad_sections);
}

int main(int argc, char **argv)
{
	uint64_t e, p, i;

	if (argc == 4 && !strcmp(argv[1], "caps")) {
		if (!caps_get(&e, &p, &i))
			return 2;
		if (p != strtoull(argv[2], NULL, 16) || e != strtoull(argv[3], NULL, 16)) {
			printf("# after exec: permitted %llx effective %llx\n",
			       (unsigned long long)p, (unsigned long long)e);
			return 1;
		}
		return 0;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("TAP version 13\n");
	leak_checked_twice(all_cases, NULL);
	return tap_done();
}
