/*
 * kernel/fork.c - fork, vfork and clone: a new process that is a copy of
 * the caller, or a new thread in the caller's process.
 *
 * A new process gets a copy of the address space (mm_fork), of the
 * descriptor table, of the file system context and of the signal handlers.
 * clone's CLONE_* flags share them instead (each is reference-counted), and
 * with CLONE_THREAD the new task joins the caller's thread group: same
 * process ID, same parent, its own TID, stack and TLS.  Either way the new
 * task starts by returning 0 from the same system call, while the caller
 * gets its PID (TID).
 */
#include "kernel/rseq.h"
#include "kernel/capability.h"
#include "kernel/capability.h"
#include <vmos/errno.h>
#include "fs/vfs.h"
#include <vmos/printk.h>
#include "kernel/pidfd.h"
#include "kernel/rlimit.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include <vmos/string.h>
#include "mm/frame.h"
#include "mm/mm.h"
#include <asm/syscall.h>

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_NEWCGROUP 0x02000000
#define CLONE_NEWUTS 0x04000000
#define CLONE_NEWIPC 0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_NEWNET 0x40000000
#define CLONE_DETACHED 0x00400000
#define CLONE_NEWTIME 0x00000080        /* clone3 only: in CSIGNAL's bits */
#define CLONE_CLEAR_SIGHAND 0x100000000ull /* clone3 only */
#define CLONE_INTO_CGROUP 0x200000000ull   /* clone3 only */

#define MIN_THREADS 20 /* max_threads() on the smallest machine */

/* What we do not implement: namespaces. */
#define CLONE_UNSUPPORTED                                                  \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |                    \
	 CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/* The child's first moment in the kernel: nothing to do but return to user
 * mode through the copied frame (task_start jumps to trap_return). */
static void fork_child_entry(void *arg)
{
	(void)arg;
}

static void link_child(struct task *parent, struct task *child)
{
	child->parent = parent;
	child->next_sibling = parent->children;
	parent->children = child;
}

/* Undo a half-built child. */
static void fork_fail(struct task *child)
{
	if (child->files)
		files_put(child->files);
	if (child->fs)
		fs_context_put(child->fs);
	if (child->mm)
		mm_put(child->mm);
	task_free(child);
}

/* share_vm - does clone share the address space?  CLONE_VM does (vfork
 * too: the caller sleeps meanwhile, see vfork_wait()). */
static bool share_vm(u64 flags)
{
	return flags & CLONE_VM;
}

/* The child's address space, descriptors and fs context: shared with the
 * parent as the flags say, else copies.  0 or -ENOMEM. */
static int copy_resources(struct task *child, struct task *parent, u64 flags)
{
	if (share_vm(flags)) {
		mm_get(parent->mm);
		child->mm = parent->mm;
	} else {
		child->mm = mm_fork(parent->mm);
	}
	if (flags & CLONE_FILES) { /* one table: a new descriptor is everyone's */
		child->files = parent->files;
		child->files->refcount++;
	} else {
		child->files = files_fork(parent->files);
	}
	if (flags & CLONE_FS) { /* one cwd and umask */
		child->fs = parent->fs;
		child->fs->refcount++;
	} else {
		child->fs = fs_context_fork(parent->fs);
	}
	return child->mm && child->files && child->fs ? 0 : -ENOMEM;
}

/* The child's signal state: the parent's handlers (shared with
 * CLONE_SIGHAND, else copied) and blocked mask, nothing pending.  A child
 * sharing the memory gets no alternate stack (it would share the parent's). */
static void copy_signals(struct task *child, struct task *parent, u64 flags)
{
	if (flags & CLONE_SIGHAND) {
		parent->sig.sighand->count++;
		signal_use_sighand(&child->sig, parent->sig.sighand);
	} else {
		memcpy(child->sig.action, parent->sig.action,
		       sizeof(child->sig.sighand->action));
	}
	if (flags & CLONE_CLEAR_SIGHAND) /* clone3: handlers back to default */
		for (int i = 0; i < NSIG; i++)
			if (child->sig.action[i].handler != SIG_IGN)
				child->sig.action[i] = (struct k_sigaction){ 0 };
	child->sig.blocked = parent->sig.blocked;
	child->sig.altstack = parent->sig.altstack;
	if (share_vm(flags))
		child->sig.altstack = (struct k_stack){ .ss_flags = SS_DISABLE };
}

/*
 * join_family - the child becomes a thread of the parent's group
 * (CLONE_THREAD: same tgid and parent) or a new process, a child of the
 * parent's process (of its leader, whichever thread forked).
 */
static void join_family(struct task *child, struct task *parent, u64 flags)
{
	struct task *leader = parent->group_leader;

	if (flags & CLONE_THREAD) {
		child->tgid = parent->tgid;
		child->group_leader = leader;
		child->parent = leader->parent;
		leader->group_live++;
	} else if (flags & CLONE_PARENT) { /* a sibling of the caller */
		link_child(leader->parent, child);
	} else {
		link_child(leader, child);
	}
}

/*
 * max_threads - how many tasks may exist at once.  Linux's
 * set_max_threads() lets their kernel stacks take an eighth of memory.  A
 * task here costs about six times its kernel stack (the task, its file
 * table and signal handlers, page tables, the reverse map of its pages:
 * 23 frames for a small forked process), so an eighth in kernel stacks
 * would be nearly all of memory, and a fork bomb would meet the OOM killer
 * before EAGAIN.  So a sixteenth: 240 tasks with 64 MiB, half of memory.
 * At least MIN_THREADS, and never more than there are PIDs.
 */
static unsigned max_threads(void)
{
	u64 n = frames_managed_count() * PAGE_SIZE / (16ul * KSTACK_SIZE);

	return (unsigned)MIN(MAX(n, (u64)MIN_THREADS), (u64)PID_MAX - 2);
}

/*
 * task_limits_ok - may the caller make one more task?  Not when
 * max_threads() exist, nor when its user already has RLIMIT_NPROC tasks
 * (root is exempt from that one, as Linux's CAP_SYS_RESOURCE): fork then
 * fails with EAGAIN.
 */
static bool task_limits_ok(const struct task *parent)
{
	const struct task_cred *c = &parent->cred;

	if (task_count() >= max_threads())
		return false;
	return c->uid == 0 || capable(CAP_SYS_RESOURCE) || capable(CAP_SYS_ADMIN) ||
	       task_count_user(c->uid) < parent->rlimits[RLIMIT_NPROC][0];
}

/*
 * copy_process - a new task made from current as clone's flags say; its
 * user frame is the caller's with rax = 0 (and rsp = stack if given, the
 * TLS base = tls with CLONE_SETTLS).  Returns the child, not yet runnable,
 * or NULL with *err set: -ENOMEM, -EAGAIN (too many tasks), or -EINTR
 * if the caller's process is dying (no new thread or process may escape exit_group or execve).
 */
static struct task *copy_process(u64 flags, u64 stack, u64 tls, int *err)
{
	struct task *parent = current, *child;
	struct trap_frame *tf;

	*err = -EINTR;
	if (parent->group_leader->group_exiting || fatal_signal_pending(parent))
		return NULL;
	*err = -EAGAIN;
	if (!task_limits_ok(parent))
		return NULL;
	*err = -ENOMEM;
	child = task_alloc(parent->comm);
	if (!child)
		return NULL;
	*err = copy_resources(child, parent, flags);
	if (*err) {
		fork_fail(child);
		return NULL;
	}
	strlcpy(child->exe_path, parent->exe_path, sizeof(child->exe_path));
	child->pgid = parent->group_leader->pgid; /* the process's */
	child->sid = parent->group_leader->sid;
	copy_signals(child, parent, flags);
	memcpy(child->rlimits, parent->rlimits, sizeof(child->rlimits));
	child->cred = parent->cred;
	sched_fork(child, parent);
	rseq_fork(child, parent, share_vm(flags));
	/* Linux: the slack is inherited and becomes the child's default;
	 * the parent-death signal is not inherited. */
	child->timer_slack_ns = child->default_timer_slack_ns =
		parent->timer_slack_ns ? parent->timer_slack_ns : parent->default_timer_slack_ns;

	tf = task_user_frame(child);
	*tf = *task_user_frame(parent);
	syscall_set_return(tf, 0); /* the child sees fork() return 0 */
	if (stack)
		frame_set_user_sp(tf, stack);
	arch_thread_fork(&child->thread);
	if (flags & CLONE_SETTLS) { /* Linux: as ARCH_SET_FS, selector 0 */
		child->thread.fs_base = tls;
		child->thread.fsindex = 0;
	}
	arch_thread_start(&child->thread, child->kstack.top, fork_child_entry, NULL);
	join_family(child, parent, flags);
	return child;
}

/*
 * vfork_wait - the caller of a CLONE_VFORK clone sleeps until the child
 * (pid) execs or exits, as Linux (only a fatal signal ends the wait).
 * The child runs in the caller's memory meanwhile (CLONE_VM).
 */
static void vfork_wait(void)
{
	u64 flags = arch_irq_save();

	while (current->vfork_child && !wait_sleep_killable(&current->vfork_wq))
		;
	current->vfork_child = 0;
	arch_irq_restore(flags);
}

void vfork_done(struct task *t)
{
	struct task *p = t->vfork_parent ? task_find(t->vfork_parent) : NULL;

	t->vfork_parent = 0;
	if (p && p->vfork_child == t->pid) {
		p->vfork_child = 0;
		wake_up(&p->vfork_wq);
	}
}

/* start_child - make the child runnable; with CLONE_VFORK wait for it. */
static long start_child(struct task *child, u64 flags)
{
	int pid = child->pid;

	if (flags & CLONE_VFORK) {
		current->vfork_child = pid;
		child->vfork_parent = current->pid;
	}
	sched_add(child);
	if (flags & CLONE_VFORK)
		vfork_wait();
	return pid;
}

SYSCALL_DEFINE0(fork)
{
	int err;
	struct task *child = copy_process(0, 0, 0, &err);

	if (!child)
		return err;
	return start_child(child, 0);
}

/* vfork: the child shares the caller's memory, and the caller sleeps
 * until the child execs or exits. */
SYSCALL_DEFINE0(vfork)
{
	int err;
	struct task *child = copy_process(CLONE_VM | CLONE_VFORK, 0, 0, &err);

	if (!child)
		return err;
	return start_child(child, CLONE_VM | CLONE_VFORK);
}

/*
 * clone_flags_valid - 0, or -EINVAL for combinations Linux refuses (a
 * thread shares the handlers, handlers live in shared memory, init may
 * not make a sibling) and for what we do not implement; -EPERM for a TLS
 * base outside user space.
 */
static int clone_flags_valid(u64 flags, u64 tls)
{
	if (flags & CLONE_UNSUPPORTED)
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_PARENT) && current->group_leader->pid == INIT_PID)
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= USER_SPACE_END)
		return -EPERM;
	if ((flags & CLONE_PIDFD) && (flags & (CLONE_DETACHED | CLONE_THREAD)))
		return -EINVAL;
	return 0;
}

/* clone_pidfd - CLONE_PIDFD: a descriptor for the child-to-be, its number
 * stored at upidfd: fd and *fp (see pidfd_prepare), or -errno. */
static int clone_pidfd(int __user *upidfd, struct file **fp)
{
	int fd = pidfd_prepare(0, fp);

	if (fd >= 0 && copy_to_user(upidfd, &fd, sizeof(fd))) {
		pidfd_bind(*fp, fd, NULL);
		return -EFAULT;
	}
	return fd;
}

/* do_clone - clone and clone3 once their arguments are read (upidfd:
 * where CLONE_PIDFD stores the descriptor). */
static long do_clone(u64 flags, u64 stack, int __user *parent_tid,
		     int __user *child_tid, u64 tls, int __user *upidfd)
{
	int err = clone_flags_valid(flags, tls), pidfd = -1;
	struct file *pidfile = NULL;
	struct task *child;

	if (err)
		return err;
	if ((flags & CLONE_PIDFD) && (pidfd = clone_pidfd(upidfd, &pidfile)) < 0)
		return pidfd;
	child = copy_process(flags, stack, tls, &err);
	if (pidfile)
		pidfd_bind(pidfile, pidfd, child);
	if (!child)
		return err;
	if ((flags & CLONE_PARENT_SETTID) && parent_tid)
		copy_to_user(parent_tid, &child->pid, sizeof(int));
	if (flags & CLONE_CHILD_SETTID)
		mm_put_user_u32(child->mm, (u64)child_tid, (u32)child->pid);
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = (u64)child_tid;
	return start_child(child, flags);
}

/*
 * clone: fork-like uses (flags = a signal number, maybe with
 * CLONE_CHILD_SETTID/CLEARTID/PARENT_SETTID, or CLONE_VM|CLONE_VFORK as
 * posix_spawn uses) and threads, as musl's pthread_create makes them:
 * CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|
 * CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_DETACHED, a
 * new stack and a TLS base.  CLONE_PARENT makes the child the caller's
 * sibling.  CLONE_SYSVSEM and CLONE_DETACHED are accepted and ignored, and
 * so is the exit signal in CSIGNAL (the parent always gets SIGCHLD).
 */
SYSCALL_DEFINE5(clone, u64, flags, u64, stack, int __user *, parent_tid,
		int __user *, child_tid, u64, tls)
{
	/* The old call has one pointer for the parent's TID and the pidfd. */
	if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID))
		return -EINVAL;
	return do_clone(flags & ~(CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP) & 0xffffffffull,
			stack, parent_tid, child_tid, tls, parent_tid);
}

/* struct clone_args of clone3, its first version (64 bytes); later ones
 * add set_tid, set_tid_size (80) and cgroup (88). */
struct clone_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	u64 set_tid, set_tid_size, cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64

/* clone3_args - copy in size bytes of struct clone_args; as Linux's
 * copy_struct_from_user: EINVAL if smaller than the first version,
 * E2BIG if larger than a page or than ours with a nonzero byte beyond. */
static int clone3_args(struct clone_args *a, const u8 __user *uargs, size_t size)
{
	u8 rest[64];

	memset(a, 0, sizeof(*a));
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (copy_from_user(a, uargs, MIN(size, sizeof(*a))))
		return -EFAULT;
	for (size_t off = sizeof(*a); off < size; off += sizeof(rest)) {
		size_t n = MIN(size - off, sizeof(rest));

		if (copy_from_user(rest, uargs + off, n))
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (rest[i])
				return -E2BIG;
	}
	return 0;
}

/*
 * clone3_valid - Linux's checks of the arguments: EINVAL for an exit
 * signal out of range (or with CLONE_THREAD/CLONE_PARENT), flags of the
 * legacy call's signal bits or CLONE_DETACHED, CLONE_SIGHAND with
 * CLONE_CLEAR_SIGHAND, a stack without a size or a size without a stack.
 * set_tid and CLONE_INTO_CGROUP are not supported here: EINVAL.
 */
static int clone3_valid(const struct clone_args *a)
{
	if ((a->exit_signal & ~0xffull) || a->exit_signal > NSIG)
		return -EINVAL;
	if (a->flags & ~(0xffffffffull | CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if (a->flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
		return -EINVAL;
	if ((a->flags & CLONE_SIGHAND) && (a->flags & CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if ((a->flags & (CLONE_THREAD | CLONE_PARENT)) && a->exit_signal)
		return -EINVAL;
	if (!a->stack != !a->stack_size ||
	    (a->stack && (a->stack >= USER_SPACE_END ||
			  a->stack_size > USER_SPACE_END - a->stack)))
		return -EINVAL;
	if (a->set_tid || a->set_tid_size || (a->flags & CLONE_NEWTIME))
		return -EINVAL;
	return 0;
}

/* clone3: clone with its arguments in a struct; the stack is given as
 * its lowest address and size. */
SYSCALL_DEFINE2(clone3, const u8 __user *, uargs, size_t, size)
{
	struct clone_args a;
	int err = clone3_args(&a, uargs, size);

	if (!err)
		err = clone3_valid(&a);
	if (err)
		return err;
	if ((a.flags & CLONE_PIDFD) && (a.flags & CLONE_PARENT_SETTID) &&
	    a.pidfd == a.parent_tid)
		return -EINVAL;
	return do_clone(a.flags, a.stack ? a.stack + a.stack_size : 0,
			(int __user *)a.parent_tid, (int __user *)a.child_tid, a.tls,
			(int __user *)a.pidfd);
}

/* unshare_flags_ok - Linux's check_unshare_flags, after the implied flags
 * were added: only clone's flags that unshare can mean (-EINVAL); the
 * thread group, the handlers and the address space cannot be unshared
 * here, which Linux accepts only when they are not shared anyway. */
static int unshare_flags_ok(u64 flags)
{
	struct task *t = current;

	if (flags & ~(u64)(CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND |
			   CLONE_VM | CLONE_FILES | CLONE_SYSVSEM | CLONE_NEWUTS |
			   CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER |
			   CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME))
		return -EINVAL;
	if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) &&
	    t->group_leader->group_live > 1)
		return -EINVAL;
	if ((flags & (CLONE_SIGHAND | CLONE_VM)) && t->sig.sighand->count > 1)
		return -EINVAL;
	if ((flags & CLONE_VM) && t->mm && t->mm->users > 1)
		return -EINVAL;
	return 0;
}

/*
 * unshare: the caller stops sharing what clone let it share.  CLONE_FILES
 * gives it its own copy of the descriptor table, CLONE_FS its own cwd and
 * umask; CLONE_SYSVSEM has no semaphore undo list to leave here.  There
 * are no namespaces: a namespace flag is -EPERM without CAP_SYS_ADMIN and
 * -EINVAL with it, as Linux built without namespaces answers (a new user
 * namespace is always -EINVAL).  Nothing changes unless everything can.
 */
SYSCALL_DEFINE1(unshare, u64, flags)
{
	struct task *t = current;
	struct files *files = NULL;
	struct fs_context *fs = NULL;
	u64 ns = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		 CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME;
	int err;

	if (flags & CLONE_NEWUSER)
		flags |= CLONE_THREAD | CLONE_FS;
	if (flags & CLONE_VM)
		flags |= CLONE_SIGHAND;
	if (flags & CLONE_SIGHAND)
		flags |= CLONE_THREAD;
	if (flags & CLONE_NEWNS)
		flags |= CLONE_FS;
	err = unshare_flags_ok(flags);
	if (err)
		return err;
	if (flags & CLONE_NEWUSER)
		return -EINVAL;
	if (flags & ns)
		return capable(CAP_SYS_ADMIN) ? -EINVAL : -EPERM;
	if ((flags & CLONE_FILES) && t->files && t->files->refcount > 1 &&
	    !(files = files_fork(t->files)))
		return -ENOMEM;
	if ((flags & CLONE_FS) && t->fs && t->fs->refcount > 1 &&
	    !(fs = fs_context_fork(t->fs))) {
		files_put(files);
		return -ENOMEM;
	}
	if (files) {
		files_put(t->files);
		t->files = files;
	}
	if (fs) {
		fs_context_put(t->fs);
		t->fs = fs;
	}
	return 0;
}
