/*
 * tests/unit/test_cpio.c - the initrd's cpio reader (fs/cpio.c).
 *
 * Archives are written in memory by a small newc writer (ar_add), then
 * read back, broken one field at a time, cut at every byte and corrupted
 * at random; every read goes through an exact-size heap copy, so that
 * AddressSanitizer sees a read past the end.  Real archives made by GNU
 * cpio from a directory tree (build/fixtures, see the Makefile) must read
 * back exactly as the files on disk.
 */
#define _GNU_SOURCE /* nftw's FTW_PHYS */
#include "host.h"
#include <vmos/errno.h>
#include "fs/cpio.h"

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define AR_MAX 8192

/* An archive being written: the bytes and where each entry starts. */
struct ar {
	u8 buf[AR_MAX];
	u64 len;
	u64 at[16];
	unsigned n;
};

static struct ar ar;

/* The header fields of one entry, in header order after the magic. */
struct hdr {
	u32 ino, mode, uid, gid, nlink, mtime, filesize;
	u32 devmajor, devminor, rdevmajor, rdevminor, namesize, check;
};

/* The byte offset of field k (0 = c_ino ... 12 = c_check) in a header. */
#define FIELD(k) (6 + 8 * (k))
enum { F_MODE = 1, F_FILESIZE = 6, F_NAMESIZE = 11, F_CHECK = 12 };

static void ar_pad(struct ar *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* ar_add_hdr - an entry with header h (magic "070701" or "070702"),
 * name (h->namesize bytes are written from it) and data. */
static void ar_add_hdr(struct ar *a, const char *magic, const struct hdr *h,
		       const char *name, const void *data)
{
	char text[CPIO_HEADER_SIZE + 1];

	snprintf(text, sizeof(text),
		 "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 magic, h->ino, h->mode, h->uid, h->gid, h->nlink, h->mtime,
		 h->filesize, h->devmajor, h->devminor, h->rdevmajor,
		 h->rdevminor, h->namesize, h->check);
	assert_true(a->len + CPIO_HEADER_SIZE + h->namesize + h->filesize + 8 <=
		    AR_MAX);
	a->at[a->n++] = a->len;
	memcpy(a->buf + a->len, text, CPIO_HEADER_SIZE);
	a->len += CPIO_HEADER_SIZE;
	memcpy(a->buf + a->len, name, h->namesize);
	a->len += h->namesize;
	ar_pad(a);
	if (h->filesize)
		memcpy(a->buf + a->len, data, h->filesize);
	a->len += h->filesize;
	ar_pad(a);
}

/* ar_add - a well-formed entry; with crc, a 070702 one with its sum. */
static void ar_add(struct ar *a, bool crc, const char *name, u32 mode,
		   const void *data, u32 size)
{
	struct hdr h = { .ino = 100 + a->n, .mode = mode, .uid = 1000,
			 .gid = 100, .nlink = 1, .mtime = 0x65000000,
			 .filesize = size, .devmajor = 8, .devminor = 1,
			 .namesize = (u32)strlen(name) + 1 };

	for (u32 i = 0; crc && i < size; i++)
		h.check += ((const u8 *)data)[i];
	if ((mode & S_IFMT) == S_IFCHR) {
		h.rdevmajor = 4;
		h.rdevminor = 64;
	}
	ar_add_hdr(a, crc ? CPIO_MAGIC_CRC : CPIO_MAGIC_NEWC, &h, name, data);
}

static void ar_trailer(struct ar *a)
{
	ar_add(a, false, CPIO_TRAILER, 0, NULL, 0);
}

/*
 * build_sample - the archive `find . | cpio -H newc` makes of a small
 * root: entries 0-7 below, then the trailer (entry 8).
 */
static void build_sample(bool crc)
{
	memset(&ar, 0, sizeof(ar));
	ar_add(&ar, crc, ".", S_IFDIR | 0755, NULL, 0);
	ar_add(&ar, crc, "bin", S_IFDIR | 0755, NULL, 0);
	ar_add(&ar, crc, "bin/sh", S_IFREG | 0755, "#!echo", 6);
	ar_add(&ar, crc, "etc/motd", S_IFREG | 0644, "hello", 5);
	ar_add(&ar, crc, "empty", S_IFREG | 0600, NULL, 0);
	ar_add(&ar, crc, "link", S_IFLNK | 0777, "bin/sh", 6);
	ar_add(&ar, crc, "dev/tty0", S_IFCHR | 0620, NULL, 0);
	ar_add(&ar, crc, "bytes", S_IFREG | 0644, "\x00\xff\x80\x7f", 4);
	ar_trailer(&ar);
}

static int setup(void **state)
{
	build_sample(false);
	return 0;
}

/* Ends with a full read: the result of the last cpio_next call. */
struct walk {
	int ret;
	unsigned entries;
	u64 offset;
	const char *error;
};

/*
 * walk_copy - read every entry of an exact-size heap copy of the size
 * bytes at data; checks on the way what cpio_next promises about each.
 */
static struct walk walk_copy(const void *data, u64 size)
{
	u8 *copy = malloc(size ? size : 1);
	struct walk w = { .error = NULL };
	struct cpio_entry e;

	assert_non_null(copy);
	memcpy(copy, data, size);
	for (;;) {
		u64 before = w.offset;

		w.ret = cpio_next(copy, size, &w.offset, &e, &w.error);
		if (w.ret <= 0) {
			if (w.ret < 0)
				assert_int_equal(w.offset, before);
			break;
		}
		assert_true(w.offset > before && w.offset <= size);
		assert_true(IS_ALIGNED(w.offset, CPIO_ALIGN));
		assert_true((const u8 *)e.name > copy + before);
		assert_int_equal(strlen(e.name), e.namelen);
		assert_true((const u8 *)e.data >= copy &&
			    e.size <= size - (u64)((const u8 *)e.data - copy));
		w.entries++;
	}
	free(copy);
	return w;
}

/* The archive in ar must be refused at entry k, with why. */
static void expect_malformed(unsigned k, const char *why)
{
	struct walk w = walk_copy(ar.buf, ar.len);

	if (w.ret != -EINVAL)
		fail_msg("read returned %d, expected -EINVAL (\"%s\")", w.ret,
			 why);
	if (!strstr(w.error, why))
		fail_msg("refused with \"%s\", expected \"%s\"", w.error, why);
	assert_int_equal(w.entries, k);
	assert_int_equal(w.offset, ar.at[k]);
}

static void poke(u64 at, const char *s)
{
	memcpy(ar.buf + at, s, strlen(s));
}

/* set_field - field k of entry n's header becomes value (8 hex digits). */
static void set_field(unsigned n, int k, u32 value)
{
	char text[9];

	snprintf(text, sizeof(text), "%08x", value);
	poke(ar.at[n] + FIELD(k), text);
}

/* ------------------------------------------------------------ reading */

static void check_entry(const struct cpio_entry *e, const char *name,
			u32 mode, const void *data, u64 size)
{
	assert_string_equal(e->name, name);
	assert_int_equal(e->namelen, strlen(name));
	assert_int_equal(e->mode, mode);
	assert_int_equal(e->size, size);
	if (size)
		assert_memory_equal(e->data, data, size);
}

static void test_read_sample(void **state)
{
	struct cpio_entry e;
	const char *error = NULL;
	u64 off = 0;

	for (int crc = 0; crc < 2; crc++) {
		build_sample(crc);
		off = 0;
		assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 1);
		check_entry(&e, ".", S_IFDIR | 0755, NULL, 0);
		assert_int_equal(off, ar.at[1]);
		assert_int_equal(e.ino, 100);
		assert_int_equal(e.uid, 1000);
		assert_int_equal(e.gid, 100);
		assert_int_equal(e.nlink, 1);
		assert_int_equal(e.mtime, 0x65000000);
		assert_int_equal(e.devmajor, 8);
		assert_int_equal(e.devminor, 1);
		assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 1);
		check_entry(&e, "bin", S_IFDIR | 0755, NULL, 0);
		assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 1);
		check_entry(&e, "bin/sh", S_IFREG | 0755, "#!echo", 6);
		assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 1);
		check_entry(&e, "etc/motd", S_IFREG | 0644, "hello", 5);
		assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 1);
		check_entry(&e, "empty", S_IFREG | 0600, NULL, 0);
		assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 1);
		check_entry(&e, "link", S_IFLNK | 0777, "bin/sh", 6);
		assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 1);
		check_entry(&e, "dev/tty0", S_IFCHR | 0620, NULL, 0);
		assert_int_equal(e.rdevmajor, 4);
		assert_int_equal(e.rdevminor, 64);
		assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 1);
		check_entry(&e, "bytes", S_IFREG | 0644, "\x00\xff\x80\x7f", 4);
		assert_int_equal(off, ar.at[8]);
		assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 0);
		assert_int_equal(off, ar.len);
	}
}

static void test_uppercase_hex(void **state)
{
	struct cpio_entry e;
	const char *error;
	u64 off = ar.at[2];

	poke(ar.at[2] + FIELD(F_MODE), "000081ED"); /* GNU cpio writes this */
	assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), 1);
	assert_int_equal(e.mode, S_IFREG | 0755);
}

static void test_checksum(void **state)
{
	build_sample(true);
	set_field(3, F_CHECK, 'h' + 'e' + 'l' + 'l' + 'o' + 1);
	expect_malformed(3, "the file data does not match its checksum");
	/* The sum is of unsigned bytes, mod 2^32. */
	build_sample(true);
	set_field(7, F_CHECK, 0xff + 0x80 + 0x7f);
	assert_int_equal(walk_copy(ar.buf, ar.len).ret, 0);
	/* Only a regular file's sum is checked: GNU cpio writes 0 for a
	 * symbolic link's target. */
	build_sample(true);
	set_field(5, F_CHECK, 0);
	assert_int_equal(walk_copy(ar.buf, ar.len).ret, 0);
	/* 070701 has no checksum: c_check is not looked at. */
	build_sample(false);
	set_field(3, F_CHECK, 0xdeadbeef);
	assert_int_equal(walk_copy(ar.buf, ar.len).ret, 0);
}

static void test_trailer_without_padding(void **state)
{
	u64 end = ar.at[8] + CPIO_HEADER_SIZE + sizeof(CPIO_TRAILER);
	struct walk w;

	assert_int_equal(ar.len, end + 3); /* 121 bytes, padded to 124 */
	ar.len = end;
	w = walk_copy(ar.buf, ar.len);
	assert_int_equal(w.ret, 0);
	assert_int_equal(w.entries, 8);
	assert_int_equal(w.offset, end);
}

static void test_after_trailer_not_read(void **state)
{
	/* A second archive (or garbage) after the trailer is not read. */
	u64 first = ar.len;
	struct walk w;

	memcpy(ar.buf + first, ar.buf, first);
	memset(ar.buf + 2 * first, 'x', 64);
	ar.len = 2 * first + 64;
	w = walk_copy(ar.buf, ar.len);
	assert_int_equal(w.ret, 0);
	assert_int_equal(w.entries, 8);
	assert_int_equal(w.offset, first);
}

static void test_empty_name(void **state)
{
	/* c_namesize 1: the name is "" (as a path: "/"). */
	struct hdr h = { .namesize = 1 };

	memset(&ar, 0, sizeof(ar));
	ar_add_hdr(&ar, CPIO_MAGIC_NEWC, &h, "", NULL);
	ar_trailer(&ar);
	assert_int_equal(walk_copy(ar.buf, ar.len).entries, 1);
}

/* ------------------------------------------------------------ refusing */

static void test_bad_magic(void **state)
{
	poke(ar.at[3], "070707");
	expect_malformed(3, "magic 070707: the old portable format, not newc");
	poke(ar.at[3], "070703");
	expect_malformed(3, "bad magic (a newc header starts with 070701 or "
			 "070702)");
	memset(ar.buf + ar.at[0], 0, 6);
	expect_malformed(0, "bad magic");
}

static void test_fields_not_hex(void **state)
{
	static const char *const names[] = {
		"c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime",
		"c_filesize", "c_devmajor", "c_devminor", "c_rdevmajor",
		"c_rdevminor", "c_namesize", "c_check",
	};
	/* strtoul would take " 1", "+1", "0x1" or "-1": the format doesn't. */
	static const char *const bad_digits[] = { "g", " ", "+", "x", "-",
						  "\0", "G", "/", ":", "@" };
	char why[64];

	for (int k = 0; k < 13; k++) {
		for (unsigned d = 0; d < ARRAY_SIZE(bad_digits); d++) {
			build_sample(false);
			ar.buf[ar.at[2] + FIELD(k) + (k + d) % 8] =
				(u8)bad_digits[d][0];
			snprintf(why, sizeof(why), "%s is not 8 hex digits",
				 names[k]);
			expect_malformed(2, why);
		}
	}
}

static void test_name_checks(void **state)
{
	/* Entry 2: "bin/sh\0" (c_namesize 7), 3 NULs of padding, "#!echo". */
	set_field(2, F_NAMESIZE, 0);
	expect_malformed(2, "c_namesize is 0 (it counts the name's NUL)");
	set_field(2, F_NAMESIZE, 6); /* "bin/sh" */
	expect_malformed(2, "the name is not NUL-terminated at c_namesize");
	set_field(2, F_NAMESIZE, 11); /* "bin/sh\0\0\0\0#" */
	expect_malformed(2, "the name is not NUL-terminated at c_namesize");
	set_field(2, F_NAMESIZE, 8); /* "bin/sh\0\0" */
	expect_malformed(2, "the name has a NUL before its end");
	set_field(2, F_NAMESIZE, (u32)(ar.len - ar.at[2] - CPIO_HEADER_SIZE) + 1);
	expect_malformed(2, "the name runs past the end of the archive");
	set_field(2, F_NAMESIZE, 0xffffffff);
	expect_malformed(2, "the name runs past the end of the archive");
}

static void test_padding_checks(void **state)
{
	/* "bin/sh\0" ends at header + 7, then 3 bytes of padding. */
	ar.buf[ar.at[2] + CPIO_HEADER_SIZE + 7] = 'x';
	expect_malformed(2, "the padding after the name is missing or not NUL "
			 "bytes");
	build_sample(false);
	/* "hello" (5 bytes) is followed by 3 bytes of padding. */
	ar.buf[ar.at[4] - 1] = 1;
	expect_malformed(3, "the padding after the file data is missing or not "
			 "NUL bytes");
}

static void test_padding_missing_at_end(void **state)
{
	/* Entry "etc/motd" is the last one and its padding is cut off. */
	ar.len = ar.at[4] - 3;
	expect_malformed(3, "the padding after the file data is missing");
	ar.len = ar.at[3] + CPIO_HEADER_SIZE + 9; /* after "etc/motd\0" */
	expect_malformed(3, "the padding after the name is missing");
}

static void test_data_past_end(void **state)
{
	set_field(3, F_FILESIZE, 0xffffffff);
	expect_malformed(3, "the file data runs past the end of the archive");
	build_sample(false);
	set_field(7, F_FILESIZE, (u32)(ar.len - ar.at[7]));
	expect_malformed(7, "the file data runs past the end of the archive");
}

static void test_no_trailer(void **state)
{
	ar.len = ar.at[8]; /* cut before the trailer */
	expect_malformed(8, "the archive ends without a TRAILER!!! entry");
	ar.len = ar.at[8] + 50;
	expect_malformed(8, "the header runs past the end of the archive");
	ar.len = 0;
	expect_malformed(0, "the archive ends without a TRAILER!!! entry");
}

static void test_bad_offsets(void **state)
{
	struct cpio_entry e;
	const char *error = NULL;
	u64 off = 2;

	assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), -EINVAL);
	assert_string_equal(error, "the entry offset is not 4-byte aligned");
	assert_int_equal(off, 2);
	off = ar.len + 4;
	assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), -EINVAL);
	off = ~0ull & ~3ull; /* no wrap-around anywhere */
	assert_int_equal(cpio_next(ar.buf, ar.len, &off, &e, &error), -EINVAL);
	assert_string_equal(error,
			    "the archive ends without a TRAILER!!! entry");
}

/* ---------------------------------------------------------- robustness */

/* Every prefix: an error, until the trailer's name is complete. */
static void test_every_truncation(void **state)
{
	for (int crc = 0; crc < 2; crc++) {
		u64 end;

		build_sample(crc);
		end = ar.at[8] + CPIO_HEADER_SIZE + sizeof(CPIO_TRAILER);
		for (u64 n = 0; n <= ar.len; n++) {
			struct walk w = walk_copy(ar.buf, n);

			assert_int_equal(w.ret, n >= end ? 0 : -EINVAL);
			if (w.ret < 0)
				assert_non_null(w.error);
			else
				assert_int_equal(w.entries, 8);
		}
	}
}

/* Random corruption: never a crash, never a loop, always an answer. */
static void test_random_corruption(void **state)
{
	u64 seed = 0x243f6a8885a308d3ull;
	unsigned ends = 0;

	for (int round = 0; round < 20000; round++) {
		struct walk w;

		build_sample(round % 2);
		for (int k = 0; k < 1 + (int)(host_rand(&seed) % 3); k++) {
			u64 r = host_rand(&seed);

			if (r % 2) /* a digit in a header: stays mostly hex */
				ar.buf[ar.at[r / 2 % 9] + 6 +
				       (r >> 8) % (CPIO_HEADER_SIZE - 6)] =
					"0123456789abcdefF!"[(r >> 16) % 18];
			else
				ar.buf[(r >> 8) % ar.len] ^= (u8)(r >> 32);
		}
		w = walk_copy(ar.buf, ar.len);
		assert_true(w.ret == 0 || w.ret == -EINVAL);
		ends += w.ret == 0;
	}
	assert_true(ends > 100);
}

/* ------------------------------------------------------- path names */

static void expect_path(const char *name, const char *want)
{
	char out[64];

	memset(out, '#', sizeof(out));
	if (!cpio_path_normalize(name, (u32)strlen(name), out, sizeof(out)))
		fail_msg("\"%s\" refused, expected \"%s\"", name, want);
	assert_string_equal(out, want);
}

static void expect_no_path(const char *name, u32 len)
{
	char out[64];

	if (cpio_path_normalize(name, len, out, sizeof(out)))
		fail_msg("\"%.*s\" accepted as \"%s\"", (int)len, name, out);
}

static void test_normalize(void **state)
{
	expect_path("./bin/sh", "/bin/sh");
	expect_path("bin/sh", "/bin/sh");
	expect_path("/bin/sh", "/bin/sh");
	expect_path("bin//x", "/bin/x");
	expect_path("bin/./x/", "/bin/x");
	expect_path("./././a", "/a");
	expect_path(".", "/");
	expect_path("./", "/");
	expect_path("", "/");
	expect_path("//", "/");
	expect_path("...", "/...");         /* a name, not a component ".." */
	expect_path("..a/b..", "/..a/b..");
	expect_path("a/.hidden", "/a/.hidden");
	expect_path("TRAILER!!!", "/TRAILER!!!");
}

static void test_normalize_refuses(void **state)
{
	expect_no_path("..", 2);
	expect_no_path("../etc/passwd", 13);
	expect_no_path("a/../b", 6);
	expect_no_path("a/..", 4);
	expect_no_path("./..", 4);
	expect_no_path("a/b/../../..", 12);
	expect_no_path("a\0b", 3); /* a NUL inside the given length */
}

static void test_normalize_length(void **state)
{
	char out[8];

	/* Only len bytes are read: no NUL needed after them. */
	assert_true(cpio_path_normalize("./bin/shell", 8, out, sizeof(out)));
	assert_string_equal(out, "/bin/sh");
	/* "/bin/sh" and its NUL: 8 bytes fit in 8, not in 7. */
	assert_true(cpio_path_normalize("bin/sh", 6, out, 8));
	assert_false(cpio_path_normalize("bin/sh", 6, out, 7));
	assert_false(cpio_path_normalize("bin/shx", 7, out, 8));
	assert_true(cpio_path_normalize(".", 1, out, 2));
	assert_string_equal(out, "/");
	assert_false(cpio_path_normalize(".", 1, out, 1));
	assert_false(cpio_path_normalize("a", 1, out, 0));
}

/* ------------------------------------------------------- real archives */


/* join - "dir/name" into buf; the test fails if it does not fit. */
static char *join(char *buf, size_t size, const char *dir, const char *name)
{
	if (snprintf(buf, size, "%s/%s", dir, name) >= (int)size)
		fail_msg("path too long: %s/%s", dir, name);
	return buf;
}

static u8 *read_whole(const char *path, u64 *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	u8 *buf;

	if (!f)
		fail_msg("%s is missing: make build/fixtures/cpio.stamp", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc(n ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (u64)n;
	return buf;
}

static unsigned tree_files; /* entries below the fixture tree, "." too */

static int count_file(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	tree_files++;
	return 0;
}

/* The entry must describe the file it names below dir, as lstat sees it. */
static void check_against_disk(const char *dir, const struct cpio_entry *e,
			       unsigned *linked_data)
{
	char path[512], target[256];
	struct stat st;
	u64 size;
	u8 *bytes;

	join(path, sizeof(path), dir, e->name);
	if (lstat(path, &st))
		fail_msg("%s: in the archive, not on disk", e->name);
	assert_int_equal(e->mode, st.st_mode);
	assert_int_equal(e->uid, st.st_uid);
	assert_int_equal(e->gid, st.st_gid);
	assert_int_equal(e->nlink, st.st_nlink);
	assert_int_equal(e->mtime, (u64)st.st_mtime);
	assert_int_equal(e->ino, (u32)st.st_ino);
	assert_int_equal(e->devmajor, major(st.st_dev));
	assert_int_equal(e->devminor, minor(st.st_dev));
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(path, target, sizeof(target));

		assert_true(n > 0);
		assert_int_equal(e->size, (u64)n);
		assert_memory_equal(e->data, target, (size_t)n);
	} else if (S_ISREG(st.st_mode)) {
		/* Hard links: only the last one carries the data. */
		if (st.st_nlink > 1 && e->size == 0 && st.st_size > 0)
			return;
		if (st.st_nlink > 1)
			(*linked_data)++;
		bytes = read_whole(path, &size);
		assert_int_equal(e->size, size);
		if (size)
			assert_memory_equal(e->data, bytes, size);
		free(bytes);
	} else {
		assert_int_equal(e->size, 0); /* directories, FIFOs */
	}
}

/*
 * check_archive - every entry of the GNU cpio archive name (made in
 * tree/ by the Makefile) matches the file on disk, and every file is in it.
 */
static void check_archive(const char *name)
{
	char path[512], tree[512], norm[256];
	const char *error = NULL;
	unsigned entries = 0, linked_data = 0;
	struct cpio_entry e;
	u64 size, off = 0;
	u8 *archive;
	int ret;

	join(tree, sizeof(tree), fixtures_dir(), "tree");
	join(path, sizeof(path), fixtures_dir(), name);
	archive = read_whole(path, &size);
	while ((ret = cpio_next(archive, size, &off, &e, &error)) == 1) {
		check_against_disk(tree, &e, &linked_data);
		assert_true(cpio_path_normalize(e.name, e.namelen, norm,
						sizeof(norm)));
		assert_int_equal(norm[0], '/');
		entries++;
	}
	if (ret)
		fail_msg("%s: %s at offset 0x%lx", name, error, off);
	tree_files = 0;
	assert_int_equal(nftw(tree, count_file, 16, FTW_PHYS), 0);
	assert_int_equal(entries, tree_files);
	assert_int_equal(linked_data, 1); /* hardlink and sub/numbers */
	assert_true(size - off < 512); /* GNU cpio's padding after it */
	free(archive);
}

static void test_real_newc(void **state)
{
	check_archive("tree.cpio");
}

static void test_real_crc(void **state)
{
	check_archive("tree-crc.cpio");
}

static void test_real_truncations(void **state)
{
	char path[512];
	u64 size, end;
	u8 *archive;

	join(path, sizeof(path), fixtures_dir(), "sub.cpio");
	archive = read_whole(path, &size);
	end = walk_copy(archive, size).offset;
	assert_true(end > 0 && end <= size);
	for (u64 n = 0; n < end - 3; n++)
		assert_int_equal(walk_copy(archive, n).ret, -EINVAL);
	free(archive);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_read_sample),
		T(test_uppercase_hex),
		T(test_checksum),
		T(test_trailer_without_padding),
		T(test_after_trailer_not_read),
		T(test_empty_name),
		T(test_bad_magic),
		T(test_fields_not_hex),
		T(test_name_checks),
		T(test_padding_checks),
		T(test_padding_missing_at_end),
		T(test_data_past_end),
		T(test_no_trailer),
		T(test_bad_offsets),
		T(test_every_truncation),
		T(test_random_corruption),
		T(test_normalize),
		T(test_normalize_refuses),
		T(test_normalize_length),
		T(test_real_newc),
		T(test_real_crc),
		T(test_real_truncations),
	};

	return cmocka_run_group_tests_name("fs/cpio", tests,
					   host_group_setup,
					   host_group_teardown);
}
