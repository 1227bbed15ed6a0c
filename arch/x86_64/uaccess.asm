; arch/x86_64/uaccess.asm - the instructions that touch user memory.
;
; With SMAP on, the kernel may touch user pages only between stac and clac
; (they set and clear RFLAGS.AC).  On a CPU without SMAP those instructions
; do not exist, so they run only when cpu_init() set smap_enabled.
; If a copy faults on a bad user address, the page-fault handler finds the
; faulting instruction in uaccess_fixups and resumes at its fixup label
; (arch_uaccess_fixup in idt.c): the function then returns the number of
; bytes it did not copy.

bits 64
extern smap_enabled

%macro STAC 0
    cmp byte [rel smap_enabled], 0
    je %%skip
    stac
%%skip:
%endmacro
%macro CLAC 0
    cmp byte [rel smap_enabled], 0
    je %%skip
    clac
%%skip:
%endmacro

section .text

; u64 arch_copy_user(void *dst, const void *src, u64 n): bytes NOT copied.
; 8 bytes per step, then the last n % 8 (see lib/string.c for why).
global arch_copy_user
arch_copy_user:
    mov rcx, rdx
    shr rcx, 3                  ; quadwords
    and edx, 7                  ; the bytes after them
    STAC
.copy_q:
    rep movsq
    mov rcx, rdx
.copy_b:
    rep movsb
    CLAC
    xor eax, eax
    ret
.fault_q:
    CLAC
    lea rax, [rdx + rcx * 8]    ; quadwords left, and every tail byte
    ret
.fault_b:
    CLAC
    mov rax, rcx                ; rep movsb leaves the remaining count in rcx
    ret

; u64 arch_clear_user(void *dst, u64 n): bytes NOT cleared.
global arch_clear_user
arch_clear_user:
    mov rcx, rsi
    xor eax, eax
    STAC
.clear:
    rep stosb
    CLAC
    ret                         ; rax = 0
.fault:
    CLAC
    mov rax, rcx
    ret

section .rodata
global uaccess_fixups, uaccess_fixups_end
align 8
uaccess_fixups:                 ; pairs: faulting instruction, fixup
    dq arch_copy_user.copy_q, arch_copy_user.fault_q
    dq arch_copy_user.copy_b, arch_copy_user.fault_b
    dq arch_clear_user.clear, arch_clear_user.fault
uaccess_fixups_end:
