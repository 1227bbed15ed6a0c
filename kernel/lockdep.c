/*
 * kernel/lockdep.c - the lock checker: Linux's lockdep, reduced (see
 * include/vmos/lockdep.h for the interface, docs/smp.md "The lock
 * checker" for the idea).  In the checked kernel only; the same file is
 * compiled on the host by tests/unit/test_lockdep.c.
 *
 * The model:
 *  - a lock class is a lock name: all locks made with one name are one
 *    class (all the page-table locks, all the pipe locks), so an order
 *    seen on one pipe's lock holds for every pipe;
 *  - each CPU has a stack of the classes it holds (held[], in the order
 *    taken; any one may be released first);
 *  - taking B while holding A records the edge A -> B ("A before B").
 *    The first time an edge appears, a breadth-first search from B looks
 *    for a path back to A: if there is one, the two orders together can
 *    deadlock two CPUs, and the report shows the path.  The edge is kept
 *    even then, so that the same pair is never searched (nor reported)
 *    again;
 *  - each class remembers where it was first taken in an interrupt
 *    handler and where first with interrupts on: both is a deadlock
 *    waiting for an interrupt at the wrong moment.
 *
 * Memory: static tables only (no kmalloc: the checker runs inside the
 * allocators' own locks).  A full class table stops all checking; a full
 * edge table stops recording new orders; each is reported once.
 *
 * Locking: graph_lock (a raw spinlock, interrupts off, never checked)
 * around the classes and edges; each CPU's held stack is its own, changed
 * with interrupts off.  A report is formatted into the CPU's buffer under
 * graph_lock and printed after it is dropped, with the CPU marked busy so
 * that printk's own lock is not checked (no recursion, no deadlock
 * between graph_lock and printk's lock).
 */
#include <vmos/lockdep.h>
#include <vmos/format.h>
#include <vmos/printk.h>
#include <vmos/string.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#if !__STDC_HOSTED__ /* the kernel (the host unit test has no interrupts) */
#include <asm/arch.h>
#endif

#ifdef CONFIG_LOCKDEP

#define NO_EDGE (-1)
#define REPORT_MAX 2048    /* one report's text, on one CPU */
#define CHAIN_SHOWN 16     /* edges of a cycle printed, at most */
#define CHAIN_MAX 512      /* the cycle's names on one line */

/* What was already reported about a class (each problem once). */
#define REPORTED_RECURSION (1u << 0)
#define REPORTED_IRQ (1u << 1)
#define REPORTED_RELEASE (1u << 2)
#define REPORTED_SLEEP (1u << 3)
#define REPORTED_IRQ_ORDER (1u << 4) /* as the irq-safe class of a chain */

struct lock_class {
	const char *name;
	int first_edge;            /* this class's edges out (a list), or NO_EDGE */
	int first_in;              /* and its edges in, or NO_EDGE */
	const char *irq_where;     /* first taken in an interrupt handler (or NULL) */
	const char *irqs_on_where; /* first taken with interrupts on (or NULL) */
	unsigned reported;         /* REPORTED_* */
};

/* An edge from -> to: a lock of class to was taken while from was held. */
struct lock_edge {
	int from, to;            /* class indices */
	int next;                /* the next edge out of from, or NO_EDGE */
	int next_in;             /* the next edge into to, or NO_EDGE */
	const char *from_where;  /* where the held lock had been taken */
	const char *to_where;    /* where the second one was taken */
};

struct held_lock {
	struct lock_class *class;
	const char *where;
};

struct lockdep_cpu {
	struct held_lock held[LOCKDEP_MAX_DEPTH];
	unsigned depth;
	unsigned lost;   /* acquires not recorded (the stack was full) */
	bool busy;       /* inside the checker: ignore locks taken now */
	char report[REPORT_MAX];
	size_t report_len;
};

static struct lock_class classes[LOCKDEP_MAX_CLASSES];
static unsigned nr_classes;
static struct lock_edge edges[LOCKDEP_MAX_EDGES];
static unsigned nr_edges;
static struct lockdep_cpu cpus[NR_CPUS];
static unsigned nr_reports;
static bool checking;          /* lockdep_init() done, nothing full */
static bool edges_full_reported;
static bool depth_reported;
static bool started;           /* lockdep_init() was called (it runs once) */

/* A class for every name past the table's end: checking has stopped. */
static struct lock_class overflow_class = { .name = "(lockdep: too many classes)",
					    .first_edge = NO_EDGE,
					    .first_in = NO_EDGE };

/* The search's scratch space (under graph_lock). */
static int bfs_queue[LOCKDEP_MAX_CLASSES];
static int bfs_parent[LOCKDEP_MAX_CLASSES]; /* the edge that reached a class */
static unsigned bfs_seen[LOCKDEP_MAX_CLASSES]; /* == bfs_gen: visited */
static unsigned bfs_gen;

static int graph_lock_word;

/* irq_save/irq_restore - interrupts off around the checker's work. */
static u64 irq_save(void)
{
#if __STDC_HOSTED__
	return 0;
#else
	return arch_irq_save();
#endif
}

static void irq_restore(u64 flags)
{
#if !__STDC_HOSTED__
	arch_irq_restore(flags);
#endif
}

/* graph_lock - the checker's own spinlock (interrupts must be off). */
static void graph_lock(void)
{
	while (__atomic_test_and_set(&graph_lock_word, __ATOMIC_ACQUIRE))
		asm volatile("pause" ::: "memory");
}

static void graph_unlock(void)
{
	__atomic_clear(&graph_lock_word, __ATOMIC_RELEASE);
}

/* this_lockdep_cpu - the running CPU's held stack and report buffer. */
static struct lockdep_cpu *this_lockdep_cpu(void)
{
	unsigned cpu = smp_processor_id();

	if (cpu >= NR_CPUS)
		panic("lockdep: cpu %u >= NR_CPUS", cpu);
	return &cpus[cpu];
}

/*
 * enter - start of a checker call: interrupts off, and NULL (the caller
 * returns at once) if checking is off or this CPU is already inside the
 * checker (printk's lock while a report prints).  *flags is for leave().
 */
static struct lockdep_cpu *enter(u64 *flags)
{
	struct lockdep_cpu *lc;

	if (!__atomic_load_n(&checking, __ATOMIC_ACQUIRE))
		return NULL;
	*flags = irq_save();
	lc = this_lockdep_cpu();
	if (lc->busy) {
		irq_restore(*flags);
		return NULL;
	}
	lc->busy = true;
	return lc;
}

/* leave - print what was reported during the call, then end it. */
static void leave(struct lockdep_cpu *lc, u64 flags)
{
	char *line = lc->report, *end = lc->report + lc->report_len, *nl;

	for (; line < end; line = nl + 1) {
		for (nl = line; nl < end && *nl != '\n'; nl++)
			;
		*nl = '\0'; /* each line ends in '\n' */
		printk(KERN_ERR "lockdep: %s\n", line);
	}
	lc->report_len = 0;
	lc->busy = false;
	irq_restore(flags);
}

/* report - append one line of a report to this CPU's buffer (printed by
 * leave() without the "lockdep: " prefix written here). */
__printf(2, 3) static void report(struct lockdep_cpu *lc, const char *fmt, ...)
{
	size_t room = REPORT_MAX - lc->report_len;
	va_list ap;
	int n;

	if (room < 2)
		return;
	va_start(ap, fmt);
	n = kvsnprintf(lc->report + lc->report_len, room - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > room - 2)
		n = room - 2;
	lc->report_len += n;
	lc->report[lc->report_len++] = '\n';
}

static int class_index(const struct lock_class *c)
{
	return c - classes;
}

/* in_table - is c a class to check (not NULL, not the one for names past
 * the table's end)? */
static bool in_table(const struct lock_class *c)
{
	return c && c != &overflow_class;
}

/* find_class - the class named name, or NULL (under graph_lock). */
static struct lock_class *find_class(const char *name)
{
	unsigned i;

	for (i = 0; i < nr_classes; i++)
		if (classes[i].name == name)
			return &classes[i];
	for (i = 0; i < nr_classes; i++)
		if (!strcmp(classes[i].name, name))
			return &classes[i];
	return NULL;
}

struct lock_class *lockdep_class(const char *name)
{
	struct lock_class *c;
	bool full = false;
	u64 flags = irq_save();

	graph_lock();
	c = find_class(name);
	if (!c && nr_classes < LOCKDEP_MAX_CLASSES) {
		c = &classes[nr_classes];
		c->name = name;
		c->first_edge = NO_EDGE;
		c->first_in = NO_EDGE;
		__atomic_store_n(&nr_classes, nr_classes + 1, __ATOMIC_RELEASE);
	} else if (!c) {
		c = &overflow_class;
		__atomic_store_n(&checking, false, __ATOMIC_RELEASE);
		if (!overflow_class.reported) {
			overflow_class.reported = 1;
			full = true;
			nr_reports++;
		}
	}
	graph_unlock();
	irq_restore(flags);
	if (full)
		printk(KERN_ERR "lockdep: more than %d lock classes (\"%s\"): "
		       "checking stops\n", LOCKDEP_MAX_CLASSES, name);
	return c;
}

const char *lockdep_class_name(const struct lock_class *c)
{
	return c ? c->name : "?";
}

/* find_edge - the edge from -> to, or NO_EDGE. */
static int find_edge(int from, int to)
{
	int e;

	for (e = classes[from].first_edge; e != NO_EDGE; e = edges[e].next)
		if (edges[e].to == to)
			return e;
	return NO_EDGE;
}

/* add_edge - record from -> to; false (reported once) if the table is full. */
static bool add_edge(struct lockdep_cpu *lc, int from, int to,
		     const char *from_where, const char *to_where)
{
	struct lock_edge *e;

	if (nr_edges == LOCKDEP_MAX_EDGES) {
		if (!edges_full_reported) {
			edges_full_reported = true;
			nr_reports++;
			report(lc, "more than %d lock orders: no more are recorded "
			       "(%s -> %s in %s)", LOCKDEP_MAX_EDGES,
			       classes[from].name, classes[to].name, to_where);
		}
		return false;
	}
	e = &edges[nr_edges];
	e->from = from;
	e->to = to;
	e->from_where = from_where;
	e->to_where = to_where;
	e->next = classes[from].first_edge;
	e->next_in = classes[to].first_in;
	classes[from].first_edge = nr_edges;
	classes[to].first_in = nr_edges++;
	return true;
}

/* What a search looks for (match()). */
enum bfs_goal { FIND_CLASS, FIND_IRQ_SAFE, FIND_IRQ_UNSAFE };

/* irq_safe - is class i taken in interrupt handlers (so an interrupt
 * may want it at any moment)?  irq_unsafe - with interrupts on? */
static bool irq_safe(int i)
{
	return classes[i].irq_where;
}

static bool irq_unsafe(int i)
{
	return classes[i].irqs_on_where;
}

static bool match(int i, enum bfs_goal goal, int dst)
{
	switch (goal) {
	case FIND_IRQ_SAFE:
		return irq_safe(i);
	case FIND_IRQ_UNSAFE:
		return irq_unsafe(i);
	default:
		return i == dst;
	}
}

/*
 * bfs - breadth first from class src along the edges (backward: against
 * them) to the first class that matches goal (dst: the class itself for
 * FIND_CLASS), src included if with_src.  Returns that class, or -1;
 * bfs_parent[] holds the edge that reached each class visited, so the
 * path can be followed back to src (a shortest one).
 */
static int bfs(int src, bool backward, enum bfs_goal goal, int dst, bool with_src)
{
	unsigned head = 0, tail = 0;
	int x, e, y;

	if (with_src && match(src, goal, dst))
		return src;
	bfs_gen++;
	bfs_seen[src] = bfs_gen;
	bfs_queue[tail++] = src;
	while (head < tail) {
		x = bfs_queue[head++];
		e = backward ? classes[x].first_in : classes[x].first_edge;
		for (; e != NO_EDGE; e = backward ? edges[e].next_in : edges[e].next) {
			y = backward ? edges[e].from : edges[e].to;
			if (bfs_seen[y] == bfs_gen)
				continue;
			bfs_seen[y] = bfs_gen;
			bfs_parent[y] = e;
			if (match(y, goal, dst))
				return y;
			bfs_queue[tail++] = y;
		}
	}
	return -1;
}

/* find_path - is class dst reachable from class src (src != dst)?  The
 * path is then in bfs_parent[] (see report_path()). */
static bool find_path(int src, int dst)
{
	return bfs(src, false, FIND_CLASS, dst, false) >= 0;
}

/* report_path - after find_path(src, dst): the path's names on one line
 * into chain ("A -> B -> C"; "A -> ... -> X -> C" past CHAIN_SHOWN
 * edges, keeping those nearest dst), and a "before:" line per edge. */
static void report_path(struct lockdep_cpu *lc, int src, int dst, char *chain,
			size_t size, bool lines)
{
	int path[CHAIN_SHOWN], n = 0, e, i;
	size_t len;
	bool cut = false;

	for (e = bfs_parent[dst];; e = bfs_parent[edges[e].from]) {
		if (n == CHAIN_SHOWN) {
			cut = true;
			break;
		}
		path[n++] = e; /* path[n - 1] is nearest src, path[0] ends at dst */
		if (edges[e].from == src)
			break;
	}
	len = ksnprintf(chain, size, "%s%s", classes[src].name, cut ? " -> ..." : "");
	for (i = n - 1; i >= 0 && len < size; i--)
		len += ksnprintf(chain + len, size - len, " -> %s",
				 classes[edges[path[i]].to].name);
	for (i = n - 1; lines && i >= 0; i--) {
		const struct lock_edge *p = &edges[path[i]];

		report(lc, "  before: %s (taken in %s) held, took %s in %s",
		       classes[p->from].name, p->from_where,
		       classes[p->to].name, p->to_where);
	}
}

/* report_cycle - taking class b (at where) while holding h, though
 * find_path(b, h's class) found a path. */
static void report_cycle(struct lockdep_cpu *lc, const struct held_lock *h,
			 int b, const char *where)
{
	char chain[CHAIN_MAX];

	report_path(lc, b, class_index(h->class), chain, sizeof(chain), false);
	nr_reports++;
	report(lc, "possible deadlock: taking %s while holding %s, but %s was seen",
	       classes[b].name, h->class->name, chain);
	report(lc, "  now: %s (taken in %s) held, taking %s in %s",
	       h->class->name, h->where, classes[b].name, where);
	report_path(lc, b, class_index(h->class), chain, sizeof(chain), true);
}

/*
 * check_irq_order - Linux's "irq-safe -> irq-unsafe": class s is taken
 * in interrupt handlers, class u with interrupts on, and u is taken while
 * s is held (directly or through a chain).  Then: CPU 0 holds u with
 * interrupts on; CPU 1 holds s and waits for u; an interrupt on CPU 0
 * wants s: neither can go on.  Reports once per irq-safe class.
 */
static void check_irq_order(struct lockdep_cpu *lc, int s, int u)
{
	char chain[CHAIN_MAX];

	if (s < 0 || u < 0 || s == u || (classes[s].reported & REPORTED_IRQ_ORDER))
		return;
	if (!find_path(s, u))
		return;
	classes[s].reported |= REPORTED_IRQ_ORDER;
	nr_reports++;
	report_path(lc, s, u, chain, sizeof(chain), false);
	report(lc, "irq-safe %s is held while irq-unsafe %s is taken: %s "
	       "(%s in an interrupt handler at %s, %s with interrupts on at %s)",
	       classes[s].name, classes[u].name, chain, classes[s].name,
	       classes[s].irq_where, classes[u].name, classes[u].irqs_on_where);
	report(lc, "  a CPU holding %s with interrupts on, interrupted by a handler "
	       "taking %s, deadlocks with a CPU holding %s and waiting for %s",
	       classes[u].name, classes[s].name, classes[s].name, classes[u].name);
	report_path(lc, s, u, chain, sizeof(chain), true);
}

/* check_order - a lock of class c is being taken while h is held:
 * record the order, and report if the opposite one was seen, or if it
 * puts an irq-unsafe class under an irq-safe one. */
static void check_order(struct lockdep_cpu *lc, const struct held_lock *h,
			struct lock_class *c, const char *where)
{
	int a = class_index(h->class), b = class_index(c);

	if (find_edge(a, b) != NO_EDGE)
		return;
	if (!add_edge(lc, a, b, h->where, where))
		return;
	if (find_path(b, a)) {
		report_cycle(lc, h, b, where);
		return;
	}
	check_irq_order(lc, bfs(a, true, FIND_IRQ_SAFE, 0, true),
			bfs(b, false, FIND_IRQ_UNSAFE, 0, true));
}

/* check_irq_state - c is taken in an interrupt handler and/or with
 * interrupts on: remember where, and report once when both are seen;
 * a class newly irq-safe or irq-unsafe is checked against the classes
 * taken under it or above it. */
static void check_irq_state(struct lockdep_cpu *lc, struct lock_class *c,
			    bool irqs_on, bool in_irq, const char *where)
{
	int i = class_index(c);

	if (in_irq && !c->irq_where) {
		c->irq_where = where;
		check_irq_order(lc, i, bfs(i, false, FIND_IRQ_UNSAFE, 0, false));
	}
	if (irqs_on && !c->irqs_on_where) {
		c->irqs_on_where = where;
		check_irq_order(lc, bfs(i, true, FIND_IRQ_SAFE, 0, false), i);
	}
	if (!c->irq_where || !c->irqs_on_where || (c->reported & REPORTED_IRQ))
		return;
	c->reported |= REPORTED_IRQ;
	nr_reports++;
	report(lc, "class %s is taken in interrupt handlers and with interrupts on "
	       "(at %s with interrupts on, at %s in an interrupt handler)",
	       c->name, c->irqs_on_where, c->irq_where);
	report(lc, "  an interrupt arriving while it is held would deadlock on it: "
	       "take it with interrupts off (spin_lock_irqsave)");
}

/* find_held - the held entry of class c on this CPU (the newest), or -1. */
static int find_held(const struct lockdep_cpu *lc, const struct lock_class *c)
{
	int i;

	for (i = (int)lc->depth - 1; i >= 0; i--)
		if (lc->held[i].class == c)
			return i;
	return -1;
}

/* check_acquire - the checks of one acquire (under graph_lock). */
static void check_acquire(struct lockdep_cpu *lc, struct lock_class *c,
			  bool irqs_on, bool in_irq, const char *where)
{
	int i = find_held(lc, c);
	unsigned j;

	check_irq_state(lc, c, irqs_on, in_irq, where);
	if (i >= 0) {
		if (!(c->reported & REPORTED_RECURSION)) {
			c->reported |= REPORTED_RECURSION;
			nr_reports++;
			report(lc, "possible recursive locking: taking %s in %s "
			       "while already holding it (taken in %s)",
			       c->name, where, lc->held[i].where);
		}
		return;
	}
	for (j = 0; j < lc->depth; j++)
		check_order(lc, &lc->held[j], c, where);
}

void lockdep_acquire(struct lock_class *c, bool irqs_on, bool in_irq,
		     const char *where)
{
	struct lockdep_cpu *lc;
	u64 flags;

	if (!in_table(c) || !(lc = enter(&flags)))
		return;
	graph_lock();
	check_acquire(lc, c, irqs_on, in_irq, where);
	if (lc->depth == LOCKDEP_MAX_DEPTH) {
		lc->lost++;
		if (!depth_reported) {
			depth_reported = true;
			nr_reports++;
			report(lc, "more than %d locks held (taking %s in %s): "
			       "not recorded", LOCKDEP_MAX_DEPTH, c->name, where);
		}
	} else {
		lc->held[lc->depth].class = c;
		lc->held[lc->depth].where = where;
		lc->depth++;
	}
	graph_unlock();
	leave(lc, flags);
}

void lockdep_release(struct lock_class *c, const char *where)
{
	struct lockdep_cpu *lc;
	u64 flags;
	int i;

	if (!in_table(c) || !(lc = enter(&flags)))
		return;
	i = find_held(lc, c);
	if (i >= 0) {
		lc->depth--;
		memmove(&lc->held[i], &lc->held[i + 1],
			(lc->depth - i) * sizeof(lc->held[0]));
	} else if (lc->lost) {
		lc->lost--; /* one of those the full stack did not record */
	} else {
		graph_lock();
		if (!(c->reported & REPORTED_RELEASE)) {
			c->reported |= REPORTED_RELEASE;
			nr_reports++;
			report(lc, "releasing %s in %s, but this CPU does not hold it",
			       c->name, where);
		}
		graph_unlock();
	}
	leave(lc, flags);
}

void lockdep_assert_none_held(const char *where)
{
	struct lockdep_cpu *lc;
	struct held_lock *h;
	u64 flags;
	unsigned i;

	if (!(lc = enter(&flags)))
		return;
	h = lc->depth ? &lc->held[lc->depth - 1] : NULL;
	graph_lock();
	if (h && !(h->class->reported & REPORTED_SLEEP)) {
		h->class->reported |= REPORTED_SLEEP;
		nr_reports++;
		report(lc, "sleeping (in %s) while holding spinlock %s (taken in %s)",
		       where, h->class->name, h->where);
		for (i = lc->depth - 1; i-- > 0;)
			report(lc, "  also held: %s (taken in %s)",
			       lc->held[i].class->name, lc->held[i].where);
	}
	graph_unlock();
	leave(lc, flags);
}

unsigned lockdep_reports(void)
{
	return __atomic_load_n(&nr_reports, __ATOMIC_RELAXED);
}

unsigned lockdep_depth(void)
{
	u64 flags = irq_save();
	unsigned depth = this_lockdep_cpu()->depth;

	irq_restore(flags);
	return depth;
}

void lockdep_init(void)
{
	if (__atomic_exchange_n(&started, true, __ATOMIC_ACQ_REL))
		return;
	printk(KERN_INFO "lockdep: checking lock order (%d classes max)\n",
	       LOCKDEP_MAX_CLASSES);
	__atomic_store_n(&checking, true, __ATOMIC_RELEASE);
}

void lockdep_reset(void)
{
	u64 flags = irq_save();

	graph_lock();
	checking = false;
	memset(classes, 0, sizeof(classes));
	memset(edges, 0, sizeof(edges));
	memset(cpus, 0, sizeof(cpus));
	memset(bfs_seen, 0, sizeof(bfs_seen));
	nr_classes = nr_edges = nr_reports = bfs_gen = 0;
	edges_full_reported = depth_reported = started = false;
	overflow_class.reported = 0;
	graph_unlock();
	irq_restore(flags);
}

#endif /* CONFIG_LOCKDEP */
