/*
 * kernel/pidfd.h - process file descriptors (kernel/pidfd.c).
 */
#ifndef KERNEL_PIDFD_H
#define KERNEL_PIDFD_H

#include "kernel/types.h"

struct task;

/* pidfd_create - a close-on-exec descriptor of the caller's for the
 * process led by t (flags: O_NONBLOCK or 0): fd or -errno (CLONE_PIDFD,
 * pidfd_open). */
int pidfd_create(struct task *t, u32 flags);
/* pidfd_notify - a process ended or was reaped: pidfd pollers look again. */
void pidfd_notify(void);

#endif
