/*
 * tests/user/adv_cpu.c - a program that misuses the CPU (Pintos's pt-*,
 * xv6's kernmem and MAXVAplus): jumps into the kernel half and to
 * non-canonical addresses, system calls made with a stack pointer that is
 * in the kernel, non-canonical, unaligned or unmapped, RFLAGS bits a user
 * may set (NT, AC, TF) carried into a system call, writes to text and
 * read-only data, code run from the stack and the heap.  Each case runs in
 * a child that must die of the right signal, or go on normally; the
 * kernel must carry on either way.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "adv.h"

#define RFLAGS_TF 0x100ul
#define RFLAGS_NT 0x4000ul
#define RFLAGS_AC 0x40000ul

static const char rodata_bytes[] = "read-only";
static volatile char sink;

static __attribute__((noinline)) void jump_to(uintptr_t target)
{
	((void (*)(void))target)();
}

static void jump_kernel_text(void) { jump_to(KERNEL_TEXT); }
static void jump_kernel_direct(void) { jump_to(KERNEL_DIRECT); }
static void jump_noncanon_low(void) { jump_to(NONCANON_LOW); }
static void jump_noncanon_high(void) { jump_to(NONCANON_HIGH); }
static void jump_last_byte(void) { jump_to(LAST_USER_BYTE); }
static void jump_null(void) { jump_to(0); }

/* ret to a kernel address: the same as a jump, through the stack */
static void ret_to_kernel(void)
{
	__asm__ volatile("push %0; ret" : : "r"(KERNEL_TEXT + 0x1000));
}

/*
 * syscall_with_rsp - getpid made with rsp = sp (the kernel must neither
 * use nor trust the user's stack pointer); rsp is restored from a
 * callee-saved register afterwards.  Returns what the call returned.
 */
static long syscall_with_rsp(uint64_t sp, long nr)
{
	long ret;

	__asm__ volatile("mov %%rsp, %%r12\n\t"
			 "mov %2, %%rsp\n\t"
			 "syscall\n\t"
			 "mov %%r12, %%rsp"
			 : "=a"(ret)
			 : "a"(nr), "r"(sp)
			 : "rcx", "r11", "r12", "memory");
	return ret;
}

static void t_syscall_rsp(void)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long pid = SC0(SYS_getpid);

	munmap(page, 4096);
	CHECK_RAW(syscall_with_rsp(KERNEL_TEXT, SYS_getpid), pid);
	CHECK_RAW(syscall_with_rsp(KERNEL_DIRECT, SYS_getpid), pid);
	CHECK_RAW(syscall_with_rsp(NONCANON_LOW, SYS_getpid), pid);
	CHECK_RAW(syscall_with_rsp(NONCANON_HIGH, SYS_getpid), pid);
	CHECK_RAW(syscall_with_rsp(0, SYS_getpid), pid);
	CHECK_RAW(syscall_with_rsp((uint64_t)page + 4096, SYS_getpid), pid);
	CHECK_RAW(syscall_with_rsp(LAST_USER_BYTE, SYS_getpid), pid);
	CHECK_RAW(syscall_with_rsp((uint64_t)__builtin_frame_address(0) - 4093,
				   SYS_getpid), pid);
}

static void usr1(int sig) { (void)sig; }

/* A signal delivered while rsp is unusable: the frame cannot be written,
 * so the process dies of SIGSEGV (Linux: the same). */
static void signal_with_rsp(uint64_t sp)
{
	signal(SIGUSR1, usr1);
	__asm__ volatile("mov %%rsp, %%r12\n\t"
			 "mov %3, %%rsp\n\t"
			 "syscall\n\t"
			 "mov %%r12, %%rsp"
			 : : "a"(SYS_kill), "D"(SC0(SYS_getpid)), "S"(SIGUSR1),
			     "r"(sp)
			 : "rcx", "r11", "r12", "memory");
	_exit(0);
}

static void signal_rsp_kernel(void) { signal_with_rsp(KERNEL_TEXT); }
static void signal_rsp_noncanon(void) { signal_with_rsp(NONCANON_LOW); }
static void signal_rsp_null(void) { signal_with_rsp(0); }

/* An unaligned stack is the user's business: the frame is aligned. */
static void signal_rsp_unaligned(void)
{
	static char stack[8192] __attribute__((aligned(16)));

	signal_with_rsp((uint64_t)stack + 4096 + 3);
}

/* with_rflags - getpid with these RFLAGS bits set (popf in ring 3 may set
 * NT, AC and TF; syscall must not carry them into the kernel). */
static long with_rflags(uint64_t bits, long nr)
{
	long ret;

	__asm__ volatile("pushfq\n\t"
			 "orq %2, (%%rsp)\n\t"
			 "popfq\n\t"
			 "syscall\n\t"
			 "pushfq\n\t"
			 "andq %3, (%%rsp)\n\t"
			 "popfq"
			 : "=a"(ret)
			 : "a"(nr), "r"(bits), "r"(~bits)
			 : "rcx", "r11", "memory", "cc");
	return ret;
}

static void t_nt_flag(void)
{
	CHECK_RAW(with_rflags(RFLAGS_NT, SYS_getpid), SC0(SYS_getpid));
}

static void t_ac_flag(void)
{
	/* AC would let the kernel touch user memory under SMAP */
	CHECK_RAW(with_rflags(RFLAGS_AC, SYS_getpid), SC0(SYS_getpid));
}

static volatile int traps;

static void on_trap(int sig) { (void)sig; traps++; }

/* TF through syscall: the kernel is not single-stepped; the user is,
 * after the return (SIGTRAP). */
static void t_tf_flag(void)
{
	signal(SIGTRAP, on_trap);
	CHECK_RAW(with_rflags(RFLAGS_TF, SYS_getpid), SC0(SYS_getpid));
	CHECK(traps > 0, "no SIGTRAP after a syscall with TF set");
}

static void write_text(void) { *(volatile char *)(uintptr_t)jump_to = 0; }
static void write_rodata(void) { *(volatile char *)(uintptr_t)rodata_bytes = 0; }
static void write_kernel(void) { *(volatile char *)KERNEL_TEXT = 0; }
static void read_kernel_direct(void) { sink = *(volatile char *)KERNEL_DIRECT; }
static void read_noncanon(void) { sink = *(volatile char *)NONCANON_HIGH; }

static void exec_stack(void)
{
	unsigned char code[16] = { 0xc3 };

	((void (*)(void))(uintptr_t)code)();
}

static void exec_heap(void)
{
	unsigned char *p = (unsigned char *)SC1(SYS_brk, 0);

	SC1(SYS_brk, p + 4096);
	p[0] = 0xc3;
	((void (*)(void))(uintptr_t)p)();
}

static void exec_data(void)
{
	static unsigned char code[16] = { 0xc3 };

	((void (*)(void))(uintptr_t)code)();
}

/* Instructions only ring 0 may run, and doors into ring 0 that ring 3
 * may not open: a general protection fault each. */
static void cli_insn(void) { __asm__ volatile("cli"); }
static void in_insn(void) { __asm__ volatile("inb $0x80, %%al" : : : "rax"); }
static void hlt_insn(void) { __asm__ volatile("hlt"); }
static void lgdt_insn(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) d = { 0, 0 };

	__asm__ volatile("lgdt %0" : : "m"(d));
}
static void wrmsr_insn(void) { __asm__ volatile("wrmsr" : : "c"(0xc0000082), "a"(0), "d"(0)); }
static void mov_cr3(void) { __asm__ volatile("mov %0, %%cr3" : : "r"(0ul)); }
static void load_ring0_ss(void) { __asm__ volatile("mov %0, %%ss" : : "r"(0x10)); }
static void far_ring0(void)
{
	/* a far return to the kernel's code selector 0x08 */
	__asm__ volatile("pushq $0x08; pushq $0; lretq");
}
static void int_80(void) { __asm__ volatile("int $0x80"); }
static void int_0e(void) { __asm__ volatile("int $0x0e"); }

int main(void)
{
	long before;

	before = kmem_baseline();
	expect_death("jump to kernel text: SIGSEGV", jump_kernel_text, SIGSEGV);
	expect_death("jump to the kernel's direct map: SIGSEGV", jump_kernel_direct, SIGSEGV);
	expect_death("jump to 0x0000800000000000 (non-canonical): SIGSEGV", jump_noncanon_low, SIGSEGV);
	expect_death("jump to 0x8000000000000000 (non-canonical): SIGSEGV", jump_noncanon_high, SIGSEGV);
	expect_death("jump to the last user byte: SIGSEGV", jump_last_byte, SIGSEGV);
	expect_death("jump to NULL: SIGSEGV", jump_null, SIGSEGV);
	expect_death("ret to a kernel address: SIGSEGV", ret_to_kernel, SIGSEGV);
	RUN(t_syscall_rsp);
	expect_death("signal with rsp in the kernel: SIGSEGV", signal_rsp_kernel, SIGSEGV);
	expect_death("signal with a non-canonical rsp: SIGSEGV", signal_rsp_noncanon, SIGSEGV);
	expect_death("signal with rsp 0: SIGSEGV", signal_rsp_null, SIGSEGV);
	expect_death("signal with an unaligned rsp: handled", signal_rsp_unaligned, 0);
	RUN(t_nt_flag);
	RUN(t_ac_flag);
	RUN(t_tf_flag);
	expect_death("write to text: SIGSEGV", write_text, SIGSEGV);
	expect_death("write to rodata: SIGSEGV", write_rodata, SIGSEGV);
	expect_death("write to kernel text: SIGSEGV", write_kernel, SIGSEGV);
	expect_death("read the kernel's direct map: SIGSEGV", read_kernel_direct, SIGSEGV);
	expect_death("read a non-canonical address: SIGSEGV", read_noncanon, SIGSEGV);
	expect_death("execute the stack: SIGSEGV", exec_stack, SIGSEGV);
	expect_death("execute the heap: SIGSEGV", exec_heap, SIGSEGV);
	expect_death("execute data: SIGSEGV", exec_data, SIGSEGV);
	expect_death("cli: SIGSEGV", cli_insn, SIGSEGV);
	expect_death("in: SIGSEGV", in_insn, SIGSEGV);
	expect_death("hlt: SIGSEGV", hlt_insn, SIGSEGV);
	expect_death("lgdt: SIGSEGV", lgdt_insn, SIGSEGV);
	expect_death("wrmsr: SIGSEGV", wrmsr_insn, SIGSEGV);
	expect_death("mov to cr3: SIGSEGV", mov_cr3, SIGSEGV);
	expect_death("load the kernel's ss: SIGSEGV", load_ring0_ss, SIGSEGV);
	expect_death("far return to ring 0: SIGSEGV", far_ring0, SIGSEGV);
	expect_death("int 0x80 (no gate for ring 3): SIGSEGV", int_80, SIGSEGV);
	expect_death("int 0x0e (page fault gate): SIGSEGV", int_0e, SIGSEGV);
	leak_check("adv_cpu: no kernel memory lost", before, kmem_usage());
	return tap_done();
}
