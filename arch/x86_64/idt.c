/*
 * arch/x86_64/idt.c - the interrupt descriptor table and trap dispatch.
 *
 * Every vector enters through entry.asm and lands in trap_dispatch() with a
 * struct trap_frame.  Page faults go to page_fault() (fault.c, which
 * hands them to mm/ as an arch-neutral struct fault); hardware interrupts go to
 * their handler; any other exception in the kernel is a bug and panics
 * with the exception's name, the decoded error code and a backtrace.
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/fault.h>
#include <asm/irq.h>
#include <asm/page_types.h>
#include <asm/segment.h>
#include <asm/trap.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include "kernel/catch.h"
#include <vmos/bkl.h>
#include "kernel/entry.h"
#include "kernel/signal.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include <vmos/printk.h>
#include "kernel/task.h"
#include <vmos/uaccess.h>
#include "mm/fault.h"
#include "mm/kstack.h"

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL_USER 0x60  /* DPL 3: user code may raise it with int N */
#define GP_ERR_IDT 0x2      /* #GP error code: the selector is an IDT entry */
#define OPCODE_INT 0xcd      /* int imm8 */

#define IDT_ENTRIES 256 /* every vector the CPU can raise */

static struct idt_gate idt[IDT_ENTRIES] __aligned(16);
extern const u64 trap_stubs[NR_VECTORS];
extern char spurious_interrupt[], call_function_interrupt[];
extern char local_timer_interrupt[], reschedule_interrupt[];

static const char *const exception_names[NR_EXCEPTIONS] = {
	"divide error", "debug", "non-maskable interrupt", "breakpoint",
	"overflow", "bound range exceeded", "invalid opcode",
	"device not available", "double fault", "coprocessor segment overrun",
	"invalid TSS", "segment not present", "stack-segment fault",
	"general protection fault", "page fault", "reserved (15)",
	"x87 floating-point error", "alignment check", "machine check",
	"SIMD floating-point error", "virtualization exception",
	"control protection exception", "reserved (22)", "reserved (23)",
	"reserved (24)", "reserved (25)", "reserved (26)", "reserved (27)",
	"hypervisor injection", "VMM communication", "security exception",
	"reserved (31)",
};

const char *trap_name(u64 vector)
{
	if (vector < NR_EXCEPTIONS)
		return exception_names[vector];
	return vector < NR_VECTORS ? "hardware interrupt" : "unknown vector";
}

static void set_gate(unsigned vec, u64 handler, u8 ist)
{
	idt[vec] = (struct idt_gate){
		.offset_low = handler & 0xffff,
		.selector = KERNEL_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT |
			     (vec == VEC_BREAKPOINT ? GATE_DPL_USER : 0),
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

/* load_idt - make the table this CPU's (every CPU shares it). */
void load_idt(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed ptr = { sizeof(idt) - 1, (u64)idt };

	asm volatile("lidt %0" : : "m"(ptr));
}

void idt_init(void)
{
	for (unsigned v = 0; v < NR_VECTORS; v++)
		set_gate(v, trap_stubs[v], 0);
	set_gate(VEC_DOUBLE_FAULT, trap_stubs[VEC_DOUBLE_FAULT], IST_DOUBLE_FAULT);
	set_gate(VEC_NMI, trap_stubs[VEC_NMI], IST_NMI);
	set_gate(VEC_MACHINE_CHECK, trap_stubs[VEC_MACHINE_CHECK],
		 IST_MACHINE_CHECK);
	set_gate(VEC_SPURIOUS, (u64)spurious_interrupt, 0);
	set_gate(VEC_CALL_FUNCTION, (u64)call_function_interrupt, 0);
	set_gate(VEC_LOCAL_TIMER, (u64)local_timer_interrupt, 0);
	set_gate(VEC_RESCHEDULE, (u64)reschedule_interrupt, 0);
	/* Only int3 may be raised from user mode (DPL 3), as on Linux: a
	 * debugger's breakpoint is SIGTRAP.  Any other int N, int $0x80
	 * included (no IA32 emulation), is a #GP and so SIGSEGV. */
	load_idt();
}

/*
 * note_user_trap - remember the exception that is about to become a signal
 * for the signal frame's trapno, err and cr2 (Linux's thread.trap_nr,
 * error_code and cr2: set when a user exception sends a signal, kept until
 * the next one, so a later kill() or system call shows them too).
 */
void note_user_trap(u64 vector, u64 error_code)
{
	current->thread.trap_nr = vector;
	current->thread.error_code = error_code;
}

/*
 * double_fault - runs on its own IST stack.  The common kernel cause is a
 * stack overflow: the CPU could not push the frame of a page fault because
 * the stack pointer had already run into the guard page (CR2 says where).
 */
static __noinline void double_fault(struct trap_frame *tf)
{
	u64 cr2 = read_cr2();
	char where[KSYM_NAME_BUF];

	if (kstack_guard_hit(cr2) || kstack_guard_hit(tf->rsp))
		panic_frame(tf,
			    "double fault: kernel stack overflow in %s: rsp 0x%lx, "
			    "page fault at 0x%lx in the stack's guard page",
			    ksym_format(tf->rip, where, sizeof(where)), tf->rsp,
			    cr2);
	panic_frame(tf, "double fault in %s (cr2 0x%lx, rsp 0x%lx)",
		    ksym_format(tf->rip, where, sizeof(where)), cr2, tf->rsp);
}

/* Instructions only ring 0 may run: their first opcode bytes. */
static bool privileged_insn(const u8 *b)
{
	switch (b[0]) {
	case 0xf4: /* hlt */
	case 0xfa: /* cli */
	case 0xfb: /* sti */
	case 0xe4: case 0xe5: case 0xe6: case 0xe7: /* in/out imm8 */
	case 0xec: case 0xed: case 0xee: case 0xef: /* in/out dx */
	case 0x6c: case 0x6d: case 0x6e: case 0x6f: /* ins/outs */
		return true;
	case 0x0f:
		/* lgdt/lidt/invlpg..., clts, wbinvd, mov to/from CRn/DRn,
		 * wrmsr, rdmsr */
		return b[1] == 0x01 || b[1] == 0x06 || b[1] == 0x09 ||
		       b[1] == 0x20 || b[1] == 0x21 || b[1] == 0x22 ||
		       b[1] == 0x23 || b[1] == 0x30 || b[1] == 0x32;
	}
	return false;
}

/*
 * gp_reason - why a general protection fault in user mode happened, in
 * words.  The CPU gives no address (a #GP has no CR2), so look at the
 * instruction: a privileged one, or else most likely a memory access to a
 * non-canonical address (bits 63..47 not all equal).
 */
static const char *gp_reason(u64 ip, u64 error_code)
{
	u8 insn[2] = { 0, 0 };

	if (ip >= USER_SPACE_END)
		return "the instruction pointer is outside user space";
	if (copy_from_user(insn, (const void __user *)ip, sizeof(insn)))
		return NULL;
	if ((error_code & GP_ERR_IDT) && insn[0] == OPCODE_INT &&
	    insn[1] == IA32_SYSCALL_VECTOR)
		return "int $0x80, the 32-bit system-call entry: vmos (like Linux "
		       "built without IA32 emulation) has none; 64-bit programs "
		       "use the syscall instruction";
	if (error_code & GP_ERR_IDT)
		return "an int N instruction: user code may raise only int3 "
		       "(a breakpoint, SIGTRAP)";
	if (privileged_insn(insn))
		return "a privileged instruction: only the kernel (ring 0) may run it";
	return "most likely an access to a non-canonical address: on x86-64 "
	       "bits 63..47 of an address must all be equal, so "
	       "0x0000800000000000-0xffff7fffffffffff is a hole";
}

/* A CPU exception in user mode becomes the signal Linux sends for it. */
static void user_exception_signal(struct trap_frame *tf)
{
	int sig = SIGSEGV, code = SI_KERNEL;

	switch (tf->vector) {
	case VEC_DIVIDE:
		sig = SIGFPE, code = FPE_INTDIV;
		break;
	case VEC_DEBUG: /* a single step (the trap flag) */
		sig = SIGTRAP, code = TRAP_TRACE;
		break;
	case VEC_BREAKPOINT:
		sig = SIGTRAP, code = SI_KERNEL;
		break;
	case VEC_INVALID_OPCODE:
		sig = SIGILL, code = ILL_ILLOPN;
		break;
	case VEC_X87_FP:
	case VEC_SIMD_FP:
		sig = SIGFPE, code = 0; /* Linux reads the FPU status; vmos does not */
		break;
	case VEC_ALIGNMENT_CHECK:
		sig = SIGBUS, code = BUS_ADRALN;
		break;
	case VEC_SEGMENT_NOT_PRESENT:
	case VEC_STACK_SEGMENT: /* e.g. a push with a non-canonical rsp */
		sig = SIGBUS, code = SI_KERNEL; /* as Linux */
		break;
	default: /* #GP, #SS, #NP...: a general protection fault */
		break;
	}
	note_user_trap(tf->vector, tf->error_code);
	user_exception(sig, code, sig == SIGSEGV ? 0 : tf->rip, trap_name(tf->vector),
		       tf->vector == VEC_GP ? gp_reason(tf->rip, tf->error_code) : NULL,
		       tf->rip,
		       tf->rsp);
}

extern const char trap_return_iret[]; /* entry.asm: the iretq to user mode */
__noreturn void arch_resume_user(struct trap_frame *user);

/*
 * bad_iret - the iretq back to user mode faulted: the CPU refused what
 * rt_sigreturn or a debugger loaded, a non-canonical rip or a selector
 * that is no user segment.  As on Linux (fixup_bad_iret), that is the
 * program's fault, as if the user had taken the exception: it gets
 * SIGSEGV (SIGBUS for #SS, #NP) with the refused registers, the vector and
 * the CPU's error code (the refused selector) in its signal frame, or dies
 * of it; then the return to user
 * mode starts over from the user frame, now the handler's, and what this
 * fault pushed on the kernel stack is dropped.  Returns only if tf is not
 * that fault.
 */
static void bad_iret(struct trap_frame *tf)
{
	/* The iretq's frame is the user frame's tail: rsp pointed at its rip. */
	struct trap_frame *user =
		(struct trap_frame *)(tf->rsp - offsetof(struct trap_frame, rip));

	if (tf->rip != (u64)trap_return_iret || (user->cs & 3) != SEGMENT_RPL_USER)
		return;
	kernel_lock(); /* exit_to_user_mode() gave it up before the iretq */
	note_user_trap(tf->vector, tf->error_code);
	user_exception(tf->vector == VEC_GP ? SIGSEGV : SIGBUS, SI_KERNEL, 0,
		       "bad return to user mode",
		       "the CPU refused the registers a signal return or a debugger "
		       "set: a non-canonical rip, or a cs or ss that is not a user "
		       "segment", user->rip, user->rsp);
	exit_to_user_mode(user); /* the handler's frame, or the end */
	arch_resume_user(user);
}

/* Any other exception: the self-tests may expect it; otherwise a bug.
 * Out of line (as double_fault): trap_dispatch() stays small for the
 * page faults and interrupts that pass through it all the time. */
static __noinline void other_exception(struct trap_frame *tf)
{
	char where[KSYM_NAME_BUF];

	if (trap_from_user(tf)) {
		user_exception_signal(tf);
		return;
	}
	bad_iret(tf);

	catch_trap(tf->vector, tf->error_code, NULL);
	panic_frame(tf, "%s (vector %lu, error code 0x%lx) in %s",
		    trap_name(tf->vector), tf->vector, tf->error_code,
		    ksym_format(tf->rip, where, sizeof(where)));
}

/* An exception from user mode (not a page fault or a double fault: they
 * have their own ways): the task enters the kernel, and takes the kernel
 * lock (vmos/bkl.h).  Not for the machine's own alarms, which never wait
 * for it: NMI, machine check. */
static void exception_entry(const struct trap_frame *tf)
{
	if (trap_from_user(tf) && tf->vector != VEC_NMI &&
	    tf->vector != VEC_MACHINE_CHECK)
		kernel_lock();
}

void trap_dispatch(struct trap_frame *tf)
{
	if (tf->vector == VEC_PAGE_FAULT) { /* the most frequent, first */
		if (trap_from_user(tf))
			kernel_lock();
		page_fault(tf);
	} else if (tf->vector >= VEC_IRQ_BASE) {
		this_cpu()->irq_depth++;
		if (tf->vector == VEC_CALL_FUNCTION)
			smp_call_function_interrupt();
		else if (tf->vector == VEC_LOCAL_TIMER)
			local_timer_interrupt_ack(tf);
		else if (tf->vector == VEC_RESCHEDULE)
			lapic_eoi(); /* the way out looks at need_resched */
		else
			irq_dispatch(tf->vector - VEC_IRQ_BASE, tf);
		this_cpu()->irq_depth--;
		kernel_irq_exit(); /* the work it deferred, if the lock is free */
	} else if (tf->vector == VEC_DOUBLE_FAULT) {
		double_fault(tf);
	} else {
		exception_entry(tf);
		other_exception(tf);
	}
	if (trap_from_user(tf))
		exit_to_user_mode(tf);
}

void trap_print_regs(const struct trap_frame *tf)
{
	printk(KERN_EMERG "RIP: %04lx:%016lx RFLAGS: %016lx\n", tf->cs, tf->rip,
	       tf->rflags);
	printk(KERN_EMERG "RSP: %04lx:%016lx ERR: %016lx\n", tf->ss, tf->rsp,
	       tf->error_code);
	printk(KERN_EMERG "RAX: %016lx RBX: %016lx RCX: %016lx\n", tf->rax,
	       tf->rbx, tf->rcx);
	printk(KERN_EMERG "RDX: %016lx RSI: %016lx RDI: %016lx\n", tf->rdx,
	       tf->rsi, tf->rdi);
	printk(KERN_EMERG "RBP: %016lx R08: %016lx R09: %016lx\n", tf->rbp,
	       tf->r8, tf->r9);
	printk(KERN_EMERG "R10: %016lx R11: %016lx R12: %016lx\n", tf->r10,
	       tf->r11, tf->r12);
	printk(KERN_EMERG "R13: %016lx R14: %016lx R15: %016lx\n", tf->r13,
	       tf->r14, tf->r15);
	printk(KERN_EMERG "CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n",
	       read_cr0(), read_cr2(), read_cr3(), read_cr4());
}
