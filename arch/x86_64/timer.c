/*
 * arch/x86_64/timer.c - the clock: the PIT ticks TIMER_HZ times a second
 * (IRQ 0), and the TSC, calibrated against the PIT at boot, gives
 * nanosecond time stamps.
 */
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/trap.h>

void sched_tick(bool from_user);

#define PIT_HZ 1193182 /* the PIT's input clock */
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_CH0_RATE 0x34    /* channel 0, lo/hi byte, mode 2 (rate) */
#define PIT_CH2_ONESHOT 0xB0 /* channel 2, lo/hi byte, mode 0 */
#define PORT_B 0x61          /* bit 0: channel 2 gate, bit 5: its output */
#define CALIBRATE_MS 5

static volatile u64 ticks;
static u64 tsc_at_boot;
static u64 ns_per_tsc_q32; /* nanoseconds per TSC cycle, 32.32 fixed point */

static void timer_tick(struct trap_frame *tf)
{
	ticks++;
	sched_tick(trap_from_user(tf));
}

/* Count TSC cycles while PIT channel 2 counts down CALIBRATE_MS. */
static u64 tsc_hz_from_pit(void)
{
	u16 count = PIT_HZ * CALIBRATE_MS / 1000;
	u64 t0, t1;

	outb(PORT_B, inb(PORT_B) & ~0x03);       /* gate low, speaker off */
	outb(PIT_CMD, PIT_CH2_ONESHOT);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01); /* gate high: start */
	t0 = rdtsc();
	while (!(inb(PORT_B) & 0x20))
		cpu_relax();
	t1 = rdtsc();
	return (t1 - t0) * 1000 / CALIBRATE_MS;
}

void timer_init(void)
{
	u16 divisor = PIT_HZ / TIMER_HZ;
	u64 hz = tsc_hz_from_pit();

	if (hz)
		ns_per_tsc_q32 = (1000000000ull << 32) / hz;
	tsc_at_boot = rdtsc();
	outb(PIT_CMD, PIT_CH0_RATE);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	irq_register(IRQ_TIMER, timer_tick);
}

u64 arch_clock_ns(void)
{
	u64 delta;

	if (!ns_per_tsc_q32)
		return 0;
	delta = rdtsc() - tsc_at_boot;
	return (u64)(((unsigned __int128)delta * ns_per_tsc_q32) >> 32);
}

u64 arch_ticks(void)
{
	return ticks;
}
