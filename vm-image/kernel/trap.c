/* A CPU exception ends the VM: its vector, error code, RIP, CR2 and the
 * registers go to the console, and the exit status says "crash" so that a
 * fault can never pass for a clean exit. */
#include "kernel.h"

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

static const char *const names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor segment", "invalid TSS", "segment not present",
    "stack fault", "general protection", "page fault", "reserved", "x87 floating point", "alignment check",
    "machine check", "SIMD floating point", "virtualization", "control protection",
};

static void reg(const char *name, uint64_t v)
{
    kputs(" ");
    kputs(name);
    kputs("=");
    kput_hex(v);
}

_Noreturn void trap_report(const struct trap_frame *f);
_Noreturn void trap_report(const struct trap_frame *f)
{
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    console_release();
    kputs("\nclickvm: CPU exception ");
    kput_dec((int64_t)f->vector);
    kputs(" (");
    kputs(f->vector < 32 && names[f->vector] ? names[f->vector] : "reserved");
    kputs(")\n");
    reg("error", f->error);
    reg("rip", f->rip);
    reg("cr2", cr2);
    reg("rsp", f->rsp);
    reg("rflags", f->rflags);
    kputs("\n");
    reg("rax", f->rax); reg("rbx", f->rbx); reg("rcx", f->rcx); reg("rdx", f->rdx);
    kputs("\n");
    reg("rsi", f->rsi); reg("rdi", f->rdi); reg("rbp", f->rbp); reg("r8", f->r8);
    kputs("\n");
    reg("r9", f->r9); reg("r10", f->r10); reg("r11", f->r11); reg("r12", f->r12);
    kputs("\n");
    reg("r13", f->r13); reg("r14", f->r14); reg("r15", f->r15);
    kputs("\n");
    vm_exit_reason(VM_EXIT_CRASH);
}
