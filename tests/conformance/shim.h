/*
 * tests/conformance/shim.h - force-included (-include) into every selftest
 * that tools/conformance.py builds with musl-gcc: what glibc's headers give
 * them implicitly and musl's do not.  Only definitions that glibc (or the
 * kernel's UAPI headers) would have given; never a change to a test.
 */
#ifndef CONFORMANCE_SHIM_H
#define CONFORMANCE_SHIM_H
#ifndef __ASSEMBLER__ /* also included into x86/thunks.S */

/* glibc's headers pull these in from each other (fcntl.h from mqueue.h,
 * sys/time.h from sys/resource.h and others); musl's do not. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>

/* System calls newer than musl 1.2.3's table (the numbers are the x86-64
 * ABI's, as in linux-libc-dev's asm/unistd_64.h). */
#ifndef __NR_futex_waitv
#define __NR_futex_waitv 449
#endif
#ifndef __NR_memfd_secret
#define __NR_memfd_secret 447
#endif
#ifndef __NR_process_mrelease
#define __NR_process_mrelease 448
#endif
#ifndef SYS_futex_waitv
#define SYS_futex_waitv __NR_futex_waitv
#endif

/* glibc's <sys/ucontext.h> names the software-reserved bytes of the XSAVE
 * area in a signal frame (the kernel's struct _fpx_sw_bytes); musl's
 * leaves them anonymous. */
struct _fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xstate_bv;
	uint32_t xstate_size;
	uint32_t padding[7];
};

#endif /* __ASSEMBLER__ */
#endif
