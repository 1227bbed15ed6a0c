/*
 * kernel/syscall_table.h - declarations of every handler sys_NAME, weak:
 * a call that no file defines (with SYSCALL_DEFINEn) is a NULL entry in the
 * table, which syscall_dispatch() answers with -ENOSYS and a log line.
 */
#ifndef KERNEL_SYSCALL_TABLE_H
#define KERNEL_SYSCALL_TABLE_H

#include "kernel/syscall.h"

#define SYSCALL(nr, name) \
	extern long sys_##name(const struct syscall_args *) __attribute__((weak));
#include "kernel/syscall_list.h"
#undef SYSCALL

#endif
