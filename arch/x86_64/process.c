/*
 * arch/x86_64/process.c - task state on x86-64: the FPU/SSE registers,
 * the user's data selectors and FS/GS bases, the syscall MSRs, and the
 * switch itself.
 *
 * The kernel never uses DS, ES or FS, and uses GS only through its base
 * (this CPU's struct percpu, asm/percpu.h): while a task is in the kernel,
 * the user's GS base waits in MSR_KERNEL_GS_BASE (entry.asm's swapgs).  So
 * they all hold the running task's values; the switch saves them and loads
 * the next task's, selector first, then base, as Linux's __switch_to with
 * FSGSBASE: a base the user set with wrgsbase survives a switch even if
 * the selector says otherwise.  Loading a GS selector also loads the GS
 * base, so it is done between two swapgs (load_user_gs), as Linux's
 * load_gs_index: it changes the user's base, not the kernel's.
 */
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <asm/segment.h>
#include <asm/thread.h>
#include <vmos/string.h>

#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_CSTAR 0xC0000083 /* syscall from 32-bit compatibility mode */
#define MSR_FMASK 0xC0000084
#define MSR_FS_BASE 0xC0000100
#define CR0_MP (1ul << 1)
#define CR0_EM (1ul << 2)
#define CR0_TS (1ul << 3)
#define CR4_OSXMMEXCPT (1ul << 10)
#define RFLAGS_DF (1ul << 10)
#define RFLAGS_TF (1ul << 8)
#define RFLAGS_NT (1ul << 14)
#define RFLAGS_RESERVED1 (1ul << 1) /* always reads as 1 */

extern void syscall_entry(void);
extern void syscall32_ignore(void);
extern void task_start(void);
extern void arch_switch_to(u64 *prev_sp, u64 next_sp);

static u8 fpu_clean[FPU_STATE_SIZE] __aligned(16);

void arch_fpu_enable(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	asm volatile("fninit");
}

void arch_fpu_init(void)
{
	arch_fpu_enable();
	/* Linux's initial state: x87 control word 0x37f, MXCSR 0x1f80. */
	asm volatile("fxsave64 %0" : "=m"(fpu_clean));
	*(u32 *)(fpu_clean + 24) = 0x1f80; /* MXCSR */
}

void arch_syscall_init(void)
{
	/* STAR: kernel CS in 47..32; 63..48 is the base for SYSRET (user
	 * CS = base + 16, SS = base + 8): our GDT puts user data right
	 * below user code as SYSRET requires. */
	u64 star = ((u64)(USER_DS - 3 - 8) << 48) | ((u64)KERNEL_CS << 32);

	wrmsr(MSR_STAR, star);
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	/* 32-bit code (an LDT code segment) may run syscall too; with no
	 * IA32 emulation it gets -ENOSYS, as Linux's ignore_sysret.  Left
	 * 0, the CPU would jump to address 0 in ring 0. */
	wrmsr(MSR_CSTAR, (u64)syscall32_ignore);
	/* Flags the kernel must not run with, whatever the user set with
	 * popf: NT too, or the kernel's own iretq raises #GP (in 64-bit
	 * mode iretq with NT set is a fault, not a task return). */
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void arch_thread_start(struct arch_thread *t, u64 kstack_top,
		       void (*fn)(void *), void *arg)
{
	/* Below the user frame: what arch_switch_to pops (r15, r14, r13,
	 * r12, rbx, rbp) and its return address, task_start. */
	u64 *sp = (u64 *)arch_user_frame(kstack_top);

	*--sp = (u64)task_start;
	*--sp = 0;           /* rbp */
	*--sp = 0;           /* rbx */
	*--sp = (u64)fn;     /* r12 */
	*--sp = (u64)arg;    /* r13 */
	*--sp = 0;           /* r14 */
	*--sp = 0;           /* r15 */
	t->kernel_sp = (u64)sp;
}

/* Access rights as lar returns them (Intel SDM vol. 3, 3.4.5). */
#define AR_TYPE_CODE (1u << 11)
#define AR_TYPE_READABLE (1u << 9) /* of a code segment */
#define AR_S (1u << 12)            /* code or data, not a system segment */
#define AR_P (1u << 15)

/*
 * usable_data_selector - may sel be loaded into DS/ES/FS/GS now without a
 * fault?  A null selector (any RPL) may; otherwise lar must accept it from
 * ring 0 with RPL 3 (so DPL 3) and it must be a present data or readable
 * code segment.  A user can leave a selector that no longer fits (a
 * debugger's poke, an LDT entry changed since): the switch then loads 0,
 * as Linux's loadseg fixup.
 */
static bool usable_data_selector(u16 sel)
{
	u32 ar;
	u8 ok;

	if ((sel & ~SEGMENT_RPL_USER) == 0)
		return true;
	asm volatile("lar %2, %0; setz %1" : "=r"(ar), "=qm"(ok) : "r"((u32)sel) : "cc");
	if (!ok || !(ar & AR_S) || !(ar & AR_P))
		return false;
	return !(ar & AR_TYPE_CODE) || (ar & AR_TYPE_READABLE);
}

/* load_user_gs - load the user's GS selector, s: it lands in the user's
 * GS (swapped in for the one instruction), interrupts off meanwhile. */
static void load_user_gs(u16 s)
{
	u64 flags = arch_irq_save();

	asm volatile("swapgs; mov %0, %%gs; swapgs" : : "r"((u32)s) : "memory");
	arch_irq_restore(flags);
}

#define LOAD_SEG(seg, sel)                                                  \
	do {                                                                \
		u16 s_ = usable_data_selector(sel) ? (sel) : 0;             \
		asm volatile("mov %0, %%" #seg : : "r"((u32)s_) : "memory"); \
	} while (0)

/* save_fsgs - the running task's selectors and bases into t. */
static void save_fsgs(struct arch_thread *t)
{
	asm volatile("mov %%ds, %0" : "=r"(t->ds));
	asm volatile("mov %%es, %0" : "=r"(t->es));
	asm volatile("mov %%fs, %0" : "=r"(t->fsindex));
	asm volatile("mov %%gs, %0" : "=r"(t->gsindex));
	t->fs_base = rdmsr(MSR_FS_BASE);
	t->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
}

/* load_fsgs - next's selectors (those that may differ from prev's, which
 * save_fsgs just read), then its bases. */
static void load_fsgs(const struct arch_thread *prev, const struct arch_thread *next)
{
	if (prev->ds | next->ds)
		LOAD_SEG(ds, next->ds);
	if (prev->es | next->es)
		LOAD_SEG(es, next->es);
	if (prev->fsindex | next->fsindex)
		LOAD_SEG(fs, next->fsindex);
	if (prev->gsindex | next->gsindex)
		load_user_gs(usable_data_selector(next->gsindex) ? next->gsindex : 0);
	wrmsr(MSR_FS_BASE, next->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
}

void arch_thread_fork(struct arch_thread *child)
{
	/* The caller runs: its FPU registers are live in the CPU. */
	asm volatile("fxsave64 %0" : "=m"(child->fpu));
	save_fsgs(child);
	child->trap_nr = child->error_code = child->cr2 = 0;
	child->notsc = read_cr4() & CR4_TSD ? true : false; /* inherited, as Linux */
}

void arch_thread_save_fpu(struct arch_thread *t)
{
	asm volatile("fxsave64 %0" : "=m"(t->fpu));
}

void arch_thread_load_fpu(struct arch_thread *t)
{
	/* A user-supplied image (sigreturn): MXCSR reserved bits would #GP. */
	*(u32 *)(t->fpu + 24) &= 0xffff;
	asm volatile("fxrstor64 %0" : : "m"(t->fpu));
}

u64 arch_hwcap(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d; /* AT_HWCAP on x86: CPUID.1:EDX, as Linux reports it */
}

u64 arch_cycle_counter(void)
{
	return rdtsc();
}

u64 arch_random_seed(void)
{
	u64 seed = rdtsc(), v;
	unsigned char ok;

	if (cpu_features.rdrand) {
		for (int i = 0; i < 4; i++) {
			asm volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
			if (ok)
				seed = seed * 0x9e3779b97f4a7c15ull ^ v;
		}
	}
	/* Timer jitter: how the TSC advances across a few port reads. */
	for (int i = 0; i < 8; i++) {
		(void)inb(0x80);
		seed = (seed << 7 | seed >> 57) ^ rdtsc();
	}
	return seed;
}

void arch_thread_reset_fpu(struct arch_thread *t)
{
	/* t is the running task (execve): reset the live registers too. */
	memcpy(t->fpu, fpu_clean, FPU_STATE_SIZE);
	asm volatile("fxrstor64 %0" : : "m"(t->fpu));
	/* Linux's start_thread: null selectors, both bases 0. */
	asm volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%fs"
		     : : "r"(0u) : "memory");
	load_user_gs(0);
	t->ds = t->es = t->fsindex = t->gsindex = 0;
	t->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	t->gs_base = 0;
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void arch_frame_setup_user(struct trap_frame *tf, u64 ip, u64 sp)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = ip;
	tf->rsp = sp;
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	tf->rflags = RFLAGS_IF | RFLAGS_RESERVED1;
}

void arch_set_fs_base(struct arch_thread *t, u64 base)
{
	asm volatile("mov %0, %%fs" : : "r"(0u) : "memory");
	t->fsindex = 0;
	t->fs_base = base;
	wrmsr(MSR_FS_BASE, base);
}

void arch_set_gs_base(struct arch_thread *t, u64 base)
{
	load_user_gs(0);
	t->gsindex = 0;
	t->gs_base = base;
	wrmsr(MSR_KERNEL_GS_BASE, base);
}

u64 arch_get_fs_base(void)
{
	return rdmsr(MSR_FS_BASE);
}

u64 arch_get_gs_base(void)
{
	return rdmsr(MSR_KERNEL_GS_BASE);
}

void arch_set_notsc(struct arch_thread *t, bool notsc)
{
	u64 cr4 = read_cr4();

	t->notsc = notsc;
	write_cr4(notsc ? cr4 | CR4_TSD : cr4 & ~CR4_TSD);
}

__sched void arch_switch(struct arch_thread *prev, struct arch_thread *next,
		 u64 next_kstack_top)
{
	if (prev->notsc != next->notsc)
		write_cr4(next->notsc ? read_cr4() | CR4_TSD : read_cr4() & ~CR4_TSD);
	asm volatile("fxsave64 %0" : "=m"(prev->fpu));
	asm volatile("fxrstor64 %0" : : "m"(next->fpu));
	save_fsgs(prev);
	load_fsgs(prev, next);
	arch_set_kernel_stack(next_kstack_top); /* TSS.rsp0 and syscall_entry's */
	arch_switch_to(&prev->kernel_sp, next->kernel_sp);
}
