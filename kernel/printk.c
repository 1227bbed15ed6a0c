/*
 * kernel/printk.c - kernel messages: the log, its levels, the console.
 *
 * Each line is prefixed with the seconds since boot, like Linux's dmesg:
 * "[    0.012345] message".  Every message goes to a small ring buffer
 * (log_buf: `dmesg` reads it through syslog(2), gdb with `p log_buf`);
 * only those more urgent than the console's level are also printed on
 * the console, as Linux's console_loglevel: a message of level L is shown
 * when L < console_loglevel.  The default, 7, shows everything but
 * KERN_DEBUG (which the once-per-number "syscall N not implemented"
 * notices use, so program output stays clean); "loglevel=8" on the
 * command line or `dmesg -n 8` shows those too, "quiet" (4) only errors.
 */
#include "kernel/capability.h"
#include <vmos/printk.h>
#include <vmos/errno.h>
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/uaccess.h>
#include "kernel/wait.h"
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include <asm/arch.h>
#include <asm/console.h>

#define LOG_BUF_SIZE 16384

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT; /* show levels below this */
static int saved_console_loglevel = -1; /* SYSLOG_ACTION_CONSOLE_OFF's */
char log_buf[LOG_BUF_SIZE];
u64 log_len; /* bytes ever written; log_buf holds the last LOG_BUF_SIZE */
static bool at_line_start = true;

static u8 log_level[LOG_BUF_SIZE]; /* the level of each byte's message */
static u64 log_read_seq;  /* syslog READ: the first byte not read yet */
static u64 log_clear_seq; /* syslog CLEAR: READ_ALL starts here */
static struct wait_queue log_wait; /* syslog READ sleeps here */

/* emit - n bytes of a message of level into the log; on the console too
 * when the level is below the console's. */
static void emit(const char *s, size_t n, int level)
{
	for (size_t i = 0; i < n; i++) {
		log_level[log_len % LOG_BUF_SIZE] = (u8)level;
		log_buf[log_len++ % LOG_BUF_SIZE] = s[i];
	}
	if (level < console_loglevel)
		arch_console_write(s, n);
}

/* The first '\n' in s[0..n), or NULL. */
static const char *find_newline(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			return s + i;
	return NULL;
}

/* Split the optional KERN_* prefix off fmt: returns the level. */
static int parse_level(const char **fmt)
{
	const char *f = *fmt;

	if (f[0] == KERN_SOH[0] && f[1] >= '0' && f[1] <= '7') {
		*fmt = f + 2;
		return f[1] - '0';
	}
	return LOGLEVEL_DEFAULT;
}

int printk(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int level = parse_level(&fmt);
	size_t len;

	va_start(ap, fmt);
	len = (size_t)kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len >= sizeof(msg))
		len = sizeof(msg) - 1;

	/* Stamp every line that starts in this message. */
	for (size_t start = 0; start < len;) {
		const char *nl = find_newline(msg + start, len - start);
		size_t n = nl ? (size_t)(nl - (msg + start)) + 1 : len - start;

		if (at_line_start) {
			char stamp[24];
			u64 ns = arch_clock_ns();
			int m = ksnprintf(stamp, sizeof(stamp), "[%5lu.%06lu] ",
					  ns / 1000000000, ns / 1000 % 1000000);
			emit(stamp, (size_t)m, level);
		}
		emit(msg + start, n, level);
		at_line_start = msg[start + n - 1] == '\n';
		start += n;
	}
	if (log_wait.head)
		wake_up(&log_wait);
	return (int)len;
}

/* ---- rate limits (Linux's ___ratelimit) ---- */

int printk_ratelimit_s = PRINTK_RATELIMIT_S_DEFAULT;
int printk_ratelimit_burst = PRINTK_RATELIMIT_BURST_DEFAULT;

bool printk_ratelimit(struct ratelimit *rs)
{
	u64 now = arch_clock_ns();
	u64 interval = (u64)printk_ratelimit_s * 1000000000ull;

	if (printk_ratelimit_s <= 0)
		return true;
	if (!rs->begin_ns || now - rs->begin_ns >= interval) {
		if (rs->missed)
			printk(KERN_WARNING "%s: %d messages suppressed\n", rs->kind,
			       rs->missed);
		rs->begin_ns = now ? now : 1;
		rs->printed = rs->missed = 0;
	}
	if (rs->printed < printk_ratelimit_burst) {
		rs->printed++;
		return true;
	}
	rs->missed++;
	return false;
}

/* ---- syslog(2): the log to user space (busybox dmesg, klogd) ---- */

#define SYSLOG_ACTION_CLOSE 0
#define SYSLOG_ACTION_OPEN 1
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* The oldest byte the ring still holds. */
static u64 log_first(void)
{
	return log_len > LOG_BUF_SIZE ? log_len - LOG_BUF_SIZE : 0;
}

/*
 * log_format - the log from byte from to log_len as syslog shows it: each
 * line with its level in front ("<6>[    0.000000] ..."), into out
 * (size bytes; kmalloc'ed by the caller).  Keeps the last whole lines that
 * fit.  Returns the length.
 */
static size_t log_format(u64 from, char *out, size_t size)
{
	size_t len = 0;
	u64 start = MAX(from, log_first());

	if (start == log_first() && start > 0) /* the ring cut the first line */
		while (start < log_len && log_buf[start++ % LOG_BUF_SIZE] != '\n')
			;
	for (u64 i = start; i < log_len; i++) {
		bool line_start = i == start || log_buf[(i - 1) % LOG_BUF_SIZE] == '\n';
		char c = log_buf[i % LOG_BUF_SIZE];

		if (line_start) {
			if (len + 4 > size)
				break;
			len += (size_t)ksnprintf(out + len, 4, "<%d>",
						 log_level[i % LOG_BUF_SIZE]);
		}
		if (len + 1 > size)
			break;
		out[len++] = c;
	}
	return len;
}

/* syslog_read_all - READ_ALL and READ_CLEAR: the last len bytes' worth of
 * whole lines since the last CLEAR, copied to buf. */
static long syslog_read_all(char __user *buf, size_t len, bool clear)
{
	size_t cap = 2 * LOG_BUF_SIZE, n, skip = 0;
	char *text = kmalloc(cap);
	long ret;

	if (!text)
		return -ENOMEM;
	n = log_format(log_clear_seq, text, cap);
	while (n - skip > len) { /* drop whole lines from the front */
		while (skip < n && text[skip] != '\n')
			skip++;
		skip = MIN(skip + 1, n);
	}
	ret = copy_to_user(buf, text + skip, n - skip) ? -EFAULT : (long)(n - skip);
	kfree(text);
	if (ret >= 0 && clear)
		log_clear_seq = log_len;
	return ret;
}

/* syslog_read - READ: wait for bytes nobody read yet and take them. */
static long syslog_read(char __user *buf, size_t len)
{
	u64 from;
	long n;
	int err = wait_event(&log_wait, log_read_seq < log_len);

	if (err)
		return err;
	from = MAX(log_read_seq, log_first());
	n = (long)MIN((u64)len, log_len - from);
	for (long i = 0; i < n; i++)
		if (copy_to_user(buf + i, &log_buf[(from + (u64)i) % LOG_BUF_SIZE], 1))
			return i ? i : -EFAULT;
	log_read_seq = from + (u64)n;
	return n;
}

/*
 * syslog - Linux's syslog(2) (klogctl): read the kernel's log, clear it,
 * set the console's level.  Everyone may read it all and ask its size
 * (dmesg_restrict 0, Linux's default); the rest is root's.
 */
SYSCALL_DEFINE3(syslog, int, type, char __user *, buf, int, len)
{
	bool reading = type == SYSLOG_ACTION_READ || type == SYSLOG_ACTION_READ_ALL ||
		       type == SYSLOG_ACTION_READ_CLEAR;

	if (type < SYSLOG_ACTION_CLOSE || type > SYSLOG_ACTION_SIZE_BUFFER)
		return -EINVAL;
	if (type != SYSLOG_ACTION_READ_ALL && type != SYSLOG_ACTION_SIZE_BUFFER &&
	    !capable(CAP_SYSLOG) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (reading) {
		if (!buf || len < 0)
			return -EINVAL;
		if (!len)
			return 0;
	}
	switch (type) {
	case SYSLOG_ACTION_READ:
		return syslog_read(buf, (size_t)len);
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		return syslog_read_all(buf, (size_t)len, type == SYSLOG_ACTION_READ_CLEAR);
	case SYSLOG_ACTION_CLEAR:
		log_clear_seq = log_len;
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF: /* klogd takes over the console */
		if (saved_console_loglevel == -1)
			saved_console_loglevel = console_loglevel;
		console_loglevel = CONSOLE_LOGLEVEL_MIN;
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		if (saved_console_loglevel != -1)
			console_loglevel = saved_console_loglevel;
		saved_console_loglevel = -1;
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL: /* dmesg -n LEVEL */
		if (len < 1 || len > 8)
			return -EINVAL;
		console_loglevel = MAX(len, CONSOLE_LOGLEVEL_MIN);
		saved_console_loglevel = -1; /* CONSOLE_ON no longer undoes it */
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
		return (long)(log_len - MAX(log_read_seq, log_first()));
	case SYSLOG_ACTION_SIZE_BUFFER:
		return LOG_BUF_SIZE;
	}
	return 0; /* OPEN, CLOSE */
}

/* ---- /proc/sys/kernel/printk ---- */

void printk_get_levels(int levels[4])
{
	levels[0] = console_loglevel;
	levels[1] = LOGLEVEL_DEFAULT;
	levels[2] = CONSOLE_LOGLEVEL_MIN;
	levels[3] = CONSOLE_LOGLEVEL_DEFAULT;
}

int printk_set_console_level(long level)
{
	if (level < 0 || level > 15) /* Linux takes any int; we keep it sane */
		return -EINVAL;
	console_loglevel = (int)level;
	return 0;
}
