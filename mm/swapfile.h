/*
 * mm/swapfile.h - inside the swap areas: the on-disk header, the area
 * table and each area's slot map (mm/swapslots.c, pure code tested on the
 * host by tests/unit/test_swapfile.c), and what swapfile.c offers /proc.
 * The paging side uses mm/swap.h only.
 *
 * The header is page 0 of the area, as Linux's mkswap writes it
 * (include/linux/swap.h, union swap_header; little-endian):
 *
 *	offset  size  field
 *	     0  1024  boot loader space, left alone
 *	  1024     4  version       must be 1
 *	  1028     4  last_page     the last usable page; the area is pages
 *	                            0 .. last_page, 0 being this header
 *	  1032     4  nr_badpages   entries in badpages[]
 *	  1036    16  sws_uuid
 *	  1052    16  sws_volume    a label
 *	  1068   468  padding
 *	  1536  4*n   badpages[]    pages that must never hold data
 *	  4086    10  magic         "SWAPSPACE2"
 *
 * The slot map has one byte per page of the area: 0 is a free slot, 1 ..
 * SWAP_SLOT_MAX_REFS its reference count, SWAP_MAP_BAD the header page
 * and the bad pages, which are never handed out.
 */
#ifndef MM_SWAPFILE_H
#define MM_SWAPFILE_H

#include <vmos/types.h>
#include "mm/swap.h"

#define SWAP_PAGE_SIZE 4096
#define SWAP_MAGIC "SWAPSPACE2"
#define SWAP_MAGIC_V0 "SWAP-SPACE" /* Linux before 2.2: refused */
#define SWAP_MAGIC_LEN 10
#define SWAP_HEADER_VERSION 1
#define SWAP_BOOTBITS 1024
#define SWAP_HEADER_PADDING 117
/* badpages[] runs from its offset (1536) to the magic: 637 entries. */
#define MAX_SWAP_BADPAGES                                                 \
	((SWAP_PAGE_SIZE - SWAP_MAGIC_LEN - SWAP_BADPAGES_OFFSET) / 4)
#define SWAP_BADPAGES_OFFSET                                              \
	(SWAP_BOOTBITS + 3 * 4 + 16 + 16 + SWAP_HEADER_PADDING * 4)

#define SWAP_MAP_BAD 0xff /* above every count (SWAP_SLOT_MAX_REFS) */

/* swapon(2)'s flags, Linux's values (include/linux/swap.h). */
#define SWAP_FLAG_PREFER 0x8000     /* the priority is in the low bits */
#define SWAP_FLAG_PRIO_MASK 0x7fff
#define SWAP_FLAG_DISCARD 0x10000   /* accepted; nothing to discard */
#define SWAP_FLAG_DISCARD_ONCE 0x20000
#define SWAP_FLAG_DISCARD_PAGES 0x40000
#define SWAP_FLAGS_VALID                                                  \
	(SWAP_FLAG_PRIO_MASK | SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD |      \
	 SWAP_FLAG_DISCARD_ONCE | SWAP_FLAG_DISCARD_PAGES)

union swap_header {
	struct {
		char reserved[SWAP_PAGE_SIZE - SWAP_MAGIC_LEN];
		char magic[SWAP_MAGIC_LEN];
	} magic;
	struct {
		char bootbits[SWAP_BOOTBITS];
		u32 version;
		u32 last_page;
		u32 nr_badpages;
		u8 sws_uuid[16];
		char sws_volume[16];
		u32 padding[SWAP_HEADER_PADDING];
		u32 badpages[MAX_SWAP_BADPAGES]; /* nr_badpages used */
	} info;
};

/*
 * swap_header_check - may the header h (a whole page) be used on a device
 * of dev_pages pages called dev (for the messages)?  The number of pages
 * the area spans (last_page + 1, header included), or -EINVAL with a line
 * in the log saying why.  Rules as Linux's read_swap_header: the magic,
 * version 1, last_page not 0, at most MAX_SWAP_BADPAGES bad pages, each
 * in 1 .. last_page, and the area no longer than the device (Linux
 * refuses a longer one, "Swap area shorter than signature indicates",
 * rather than using what fits).
 */
long swap_header_check(const union swap_header *h, u64 dev_pages,
		       const char *dev);

/*
 * struct swap_map - the slots of one area.  Allocation is next-fit: the
 * search starts where the last one ended and wraps around once (Linux
 * hands out clusters of 256 slots per CPU; one CPU needs no clusters).
 */
struct swap_map {
	u8 *count;  /* max bytes: per page, 0 free, refs, or SWAP_MAP_BAD */
	u64 max;    /* pages in the area, header included */
	u64 pages;  /* usable slots: max less the header and bad pages */
	u64 inuse;  /* slots whose count is not 0 */
	u64 cursor; /* where the next search starts */
};

/*
 * swap_map_init - set up m over count (max bytes, from the caller) for
 * the area whose header h was accepted by swap_header_check(): every slot
 * free but the header and the bad pages.  Returns m->pages (0: nothing
 * usable, which swapon refuses).
 */
u64 swap_map_init(struct swap_map *m, u8 *count, u64 max,
		  const union swap_header *h);
/* swap_map_alloc - a free slot, now with count 1, or 0 when full. */
u64 swap_map_alloc(struct swap_map *m);

/* One entry of the area table. */
#define SWP_USED 0x1    /* the entry is taken (swapon running, or active) */
#define SWP_WRITEOK 0x2 /* active: slots may be allocated */

struct file;
struct blkdev;

struct swap_area {
	unsigned flags;       /* SWP_* */
	int prio;             /* higher is used first */
	struct swap_map map;
	struct file *file;    /* the device, open while the area is used */
	struct blkdev *bdev;  /* where the slots are */
	const char *path;     /* its absolute name, as /proc/swaps shows it */
};

extern struct swap_area swap_areas[MAX_SWAPFILES];

/* swap_area_enable - make area type active with priority prio, or, when
 * prio < 0, the next default one (-2, -3, ... as Linux 6.1). */
void swap_area_enable(unsigned type, int prio);
/* swap_area_disable - no more slots from area type (swapoff starts). */
void swap_area_disable(unsigned type);
/* swap_area_forget - area type is gone: the areas with a default priority
 * below it move up by one, as on Linux, and its entry is free. */
void swap_area_forget(unsigned type);

/* swap_area_line - the line of /proc/swaps for area a (Linux's
 * swap_show) into buf: its length (as ksnprintf). */
#define SWAPS_HEADER "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
int swap_area_line(const struct swap_area *a, char *buf, size_t size);

/* swap_reset - every area free, default priorities from -2 again (tests). */
void swap_reset(void);

/* ---- swapfile.c ---- */
struct pbuf;
/* swap_show - the text of /proc/swaps. */
void swap_show(struct pbuf *b);

#endif
