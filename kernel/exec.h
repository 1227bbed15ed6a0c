/*
 * kernel/exec.h - starting programs.
 */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

/* kernel_execve - execve from inside the kernel (for init): 0 or -errno.
 * On success, current runs the program when it returns to user mode. */
int kernel_execve(const char *path, const char *const argv[],
		  const char *const envp[]);

#endif
