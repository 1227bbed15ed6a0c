/*
 * kernel/rlimit.h - resource limits (getrlimit/setrlimit/prlimit64),
 * Linux's numbering.
 */
#ifndef KERNEL_RLIMIT_H
#define KERNEL_RLIMIT_H

#include <vmos/types.h>

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12 /* bytes of POSIX message queues (ipc/mqueue.c) */
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ull)

/* rlimit_init_defaults - Linux's defaults: 8 MiB stack, 1024 files... */
void rlimit_init_defaults(u64 lim[RLIM_NLIMITS][2]);

#endif
