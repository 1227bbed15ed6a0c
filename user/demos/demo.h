/*
 * user/demos/demo.h - small helpers the textbook demos share: reading a
 * line of /proc/self/status, the /proc/self/maps line around an address,
 * and the /proc/self/pagemap word of a page.  Header-only, so each demo
 * stays one program built from one .c file.
 */
#ifndef USER_DEMOS_DEMO_H
#define USER_DEMOS_DEMO_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SIZE_4K 4096UL

/* pagemap word bits (Linux's Documentation/admin-guide/mm/pagemap.rst) */
#define PM_PRESENT   (1ULL << 63)
#define PM_SWAPPED   (1ULL << 62)
#define PM_FILE      (1ULL << 61)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN_MASK  ((1ULL << 55) - 1)

/*
 * status_kb - the value of line "NAME:" of /proc/PID/status (pid 0:
 * self) in kB, or -1 when the file or the line is missing.
 */
static inline long status_kb(int pid, const char *name)
{
	char path[64], line[256];
	size_t n = strlen(name);
	long value = -1;
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':') {
			value = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return value;
}

/*
 * maps_line - copy into buf the /proc/self/maps line of the region that
 * holds addr (without its newline); returns 0, or -1 if none does.
 */
static inline int maps_line(const void *addr, char *buf, size_t size)
{
	uintptr_t a = (uintptr_t)addr;
	unsigned long start, end;
	char line[512];
	int found = -1;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		if (a >= start && a < end) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, size, "%s", line);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/*
 * pagemap_word - the 64-bit /proc/PID/pagemap word of the page holding
 * addr (pid 0: self), or 0 when it cannot be read.  Bit 63: present;
 * bits 0-54: the frame number (Linux shows it only to CAP_SYS_ADMIN).
 */
static inline uint64_t pagemap_word(int pid, const void *addr)
{
	char path[64];
	uint64_t word = 0;
	off_t off = (off_t)((uintptr_t)addr / PAGE_SIZE_4K) * 8;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	if (pread(fd, &word, sizeof(word), off) != (ssize_t)sizeof(word))
		word = 0;
	close(fd);
	return word;
}

/* pfn_of - the frame number of a present page, 0 if absent or hidden. */
static inline uint64_t pfn_of(int pid, const void *addr)
{
	uint64_t w = pagemap_word(pid, addr);

	return (w & PM_PRESENT) ? (w & PM_PFN_MASK) : 0;
}

/*
 * run_vmmap - draw this process with `vmmap --no-color PID` (found on
 * PATH), in a child, and wait for it; returns its wait status.
 */
static inline int run_vmmap(void)
{
	char pid[16];
	pid_t child;
	int status = -1;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	fflush(stdout);
	child = fork();
	if (child == 0) {
		execlp("vmmap", "vmmap", "--no-color", pid, (char *)NULL);
		perror("vmmap");
		_exit(127);
	}
	waitpid(child, &status, 0);
	return status;
}

#endif
