/*
 * tests/user/sysv_test.c - System V shared memory (shmget, shmat, shmdt,
 * shmctl) as Linux does it: ids, limits, errors, attach counts across
 * fork, exec and exit, deferred removal, and what /proc shows (maps,
 * smaps, status, /proc/sysvipc/shm).  Run as init; leak-checked.
 */
#include "tap.h"
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#define PAGE 4096
#define SHM_DEST_BIT 01000
#define SHM_LOCKED_BIT 02000
#define KEY 0x5e5e1234

static struct shmid_ds stat_of(int id)
{
	struct shmid_ds ds;

	memset(&ds, 0xff, sizeof(ds));
	if (shmctl(id, IPC_STAT, &ds))
		memset(&ds, 0xff, sizeof(ds));
	return ds;
}

/* child_status - run fn in a child: its wait status. */
static int child_status(void (*fn)(void *), void *arg)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return status;
}

static void t_create_and_stat(void)
{
	int id = shmget(IPC_PRIVATE, 5000, IPC_CREAT | 0600);
	struct shmid_ds ds;

	CHECK(id >= 0, "shmget");
	ds = stat_of(id);
	CHECK(ds.shm_segsz == 5000, "segsz %zu", ds.shm_segsz);
	CHECK((ds.shm_perm.mode & 0777) == 0600, "mode %o", ds.shm_perm.mode);
	CHECK(ds.shm_nattch == 0, "nattch %lu", ds.shm_nattch);
	CHECK(ds.shm_cpid == getpid(), "cpid %d", ds.shm_cpid);
	CHECK(ds.shm_lpid == 0 && ds.shm_atime == 0, "never attached");
	CHECK(ds.shm_ctime > 0, "ctime %ld", (long)ds.shm_ctime);
	CHECK(ds.shm_perm.uid == 0 && ds.shm_perm.cuid == 0, "owner root");
	CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
	CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL);
}

static void t_get_errors(void)
{
	int id;

	CHECK_ERR(shmget(IPC_PRIVATE, 0, 0600), EINVAL);
	CHECK_ERR(shmget(KEY, PAGE, 0600), ENOENT);
	CHECK_ERR(shmget(IPC_PRIVATE, ~0ul, 0600), EINVAL); /* over SHMMAX */
	id = shmget(KEY, PAGE, IPC_CREAT | 0600);
	CHECK(id >= 0, "create with a key");
	CHECK(shmget(KEY, PAGE, 0) == id, "the same key finds it");
	CHECK(shmget(KEY, 10, IPC_CREAT) == id, "smaller size is fine");
	CHECK_ERR(shmget(KEY, PAGE, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
	CHECK_ERR(shmget(KEY, 2 * PAGE, 0), EINVAL);
	CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
	CHECK_ERR(shmget(KEY, PAGE, 0), ENOENT);
}

static void t_attach_errors(void)
{
	int id = shmget(IPC_PRIVATE, 3 * PAGE, 0600);
	char *p, *q;

	CHECK_ERR(shmat(-1, NULL, 0), EINVAL);
	CHECK_ERR(shmat(id + 1, NULL, 0), EINVAL);
	CHECK_ERR(shmat(id, (void *)0x10000001, 0), EINVAL);
	CHECK_ERR(shmat(id, NULL, SHM_REMAP), EINVAL);
	CHECK_ERR(shmat(id, (void *)0x1000, 0), EPERM); /* below mmap_min_addr */
	CHECK_ERR(shmdt((void *)0x10000001), EINVAL);
	CHECK_ERR(shmdt((void *)0x10000000), EINVAL);
	CHECK_ERR(shmctl(id, 99, NULL), EINVAL);
	CHECK_ERR(shmctl(-1, IPC_STAT, NULL), EINVAL);
	CHECK_ERR(shmctl(id, IPC_STAT, (void *)8), EFAULT);
	CHECK_ERR(shmctl(id, IPC_SET, (void *)8), EFAULT);
	/* SHM_RND rounds down; a used range needs SHM_REMAP. */
	p = shmat(id, NULL, 0);
	CHECK(p != (void *)-1, "attach");
	q = shmat(id, p + 123, SHM_RND | SHM_REMAP);
	CHECK(q == p, "SHM_RND|SHM_REMAP at %p gave %p", (void *)p, (void *)q);
	CHECK_ERR(shmat(id, p + PAGE, 0), EINVAL);
	CHECK(stat_of(id).shm_nattch == 1, "the replaced attach is gone: %lu",
	      stat_of(id).shm_nattch);
	CHECK(shmdt(p) == 0, "shmdt");
	CHECK_ERR(shmdt(p), EINVAL);
	CHECK(stat_of(id).shm_nattch == 0, "detached");
	shmctl(id, IPC_RMID, NULL);
}

static void write_in_child(void *arg)
{
	char *p = arg;

	if (strcmp(p, "parent") || stat_of(shmget(KEY, 0, 0)).shm_nattch != 2)
		_exit(1);
	strcpy(p + PAGE, "child");
	_exit(0);
}

static void t_shared_across_fork(void)
{
	int id = shmget(KEY, 2 * PAGE, IPC_CREAT | 0600), status;
	char *p = shmat(id, NULL, 0);
	struct shmid_ds ds;

	CHECK(p != (void *)-1, "attach");
	strcpy(p, "parent");
	ds = stat_of(id);
	CHECK(ds.shm_nattch == 1 && ds.shm_lpid == getpid() && ds.shm_atime > 0,
	      "nattch %lu lpid %d", ds.shm_nattch, ds.shm_lpid);
	status = child_status(write_in_child, p);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %#x", status);
	CHECK(!strcmp(p + PAGE, "child"), "the child's write is seen: '%s'", p + PAGE);
	CHECK(stat_of(id).shm_nattch == 1, "the child's exit detached it");
	CHECK(shmdt(p) == 0, "shmdt");
	ds = stat_of(id);
	CHECK(ds.shm_nattch == 0 && ds.shm_dtime > 0, "dtime %ld", (long)ds.shm_dtime);
	/* The pages outlive every attach until IPC_RMID. */
	p = shmat(id, NULL, SHM_RDONLY);
	CHECK(p != (void *)-1 && !strcmp(p + PAGE, "child"), "kept");
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
}

static void exec_true(void *arg)
{
	int id = *(int *)arg;

	if (shmat(id, NULL, 0) == (void *)-1)
		_exit(2);
	execl("/bin/true", "true", (char *)NULL);
	_exit(3);
}

static void t_exec_detaches(void)
{
	int id = shmget(IPC_PRIVATE, PAGE, 0600);
	int status = child_status(exec_true, &id);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %#x", status);
	CHECK(stat_of(id).shm_nattch == 0, "exec detached: %lu", stat_of(id).shm_nattch);
	shmctl(id, IPC_RMID, NULL);
}

static void t_rmid_waits_for_last_detach(void)
{
	int id = shmget(KEY, PAGE, IPC_CREAT | 0600);
	char *p = shmat(id, NULL, 0);
	struct shmid_ds ds;

	CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID while attached");
	ds = stat_of(id);
	CHECK(ds.shm_perm.mode & SHM_DEST_BIT, "SHM_DEST: mode %o", ds.shm_perm.mode);
	CHECK(ds.shm_perm.__ipc_perm_key == 0, "key now private");
	CHECK_ERR(shmget(KEY, PAGE, 0), ENOENT);
	strcpy(p, "still here");
	CHECK(!strcmp(p, "still here"), "still usable");
	CHECK(shmdt(p) == 0, "last detach");
	CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL);
}

static void t_readonly_attach(void)
{
	int id = shmget(IPC_PRIVATE, PAGE, 0600), status;
	volatile char *p = shmat(id, NULL, SHM_RDONLY);
	pid_t pid;

	CHECK(p != (void *)-1 && p[0] == 0, "read-only attach reads zeros");
	CHECK_ERR(mprotect((void *)p, PAGE, PROT_READ | PROT_WRITE), EACCES);
	pid = fork();
	if (pid == 0) {
		p[0] = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "write: %#x", status);
	shmdt((void *)p);
	shmctl(id, IPC_RMID, NULL);
}

/* maps_line - the /proc/self/maps line for address p into line. */
static int maps_line(void *p, char *line, size_t size)
{
	static char buf[16384];
	char start[32];
	char *l;

	snprintf(start, sizeof(start), "%lx-", (unsigned long)p);
	if (read_text("/proc/self/maps", buf, sizeof(buf)) < 0)
		return -1;
	for (l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
		if (!strncmp(l, start, strlen(start))) {
			snprintf(line, size, "%s", l);
			return 0;
		}
	return -1;
}

static void t_proc_maps_and_smaps(void)
{
	int id = shmget(KEY, 3 * PAGE, IPC_CREAT | 0640);
	char *p = shmat(id, NULL, 0), line[256], want[64], *smaps, *s;
	unsigned long ino = 0;
	char perms[8] = "", dev[8] = "";

	CHECK(p != (void *)-1, "attach");
	p[0] = 1;
	p[PAGE] = 2;
	CHECK(maps_line(p, line, sizeof(line)) == 0, "maps line");
	sscanf(line, "%*s %7s %*s %7s %lu", perms, dev, &ino);
	CHECK(!strcmp(perms, "rw-s"), "perms %s", perms);
	CHECK(!strcmp(dev, "00:01"), "dev %s", dev);
	CHECK(ino == (unsigned long)id, "inode %lu is the id %d", ino, id);
	snprintf(want, sizeof(want), " /SYSV%08x (deleted)", KEY);
	CHECK(strstr(line, want) != NULL, "'%s' in '%s'", want, line);
	smaps = malloc(1 << 16);
	read_text("/proc/self/smaps", smaps, 1 << 16);
	s = strstr(smaps, line);
	CHECK(s != NULL, "smaps has the region");
	if (s) {
		char *next = strstr(s, "VmFlags:");

		CHECK(strstr(s, "Rss:                   8 kB") != NULL, "Rss 8 kB");
		CHECK(next && !strncmp(next, "VmFlags: rd wr sh mr mw me ms", 29),
		      "VmFlags: %.40s", next ? next : "(none)");
	}
	read_text("/proc/self/status", smaps, 1 << 16);
	s = strstr(smaps, "RssShmem:");
	CHECK(s && strtol(s + 9, NULL, 10) >= 8, "RssShmem: %.20s", s ? s : "(none)");
	free(smaps);
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
}

static void t_proc_sysvipc(void)
{
	int id = shmget(KEY, 10000, IPC_CREAT | 0644);
	char buf[4096], want[160];

	CHECK(read_text("/proc/sysvipc/shm", buf, sizeof(buf)) > 0, "read");
	CHECK(!strncmp(buf, "       key      shmid perms                  size  cpid"
			    "  lpid nattch   uid   gid  cuid  cgid      atime      dtime"
			    "      ctime                   rss                  swap\n", 160),
	      "header: %.80s", buf);
	snprintf(want, sizeof(want), "%10d %10d   644 %21d %5d     0      0     0"
		 "     0     0     0          0          0 ", KEY, id, 10000, getpid());
	CHECK(strstr(buf, want) != NULL, "line '%s' in:\n%s", want, buf);
	shmctl(id, IPC_RMID, NULL);
}

static void t_set_lock_info(void)
{
	int id = shmget(IPC_PRIVATE, PAGE, 0600), r;
	struct shmid_ds ds = stat_of(id);
	struct shminfo si;
	struct shm_info info;

	ds.shm_perm.mode = 0640;
	ds.shm_perm.uid = 5;
	CHECK(shmctl(id, IPC_SET, &ds) == 0, "IPC_SET");
	ds = stat_of(id);
	CHECK((ds.shm_perm.mode & 0777) == 0640 && ds.shm_perm.uid == 5 &&
	      ds.shm_perm.cuid == 0, "mode %o uid %u", ds.shm_perm.mode, ds.shm_perm.uid);
	CHECK(shmctl(id, SHM_LOCK, NULL) == 0, "SHM_LOCK");
	CHECK(stat_of(id).shm_perm.mode & SHM_LOCKED_BIT, "SHM_LOCKED");
	CHECK(shmctl(id, SHM_UNLOCK, NULL) == 0, "SHM_UNLOCK");
	CHECK(!(stat_of(id).shm_perm.mode & SHM_LOCKED_BIT), "unlocked");
	r = shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
	CHECK(r >= 0 && si.shmmni == 4096 && si.shmmin == 1 &&
	      si.shmmax == ~0ul - (1ul << 24), "IPC_INFO %d mni %lu", r, si.shmmni);
	r = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
	CHECK(r >= 0 && info.__used_ids >= 1, "SHM_INFO %d used %d", r, info.__used_ids);
	CHECK(shmctl(r, SHM_STAT, &ds) >= 0, "SHM_STAT of the top index");
	CHECK(shmctl(id % 32768, SHM_STAT, &ds) == id, "SHM_STAT gives the id");
	CHECK_ERR(shmctl(4095, SHM_STAT, &ds), EINVAL);
	shmctl(id, IPC_RMID, NULL);
}

static void as_user(void *arg)
{
	int id = *(int *)arg;
	struct shmid_ds ds;

	if (setuid(1000))
		_exit(9);
	errno = 0;
	if (shmget(KEY, PAGE, 0600) != -1 || errno != EACCES)
		_exit(1);
	if (shmget(KEY, PAGE, 0) != id) /* asking for no access is allowed */
		_exit(2);
	if (shmat(id, NULL, 0) != (void *)-1 || errno != EACCES)
		_exit(3);
	if (shmctl(id, IPC_STAT, &ds) != -1 || errno != EACCES)
		_exit(4);
	if (shmctl(id, IPC_RMID, NULL) != -1 || errno != EPERM)
		_exit(5);
	if (shmctl(id, SHM_LOCK, NULL) != -1 || errno != EPERM)
		_exit(6);
	if (shmctl(id % 32768, SHM_STAT_ANY, &ds) != id)
		_exit(7);
	_exit(0);
}

static void t_permissions(void)
{
	int id = shmget(KEY, PAGE, IPC_CREAT | 0600);
	int status = child_status(as_user, &id);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "uid 1000: step %d",
	      WEXITSTATUS(status));
	shmctl(id, IPC_RMID, NULL);
}

/* Many attaches, detaches and segments: nothing may leak. */
static void t_churn(void)
{
	int ids[16];
	char *p[16];

	for (int i = 0; i < 16; i++) {
		ids[i] = shmget(IPC_PRIVATE, (size_t)(i + 1) * PAGE, 0600);
		p[i] = shmat(ids[i], NULL, 0);
		CHECK(p[i] != (void *)-1, "attach %d", i);
		memset(p[i], i, (size_t)(i + 1) * PAGE);
		shmctl(ids[i], IPC_RMID, NULL);
	}
	for (int i = 0; i < 16; i++) {
		CHECK(p[i][i * PAGE] == i, "contents %d", i);
		CHECK(munmap(p[i], PAGE) == 0, "munmap a piece");
		/* Linux's rule: the piece left at offset 1 still belongs to
		 * the attach at p[i]; a one-page segment is gone already. */
		CHECK(shmdt(p[i]) == (i ? 0 : -1), "shmdt %d", i);
	}
}

/* set_rmid_forced - write /proc/sys/kernel/shm_rmid_forced: write's result. */
static long set_rmid_forced(const char *text)
{
	int fd = open("/proc/sys/kernel/shm_rmid_forced", O_WRONLY);
	long n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return n;
}

static void make_orphan(void *id)
{
	*(volatile int *)id = shmget(KEY + 1, PAGE, IPC_CREAT | 0600);
}

static void make_attached_orphan(void *unused)
{
	int id = shmget(KEY + 2, PAGE, IPC_CREAT | 0600);

	(void)unused;
	if (id < 0 || shmat(id, NULL, 0) == (void *)-1)
		_exit(1);
	_exit(0); /* exit detaches, then the creator is gone */
}

/* shm_rmid_forced, as Linux: 0 keeps a segment whose creator exited;
 * setting 1 destroys such orphans, and from then on the last detach, or
 * the creator's exit with nothing attached, destroys a segment. */
static void t_rmid_forced(void)
{
	int id, orphan = -1;
	struct shmid_ds ds;
	char *p;

	CHECK(!strcmp(slurp("/proc/sys/kernel/shm_rmid_forced"), "0\n"),
	      "shm_rmid_forced is 0 by default");
	CHECK(child_status(make_orphan, &orphan) == 0, "a child made a segment");
	orphan = shmget(KEY + 1, 0, 0);
	CHECK(orphan >= 0, "0: the segment outlives its creator");
	id = shmget(IPC_PRIVATE, PAGE, 0600); /* ours: not an orphan */
	CHECK(id >= 0, "shmget");
	CHECK(set_rmid_forced("2\n") < 0 && errno == EINVAL, "2 is EINVAL");
	CHECK(set_rmid_forced("1\n") == 2, "write 1");
	CHECK_ERR(shmctl(orphan, IPC_STAT, &ds), EINVAL);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0, "a segment whose creator lives stays");
	p = shmat(id, NULL, 0);
	CHECK(p != (void *)-1, "shmat");
	CHECK(shmdt(p) == 0, "shmdt");
	CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL); /* the last detach */
	CHECK(child_status(make_attached_orphan, NULL) == 0, "a child attached one");
	CHECK_ERR(shmget(KEY + 2, 0, 0), ENOENT); /* gone with its creator */
	CHECK(set_rmid_forced("0") == 1, "write 0");
}

/* A segment's pages cost memory only once touched (8 segments of 96 MiB
 * each cost 1.5 MiB of page arrays before) (a sparse index, as
 * Linux's xarray); one bigger than memory and swap is refused, as by
 * Linux's heuristic overcommit. */
static void t_big_segment_is_cheap(void)
{
	long before = meminfo_kb("MemFree:");
	int ids[8];
	char *p;

	for (int i = 0; i < 8; i++) {
		ids[i] = shmget(IPC_PRIVATE, 96ul << 20, 0600);
		CHECK(ids[i] >= 0, "a 96 MiB segment");
	}
	p = shmat(ids[7], NULL, 0);
	CHECK(p != (void *)-1, "attach 96 MiB");
	p[(96ul << 20) - 1] = 1; /* the last page: a leaf and the root */
	CHECK(before - meminfo_kb("MemFree:") < 64,
	      "768 MiB of segments, one page touched, cost %ld kB",
	      before - meminfo_kb("MemFree:"));
	CHECK(shmdt(p) == 0, "shmdt");
	for (int i = 0; i < 8; i++)
		shmctl(ids[i], IPC_RMID, NULL);
	CHECK_ERR(shmget(IPC_PRIVATE, 1ul << 40, 0600), ENOMEM);
}

static void all_cases(void)
{
	RUN(t_create_and_stat);
	RUN(t_get_errors);
	RUN(t_attach_errors);
	RUN(t_shared_across_fork);
	RUN(t_exec_detaches);
	RUN(t_rmid_waits_for_last_detach);
	RUN(t_readonly_attach);
	RUN(t_proc_maps_and_smaps);
	RUN(t_proc_sysvipc);
	RUN(t_set_lock_info);
	RUN(t_permissions);
	RUN(t_churn);
	RUN(t_rmid_forced);
	RUN(t_big_segment_is_cheap);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("TAP version 13\n");
	leak_checked_twice(all_cases, NULL);
	return tap_done();
}
