/*
 * tests/ktest/kmalloc.c - ktest=kmalloc: the kernel heap on real memory.
 */
#include "kernel/catch.h"
#include "kernel/ktest.h"
#include <vmos/string.h>
#include "mm/kmalloc.h"
#include "tests/ktest/ktest_util.h"
#include <asm/page_types.h>

#define MANY 2000

static void do_bad_kfree(void *arg)
{
	kfree((char *)arg + 8);
}

static void ktest_kmalloc(void)
{
	static void *ptrs[MANY];
	bool aligned = true, intact = true;
	struct catcher c;
	void *p;

	ktest_check(kmalloc(0) == NULL, "kmalloc(0) returns NULL");
	ktest_check(kmalloc((size_t)1 << 40) == NULL &&
			    kmalloc((size_t)-1) == NULL,
		    "absurd sizes (1 TiB, SIZE_MAX) return NULL");

	/* Sizes 1..8 KiB: alignment, and each block holds its own pattern. */
	for (unsigned i = 0; i < MANY; i++) {
		size_t size = 1 + (i * 37) % 8192;

		ptrs[i] = kmalloc(size);
		if (!ptrs[i])
			continue;
		aligned &= IS_ALIGNED((uintptr_t)ptrs[i],
				      size > KMALLOC_MAX_SMALL ? PAGE_SIZE : 16);
		memset(ptrs[i], (int)(i & 0xff), size);
	}
	for (unsigned i = 0; i < MANY; i++) {
		size_t size = 1 + (i * 37) % 8192;
		const u8 *b = ptrs[i];

		for (size_t k = 0; b && k < size; k++)
			intact &= b[k] == (u8)(i & 0xff);
	}
	ktest_check(aligned, "%d blocks of 1..8192 bytes are aligned "
			     "(16 bytes small, a page large)", MANY);
	ktest_check(intact, "no block overwrote another");
	for (unsigned i = 0; i < MANY; i += 2) /* free in two passes */
		kfree(ptrs[i]);
	for (unsigned i = 1; i < MANY; i += 2)
		kfree(ptrs[i]);

	p = kzalloc(300);
	ktest_check(p && !memcmp(p, (u8[300]){ 0 }, 300), "kzalloc zeroes");
	ktest_catch(&c, do_bad_kfree, p);
	ktest_check(c.caught == CAUGHT_PANIC && strstr_simple(c.message, "kfree"),
		    "kfree of a pointer kmalloc never returned panics: %s",
		    c.message);
	kfree(p);
	kfree(NULL);
	ktest_check(true, "kfree(NULL) is harmless");
}

KTEST(ktest_kmalloc, "kmalloc",
      "the kernel heap", true);
