/*
 * asm/ptrace.h - the x86-64 register layouts ptrace(2) reads and writes.
 */
#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H

#include <asm/thread.h>
#include <asm/trap.h>

/* Linux's struct user_regs_struct, in its order (PTRACE_GETREGS, and the
 * first 216 bytes of struct user for PTRACE_PEEKUSER). */
struct user_regs {
	u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	u64 rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
	u64 fs_base, gs_base, ds, es, fs, gs;
};

#define USER_AREA_SIZE 928 /* sizeof(struct user) on x86-64 */

/* arch_ptrace_get_regs / set_regs - between a stopped task's user frame
 * (and TLS base) and r; hide_step: the trap flag is the tracer's single
 * step, not shown.  set: -EIO for an rip, rsp or fs_base outside user
 * space or a kernel selector; flags only as a user may change them. */
void arch_ptrace_get_regs(const struct trap_frame *tf, const struct arch_thread *t,
			  bool hide_step, struct user_regs *r);
int arch_ptrace_set_regs(struct trap_frame *tf, struct arch_thread *t,
			 const struct user_regs *r);
/* arch_ptrace_peek_user / poke_user - one word of struct user at offset
 * (registers; the rest reads as 0 and cannot be written): 0 or -EIO. */
int arch_ptrace_peek_user(const struct trap_frame *tf, const struct arch_thread *t,
			  bool hide_step, u64 offset, u64 *value);
int arch_ptrace_poke_user(struct trap_frame *tf, struct arch_thread *t,
			  bool hide_step, u64 offset, u64 value);
/* arch_ptrace_get_fpregs / set_fpregs - the FXSAVE image (FPU_STATE_SIZE). */
void arch_ptrace_get_fpregs(const struct arch_thread *t, void *fxsave);
void arch_ptrace_set_fpregs(struct arch_thread *t, const void *fxsave);
/* arch_ptrace_set_step - set or clear the trap flag: one instruction, then
 * a debug trap (SIGTRAP).  Returns whether it was set before. */
bool arch_ptrace_set_step(struct trap_frame *tf, bool step);

#endif
