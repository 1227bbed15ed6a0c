/*
 * tests/ktest/registry.c - the list of in-kernel self-tests (ktest=NAME).
 * ktest=all runs every test marked in_all; crash tests must be named.
 */
#include "kernel/ktest.h"

void ktest_boot(void);
void ktest_frames(void);
void ktest_pagetable(void);
void ktest_kmalloc(void);
void ktest_kstack(void);
void ktest_nx(void);
void ktest_traps(void);
void ktest_blk(void);
void ktest_stack_overflow(void);
void ktest_null_deref(void);
void ktest_smep(void);
void ktest_smap(void);
void ktest_stack_smash(void);
void ktest_ubsan(void);
void ktest_poison(void);

const struct ktest ktests[] = {
	{ "boot", "the kernel booted and its basic invariants hold", ktest_boot, true },
	{ "frames", "the buddy frame allocator on real memory", ktest_frames, true },
	{ "pagetable", "build, use and free a second address space", ktest_pagetable, true },
	{ "kmalloc", "the kernel heap", ktest_kmalloc, true },
	{ "kstack", "kernel stacks and their guard pages", ktest_kstack, true },
	{ "nx", "W^X in the kernel: NX, CR0.WP, SMEP, SMAP", ktest_nx, true },
	{ "traps", "CPU exceptions reach their handlers", ktest_traps, true },
	{ "blk", "the block-device layer on the attached disks", ktest_blk, true },
	{ "stack_overflow", "overflow the kernel stack: expect a double-fault panic",
	  ktest_stack_overflow, false },
	{ "null_deref", "write through NULL: expect a page-fault panic",
	  ktest_null_deref, false },
	{ "smep", "the kernel calls a user page: expect an SMEP panic",
	  ktest_smep, false },
	{ "smap", "the kernel reads a user page: expect an SMAP panic",
	  ktest_smap, false },
	{ "stack_smash", "overflow a stack buffer: expect a stack-protector panic",
	  ktest_stack_smash, false },
	{ "ubsan", "undefined behaviour on purpose: the checked kernel reports it",
	  ktest_ubsan, false },
	{ "poison", "use after free on purpose: the checked kernel reports it",
	  ktest_poison, false },
};
const unsigned nr_ktests = sizeof(ktests) / sizeof(ktests[0]);
