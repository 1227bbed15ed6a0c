/*
 * include/vmos/printk.h - kernel messages and panic.
 *
 * printk() takes an optional Linux-style level prefix (KERN_ERR "..."):
 * every message goes to the log (dmesg), and to the console only when its
 * level is below console_loglevel (cmdline "loglevel=N", "quiet" = 4,
 * `dmesg -n N`, /proc/sys/kernel/printk).  Every line gets a time stamp
 * in seconds since boot.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <vmos/types.h>

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define LOGLEVEL_DEFAULT 6 /* level of a message without a prefix */
#define CONSOLE_LOGLEVEL_DEFAULT 7 /* the console shows all but KERN_DEBUG */
#define CONSOLE_LOGLEVEL_QUIET 4   /* "quiet": errors and worse only */
#define CONSOLE_LOGLEVEL_MIN 1     /* the lowest it can be set to */

extern int console_loglevel; /* messages below this level reach the console */

__printf(1, 2) int printk(const char *fmt, ...);

#define pr_err(...) printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...) printk(KERN_WARNING __VA_ARGS__)
#define pr_notice(...) printk(KERN_NOTICE __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...) printk(KERN_DEBUG __VA_ARGS__) /* log only, by default */

/* printk_get_levels - /proc/sys/kernel/printk's four numbers: the console
 * level, a message's default level, the console's minimum and default. */
void printk_get_levels(int levels[4]);
/* printk_set_console_level - the console level (a write of that file):
 * 0 or -EINVAL. */
int printk_set_console_level(long level);

/*
 * Rate limits for messages a user program can cause (Linux's
 * printk_ratelimit): of each kind, at most printk_ratelimit_burst messages
 * in printk_ratelimit_s seconds; the rest are counted, and the next message
 * of the kind after the interval is preceded by "KIND: N messages
 * suppressed".  An interval of 0 turns the limit off.  Both are set in
 * /proc/sys/kernel/printk_ratelimit and printk_ratelimit_burst.
 */
struct ratelimit {
	const char *kind; /* names the messages in the "suppressed" line */
	u64 begin_ns;     /* when the current interval began (0: none yet) */
	int printed;      /* messages printed in it */
	int missed;       /* messages suppressed in it */
};
#define RATELIMIT_INIT(name) { .kind = (name) }
#define PRINTK_RATELIMIT_S_DEFAULT 5
#define PRINTK_RATELIMIT_BURST_DEFAULT 10
extern int printk_ratelimit_s, printk_ratelimit_burst;

/* printk_ratelimit - may one more message of rs's kind be printed now? */
bool printk_ratelimit(struct ratelimit *rs);

/*
 * panic - a kernel bug was detected: print the message, the registers and a
 * backtrace, then power off with exit status 127 (QEMU exit code 255).
 * Host unit tests supply their own panic() that the test can catch.
 */
__printf(1, 2) __noreturn void panic(const char *fmt, ...);

/* BUG_ON(cond): panic naming the condition, file and line when cond holds. */
#define BUG_ON(cond)                                                     \
	do {                                                             \
		if (unlikely(cond))                                      \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__,   \
			      __LINE__);                                 \
	} while (0)

#endif
