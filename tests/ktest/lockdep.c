/*
 * tests/ktest/lockdep.c - ktest=lockdep: lock-order bugs on purpose, and
 * the checked kernel's lock checker (kernel/lockdep.c) reporting each
 * once, with the kernel's own CPU number (GS) and interrupt state.  Not
 * in ktest=all: its reports would fail every log they appear in.  The
 * harness runs it on the checked kernel (check/ktest-lockdep) and reads
 * the reports.  The classes are its own ("ktest_*"): no real lock's.
 */
#include "kernel/ktest.h"
#include <vmos/lockdep.h>
#include <asm/percpu.h>
#include <asm/smp.h>

#ifdef CONFIG_LOCKDEP
/* The same names on every run (a string is its class). */
static struct lock_class *class_a, *class_b, *class_irq;

static void take(struct lock_class *c)
{
	lockdep_acquire(c, false, false, __func__);
}

static void drop(struct lock_class *c)
{
	lockdep_release(c, __func__);
}

static void orders(void)
{
	unsigned before = lockdep_reports();

	for (int i = 0; i < 10; i++) {
		take(class_a);
		take(class_b);
		drop(class_b);
		drop(class_a);
	}
	ktest_check(lockdep_reports() == before,
		    "ktest_a then ktest_b, ten times: no report");
	lockdep_acquire(class_b, false, false, "ktest_lockdep_inversion");
	lockdep_acquire(class_a, false, false, "ktest_lockdep_inversion");
	drop(class_a);
	drop(class_b);
	take(class_b);
	take(class_a);
	drop(class_a);
	drop(class_b);
	ktest_check(lockdep_reports() == before + 1,
		    "ktest_b then ktest_a: one report (%u)",
		    lockdep_reports() - before);
	ktest_check(lockdep_depth() == 0, "this CPU holds nothing after");
}

static void irq_state_and_sleep(void)
{
	unsigned before = lockdep_reports();

	lockdep_acquire(class_irq, false, true, "ktest_lockdep_handler");
	drop(class_irq);
	lockdep_acquire(class_irq, true, false, "ktest_lockdep_irqs_on");
	drop(class_irq);
	ktest_check(lockdep_reports() == before + 1,
		    "a class taken in a handler and with interrupts on: reported");
	take(class_a);
	lockdep_assert_none_held("ktest_lockdep_sleep");
	drop(class_a);
	lockdep_assert_none_held("ktest_lockdep_sleep");
	ktest_check(lockdep_reports() == before + 2,
		    "sleeping while holding ktest_a: reported, not after the release");
	lockdep_release(class_b, "ktest_lockdep_release");
	ktest_check(lockdep_reports() == before + 3,
		    "releasing ktest_b, not held: reported");
}

static void other_cpu_depth(void *arg)
{
	*(unsigned *)arg = lockdep_depth();
}

/* While this CPU holds a lock, another holds none: the stacks are each
 * CPU's own (smp_processor_id() through GS). */
static void per_cpu_stacks(void)
{
	unsigned depth = ~0u;

	if (nr_cpus_online < 2) {
		ktest_skip("one CPU: no other held stack to look at");
		return;
	}
	take(class_a);
	if (smp_call_function_single(1, other_cpu_depth, &depth) == 0)
		ktest_check(depth == 0 && lockdep_depth() == 1,
			    "CPU %u holds 1 lock, CPU 1 holds %u",
			    smp_processor_id(), depth);
	else
		ktest_check(false, "CPU 1 answered the IPI");
	drop(class_a);
}

static void ktest_lockdep(void)
{
	lockdep_init();
	class_a = lockdep_class("ktest_a");
	class_b = lockdep_class("ktest_b");
	class_irq = lockdep_class("ktest_irq");
	ktest_check(class_a != class_b && lockdep_class("ktest_a") == class_a,
		    "one class per name");
	orders();
	irq_state_and_sleep();
	per_cpu_stacks();
}
#else
static void ktest_lockdep(void)
{
	ktest_skip("this kernel has no lock checker (the checked kernel, "
		   "build/kernel-check.elf, does)");
}
#endif

KTEST(ktest_lockdep, "lockdep",
      "lock-order bugs on purpose: the checked kernel reports each once", false);
