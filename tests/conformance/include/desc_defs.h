/*
 * tests/conformance/include/desc_defs.h - what x86/sigreturn.c takes from
 * the kernel's arch/x86/include/asm/desc_defs.h (which is outside
 * tools/testing/selftests, the only part extracted): the bits of a segment's
 * access rights as the LAR instruction returns them (Intel SDM vol. 2,
 * "LAR"; bits 8-23 of the second descriptor word).
 * tools/conformance.py links it where sigreturn.c's relative #include looks.
 */
#ifndef CONFORMANCE_DESC_DEFS_H
#define CONFORMANCE_DESC_DEFS_H

#define AR_TYPE_RODATA		(0 * (1 << 9))
#define AR_TYPE_RWDATA		(1 * (1 << 9))
#define AR_TYPE_RODATA_EXPDOWN	(2 * (1 << 9))
#define AR_TYPE_RWDATA_EXPDOWN	(3 * (1 << 9))
#define AR_TYPE_XOCODE		(4 * (1 << 9))
#define AR_TYPE_XRCODE		(5 * (1 << 9))
#define AR_TYPE_XOCODE_CONF	(6 * (1 << 9))
#define AR_TYPE_XRCODE_CONF	(7 * (1 << 9))
#define AR_TYPE_MASK		(7 * (1 << 9))

#define AR_DPL0			(0 * (1 << 13))
#define AR_DPL3			(3 * (1 << 13))
#define AR_DPL_MASK		(3 * (1 << 13))

#define AR_A			(1 << 8)	/* "Accessed" */
#define AR_S			(1 << 12)	/* code or data, not system */
#define AR_P			(1 << 15)	/* "Present" */
#define AR_AVL			(1 << 20)	/* "AVaiLable" */
#define AR_L			(1 << 21)	/* "Long mode" (64-bit code) */
#define AR_DB			(1 << 22)	/* 32-bit code or data */
#define AR_G			(1 << 23)	/* "Granularity": limit in pages */
#endif
