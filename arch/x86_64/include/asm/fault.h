/*
 * asm/fault.h - the x86 page fault (#PF): decoding its error code and CR2
 * into the arch-neutral struct fault of mm/fault.h, and its words.
 */
#ifndef ASM_FAULT_H
#define ASM_FAULT_H

#include <vmos/types.h>
#include "mm/fault.h"

struct trap_frame;

/* page_fault - vector 14: hand the fault to mm, then resume, signal the
 * process, resume a user copy at its fixup (-EFAULT), or panic. */
void page_fault(struct trap_frame *tf);

/*
 * fault_describe - the hardware's report in words, e.g. "write to
 * not-present page (supervisor)", into buf (size bytes).  Returns buf.
 */
char *fault_describe(const struct fault *f, char *buf, size_t size);

/*
 * fault_explain - why a kernel-mode fault's address or access is special,
 * or NULL: "possibly a NULL pointer dereference", "kernel stack guard
 * page: the stack overflowed", the SMEP, SMAP and NX cases...
 */
const char *fault_explain(const struct fault *f);

#endif
