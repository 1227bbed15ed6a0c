; arch/x86_64/trampoline.asm - where an application processor starts.
;
; A CPU woken by a STARTUP IPI begins in 16-bit real mode at vector * 4 KiB
; (CS = vector << 8, IP = 0), with paging off: it cannot run the kernel
; where the kernel is linked.  smp.c copies the bytes between
; trampoline_start and trampoline_end to TRAMPOLINE_BASE (a page of the
; first MiB, which the frame allocator never hands out) and sends vector
; TRAMPOLINE_BASE >> 12.  From there, the same steps as boot/boot.asm:
;   1. real mode: load a small GDT (in this page), set CR0.PE and far-jump
;      to 32-bit protected mode;
;   2. turn on PAE, load CR3 with the boot page tables (boot.asm's
;      boot_pml4: they map this page where it is and the kernel at
;      0xffffffff80000000, and live below 4 GiB, as a 32-bit CR3 needs),
;      set EFER.LME (and NXE) as the boot CPU has them, turn on paging:
;      long mode, and far-jump to 64-bit code;
;   3. jump to ap_start64 in the kernel (below): it loads the kernel's own
;      page tables and the stack the boot CPU made for this CPU and calls
;      ap_main(cpu) (smp.c), which never returns.
; Everything here is addressed as TRAMPOLINE_BASE + (label - trampoline_start):
; the code runs at the copy, not where it is linked.

%include "asm/long_mode.inc"

%define TRAMPOLINE_BASE 0x8000
%define AT(label)       (TRAMPOLINE_BASE + ((label) - trampoline_start))

section .rodata
align 16
global trampoline_start, trampoline_end, trampoline_params
bits 16
trampoline_start:
    cli
    cld
    mov ax, cs                      ; TRAMPOLINE_BASE >> 4
    mov ds, ax
    lgdt [tr_gdt_ptr - trampoline_start]
    mov eax, cr0
    or eax, CR0_PE
    mov cr0, eax
    jmp dword 0x08:AT(tr_protected)

bits 32
tr_protected:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, [AT(tr_cr3)]
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, [AT(tr_efer)]
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_WP
    mov cr0, eax
    jmp 0x18:AT(tr_long)

bits 64
tr_long:
    xor eax, eax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rax, [AT(tr_entry)]         ; ap_start64, in the kernel's half
    jmp rax

align 8
tr_gdt:
    dq 0
    dq 0x00CF9A000000FFFF           ; 0x08: 32-bit code, flat
    dq 0x00CF92000000FFFF           ; 0x10: data, flat
    dq 0x00AF9A000000FFFF           ; 0x18: 64-bit code
tr_gdt_ptr:
    dw tr_gdt_ptr - tr_gdt - 1
    dd AT(tr_gdt)

; Filled in by smp.c in the copy (struct trampoline_params).
align 8
trampoline_params:
tr_cr3:   dq 0                      ; the boot page tables (physical, < 4 GiB)
tr_efer:  dq 0                      ; EFER bits to set: LME, and NXE if the CPU has NX
tr_entry: dq 0                      ; ap_start64
trampoline_end:

; ---------------------------------------------------------------------------
; ap_start64: in long mode on the boot page tables.  Switch to the kernel's
; own tables and to this CPU's stack (ap_boot, set by smp.c for the one CPU
; being started), and call ap_main(cpu).
section .text
extern ap_boot, ap_main
global ap_start64
ap_start64:
    mov rax, [rel ap_boot]          ; ap_boot.cr3
    mov cr3, rax
    mov rsp, [rel ap_boot + 8]      ; ap_boot.stack_top
    mov rdi, [rel ap_boot + 16]     ; ap_boot.cpu
    xor rbp, rbp                    ; the backtrace ends here
    push rbp                        ; a null return address
    jmp ap_main
