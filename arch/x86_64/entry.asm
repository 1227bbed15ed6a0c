; arch/x86_64/entry.asm - the first instructions of every interrupt and
; exception: push a uniform struct trap_frame (asm/trap.h) and call
; trap_dispatch(frame) in C; then restore and iretq.
;
; GS: in the kernel, GS's base is this CPU's struct percpu (asm/percpu.h);
; in user mode it is the user's.  swapgs exchanges MSR_GS_BASE with
; MSR_KERNEL_GS_BASE, so every way in from user mode does one and every
; way back out does one.  A trap from kernel mode needs none, with one
; exception: a fault on the iretq back to user mode (bad_iret in idt.c)
; arrives from kernel mode with the user's GS already loaded.  So a trap
; from kernel mode looks at MSR_GS_BASE itself: a user address (bit 63
; clear) means the user's GS is loaded, and it swaps.  (The same test
; makes a double fault in the two instructions between syscall and its
; swapgs report like any other.)

MSR_GS_BASE equ 0xC0000101
PERCPU_KERNEL_RSP equ 8           ; asm/percpu.h
PERCPU_USER_RSP equ 16

bits 64
section .text
extern trap_dispatch

; The general registers of a struct trap_frame (asm/trap.h), rax first:
; after PUSH_REGS, rsp points at the frame's r15.
%macro PUSH_REGS 0
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
%endmacro
%macro POP_REGS 0
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
%endmacro

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
    test byte [rsp + 24], 3     ; the frame's CS (above vector, error code, rip)
    jnz .swapgs
    push rax                    ; from kernel mode: which GS is loaded?
    push rcx
    push rdx
    mov ecx, MSR_GS_BASE
    rdmsr
    test edx, edx               ; bit 63 (of edx:eax) set: the kernel's
    pop rdx
    pop rcx
    pop rax
    js .gs_ready
.swapgs:
    swapgs
.gs_ready:
    PUSH_REGS
    cld
    mov rdi, rsp                ; struct trap_frame *
    call trap_dispatch
; Restore the registers of a struct trap_frame at rsp and return to where it
; says (kernel or user mode).  Also the first return of a forked task.
global trap_return
global trap_return_iret
trap_return:
    POP_REGS
    add rsp, 16                 ; vector and error code
    test byte [rsp + 8], 3      ; back to user mode: the user's GS
    jz trap_return_iret
    swapgs
trap_return_iret:               ; a fault here is the user's (idt.c: bad_iret)
    iretq

; The local APIC's spurious interrupt (VEC_SPURIOUS): nothing to do, and
; no EOI (Intel SDM vol. 3, 11.9).
global spurious_interrupt
spurious_interrupt:
    iretq

; The IPI that asks this CPU to run a function (VEC_CALL_FUNCTION): an
; interrupt like the others, dispatched by trap_dispatch.
global call_function_interrupt
call_function_interrupt:
    push 0
    push 0xfb                   ; VEC_CALL_FUNCTION
    jmp trap_common

global local_timer_interrupt
local_timer_interrupt:
    push 0
    push 0xec                   ; VEC_LOCAL_TIMER
    jmp trap_common

global reschedule_interrupt
reschedule_interrupt:
    push 0
    push 0xfd                   ; VEC_RESCHEDULE
    jmp trap_common

; arch_resume_user(frame): return to user mode with the registers of frame,
; the user frame at the top of the kernel stack, dropping everything below
; it (idt.c: bad_iret starts the return over once the signal is set up).
global arch_resume_user
arch_resume_user:
    cli
    mov rsp, rdi
    jmp trap_return

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

; ---------------------------------------------------------------------------
; System calls.  The `syscall` instruction (from ring 3) loads RIP from
; MSR_LSTAR, saves the user RIP in RCX and RFLAGS in R11, masks RFLAGS with
; MSR_FMASK (IF off) and leaves RSP alone: still the user stack.  We load
; the kernel's GS, switch to the current task's kernel stack (this CPU's
; percpu.kernel_rsp, the same value as its TSS.rsp0) and push a struct
; trap_frame identical to an interrupt's, so one restore path
; (trap_return, iretq) serves both.  The user's RSP waits in
; percpu.user_rsp meanwhile: this CPU's own slot.
section .text
extern syscall_dispatch
USER_CS_SEL equ 0x23
USER_DS_SEL equ 0x1b
SYSCALL_VECTOR equ 0x100          ; marks a syscall frame (not a CPU vector)

global syscall_entry
syscall_entry:
    swapgs
    mov [gs:PERCPU_USER_RSP], rsp
    mov rsp, [gs:PERCPU_KERNEL_RSP]
    push USER_DS_SEL                ; ss
    push qword [gs:PERCPU_USER_RSP] ; rsp
    push r11                        ; rflags
    push USER_CS_SEL                ; cs
    push rcx                        ; rip
    push rax                        ; error code slot: the syscall number
                                    ; (orig_rax), kept for restarts
    push SYSCALL_VECTOR
    PUSH_REGS
    cld
    xor rbp, rbp                    ; the kernel backtrace ends here
    mov rdi, rsp
    call syscall_dispatch
    jmp trap_return

; syscall32_ignore: MSR_CSTAR, the entry of `syscall` run by 32-bit code
; (an LDT code segment).  No IA32 emulation: -ENOSYS straight back, as
; Linux's ignore_sysret.  Still on the user stack with interrupts off, so
; touch nothing; a 32-bit sysret returns to compatibility mode.
ENOSYS equ 38
global syscall32_ignore
syscall32_ignore:
    mov eax, -ENOSYS
    sysret

; ---------------------------------------------------------------------------
; arch_switch_to(u64 *prev_sp, u64 next_sp): save the callee-saved registers
; on this stack, store the stack pointer in *prev_sp, load next_sp and pop
; the next task's registers.  The `ret` continues the next task where it
; called arch_switch_to, or at the start address a new task was given.
global arch_switch_to
arch_switch_to:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; A new task's first `ret` lands here: r12 = function, r13 = argument.
; The function (kernel code) returns to trap_return with the task's user
; frame at the top of its kernel stack (set up by exec or fork).
extern task_first_run
extern exit_to_user_mode
global task_start
task_start:
    call task_first_run             ; finish the switch (irq state etc.)
    mov rdi, r13
    call r12
    mov rdi, rsp                    ; a new user task: the copied frame
    call exit_to_user_mode          ; signals, and the kernel lock given up
    jmp trap_return
