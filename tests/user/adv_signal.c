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
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
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

/* ---- the frame's trapno, err and cr2: the last user exception's, as
 * Linux (thread.trap_nr, error_code, cr2), whatever sends the signal */
#define TRAP_PF 14
#define TRAP_GP 13
#define PF_WRITE_USER 0x6 /* not present, write, user mode */

static sigjmp_buf trap_jmp;
static volatile long seen_trapno, seen_err, seen_cr2, seen_rax;

static void record_and_jump(int sig, siginfo_t *si, void *p)
{
	ucontext_t *uc = p;

	(void)sig, (void)si;
	seen_trapno = GREG(uc, REG_TRAPNO);
	seen_err = GREG(uc, REG_ERR);
	seen_cr2 = GREG(uc, REG_CR2);
	seen_rax = GREG(uc, REG_RAX);
	siglongjmp(trap_jmp, 1);
}

static void catch_on_altstack(int sig, void (*h)(int, siginfo_t *, void *))
{
	static char altstack[16384];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_sigaction = h, .sa_flags = SA_SIGINFO | SA_ONSTACK };

	sigaltstack(&ss, NULL);
	sigaction(sig, &sa, NULL);
}

static void c_frame_fresh_kill(void)
{
	catch_on_altstack(SIGUSR2, record_and_jump);
	if (!sigsetjmp(trap_jmp, 1))
		SC2(SYS_kill, SC0(SYS_getpid), SIGUSR2);
	CHECK(seen_trapno == 0 && seen_err == 0 && seen_cr2 == 0,
	      "kill in a fresh process: trapno %ld err 0x%lx cr2 0x%lx",
	      seen_trapno, seen_err, seen_cr2);
}

static void c_frame_page_fault(void)
{
	volatile int *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap((void *)p, 4096);
	catch_on_altstack(SIGSEGV, record_and_jump);
	catch_on_altstack(SIGUSR2, record_and_jump);
	if (!sigsetjmp(trap_jmp, 1))
		*p = 1;
	CHECK(seen_trapno == TRAP_PF && seen_err == PF_WRITE_USER &&
	      seen_cr2 == (long)p, "write fault at %p: trapno %ld err 0x%lx cr2 0x%lx",
	      (void *)p, seen_trapno, seen_err, seen_cr2);
	seen_trapno = seen_err = seen_cr2 = -1;
	if (!sigsetjmp(trap_jmp, 1)) /* a later kill() shows the same */
		SC2(SYS_kill, SC0(SYS_getpid), SIGUSR2);
	CHECK(seen_trapno == TRAP_PF && seen_err == PF_WRITE_USER &&
	      seen_cr2 == (long)p, "kill after the fault: trapno %ld err 0x%lx cr2 0x%lx",
	      seen_trapno, seen_err, seen_cr2);
}

/* A return the CPU refuses (ss = the user code segment) is the user's #GP
 * with the selector as error code (Linux's fixup_bad_iret). */
static void f_ss_user_cs(ucontext_t *uc) { set_selectors(uc, cs_sel(), cs_sel()); }

static void c_frame_bad_iret(void)
{
	catch_on_altstack(SIGSEGV, record_and_jump);
	if (!sigsetjmp(trap_jmp, 1))
		deliver(f_ss_user_cs);
	CHECK(seen_trapno == TRAP_GP && seen_err == (cs_sel() & ~3) && seen_cr2 == 0,
	      "refused return: trapno %ld err 0x%lx cr2 0x%lx", seen_trapno,
	      seen_err, seen_cr2);
}

/* ---- modify_ldt(2) */
struct user_desc {
	unsigned entry_number, base_addr, limit;
	unsigned seg_32bit : 1, contents : 2, read_exec_only : 1,
		limit_in_pages : 1, seg_not_present : 1, useable : 1, lm : 1;
};
#define LDT_SEL(i) ((uint16_t)((i) << 3 | 7))
/* Linux returns modify_ldt's result as an unsigned int in rax. */
#define LDT_ERR(e) ((long)(uint32_t)-(e))

static long write_ldt(int func, unsigned entry, unsigned base, unsigned limit,
		      int seg_32bit, int contents, int not_present, int pages)
{
	struct user_desc d = { .entry_number = entry, .base_addr = base,
			       .limit = limit, .seg_32bit = seg_32bit,
			       .contents = contents, .seg_not_present = not_present,
			       .limit_in_pages = pages };

	return SC3(SYS_modify_ldt, func, &d, sizeof(d));
}

static uint32_t gs_read(uint16_t sel)
{
	uint32_t v;

	__asm__ volatile("mov %1, %%gs; movl %%gs:0, %0" : "=r"(v) : "r"((uint32_t)sel));
	return v;
}

static void *low_page(int prot)
{
	return mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
}

static void c_ldt_rules(void)
{
	struct user_desc d = { 0 };
	uint64_t table[4] = { 0 };
	uint8_t deflt[256];

	CHECK_RAW(SC3(SYS_modify_ldt, 0, table, sizeof(table)), 0); /* no LDT */
	CHECK_RAW(SC3(SYS_modify_ldt, 1, &d, sizeof(d) - 1), LDT_ERR(EINVAL));
	CHECK_RAW(SC3(SYS_modify_ldt, 1, KERNEL_TEXT, sizeof(d)), LDT_ERR(EFAULT));
	CHECK_RAW(SC3(SYS_modify_ldt, 3, &d, sizeof(d)), LDT_ERR(ENOSYS));
	CHECK_RAW(write_ldt(1, 8192, 0, 0xfffff, 1, 0, 0, 1), LDT_ERR(EINVAL));
	/* a present conforming code segment: never */
	CHECK_RAW(write_ldt(0x11, 2, 0, 0xfffff, 1, 3, 0, 1), LDT_ERR(EINVAL));
	CHECK_RAW(write_ldt(1, 2, 0, 0xfffff, 1, 3, 1, 1), LDT_ERR(EINVAL));
	CHECK_RAW(write_ldt(0x11, 2, 0, 0xfffff, 1, 3, 1, 1), 0);
	/* Linux's encoding: DPL 3, S, accessed, L clear */
	CHECK_RAW(write_ldt(1, 1, 0x12345678, 0xfffff, 1, 0, 0, 1), 0);
	CHECK_RAW(SC3(SYS_modify_ldt, 0, table, sizeof(table)), sizeof(table));
	CHECK(table[1] == 0x12cff3345678fffful && table[0] == 0 && table[3] == 0,
	      "LDT reads %016lx %016lx %016lx %016lx", table[0], table[1], table[2], table[3]);
	/* "empty": cleared, not a descriptor */
	d = (struct user_desc){ .entry_number = 1, .read_exec_only = 1, .seg_not_present = 1 };
	CHECK_RAW(SC3(SYS_modify_ldt, 0x11, &d, sizeof(d)), 0);
	CHECK_RAW(SC3(SYS_modify_ldt, 0, table, sizeof(table)), sizeof(table));
	CHECK(table[1] == 0, "cleared entry reads %016lx", table[1]);
	memset(deflt, 0xff, sizeof(deflt));
	CHECK_RAW(SC3(SYS_modify_ldt, 2, deflt, sizeof(deflt)), 128);
	/* 16-bit segments: refused (no espfix), as Linux built without
	 * CONFIG_X86_16BIT (Debian's accepts them) */
	CHECK_RAW(write_ldt(1, 6, 0, 0xffff, 0, 0, 0, 0), LDT_ERR(EINVAL));
	CHECK(deflt[0] == 0 && deflt[127] == 0 && deflt[128] == 0xff, "default LDT");
}

/* An LDT data segment in GS: its base, across a switch and in a child. */
static void c_ldt_gs(void)
{
	uint32_t *v = low_page(PROT_READ | PROT_WRITE);
	int status;
	pid_t pid;

	v[0] = 0x600dcafe;
	CHECK_RAW(write_ldt(1, 5, (unsigned)(uintptr_t)v, 4095, 1, 0, 0, 0), 0);
	CHECK(gs_read(LDT_SEL(5)) == 0x600dcafe, "gs:0 through the LDT");
	SC0(SYS_sched_yield);
	usleep(1000);
	CHECK(gs_read(LDT_SEL(5)) == 0x600dcafe, "gs:0 after a switch");
	pid = fork();
	if (pid == 0)
		_exit(gs_read(LDT_SEL(5)) == 0x600dcafe ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "the child's LDT: status 0x%x", status);
}

/* execve drops the LDT: the new image (this program, --ldt-after-exec)
 * reads none. */
#define SELF "/tests/adv_signal"

static void c_ldt_exec(void)
{
	char *argv[] = { SELF, "--ldt-after-exec", NULL };

	CHECK_RAW(write_ldt(1, 5, 0x1000, 4095, 1, 0, 0, 0), 0);
	execve(SELF, argv, NULL);
	CHECK(0, "execve %s", SELF);
}

static int ldt_after_exec(void)
{
	uint64_t table[8];

	return SC3(SYS_modify_ldt, 0, table, sizeof(table)) == 0 ? 0 : 1;
}

/* ---- FS/GS bases with FSGSBASE (AT_HWCAP2 bit 1), as Linux 5.9+ */
#define HWCAP2_FSGSBASE 2
#define ARCH_SET_GS 0x1001
#define ARCH_GET_GS 0x1004

static uint16_t gs_sel(void)
{
	uint16_t v;

	__asm__ volatile("mov %%gs, %0" : "=r"(v));
	return v;
}

static void c_fsgsbase(void)
{
	uint32_t *v = low_page(PROT_READ | PROT_WRITE);
	uint64_t base = 0, got = 0;

	if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE)) {
		printf("# no FSGSBASE on this CPU\n");
		return;
	}
	/* A base set with wrgsbase survives a switch, and so does the
	 * selector that says otherwise (Linux's __switch_to). */
	CHECK_RAW(write_ldt(1, 5, (unsigned)(uintptr_t)v, 4095, 1, 0, 0, 0), 0);
	__asm__ volatile("mov %0, %%gs" : : "r"((uint32_t)LDT_SEL(5)));
	__asm__ volatile("wrgsbase %0" : : "r"(0x200000000ul));
	usleep(1000);
	__asm__ volatile("rdgsbase %0" : "=r"(base));
	CHECK(base == 0x200000000ul && gs_sel() == LDT_SEL(5),
	      "after a switch gs 0x%x base 0x%lx", gs_sel(), base);
	CHECK_RAW(SC2(SYS_arch_prctl, ARCH_GET_GS, &got), 0); /* the live base */
	CHECK(got == 0x200000000ul, "ARCH_GET_GS 0x%lx", got);
	/* ARCH_SET_GS sets the selector to 0 and the base */
	CHECK_RAW(SC2(SYS_arch_prctl, ARCH_SET_GS, 0x1000), 0);
	__asm__ volatile("rdgsbase %0" : "=r"(base));
	CHECK(base == 0x1000 && gs_sel() == 0, "ARCH_SET_GS: gs 0x%x base 0x%lx",
	      gs_sel(), base);
}

/* ---- 32-bit code (an LDT code segment): its syscall gets -ENOSYS (no
 * IA32 emulation; MSR_CSTAR left 0 would jump to 0 in ring 0) */
static void c_compat_syscall(void)
{
	uint8_t *code = low_page(PROT_READ | PROT_WRITE | PROT_EXEC);
	struct { uint32_t off; uint16_t sel; } __attribute__((packed)) far;

	code[0] = 0x0f, code[1] = 0x05; /* syscall */
	code[2] = 0xcc;                 /* int3 */
	CHECK_RAW(write_ldt(1, 0, 0, 0xfffff, 1, 2, 0, 1), 0); /* 32-bit code */
	far.off = (uint32_t)(uintptr_t)code;
	far.sel = LDT_SEL(0);
	catch_on_altstack(SIGTRAP, record_and_jump);
	if (!sigsetjmp(trap_jmp, 1))
		__asm__ volatile("ljmpl *%0" : : "m"(far) : "memory");
	CHECK((uint32_t)seen_rax == (uint32_t)-ENOSYS && seen_trapno == 3,
	      "32-bit syscall: eax 0x%lx trapno %ld", seen_rax & 0xffffffff, seen_trapno);
}

/* ---- fuzz: random descriptors, selector loads, forged cs/ss returns;
 * whatever the program does, the kernel carries on */
static uint64_t fuzz_state = 0x9e3779b97f4a7c15ul;
static uint8_t *fuzz_int3;
static uint32_t fuzz_base[16];
static volatile uint16_t fuzz_cs, fuzz_ss;

static uint64_t fuzz_rand(void)
{
	fuzz_state ^= fuzz_state << 13;
	fuzz_state ^= fuzz_state >> 7;
	fuzz_state ^= fuzz_state << 17;
	return fuzz_state;
}

static void f_fuzz(ucontext_t *uc)
{
	uint16_t cs = fuzz_cs;

	set_selectors(uc, cs, fuzz_ss);
	/* land on int3 whatever the code segment's base */
	GREG(uc, REG_RIP) = (long)(uint32_t)((uintptr_t)fuzz_int3 -
					     ((cs & 4) ? fuzz_base[(cs >> 3) & 15] : 0));
}

static uint16_t fuzz_selector(void)
{
	uint64_t r = fuzz_rand();

	return (r & 3) ? LDT_SEL((r >> 8) & 15) : (uint16_t)(r >> 16);
}

static long fuzz_rounds = 1500; /* adv_signal --fuzz ROUNDS SEED: more */

static void c_fuzz(void)
{
	int sigs[] = { SIGSEGV, SIGBUS, SIGTRAP, SIGILL, SIGFPE };
	uint64_t r;
	volatile long caught = 0, written = 0;

	fuzz_int3 = low_page(PROT_READ | PROT_WRITE | PROT_EXEC);
	memset(fuzz_int3, 0xcc, 4096);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		catch_on_altstack(sigs[i], record_and_jump);
	alarm(fuzz_rounds > 1500 ? 0 : 30);
	for (long i = 0; i < fuzz_rounds; i++) {
		struct user_desc d;
		volatile uint16_t sel = fuzz_selector();

		r = fuzz_rand();
		memcpy(&d, &r, 8);
		r = fuzz_rand();
		memcpy((char *)&d + 8, &r, 8);
		d.entry_number &= 15;
		if (fuzz_rand() & 1)
			d.base_addr = 0;
		fuzz_base[d.entry_number] = d.base_addr;
		if (SC3(SYS_modify_ldt, (fuzz_rand() & 1) ? 1 : 0x11, &d, sizeof(d)) == 0)
			written++;
		if (sigsetjmp(trap_jmp, 1)) {
			caught++;
			continue;
		}
		switch (fuzz_rand() % 4) {
		case 0:
			__asm__ volatile("mov %0, %%ds" : : "r"((uint32_t)sel));
			break;
		case 1:
			__asm__ volatile("mov %0, %%es" : : "r"((uint32_t)sel));
			break;
		case 2:
			__asm__ volatile("mov %0, %%gs" : : "r"((uint32_t)sel));
			break;
		default:
			fuzz_cs = fuzz_selector();
			fuzz_ss = fuzz_selector();
			deliver(f_fuzz);
			break;
		}
		if (i % 16 == 0)
			SC0(SYS_sched_yield); /* switch with what is loaded */
	}
	alarm(0);
	printf("# fuzz: %ld rounds, %ld entries written, %ld signals caught\n",
	       fuzz_rounds, (long)written, (long)caught);
}

int main(int argc, char **argv)
{
	long before;

	if (argc > 1 && !strcmp(argv[1], "--ldt-after-exec"))
		return ldt_after_exec();
	if (argc > 3 && !strcmp(argv[1], "--fuzz")) { /* a longer pass, by hand */
		fuzz_rounds = atol(argv[2]);
		fuzz_state = strtoull(argv[3], NULL, 0) | 1;
		expect_death("fuzz: random LDT entries, selector loads and returns",
			     c_fuzz, 0);
		return tap_done();
	}
	before = kmem_baseline();

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
	expect_death("frame of a kill() in a fresh process: trapno, err, cr2 0",
		     c_frame_fresh_kill, 0);
	expect_death("frame of a write fault: trapno 14, err 6, cr2 the address; "
		     "a later kill() shows them too", c_frame_page_fault, 0);
	expect_death("frame of a refused return (ss = user cs): #GP, err the selector",
		     c_frame_bad_iret, 0);
	expect_death("modify_ldt: Linux's rules, encoding and errors", c_ldt_rules, 0);
	expect_death("modify_ldt: an LDT segment in gs, across a switch and fork",
		     c_ldt_gs, 0);
	expect_death("modify_ldt: execve drops the LDT", c_ldt_exec, 0);
	expect_death("FSGSBASE: base and selector kept across a switch; ARCH_GET_GS",
		     c_fsgsbase, 0);
	expect_death("syscall in 32-bit code: -ENOSYS", c_compat_syscall, 0);
	expect_death("fuzz: random LDT entries, selector loads and returns",
		     c_fuzz, 0);
	leak_check("adv_signal: no kernel memory lost", before, kmem_usage());
	return tap_done();
}
