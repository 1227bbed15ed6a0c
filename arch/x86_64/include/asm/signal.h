/*
 * asm/signal.h - the signal frame on the user stack: its layout is the
 * architecture's (Linux's x86-64 struct rt_sigframe), so building it and
 * reading it back live in arch/x86_64/signal.c.
 */
#ifndef ASM_SIGNAL_H
#define ASM_SIGNAL_H

#include <vmos/types.h>
#include <asm/thread.h>

#define ARCH_STACK_RED_ZONE 128 /* the x86-64 ABI's scratch area below rsp */

struct sigframe_info; /* what the frame records: kernel/signal.h */
struct trap_frame;

/*
 * arch_signal_frame_setup - push a frame for signal sig below sp (already
 * moved past the red zone or onto the alternate stack), holding tf's
 * registers and t's FPU state, and point tf at the handler:
 * handler(sig, &info, &uc), returning to ka->restorer.  false if the user
 * stack cannot be written.
 */
bool arch_signal_frame_setup(struct trap_frame *tf, u64 sp, int sig,
			     const struct sigframe_info *fi, struct arch_thread *t);

/*
 * arch_signal_frame_restore - rt_sigreturn: reload registers and FPU state
 * from the frame the handler returned from (the user may have changed it:
 * only user-settable flags, user segments and user addresses are taken).
 * *mask receives the saved signal mask. 0 or -EFAULT.
 */
int arch_signal_frame_restore(struct trap_frame *tf, u64 *mask /* ksigset_t */,
			      struct arch_thread *t);

#endif
