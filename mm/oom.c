/*
 * mm/oom.c - the out-of-memory killer: when a user process needs a frame
 * and none is free, kill the process holding the most memory and retry.
 *
 * The choice is Linux's badness (oom_badness() in mm/oom_kill.c) without
 * swap and without oom_score_adj: the pages a process would give back by
 * dying, its resident pages plus its page-table pages.  Init (PID 1) is
 * only chosen when nothing else can be; tasks without user memory (the
 * idle task) never are.  Every task using the victim's address space is
 * killed (its threads, and a process sharing it through CLONE_VM), since
 * the memory is only freed when the last of them lets go of it.
 *
 * The victim dies on its way back to user mode (SIGKILL cannot be caught,
 * and it wakes a sleeping task), in do_exit(), which frees its address
 * space and calls oom_victim_exited().  Meanwhile the caller sleeps on
 * oom_wait; other allocations that fail while a victim is still dying
 * wait for it too instead of killing a second process (Linux's
 * oom_evaluate_task() aborting the scan).  The victim's task structure
 * and kernel stack stay until its parent reaps it, as for any exit.
 */
#include "mm/oom.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include "kernel/signal.h"
#include "kernel/task.h"
#include "kernel/wait.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/stats.h"
#include "mm/vmscan.h"
#include <asm/arch.h>

u64 oom_kills;
static unsigned oom_victims;       /* victim threads still holding memory */
static struct wait_queue oom_wait; /* where callers wait for them */

/* oom_badness - the pages t's process would free by dying. */
static u64 oom_badness(const struct task *t)
{
	return t->mm->rss + pt_count_user_tables(t->mm->pgd);
}

/* May t's process be chosen?  It must have user memory and not be dying
 * already (killing it again frees nothing more). */
static bool oom_candidate(const struct task *t)
{
	return t->mm && t->state != TASK_ZOMBIE &&
	       !t->group_leader->group_exiting && !fatal_signal_pending(t);
}

/*
 * select_bad_process - the task whose process has the highest badness
 * (init's only if no other has memory), or NULL.  *dying is set when an
 * earlier victim still holds its memory: then nothing is chosen.
 */
static struct task *select_bad_process(bool *dying)
{
	struct task *best = NULL, *init = NULL;
	u64 best_points = 0;

	*dying = false;
	for (struct task *t = task_first(); t; t = t->all_next) {
		u64 points;

		if (t->oom_victim && t->mm) {
			*dying = true;
			return NULL;
		}
		if (!oom_candidate(t))
			continue;
		if (t->tgid == INIT_PID) {
			init = t;
			continue;
		}
		points = oom_badness(t);
		if (!best || points > best_points) {
			best = t;
			best_points = points;
		}
	}
	return best ? best : init;
}

/* oom_kill_process - SIGKILL every task using victim's address space. */
static void oom_kill_process(struct task *victim)
{
	struct mm *mm = victim->mm;
	struct task *leader = victim->group_leader;

	printk(KERN_ERR "out of memory: killed pid %d (%s), rss %lu kB\n",
	       victim->tgid, leader->comm, mm->rss * KB_PER_PAGE);
	oom_kills++;
	for (struct task *t = task_first(); t; t = t->all_next) {
		if (t->mm != mm || t->state == TASK_ZOMBIE)
			continue;
		if (!t->oom_victim) {
			t->oom_victim = true;
			oom_victims++;
		}
		send_signal(t, SIGKILL, NULL);
	}
}

/* wait_for_victims - sleep until every victim has let go of its memory:
 * true, or false if the caller is killed meanwhile. */
static bool wait_for_victims(void)
{
	u64 flags = arch_irq_save();
	int err = 0;

	while (oom_victims && !err)
		err = wait_sleep_killable(&oom_wait);
	arch_irq_restore(flags);
	return !err;
}

/* What the OOM path asks of page replacement before it kills (1 MiB). */
#define OOM_RECLAIM_PAGES 256

bool out_of_memory(bool wait)
{
	struct task *victim;
	bool dying;

	if (fatal_signal_pending(current))
		return false; /* dying already: its own memory comes back */
	if (reclaim_pages(OOM_RECLAIM_PAGES))
		return true; /* pages went to swap instead: try again */
	victim = select_bad_process(&dying);
	if (victim)
		oom_kill_process(victim);
	else if (!dying)
		return false; /* nothing left to kill */
	if (!wait || fatal_signal_pending(current))
		return false;
	return wait_for_victims();
}

void oom_victim_exited(struct task *t)
{
	if (!t->oom_victim)
		return;
	t->oom_victim = false;
	oom_victims--;
	wake_up(&oom_wait);
}
