/*
 * tests/user/blk_test.c - the disks as user space sees them: /dev/vda,
 * /dev/vdb and /dev/vdc read, written, sought and asked for their size,
 * as dd and mkswap do.  Run as init by the harness with three fresh
 * disks (run.py's "disks" key): vda 256 MiB, vdb 1 MiB, vdc 64 KiB
 * read-only.  With --none, no disk is attached and there must be no
 * /dev/vda.  TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* Linux's block-device ioctls (<linux/fs.h>). */
#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260
#define BLKSSZGET 0x1268
#define BLKGETSIZE64 0x80081272

#define PAGE 4096
#define VDA_SIZE (256l << 20)
#define VDB_SIZE (1l << 20)
#define VDC_SIZE (64l << 10)
#define VIRTBLK_MAJOR 254

/* fill - a pattern that differs per disk (seed), page and byte. */
static void fill(unsigned char *buf, size_t len, unsigned seed, long off)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 131 + (off + (long)i) * 7 +
					 (off + (long)i) / PAGE);
}

/* holds - does the disk at off hold fill(seed, off) for len bytes? */
static int holds(int fd, long off, size_t len, unsigned seed)
{
	static unsigned char want[4 * PAGE], got[4 * PAGE];

	if (len > sizeof(want) || pread(fd, got, len, off) != (ssize_t)len)
		return 0;
	fill(want, len, seed, off);
	return memcmp(want, got, len) == 0;
}

static int put(int fd, long off, size_t len, unsigned seed)
{
	static unsigned char buf[4 * PAGE];

	fill(buf, len, seed, off);
	return pwrite(fd, buf, len, off) == (ssize_t)len;
}

static int open_disk(const char *path, int flags)
{
	int fd = open(path, flags);

	CHECK(fd >= 0, "open %s", path);
	return fd;
}

static void t_size(void)
{
	int fd = open_disk("/dev/vda", O_RDWR);
	unsigned long sectors = 0;
	uint64_t bytes = 0;
	int ssz = 0;
	struct stat st;

	CHECK(lseek(fd, 0, SEEK_END) == VDA_SIZE, "SEEK_END is the disk's size");
	CHECK(ioctl(fd, BLKGETSIZE64, &bytes) == 0 && bytes == VDA_SIZE,
	      "BLKGETSIZE64 %llu", (unsigned long long)bytes);
	CHECK(ioctl(fd, BLKGETSIZE, &sectors) == 0 && sectors == VDA_SIZE / 512,
	      "BLKGETSIZE %lu", sectors);
	CHECK(ioctl(fd, BLKSSZGET, &ssz) == 0 && ssz == 512, "BLKSSZGET %d", ssz);
	CHECK_ERR(ioctl(fd, BLKGETSIZE64, NULL), EFAULT);
	CHECK_ERR(ioctl(fd, 0x5401 /* TCGETS */, &bytes), ENOTTY);
	CHECK(fstat(fd, &st) == 0 && S_ISBLK(st.st_mode) && st.st_size == 0 &&
	      major(st.st_rdev) == VIRTBLK_MAJOR && minor(st.st_rdev) == 0,
	      "fstat: mode %o size %ld rdev %u:%u", st.st_mode, (long)st.st_size,
	      major(st.st_rdev), minor(st.st_rdev));
	CHECK(stat("/dev/vdb", &st) == 0 && S_ISBLK(st.st_mode) &&
	      minor(st.st_rdev) == 16, "vdb is 254:16");
	close(fd);
}

/* Whole pages at the start, in the middle and at the very end. */
static void t_pages(void)
{
	static const long pages[] = { 0, 1, 1000, 4097, VDA_SIZE / PAGE - 1 };
	int fd = open_disk("/dev/vda", O_RDWR);

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		CHECK(put(fd, pages[i] * PAGE, PAGE, 1), "write page %ld", pages[i]);
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		CHECK(holds(fd, pages[i] * PAGE, PAGE, 1), "page %ld reads back", pages[i]);
	/* with read() and write() at the file position too */
	CHECK(lseek(fd, 7 * PAGE, SEEK_SET) == 7 * PAGE, "lseek");
	CHECK(put(fd, 7 * PAGE, 3 * PAGE, 2), "three pages at once");
	CHECK(lseek(fd, 7 * PAGE, SEEK_SET) == 7 * PAGE, "lseek back");
	{
		static unsigned char buf[3 * PAGE], want[3 * PAGE];

		fill(want, sizeof(want), 2, 7 * PAGE);
		CHECK(read(fd, buf, sizeof(buf)) == sizeof(buf) &&
		      !memcmp(buf, want, sizeof(buf)), "read() at the position");
		CHECK(lseek(fd, 0, SEEK_CUR) == 10 * PAGE, "read advanced the position");
	}
	close(fd);
}

/* Pieces of sectors: the kernel reads, patches and writes whole ones. */
static void t_unaligned(void)
{
	int fd = open_disk("/dev/vda", O_RDWR);
	long base = 20 * PAGE;
	unsigned char b[3] = { 0 };

	CHECK(put(fd, base, 4 * PAGE, 3), "a known background");
	CHECK(put(fd, base + 510, 5, 4), "5 bytes across a sector boundary");
	CHECK(holds(fd, base, 510, 3) && holds(fd, base + 510, 5, 4) &&
	      holds(fd, base + 515, PAGE - 515, 3), "only those 5 changed");
	CHECK(put(fd, base + PAGE + 1234, 10000, 5), "10000 bytes at an odd offset");
	CHECK(holds(fd, base + PAGE, 1234, 3) && holds(fd, base + PAGE + 1234, 10000, 5) &&
	      holds(fd, base + PAGE + 11234, 3 * PAGE - 11234, 3),
	      "the bytes around it are untouched");
	CHECK(pread(fd, b, 3, base + PAGE + 1233) == 3, "3 bytes at an odd offset");
	{
		unsigned char want[3];

		fill(want, 1, 3, base + PAGE + 1233);
		fill(want + 1, 2, 5, base + PAGE + 1234);
		CHECK(!memcmp(b, want, 3), "one old byte, then two new ones");
	}
	close(fd);
}

/* At and past the end: reads stop, writes fail with ENOSPC (Linux). */
static void t_end(void)
{
	int fd = open_disk("/dev/vda", O_RDWR);
	static unsigned char buf[PAGE];

	CHECK(pread(fd, buf, PAGE, VDA_SIZE) == 0, "read at the end: 0");
	CHECK(pread(fd, buf, PAGE, VDA_SIZE + PAGE) == 0, "read past the end: 0");
	CHECK(pread(fd, buf, PAGE, VDA_SIZE - 100) == 100, "read across the end: short");
	CHECK_ERR(pwrite(fd, buf, PAGE, VDA_SIZE), ENOSPC);
	CHECK_ERR(pwrite(fd, buf, 1, VDA_SIZE + 12345), ENOSPC);
	CHECK(pwrite(fd, buf, 0, VDA_SIZE) == 0, "an empty write at the end: 0");
	CHECK(put(fd, VDA_SIZE - 10, 10, 6), "10 bytes up to the end");
	CHECK(holds(fd, VDA_SIZE - 10, 10, 6), "they read back");
	fill(buf, PAGE, 7, VDA_SIZE - 10);
	CHECK(pwrite(fd, buf, PAGE, VDA_SIZE - 10) == 10, "a write across the end: short");
	CHECK(holds(fd, VDA_SIZE - 10, 10, 7), "its first 10 bytes were written");
	CHECK(lseek(fd, 0, SEEK_END) == VDA_SIZE && read(fd, buf, PAGE) == 0,
	      "read() at SEEK_END: 0");
	CHECK_ERR(write(fd, buf, PAGE), ENOSPC);
	CHECK(lseek(fd, VDA_SIZE, SEEK_SET) == VDA_SIZE, "lseek to the end");
	CHECK_ERR(lseek(fd, VDA_SIZE + 1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, 1, SEEK_END), EINVAL);
	CHECK(lseek(fd, -PAGE, SEEK_END) == VDA_SIZE - PAGE, "lseek back from the end");
	close(fd);
}

static void t_bad_buffers(void)
{
	int fd = open_disk("/dev/vda", O_RDWR);

	CHECK_ERR(pread(fd, NULL, PAGE, 0), EFAULT);
	CHECK_ERR(pwrite(fd, NULL, PAGE, 0), EFAULT);
	CHECK_ERR(pread(fd, (void *)0xffffffff80100000ul, 512, 0), EFAULT);
	CHECK(holds(fd, 0, PAGE, 1), "a failed write left page 0 alone");
	close(fd);
}

/* The data is on the disk, not in the open file: another open, another
 * process, another name for the device all see it. */
static void t_persists(void)
{
	int fd = open_disk("/dev/vda", O_WRONLY);

	CHECK(put(fd, 300 * PAGE, 2 * PAGE, 8), "write");
	close(fd);
	fd = open_disk("/dev/vda", O_RDONLY);
	CHECK(holds(fd, 300 * PAGE, 2 * PAGE, 8), "read back after reopening");
	CHECK(holds(fd, 1000 * PAGE, PAGE, 1), "an earlier case's page is still there");
	CHECK_ERR(pwrite(fd, "x", 1, 0), EBADF);
	close(fd);
	unlink("/tmp/disk");
	CHECK(mknod("/tmp/disk", S_IFBLK | 0600, makedev(VIRTBLK_MAJOR, 0)) == 0,
	      "mknod a second node for vda");
	fd = open_disk("/tmp/disk", O_RDONLY);
	CHECK(holds(fd, 300 * PAGE, 2 * PAGE, 8), "the same data through it");
	close(fd);
	unlink("/tmp/disk");
	CHECK(mknod("/tmp/nodisk", S_IFBLK | 0600, makedev(VIRTBLK_MAJOR, 99)) == 0,
	      "mknod a node no disk answers");
	CHECK_ERR(open("/tmp/nodisk", O_RDONLY), ENXIO);
	unlink("/tmp/nodisk");
}

/* vda and vdb are two disks: writing one leaves the other alone. */
static void t_two_disks(void)
{
	int a = open_disk("/dev/vda", O_RDWR), b = open_disk("/dev/vdb", O_RDWR);
	uint64_t bytes = 0;

	CHECK(ioctl(b, BLKGETSIZE64, &bytes) == 0 && bytes == VDB_SIZE,
	      "vdb is 1 MiB: %llu", (unsigned long long)bytes);
	CHECK(lseek(b, 0, SEEK_END) == VDB_SIZE, "vdb's SEEK_END");
	CHECK(put(a, 2 * PAGE, PAGE, 10) && put(b, 2 * PAGE, PAGE, 11), "write both");
	CHECK(holds(a, 2 * PAGE, PAGE, 10), "vda kept its page");
	CHECK(holds(b, 2 * PAGE, PAGE, 11), "vdb kept its page");
	CHECK(put(b, VDB_SIZE - PAGE, PAGE, 12) && holds(b, VDB_SIZE - PAGE, PAGE, 12),
	      "vdb's last page");
	CHECK_ERR(pwrite(b, "x", 1, VDB_SIZE), ENOSPC);
	close(a);
	close(b);
}

/* A read-only disk (readonly=on): no opening for writing. */
static void t_read_only(void)
{
	int fd, ro = 0;
	char buf[512];

	CHECK_ERR(open("/dev/vdc", O_RDWR), EACCES);
	CHECK_ERR(open("/dev/vdc", O_WRONLY), EACCES);
	fd = open_disk("/dev/vdc", O_RDONLY);
	CHECK(ioctl(fd, BLKROGET, &ro) == 0 && ro == 1, "BLKROGET says read-only");
	CHECK(lseek(fd, 0, SEEK_END) == VDC_SIZE, "vdc's size");
	CHECK(pread(fd, buf, sizeof(buf), VDC_SIZE - 512) == 512, "it reads");
	close(fd);
}

/*
 * A task waiting for the disk sleeps, and the CPU runs others meanwhile.
 * The parent reads 4 MiB of vda in one read() (1024 requests: the kernel
 * goes through a 4 KiB bounce page); its child, on the one CPU, watches it.
 * A kernel that waited by halting with the caller still current (as vmos
 * did) never lets the child run inside that read(): it could never see the
 * parent in state D, nor procs_blocked above 0 in /proc/stat, nor the
 * parent's wchan in the driver.
 */
struct watch {
	volatile int stop, started;
	volatile long looks, in_d, blocked, wchan_seen;
	char wchan[64];
};

static void watcher(struct watch *w, pid_t parent)
{
	char wpath[64], buf[64];

	snprintf(wpath, sizeof(wpath), "/proc/%d/wchan", parent);
	w->started = 1;
	while (!w->stop) {
		w->looks++;
		if (proc_state(parent) != 'D')
			continue;
		w->in_d++;
		if (text_field(slurp("/proc/stat"), "procs_blocked") > 0)
			w->blocked++;
		if (!w->wchan_seen && read_text(wpath, buf, sizeof(buf)) > 0 &&
		    strcmp(buf, "0")) { /* 0: it ran again meanwhile */
			snprintf(w->wchan, sizeof(w->wchan), "%s", buf);
			w->wchan_seen = 1;
		}
	}
}

static void t_others_run_during_io(void)
{
	struct watch *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	size_t len = 4 << 20;
	char *buf = malloc(len);
	int fd = open_disk("/dev/vda", O_RDONLY), status;
	long looks_before;
	pid_t child;

	CHECK(w != MAP_FAILED && buf, "memory");
	child = fork();
	if (child == 0) {
		watcher(w, getppid());
		_exit(0);
	}
	while (!w->started)
		sched_yield();
	looks_before = w->looks;
	CHECK(pread(fd, buf, len, 0) == (ssize_t)len, "one read of 4 MiB");
	w->stop = 1;
	waitpid(child, &status, 0);
	printf("# the watcher looked %ld times during the read(): the parent was in "
	     "state D %ld times, procs_blocked > 0 %ld times, wchan '%s'\n",
	     w->looks - looks_before, w->in_d, w->blocked, w->wchan);
	CHECK(w->in_d > 0, "the child ran while the parent slept in D");
	CHECK(w->blocked > 0, "/proc/stat counted it in procs_blocked");
	CHECK(w->wchan_seen && strstr(w->wchan, "virtio_blk"), "its wchan is in the driver: %s",
	      w->wchan);
	free(buf);
	close(fd);
	munmap(w, PAGE);
}

/*
 * Two processes write single bytes into the same sector of vdb at once,
 * one the even bytes, the other the odd ones: each write() reads the
 * sector, changes a byte and writes it back, sleeping for the disk twice.
 * The disk's write_lock keeps the other's write out of that window;
 * without it one writer's sector overwrites the other's bytes.
 */
static void t_partial_writes_interleave(void)
{
	const off_t base = 100 * 512;
	unsigned char got[512], zero[512] = { 0 };
	int fd = open_disk("/dev/vdb", O_RDWR), status, ok = 1, wrong = 0;
	pid_t kids[2];

	CHECK(pwrite(fd, zero, sizeof(zero), base) == sizeof(zero), "clear the sector");
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			int f = open("/dev/vdb", O_RDWR);

			for (int i = 0; i < 256; i++) {
				unsigned char b = (unsigned char)(i ^ (k ? 0xa5 : 0x5a));

				if (pwrite(f, &b, 1, base + 2 * i + k) != 1)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++) {
		waitpid(kids[k], &status, 0);
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	CHECK(ok, "both writers finished");
	CHECK(pread(fd, got, sizeof(got), base) == sizeof(got), "read the sector");
	for (int i = 0; i < 512; i++)
		wrong += got[i] != (unsigned char)((i / 2) ^ (i % 2 ? 0xa5 : 0x5a));
	CHECK(wrong == 0, "%d of the 512 bytes lost to the other writer", wrong);
	close(fd);
}

static void run_all(void)
{
	RUN(t_size);
	RUN(t_pages);
	RUN(t_unaligned);
	RUN(t_end);
	RUN(t_bad_buffers);
	RUN(t_persists);
	RUN(t_two_disks);
	RUN(t_read_only);
	RUN(t_others_run_during_io);
	RUN(t_partial_writes_interleave);
}

/* With no disk attached: no node, and nothing else changes. */
static void t_no_disk(void)
{
	CHECK_ERR(open("/dev/vda", O_RDONLY), ENOENT);
	CHECK_ERR(open("/dev/vdb", O_RDONLY), ENOENT);
	CHECK(access("/dev/null", F_OK) == 0, "the other nodes are there");
}

int main(int argc, char **argv)
{
	printf("TAP version 13\n");
	if (argc > 1 && !strcmp(argv[1], "--none"))
		RUN(t_no_disk);
	else
		leak_checked_twice(run_all, NULL);
	return tap_done();
}
