/*
 * mm/kmalloc.c - slabs of size classes for small objects, buddy blocks for
 * large ones (see kmalloc.h).
 *
 * In the checked kernel (CONFIG_POISON) a free small object is poison
 * after its free-list link (its first word), checked when it is handed out
 * again; a large block is poisoned as the frames it is (mm/frame.c).
 *
 * Locking: slab_lock (interrupts off while held) guards the partial
 * lists, the slabs' free lists and bitmaps, and the counts.  It is taken
 * before frame_lock when a slab gets or gives back its frame (the order
 * docs/smp.md lists).
 */
#include "mm/kmalloc.h"
#include "mm/frame.h"
#include "mm/poison.h"
#include <vmos/format.h>
#include <vmos/printk.h>
#include <vmos/spinlock.h>
#include <vmos/string.h>
#include <asm/page.h>

#define SLAB_MAGIC 0x51ab51abu
#define KMALLOC_LARGE_TAG 0xff /* struct page private of a large block */
_Static_assert(KMALLOC_CLASSES < KMALLOC_LARGE_TAG, "a class index fits in private");

/* The header at the start of every slab frame. */
struct slab {
	struct slab *next, *prev; /* on its class's partial list */
	void *freelist;           /* first free object; each holds the next */
	u64 free_map[PAGE_SIZE / KMALLOC_MIN_SIZE / 64]; /* bit i: object i is free */
	u32 magic;
	u16 inuse;                /* objects handed out */
	u16 total;                /* objects in this slab */
	u8 class;
};

static struct slab *partial[KMALLOC_CLASSES]; /* slabs with free objects */
static u64 live_objects[KMALLOC_CLASSES];
static u64 slab_pages, large_pages;
static DEFINE_SPINLOCK(slab_lock);

#define KMALLOC_MIN_SHIFT 4
_Static_assert(KMALLOC_MIN_SIZE == 1 << KMALLOC_MIN_SHIFT, "KMALLOC_MIN_SHIFT");

static size_t class_size(unsigned c)
{
	return (size_t)KMALLOC_MIN_SIZE << c;
}

/* Sizes are powers of two: an object's index is a shift, not a division. */
static unsigned class_shift(unsigned c)
{
	return KMALLOC_MIN_SHIFT + c;
}

/* The smallest class holding size bytes (size <= KMALLOC_MAX_SMALL). */
static unsigned size_to_class(size_t size)
{
	unsigned c = 0;

	while (class_size(c) < size)
		c++;
	return c;
}

/* Smallest order with 2^order pages >= size, or -1 if too large. */
static int size_to_order(size_t size)
{
	int order = 0;

	while ((PAGE_SIZE << order) < size) {
		if (++order >= FRAME_MAX_ORDER)
			return -1;
	}
	return order;
}

size_t kmalloc_usable_size(size_t size)
{
	int order;

	if (size == 0)
		return 0;
	if (size <= KMALLOC_MAX_SMALL)
		return class_size(size_to_class(size));
	order = size_to_order(size);
	return order < 0 ? 0 : PAGE_SIZE << order;
}

static void list_add(struct slab **head, struct slab *s)
{
	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static void list_remove(struct slab **head, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

/* The index of obj in slab s of class c, for free_map. */
static unsigned object_index(const struct slab *s, unsigned c, const void *obj)
{
	size_t first = ALIGN_UP(sizeof(*s), class_size(c));

	return (unsigned)(((const char *)obj - (const char *)s - first) >> class_shift(c));
}

static bool object_free(const struct slab *s, unsigned i)
{
	return s->free_map[i / 64] & (1ull << (i % 64));
}

static void mark_object(struct slab *s, unsigned i, bool free)
{
	if (free)
		s->free_map[i / 64] |= 1ull << (i % 64);
	else
		s->free_map[i / 64] &= ~(1ull << (i % 64));
}

/* A new slab for class c on the partial list, or NULL when out of memory. */
static struct slab *slab_new(unsigned c)
{
	struct page *page = frames_alloc(0);
	size_t size = class_size(c);
	struct slab *s;
	char *obj, *end;

	if (!page)
		return NULL;
	page->flags |= PG_SLAB;
	page->private = (u8)c;
	s = phys_to_virt(page_to_phys(page));
	obj = (char *)s + ALIGN_UP(sizeof(*s), size);
	end = (char *)s + PAGE_SIZE;
	*s = (struct slab){ .magic = SLAB_MAGIC, .class = (u8)c };
	for (; obj + size <= end; obj += size) { /* thread the free list */
		poison_fill(obj, size);
		*(void **)obj = s->freelist;
		s->freelist = obj;
		mark_object(s, s->total, true);
		s->total++;
	}
	list_add(&partial[c], s);
	slab_pages++;
	return s;
}

/*
 * The free object obj of slab s is being handed out: the rest of it must
 * still be poison, and its link must point to another object of s (or be
 * NULL).  A write after kfree to the link would send the next allocation
 * anywhere: that is not survivable.
 */
static void check_free_object(struct slab *s, unsigned c, void *obj)
{
	uintptr_t next = *(uintptr_t *)obj, base = (uintptr_t)s;
	size_t first = ALIGN_UP(sizeof(*s), class_size(c));

	if (next && ((next & PAGE_MASK) != base || next - base < first ||
		     (next - base - first) % class_size(c)))
		panic("kmalloc: use after free: the free-list link of the free "
		      "%zu-byte object %p was overwritten with 0x%lx",
		      class_size(c), obj, (u64)next);
	poison_check(obj, sizeof(void *), class_size(c), "kmalloc object",
		     (u64)(uintptr_t)obj);
}

static void *alloc_small(size_t size)
{
	unsigned c = size_to_class(size);
	struct slab *s = partial[c];
	void *obj;

	if (!s && !(s = slab_new(c)))
		return NULL;
	obj = s->freelist;
	if (POISON_ENABLED)
		check_free_object(s, c, obj);
	s->freelist = *(void **)obj;
	mark_object(s, object_index(s, c, obj), false);
	if (++s->inuse == s->total)
		list_remove(&partial[c], s);
	live_objects[c]++;
	return obj;
}

static void *alloc_large(size_t size)
{
	int order = size_to_order(size);
	struct page *page;

	if (order < 0 || !(page = frames_alloc((unsigned)order)))
		return NULL;
	page->private = KMALLOC_LARGE_TAG;
	large_pages += 1ull << order;
	return phys_to_virt(page_to_phys(page));
}

void *kmalloc(size_t size)
{
	u64 flags;
	void *p;

	if (size == 0)
		return NULL;
	flags = spin_lock_irqsave(&slab_lock);
	p = size <= KMALLOC_MAX_SMALL ? alloc_small(size) : alloc_large(size);
	spin_unlock_irqrestore(&slab_lock, flags);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* Free small object ptr of slab page: NULL, or why it cannot be, a
 * format for ptr and the object size (the caller panics once slab_lock
 * is released: a panic the self-tests catch must not leave it held). */
static const char *free_small(struct page *page, void *ptr)
{
	unsigned c = page->private;
	struct slab *s = (struct slab *)((uintptr_t)ptr & PAGE_MASK);
	size_t off = (char *)ptr - (char *)s;
	size_t first = ALIGN_UP(sizeof(*s), class_size(c));
	unsigned i;

	if (s->magic != SLAB_MAGIC || c >= KMALLOC_CLASSES || off < first ||
	    ((off - first) & (class_size(c) - 1)))
		return "%p is not an object of a %zu-byte slab";
	/* Freeing a free object again would hand it out twice later; the
	 * slab's bitmap says at once (walking its free list cost hundreds of
	 * instructions a kfree). */
	i = (unsigned)((off - first) >> class_shift(c));
	if (object_free(s, i))
		return "double free of %p (%zu-byte object)";
	mark_object(s, i, true);
	if (s->inuse == s->total)
		list_add(&partial[c], s); /* was full: has room again */
	poison_fill(ptr, class_size(c));
	*(void **)ptr = s->freelist;
	s->freelist = ptr;
	s->inuse--;
	live_objects[c]--;
	/* An empty slab goes back to the frame allocator unless it is the
	 * only one with room: keeps one warm slab per class. */
	if (s->inuse == 0 && (s->next || s->prev)) {
		list_remove(&partial[c], s);
		s->magic = 0;
		page->flags &= ~PG_SLAB;
		frames_free(page, 0);
		slab_pages--;
	}
	return NULL;
}

void kfree(void *ptr)
{
	struct page *page;
	const char *why = NULL;
	u64 flags;

	if (!ptr)
		return;
	page = phys_to_page(virt_to_phys(ptr));
	if (!(page->flags & PG_SLAB) &&
	    (!(page->flags & PG_HEAD) || page->private != KMALLOC_LARGE_TAG ||
	     !IS_ALIGNED((uintptr_t)ptr, PAGE_SIZE)))
		panic("kfree: %p was not returned by kmalloc (frame flags 0x%x)",
		      ptr, page->flags);
	flags = spin_lock_irqsave(&slab_lock);
	if (page->flags & PG_SLAB) {
		why = free_small(page, ptr);
	} else {
		page->private = 0;
		large_pages -= 1ull << page->order;
		frames_free(page, page->order);
	}
	spin_unlock_irqrestore(&slab_lock, flags);
	if (why) {
		char msg[96];

		ksnprintf(msg, sizeof(msg), why, ptr, class_size(page->private));
		panic("kfree: %s", msg);
	}
}

void kmalloc_get_stats(struct kmalloc_stats *st)
{
	u64 flags = spin_lock_irqsave(&slab_lock);

	for (unsigned c = 0; c < KMALLOC_CLASSES; c++)
		st->objects[c] = live_objects[c];
	st->slab_pages = slab_pages;
	st->large_pages = large_pages;
	spin_unlock_irqrestore(&slab_lock, flags);
}
