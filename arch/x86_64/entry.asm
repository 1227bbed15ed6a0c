; arch/x86_64/entry.asm - the first instructions of every interrupt and
; exception: push a uniform struct trap_frame (asm/trap.h) and call
; trap_dispatch(frame) in C; then restore and iretq.

bits 64
section .text
extern trap_dispatch

; Vectors where the CPU pushes an error code (Intel SDM vol. 3, 6.13).
%macro TRAP_ERR 1
trap_stub_%1:
    push %1
    jmp trap_common
%endmacro
%macro TRAP_NOERR 1
trap_stub_%1:
    push 0
    push %1
    jmp trap_common
%endmacro

%assign v 0
%rep 48
  %if v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 || v == 21 || v == 29 || v == 30
    TRAP_ERR v
  %else
    TRAP_NOERR v
  %endif
  %assign v v+1
%endrep

trap_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld
    mov rdi, rsp                ; struct trap_frame *
    call trap_dispatch
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                 ; vector and error code
    iretq

section .rodata
global trap_stubs
align 8
trap_stubs:
%assign v 0
%rep 48
    dq trap_stub_ %+ v
  %assign v v+1
%endrep

; arch_call_on_stack(top, fn, arg): switch stacks and call fn(arg) for good.
section .text
global arch_call_on_stack
arch_call_on_stack:
    mov rsp, rdi
    xor rbp, rbp                ; a fresh stack: end the backtrace here
    mov rax, rsi
    mov rdi, rdx
    call rax
    ud2                         ; fn must not return
