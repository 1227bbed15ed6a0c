/*
 * kernel/syscall.c - from the syscall instruction to a handler and back.
 */
#include "kernel/syscall.h"
#include "kernel/entry.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/syscall_table.h"
#include "kernel/task.h"
#include <asm/arch.h>
#include <asm/syscall.h>

static u64 enosys_logged[NR_SYSCALLS / 64];

static const char *syscall_name(u64 nr)
{
	if (nr < NR_SYSCALLS && syscall_table[nr].name)
		return syscall_table[nr].name;
	return "unknown";
}

/* An unimplemented call: log its number and name once, return -ENOSYS. */
static long not_implemented(u64 nr)
{
	if (nr < NR_SYSCALLS && !(enosys_logged[nr / 64] & (1ull << (nr % 64)))) {
		enosys_logged[nr / 64] |= 1ull << (nr % 64);
		pr_warn("syscall %lu (%s) not implemented (called by %s[%d])\n",
			nr, syscall_name(nr), current->comm, current->pid);
	} else if (nr >= NR_SYSCALLS) {
		pr_warn("syscall %lu is out of range (called by %s[%d])\n", nr,
			current->comm, current->pid);
	}
	return -ENOSYS;
}

/* Called from entry.asm with the user's registers saved in tf. */
void syscall_dispatch(struct trap_frame *tf)
{
	u64 nr = syscall_get_nr(tf);
	struct syscall_args args;
	long ret;

	syscall_get_args(tf, args.a);
	arch_irq_enable();
	if (nr < NR_SYSCALLS && syscall_table[nr].fn)
		ret = syscall_table[nr].fn(&args);
	else
		ret = not_implemented(nr);
	syscall_set_return(tf, ret);
	exit_to_user_mode(tf);
}
