; arch/x86_64/setjmp.asm - save and restore a kernel execution context.
; Used by kernel/catch.c to recover from an expected fault or panic
; (self-tests now, user-memory copies later).
;
; struct arch_jmp_buf { rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags }

bits 64
section .text

; int arch_setjmp(struct arch_jmp_buf *buf): 0 now, v later from longjmp.
global arch_setjmp
arch_setjmp:
    mov [rdi + 0], rbx
    mov [rdi + 8], rbp
    mov [rdi + 16], r12
    mov [rdi + 24], r13
    mov [rdi + 32], r14
    mov [rdi + 40], r15
    lea rax, [rsp + 8]          ; the caller's rsp after we return
    mov [rdi + 48], rax
    mov rax, [rsp]              ; return address
    mov [rdi + 56], rax
    pushfq
    pop rax
    mov [rdi + 64], rax
    xor eax, eax
    ret

; void arch_longjmp(struct arch_jmp_buf *buf, int v): return v from setjmp.
global arch_longjmp
arch_longjmp:
    mov rbx, [rdi + 0]
    mov rbp, [rdi + 8]
    mov r12, [rdi + 16]
    mov r13, [rdi + 24]
    mov r14, [rdi + 32]
    mov r15, [rdi + 40]
    mov rsp, [rdi + 48]
    push qword [rdi + 64]
    popfq                       ; restores IF as it was at setjmp
    mov eax, esi
    jmp [rdi + 56]
