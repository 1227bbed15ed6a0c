/*
 * mm/frame.h - the physical frame allocator (a buddy allocator).
 *
 * Physical memory is managed in 4 KiB frames.  Every frame has a struct page
 * in the frame table, indexed by its frame number (pfn = address >> 12).
 * Free frames are kept in blocks of 2^order frames (order 0 .. FRAME_MAX_ORDER-1)
 * on one free list per order; a block's "buddy" is the block of the same
 * size whose pfn differs only in bit `order`.  Allocating splits a larger
 * block in halves; freeing merges a block with its free buddy, repeatedly.
 * One frame is allocated and freed in O(1) (no split or merge needed when
 * order-0 blocks are on hand; at most FRAME_MAX_ORDER steps otherwise).
 *
 * Each allocated block carries a reference count in its first struct page:
 * copy-on-write and shared mappings take extra references with page_get()
 * and the block is freed when page_put() drops the last one.
 *
 * Freeing a frame twice, freeing a frame that was never handed out, or
 * freeing with the wrong order is a kernel bug: it panics with the address.
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <vmos/types.h>
#include <asm/page_types.h>

#define FRAME_MAX_ORDER 11 /* blocks of up to 2^10 frames = 4 MiB */

/* struct page flags */
#define PG_RESERVED 0x01 /* not managed: never handed out */
#define PG_FREE 0x02     /* part of a free block */
#define PG_HEAD 0x04     /* first frame of a block (order is valid) */
#define PG_SLAB 0x08     /* used by kmalloc for small objects */
#define PG_PAGETABLE 0x10 /* a page-table page */
#define PG_PAGECACHE 0x20 /* holds a ramfs file's page (the file's reference) */
#define PG_POISON 0x40   /* free, and filled with POISON_FREE since (mm/poison.h) */
#define PG_SWAPCACHE 0x80 /* also in the swap cache: a slot holds a copy (mm/swap_state.c) */
#define PG_LOCKED 0x100  /* being read from swap: wait for it (mm/swap_state.c) */
#define PG_ERROR 0x200   /* that read failed: it does not hold its slot's copy */
#define PG_FAULT_READ 0x400 /* read from swap for a fault that has not mapped
			     * it yet: reclaim passes it by once */

struct rmap_item;
struct anonmm;

struct page {
	union {
		struct {
			u32 next, prev; /* free-list links, as pfns (FRAME_NONE ends) */
		};
		struct { /* allocated, while anon is set (mm/rmap.h): */
			u64 index : 36;         /* the family's virtual page number */
			u64 anon_mapcount : 28; /* its entries that map the frame there */
		};
	};
	u32 refcount;   /* references to an allocated block (head only) */
	u8 order;       /* block size 2^order (head only) */
	u8 private;     /* owner's use: kmalloc stores its size class here */
	u16 flags;      /* PG_* */
	struct rmap_item *rmap; /* the user mappings of the frame that the
				   family below does not cover (mm/rmap.h) */
	struct anonmm *anon;    /* the fork family of its first mapping, or
				   NULL when no entry of a family maps it */
};

_Static_assert(sizeof(struct page) == 32, "the frame table: 32 bytes a frame");

#define ANON_MAPCOUNT_MAX ((1u << 28) - 1)

#define FRAME_NONE 0xffffffffu

/* frame_table_bytes - the memory frame_init() needs for nr_pfns frames: the
 * frame table and a bitmap of its sections. */
u64 frame_table_bytes(u64 nr_pfns);
/*
 * frame_init - start managing frames 0 .. nr_pfns-1, with area
 * (frame_table_bytes(nr_pfns) bytes) for the frame table.  Every frame
 * starts reserved; frame_add_range() hands usable RAM to the allocator.
 * The table's entries are written later, a section at a time, when the
 * allocator first needs frames from it (see frame.c): area need not be
 * zeroed or even touched at boot.
 */
void frame_init(void *area, u64 nr_pfns);
/* frame_add_range - make whole frames inside [start, end) free. Frame 0 is
 * never added: frame_alloc() returns 0 for "no memory". */
void frame_add_range(phys_addr_t start, phys_addr_t end);

/* frames_setup_all - set up every section now, so that the free lists hold
 * every free frame (tests and debugging compare them with a model). */
void frames_setup_all(void);

/* frames_alloc - 2^order contiguous frames, aligned to their size, or NULL. */
struct page *frames_alloc(unsigned order);
/* frames_free - free a block from frames_alloc() holding one reference. */
void frames_free(struct page *page, unsigned order);

/* frame_cache_enable - keep freed single frames in the frame cache
 * (frame.c) and hand them out first; false gives them all back to the
 * lists.  mm_init() turns it on; the buddy's unit tests leave it off. */
void frame_cache_enable(bool on);
/* frame_cache_count - free frames in the cache now (not on the lists). */
u64 frame_cache_count(void);

/* frame_free - free one frame from frame_alloc(). */
void frame_free(phys_addr_t pa);

/* page_get / page_put - take / drop a reference; the last put frees the
 * block.  Inline (fork and exit take and drop one per page); the checks'
 * messages and the freeing are out of line. */
void page_get_bad(struct page *page) __attribute__((noreturn, cold));
void page_put_last(struct page *page);

static inline void page_get(struct page *page)
{
	if ((page->flags & (PG_HEAD | PG_FREE)) != PG_HEAD || !page->refcount)
		page_get_bad(page);
	page->refcount++;
}

static inline void page_put(struct page *page)
{
	if (page->refcount > 1 && (page->flags & (PG_HEAD | PG_FREE)) == PG_HEAD)
		page->refcount--;
	else
		page_put_last(page); /* checks, and frees at the last */
}

/*
 * page_mapcount - how many page-table entries map this user frame.  The
 * references on a frame a process can map are exactly its mappings, plus
 * one while the frame is a ramfs file's page (PG_PAGECACHE): nothing else
 * keeps a reference on such a frame.  So a file page mapped by one process
 * has refcount 2 and mapcount 1.  (Linux keeps a separate _mapcount.)
 */
static inline u32 page_mapcount(const struct page *page)
{
	return page->refcount - ((page->flags & PG_PAGECACHE) ? 1 : 0);
}

struct page *pfn_to_page(u64 pfn);
/* frame_lookup - pfn's struct page, or NULL beyond the table or in a part
 * not set up yet (a scan over every frame uses it). */
struct page *frame_lookup(u64 pfn);

/* The frame table, its length, and a bit per section of it that is set
 * up (mm/frame.c): phys_to_page() checks them inline, as fork and exit
 * ask it for every page. */
#define FRAME_SECTION_SHIFT (FRAME_MAX_ORDER - 1)
extern struct page *frame_table;
extern u64 frame_nr_pfns;
extern u64 *frame_section_ready;
__attribute__((noreturn)) void frame_bad_pfn(u64 pfn, const char *who);

static inline u64 page_to_pfn(const struct page *page)
{
	return (u64)(page - frame_table);
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return page_to_pfn(page) << PAGE_SHIFT;
}

/* frame_alloc - one frame, or 0 when memory is exhausted (0 is never managed). */
static inline phys_addr_t frame_alloc(void)
{
	struct page *p = frames_alloc(0);

	return p ? page_to_phys(p) : 0;
}

static inline bool frame_section_is_ready(u64 pfn)
{
	u64 s = pfn >> FRAME_SECTION_SHIFT;

	return frame_section_ready[s / 64] & (1ull << (s % 64));
}

/* phys_to_page - the struct page of pa; panics if pa is beyond the table
 * or in a part of it not set up yet (no frame there was ever handed out). */
static inline struct page *phys_to_page(phys_addr_t pa)
{
	u64 pfn = pa >> PAGE_SHIFT;

	if (pfn >= frame_nr_pfns || !frame_section_is_ready(pfn))
		frame_bad_pfn(pfn, "phys_to_page");
	return &frame_table[pfn];
}

u64 frames_free_count(void);    /* frames free: on the lists, in the cache or not set up yet */
u64 frames_managed_count(void); /* frames ever given to the allocator */
u64 frames_table_size(void);    /* entries in the frame table (max pfn + 1) */
/* frames_free_blocks - how many free blocks of exactly this order. */
u64 frames_free_blocks(unsigned order);

#endif
