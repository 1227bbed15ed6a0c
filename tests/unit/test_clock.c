/*
 * tests/unit/test_clock.c - the clock (second-chance) replacement policy
 * of mm/clock.c over a simulated frame table: each frame may or may not
 * be a candidate (a user page that could go to swap), has an accessed bit
 * the "CPU" sets, and eviction can be refused or run out of swap.
 */
#include "host.h"
#include "mm/clock.h"

#define NFRAMES 64

static struct sim {
	bool candidate[NFRAMES];
	bool young[NFRAMES];   /* the accessed bit */
	bool evicted[NFRAMES];
	bool refuse[NFRAMES];  /* evict says "not now" */
	bool always_used[NFRAMES]; /* used again at once after each look */
	int swap_left;         /* evictions before swap is full */
	unsigned evictions, looks;
} sim;

static bool candidate(u64 pfn, void *arg)
{
	return sim.candidate[pfn] && !sim.evicted[pfn];
}

static bool test_and_clear_young(u64 pfn, void *arg)
{
	bool y = sim.young[pfn];

	sim.looks++;
	sim.young[pfn] = sim.always_used[pfn];
	return y;
}

static int evict(u64 pfn, void *arg)
{
	if (sim.refuse[pfn])
		return 0;
	if (sim.swap_left-- <= 0)
		return -1;
	sim.evicted[pfn] = true;
	sim.evictions++;
	return 1;
}

static const struct clock_ops ops = { candidate, test_and_clear_young, evict };
static struct clock hand;

static int setup(void **state)
{
	memset(&sim, 0, sizeof(sim));
	sim.swap_left = 1000;
	for (int i = 0; i < NFRAMES; i++)
		sim.candidate[i] = true;
	hand = (struct clock){ 0, NFRAMES };
	return 0;
}

/* With no accessed bits, the hand takes frames in order from where it is. */
static void test_takes_in_hand_order(void **state)
{
	hand.hand = 10;
	assert_int_equal(clock_reclaim(&hand, 3, 2, &ops, NULL), 3);
	assert_true(sim.evicted[10] && sim.evicted[11] && sim.evicted[12]);
	assert_false(sim.evicted[9] || sim.evicted[13]);
	assert_int_equal(hand.hand, 13); /* it stays where it stopped */
}

/* A frame used since the hand last passed gets a second chance: its bit is
 * cleared and the next frame is taken instead. */
static void test_second_chance(void **state)
{
	sim.young[0] = sim.young[1] = true;
	assert_int_equal(clock_reclaim(&hand, 1, 2, &ops, NULL), 1);
	assert_true(sim.evicted[2]);
	assert_false(sim.evicted[0] || sim.evicted[1]);
	assert_false(sim.young[0] || sim.young[1]); /* looked at: cleared */
	/* Not used again: taken when the hand comes round. */
	hand.hand = 0;
	assert_int_equal(clock_reclaim(&hand, 2, 2, &ops, NULL), 2);
	assert_true(sim.evicted[0] && sim.evicted[1]);
}

/* The hand wraps from the last frame to the first. */
static void test_wraps(void **state)
{
	hand.hand = NFRAMES - 2;
	assert_int_equal(clock_reclaim(&hand, 4, 2, &ops, NULL), 4);
	assert_true(sim.evicted[NFRAMES - 2] && sim.evicted[NFRAMES - 1] &&
		    sim.evicted[0] && sim.evicted[1]);
	assert_int_equal(hand.hand, 2);
}

/* Frames that are not candidates (kernel memory, locked, page tables) are
 * passed over without a look at their bits. */
static void test_skips_non_candidates(void **state)
{
	for (int i = 0; i < NFRAMES; i += 2)
		sim.candidate[i] = false;
	assert_int_equal(clock_reclaim(&hand, 5, 2, &ops, NULL), 5);
	for (int i = 0; i < NFRAMES; i += 2)
		assert_false(sim.evicted[i]);
	assert_int_equal(sim.looks, 5);
}

/* A working set in steady use is never taken; the rest is. */
static void test_working_set_stays(void **state)
{
	for (int i = 0; i < 8; i++)
		sim.young[i] = sim.always_used[i] = true;
	assert_int_equal(clock_reclaim(&hand, NFRAMES - 8, 2, &ops, NULL), NFRAMES - 8);
	for (int i = 0; i < 8; i++)
		assert_false(sim.evicted[i]);
	for (int i = 8; i < NFRAMES; i++)
		assert_true(sim.evicted[i]);
}

/* When everything is in use, the hand gives up after two turns. */
static void test_gives_up_after_two_turns(void **state)
{
	for (int i = 0; i < NFRAMES; i++)
		sim.young[i] = sim.always_used[i] = true;
	assert_int_equal(clock_reclaim(&hand, 10, 2, &ops, NULL), 0);
	assert_int_equal(sim.looks, 2 * NFRAMES);
}

/* Everything used once: the first turn clears the bits, the second takes. */
static void test_second_turn_takes(void **state)
{
	for (int i = 0; i < NFRAMES; i++)
		sim.young[i] = true;
	assert_int_equal(clock_reclaim(&hand, 4, 2, &ops, NULL), 4);
	assert_true(sim.evicted[0] && sim.evicted[3]);
	assert_int_equal(sim.looks, NFRAMES + 4);
}

/* One turn never takes a frame it found used: a page mapped young by the
 * last fault stays for the instruction that needs it with the next page
 * (the fault path's reclaim; two turns took both pages of a movsb from the
 * stack to .bss in turn, and the instruction never completed). */
static void test_one_turn_spares_the_used(void **state)
{
	sim.young[5] = sim.young[6] = true;
	for (int i = 0; i < NFRAMES; i++)
		sim.candidate[i] = i == 5 || i == 6 || i == 7;
	assert_int_equal(clock_reclaim(&hand, 10, 1, &ops, NULL), 1);
	assert_true(sim.evicted[7]);
	assert_false(sim.evicted[5] || sim.evicted[6]);
	assert_int_equal(sim.looks, 3);
	/* The next call takes them if they were not used again. */
	assert_int_equal(clock_reclaim(&hand, 10, 1, &ops, NULL), 2);
}

/* A refusal is skipped, not counted; swap running out stops at once. */
static void test_refusal_and_full_swap(void **state)
{
	sim.refuse[0] = true;
	sim.swap_left = 2;
	assert_int_equal(clock_reclaim(&hand, 10, 2, &ops, NULL), 2);
	assert_false(sim.evicted[0]);
	assert_true(sim.evicted[1] && sim.evicted[2]);
	assert_int_equal(sim.evictions, 2);
	assert_int_equal(hand.hand, 4); /* frame 3 was the one swap refused */
}

/* Asking for nothing looks at nothing. */
static void test_want_zero(void **state)
{
	assert_int_equal(clock_reclaim(&hand, 0, 2, &ops, NULL), 0);
	assert_int_equal(sim.looks, 0);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_takes_in_hand_order),
		T(test_second_chance),
		T(test_wraps),
		T(test_skips_non_candidates),
		T(test_working_set_stays),
		T(test_gives_up_after_two_turns),
		T(test_second_turn_takes),
		T(test_one_turn_spares_the_used),
		T(test_refusal_and_full_swap),
		T(test_want_zero),
	};

	return cmocka_run_group_tests_name("mm/clock", tests, NULL, NULL);
}
