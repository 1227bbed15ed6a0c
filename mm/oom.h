/*
 * mm/oom.h - the out-of-memory killer.
 *
 * Running out of memory is a normal event: when a frame cannot be found
 * for a user process (a page fault, a copy-on-write copy, a page-table
 * page, MAP_POPULATE, mlock), the kernel frees memory by killing the
 * process that holds the most of it, as Linux's OOM killer does
 * (mm/oom_kill.c), and the allocation is tried again.
 */
#ifndef MM_OOM_H
#define MM_OOM_H

#include <vmos/types.h>

struct task;

/*
 * out_of_memory - an allocation for the current process failed.  Picks
 * the process with the largest badness (resident pages plus page-table
 * pages; never init while another candidate exists, never a task without
 * user memory), logs "out of memory: killed pid N (name), rss X kB" and
 * sends it SIGKILL.  If a victim is already on its way out, nobody new is
 * killed: its memory is what the caller waits for.
 *
 * With wait, the caller then sleeps until every victim has released its
 * memory and returns true: retry the allocation.  It returns false (fail
 * the allocation) when the caller itself was chosen or is being killed,
 * when nothing could be killed, and always without wait (a kernel-mode
 * fault in the middle of a user copy must not sleep: what it copies to
 * or from could change under it).
 */
bool out_of_memory(bool wait);

/* oom_victim_exited - thread t, killed by the OOM killer, has just
 * dropped its address space (do_exit): waiters may retry. */
void oom_victim_exited(struct task *t);

/* oom_kills - victims killed since boot (/proc/vmstat oom_kill). */
extern u64 oom_kills;

#endif
