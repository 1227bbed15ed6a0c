/*
 * tests/user/adv_signal.c - forged signal frames.  A SIGUSR1 handler
 * rewrites the ucontext the kernel saved before rt_sigreturn loads it
 * back: ring-0 or nonsense selectors, a non-canonical or kernel rip or
 * rsp, RFLAGS with IOPL 3, IF clear, TF, NT, VM, VIF, VIP, ID or AC, a
 * garbage fpstate pointer or MXCSR.  The kernel must either refuse the
 * frame (SIGSEGV) or load only what a user may set, as Linux does; never
 * give the process ring 0 or I/O privilege, never panic.  Also handlers
 * and restorers in the kernel half, and rt_sigreturn with no frame.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include "adv.h"

#define RFLAGS_TF 0x100ul
#define RFLAGS_IF 0x200ul
#define RFLAGS_IOPL 0x3000ul
#define RFLAGS_NT 0x4000ul
#define RFLAGS_VM 0x20000ul
#define RFLAGS_AC 0x40000ul
#define RFLAGS_VIF 0x80000ul
#define RFLAGS_VIP 0x100000ul
#define RFLAGS_ID 0x200000ul

/* What the handler does to the saved context. */
static void (*forge)(ucontext_t *uc);

static void handler(int sig, siginfo_t *si, void *ctx)
{
	(void)sig, (void)si;
	forge((ucontext_t *)ctx);
}

/* deliver - install the handler and raise SIGUSR1: the handler forges
 * the frame with f, and rt_sigreturn loads it. */
static void deliver(void (*f)(ucontext_t *))
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };

	forge = f;
	sigaction(SIGUSR1, &sa, NULL);
	SC2(SYS_kill, SC0(SYS_getpid), SIGUSR1);
}

static uint64_t rflags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static uint16_t cs_sel(void)
{
	uint16_t v;

	__asm__ volatile("mov %%cs, %0" : "=r"(v));
	return v;
}

static uint16_t ss_sel(void)
{
	uint16_t v;

	__asm__ volatile("mov %%ss, %0" : "=r"(v));
	return v;
}

#define GREG(uc, r) ((uc)->uc_mcontext.gregs[r])

/* ---- frames the kernel must refuse or that fault in user mode: SIGSEGV */
static void f_rip_noncanon(ucontext_t *uc) { GREG(uc, REG_RIP) = (long)NONCANON_HIGH; }
static void f_rip_noncanon_low(ucontext_t *uc) { GREG(uc, REG_RIP) = (long)NONCANON_LOW; }
static void f_rip_kernel(ucontext_t *uc) { GREG(uc, REG_RIP) = (long)KERNEL_TEXT; }
static void f_rip_last(ucontext_t *uc) { GREG(uc, REG_RIP) = (long)LAST_USER_BYTE; }
static void f_rsp_noncanon(ucontext_t *uc) { GREG(uc, REG_RSP) = (long)NONCANON_LOW; }
static void f_rsp_kernel(ucontext_t *uc) { GREG(uc, REG_RSP) = (long)KERNEL_DIRECT; }
static void f_fp_kernel(ucontext_t *uc) { uc->uc_mcontext.fpregs = (void *)KERNEL_TEXT; }
static void f_fp_noncanon(ucontext_t *uc) { uc->uc_mcontext.fpregs = (void *)NONCANON_LOW; }
static void f_fp_unmapped(ucontext_t *uc)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(p, 4096);
	uc->uc_mcontext.fpregs = p;
}

static void c_rip_noncanon(void) { deliver(f_rip_noncanon); }
static void c_rip_noncanon_low(void) { deliver(f_rip_noncanon_low); }
static void c_rip_kernel(void) { deliver(f_rip_kernel); }
static void c_rip_last(void) { deliver(f_rip_last); }
static void c_rsp_noncanon(void) { deliver(f_rsp_noncanon); }
static void c_rsp_kernel(void) { deliver(f_rsp_kernel); }
static void c_fp_kernel(void) { deliver(f_fp_kernel); }
static void c_fp_noncanon(void) { deliver(f_fp_noncanon); }
static void c_fp_unmapped(void) { deliver(f_fp_unmapped); }

/* ---- selectors: always the user's, whatever the frame says */
static void set_selectors(ucontext_t *uc, uint16_t cs, uint16_t ss)
{
	uint64_t v = (uint64_t)GREG(uc, REG_CSGSFS);

	/* cs, gs, fs, ss: 16 bits each */
	v = (v & 0x0000ffffffff0000ul) | cs | ((uint64_t)ss << 48);
	GREG(uc, REG_CSGSFS) = (long)v;
}

static void f_ring0_selectors(ucontext_t *uc) { set_selectors(uc, 0x08, 0x10); }
static void f_nonsense_selectors(ucontext_t *uc) { set_selectors(uc, 0xfff8, 0x1234); }
static void f_null_selectors(ucontext_t *uc) { set_selectors(uc, 0, 0); }
/* LDT selectors (TI set): there is no LDT, so the return faults (once a
 * page fault in the kernel: the CPU's reset LDT is at address 0) */
static void f_ldt_selectors(ucontext_t *uc) { set_selectors(uc, 0x47, 0x4f); }

static void check_ring3(void)
{
	CHECK((cs_sel() & 3) == 3 && (ss_sel() & 3) == 3,
	      "after sigreturn cs 0x%x ss 0x%x", cs_sel(), ss_sel());
	CHECK((rflags() & RFLAGS_IOPL) == 0, "rflags 0x%lx", rflags());
}

static void c_ring0_selectors(void)
{
	deliver(f_ring0_selectors);
	check_ring3();
	__asm__ volatile("cli"); /* ring 3: #GP */
}
static void c_nonsense_selectors(void) { deliver(f_nonsense_selectors); check_ring3(); }
static void c_null_selectors(void) { deliver(f_null_selectors); check_ring3(); }
static void c_ldt_selectors(void) { deliver(f_ldt_selectors); check_ring3(); }

/* The return to a refused rip faults, and the program sees it: its
 * SIGSEGV handler gets the rip it asked for in the saved context (Linux's
 * fixup_bad_iret; the SIGSEGV handler runs on an alternate stack, since
 * the refused frame's stack may be anything). */
static void on_bad_return(int sig, siginfo_t *si, void *p)
{
	ucontext_t *uc = p;

	(void)sig, (void)si;
	_exit(GREG(uc, REG_RIP) == (long)NONCANON_HIGH ? 0 : 1);
}

static void c_rip_noncanon_caught(void)
{
	static char altstack[16384];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_sigaction = on_bad_return,
				.sa_flags = SA_SIGINFO | SA_ONSTACK };

	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	deliver(f_rip_noncanon);
	_exit(2); /* not reached */
}

/* ---- RFLAGS: IOPL and IF are the kernel's; TF, AC the user's; NT, VM,
 * VIF, VIP, ID are not restored (Linux's FIX_EFLAGS) */
static void f_iopl3(ucontext_t *uc) { GREG(uc, REG_EFL) |= (long)RFLAGS_IOPL; }
static void f_if_clear(ucontext_t *uc) { GREG(uc, REG_EFL) &= ~(long)RFLAGS_IF; }
static void f_tf(ucontext_t *uc) { GREG(uc, REG_EFL) |= (long)RFLAGS_TF; }
static void f_nt(ucontext_t *uc) { GREG(uc, REG_EFL) |= (long)RFLAGS_NT; }
static void f_v86(ucontext_t *uc)
{
	GREG(uc, REG_EFL) |= (long)(RFLAGS_VM | RFLAGS_VIF | RFLAGS_VIP | RFLAGS_ID);
}
static void f_ac(ucontext_t *uc) { GREG(uc, REG_EFL) |= (long)RFLAGS_AC; }
static void f_all_flags(ucontext_t *uc) { GREG(uc, REG_EFL) = -1; }

static void c_iopl3_cli(void)
{
	deliver(f_iopl3);
	CHECK((rflags() & RFLAGS_IOPL) == 0, "IOPL became %lu", (rflags() >> 12) & 3);
	__asm__ volatile("cli");
}

static void c_iopl3_in(void)
{
	deliver(f_iopl3);
	__asm__ volatile("inb $0x80, %%al" : : : "rax");
}

static void c_if_clear(void)
{
	deliver(f_if_clear);
	CHECK(rflags() & RFLAGS_IF, "IF is clear in user mode: rflags 0x%lx", rflags());
}

static void c_tf(void) { deliver(f_tf); }

static void c_nt(void)
{
	deliver(f_nt);
	CHECK(!(rflags() & RFLAGS_NT), "NT was restored: rflags 0x%lx", rflags());
	CHECK_RAW(SC0(SYS_getpid), getpid());
}

static void c_v86(void)
{
	uint64_t id_before = rflags() & RFLAGS_ID;

	deliver(f_v86);
	CHECK((rflags() & (RFLAGS_VIF | RFLAGS_VIP)) == 0, "rflags 0x%lx", rflags());
	CHECK((rflags() & RFLAGS_ID) == id_before, "ID was restored: rflags 0x%lx", rflags());
	CHECK_RAW(SC0(SYS_getpid), getpid());
}

static void c_ac(void)
{
	deliver(f_ac);
	CHECK(rflags() & RFLAGS_AC, "AC (a user flag) was not restored");
	__asm__ volatile("pushfq; andq %0, (%%rsp); popfq" : : "r"(~RFLAGS_AC) : "cc");
	CHECK_RAW(SC2(SYS_uname, KERNEL_TEXT, 0), -EFAULT);
}

static void c_all_flags(void)
{
	deliver(f_all_flags); /* TF among them: SIGTRAP */
}

/* ---- FPU state: a NULL fpstate keeps the registers; a bad MXCSR is
 * cleaned (vmos; Linux refuses the frame with SIGSEGV) */
static void f_fp_null(ucontext_t *uc) { uc->uc_mcontext.fpregs = NULL; }
static void f_mxcsr(ucontext_t *uc) { uc->uc_mcontext.fpregs->mxcsr = 0xffffffff; }

static void c_fp_null(void) { deliver(f_fp_null); }

static void c_mxcsr(void)
{
	uint32_t m;

	deliver(f_mxcsr);
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	CHECK(m <= 0xffff, "MXCSR 0x%x has reserved bits", m);
}

/* ---- the signal mask in the frame cannot block SIGKILL or SIGSTOP */
static void f_mask_all(ucontext_t *uc) { memset(&uc->uc_sigmask, 0xff, 8); }

static void c_mask_all(void)
{
	uint64_t m = 0;

	deliver(f_mask_all);
	SC4(SYS_rt_sigprocmask, SIG_BLOCK, 0, &m, 8);
	CHECK(!(m & (1ul << (SIGKILL - 1))) && !(m & (1ul << (SIGSTOP - 1))),
	      "blocked 0x%lx", m);
}

/* ---- handlers and restorers the kernel half; rt_sigreturn with no frame */
struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};
#define SA_RESTORER 0x04000000

static void raw_handler(uint64_t handler, uint64_t restorer)
{
	struct k_sigaction ka = { handler, SA_RESTORER | SA_SIGINFO, restorer, 0 };

	CHECK_RAW(SC4(SYS_rt_sigaction, SIGUSR1, &ka, 0, 8), 0);
	SC2(SYS_kill, SC0(SYS_getpid), SIGUSR1);
}

static void nothing(int sig) { (void)sig; }

static void c_handler_noncanon(void) { raw_handler(NONCANON_HIGH, (uint64_t)nothing); }
static void c_handler_noncanon_low(void) { raw_handler(NONCANON_LOW, (uint64_t)nothing); }
static void c_handler_kernel(void) { raw_handler(KERNEL_TEXT, (uint64_t)nothing); }
static void c_restorer_kernel(void) { raw_handler((uint64_t)nothing, KERNEL_TEXT); }
static void c_restorer_noncanon(void) { raw_handler((uint64_t)nothing, NONCANON_HIGH); }

static void sigreturn_with_rsp(uint64_t sp)
{
	__asm__ volatile("mov %0, %%rsp; syscall" : : "r"(sp), "a"(SYS_rt_sigreturn));
}

static void c_sigreturn_kernel(void) { sigreturn_with_rsp(KERNEL_TEXT); }
static void c_sigreturn_noncanon(void) { sigreturn_with_rsp(NONCANON_LOW); }
static void c_sigreturn_last(void) { sigreturn_with_rsp(LAST_USER_BYTE - 7); }

static void c_sigreturn_zeros(void)
{
	/* a frame of zeros on a good page: rip 0, so a fault at 0 */
	static char page[8192] __attribute__((aligned(4096)));

	sigreturn_with_rsp((uint64_t)page + 8);
}

int main(void)
{
	long before = kmem_baseline();

	expect_death("frame rip 0x8000000000000000: SIGSEGV", c_rip_noncanon, SIGSEGV);
	expect_death("frame rip 0x0000800000000000: SIGSEGV", c_rip_noncanon_low, SIGSEGV);
	expect_death("frame rip in the kernel: SIGSEGV", c_rip_kernel, SIGSEGV);
	expect_death("frame rip the last user byte: SIGSEGV", c_rip_last, SIGSEGV);
	expect_death("frame rsp non-canonical: SIGSEGV", c_rsp_noncanon, SIGSEGV);
	expect_death("frame rsp in the kernel: SIGSEGV", c_rsp_kernel, SIGSEGV);
	expect_death("frame fpstate in the kernel: SIGSEGV", c_fp_kernel, SIGSEGV);
	expect_death("frame fpstate non-canonical: SIGSEGV", c_fp_noncanon, SIGSEGV);
	expect_death("frame fpstate unmapped: SIGSEGV", c_fp_unmapped, SIGSEGV);
	expect_death("frame cs 0x08 ss 0x10 (ring 0): still ring 3, cli faults",
		     c_ring0_selectors, SIGSEGV);
	/* Linux restores cs and ss as the frame says (with RPL 3): the CPU
	 * refuses such selectors at the return, which is then a SIGSEGV. */
	expect_death("frame cs 0xfff8 ss 0x1234: the return faults, SIGSEGV",
		     c_nonsense_selectors, SIGSEGV);
	expect_death("frame cs 0 ss 0: the return faults, SIGSEGV", c_null_selectors,
		     SIGSEGV);
	expect_death("frame cs 0x47 ss 0x4f (LDT selectors, no LDT): SIGSEGV",
		     c_ldt_selectors, SIGSEGV);
	expect_death("frame rip non-canonical: the SIGSEGV handler sees it",
		     c_rip_noncanon_caught, 0);
	expect_death("frame IOPL 3: ignored, cli faults", c_iopl3_cli, SIGSEGV);
	expect_death("frame IOPL 3: ignored, in faults", c_iopl3_in, SIGSEGV);
	expect_death("frame IF clear: ignored", c_if_clear, 0);
	expect_death("frame TF: restored, SIGTRAP", c_tf, SIGTRAP);
	expect_death("frame NT: not restored, syscalls work", c_nt, 0);
	expect_death("frame VM VIF VIP ID: not restored", c_v86, 0);
	expect_death("frame AC: restored, SMAP still holds", c_ac, 0);
	expect_death("frame rflags all ones: SIGTRAP (TF), nothing else", c_all_flags, SIGTRAP);
	expect_death("frame fpstate NULL: registers kept", c_fp_null, 0);
	expect_death("frame MXCSR 0xffffffff: reserved bits cleared", c_mxcsr, 0);
	expect_death("frame mask all ones: SIGKILL and SIGSTOP stay unblocked", c_mask_all, 0);
	expect_death("handler 0x8000000000000000: SIGSEGV", c_handler_noncanon, SIGSEGV);
	expect_death("handler 0x0000800000000000: SIGSEGV", c_handler_noncanon_low, SIGSEGV);
	expect_death("handler in the kernel: SIGSEGV", c_handler_kernel, SIGSEGV);
	expect_death("restorer in the kernel: SIGSEGV", c_restorer_kernel, SIGSEGV);
	expect_death("restorer non-canonical: SIGSEGV", c_restorer_noncanon, SIGSEGV);
	expect_death("rt_sigreturn with rsp in the kernel: SIGSEGV", c_sigreturn_kernel, SIGSEGV);
	expect_death("rt_sigreturn with rsp non-canonical: SIGSEGV", c_sigreturn_noncanon, SIGSEGV);
	expect_death("rt_sigreturn at the end of user space: SIGSEGV", c_sigreturn_last, SIGSEGV);
	expect_death("rt_sigreturn of zeros: SIGSEGV at 0", c_sigreturn_zeros, SIGSEGV);
	leak_check("adv_signal: no kernel memory lost", before, kmem_usage());
	return tap_done();
}
