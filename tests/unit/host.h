/*
 * tests/unit/host.h - what every host unit test includes.
 *
 * The tests compile pure kernel files for Linux (with AddressSanitizer and
 * UndefinedBehaviorSanitizer) and run them under cmocka.  This header and
 * host_shim.c supply what the kernel would:
 *   - panic() records its message and raises a cmocka assertion, so
 *     expect_panic(call, "words") checks that a kernel bug is detected;
 *   - printk() output is kept in a buffer (host_printk_log()) instead of
 *     being printed, so the TAP output on stdout stays clean;
 *   - simulated physical memory (asm/page.h) and a frame table over it;
 *   - pte_supported and the TLB hooks of asm/tlb.h.
 * Set VMOS_UNIT_VERBOSE=1 to see printk and panic messages on stderr.
 */
#ifndef TESTS_UNIT_HOST_H
#define TESTS_UNIT_HOST_H

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmos/types.h>
#include "mm/frame.h"
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/tlb.h>

#define HOST_MSG_MAX 512

extern char host_panic_msg[HOST_MSG_MAX]; /* the last panic's message */
extern u64 host_panic_count;              /* panics since host_reset() */

/* host_printk_log - printk output since host_reset() (the newest 16 KiB). */
const char *host_printk_log(void);

/*
 * host_reset - back to boot state: no panic recorded, empty printk log,
 * TLB counters zero, no current root, pte_supported = every bit.
 */
void host_reset(void);

/*
 * host_mem_init - simulated physical memory of bytes (a multiple of
 * PAGE_SIZE), filled with 0xa5 so that code relying on zeroed memory
 * fails.  host_mem_exit frees it and any frame table.
 */
void host_mem_init(u64 bytes);
void host_mem_exit(void);

extern struct page *host_frame_table; /* from host_frames_init() */

/*
 * host_frames_init - simulated memory of bytes and a frame table covering
 * it, every frame reserved: the test hands ranges to frame_add_range().
 * The table's memory starts as 0xa5 garbage, as at boot: the allocator
 * must write each entry before it reads it.
 * (Inline: binaries without mm/frame.c never reference frame_init.)
 */
static inline void host_frames_init(u64 bytes)
{
	u64 nr = bytes >> PAGE_SHIFT, size = frame_table_bytes(nr);

	host_mem_init(bytes);
	host_frame_table = malloc(size);
	assert_non_null(host_frame_table);
	memset(host_frame_table, 0xa5, size);
	frame_init(host_frame_table, nr);
}

/* Group fixtures: host_reset() before the group, host_mem_exit() after. */
int host_group_setup(void **state);
int host_group_teardown(void **state);

/*
 * expect_panic - call must panic with a message containing what.
 * Like cmocka's expect_assert_failure(), but silent on stdout (TAP) and
 * checking why the kernel panicked, not only that it did.
 */
#define expect_panic(call, what)                                              \
	do {                                                                  \
		host_panic_msg[0] = '\0';                                     \
		if (setjmp(global_expect_assert_env) == 0) {                  \
			global_expecting_assert = 1;                          \
			call;                                                 \
			global_expecting_assert = 0;                          \
			fail_msg("expected a panic from %s", #call);          \
		}                                                             \
		global_expecting_assert = 0;                                  \
		if (!strstr(host_panic_msg, (what)))                          \
			fail_msg("%s panicked with \"%s\", expected \"%s\"",  \
				 #call, host_panic_msg, (what));              \
	} while (0)

/* host_rand - a fixed-seed xorshift64 generator (*state must not be 0). */
static inline u64 host_rand(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* fixtures_dir - where the Makefile put real programs and archives
 * (build/fixtures; VMOS_FIXTURES in the environment or at compile time). */
static inline const char *fixtures_dir(void)
{
	const char *dir = getenv("VMOS_FIXTURES");

#ifdef VMOS_FIXTURES
	if (!dir || !*dir)
		dir = VMOS_FIXTURES;
#endif
	return dir && *dir ? dir : "build/fixtures";
}

#endif
