/*
 * kernel/rseq.h - restartable sequences (kernel/rseq.c): the hooks the
 * scheduler, signal delivery, the way back to user mode, fork and execve
 * call.
 */
#ifndef KERNEL_RSEQ_H
#define KERNEL_RSEQ_H

#include <vmos/types.h>

struct task;
struct trap_frame;

/* rseq_handle_notify_resume - on the way to user mode when
 * current->rseq_notify is set: abort a critical section that was
 * interrupted (rip to its abort_ip) and write cpu_id; an unusable area or
 * descriptor raises SIGSEGV (death if sig, the signal being delivered, is
 * SIGSEGV; 0 for none). */
void rseq_handle_notify_resume(struct trap_frame *tf, int sig);
/* rseq_preempt - t (which has an area) was switched away from. */
void rseq_preempt(struct task *t);
/* rseq_signal_deliver - a handler for sig is about to run on tf. */
void rseq_signal_deliver(struct trap_frame *tf, int sig);
/* rseq_fork - a child keeps its parent's registration unless it shares
 * the memory (a thread registers its own). */
void rseq_fork(struct task *child, const struct task *parent, bool share_vm);
/* rseq_execve - the new program starts without an area. */
void rseq_execve(struct task *t);

#endif
