/*
 * kernel/printk.c - kernel messages: level filter, time stamp, console.
 *
 * Each line is prefixed with the seconds since boot, like Linux's dmesg:
 * "[    0.012345] message".  Messages are also kept in a small ring buffer
 * (log_buf) that gdb can read after the fact: `p log_buf`.
 */
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include <asm/arch.h>
#include <asm/console.h>

#define LOG_BUF_SIZE 16384

int console_loglevel = 7; /* show levels 0..7 except those above this */
char log_buf[LOG_BUF_SIZE];
u64 log_len; /* bytes ever written; log_buf holds the last LOG_BUF_SIZE */
static bool at_line_start = true;

static void emit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_buf[log_len++ % LOG_BUF_SIZE] = s[i];
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
	if (level > console_loglevel)
		return (int)len;

	/* Stamp every line that starts in this message. */
	for (size_t start = 0; start < len;) {
		const char *nl = find_newline(msg + start, len - start);
		size_t n = nl ? (size_t)(nl - (msg + start)) + 1 : len - start;

		if (at_line_start) {
			char stamp[24];
			u64 ns = arch_clock_ns();
			int m = ksnprintf(stamp, sizeof(stamp), "[%5lu.%06lu] ",
					  ns / 1000000000, ns / 1000 % 1000000);
			emit(stamp, (size_t)m);
		}
		emit(msg + start, n);
		at_line_start = msg[start + n - 1] == '\n';
		start += n;
	}
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
