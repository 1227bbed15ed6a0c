/*
 * kernel/coredump.h - core files (Linux's fs/coredump.c): a process killed
 * by a signal whose default action is "core" (SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGABRT, SIGQUIT, SIGTRAP, SIGSYS, SIGXCPU, SIGXFSZ) leaves an
 * ELF image of its memory and registers (kernel/elfcore.h) in its current
 * directory, for `gdb PROGRAM core`, when its RLIMIT_CORE allows one
 * (`ulimit -c unlimited`; the default, 0, writes none).
 */
#ifndef KERNEL_COREDUMP_H
#define KERNEL_COREDUMP_H

#include <vmos/types.h>

struct task;
struct k_siginfo;

#define CORENAME_MAX_SIZE 128

/* /proc/sys/kernel/core_pattern: the file's name, "core" by default; %p
 * is the PID, %e the program's name, %s the signal, %% a '%'.  A pattern
 * starting with '|' (a pipe to a helper) is not supported: no core. */
extern char core_pattern[CORENAME_MAX_SIZE];
/* /proc/sys/kernel/core_uses_pid: 1 appends ".PID" to a pattern without
 * %p ("core.42"). */
extern u64 core_uses_pid;

/*
 * do_coredump - the current process dies of sig (info: why, or NULL),
 * caught on its way back to user mode: end its other threads,
 * recording their registers (coredump_wait), and write the core file.
 * Returns true if a core file was written: the wait status then has
 * WCOREFLAG.  Nothing is written when RLIMIT_CORE is below a page, the
 * file cannot be created (no permission, a read-only file system...), or
 * another thread is already ending the process; a core that outgrows
 * RLIMIT_CORE or RLIMIT_FSIZE is cut there and still counts, as on Linux
 * 6.1; one that a SIGKILL interrupts does not.  The caller goes on to
 * do_group_exit().
 */
bool do_coredump(int sig, const struct k_siginfo *info);

/* coredump_task_exit - do_exit's hook: a thread t of a process being
 * dumped records its registers before it goes (Linux's
 * coredump_task_exit). */
void coredump_task_exit(struct task *t);

#endif
