/*
 * arch/x86_64/gdt.c - the global descriptor table and the task state segment.
 *
 * In long mode segments are flat; the GDT exists for the privilege levels
 * (kernel ring 0, user ring 3) and to point at the TSS.  The TSS holds the
 * stack the CPU switches to on an interrupt from user mode (rsp0) and the
 * interrupt stack table: known-good stacks for the double fault, NMI and
 * machine check handlers, so a kernel stack overflow can still be reported.
 * A process that asked for a local descriptor table (modify_ldt, ldt.c)
 * has it loaded here on every switch to it; any other runs with a null
 * LDTR.
 */
#include <asm/arch.h>
#include <asm/segment.h>
#include <asm/percpu.h>
#include <asm/smp.h>

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct gdt_ptr {
	u16 limit;
	u64 base;
} __packed;

/* Access byte and flags of a code/data descriptor (Intel SDM vol. 3, 3.4.5). */
#define SEG_PRESENT (1ull << 47)
#define SEG_DPL3 (3ull << 45)
#define SEG_CODE_DATA (1ull << 44)
#define SEG_EXEC (1ull << 43)
#define SEG_RW (1ull << 41)
#define SEG_LONG (1ull << 53)
#define SEG_DB (1ull << 54)    /* 32-bit (a data segment: a 32-bit stack) */
#define SEG_GRAN (1ull << 55)  /* limit in 4 KiB pages */
#define SEG_LIMIT_4G (0xffffull | (0xfull << 48))
#define SEG_CODE (SEG_PRESENT | SEG_CODE_DATA | SEG_EXEC | SEG_RW | SEG_LONG)
#define SEG_DATA (SEG_PRESENT | SEG_CODE_DATA | SEG_RW)
#define SEG_TSS_AVAILABLE (0x9ull << 40)
#define SEG_LDT (0x2ull << 40)

/* One GDT and TSS per CPU: each CPU's TSS holds its own stacks, and its
 * GDT its own TSS descriptor and the LDT it has loaded.  The functions
 * below change the running CPU's (smp_processor_id(), asm/percpu.h). */
static u64 gdts[NR_CPUS][GDT_ENTRIES] __aligned(16);
static struct tss tsses[NR_CPUS] __aligned(16);

/*
 * Until setup_stacks() (kernel/main.c) gives them guarded stacks, the IST
 * entries point here, so that a double fault early in boot still reaches
 * its handler and prints a panic instead of resetting the machine.
 */
#define EARLY_IST_STACK_SIZE 4096
static u8 early_ist_stack[IST_COUNT][EARLY_IST_STACK_SIZE] __aligned(16);

/* system_descriptor - the two slots of GDT g for a 64-bit system segment. */
static void system_descriptor(u64 *g, int slot, u64 type, u64 base, u64 limit)
{
	g[slot] = SEG_PRESENT | type | (limit & 0xffff) |
		  ((base & 0xffffff) << 16) | ((base >> 24 & 0xff) << 56) |
		  ((limit >> 16 & 0xf) << 48);
	g[slot + 1] = base >> 32;
}

/* Load CPU cpu's GDT and TSS on the CPU running this. */
static void load_gdt(unsigned cpu)
{
	struct gdt_ptr p = { sizeof(gdts[cpu]) - 1, (u64)gdts[cpu] };

	asm volatile("lgdt %0\n\t"
		     "mov %1, %%ds\n\t"
		     "mov %1, %%es\n\t"
		     "mov %1, %%ss\n\t"
		     "pushq %2\n\t" /* reload CS with a far return */
		     "lea 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:"
		     :
		     : "m"(p), "r"((u64)KERNEL_DS), "i"(KERNEL_CS)
		     : "rax", "memory");
	asm volatile("ltr %w0" : : "r"((u16)TSS_SELECTOR));
	/* No LDT: a null LDTR makes every LDT selector (TI set) a #GP.  The
	 * CPU comes out of reset with an LDT at linear address 0, limit
	 * 0xffff, and a selector a user loads through rt_sigreturn or ptrace
	 * would make iretq read a "descriptor" from user address space
	 * (found by Linux's x86/sigreturn test: a page fault in the kernel). */
	asm volatile("lldt %w0" : : "r"((u16)0));
}

/* Fill CPU cpu's GDT and TSS (interrupt stacks ist[]) and load them. */
static void setup_gdt(unsigned cpu, const u64 ist[])
{
	u64 *g = gdts[cpu];
	struct tss *t = &tsses[cpu];

	g[0] = 0;
	g[GDT_KERNEL_CODE] = SEG_CODE;
	g[GDT_KERNEL_DATA] = SEG_DATA;
	/* Flat 4 GiB and 32-bit, as Linux's __USER_DS: ignored in 64-bit
	 * mode, but 32-bit code (an LDT code segment) may run on it, and a
	 * 16-bit stack would get only half its stack pointer from iretq. */
	g[GDT_USER_DATA] = SEG_DATA | SEG_DPL3 | SEG_DB | SEG_GRAN | SEG_LIMIT_4G;
	g[GDT_USER_CODE] = SEG_CODE | SEG_DPL3;
	/* A 16-byte system descriptor: base split over both halves. */
	system_descriptor(g, GDT_TSS, SEG_TSS_AVAILABLE, (u64)t, sizeof(*t) - 1);
	t->iomap_base = sizeof(*t); /* no I/O permission bitmap */
	for (int i = 0; i < IST_COUNT; i++)
		t->ist[i] = ist[i];
	load_gdt(cpu);
}

void gdt_init(void)
{
	u64 ist[IST_COUNT];

	for (int i = 0; i < IST_COUNT; i++)
		ist[i] = (u64)early_ist_stack[i] + EARLY_IST_STACK_SIZE;
	setup_gdt(0, ist);
}

void gdt_init_ap(unsigned cpu, const u64 ist[])
{
	setup_gdt(cpu, ist);
}

/* What each CPU's LDTR describes now: base and entries (a null LDTR:
 * NULL, 0). */
static struct {
	const void *table;
	unsigned entries;
} loaded_ldt[NR_CPUS];

void arch_load_ldt(const void *table, unsigned entries)
{
	unsigned cpu = smp_processor_id();

	if (!table || !entries)
		table = NULL, entries = 0;
	if (table == loaded_ldt[cpu].table && entries == loaded_ldt[cpu].entries)
		return;
	loaded_ldt[cpu].table = table;
	loaded_ldt[cpu].entries = entries;
	if (!table) {
		asm volatile("lldt %w0" : : "r"((u16)0) : "memory");
		return;
	}
	system_descriptor(gdts[cpu], GDT_LDT, SEG_LDT, (u64)table, entries * 8ull - 1);
	asm volatile("lldt %w0" : : "r"((u16)LDT_SELECTOR) : "memory");
}

void arch_unload_ldt(const void *table)
{
	if (table && table == loaded_ldt[smp_processor_id()].table)
		arch_load_ldt(NULL, 0);
}

void arch_set_ist_stack(int ist, u64 top)
{
	tsses[smp_processor_id()].ist[ist - 1] = top;
}

void arch_set_kernel_stack(u64 top)
{
	tsses[smp_processor_id()].rsp[0] = top;
	this_cpu()->kernel_rsp = top;
}
