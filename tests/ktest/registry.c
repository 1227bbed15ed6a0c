/*
 * tests/ktest/registry.c - the list of in-kernel self-tests (ktest=NAME).
 */
#include "kernel/ktest.h"

void ktest_boot(void);

const struct ktest ktests[] = {
	{ "boot", "the kernel booted and its basic invariants hold", ktest_boot, true },
};
const unsigned nr_ktests = sizeof(ktests) / sizeof(ktests[0]);
