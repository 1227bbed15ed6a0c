/*
 * mm/fault.h - a page fault, described without x86 words.
 *
 * arch/ turns the hardware's report (CR2 and the error code) into a
 * struct fault and calls handle_mm_fault(); the answer says what happens
 * next: resume, a signal for the process, or (in the kernel) a panic.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include "kernel/types.h"

enum fault_access { FAULT_READ, FAULT_WRITE, FAULT_EXEC };

struct fault {
	u64 addr;                 /* the address that was accessed */
	u64 ip;                   /* the instruction that accessed it */
	enum fault_access access;
	bool user;                /* from user mode */
	bool present;             /* the page was present: a protection fault */
	bool reserved_bit;        /* a page-table entry had a reserved bit set */
};

enum fault_result {
	FAULT_OK,             /* resolved: retry the access */
	FAULT_SIGSEGV_MAPERR, /* no region at addr */
	FAULT_SIGSEGV_ACCERR, /* the region forbids this access */
	FAULT_SIGBUS,         /* beyond the end of a mapped file */
	FAULT_OOM,            /* no memory to resolve it */
	FAULT_KERNEL_BUG,     /* a kernel-mode fault nothing explains */
};

/* vmtrace_all - log every fault of every process ("vmtrace" on the command
 * line); a process alone: prctl(PR_VMOS_VMTRACE). */
extern bool vmtrace_all;
/* vm_faults_total - page faults resolved since boot (/proc/vmstat pgfault). */
extern u64 vm_faults_total;
/* vm_major_faults - those that read their page back from disk (pgmajfault). */
extern u64 vm_major_faults;

/* handle_mm_fault - resolve f if a case applies; see fault.c. */
enum fault_result handle_mm_fault(const struct fault *f);

/*
 * fault_describe - the fault in words, e.g. "write to not-present page
 * (supervisor)", into buf (size bytes). Returns buf.
 */
char *fault_describe(const struct fault *f, char *buf, size_t size);

/*
 * fault_explain - why the address is special, or NULL: "possibly a NULL
 * pointer dereference", "kernel stack guard page: stack overflow", ...
 */
const char *fault_explain(const struct fault *f);

#endif
