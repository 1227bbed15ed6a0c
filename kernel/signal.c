/*
 * kernel/signal.c - sending signals, and acting on them on the way back to
 * user mode: the default action (terminate, ignore) or a call to the
 * program's handler on a Linux-compatible signal frame.
 *
 * This file decides what happens; the frame pushed on the user stack for
 * a handler is the architecture's (Linux's x86-64 struct rt_sigframe, in
 * arch/x86_64/signal.c), so musl's sigaction() and SA_SIGINFO handlers work
 * unchanged.
 *
 * Threads: the handlers belong to the process (struct sighand, shared by
 * its threads); each thread has its own blocked mask, pending set and
 * alternate stack.  A signal for the process (kill) is queued for one
 * thread that does not block it; a signal for a thread (a fault, tgkill)
 * for that thread.  A signal whose default action terminates kills the
 * whole process, whichever thread takes it.
 */
#include "kernel/rseq.h"
#include "kernel/capability.h"
#include "kernel/signal.h"
#include "kernel/itimer.h"
#include <vmos/errno.h>
#include "kernel/coredump.h"
#include "kernel/exit.h"
#include <vmos/printk.h>
#include "kernel/ptrace.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include <limits.h>
#include <asm/arch.h>
#include <asm/signal.h>
#include <asm/syscall.h>

void sched_wake_for_signal(struct task *t);

/* Signals that cannot be caught, blocked or ignored. */
#define UNBLOCKABLE (sigmask(SIGKILL) | sigmask(SIGSTOP))

enum sig_default { SIGDFL_TERM, SIGDFL_CORE, SIGDFL_IGNORE, SIGDFL_STOP };

static enum sig_default default_action(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
	case SIGCONT:
		return SIGDFL_IGNORE;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return SIGDFL_STOP;
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return SIGDFL_CORE;
	default:
		return SIGDFL_TERM;
	}
}

bool fatal_signal_pending(const struct task *t)
{
	return t->sig.pending & sigmask(SIGKILL);
}

struct sighand *sighand_alloc(void)
{
	struct sighand *sh = kzalloc(sizeof(*sh)); /* SIG_DFL is 0 */

	if (sh)
		sh->count = 1;
	return sh;
}

void sighand_put(struct sighand *sh)
{
	if (!sh)
		return;
	if (sh->count == 0)
		panic("sighand_put: put once too often");
	if (--sh->count == 0)
		kfree(sh);
}

void signal_use_sighand(struct signal_state *s, struct sighand *sh)
{
	sighand_put(s->sighand);
	s->sighand = sh;
	s->action = sh ? sh->action : NULL;
}

#define STOP_SIGNALS \
	(sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))

/* A signal the kernel itself sends (a fault, SIGPIPE, the tty, killing a
 * group's threads) rather than a process through kill(2), tkill, sigqueue
 * or a timer: Linux's !SI_FROMUSER. */
static bool from_kernel(const struct k_siginfo *info)
{
	return !info || info->si_code > 0;
}

/* sig_unkillable - is t part of init, which gets no signal it has no
 * handler for (Linux's SIGNAL_UNKILLABLE), until a fault signal it cannot
 * handle lifts that (force_sig_fault)? */
static bool sig_unkillable(const struct task *t)
{
	return t->tgid == INIT_PID && !t->group_leader->unkillable_lifted;
}

/* An ignored signal is dropped when sent (unless blocked: the handler may
 * change before it is unblocked), so it never interrupts a sleep.  Init
 * drops every signal it has no handler for, except SIGKILL and SIGSTOP
 * that the kernel itself sends. */
static bool sig_ignored(const struct task *t, int sig,
			const struct k_siginfo *info)
{
	u64 h = t->sig.action[sig - 1].handler;

	if (is_kthread(t))
		return true; /* a kernel thread takes no signal (Linux's) */
	if (sig_unkillable(t) && h == SIG_DFL &&
	    !(from_kernel(info) && (sig == SIGKILL || sig == SIGSTOP)))
		return true;
	if (t->sig.blocked & sigmask(sig))
		return false;
	if (h == SIG_IGN)
		return sig != SIGKILL && sig != SIGSTOP;
	return h == SIG_DFL && default_action(sig) == SIGDFL_IGNORE;
}

/* Take the signals in mask off t's pending set (interrupts off: see
 * send_signal). */
static void clear_pending(struct task *t, ksigset_t mask)
{
	u64 flags = arch_irq_save();

	t->sig.pending &= ~mask;
	arch_irq_restore(flags);
}

/*
 * notify_parent_jobctl - tell the parent of leader's process that it
 * stopped (CLD_STOPPED, status: the stop signal) or continued
 * (CLD_CONTINUED, SIGCONT): SIGCHLD unless the parent asked for none with
 * SA_NOCLDSTOP, and a wake-up for its wait (WUNTRACED, WCONTINUED).
 */
static void notify_parent_jobctl(struct task *leader, int code, int status)
{
	struct task *parent = leader->parent;
	struct k_siginfo info = { .si_signo = SIGCHLD, .si_code = code };

	if (!parent)
		return;
	info.f.child.pid = leader->pid;
	info.f.child.uid = leader->cred.uid;
	info.f.child.status = status;
	if (!(parent->sig.action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		send_group_signal(parent, SIGCHLD, &info);
	wake_up(&parent->child_exit);
}

/*
 * prepare_signal - what sending sig does to t's whole process at once,
 * even if sig is then ignored (Linux's prepare_signal): a stop signal
 * cancels a pending SIGCONT; SIGCONT cancels pending stop signals and
 * resumes a stopped process, whose parent is told.
 */
static void prepare_signal(struct task *t, int sig)
{
	struct task *leader = t->group_leader;

	if (sigmask(sig) & STOP_SIGNALS) {
		for_each_thread(t, u)
			clear_pending(u, sigmask(SIGCONT));
	} else if (sig == SIGCONT) {
		for_each_thread(t, u)
			clear_pending(u, STOP_SIGNALS);
		if (leader->group_stop_sig) {
			leader->group_stop_sig = 0;
			leader->jobctl_report = JOBCTL_CONTINUED;
			for_each_thread(t, u)
				if (u->state == TASK_STOPPED)
					sched_add(u);
			notify_parent_jobctl(leader, CLD_CONTINUED, SIGCONT);
		}
	}
}

/*
 * send_signal - may run in an interrupt handler (the tty's ^C), so the
 * pending set is only changed with interrupts off, here and in
 * take_pending().
 */
void send_signal(struct task *t, int sig, const struct k_siginfo *info)
{
	struct k_siginfo *slot;
	u64 flags;

	if (sig < 1 || sig > NSIG || t->state == TASK_ZOMBIE)
		return;
	flags = arch_irq_save();
	prepare_signal(t, sig);
	if (sig_ignored(t, sig, info)) {
		arch_irq_restore(flags);
		return;
	}
	slot = &t->sig.info[sig - 1];
	if (info) {
		*slot = *info;
	} else {
		memset(slot, 0, sizeof(*slot));
		slot->si_code = SI_KERNEL;
	}
	slot->si_signo = sig;
	t->sig.pending |= sigmask(sig);
	if (sig == SIGKILL && (t->state == TASK_STOPPED || t->state == TASK_TRACED))
		sched_add(t); /* SIGKILL ends a stopped or traced process too */
	else if (sig == SIGKILL || !(t->sig.blocked & sigmask(sig)))
		sched_wake_for_signal(t);
	arch_irq_restore(flags);
}

/*
 * force_sig_fault - the signal of a fault current caused (SIGSEGV, SIGBUS,
 * SIGILL, SIGFPE, SIGTRAP), as Linux's force_sig_info_to_task: the
 * instruction would fault again if the program went on, so a signal it
 * blocks or ignores is unblocked and reset to its default action (the
 * process dies of it), and a handler that faults while its own signal is
 * blocked kills it too.  Init loses its protection for this signal.
 */
void force_sig_fault(int sig, const struct k_siginfo *info)
{
	struct task *t = current;
	struct k_sigaction *ka = &t->sig.action[sig - 1];
	u64 flags = arch_irq_save();

	if ((t->sig.blocked & sigmask(sig)) || ka->handler == SIG_IGN) {
		ka->handler = SIG_DFL;
		t->sig.blocked &= ~sigmask(sig);
	}
	if (ka->handler == SIG_DFL)
		t->group_leader->unkillable_lifted = true;
	send_signal(t, sig, info);
	arch_irq_restore(flags);
}

/* fault_signal_fatal - would force_sig_fault(sig) kill current?  (Then
 * the kernel explains the fault on the console.)  Not if it is traced: the
 * tracer decides (Linux's unhandled_signal). */
bool fault_signal_fatal(int sig)
{
	const struct task *t = current;

	if (t->ptracer)
		return false;
	return t->sig.action[sig - 1].handler == SIG_DFL ||
	       t->sig.action[sig - 1].handler == SIG_IGN ||
	       (t->sig.blocked & sigmask(sig));
}

/* Can thread t take sig now: alive and not blocking it? */
static bool wants_signal(const struct task *t, int sig)
{
	return t->state != TASK_ZOMBIE &&
	       (sig == SIGKILL || !(t->sig.blocked & sigmask(sig)));
}

/* The thread of t's group to queue a process-directed sig for: t if it
 * wants it, else another that does, else any live one (NULL: none left). */
static struct task *pick_thread(struct task *t, int sig)
{
	struct task *live = t->state != TASK_ZOMBIE ? t : NULL;

	if (wants_signal(t, sig))
		return t;
	for_each_thread(t, u) {
		if (wants_signal(u, sig))
			return u;
		if (!live && u->state != TASK_ZOMBIE)
			live = u;
	}
	return live;
}

void send_group_signal(struct task *t, int sig, const struct k_siginfo *info)
{
	u64 flags = arch_irq_save(); /* pick and queue in one step */
	struct task *target = pick_thread(t, sig);

	if (target)
		send_signal(target, sig, info);
	arch_irq_restore(flags);
}

/*
 * take_pending - take sig off t's pending set, with a copy of its siginfo
 * made in the same breath (interrupts off).  The copy is what the handler
 * gets: once sig is not pending, a timer interrupt may queue it again and
 * overwrite t->sig.info[sig - 1] while the frame is being written (which
 * can fault, with interrupts on); the handler then saw the new signal's
 * si_overrun (0), and the timer test failed in CI.
 */
static struct k_siginfo take_pending(struct task *t, int sig)
{
	u64 flags = arch_irq_save();
	struct k_siginfo info;

	/* A timer's signal counts the periods that ended up to now, not up
	 * to the last tick (Linux's posixtimer_rearm(), at dequeue). */
	if (t->sig.info[sig - 1].si_code == SI_TIMER)
		posix_timer_catch_up(&t->sig.info[sig - 1]);
	info = t->sig.info[sig - 1];

	t->sig.pending &= ~sigmask(sig);
	arch_irq_restore(flags);
	return info;
}

/* pending_info - a copy of the siginfo waiting in t's slot for sig. */
static struct k_siginfo pending_info(struct task *t, int sig)
{
	u64 flags = arch_irq_save();
	struct k_siginfo info = t->sig.info[sig - 1];

	arch_irq_restore(flags);
	return info;
}

void signal_reset_on_exec(struct signal_state *s)
{
	for (int i = 0; i < NSIG; i++)
		if (s->action[i].handler != SIG_IGN)
			memset(&s->action[i], 0, sizeof(s->action[i]));
	s->altstack = (struct k_stack){ .ss_flags = SS_DISABLE };
}

static bool on_altstack(const struct signal_state *s, u64 sp)
{
	return !(s->altstack.ss_flags & SS_DISABLE) && sp > s->altstack.ss_sp &&
	       sp <= s->altstack.ss_sp + s->altstack.ss_size;
}

/*
 * setup_frame - a handler frame for sig: on the alternate stack if the
 * handler asked for it (SA_ONSTACK) and is not already on it, else below
 * the red zone of the interrupted stack.  false if the stack (or the
 * handler address) is unusable.
 */
static bool setup_frame(struct trap_frame *tf, int sig,
			const struct k_sigaction *ka, const struct k_siginfo *info)
{
	struct task *t = current;
	u64 user_sp = frame_user_sp(tf), sp = user_sp - ARCH_STACK_RED_ZONE;
	struct sigframe_info fi = {
		.ka = ka,
		.info = info,
		/* After rt_sigsuspend, the handler returns to the mask from
		 * before it. */
		.mask = t->sig.restore_blocked ? t->sig.saved_blocked
					       : t->sig.blocked,
		.uc_stack = t->sig.altstack,
	};

	if ((ka->flags & SA_ONSTACK) && !(t->sig.altstack.ss_flags & SS_DISABLE) &&
	    !on_altstack(&t->sig, user_sp))
		sp = t->sig.altstack.ss_sp + t->sig.altstack.ss_size;
	if (on_altstack(&t->sig, user_sp))
		fi.uc_stack.ss_flags = SS_ONSTACK;
	return arch_signal_frame_setup(tf, sp, sig, &fi, &t->thread);
}

/*
 * A system call interrupted by a signal returned -ERESTARTSYS (or
 * -ERESTARTNOHAND: poll and select).  If no handler runs, or a handler
 * installed with SA_RESTART runs after -ERESTARTSYS, the call is made
 * again when the task returns to user mode (rip back on the syscall
 * instruction, rax = the call's number); otherwise it fails with -EINTR.
 */
static void fix_interrupted_syscall(struct trap_frame *tf,
				    const struct k_sigaction *ka)
{
	s64 r = syscall_get_return(tf);

	if (!syscall_restartable(tf) || (r != -ERESTARTSYS && r != -ERESTARTNOHAND))
		return;
	if (ka && (r == -ERESTARTNOHAND || !(ka->flags & SA_RESTART))) {
		syscall_set_return(tf, -EINTR);
		return;
	}
	syscall_restart(tf);
}

/* restart_nointr - a call that returned -ERESTARTNOINTR (FUTEX_LOCK_PI,
 * FUTEX_WAIT_REQUEUE_PI) is made again whether a handler runs or not. */
static void restart_nointr(struct trap_frame *tf)
{
	if (syscall_frame(tf) && syscall_get_return(tf) == -ERESTARTNOINTR) {
		syscall_set_return(tf, -ERESTARTSYS);
		fix_interrupted_syscall(tf, NULL);
		if (syscall_get_return(tf) == -ERESTARTSYS) /* not restartable */
			syscall_set_return(tf, -ERESTARTNOINTR);
	}
}

bool pgrp_orphaned(int pgid, int sid)
{
	for (struct task *t = task_first(); t; t = t->all_next) {
		struct task *p = t->parent;

		/* A parent that is init does not count (Linux's
		 * will_become_orphaned_pgrp): init resumes nobody. */
		if (t->pgid != pgid || !thread_group_leader(t) ||
		    t->state == TASK_ZOMBIE || !p || p->tgid == INIT_PID)
			continue;
		if (p->pgid != pgid && p->sid == sid)
			return false;
	}
	return true;
}

/*
 * do_signal_stop - stop current's whole process with sig (job control):
 * the first thread to get here marks the process stopped, tells the
 * parent and interrupts the other threads' sleeps so that they stop too
 * on their way back to user mode; each thread then waits in TASK_STOPPED
 * until SIGCONT (prepare_signal) or SIGKILL wakes it.
 */
static void do_signal_stop(int sig)
{
	struct task *t = current, *leader = t->group_leader;
	u64 flags = arch_irq_save();

	if (!leader->group_stop_sig && sig && !leader->group_exiting) {
		leader->group_stop_sig = sig;
		leader->jobctl_report = JOBCTL_STOPPED;
		for_each_thread(t, u)
			if (u != t)
				sched_wake_for_signal(u);
		notify_parent_jobctl(leader, CLD_STOPPED, sig);
	}
	while (leader->group_stop_sig && !fatal_signal_pending(t)) {
		t->state = TASK_STOPPED;
		schedule();
	}
	arch_irq_restore(flags);
}

__noreturn void do_coredump_exit(int sig, const struct k_siginfo *info)
{
	do_group_exit(do_coredump(sig, info) ? sig | WCOREFLAG : sig);
}

/* Messages about signal frames a program broke, rate-limited. */
static struct ratelimit frame_messages = RATELIMIT_INIT("signal frame");

/* Act on one signal, taken off the pending set with its siginfo: returns
 * true if a handler frame was set up. */
static bool handle_one(struct trap_frame *tf, int sig, const struct k_siginfo *info)
{
	struct task *t = current;
	struct k_sigaction *ka = &t->sig.action[sig - 1];

	if (ka->handler == SIG_IGN)
		return false;
	if (ka->handler == SIG_DFL) {
		if (sig_unkillable(t) && sig != SIGKILL && sig != SIGSTOP)
			return false; /* init: queued before its handler went */
		switch (default_action(sig)) {
		case SIGDFL_IGNORE:
			return false;
		case SIGDFL_STOP:
			/* The terminal's stop signals do nothing to an
			 * orphaned process group (POSIX). */
			if (sig == SIGSTOP || !pgrp_orphaned(t->pgid, t->sid))
				do_signal_stop(sig);
			return false;
		case SIGDFL_CORE: /* the whole process dies (Linux) */
			do_coredump_exit(sig, info);
		case SIGDFL_TERM:
			do_group_exit(sig);
		}
	}
	restart_nointr(tf);
	fix_interrupted_syscall(tf, ka);
	rseq_signal_deliver(tf, sig); /* an interrupted section resumes at its abort */
	if (!setup_frame(tf, sig, ka, info)) {
		if (printk_ratelimit(&frame_messages))
			printk(KERN_INFO "%s[%d]: cannot deliver signal %d: bad stack "
			       "0x%lx or handler 0x%lx; killed by SIGSEGV\n", t->comm,
			       t->pid, sig, frame_user_sp(tf), ka->handler);
		do_coredump_exit(SIGSEGV, NULL);
	}
	if (!(ka->flags & SA_NODEFER))
		t->sig.blocked |= sigmask(sig);
	t->sig.blocked |= ka->mask;
	t->sig.blocked &= ~UNBLOCKABLE;
	if (ka->flags & SA_RESETHAND)
		ka->handler = SIG_DFL;
	t->sig.restore_blocked = false; /* the frame holds the old mask */
	return true;
}

void signal_deliver(struct trap_frame *tf)
{
	struct task *t = current;
	struct k_siginfo info;

	while (signal_pending(t)) {
		ksigset_t ready = t->sig.pending & ~t->sig.blocked;
		int sig;

		if (sigmask(SIGKILL) & ready) {
			sig = SIGKILL;
		} else if (group_stop_pending(t)) {
			do_signal_stop(0); /* another thread stopped the process */
			continue;
		} else {
			sig = __builtin_ctzll(ready) + 1;
		}
		info = take_pending(t, sig);
		/* A tracer sees every signal but SIGKILL first, and decides. */
		if (t->ptracer && sig != SIGKILL) {
			if (!(sig = ptrace_signal(sig)))
				continue;
			info = pending_info(t, sig); /* what the tracer chose */
		}
		if (handle_one(tf, sig, &info))
			return; /* one handler frame at a time */
	}
	restart_nointr(tf);
	fix_interrupted_syscall(tf, NULL); /* no handler ran: restart */
	if (t->sig.restore_blocked) { /* rt_sigsuspend, and no handler ran */
		t->sig.blocked = t->sig.saved_blocked;
		t->sig.restore_blocked = false;
	}
}

/* Sleep until a signal is pending (pause, sigsuspend). */
static void sleep_until_signal(void)
{
	u64 flags = arch_irq_save();

	while (!signal_pending(current)) {
		current->state = TASK_SLEEPING;
		schedule();
	}
	arch_irq_restore(flags);
}

SYSCALL_DEFINE0(pause)
{
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

/* rt_sigsuspend: wait for a signal with a temporary mask; the old mask
 * comes back once the signal is handled (see setup_frame). */
SYSCALL_DEFINE2(rt_sigsuspend, const ksigset_t __user *, mask, size_t, sigsetsize)
{
	struct task *t = current;
	ksigset_t m;

	if (sigsetsize != sizeof(ksigset_t))
		return -EINVAL;
	if (copy_from_user(&m, mask, sizeof(m)))
		return -EFAULT;
	t->sig.saved_blocked = t->sig.blocked;
	t->sig.restore_blocked = true;
	t->sig.blocked = m & ~UNBLOCKABLE;
	sleep_until_signal();
	return -EINTR;
}

/* ---- system calls ---- */

SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct k_sigaction __user *, act,
		struct k_sigaction __user *, oact, size_t, sigsetsize)
{
	struct k_sigaction k;
	struct task *t = current;

	if (sigsetsize != sizeof(ksigset_t) || sig < 1 || sig > NSIG)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (oact && copy_to_user(oact, &t->sig.action[sig - 1], sizeof(k)))
		return -EFAULT;
	if (act) {
		if (copy_from_user(&k, act, sizeof(k)))
			return -EFAULT;
		k.mask &= ~UNBLOCKABLE;
		t->sig.action[sig - 1] = k; /* for every thread of the process */
		if (k.handler == SIG_IGN)
			for_each_thread(t, u)
				take_pending(u, sig);
	}
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const ksigset_t __user *, set,
		ksigset_t __user *, oset, size_t, sigsetsize)
{
	struct task *t = current;
	ksigset_t s, old = t->sig.blocked;

	if (sigsetsize != sizeof(ksigset_t))
		return -EINVAL;
	if (set) {
		if (copy_from_user(&s, set, sizeof(s)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:
			t->sig.blocked |= s;
			break;
		case SIG_UNBLOCK:
			t->sig.blocked &= ~s;
			break;
		case SIG_SETMASK:
			t->sig.blocked = s;
			break;
		default:
			return -EINVAL;
		}
		t->sig.blocked &= ~UNBLOCKABLE;
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, ksigset_t __user *, set, size_t, sigsetsize)
{
	ksigset_t p = current->sig.pending & current->sig.blocked;

	if (sigsetsize != sizeof(ksigset_t))
		return -EINVAL;
	return copy_to_user(set, &p, sizeof(p)) ? -EFAULT : 0;
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct task *t = current;
	struct trap_frame *tf = task_user_frame(t);
	ksigset_t mask;

	if (arch_signal_frame_restore(tf, &mask, &t->thread)) {
		if (printk_ratelimit(&frame_messages))
			printk(KERN_INFO "%s[%d]: bad signal frame near 0x%lx; "
			       "killed by SIGSEGV\n", t->comm, t->pid,
			       frame_user_sp(tf));
		do_coredump_exit(SIGSEGV, NULL);
	}
	t->sig.blocked = mask & ~UNBLOCKABLE;
	/* syscall_dispatch stores the return value in rax: give back the
	 * interrupted code's rax. */
	return syscall_get_return(tf);
}

SYSCALL_DEFINE2(sigaltstack, const struct k_stack __user *, ss,
		struct k_stack __user *, oss)
{
	struct task *t = current;
	struct k_stack k, old = t->sig.altstack;

	if (on_altstack(&t->sig, frame_user_sp(task_user_frame(t))))
		old.ss_flags = SS_ONSTACK;
	if (ss) {
		if (on_altstack(&t->sig, frame_user_sp(task_user_frame(t))))
			return -EPERM;
		if (copy_from_user(&k, ss, sizeof(k)))
			return -EFAULT;
		if (k.ss_flags & ~SS_DISABLE)
			return -EINVAL;
		if (!(k.ss_flags & SS_DISABLE) && k.ss_size < MINSIGSTKSZ)
			return -ENOMEM;
		t->sig.altstack = k;
	}
	if (oss && copy_to_user(oss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/*
 * may_signal - may the caller send sig to t?  Linux's rule: CAP_KILL, or the
 * caller's real or effective uid is the target's real or saved uid; and
 * SIGCONT to anyone in the caller's session.  Else -EPERM.
 */
static int may_signal(const struct task *t, int sig)
{
	const struct task_cred *c = &current->cred, *tc = &t->cred;

	if (capable(CAP_KILL) || c->euid == tc->uid || c->euid == tc->suid ||
	    c->uid == tc->uid || c->uid == tc->suid)
		return 0;
	return sig == SIGCONT && t->sid == current->sid ? 0 : -EPERM;
}

/* Send sig to one thread, as the user asked (tgkill, tkill). */
static int kill_one(struct task *t, int sig, int code)
{
	struct k_siginfo info = { .si_signo = sig, .si_code = code };
	int err = may_signal(t, sig);

	if (err || t->state == TASK_ZOMBIE)
		return err;
	if (sig == 0)
		return 0; /* only checks that the target exists */
	info.f.kill.pid = current->tgid;
	send_signal(t, sig, &info);
	return 0;
}

int group_send_sig_info(int sig, const struct k_siginfo *info, struct task *t)
{
	int err;

	if (!process_alive(t))
		return -ESRCH;
	err = may_signal(t, sig);
	if (err || sig == 0)
		return err; /* sig 0 only checks that the target exists */
	send_group_signal(t, sig, info);
	return 0;
}

/* Send sig to the process t belongs to (kill): -ESRCH if it has ended. */
static int kill_process(struct task *t, int sig)
{
	struct k_siginfo info = { .si_signo = sig, .si_code = SI_USER };

	info.f.kill.pid = current->tgid;
	return group_send_sig_info(sig, &info, t);
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	int found = 0, tried = 0, err = 0;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) { /* a process, or any thread of it (as Linux) */
		struct task *t = task_find(pid);

		return t ? kill_process(t, sig) : -ESRCH;
	}
	if (pid == INT_MIN)
		return -ESRCH; /* no group -INT_MIN (as Linux; found by sysfuzz) */
	/* 0: my process group; -1: everyone but init and me; < -1: group
	 * -pid.  Processes are named by their leaders.  As Linux: a group
	 * none of which could be signalled gives the last error (-EPERM);
	 * -1 succeeds once there was anyone to try. */
	for (struct task *t = task_first(); t; t = t->all_next) {
		bool hit = pid == 0    ? t->pgid == current->pgid
			   : pid == -1 ? t->pid > INIT_PID && t->tgid != current->tgid
				       : t->pgid == -pid;

		if (!hit || !thread_group_leader(t) || t->pid <= 0)
			continue;
		err = kill_process(t, sig);
		if (err == -ESRCH)
			continue; /* a zombie: not there any more */
		tried++;
		if (!err)
			found++;
	}
	if (!tried)
		return -ESRCH;
	return found || pid == -1 ? 0 : err;
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	struct task *t = task_find(tid);

	if (sig < 0 || sig > NSIG || tid <= 0 || tgid <= 0)
		return -EINVAL;
	if (!t || t->tgid != tgid || t->state == TASK_ZOMBIE)
		return -ESRCH;
	return kill_one(t, sig, SI_TKILL);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	struct task *t = task_find(tid);

	if (sig < 0 || sig > NSIG || tid <= 0)
		return -EINVAL;
	if (!t || t->state == TASK_ZOMBIE)
		return -ESRCH;
	return kill_one(t, sig, SI_TKILL);
}
