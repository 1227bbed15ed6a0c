/*
 * kernel/entry.h - what happens between a trap from user mode and the
 * return to it: rescheduling, signals, and faults turned into signals.
 */
#ifndef KERNEL_ENTRY_H
#define KERNEL_ENTRY_H

#include <vmos/types.h>
#include "mm/fault.h"

struct trap_frame;

/* exit_to_user_mode - before returning to user mode: switch task if the
 * time slice is over, deliver pending signals. Returns with IRQs off. */
void exit_to_user_mode(struct trap_frame *tf);

/*
 * user_page_fault - a user fault handle_mm_fault() could not resolve (o
 * says why): queue SIGSEGV or SIGBUS with si_addr and si_code, and print
 * Linux's "segfault at" line and an explanation if the program has no
 * handler; SIGKILL for FAULT_OOM (the OOM killer chose this process).
 * hw_error is the architecture's error code, printed as Linux does.
 */
void user_page_fault(const struct fault *f, const struct fault_outcome *o,
		     u64 ip, u64 sp, u64 hw_error);

/* user_exception - another CPU exception in user mode: sig with code;
 * what names the exception, why (or NULL) explains it. */
void user_exception(int sig, int code, u64 addr, const char *what,
		    const char *why, u64 ip, u64 sp);

#endif
