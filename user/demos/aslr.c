/*
 * user/demos/aslr.c - address space layout randomization.
 *
 * Runs itself four times as a child, which prints where its stack, an
 * mmap, its heap (the initial program break) and its code (it is a
 * static PIE, so the code can move too) are; then four more times with
 * randomization turned off for its children by
 * personality(ADDR_NO_RANDOMIZE), which takes effect at their execve.
 */
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "demo.h"

#define RUNS    4
#define NFIELDS 4

static const char *const field[NFIELDS] = { "stack", "mmap", "heap", "text" };

/* child - print this process's four addresses on one line. */
static int child(void)
{
	int local;
	void *map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	printf("%p %p %p %p\n", (void *)&local, map, (void *)syscall(SYS_brk, 0),
	       (void *)(uintptr_t)child);
	return 0;
}

/* run_child - exec self as a child, read its addresses into a. */
static int run_child(const char *self, unsigned long a[NFIELDS])
{
	char line[256] = "";
	int fds[2], n = 0;
	FILE *f;

	if (pipe(fds) < 0)
		return -1;
	if (fork() == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execl(self, "aslr", "--child", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (f && fgets(line, sizeof(line), f))
		n = sscanf(line, "%lx %lx %lx %lx", &a[0], &a[1], &a[2], &a[3]);
	if (f)
		fclose(f);
	wait(NULL);
	return n == NFIELDS ? 0 : -1;
}

/* verdict - whether field i took a new value in every run, or one value. */
static const char *verdict(unsigned long a[RUNS][NFIELDS], int i)
{
	int same = 0;

	for (int r = 0; r < RUNS; r++)
		for (int s = r + 1; s < RUNS; s++)
			same += a[r][i] == a[s][i];
	return same == 0 ? "different in every run"
	       : same == RUNS * (RUNS - 1) / 2 ? "the same in every run"
					       : "sometimes repeated";
}

/* series - RUNS children, printed, then the verdict for each field. */
static int series(const char *self, const char *title)
{
	unsigned long a[RUNS][NFIELDS];

	printf("aslr: %s:\n", title);
	for (int r = 0; r < RUNS; r++) {
		if (run_child(self, a[r]) < 0)
			return -1;
		printf("aslr:   run %d: stack %#14lx  mmap %#14lx  heap %#14lx  "
		       "text %#14lx\n", r + 1, a[r][0], a[r][1], a[r][2], a[r][3]);
	}
	for (int i = 0; i < NFIELDS; i++)
		printf("aslr:   %s: %s\n", field[i], verdict(a, i));
	return 0;
}

int main(int argc, char **argv)
{
	char self[256];
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "--child"))
		return child();
	printf("aslr: look how the stack, mmap, heap and code move in every run, "
	       "and stay put once ADDR_NO_RANDOMIZE is set.\n");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	fflush(stdout);
	if (series(self, "randomized (the default)") < 0)
		return 1;
	if (personality(personality(0xffffffff) | ADDR_NO_RANDOMIZE) < 0)
		return 1;
	if (series(self, "with personality(ADDR_NO_RANDOMIZE)") < 0)
		return 1;
	return 0;
}
