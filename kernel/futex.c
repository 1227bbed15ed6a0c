/*
 * kernel/futex.c - futex(2): sleep on a word of user memory, wake sleepers.
 *
 * Waiters sleep on one of FUTEX_HASH_SIZE wait queues, chosen by a hash of
 * their futex key (futex.h); the key and bitset they wait for are in their
 * struct task (task->futex), so the kernel memory used is fixed: no
 * allocation per waiter or per futex.  A wake walks one queue, oldest
 * waiter first, and wakes those whose key matches.
 *
 * FUTEX_WAIT must not miss a wake that comes after user space changed the
 * word: the kernel reads the word and queues the task with no chance for
 * another task to run in between.  The kernel is not preempted and runs
 * on one CPU; we also keep interrupts off (no interrupt handler wakes a
 * futex today, but the check and the queueing stay one step if one does).
 *
 * Implemented: FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE
 * (musl's condition variables requeue waiters onto the mutex),
 * FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET, each with FUTEX_PRIVATE_FLAG, and
 * FUTEX_CLOCK_REALTIME for the waits.  The others (FUTEX_WAKE_OP, the
 * priority-inheritance operations, FUTEX_FD) return -ENOSYS.
 */
#include "kernel/futex.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include <asm/arch.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

#define FUTEX_SPACE_PHYS 0 /* key.space of a shared-memory futex */
#define FUTEX_HASH_BITS 6
#define FUTEX_HASH_SIZE (1u << FUTEX_HASH_BITS)
#define GOLDEN_RATIO_64 0x61c8864680b583ebull /* Linux's hash_64 multiplier */
#define NSEC_PER_SEC 1000000000ull

/* struct timespec on x86-64. */
struct k_timespec {
	s64 tv_sec;
	s64 tv_nsec;
};

static struct wait_queue futex_queues[FUTEX_HASH_SIZE];

static struct wait_queue *futex_queue(const struct futex_key *key)
{
	u64 h = (key->space ^ key->addr) * GOLDEN_RATIO_64;

	return &futex_queues[h >> (64 - FUTEX_HASH_BITS)];
}

static bool key_equal(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/* The word at uaddr: 0 or -EFAULT (a missing page is faulted in). */
static int read_word(u32 __user *uaddr, u32 *val)
{
	return copy_from_user(val, uaddr, sizeof(*val)) ? -EFAULT : 0;
}

/*
 * get_futex_key - the key of the futex at uaddr for the current task.
 * Private futexes, and words in private mappings, are (mm, address); a
 * word in a MAP_SHARED region is its physical address (the word is read
 * first so that its page is present).  0, -EINVAL (not 4-byte aligned) or
 * -EFAULT (a shared futex's word must be in a readable region, as Linux;
 * a private one is not looked at).
 */
static int get_futex_key(u32 __user *uaddr, bool private, struct futex_key *key)
{
	struct mm *mm = current->mm;
	u64 addr = (u64)(uintptr_t)uaddr;
	struct vm_area_struct *v;
	phys_addr_t pa;
	u32 val;

	if (addr % sizeof(u32))
		return -EINVAL;
	if (!access_ok(uaddr, sizeof(u32)) || !mm)
		return -EFAULT;
	*key = (struct futex_key){ .space = (u64)(uintptr_t)mm, .addr = addr };
	if (private)
		return 0;
	v = find_vma(&mm->vmas, addr);
	/* Linux pins the page (get_user_pages): no page, no access, or a
	 * read-only anonymous one (it can never change) is -EFAULT. */
	if (!v || v->vm_start > addr || !(v->vm_flags & VM_READ) ||
	    (!v->vm_file && !(v->vm_flags & (VM_SHARED | VM_WRITE))))
		return -EFAULT;
	if (!(v->vm_flags & VM_SHARED))
		return 0;
	if (read_word(uaddr, &val) || !pt_translate(mm->pgd, addr, &pa, NULL))
		return -EFAULT;
	*key = (struct futex_key){ .space = FUTEX_SPACE_PHYS, .addr = pa };
	return 0;
}

/* Is t waiting on key for one of the events in bitset? */
static bool waits_for(const struct task *t, const struct futex_key *key,
		      u32 bitset)
{
	return key_equal(&t->futex.key, key) && (t->futex.bitset & bitset);
}

/*
 * A shared futex is known by its frame's physical address.  Page
 * replacement must not move that page to swap while a task sleeps on it:
 * it would come back in another frame, and the waker would never find the
 * sleeper.  So a sleeper holds a reference on the frame (page
 * replacement takes only frames whose every reference is a mapping), and
 * moves it with the key when FUTEX_REQUEUE moves it.
 */
/* pin_key - take a reference on a shared key's frame: the frame, or NULL
 * for a private key (its address is virtual: nothing to pin). */
static struct page *pin_key(const struct futex_key *key)
{
	struct page *page;

	if (key->space != FUTEX_SPACE_PHYS)
		return NULL;
	page = phys_to_page(key->addr & PAGE_MASK);
	page_get(page);
	return page;
}

/* unpin - drop the waiter's reference, if it holds one. */
static void unpin(struct futex_waiter *w)
{
	if (w->pinned)
		page_put(w->pinned);
	w->pinned = NULL;
}

/*
 * wake_key - wake up to nr tasks waiting on key with a bitset meeting
 * bitset, oldest first, then move up to nr_requeue of the others to key
 * to (if given).  Interrupts disabled.  Returns woken + moved.
 */

static int wake_key(const struct futex_key *key, u32 bitset, int nr,
		    const struct futex_key *to, int nr_requeue)
{
	struct wait_queue *q = futex_queue(key), *dest = to ? futex_queue(to) : q;
	struct task *t = q->head, *next;
	int woken = 0, moved = 0;

	for (; t && (woken < nr || (to && moved < nr_requeue)); t = next) {
		next = t->wait_next;
		if (!waits_for(t, key, bitset))
			continue;
		if (woken < nr) {
			t->futex.woken = true;
			wake_up_task(t);
			woken++;
		} else {
			t->futex.key = *to;
			unpin(&t->futex);
			t->futex.pinned = pin_key(to);
			if (dest != q) { /* else it keeps its place */
				wait_remove(q, t);
				wait_add(dest, t);
			}
			moved++;
		}
	}
	return woken + moved;
}

int futex_wake(u32 __user *uaddr, bool private, int nr_wake, u32 bitset)
{
	struct futex_key key;
	int err = get_futex_key(uaddr, private, &key);
	u64 flags;

	if (err)
		return err;
	if (!bitset)
		return -EINVAL;
	flags = arch_irq_save();
	err = wake_key(&key, bitset, nr_wake, NULL, 0);
	arch_irq_restore(flags);
	return err;
}

/*
 * futex_wait - sleep until woken on the futex at uaddr if the word there
 * still holds val.  deadline_ns is on the monotonic clock (0: none).
 * Returns 0 (woken), -EAGAIN (the word differs), -ETIMEDOUT, -EFAULT,
 * -EINVAL, or for a signal -ERESTARTSYS (restarted under SA_RESTART, as
 * Linux) or, with a deadline, -EINTR.
 */
static int futex_wait(u32 __user *uaddr, bool private, u32 val,
		      u64 deadline_ns, u32 bitset)
{
	struct task *t = current;
	struct futex_key key;
	int err = get_futex_key(uaddr, private, &key);
	u64 flags;
	u32 cur;

	if (err)
		return err;
	if (!bitset)
		return -EINVAL;
	flags = arch_irq_save();
	err = read_word(uaddr, &cur);
	if (!err && cur != val)
		err = -EAGAIN;
	t->futex = (struct futex_waiter){ .key = key, .bitset = bitset,
					  .pinned = err ? NULL : pin_key(&key) };
	while (!err) {
		if (deadline_ns && arch_clock_ns() >= deadline_ns) {
			err = -ETIMEDOUT;
			break;
		}
		t->wake_at_ns = deadline_ns;
		/* the queue of the key now: FUTEX_REQUEUE may have moved us */
		err = wait_sleep(futex_queue(&t->futex.key));
		t->wake_at_ns = 0;
		if (t->futex.woken)
			err = 0;
		if (t->futex.woken || err)
			break;
	}
	if (err == -ERESTARTSYS && deadline_ns)
		err = -EINTR;
	unpin(&t->futex);
	t->futex = (struct futex_waiter){ 0 };
	arch_irq_restore(flags);
	return err;
}

/* futex_requeue - FUTEX_(CMP_)REQUEUE: wake nr_wake waiters on uaddr and
 * move up to nr_requeue others to uaddr2; with cmp, only if *uaddr still
 * holds val3 (else -EAGAIN).  Returns woken + moved, or -errno. */
static int futex_requeue(u32 __user *uaddr, u32 __user *uaddr2, bool private,
			 int nr_wake, int nr_requeue, bool cmp, u32 val3)
{
	struct futex_key key, key2;
	int err;
	u64 flags;
	u32 cur;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	err = get_futex_key(uaddr, private, &key);
	if (!err)
		err = get_futex_key(uaddr2, private, &key2);
	if (err)
		return err;
	flags = arch_irq_save();
	err = cmp ? read_word(uaddr, &cur) : 0;
	if (!err && cmp && cur != val3)
		err = -EAGAIN;
	if (!err)
		err = wake_key(&key, FUTEX_BITSET_MATCH_ANY, nr_wake, &key2,
			       nr_requeue);
	arch_irq_restore(flags);
	return err;
}

/*
 * wait_deadline - the monotonic deadline of a wait's timeout (NULL: none,
 * 0).  FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's absolute, on
 * CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME) CLOCK_REALTIME.  0, -EFAULT or
 * -EINVAL.
 */
static int wait_deadline(const struct k_timespec __user *timeout, bool absolute,
			 bool realtime, u64 *deadline_ns)
{
	u64 now = arch_clock_ns(), ns, offset;
	struct k_timespec ts;

	*deadline_ns = 0;
	if (!timeout)
		return 0;
	if (copy_from_user(&ts, timeout, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec >= ~0ull / NSEC_PER_SEC / 2) /* far future */
		ns = ~0ull / 2;
	else
		ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	if (!absolute) {
		*deadline_ns = now + ns;
		return 0;
	}
	offset = realtime ? ktime_get_real_ns() - now : 0;
	/* a time already past becomes "now": -ETIMEDOUT after the check */
	*deadline_ns = ns > offset + now ? ns - offset : now;
	return 0;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3) */
SYSCALL_DEFINE6(futex, u32 __user *, uaddr, int, op, u32, val,
		const struct k_timespec __user *, timeout, u32 __user *, uaddr2,
		u32, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG;
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	int val2 = (int)(uintptr_t)timeout; /* the requeue count, for REQUEUE */
	u64 deadline;
	int err;

	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		err = wait_deadline(timeout, cmd == FUTEX_WAIT_BITSET, realtime,
				    &deadline);
		if (err)
			return err;
		return futex_wait(uaddr, private, val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3);
	case FUTEX_WAKE:
		return futex_wake(uaddr, private, (int)val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, private, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, val2,
				     false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, val2,
				     true, val3);
	default:
		return -ENOSYS;
	}
}
