/* The ways into the kernel once it runs: CPU exceptions (vectors 0-31,
 * to trap.c, never returning), the wake-up interrupts of irq.c, and the
 * syscall instruction musl executes in ring 0 (to syscall.c, returning
 * like Linux does). */

    .text
    .code64

/* Exceptions: each stub pushes a dummy error code where the CPU pushes
 * none, then its vector, so trap_entry always sees the same frame. */
.macro trap_noerr vec
    .p2align 4
trap_stub_\vec:
    pushq $0
    pushq $\vec
    jmp trap_entry
.endm
.macro trap_err vec
    .p2align 4
trap_stub_\vec:
    pushq $\vec
    jmp trap_entry
.endm

trap_noerr 0
trap_noerr 1
trap_noerr 2
trap_noerr 3
trap_noerr 4
trap_noerr 5
trap_noerr 6
trap_noerr 7
trap_err   8
trap_noerr 9
trap_err   10
trap_err   11
trap_err   12
trap_err   13
trap_err   14
trap_noerr 15
trap_noerr 16
trap_err   17
trap_noerr 18
trap_noerr 19
trap_noerr 20
trap_err   21
trap_noerr 22
trap_noerr 23
trap_noerr 24
trap_noerr 25
trap_noerr 26
trap_noerr 27
trap_noerr 28
trap_err   29
trap_err   30
trap_noerr 31

    .section .rodata
    .p2align 3
    .globl trap_stubs
trap_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad trap_stub_\v
    .endr

    .text
/* Frame for trap_report (struct trap_frame in trap.c): 15 registers, then
 * vector, error code and the CPU's rip, cs, rflags, rsp, ss. */
trap_entry:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    and $-16, %rsp
    call trap_report          /* does not return */
1:  cli
    hlt
    jmp 1b

/* Interrupts (irq.c): taken only at the halt of irq_halt, on IST 2. Each
 * counts itself and acknowledges the local APIC (EOI at 0xfee000b0); what
 * woke the CPU is found by looking at the devices. A spurious interrupt
 * takes no EOI. */
    .globl irq_timer_stub, irq_device_stub, irq_spurious_stub
    .p2align 4
irq_timer_stub:
    incq irq_timer_count(%rip)
    jmp irq_eoi
    .p2align 4
irq_device_stub:
    incq irq_device_count(%rip)
irq_eoi:
    push %rax
    movabs $0xfee000b0, %rax
    movl $0, (%rax)
    pop %rax
    iretq
    .p2align 4
irq_spurious_stub:
    iretq

    .bss
    .p2align 3
    .globl irq_timer_count, irq_device_count
irq_timer_count: .skip 8
irq_device_count: .skip 8

    .text
/* syscall from ring 0: the CPU put the return address in %rcx and RFLAGS in
 * %r11, masked RFLAGS (IF, DF, TF, AC) and kept CPL 0 and the stack. The
 * caller's red zone (128 bytes under %rsp) may hold live data, so the frame
 * starts below it. Everything but %rax (the result), %rcx and %r11 comes
 * back as it was, as Linux guarantees; the kernel's C never touches SSE
 * registers (-mgeneral-regs-only), so they need no saving. */
    .globl syscall_entry
syscall_entry:
    sub $128, %rsp
    push %r11                 /* caller's RFLAGS */
    push %rcx                 /* return address */
    push %rbx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %rbp
    push %r12                 /* r12-r15 are callee-saved in C, but keep the */
    push %r13                 /* frame the same size for the alignment below */
    push %r14
    push %r15
    mov %rsp, %rbx            /* the frame; %rbx is callee-saved */
    and $-16, %rsp            /* the caller's %rsp need not be aligned */
    /* long syscall_dispatch(nr, a1..a5) with a6 on the stack */
    sub $8, %rsp
    push %r9
    mov %r8, %r9
    mov %r10, %r8
    mov %rdx, %rcx
    mov %rsi, %rdx
    mov %rdi, %rsi
    mov %rax, %rdi
    call syscall_dispatch
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rbx
    pop %rcx
    pop %r11
    /* RFLAGS back while still below the red zone (push/popf writes the slot
     * r11 just came from); lea steps over the red zone without touching flags. */
    push %r11
    popfq
    lea 128(%rsp), %rsp
    jmp *%rcx
