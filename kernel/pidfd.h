/*
 * kernel/pidfd.h - process file descriptors (kernel/pidfd.c).
 */
#ifndef KERNEL_PIDFD_H
#define KERNEL_PIDFD_H

#include <vmos/types.h>

struct task;

/* pidfd_create - a close-on-exec descriptor of the caller's for the
 * process led by t (flags: O_NONBLOCK or 0): fd or -errno (CLONE_PIDFD,
 * pidfd_open). */
int pidfd_create(struct task *t, u32 flags);
/* pidfd_prepare / pidfd_bind - pidfd_create() in two steps, for
 * CLONE_PIDFD, which needs the descriptor before the child exists: a
 * descriptor naming no process yet (and in *fp, a reference for the
 * caller), then the process it names, which drops that reference (t
 * NULL: the clone failed, descriptor fd is closed). */
struct file;
int pidfd_prepare(u32 flags, struct file **fp);
void pidfd_bind(struct file *f, int fd, struct task *t);
/* pidfd_notify - a process ended or was reaped: pidfd pollers look again. */
void pidfd_notify(void);

#endif
