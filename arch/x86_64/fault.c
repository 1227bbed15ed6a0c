/*
 * arch/x86_64/fault.c - the page fault, from the CPU's report to mm and back.
 *
 * page_fault() reads top-down:
 *   fault_from_pf()     CR2 and the error code -> struct fault (mm/fault.h)
 *   handle_mm_fault()   mm/fault.c's decision tree -> struct fault_outcome
 *   FAULT_OK            resume: the access is retried
 *   a user fault        user_page_fault() (kernel/entry.c): the signal and
 *                       its explanation, from the outcome
 *   a user copy         arch_uaccess_fixup(): the copy returns -EFAULT
 *   anything else       a kernel bug: panic, with the report decoded by
 *                       fault_describe() and fault_explain()
 * Everything x86 about a fault lives here: the error-code bits, the user
 * copies' fixup table, and the SMEP, SMAP and NX wording.
 */
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/fault.h>
#include <asm/page_types.h>
#include <asm/pgtable.h>
#include <asm/tlb.h>
#include <asm/trap.h>
#include "kernel/catch.h"
#include "kernel/entry.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/signal.h"
#include "kernel/task.h"
#include <vmos/format.h>
#include "mm/kstack.h"
#include "mm/pagetable.h"

/* fault_from_pf - decode the #PF error code and CR2 (Intel SDM vol. 3, 4.7). */
static struct fault fault_from_pf(const struct trap_frame *tf)
{
	u64 ec = tf->error_code;
	struct fault f = {
		.addr = read_cr2(),
		.ip = tf->rip,
		.access = (ec & PF_FETCH) ? FAULT_EXEC
			  : (ec & PF_WRITE) ? FAULT_WRITE
					    : FAULT_READ,
		.user = ec & PF_USER,
		.present = ec & PF_PRESENT,
		.reserved_bit = ec & PF_RSVD,
	};
	return f;
}

/* The user-copy instructions that may fault, and where to resume. */
struct uaccess_fixup {
	u64 insn, fixup;
};
extern const struct uaccess_fixup uaccess_fixups[], uaccess_fixups_end[];

/* arch_uaccess_fixup - a fault in a user copy: resume at its fixup. */
static bool arch_uaccess_fixup(struct trap_frame *tf)
{
	for (const struct uaccess_fixup *x = uaccess_fixups; x < uaccess_fixups_end; x++) {
		if (tf->rip == x->insn) {
			tf->rip = x->fixup;
			return true;
		}
	}
	return false;
}

/* note_user_page_fault - as note_user_trap for a #PF at addr: the error
 * code says user mode and, for a kernel address, a protection fault
 * (Linux's sanitize_error_code: the page tables stay private); cr2 is the
 * signal frame's. */
static void note_user_page_fault(u64 addr, u64 error_code)
{
	error_code |= PF_USER;
	if (addr >= USER_SPACE_END)
		error_code |= PF_PRESENT;
	note_user_trap(VEC_PAGE_FAULT, error_code);
	current->thread.cr2 = addr;
}

/* kernel_fault_bug - a kernel-mode fault nothing resolves: a bug.  Out
 * of line, so that the fault path does not carry its buffers. */
static __noinline __attribute__((cold)) __noreturn void
kernel_fault_bug(struct trap_frame *tf, struct fault *f)
{
	char what[96], where[KSYM_NAME_BUF];
	const char *why;

	catch_trap(VEC_PAGE_FAULT, tf->error_code, f);
	why = fault_explain(f);
	panic_frame(tf, "page fault at 0x%lx in %s: %s%s%s", f->addr,
		    ksym_format(tf->rip, where, sizeof(where)),
		    fault_describe(f, what, sizeof(what)), why ? "; " : "",
		    why ? why : "");
}

void page_fault(struct trap_frame *tf)
{
	struct fault f = fault_from_pf(tf);
	struct fault_outcome o;

	/* Interrupts were off on entry; CR2 is read, so the handler may now
	 * run with them on, if the faulting code had them on. */
	if (tf->rflags & RFLAGS_IF)
		arch_irq_enable();
	if (trap_from_user(tf) && !f.user) {
		/* Ring 3, but a supervisor access (PF_USER clear): one the
		 * instruction makes implicitly (QEMU reads a far return's
		 * stack so, and SMAP refuses it).  The page may well be
		 * there: retrying would fault forever.  SIGSEGV instead. */
		note_user_page_fault(f.addr, tf->error_code);
		user_exception(SIGSEGV, SI_KERNEL, 0, "page fault in a supervisor "
			       "access from user mode", NULL, tf->rip, tf->rsp);
		return;
	}
	if (handle_mm_fault(current ? current->mm : NULL, &f, &o) == FAULT_OK)
		return;
	if (trap_from_user(tf)) {
		note_user_page_fault(f.addr, tf->error_code);
		user_page_fault(&f, &o, tf->rip, tf->rsp, tf->error_code);
		return;
	}
	if (f.addr < USER_SPACE_END && arch_uaccess_fixup(tf))
		return; /* the copy returns -EFAULT */
	kernel_fault_bug(tf, &f);
}

char *fault_describe(const struct fault *f, char *buf, size_t size)
{
	/* The error code's own words: PF_FETCH is an instruction fetch. */
	const char *access = f->access == FAULT_EXEC ? "instruction fetch from"
						     : fault_access_words(f->access);

	ksnprintf(buf, size, "%s %s page (%s)%s", access,
		  f->present ? "present (protection violation)" : "not-present",
		  f->user ? "user" : "supervisor",
		  f->reserved_bit ? ", reserved bit set in a page-table entry"
				  : "");
	return buf;
}

/* Is addr mapped as a user page (PTE_U) in the active address space? */
static bool is_user_page(u64 addr)
{
	pte_t flags;

	return pt_translate(arch_current_page_table(), addr, NULL, &flags) &&
	       (flags & PTE_U);
}

const char *fault_explain(const struct fault *f)
{
	if (f->addr < NULL_GUARD_END)
		return "possibly a NULL pointer dereference";
	if (!va_is_canonical(f->addr))
		return "non-canonical address";
	if (kstack_guard_hit(f->addr))
		return "kernel stack guard page: the stack overflowed";
	if (f->user && f->addr >= KERNEL_SPACE_START)
		return "user access to the kernel half";
	if (!f->user && f->present && is_user_page(f->addr))
		return f->access == FAULT_EXEC
			       ? "the kernel executed a user page (SMEP forbids it)"
			       : "the kernel touched a user page outside the "
				 "user-copy functions (SMAP forbids it)";
	if (f->access == FAULT_EXEC && f->present)
		return "execution of a non-executable (NX) page";
	if (f->access == FAULT_WRITE && f->present)
		return "write to a read-only page";
	return NULL;
}
