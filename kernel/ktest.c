/*
 * kernel/ktest.c - the self-test runner: TAP output, a verdict, a leak check.
 */
#include "kernel/ktest.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/frame.h"

static unsigned checks, failures;

bool ktest_check(bool cond, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	checks++;
	if (!cond)
		failures++;
	printk("%s %u - %s\n", cond ? "ok" : "not ok", checks, msg);
	return cond;
}

void ktest_diag(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("# %s\n", msg);
}

static bool selected(const struct ktest *t, const char *list)
{
	return cmdline_list_has(list, t->name) ||
	       (t->in_all && cmdline_list_has(list, "all"));
}

int ktest_run(const char *list)
{
	unsigned ran = 0;

	printk("TAP version 13\n");
	for (unsigned i = 0; i < nr_ktests; i++) {
		const struct ktest *t = &ktests[i];
		u64 free_before = frames_free_count();

		if (!selected(t, list))
			continue;
		ran++;
		ktest_diag("ktest %s: %s", t->name, t->summary);
		t->run();
		/* Every test must give back every frame it took. */
		ktest_check(frames_free_count() == free_before,
			    "%s: free frames restored (%lu before, %lu after)",
			    t->name, free_before, frames_free_count());
	}
	if (!ran)
		ktest_check(false, "ktest=%s names no known test", list);
	printk("1..%u\n", checks);
	printk("# ktest: %u checks, %u failed\n", checks, failures);
	return failures ? 1 : 0;
}
