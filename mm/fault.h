/*
 * mm/fault.h - a page fault, described without x86 words, and what the
 * kernel made of it.
 *
 * arch/x86_64/fault.c turns the hardware's report (CR2 and the error
 * code) into a struct fault and calls handle_mm_fault(), which returns a
 * struct fault_outcome: the result (resume, a signal, out of memory), the
 * case that ran or the reason it refused, in words, and a snapshot of the
 * region.  vmtrace, the counters, the SIGSEGV/SIGBUS explanation
 * (kernel/entry.c) and the panic message all read that one outcome;
 * nothing works the fault out a second time.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include <vmos/types.h>

struct mm;
struct vm_area_struct;

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
	FAULT_SIGBUS,         /* beyond the end of a mapped file, or a swap read failed */
	FAULT_KERNEL_BUG,     /* a kernel-mode fault nothing explains */
	FAULT_OOM,            /* no memory to resolve it */
	FAULT_AGAIN,          /* within handle_mm_fault() only: it slept for
			       * the disk, and decides again (the last: see
			       * try_again()) */
};

/* Which case of the decision tree ran, or why none could (the words of
 * each, as vmtrace prints them: fault_how_words()). */
enum fault_how {
	HOW_ZERO_FILL,        /* do_anonymous_page() */
	HOW_STACK_GROW,       /* expand_stack(), then do_anonymous_page() */
	HOW_FILE_SHARED,      /* do_shared_fault() */
	HOW_FILE_READ,        /* do_read_fault(): read-only until written */
	HOW_FILE_COW,         /* do_cow_fault(): a private copy */
	HOW_COW_COPY,         /* do_wp_page(): copied */
	HOW_COW_REUSE,        /* do_wp_page(): the last user, made writable */
	HOW_SWAP_IN_MAJOR,    /* do_swap_page(): read from disk */
	HOW_SWAP_IN_CACHE,    /* do_swap_page(): from the swap cache */
	HOW_SPURIOUS,         /* already mapped as allowed: a stale TLB entry */
	HOW_KERNEL_HALF,      /* a user address in the kernel's half */
	HOW_NO_REGION,        /* SEGV_MAPERR */
	HOW_STACK_OVERFLOW,   /* below the stack, within limit + guard gap of it */
	HOW_BELOW_STACK,      /* below the stack, farther: no region */
	HOW_FORBIDDEN,        /* SEGV_ACCERR */
	HOW_BEYOND_EOF,       /* SIGBUS: past the file's last page */
	HOW_SWAP_IO_ERROR,    /* SIGBUS: the page could not be read back */
	HOW_OUT_OF_MEMORY,
	HOW_USERFAULT,        /* handle_userfault(): the monitor was asked */
	HOW_USERFAULT_SIGBUS, /* SIGBUS: UFFD_FEATURE_SIGBUS, or a kernel
				 access that may not wait for the monitor */
	HOW_LAB_STUB,         /* SIGSEGV: a lab skeleton's unwritten case */
};

/*
 * fault_sigsegv_stub - what a fault case that a lab's skeleton leaves
 * unwritten returns (docs/labs/README.md): -ENOSYS, which the decision
 * tree turns into SIGSEGV (HOW_LAB_STUB), never a retry or a panic.
 * lab and fn name the lab and the function, for the kernel log.
 */
int fault_sigsegv_stub(const char *lab, const char *fn);

/* What handle_mm_fault() found and did.  region is a copy of the region
 * the address fell in, or of the first region above it (a stack the
 * fault was below, say), taken when the decision was made; valid is false
 * when there was none (fault_in_region() tells the two apart). */
struct fault_outcome {
	enum fault_result result;
	enum fault_how how;
	bool major; /* the page was read from disk */
	struct {
		bool valid;
		u64 start, end, flags; /* vm_start, vm_end, vm_flags */
		const struct vm_area_struct *vma; /* for its name; valid until
						     the mm next changes */
	} region;
};

/* fault_in_region - did the address fall inside o's region? */
static inline bool fault_in_region(const struct fault *f,
				   const struct fault_outcome *o)
{
	return o->region.valid && f->addr >= o->region.start;
}

/* NULL_GUARD_END - an access below this is a NULL pointer plus a small
 * offset: nothing is ever mapped there (Linux's mmap_min_addr, 64 KiB). */
#define NULL_GUARD_END 0x10000ul

/* vm_faults_total - page faults resolved since boot (/proc/vmstat pgfault). */
extern u64 vm_faults_total;
/* vm_major_faults - those that read their page back from disk (pgmajfault). */
extern u64 vm_major_faults;

/*
 * handle_mm_fault - resolve fault f in address space mm (NULL: a kernel
 * thread's) if a case applies; see fault.c.  What it found and did goes
 * in *o, and its result is returned (o->result).  Counts the fault for
 * the current task and logs it if vmtrace is on.
 */
enum fault_result handle_mm_fault(struct mm *mm, const struct fault *f,
				  struct fault_outcome *o);

/* fault_how_words - the case or refusal in words ("zero-fill", "cow
 * copy", "SIGSEGV: no region here (SEGV_MAPERR)"). */
const char *fault_how_words(enum fault_how how);

/* fault_access_verb - "read", "write" or "exec"; fault_access_words -
 * "read from", "write to" or "execute". */
const char *fault_access_verb(enum fault_access a);
const char *fault_access_words(enum fault_access a);

#endif
