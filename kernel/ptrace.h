/*
 * kernel/ptrace.h - process tracing (ptrace(2)): a tracer stops a tracee
 * at its system calls and signals, reads and writes its memory and
 * registers, and resumes it (kernel/ptrace.c).
 */
#ifndef KERNEL_PTRACE_H
#define KERNEL_PTRACE_H

#include <vmos/types.h>

struct task;
struct trap_frame;

/* The requests (Linux's numbers). */
#define PTRACE_TRACEME 0
#define PTRACE_PEEKTEXT 1
#define PTRACE_PEEKDATA 2
#define PTRACE_PEEKUSER 3
#define PTRACE_POKETEXT 4
#define PTRACE_POKEDATA 5
#define PTRACE_POKEUSER 6
#define PTRACE_CONT 7
#define PTRACE_KILL 8
#define PTRACE_SINGLESTEP 9
#define PTRACE_GETREGS 12
#define PTRACE_SETREGS 13
#define PTRACE_GETFPREGS 14
#define PTRACE_SETFPREGS 15
#define PTRACE_ATTACH 16
#define PTRACE_DETACH 17
#define PTRACE_SYSCALL 24
#define PTRACE_SETOPTIONS 0x4200
#define PTRACE_GETEVENTMSG 0x4201
#define PTRACE_GETSIGINFO 0x4202
#define PTRACE_SETSIGINFO 0x4203

/* PTRACE_SETOPTIONS: the options vmos implements. */
#define PTRACE_O_TRACESYSGOOD 0x01 /* syscall stops report SIGTRAP | 0x80 */
#define PTRACE_O_TRACEEXEC 0x10    /* an event stop after execve */
#define PTRACE_O_EXITKILL 0x100000 /* SIGKILL the tracees when the tracer exits */
#define PTRACE_EVENT_EXEC 4

/* How a tracer resumed its tracee. */
enum ptrace_resume {
	PTRACE_RESUME_CONT,    /* run until the next signal */
	PTRACE_RESUME_SYSCALL, /* ...or the next system call's entry or exit */
};

/* ptrace_syscall_entry / exit - around every system call of a task traced
 * with PTRACE_SYSCALL: stop and let the tracer look (at entry it may
 * change the call: orig_rax, or -1 to skip it). */
void ptrace_syscall_entry(struct trap_frame *tf);
void ptrace_syscall_exit(struct trap_frame *tf);
/* ptrace_wants_syscalls - does current stop at its system calls? */
bool ptrace_wants_syscalls(void);
/* ptrace_signal - current, traced, is about to act on sig (taken off its
 * pending set): stop so that the tracer sees it (signal-delivery-stop);
 * returns the signal the tracer lets through (0: none). */
int ptrace_signal(int sig);
/* ptrace_exec - a traced current finished execve: SIGTRAP, or an event
 * stop with PTRACE_O_TRACEEXEC. */
void ptrace_exec(void);
/* ptrace_exit - current's thread ends: it leaves its tracer, and if it is
 * the last of a tracer process, its tracees are released. */
void ptrace_exit(struct task *t);
/* ptrace_waitable - a tracee of process p matching wait's pid with a stop
 * to report, or NULL; *any is set if p traces any matching task. */
struct task *ptrace_waitable(struct task *p, int pid, bool *any);
/* ptrace_report - wait4's status for tracee t's stop (reported once). */
int ptrace_report(struct task *t);

#endif
