/*
 * asm/syscall.h - where the x86-64 system-call convention keeps things in
 * a saved register frame: the number in rax (and, saved on entry, in the
 * error-code slot as "orig_rax"), the arguments in rdi, rsi, rdx, r10, r8,
 * r9, the result in rax.  Generic code (kernel/syscall.c, signals, fork)
 * uses these instead of naming registers (Linux: asm/syscall.h).
 */
#ifndef ASM_SYSCALL_H
#define ASM_SYSCALL_H

#include <asm/trap.h>

#define SYSCALL_FRAME_VECTOR 0x100 /* entry.asm marks syscall frames so */
#define SYSCALL_INSN_LEN 2         /* the `syscall` instruction */

static inline bool syscall_frame(const struct trap_frame *tf)
{
	return tf->vector == SYSCALL_FRAME_VECTOR;
}

/* syscall_restartable - a system call's frame whose call may be made
 * again (rt_sigreturn sets orig_rax to -1, as Linux, so that the registers
 * it restores are never taken for an interrupted call's). */
static inline bool syscall_restartable(const struct trap_frame *tf)
{
	return syscall_frame(tf) && tf->error_code != (u64)-1;
}

static inline u64 syscall_get_nr(const struct trap_frame *tf)
{
	return tf->error_code; /* orig_rax: rax may hold the result by now */
}

static inline void syscall_get_args(const struct trap_frame *tf, u64 a[6])
{
	a[0] = tf->rdi;
	a[1] = tf->rsi;
	a[2] = tf->rdx;
	a[3] = tf->r10;
	a[4] = tf->r8;
	a[5] = tf->r9;
}

static inline s64 syscall_get_return(const struct trap_frame *tf)
{
	return (s64)tf->rax;
}

static inline void syscall_set_return(struct trap_frame *tf, s64 v)
{
	tf->rax = (u64)v;
}

/* syscall_restart - run the same call again on return to user mode. */
static inline void syscall_restart(struct trap_frame *tf)
{
	tf->rax = tf->error_code;
	tf->rip -= SYSCALL_INSN_LEN;
}

/* frame_set_user_sp - a new stack pointer (clone with a child stack). */
static inline void frame_set_user_sp(struct trap_frame *tf, u64 sp)
{
	tf->rsp = sp;
}

static inline u64 frame_user_sp(const struct trap_frame *tf)
{
	return tf->rsp;
}

/* frame_set_user_ip - resume the user code at ip (rseq's abort). */
static inline void frame_set_user_ip(struct trap_frame *tf, u64 ip)
{
	tf->rip = ip;
}

/* frame_user_ip - where the user code was (/proc/PID/syscall). */
static inline u64 frame_user_ip(const struct trap_frame *tf)
{
	return tf->rip;
}

#endif
