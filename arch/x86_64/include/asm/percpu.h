/*
 * asm/percpu.h - what each CPU keeps for itself, reached through GS.
 *
 * Each CPU has a struct percpu, and while the CPU is in the kernel its GS
 * base (MSR_GS_BASE) points at it: `mov %gs:24, %rax` reads this CPU's
 * current task, on whichever CPU runs the code.  In user mode GS is the
 * user's (arch_prctl(ARCH_SET_GS), wrgsbase); `swapgs` exchanges the two
 * bases on every way into the kernel from user mode and back
 * (entry.asm), so that in the kernel MSR_KERNEL_GS_BASE holds the user's.
 * This is Linux's scheme (its per-CPU area and pcpu_hot).
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <asm/smp.h>
#include <vmos/types.h>

struct task;

struct percpu {
	struct percpu *self;   /* this struct's own address (this_cpu()) */
	u64 kernel_rsp;        /* the current task's kernel stack top: where
				  syscall_entry switches to (and TSS.rsp0) */
	u64 user_rsp;          /* syscall_entry's slot for the user's rsp */
	struct task *current;  /* the task this CPU runs */
	u32 cpu;               /* this CPU's number: 0 is the boot CPU */
	u32 irq_depth;         /* interrupt handlers this CPU is inside (in_irq()) */
	u64 loaded_root;       /* the page table in this CPU's CR3: the one
				  address space whose translations its TLB may
				  hold (no PCIDs: a CR3 write drops the rest) */
	/* TLB flushes, as Linux counts them (/proc/vmstat nr_tlb_*): one
	 * page or all of this CPU's, shootdowns this CPU asked of others,
	 * and those it did for another CPU. */
	u64 tlb_local_flush_one, tlb_local_flush_all;
	u64 tlb_remote_flush, tlb_remote_flush_received;
	/* Time this CPU spent running tasks in user mode and in the kernel
	 * (/proc/stat's cpuN lines; its idle time is its idle task's). */
	u64 user_ns, system_ns;
};

/* The offsets entry.asm uses (checked in percpu.c). */
#define PERCPU_KERNEL_RSP 8
#define PERCPU_USER_RSP 16
#define PERCPU_CURRENT 24

extern struct percpu percpu[NR_CPUS];

/* this_cpu - the running CPU's struct percpu. */
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	asm volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/* smp_processor_id - the running CPU's number (Linux's name): one load
 * through GS. */
static inline unsigned smp_processor_id(void)
{
	u32 cpu;

	asm volatile("movl %%gs:%c1, %0" : "=r"(cpu)
		     : "i"(__builtin_offsetof(struct percpu, cpu)));
	return cpu;
}

/* this_cpu_inc - add one to a u64 field of the running CPU's percpu in
 * one instruction (no interrupt can come between the read and the write). */
#define this_cpu_inc(field)                                                  \
	asm volatile("incq %%gs:%c0" : : "i"(__builtin_offsetof(struct percpu, field)) \
		     : "memory")

/* in_irq - is the running CPU inside an interrupt handler (a device's,
 * or another CPU's IPI)?  trap_dispatch() counts them. */
static inline bool in_irq(void)
{
	return this_cpu()->irq_depth != 0;
}

/* percpu_init - point the running CPU's GS base at percpu[cpu], the
 * user's GS base (MSR_KERNEL_GS_BASE while in the kernel) at 0. */
void percpu_init(unsigned cpu);

#endif
