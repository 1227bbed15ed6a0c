/*
 * tests/unit/test_swapfile.c - the pure half of swap areas
 * (mm/swapslots.c): the header check, on a header written by
 * util-linux's mkswap (build/fixtures/swap-4M.img, made by the Makefile)
 * and on hand-made bad ones; one area's slot map; the choice between
 * areas by priority; the slot calls of mm/swap.h; the totals; and the
 * lines of /proc/swaps, byte for byte as Linux's swap_show writes them.
 */
#include "host.h"
#include <vmos/errno.h>
#include "mm/swapfile.h"

#define FIXTURE_PAGES 1024 /* swap-4M.img: 4 MiB */
#define FAKE_BDEV ((struct blkdev *)0x1000) /* never dereferenced */

static union swap_header hdr;
static u8 *maps[MAX_SWAPFILES];

static int setup(void **state)
{
	host_reset();
	swap_reset();
	return 0;
}

static int teardown(void **state)
{
	for (unsigned t = 0; t < MAX_SWAPFILES; t++) {
		free(maps[t]);
		maps[t] = NULL;
	}
	swap_reset();
	return 0;
}

/* make_header - a valid version-1 header for an area of last_page + 1
 * pages with the given bad pages. */
static void make_header(u32 last_page, const u32 *bad, u32 nr_bad)
{
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.magic.magic, SWAP_MAGIC, SWAP_MAGIC_LEN);
	hdr.info.version = 1;
	hdr.info.last_page = last_page;
	hdr.info.nr_badpages = nr_bad;
	for (u32 i = 0; i < nr_bad; i++)
		hdr.info.badpages[i] = bad[i];
}

/*
 * add_area - area type over a device of last_page + 1 pages with the
 * given bad pages, active with priority prio (< 0: the default), as
 * swapon leaves it.  Returns the area.
 */
static struct swap_area *add_area(unsigned type, u32 last_page, const u32 *bad,
				  u32 nr_bad, int prio, const char *path)
{
	struct swap_area *a = &swap_areas[type];
	long max;

	make_header(last_page, bad, nr_bad);
	max = swap_header_check(&hdr, (u64)last_page + 1, path);
	assert_int_equal(max, (long)last_page + 1);
	maps[type] = malloc((size_t)max);
	assert_non_null(maps[type]);
	memset(maps[type], 0xa5, (size_t)max); /* init must write it all */
	a->flags = SWP_USED;
	a->bdev = FAKE_BDEV;
	a->path = path;
	swap_map_init(&a->map, maps[type], (u64)max, &hdr);
	swap_area_enable(type, prio);
	return a;
}

/* refused - h must be refused on a device of dev_pages with a log line
 * containing why (and the device's name). */
static void refused(u64 dev_pages, const char *why)
{
	host_reset();
	assert_int_equal(swap_header_check(&hdr, dev_pages, "/dev/vdz"), -EINVAL);
	if (!strstr(host_printk_log(), why) || !strstr(host_printk_log(), "/dev/vdz"))
		fail_msg("log \"%s\" lacks \"%s\"", host_printk_log(), why);
}

/* ---- the header ---- */

_Static_assert(sizeof(union swap_header) == SWAP_PAGE_SIZE, "one page");
_Static_assert(offsetof(union swap_header, info.version) == 1024, "version");
_Static_assert(offsetof(union swap_header, info.last_page) == 1028, "last_page");
_Static_assert(offsetof(union swap_header, info.nr_badpages) == 1032, "nr_bad");
_Static_assert(offsetof(union swap_header, info.sws_volume) == 1052, "label");
_Static_assert(offsetof(union swap_header, info.badpages) == 1536, "badpages");
_Static_assert(offsetof(union swap_header, magic.magic) == 4086, "magic");
_Static_assert(MAX_SWAP_BADPAGES == 637, "Linux's MAX_SWAP_BADPAGES");

/* The header util-linux's mkswap wrote (label "vmos-test") is accepted. */
static void test_header_from_mkswap(void **state)
{
	char path[512];
	FILE *f;
	u8 *map = malloc(FIXTURE_PAGES);
	struct swap_map m;

	snprintf(path, sizeof(path), "%s/swap-4M.img", fixtures_dir());
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "# no %s (util-linux's mkswap not installed)\n",
			path);
		free(map);
		skip();
	}
	assert_int_equal(fread(&hdr, 1, sizeof(hdr), f), sizeof(hdr));
	fclose(f);
	assert_int_equal(hdr.info.version, 1);
	assert_int_equal(hdr.info.last_page, FIXTURE_PAGES - 1);
	assert_int_equal(hdr.info.nr_badpages, 0);
	assert_string_equal(hdr.info.sws_volume, "vmos-test");
	assert_int_equal(swap_header_check(&hdr, FIXTURE_PAGES, "swap-4M.img"),
			 FIXTURE_PAGES);
	assert_int_equal(swap_map_init(&m, map, FIXTURE_PAGES, &hdr),
			 FIXTURE_PAGES - 1);
	/* one page fewer on the device: the header claims too much */
	refused(FIXTURE_PAGES - 1, "Swap area shorter than signature indicates");
	free(map);
}

static void test_header_wrong_magic(void **state)
{
	make_header(100, NULL, 0);
	memcpy(hdr.magic.magic, "SWAPSPACE3", SWAP_MAGIC_LEN);
	refused(101, "Unable to find swap-space signature");
	memset(&hdr, 0, sizeof(hdr)); /* a disk never prepared */
	refused(101, "Unable to find swap-space signature");
}

static void test_header_v0_refused(void **state)
{
	make_header(100, NULL, 0);
	memcpy(hdr.magic.magic, SWAP_MAGIC_V0, SWAP_MAGIC_LEN);
	refused(101, "old swap space format (\"SWAP-SPACE\")");
}

static void test_header_version_2(void **state)
{
	make_header(100, NULL, 0);
	hdr.info.version = 2;
	refused(101, "Unable to handle swap header version 2");
	hdr.info.version = 0x01000000; /* version 1, other byte order */
	refused(101, "Unable to handle swap header version 16777216");
}

static void test_header_last_page(void **state)
{
	make_header(0, NULL, 0);
	refused(101, "Empty swap-file");
	make_header(101, NULL, 0);
	refused(101, "Swap area shorter than signature indicates");
	make_header(0xffffffff, NULL, 0);
	refused(101, "Swap area shorter than signature indicates");
	make_header(100, NULL, 0); /* exactly the device */
	assert_int_equal(swap_header_check(&hdr, 101, "d"), 101);
	assert_int_equal(swap_header_check(&hdr, 5000, "d"), 101); /* smaller */
}

static void test_header_bad_pages(void **state)
{
	const u32 zero[] = { 5, 0 }, beyond[] = { 101 }, last[] = { 100, 1 };
	u32 many[MAX_SWAP_BADPAGES];

	make_header(100, zero, 2);
	refused(101, "bad page 0 is outside the area (pages 1 .. 100)");
	make_header(100, beyond, 1);
	refused(101, "bad page 101 is outside the area");
	make_header(100, last, 2); /* the last page and page 1 are fine */
	assert_int_equal(swap_header_check(&hdr, 101, "d"), 101);
	for (u32 i = 0; i < MAX_SWAP_BADPAGES; i++)
		many[i] = i + 1;
	make_header(1000, many, MAX_SWAP_BADPAGES);
	assert_int_equal(swap_header_check(&hdr, 1001, "d"), 1001);
	hdr.info.nr_badpages = MAX_SWAP_BADPAGES + 1;
	refused(1001, "638 bad pages listed, at most 637");
}

/* ---- one area's slots ---- */

static void test_map_counts_good_pages(void **state)
{
	const u32 bad[] = { 7, 3, 7, 10 }; /* listed twice: still one page */
	struct swap_area *a = add_area(0, 10, bad, 4, -1, "/dev/vda");

	assert_int_equal(a->map.max, 11);
	assert_int_equal(a->map.pages, 7); /* 1..10 less 3, 7, 10 */
	assert_int_equal(a->map.count[0], SWAP_MAP_BAD);
	assert_int_equal(a->map.count[3], SWAP_MAP_BAD);
	assert_int_equal(a->map.count[1], 0);
	/* every page bad: nothing usable, swapon says "Empty swap-file" */
	{
		const u32 all[] = { 1, 2 };
		struct swap_map m;
		u8 c[3];

		make_header(2, all, 2);
		assert_int_equal(swap_map_init(&m, c, 3, &hdr), 0);
	}
}

/* Slots come out in next-fit order, bad pages never, then {0}. */
static void test_alloc_until_full(void **state)
{
	const u32 bad[] = { 2, 5 };
	const u64 want[] = { 1, 3, 4, 6, 7, 8 };

	add_area(0, 8, bad, 2, -1, "/dev/vda");
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		swp_entry_t e = swap_slot_alloc();

		assert_int_equal(swp_type(e), 0);
		assert_int_equal(swp_offset(e), want[i]);
		assert_int_equal(swap_slot_count(e), 1);
	}
	assert_int_equal(swap_slot_alloc().val, 0);
	assert_int_equal(swap_slot_alloc().val, 0);
	assert_int_equal(swap_free_pages(), 0);
	assert_int_equal(swap_total_pages(), 6);
}

/* A freed slot is not the next one handed out: the cursor goes on, and
 * comes back to it after wrapping around. */
static void test_next_fit_and_reuse(void **state)
{
	swp_entry_t e[6];

	add_area(1, 6, NULL, 0, -1, "/dev/vdb");
	for (unsigned i = 1; i <= 4; i++)
		e[i] = swap_slot_alloc();
	assert_int_equal(swp_type(e[1]), 1);
	assert_int_equal(swap_slot_free(e[2]), 0);
	assert_int_equal(swp_offset(swap_slot_alloc()), 5);
	assert_int_equal(swp_offset(swap_slot_alloc()), 6);
	assert_int_equal(swp_offset(swap_slot_alloc()), 2); /* wrapped */
	assert_int_equal(swap_slot_alloc().val, 0);
	assert_int_equal(swap_slot_free(e[3]), 0);
	assert_int_equal(swap_slot_alloc().val, e[3].val);
}

static void test_dup_and_free_counts(void **state)
{
	swp_entry_t e, other;

	add_area(0, 100, NULL, 0, -1, "/dev/vda");
	e = swap_slot_alloc();
	other = swap_slot_alloc();
	assert_int_equal(swap_slot_dup(e), 0);
	assert_int_equal(swap_slot_dup(e), 0);
	assert_int_equal(swap_slot_count(e), 3);
	assert_int_equal(swap_free_pages(), 98);
	assert_int_equal(swap_slot_free(e), 2);
	assert_int_equal(swap_slot_free(e), 1);
	assert_int_equal(swap_free_pages(), 98);
	assert_int_equal(swap_slot_free(e), 0);
	assert_int_equal(swap_free_pages(), 99);
	assert_int_equal(swap_slot_count(e), 0);
	assert_int_equal(swap_slot_dup(e), -EINVAL); /* free now */
	assert_int_equal(swap_slot_count(other), 1);
	for (u32 n = 1; n < SWAP_SLOT_MAX_REFS; n++)
		assert_int_equal(swap_slot_dup(other), 0);
	assert_int_equal(swap_slot_count(other), SWAP_SLOT_MAX_REFS);
	assert_int_equal(swap_slot_dup(other), -ENOMEM);
	assert_int_equal(swap_slot_count(other), SWAP_SLOT_MAX_REFS);
}

/* Entries that name no allocated slot. */
static void test_not_a_slot(void **state)
{
	const u32 bad[] = { 4 };

	add_area(0, 10, bad, 1, -1, "/dev/vda");
	const swp_entry_t none = { 0 }, header = swp_entry(0, 0),
			  badp = swp_entry(0, 4), past = swp_entry(0, 11),
			  unused = swp_entry(3, 1), free1 = swp_entry(0, 1),
			  type31 = swp_entry(31, 1);

	assert_int_equal(swap_slot_count(badp), 0);
	assert_int_equal(swap_slot_count(past), 0);
	assert_int_equal(swap_slot_count(unused), 0);
	assert_int_equal(swap_slot_dup(none), -EINVAL);
	assert_int_equal(swap_slot_dup(badp), -EINVAL);
	assert_int_equal(swap_slot_dup(unused), -EINVAL);
	assert_int_equal(swap_slot_dup(type31), -EINVAL);
	expect_panic(swap_slot_free(free1), "swap_slot_free: entry 0x20 (area 0, "
		     "slot 1) is not allocated");
	expect_panic(swap_slot_free(header), "is not allocated");
	expect_panic(swap_slot_free(badp), "is not allocated");
	expect_panic(swap_slot_free(past), "is not allocated");
	expect_panic(swap_slot_free(unused), "is not allocated");
	assert_int_equal(swap_areas[0].map.inuse, 0);
}

/* ---- areas and priorities ---- */

static void test_default_priorities(void **state)
{
	struct swap_area *a = add_area(0, 4, NULL, 0, -1, "/dev/vda");
	struct swap_area *b = add_area(1, 2, NULL, 0, -1, "/dev/vdb");

	assert_int_equal(a->prio, -2);
	assert_int_equal(b->prio, -3);
	assert_int_equal(swap_total_pages(), 4 + 2);
	/* the higher priority first, until it is full */
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(swp_type(swap_slot_alloc()), 0);
	assert_int_equal(swp_type(swap_slot_alloc()), 1);
	assert_int_equal(swp_offset(swap_slot_alloc()), 2);
	assert_int_equal(swap_slot_alloc().val, 0);
	/* a freed slot of the first area is preferred again */
	swap_slot_free(swp_entry(0, 3));
	assert_int_equal(swap_slot_alloc().val, swp_entry(0, 3).val);
}

static void test_preferred_priority(void **state)
{
	struct swap_area *a = add_area(0, 4, NULL, 0, -1, "/dev/vda");
	struct swap_area *b = add_area(1, 4, NULL, 0,
				       SWAP_FLAG_PRIO_MASK & 5, "/dev/vdb");
	struct swap_area *c = add_area(2, 4, NULL, 0, -1, "/dev/vdc");

	assert_int_equal(a->prio, -2);
	assert_int_equal(b->prio, 5);
	assert_int_equal(c->prio, -3); /* a set priority takes no number */
	assert_int_equal(swp_type(swap_slot_alloc()), 1);
}

/* Areas of equal priority take turns, as on Linux. */
static void test_equal_priorities_take_turns(void **state)
{
	add_area(0, 10, NULL, 0, 7, "/dev/vda");
	add_area(1, 10, NULL, 0, 7, "/dev/vdb");
	add_area(2, 10, NULL, 0, 1, "/dev/vdc");
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(swp_type(swap_slot_alloc()), i % 2);
}

/* swapoff of an area with a default priority moves the later ones up. */
static void test_forget_renumbers(void **state)
{
	struct swap_area *b, *c, *d;

	add_area(0, 4, NULL, 0, -1, "/dev/vda");
	b = add_area(1, 4, NULL, 0, -1, "/dev/vdb");
	c = add_area(2, 4, NULL, 0, -1, "/dev/vdc");
	d = add_area(3, 4, NULL, 0, 9, "/dev/vdd");
	swap_area_disable(0);
	swap_area_forget(0);
	free(maps[0]);
	maps[0] = NULL;
	assert_int_equal(swap_areas[0].flags, 0);
	assert_int_equal(b->prio, -2);
	assert_int_equal(c->prio, -3);
	assert_int_equal(d->prio, 9);
	add_area(0, 4, NULL, 0, -1, "/dev/vda");
	assert_int_equal(swap_areas[0].prio, -4);
	swap_area_forget(3); /* a set priority: nothing moves */
	assert_int_equal(c->prio, -3);
}

/* While swapoff empties an area: no slots from it, and it counts as its
 * slots in use, both in the total and free (Linux's si_swapinfo). */
static void test_disabled_area(void **state)
{
	swp_entry_t e;

	add_area(0, 10, NULL, 0, -1, "/dev/vda");
	add_area(1, 10, NULL, 0, -1, "/dev/vdb");
	swap_slot_alloc();
	e = swap_slot_alloc();
	assert_int_equal(swp_type(e), 0);
	swap_area_disable(0);
	assert_int_equal(swp_type(swap_slot_alloc()), 1);
	assert_int_equal(swap_total_pages(), 2 + 10);
	assert_int_equal(swap_free_pages(), 2 + 9);
	/* its slots are still counted and freed */
	assert_int_equal(swap_slot_dup(e), 0);
	assert_int_equal(swap_slot_free(e), 1);
	assert_int_equal(swap_slot_free(e), 0);
	assert_int_equal(swap_total_pages(), 1 + 10);
}

static void test_no_area(void **state)
{
	assert_int_equal(swap_slot_alloc().val, 0);
	assert_int_equal(swap_total_pages(), 0);
	assert_int_equal(swap_free_pages(), 0);
}

/* ---- /proc/swaps ---- */

static void line_is(const struct swap_area *a, const char *want)
{
	char buf[640];
	int n = swap_area_line(a, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

static void test_proc_swaps_lines(void **state)
{
	struct swap_area *a = add_area(0, 65535, NULL, 0, -1, "/dev/vda");
	char small[12];

	assert_string_equal(SWAPS_HEADER,
			    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	line_is(a, "/dev/vda                                partition\t262140\t\t0\t\t-2\n");
	for (unsigned i = 0; i < 3; i++)
		swap_slot_alloc();
	a->prio = 5;
	line_is(a, "/dev/vda                                partition\t262140\t\t12\t\t5\n");
	a->path = "/a/name/of/exactly/forty/characters/xxxx";
	line_is(a, "/a/name/of/exactly/forty/characters/xxxx partition\t262140\t\t12\t\t5\n");
	a->path = "/dev/my disk\\";
	line_is(a, "/dev/my\\040disk\\134                     partition\t262140\t\t12\t\t5\n");
	a->path = "/f";
	a->bdev = NULL;
	a->map.pages = 2500000; /* 10000000 KiB: no second tab */
	a->map.inuse = 2500000;
	line_is(a, "/f                                      file\t\t10000000\t10000000\t5\n");
	/* a short buffer: cut, NUL-terminated, the full length returned */
	assert_int_equal(swap_area_line(a, small, sizeof(small)), 66);
	assert_string_equal(small, "/f         ");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_header_from_mkswap),
		T(test_header_wrong_magic),
		T(test_header_v0_refused),
		T(test_header_version_2),
		T(test_header_last_page),
		T(test_header_bad_pages),
		T(test_map_counts_good_pages),
		T(test_alloc_until_full),
		T(test_next_fit_and_reuse),
		T(test_dup_and_free_counts),
		T(test_not_a_slot),
		T(test_default_priorities),
		T(test_preferred_priority),
		T(test_equal_priorities_take_turns),
		T(test_forget_renumbers),
		T(test_disabled_area),
		T(test_no_area),
		T(test_proc_swaps_lines),
	};

	return cmocka_run_group_tests_name("mm/swapslots", tests, host_group_setup,
					   host_group_teardown);
}
