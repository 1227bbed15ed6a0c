/*
 * arch/x86_64/rtc.c - the date, from the CMOS real-time clock (MC146818).
 * Read at boot for the date; after that the TSC keeps time, and the
 * moments the seconds register changes refine its rate (arch/x86_64/timer.c).
 */
#include <asm/arch.h>
#include <asm/cpu.h>

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
#define RTC_UPDATING 0x80 /* status A: the clock is being updated */
#define RTC_BINARY 0x04   /* status B: values are binary, not BCD */
#define RTC_24H 0x02      /* status B: 24-hour hours */
#define RTC_PM 0x80       /* the hours' PM bit in 12-hour mode */

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
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
