/*
 * kernel/ptrace.c - process tracing, as Linux's ptrace(2): what debuggers
 * and strace are built on.
 *
 * A tracer process attaches to a thread (PTRACE_ATTACH, which also sends
 * it SIGSTOP; or the child asks with PTRACE_TRACEME).  From then on the
 * tracee stops, in TASK_TRACED, whenever
 *   - a signal is about to be delivered to it (signal-delivery-stop:
 *     ptrace_signal; the tracer decides which signal, if any, goes on),
 *   - it enters or leaves a system call, if resumed with PTRACE_SYSCALL
 *     (ptrace_syscall_entry / exit: at entry the tracer may change the
 *     call, or skip it by setting orig_rax to -1),
 *   - it has finished execve (ptrace_exec: SIGTRAP, or an event stop).
 * Each stop is reported to the tracer's wait4 as a stopped child
 * (W_STOPCODE(code)) and with SIGCHLD (CLD_TRAPPED).  While the tracee is
 * stopped the tracer reads and writes its memory (PEEK/POKE: even
 * read-only text, which is copied first, as a debugger's breakpoint
 * needs), its registers (GETREGS, PEEKUSER, GETFPREGS...; the layouts are
 * arch/x86_64/ptrace.c's) and the stop's siginfo, then resumes it (CONT,
 * SYSCALL, SINGLESTEP, DETACH) with a signal or none, or kills it.
 *
 * Kept simpler than Linux, and documented in docs/processes.md: no
 * PTRACE_SEIZE/INTERRUPT/LISTEN, no fork/clone/exit events, no group-stop
 * reporting; a tracer that is not the tracee's parent is not told of the
 * tracee's exit (its wait then finds nothing).
 */
#include "kernel/capability.h"
#include "kernel/ptrace.h"
#include <vmos/errno.h>
#include "kernel/exit.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/uaccess.h>
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include <asm/arch.h>
#include <asm/ptrace.h>
#include <asm/syscall.h>

#define PTRACE_SYSCALL_TRAP (SIGTRAP | 0x80) /* PTRACE_O_TRACESYSGOOD */
#define CLD_TRAPPED 4
#define SUPPORTED_OPTIONS \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)

/* ---- the tracee's side ---- */

/*
 * ptrace_stop - current stops for its tracer with code (what wait4
 * reports) and info: the tracer is told (SIGCHLD with CLD_TRAPPED, and a
 * wake-up of its wait), and current sleeps in TASK_TRACED until the tracer
 * resumes it, detaches, exits, or SIGKILL comes.
 */
static void ptrace_stop(int code, const struct k_siginfo *info)
{
	struct task *t = current, *tracer = t->ptracer;
	struct k_siginfo chld = { .si_signo = SIGCHLD, .si_code = CLD_TRAPPED };
	u64 flags = arch_irq_save();

	t->ptrace_code = code;
	t->ptrace_info = *info;
	t->ptrace_report = true;
	t->ptrace_resumed = false;
	chld.f.child.pid = t->pid;
	chld.f.child.uid = t->cred.uid;
	chld.f.child.status = code & 0x7f;
	send_group_signal(tracer, SIGCHLD, &chld);
	wake_up(&tracer->child_exit);
	while (!t->ptrace_resumed && t->ptracer && !fatal_signal_pending(t)) {
		t->state = TASK_TRACED;
		schedule();
	}
	t->ptrace_report = false;
	arch_irq_restore(flags);
}

bool ptrace_wants_syscalls(void)
{
	return current->ptracer && current->ptrace_resume == PTRACE_RESUME_SYSCALL;
}

/* A syscall stop: SIGTRAP, with 0x80 set if the tracer asked to tell them
 * from real SIGTRAPs. */
static void syscall_stop(void)
{
	struct k_siginfo info = { .si_signo = SIGTRAP, .si_code = SIGTRAP };
	int code = current->ptrace_options & PTRACE_O_TRACESYSGOOD
			   ? PTRACE_SYSCALL_TRAP : SIGTRAP;

	info.si_code = code;
	ptrace_stop(code, &info);
}

void ptrace_syscall_entry(struct trap_frame *tf)
{
	syscall_set_return(tf, -ENOSYS); /* what a skipped call returns */
	syscall_stop();
}

void ptrace_syscall_exit(struct trap_frame *tf)
{
	syscall_stop();
}

int ptrace_signal(int sig)
{
	struct task *t = current;
	struct k_siginfo info = t->sig.info[sig - 1];

	ptrace_stop(sig, &info);
	if (fatal_signal_pending(t))
		return 0;
	if (!t->ptrace_resumed)
		return sig; /* the tracer went away: the signal goes on */
	sig = t->ptrace_sig; /* what CONT, SYSCALL or DETACH gave */
	if (!sig)
		return 0; /* the tracer suppressed it */
	t->sig.info[sig - 1] = t->ptrace_info;
	if (t->ptrace_info.si_signo != sig) { /* the tracer chose another */
		struct k_siginfo *si = &t->sig.info[sig - 1];

		si->si_signo = sig;
		si->si_errno = 0;
		si->si_code = SI_USER;
		si->f.kill.pid = t->ptracer ? t->ptracer->tgid : 0;
		si->f.kill.uid = t->ptracer ? t->ptracer->cred.uid : 0;
	}
	if (t->sig.blocked & sigmask(sig)) { /* queued until unblocked */
		send_signal(t, sig, &t->sig.info[sig - 1]);
		return 0;
	}
	return sig;
}

void ptrace_exec(void)
{
	struct task *t = current;
	struct k_siginfo info = { .si_signo = SIGTRAP, .si_code = SI_USER };

	if (!t->ptracer)
		return;
	if (t->ptrace_options & PTRACE_O_TRACEEXEC)
		ptrace_stop(SIGTRAP | (PTRACE_EVENT_EXEC << 8), &info);
	else
		send_signal(t, SIGTRAP, NULL);
}

/* ---- attaching and detaching ---- */

static void link_tracee(struct task *tracer, struct task *t)
{
	t->ptracer = tracer;
	t->ptrace_options = 0;
	t->ptrace_resume = PTRACE_RESUME_CONT;
	t->ptrace_step = false;
	t->ptraced_next = tracer->ptraced;
	tracer->ptraced = t;
}

/* unlink_tracee - t leaves its tracer's list and runs on untraced, with
 * the trap flag cleared if the tracer had set it. */
static void unlink_tracee(struct task *t)
{
	struct task **pp;

	for (pp = &t->ptracer->ptraced; *pp; pp = &(*pp)->ptraced_next) {
		if (*pp == t) {
			*pp = t->ptraced_next;
			break;
		}
	}
	if (t->ptrace_step)
		arch_ptrace_set_step(task_user_frame(t), false);
	t->ptracer = NULL;
	t->ptraced_next = NULL;
	t->ptrace_report = false;
	t->ptrace_step = false;
	if (t->state == TASK_TRACED)
		sched_add(t);
}

void ptrace_exit(struct task *t)
{
	u64 flags = arch_irq_save();

	struct task *leader = t->group_leader;

	if (t->ptracer)
		unlink_tracee(t);
	if (leader->group_live == 1) { /* the tracer process ends */
		while (leader->ptraced) {
			struct task *u = leader->ptraced;
			bool kill = u->ptrace_options & PTRACE_O_EXITKILL;

			unlink_tracee(u);
			if (kill)
				send_signal(u, SIGKILL, NULL);
		}
	}
	arch_irq_restore(flags);
}

/* may_attach - Linux's ptrace_may_access for attaching: CAP_SYS_PTRACE, or the
 * same user (real, effective and saved uid of the target are the
 * caller's real uid), never one's own process, a zombie, or a task that
 * has a tracer already. */
static int may_attach(struct task *t)
{
	const struct task_cred *c = &current->cred, *tc = &t->cred;

	if (t->tgid == current->tgid || t->state == TASK_ZOMBIE || t->ptracer ||
	    !t->mm)
		return -EPERM;
	if (!capable(CAP_SYS_PTRACE) && (tc->uid != c->uid || tc->euid != c->uid ||
			     tc->suid != c->uid))
		return -EPERM;
	return 0;
}

static long ptrace_traceme(void)
{
	struct task *t = current;

	if (t->ptracer || !t->parent)
		return -EPERM;
	link_tracee(t->parent, t);
	return 0;
}

static long ptrace_attach(int pid)
{
	struct task *t = task_find(pid);
	int err;

	if (!t)
		return -ESRCH;
	err = may_attach(t);
	if (err)
		return err;
	link_tracee(current->group_leader, t);
	send_signal(t, SIGSTOP, NULL); /* its first stop: the tracer waits */
	return 0;
}

/* ---- the tracer's side ---- */

/* The tracee pid of the caller's process, stopped for it (KILL: any
 * state), or NULL. */
static struct task *stopped_tracee(int pid, bool any_state)
{
	struct task *t = task_find(pid);

	if (!t || t->ptracer != current->group_leader)
		return NULL;
	if (!any_state && t->state != TASK_TRACED)
		return NULL;
	return t;
}

/* resume - let tracee t go on (CONT, SYSCALL, SINGLESTEP, DETACH) with
 * signal sig (0: none). */
static long resume(struct task *t, enum ptrace_resume how, bool step, u64 sig)
{
	struct trap_frame *tf = task_user_frame(t);

	if (sig > NSIG)
		return -EIO;
	t->ptrace_resume = how;
	if (step || t->ptrace_step) {
		bool had = arch_ptrace_set_step(tf, step);

		/* Clear only a trap flag the tracer set, not the program's. */
		t->ptrace_step = step && (!had || t->ptrace_step);
	}
	t->ptrace_sig = (int)sig;
	t->ptrace_resumed = true;
	sched_add(t);
	return 0;
}

static long ptrace_detach(struct task *t, u64 sig)
{
	long err = resume(t, PTRACE_RESUME_CONT, false, sig);

	if (!err) {
		u64 flags = arch_irq_save();

		unlink_tracee(t);
		arch_irq_restore(flags);
	}
	return err;
}

/* PEEKTEXT/PEEKDATA: a word of the tracee's memory, stored at data. */
static long peek(struct task *t, u64 addr, u64 data)
{
	u64 word;

	if (mm_copy_from(t->mm, addr, &word, sizeof(word)))
		return -EIO;
	return copy_to_user((void __user *)data, &word, sizeof(word)) ? -EFAULT : 0;
}

/* POKETEXT/POKEDATA: write a word even into read-only private memory (a
 * copy of the page is made, as a write to copy-on-write memory would);
 * a shared mapping must be writable (it would change the file). */
static long poke(struct task *t, u64 addr, u64 word)
{
	struct vm_area_struct *v = vma_lookup(&t->mm->vmas, addr);
	struct vm_area_struct *w = vma_lookup(&t->mm->vmas, addr + sizeof(word) - 1);

	if (!v || !w || !(v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) ||
	    ((v->vm_flags & VM_SHARED) && !(v->vm_flags & VM_WRITE)) ||
	    ((w->vm_flags & VM_SHARED) && !(w->vm_flags & VM_WRITE)))
		return -EIO;
	return mm_copy_to(t->mm, addr, &word, sizeof(word)) ? -EIO : 0;
}

static long get_regs(struct task *t, u64 data)
{
	struct user_regs r;

	arch_ptrace_get_regs(task_user_frame(t), &t->thread, t->ptrace_step, &r);
	return copy_to_user((void __user *)data, &r, sizeof(r)) ? -EFAULT : 0;
}

static long set_regs(struct task *t, u64 data)
{
	struct user_regs r;

	if (copy_from_user(&r, (const void __user *)data, sizeof(r)))
		return -EFAULT;
	return arch_ptrace_set_regs(task_user_frame(t), &t->thread, &r);
}

static long peek_user(struct task *t, u64 addr, u64 data)
{
	u64 value;
	long err = arch_ptrace_peek_user(task_user_frame(t), &t->thread,
					 t->ptrace_step, addr, &value);

	if (err)
		return err;
	return copy_to_user((void __user *)data, &value, sizeof(value)) ? -EFAULT : 0;
}

static long fpregs(struct task *t, u64 data, bool set)
{
	u8 *buf = kmalloc(FPU_STATE_SIZE);
	long err = 0;

	if (!buf)
		return -ENOMEM;
	if (set) {
		if (copy_from_user(buf, (const void __user *)data, FPU_STATE_SIZE))
			err = -EFAULT;
		else
			arch_ptrace_set_fpregs(&t->thread, buf);
	} else {
		arch_ptrace_get_fpregs(&t->thread, buf);
		if (copy_to_user((void __user *)data, buf, FPU_STATE_SIZE))
			err = -EFAULT;
	}
	kfree(buf);
	return err;
}

/* A request on stopped tracee t. */
static long tracee_request(struct task *t, long request, u64 addr, u64 data)
{
	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		return peek(t, addr, data);
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		return poke(t, addr, data);
	case PTRACE_PEEKUSER:
		return peek_user(t, addr, data);
	case PTRACE_POKEUSER:
		return arch_ptrace_poke_user(task_user_frame(t), &t->thread,
					     t->ptrace_step, addr, data);
	case PTRACE_GETREGS:
		return get_regs(t, data);
	case PTRACE_SETREGS:
		return set_regs(t, data);
	case PTRACE_GETFPREGS:
		return fpregs(t, data, false);
	case PTRACE_SETFPREGS:
		return fpregs(t, data, true);
	case PTRACE_GETSIGINFO:
		return copy_to_user((void __user *)data, &t->ptrace_info,
				    sizeof(t->ptrace_info)) ? -EFAULT : 0;
	case PTRACE_SETSIGINFO:
		return copy_from_user(&t->ptrace_info, (const void __user *)data,
				      sizeof(t->ptrace_info)) ? -EFAULT : 0;
	case PTRACE_SETOPTIONS:
		if (data & ~(u64)SUPPORTED_OPTIONS)
			return -EINVAL;
		t->ptrace_options = (u32)data;
		return 0;
	case PTRACE_GETEVENTMSG: {
		u64 zero = 0; /* no fork/clone/exit events: nothing to say */

		return copy_to_user((void __user *)data, &zero, sizeof(zero)) ? -EFAULT : 0;
	}
	case PTRACE_CONT:
		return resume(t, PTRACE_RESUME_CONT, false, data);
	case PTRACE_SYSCALL:
		return resume(t, PTRACE_RESUME_SYSCALL, false, data);
	case PTRACE_SINGLESTEP:
		return resume(t, PTRACE_RESUME_CONT, true, data);
	case PTRACE_DETACH:
		return ptrace_detach(t, data);
	}
	return -EIO;
}

SYSCALL_DEFINE4(ptrace, long, request, long, pid, u64, addr, u64, data)
{
	struct task *t;

	if (request == PTRACE_TRACEME)
		return ptrace_traceme();
	if (request == PTRACE_ATTACH)
		return ptrace_attach((int)pid);
	t = stopped_tracee((int)pid, request == PTRACE_KILL);
	if (!t)
		return -ESRCH;
	if (request == PTRACE_KILL) {
		send_signal(t, SIGKILL, NULL);
		return 0;
	}
	return tracee_request(t, request, addr, data);
}

/* ---- wait ---- */

/* Does tracee t match wait's pid argument (as wait_matches: a thread ID,
 * -1, the caller's group, a group)? */
static bool tracee_matches(const struct task *p, const struct task *t, int pid)
{
	if (pid > 0)
		return t->pid == pid;
	if (pid == -1)
		return true;
	return t->pgid == (pid == 0 ? p->pgid : -pid);
}

struct task *ptrace_waitable(struct task *p, int pid, bool *any)
{
	for (struct task *t = p->ptraced; t; t = t->ptraced_next) {
		if (!tracee_matches(p, t, pid))
			continue;
		*any = true;
		if (t->ptrace_report && t->state == TASK_TRACED)
			return t;
	}
	return NULL;
}

int ptrace_report(struct task *t)
{
	t->ptrace_report = false;
	return W_STOPCODE(t->ptrace_code);
}
