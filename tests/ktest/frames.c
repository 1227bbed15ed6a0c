/*
 * tests/ktest/frames.c - ktest=frames: the buddy allocator on real memory.
 */
#include "kernel/bootinfo.h"
#include "kernel/catch.h"
#include "kernel/ktest.h"
#include <vmos/string.h>
#include "tests/ktest/ktest_util.h"
#include "mm/frame.h"
#include <asm/page.h>

extern char _kernel_phys_start[], _kernel_phys_end[];

static bool frame_is_usable(phys_addr_t pa)
{
	return pa >= PHYS_LOW_MEMORY_END && IS_ALIGNED(pa, PAGE_SIZE) &&
	       (pa >= (phys_addr_t)_kernel_phys_end ||
		pa + PAGE_SIZE <= (phys_addr_t)_kernel_phys_start);
}

/* Take every free frame, chaining them through their first word; check
 * each is usable; give them all back.  Returns how many were taken. */
static u64 exhaust_and_return(bool *all_usable)
{
	phys_addr_t head = 0, pa;
	u64 n = 0;

	*all_usable = true;
	while ((pa = frame_alloc())) {
		if (!frame_is_usable(pa))
			*all_usable = false;
		*(phys_addr_t *)phys_to_virt(pa) = head;
		head = pa;
		n++;
	}
	while (head) {
		pa = head;
		head = *(phys_addr_t *)phys_to_virt(pa);
		frame_free(pa);
	}
	return n;
}

/* FNV-1a over a boot module's bytes (through the direct map). */
static u64 module_checksum(const struct boot_module *m)
{
	const u8 *p = phys_to_virt(m->start);
	u64 h = 0xcbf29ce484222325ull;

	for (u64 i = 0; i < m->end - m->start; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void test_exhaustion(void)
{
	u64 free0 = frames_free_count(), blocks0[FRAME_MAX_ORDER];
	u64 sums[BOOT_MAX_MODULES];
	bool usable, same_blocks = true, modules_intact = true;
	u64 taken;

	for (unsigned i = 0; i < boot_info.nmodules; i++)
		sums[i] = module_checksum(&boot_info.modules[i]);

	/* The free lists then hold every free frame: none in the cache
	 * (mm/frame.c), none in sections not set up yet. */
	frame_cache_enable(false);
	frames_setup_all();
	KTEST_EQ(frames_free_count(), free0, "setting up the whole frame table frees nothing more");
	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++)
		blocks0[o] = frames_free_blocks(o);
	taken = exhaust_and_return(&usable);
	KTEST_EQ(taken, free0, "every free frame can be allocated, one by one");
	ktest_check(usable, "none is below 1 MiB or inside the kernel image");
	/* Exhaustion wrote into every free frame: a module handed out as free
	 * memory would have been overwritten. */
	for (unsigned i = 0; i < boot_info.nmodules; i++)
		modules_intact &= module_checksum(&boot_info.modules[i]) == sums[i];
	ktest_check(modules_intact, "the %u boot module(s) are untouched",
		    boot_info.nmodules);
	KTEST_EQ(frames_free_count(), free0,
		 "freeing them all gives the same free count back");
	for (unsigned o = 0; o < FRAME_MAX_ORDER; o++)
		same_blocks &= frames_free_blocks(o) == blocks0[o];
	ktest_check(same_blocks, "and the buddies merged back into the same blocks");
	frame_cache_enable(true);
}

static void test_orders(void)
{
	bool ok = true;

	for (unsigned order = 0; order < FRAME_MAX_ORDER; order++) {
		struct page *p = frames_alloc(order);

		if (!p) {
			ok = false;
			ktest_diag("no block of order %u", order);
			continue;
		}
		ok &= IS_ALIGNED(page_to_phys(p), PAGE_SIZE << order);
		/* The whole block is memory we can write. */
		memset(phys_to_virt(page_to_phys(p)), 0xa5, PAGE_SIZE << order);
		frames_free(p, order);
	}
	ktest_check(ok, "blocks of order 0..%d are aligned to their size and writable",
		    FRAME_MAX_ORDER - 1);
	ktest_check(frames_alloc(FRAME_MAX_ORDER) == NULL,
		    "an order beyond the largest block is refused");
}

static void test_refcount(void)
{
	struct page *p = frames_alloc(0);
	u64 free0 = frames_free_count();

	page_get(p);
	page_put(p);
	KTEST_EQ(frames_free_count(), free0, "a put that is not the last keeps the frame");
	page_put(p);
	KTEST_EQ(frames_free_count(), free0 + 1, "the last put frees it");
}

static void do_double_free(void *arg)
{
	phys_addr_t pa = frame_alloc();

	(void)arg;
	frame_free(pa);
	frame_free(pa);
}

static void do_free_reserved(void *arg)
{
	(void)arg;
	frame_free((phys_addr_t)_kernel_phys_start);
}

static void do_free_wrong_order(void *arg)
{
	struct page *p = frames_alloc(2);

	*(struct page **)arg = p;
	frames_free(p, 1);
}

static bool caught_panic(const struct catcher *c, const char *words)
{
	return c->caught == CAUGHT_PANIC && strstr_simple(c->message, words);
}

static void test_bugs_detected(void)
{
	struct catcher c;
	struct page *block = NULL;

	ktest_catch(&c, do_double_free, NULL);
	ktest_check(caught_panic(&c, "double free"), "a double free panics: %s",
		    c.message);
	ktest_catch(&c, do_free_reserved, NULL);
	ktest_check(caught_panic(&c, "never handed out"),
		    "freeing the kernel image's frame panics: %s", c.message);
	ktest_catch(&c, do_free_wrong_order, &block);
	ktest_check(caught_panic(&c, "different order"),
		    "freeing with the wrong order panics: %s", c.message);
	if (block)
		frames_free(block, 2);
}

static void ktest_frames(void)
{
	test_exhaustion();
	test_orders();
	test_refcount();
	test_bugs_detected();
}

KTEST(ktest_frames, "frames",
      "the buddy frame allocator on real memory", true);
