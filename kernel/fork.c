/*
 * kernel/fork.c - fork, vfork and clone: a new process that is a copy of
 * the caller.  The child gets a copy of the address space (mm_fork), of
 * the descriptor table and of the signal handlers, and starts by returning
 * 0 from the same system call, while the parent gets the child's PID.
 */
#include "kernel/errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/mm.h"
#include <asm/syscall.h>

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000

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

/*
 * copy_process - a new process copied from current; its user frame is the
 * caller's with rax = 0 (and rsp = stack if given). Returns the child, not
 * yet runnable, or NULL with *err set.
 */
static struct task *copy_process(u64 stack, int *err)
{
	struct task *parent = current, *child = task_alloc(parent->comm);
	struct trap_frame *tf;

	*err = -ENOMEM;
	if (!child)
		return NULL;
	child->mm = mm_fork(parent->mm);
	child->files = files_fork(parent->files);
	child->fs = fs_context_fork(parent->fs);
	if (!child->mm || !child->files || !child->fs) {
		fork_fail(child);
		return NULL;
	}
	strlcpy(child->exe_path, parent->exe_path, sizeof(child->exe_path));
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	memcpy(child->sig.action, parent->sig.action, sizeof(child->sig.action));
	child->sig.blocked = parent->sig.blocked;
	child->sig.altstack = parent->sig.altstack;
	memcpy(child->rlimits, parent->rlimits, sizeof(child->rlimits));

	tf = task_user_frame(child);
	*tf = *task_user_frame(parent);
	syscall_set_return(tf, 0); /* the child sees fork() return 0 */
	if (stack)
		frame_set_user_sp(tf, stack);
	arch_thread_fork(&child->thread);
	arch_thread_start(&child->thread, child->kstack.top, fork_child_entry, NULL);
	link_child(parent, child);
	return child;
}

SYSCALL_DEFINE0(fork)
{
	int err;
	struct task *child = copy_process(0, &err);

	if (!child)
		return err;
	sched_add(child);
	return child->pid;
}

/* vfork may behave as fork: the child gets its own copy of memory. */
SYSCALL_DEFINE0(vfork)
{
	return sys_fork(NULL);
}

/*
 * clone: the fork-like uses (flags = a signal number, maybe with
 * CLONE_CHILD_SETTID/CLEARTID/PARENT_SETTID, or CLONE_VM|CLONE_VFORK as
 * posix_spawn uses, which we run as fork). Threads (CLONE_THREAD) arrive
 * with the address-space milestone.
 */
SYSCALL_DEFINE5(clone, u64, flags, u64, stack, int __user *, parent_tid,
		int __user *, child_tid, u64, tls)
{
	int err;
	struct task *child;

	(void)tls;
	if (flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_SETTLS | CLONE_FILES |
		     CLONE_FS))
		return -EINVAL;
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL; /* a shared address space needs threads */
	child = copy_process(stack, &err);
	if (!child)
		return err;
	if ((flags & CLONE_PARENT_SETTID) && parent_tid)
		copy_to_user(parent_tid, &child->pid, sizeof(int));
	if (flags & CLONE_CHILD_SETTID)
		mm_copy_to(child->mm, (u64)child_tid, &child->pid, sizeof(int));
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = (u64)child_tid;
	sched_add(child);
	return child->pid;
}
