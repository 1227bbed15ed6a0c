/*
 * kernel/sched_calls.c - the scheduling queries a program may make, as
 * Linux answers them on a machine with one CPU: the affinity mask (CPU 0
 * only), getcpu, the policies' priority ranges, the round-robin interval,
 * and capget (which capabilities a task has).
 *
 * The scheduler (kernel/sched.c) is one round-robin over every runnable
 * task; it has no policies or priorities, so every task reports
 * SCHED_OTHER with priority 0.
 */
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "lib/string.h"

#define NR_CPUS_HERE 1
#define CPUMASK_SIZE 8 /* bytes: Linux's cpumask_size() for one CPU */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define MAX_RT_PRIO 99
#define RR_INTERVAL_NS 10000000l /* the scheduler's longest slice */

/* Capabilities, Linux's ABI (include/uapi/linux/capability.h). */
#define LINUX_CAPABILITY_VERSION_1 0x19980330
#define LINUX_CAPABILITY_VERSION_2 0x20071026
#define LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_FULL_SET 0x000001fffffffffful /* capabilities 0-40 */

/* target - the task pid names (0: the caller), or NULL. */
static struct task *target(int pid)
{
	return pid ? task_find(pid) : current;
}

/* sched_getaffinity: CPU 0 in a mask of CPUMASK_SIZE bytes, the size
 * returned; len must hold every CPU and be a multiple of a long. */
SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len,
		void __user *, mask)
{
	u64 cpus = 1;

	if (len * 8 < NR_CPUS_HERE || (len & (sizeof(long) - 1)))
		return -EINVAL;
	if (pid < 0 || !target(pid))
		return -ESRCH;
	if (copy_to_user(mask, &cpus, CPUMASK_SIZE))
		return -EFAULT;
	return CPUMASK_SIZE;
}

/* sched_setaffinity: the mask (bytes past len are zero) must allow CPU
 * 0, the only one (-EINVAL); another user's task needs root (-EPERM). */
SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned int, len,
		const void __user *, mask)
{
	u64 cpus = 0;
	struct task *t;

	if (copy_from_user(&cpus, mask, len < CPUMASK_SIZE ? len : CPUMASK_SIZE))
		return -EFAULT;
	t = pid < 0 ? NULL : target(pid);
	if (!t)
		return -ESRCH;
	if (current->cred.euid != 0 && current->cred.euid != t->cred.uid &&
	    current->cred.euid != t->cred.euid)
		return -EPERM;
	return (cpus & 1) ? 0 : -EINVAL;
}

/* getcpu: CPU 0 on node 0; either pointer may be NULL. */
SYSCALL_DEFINE3(getcpu, u32 __user *, cpu, u32 __user *, node, void __user *, cache)
{
	u32 zero = 0;

	if (cpu && copy_to_user(cpu, &zero, sizeof(zero)))
		return -EFAULT;
	if (node && copy_to_user(node, &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

static bool known_policy(int policy)
{
	return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR ||
	       policy == SCHED_BATCH || policy == SCHED_IDLE || policy == SCHED_DEADLINE;
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
	if (!known_policy(policy))
		return -EINVAL;
	return policy == SCHED_FIFO || policy == SCHED_RR ? MAX_RT_PRIO : 0;
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
	if (!known_policy(policy))
		return -EINVAL;
	return policy == SCHED_FIFO || policy == SCHED_RR ? 1 : 0;
}

/* sched_getscheduler: every task is SCHED_OTHER here. */
SYSCALL_DEFINE1(sched_getscheduler, int, pid)
{
	if (pid < 0)
		return -EINVAL;
	return target(pid) ? SCHED_OTHER : -ESRCH;
}

/* sched_getparam: priority 0 (SCHED_OTHER's only one). */
SYSCALL_DEFINE2(sched_getparam, int, pid, int __user *, param)
{
	int prio = 0;

	if (pid < 0 || !param)
		return -EINVAL;
	if (!target(pid))
		return -ESRCH;
	return copy_to_user(param, &prio, sizeof(prio)) ? -EFAULT : 0;
}

/* sched_rr_get_interval: the longest slice the round-robin gives. */
SYSCALL_DEFINE2(sched_rr_get_interval, int, pid, void __user *, interval)
{
	s64 ts[2] = { 0, RR_INTERVAL_NS };

	if (pid < 0)
		return -EINVAL;
	if (!target(pid))
		return -ESRCH;
	return copy_to_user(interval, ts, sizeof(ts)) ? -EFAULT : 0;
}

struct cap_header {
	u32 version;
	int pid;
};

struct cap_data {
	u32 effective, permitted, inheritable;
};

/*
 * capget: a task's capabilities, as Linux gives them to root (every one
 * permitted and effective, none inheritable) and to other users (none).
 * An unknown version is answered with version 3 written back and
 * -EINVAL; a NULL data pointer only checks the version.  Version 1 has
 * one 32-bit word per set, versions 2 and 3 two.
 */
SYSCALL_DEFINE2(capget, struct cap_header __user *, header,
		struct cap_data __user *, data)
{
	struct cap_header h;
	struct cap_data d[2];
	struct task *t;
	u64 caps;
	int words;

	if (copy_from_user(&h, header, sizeof(h)))
		return -EFAULT;
	if (h.version == LINUX_CAPABILITY_VERSION_1)
		words = 1;
	else if (h.version == LINUX_CAPABILITY_VERSION_2 ||
		 h.version == LINUX_CAPABILITY_VERSION_3)
		words = 2;
	else {
		h.version = LINUX_CAPABILITY_VERSION_3;
		return copy_to_user(header, &h.version, sizeof(h.version)) ? -EFAULT
									    : -EINVAL;
	}
	if (h.pid < 0)
		return -EINVAL;
	if (!data)
		return 0;
	t = target(h.pid);
	if (!t)
		return -ESRCH;
	caps = t->cred.euid == 0 ? CAP_FULL_SET : 0;
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (u32)caps;
	d[1].effective = d[1].permitted = (u32)(caps >> 32);
	return copy_to_user(data, d, (size_t)words * sizeof(d[0])) ? -EFAULT : 0;
}
