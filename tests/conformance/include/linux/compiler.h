/*
 * tests/conformance/include/linux/compiler.h - the part of the kernel
 * tree's tools/include/linux/compiler.h (not among the selftests we
 * extract) that the rseq selftests' rseq.c uses.
 */
#ifndef CONFORMANCE_LINUX_COMPILER_H
#define CONFORMANCE_LINUX_COMPILER_H
#ifndef __weak
#define __weak __attribute__((weak))
#endif
#endif
