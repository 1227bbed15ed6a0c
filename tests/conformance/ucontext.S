/*
 * tests/conformance/ucontext.S - getcontext, setcontext, swapcontext and
 * makecontext for x86-64, which musl leaves out (sigaltstack/sas.c needs
 * them; makecontext is in ucontext.c).  Only what those functions promise for integer code: the
 * callee-saved registers, the argument registers, RSP, RIP and the signal
 * mask; no floating-point state.  Offsets into musl's ucontext_t:
 * uc_link at 8, uc_stack at 16 (ss_sp) and 32 (ss_size), gregs[] at 40
 * (indices REG_R8 = 0 ... REG_RIP = 16, <sys/ucontext.h>), uc_sigmask at 296.
 */
#define UC_LINK		8
#define UC_SS_SP	16
#define UC_SS_SIZE	32
#define G(i)		(40 + 8 * (i))
#define oR8  G(0)
#define oR9  G(1)
#define oR12 G(4)
#define oR13 G(5)
#define oR14 G(6)
#define oR15 G(7)
#define oRDI G(8)
#define oRSI G(9)
#define oRBP G(10)
#define oRBX G(11)
#define oRDX G(12)
#define oRCX G(14)
#define oRSP G(15)
#define oRIP G(16)
#define UC_SIGMASK	296
#define SYS_rt_sigprocmask 14
#define SIG_BLOCK	0
#define SIG_SETMASK	2

	.text
/* Save the caller's registers into the context at %rdi (its RIP is our
 * return address, its RSP the stack above it); clobbers %rax only. */
save_regs:
	movq %rbx, oRBX(%rdi)
	movq %rbp, oRBP(%rdi)
	movq %r12, oR12(%rdi)
	movq %r13, oR13(%rdi)
	movq %r14, oR14(%rdi)
	movq %r15, oR15(%rdi)
	movq %rdi, oRDI(%rdi)
	movq %rsi, oRSI(%rdi)
	movq %rdx, oRDX(%rdi)
	movq %rcx, oRCX(%rdi)
	movq %r8, oR8(%rdi)
	movq %r9, oR9(%rdi)
	movq 8(%rsp), %rax		/* the caller's return address */
	movq %rax, oRIP(%rdi)
	leaq 16(%rsp), %rax		/* its RSP after that return */
	movq %rax, oRSP(%rdi)
	ret

/* int getcontext(ucontext_t *ucp) */
	.globl getcontext
	.type getcontext, @function
getcontext:
	call save_regs
	pushq %rdi
	leaq UC_SIGMASK(%rdi), %rdx	/* the current mask into uc_sigmask */
	xorl %esi, %esi
	movl $SIG_BLOCK, %edi
	movl $8, %r10d
	movl $SYS_rt_sigprocmask, %eax
	syscall
	popq %rdi
	xorl %eax, %eax
	ret

/* int setcontext(const ucontext_t *ucp): does not return. */
	.globl setcontext
	.type setcontext, @function
setcontext:
	movq %rdi, %rbx
	leaq UC_SIGMASK(%rdi), %rsi
	xorl %edx, %edx
	movl $SIG_SETMASK, %edi
	movl $8, %r10d
	movl $SYS_rt_sigprocmask, %eax
	syscall
	movq %rbx, %rdi
	jmp restore_regs

/* int swapcontext(ucontext_t *oucp, const ucontext_t *ucp): save into
 * oucp, swap the signal masks in one call, continue at ucp. */
	.globl swapcontext
	.type swapcontext, @function
swapcontext:
	call save_regs
	movq %rsi, %rbx
	leaq UC_SIGMASK(%rdi), %rdx
	leaq UC_SIGMASK(%rsi), %rsi
	movl $SIG_SETMASK, %edi
	movl $8, %r10d
	movl $SYS_rt_sigprocmask, %eax
	syscall
	movq %rbx, %rdi
	/* fall through */

/* Load the context at %rdi and jump to its RIP, returning 0. */
restore_regs:
	movq oRSP(%rdi), %rsp
	pushq oRIP(%rdi)
	movq oRBX(%rdi), %rbx
	movq oRBP(%rdi), %rbp
	movq oR12(%rdi), %r12
	movq oR13(%rdi), %r13
	movq oR14(%rdi), %r14
	movq oR15(%rdi), %r15
	movq oRSI(%rdi), %rsi
	movq oRDX(%rdi), %rdx
	movq oRCX(%rdi), %rcx
	movq oR8(%rdi), %r8
	movq oR9(%rdi), %r9
	movq oRDI(%rdi), %rdi
	xorl %eax, %eax
	ret

/* Where a function started by makecontext returns to: on to uc_link
 * (kept in %rbx, callee-saved) or, if it is NULL, exit(0). */
	.globl __conformance_start_context
	.type __conformance_start_context, @function
__conformance_start_context:
	testq %rbx, %rbx
	jz 1f
	movq %rbx, %rdi
	call setcontext
1:	xorl %edi, %edi
	call exit

	.section .note.GNU-stack,"",@progbits
