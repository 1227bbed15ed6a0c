/*
 * kernel/sched.c - the round-robin scheduler, sleeping and waking.
 *
 * Runnable tasks sit on a circular run queue; the timer gives each one
 * SCHED_SLICE_TICKS before need_resched is set, and the switch happens on
 * the next return to user mode (the kernel itself is not preempted).  The
 * idle task runs when the queue is empty.  A task goes to sleep by leaving
 * the queue (TASK_SLEEPING) and calling schedule(); wake_up() puts it back.
 * Threads are tasks like any other: each has its own slice.
 */
#include "kernel/task.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm/mm.h"
#include <asm/arch.h>

#define SCHED_SLICE_TICKS 10 /* 10 ms at TIMER_HZ 1000 */

struct task *current;
static struct task idle_task;
static struct task *run_queue; /* any runnable task but idle; NULL if none */
static unsigned nr_running;
static struct task *task_dead; /* an exited thread, freed by the next to run */

unsigned sched_nr_running(void)
{
	return nr_running;
}

static void runq_add(struct task *t)
{
	if (!run_queue) {
		t->run_next = t->run_prev = t;
		run_queue = t;
	} else {
		t->run_next = run_queue;
		t->run_prev = run_queue->run_prev;
		run_queue->run_prev->run_next = t;
		run_queue->run_prev = t;
	}
	nr_running++;
}

static void runq_remove(struct task *t)
{
	if (t->run_next == t) {
		run_queue = NULL;
	} else {
		t->run_prev->run_next = t->run_next;
		t->run_next->run_prev = t->run_prev;
		if (run_queue == t)
			run_queue = t->run_next;
	}
	t->run_next = t->run_prev = NULL;
	nr_running--;
}

void sched_init(struct kstack *idle_stack)
{
	idle_task.kstack = *idle_stack;
	idle_task.pid = 0;
	idle_task.group_leader = &idle_task;
	idle_task.group_live = 1;
	idle_task.state = TASK_RUNNING;
	task_set_comm(&idle_task, "swapper");
	current = &idle_task;
}

void sched_add(struct task *t)
{
	u64 flags = arch_irq_save();

	t->state = TASK_RUNNING;
	t->slice_left = SCHED_SLICE_TICKS;
	if (t != &idle_task && !t->run_next)
		runq_add(t);
	arch_irq_restore(flags);
}

/* The next task to run after prev: round robin, idle if none. */
static struct task *pick_next(struct task *prev)
{
	if (!run_queue)
		return &idle_task;
	if (prev->run_next && prev->state == TASK_RUNNING)
		return prev->run_next;
	return run_queue;
}

/* finish_switch - first thing on the new task's stack after a switch:
 * free the thread that exited by switching here (sched_exit_dead). */
static void finish_switch(void)
{
	struct task *dead = task_dead;

	if (dead && dead != current) {
		task_dead = NULL;
		task_free(dead);
	}
}

void schedule(void)
{
	u64 flags = arch_irq_save();
	struct task *prev = current, *next;

	if (prev->state != TASK_RUNNING && prev->run_next)
		runq_remove(prev);
	next = pick_next(prev);
	prev->need_resched = false;
	if (next == prev)
		prev->slice_left = SCHED_SLICE_TICKS;
	if (next != prev) {
		next->slice_left = SCHED_SLICE_TICKS;
		if (prev->state == TASK_RUNNING)
			prev->ru.nivcsw++;
		else
			prev->ru.nvcsw++;
		current = next;
		mm_activate(next->mm);
		arch_switch(&prev->thread, &next->thread, next->kstack.top);
		finish_switch(); /* back on prev's stack: prev is current again */
	}
	arch_irq_restore(flags);
}

/* Called by a new task right after its first switch-in (entry.asm). */
void task_first_run(void)
{
	finish_switch();
	arch_irq_enable();
}

__noreturn void sched_exit_dead(void)
{
	if (task_dead)
		panic("sched_exit_dead: thread %d not freed yet", task_dead->pid);
	task_dead = current;
	schedule();
	panic("sched_exit_dead: thread %d was scheduled again", current->pid);
}

static void wake_sleeper(struct task *t)
{
	if (t->waiting_on)
		wait_remove(t->waiting_on, t);
	t->wake_at_ns = 0;
	sched_add(t);
}

void wake_up_task(struct task *t)
{
	u64 flags = arch_irq_save();

	if (t->state == TASK_SLEEPING)
		wake_sleeper(t);
	arch_irq_restore(flags);
}

/* Wake tasks whose timed sleep is over.  O(tasks) per tick: fine for the
 * few dozen processes a teaching system runs. */
static void wake_timed_sleepers(u64 now)
{
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->state == TASK_SLEEPING && t->wake_at_ns &&
		    t->wake_at_ns <= now)
			wake_sleeper(t);
}

void sched_tick(bool from_user)
{
	struct task *t = current;
	const u64 tick_ns = 1000000000ull / TIMER_HZ;

	if (from_user) /* charge the tick to whoever it interrupted */
		t->ru.utime_ns += tick_ns;
	else
		t->ru.stime_ns += tick_ns;
	timers_tick(t, from_user); /* kernel/itimer.c */
	wake_timed_sleepers(arch_clock_ns());
	if (t == &idle_task) {
		if (run_queue)
			t->need_resched = true;
		return;
	}
	if (t->slice_left && --t->slice_left == 0)
		t->need_resched = true;
	else if (!t->slice_left && run_queue)
		t->need_resched = true;
}

void sched_yield(void)
{
	u64 flags = arch_irq_save();

	if (current->run_next) /* go to the back of the queue */
		run_queue = current->run_next;
	schedule();
	arch_irq_restore(flags);
}

int sched_sleep_until(u64 ns)
{
	u64 flags = arch_irq_save();
	int r = 0;

	while (arch_clock_ns() < ns) {
		if (signal_pending(current)) {
			r = -EINTR;
			break;
		}
		current->state = TASK_SLEEPING;
		current->wake_at_ns = ns;
		schedule();
	}
	current->wake_at_ns = 0;
	arch_irq_restore(flags);
	return r;
}

__noreturn void sched_idle_loop(void)
{
	for (;;) {
		if (current->need_resched || run_queue)
			schedule();
		arch_idle();
	}
}

/* ---- wait queues ---- */

void wait_add(struct wait_queue *wq, struct task *t)
{
	struct task **pp = &wq->head;

	while (*pp)
		pp = &(*pp)->wait_next;
	*pp = t;
	t->wait_next = NULL;
	t->waiting_on = wq;
}

/* Sleep once on wq (interrupts disabled). */
static void sleep_on(struct wait_queue *wq)
{
	struct task *t = current;

	wait_add(wq, t);
	t->state = TASK_SLEEPING;
	schedule();
	if (t->waiting_on) /* woken by a timer or signal, not by wake_up */
		wait_remove(t->waiting_on, t);
}

int wait_sleep(struct wait_queue *wq)
{
	if (signal_pending(current))
		return -ERESTARTSYS;
	sleep_on(wq);
	return signal_pending(current) ? -ERESTARTSYS : 0;
}

int wait_sleep_killable(struct wait_queue *wq)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	sleep_on(wq);
	return fatal_signal_pending(current) ? -EINTR : 0;
}

void wait_remove(struct wait_queue *wq, struct task *t)
{
	struct task **pp = &wq->head;

	for (; *pp; pp = &(*pp)->wait_next) {
		if (*pp == t) {
			*pp = t->wait_next;
			break;
		}
	}
	t->wait_next = NULL;
	t->waiting_on = NULL;
}

void wake_up(struct wait_queue *wq)
{
	u64 flags = arch_irq_save();

	while (wq->head) {
		struct task *t = wq->head;

		wq->head = t->wait_next;
		t->wait_next = NULL;
		t->waiting_on = NULL;
		if (t->state == TASK_SLEEPING)
			sched_add(t);
	}
	arch_irq_restore(flags);
}

/* signal.c wakes a sleeping task this way. */
void sched_wake_for_signal(struct task *t)
{
	u64 flags = arch_irq_save();

	if (t->state == TASK_SLEEPING)
		wake_sleeper(t);
	arch_irq_restore(flags);
}
