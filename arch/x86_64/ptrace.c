/*
 * arch/x86_64/ptrace.c - a stopped tracee's registers as ptrace(2) shows
 * them: Linux's x86-64 struct user_regs_struct (<sys/user.h>), the FXSAVE
 * image for PTRACE_GETFPREGS, and the trap flag for PTRACE_SINGLESTEP.
 * The tracee is stopped in the kernel, so its user registers are the
 * frame at the top of its kernel stack and its FPU registers were saved
 * when it was switched out.
 */
#include <asm/page_types.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/syscall.h>
#include <vmos/errno.h>
#include <vmos/string.h>

#define RFLAGS_TF (1ul << 8)
/* Flags a tracer may change, as sigreturn (Linux's FLAG_MASK): CF PF AF ZF
 * SF TF DF OF RF AC; not IF, IOPL, NT, VM, VIF, VIP, ID. */
#define RFLAGS_USER_CHANGEABLE 0x0000000000050dd5ul
#define MXCSR_OFFSET 24     /* in the FXSAVE image */
#define MXCSR_WRITABLE 0xffbf /* every bit but the reserved DAZ-less ones */

void arch_ptrace_get_regs(const struct trap_frame *tf, const struct arch_thread *t,
			  bool hide_step, struct user_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->r15 = tf->r15; r->r14 = tf->r14; r->r13 = tf->r13; r->r12 = tf->r12;
	r->rbp = tf->rbp; r->rbx = tf->rbx; r->r11 = tf->r11; r->r10 = tf->r10;
	r->r9 = tf->r9; r->r8 = tf->r8; r->rax = tf->rax; r->rcx = tf->rcx;
	r->rdx = tf->rdx; r->rsi = tf->rsi; r->rdi = tf->rdi;
	r->orig_rax = syscall_frame(tf) ? tf->error_code : (u64)-1;
	r->rip = tf->rip; r->cs = tf->cs; r->eflags = tf->rflags;
	if (hide_step) /* the tracer's own single step is not the program's */
		r->eflags &= ~RFLAGS_TF;
	r->rsp = tf->rsp; r->ss = tf->ss;
	/* Saved when the tracee was switched out (process.c). */
	r->fs_base = t->fs_base;
	r->gs_base = t->gs_base;
	r->ds = t->ds;
	r->es = t->es;
	r->fs = t->fsindex;
	r->gs = t->gsindex;
}

/* A data selector a tracer may set: null, or a user one (RPL 3; a
 * selector the CPU then refuses becomes 0 at the switch, as on Linux). */
static bool valid_data_selector(u64 sel)
{
	return sel == 0 || (sel <= 0xffff && (sel & 3) == SEGMENT_RPL_USER);
}

/* A user address the CPU can return to with iretq (canonical, user half). */
static bool user_address(u64 a)
{
	return a < USER_SPACE_END;
}

int arch_ptrace_set_regs(struct trap_frame *tf, struct arch_thread *t,
			 const struct user_regs *r)
{
	if (!user_address(r->rip) || !user_address(r->rsp) ||
	    !user_address(r->fs_base) || !user_address(r->gs_base))
		return -EIO;
	if (!valid_data_selector(r->ds) || !valid_data_selector(r->es) ||
	    !valid_data_selector(r->fs) || !valid_data_selector(r->gs))
		return -EIO;
	if ((r->cs != USER_CS && r->cs != 0) || (r->ss != USER_DS && r->ss != 0))
		return -EIO;
	tf->r15 = r->r15; tf->r14 = r->r14; tf->r13 = r->r13; tf->r12 = r->r12;
	tf->rbp = r->rbp; tf->rbx = r->rbx; tf->r11 = r->r11; tf->r10 = r->r10;
	tf->r9 = r->r9; tf->r8 = r->r8; tf->rax = r->rax; tf->rcx = r->rcx;
	tf->rdx = r->rdx; tf->rsi = r->rsi; tf->rdi = r->rdi;
	if (syscall_frame(tf))
		tf->error_code = r->orig_rax; /* the call a syscall stop makes */
	tf->rip = r->rip; tf->rsp = r->rsp;
	tf->rflags = (tf->rflags & ~RFLAGS_USER_CHANGEABLE) |
		     (r->eflags & RFLAGS_USER_CHANGEABLE);
	/* Each base and selector as given (Linux 5.9+: poking a base leaves
	 * the selector alone; the switch loads the selector, then the base). */
	t->fs_base = r->fs_base;
	t->gs_base = r->gs_base;
	t->ds = r->ds;
	t->es = r->es;
	t->fsindex = r->fs;
	t->gsindex = r->gs;
	return 0;
}

int arch_ptrace_peek_user(const struct trap_frame *tf, const struct arch_thread *t,
			  bool hide_step, u64 offset, u64 *value)
{
	struct user_regs r;

	if (offset & 7)
		return -EIO;
	if (offset < sizeof(r)) {
		arch_ptrace_get_regs(tf, t, hide_step, &r);
		memcpy(value, (u8 *)&r + offset, sizeof(*value));
		return 0;
	}
	if (offset < USER_AREA_SIZE) { /* the rest of struct user: zeros */
		*value = 0;
		return 0;
	}
	return -EIO;
}

int arch_ptrace_poke_user(struct trap_frame *tf, struct arch_thread *t,
			  bool hide_step, u64 offset, u64 value)
{
	struct user_regs r;

	if ((offset & 7) || offset >= sizeof(r))
		return -EIO;
	arch_ptrace_get_regs(tf, t, hide_step, &r);
	memcpy((u8 *)&r + offset, &value, sizeof(value));
	return arch_ptrace_set_regs(tf, t, &r);
}

void arch_ptrace_get_fpregs(const struct arch_thread *t, void *fxsave)
{
	memcpy(fxsave, t->fpu, FPU_STATE_SIZE);
}

void arch_ptrace_set_fpregs(struct arch_thread *t, const void *fxsave)
{
	u32 mxcsr;

	memcpy(t->fpu, fxsave, FPU_STATE_SIZE);
	/* fxrstor of a reserved MXCSR bit is a #GP in the kernel */
	memcpy(&mxcsr, t->fpu + MXCSR_OFFSET, sizeof(mxcsr));
	mxcsr &= MXCSR_WRITABLE;
	memcpy(t->fpu + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
}

bool arch_ptrace_set_step(struct trap_frame *tf, bool step)
{
	bool was = tf->rflags & RFLAGS_TF;

	if (step)
		tf->rflags |= RFLAGS_TF;
	else
		tf->rflags &= ~RFLAGS_TF;
	return was;
}
