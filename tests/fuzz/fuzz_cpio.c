/*
 * tests/fuzz/fuzz_cpio.c - libFuzzer target for the initrd reader
 * (fs/cpio.c): cpio_next over the whole input, and
 * cpio_path_normalize on every name read and on the raw input.
 *
 * Beyond not crashing: every entry lies inside the archive, each call
 * moves forward (no endless loop), a refusal leaves the offset alone and
 * says why, and a normalized path is absolute and clean.
 */
#define FUZZ_NAME "fuzz_cpio"
#include "tests/fuzz/fuzz.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmos/errno.h>
#include "fs/cpio.h"


/* check_path - a normalized path: "/", or "/a/b" without empty, "." or
 * ".." components. */
static void check_path(const char *p, u32 outsize)
{
	size_t n = strlen(p);

	CHECK(n >= 1 && n < outsize && p[0] == '/');
	CHECK(n == 1 || p[n - 1] != '/');
	CHECK(!strstr(p, "//") && !strstr(p, "/./") && !strstr(p, "/../"));
	CHECK(!(n >= 2 && !strcmp(p + n - 2, "/.")));
	CHECK(!(n >= 3 && !strcmp(p + n - 3, "/..")));
}

static void normalize(const char *name, u32 len, u32 outsize)
{
	static char out[4096];

	if (cpio_path_normalize(name, len, out, outsize))
		check_path(out, outsize);
}

/* check_entry - an entry read from [a, a + size) at before. */
static void check_entry(const u8 *a, u64 size, u64 before, u64 after,
			const struct cpio_entry *e)
{
	const u8 *name = (const u8 *)e->name, *data = e->data;

	CHECK(after > before && after <= size && after % CPIO_ALIGN == 0);
	CHECK(name == a + before + CPIO_HEADER_SIZE);
	CHECK(e->namelen < size && name[e->namelen] == '\0');
	CHECK(strlen(e->name) == e->namelen);
	CHECK(data > name + e->namelen && data <= a + after);
	CHECK(e->size <= (u64)(a + after - data));
	normalize(e->name, e->namelen, 4096);
	normalize(e->name, e->namelen, 1 + e->namelen % 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_entry e;
	const char *error;
	u64 off = 0;

	for (;;) {
		u64 before = off;
		int ret;

		error = NULL;
		ret = cpio_next(data, size, &off, &e, &error);
		if (ret < 0) {
			CHECK(ret == -EINVAL && off == before);
			CHECK(error && error[0]);
			break;
		}
		if (ret == 0) {
			CHECK(off > before && off <= size);
			break;
		}
		check_entry(data, size, before, off, &e);
	}
	/* The raw input as a name too, with a size taken from it. */
	normalize((const char *)data, size > 4000 ? 4000 : (u32)size,
		  size ? 1 + data[0] * 8u : 64);
	return 0;
}
