/*
 * tests/conformance/ucontext.c - makecontext for x86-64 musl, with the
 * assembly half in ucontext.S.  func runs on ucp->uc_stack with up to six
 * integer arguments in registers; when it returns, the trampoline in
 * ucontext.S continues at ucp->uc_link (kept in RBX) or exits.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <ucontext.h>

void __conformance_start_context(void);

void makecontext(ucontext_t *ucp, void (*func)(void), int argc, ...)
{
	static const int regs[] = { REG_RDI, REG_RSI, REG_RDX, REG_RCX, REG_R8, REG_R9 };
	uintptr_t top = (uintptr_t)ucp->uc_stack.ss_sp + ucp->uc_stack.ss_size;
	unsigned long *sp = (unsigned long *)(top & ~(uintptr_t)15);
	va_list ap;

	va_start(ap, argc);
	for (int i = 0; i < argc && i < 6; i++)
		ucp->uc_mcontext.gregs[regs[i]] = va_arg(ap, long);
	va_end(ap);
	/* The return address, so that at func's entry RSP + 8 is 16-aligned,
	 * as after a call. */
	*--sp = (unsigned long)__conformance_start_context;
	ucp->uc_mcontext.gregs[REG_RSP] = (long)sp;
	ucp->uc_mcontext.gregs[REG_RIP] = (long)func;
	ucp->uc_mcontext.gregs[REG_RBX] = (long)ucp->uc_link;
}
