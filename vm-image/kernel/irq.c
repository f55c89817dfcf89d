/* Interrupts, used for one thing only: waking the CPU from HLT when the
 * router has nothing to do. The kernel runs with interrupts off; the idle
 * path (io-wait.c) arms the sources it waits for, re-checks them, and halts
 * with `sti; hlt; cli`, so an interrupt can only arrive at that one
 * instruction: the handlers (entry.S) acknowledge it at the local APIC and
 * return, and the code after the halt finds out what happened by looking at
 * the devices, as the polling loop always does.
 *
 * microvm (acpi=off, the way vm-image/qemu.ts starts it) has a local APIC
 * at 0xfee00000 and one I/O APIC at 0xfec00000 with 24 pins: the ISA lines
 * on pins 0-15 (COM2 on 3) and virtio-mmio transport i on pin 5 + i. The
 * legacy 8259 PIC is there too and gets masked, so that nothing arrives
 * through the local APIC's LINT0 as well. Every I/O APIC pin used is edge
 * triggered: a device line that stays up cannot make an interrupt storm, and
 * a wake-up lost to an unacknowledged line cannot happen either, because the
 * idle path acknowledges the device before it re-checks it.
 *
 * The timer is the local APIC's, one-shot; its rate is measured against the
 * TSC the first time the CPU goes idle (QEMU runs it at 1 GHz, but nothing
 * here depends on that). */
#include "kernel.h"

#define LAPIC_BASE   0xfee00000u
#define IOAPIC_BASE  0xfec00000u
#define APIC_BASE_MSR 0x1b
#define APIC_BASE_ENABLE (1u << 11)

enum {
    LAPIC_ID = 0x020, LAPIC_EOI = 0x0b0, LAPIC_SVR = 0x0f0, LAPIC_LVT_TIMER = 0x320,
    LAPIC_LVT_LINT0 = 0x350, LAPIC_LVT_LINT1 = 0x360, LAPIC_LVT_ERROR = 0x370,
    LAPIC_TIMER_INIT = 0x380, LAPIC_TIMER_COUNT = 0x390, LAPIC_TIMER_DIV = 0x3e0,
};
#define LVT_MASKED (1u << 16)
#define IOAPIC_PINS_MIN 16

static int state;                 /* 0: not tried, 1: working, -1: no APIC */
static uint64_t lapic_hz;
static unsigned ioapic_pins;
static uint32_t ioapic_dest;      /* the boot CPU's APIC id, in bits 24-31 */
IrqStats irq_stats;

static inline uint32_t lapic_read(unsigned reg) { return *(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + reg); }
static inline void lapic_write(unsigned reg, uint32_t v) { *(volatile uint32_t *)(uintptr_t)(LAPIC_BASE + reg) = v; }

static uint32_t ioapic_read(unsigned reg)
{
    *(volatile uint32_t *)(uintptr_t)IOAPIC_BASE = reg;
    return *(volatile uint32_t *)(uintptr_t)(IOAPIC_BASE + 0x10);
}

static void ioapic_write(unsigned reg, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)IOAPIC_BASE = reg;
    *(volatile uint32_t *)(uintptr_t)(IOAPIC_BASE + 0x10) = v;
}

static void cpuid1(uint32_t *ecx, uint32_t *edx)
{
    uint32_t a, b;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(*ecx), "=d"(*edx) : "a"(1), "c"(0));
}

/* Local APIC timer ticks per second (divide by 1), against the TSC over
 * about 0.5 ms; each end is a count read between two TSC reads. */
static uint64_t measure_lapic(void)
{
    uint64_t tsc_hz = clock_tsc_hz();
    lapic_write(LAPIC_TIMER_DIV, 0xb);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | IRQ_VECTOR_TIMER);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
    uint64_t a = rdtsc();
    uint32_t c0 = lapic_read(LAPIC_TIMER_COUNT);
    uint64_t b = rdtsc(), t0 = a + (b - a) / 2;
    while (rdtsc() - t0 < tsc_hz / 2000) cpu_relax();
    a = rdtsc();
    uint32_t c1 = lapic_read(LAPIC_TIMER_COUNT);
    b = rdtsc();
    lapic_write(LAPIC_TIMER_INIT, 0);
    uint64_t t1 = a + (b - a) / 2;
    if (c1 >= c0 || t1 <= t0) return 0;
    return (uint64_t)(((unsigned __int128)(c0 - c1) * tsc_hz) / (t1 - t0));
}

int irq_init(void)
{
    if (state) return state > 0 ? 0 : -1;
    state = -1;
    uint32_t ecx, edx;
    cpuid1(&ecx, &edx);
    if (!(edx & (1u << 9))) return -1;                         /* no local APIC */
    uint64_t base = rdmsr(APIC_BASE_MSR);
    if ((base & 0xfffff000u) != LAPIC_BASE || (base & (1u << 10))) return -1;   /* moved, or x2APIC mode */
    if (!(base & APIC_BASE_ENABLE)) wrmsr(APIC_BASE_MSR, base | APIC_BASE_ENABLE);
    outb(0x21, 0xff);                                          /* 8259s: everything masked */
    outb(0xa1, 0xff);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_SVR, 0x100 | IRQ_VECTOR_SPURIOUS);       /* software enable */
    lapic_write(LAPIC_EOI, 0);
    lapic_hz = measure_lapic();
    if (lapic_hz < 1000000) return -1;                         /* no usable timer */
    lapic_write(LAPIC_LVT_TIMER, IRQ_VECTOR_TIMER);            /* one-shot, unmasked, stopped */
    ioapic_dest = lapic_read(LAPIC_ID) & 0xff000000u;
    uint32_t ver = ioapic_read(1);
    ioapic_pins = ver == 0xffffffffu ? 0 : ((ver >> 16) & 0xff) + 1;
    if (ioapic_pins < IOAPIC_PINS_MIN) return -1;
    state = 1;
    return 0;
}

int irq_route(unsigned gsi)
{
    if (state <= 0 || gsi >= ioapic_pins) return -1;
    ioapic_write(0x11 + 2 * gsi, ioapic_dest);
    /* Fixed delivery, physical destination, active high, edge, unmasked. */
    ioapic_write(0x10 + 2 * gsi, IRQ_VECTOR_DEVICE);
    return 0;
}

uint64_t irq_timer_hz(void) { return lapic_hz; }

void irq_halt(int64_t until_ns)
{
    if (until_ns >= 0) {
        int64_t left = until_ns - vm_monotonic_ns();
        if (left <= 0) return;
        uint64_t ticks = (uint64_t)(((unsigned __int128)(uint64_t)left * lapic_hz) / 1000000000u);
        if (ticks == 0) ticks = 1;
        if (ticks > 0xffffffffu) ticks = 0xffffffffu;   /* woken early: the caller halts again */
        lapic_write(LAPIC_TIMER_INIT, (uint32_t)ticks);
    }
    irq_stats.halts++;
    uint64_t t0 = rdtsc();
    /* sti's one-instruction shadow: an interrupt already pending is taken
     * at the hlt, so the halt cannot miss it. */
    __asm__ volatile("sti\n\thlt\n\tcli" : : : "memory");
    irq_stats.halted_tsc += rdtsc() - t0;
    if (until_ns >= 0) lapic_write(LAPIC_TIMER_INIT, 0);   /* stopped (and no interrupt left to come) */
}
