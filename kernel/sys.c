/*
 * kernel/sys.c - the small system calls about the process itself: IDs,
 * process groups, limits, resource usage, the system's name, randomness,
 * and reboot.  Every process starts as root (uid 0, gid 0).  User and
 * group IDs change with the set*id calls, by Linux's rules: a task with
 * CAP_SETUID (CAP_SETGID) may set any; any other only one of its real,
 * effective or saved IDs; the capabilities follow the uids
 * (kernel/capability.c).  What looks at the IDs: file permissions
 * (fs/vfs.c: owner, group, supplementary groups), chmod and chown
 * (fs/open.c: the owner, or CAP_FOWNER and CAP_CHOWN), signals.
 */
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "kernel/exit.h"
#include <vmos/printk.h>
#include "kernel/rusage.h"
#include "kernel/random.h"
#include "kernel/rlimit.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/version.h"
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/mm.h"
#include "mm/swap.h"
#include <asm/arch.h>

SYSCALL_DEFINE0(getpid) { return current->tgid; }
SYSCALL_DEFINE0(gettid) { return current->pid; }
SYSCALL_DEFINE0(getppid) { return current->parent ? current->parent->tgid : 0; }
#define ID_UNCHANGED ((u32)-1) /* setres*id: leave this one as it is */
#define NGROUPS_MAX 65536          /* Linux's limit for setgroups */

SYSCALL_DEFINE0(getuid) { return current->cred.uid; }
SYSCALL_DEFINE0(geteuid) { return current->cred.euid; }
SYSCALL_DEFINE0(getgid) { return current->cred.gid; }
SYSCALL_DEFINE0(getegid) { return current->cred.egid; }

/*
 * The set*id rules are Linux's (kernel/sys.c), for uids and gids alike;
 * "privileged" is CAP_SETUID for uids, CAP_SETGID for gids.  ids points
 * at the real, effective and saved ID of one kind: c->uid.. or c->gid...
 */
static bool privileged(const struct task_cred *c, const u32 ids[3])
{
	return capable(ids == c->uids ? CAP_SETUID : CAP_SETGID);
}

/* id_is_ours - is id one of the three in ids? */
static bool id_is_ours(const u32 ids[3], u32 id)
{
	return id == ids[0] || id == ids[1] || id == ids[2];
}

/* set_id - setuid/setgid: privileged, all three become id; otherwise
 * only the effective one, to the real or saved ID; else -EPERM. */
static long set_id(struct task_cred *c, u32 ids[3], u32 id)
{
	if (id == ID_UNCHANGED)
		return -EINVAL;
	if (privileged(c, ids)) {
		ids[0] = ids[1] = ids[2] = id;
		return 0;
	}
	if (id != ids[0] && id != ids[2])
		return -EPERM;
	ids[1] = id;
	return 0;
}

/* set_re_id - setreuid/setregid: the real ID may become the real or
 * effective one, the effective any of the three; the saved one follows
 * the effective when the real one is set or the effective one becomes
 * other than the old real ID. */
static long set_re_id(struct task_cred *c, u32 ids[3], u32 r, u32 e)
{
	u32 old_real = ids[0];

	if (!privileged(c, ids) &&
	    ((r != ID_UNCHANGED && r != ids[0] && r != ids[1]) ||
	     (e != ID_UNCHANGED && !id_is_ours(ids, e))))
		return -EPERM;
	if (r != ID_UNCHANGED)
		ids[0] = r;
	if (e != ID_UNCHANGED)
		ids[1] = e;
	if (r != ID_UNCHANGED || (e != ID_UNCHANGED && e != old_real))
		ids[2] = ids[1];
	return 0;
}

/* set_res_id - setresuid/setresgid: each given ID one of the three
 * (or anything when privileged). */
static long set_res_id(struct task_cred *c, u32 ids[3], u32 r, u32 e, u32 s)
{
	if (!privileged(c, ids) &&
	    ((r != ID_UNCHANGED && !id_is_ours(ids, r)) ||
	     (e != ID_UNCHANGED && !id_is_ours(ids, e)) ||
	     (s != ID_UNCHANGED && !id_is_ours(ids, s))))
		return -EPERM;
	if (r != ID_UNCHANGED)
		ids[0] = r;
	if (e != ID_UNCHANGED)
		ids[1] = e;
	if (s != ID_UNCHANGED)
		ids[2] = s;
	return 0;
}

#define UIDS(c) ((c)->uids)
#define GIDS(c) ((c)->gids)

/* ids_changed - after a set*id call's result err: a process whose
 * effective user or group changed dumps no core file from now on (Linux's
 * commit_creds with suid_dumpable 0: it may hold what its new identity
 * must not leak) until PR_SET_DUMPABLE 1; err passes through. */
static long ids_changed(long err, const struct task_cred *old)
{
	const struct task_cred *c = &current->cred;

	if (!err && current->mm && (c->euid != old->euid || c->egid != old->egid))
		current->mm->nodump = true;
	return err;
}

/* uid_changed - after a set*uid call's result err: the capabilities
 * follow the uids (cap_emulate_setxuid); err passes through. */
static long uid_changed(long err, const struct task_cred *old)
{
	if (!err)
		cap_emulate_setxuid(&current->cred, old);
	return ids_changed(err, old);
}

SYSCALL_DEFINE1(setuid, u32, uid)
{
	struct task_cred old = current->cred;

	return uid_changed(set_id(&current->cred, UIDS(&current->cred), uid), &old);
}

SYSCALL_DEFINE1(setgid, u32, gid)
{
	struct task_cred old = current->cred;

	return ids_changed(set_id(&current->cred, GIDS(&current->cred), gid), &old);
}

SYSCALL_DEFINE2(setreuid, u32, r, u32, e)
{
	struct task_cred old = current->cred;

	return uid_changed(set_re_id(&current->cred, UIDS(&current->cred), r, e), &old);
}

SYSCALL_DEFINE2(setregid, u32, r, u32, e)
{
	struct task_cred old = current->cred;

	return ids_changed(set_re_id(&current->cred, GIDS(&current->cred), r, e), &old);
}

SYSCALL_DEFINE3(setresuid, u32, r, u32, e, u32, s)
{
	struct task_cred old = current->cred;

	return uid_changed(set_res_id(&current->cred, UIDS(&current->cred), r, e, s),
			   &old);
}

SYSCALL_DEFINE3(setresgid, u32, r, u32, e, u32, s)
{
	struct task_cred old = current->cred;

	return ids_changed(set_res_id(&current->cred, GIDS(&current->cred), r, e, s),
			   &old);
}

/* setfsuid/setfsgid: the file-system IDs here are always the effective
 * ones, so these change nothing and return the current one (Linux
 * returns the old value whether or not it changed it). */
SYSCALL_DEFINE1(setfsuid, u32, uid) { return current->cred.euid; }
SYSCALL_DEFINE1(setfsgid, u32, gid) { return current->cred.egid; }

/* put_ids - store three IDs for getresuid / getresgid. */
static long put_ids(u32 __user *r, u32 __user *e, u32 __user *s,
		    const u32 ids[3])
{
	if (copy_to_user(r, &ids[0], sizeof(u32)) ||
	    copy_to_user(e, &ids[1], sizeof(u32)) ||
	    copy_to_user(s, &ids[2], sizeof(u32)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, u32 __user *, r, u32 __user *, e, u32 __user *, s)
{
	return put_ids(r, e, s, UIDS(&current->cred));
}

SYSCALL_DEFINE3(getresgid, u32 __user *, r, u32 __user *, e, u32 __user *, s)
{
	return put_ids(r, e, s, GIDS(&current->cred));
}

/* getgroups: size 0 asks for the count; a smaller size is -EINVAL. */
SYSCALL_DEFINE2(getgroups, int, size, u32 __user *, list)
{
	const struct task_cred *c = &current->cred;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((u32)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(list, c->groups, c->ngroups * sizeof(u32)))
		return -EFAULT;
	return c->ngroups;
}

/* setgroups: CAP_SETGID only (-EPERM); more than NGROUPS_MAX is -EINVAL,
 * more than the NGROUPS_KEPT we keep -ENOMEM (Linux's allocation failing). */
SYSCALL_DEFINE2(setgroups, int, size, const u32 __user *, list)
{
	struct task_cred *c = &current->cred;
	u32 groups[NGROUPS_KEPT];

	if (!capable(CAP_SETGID))
		return -EPERM;
	if ((u32)size > NGROUPS_MAX)
		return -EINVAL;
	if (size > NGROUPS_KEPT)
		return -ENOMEM;
	if (copy_from_user(groups, list, (size_t)size * sizeof(u32)))
		return -EFAULT;
	memcpy(c->groups, groups, (size_t)size * sizeof(u32));
	c->ngroups = (u32)size;
	return 0;
}

/* in_group_p - is gid the caller's effective group or one of its
 * supplementary groups?  (File permission checks, chown.) */
bool in_group_p(u32 gid)
{
	const struct task_cred *c;

	if (!current)
		return true; /* the kernel at boot */
	c = &current->cred;
	if (gid == c->egid)
		return true;
	for (u32 i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield();
	return 0;
}

/* ---- process groups and sessions, as far as a shell needs them ---- */

/* group_in_session - does some process of session sid lead or belong to
 * process group pgid?  A zombie not yet reaped still does (its IDs exist
 * until then, as on Linux). */
static bool group_in_session(int pgid, int sid)
{
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->pgid == pgid && t->sid == sid)
			return true;
	return false;
}

/* setpgid, with POSIX's rules: the caller or its child, in the caller's
 * session, not a session leader, into a group of that session (or a new
 * group named after the process itself). */
SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct task *t = pid ? task_find(pid) : current->group_leader;

	if (pgid < 0)
		return -EINVAL;
	if (!t || !thread_group_leader(t) || t->state == TASK_ZOMBIE ||
	    (t->tgid != current->tgid && (!t->parent || t->parent->tgid != current->tgid)))
		return -ESRCH;
	if (!pgid)
		pgid = t->tgid;
	if (t->sid != current->sid || t->sid == t->tgid)
		return -EPERM;
	if (pgid != t->tgid && !group_in_session(pgid, current->sid))
		return -EPERM;
	t->pgid = pgid;
	return 0;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	struct task *t = pid ? task_find(pid) : current;

	return t ? t->pgid : -ESRCH;
}

SYSCALL_DEFINE0(getpgrp) { return current->pgid; }

SYSCALL_DEFINE1(getsid, int, pid)
{
	struct task *t = pid ? task_find(pid) : current;

	return t ? t->sid : -ESRCH;
}

SYSCALL_DEFINE0(setsid)
{
	struct task *t = current;

	if (t->pgid == t->pid)
		return -EPERM; /* already a group leader */
	t->sid = t->pgid = t->pid;
	return t->sid;
}

/* ---- thread bookkeeping musl does at start-up ---- */

SYSCALL_DEFINE1(set_tid_address, int __user *, tidptr)
{
	current->clear_child_tid = (u64)tidptr;
	return current->pid;
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

SYSCALL_DEFINE2(arch_prctl, int, code, u64, addr)
{
	struct task *t = current;

	switch (code) {
	case ARCH_SET_FS:
		if (addr >= TASK_SIZE_MAX) /* Linux's limit: the last page too */
			return -EPERM;
		arch_set_fs_base(&t->thread, addr);
		return 0;
	case ARCH_GET_FS:
		return put_user_u64((void __user *)addr, arch_get_fs_base());
	case ARCH_SET_GS:
		if (addr >= TASK_SIZE_MAX)
			return -EPERM;
		arch_set_gs_base(&t->thread, addr);
		return 0;
	case ARCH_GET_GS:
		return put_user_u64((void __user *)addr, arch_get_gs_base());
	case ARCH_GET_CPUID: /* 1: CPUID works in user mode */
		return 1;
	case ARCH_SET_CPUID: /* as Linux on a CPU without CPUID faulting */
		return -ENODEV;
	default:
		return -EINVAL;
	}
}

/* prctl options (include/uapi/linux/prctl.h). */
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_GET_TSC 25
#define PR_SET_TSC 26
#define PR_TSC_ENABLE 1
#define PR_TSC_SIGSEGV 2
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define NSIG_MAX 64
#define TIMER_SLACK_DEFAULT_NS 50000 /* Linux's, for a normal task */
/* vmos's own prctl: log every page fault of this process (and of what it
 * forks and execs) with its resolution; arg2 = 1 on, 0 off. */
#define PR_VMOS_VMTRACE 0x564d5452 /* "VMTR" */

struct task *reaper_for_orphans(struct task *leader)
{
	struct k_siginfo info = { .si_code = SI_USER };

	info.f.kill.pid = leader->tgid;
	info.f.kill.uid = leader->cred.uid;
	for (struct task *c = leader->children; c; c = c->next_sibling)
		for_each_thread(c, t)
			if (t->pdeath_signal && t->state != TASK_ZOMBIE) {
				info.si_signo = t->pdeath_signal;
				send_group_signal(t, t->pdeath_signal, &info);
			}
	/* As Linux's find_new_reaper(): the ancestors below init. */
	for (struct task *a = leader->parent; a && a->pid != INIT_PID; a = a->parent)
		if (a->child_subreaper && process_alive(a) && !a->group_exiting)
			return a;
	return task_find(INIT_PID);
}

/* timer_slack - the slack a sleep of current may take (for the timers:
 * Linux's current->timer_slack_ns). */
static u64 timer_slack(const struct task *t)
{
	return t->timer_slack_ns ? t->timer_slack_ns : TIMER_SLACK_DEFAULT_NS;
}

/* put_int - prctl's PR_GET_* answers go to an int in user memory. */
static long put_int(u64 uaddr, int v)
{
	return copy_to_user((void __user *)uaddr, &v, sizeof(v)) ? -EFAULT : 0;
}

/* prctl_name - PR_SET_NAME / PR_GET_NAME. */
static long prctl_name(int option, u64 arg2)
{
	char name[TASK_COMM_LEN];
	long n;

	if (option == PR_GET_NAME)
		return copy_to_user((void __user *)arg2, current->comm,
				    sizeof(current->comm)) ? -EFAULT : 0;
	n = strncpy_from_user(name, (const char __user *)arg2, sizeof(name));
	if (n == -EFAULT)
		return -EFAULT;
	name[sizeof(name) - 1] = '\0';
	strlcpy(current->comm, name, sizeof(current->comm));
	return 0;
}

/*
 * prctl: the options below, with Linux's checks; others are EINVAL.
 * PDEATHSIG: a signal sent to this task when its parent process ends
 * (not inherited by fork).  TSC: PR_TSC_SIGSEGV makes rdtsc fault.
 * TIMERSLACK: how late a timer may fire, 0 sets the default back.
 * CHILD_SUBREAPER: orphaned descendants are reparented to this process
 * instead of init.  The capability options are kernel/capability.c's.
 */
SYSCALL_DEFINE5(prctl, int, option, u64, arg2, u64, arg3, u64, arg4, u64, arg5)
{
	struct task *t = current;
	long err = cap_prctl(option, arg2, arg3, arg4, arg5);

	if (err != -ENOSYS)
		return err;
	switch (option) {
	case PR_SET_NAME:
	case PR_GET_NAME:
		return prctl_name(option, arg2);
	case PR_VMOS_VMTRACE:
		if (!t->mm)
			return -EINVAL;
		t->mm->vmtrace = arg2 != 0;
		return 0;
	case PR_SET_PDEATHSIG:
		if (arg2 > NSIG_MAX)
			return -EINVAL;
		t->pdeath_signal = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_int(arg2, t->pdeath_signal);
	case PR_SET_DUMPABLE: /* 0: no core file (kernel/coredump.c) */
		if (arg2 > 1)
			return -EINVAL;
		t->mm->nodump = arg2 == 0;
		return 0;
	case PR_GET_DUMPABLE:
		return !t->mm->nodump;
	case PR_SET_TSC:
		if (arg2 != PR_TSC_ENABLE && arg2 != PR_TSC_SIGSEGV)
			return -EINVAL;
		arch_set_notsc(&t->thread, arg2 == PR_TSC_SIGSEGV);
		return 0;
	case PR_GET_TSC:
		return put_int(arg2, t->thread.notsc ? PR_TSC_SIGSEGV : PR_TSC_ENABLE);
	case PR_SET_TIMERSLACK:
		t->timer_slack_ns = arg2 ? arg2 : t->default_timer_slack_ns;
		return 0;
	case PR_GET_TIMERSLACK:
		return (long)timer_slack(t);
	case PR_SET_CHILD_SUBREAPER:
		t->group_leader->child_subreaper = arg2 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_int(arg2, t->group_leader->child_subreaper);
	default:
		return -EINVAL;
	}
}

/* ---- uname ---- */

struct k_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
		domainname[65];
};

SYSCALL_DEFINE1(uname, struct k_utsname __user *, buf)
{
	struct k_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, UTS_SYSNAME, 65); /* what programs test for */
	strlcpy(u.nodename, KERNEL_NAME, 65);
	strlcpy(u.release, UTS_RELEASE, 65);
	strlcpy(u.version, UTS_VERSION, 65);
	strlcpy(u.machine, "x86_64", 65);
	strlcpy(u.domainname, "(none)", 65);
	return copy_to_user(buf, &u, sizeof(u)) ? -EFAULT : 0;
}

/* ---- resource limits ---- */

struct k_rlimit {
	u64 cur, max;
};

void rlimit_init_defaults(u64 lim[RLIM_NLIMITS][2])
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		lim[i][0] = lim[i][1] = RLIM_INFINITY;
	lim[RLIMIT_STACK][0] = 8ul << 20;
	lim[RLIMIT_NOFILE][0] = lim[RLIMIT_NOFILE][1] = 1024;
	lim[RLIMIT_CORE][0] = 0;
	lim[RLIMIT_NPROC][0] = lim[RLIMIT_NPROC][1] = 4096;
	lim[RLIMIT_MEMLOCK][0] = lim[RLIMIT_MEMLOCK][1] = 8ul << 20; /* Linux >= 5.16 */
	lim[RLIMIT_MSGQUEUE][0] = lim[RLIMIT_MSGQUEUE][1] = 819200; /* MQ_BYTES_MAX */
}

/* same_user - may c act on a process with credentials t (prlimit64)?  As
 * Linux: CAP_SYS_RESOURCE, or c's real uid and gid are all three of t's. */
static bool same_user(const struct task_cred *c, const struct task_cred *t)
{
	return capable(CAP_SYS_RESOURCE) ||
	       (c->uid == t->uid && c->uid == t->euid && c->uid == t->suid &&
		c->gid == t->gid && c->gid == t->egid && c->gid == t->sgid);
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned, resource,
		const struct k_rlimit __user *, new_lim, struct k_rlimit __user *, old)
{
	struct task *t = pid ? task_find(pid) : current;
	struct k_rlimit v;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (!t || t->state == TASK_ZOMBIE)
		return -ESRCH;
	if (t->tgid != current->tgid && !same_user(&current->cred, &t->cred))
		return -EPERM;
	v.cur = t->rlimits[resource][0];
	v.max = t->rlimits[resource][1];
	if (old && copy_to_user(old, &v, sizeof(v)))
		return -EFAULT;
	if (new_lim) {
		if (copy_from_user(&v, new_lim, sizeof(v)))
			return -EFAULT;
		if (v.cur > v.max)
			return -EINVAL;
		if (resource == RLIMIT_NOFILE && v.max > 1024)
			return -EPERM; /* our descriptor tables hold 1024 */
		if (v.max > t->rlimits[resource][1] && !capable(CAP_SYS_RESOURCE))
			return -EPERM; /* raising a hard limit is a privilege */
		t->rlimits[resource][0] = v.cur;
		t->rlimits[resource][1] = v.max;
	}
	return 0;
}

SYSCALL_DEFINE2(getrlimit, unsigned, resource, struct k_rlimit __user *, rl)
{
	struct syscall_args a = { { 0, resource, 0, (u64)rl, 0, 0 } };

	if (!rl && resource < RLIM_NLIMITS)
		return -EFAULT; /* not optional, unlike prlimit64's */
	return sys_prlimit64(&a);
}

SYSCALL_DEFINE2(setrlimit, unsigned, resource, const struct k_rlimit __user *, rl)
{
	struct syscall_args a = { { 0, resource, (u64)rl, 0, 0, 0 } };

	if (!rl)
		return -EFAULT; /* Linux copies it in before anything else */
	return sys_prlimit64(&a);
}

/* ---- resource usage ---- */

void rusage_fill(const struct rusage_counts *r, struct k_rusage *out)
{
	memset(out, 0, sizeof(*out));
	out->maxrss = (s64)r->maxrss_kb;
	out->utime_sec = r->utime_ns / 1000000000;
	out->utime_usec = r->utime_ns / 1000 % 1000000;
	out->stime_sec = r->stime_ns / 1000000000;
	out->stime_usec = r->stime_ns / 1000 % 1000000;
	out->minflt = (s64)r->minflt;
	out->majflt = (s64)r->majflt;
	out->nvcsw = (s64)r->nvcsw;
	out->nivcsw = (s64)r->nivcsw;
}

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

SYSCALL_DEFINE2(getrusage, int, who, struct k_rusage __user *, ru)
{
	struct k_rusage k;

	if (who == RUSAGE_SELF || who == RUSAGE_THREAD)
		rusage_fill(&current->ru, &k);
	else if (who == RUSAGE_CHILDREN)
		rusage_fill(&current->group_leader->ru_children, &k);
	else
		return -EINVAL;
	if (who != RUSAGE_CHILDREN) /* the peak so far, this image included */
		k.maxrss = (s64)task_maxrss_kb(current);
	return copy_to_user(ru, &k, sizeof(k)) ? -EFAULT : 0;
}

/* ---- randomness ---- */

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GETRANDOM_MAX (32u << 20)

SYSCALL_DEFINE3(getrandom, void __user *, buf, size_t, count, unsigned, flags)
{
	u8 chunk[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM))
		return -EINVAL;
	count = MIN(count, (size_t)GETRANDOM_MAX);
	while (done < count) {
		size_t n = MIN(count - done, sizeof(chunk));

		random_bytes(chunk, n);
		if (copy_to_user((u8 __user *)buf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

/* ---- reboot: power off (QEMU exits) ---- */

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xCDEF0123
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDC
#define LINUX_REBOOT_CMD_CAD_ON 0x89ABCDEF
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000

SYSCALL_DEFINE4(reboot, u32, magic1, u32, magic2, u32, cmd, void __user *, arg)
{
	(void)arg;
	if (!capable(CAP_SYS_BOOT))
		return -EPERM; /* checked first, as Linux */
	if (magic1 != LINUX_REBOOT_MAGIC1 || magic2 != LINUX_REBOOT_MAGIC2)
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_POWER_OFF:
		printk(KERN_NOTICE "reboot: power down (asked by %s[%d])\n",
		       current->comm, current->pid);
		arch_power_off(0);
	default:
		return -EINVAL;
	}
}

/* ---- sysinfo (free, uptime) ---- */

struct k_sysinfo {
	s64 uptime;
	u64 loads[3];
	u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	u16 procs, pad;
	u32 pad2;
	u64 totalhigh, freehigh;
	u32 mem_unit;
	char reserved[4];
};

SYSCALL_DEFINE1(sysinfo, struct k_sysinfo __user *, info)
{
	struct k_sysinfo k;
	u16 procs = 0;

	memset(&k, 0, sizeof(k));
	for (struct task *t = task_first(); t; t = t->all_next)
		procs++;
	k.uptime = (s64)(arch_clock_ns() / 1000000000);
	k.totalram = frames_managed_count() * PAGE_SIZE;
	k.freeram = frames_free_count() * PAGE_SIZE;
	k.totalswap = swap_total_pages() * PAGE_SIZE;
	k.freeswap = swap_free_pages() * PAGE_SIZE;
	k.procs = procs;
	k.mem_unit = 1;
	return copy_to_user(info, &k, sizeof(k)) ? -EFAULT : 0;
}
