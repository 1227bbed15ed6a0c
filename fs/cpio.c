/*
 * fs/cpio.c - reading newc cpio archives (see cpio.h).
 *
 * The archive is untrusted (it comes from the boot loader, and a student
 * builds it): every length is checked against what is left of the archive
 * before it is added to a position, so that no sum can wrap.
 */
#include "fs/cpio.h"
#include <vmos/errno.h>
#include <vmos/string.h>

#define CPIO_MAGIC_LEN 6
#define CPIO_MAGIC_ODC "070707" /* the older "portable" format */
#define CPIO_FIELD_LEN 8
#define CPIO_S_IFMT 0170000 /* c_mode: the file type bits, as st_mode */
#define CPIO_S_IFREG 0100000

/* The 8-hex-digit fields of a header, in order after the magic. */
enum cpio_field {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
	F_COUNT
};

static const char *const field_error[F_COUNT] = {
	"c_ino is not 8 hex digits",       "c_mode is not 8 hex digits",
	"c_uid is not 8 hex digits",       "c_gid is not 8 hex digits",
	"c_nlink is not 8 hex digits",     "c_mtime is not 8 hex digits",
	"c_filesize is not 8 hex digits",  "c_devmajor is not 8 hex digits",
	"c_devminor is not 8 hex digits",  "c_rdevmajor is not 8 hex digits",
	"c_rdevminor is not 8 hex digits", "c_namesize is not 8 hex digits",
	"c_check is not 8 hex digits",
};

/* bad - report a malformed entry: *error = why; returns -EINVAL. */
static int bad(const char **error, const char *why)
{
	*error = why;
	return -EINVAL;
}

/* parse_hex8 - the 8 hex digits at p (either case) into *v; false if not. */
static bool parse_hex8(const char *p, u32 *v)
{
	u32 n = 0;

	for (int i = 0; i < CPIO_FIELD_LEN; i++) {
		char c = p[i];
		u32 d;

		if (c >= '0' && c <= '9')
			d = (u32)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (u32)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (u32)(c - 'A' + 10);
		else
			return false;
		n = n << 4 | d;
	}
	*v = n;
	return true;
}

/*
 * parse_header - the 110 bytes at h: the magic and every field into f[].
 * *crc tells whether c_check holds a checksum (070702).
 */
static int parse_header(const char *h, u32 *f, bool *crc, const char **error)
{
	if (!memcmp(h, CPIO_MAGIC_NEWC, CPIO_MAGIC_LEN))
		*crc = false;
	else if (!memcmp(h, CPIO_MAGIC_CRC, CPIO_MAGIC_LEN))
		*crc = true;
	else if (!memcmp(h, CPIO_MAGIC_ODC, CPIO_MAGIC_LEN))
		return bad(error, "magic 070707: the old portable format, not "
			   "newc (make the archive with cpio -H newc)");
	else
		return bad(error, "bad magic (a newc header starts with "
			   "070701 or 070702)");
	for (int k = 0; k < F_COUNT; k++)
		if (!parse_hex8(h + CPIO_MAGIC_LEN + k * CPIO_FIELD_LEN, &f[k]))
			return bad(error, field_error[k]);
	return 0;
}

/*
 * skip_padding - the NUL bytes that take *pos (inside the size-byte
 * archive a) to the next multiple of CPIO_ALIGN; *pos is moved past them.
 * Returns false if they are missing or not NULs.
 */
static bool skip_padding(const u8 *a, u64 size, u64 *pos)
{
	u64 pad = (CPIO_ALIGN - *pos % CPIO_ALIGN) % CPIO_ALIGN;

	if (pad > size - *pos)
		return false;
	for (u64 i = 0; i < pad; i++)
		if (a[*pos + i])
			return false;
	*pos += pad;
	return true;
}

/* checksum - what 070702 stores in c_check: the sum of the bytes, mod 2^32. */
static u32 checksum(const u8 *data, u64 size)
{
	u32 sum = 0;

	for (u64 i = 0; i < size; i++)
		sum += data[i];
	return sum;
}

/* fill_entry - *e from the parsed header fields, name and data. */
static void fill_entry(struct cpio_entry *e, const u32 *f, const char *name,
		       const void *data)
{
	e->name = name;
	e->namelen = f[F_NAMESIZE] - 1;
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->devmajor = f[F_DEVMAJOR];
	e->devminor = f[F_DEVMINOR];
	e->rdevmajor = f[F_RDEVMAJOR];
	e->rdevminor = f[F_RDEVMINOR];
	e->ino = f[F_INO];
	e->data = data;
	e->size = f[F_FILESIZE];
}

/*
 * read_name - the name after the header at pos: c_namesize bytes inside
 * the archive, the last of them the only NUL.  Sets *name.
 */
static int read_name(const u8 *a, u64 size, u64 pos, u32 namesize,
		     const char **name, const char **error)
{
	const char *n = (const char *)a + pos;

	if (namesize == 0)
		return bad(error, "c_namesize is 0 (it counts the name's NUL)");
	if (namesize > size - pos)
		return bad(error, "the name runs past the end of the archive");
	if (n[namesize - 1] != '\0')
		return bad(error, "the name is not NUL-terminated at "
			   "c_namesize");
	if (strnlen(n, namesize) != namesize - 1)
		return bad(error, "the name has a NUL before its end");
	*name = n;
	return 0;
}

/* is_trailer - is this the entry that ends the archive? */
static bool is_trailer(const char *name, u32 namesize)
{
	return namesize == sizeof(CPIO_TRAILER) &&
	       !memcmp(name, CPIO_TRAILER, sizeof(CPIO_TRAILER));
}

int cpio_next(const void *archive, u64 size, u64 *offset,
	      struct cpio_entry *e, const char **error)
{
	const u8 *a = archive;
	const char *name;
	u64 pos = *offset;
	u32 f[F_COUNT];
	bool crc;
	int err;

	if (pos % CPIO_ALIGN)
		return bad(error, "the entry offset is not 4-byte aligned");
	if (pos >= size)
		return bad(error, "the archive ends without a TRAILER!!! entry");
	if (size - pos < CPIO_HEADER_SIZE)
		return bad(error, "the header runs past the end of the archive");
	err = parse_header((const char *)a + pos, f, &crc, error);
	if (err)
		return err;
	pos += CPIO_HEADER_SIZE;
	err = read_name(a, size, pos, f[F_NAMESIZE], &name, error);
	if (err)
		return err;
	pos += f[F_NAMESIZE];
	if (is_trailer(name, f[F_NAMESIZE])) {
		*offset = skip_padding(a, size, &pos) ? pos : size;
		return 0;
	}
	if (!skip_padding(a, size, &pos))
		return bad(error, "the padding after the name is missing or "
			   "not NUL bytes");
	if (f[F_FILESIZE] > size - pos)
		return bad(error, "the file data runs past the end of the "
			   "archive");
	if (crc && (f[F_MODE] & CPIO_S_IFMT) == CPIO_S_IFREG &&
	    checksum(a + pos, f[F_FILESIZE]) != f[F_CHECK])
		return bad(error, "the file data does not match its checksum "
			   "(c_check of a 070702 entry)");
	fill_entry(e, f, name, a + pos);
	pos += f[F_FILESIZE];
	if (!skip_padding(a, size, &pos))
		return bad(error, "the padding after the file data is missing "
			   "or not NUL bytes");
	*offset = pos;
	return 1;
}

bool cpio_path_normalize(const char *name, u32 len, char *out, u32 outsize)
{
	u32 i = 0, o = 0;

	if (outsize < 2) /* "/" and its NUL */
		return false;
	while (i < len) {
		u32 start, n;

		while (i < len && name[i] == '/')
			i++;
		for (start = i; i < len && name[i] != '/'; i++)
			if (name[i] == '\0')
				return false;
		n = i - start;
		if (n == 0 || (n == 1 && name[start] == '.'))
			continue;
		if (n == 2 && name[start] == '.' && name[start + 1] == '.')
			return false;
		if ((u64)o + 1 + n + 1 > outsize) /* "/", the component, NUL */
			return false;
		out[o++] = '/';
		memcpy(out + o, name + start, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return true;
}
