/*
 * arch/x86_64/smp.c - starting the other CPUs (application processors).
 *
 * The firmware starts only one CPU, the boot CPU (the bootstrap processor,
 * BSP).  The others wait, halted, for an INIT IPI and then a STARTUP IPI
 * from it (Intel SDM vol. 3, 9.4, "Multiple-Processor (MP)
 * Initialization").  ACPI's MADT lists them by local APIC id (acpi.c).
 * smp_init() starts them one at a time:
 *   1. copy the trampoline (trampoline.asm) to TRAMPOLINE_BASE in the
 *      first MiB, with the boot page tables, EFER bits and ap_start64;
 *   2. for each CPU: a kernel stack and interrupt stacks (with guard
 *      pages, mm/kstack.c), then INIT, STARTUP, STARTUP: the CPU runs the
 *      trampoline into long mode and ap_main(cpu) below;
 *   3. ap_main() gives the CPU its own GDT and TSS, the shared IDT, the
 *      boot CPU's protection switches (CR0.WP, SMEP, SMAP...), the FPU and
 *      its local APIC, and reports in (cpu_info[cpu].online);
 *   4. the boot CPU waits for that before starting the next.
 * Then each started CPU idles: halted, woken only by the IPIs of another
 * CPU that asks it to run a function (smp_call_function_*, below: the
 * TLB shootdown is one).  The scheduler and the locks that let it run
 * tasks are the rest of issue 18 (docs/smp.md says what is done and in
 * what order).
 */
#include <asm/apic.h>
#include <asm/acpi.h>
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/segment.h>
#include <asm/smp.h>
#include <asm/thread.h>
#include <asm/tlb.h>
#include <asm/trap.h>
#include <vmos/bkl.h>
#include <vmos/errno.h>
#include <vmos/format.h>
#include <vmos/printk.h>
#include <vmos/spinlock.h>
#include <vmos/string.h>
#include "kernel/task.h"
#include "mm/kstack.h"
#include "mm/paging.h"

#define TRAMPOLINE_BASE 0x8000 /* trampoline.asm's; STARTUP vector 0x08 */
#define STARTUP_WAIT_NS 200000ull     /* between the two STARTUP IPIs */
#define ONLINE_WAIT_NS 1000000000ull  /* 1 s: a slow host schedules the vCPU late */
#define CALL_WAIT_NS 1000000000ull    /* 1 s for another CPU to run a function */

struct cpu_info cpu_info[NR_CPUS];
unsigned nr_cpus_online = 1;

/* trampoline.asm: the code and, inside it, what smp.c fills in. */
extern const char trampoline_start[], trampoline_end[], trampoline_params[];
extern char boot_pml4[], ap_start64[];
struct trampoline_params {
	u64 cr3, efer, entry;
};

/* For the one CPU being started: read by ap_start64 (trampoline.asm). */
struct {
	u64 cr3, stack_top, cpu;
} ap_boot;

/* Each started CPU's stacks; never freed (a CPU is never stopped). */
static struct kstack cpu_stack[NR_CPUS], cpu_ist[NR_CPUS][IST_COUNT];

__noreturn void ap_main(u64 cpu);

__noreturn void ap_main(u64 cpu)
{
	u64 ist[IST_COUNT];

	percpu_init(cpu);
	this_cpu()->loaded_root = ap_boot.cr3; /* ap_start64 loaded it */
	load_idt();
	for (int i = 0; i < IST_COUNT; i++)
		ist[i] = cpu_ist[cpu][i].top;
	gdt_init_ap(cpu, ist);
	cpu_init_ap();
	arch_fpu_enable();
	arch_syscall_init(); /* the syscall instruction's MSRs are per CPU */
	lapic_init_ap();
	cpu_info[cpu].started_ns = arch_clock_ns();
	__atomic_store_n(&cpu_info[cpu].online, true, __ATOMIC_RELEASE);
	/* No device interrupt reaches it (its LINT0 is masked, the PICs' and
	 * the I/O APIC's lines go to the boot CPU): IPIs, and its own timer.
	 * It becomes its idle task, and runs tasks from sched_start_others()
	 * on. */
	sched_ap_main(&cpu_stack[cpu]);
}

/* ---- asking another CPU to run a function ---- */

/* One request slot per CPU: the function, its argument, and a count of
 * requests made and answered (the target sets done = asked when fn has
 * returned).  One caller at a time (call_lock). */
static struct call_slot {
	void (*fn)(void *);
	void *arg;
	u64 asked, done;
} call_slot[NR_CPUS];
static DEFINE_SPINLOCK(call_lock);

void smp_call_function_interrupt(void)
{
	struct call_slot *c = &call_slot[smp_processor_id()];
	u64 asked = __atomic_load_n(&c->asked, __ATOMIC_ACQUIRE);

	lapic_eoi();
	if (asked != c->done) {
		c->fn(c->arg);
		__atomic_store_n(&c->done, asked, __ATOMIC_RELEASE);
	}
}

/* Take call_lock: one caller at a time, with interrupts on.  Two CPUs
 * waiting for each other's answer with interrupts off would wait for
 * ever; the kernel lock's holder may (a shootdown from a section with
 * interrupts off), since every CPU that waits for it, or for this one,
 * does so with interrupts on (vmos/bkl.h). */
static void call_lock_acquire(void)
{
	if (!arch_irqs_enabled() && !kernel_locked_here())
		panic("smp_call_function: called with interrupts off "
		      "(two CPUs waiting for each other would wait forever)");
	spin_lock(&call_lock);
}

/* Ask cpu (online, not this one) to run fn(arg): 0, or -ETIMEDOUT if its
 * local APIC did not send the IPI. */
static int ask(unsigned cpu, void (*fn)(void *), void *arg)
{
	struct call_slot *c = &call_slot[cpu];

	c->fn = fn;
	c->arg = arg;
	__atomic_store_n(&c->asked, c->asked + 1, __ATOMIC_RELEASE);
	return lapic_send_ipi(cpu_info[cpu].apic_id, VEC_CALL_FUNCTION);
}

/* Wait up to CALL_WAIT_NS for cpu's answer. */
static int wait_answer(unsigned cpu)
{
	struct call_slot *c = &call_slot[cpu];
	u64 start = arch_clock_ns();

	while (__atomic_load_n(&c->done, __ATOMIC_ACQUIRE) != c->asked) {
		if (arch_clock_ns() - start > CALL_WAIT_NS) {
			pr_warn("smp: CPU %u did not answer an IPI in %llu ms\n",
				cpu, CALL_WAIT_NS / 1000000);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	return 0;
}

/* Run fn(arg) on every online CPU in mask but this one, all at once:
 * every IPI is sent before any answer is awaited, and only the CPUs whose
 * IPI went out are awaited.  0 or -ETIMEDOUT. */
int smp_call_function_many(u64 mask, void (*fn)(void *), void *arg)
{
	u64 asked = 0;
	int err = 0;

	mask &= ~(1ull << smp_processor_id());
	if (!mask)
		return 0;
	call_lock_acquire();
	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++) {
		if (!(mask & (1ull << cpu)))
			continue;
		if (ask(cpu, fn, arg) < 0)
			err = -ETIMEDOUT;
		else
			asked |= 1ull << cpu;
	}
	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++)
		if ((asked & (1ull << cpu)) && wait_answer(cpu) < 0)
			err = -ETIMEDOUT;
	spin_unlock(&call_lock);
	return err;
}

int smp_call_function_single(unsigned cpu, void (*fn)(void *), void *arg)
{
	if (cpu >= nr_cpus_online || cpu == smp_processor_id())
		return -ENXIO;
	return smp_call_function_many(1ull << cpu, fn, arg);
}

int smp_call_function_others(void (*fn)(void *), void *arg)
{
	return smp_call_function_many(~0ull, fn, arg);
}

/* ---- the TLB shootdown ---- */

#define FLUSH_ALL_PAGES 32 /* a larger range: flush everything (Linux: 33) */

struct flush_range {
	u64 start, end;
};

/* Forget every translation, global ones too: toggling CR4.PGE does it. */
static void flush_everything(void)
{
	u64 cr4 = read_cr4();

	this_cpu()->tlb_local_flush_all++;
	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

static void flush_range_here(const struct flush_range *r)
{
	if ((r->end - r->start) >> PAGE_SHIFT > FLUSH_ALL_PAGES) {
		flush_everything();
		return;
	}
	for (u64 va = r->start; va < r->end; va += PAGE_SIZE)
		arch_flush_tlb_page(va);
}

/* On another CPU, in its IPI handler. */
static void flush_range_ipi(void *arg)
{
	this_cpu()->tlb_remote_flush_received++;
	flush_range_here(arg);
}

void arch_flush_tlb_kernel_range(u64 start, u64 end)
{
	struct flush_range r = { start & PAGE_MASK, ALIGN_UP(end, PAGE_SIZE) };

	flush_range_here(&r);
	if (nr_cpus_online == 1)
		return;
	this_cpu()->tlb_remote_flush++;
	if (smp_call_function_others(flush_range_ipi, &r) < 0)
		panic("arch_flush_tlb_kernel_range: a CPU did not flush 0x%lx-0x%lx: "
		      "it may still use the old mapping", r.start, r.end);
}

void arch_send_reschedule(unsigned cpu)
{
	if (lapic_send_ipi(cpu_info[cpu].apic_id, VEC_RESCHEDULE) < 0)
		pr_warn("smp: CPU %u: the reschedule IPI was not sent\n", cpu);
}

u64 arch_tlb_other_cpus(phys_addr_t root)
{
	unsigned self = smp_processor_id();
	u64 mask = 0;

	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++)
		if (cpu != self &&
		    __atomic_load_n(&percpu[cpu].loaded_root, __ATOMIC_ACQUIRE) == root)
			mask |= 1ull << cpu;
	return mask;
}

/* The other CPUs' half of arch_flush_tlb_user_page() (asm/tlb.h). */
void arch_shootdown_user_range(phys_addr_t root, u64 start, u64 end)
{
	struct flush_range r = { start & PAGE_MASK, ALIGN_UP(end, PAGE_SIZE) };
	u64 others = arch_tlb_other_cpus(root);

	if (!others)
		return;
	this_cpu()->tlb_remote_flush++;
	if (smp_call_function_many(others, flush_range_ipi, &r) < 0)
		panic("arch_shootdown_user_range: a CPU did not flush 0x%lx: it may "
		      "still use the old mapping", r.start);
}

/* A batched shootdown's IPI: every user translation (a CR3 reload keeps
 * the kernel's global entries). */
static void flush_user_ipi(void *arg)
{
	(void)arg;
	this_cpu()->tlb_remote_flush_received++;
	this_cpu()->tlb_local_flush_all++;
	write_cr3(read_cr3());
}

void arch_shootdown_cpus(u64 mask)
{
	if (!mask)
		return;
	this_cpu()->tlb_remote_flush++;
	if (smp_call_function_many(mask, flush_user_ipi, NULL) < 0)
		panic("arch_shootdown_cpus: a CPU did not flush: it may still use "
		      "an old mapping");
}

void arch_tlb_counts(struct tlb_counts *c)
{
	*c = (struct tlb_counts){ 0 };
	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++) {
		c->remote_flush += percpu[cpu].tlb_remote_flush;
		c->remote_flush_received += percpu[cpu].tlb_remote_flush_received;
		c->local_flush_all += percpu[cpu].tlb_local_flush_all;
		c->local_flush_one += percpu[cpu].tlb_local_flush_one;
	}
}

/* Copy the trampoline to its page and tell it where to go. */
static void install_trampoline(void)
{
	size_t len = trampoline_end - trampoline_start;
	struct trampoline_params *p;

	memcpy(phys_to_virt(TRAMPOLINE_BASE), trampoline_start, len);
	p = phys_to_virt(TRAMPOLINE_BASE + (trampoline_params - trampoline_start));
	p->cr3 = kernel_image_to_phys(boot_pml4);
	p->efer = EFER_LME | (cpu_features.nx ? EFER_NXE : 0);
	p->entry = (u64)ap_start64;
}

static bool online(unsigned cpu)
{
	return __atomic_load_n(&cpu_info[cpu].online, __ATOMIC_ACQUIRE);
}

/* Wait up to ns for cpu to report in. */
static bool wait_online(unsigned cpu, u64 ns)
{
	u64 start = arch_clock_ns();

	while (!online(cpu))
		if (arch_clock_ns() - start > ns)
			return false;
	return true;
}

/* Make cpu's stacks; false (with a warning) if there is no memory. */
static bool alloc_stacks(unsigned cpu)
{
	if (kstack_alloc(&cpu_stack[cpu]) < 0)
		return false;
	for (int i = 0; i < IST_COUNT; i++)
		if (kstack_alloc(&cpu_ist[cpu][i]) < 0)
			return false;
	return true;
}

/*
 * start_cpu - start the CPU with local APIC id apic_id as CPU number cpu:
 * true once it reported in.  INIT, then STARTUP twice (a CPU already
 * running ignores the second), as the SDM's protocol; the 10 ms wait
 * after INIT that it asks of old CPUs is left out, as Linux does for
 * every CPU since the Pentium Pro's family and under a hypervisor.
 */
static bool start_cpu(unsigned cpu, u32 apic_id)
{
	if (!alloc_stacks(cpu)) {
		pr_warn("smp: no memory for the stacks of CPU %u\n", cpu);
		return false;
	}
	cpu_info[cpu].apic_id = apic_id;
	ap_boot.cr3 = kernel_pt_root;
	ap_boot.stack_top = cpu_stack[cpu].top;
	ap_boot.cpu = cpu;
	if (lapic_send_init(apic_id) < 0 ||
	    lapic_send_startup(apic_id, TRAMPOLINE_BASE >> 12) < 0) {
		pr_warn("smp: the local APIC did not send the IPIs to APIC id %u\n",
			apic_id);
		return false;
	}
	if (!wait_online(cpu, STARTUP_WAIT_NS) &&
	    lapic_send_startup(apic_id, TRAMPOLINE_BASE >> 12) < 0)
		return false;
	return wait_online(cpu, ONLINE_WAIT_NS);
}

void smp_init(void)
{
	u64 start = arch_clock_ns();
	char ids[NR_CPUS * 5 + 1] = "";
	size_t len = 0;
	unsigned cpu = 1;
	u32 self;

	lapic_init();
	self = lapic_id();
	cpu_info[0] = (struct cpu_info){ .apic_id = self, .online = true };
	install_trampoline();
	if (acpi_madt.nr_cpus > 1)
		lapic_timer_calibrate(); /* the others' ticks */
	for (unsigned i = 0; i < acpi_madt.nr_cpus && cpu < NR_CPUS; i++) {
		u32 id = acpi_madt.apic_id[i];

		if (id == self)
			continue;
		if (!start_cpu(cpu, id)) {
			pr_warn("smp: CPU with APIC id %u did not start\n", id);
			/* It may still run the trampoline later: its slot,
			 * stacks and ap_boot are not reused. */
			break;
		}
		len += ksnprintf(ids + len, sizeof(ids) - len, " %u", id);
		cpu++;
	}
	nr_cpus_online = cpu;
	if (cpu == 1) {
		pr_info("smp: 1 CPU (APIC id %u)\n", self);
		return;
	}
	pr_info("smp: %u CPUs online: CPU 0 (APIC id %u) runs the kernel; %s%u "
		"(APIC id%s%s) started in %lu us and parked\n", cpu, self,
		cpu == 2 ? "CPU " : "CPUs 1-", cpu - 1, cpu == 2 ? "" : "s", ids,
		(arch_clock_ns() - start) / 1000);
}
