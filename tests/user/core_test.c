/*
 * tests/user/core_test.c - core files (kernel/coredump.c, kernel/elfcore.c):
 * written only when RLIMIT_CORE allows, named by core_pattern and
 * core_uses_pid, cut at RLIMIT_CORE and RLIMIT_FSIZE, never where the
 * directory refuses; WCOREDUMP (and CLD_DUMPED) only when one was
 * written; an ELF core with the registers of every thread, the signal,
 * the auxiliary vector, the mapped files and the memory.
 *
 * --once: one pass, no leak check (the checked kernel's shorter run).
 * With --dump it also prints one core file between "# core-begin" and
 * "# core-end" lines, each 4 KiB page as one base64 line ("Z" for a page
 * of zeros): tests/run.py rebuilds the file and asks the host's gdb for a
 * backtrace and rip (core_gdb_problems).
 */
#define _GNU_SOURCE /* memmem */
#include "tap.h"
#include <dirent.h>
#include <elf.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define CORE_DIR "/tmp/coretest"
static char exe[256]; /* this program's path: NT_FILE names it */
#define CORE CORE_DIR "/core"
#define MAX_CORE (4 << 20)

/* What the core must show in memory. */
char core_marker[64] = "global data the core file keeps";

/* crash_here - the faulting function gdb must name: a write to NULL. */
__attribute__((noinline)) void crash_here(volatile int *p)
{
	*p = 42;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void crash_caller(void)
{
	crash_here(NULL);
	__asm__ volatile("" ::: "memory");
}

static void set_limit(int resource, rlim_t v)
{
	struct rlimit rl = { v, RLIM_INFINITY };

	setrlimit(resource, &rl);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (fd >= 0) {
		write(fd, text, strlen(text));
		close(fd);
	}
}

/* crash_in - a child that sets RLIMIT_CORE to core_limit and dies of a
 * NULL write in dir (NULL: stays in CORE_DIR); its wait status. */
static int crash_in(const char *dir, rlim_t core_limit, rlim_t fsize_limit)
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (chdir(dir ? dir : CORE_DIR))
			_exit(3);
		set_limit(RLIMIT_CORE, core_limit);
		set_limit(RLIMIT_FSIZE, fsize_limit);
		crash_caller();
		_exit(4);
	}
	waitpid(pid, &status, 0);
	return status;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long)st.st_size;
}

/* clean - CORE_DIR empty again. */
static void clean(void)
{
	char path[300];
	DIR *d = opendir(CORE_DIR);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), CORE_DIR "/%s", e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
}

/* ---- reading a core file ---- */

static unsigned char *core; /* MADV_DONTDUMP: not in the cores it reads */
static long core_len;

static int load(const char *path)
{
	int fd = open(path, O_RDONLY);

	core_len = fd < 0 ? -1 : read(fd, core, MAX_CORE);
	if (fd >= 0)
		close(fd);
	return core_len > (long)sizeof(Elf64_Ehdr);
}

static Elf64_Phdr *phdr(int i)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)core;

	return (Elf64_Phdr *)(core + eh->e_phoff) + i;
}

/* find_note - the nth note of type in the PT_NOTE segment: its descriptor
 * (and size), or NULL. */
static void *find_note(unsigned type, int nth, unsigned *size)
{
	Elf64_Phdr *ph = phdr(0);
	unsigned long off = ph->p_offset, end = ph->p_offset + ph->p_filesz;

	while (off + sizeof(Elf64_Nhdr) <= end && end <= (unsigned long)core_len) {
		Elf64_Nhdr *nh = (Elf64_Nhdr *)(core + off);
		unsigned long desc = off + sizeof(*nh) + ((nh->n_namesz + 3) & ~3u);

		if (nh->n_type == type && nth-- == 0) {
			*size = nh->n_descsz;
			return core + desc;
		}
		off = desc + ((nh->n_descsz + 3) & ~3u);
	}
	return NULL;
}

/* The core's bytes at address a (n of them), or NULL if not dumped. */
static void *core_at(unsigned long a, unsigned long n)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)core;

	for (int i = 1; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = phdr(i);

		if (a >= ph->p_vaddr && a + n <= ph->p_vaddr + ph->p_filesz &&
		    ph->p_offset + (a - ph->p_vaddr) + n <= (unsigned long)core_len)
			return core + ph->p_offset + (a - ph->p_vaddr);
	}
	return NULL;
}

/* Linux's x86-64 elf_prstatus: pr_pid at 32, pr_reg at 112 (rip: word 16). */
#define PRSTATUS_PID 32
#define PRSTATUS_CURSIG 12
#define PRSTATUS_REG 112
#define GREG_RIP 16
#define GREG_RSP 19

/* ---- the cases ---- */

static void t_no_core_at_limit_0(void)
{
	int st = crash_in(NULL, 0, RLIM_INFINITY);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && !WCOREDUMP(st),
	      "status 0x%x", st);
	CHECK(file_size(CORE) == -1, "no core file");
	st = crash_in(NULL, 4095, RLIM_INFINITY); /* below a page: none either */
	CHECK(WIFSIGNALED(st) && !WCOREDUMP(st) && file_size(CORE) == -1,
	      "status 0x%x, a limit below a page", st);
}

static void t_core_written(void)
{
	siginfo_t si;
	pid_t pid;
	int st;

	st = crash_in(NULL, RLIM_INFINITY, RLIM_INFINITY);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && WCOREDUMP(st),
	      "status 0x%x", st);
	CHECK(file_size(CORE) > 8192, "core of %ld bytes", file_size(CORE));
	CHECK(access(CORE, R_OK) == 0, "readable");
	struct stat sb;
	CHECK(stat(CORE, &sb) == 0 && (sb.st_mode & 0777) == 0600, "mode 0600");
	/* waitid says CLD_DUMPED */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		chdir(CORE_DIR);
		set_limit(RLIMIT_CORE, RLIM_INFINITY);
		abort();
	}
	CHECK(waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_DUMPED &&
	      si.si_status == SIGABRT, "waitid: code %d status %d", si.si_code,
	      si.si_status);
	clean();
}

static void t_core_contents(void)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)core;
	unsigned size = 0;
	unsigned char *d;
	int st = crash_in(NULL, RLIM_INFINITY, RLIM_INFINITY);

	CHECK(WCOREDUMP(st) && load(CORE), "core loaded");
	if (core_len <= 0)
		return;
	CHECK(!memcmp(eh->e_ident, ELFMAG, SELFMAG) && eh->e_type == ET_CORE &&
	      eh->e_machine == EM_X86_64 && eh->e_phnum > 3, "ELF core header");
	CHECK(phdr(0)->p_type == PT_NOTE, "PT_NOTE first");
	unsigned long end = 0;
	for (int i = 1; i < eh->e_phnum; i++) {
		CHECK(phdr(i)->p_type == PT_LOAD && phdr(i)->p_offset % 4096 == 0 &&
		      phdr(i)->p_filesz <= phdr(i)->p_memsz, "PT_LOAD %d", i);
		if (phdr(i)->p_offset + phdr(i)->p_filesz > end)
			end = phdr(i)->p_offset + phdr(i)->p_filesz;
	}
	CHECK((unsigned long)core_len == end, "the file is %ld bytes, its last "
	      "segment ends at %lu", core_len, end);
	d = find_note(NT_PRSTATUS, 0, &size);
	CHECK(d && size == 336, "NT_PRSTATUS of %u bytes", size);
	if (d) {
		unsigned long rip = *(unsigned long *)(d + PRSTATUS_REG + 8 * GREG_RIP);

		CHECK(*(short *)(d + PRSTATUS_CURSIG) == SIGSEGV, "pr_cursig");
		CHECK(rip >= (unsigned long)crash_here && rip < (unsigned long)crash_here + 32,
		      "rip 0x%lx in crash_here %p", rip, (void *)crash_here);
		CHECK(core_at(*(unsigned long *)(d + PRSTATUS_REG + 8 * GREG_RSP), 8),
		      "the stack is in the core");
	}
	d = find_note(NT_PRPSINFO, 0, &size);
	CHECK(d && size == 136 && !strncmp((char *)d + 40, strrchr(exe, '/') + 1, 15),
	      "NT_PRPSINFO");
	d = find_note(NT_SIGINFO, 0, &size);
	CHECK(d && size == 128 && ((siginfo_t *)d)->si_signo == SIGSEGV &&
	      ((siginfo_t *)d)->si_addr == NULL, "NT_SIGINFO");
	d = find_note(NT_AUXV, 0, &size);
	int pagesz = 0;
	for (unsigned i = 0; d && i + 16 <= size; i += 16)
		pagesz |= ((unsigned long *)(d + i))[0] == AT_PAGESZ &&
			  ((unsigned long *)(d + i))[1] == 4096;
	CHECK(pagesz, "NT_AUXV has AT_PAGESZ 4096");
	d = find_note(NT_FILE, 0, &size);
	CHECK(d && memmem(d, size, exe, strlen(exe) + 1), "NT_FILE names the program");
	CHECK(find_note(NT_FPREGSET, 0, &size) && size == 512, "NT_FPREGSET");
	d = core_at((unsigned long)core_marker, sizeof(core_marker));
	CHECK(d && !strcmp((char *)d, core_marker), "a global's bytes");
	for (int i = 1; i < eh->e_phnum; i++)
		if (phdr(i)->p_vaddr == (unsigned long)core)
			CHECK(phdr(i)->p_filesz == 0 && phdr(i)->p_memsz == MAX_CORE,
			      "MADV_DONTDUMP leaves a region out");
	CHECK(!core_at((unsigned long)core, 1), "MADV_DONTDUMP region not dumped");
	clean();
}

static void *spin(void *arg)
{
	volatile unsigned long *counter = arg;

	for (;;)
		(*counter)++; /* memory that changes while the core is written */
	return NULL;
}

/* Every thread's registers, while they all ran: the others die first. */
static void t_threads(void)
{
	static unsigned long counters[3];
	unsigned size;
	int st, notes = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pthread_t t;

		chdir(CORE_DIR);
		set_limit(RLIMIT_CORE, RLIM_INFINITY);
		for (int i = 0; i < 3; i++)
			pthread_create(&t, NULL, spin, &counters[i]);
		usleep(5000);
		crash_caller();
	}
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WCOREDUMP(st), "status 0x%x", st);
	CHECK(load(CORE), "core loaded");
	while (core_len > 0 && find_note(NT_PRSTATUS, notes, &size))
		notes++;
	CHECK(notes == 4, "%d NT_PRSTATUS notes", notes);
	if (core_len > 0 && notes > 1) {
		unsigned char *first = find_note(NT_PRSTATUS, 0, &size);
		unsigned char *second = find_note(NT_PRSTATUS, 1, &size);

		CHECK(*(int *)(first + PRSTATUS_PID) == pid, "the crashing thread first");
		CHECK(*(int *)(second + PRSTATUS_PID) > pid, "then another thread");
	}
	clean();
}

/* core_uses_pid and core_pattern name the file. */
static void t_names(void)
{
	char path[128];
	int st;

	write_file("/proc/sys/kernel/core_uses_pid", "1\n");
	st = crash_in(NULL, RLIM_INFINITY, RLIM_INFINITY);
	write_file("/proc/sys/kernel/core_uses_pid", "0\n");
	CHECK(WCOREDUMP(st), "status 0x%x", st);
	CHECK(file_size(CORE) == -1, "not plain core");
	clean();
	write_file("/proc/sys/kernel/core_pattern", "dump-%e-%p-%s-%%\n");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		chdir(CORE_DIR);
		set_limit(RLIMIT_CORE, RLIM_INFINITY);
		crash_caller();
	}
	waitpid(pid, &st, 0);
	write_file("/proc/sys/kernel/core_pattern", "core\n");
	snprintf(path, sizeof(path), CORE_DIR "/dump-%.15s-%d-11-%%", strrchr(exe, '/') + 1, pid);
	CHECK(WCOREDUMP(st) && file_size(path) > 0, "%s", path);
	clean();
}

/* A core larger than RLIMIT_CORE or RLIMIT_FSIZE is cut there, and
 * still counts (Linux 6.1 says WCOREDUMP: tools/abi_peer.py); the
 * process dies of its own signal, not SIGXFSZ. */
static void t_limits(void)
{
	int st = crash_in(NULL, 8192, RLIM_INFINITY);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && WCOREDUMP(st),
	      "status 0x%x", st);
	CHECK(file_size(CORE) > 0 && file_size(CORE) <= 8192, "core of %ld bytes",
	      file_size(CORE));
	clean();
	st = crash_in(NULL, RLIM_INFINITY, 12288);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && WCOREDUMP(st),
	      "status 0x%x (RLIMIT_FSIZE)", st);
	CHECK(file_size(CORE) > 0 && file_size(CORE) <= 12288, "core of %ld bytes",
	      file_size(CORE));
	clean();
}

/* Where no file can be made: no core, no crash, the same death. */
static void t_unwritable(void)
{
	int st = crash_in("/proc", RLIM_INFINITY, RLIM_INFINITY);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && !WCOREDUMP(st),
	      "status 0x%x in /proc", st);
	CHECK(mkdir(CORE_DIR "/gone", 0755) == 0, "mkdir");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		chdir(CORE_DIR "/gone");
		rmdir(CORE_DIR "/gone");
		set_limit(RLIMIT_CORE, RLIM_INFINITY);
		crash_caller();
	}
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && !WCOREDUMP(st), "status 0x%x in a removed directory", st);
	/* not root: a directory without write permission */
	CHECK(mkdir(CORE_DIR "/ro", 0555) == 0, "mkdir");
	pid = fork();
	if (pid == 0) {
		chdir(CORE_DIR "/ro");
		setgid(1000);
		setuid(1000);
		/* new ids: no core at all (suid_dumpable 0), until allowed
		 * again; then the directory's permission refuses it */
		if (prctl(PR_GET_DUMPABLE) != 0 || prctl(PR_SET_DUMPABLE, 1) != 0)
			_exit(5);
		set_limit(RLIMIT_CORE, RLIM_INFINITY);
		crash_caller();
	}
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && !WCOREDUMP(st) && file_size(CORE_DIR "/ro/core") == -1,
	      "status 0x%x in a read-only directory", st);
	rmdir(CORE_DIR "/ro");
	/* a symbolic link named core is replaced, not followed */
	CHECK(symlink("/tmp/coretest-target", CORE) == 0, "symlink");
	st = crash_in(NULL, RLIM_INFINITY, RLIM_INFINITY);
	CHECK(WCOREDUMP(st) && file_size("/tmp/coretest-target") == -1, "not followed");
	clean();
}

/* PR_SET_DUMPABLE 0: no core file, no WCOREDUMP; a fork inherits it. */
static void t_not_dumpable(void)
{
	int st = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		chdir(CORE_DIR);
		set_limit(RLIMIT_CORE, RLIM_INFINITY);
		if (prctl(PR_GET_DUMPABLE) != 1 || prctl(PR_SET_DUMPABLE, 0) != 0 ||
		    prctl(PR_GET_DUMPABLE) != 0 || prctl(PR_SET_DUMPABLE, 2) != -1)
			_exit(5);
		pid = fork();
		if (pid == 0)
			crash_caller();
		waitpid(pid, &st, 0);
		_exit(WIFSIGNALED(st) && !WCOREDUMP(st) ? 0 : 6);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
	CHECK(file_size(CORE) == -1, "no core file");
	clean();
}

/* raised_in_core_dir - the wait status of a child that, in CORE_DIR with
 * no core size limit, raises sig. */
static int raised_in_core_dir(int sig)
{
	int st = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		chdir(CORE_DIR);
		set_limit(RLIMIT_CORE, RLIM_INFINITY);
		raise(sig);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

/* Signals whose default action is not "core" leave none. */
static void t_other_signals(void)
{
	int st = raised_in_core_dir(SIGTERM);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && !WCOREDUMP(st) &&
	      file_size(CORE) == -1, "SIGTERM: 0x%x", st);
	st = raised_in_core_dir(SIGQUIT);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT && WCOREDUMP(st) &&
	      file_size(CORE) > 0, "SIGQUIT: 0x%x", st);
	clean();
}

/* dump - print the core for the host's gdb: a line per page. */
static void dump(void)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static char line[4096 / 3 * 4 + 8];
	int st = crash_in(NULL, RLIM_INFINITY, RLIM_INFINITY);

	if (!WCOREDUMP(st) || !load(CORE))
		return;
	printf("# core-begin %ld\n", core_len);
	for (long off = 0; off < core_len; off += 4096) {
		long n = core_len - off < 4096 ? core_len - off : 4096, z = 0, len = 0;

		while (z < n && !core[off + z])
			z++;
		if (z == n) {
			puts("Z");
			continue;
		}
		for (long i = 0; i < n; i += 3) {
			unsigned v = core[off + i] << 16 |
				     (i + 1 < n ? core[off + i + 1] << 8 : 0) |
				     (i + 2 < n ? core[off + i + 2] : 0);

			line[len++] = b64[v >> 18 & 63];
			line[len++] = b64[v >> 12 & 63];
			line[len++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
			line[len++] = i + 2 < n ? b64[v & 63] : '=';
		}
		line[len] = '\0';
		puts(line);
	}
	printf("# core-end\n");
	clean();
}

static void all(void)
{
	RUN(t_no_core_at_limit_0);
	RUN(t_core_written);
	RUN(t_core_contents);
	RUN(t_threads);
	RUN(t_names);
	RUN(t_limits);
	RUN(t_unwritable);
	RUN(t_other_signals);
	RUN(t_not_dumpable);
}

int main(int argc, char **argv)
{
	mkdir("/tmp", 01777);
	mkdir(CORE_DIR, 0777);
	if (access("/proc/self", F_OK)) /* /init on Linux (tools/abi_peer.py) */
		mount("proc", "/proc", "proc", 0, NULL);
	readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	core = mmap(NULL, MAX_CORE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (core == MAP_FAILED || madvise(core, MAX_CORE, MADV_DONTDUMP))
		return 1;
	if (argc > 1 && !strcmp(argv[1], "--once")) /* the checked kernel's run */
		all();
	else
		leak_checked_twice(all, clean); /* core files made and removed */
	if (argc > 1 && !strcmp(argv[1], "--dump"))
		dump();
	clean();
	rmdir(CORE_DIR);
	return tap_done();
}
