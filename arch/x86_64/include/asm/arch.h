/*
 * asm/arch.h - the named hooks generic kernel code calls into arch/.
 * Everything x86-specific that kernel/ and mm/ need is behind these.
 */
#ifndef ASM_ARCH_H
#define ASM_ARCH_H

#include <vmos/types.h>

/* arch_early_init - console, CPU features, GDT/TSS, IDT, timer. */
void arch_early_init(void);
void gdt_init(void);
/* gdt_init_ap - give application processor cpu its own GDT and TSS, with
 * interrupt stacks ist[] (IST_* in asm/segment.h), and load them. */
void gdt_init_ap(unsigned cpu, const u64 ist[]);
void idt_init(void);
void load_idt(void);
void cpu_init(void);
/* cpu_init_ap - on an application processor: the boot CPU's protection
 * switches (CR0.WP, global pages, SMEP, SMAP, FSGSBASE). */
void cpu_init_ap(void);
void timer_init(void);

/* The stacks the CPU switches to (TSS): for interrupts from user mode and
 * the interrupt stack table entries (IST_* in asm/segment.h). */
void arch_set_kernel_stack(u64 top);
void arch_set_ist_stack(int ist, u64 top);
/* arch_load_ldt - make table (entries 8-byte descriptors) the local
 * descriptor table, or none for NULL (a null LDTR: every LDT selector
 * faults).  arch_unload_ldt - load none if table is the one loaded (it is
 * about to be freed). */
void arch_load_ldt(const void *table, unsigned entries);
void arch_unload_ldt(const void *table);

/* arch_call_on_stack - switch to the stack ending at top and call fn(arg);
 * fn must not return. */
__noreturn void arch_call_on_stack(u64 top, void (*fn)(void *), void *arg);

static inline void arch_irq_enable(void)
{
	asm volatile("sti" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}

/* arch_irq_save - disable interrupts; returns the previous state. */
static inline u64 arch_irq_save(void)
{
	u64 flags;
	asm volatile("pushfq; pop %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

/* arch_irqs_enabled - are interrupts on, on this CPU? */
static inline bool arch_irqs_enabled(void)
{
	u64 flags;
	asm volatile("pushfq; pop %0" : "=r"(flags));
	return flags & (1ul << 9); /* RFLAGS.IF */
}

/* arch_irq_restore - back to the state arch_irq_save returned. */
static inline void arch_irq_restore(u64 flags)
{
	if (flags & (1ul << 9)) /* RFLAGS.IF */
		asm volatile("sti" ::: "memory");
}

/* arch_idle - wait for the next interrupt. */
static inline void arch_idle(void)
{
	asm volatile("sti; hlt" ::: "memory");
}

/* arch_wait_irq - with interrupts off: let one in and wait for it (no
 * interrupt is lost between a check and the wait: sti takes effect
 * after hlt has begun), then off again. */
static inline void arch_wait_irq(void)
{
	asm volatile("sti; hlt; cli" ::: "memory");
}

/* arch_power_off - leave QEMU with exit status (QEMU exits with 2*status+1
 * under isa-debug-exit; ACPI S5 otherwise). Never returns. */
__noreturn void arch_power_off(int status);

/* arch_clock_ns - nanoseconds since boot (0 until the clock is calibrated). */
u64 arch_clock_ns(void);
/* arch_ticks - timer interrupts since timer_init (TIMER_HZ per second). */
u64 arch_ticks(void);
#define TIMER_HZ 1000
/* arch_tick_start / arch_tick_stop - this CPU's own tick, stopped while
 * it idles (CPU 0's is the PIT's IRQ 0, the machine's tick: never
 * stopped; the others' are their local APIC timers). */
void arch_tick_start(void);
void arch_tick_stop(void);
/* arch_send_reschedule - make CPU cpu look at the run queue (an IPI; it
 * wakes it from hlt, and its way back to user mode switches tasks if its
 * need_resched is set). */
void arch_send_reschedule(unsigned cpu);

/* arch_rtc_seconds - the date from the hardware clock, in seconds since 1970. */
u64 arch_rtc_seconds(void);
/* arch_rtc_second_register - the RTC's seconds register as it reads now
 * (BCD or binary): only for noticing that it changed. */
u8 arch_rtc_second_register(void);
/* The RTC's interrupt events (the MC146818's register C bits, which are
 * also the bits Linux's /dev/rtc read() reports). */
#define ARCH_RTC_UF 0x10 /* update ended: a new second */
#define ARCH_RTC_AF 0x20 /* alarm */
#define ARCH_RTC_PF 0x40 /* periodic */
/* arch_rtc_irq_init - with every event disabled, call handler (from the
 * interrupt) with the enabled events that fired. */
void arch_rtc_irq_init(void (*handler)(unsigned events));
/* arch_rtc_set_irqs - enable exactly these ARCH_RTC_* events. */
void arch_rtc_set_irqs(unsigned events);
/* arch_rtc_set_periodic - the periodic event's rate: a power of two from
 * 2 to 8192 Hz, else -EINVAL. */
int arch_rtc_set_periodic(unsigned hz);

/* arch_hwcap - AT_HWCAP for the auxiliary vector. */
u64 arch_hwcap(void);
/* arch_hwcap2 - AT_HWCAP2: HWCAP2_FSGSBASE when user code may use
 * rdfsbase/wrfsbase/rdgsbase/wrgsbase, as Linux. */
u64 arch_hwcap2(void);
/* arch_cycle_counter - a fast-moving counter (the TSC). */
u64 arch_cycle_counter(void);
/* arch_random_seed - entropy from the CPU (RDRAND) and timer jitter. */
u64 arch_random_seed(void);

/* CPU features found by cpu_init(), for the boot log and the tests. */
struct cpu_features {
	bool nx, smep, smap, pge, rdrand, pdpe1gb, fsgsbase;
	char vendor[13];
};
extern struct cpu_features cpu_features;

/* What /proc/cpuinfo says of the CPU (CPUID leaves 1, 0x80000002-4 and
 * 0x80000008; every CPU of a machine is the same model). */
struct cpu_ident {
	u32 family, model, stepping, cpuid_level, clflush_bytes;
	u32 phys_bits, virt_bits;
	char model_name[49];
};
void arch_cpu_ident(struct cpu_ident *id);
/* arch_tsc_hz - the TSC's frequency as the clock now believes it. */
u64 arch_tsc_hz(void);

/* arch_current_stack_pointer - for tests that look at their own stack. */
static inline u64 arch_current_stack_pointer(void)
{
	u64 sp;
	asm volatile("mov %%rsp, %0" : "=r"(sp));
	return sp;
}

#endif
