/*
 * kernel/membarrier.c - membarrier(2): make every thread of the process
 * (or of the system) execute a memory barrier, as Linux 6.1's
 * kernel/sched/membarrier.c.
 *
 * Every entry to the kernel and every switch between threads is already
 * a full barrier (and serializes the core); a thread running on another
 * CPU is made to take one by an IPI (smp_call_function_many()), which
 * returns only once each CPU has taken the interrupt.  So each barrier
 * is done by the time the call returns.  The bookkeeping is Linux's:
 *   - QUERY lists the commands;
 *   - the PRIVATE_EXPEDITED commands (plain, SYNC_CORE and RSEQ) are -EPERM
 *     until the process registered for them; registration is per address
 *     space, shared by its threads, inherited by fork, cleared by exec;
 *   - GLOBAL_EXPEDITED needs no registration from its caller (it reaches
 *     the processes that registered: here, nothing to do);
 *   - flags must be 0 (MEMBARRIER_CMD_FLAG_CPU only with the RSEQ
 *     command); cpu_id is only read with that flag.
 * PRIVATE_EXPEDITED_RSEQ restarts the rseq critical sections that the
 * process's threads are running on other CPUs (the IPI marks each as
 * preempted: kernel/rseq.c aborts its section on the way back to user
 * mode); a thread switched away already had its section aborted.
 */
#include <vmos/errno.h>
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/rseq.h"
#include "mm/mm.h"
#include <asm/smp.h>

#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_GLOBAL (1 << 0)
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED (1 << 1)
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED (1 << 2)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED (1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED (1 << 4)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE (1 << 5)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE (1 << 6)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ (1 << 7)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ (1 << 8)
#define MEMBARRIER_CMD_FLAG_CPU (1 << 0)

#define MEMBARRIER_CMD_BITMASK                                                \
	(MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |             \
	 MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED |                            \
	 MEMBARRIER_CMD_PRIVATE_EXPEDITED |                                    \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED |                           \
	 MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE |                          \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE |                 \
	 MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ |                               \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ)

/* mm->membarrier_state bits: what the address space registered for. */
#define MEMBARRIER_STATE_GLOBAL_EXPEDITED 0x1
#define MEMBARRIER_STATE_PRIVATE_EXPEDITED 0x2
#define MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE 0x4
#define MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ 0x8

/* On each CPU asked: the interrupt is the barrier; an rseq section of the
 * thread it interrupted restarts (arg: the RSEQ command). */
static void barrier_ipi(void *arg)
{
	struct task *t = current;

	if (arg && t->rseq)
		rseq_preempt(t);
}

/* barrier - every other CPU running a thread of mm (every other CPU, if mm
 * is NULL) takes barrier_ipi(). */
static void barrier(struct mm *mm, bool rseq)
{
	u64 mask = 0;

	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++)
		if (cpu != smp_processor_id() && (!mm || cpu_curr(cpu)->mm == mm))
			mask |= 1ull << cpu;
	if (mask)
		smp_call_function_many(mask, barrier_ipi, rseq ? (void *)1 : NULL);
}

/* private_expedited - the barrier, for a process registered for it. */
static long private_expedited(u32 needed)
{
	if (!(current->mm->membarrier_state & needed))
		return -EPERM;
	barrier(current->mm, needed == MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ);
	return 0;
}

/* do_register - note a registration (again is fine). */
static long do_register(u32 state)
{
	current->mm->membarrier_state |= state;
	return 0;
}

SYSCALL_DEFINE3(membarrier, int, cmd, unsigned, flags, int, cpu_id)
{
	(void)cpu_id; /* FLAG_CPU: every CPU of the process is asked anyway */
	if (flags && (cmd != MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ ||
		      flags != MEMBARRIER_CMD_FLAG_CPU))
		return -EINVAL; /* FLAG_CPU goes only with the RSEQ command */
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY:
		return MEMBARRIER_CMD_BITMASK;
	case MEMBARRIER_CMD_GLOBAL:
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
		barrier(NULL, false);
		return 0;
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
		return do_register(MEMBARRIER_STATE_GLOBAL_EXPEDITED);
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
		return private_expedited(MEMBARRIER_STATE_PRIVATE_EXPEDITED);
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
		return do_register(MEMBARRIER_STATE_PRIVATE_EXPEDITED);
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
		return private_expedited(MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE);
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
		return do_register(MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE);
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ:
		return private_expedited(MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ);
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ:
		return do_register(MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ);
	default:
		return -EINVAL;
	}
}
