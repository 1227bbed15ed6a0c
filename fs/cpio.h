/*
 * fs/cpio.h - reading the initrd: a cpio archive in the "newc"
 * format, as made by `find . | cpio -o -H newc` (or -H crc).
 *
 * An archive is a list of entries, each a 110-byte text header, the
 * path name, then the file's bytes; the list ends with an entry named
 * "TRAILER!!!".  Every number in a header is 8 hex digits:
 *
 *   offset  field        offset  field          offset  field
 *        0  c_magic [6]      38  c_nlink            78  c_rdevmajor
 *        6  c_ino            46  c_mtime            86  c_rdevminor
 *       14  c_mode           54  c_filesize         94  c_namesize
 *       22  c_uid            62  c_devmajor        102  c_check
 *       30  c_gid            70  c_devminor        110  the name
 *
 * c_magic is "070701", or "070702" when c_check holds the sum of the bytes
 * of a regular file (-H crc; GNU cpio and Linux leave it 0 for the other
 * types, so only a regular file's sum is checked).  c_namesize counts the
 * name's NUL.  The header and name together, and the file data, are each
 * padded with NULs to a multiple of 4 bytes, so every header starts 4-byte
 * aligned.  A directory or a device has no data; a symbolic link's data is
 * its target (no NUL).  Hard links share c_ino, and only the last of them
 * carries the data.
 *
 * One module holds one archive: the bytes after TRAILER!!! (GNU cpio pads
 * the archive to 512 bytes) are not looked at, so a second archive
 * appended to the first would be ignored.  Pure code: unit-tested and
 * fuzzed on the host.
 */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include <vmos/types.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_ALIGN 4
#define CPIO_MAGIC_NEWC "070701"
#define CPIO_MAGIC_CRC "070702"
#define CPIO_TRAILER "TRAILER!!!"

/* One archive entry; name and data point into the archive. */
struct cpio_entry {
	const char *name; /* NUL-terminated, as stored ("./bin/sh", "bin") */
	u32 namelen;      /* without the NUL */
	u32 mode;         /* file type and permissions, as st_mode */
	u32 uid, gid, nlink;
	u64 mtime;
	u32 devmajor, devminor;   /* the device the file was on */
	u32 rdevmajor, rdevminor; /* for a device file: the device it is */
	u32 ino;
	const void *data;
	u64 size;
};

/*
 * cpio_next - read the entry at *offset of the size-byte archive.
 * Returns 1 with *e filled and *offset moved to the next entry; 0 at the
 * TRAILER!!! entry (the end: *e is left alone, *offset moved past it);
 * -EINVAL if the entry is malformed, with *offset unchanged (pointing at
 * the bad header) and *error saying what is wrong, for example "bad magic
 * ..." or "the file data runs past the end of the archive": the caller
 * prints both.  The padding after the name of TRAILER!!! may be missing if
 * the archive ends there; every other padding must be present and NULs.
 * Start with *offset = 0; a header must be 4-byte aligned.
 */
int cpio_next(const void *archive, u64 size, u64 *offset,
	      struct cpio_entry *e, const char **error);

/*
 * cpio_path_normalize - the absolute path of an archive name: "./bin/sh"
 * and "bin//sh" give "/bin/sh"; ".", "" and "./" give "/".  "." components
 * and repeated slashes are dropped.  Writes the NUL-terminated path to out
 * (outsize bytes) and returns true; returns false if the name has a ".."
 * component or a NUL in its len bytes, or the path does not fit.
 */
bool cpio_path_normalize(const char *name, u32 len, char *out, u32 outsize);

#endif
