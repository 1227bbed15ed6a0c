/*
 * kernel/futex.h - fast user-space mutexes: sleeping on a 32-bit word of
 * user memory until another thread wakes it (Linux's futex(2)).
 *
 * User space does the locking with atomic instructions and calls the
 * kernel only to wait (FUTEX_WAIT: "sleep if the word still holds val")
 * or to wake (FUTEX_WAKE: "wake n sleepers on this word").  musl's
 * mutexes, condition variables, pthread_join and semaphores are built on
 * these two, and on the kernel clearing and waking the thread-ID word
 * when a thread exits (CLONE_CHILD_CLEARTID, set_tid_address).
 */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include "kernel/types.h"
#include "kernel/uaccess.h"

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/*
 * Which futex a word is.  A private futex (or any word in a private
 * mapping) is the pair (address space, user address); a word in a
 * MAP_SHARED region is named by the physical address it maps to, so that
 * processes mapping the same page at different addresses meet.
 */
struct futex_key {
	u64 space; /* the struct mm, or FUTEX_SPACE_PHYS */
	u64 addr;  /* the user address, or the physical one */
};

/* What a task sleeping in FUTEX_WAIT waits for (in struct task). */
struct page;

struct futex_waiter {
	struct futex_key key;
	u32 bitset; /* FUTEX_WAKE_BITSET wakes it if the bitsets intersect */
	bool woken; /* set by the waker: the wait succeeded */
	struct page *pinned; /* a shared futex's frame, held while asleep */
};

/*
 * futex_wake - wake up to nr_wake tasks waiting on the futex at uaddr
 * whose bitset intersects bitset, oldest first.  Returns the number woken,
 * -EINVAL (misaligned address, empty bitset) or -EFAULT (a shared futex
 * on an unmapped address).
 */
int futex_wake(u32 __user *uaddr, bool private, int nr_wake, u32 bitset);

#endif
