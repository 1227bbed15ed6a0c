/*
 * vmos/mutex.h - sleeping locks: mutual exclusion between tasks that may
 * sleep while they hold it (waiting for the disk, say).
 *
 * A task that finds the mutex held sleeps (state D, uninterruptible) until
 * the holder unlocks it, and the CPU runs other tasks meanwhile; a
 * spinlock would keep the CPU spinning for the whole disk request.  Only
 * tasks take mutexes: never an interrupt handler, and never with a
 * spinlock held (the checked kernel reports it: sleeping with a spinlock
 * held could deadlock).  Taking a mutex the task already holds, or
 * unlocking one it does not hold, panics.  Like Linux's struct mutex,
 * without its spinning and handoff optimizations.
 *
 * Each mutex says at its declaration what it protects; docs/smp.md lists
 * them with the spinlocks.
 */
#ifndef VMOS_MUTEX_H
#define VMOS_MUTEX_H

#include <vmos/types.h>
#include "kernel/wait.h"

struct task;

struct mutex {
	struct task *owner;      /* the holder, NULL when free */
	struct wait_queue waiters; /* tasks waiting for it */
	const char *name;
};

#define MUTEX_INIT(name_) { .name = (name_) }
/* DEFINE_MUTEX - a mutex (static or global) named as the variable. */
#define DEFINE_MUTEX(var) struct mutex var = MUTEX_INIT(#var)

static inline void mutex_init(struct mutex *m, const char *name)
{
	*m = (struct mutex)MUTEX_INIT(name);
}

/* mutex_lock - take m, sleeping until it is free. */
void mutex_lock(struct mutex *m);
/* mutex_trylock - take m if it is free: true, or false at once. */
bool mutex_trylock(struct mutex *m);
/* mutex_unlock - give m up and wake its waiters (one of them takes it). */
void mutex_unlock(struct mutex *m);
/* mutex_is_locked - is m held (by anyone)? */
static inline bool mutex_is_locked(const struct mutex *m)
{
	return m->owner != NULL;
}

#endif
