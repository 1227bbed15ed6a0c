/*
 * kernel/pidfd.c - process file descriptors: pidfd_open, pidfd_send_signal,
 * process_mrelease (Linux's kernel/pid.c, kernel/signal.c, mm/oom_kill.c).
 *
 * A pidfd names one process (its leader) for as long as it is open, even
 * after the process is reaped and its PID given to another: like a /proc
 * handle it keeps the PID and the task's start time, and a task with that
 * PID but another start time is not the one it was opened for.
 *
 * poll() on a pidfd: readable (POLLIN) once every thread of the process has
 * exited.  exit.c calls pidfd_notify() when a process ends and when it is
 * reaped.
 *
 * process_mrelease(pidfd, 0) frees a dying process's private anonymous
 * memory now rather than when its last thread gets around to exiting:
 * Linux's OOM reaper, called by a user-space memory manager.
 */
#include "kernel/pidfd.h"
#include <vmos/errno.h>
#include "fs/internal.h"
#include "fs/vfs.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "mm/kmalloc.h"
#include "mm/mm.h"
#include "mm/pagetable.h"

#define PIDFD_NONBLOCK O_NONBLOCK

/* What a pidfd holds: the process it was opened for. */
struct pidfd {
	int pid;      /* the leader's PID (the process ID) */
	u64 start_ns; /* its start time: tells it from a later holder of pid */
};

static const struct file_operations pidfd_fops;

/* pidfd_task - the leader of f's process while it is not reaped, else NULL. */
static struct task *pidfd_task(const struct file *f)
{
	const struct pidfd *p = f->private;
	struct task *t = p->pid ? task_find(p->pid) : NULL;

	return t && t->start_ns == p->start_ns ? t : NULL;
}

/* pidfd_poll - readable once every thread of the process has exited, or
 * it is reaped (Linux 6.1's pidfd_poll: no POLLHUP, that came later). */
static unsigned pidfd_poll(struct file *f)
{
	struct task *t = pidfd_task(f);

	return t && process_alive(t) ? 0 : POLLIN | POLLRDNORM;
}

static void pidfd_release(struct file *f)
{
	kfree(f->private);
}

void pidfd_notify(void)
{
	poll_notify();
}

static const struct file_operations pidfd_fops = {
	.poll = pidfd_poll,
	.release = pidfd_release,
	.stream = true,
};

int pidfd_prepare(u32 flags, struct file **fp)
{
	struct pidfd *p = kzalloc(sizeof(*p));
	struct file *f;
	int err, fd;

	if (!p)
		return -ENOMEM;
	f = anon_inode_getfile("[pidfd]", &pidfd_fops, p, O_RDWR | flags, &err);
	if (!f) {
		kfree(p);
		return err;
	}
	file_get(f); /* the caller's, until pidfd_bind() */
	fd = fd_install(current->files, f, true);
	if (fd < 0) {
		file_put(f);
		file_put(f);
		return fd;
	}
	*fp = f;
	return fd;
}

void pidfd_bind(struct file *f, int fd, struct task *t)
{
	struct pidfd *p = f->private;

	if (t) {
		p->pid = t->pid;
		p->start_ns = t->start_ns;
	} else {
		fd_close(current->files, fd);
	}
	file_put(f);
}

int pidfd_create(struct task *t, u32 flags)
{
	struct file *f;
	int fd = pidfd_prepare(flags, &f);

	if (fd >= 0)
		pidfd_bind(f, fd, t);
	return fd;
}

/* pidfd_open: EINVAL for unknown flags, a PID <= 0 or a thread that is not
 * a process's leader; ESRCH for no such task (a zombie is still one). */
SYSCALL_DEFINE2(pidfd_open, int, pid, unsigned int, flags)
{
	struct task *t;

	if (flags & ~PIDFD_NONBLOCK)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL;
	t = task_find(pid);
	if (!t)
		return -ESRCH;
	if (!thread_group_leader(t))
		return -EINVAL;
	return pidfd_create(t, flags);
}

/* pidfd_get_task - the process behind descriptor fd: 0 and *tp (NULL when
 * the process is reaped: -ESRCH), or -EBADF (not open, not a pidfd). */
static int pidfd_get_task(int fd, struct task **tp)
{
	struct file *f = fd >= 0 ? fd_get(current->files, fd) : NULL;

	if (!f)
		return -EBADF;
	if (f->fops != &pidfd_fops) {
		file_put(f);
		return -EBADF;
	}
	*tp = pidfd_task(f);
	file_put(f);
	return *tp ? 0 : -ESRCH;
}

/*
 * pidfd_send_signal: kill() through a pidfd.  info, if given, is the
 * siginfo to send (rt_sigqueueinfo's rules: its signal number must be
 * sig; another process may only be sent negative codes other than
 * SI_TKILL, i.e. not pretend to be the kernel or kill()).
 */
SYSCALL_DEFINE4(pidfd_send_signal, int, pidfd, int, sig,
		const struct k_siginfo __user *, uinfo, unsigned int, flags)
{
	struct k_siginfo info = { .si_signo = sig, .si_code = SI_USER };
	struct task *t;
	int err;

	if (flags)
		return -EINVAL;
	err = pidfd_get_task(pidfd, &t);
	if (err)
		return err;
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (uinfo) {
		if (copy_from_user(&info, uinfo, sizeof(info)))
			return -EFAULT;
		if (info.si_signo != sig)
			return -EINVAL;
		if (t->tgid != current->tgid &&
		    (info.si_code >= 0 || info.si_code == SI_TKILL))
			return -EPERM;
	} else {
		info.f.kill.pid = current->tgid;
		info.f.kill.uid = current->cred.uid;
	}
	return group_send_sig_info(sig, &info, t);
}

/* Is every task using mm dying (SIGKILL pending, or exited)?  Only then may
 * its memory go: a process sharing it through CLONE_VM still needs it, and
 * so does a thread that is exec'ing (group_exiting is set then too, so it
 * does not count here). */
static bool mm_users_dying(const struct mm *mm)
{
	for (struct task *t = task_first(); t; t = t->all_next)
		if (t->mm == mm && t->state != TASK_ZOMBIE && !fatal_signal_pending(t))
			return false;
	return true;
}

/* mm_reap - free mm's private anonymous pages (Linux's __oom_reap_task_mm:
 * shared, file-backed and locked regions are left to the exit). */
static void mm_reap(struct mm *mm)
{
	for (struct vm_area_struct *v = vma_first(&mm->vmas); v;
	     v = vma_next(&mm->vmas, v)) {
		if (v->vm_file || (v->vm_flags & (VM_SHARED | VM_LOCKED)))
			continue;
		pt_unmap_range(mm->pgd, v->vm_start, v->vm_end, mm_drop_entry, mm);
	}
}

/*
 * process_mrelease: EINVAL for flags; EBADF, ESRCH (reaped, or its memory
 * already gone); EINVAL for a process that is not dying (no SIGKILL and
 * not exiting).  The reaped process is dying, so nothing can see the pages
 * go; a task of it that sleeps in the kernel and touches one again gets a
 * zero page, as after Linux's reaper.
 */
SYSCALL_DEFINE2(process_mrelease, int, pidfd, unsigned int, flags)
{
	struct task *t;
	struct mm *mm;
	int err;

	if (flags)
		return -EINVAL;
	err = pidfd_get_task(pidfd, &t);
	if (err)
		return err;
	mm = NULL;
	for_each_thread(t, u)
		if (u->mm && u->state != TASK_ZOMBIE)
			mm = u->mm;
	if (!mm)
		return -ESRCH;
	if (!mm_users_dying(mm))
		return -EINVAL;
	mm_reap(mm);
	return 0;
}
