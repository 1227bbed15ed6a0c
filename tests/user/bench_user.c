/*
 * tests/user/bench_user.c - the user-level half of `make bench` (issue 17,
 * section 3): workloads a user would run, timed whole; the same static
 * binary is /init on vmos and on Linux (tools/bench.py, bench-all.cpio).
 * It first runs /tests/vmbench (the microbenchmarks, their own lines), then:
 *
 *   sh-loop       us: busybox sh runs
 *                 for i in $(seq 500); do echo $i | wc -c > /dev/null; done
 *   pipeline      us: seq 100000 | sort | uniq -c | wc, through busybox sh
 *   malloc-256M   us: /tests/bench_malloc: 256 MiB malloc'd in 64 KiB-4 MiB
 *                 pieces, each page written, freed, twice
 *   rep-stosq-4k  ns: clearing 4 KiB with rep stosq, and copying 4 KiB
 *   rep-movsq-4k  with rep movsq (under -icount: instructions as QEMU
 *                 counts them), the floors of the demand-zero and COW faults
 *
 * With -s MiB (a boot of its own, at -m 128M with a disk): /dev/vda is made
 * swap space (busybox mkswap, swapon; Linux first loads its virtio modules
 * from /lib/modules and mounts devtmpfs), and a child writes MiB MiB of
 * anonymous memory, then reads it back:
 *
 *   swap-write    MiB/s: the write pass (faults in, pushes the rest out)
 *   swap-read     MiB/s: the read pass (major faults: swap-in)
 *   swap-majflt   major faults per second of the read pass
 *
 * Each is the median of REPS runs (3).  -q, for make test's smoke run: one
 * run each of small versions (20 loops, 2,000 lines, 16 MiB), vmbench -q.
 * Output:
 * "benchuser: start", on Linux "vulnerability: NAME: STATE" lines (from
 * sysfs), vmbench's lines, one "NAME VALUE UNIT" line each,
 * "benchuser: done"; as PID 1 it powers the machine off at the end.
 *
 * usage: bench_user [-q] [-n] [-1] [-s MiB]    -n: without vmbench; -1: one run of
 *                                     each workload (under -icount the
 *                                     count is the same every time)
 */
#define _GNU_SOURCE
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_REPS 3

static int reps = MAX_REPS;

/* run - fork, execv ARGV, wait; 0 if it exited 0, else -1. */
static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* timed - print NAME and the median time of REPS runs of ARGV in us;
 * exits if a run fails (a benchmark that did not finish measures
 * nothing). */
static void timed(const char *name, char *const argv[])
{
	long v[MAX_REPS];

	for (int i = 0; i < reps; i++) {
		long t = now_ns();

		if (run(argv) != 0) {
			printf("bench_user: %s failed\n", name);
			exit(1);
		}
		v[i] = (now_ns() - t) / 1000;
	}
	printf("%-16s %ld us\n", name, median(v, reps));
	fflush(stdout);
}

static unsigned long buf_a[512], buf_b[512];

static void rep_stosq(void *dst)
{
	unsigned long n = 512, d = (unsigned long)dst;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(n) : "a"(0ul) : "memory");
}

static void rep_movsq(void *dst, const void *src)
{
	unsigned long n = 512, d = (unsigned long)dst, s = (unsigned long)src;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

/* floor_ns - what one 4 KiB rep stosq (copy: rep movsq) costs, less the
 * loop around it: the part of a fault no kernel can avoid. */
static void floor_ns(const char *name, int copy)
{
	enum { N = 2000 };
	long v[MAX_REPS];

	for (int r = 0; r < reps; r++) {
		long t0 = now_ns();

		for (int i = 0; i < N; i++)
			__asm__ volatile("" : : "r"(i) : "memory");
		long t1 = now_ns();

		for (int i = 0; i < N; i++) {
			if (copy)
				rep_movsq(buf_a, buf_b);
			else
				rep_stosq(buf_a);
			__asm__ volatile("" : : "r"(i) : "memory");
		}
		long t2 = now_ns();

		v[r] = ((t2 - t1) - (t1 - t0)) / N;
	}
	printf("%-16s %ld ns\n", name, median(v, reps));
	fflush(stdout);
}

/* vulnerabilities - on Linux, what its CPU checks found (sysfs): whether
 * mitigations=off can change anything on this CPU model. */
static void vulnerabilities(void)
{
	static const char dir[] = "/sys/devices/system/cpu/vulnerabilities";
	struct utsname u;
	struct dirent *d;
	DIR *dp;

	if (uname(&u) || strcmp(u.sysname, "Linux"))
		return;
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		char path[512], line[256] = "";
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f))
			line[strcspn(line, "\n")] = 0;
		fclose(f);
		printf("vulnerability: %s: %s\n", d->d_name, line);
	}
	closedir(dp);
	fflush(stdout);
}

/* Linux's virtio modules (Debian builds them as modules), in an order
 * that satisfies their dependencies; vmos has its driver built in. */
static const char *const modules[] = {
	"virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev",
	"virtio_pci", "virtio_blk",
};

/* swap_device - make /dev/vda swap space; 0, or -1 with a message. */
static int swap_device(void)
{
	char *mkswap[] = { "/bin/mkswap", "/dev/vda", NULL };

	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), "/lib/modules/%s.ko", modules[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST &&
		    errno != ENOSYS) /* vmos: no modules */
			printf("bench_user: loading %s: %s\n", path, strerror(errno));
		close(fd);
	}
	if (access("/dev/vda", F_OK))
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	for (int i = 0; i < 100 && access("/dev/vda", F_OK); i++)
		usleep(20000); /* devtmpfs makes the node a little later */
	if (run(mkswap) != 0) {
		printf("bench_user: mkswap /dev/vda failed\n");
		return -1;
	}
	if (swapon("/dev/vda", 0) != 0) {
		printf("bench_user: swapon /dev/vda: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* majflt - this process's major faults so far. */
static long majflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

/* swap_pass - in a child: write MIB MiB of fresh anonymous memory, then
 * read it back; the three rates through a pipe (so that the parent's
 * memory stays small and the child's goes away at once). */
static int swap_pass(long mib, long rate[3])
{
	int fd[2];
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		size_t len = (size_t)mib << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		long out[3] = { -1, -1, -1 };

		if (p != MAP_FAILED) {
			long t0 = now_ns(), f, t1, t2, bad = 0;

			for (size_t i = 0; i < len; i += 4096)
				p[i] = (char)(i >> 12);
			t1 = now_ns();
			f = majflt();
			for (size_t i = 0; i < len; i += 4096)
				bad |= p[i] != (char)(i >> 12);
			t2 = now_ns();
			f = majflt() - f;
			if (!bad) {
				out[0] = mib * 1000000000l / (t1 - t0);
				out[1] = mib * 1000000000l / (t2 - t1);
				out[2] = f * 1000000000l / (t2 - t1);
			}
		}
		_exit(write(fd[1], out, sizeof(out)) == sizeof(out) ? 0 : 1);
	}
	close(fd[1]);
	ssize_t n = read(fd[0], rate, 3 * sizeof(long));
	close(fd[0]);
	waitpid(pid, NULL, 0);
	return n == 3 * sizeof(long) && rate[0] >= 0 ? 0 : -1;
}

/* swap_bench - the three swap figures, each the median of REPS passes. */
static int swap_bench(long mib)
{
	long v[3][MAX_REPS], rate[3];

	if (swap_device())
		return 1;
	for (int i = 0; i < reps; i++) {
		if (swap_pass(mib, rate)) {
			printf("bench_user: swap pass of %ld MiB failed\n", mib);
			return 1;
		}
		for (int k = 0; k < 3; k++)
			v[k][i] = rate[k];
	}
	printf("%-16s %ld MiB/s\n", "swap-write", median(v[0], reps));
	printf("%-16s %ld MiB/s\n", "swap-read", median(v[1], reps));
	printf("%-16s %ld faults/s\n", "swap-majflt", median(v[2], reps));
	return 0;
}

int main(int argc, char **argv)
{
	char *sh_loop[] = { "/bin/sh", "-c",
		"for i in $(seq 500); do echo $i | wc -c > /dev/null; done", NULL };
	char *pipeline[] = { "/bin/sh", "-c",
		"seq 100000 | sort | uniq -c | wc > /dev/null", NULL };
	char *hog[] = { "/tests/bench_malloc", "256", "2", NULL };
	char *quick_loop[] = { "/bin/sh", "-c",
		"for i in $(seq 20); do echo $i | wc -c > /dev/null; done", NULL };
	char *quick_pipe[] = { "/bin/sh", "-c",
		"seq 2000 | sort | uniq -c | wc > /dev/null", NULL };
	char *quick_hog[] = { "/tests/bench_malloc", "16", "2", NULL };
	char *vmbench[] = { "/tests/vmbench", NULL, NULL };
	int micro = 1;
	long swap_mib = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q")) {
			reps = 1;
			vmbench[1] = "-q";
			memcpy(sh_loop, quick_loop, sizeof(sh_loop));
			memcpy(pipeline, quick_pipe, sizeof(pipeline));
			memcpy(hog, quick_hog, sizeof(hog));
		} else if (!strcmp(argv[i], "-n")) {
			micro = 0;
		} else if (!strcmp(argv[i], "-1")) {
			reps = 1;
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
			swap_mib = atol(argv[++i]);
		}
	}
	setenv("PATH", "/bin:/usr/bin:/sbin:/usr/sbin", 1); /* init has none */
	printf("benchuser: start\n");
	fflush(stdout);
	vulnerabilities();
	if (swap_mib) {
		int err = swap_bench(swap_mib);

		printf("benchuser: done\n");
		fflush(stdout);
		if (getpid() == 1)
			reboot(RB_POWER_OFF);
		return err;
	}
	if (micro && run(vmbench) != 0) {
		printf("bench_user: vmbench failed\n");
		return 1;
	}
	floor_ns("rep-stosq-4k", 0);
	floor_ns("rep-movsq-4k", 1);
	timed("sh-loop", sh_loop);
	timed("pipeline", pipeline);
	timed("malloc-256M", hog);
	printf("benchuser: done\n");
	fflush(stdout);
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
