/*
 * kernel/futex.c - futex(2): sleep on a word of user memory, wake sleepers.
 *
 * A sleeper is a struct futex_q (on its kernel stack, or an array of them
 * for futex_waitv) queued on one of FUTEX_HASH_SIZE buckets, chosen by a
 * hash of its futex key; a wake walks one bucket, oldest first, and wakes
 * the task of each q whose key matches.  Nothing is allocated per futex.
 *
 * FUTEX_WAIT must not miss a wake that comes after user space changed the
 * word: the kernel reads the word and queues the q with no chance for
 * another task to run in between.  The kernel is not preempted and runs
 * on one CPU; we also keep interrupts off (no interrupt handler wakes a
 * futex today, but the check and the queueing stay one step if one does).
 *
 * Operations: FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE,
 * FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET, the priority-inheritance ones
 * (FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI,
 * FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI), each with
 * FUTEX_PRIVATE_FLAG; futex_waitv (syscall 449); robust lists
 * (set_robust_list, get_robust_list, exit_robust_list).  FUTEX_WAKE_OP
 * and FUTEX_FD return -ENOSYS.
 *
 * PI futexes keep Linux's value protocol: the word holds the owner's
 * thread ID, FUTEX_WAITERS when someone sleeps (so user space unlocks in
 * the kernel), FUTEX_OWNER_DIED after the owner died.  The kernel hands
 * the lock to the oldest waiter at FUTEX_UNLOCK_PI by writing its ID into
 * the word.  Priority inheritance itself means nothing on our scheduler
 * (round robin, one priority for all): the owner is never boosted.
 */
#include "kernel/capability.h"
#include "kernel/futex.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "mm/fault.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include <asm/arch.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI 12
#define FUTEX_LOCK_PI2 13
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

/* What a queued q waits for. */
enum futex_q_kind {
	Q_WAIT,       /* FUTEX_WAIT(_BITSET), futex_waitv: any wake */
	Q_PI,         /* FUTEX_LOCK_PI: woken = the lock was handed over, or
		       * (not owner) the owner died: try again */
	Q_REQUEUE_PI, /* FUTEX_WAIT_REQUEUE_PI, still on its first word */
};

/* One task's sleep, shared by its qs (futex_waitv queues several). */
struct futex_sleep {
	struct task *task;
	int woken;  /* 1 + the index of the q that was woken; 0: not yet */
	bool owner; /* a PI lock was handed over to it */
};

struct futex_q {
	struct futex_q *next; /* in its bucket */
	struct futex_key key;
	struct futex_key home; /* the key first taken: a requeue moves key */
	struct futex_key pi_key; /* Q_REQUEUE_PI: the PI futex it may get */
	u32 bitset;
	enum futex_q_kind kind;
	int index;            /* futex_waitv: its place in the array */
	u32 pi_owner;         /* Q_PI: the owner it waits for */
	bool owner_died;      /* Q_PI: woken because that owner exited */
	bool queued;
	struct page *pinned;  /* a shared key's frame, held while queued */
	struct futex_sleep *sleep;
};

static struct futex_q *futex_buckets[FUTEX_HASH_SIZE];

static struct futex_q **bucket(const struct futex_key *key)
{
	u64 h = (key->space ^ key->addr) * GOLDEN_RATIO_64;

	return &futex_buckets[h >> (64 - FUTEX_HASH_BITS)];
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
 * A shared futex is known by its frame's physical address.  Nothing may
 * free that frame or move it to swap while the key is in use: it would
 * come back in another frame (or hold another page), and a waker would
 * never find the sleeper.  So get_futex_key() takes a reference on the
 * frame (page replacement takes only frames whose every reference is a
 * mapping), released by put_futex_key() when the operation ends, and each
 * queued q holds one of its own (moved with it by a requeue).  Before,
 * FUTEX_CMP_REQUEUE's compare read could fault, and that fault's reclaim
 * evict the target page whose key was taken: a panic in page_get, or a
 * waiter requeued to a frame nobody would wake.
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

/* put_futex_key - drop get_futex_key()'s reference. */
static void put_futex_key(const struct futex_key *key)
{
	if (key->space == FUTEX_SPACE_PHYS)
		page_put(phys_to_page(key->addr & PAGE_MASK));
}

/*
 * get_futex_key - the key of the futex at uaddr for the current task.
 * Private futexes, and words in private mappings, are (mm, address); a
 * word in a MAP_SHARED region is its physical address (the word is read
 * first so that its page is present), and its frame is pinned until
 * put_futex_key().  0, -EINVAL (not 4-byte aligned) or -EFAULT (a shared
 * futex's word must be in a readable region, as Linux; a private one is
 * not looked at).
 */
static int get_futex_key(u32 __user *uaddr, bool private, struct futex_key *key)
{
	struct mm *mm = current->mm;
	u64 addr = (u64)(uintptr_t)uaddr;
	struct vm_area_struct *v;
	phys_addr_t pa;
	u64 flags;
	u32 val;
	int err = 0;

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
	/* The read may fault and sleep; the translation and the pin follow it
	 * with nothing in between. */
	flags = arch_irq_save();
	if (read_word(uaddr, &val) || !pt_translate(mm->pgd, addr, &pa, NULL))
		err = -EFAULT;
	else
		*key = (struct futex_key){ .space = FUTEX_SPACE_PHYS, .addr = pa };
	if (!err)
		pin_key(key);
	arch_irq_restore(flags);
	return err;
}

/* get_futex_keys - both keys of a two-word operation (requeue): 0, or
 * get_futex_key()'s error with neither key held. */
static int get_futex_keys(u32 __user *uaddr, u32 __user *uaddr2, bool private,
			  struct futex_key *key, struct futex_key *key2)
{
	int err = get_futex_key(uaddr, private, key);

	if (err)
		return err;
	err = get_futex_key(uaddr2, private, key2);
	if (err)
		put_futex_key(key);
	return err;
}

/* ---- the buckets ---- */

/* queue - append q (its key set) to its bucket, with its own pin. */
static void queue(struct futex_q *q)
{
	struct futex_q **pp = bucket(&q->key);

	while (*pp)
		pp = &(*pp)->next;
	*pp = q;
	q->next = NULL;
	q->queued = true;
	q->pinned = pin_key(&q->key);
}

/* unqueue - take q off its bucket (if still there) and drop its pin. */
static void unqueue(struct futex_q *q)
{
	struct futex_q **pp = bucket(&q->key);

	if (!q->queued)
		return;
	while (*pp && *pp != q)
		pp = &(*pp)->next;
	if (!*pp)
		panic("unqueue: futex q %p not in its bucket", q);
	*pp = q->next;
	q->queued = false;
	if (q->pinned)
		page_put(q->pinned);
	q->pinned = NULL;
}

/* wake_q - take q off its bucket and wake its task (owner: a PI lock was
 * handed to it). */
static void wake_q(struct futex_q *q, bool owner)
{
	struct futex_sleep *s = q->sleep;

	unqueue(q);
	if (!s->woken) {
		s->woken = 1 + q->index;
		s->owner = owner;
	}
	wake_up_task(s->task);
}

/* requeue_q - move q to key to (a PI futex's waiter if pi). */
static void requeue_q(struct futex_q *q, const struct futex_key *to, bool pi)
{
	unqueue(q);
	q->key = *to;
	if (pi)
		q->kind = Q_PI;
	queue(q);
}

/* first_q - the oldest q on key of the kind (Q_PI...), or NULL. */
static struct futex_q *first_q(const struct futex_key *key, int kind)
{
	for (struct futex_q *q = *bucket(key); q; q = q->next)
		if (key_equal(&q->key, key) && (int)q->kind == kind)
			return q;
	return NULL;
}

/*
 * futex_sleep - with interrupts disabled: sleep until one of the task's
 * qs is woken, the monotonic deadline (0: none) passes or a signal comes.
 * 0, -ETIMEDOUT or -ERESTARTSYS.
 */
static int futex_sleep(struct futex_sleep *s, u64 deadline_ns)
{
	struct wait_queue wq = { 0 };
	int err = 0;

	while (!s->woken && !err) {
		if (deadline_ns && arch_clock_ns() >= deadline_ns)
			return -ETIMEDOUT;
		current->wake_at_ns = deadline_ns;
		err = wait_sleep(&wq);
		current->wake_at_ns = 0;
	}
	return s->woken ? 0 : err;
}

/* ---- the word, read and written by the kernel ---- */

/* fault_in_writeable - make the page of uaddr present and writable for
 * the kernel's cmpxchg: 0 or -EFAULT (as a user write would fault). */
static int fault_in_writeable(u32 __user *uaddr)
{
	struct fault f = { .addr = (u64)(uintptr_t)uaddr, .access = FAULT_WRITE };
	struct fault_outcome o;

	return handle_mm_fault(current->mm, &f, &o) == FAULT_OK ? 0 : -EFAULT;
}

/*
 * cmpxchg_user - interrupts disabled: *cur = the word at uaddr, and if it
 * is old, store new (atomically: nothing runs between the read and the
 * write, which go through the direct map once the entry is present and
 * writable).  0 or -EFAULT.
 */
static int cmpxchg_user(u32 __user *uaddr, u32 old, u32 new, u32 *cur)
{
	struct mm *mm = current->mm;
	u64 addr = (u64)(uintptr_t)uaddr;

	if (addr % sizeof(u32) || !access_ok(uaddr, sizeof(u32)) || !mm)
		return -EFAULT;
	for (int tries = 0; tries < 8; tries++) {
		pte_t *e = pt_walk(mm->pgd, addr, false);

		if (e && (*e & PTE_P) && (*e & PTE_W) && (*e & PTE_U)) {
			volatile u32 *w = (volatile u32 *)((u8 *)phys_to_virt(pte_addr(*e)) +
							   (addr & ~PAGE_MASK));

			*cur = *w;
			if (*cur == old) {
				*w = new;
				*e |= PTE_A | PTE_D; /* as the CPU's store would */
			}
			return 0;
		}
		if (fault_in_writeable(uaddr))
			return -EFAULT;
	}
	return -EFAULT;
}

/* ---- wait, wake, requeue ---- */

/*
 * wake_key - wake up to nr Q_WAIT qs waiting on key with a bitset meeting
 * bitset, oldest first, then move up to nr_requeue of the others to key
 * to (if given).  Interrupts disabled.  Returns woken + moved, or -EINVAL
 * if a PI waiter sits on key (as Linux).
 */
static int wake_key(const struct futex_key *key, u32 bitset, int nr,
		    const struct futex_key *to, int nr_requeue)
{
	struct futex_q *q, *next;
	int woken = 0, moved = 0;

	for (q = *bucket(key); q; q = q->next)
		if (key_equal(&q->key, key) && q->kind != Q_WAIT)
			return -EINVAL;
	for (q = *bucket(key); q && (woken < nr || (to && moved < nr_requeue)); q = next) {
		next = q->next;
		if (!key_equal(&q->key, key) || !(q->bitset & bitset))
			continue;
		if (woken < nr) {
			wake_q(q, false);
			woken++;
		} else if (!key_equal(key, to)) {
			requeue_q(q, to, false);
			moved++;
		} else {
			moved++; /* to itself: it keeps its place */
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
	if (bitset) {
		flags = arch_irq_save();
		/* Linux counts a wake-up before it compares with nr_wake: 0 (or
		 * less) wakes one waiter too (Linux's fsgsbase test uses 0). */
		err = wake_key(&key, bitset, nr_wake < 1 ? 1 : nr_wake, NULL, 0);
		arch_irq_restore(flags);
	} else {
		err = -EINVAL;
	}
	put_futex_key(&key);
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
	struct futex_sleep s = { .task = current };
	struct futex_q q = { .bitset = bitset, .kind = Q_WAIT, .sleep = &s };
	int err = get_futex_key(uaddr, private, &q.home);
	u64 flags;
	u32 cur;

	if (err)
		return err;
	if (!bitset) {
		put_futex_key(&q.home);
		return -EINVAL;
	}
	q.key = q.home;
	flags = arch_irq_save();
	err = read_word(uaddr, &cur);
	if (!err && cur != val)
		err = -EAGAIN;
	if (!err) {
		queue(&q);
		err = futex_sleep(&s, deadline_ns);
		unqueue(&q);
	}
	arch_irq_restore(flags);
	put_futex_key(&q.home); /* a requeue may have moved q.key */
	if (err == -ERESTARTSYS && deadline_ns)
		err = -EINTR;
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
	err = get_futex_keys(uaddr, uaddr2, private, &key, &key2);
	if (err)
		return err;
	flags = arch_irq_save();
	/* The read may fault and sleep: both keys are pinned meanwhile. */
	err = cmp ? read_word(uaddr, &cur) : 0;
	if (!err && cmp && cur != val3)
		err = -EAGAIN;
	if (!err)
		err = wake_key(&key, FUTEX_BITSET_MATCH_ANY, nr_wake, &key2,
			       nr_requeue);
	arch_irq_restore(flags);
	put_futex_key(&key2);
	put_futex_key(&key);
	return err;
}

/* ---- priority-inheritance futexes ---- */

/* owner_alive - is there a live thread with ID tid (a PI futex's owner)?
 * One that has left its memory (exit_resources) is exiting: not alive. */
static bool owner_alive(u32 tid)
{
	struct task *t = task_find((int)tid);

	return t && t->state != TASK_ZOMBIE && t->mm;
}

/* set_pi_owner - the PI futex key now belongs to tid: what its waiters
 * wait for (exit_pi_waiters() wakes them if tid exits). */
static void set_pi_owner(const struct futex_key *key, u32 tid)
{
	for (struct futex_q *q = *bucket(key); q; q = q->next)
		if (key_equal(&q->key, key) && q->kind == Q_PI)
			q->pi_owner = tid;
}

/*
 * lock_pi_atomic - try to take the PI futex at uaddr (key) for thread
 * tid (interrupts disabled).  1: taken (the word now holds tid, with
 * FUTEX_WAITERS if others wait and FUTEX_OWNER_DIED kept); 0: held by a
 * live owner (*owner), FUTEX_WAITERS now set; -EDEADLK (tid holds it
 * already), -ESRCH (the owner in the word does not exist), -EFAULT.
 * take_dead: a waiter whose owner exited takes the lock from the dead
 * owner, with FUTEX_OWNER_DIED (Linux hands it over the same way).
 */
static int lock_pi_atomic(u32 __user *uaddr, const struct futex_key *key, u32 tid,
			  bool take_dead, u32 *owner)
{
	u32 others = first_q(key, Q_PI) ? FUTEX_WAITERS : 0, cur, old, new;
	int err = read_word(uaddr, &cur);

	while (!err) {
		bool dead = (cur & FUTEX_TID_MASK) && !owner_alive(cur & FUTEX_TID_MASK);

		if ((cur & FUTEX_TID_MASK) == tid)
			return -EDEADLK;
		if (!(cur & FUTEX_TID_MASK)) /* free (perhaps its owner died) */
			new = (cur & FUTEX_OWNER_DIED) | tid | others;
		else if (dead && take_dead)
			new = FUTEX_OWNER_DIED | tid | others;
		else if (dead)
			return -ESRCH;
		else if (cur & FUTEX_WAITERS)
			new = cur;
		else
			new = cur | FUTEX_WAITERS;
		old = cur;
		err = new == cur ? 0 : cmpxchg_user(uaddr, old, new, &cur);
		if (err || cur != old)
			continue;
		if ((new & FUTEX_TID_MASK) != tid) {
			*owner = new & FUTEX_TID_MASK;
			return 0;
		}
		set_pi_owner(key, tid);
		return 1;
	}
	return err;
}

/*
 * exit_pi_waiters - the thread tid exits: wake every PI waiter that waits
 * for it, to take the lock it may have left held (Linux's
 * exit_pi_state_list).  Interrupts disabled.
 */
static void exit_pi_waiters(u32 tid)
{
	for (unsigned b = 0; b < FUTEX_HASH_SIZE; b++) {
		struct futex_q *q = futex_buckets[b], *next;

		for (; q; q = next) {
			next = q->next;
			if (q->kind == Q_PI && q->pi_owner == tid) {
				q->owner_died = true;
				wake_q(q, false);
			}
		}
	}
}

/*
 * futex_lock_pi - FUTEX_LOCK_PI(2) and FUTEX_TRYLOCK_PI: take the PI
 * futex at uaddr, sleeping (not for trylock) until its owner hands it
 * over, or until the monotonic deadline (0: none).  0, -EAGAIN (trylock:
 * held), -EDEADLK, -ESRCH, -ETIMEDOUT, -EFAULT, -EINVAL; a signal
 * restarts the call, handler or not (-ERESTARTNOINTR, as Linux).
 */
static int futex_lock_pi(u32 __user *uaddr, bool private, u64 deadline_ns,
			 bool trylock)
{
	struct futex_sleep s = { .task = current };
	struct futex_q q = { .bitset = FUTEX_BITSET_MATCH_ANY, .kind = Q_PI,
			     .sleep = &s };
	int err = get_futex_key(uaddr, private, &q.key);
	u64 flags;

	if (err)
		return err;
	flags = arch_irq_save();
	for (;;) {
		err = lock_pi_atomic(uaddr, &q.key, (u32)current->pid, q.owner_died,
				     &q.pi_owner);
		if (err) /* taken (1), or an error */
			break;
		if (trylock) {
			err = -EAGAIN;
			break;
		}
		s.woken = 0;
		q.owner_died = false;
		queue(&q);
		err = futex_sleep(&s, deadline_ns);
		unqueue(&q);
		if (s.owner || err)
			break;
		/* woken without the lock (its owner exited): try again */
	}
	arch_irq_restore(flags);
	put_futex_key(&q.key);
	if (err == 1 || s.owner)
		return 0;
	return err == -ERESTARTSYS ? -ERESTARTNOINTR : err;
}

/*
 * futex_unlock_pi - FUTEX_UNLOCK_PI: the caller owns the PI futex at
 * uaddr; hand it to the oldest waiter (its thread ID with FUTEX_WAITERS,
 * as Linux) or, with none, store 0.  0, -EPERM (not the owner), -EFAULT.
 */
static int futex_unlock_pi(u32 __user *uaddr, bool private)
{
	struct futex_key key;
	int err = get_futex_key(uaddr, private, &key);
	u32 tid = (u32)current->pid, cur, new;
	struct futex_q *top;
	u64 flags;

	if (err)
		return err;
	flags = arch_irq_save();
	for (;;) {
		err = read_word(uaddr, &cur);
		if (!err && (cur & FUTEX_TID_MASK) != tid)
			err = -EPERM;
		if (err)
			break;
		top = first_q(&key, Q_PI);
		new = top ? (u32)top->sleep->task->pid | FUTEX_WAITERS : 0;
		err = cmpxchg_user(uaddr, cur, new, &new);
		if (err)
			break;
		if (new != cur)
			continue; /* changed meanwhile (user space set a bit) */
		if (top) {
			wake_q(top, true);
			set_pi_owner(&key, (u32)top->sleep->task->pid);
		}
		break;
	}
	arch_irq_restore(flags);
	put_futex_key(&key);
	return err;
}

/*
 * futex_wait_requeue_pi - FUTEX_WAIT_REQUEUE_PI: wait on the non-PI
 * futex at uaddr (if it holds val) for FUTEX_CMP_REQUEUE_PI to move us to
 * the PI futex at uaddr2 and hand it to us.  0 (we own uaddr2), -EAGAIN,
 * -EINVAL (the same word twice), -ETIMEDOUT; a signal restarts it
 * (-ERESTARTNOINTR, as Linux), or once requeued gives -EAGAIN.
 */
static int futex_wait_requeue_pi(u32 __user *uaddr, bool private, u32 val,
				 u64 deadline_ns, u32 __user *uaddr2)
{
	struct futex_sleep s = { .task = current };
	struct futex_q q = { .bitset = FUTEX_BITSET_MATCH_ANY,
			     .kind = Q_REQUEUE_PI, .sleep = &s };
	int err;
	u64 flags;
	u32 cur;

	if (uaddr == uaddr2)
		return -EINVAL;
	err = get_futex_key(uaddr2, private, &q.pi_key);
	if (err)
		return err;
	err = get_futex_key(uaddr, private, &q.key);
	if (err) {
		put_futex_key(&q.pi_key);
		return err;
	}
	struct futex_key key = q.key;

	flags = arch_irq_save();
	err = read_word(uaddr, &cur);
	if (!err && cur != val)
		err = -EAGAIN;
	while (!err) {
		queue(&q);
		err = futex_sleep(&s, deadline_ns);
		unqueue(&q);
		if (err || s.owner)
			break;
		if (q.kind != Q_PI) {
			err = -EAGAIN; /* never: FUTEX_WAKE refuses such waiters */
			break;
		}
		/* requeued, and the owner of uaddr2 exited: take it or wait on */
		err = lock_pi_atomic(uaddr2, &q.pi_key, (u32)current->pid, q.owner_died,
				     &q.pi_owner);
		if (err)
			break;
		s.woken = 0;
		q.owner_died = false;
	}
	arch_irq_restore(flags);
	put_futex_key(&key);
	put_futex_key(&q.pi_key);
	if (err == 1 || s.owner)
		return 0;
	/* Once requeued, a restart would find uaddr changed: Linux returns
	 * -EWOULDBLOCK at once. */
	if (err == -ERESTARTSYS)
		return q.kind == Q_PI ? -EAGAIN : -ERESTARTNOINTR;
	return err;
}

/*
 * futex_cmp_requeue_pi - FUTEX_CMP_REQUEUE_PI: if *uaddr holds val3, try
 * to take the PI futex at uaddr2 for the oldest FUTEX_WAIT_REQUEUE_PI
 * waiter on uaddr (woken owning it), and move up to nr_requeue others
 * (all of them if it was held) to wait for uaddr2.  nr_wake must be 1.
 * Returns woken + moved, -EAGAIN, -EINVAL, -EFAULT, -EDEADLK, -ESRCH.
 */
static int futex_cmp_requeue_pi(u32 __user *uaddr, u32 __user *uaddr2,
				bool private, int nr_wake, int nr_requeue, u32 val3)
{
	struct futex_key key, key2;
	struct futex_q *q, *next;
	int err, done = 0;
	u64 flags;
	u32 cur, owner = 0;

	if (nr_wake != 1 || nr_requeue < 0 || uaddr == uaddr2)
		return -EINVAL;
	err = get_futex_keys(uaddr, uaddr2, private, &key, &key2);
	if (err)
		return err;
	flags = arch_irq_save();
	err = read_word(uaddr, &cur);
	if (!err && cur != val3)
		err = -EAGAIN;
	for (q = err ? NULL : *bucket(&key); q; q = q->next)
		if (key_equal(&q->key, &key) &&
		    (q->kind != Q_REQUEUE_PI || !key_equal(&q->pi_key, &key2)))
			err = -EINVAL; /* a plain waiter, or one for another lock */
	q = err ? NULL : first_q(&key, Q_REQUEUE_PI);
	if (q) {
		err = lock_pi_atomic(uaddr2, &key2, (u32)q->sleep->task->pid, false,
				     &owner);
		if (err == 1) {
			wake_q(q, true);
			done = 1;
		}
		err = err < 0 ? err : 0;
	}
	for (q = err ? NULL : *bucket(&key); q && done < 1 + nr_requeue; q = next) {
		next = q->next;
		if (key_equal(&q->key, &key) && q->kind == Q_REQUEUE_PI) {
			q->pi_owner = owner;
			requeue_q(q, &key2, true);
			done++;
		}
	}
	arch_irq_restore(flags);
	put_futex_key(&key2);
	put_futex_key(&key);
	return err ? err : done;
}

/* ---- robust lists ---- */

/* struct robust_list_head of Linux's ABI (x86-64). */
struct robust_list_head {
	u64 next;            /* the first entry (a struct robust_list *), or
			      * the head's own address: empty */
	s64 futex_offset;    /* from an entry to its futex word */
	u64 list_op_pending; /* the entry being taken or released */
};

#define ROBUST_LIST_LIMIT 2048 /* Linux's: a loop in user memory ends */

SYSCALL_DEFINE2(set_robust_list, struct robust_list_head __user *, head,
		size_t, len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current->robust_list = (u64)(uintptr_t)head;
	return 0;
}

/* get_robust_list(pid, head_ptr, len_ptr): pid 0 is the caller; another
 * thread's only for the same user or root (Linux's ptrace read check). */
SYSCALL_DEFINE3(get_robust_list, int, pid, u64 __user *, head_ptr,
		u64 __user *, len_ptr)
{
	struct task *t = pid ? task_find(pid) : current;
	u64 len = sizeof(struct robust_list_head);

	if (!t || t->state == TASK_ZOMBIE)
		return -ESRCH;
	if (t != current && !capable(CAP_SYS_PTRACE) &&
	    (current->cred.uid != t->cred.uid || current->cred.uid != t->cred.euid))
		return -EPERM;
	if (put_user_u64(len_ptr, len) || put_user_u64(head_ptr, t->robust_list))
		return -EFAULT;
	return 0;
}

/*
 * handle_futex_death - the futex word at uaddr of a robust mutex on the
 * dying thread tid's list: if tid owns it, keep only FUTEX_WAITERS, add
 * FUTEX_OWNER_DIED, and wake a waiter (a PI one retries the lock and gets
 * it with FUTEX_OWNER_DIED).  pending: it was list_op_pending; a plain
 * mutex whose word is still 0 was being released: wake a waiter anyway.
 * Interrupts disabled.  Faults are ignored.
 */
static void handle_futex_death(u32 __user *uaddr, u32 tid, bool pi, bool pending)
{
	struct futex_key key;
	struct futex_q *q;
	u32 cur, new;

	if (read_word(uaddr, &cur) || get_futex_key(uaddr, false, &key))
		return;
	if (pending && !pi && !cur) {
		wake_key(&key, FUTEX_BITSET_MATCH_ANY, 1, NULL, 0);
	} else if ((cur & FUTEX_TID_MASK) == tid) {
		for (u32 old = ~cur;;) {
			if (cur == old)
				break; /* stored */
			if ((cur & FUTEX_TID_MASK) != tid)
				goto out; /* released meanwhile */
			old = cur;
			new = (cur & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
			if (cmpxchg_user(uaddr, old, new, &cur))
				goto out;
		}
		if (!(cur & FUTEX_WAITERS))
			goto out;
		q = first_q(&key, Q_PI);
		if (q)
			wake_q(q, false);
		else
			wake_key(&key, FUTEX_BITSET_MATCH_ANY, 1, NULL, 0);
	}
out:
	put_futex_key(&key);
}

/* fetch_robust_entry - the entry pointer at uentry, its low bit (a PI
 * mutex) split off: 0 or -EFAULT. */
static int fetch_robust_entry(u64 *entry, const u64 __user *uentry, bool *pi)
{
	u64 v;

	if (get_user_u64(&v, uentry))
		return -EFAULT;
	*entry = v & ~1ull;
	*pi = v & 1;
	return 0;
}

static void walk_robust_list(struct robust_list_head __user *head, u32 tid);

void exit_robust_list(struct task *t)
{
	struct robust_list_head __user *head =
		(struct robust_list_head __user *)(uintptr_t)t->robust_list;
	u32 tid = (u32)t->pid;
	u64 flags;

	t->robust_list = 0; /* as Linux: a new program registers again */
	if (t == current && t->mm)
		walk_robust_list(head, tid);
	flags = arch_irq_save();
	exit_pi_waiters(tid);
	arch_irq_restore(flags);
}

/* walk_robust_list - exit_robust_list()'s walk of the list at head. */
static void walk_robust_list(struct robust_list_head __user *head, u32 tid)
{
	/* The head is the user's word: it may be misaligned, so its fields
	 * are reached by address arithmetic, not through the pointer. */
	u64 h = (u64)(uintptr_t)head, entry, next, pending;
	bool pi, next_pi, pending_pi;
	s64 offset;
	u64 flags;

	if (!head)
		return;
	if (fetch_robust_entry(&entry, (const u64 __user *)(uintptr_t)
			       (h + offsetof(struct robust_list_head, next)), &pi) ||
	    get_user_u64((u64 *)&offset, (const u64 __user *)(uintptr_t)
			 (h + offsetof(struct robust_list_head, futex_offset))) ||
	    fetch_robust_entry(&pending, (const u64 __user *)(uintptr_t)
			       (h + offsetof(struct robust_list_head, list_op_pending)),
			       &pending_pi))
		return;
	flags = arch_irq_save();
	for (int n = 0; entry != (u64)(uintptr_t)head && n < ROBUST_LIST_LIMIT; n++) {
		/* Fetch the next first: the word's owner may free the entry. */
		bool bad = fetch_robust_entry(&next, (const u64 __user *)(uintptr_t)entry,
					      &next_pi);

		if (entry != pending)
			handle_futex_death((u32 __user *)(uintptr_t)(entry + offset),
					   tid, pi, false);
		if (bad)
			break;
		entry = next;
		pi = next_pi;
	}
	if (pending)
		handle_futex_death((u32 __user *)(uintptr_t)(pending + offset), tid,
				   pending_pi, true);
	arch_irq_restore(flags);
}

/* ---- futex_waitv ---- */

#define FUTEX_WAITV_MAX 128
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_SIZE_MASK 0x03
#define FUTEX2_PRIVATE FUTEX_PRIVATE_FLAG

/* struct futex_waitv of Linux's ABI. */
struct futex_waitv {
	u64 val;
	u64 uaddr;
	u32 flags;
	u32 reserved;
};

/*
 * waitv_setup - copy and check futex_waitv's array and take the keys:
 * 0, -EFAULT, -EINVAL (a flag other than the size and FUTEX2_PRIVATE, a
 * size other than 32 bits, reserved bits set, a misaligned word).  On an
 * error the keys taken are put back.
 */
static int waitv_setup(const struct futex_waitv __user *uwaitv, unsigned nr,
		       struct futex_waitv *w, struct futex_q *qs,
		       struct futex_sleep *s)
{
	int err = 0;
	unsigned i;

	if (copy_from_user(w, uwaitv, nr * sizeof(*w)))
		return -EFAULT;
	for (i = 0; i < nr && !err; i++) {
		if ((w[i].flags & ~(FUTEX2_SIZE_MASK | FUTEX2_PRIVATE)) ||
		    (w[i].flags & FUTEX2_SIZE_MASK) != FUTEX2_SIZE_U32 || w[i].reserved)
			err = -EINVAL;
		else
			err = get_futex_key((u32 __user *)(uintptr_t)w[i].uaddr,
					    w[i].flags & FUTEX2_PRIVATE, &qs[i].home);
		qs[i] = (struct futex_q){ .key = qs[i].home, .home = qs[i].home,
					  .index = (int)i,
					  .bitset = FUTEX_BITSET_MATCH_ANY,
					  .kind = Q_WAIT, .sleep = s };
	}
	if (err)
		for (unsigned k = 0; k + 1 < i; k++)
			put_futex_key(&qs[k].home);
	return err;
}

/* waitv_deadline - futex_waitv's absolute timeout on clockid, as a
 * monotonic deadline (NULL: 0, none).  0, -EFAULT or -EINVAL. */
static int waitv_deadline(const struct k_timespec __user *timeout, int clockid,
			  u64 *deadline_ns);

/*
 * futex_waitv(waiters, nr_futexes, flags, timeout, clockid): sleep until
 * one of up to 128 futexes is woken, if each word still holds its value.
 * Returns the index of the woken one, -EAGAIN (a word differs),
 * -ETIMEDOUT, -EINVAL, -EFAULT, -ENOMEM or -ERESTARTSYS.
 */
SYSCALL_DEFINE5(futex_waitv, const struct futex_waitv __user *, waiters,
		unsigned, nr_futexes, unsigned, flags,
		const struct k_timespec __user *, timeout, int, clockid)
{
	struct futex_sleep s = { .task = current };
	struct futex_waitv *w;
	struct futex_q *qs;
	u64 deadline, irq;
	unsigned i;
	int err;
	u32 cur;

	if (flags || !waiters || !nr_futexes || nr_futexes > FUTEX_WAITV_MAX)
		return -EINVAL;
	err = waitv_deadline(timeout, clockid, &deadline);
	if (err)
		return err;
	w = kmalloc(nr_futexes * sizeof(*w));
	qs = kzalloc(nr_futexes * sizeof(*qs));
	if (!w || !qs) {
		kfree(w);
		kfree(qs);
		return -ENOMEM;
	}
	err = waitv_setup(waiters, nr_futexes, w, qs, &s);
	if (err)
		goto out_free;
	irq = arch_irq_save();
	for (i = 0; i < nr_futexes && !err; i++) {
		err = read_word((u32 __user *)(uintptr_t)w[i].uaddr, &cur);
		if (!err && cur != w[i].val)
			err = -EAGAIN;
	}
	for (i = 0; i < nr_futexes && !err; i++)
		queue(&qs[i]);
	if (!err)
		err = futex_sleep(&s, deadline);
	for (i = 0; i < nr_futexes; i++)
		unqueue(&qs[i]);
	arch_irq_restore(irq);
	for (i = 0; i < nr_futexes; i++)
		put_futex_key(&qs[i].home);
	if (s.woken)
		err = s.woken - 1;
out_free:
	kfree(w);
	kfree(qs);
	return err;
}

/* ---- timeouts ---- */

/* timespec_ns - a timespec from user space in nanoseconds (far future
 * saturates): 0, -EFAULT or -EINVAL. */
static int timespec_ns(const struct k_timespec __user *timeout, u64 *ns)
{
	struct k_timespec ts;

	if (copy_from_user(&ts, timeout, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec >= ~0ull / NSEC_PER_SEC / 2) /* far future */
		*ns = ~0ull / 2;
	else
		*ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

/* abs_to_monotonic - an absolute time on CLOCK_MONOTONIC or (realtime)
 * CLOCK_REALTIME as a monotonic deadline; a time already past becomes
 * "now": -ETIMEDOUT after the wait's first check.  Never 0 (none). */
static u64 abs_to_monotonic(u64 ns, bool realtime)
{
	u64 now = arch_clock_ns();
	u64 offset = realtime ? ktime_get_real_ns() - now : 0;

	return ns > offset + now ? ns - offset : now ? now : 1;
}

static int waitv_deadline(const struct k_timespec __user *timeout, int clockid,
			  u64 *deadline_ns)
{
	u64 ns;
	int err;

	*deadline_ns = 0;
	if (!timeout)
		return 0;
	if (clockid != CLOCK_MONOTONIC && clockid != CLOCK_REALTIME)
		return -EINVAL;
	err = timespec_ns(timeout, &ns);
	if (!err)
		*deadline_ns = abs_to_monotonic(ns, clockid == CLOCK_REALTIME);
	return err;
}

/*
 * wait_deadline - the monotonic deadline of a wait's timeout (NULL: none,
 * 0).  FUTEX_WAIT's timeout is relative; the others' absolute, on
 * CLOCK_MONOTONIC or (realtime) CLOCK_REALTIME.  0, -EFAULT or -EINVAL.
 */
static int wait_deadline(const struct k_timespec __user *timeout, bool absolute,
			 bool realtime, u64 *deadline_ns)
{
	u64 ns;
	int err;

	*deadline_ns = 0;
	if (!timeout)
		return 0;
	err = timespec_ns(timeout, &ns);
	if (err)
		return err;
	*deadline_ns = absolute ? abs_to_monotonic(ns, realtime) : arch_clock_ns() + ns;
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
	u64 deadline = 0;
	int err;

	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
	case FUTEX_WAIT_REQUEUE_PI:
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		/* LOCK_PI's timeout is absolute on CLOCK_REALTIME; LOCK_PI2's
		 * on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME. */
		err = wait_deadline(timeout, cmd != FUTEX_WAIT,
				    realtime || cmd == FUTEX_LOCK_PI, &deadline);
		if (err)
			return err;
		break;
	}
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
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
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		return futex_lock_pi(uaddr, private, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(uaddr, private, 0, true);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr, private);
	case FUTEX_WAIT_REQUEUE_PI:
		return futex_wait_requeue_pi(uaddr, private, val, deadline, uaddr2);
	case FUTEX_CMP_REQUEUE_PI:
		return futex_cmp_requeue_pi(uaddr, uaddr2, private, (int)val, val2,
					    val3);
	default:
		return -ENOSYS;
	}
}
