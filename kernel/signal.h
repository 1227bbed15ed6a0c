/*
 * kernel/signal.h - signals: Linux's numbers, its x86-64 structures, and
 * the per-task signal state.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <vmos/types.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 64

#define SIG_DFL 0ul
#define SIG_IGN 1ul

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_RESTORER 0x04000000

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* si_code values */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TIMER (-2) /* a POSIX timer (kernel/posix_timers.c) */
#define TRAP_TRACE 2 /* SIGTRAP: a single step */
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1  /* SIGBUS: a misaligned access (#AC) */
#define BUS_ADRERR 2
#define FPE_INTDIV 1  /* SIGFPE: integer division by zero */
#define ILL_ILLOPN 2  /* SIGILL: an illegal operand (#UD, as Linux reports it) */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048

/* A set of signals: bit (sig - 1). */
typedef u64 ksigset_t;
#define sigmask(sig) (1ull << ((sig) - 1))

/* struct sigaction as rt_sigaction passes it on x86-64. */
struct k_sigaction {
	u64 handler;  /* SIG_DFL, SIG_IGN or a function */
	u64 flags;    /* SA_* */
	u64 restorer; /* where the handler returns: calls rt_sigreturn */
	ksigset_t mask;
};

/* siginfo_t: 128 bytes; the fields we fill. */
struct k_siginfo {
	s32 si_signo;
	s32 si_errno;
	s32 si_code;
	s32 pad0;
	union {
		struct { s32 pid; u32 uid; } kill;
		struct { u64 addr; } fault;
		struct { s32 pid; u32 uid; s32 status; s32 pad; u64 utime, stime; } child;
		u8 raw[112];
	} f;
};

struct k_stack {
	u64 ss_sp;
	s32 ss_flags;
	s32 pad;
	u64 ss_size;
};

/* sigframe_info - what the handler's ucontext_t records besides the
 * registers; the architecture's frame code (asm/signal.h) writes it. */
struct sigframe_info {
	const struct k_sigaction *ka;
	const struct k_siginfo *info;
	ksigset_t mask;          /* restored by rt_sigreturn */
	struct k_stack uc_stack; /* the sigaltstack as the handler sees it */
};

/*
 * The handlers: one table per process, shared by its threads (clone with
 * CLONE_SIGHAND), freed with the last task that uses it.  What a thread
 * blocks, has pending, and its alternate stack stay its own (below).
 */
struct sighand {
	u32 count;                     /* tasks using this table */
	struct k_sigaction action[NSIG];
};

/* A task's signal state. */
struct signal_state {
	ksigset_t pending;
	ksigset_t blocked;
	struct sighand *sighand;     /* the handlers (maybe shared) */
	struct k_sigaction *action;  /* == sighand->action: action[sig - 1] */
	struct k_siginfo info[NSIG]; /* for each pending signal */
	struct k_stack altstack;
	ksigset_t saved_blocked;     /* rt_sigsuspend: the mask to go back to */
	bool restore_blocked;        /* ...once the signal has been handled */
	char fault_reason[160];      /* why the kernel sent SIGSEGV/SIGBUS */
};

struct task;
struct trap_frame;

/* send_signal - queue sig for thread t itself (info may be NULL:
 * SI_KERNEL): a fault, tgkill, SIGPIPE. */
void send_signal(struct task *t, int sig, const struct k_siginfo *info);
/* send_group_signal - sig for the process t belongs to (kill, SIGCHLD):
 * queued for t if it does not block sig, else for another thread of the
 * group that does not, else for t (it waits there until unblocked). */
void send_group_signal(struct task *t, int sig, const struct k_siginfo *info);
/* group_send_sig_info - sig with info for t's process, as kill(2) sends
 * it: -ESRCH if the process has ended, -EPERM if the caller may not
 * signal it; sig 0 only checks. */
int group_send_sig_info(int sig, const struct k_siginfo *info, struct task *t);
/* force_sig_fault - the signal for a fault current caused: unblocked and
 * reset to its default action if the program blocks or ignores it, so
 * that a fault can never be retried forever (Linux's force_sig_fault). */
void force_sig_fault(int sig, const struct k_siginfo *info);
/* pgrp_orphaned - is process group pgid of session sid orphaned: no
 * member has a parent other than init in another group of the same
 * session (POSIX, Linux), so nobody would resume it after a terminal stop
 * signal? */
bool pgrp_orphaned(int pgid, int sid);
/* fault_signal_fatal - would force_sig_fault(sig) kill current? */
bool fault_signal_fatal(int sig);
/* signal_pending(t) is inline in kernel/task.h: every return to user
 * mode asks it. */
/* fatal_signal_pending - is SIGKILL pending for t (it is about to die)? */
bool fatal_signal_pending(const struct task *t);

/* sighand_alloc - a table with every signal SIG_DFL, used once; NULL when
 * out of memory. */
struct sighand *sighand_alloc(void);
/* sighand_put - drop one use of sh (may be NULL); the last frees it. */
void sighand_put(struct sighand *sh);
/* signal_use_sighand - s uses table sh from now on (the caller's reference
 * goes to s; s's previous table, if any, is put). */
void signal_use_sighand(struct signal_state *s, struct sighand *sh);
/* signal_deliver - on the way back to user mode: act on pending signals
 * (run the default action or set up a handler frame in tf). */
void signal_deliver(struct trap_frame *tf);
/* do_coredump_exit - the current process dies of sig, whose default
 * action dumps core (info: why, or NULL): a core file if RLIMIT_CORE
 * allows (kernel/coredump.c), then every thread exits with status sig,
 * with WCOREFLAG only if the core was written, as on Linux. */
__noreturn void do_coredump_exit(int sig, const struct k_siginfo *info);
/* signal_reset_on_exec - handlers back to SIG_DFL (ignored ones stay). */
void signal_reset_on_exec(struct signal_state *s);

#endif
