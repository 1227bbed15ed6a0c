/*
 * kernel/ktest.c - the self-test runner: TAP output, a verdict, a leak check.
 */
#include "kernel/ktest.h"
#include "kernel/catch.h"
#include "kernel/cmdline.h"
#include <vmos/printk.h>
#include <vmos/format.h>
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/kmalloc.h"

static unsigned checks, failures;

/* One TAP line: "ok N - msg", "not ok N - msg" or "ok N # SKIP msg". */
static void report(bool ok, bool skip, const char *fmt, va_list ap)
{
	char msg[160];

	kvsnprintf(msg, sizeof(msg), fmt, ap);
	checks++;
	if (!ok)
		failures++;
	printk("%s %u %s %s\n", ok ? "ok" : "not ok", checks, skip ? "# SKIP" : "-",
	       msg);
}

bool ktest_check(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond, false, fmt, ap);
	va_end(ap);
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

void ktest_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(true, true, fmt, ap);
	va_end(ap);
}

bool ktest_catch(struct catcher *c, void (*fn)(void *), void *arg)
{
	if (catch_begin(c) == 0) {
		fn(arg);
		catch_end(c);
		return false;
	}
	catch_end(c);
	return true;
}

/*
 * What must come back after each test: free frames plus frames kmalloc
 * keeps as warm empty slabs, and the number of live kmalloc objects.
 */
struct mem_snapshot {
	u64 frames;
	u64 objects;
};

static struct mem_snapshot mem_snapshot(void)
{
	struct kmalloc_stats st;
	struct mem_snapshot m;

	kmalloc_get_stats(&st);
	m.frames = frames_free_count() + st.slab_pages;
	m.objects = 0;
	for (unsigned c = 0; c < KMALLOC_CLASSES; c++)
		m.objects += st.objects[c];
	return m;
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
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		struct mem_snapshot before, after;

		if (!selected(t, list))
			continue;
		ran++;
		ktest_diag("ktest %s: %s", t->name, t->summary);
		before = mem_snapshot();
		t->run();
		after = mem_snapshot();
		/* Every test must give back every frame and object it took. */
		ktest_check(before.frames == after.frames &&
				    before.objects == after.objects,
			    "%s: no leak (frames %lu -> %lu, kmalloc objects %lu -> %lu)",
			    t->name, before.frames, after.frames, before.objects,
			    after.objects);
	}
	if (!ran)
		ktest_check(false, "ktest=%s names no known test", list);
	printk("1..%u\n", checks);
	printk("# ktest: %u checks, %u failed\n", checks, failures);
	return failures ? 1 : 0;
}
