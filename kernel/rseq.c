/*
 * kernel/rseq.c - restartable sequences, as Linux 6.1 (kernel/rseq.c).
 *
 * A thread registers a struct rseq in its memory (32 bytes, aligned to 32)
 * and a 32-bit signature.  The kernel keeps the area's cpu_id_start and
 * cpu_id up to date (the CPU it runs on) each time the thread
 * returns to user mode after registering or after being switched away
 * from.  While the thread runs a critical section it points the area's
 * rseq_cs at a descriptor [start_ip, start_ip + post_commit_offset) with
 * an abort_ip.  If the thread is preempted or a signal is delivered while
 * its rip is in that range, the kernel moves rip to abort_ip, so the
 * section either completes without interruption or restarts from the
 * abort handler.  The 4 bytes before abort_ip must hold the signature: a
 * bad descriptor or signature kills the thread with SIGSEGV.
 *
 * The cost for a thread without rseq: one test of rseq_notify on the way
 * to user mode (kernel/entry.c) and one of rseq on a task switch.
 */
#include <asm/percpu.h>
#include "kernel/rseq.h"
#include <vmos/errno.h>
#include "kernel/exit.h"
#include <vmos/printk.h>
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/uaccess.h>
#include <vmos/string.h>
#include "mm/vma.h"
#include <asm/syscall.h>

#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_AREA_SIZE 32  /* sizeof(struct rseq) in Linux 6.1 */
#define RSEQ_AREA_ALIGN 32
#define RSEQ_CPU_ID_UNINITIALIZED ((u32)-1)
#define RSEQ_EVENT_PREEMPT (1u << 0)
#define RSEQ_EVENT_SIGNAL (1u << 1)

/* The user's struct rseq and struct rseq_cs (include/uapi/linux/rseq.h). */
struct rseq_area {
	u32 cpu_id_start;
	u32 cpu_id;
	u64 rseq_cs;  /* the critical-section descriptor, or 0 */
	u32 flags;    /* deprecated RSEQ_CS_FLAG_NO_RESTART_ON_*: must be 0 */
};

struct rseq_cs {
	u32 version;  /* 0 */
	u32 flags;    /* must be 0 (Linux 6.1 refuses the deprecated ones) */
	u64 start_ip;
	u64 post_commit_offset;
	u64 abort_ip;
};

static struct ratelimit signature_messages = RATELIMIT_INIT("rseq");

/* area - the user address of a field of t's registered area. */
#define area(t, field) ((void __user *)((t)->rseq + offsetof(struct rseq_area, field)))

/* put_cpu_ids - write cpu_id_start and cpu_id: 0 or -EFAULT. */
static int put_cpu_ids(struct task *t, u32 start, u32 id)
{
	u32 ids[2] = { start, id };

	return copy_to_user(area(t, cpu_id_start), ids, sizeof(ids));
}

/* get_rseq_cs - the descriptor t's area points at (all zero if none): 0,
 * -EFAULT, or -EINVAL for one outside user space, of an unknown version,
 * whose abort_ip lies inside its range, or without the signature before
 * abort_ip.  Linux's rseq_get_rseq_cs. */
static int get_rseq_cs(struct task *t, struct rseq_cs *cs)
{
	u64 ptr;
	u32 sig;

	if (get_user_u64(&ptr, area(t, rseq_cs)))
		return -EFAULT;
	memset(cs, 0, sizeof(*cs));
	if (!ptr)
		return 0;
	if (ptr >= TASK_SIZE_MAX)
		return -EINVAL;
	if (copy_from_user(cs, (const void __user *)ptr, sizeof(*cs)))
		return -EFAULT;
	if (cs->start_ip >= TASK_SIZE_MAX || cs->abort_ip >= TASK_SIZE_MAX ||
	    cs->start_ip + cs->post_commit_offset >= TASK_SIZE_MAX ||
	    cs->start_ip + cs->post_commit_offset < cs->start_ip || cs->version > 0)
		return -EINVAL;
	if (cs->abort_ip - cs->start_ip < cs->post_commit_offset)
		return -EINVAL; /* abort_ip inside the section */
	if (copy_from_user(&sig, (const void __user *)(cs->abort_ip - sizeof(u32)),
			   sizeof(sig)))
		return -EFAULT;
	if (sig != t->rseq_sig) {
		if (printk_ratelimit(&signature_messages))
			pr_warn("Possible attack attempt. Unexpected rseq signature 0x%x, "
				"expecting 0x%x (pid=%d, addr=%lx).\n", sig, t->rseq_sig,
				t->pid, cs->abort_ip - sizeof(u32));
		return -EINVAL;
	}
	return 0;
}

/* ip_fixup - Linux's rseq_ip_fixup: if tf's rip is in the current critical
 * section and the thread was preempted or signalled since the last look,
 * move rip to abort_ip.  The area's rseq_cs is cleared whenever rip is
 * outside the section or the section is aborted.  0, or -errno. */
static int ip_fixup(struct task *t, struct trap_frame *tf)
{
	u64 ip = frame_user_ip(tf);
	struct rseq_cs cs;
	u32 flags, events;
	int err = get_rseq_cs(t, &cs);

	if (err)
		return err;
	if (ip - cs.start_ip >= cs.post_commit_offset)
		return put_user_u64(area(t, rseq_cs), 0); /* not in a section */
	if (cs.flags)
		return -EINVAL;
	if (copy_from_user(&flags, area(t, flags), sizeof(flags)))
		return -EFAULT;
	if (flags)
		return -EINVAL;
	events = t->rseq_event_mask;
	t->rseq_event_mask = 0;
	if (!events)
		return 0;
	if (put_user_u64(area(t, rseq_cs), 0))
		return -EFAULT;
	frame_set_user_ip(tf, cs.abort_ip);
	return 0;
}

/* rseq_fail - what an unusable area or descriptor earns: SIGSEGV (death,
 * if it happened while a SIGSEGV handler was being entered). */
static void rseq_fail(int sig)
{
	struct k_siginfo info = { .si_signo = SIGSEGV, .si_code = SI_KERNEL };

	if (sig == SIGSEGV)
		do_coredump_exit(SIGSEGV, NULL);
	force_sig_fault(SIGSEGV, &info);
}

void rseq_handle_notify_resume(struct trap_frame *tf, int sig)
{
	struct task *t = current;

	t->rseq_notify = false;
	if (!t->rseq)
		return;
	if (ip_fixup(t, tf) ||
	    put_cpu_ids(t, smp_processor_id(), smp_processor_id()))
		rseq_fail(sig);
}

void rseq_preempt(struct task *t)
{
	t->rseq_event_mask |= RSEQ_EVENT_PREEMPT;
	t->rseq_notify = true;
}

void rseq_signal_deliver(struct trap_frame *tf, int sig)
{
	if (!current->rseq)
		return;
	current->rseq_event_mask |= RSEQ_EVENT_SIGNAL;
	rseq_handle_notify_resume(tf, sig);
}

void rseq_fork(struct task *child, const struct task *parent, bool share_vm)
{
	bool keep = parent->rseq && !share_vm;

	child->rseq = keep ? parent->rseq : 0;
	child->rseq_len = keep ? parent->rseq_len : 0;
	child->rseq_sig = keep ? parent->rseq_sig : 0;
	child->rseq_event_mask = keep ? parent->rseq_event_mask : 0;
	child->rseq_notify = keep;
}

void rseq_execve(struct task *t)
{
	t->rseq = 0;
	t->rseq_len = t->rseq_sig = t->rseq_event_mask = 0;
	t->rseq_notify = false;
}

/* rseq_unregister - RSEQ_FLAG_UNREGISTER: the same area, length and
 * signature as registered (-EINVAL, -EPERM); cpu_id becomes -1. */
static long rseq_unregister(struct task *t, u64 addr, u32 len, u32 sig)
{
	if (!t->rseq || t->rseq != addr || len != t->rseq_len)
		return -EINVAL;
	if (sig != t->rseq_sig)
		return -EPERM;
	if (put_cpu_ids(t, 0, RSEQ_CPU_ID_UNINITIALIZED))
		return -EFAULT;
	rseq_execve(t);
	return 0;
}

/*
 * rseq: register the calling thread's area (Linux 6.1's rules).  Another
 * registration while one exists: -EBUSY for the same area and signature,
 * -EPERM for another signature, -EINVAL for another area or length.  A
 * new area must be 32 bytes aligned to 32 (-EINVAL) in user space
 * (-EFAULT).  Unknown flags: -EINVAL.
 */
SYSCALL_DEFINE4(rseq, u64, addr, u32, len, int, flags, u32, sig)
{
	struct task *t = current;

	if (flags & RSEQ_FLAG_UNREGISTER) {
		if (flags & ~RSEQ_FLAG_UNREGISTER)
			return -EINVAL;
		return rseq_unregister(t, addr, len, sig);
	}
	if (flags)
		return -EINVAL;
	if (t->rseq) {
		if (t->rseq != addr || len != t->rseq_len)
			return -EINVAL;
		return sig != t->rseq_sig ? -EPERM : -EBUSY;
	}
	if ((addr & (RSEQ_AREA_ALIGN - 1)) || len != RSEQ_AREA_SIZE)
		return -EINVAL;
	if (!access_ok((const void __user *)addr, len))
		return -EFAULT;
	t->rseq = addr;
	t->rseq_len = len;
	t->rseq_sig = sig;
	t->rseq_notify = true; /* cpu_id on the way back */
	return 0;
}
