/*
 * kernel/exit.h - ending a process, and the wait status its parent reads.
 *
 * Wait status, as Linux's wait4 encodes it: exit(n) gives n << 8; death by
 * signal s gives s, with WCOREFLAG (0x80) for signals whose default action
 * dumps core.
 */
#ifndef KERNEL_EXIT_H
#define KERNEL_EXIT_H

#include "kernel/types.h"

#define WCOREFLAG 0x80
#define W_EXITCODE(code) (((code) & 0xff) << 8)
#define WNOHANG 1
#define WUNTRACED 2

/* do_exit - end current with this wait status; never returns. */
__noreturn void do_exit(int wait_status);

#endif
