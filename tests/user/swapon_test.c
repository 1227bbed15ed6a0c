/*
 * tests/user/swapon_test.c - swap areas as user space sees them:
 * swapon(2) and swapoff(2) on disks prepared by busybox's mkswap or by
 * hand, every error Linux gives, /proc/swaps byte for byte, SwapTotal and
 * SwapFree in /proc/meminfo and sysinfo's totalswap and freeswap.  Run as
 * init by the harness (run.py's user-swapon) with four fresh disks: vda
 * 256 MiB and vdd 256 MiB (mkswap'ed here), vdb 1 MiB (zeros, never
 * prepared), vdc 1 MiB (headers written here).  Everything runs twice,
 * the second time between two readings of /proc/kmem: swapon and swapoff
 * must give back all they take.  TAP on the console.
 */
#define _GNU_SOURCE
#include "tap.h"
#include <stdint.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/sysinfo.h>

#define PAGE 4096
#define SWAP_FLAG_PREFER 0x8000
#define VDA_KB 262140 /* 65536 pages, less the header */
#define VDC_PAGES 256 /* 1 MiB */
#define HEADER "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
#define SWAPFILE "/tmp/swapfile"

/* Linux's union swap_header, the fields mkswap fills. */
struct swap_header_v1 {
	char bootbits[1024];
	uint32_t version, last_page, nr_badpages;
	unsigned char uuid[16];
	char volume[16];
	uint32_t padding[117];
	uint32_t badpages[1];
};

/* swaps_line - a line of /proc/swaps as Linux prints it (two buffers
 * taking turns: one call may be given two lines). */
static const char *swaps_line(const char *path, long kb, long used, int prio)
{
	static char lines[2][200];
	static int turn;
	char *line = lines[turn ^= 1];

	snprintf(line, sizeof(lines[0]), "%-40s%s\t%ld\t\t%ld\t\t%d\n", path,
		 "partition", kb, used, prio);
	return line;
}

/* swaps_is - /proc/swaps must be the header and then lines (NULL: none). */
static void swaps_is(const char *line1, const char *line2)
{
	char want[600];

	snprintf(want, sizeof(want), "%s%s%s", HEADER, line1 ? line1 : "",
		 line2 ? line2 : "");
	const char *got = slurp("/proc/swaps");
	CHECK(!strcmp(got, want), "/proc/swaps is\n%s\nnot\n%s", got, want);
}

/* swap_totals_are - meminfo and sysinfo agree on the totals (in kB). */
static void swap_totals_are(long total_kb, long free_kb)
{
	struct sysinfo si;

	CHECK(meminfo_kb("SwapTotal:") == total_kb, "SwapTotal %ld kB, not %ld",
	      meminfo_kb("SwapTotal:"), total_kb);
	CHECK(meminfo_kb("SwapFree:") == free_kb, "SwapFree %ld kB, not %ld",
	      meminfo_kb("SwapFree:"), free_kb);
	CHECK(sysinfo(&si) == 0, "sysinfo");
	CHECK((long)(si.totalswap * si.mem_unit / 1024) == total_kb &&
	      (long)(si.freeswap * si.mem_unit / 1024) == free_kb,
	      "sysinfo: totalswap %lu, freeswap %lu, unit %u", si.totalswap,
	      si.freeswap, si.mem_unit);
}


/* write_header - a hand-made header on /dev/vdc. */
static void write_header(const char *magic, uint32_t version,
			 uint32_t last_page, const uint32_t *bad, uint32_t nr_bad)
{
	static char page[PAGE];
	struct swap_header_v1 *h = (void *)page;
	int fd = open("/dev/vdc", O_RDWR);

	memset(page, 0, sizeof(page));
	h->version = version;
	h->last_page = last_page;
	h->nr_badpages = nr_bad;
	memcpy(&h->badpages[0], bad, nr_bad * sizeof(*bad));
	memcpy(page + PAGE - 10, magic, 10);
	CHECK(fd >= 0 && pwrite(fd, page, PAGE, 0) == PAGE, "write vdc's header");
	close(fd);
}

/* ---- the cases ---- */

static void t_swapon_and_swapoff(void)
{
	CHECK(swapon("/dev/vda", 0) == 0, "swapon /dev/vda");
	swaps_is(swaps_line("/dev/vda", VDA_KB, 0, -2), NULL);
	swap_totals_are(VDA_KB, VDA_KB);
	CHECK_ERR(swapon("/dev/vda", 0), EBUSY);
	CHECK(chdir("/dev") == 0, "chdir /dev");
	CHECK_ERR(swapon("vda", 0), EBUSY); /* the same disk by another name */
	CHECK(swapoff("vda") == 0, "swapoff by a relative name");
	swaps_is(NULL, NULL);
	swap_totals_are(0, 0);
	CHECK_ERR(swapoff("/dev/vda"), EINVAL);
	/* the name /proc/swaps shows is absolute */
	CHECK(swapon("./vda", 0) == 0, "swapon ./vda");
	swaps_is(swaps_line("/dev/vda", VDA_KB, 0, -2), NULL);
	CHECK(swapoff("/dev/vda") == 0, "swapoff /dev/vda");
}

static void t_errors(void)
{
	static char longname[5000];
	int fd = open(SWAPFILE, O_RDWR | O_CREAT | O_TRUNC, 0600);

	/* a regular file, even with a good header: not on this file system */
	CHECK(fd >= 0 && ftruncate(fd, 1 << 20) == 0, "make " SWAPFILE);
	close(fd);
	CHECK(run_quiet("/bin/mkswap", SWAPFILE) == 0, "mkswap " SWAPFILE);
	CHECK_ERR(swapon(SWAPFILE, 0), EINVAL);
	CHECK_ERR(swapoff(SWAPFILE), EINVAL);
	unlink(SWAPFILE);
	CHECK_ERR(swapon("/dev/vdb", 0), EINVAL);      /* no signature */
	CHECK_ERR(swapon("/dev/null", 0), EINVAL);     /* not a disk */
	CHECK_ERR(swapon("/tmp", 0), EISDIR);          /* opened for writing */
	CHECK_ERR(swapon("/no/such/disk", 0), ENOENT);
	CHECK_ERR(swapon("", 0), ENOENT);
	CHECK_ERR(swapon("/dev/vda/x", 0), ENOTDIR);
	CHECK_ERR(swapon((const char *)1, 0), EFAULT);
	CHECK_ERR(swapon((const char *)0xffff800000000000ul, 0), EFAULT);
	memset(longname, 'a', sizeof(longname) - 1);
	CHECK_ERR(swapon(longname, 0), ENAMETOOLONG);
	CHECK_ERR(swapon("/dev/vda", 0x100000), EINVAL); /* unknown flag */
	CHECK_ERR(swapoff("/dev/vdb"), EINVAL);
	CHECK_ERR(swapoff("/no/such/disk"), ENOENT);
	CHECK_ERR(swapoff((const char *)1), EFAULT);
	swaps_is(NULL, NULL);
	swap_totals_are(0, 0);
}

static void t_not_root(void)
{
	CHECK(swapon("/dev/vda", 0) == 0, "swapon as root");
	CHECK(setuid(1000) == 0, "setuid 1000");
	CHECK_ERR(swapon("/dev/vdd", 0), EPERM);
	CHECK_ERR(swapon((const char *)1, 0), EPERM); /* before the path */
	CHECK_ERR(swapoff("/dev/vda"), EPERM);
	swaps_is(swaps_line("/dev/vda", VDA_KB, 0, -2), NULL);
}

/* t_not_root's child left vda on (it could not turn it off). */
static void t_off_after_not_root(void)
{
	CHECK(swapoff("/dev/vda") == 0, "swapoff /dev/vda");
}

static void t_bad_pages(void)
{
	const uint32_t bad[] = { 10, 255 }, zero[] = { 0 }, beyond[] = { 256 };

	write_header("SWAPSPACE2", 1, VDC_PAGES - 1, bad, 2);
	CHECK(swapon("/dev/vdc", 0) == 0, "swapon /dev/vdc, two bad pages");
	swaps_is(swaps_line("/dev/vdc", (VDC_PAGES - 3) * 4, 0, -2), NULL);
	swap_totals_are((VDC_PAGES - 3) * 4, (VDC_PAGES - 3) * 4);
	CHECK(swapoff("/dev/vdc") == 0, "swapoff /dev/vdc");
	/* a header shorter than the disk: only its pages */
	write_header("SWAPSPACE2", 1, 99, NULL, 0);
	CHECK(swapon("/dev/vdc", 0) == 0, "swapon /dev/vdc, 100 pages");
	swaps_is(swaps_line("/dev/vdc", 99 * 4, 0, -2), NULL);
	CHECK(swapoff("/dev/vdc") == 0, "swapoff /dev/vdc");
	write_header("SWAPSPACE2", 1, VDC_PAGES, NULL, 0);
	CHECK_ERR(swapon("/dev/vdc", 0), EINVAL); /* longer than the disk */
	write_header("SWAPSPACE2", 1, 0, NULL, 0);
	CHECK_ERR(swapon("/dev/vdc", 0), EINVAL); /* empty */
	write_header("SWAPSPACE2", 1, VDC_PAGES - 1, zero, 1);
	CHECK_ERR(swapon("/dev/vdc", 0), EINVAL);
	write_header("SWAPSPACE2", 1, VDC_PAGES - 1, beyond, 1);
	CHECK_ERR(swapon("/dev/vdc", 0), EINVAL);
	write_header("SWAPSPACE2", 2, VDC_PAGES - 1, NULL, 0);
	CHECK_ERR(swapon("/dev/vdc", 0), EINVAL);
	write_header("SWAP-SPACE", 1, VDC_PAGES - 1, NULL, 0);
	CHECK_ERR(swapon("/dev/vdc", 0), EINVAL);
	swaps_is(NULL, NULL);
}

static void t_two_areas(void)
{
	CHECK(swapon("/dev/vda", 0) == 0, "swapon /dev/vda");
	CHECK(swapon("/dev/vdd", 0) == 0, "swapon /dev/vdd");
	swaps_is(swaps_line("/dev/vda", VDA_KB, 0, -2),
		 swaps_line("/dev/vdd", VDA_KB, 0, -3));
	swap_totals_are(2 * VDA_KB, 2 * VDA_KB);
	/* the one after moves up, as on Linux */
	CHECK(swapoff("/dev/vda") == 0, "swapoff /dev/vda");
	swaps_is(swaps_line("/dev/vdd", VDA_KB, 0, -2), NULL);
	CHECK(swapon("/dev/vda", 0) == 0, "swapon /dev/vda again");
	swaps_is(swaps_line("/dev/vda", VDA_KB, 0, -3),
		 swaps_line("/dev/vdd", VDA_KB, 0, -2));
	CHECK(swapoff("/dev/vdd") == 0 && swapoff("/dev/vda") == 0, "swapoff both");
	swap_totals_are(0, 0);
}

static void t_priority_flag(void)
{
	CHECK(swapon("/dev/vda", SWAP_FLAG_PREFER | 5) == 0, "swapon -p 5");
	CHECK(swapon("/dev/vdd", 0) == 0, "swapon /dev/vdd");
	swaps_is(swaps_line("/dev/vda", VDA_KB, 0, 5),
		 swaps_line("/dev/vdd", VDA_KB, 0, -2));
	CHECK(swapoff("/dev/vda") == 0 && swapoff("/dev/vdd") == 0, "swapoff both");
	CHECK(swapon("/dev/vda", SWAP_FLAG_PREFER | 32767) == 0, "swapon -p 32767");
	swaps_is(swaps_line("/dev/vda", VDA_KB, 0, 32767), NULL);
	CHECK(swapoff("/dev/vda") == 0, "swapoff /dev/vda");
}

static void all(void)
{
	RUN(t_swapon_and_swapoff);
	RUN(t_errors);
	RUN(t_not_root);
	RUN(t_off_after_not_root);
	RUN(t_bad_pages);
	RUN(t_two_areas);
	RUN(t_priority_flag);
}

int main(void)
{
	mkdir("/tmp", 01777);
	tap_result(run_quiet("/bin/mkswap", "/dev/vda") == 0 &&
			   run_quiet("/bin/mkswap", "/dev/vdd") == 0,
		   "mkswap /dev/vda /dev/vdd", NULL);
	leak_checked_twice(all, NULL);
	return tap_done();
}
