/*
 * arch/x86_64/apic.c - the local APIC (see asm/apic.h): enabling it on
 * each CPU and sending the IPIs that start the other CPUs.
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/page_types.h>
#include <asm/trap.h>
#include <vmos/errno.h>
#include <vmos/printk.h>
#include "mm/paging.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1ull << 11) /* the xAPIC is on (global enable) */
#define APIC_BASE_ADDR_MASK 0xffffff000ull

/* Register offsets in the local APIC's page (Intel SDM vol. 3, table 11-1). */
#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80     /* task priority: 0 accepts every interrupt */
#define LAPIC_EOI 0xb0     /* end of interrupt: write 0 */
#define LAPIC_SVR 0xf0     /* spurious vector; bit 8 enables the APIC */
#define LAPIC_ICR_LO 0x300 /* interrupt command: writing this sends */
#define LAPIC_ICR_HI 0x310 /* destination in bits 24-31 */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360

#define LAPIC_TIMER_INIT 0x380 /* the count it starts from */
#define LAPIC_TIMER_CUR 0x390  /* the count now: it counts down */
#define LAPIC_TIMER_DIV 0x3e0

#define SVR_ENABLE (1u << 8)
#define LVT_PERIODIC (1u << 17) /* the timer reloads its count at 0 */
#define TIMER_DIV_16 0x3        /* counts at the bus clock / 16 */
#define TIMER_CALIBRATE_NS 5000000ull
#define LVT_MASKED (1u << 16)
#define ICR_FIXED (0u << 8)   /* delivery mode fixed: the vector */
#define ICR_INIT (5u << 8)    /* delivery mode INIT */
#define ICR_STARTUP (6u << 8) /* delivery mode STARTUP: vector = page */
#define ICR_ASSERT (1u << 14)
#define ICR_BUSY (1u << 12)   /* delivery status: not yet sent */

#define ICR_WAIT_NS 1000000   /* 1 ms: a local APIC sends in microseconds */

static volatile u32 *lapic;

static u32 lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void lapic_write(unsigned reg, u32 v)
{
	lapic[reg / 4] = v;
}

void lapic_init(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base |= APIC_BASE_ENABLE);
	lapic = ioremap(base & APIC_BASE_ADDR_MASK, PAGE_SIZE);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
}

void lapic_init_ap(void)
{
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
}

void lapic_mask_lint0(void)
{
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
}

u32 lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

/* Send the IPI command to apic_id and wait until the APIC has sent it. */
static int send_ipi(u32 apic_id, u32 command)
{
	u64 start = arch_clock_ns(), flags = arch_irq_save(); /* two writes: one command */
	int err = 0;

	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, command);
	while (lapic_read(LAPIC_ICR_LO) & ICR_BUSY) {
		if (arch_clock_ns() - start > ICR_WAIT_NS) {
			err = -ETIMEDOUT;
			break;
		}
	}
	arch_irq_restore(flags);
	return err;
}

int lapic_send_init(u32 apic_id)
{
	return send_ipi(apic_id, ICR_INIT | ICR_ASSERT);
}

int lapic_send_startup(u32 apic_id, u8 vector)
{
	return send_ipi(apic_id, ICR_STARTUP | ICR_ASSERT | vector);
}

int lapic_send_ipi(u32 apic_id, u8 vector)
{
	return send_ipi(apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* ---- the local timer ---- */

static u32 timer_count; /* counts per tick (TIMER_HZ), from calibration */

void lapic_timer_calibrate(void)
{
	u64 start;
	u32 counted;

	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_LOCAL_TIMER);
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_TIMER_INIT, ~0u);
	start = arch_clock_ns();
	while (arch_clock_ns() - start < TIMER_CALIBRATE_NS)
		cpu_relax();
	counted = ~0u - lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0); /* stopped */
	timer_count = (u32)((u64)counted * (1000000000ull / TIMER_HZ) / TIMER_CALIBRATE_NS);
	if (!timer_count)
		timer_count = 1;
	pr_info("apic: local timer at %lu kHz (bus clock / 16): %u counts a tick\n",
		(unsigned long)((u64)counted * 1000000ull / TIMER_CALIBRATE_NS), timer_count);
}

void lapic_timer_start(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_LOCAL_TIMER);
	lapic_write(LAPIC_TIMER_INIT, timer_count);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_TIMER_INIT, 0);
}
