/* CPU state the kernel sets once: the final GDT (with a TSS, whose only use
 * is a separate stack for exceptions, so a stack overflow still gets
 * reported), the IDT for the 32 exception vectors and irq.c's interrupts, and the FPU/SSE state a
 * Linux process starts with (gcc's code uses SSE for doubles, musl's printf
 * uses x87 long double; both must round exactly as on the host). */
#include "kernel.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));

struct table_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS  0x18

static uint64_t gdt[5];
static struct tss tss;
/* Gates up to the highest vector used (IRQ_VECTOR_SPURIOUS); the table's
 * limit leaves the rest out. */
static struct idt_gate idt[IRQ_VECTOR_SPURIOUS + 1];
/* trap_report and the console helpers need well under 1 KiB. */
static uint8_t trap_stack[8192] __attribute__((aligned(16)));
/* Interrupts get a stack of their own (IST 2): they arrive in code built
 * with a red zone, which a frame pushed on its stack would overwrite. The
 * handlers push the CPU's 40-byte frame and one register. */
static uint8_t irq_stack[256] __attribute__((aligned(16)));
extern const uint64_t trap_stubs[32];
extern const char irq_timer_stub[], irq_device_stub[], irq_spurious_stub[];

static void load_gdt(void)
{
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffull;   /* 64-bit code, ring 0 */
    gdt[2] = 0x00cf92000000ffffull;   /* data */
    uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof tss - 1;
    gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;   /* available 64-bit TSS */
    gdt[4] = base >> 32;
    tss.ist[0] = (uint64_t)(uintptr_t)(trap_stack + sizeof trap_stack);
    tss.ist[1] = (uint64_t)(uintptr_t)(irq_stack + sizeof irq_stack);
    tss.iomap_base = sizeof tss;
    struct table_ptr p = { sizeof gdt - 1, (uint64_t)(uintptr_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ds\n\t"
        "movw %w2, %%es\n\t"
        "movw %w2, %%ss\n\t"
        "ltr %w3"
        : : "m"(p), "i"(SEL_CODE), "r"(SEL_DATA), "r"(SEL_TSS) : "rax", "memory");
}

static void set_gate(unsigned v, uint64_t a, uint8_t ist)
{
    idt[v].offset_lo = (uint16_t)a;
    idt[v].selector = SEL_CODE;
    idt[v].ist = ist;
    idt[v].type = 0x8e;       /* present, ring 0, interrupt gate */
    idt[v].offset_mid = (uint16_t)(a >> 16);
    idt[v].offset_hi = (uint32_t)(a >> 32);
    idt[v].reserved = 0;
}

/* The 32 exceptions (on trap_stack) and the three interrupt vectors of
 * irq.c (on irq_stack); any other vector finds no gate or lies past the
 * table's limit, and the fault that follows is reported as a crash. */
static void load_idt(void)
{
    for (unsigned v = 0; v < 32; v++) set_gate(v, trap_stubs[v], 1);
    set_gate(IRQ_VECTOR_TIMER, (uint64_t)(uintptr_t)irq_timer_stub, 2);
    set_gate(IRQ_VECTOR_DEVICE, (uint64_t)(uintptr_t)irq_device_stub, 2);
    set_gate(IRQ_VECTOR_SPURIOUS, (uint64_t)(uintptr_t)irq_spurious_stub, 2);
    struct table_ptr p = { sizeof idt - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(p));
}

static void enable_sse(void)
{
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 &= ~(1ull << 2);                  /* EM: no x87 emulation */
    cr0 &= ~(1ull << 3);                  /* TS: no lazy-FPU traps */
    cr0 |= (1ull << 1) | (1ull << 5);     /* MP, NE: native FPU errors */
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1ull << 9) | (1ull << 10);    /* OSFXSR, OSXMMEXCPT */
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    /* Linux's initial state: x87 control word 0x37f (64-bit precision,
     * all exceptions masked), MXCSR 0x1f80, every register clear. Loaded
     * with one fxrstor rather than fninit and ldmxcsr: KVM's instruction
     * emulator, which runs ring-0 code on some hosts (PVM), knows fxrstor
     * but not ldmxcsr. */
    static struct { uint16_t fcw, fsw; uint8_t ftw, pad; uint16_t fop; uint64_t fip, fdp; uint32_t mxcsr, mxcsr_mask; uint8_t regs[480]; }
        __attribute__((aligned(16))) initial = { .fcw = 0x37f, .mxcsr = 0x1f80 };
    __asm__ volatile("fxrstor64 %0" : : "m"(initial));
}

void cpu_init(void)
{
    load_gdt();
    load_idt();
    enable_sse();
}
