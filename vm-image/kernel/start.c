/* From boot to main: set the CPU up, measure the clock, find the heap, turn
 * the kernel command line into argv, and enter musl through
 * __libc_start_main with the stack-top block a Linux process starts with
 * (argc, argv, an empty environment, the auxiliary vector). */
#include "kernel.h"
#include "pvh.h"

#define MAX_CMDLINE 4096
#define MAX_ARGS 256
#define MAX_BOOT_ARGS 32

/* Linux's auxiliary vector keys that musl reads. */
enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_UID = 11,
       AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_HWCAP = 16, AT_SECURE = 23, AT_RANDOM = 25 };

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

extern const struct elf64_ehdr __ehdr_start;
int main(int argc, char **argv);
int __libc_start_main(int (*main)(int, char **), int argc, char **argv, void (*init)(void),
                      void (*fini)(void), void (*ldso)(void));

static char cmdline[MAX_CMDLINE];
static char *args[MAX_ARGS];
static int nargs;
static const char *boot_args[MAX_BOOT_ARGS];   /* kernel options, not the program's */
static int nboot_args;
static char program_name[] = "router";
/* argc, argv[], NULL, envp NULL, auxv pairs: as at a Linux process's stack top. */
static uintptr_t start_block[1 + MAX_ARGS + 1 + 1 + 2 * 12];
static uint8_t at_random[16];

__attribute__((weak)) void vm_devices_init(void) {}

/* Split on blanks; "..." and '...' group words (quotes removed, no escapes). */
static void split_cmdline(void)
{
    char *r = cmdline, *w = cmdline;
    while (*r) {
        while (*r == ' ' || *r == '\t' || *r == '\n') r++;
        if (!*r) break;
        char *word = w;
        while (*r && *r != ' ' && *r != '\t' && *r != '\n') {
            if (*r == '"' || *r == '\'') {
                char q = *r++;
                while (*r && *r != q) *w++ = *r++;
                if (*r) r++;
            } else {
                *w++ = *r++;
            }
        }
        int end = *r != 0;
        *w++ = 0;
        if (end) r++;
        /* clickvm.* words are the kernel's; so are the virtio_mmio.device=
         * words QEMU's microvm appends unless auto-kernel-cmdline=off. */
        if (!__builtin_strncmp(word, "clickvm.", 8) || !__builtin_strncmp(word, "virtio_mmio.device=", 19)) {
            if (nboot_args < MAX_BOOT_ARGS) boot_args[nboot_args++] = word;
        } else if (nargs < MAX_ARGS - 1) {
            args[nargs++] = word;
        } else {
            panic("more than 255 words on the kernel command line");
        }
    }
}

const char *vm_boot_arg(const char *prefix, int index)
{
    size_t n = kstrlen(prefix);
    for (int i = 0; i < nboot_args; i++)
        if (!__builtin_strncmp(boot_args[i], prefix, n) && index-- == 0) return boot_args[i] + n;
    return 0;
}

static void read_cmdline(const struct hvm_start_info *si)
{
    args[nargs++] = program_name;
    if (!si->cmdline_paddr) return;
    const char *s = (const char *)(uintptr_t)si->cmdline_paddr;
    size_t n = kstrlen(s);
    if (n >= MAX_CMDLINE) panic("kernel command line longer than 4095 bytes");
    kmemcpy(cmdline, s, n + 1);
    split_cmdline();
}

static uintptr_t *aux(uintptr_t *p, uintptr_t key, uintptr_t value)
{
    p[0] = key;
    p[1] = value;
    return p + 2;
}

/* Boot milestones (guest clock), for the verbose report. boot.S stores
 * the TSC once it has built the page tables. */
static int64_t calibrated_ns, devices_ns;
uint64_t boot_tsc_paging __attribute__((section(".data")));
#define MAX_MARKS 32
static struct { const char *what; uint64_t tsc; } marks[MAX_MARKS];
static int nmarks, boot_over;

void boot_mark(const char *what)
{
    if (boot_over || nmarks == MAX_MARKS) return;
    marks[nmarks].what = what;
    marks[nmarks++].tsc = rdtsc();
}

/* Microseconds since the first instruction at the boot rate (the refined
 * rate is not known yet; the difference is a few tenths of a percent). */
static int64_t mark_us(uint64_t tsc)
{
    extern uint64_t boot_tsc;
    uint64_t hz = clock_tsc_hz();
    return hz ? (int64_t)((unsigned __int128)(tsc - boot_tsc) * 1000000 / hz) : 0;
}

static void report_marks(void)
{
    kputs("clickvm: boot steps (us): paging ");
    kput_dec(mark_us(boot_tsc_paging));
    for (int i = 0; i < nmarks; i++) {
        kputs(", ");
        kputs(marks[i].what);
        kputs(" ");
        kput_dec(mark_us(marks[i].tsc));
    }
    kputs("\n");
}

void vm_boot_ready(void)
{
    static int said;
    if (said++ || !clock_report) return;
    int64_t ready = vm_monotonic_ns();
    boot_mark("ready");
    boot_over = 1;
    report_marks();
    kputs("clickvm: ready to forward at ");
    kput_dec(ready / 1000);
    kputs(" us after the first instruction (TSC calibrated at ");
    kput_dec(calibrated_ns / 1000);
    kputs(" us, devices up and main() at ");
    kput_dec(devices_ns / 1000);
    kputs(" us)\n");
}

_Noreturn void kmain(const struct hvm_start_info *si);
_Noreturn void kmain(const struct hvm_start_info *si)
{
    boot_mark("kmain");
    serial_init();
    cpu_init();
    if (si->magic != PVH_START_MAGIC) panic("not started through PVH (bad hvm_start_info magic)");
    syscall_init();
    boot_mark("cpu");
    clock_init();
    calibrated_ns = vm_monotonic_ns();
    boot_mark("clock");
    read_cmdline(si);      /* before the heap: the command line may lie in it */
    memory_init(si);
    boot_mark("memory");
    vm_devices_init();
    devices_ns = vm_monotonic_ns();
    boot_mark("devices");
    if (vm_boot_arg("clickvm.verbose", 0)) {
        clock_report = 1;
        kputs("clickvm: boot ");
        kput_dec(devices_ns / 1000);
        kputs(" us (TSC calibration done at ");
        kput_dec(calibrated_ns / 1000);
        kputs(" us), TSC ");
        kput_dec((int64_t)(clock_tsc_hz() / 1000));
        kputs(" kHz, heap ");
        kput_dec((int64_t)(mem_free_bytes() / 1024));
        kputs(" KiB\n");
    }

    uint64_t seed = rdtsc();
    for (int i = 0; i < 16; i++) at_random[i] = (uint8_t)((seed = seed * 6364136223846793005ull + 1442695040888963407ull) >> 56);
    uintptr_t *p = start_block;
    *p++ = (uintptr_t)nargs;
    char **argv = (char **)p;
    for (int i = 0; i < nargs; i++) *p++ = (uintptr_t)args[i];
    *p++ = 0;                 /* end of argv */
    *p++ = 0;                 /* empty environment */
    p = aux(p, AT_PHDR, (uintptr_t)&__ehdr_start + __ehdr_start.phoff);
    p = aux(p, AT_PHENT, __ehdr_start.phentsize);
    p = aux(p, AT_PHNUM, __ehdr_start.phnum);
    p = aux(p, AT_PAGESZ, 4096);
    /* Equal real and effective ids, not secure: musl skips its fd checks. */
    p = aux(p, AT_UID, 0);
    p = aux(p, AT_EUID, 0);
    p = aux(p, AT_GID, 0);
    p = aux(p, AT_EGID, 0);
    p = aux(p, AT_SECURE, 0);
    p = aux(p, AT_HWCAP, 0);
    p = aux(p, AT_RANDOM, (uintptr_t)at_random);
    aux(p, AT_NULL, 0);
    __libc_start_main(main, nargs, argv, 0, 0, 0);
    panic("__libc_start_main returned");
}
