/*
 * include/vmos/lockdep.h - the lock checker (Linux's lockdep, reduced),
 * in the checked kernel only (CONFIG_LOCKDEP; kernel/lockdep.c,
 * docs/smp.md "The lock checker").
 *
 * The spinlock code tells it each time a lock is taken and released.  It
 * records, per lock class, which classes were held when it was taken
 * (a dependency graph), and reports on the kernel log, once each:
 *  - a lock order inversion (a cycle in that graph), which two CPUs
 *    can turn into a deadlock;
 *  - a class taken twice on one CPU without being released;
 *  - a class taken both in interrupt handlers and with interrupts on;
 *  - a class released while not held;
 *  - sleeping (schedule()) while holding a spinlock.
 * Every report is one or more lines starting "lockdep: " at KERN_ERR;
 * checking goes on after it.  In the normal kernel every function here
 * is an empty inline: it pays nothing.
 *
 * Locking: the checker has its own lock (a raw spinlock with interrupts
 * off) around its tables, and ignores the locks taken inside itself
 * (printk's, while it prints a report).
 */
#ifndef VMOS_LOCKDEP_H
#define VMOS_LOCKDEP_H

#include <vmos/types.h>

#define LOCKDEP_MAX_CLASSES 256 /* lock classes (lock names) */
#define LOCKDEP_MAX_EDGES 4096  /* "B taken while A held" pairs */
#define LOCKDEP_MAX_DEPTH 16    /* locks one CPU holds at once */

/* One lock class per lock definition (its name string is the key: every
 * lock initialised with the same name is one class, as Linux's
 * lock_class_key per call site). */
struct lock_class;

#ifdef CONFIG_LOCKDEP
/* lockdep_init - start checking (after this CPU's per-CPU data is set
 * up: until then every call below does nothing).  Call it on the boot
 * CPU before the others run and with no lock held: a lock taken before
 * and released after would be "released but not held".  Prints
 * "lockdep: checking lock order (N classes max)"; a second call does
 * nothing. */
void lockdep_init(void);
/* lockdep_class - the class of locks named name (a string literal with
 * static lifetime; compared by pointer first, then by content). Never
 * NULL: the table is static (LOCKDEP_MAX_CLASSES, 256); when it is full,
 * one report and checking stops. */
struct lock_class *lockdep_class(const char *name);
/* lockdep_acquire - this CPU is about to take a lock of class c (after
 * it spun and got it: call it once the lock is held).  irqs_on: were
 * interrupts enabled at the moment of taking it; in_irq: is the CPU in
 * an interrupt handler.  Reports, at most once per pair of classes:
 *  - an inversion: a lock of class B is taken while A is held, when
 *    somewhere before A was taken while B (directly or through a chain of
 *    classes) was held: "lockdep: possible deadlock: taking B while
 *    holding A, but B -> ... -> A was seen" with the chain;
 *  - taking the same class twice without releasing it (recursion);
 *  - interrupt safety: a class taken in an interrupt handler (in_irq)
 *    and also taken elsewhere with interrupts on: "lockdep: class X is
 *    taken in interrupt handlers and with interrupts on (at ...)": an
 *    interrupt arriving while it is held would deadlock on it.
 * Records the held lock on this CPU's stack of held locks (depth max 16). */
void lockdep_acquire(struct lock_class *c, bool irqs_on, bool in_irq,
		     const char *where);
/* lockdep_release - the held lock of class c is released (it need not be
 * the last taken). Releasing a class not held is a report. */
void lockdep_release(struct lock_class *c, const char *where);
/* lockdep_assert_none_held - called where the CPU may sleep or switch
 * (schedule()): holding any spinlock there is a report "lockdep:
 * sleeping (in WHERE) while holding spinlock X". */
void lockdep_assert_none_held(const char *where);
/* lockdep_reports - how many reports so far (tests; /proc/lockdep line). */
unsigned lockdep_reports(void);
/* lockdep_class_name - the name a class was made with (c may be NULL:
 * "?"). */
const char *lockdep_class_name(const struct lock_class *c);
/* lockdep_depth - how many locks this CPU holds (as the checker saw). */
unsigned lockdep_depth(void);
/* lockdep_reset - forget every class, edge, held lock and report, and
 * stop checking until the next lockdep_init() (host unit tests). */
void lockdep_reset(void);
#define LOCKDEP_ENABLED true
#else /* the normal kernel: nothing to record or check (a class is NULL) */
static inline void lockdep_init(void)
{
}

static inline struct lock_class *lockdep_class(const char *name)
{
	return NULL;
}

static inline void lockdep_acquire(struct lock_class *c, bool irqs_on,
				   bool in_irq, const char *where)
{
}

static inline void lockdep_release(struct lock_class *c, const char *where)
{
}

static inline void lockdep_assert_none_held(const char *where)
{
}

static inline unsigned lockdep_reports(void)
{
	return 0;
}

static inline const char *lockdep_class_name(const struct lock_class *c)
{
	return "?";
}

static inline unsigned lockdep_depth(void)
{
	return 0;
}
#define LOCKDEP_ENABLED false
#endif

#endif
