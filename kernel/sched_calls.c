/*
 * kernel/sched_calls.c - the scheduling queries a program may make, as
 * Linux answers them: the affinity mask (the CPUs a task may run on),
 * getcpu, the policies' priority ranges, the round-robin interval.
 *
 * The scheduler (kernel/sched.c) is one round-robin over every runnable
 * task.  A task's policy and priority (sched_setscheduler, sched_setparam)
 * are checked and kept as Linux does, and reported back, but they do not
 * change when it runs: a SCHED_FIFO task gets its turn like any other.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <asm/percpu.h>
#include <asm/smp.h>
#include <vmos/string.h>

#define CPUMASK_SIZE 8 /* bytes: Linux's cpumask_size() for up to 64 CPUs */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define MAX_RT_PRIO 99
#define SCHED_RESET_ON_FORK 0x40000000
#define RR_INTERVAL_NS 10000000l /* the scheduler's longest slice */

/* target - the task pid names (0: the caller), or NULL. */
static struct task *target(int pid)
{
	return pid ? task_find(pid) : current;
}

/* The CPUs online, as a mask. */
static u64 online_mask(void)
{
	return nr_cpus_online >= 64 ? ~0ull : (1ull << nr_cpus_online) - 1;
}

/* sched_getaffinity: the CPUs the task may run on, of those online, in a
 * mask of CPUMASK_SIZE bytes, the size returned; len must hold every CPU
 * and be a multiple of a long.  (musl's sysconf(_SC_NPROCESSORS_ONLN),
 * and so nproc, count its bits.) */
SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len,
		void __user *, mask)
{
	struct task *t;
	u64 cpus;

	if (len * 8 < nr_cpus_online || (len & (sizeof(long) - 1)))
		return -EINVAL;
	t = pid < 0 ? NULL : target(pid);
	if (!t)
		return -ESRCH;
	cpus = t->cpus_allowed & online_mask();
	if (copy_to_user(mask, &cpus, CPUMASK_SIZE))
		return -EFAULT;
	return CPUMASK_SIZE;
}

/* sched_setaffinity: the mask (bytes past len are zero) must allow a CPU
 * online (-EINVAL); another user's task needs root (-EPERM).  A task
 * running on a CPU it may no longer use moves at once (sched_move()). */
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
	if (!capable(CAP_SYS_NICE) && current->cred.euid != t->cred.uid &&
	    current->cred.euid != t->cred.euid)
		return -EPERM;
	if (!(cpus & online_mask()))
		return -EINVAL;
	t->cpus_allowed = cpus & online_mask();
	sched_move(t);
	return 0;
}

/* getcpu: the CPU running the caller, on node 0; either pointer may be
 * NULL. */
SYSCALL_DEFINE3(getcpu, u32 __user *, cpu, u32 __user *, node, void __user *, cache)
{
	u32 zero = 0, here = smp_processor_id();

	if (cpu && copy_to_user(cpu, &here, sizeof(here)))
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

static bool rt_policy(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

void sched_fork(struct task *child, const struct task *parent)
{
	child->cpus_allowed = parent->cpus_allowed; /* as Linux: inherited */
	child->sched_policy = parent->sched_policy;
	child->sched_priority = parent->sched_priority;
	child->sched_reset_on_fork = false;
	if (parent->sched_reset_on_fork && rt_policy(parent->sched_policy)) {
		child->sched_policy = SCHED_OTHER; /* Linux: back to normal */
		child->sched_priority = 0;
	}
}

/*
 * set_policy - sched_setscheduler and sched_setparam, with Linux's checks:
 * a known policy (SCHED_DEADLINE needs sched_setattr: EINVAL), priority
 * 1..99 for FIFO and RR and 0 for the others (EINVAL); another user's
 * task, or a real-time policy, only for root (RLIMIT_RTPRIO is 0: EPERM).
 */
static long set_policy(int pid, int policy, const int __user *param)
{
	bool reset = policy >= 0 && (policy & SCHED_RESET_ON_FORK);
	struct task *t;
	int prio;

	policy &= ~SCHED_RESET_ON_FORK;
	if (pid < 0 || !param || policy < 0)
		return -EINVAL;
	if (copy_from_user(&prio, param, sizeof(prio)))
		return -EFAULT;
	t = target(pid);
	if (!t)
		return -ESRCH;
	if (!known_policy(policy) || policy == SCHED_DEADLINE)
		return -EINVAL;
	if (rt_policy(policy) ? prio < 1 || prio > MAX_RT_PRIO : prio != 0)
		return -EINVAL;
	if (!capable(CAP_SYS_NICE) &&
	    (rt_policy(policy) || (current->cred.euid != t->cred.uid &&
				   current->cred.euid != t->cred.euid)))
		return -EPERM;
	t->sched_policy = policy;
	t->sched_priority = prio;
	t->sched_reset_on_fork = reset;
	return 0;
}

SYSCALL_DEFINE3(sched_setscheduler, int, pid, int, policy, const int __user *, param)
{
	return set_policy(pid, policy, param);
}

/* sched_setparam: a new priority under the same policy. */
SYSCALL_DEFINE2(sched_setparam, int, pid, const int __user *, param)
{
	struct task *t = pid < 0 ? NULL : target(pid);

	if (pid < 0 || !param)
		return -EINVAL;
	if (!t)
		return -ESRCH;
	return set_policy(pid, t->sched_policy |
			  (t->sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0), param);
}

SYSCALL_DEFINE1(sched_getscheduler, int, pid)
{
	struct task *t;

	if (pid < 0)
		return -EINVAL;
	t = target(pid);
	if (!t)
		return -ESRCH;
	return t->sched_policy | (t->sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

SYSCALL_DEFINE2(sched_getparam, int, pid, int __user *, param)
{
	struct task *t;

	if (pid < 0 || !param)
		return -EINVAL;
	t = target(pid);
	if (!t)
		return -ESRCH;
	return copy_to_user(param, &t->sched_priority, sizeof(int)) ? -EFAULT : 0;
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
