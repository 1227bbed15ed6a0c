/*
 * asm/thread.h - the CPU state a task keeps while it is not running, and
 * the hooks that create, switch and enter tasks.
 */
#ifndef ASM_THREAD_H
#define ASM_THREAD_H

#include <vmos/types.h>
#include <asm/trap.h>

#define FPU_STATE_SIZE 512 /* the FXSAVE area: x87, MMX and SSE registers */

struct arch_thread {
	u64 kernel_sp; /* saved by arch_switch_to while switched out */
	u64 fs_base;   /* user TLS pointer (arch_prctl ARCH_SET_FS) */
	u64 gs_base;   /* user GS base (arch_prctl ARCH_SET_GS) */
	/* The user's data selectors, saved while switched out (the bases
	 * above are saved too: with FSGSBASE a base need not match what the
	 * selector's descriptor says, as on Linux). */
	u16 ds, es, fsindex, gsindex;
	/* The last CPU exception the user took, for the signal frame's
	 * trapno, err and cr2 (Linux's thread.trap_nr, error_code, cr2). */
	u64 trap_nr, error_code, cr2;
	bool notsc;    /* rdtsc in user mode faults (prctl PR_SET_TSC) */
	u8 fpu[FPU_STATE_SIZE] __aligned(16);
};

/* The user register frame sits at the top of every task's kernel stack. */
static inline struct trap_frame *arch_user_frame(u64 kstack_top)
{
	return (struct trap_frame *)kstack_top - 1;
}

/* arch_fpu_init - enable SSE for user code and record the clean FPU state. */
void arch_fpu_init(void);
/* arch_fpu_enable - enable the FPU and SSE on the CPU running this (each
 * CPU has its own CR0 and CR4). */
void arch_fpu_enable(void);
/* arch_syscall_init - point the syscall instruction at syscall_entry. */
void arch_syscall_init(void);

/*
 * arch_thread_start - prepare a new task's kernel stack (top) so that its
 * first switch-in calls fn(arg) and then returns to user mode through the
 * frame at the top of the stack (which the caller fills: exec or fork).
 */
void arch_thread_start(struct arch_thread *t, u64 kstack_top,
		       void (*fn)(void *), void *arg);
/* arch_thread_fork - a child inherits the caller's FPU state, selectors
 * and segment bases. */
void arch_thread_fork(struct arch_thread *child);
/* arch_thread_save_fpu / load_fpu - between the CPU and t->fpu (current). */
void arch_thread_save_fpu(struct arch_thread *t);
void arch_thread_load_fpu(struct arch_thread *t);
/* arch_thread_reset_fpu - a clean FPU state (for execve). */
void arch_thread_reset_fpu(struct arch_thread *t);

/* arch_frame_setup_user - a fresh user frame: start at ip with stack sp,
 * every other register zero, interrupts enabled. */
void arch_frame_setup_user(struct trap_frame *tf, u64 ip, u64 sp);

/*
 * arch_switch - switch from prev to next: FPU registers, TLS base, the
 * kernel stack for traps (TSS.rsp0) and syscalls, then the stacks.
 * Returns when prev is switched back in.
 */
void arch_switch(struct arch_thread *prev, struct arch_thread *next,
		 u64 next_kstack_top);
/*
 * arch_sleeping_stack - the return addresses on the kernel stack of a task
 * that is switched out (not the running one), innermost first: the one
 * into arch_switch, then each caller's.  Reads only inside the task's
 * stack [lo, hi); stores at most max, returns how many.
 */
unsigned arch_sleeping_stack(const struct arch_thread *th, u64 lo, u64 hi,
			     u64 *out, unsigned max);
/* arch_set_notsc - make rdtsc/rdtscp fault in user mode (CR4.TSD) for
 * thread t, the current one (prctl PR_SET_TSC, PR_TSC_SIGSEGV). */
void arch_set_notsc(struct arch_thread *t, bool notsc);
/* arch_set_fs_base - load the user TLS base now (current task). */
void arch_set_fs_base(struct arch_thread *t, u64 base);
/* arch_set_gs_base - load the user GS base now (current task); kept
 * across switches, inherited by fork, 0 after execve.  Both set the
 * selector to 0 first, as Linux's ARCH_SET_FS/GS. */
void arch_set_gs_base(struct arch_thread *t, u64 base);
/* arch_get_fs_base / arch_get_gs_base - the user base of the current task
 * as the CPU has it now (a wrfsbase or a selector load changes it without
 * the kernel knowing, as on Linux: ARCH_GET_FS/GS read the register). */
u64 arch_get_fs_base(void);
u64 arch_get_gs_base(void);

#endif
