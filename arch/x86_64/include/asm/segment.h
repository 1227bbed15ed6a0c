/*
 * asm/segment.h - the GDT layout.  The order of the user segments is the
 * one SYSRET requires (user data right below user 64-bit code).
 */
#ifndef ASM_SEGMENT_H
#define ASM_SEGMENT_H

#define GDT_KERNEL_CODE 1
#define GDT_KERNEL_DATA 2
#define GDT_USER_DATA 3
#define GDT_USER_CODE 4
#define GDT_TSS 5 /* a TSS descriptor takes two slots */
#define GDT_LDT 7 /* so does the LDT's (the current process's, modify_ldt) */
#define GDT_ENTRIES 9

#define KERNEL_CS (GDT_KERNEL_CODE * 8)
#define KERNEL_DS (GDT_KERNEL_DATA * 8)
#define USER_DS (GDT_USER_DATA * 8 + 3)
#define USER_CS (GDT_USER_CODE * 8 + 3)
#define TSS_SELECTOR (GDT_TSS * 8)
#define LDT_SELECTOR (GDT_LDT * 8)
#define SEGMENT_TI_LDT 4 /* a selector's table bit: LDT, not GDT */
#define SEGMENT_RPL_USER 3 /* the requested privilege level of a user selector */

/* Interrupt stack table slots (1-based, as the IDT encodes them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3

#endif
