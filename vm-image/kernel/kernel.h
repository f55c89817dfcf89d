/* The kernel's internal interfaces, one group per file of vm-image/kernel/.
 * Everything runs in ring 0 on one CPU with interrupts off; the router and
 * musl call in through the syscall instruction (syscall.c) and the
 * functions of ../platform.h. */
#ifndef CVM_VM_KERNEL_H
#define CVM_VM_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include "../platform.h"

/* Exit statuses written to isa-debug-exit (QEMU exits with (v << 1) | 1,
 * and a process status has 8 bits, so v stays below 128). 0..123 are the
 * program's own exit statuses; the rest say why the VM ended otherwise.
 * vm-image/qemu.ts decodes them (decodeExitStatus). */
#define VM_EXIT_STATUS_MAX 123   /* exit(N) for N <= 123 */
#define VM_EXIT_BIG        124   /* exit(N) for N > 123 (N is on the console) */
#define VM_EXIT_ABORT      125   /* abort(): tkill/tgkill */
#define VM_EXIT_CRASH      126   /* a CPU exception */
#define VM_EXIT_PANIC      127   /* the kernel could not go on (boot, memory) */

/* Port I/O. */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void cpu_relax(void) { __asm__ volatile("pause"); }

/* Freestanding string helpers (kstring.c); the kernel does not call musl. */
void *kmemset(void *d, int c, size_t n);
void *kmemcpy(void *d, const void *s, size_t n);
size_t kstrlen(const char *s);

/* Console (serial.c): COM1, polled. */
void serial_init(void);
/* The router is up (vm_control_start): the end of boot, reported under clickvm.verbose. */
void vm_boot_ready(void);
/* A boot milestone (a string literal) at this instant, for the verbose
 * report's step list (start.c); up to 32 are kept, only until ready. */
void boot_mark(const char *what);
/* Write out what the console held since boot, and stop holding (serial.c). */
void console_release(void);
void kputs(const char *s);
void kput_hex(uint64_t v);
void kput_dec(int64_t v);

/* CPU tables (cpu.c): GDT with a TSS, the IDT, SSE and the syscall MSRs. */
void cpu_init(void);

/* Interrupts (irq.c, handlers in entry.S): only ever taken at the halt of
 * irq_halt, to wake an idle CPU. */
#define IRQ_VECTOR_TIMER    0x40   /* local APIC timer */
#define IRQ_VECTOR_DEVICE   0x41   /* every I/O APIC pin routed */
#define IRQ_VECTOR_SPURIOUS 0x4f   /* low four bits set, as older APICs require */
/* Set up the local APIC (and measure its timer) and the I/O APIC, once;
 * -1 if there is no usable APIC (the idle path then spins, as it did). */
int irq_init(void);
/* Deliver I/O APIC pin `gsi` (edge triggered) to wake the CPU; -1 if no such pin. */
int irq_route(unsigned gsi);
/* Local APIC timer ticks per second (0 before irq_init). */
uint64_t irq_timer_hz(void);
/* Halt until an interrupt, or until vm_monotonic_ns() reaches until_ns
 * (-1: no timer); returns at once if that instant has passed. */
void irq_halt(int64_t until_ns);
typedef struct IrqStats {
    uint64_t halts, halted_tsc;    /* halts, and TSC ticks spent halted */
} IrqStats;
extern IrqStats irq_stats;
extern uint64_t irq_timer_count, irq_device_count;   /* counted by the handlers */

/* The idle path's devices: each says whether input is waiting, and arms
 * (and acknowledges) its interrupt before a halt. */
/* COM2 (control-serial.c): a received byte is waiting. */
int vm_control_pending(void);
/* Route COM2's receive interrupt (once irq_init worked). */
void vm_control_irq_setup(void);

/* Clock (clock.c). */
void clock_init(void);
uint64_t clock_tsc_hz(void);
/* Set (clickvm.verbose): say on the console when the rate is refined. */
extern int clock_report;
/* When the clock wants to be read for its rate refinement (a read 40-50 ms
 * after boot calibration; an idle CPU that halts must wake for it), or -1. */
int64_t clock_refine_due(void);
/* Waits shorter than this spin; longer ones halt (irq.c) until close to the end. */
#define CLOCK_SPIN_NS 50000
/* The instant to set the timer for, halting at `now` until `end`: a
 * little early (the rest is halted again or spun), or earlier still if
 * the clock's rate refinement wants a read. */
int64_t clock_wake_for(int64_t end, int64_t now);
/* Sleep until vm_monotonic_ns() reaches `ns`: halted while far from it
 * (any interrupt wakes the CPU, which then halts again), spinning at the
 * end; spinning all along without a usable APIC. */
void clock_sleep_until(int64_t ns);

/* Memory (memory.c): the heap region, brk and an mmap page allocator. */
struct hvm_start_info;
void memory_init(const struct hvm_start_info *si);
uintptr_t mem_brk(uintptr_t want);
/* Page-granular anonymous memory: zeroed; 0 when none is left. */
void *mem_map(size_t len);
/* Give pages back (any page-aligned range; coalesced with its neighbours). */
int mem_unmap(void *addr, size_t len);
size_t mem_free_bytes(void);
/* Does [addr, addr + len) lie inside the heap? */
int mem_in_heap(uintptr_t addr, size_t len);

/* Syscalls (syscall.c). */
void syscall_init(void);

/* Power off with a raw isa-debug-exit value (power.c); vm_exit maps a
 * program status onto these. */
_Noreturn void vm_exit_reason(int code);
/* Reached when nothing else can be done: prints why, exits VM_EXIT_PANIC. */
_Noreturn void panic(const char *why);

/* Devices (a weak hook another file may define; called before main). */
void vm_devices_init(void);

#endif
