/*
 * drivers/rtc.c - /dev/rtc0: the CMOS real-time clock as Linux's
 * rtc-cmos driver and rtc-dev interface show it to user space.
 *
 *	ioctl RTC_RD_TIME        the clock's date (struct rtc_time, UTC)
 *	ioctl RTC_IRQP_READ/SET  the periodic interrupt's rate (1024 Hz at
 *	                         boot; powers of two from 2 to 8192 Hz, above
 *	                         64 Hz only for root: CAP_SYS_RESOURCE)
 *	ioctl RTC_PIE_ON/OFF     periodic interrupts
 *	ioctl RTC_UIE_ON/OFF     one interrupt per second (update ended)
 *	read                     waits for the next interrupt and returns an
 *	                         unsigned long: the interrupts since the last
 *	                         read << 8, and RTC_IRQF | RTC_PF or RTC_UF
 *	poll                     readable once an interrupt came
 *
 * The interrupts are the chip's own (IRQ 8, arch/x86_64/rtc.c); Linux 6.1
 * emulates them with high-resolution timers, which is why it also accepts
 * rates that are not powers of two (here: EINVAL, as rtc-cmos did before).
 * As on Linux the device opens once at a time (EBUSY), and closing it
 * turns its interrupts off.  Not here: the alarm (RTC_ALM_*, RTC_AIE_*,
 * RTC_WKALM_*) and setting the clock (RTC_SET_TIME): ENOTTY.
 */
#include "drivers/rtc.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include <asm/arch.h>

/* ioctl numbers (include/uapi/linux/rtc.h): _IO('p', n), and _IOR/_IOW
 * with a struct rtc_time (36 bytes) or an unsigned long. */
#define RTC_UIE_ON 0x7003
#define RTC_UIE_OFF 0x7004
#define RTC_PIE_ON 0x7005
#define RTC_PIE_OFF 0x7006
#define RTC_RD_TIME 0x80247009
#define RTC_IRQP_READ 0x8008700b
#define RTC_IRQP_SET 0x4008700c

#define RTC_IRQF 0x80             /* read(): some interrupt came */
#define RTC_MAX_FREQ 8192
#define RTC_MAX_USER_FREQ 64      /* Linux's max_user_freq */
#define RTC_BOOT_FREQ 1024        /* rtc-cmos sets the chip's reset rate */
#define SECS_PER_DAY 86400

/* struct rtc_time, as struct tm. */
struct k_rtc_time {
	s32 tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday,
	    tm_isdst;
};

static struct {
	bool busy;               /* open (one at a time) */
	unsigned events;         /* ARCH_RTC_PF | ARCH_RTC_UF enabled */
	unsigned freq;           /* the periodic rate */
	unsigned long irq_data;  /* for read(): count << 8 | RTC_IRQF | kinds */
	struct wait_queue wq;
} rtc = { .freq = RTC_BOOT_FREQ };

/* rtc_event - from the interrupt: count it for read() and wake readers
 * (Linux's rtc_handle_legacy_irq). */
static void rtc_event(unsigned events)
{
	rtc.irq_data = (rtc.irq_data + (1ul << 8)) | RTC_IRQF | events;
	wake_up(&rtc.wq);
	poll_notify();
}

void rtc_init(void)
{
	arch_rtc_set_periodic(RTC_BOOT_FREQ);
	arch_rtc_irq_init(rtc_event);
}

/* rtc_enable - turn event on or off (ARCH_RTC_PF or ARCH_RTC_UF). */
static void rtc_enable(unsigned event, bool on)
{
	rtc.events = on ? rtc.events | event : rtc.events & ~event;
	arch_rtc_set_irqs(rtc.events);
}

/* rtc_time_of - seconds since 1970 as a date (days to civil, Howard
 * Hinnant's algorithm).  The weekday and the day of the year stay 0, as
 * Linux's rtc-cmos leaves them. */
static void rtc_time_of(u64 secs, struct k_rtc_time *tm)
{
	u64 days = secs / SECS_PER_DAY, rem = secs % SECS_PER_DAY;
	u64 z = days + 719468, era = z / 146097, doe = z - era * 146097;
	u64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	u64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	u32 d = (u32)(doy - (153 * mp + 2) / 5 + 1), m = (u32)(mp < 10 ? mp + 3 : mp - 9);
	u32 y = (u32)(yoe + era * 400 + (m <= 2));

	memset(tm, 0, sizeof(*tm));
	tm->tm_sec = (s32)(rem % 60);
	tm->tm_min = (s32)(rem / 60 % 60);
	tm->tm_hour = (s32)(rem / 3600);
	tm->tm_mday = (s32)d;
	tm->tm_mon = (s32)m - 1;
	tm->tm_year = (s32)y - 1900;
}

static int rtc_open(struct inode *inode, struct file *f)
{
	if (rtc.busy)
		return -EBUSY;
	rtc.busy = true;
	rtc.irq_data = 0;
	return 0;
}

static void rtc_release(struct file *f)
{
	rtc_enable(ARCH_RTC_UF | ARCH_RTC_PF, false);
	rtc.busy = false;
}

/* rtc_read - wait for an interrupt; 4 bytes (an unsigned int) or 8 (an
 * unsigned long) of the count and kinds, as Linux's rtc_dev_read. */
static long rtc_read(struct file *f, struct uio *u, u64 *pos)
{
	unsigned long data;
	size_t n = u->len >= sizeof(data) ? sizeof(data) : sizeof(u32);
	u64 flags;
	int err;

	if (u->len != sizeof(u32) && u->len < sizeof(data))
		return -EINVAL;
	if ((f->flags & O_NONBLOCK) && !rtc.irq_data)
		return -EAGAIN;
	err = wait_event(&rtc.wq, rtc.irq_data != 0);
	if (err)
		return err;
	flags = arch_irq_save();
	data = rtc.irq_data;
	rtc.irq_data = 0;
	arch_irq_restore(flags);
	return uio_copy_out(u, &data, n); /* little-endian: the low half first */
}

static unsigned rtc_poll(struct file *f)
{
	return rtc.irq_data ? POLLIN | POLLRDNORM : 0;
}

/* rtc_set_freq - RTC_IRQP_SET: 0, -EACCES (over 64 Hz for a user),
 * -EINVAL (not a power of two from 2 to 8192). */
static long rtc_set_freq(u64 hz)
{
	bool root = current->cred.euid == 0; /* CAP_SYS_RESOURCE */
	int err;

	if (hz > RTC_MAX_USER_FREQ && !root)
		return -EACCES;
	if (hz == 0 || hz > RTC_MAX_FREQ)
		return -EINVAL;
	err = arch_rtc_set_periodic((unsigned)hz);
	if (!err)
		rtc.freq = (unsigned)hz;
	return err;
}

static long rtc_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct k_rtc_time tm;
	unsigned long freq = rtc.freq;

	switch (cmd) {
	case RTC_RD_TIME:
		rtc_time_of(arch_rtc_seconds(), &tm);
		return copy_to_user((void __user *)arg, &tm, sizeof(tm)) ? -EFAULT : 0;
	case RTC_IRQP_READ:
		return copy_to_user((void __user *)arg, &freq, sizeof(freq)) ? -EFAULT : 0;
	case RTC_IRQP_SET:
		return rtc_set_freq(arg);
	case RTC_PIE_ON:
		if (rtc.freq > RTC_MAX_USER_FREQ && current->cred.euid != 0)
			return -EACCES;
		rtc_enable(ARCH_RTC_PF, true);
		return 0;
	case RTC_PIE_OFF:
		rtc_enable(ARCH_RTC_PF, false);
		return 0;
	case RTC_UIE_ON:
	case RTC_UIE_OFF:
		rtc_enable(ARCH_RTC_UF, cmd == RTC_UIE_ON);
		return 0;
	default:
		return -ENOTTY;
	}
}

const struct file_operations rtc_fops = {
	.open = rtc_open,
	.read = rtc_read,
	.ioctl = rtc_ioctl,
	.poll = rtc_poll,
	.release = rtc_release,
	.stream = true,
};
