/*
 * kernel/syscall_table.c - the table syscall_dispatch() indexes by number.
 */
#include "kernel/syscall_table.h"

const struct syscall_entry syscall_table[NR_SYSCALLS] = {
#define SYSCALL(nr, name) [nr] = { #name, sys_##name },
#include "kernel/syscall_list.h"
#undef SYSCALL
};
