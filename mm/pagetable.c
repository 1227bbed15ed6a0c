/*
 * mm/pagetable.c - walking, building and tearing down 4-level page tables.
 */
#include "mm/pagetable.h"
#include "mm/frame.h"
#include <vmos/errno.h>
#include <vmos/printk.h>
#include <vmos/string.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/tlb.h>

static pte_t *table_of(phys_addr_t pa)
{
	return (pte_t *)phys_to_virt(pa);
}

phys_addr_t pt_alloc_table(void)
{
	struct page *p = frames_alloc(0);

	if (!p)
		return 0;
	p->flags |= PG_PAGETABLE;
	clear_page(phys_to_virt(page_to_phys(p)));
	return page_to_phys(p);
}

static void pt_free_table(phys_addr_t pa)
{
	struct page *p = phys_to_page(pa);

	p->flags &= ~PG_PAGETABLE;
	frames_free(p, 0);
}

/* Flags for an entry that points to a lower table covering va. */
static pte_t table_flags(u64 va)
{
	return va < USER_SPACE_END ? (PTE_P | PTE_W | PTE_U) : (PTE_P | PTE_W);
}

/*
 * Descend from root to the entry for va at level stop (1 = PT, 2 = PD).
 * Returns NULL if a table is missing (and !alloc or out of memory) or a
 * large page is in the way above stop.
 */
static pte_t *walk_to(phys_addr_t root, u64 va, int stop, bool alloc)
{
	pte_t *table = table_of(root);

	for (int level = PT_LEVELS; level > stop; level--) {
		pte_t *e = &table[pt_index(va, level)];

		if (!(*e & PTE_P)) {
			phys_addr_t t;

			if (!alloc || !(t = pt_alloc_table()))
				return NULL;
			*e = t | table_flags(va);
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table = table_of(pte_addr(*e));
	}
	return &table[pt_index(va, stop)];
}

pte_t *pt_walk(phys_addr_t root, u64 va, bool alloc)
{
	return walk_to(root, va, 1, alloc);
}

/* A CPU's open gather (pt_gather_begin()): the other CPUs to flush.
 * gathers_open counts them, so that the common case (none open) costs
 * one load. */
static struct {
	bool open;
	u64 cpus;
} gather[NR_CPUS];
static unsigned gathers_open;

/*
 * Forget the cached translations of va wherever they can be in use: a
 * user address on every CPU that has root loaded (the TLB shootdown,
 * arch_flush_tlb_user_page()); a kernel-half address on every CPU, as
 * every address space shares the kernel half (and its entries are
 * global): a task's kernel stack freed on one CPU and mapped again for
 * a new task must not be read through another CPU's old entry
 * (arch_flush_tlb_kernel_range()).  Inside this CPU's open gather, the
 * other CPUs of a user address are only noted (pt_gather_end()).
 */
static void flush_if_active(phys_addr_t root, u64 va)
{
	unsigned cpu;

	if (va >= KERNEL_SPACE_START) {
		arch_flush_tlb_kernel_range(va, va + PAGE_SIZE);
	} else if (__builtin_expect(__atomic_load_n(&gathers_open, __ATOMIC_RELAXED), 0) &&
		   gather[cpu = smp_processor_id()].open) {
		if (root == arch_current_page_table())
			arch_flush_tlb_page(va);
		gather[cpu].cpus |= arch_tlb_other_cpus(root);
	} else {
		arch_flush_tlb_user_page(root, va);
	}
}

void pt_gather_begin(void)
{
	unsigned cpu = smp_processor_id();

	if (gather[cpu].open)
		panic("pt_gather_begin: CPU %u has a gather open already", cpu);
	gather[cpu].open = true;
	gather[cpu].cpus = 0;
	__atomic_add_fetch(&gathers_open, 1, __ATOMIC_RELAXED);
}

void pt_gather_end(void)
{
	unsigned cpu = smp_processor_id();

	if (!gather[cpu].open)
		panic("pt_gather_end: CPU %u has no gather open", cpu);
	gather[cpu].open = false;
	__atomic_sub_fetch(&gathers_open, 1, __ATOMIC_RELAXED);
	arch_shootdown_cpus(gather[cpu].cpus);
}

/* Mapping at va is a kernel bug unless va and pa are aligned and va is
 * canonical (a non-canonical va would alias a canonical one). */
static __noinline __attribute__((cold)) __noreturn void
bad_map_args(const char *fn, u64 va, phys_addr_t pa)
{
	if (!va_is_canonical(va))
		panic("%s: non-canonical va 0x%lx", fn, va);
	panic("%s: unaligned va 0x%lx or pa 0x%lx", fn, va, pa);
}

static inline void check_map_args(const char *fn, u64 va, phys_addr_t pa, u64 align)
{
	if (((va | pa) & (align - 1)) || !va_is_canonical(va))
		bad_map_args(fn, va, pa);
}

/* The walk for a new mapping found no entry: either a larger page already
 * maps va (a remap: a bug) or a table could not be allocated. */
static int map_failed(const char *fn, phys_addr_t root, u64 va)
{
	phys_addr_t pa;

	if (pt_translate(root, va, &pa, NULL))
		panic("%s: remap of va 0x%lx inside a larger page (to 0x%lx)",
		      fn, va, pa);
	return -ENOMEM;
}

int pt_map(phys_addr_t root, u64 va, phys_addr_t pa, pte_t flags)
{
	pte_t *e;

	check_map_args("pt_map", va, pa, PAGE_SIZE);
	e = pt_walk(root, va, true);
	if (!e)
		return map_failed("pt_map", root, va);
	if (pte_has_frame(*e))
		panic("pt_map: remap of va 0x%lx (entry 0x%lx)", va, *e);
	*e = pt_entry(pa, flags);
	return 0;
}

void pt_fill(u64 va, pte_t *e, phys_addr_t pa, pte_t flags)
{
	check_map_args("pt_fill", va, pa, PAGE_SIZE);
	if (*e)
		panic("pt_fill: va 0x%lx is not empty (entry 0x%lx)", va, *e);
	*e = pt_entry(pa, flags);
}

int pt_map_large(phys_addr_t root, u64 va, phys_addr_t pa, pte_t flags)
{
	pte_t *e;

	check_map_args("pt_map_large", va, pa, LARGE_PAGE_SIZE);
	e = walk_to(root, va, 2, true);
	if (!e)
		return map_failed("pt_map_large", root, va);
	if (*e & PTE_P)
		panic("pt_map_large: remap of va 0x%lx (entry 0x%lx)", va, *e);
	*e = pt_entry(pa, flags | PTE_PS);
	return 0;
}

void pt_replace(phys_addr_t root, u64 va, pte_t *e, phys_addr_t pa, pte_t flags)
{
	check_map_args("pt_replace", va, pa, PAGE_SIZE);
	if (!pte_has_frame(*e))
		panic("pt_replace: va 0x%lx maps no frame (entry 0x%lx)", va, *e);
	*e = pt_entry(pa, flags);
	flush_if_active(root, va);
}

bool pt_unmap(phys_addr_t root, u64 va, bool free_frame)
{
	pte_t *e = pt_walk(root, va, false);
	phys_addr_t pa;

	if (!e || !pte_has_frame(*e))
		return false;
	pa = pte_addr(pte_xchg(e, 0));
	flush_if_active(root, va);
	if (free_frame)
		page_put(phys_to_page(pa));
	return true;
}

void pt_unmap_kernel_range(phys_addr_t root, u64 start, u64 end)
{
	phys_addr_t pa[KERNEL_UNMAP_MAX];
	unsigned n = 0;

	if ((end - start) / PAGE_SIZE > KERNEL_UNMAP_MAX)
		panic("pt_unmap_kernel_range: %lu pages, more than %d",
		      (end - start) / PAGE_SIZE, KERNEL_UNMAP_MAX);
	for (u64 va = start; va < end; va += PAGE_SIZE) {
		pte_t *e = pt_walk(root, va, false);

		if (!e || !pte_has_frame(*e))
			panic("pt_unmap_kernel_range: 0x%lx is not mapped", va);
		pa[n++] = pte_addr(pte_xchg(e, 0));
	}
	arch_flush_tlb_kernel_range(start, end); /* every CPU, one IPI each */
	while (n)
		page_put(phys_to_page(pa[--n]));
}

bool pt_translate(phys_addr_t root, u64 va, phys_addr_t *pa, pte_t *flags)
{
	pte_t *table = table_of(root);

	if (!va_is_canonical(va))
		return false;
	for (int level = PT_LEVELS; level >= 1; level--) {
		pte_t e = table[pt_index(va, level)];
		u64 size = pt_level_size(level);

		if (!(e & PTE_P))
			return false;
		if (level == 1 || (e & PTE_PS)) {
			if (pa)
				*pa = (pte_addr(e) & ~(size - 1)) | (va & (size - 1));
			if (flags)
				*flags = e & ~PTE_ADDR_MASK;
			return true;
		}
		table = table_of(pte_addr(e));
	}
	return false;
}

/*
 * The level-1 table holding va's entry, or NULL if a table on the way is
 * missing; *next is the first address the caller should look at after
 * this table or hole, so that a loop over a range skips what is absent.
 */
static pte_t *leaf_table(phys_addr_t root, u64 va, u64 *next)
{
	pte_t *table = table_of(root);

	for (int level = PT_LEVELS; level > 1; level--) {
		pte_t e = table[pt_index(va, level)];

		if (!(e & PTE_P) || (e & PTE_PS)) {
			*next = ALIGN_DOWN(va, pt_level_size(level)) + pt_level_size(level);
			return NULL;
		}
		table = table_of(pte_addr(e));
	}
	*next = ALIGN_DOWN(va, pt_level_size(2)) + pt_level_size(2);
	return table;
}

/* The loop of pt_for_each(), inlined into its callers here so that fork
 * and munmap do not pay an indirect call per entry. */
static inline __attribute__((always_inline)) int
walk_leaves(phys_addr_t root, u64 start, u64 end,
	    int (*fn)(pte_t *e, u64 va, void *arg), void *arg)
{
	u64 next;

	for (u64 va = start; va < end && va >= start; va = next) {
		pte_t *t = leaf_table(root, va, &next);

		for (u64 a = va; t && a < MIN(next, end); a += PAGE_SIZE) {
			pte_t *e = &t[pt_index(a, 1)];
			int err;

			if (*e && (err = fn(e, a, arg)))
				return err;
		}
	}
	return 0;
}

int pt_for_each(phys_addr_t root, u64 start, u64 end,
		int (*fn)(pte_t *e, u64 va, void *arg), void *arg)
{
	return walk_leaves(root, start, end, fn, arg);
}

struct copy_ctx {
	phys_addr_t dst;
	pte_t *to;      /* the child's last-level table last used */
	u64 to_base;    /* the 2 MiB it maps */
	pt_copy_fn copy;
	void *arg;
	long copied;
};

static int copy_entry(pte_t *e, u64 va, void *arg)
{
	struct copy_ctx *c = arg;
	pte_t child;
	int err;

	if (!c->to || ALIGN_DOWN(va, pt_level_size(2)) != c->to_base) {
		pte_t *first = pt_walk(c->dst, va, true); /* once per 2 MiB */

		if (!first)
			return -ENOMEM;
		c->to = first - pt_index(va, 1);
		c->to_base = ALIGN_DOWN(va, pt_level_size(2));
	}
	if (c->to[pt_index(va, 1)])
		panic("pt_copy_range: remap of va 0x%lx", va);
	err = c->copy(e, &child, va, c->arg);
	if (err)
		return err;
	c->to[pt_index(va, 1)] = child;
	c->copied++;
	return 0;
}

long pt_copy_range(phys_addr_t dst, phys_addr_t src, u64 start, u64 end,
		   pt_copy_fn copy, void *arg)
{
	struct copy_ctx c = { .dst = dst, .copy = copy, .arg = arg };
	int err = walk_leaves(src, start, end, copy_entry, &c);

	return err ? err : c.copied;
}

/* Past this many pages one reload of CR3 is cheaper than an invlpg each
 * (Linux's tlb_single_page_flush_ceiling is 33). */
#define FLUSH_PAGES_MAX 32

/* The default pt_drop_fn: drop a frame's reference. */
static void put_frame(pte_t old, u64 va, void *arg)
{
	if (pte_has_frame(old))
		page_put(phys_to_page(pte_addr(old)));
}

struct unmap_ctx {
	phys_addr_t root;
	pt_drop_fn drop;
	void *arg;
	u64 cleared, flushed;
};

static int unmap_entry(pte_t *e, u64 va, void *arg)
{
	struct unmap_ctx *c = arg;
	pte_t old = pte_xchg(e, 0);

	c->cleared++;
	/* Only a present entry can be in the TLB. */
	if ((old & PTE_P) && ++c->flushed <= FLUSH_PAGES_MAX)
		flush_if_active(c->root, va);
	c->drop(old, va, c->arg);
	return 0;
}

u64 pt_unmap_range(phys_addr_t root, u64 start, u64 end, pt_drop_fn drop,
		   void *arg)
{
	struct unmap_ctx c = { root, drop ? drop : put_frame, arg, 0, 0 };

	walk_leaves(root, start, end, unmap_entry, &c);
	if (c.flushed > FLUSH_PAGES_MAX)
		pt_flush(root);
	return c.cleared;
}

pte_t pt_set(phys_addr_t root, u64 va, pte_t *e, pte_t val)
{
	pte_t old = pte_xchg(e, val);

	if (old & PTE_P)
		flush_if_active(root, va);
	return old;
}

bool pt_test_and_clear_young(phys_addr_t root, u64 va, pte_t *e)
{
	if (!(*e & PTE_A) || !(pte_clear_bits(e, PTE_A) & PTE_A))
		return false;
	/* Here only, no shootdown (Linux's x86 ptep_clear_flush_young does
	 * none either): another CPU that keeps the old entry in its TLB may
	 * not set the bit again until the entry leaves its TLB, so the page
	 * looks a little older than it is there; nothing is lost.  An IPI per
	 * page the clock passed made swapping at two CPUs twice as slow. */
	if (root == arch_current_page_table())
		arch_flush_tlb_page(va);
	return true;
}

void pt_flush(phys_addr_t root)
{
	arch_flush_tlb_user_all(root);
}

int pt_protect(phys_addr_t root, u64 va, pte_t flags)
{
	pte_t *e = pt_walk(root, va, false), old, val;

	if (!e || !pte_has_frame(*e))
		return -ENOENT;
	/* The accessed and dirty bits are the CPU's record of what the
	 * program did (smaps reads them): a change of access keeps them,
	 * also one a thread on another CPU sets meanwhile (the exchange is
	 * retried). */
	old = *e;
	do {
		pte_t keep = old & (PTE_A | PTE_D);

		if (flags & PTE_SW_PROTNONE) /* keep the frame, hide it from the CPU */
			val = pte_addr(old) | PTE_SW_PROTNONE | keep;
		else
			val = pte_addr(old) | keep |
			      ((flags | PTE_P) & pte_supported & ~PTE_ADDR_MASK);
	} while (!__atomic_compare_exchange_n(e, &old, val, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	flush_if_active(root, va);
	return 0;
}

/* Free the table at pa (level >= 1, covering from va up) and everything
 * below it; each non-empty last-level entry goes to drop. */
static void free_subtree(phys_addr_t pa, int level, u64 va, pt_drop_fn drop,
			 void *arg)
{
	pte_t *table = table_of(pa);

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];
		u64 at = va + i * pt_level_size(level);

		if (level == 1 ? !e : !(e & PTE_P))
			continue;
		table[i] = 0;
		if (level == 1)
			(drop ? drop : put_frame)(e, at, arg);
		else if (e & PTE_PS)
			panic("pt_free_user: large page in user half (entry 0x%lx)", e);
		else
			free_subtree(pte_addr(e), level - 1, at, drop, arg);
	}
	pt_free_table(pa);
}

void pt_free_user(phys_addr_t root, pt_drop_fn drop, void *arg)
{
	pte_t *pml4 = table_of(root);

	for (unsigned i = 0; i < PT_ENTRIES / 2; i++) {
		if (pml4[i] & PTE_P)
			free_subtree(pte_addr(pml4[i]), PT_LEVELS - 1,
				     i * pt_level_size(PT_LEVELS), drop, arg);
		pml4[i] = 0;
	}
	if (root == arch_current_page_table())
		arch_flush_tlb_all();
}

/* LAB pgtbl BEGIN */
/* dump_table - pt_dump's walk of the table at pa, at level, whose entry i
 * maps from va + i * pt_level_size(level); its first n entries. */
static void dump_table(phys_addr_t pa, int level, u64 va, unsigned n,
		       pt_dump_fn out, void *arg)
{
	pte_t *table = table_of(pa);

	for (unsigned i = 0; i < n; i++) {
		pte_t e = table[i];
		u64 at = va + i * pt_level_size(level);

		if (!(e & PTE_P))
			continue; /* empty, or a swap or PROT_NONE entry */
		out(level, i, e, at, arg);
		if (level > 1 && !(e & PTE_PS))
			dump_table(pte_addr(e), level - 1, at, PT_ENTRIES, out, arg);
	}
}
/* LAB pgtbl END */

void pt_dump(phys_addr_t root, pt_dump_fn out, void *arg)
{
	/* LAB pgtbl BEGIN */
	/* The first half of the PML4 maps the user half; the second half is
	 * the kernel's, the same in every address space. */
	dump_table(root, PT_LEVELS, 0, PT_ENTRIES / 2, out, arg);
	/* LAB pgtbl END */
}

static u64 count_subtree(phys_addr_t pa, int level)
{
	pte_t *table = table_of(pa);
	u64 n = 1;

	if (level == 1)
		return n;
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if ((table[i] & PTE_P) && !(table[i] & PTE_PS))
			n += count_subtree(pte_addr(table[i]), level - 1);
	return n;
}

u64 pt_count_user_tables(phys_addr_t root)
{
	pte_t *pml4 = table_of(root);
	u64 n = 0;

	for (unsigned i = 0; i < PT_ENTRIES / 2; i++)
		if (pml4[i] & PTE_P)
			n += count_subtree(pte_addr(pml4[i]), PT_LEVELS - 1);
	return n;
}
