/*
 * kernel/futex.h - fast user-space mutexes: sleeping on a 32-bit word of
 * user memory until another thread wakes it (Linux's futex(2)).
 *
 * User space does the locking with atomic instructions and calls the
 * kernel only to wait (FUTEX_WAIT: "sleep if the word still holds val")
 * or to wake (FUTEX_WAKE: "wake n sleepers on this word").  musl's
 * mutexes, condition variables, pthread_join and semaphores are built on
 * these two, and on the kernel clearing and waking the thread-ID word
 * when a thread exits (CLONE_CHILD_CLEARTID, set_tid_address).  Robust
 * and priority-inheritance mutexes add a value protocol in which the
 * kernel reads and writes the word itself (kernel/futex.c).
 */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <vmos/types.h>
#include <vmos/uaccess.h>

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* The word of a PI or robust futex (Linux's values): the owner's thread
 * ID, and two flags the kernel sets. */
#define FUTEX_WAITERS 0x80000000u    /* someone sleeps: unlock in the kernel */
#define FUTEX_OWNER_DIED 0x40000000u /* the owner exited holding it */
#define FUTEX_TID_MASK 0x3fffffffu

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

struct task;

/*
 * futex_wake - wake up to nr_wake tasks waiting on the futex at uaddr
 * whose bitset intersects bitset, oldest first.  Returns the number woken,
 * -EINVAL (misaligned address, empty bitset, a PI waiter there) or
 * -EFAULT (a shared futex on an unmapped address).
 */
int futex_wake(u32 __user *uaddr, bool private, int nr_wake, u32 bitset);

/*
 * exit_robust_list - t (current) leaves its memory (exit or execve): for
 * each robust mutex on the list it registered with set_robust_list that
 * it still owns, set FUTEX_OWNER_DIED in the word and wake a waiter, as
 * Linux's exit_robust_list.  Bad pointers end the walk quietly.
 */
void exit_robust_list(struct task *t);

#endif
