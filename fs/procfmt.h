/*
 * fs/procfmt.h - the text of /proc's memory files, byte for byte as
 * Linux writes it, from plain numbers (no kernel state: unit-tested on the
 * host against lines captured from Linux, tests/unit/test_procfmt.c).
 *
 *   procfmt_maps_line    one line of /proc/PID/maps
 *   procfmt_smaps        one region's block of /proc/PID/smaps
 *   procfmt_smaps_rollup /proc/PID/smaps_rollup
 *   procfmt_status_mem   the Vm and Rss lines of /proc/PID/status
 *   procfmt_statm        /proc/PID/statm
 *
 * Text goes into a struct pbuf, which counts what did not fit so that the
 * caller can try again with a buffer of the right size.
 */
#ifndef FS_PROCFMT_H
#define FS_PROCFMT_H

#include <vmos/types.h>
#include "mm/stats.h"

struct pbuf {
	char *buf;
	size_t size, len; /* len may pass size: then the text did not fit */
};

/* pbuf_printf - append formatted text (counted even where it does not fit). */
__printf(2, 3) void pbuf_printf(struct pbuf *b, const char *fmt, ...);
/* pbuf_reserve - room for n raw bytes at the end, or NULL if they do not
 * fit (the length still counts them, so the next try is big enough). */
char *pbuf_reserve(struct pbuf *b, size_t n);

/* What the header line of a region shows (the same in maps and smaps). */
struct maps_entry {
	u64 start, end;       /* the region's bytes [start, end) */
	u64 vm_flags;         /* VM_READ, VM_WRITE, VM_EXEC, VM_SHARED... */
	u64 offset;           /* file offset in bytes (0 if anonymous) */
	u32 major, minor;     /* the file's device (0:0 if anonymous) */
	u64 ino;              /* the file's inode number (0 if anonymous) */
	const char *name;     /* path, [heap], [stack], or "" */
};

/*
 * procfmt_maps_line - "start-end perms offset maj:min inode", hex numbers
 * lowercase and at least 8 digits, perms "rwxp" with 's' for shared; with
 * a name, spaces up to column 73 (at least one) and the name; without one,
 * the inode's trailing space stays.  Then a newline.
 */
void procfmt_maps_line(struct pbuf *b, const struct maps_entry *e);

/* procfmt_vm_flags - "VmFlags: rd wr ... \n": each flag's two letters
 * and a space, in bit order (vma_flag_names, mm/vma.h). */
void procfmt_vm_flags(struct pbuf *b, u64 vm_flags);

/* procfmt_smaps - the header line, then Size .. Locked, THPeligible and
 * VmFlags of one region; "Label:" padded to 16, values in 8 columns. */
void procfmt_smaps(struct pbuf *b, const struct maps_entry *e,
		   const struct mem_size_stats *mss);

/* procfmt_smaps_rollup - "start-end ---p 00000000 00:00 0 ... [rollup]"
 * over [start, end) (first region's start, last one's end), then the sums
 * with Pss split into Pss_Anon, Pss_File and Pss_Shmem. */
void procfmt_smaps_rollup(struct pbuf *b, u64 start, u64 end,
			  const struct mem_size_stats *mss);

/* procfmt_status_mem - VmPeak .. VmSwap and HugetlbPages, each
 * "Name:\t%8lu kB". */
void procfmt_status_mem(struct pbuf *b, const struct task_mem *tm);

/* procfmt_statm - "size resident shared text lib data dirty" in pages:
 * shared = file + shmem pages, text = the code span, lib and dirty 0,
 * data = VmData + VmStk. */
void procfmt_statm(struct pbuf *b, const struct task_mem *tm);

#endif
