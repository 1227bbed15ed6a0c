/*
 * arch/x86_64/signal.c - the signal frame Linux builds on x86-64, so that
 * musl's and glibc's sigaction, SA_SIGINFO handlers and ucontext_t work
 * unchanged: the return address (sa_restorer, which calls rt_sigreturn), a
 * ucontext_t with every register and the signal mask, the siginfo_t, and
 * the FXSAVE image of the FPU registers.
 */
#include <asm/segment.h>
#include <asm/signal.h>
#include "kernel/signal.h"
#include <asm/syscall.h>
#include <vmos/errno.h>
#include <vmos/uaccess.h>
#include <vmos/string.h>

struct k_sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate; /* pointer to the FXSAVE image */
	u64 reserved1[8];
};

struct k_ucontext {
	u64 uc_flags;
	u64 uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext uc_mcontext;
	ksigset_t uc_sigmask;
	u8 unused[128 - sizeof(ksigset_t)]; /* glibc's sigset_t is 128 bytes */
};

struct rt_sigframe {
	u64 pretcode; /* the handler returns here: sa_restorer */
	struct k_ucontext uc;
	struct k_siginfo info;
};

/* Linux's FIX_EFLAGS: CF PF AF ZF SF TF DF OF RF AC.  Not IF or IOPL
 * (the kernel's), nor NT, VM, VIF, VIP, ID. */
#define RFLAGS_USER_CHANGEABLE 0x0000000000050dd5ul
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4 /* ss is restored as saved (64-bit frames) */

/* save_context - the interrupted registers; err, trapno and cr2 are the
 * last user exception's (Linux: thread.error_code, trap_nr, cr2), 0 in a
 * process that took none, whatever sends the signal. */
static void save_context(struct k_sigcontext *sc, const struct trap_frame *tf,
			 const struct arch_thread *t)
{
	sc->r8 = tf->r8; sc->r9 = tf->r9; sc->r10 = tf->r10; sc->r11 = tf->r11;
	sc->r12 = tf->r12; sc->r13 = tf->r13; sc->r14 = tf->r14; sc->r15 = tf->r15;
	sc->rdi = tf->rdi; sc->rsi = tf->rsi; sc->rbp = tf->rbp; sc->rbx = tf->rbx;
	sc->rdx = tf->rdx; sc->rax = tf->rax; sc->rcx = tf->rcx; sc->rsp = tf->rsp;
	sc->rip = tf->rip;
	sc->eflags = tf->rflags;
	sc->cs = (u16)tf->cs;
	sc->ss = (u16)tf->ss;
	sc->err = t->error_code;
	sc->trapno = t->trap_nr;
	sc->cr2 = t->cr2;
}

/* Access rights as lar returns them (Intel SDM vol. 3, 3.4.5). */
#define AR_TYPE_MASK (0x7ul << 9) /* not the accessed bit */
#define AR_TYPE_RWDATA (0x2ul << 8)
#define AR_TYPE_RWDATA_EXPDOWN (0x6ul << 8)
#define AR_S (1ul << 12)
#define AR_DPL3 (3ul << 13)
#define AR_DPL_MASK (3ul << 13)
#define AR_P (1ul << 15)

/*
 * handler_ss - the stack segment a handler runs with, as Linux's
 * force_valid_ss: the interrupted one if it is a present, writable DPL 3
 * data segment (an LDT one, say: DOSEMU reads it from the register), else
 * the user data segment.
 */
static u64 handler_ss(u64 ss)
{
	u32 ar = 0;
	u8 ok;

	if (ss == USER_DS)
		return ss;
	asm volatile("lar %2, %0; setz %1" : "=r"(ar), "=qm"(ok) : "r"((u32)(u16)ss) : "cc");
	if (!ok)
		return USER_DS;
	ar &= AR_DPL_MASK | AR_S | AR_P | AR_TYPE_MASK;
	if (ar != (AR_DPL3 | AR_S | AR_P | AR_TYPE_RWDATA) &&
	    ar != (AR_DPL3 | AR_S | AR_P | AR_TYPE_RWDATA_EXPDOWN))
		return USER_DS;
	return ss;
}

/*
 * Load registers from a frame the user may have changed, as Linux's
 * restore_sigcontext: only flags a user may set; rip, rsp, cs and ss as
 * the frame says (selectors with RPL 3, so never ring 0).  What the CPU
 * refuses, a non-canonical rip or a selector that is not a user segment,
 * makes the return itself fault, and that fault is the program's:
 * SIGSEGV with the refused registers in its frame (idt.c: bad_iret).
 * Without UC_STRICT_RESTORE_SS an unusable ss is replaced by the user data
 * segment (old programs that build frames by hand).
 */
static int restore_context(struct trap_frame *tf, const struct k_sigcontext *sc,
			   u64 uc_flags)
{
	tf->r8 = sc->r8; tf->r9 = sc->r9; tf->r10 = sc->r10; tf->r11 = sc->r11;
	tf->r12 = sc->r12; tf->r13 = sc->r13; tf->r14 = sc->r14; tf->r15 = sc->r15;
	tf->rdi = sc->rdi; tf->rsi = sc->rsi; tf->rbp = sc->rbp; tf->rbx = sc->rbx;
	tf->rdx = sc->rdx; tf->rax = sc->rax; tf->rcx = sc->rcx; tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~RFLAGS_USER_CHANGEABLE) |
		     (sc->eflags & RFLAGS_USER_CHANGEABLE);
	tf->cs = sc->cs | SEGMENT_RPL_USER;
	tf->ss = sc->ss | SEGMENT_RPL_USER;
	if (!(uc_flags & UC_STRICT_RESTORE_SS) && tf->ss != USER_DS)
		tf->ss = USER_DS;
	tf->vector = SYSCALL_FRAME_VECTOR; /* a syscall frame again... */
	tf->error_code = (u64)-1;          /* ...with no call to restart */
	return 0;
}

#define RFLAGS_DF (1ul << 10)
#define RFLAGS_TF (1ul << 8)
#define FPSTATE_ALIGN 64

bool arch_signal_frame_setup(struct trap_frame *tf, u64 sp, int sig,
			     const struct sigframe_info *fi, struct arch_thread *t)
{
	struct rt_sigframe frame;
	u64 fp_addr = ALIGN_DOWN(sp - FPU_STATE_SIZE, (u64)FPSTATE_ALIGN);
	/* At the handler's first instruction rsp + 8 is 16-byte aligned, as
	 * after a call. */
	u64 frame_addr = ALIGN_DOWN(fp_addr - sizeof(frame), 16ul) - 8;

	/* A handler outside user space cannot be returned to: on Intel CPUs
	 * iretq to a non-canonical rip raises #GP in ring 0. */
	if (fi->ka->handler >= USER_SPACE_END)
		return false;
	memset(&frame, 0, sizeof(frame));
	frame.pretcode = fi->ka->restorer;
	frame.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS;
	if (tf->cs == USER_CS) /* interrupted in 64-bit user mode (Linux) */
		frame.uc.uc_flags |= UC_STRICT_RESTORE_SS;
	frame.uc.uc_stack = fi->uc_stack;
	save_context(&frame.uc.uc_mcontext, tf, t);
	frame.uc.uc_mcontext.fpstate = fp_addr;
	frame.uc.uc_mcontext.oldmask = fi->mask;
	frame.uc.uc_sigmask = fi->mask;
	frame.info = *fi->info;

	arch_thread_save_fpu(t);
	if (copy_to_user((void __user *)fp_addr, t->fpu, FPU_STATE_SIZE) ||
	    copy_to_user((void __user *)frame_addr, &frame, sizeof(frame)))
		return false;

	tf->rsp = frame_addr;
	tf->rip = fi->ka->handler;
	tf->rdi = (u64)sig;
	tf->rsi = frame_addr + offsetof(struct rt_sigframe, info);
	tf->rdx = frame_addr + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rflags &= ~(RFLAGS_DF | RFLAGS_TF);
	tf->cs = USER_CS; /* the handler runs in 64-bit user mode, whatever */
	tf->ss = handler_ss(tf->ss); /* segments the interrupted code had */
	return true;
}

int arch_signal_frame_restore(struct trap_frame *tf, u64 *mask,
			      struct arch_thread *t)
{
	/* The handler's `ret` popped pretcode: the frame is 8 bytes lower. */
	u64 frame_addr = tf->rsp - 8;
	struct rt_sigframe frame;

	if (copy_from_user(&frame, (void __user *)frame_addr, sizeof(frame)) ||
	    restore_context(tf, &frame.uc.uc_mcontext, frame.uc.uc_flags))
		return -EFAULT;
	if (frame.uc.uc_mcontext.fpstate) {
		/* An fpstate that cannot be read is a bad frame (Linux: SIGSEGV) */
		if (copy_from_user(t->fpu, (void __user *)frame.uc.uc_mcontext.fpstate,
				   FPU_STATE_SIZE))
			return -EFAULT;
		arch_thread_load_fpu(t);
	}
	*mask = frame.uc.uc_sigmask;
	return 0;
}
