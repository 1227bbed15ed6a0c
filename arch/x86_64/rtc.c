/*
 * arch/x86_64/rtc.c - the CMOS real-time clock (MC146818): the date, and
 * its interrupts on IRQ 8.
 *
 * The date is read at boot; after that the TSC keeps time, and the
 * moments the seconds register changes refine its rate (arch/x86_64/timer.c).
 * /dev/rtc0 (drivers/rtc.c) uses the clock's two repeating
 * interrupts: the periodic one, at 32768 Hz >> (rate - 1) for the rate
 * select in register A (rate 3..15: 8192 Hz down to 2 Hz), and the
 * update-ended one, once a second; register B enables them, and reading
 * register C tells which fired and acknowledges them (no further
 * interrupt comes until it is read).
 *
 * Every register access is an index write to port 0x70 and a data access
 * at 0x71, so the pair runs with interrupts disabled: the interrupt
 * handler selects register C in between otherwise.
 */
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/irq.h>
#include <vmos/errno.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0A
#define RTC_STATUS_B 0x0B
#define RTC_STATUS_C 0x0C
#define RTC_DIV_32KHZ 0x20 /* status A: the 32.768 kHz time base (the divider bits) */
#define RTC_RATE_MASK 0x0f /* status A: the periodic rate select */
#define RTC_IRQ_BITS (ARCH_RTC_PF | ARCH_RTC_AF | ARCH_RTC_UF) /* status B enables,
								 * status C flags */
#define RTC_BASE_HZ 32768u
#define RTC_RATE_MIN 3  /* 8192 Hz; 1 and 2 are not 16384 and 32768 Hz on a PC */
#define RTC_RATE_MAX 15 /* 2 Hz */
#define IRQ_RTC 8
#define RTC_UPDATING 0x80 /* status A: the clock is being updated */
#define RTC_BINARY 0x04   /* status B: values are binary, not BCD */
#define RTC_24H 0x02      /* status B: 24-hour hours */
#define RTC_PM 0x80       /* the hours' PM bit in 12-hour mode */

static u8 cmos_read(u8 reg)
{
	u64 flags = arch_irq_save();
	u8 v;

	outb(CMOS_INDEX, reg);
	v = inb(CMOS_DATA);
	arch_irq_restore(flags);
	return v;
}

static void cmos_write(u8 reg, u8 v)
{
	u64 flags = arch_irq_save();

	outb(CMOS_INDEX, reg);
	outb(CMOS_DATA, v);
	arch_irq_restore(flags);
}

static unsigned bcd(u8 v, bool binary)
{
	return binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; civil-from-days). */
static u64 days_since_epoch(unsigned y, unsigned m, unsigned d)
{
	u64 era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

u8 arch_rtc_second_register(void)
{
	return cmos_read(RTC_SECONDS);
}

u64 arch_rtc_seconds(void)
{
	u8 b, sec, min, hour, day, mon, year;
	bool binary;
	unsigned h;

	while (cmos_read(RTC_STATUS_A) & RTC_UPDATING)
		cpu_relax();
	sec = cmos_read(RTC_SECONDS);
	min = cmos_read(RTC_MINUTES);
	hour = cmos_read(RTC_HOURS);
	day = cmos_read(RTC_DAY);
	mon = cmos_read(RTC_MONTH);
	year = cmos_read(RTC_YEAR);
	b = cmos_read(RTC_STATUS_B);
	binary = b & RTC_BINARY;
	h = bcd(hour & ~RTC_PM, binary);
	if (!(b & RTC_24H)) /* 12-hour clock: 12 AM is 0, PM adds 12 */
		h = (h % 12) + ((hour & RTC_PM) ? 12 : 0);
	return days_since_epoch(2000 + bcd(year, binary), bcd(mon, binary),
				bcd(day, binary)) * 86400 +
	       h * 3600ull + bcd(min, binary) * 60ull + bcd(sec, binary);
}

/* ---- interrupts (IRQ 8) ---- */

static void (*rtc_handler)(unsigned events);
static u32 rtc_events; /* read in the interrupt, not yet passed on */

/* rtc_interrupt - read register C (the acknowledgement) and keep the
 * events that are enabled for rtc_work(). */
static void rtc_interrupt(struct trap_frame *tf)
{
	unsigned events = cmos_read(RTC_STATUS_C) & cmos_read(RTC_STATUS_B) & RTC_IRQ_BITS;

	(void)tf;
	__atomic_or_fetch(&rtc_events, events, __ATOMIC_RELAXED);
}

/* rtc_work - pass the events on (deferred, under the kernel lock). */
static void rtc_work(void)
{
	unsigned events = __atomic_exchange_n(&rtc_events, 0, __ATOMIC_RELAXED);

	if (events && rtc_handler)
		rtc_handler(events);
}

void arch_rtc_irq_init(void (*handler)(unsigned events))
{
	arch_rtc_set_irqs(0);
	cmos_read(RTC_STATUS_C); /* drop whatever was pending */
	rtc_handler = handler;
	irq_register(IRQ_RTC, rtc_interrupt, rtc_work);
}

void arch_rtc_set_irqs(unsigned events)
{
	u64 flags = arch_irq_save();
	u8 b = cmos_read(RTC_STATUS_B);

	cmos_write(RTC_STATUS_B, (u8)((b & ~RTC_IRQ_BITS) | (events & RTC_IRQ_BITS)));
	arch_irq_restore(flags);
}

int arch_rtc_set_periodic(unsigned hz)
{
	unsigned rate;

	if (!hz || (hz & (hz - 1)))
		return -EINVAL;
	for (rate = RTC_RATE_MIN; rate <= RTC_RATE_MAX; rate++)
		if (RTC_BASE_HZ >> (rate - 1) == hz) {
			cmos_write(RTC_STATUS_A, (u8)(RTC_DIV_32KHZ | rate));
			return 0;
		}
	return -EINVAL;
}
