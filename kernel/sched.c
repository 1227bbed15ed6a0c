/*
 * kernel/sched.c - the round-robin scheduler, sleeping and waking.
 *
 * Runnable tasks sit on a circular run queue and take turns in its order.
 * Each turn is a slice of time (sched_slice(): the more tasks are
 * runnable, the shorter, so that every one of them runs again within
 * SCHED_LATENCY_NS); when the running task's slice is used up and another
 * task is runnable, the tick sets need_resched, and the switch
 * happens on the next return to user mode, whether the kernel was entered
 * by a system call, a fault or an interrupt (the kernel itself is not
 * preempted).  A task that is alone keeps the CPU and starts a new slice.
 * The idle task runs when the queue is empty.  A task goes to sleep by
 * leaving the queue (TASK_SLEEPING) and calling schedule(); wake_up() puts
 * it back at the end of the round, just behind the running task, so a
 * task that sleeps and wakes often cannot keep the others from running.
 * A task that waited for the disk or a mutex (TASK_UNINTERRUPTIBLE) is
 * the exception: it runs next (wake_io_sleeper()).
 * Threads are tasks like any other: each has its own slice.
 *
 * Several CPUs share the one run queue (a task on it is either running
 * on some CPU, on_cpu, or waiting for one), each picking the next task
 * in the round that no other CPU runs and that its affinity allows; each
 * CPU has its own idle task.  The queue and every task's state are
 * changed only under the kernel lock (vmos/bkl.h), by task code or by
 * the interrupts' deferred work; an interrupt's first half (sched_tick())
 * only reads them.  A task made runnable while a CPU it may run on is
 * idle wakes that CPU (kick_idle_cpu()).
 */
#include "kernel/rseq.h"
#include "kernel/capability.h"
#include "kernel/task.h"
#include "kernel/itimer.h"
#include <vmos/bkl.h>
#include <vmos/errno.h>
#include <vmos/lockdep.h>
#include <vmos/printk.h>
#include "mm/mm.h"
#include <asm/arch.h>
#include <asm/irq.h>

/* Slices are measured on the clock, not counted in ticks: a host that
 * delays QEMU's timer interrupts (they then arrive merged) must not make
 * the turns longer. */
#define SCHED_SLICE_NS 10000000ull    /* the longest slice: 10 ms */
#define SCHED_MIN_SLICE_NS 2000000ull /* the shortest, however many run */
#define SCHED_LATENCY_NS 24000000ull  /* a round of every runnable task */

static struct task idle_tasks[NR_CPUS];
static struct task *run_queue; /* any runnable task but idle; NULL if none */
static unsigned nr_running;    /* tasks on the run queue */
static unsigned nr_waiting;    /* of those, the ones no CPU runs (racy reads
				  in the tick are fine: a hint) */
static struct task *task_dead[NR_CPUS]; /* a thread that exited on this
					   CPU, freed by the next to run */

static struct task *this_idle(void)
{
	return &idle_tasks[smp_processor_id()];
}

static bool is_idle(const struct task *t)
{
	return t >= idle_tasks && t < idle_tasks + NR_CPUS;
}

unsigned sched_nr_running(void)
{
	return nr_running;
}

u64 sched_idle_ns(void)
{
	u64 ns = 0;

	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		ns += sched_cpu_idle_ns(cpu);
	return ns;
}

u64 sched_cpu_idle_ns(unsigned cpu)
{
	const struct task *idle = &idle_tasks[cpu];

	return idle->ru.utime_ns + idle->ru.stime_ns;
}

static bool cpu_allowed(const struct task *t, unsigned cpu)
{
	return t->cpus_allowed & (1ull << cpu);
}

/* runq_add - put t last in the round: just behind the running task if it
 * is on the queue (so every other runnable task runs before t), else
 * behind the queue's head. */
static void runq_add(struct task *t)
{
	struct task *after_last = current->run_next ? current : run_queue;

	if (!after_last) {
		t->run_next = t->run_prev = t;
		run_queue = t;
	} else {
		t->run_next = after_last;
		t->run_prev = after_last->run_prev;
		after_last->run_prev->run_next = t;
		after_last->run_prev = t;
	}
	nr_running++;
}

/* runq_add_next - put t right after the running task, to run next, and
 * end the running task's turn at its next return to user mode. */
static void runq_add_next(struct task *t)
{
	struct task *c = current;

	if (!c->run_next || is_idle(c)) {
		runq_add(t); /* idle: t runs at once anyway */
		return;
	}
	t->run_prev = c;
	t->run_next = c->run_next;
	c->run_next->run_prev = t;
	c->run_next = t;
	nr_running++;
	c->need_resched = true;
}

/* sched_slice - how long a task may run before it must let the next one
 * run: SCHED_LATENCY_NS shared among the runnable tasks, within
 * [SCHED_MIN_SLICE_NS, SCHED_SLICE_NS]. */
static u64 sched_slice(void)
{
	u64 slice = SCHED_LATENCY_NS / (nr_running ? nr_running : 1);

	if (slice < SCHED_MIN_SLICE_NS)
		return SCHED_MIN_SLICE_NS;
	return slice > SCHED_SLICE_NS ? SCHED_SLICE_NS : slice;
}

/* Is a task waiting for a CPU?  (From the tick, without the kernel lock:
 * a hint; schedule() decides under the lock.) */
static bool others_runnable(void)
{
	return __atomic_load_n(&nr_waiting, __ATOMIC_RELAXED) != 0;
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

/* idle_init - the running CPU's idle task: what it runs on its boot stack. */
static void idle_init(struct kstack *idle_stack)
{
	struct task *idle = this_idle();

	idle->kstack = *idle_stack;
	idle->pid = 0;
	idle->group_leader = idle;
	idle->group_live = 1;
	idle->state = TASK_RUNNING;
	idle->cpu = smp_processor_id();
	idle->on_cpu = true;
	idle->cpus_allowed = 1ull << idle->cpu;
	task_set_comm(idle, "swapper");
	cred_init_root(&idle->cred);
	set_current(idle);
}

void sched_init(struct kstack *idle_stack)
{
	idle_init(idle_stack);
}

static bool smp_ready; /* sched_start_others() was called: the others may
			  run tasks */

__noreturn void sched_ap_main(struct kstack *idle_stack)
{
	idle_init(idle_stack);
	while (!__atomic_load_n(&smp_ready, __ATOMIC_ACQUIRE))
		arch_idle(); /* until sched_start_others()' IPI */
	arch_tick_start();
	kernel_lock();
	sched_idle_loop();
}

void sched_start_others(void)
{
	__atomic_store_n(&smp_ready, true, __ATOMIC_RELEASE);
	for (unsigned cpu = 1; cpu < nr_cpus_online; cpu++)
		arch_send_reschedule(cpu);
}

/*
 * kick_idle_cpu - t became runnable: if a CPU it may run on is idle, have
 * it look at the queue (this CPU at its next chance; another by a
 * reschedule IPI, which wakes it from hlt).
 */
static void kick_idle_cpu(struct task *t)
{
	unsigned self = smp_processor_id();

	if (is_idle(current) && cpu_allowed(t, self)) {
		current->need_resched = true;
		return;
	}
	for (unsigned cpu = 0; cpu < nr_cpus_online; cpu++) {
		struct task *c = cpu_curr(cpu);

		if (cpu != self && cpu_allowed(t, cpu) && is_idle(c) &&
		    !c->need_resched) {
			c->need_resched = true;
			arch_send_reschedule(cpu);
			return;
		}
	}
}

/* enqueue - t is runnable: last in the round, or next (runq_add_next()). */
static void enqueue(struct task *t, bool next)
{
	u64 flags = arch_irq_save();

	t->state = TASK_RUNNING;
	if (!is_idle(t) && !t->run_next) {
		(next ? runq_add_next : runq_add)(t);
		if (!t->on_cpu) {
			nr_waiting++;
			kick_idle_cpu(t);
		}
	}
	t->slice_end_ns = arch_clock_ns() + sched_slice();
	arch_irq_restore(flags);
}

void sched_add(struct task *t)
{
	enqueue(t, false);
}

/* The next task for this CPU after prev: the first in the round from
 * start (the task that followed prev, or the queue's head) that no other
 * CPU runs and that may run here; prev again if it is the only one; idle
 * if none. */
static struct task *pick_next(struct task *prev, struct task *start)
{
	unsigned cpu = smp_processor_id();
	struct task *t = start ? start : run_queue;

	for (unsigned i = 0; t && i < nr_running; i++, t = t->run_next)
		if ((t == prev || !t->on_cpu) && cpu_allowed(t, cpu))
			return t;
	return this_idle();
}

/* finish_switch - first thing on the new task's stack after a switch:
 * free the thread that exited by switching here (sched_exit_dead). */
static void finish_switch(void)
{
	struct task **slot = &task_dead[smp_processor_id()], *dead = *slot;

	if (dead && dead != current) {
		*slot = NULL;
		task_free(dead);
	}
}

__sched void schedule(void)
{
	struct task *prev = current, *next, *start;
	u64 flags;

	lockdep_assert_none_held("schedule"); /* a spinlock held here: a deadlock */
	flags = arch_irq_save();
	kernel_run_irq_work(); /* wake-ups deferred while this CPU held the lock */
	start = prev->run_next;
	if (start == prev)
		start = NULL; /* alone on the queue */
	if (prev->state != TASK_RUNNING && prev->run_next)
		runq_remove(prev);
	next = pick_next(prev, start);
	prev->need_resched = false;
	/* a new turn, also when prev goes on alone */
	next->slice_end_ns = arch_clock_ns() + sched_slice();
	if (next != prev) {
		if (prev->rseq)
			rseq_preempt(prev);
		if (prev->state == TASK_RUNNING)
			prev->ru.nivcsw++;
		else
			prev->ru.nvcsw++;
		if (!is_idle(prev) && prev->state == TASK_RUNNING) {
			nr_waiting++; /* back in the round, waiting */
			kick_idle_cpu(prev); /* an idle CPU may take it */
		}
		if (!is_idle(next))
			nr_waiting--;
		/* No other CPU can pick prev before the switch is over: that
		 * takes the kernel lock, which this CPU keeps through it. */
		prev->on_cpu = false;
		next->on_cpu = true;
		next->cpu = smp_processor_id();
		set_current(next);
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

__sched __noreturn void sched_exit_dead(void)
{
	struct task **slot = &task_dead[smp_processor_id()];

	if (*slot)
		panic("sched_exit_dead: thread %d not freed yet", (*slot)->pid);
	*slot = current;
	schedule();
	panic("sched_exit_dead: thread %d was scheduled again", current->pid);
}

/*
 * wake_io_sleeper - t's disk request (or mutex) is done: t runs next, ahead
 * of the round.  A task that waits for the disk uses little CPU between
 * requests; put last in the round it would wait a whole turn of every
 * CPU-bound task per request (reading 16 MiB beside one busy loop took
 * 90 s instead of 1).  Linux's CFS gives a waking task the same head start
 * (its vruntime is behind the others', and it preempts the running one).
 * Only for these waits: a task woken from an interruptible sleep (a pipe,
 * a futex) goes last, so two tasks that wake each other cannot keep a
 * third from running.
 */
static void wake_io_sleeper(struct task *t)
{
	t->wake_at_ns = 0;
	enqueue(t, true);
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

/* Wake tasks whose timed sleep is over (an uninterruptible one too: the
 * disk's time limit).  O(tasks) per tick: fine for the few dozen
 * processes a teaching system runs. */
static void wake_timed_sleepers(u64 now)
{
	for (struct task *t = task_first(); t; t = t->all_next)
		if ((t->state == TASK_SLEEPING || t->state == TASK_UNINTERRUPTIBLE) &&
		    t->wake_at_ns && t->wake_at_ns <= now)
			wake_sleeper(t);
}

/* The tick, in the interrupt: charge it to the task it interrupted, and
 * end that task's turn if it is over.  Touches only this CPU's task; what
 * the tick does to the rest of the kernel is sched_timer_work(). */
void sched_tick(bool from_user)
{
	struct task *t = current;
	const u64 tick_ns = 1000000000ull / TIMER_HZ;

	if (is_idle(t))
		return; /* its time is the idle loop's; kick_idle_cpu() wakes it */
	if (from_user) { /* charge the tick to whoever it interrupted */
		t->ru.utime_ns += tick_ns;
		this_cpu()->user_ns += tick_ns;
	} else {
		t->ru.stime_ns += tick_ns;
		this_cpu()->system_ns += tick_ns;
	}
	/* Checked on every tick, not only when the slice ends: a task whose
	 * slice ran out while it was alone must still give way to a task
	 * that wakes up later. */
	if (arch_clock_ns() >= t->slice_end_ns && others_runnable())
		t->need_resched = true;
}

/* The tick's deferred work, under the kernel lock: the timers (of the
 * processes the CPUs run, and the kernel's), and the sleepers whose time
 * is up. */
void sched_timer_work(void)
{
	struct task *running[NR_CPUS];
	unsigned n = 0;
	u64 now = arch_clock_ns();

	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu_info[cpu].online && cpu_curr(cpu))
			running[n++] = cpu_curr(cpu);
	timers_tick(running, n, now); /* kernel/itimer.c */
	wake_timed_sleepers(now);
}

__sched void sched_yield(void)
{
	schedule(); /* moves on to the next task in the round, if any */
}

bool sched_can_sleep(void)
{
	return !is_idle(current) && !in_irq() && arch_irqs_enabled();
}

__sched void cond_resched(void)
{
	if (current->need_resched)
		schedule();
}

__sched int sched_sleep_until(u64 ns)
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

/* Is a task waiting that this CPU may run (the kernel lock held)? */
static bool runnable_here(void)
{
	unsigned cpu = smp_processor_id();
	struct task *t = run_queue;

	for (unsigned i = 0; t && i < nr_running; i++, t = t->run_next)
		if (!t->on_cpu && cpu_allowed(t, cpu))
			return true;
	return false;
}

/* The idle task's loop, entered with the kernel lock held: run a task
 * when one is runnable; else give the lock up and halt until an
 * interrupt, whose deferred work (vmos/bkl.h) runs at its end, the lock
 * being free, and may make a task runnable. */
__noreturn void sched_idle_loop(void)
{
	for (;;) {
		/* Interrupts off from the test to the halt (arch_idle()'s sti
		 * takes effect only once hlt has begun): a wake-up from an
		 * interrupt in between would otherwise wait for the next tick,
		 * a millisecond, and every disk request ended that way. */
		arch_irq_disable();
		kernel_run_irq_work();
		if (current->need_resched || runnable_here()) {
			arch_irq_enable();
			schedule();
			continue;
		}
		kernel_unlock();
		/* need_resched: kick_idle_cpu() asked since (its IPI may have
		 * come before the hlt) */
		if (!irq_deferred_pending() && !current->need_resched) {
			u64 t0 = arch_clock_ns();

			arch_tick_stop();
			arch_idle();
			arch_tick_start();
			current->ru.stime_ns += arch_clock_ns() - t0; /* idle time */
		}
		kernel_lock();
	}
}

/* ---- where a task sleeps ---- */

extern char __sched_text_start[], __sched_text_end[]; /* linker.ld */

/* in_sched_functions - is addr in a function that only sleeps (__sched)? */
static bool in_sched_functions(u64 addr)
{
	return addr >= (u64)__sched_text_start && addr < (u64)__sched_text_end;
}

#define WCHAN_MAX_FRAMES 16

/* As Linux's get_wchan: only for a task that is off the CPU and not
 * runnable (a zombie has nothing left to wait for: 0, as Linux, whose
 * dead task's stack is gone). */
u64 get_wchan(struct task *t)
{
	u64 ret[WCHAN_MAX_FRAMES], flags = arch_irq_save(), wchan = 0;
	unsigned n = 0;

	if (t != current && t->state != TASK_RUNNING && t->state != TASK_ZOMBIE)
		n = arch_sleeping_stack(&t->thread, t->kstack.bottom,
					t->kstack.top, ret, WCHAN_MAX_FRAMES);
	arch_irq_restore(flags);
	/* a return address may be just past its function: look at ret - 1 */
	for (unsigned i = 0; i < n && !wchan; i++)
		if (!in_sched_functions(ret[i] - 1))
			wchan = ret[i];
	return wchan;
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

/* Sleep once on wq (interrupts disabled), in state (TASK_SLEEPING or
 * TASK_UNINTERRUPTIBLE). */
static __sched void sleep_on(struct wait_queue *wq, enum task_state state)
{
	struct task *t = current;

	wait_add(wq, t);
	t->state = state;
	schedule();
	if (t->waiting_on) /* woken by a timer or signal, not by wake_up */
		wait_remove(t->waiting_on, t);
}

__sched int wait_sleep(struct wait_queue *wq)
{
	if (signal_pending(current))
		return -ERESTARTSYS;
	sleep_on(wq, TASK_SLEEPING);
	return signal_pending(current) ? -ERESTARTSYS : 0;
}

__sched int wait_sleep_killable(struct wait_queue *wq)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	sleep_on(wq, TASK_SLEEPING);
	return fatal_signal_pending(current) ? -EINTR : 0;
}

__sched void wait_sleep_uninterruptible(struct wait_queue *wq, u64 until_ns)
{
	current->wake_at_ns = until_ns;
	sleep_on(wq, TASK_UNINTERRUPTIBLE);
	current->wake_at_ns = 0;
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
		if (t->state == TASK_UNINTERRUPTIBLE)
			wake_io_sleeper(t);
		else if (t->state == TASK_SLEEPING)
			sched_add(t);
	}
	arch_irq_restore(flags);
}

/* signal.c wakes a sleeping task this way, and makes one that runs on
 * another CPU look at its signals now (it does on its way back to user
 * mode: the reschedule IPI makes it take that way). */
void sched_wake_for_signal(struct task *t)
{
	u64 flags = arch_irq_save();

	if (t->state == TASK_SLEEPING)
		wake_sleeper(t);
	else if (t->on_cpu && t->cpu != smp_processor_id())
		arch_send_reschedule(t->cpu);
	arch_irq_restore(flags);
}

void sched_move(struct task *t)
{
	if (!t->on_cpu || cpu_allowed(t, t->cpu))
		return;
	t->need_resched = true; /* schedule() passes it over on this CPU... */
	if (t->cpu != smp_processor_id())
		arch_send_reschedule(t->cpu);
	/* ...and kicks an idle CPU it may use (else the tick finds it) */
}
