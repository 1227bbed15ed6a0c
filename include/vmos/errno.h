/*
 * include/vmos/errno.h - Linux's error numbers (asm-generic/errno-base.h values),
 * returned negated by kernel functions and system calls.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EPIPE 32
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define ELIBBAD 80
#define EOPNOTSUPP 95

/* Kernel-internal: never seen by user programs (Linux's values). */
#define ERESTARTSYS 512 /* interrupted by a signal: restart if SA_RESTART */
#define ERESTARTNOINTR 513 /* always restart (FUTEX_LOCK_PI) */
#define ERESTARTNOHAND 514 /* restart only if no handler ran (poll, select) */

/* Added for the file system (Linux's values). */
#define ENOTBLK 15
#define EXDEV 18
#define ETXTBSY 26
#define EMLINK 31

/* Added for futexes (Linux's values). */
#define ETIMEDOUT 110
#define EDEADLK 35
#define EOWNERDEAD 130

/* Added for mmap: an offset past the largest file offset (Linux's value). */
#define EOVERFLOW 75

#endif
