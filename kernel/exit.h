/*
 * kernel/exit.h - ending a process, and the wait status its parent reads.
 *
 * Wait status, as Linux's wait4 encodes it: exit(n) gives n << 8; death by
 * signal s gives s, with WCOREFLAG (0x80) for signals whose default action
 * dumps core.  A child stopped by signal s (job control) is reported as
 * (s << 8) | 0x7f, and one resumed by SIGCONT as 0xffff.
 */
#ifndef KERNEL_EXIT_H
#define KERNEL_EXIT_H

#include <vmos/types.h>

#define WCOREFLAG 0x80
#define W_EXITCODE(code) (((code) & 0xff) << 8)
#define W_STOPCODE(sig) (((sig) << 8) | 0x7f) /* stopped by sig */
#define W_CONTINUED 0xffff                     /* resumed by SIGCONT */
#define WNOHANG 1
#define WUNTRACED 2
#define WSTOPPED WUNTRACED /* waitid's name for it */
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000 /* waitid: report, but leave the child a zombie */
#define __WALL 0x40000000
#define __WCLONE 0x80000000

/* waitid's idtype: which children id names */
#define P_ALL 0
#define P_PID 1
#define P_PGID 2

/* do_exit - end the current thread (exit); the last thread of a process
 * ends the process with this wait status.  Never returns. */
__noreturn void do_exit(int wait_status);
/* coredump_wait - (kernel/coredump.c) the current process starts to die
 * of the core-dumping signal sig: its other threads are told to exit and the
 * caller sleeps until they have (Linux's coredump_wait), so its memory
 * holds still.  The process counts as exiting from here (a later
 * do_group_exit() by anyone takes its status).  false, and nothing
 * changed, if it already was exiting; false if a SIGKILL cut the wait
 * short.  Call with interrupts disabled. */
bool coredump_wait(int sig);
/* coredump_finish - a core file was written (dumped): the process's wait
 * status gets WCOREFLAG, as Linux's coredump_finish. */
void coredump_finish(bool dumped);

/* do_group_exit - end every thread of the current process (exit_group, a
 * fatal signal); the process ends with this wait status. */
__noreturn void do_group_exit(int wait_status);
/*
 * exec_kill_other_threads - execve's first step past the point of no
 * return (Linux's de_thread): end the caller's other threads and wait until
 * they are gone; a caller that is not the group leader takes the leader's
 * place (and PID).  Also gives the process handlers of its own if another
 * process shared them, and forgets clear_child_tid (written and woken in
 * the old memory, which must still be current).  Returns 0; -EINTR if the
 * process is being killed meanwhile (or already is: another thread's
 * exit_group or execve), with SIGKILL pending; -ENOMEM (with nothing
 * changed) if handlers shared with another process cannot be copied.
 */
int exec_kill_other_threads(void);

struct task;
struct mm;
/* rusage_note_mm - t's process leaves address space mm (exec, exit): keep
 * its peak resident set in the process's ru.maxrss_kb. */
void rusage_note_mm(struct task *t, const struct mm *mm);
/* task_maxrss_kb - getrusage(RUSAGE_SELF)'s ru_maxrss for t: the peak
 * resident set in kB of its process, the current image included. */
u64 task_maxrss_kb(const struct task *t);

#endif
