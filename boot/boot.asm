; boot/boot.asm - from the multiboot loader to the 64-bit kernel.
;
; GRUB or QEMU -kernel jumps to _start in 32-bit protected mode with paging
; off, EAX = 0x2BADB002 and EBX = physical address of the multiboot info.
; This file:
;   1. checks that it was booted by multiboot and that the CPU has long mode;
;   2. builds just enough page tables: the first 4 GiB of physical memory
;      identity-mapped (for the jump) and at the direct map base
;      0xffff888000000000 (so C can read the multiboot data wherever the
;      loader put it), and the first 1 GiB at the kernel base
;      0xffffffff80000000;
;   3. enables PAE, long mode (EFER.LME, and EFER.NXE if the CPU has NX),
;      paging and supervisor write protection;
;   4. far-jumps into 64-bit code and on to kmain() in the higher half.
; mm_init() in mm/paging.c replaces these tables with the real ones.

%define KERNEL_VMA      0xffffffff80000000
%define DIRECT_MAP_PML4 273                 ; 0xffff888000000000 >> 39 & 511
%define KERNEL_PML4     511                 ; 0xffffffff80000000 >> 39 & 511
%define KERNEL_PDPT     510                 ; 0xffffffff80000000 >> 30 & 511

%define MB_MAGIC        0x1BADB002
%define MB_BOOT_MAGIC   0x2BADB002
; flags: page-align modules, give us the memory map, use the load
; addresses in this header (QEMU needs them to load an ELF64 image).
%define MB_FLAGS        ((1 << 0) | (1 << 1) | (1 << 16))

%define PTE_P           1
%define PTE_W           2
%define PTE_PS          0x80
%include "asm/long_mode.inc"
%define COM1            0x3F8

extern _kernel_phys_start, _edata, _ebss, kmain

; ---------------------------------------------------------------------------
section .multiboot
align 4
mb_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd mb_header                    ; header_addr (physical: .boot is low)
    dd _kernel_phys_start           ; load_addr
    dd _edata - KERNEL_VMA          ; load_end_addr
    dd _ebss - KERNEL_VMA           ; bss_end_addr
    dd _start                       ; entry_addr

; ---------------------------------------------------------------------------
section .boot.text progbits alloc exec nowrite align=16
bits 32
global _start
_start:
    cli
    cld
    mov esp, boot_stack_top - KERNEL_VMA
    mov edi, eax                    ; multiboot magic -> kmain's 1st argument
    mov esi, ebx                    ; multiboot info  -> kmain's 2nd argument

    cmp eax, MB_BOOT_MAGIC
    jne .not_multiboot

    ; Long mode: CPUID leaf 0x80000001, EDX bit 29.
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .no_long_mode
    mov ebp, edx                    ; keep the feature bits for NX below

    ; Page tables (all in .bss, zeroed by the loader).
    ; Four PDs: 2048 x 2 MiB pages covering physical 0..4 GiB.
    mov ebx, boot_pd - KERNEL_VMA
    xor ecx, ecx
.fill_pd:
    mov eax, ecx
    shl eax, 21
    or eax, PTE_P | PTE_W | PTE_PS
    mov [ebx + ecx * 8], eax
    mov dword [ebx + ecx * 8 + 4], 0
    inc ecx
    cmp ecx, 2048
    jne .fill_pd

    ; PDPT entries 0..3 point to the four PDs.
    xor ecx, ecx
.fill_pdpt:
    mov eax, ecx
    shl eax, 12
    add eax, boot_pd - KERNEL_VMA
    or eax, PTE_P | PTE_W
    mov [boot_pdpt_low - KERNEL_VMA + ecx * 8], eax
    inc ecx
    cmp ecx, 4
    jne .fill_pdpt

    mov eax, boot_pd - KERNEL_VMA
    or eax, PTE_P | PTE_W
    mov [boot_pdpt_high - KERNEL_VMA + KERNEL_PDPT * 8], eax

    mov eax, boot_pdpt_low - KERNEL_VMA
    or eax, PTE_P | PTE_W
    mov [boot_pml4 - KERNEL_VMA], eax                       ; identity
    mov [boot_pml4 - KERNEL_VMA + DIRECT_MAP_PML4 * 8], eax ; direct map
    mov eax, boot_pdpt_high - KERNEL_VMA
    or eax, PTE_P | PTE_W
    mov [boot_pml4 - KERNEL_VMA + KERNEL_PML4 * 8], eax     ; kernel image

    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax

    mov eax, boot_pml4 - KERNEL_VMA
    mov cr3, eax

    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME
    test ebp, 1 << 20               ; NX available?
    jz .no_nx
    or eax, EFER_NXE
.no_nx:
    wrmsr

    mov eax, cr0
    or eax, CR0_PG | CR0_PE | CR0_WP
    mov cr0, eax

    lgdt [boot_gdt_ptr]
    jmp 0x08:long_mode_low

; Print the NUL-terminated string at ESI on COM1 and the VGA screen, then stop.
.not_multiboot:
    mov esi, msg_not_multiboot
    jmp boot_fail
.no_long_mode:
    mov esi, msg_no_long_mode
    jmp boot_fail

boot_fail:
    mov edi, 0xB8000
.next:
    lodsb
    test al, al
    jz .halt
    mov ah, 0x4F                    ; white on red
    mov [edi], ax
    add edi, 2
    mov dx, COM1 + 5
.wait_tx:
    in al, dx
    test al, 0x20
    jz .wait_tx
    mov al, [esi - 1]
    mov dx, COM1
    out dx, al
    jmp .next
.halt:
    hlt
    jmp .halt

bits 64
long_mode_low:
    ; Still running from the identity map: jump to the higher half.
    mov rax, long_mode_high
    jmp rax

; ---------------------------------------------------------------------------
section .boot.data
align 8
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF           ; 0x08: 64-bit code, DPL 0
    dq 0x00CF92000000FFFF           ; 0x10: data, DPL 0
boot_gdt_ptr:
    dw boot_gdt_ptr - boot_gdt - 1
    dd boot_gdt
msg_not_multiboot:
    db "boot: not loaded by a multiboot loader (EAX != 0x2BADB002)", 13, 10, 0
msg_no_long_mode:
    db "boot: this CPU has no 64-bit long mode; cannot continue", 13, 10, 0

; ---------------------------------------------------------------------------
section .text
bits 64
long_mode_high:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top
    xor rbp, rbp                    ; terminates the backtrace
    ; kmain(multiboot magic, multiboot info physical address)
    mov edi, edi
    mov esi, esi
    call kmain
.hang:
    cli
    hlt
    jmp .hang

; ---------------------------------------------------------------------------
section .bss
align 4096
global boot_pml4
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4096 * 4

; The boot stack: used only until kmain() moves to a stack with a guard page.
align 16
global boot_stack_bottom, boot_stack_top
boot_stack_bottom: resb 16384
boot_stack_top:
