/*
 * tests/unit/test_lockdep.c - the lock checker (kernel/lockdep.c): lock
 * orders, cycles, recursion, releases, interrupt state, sleeping with a
 * lock held, full tables, and several CPUs (played on one thread by
 * setting host_cpu_id, which the host's smp_processor_id() returns).
 */
#include "host.h"
#include <asm/percpu.h>
#include <vmos/lockdep.h>

/* count - how many times what occurs in the printk log. */
static unsigned count(const char *what)
{
	const char *p = host_printk_log();
	unsigned n = 0;

	while ((p = strstr(p, what))) {
		n++;
		p += strlen(what);
	}
	return n;
}

/* Each test starts from an empty checker, checking, on CPU 0. */
static int setup(void **state)
{
	host_reset();
	lockdep_reset();
	host_cpu_id = 0;
	lockdep_init();
	return 0;
}

/* take/drop - a lock of class c, outside interrupts, interrupts off. */
static void take(struct lock_class *c)
{
	lockdep_acquire(c, false, false, __func__);
}

static void drop(struct lock_class *c)
{
	lockdep_release(c, __func__);
}

static void test_init_line(void **state)
{
	assert_int_equal(count("lockdep: checking lock order (256 classes max)\n"), 1);
	assert_int_equal(lockdep_reports(), 0);
}

static void test_class_by_name(void **state)
{
	char copy[] = "frame_lock";
	struct lock_class *a = lockdep_class("frame_lock");

	assert_non_null(a);
	assert_ptr_equal(lockdep_class("frame_lock"), a);
	assert_ptr_equal(lockdep_class(copy), a); /* by content too */
	assert_ptr_not_equal(lockdep_class("slab_lock"), a);
	assert_string_equal(lockdep_class_name(a), "frame_lock");
}

static void test_consistent_order_is_quiet(void **state)
{
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B");

	for (int i = 0; i < 100; i++) {
		take(a);
		take(b);
		drop(b);
		drop(a);
		take(b); /* B alone is no order */
		drop(b);
	}
	assert_int_equal(lockdep_reports(), 0);
	assert_int_equal(count("lockdep: "), 1); /* the init line only */
	assert_int_equal(lockdep_depth(), 0);
}

static void test_inversion_reported_once(void **state)
{
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B");

	lockdep_acquire(a, false, false, "first_a");
	lockdep_acquire(b, false, false, "then_b");
	drop(b);
	drop(a);
	assert_int_equal(lockdep_reports(), 0);
	for (int i = 0; i < 3; i++) {
		lockdep_acquire(b, false, false, "first_b");
		lockdep_acquire(a, false, false, "then_a");
		drop(a);
		drop(b);
	}
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("lockdep: possible deadlock: taking A while "
			       "holding B, but A -> B was seen\n"), 1);
	assert_int_equal(count("lockdep:   now: B (taken in first_b) held, "
			       "taking A in then_a\n"), 1);
	assert_int_equal(count("lockdep:   before: A (taken in first_a) held, "
			       "took B in then_b\n"), 1);
	/* both orders are known now: nothing more, either way */
	take(a);
	take(b);
	drop(b);
	drop(a);
	assert_int_equal(lockdep_reports(), 1);
}

static void test_three_class_cycle(void **state)
{
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B"),
			  *c = lockdep_class("C");

	take(a); take(b); drop(b); drop(a);
	take(b); take(c); drop(c); drop(b);
	assert_int_equal(lockdep_reports(), 0);
	take(c); take(a); drop(a); drop(c);
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("possible deadlock: taking A while holding C, "
			       "but A -> B -> C was seen\n"), 1);
	assert_int_equal(count("lockdep:   before: "), 2);
}

static void test_cycle_through_held_below_top(void **state)
{
	/* C is held under B when A is taken: the order C -> A counts too */
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B"),
			  *c = lockdep_class("C");

	take(a); take(c); drop(c); drop(a);
	take(c); take(b); take(a);
	drop(a); drop(b); drop(c);
	/* and B -> A closes A -> C -> B */
	assert_int_equal(lockdep_reports(), 2);
	assert_int_equal(count("taking A while holding C, but A -> C was seen"), 1);
	assert_int_equal(count("taking A while holding B, but A -> C -> B was seen"), 1);
}

static void test_recursion(void **state)
{
	struct lock_class *a = lockdep_class("A");

	lockdep_acquire(a, false, false, "outer");
	lockdep_acquire(a, false, false, "inner");
	drop(a);
	drop(a);
	assert_int_equal(lockdep_depth(), 0);
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("lockdep: possible recursive locking: taking A in "
			       "inner while already holding it (taken in outer)\n"), 1);
	take(a); take(a); drop(a); drop(a); /* once per class */
	assert_int_equal(lockdep_reports(), 1);
}

static void test_release_not_held(void **state)
{
	struct lock_class *a = lockdep_class("A");

	lockdep_release(a, "unlocker");
	lockdep_release(a, "unlocker");
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("lockdep: releasing A in unlocker, but this CPU "
			       "does not hold it\n"), 1);
}

static void test_out_of_order_release(void **state)
{
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B"),
			  *c = lockdep_class("C");

	take(a);
	take(b);
	drop(a); /* hand-over-hand */
	assert_int_equal(lockdep_depth(), 1);
	take(c); /* only B is held: B -> C, not A -> C */
	drop(b);
	drop(c);
	assert_int_equal(lockdep_depth(), 0);
	assert_int_equal(lockdep_reports(), 0);
	/* C -> A closes the cycle through B: had A -> C been recorded, the
	 * (shortest) path shown would be A -> C */
	take(c); take(a); drop(a); drop(c);
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("taking A while holding C, but A -> B -> C was seen"), 1);
}

static void test_irq_then_irqs_on(void **state)
{
	struct lock_class *t = lockdep_class("timer_lock");

	lockdep_acquire(t, false, true, "timer_interrupt");
	drop(t);
	lockdep_acquire(t, false, false, "timer_read_irqsave"); /* fine */
	drop(t);
	assert_int_equal(lockdep_reports(), 0);
	lockdep_acquire(t, true, false, "timer_read");
	drop(t);
	lockdep_acquire(t, true, false, "timer_read");
	drop(t);
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("lockdep: class timer_lock is taken in interrupt "
			       "handlers and with interrupts on (at timer_read "
			       "with interrupts on, at timer_interrupt in an "
			       "interrupt handler)\n"), 1);
}

static void test_irqs_on_then_irq(void **state)
{
	struct lock_class *t = lockdep_class("tty_lock");

	lockdep_acquire(t, true, false, "tty_write");
	drop(t);
	assert_int_equal(lockdep_reports(), 0);
	lockdep_acquire(t, false, true, "serial_interrupt");
	drop(t);
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("class tty_lock is taken in interrupt handlers "
			       "and with interrupts on (at tty_write"), 1);
}

/* irq-safe A held while irq-unsafe B is taken, learnt in each order. */
static void test_irq_safe_then_unsafe_under_it(void **state)
{
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B");

	lockdep_acquire(a, false, true, "a_interrupt");
	drop(a);
	take(a); take(b); drop(b); drop(a); /* A -> B, interrupts off */
	assert_int_equal(lockdep_reports(), 0);
	lockdep_acquire(b, true, false, "b_with_irqs_on"); /* B irq-unsafe */
	drop(b);
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("lockdep: irq-safe A is held while irq-unsafe B "
			       "is taken: A -> B (A in an interrupt handler at "
			       "a_interrupt, B with interrupts on at "
			       "b_with_irqs_on)\n"), 1);
	assert_int_equal(count("lockdep:   before: A (taken in take) held, "
			       "took B in take\n"), 1);
}

static void test_irq_unsafe_then_taken_under_irq_safe(void **state)
{
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B");

	lockdep_acquire(b, true, false, "b_with_irqs_on");
	drop(b);
	lockdep_acquire(a, false, true, "a_interrupt");
	lockdep_acquire(b, false, true, "b_in_interrupt");
	drop(b);
	drop(a);
	/* B is also taken in an interrupt with interrupts on elsewhere: that
	 * is its own report; A -> B is the second */
	assert_int_equal(lockdep_reports(), 2);
	assert_int_equal(count("irq-safe A is held while irq-unsafe B is taken: "
			       "A -> B"), 1);
}

static void test_irq_safe_learnt_last_through_chain(void **state)
{
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B"),
			  *c = lockdep_class("C");

	take(a); take(b); drop(b); drop(a);
	take(b); take(c); drop(c); drop(b);
	lockdep_acquire(c, true, false, "c_with_irqs_on");
	drop(c);
	assert_int_equal(lockdep_reports(), 0);
	lockdep_acquire(a, false, true, "a_interrupt"); /* A becomes irq-safe */
	drop(a);
	lockdep_acquire(a, false, true, "a_interrupt");
	drop(a);
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("irq-safe A is held while irq-unsafe C is taken: "
			       "A -> B -> C"), 1);
}

static void test_irq_safe_under_irq_unsafe_is_fine(void **state)
{
	/* the other way round is Linux's normal case: a lock taken with
	 * interrupts on, then inside it an irq-safe one with them off */
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B");

	lockdep_acquire(a, true, false, "a_with_irqs_on");
	lockdep_acquire(b, false, false, "b_irqsave");
	drop(b);
	drop(a);
	lockdep_acquire(b, false, true, "b_interrupt");
	drop(b);
	assert_int_equal(lockdep_reports(), 0);
}

static void test_sleeping_with_lock_held(void **state)
{
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B");

	lockdep_assert_none_held("schedule");
	assert_int_equal(lockdep_reports(), 0);
	lockdep_acquire(a, false, false, "outer");
	lockdep_acquire(b, false, false, "inner");
	lockdep_assert_none_held("schedule");
	lockdep_assert_none_held("schedule");
	drop(b);
	drop(a);
	lockdep_assert_none_held("schedule");
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("lockdep: sleeping (in schedule) while holding "
			       "spinlock B (taken in inner)\n"), 1);
	assert_int_equal(count("lockdep:   also held: A (taken in outer)\n"), 1);
}

static void test_class_table_full(void **state)
{
	static char names[LOCKDEP_MAX_CLASSES + 8][16];
	struct lock_class *c[LOCKDEP_MAX_CLASSES + 8];
	unsigned i;

	for (i = 0; i < LOCKDEP_MAX_CLASSES + 8; i++) {
		snprintf(names[i], sizeof(names[i]), "class%u", i);
		c[i] = lockdep_class(names[i]);
		assert_non_null(c[i]);
	}
	assert_int_equal(lockdep_reports(), 1);
	assert_int_equal(count("lockdep: more than 256 lock classes "
			       "(\"class256\"): checking stops\n"), 1);
	assert_ptr_equal(lockdep_class("class3"), c[3]); /* old ones stay */
	/* checking has stopped: an inversion goes unseen, nothing breaks */
	take(c[0]); take(c[1]); drop(c[1]); drop(c[0]);
	take(c[1]); take(c[0]); drop(c[0]); drop(c[1]);
	take(c[LOCKDEP_MAX_CLASSES + 1]);
	drop(c[LOCKDEP_MAX_CLASSES + 1]);
	assert_int_equal(lockdep_reports(), 1);
}

static void test_edge_table_full(void **state)
{
	/* 65 classes, each taken inside each other one below it: 64 * 65 / 2
	 * = 2080 orders; then the same inside those above: 4160 > 4096 */
	enum { N = 65 };
	static char names[N][16];
	struct lock_class *c[N];
	unsigned i, j;

	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "lock%u", i);
		c[i] = lockdep_class(names[i]);
	}
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++) {
			take(c[i]); take(c[j]); drop(c[j]); drop(c[i]);
		}
	assert_int_equal(lockdep_reports(), 0);
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++) {
			take(c[j]); take(c[i]); drop(c[i]); drop(c[j]);
		}
	/* every reversed pair until the table is full is a cycle (2016 of
	 * them, more than the log keeps), then one "full" report and no
	 * more orders */
	assert_int_equal(count("lockdep: more than 4096 lock orders: no more "
			       "are recorded"), 1);
	assert_int_equal(lockdep_reports(),
			 LOCKDEP_MAX_EDGES - N * (N - 1) / 2 + 1);
	assert_int_equal(lockdep_depth(), 0);
}

static void test_two_cpus_are_independent(void **state)
{
	struct lock_class *a = lockdep_class("A"), *b = lockdep_class("B");

	host_cpu_id = 0;
	take(a);
	host_cpu_id = 1;
	take(b);              /* CPU 1 holds only B: no A -> B */
	assert_int_equal(lockdep_depth(), 1);
	host_cpu_id = 0;
	drop(a);
	host_cpu_id = 1;
	drop(b);
	assert_int_equal(lockdep_depth(), 0);
	take(b); take(a); drop(a); drop(b); /* B -> A on CPU 1 */
	host_cpu_id = 0;
	lockdep_release(b, "cpu0"); /* CPU 0 never took B */
	assert_int_equal(count("releasing B in cpu0, but this CPU does not hold it"), 1);
	take(a); take(b); drop(b); drop(a); /* A -> B on CPU 0: the cycle */
	assert_int_equal(count("taking B while holding A, but B -> A was seen"), 1);
	assert_int_equal(lockdep_reports(), 2);
}

static void test_held_stack_overflow(void **state)
{
	static char names[LOCKDEP_MAX_DEPTH + 2][16];
	struct lock_class *c[LOCKDEP_MAX_DEPTH + 2];
	int i;

	for (i = 0; i < LOCKDEP_MAX_DEPTH + 2; i++) {
		snprintf(names[i], sizeof(names[i]), "nest%d", i);
		c[i] = lockdep_class(names[i]);
		take(c[i]);
	}
	assert_int_equal(lockdep_depth(), LOCKDEP_MAX_DEPTH);
	for (i = LOCKDEP_MAX_DEPTH + 1; i >= 0; i--)
		drop(c[i]);
	assert_int_equal(lockdep_depth(), 0);
	assert_int_equal(lockdep_reports(), 1); /* the overflow, no releases */
	assert_int_equal(count("lockdep: more than 16 locks held (taking nest16"), 1);
}

static void test_off_before_init(void **state)
{
	struct lock_class *a, *b;

	lockdep_reset(); /* as at boot before lockdep_init() */
	a = lockdep_class("A");
	b = lockdep_class("B");
	take(a); take(b); drop(b); drop(a);
	take(b); take(a); drop(a); drop(b);
	lockdep_release(a, "early");
	lockdep_assert_none_held("early");
	assert_int_equal(lockdep_reports(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_line, setup),
		cmocka_unit_test_setup(test_class_by_name, setup),
		cmocka_unit_test_setup(test_consistent_order_is_quiet, setup),
		cmocka_unit_test_setup(test_inversion_reported_once, setup),
		cmocka_unit_test_setup(test_three_class_cycle, setup),
		cmocka_unit_test_setup(test_cycle_through_held_below_top, setup),
		cmocka_unit_test_setup(test_recursion, setup),
		cmocka_unit_test_setup(test_release_not_held, setup),
		cmocka_unit_test_setup(test_out_of_order_release, setup),
		cmocka_unit_test_setup(test_irq_then_irqs_on, setup),
		cmocka_unit_test_setup(test_irqs_on_then_irq, setup),
		cmocka_unit_test_setup(test_irq_safe_then_unsafe_under_it, setup),
		cmocka_unit_test_setup(test_irq_unsafe_then_taken_under_irq_safe, setup),
		cmocka_unit_test_setup(test_irq_safe_learnt_last_through_chain, setup),
		cmocka_unit_test_setup(test_irq_safe_under_irq_unsafe_is_fine, setup),
		cmocka_unit_test_setup(test_sleeping_with_lock_held, setup),
		cmocka_unit_test_setup(test_class_table_full, setup),
		cmocka_unit_test_setup(test_edge_table_full, setup),
		cmocka_unit_test_setup(test_two_cpus_are_independent, setup),
		cmocka_unit_test_setup(test_held_stack_overflow, setup),
		cmocka_unit_test_setup(test_off_before_init, setup),
	};

	return cmocka_run_group_tests_name("kernel/lockdep", tests,
					   host_group_setup,
					   host_group_teardown);
}
