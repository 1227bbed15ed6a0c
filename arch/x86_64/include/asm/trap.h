/*
 * asm/trap.h - the register frame every interrupt and exception saves.
 *
 * entry.asm pushes the general registers below what the CPU pushed
 * (error code or 0, then RIP, CS, RFLAGS, RSP, SS), so a struct trap_frame
 * pointer is simply the stack pointer after the pushes.
 */
#ifndef ASM_TRAP_H
#define ASM_TRAP_H

#include <vmos/types.h>

struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code; /* pushed by the CPU, or 0 by the stub */
	u64 rip, cs, rflags, rsp, ss;
};

/* Exception vectors (Intel SDM vol. 3, 6.3.1). */
#define VEC_DIVIDE 0
#define VEC_DEBUG 1
#define VEC_NMI 2
#define VEC_BREAKPOINT 3
#define VEC_INVALID_OPCODE 6
#define VEC_DOUBLE_FAULT 8
#define VEC_SEGMENT_NOT_PRESENT 11
#define VEC_STACK_SEGMENT 12
#define VEC_GP 13
#define VEC_PAGE_FAULT 14
#define VEC_X87_FP 16          /* #MF: an x87 floating-point error */
#define VEC_ALIGNMENT_CHECK 17 /* #AC */
#define VEC_MACHINE_CHECK 18
#define VEC_SIMD_FP 19         /* #XM: an SSE floating-point error */
#define NR_EXCEPTIONS 32       /* vectors 0..31 are the CPU's exceptions */
#define IA32_SYSCALL_VECTOR 0x80 /* int $0x80: the 32-bit system-call entry */
#define VEC_IRQ_BASE 32 /* the PIC's IRQ 0..15 are remapped here */
#define VEC_TIMER (VEC_IRQ_BASE + 0)
#define NR_VECTORS 48
/* The local APIC's spurious-interrupt vector (asm/apic.h): an interrupt
 * that vanished before the CPU took it; ignored, no EOI (entry.asm). */
#define VEC_SPURIOUS 0xff
/* An inter-processor interrupt: run the function another CPU asked for
 * (smp_call_function_*, arch/x86_64/smp.c; Linux's CALL_FUNCTION_VECTOR). */
#define VEC_CALL_FUNCTION 0xfb
#define VEC_LOCAL_TIMER 0xec /* each other CPU's tick (Linux's number) */
#define VEC_RESCHEDULE 0xfd  /* "look at the run queue" (Linux's number) */

/* #PF error code bits (Intel SDM vol. 3, 4.7). */
#define PF_PRESENT (1u << 0) /* 0: not-present page; 1: protection */
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_RSVD (1u << 3)    /* a reserved bit was set in an entry */
#define PF_FETCH (1u << 4)   /* instruction fetch */

const char *trap_name(u64 vector);
/* note_user_trap - the current thread's last user exception (vector and
 * error code), for the signal frame's trapno and err (idt.c). */
void note_user_trap(u64 vector, u64 error_code);
/* trap_print_regs - dump the registers of a frame to the console. */
void trap_print_regs(const struct trap_frame *tf);
/* trap_from_user - did this trap interrupt ring 3? */
static inline bool trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) == 3;
}

#endif
