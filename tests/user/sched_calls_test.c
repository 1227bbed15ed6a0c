/*
 * tests/user/sched_calls_test.c - the scheduling queries and capget as
 * Linux answers them on one CPU: sched_getaffinity/setaffinity, getcpu,
 * the priority ranges, sched_getscheduler/getparam,
 * sched_rr_get_interval, capget's versions and sets.  Leak-checked.
 */
#include "tap.h"
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#define V1 0x19980330
#define V2 0x20071026
#define V3 0x20080522

struct cap_header { uint32_t version; int pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };

static void t_affinity(void)
{
	unsigned long mask[4] = { ~0ul, ~0ul, ~0ul, ~0ul };
	unsigned long one = 1, none = 0, cpu1 = 2;

	CHECK(syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask) == 8, "size 8");
	CHECK(mask[0] == 1 && mask[1] == ~0ul, "only CPU 0, 8 bytes written");
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, mask), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 12, mask), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 8, (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 999999, 8, mask), ESRCH);
	CHECK(syscall(SYS_sched_setaffinity, 0, 8, &one) == 0, "CPU 0");
	CHECK(syscall(SYS_sched_setaffinity, getpid(), 1, &one) == 0, "short mask");
	CHECK_ERR(syscall(SYS_sched_setaffinity, 0, 8, &none), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setaffinity, 0, 8, &cpu1), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setaffinity, 0, 8, (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_sched_setaffinity, -1, 8, &one), ESRCH);
}

static void t_getcpu_and_priorities(void)
{
	unsigned cpu = 7, node = 7;
	struct sched_param sp = { .sched_priority = 5 };
	struct timespec ts = { 9, 9 };

	CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0 && cpu == 0 && node == 0,
	      "getcpu %u %u", cpu, node);
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

static void all_cases(void)
{
	RUN(t_affinity);
	RUN(t_getcpu_and_priorities);
	RUN(t_setscheduler);
	RUN(t_capget);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("TAP version 13\n");
	leak_checked_twice(all_cases, NULL);
	return tap_done();
}
