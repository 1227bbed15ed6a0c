/*
 * asm/elf.h - what an x86-64 ELF core file holds of a thread (Linux's
 * arch/x86/include/asm/elf.h and user.h): the general registers in
 * struct user_regs_struct's order, and the FXSAVE image of the FPU.
 */
#ifndef ASM_ELF_H
#define ASM_ELF_H

#define ELF_NGREG 27        /* user_regs_struct: 27 registers of 8 bytes */
#define ELF_FPREGS_SIZE 512 /* user_fxsr_struct, the FXSAVE image */

#endif
