/*
 * tests/ktest/blk.c - ktest=blk: the block-device layer the swap code
 * calls (drivers/blkdev.h), on the disks QEMU attached.  Skipped
 * when there is no /dev/vda (ktest=all under the plain harness).
 */
#include "drivers/blkdev.h"
#include <vmos/errno.h>
#include "kernel/ktest.h"
#include <vmos/string.h>
#include "mm/frame.h"
#include <asm/page.h>

static void fill(u8 *page, u8 seed)
{
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		page[i] = (u8)(seed + i * 3 + i / 512);
}

/* pages_round_trip - write one page at index, read it back elsewhere. */
static bool pages_round_trip(struct blkdev *dev, u64 index, u8 *out, u8 *in,
			     u8 seed)
{
	fill(out, seed);
	memset(in, 0, PAGE_SIZE);
	return blkdev_write_page(dev, index, out) == 0 &&
	       blkdev_read_page(dev, index, in) == 0 &&
	       memcmp(in, out, PAGE_SIZE) == 0;
}

static void ktest_blk(void)
{
	struct blkdev *vda = blkdev_get("vda"), *ro = blkdev_get("vdb");
	u64 last;
	u8 stack_buf[SECTOR_SIZE];
	phys_addr_t a, b;
	u8 *out, *in;

	if (!vda) {
		ktest_skip("no disk attached (QEMU -drive ...,if=virtio)");
		return;
	}
	a = frame_alloc();
	b = frame_alloc();
	if (!ktest_check(a && b, "two frames for the buffers"))
		goto out;
	out = phys_to_virt(a);
	in = phys_to_virt(b);
	last = vda->sectors / SECTORS_PER_PAGE - 1;
	ktest_check(blkdev_get("vdz") == NULL, "blkdev_get of a missing disk: NULL");
	ktest_check(blkdev_by_rdev(vda->rdev) == vda, "vda is found by its number");
	ktest_check(pages_round_trip(vda, 0, out, in, 1), "page 0 written and read back");
	ktest_check(pages_round_trip(vda, last, out, in, 2),
		    "the last page (%lu) written and read back", last);
	ktest_check(blkdev_read_page(vda, 0, in) == 0 && (fill(out, 1), 1) &&
			    memcmp(in, out, PAGE_SIZE) == 0,
		    "page 0 still holds its own data");
	ktest_check(blkdev_read(vda, vda->sectors - 1, in, 1) == 0 &&
			    blkdev_write(vda, vda->sectors - 1, in, 1) == 0,
		    "the last sector alone");
	KTEST_EQ(blkdev_read(vda, 0, in, 0), 0, "a transfer of 0 sectors does nothing");
	KTEST_EQ(blkdev_read_page(vda, last + 1, in), -EINVAL,
		 "the page after the end: -EINVAL");
	KTEST_EQ(blkdev_write(vda, vda->sectors - 1, in, 2), -EINVAL,
		 "a write across the end: -EINVAL");
	KTEST_EQ(blkdev_read_page(vda, ~0ull, in), -EINVAL,
		 "a page index whose sector overflows: -EINVAL");
	KTEST_EQ(blkdev_read(vda, 0, stack_buf, 1), -EINVAL,
		 "a buffer outside the direct map (the stack): -EINVAL");
	if (ro && ro->read_only) {
		KTEST_EQ(blkdev_write_page(ro, 0, out), -EROFS,
			 "a write to the read-only vdb: -EROFS");
		ktest_check(blkdev_read_page(ro, 0, in) == 0, "which still reads");
	} else {
		ktest_skip("no read-only vdb attached");
	}
out:
	if (a)
		frame_free(a);
	if (b)
		frame_free(b);
}

KTEST(ktest_blk, "blk",
      "the block-device layer on the attached disks", true);
