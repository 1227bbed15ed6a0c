/*
 * arch/x86_64/backtrace.c - the call chain, from the frame-pointer links.
 *
 * The kernel is built with -fno-omit-frame-pointer, so every function's
 * frame starts with [saved rbp][return address].  Each link is checked to
 * be a mapped kernel address before it is read, so a corrupt stack ends the
 * backtrace instead of faulting inside the panic.
 */
#include <asm/arch.h>
#include <asm/page_types.h>
#include <asm/thread.h>
#include <asm/tlb.h>
#include <asm/trap.h>
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include <vmos/printk.h>
#include "mm/pagetable.h"

#define BACKTRACE_MAX_LINES 24   /* distinct lines printed */
#define BACKTRACE_MAX_FRAMES 4096 /* links followed (deep recursion) */

static bool readable(u64 addr)
{
	return addr >= KERNEL_SPACE_START && IS_ALIGNED(addr, 8) &&
	       pt_translate(arch_current_page_table(), addr, NULL, NULL);
}

/*
 * Print one frame.  A return address may point just past the end of its
 * function (a call to a noreturn function is its last instruction), so it
 * is looked up as ret - 1 and printed as name+offset of ret, as Linux does.
 */
static void print_entry(u64 addr, bool is_return)
{
	u64 off;
	const char *name = ksym_lookup(is_return ? addr - 1 : addr, &off);

	if (name)
		printk(KERN_EMERG "  [<%016lx>] %s+0x%lx\n", addr, name,
		       off + (is_return ? 1 : 0));
	else
		printk(KERN_EMERG "  [<%016lx>] ?\n", addr);
}

static void print_repeats(u64 repeats)
{
	if (repeats)
		printk(KERN_EMERG "  ... the same return address %lu more times\n",
		       repeats);
}

/* Print rip, then the return address of every frame up the rbp chain;
 * runs of one return address (recursion) are folded into one line. */
static void backtrace_from(u64 rip, u64 rbp)
{
	u64 last = 0, repeats = 0;
	int lines = 1;

	printk(KERN_EMERG "Call trace:\n");
	print_entry(rip, false);
	for (int i = 0; i < BACKTRACE_MAX_FRAMES && rbp && readable(rbp); i++) {
		u64 *frame = (u64 *)rbp;
		u64 ret = frame[1];

		if (ret < KERNEL_VMA || lines == BACKTRACE_MAX_LINES)
			break;
		if (ret == last) {
			repeats++;
		} else {
			print_repeats(repeats);
			print_entry(ret, true);
			last = ret;
			repeats = 0;
			lines++;
		}
		if (frame[0] <= rbp) /* stacks grow down: links must go up */
			break;
		rbp = frame[0];
	}
	print_repeats(repeats);
}

void arch_panic_dump(const struct trap_frame *tf)
{
	if (tf) {
		trap_print_regs(tf);
		backtrace_from(tf->rip, tf->rbp);
	} else {
		u64 *fp = __builtin_frame_address(0);

		backtrace_from(fp[1], fp[0]); /* start at our caller */
	}
}

/*
 * arch_sleeping_stack - see asm/thread.h.  A task switched out by
 * arch_switch_to has, at its saved stack pointer, r15 r14 r13 r12 rbx rbp
 * and the return address into arch_switch; from that rbp on, the frame
 * pointer chain.  Only words inside [lo, hi) are read: a chain that
 * leaves the task's own stack ends the walk.
 */
#define SWITCH_SAVED_RBP 5 /* words above the saved stack pointer */
#define SWITCH_RETURN 6

unsigned arch_sleeping_stack(const struct arch_thread *th, u64 lo, u64 hi,
			     u64 *out, unsigned max)
{
	const u64 *sp = (const u64 *)th->kernel_sp;
	unsigned n = 0;
	u64 rbp;

	if (!max || th->kernel_sp < lo || th->kernel_sp + 8 * (SWITCH_RETURN + 1) > hi ||
	    !IS_ALIGNED(th->kernel_sp, 8))
		return 0;
	out[n++] = sp[SWITCH_RETURN];
	rbp = sp[SWITCH_SAVED_RBP];
	while (n < max && rbp >= lo && rbp + 16 <= hi && IS_ALIGNED(rbp, 8)) {
		const u64 *frame = (const u64 *)rbp;

		if (frame[1] < KERNEL_VMA)
			break;
		out[n++] = frame[1];
		if (frame[0] <= rbp) /* links must go up the stack */
			break;
		rbp = frame[0];
	}
	return n;
}
