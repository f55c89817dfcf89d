/* Linux system calls as musl makes them, served in ring 0: the syscall
 * instruction lands in entry.S's syscall_entry, which calls
 * syscall_dispatch. Only what a statically linked, single-threaded router
 * needs is here; anything else fails with ENOSYS and is named once on the
 * console, so a missing call shows up instead of misbehaving quietly. */
#include "kernel.h"

/* Linux x86-64 numbers. */
enum {
    SYS_read = 0, SYS_write = 1, SYS_open = 2, SYS_close = 3, SYS_poll = 7, SYS_lseek = 8,
    SYS_mmap = 9, SYS_mprotect = 10, SYS_munmap = 11, SYS_brk = 12, SYS_rt_sigaction = 13,
    SYS_rt_sigprocmask = 14, SYS_ioctl = 16, SYS_readv = 19, SYS_writev = 20, SYS_sched_yield = 24,
    SYS_mremap = 25, SYS_madvise = 28, SYS_nanosleep = 35, SYS_getpid = 39, SYS_exit = 60,
    SYS_uname = 63, SYS_gettimeofday = 96, SYS_getuid = 102, SYS_getgid = 104, SYS_geteuid = 107,
    SYS_getegid = 108, SYS_arch_prctl = 158, SYS_gettid = 186, SYS_time = 201, SYS_tkill = 200,
    SYS_set_tid_address = 218, SYS_clock_gettime = 228, SYS_clock_getres = 229,
    SYS_clock_nanosleep = 230, SYS_exit_group = 231, SYS_tgkill = 234, SYS_openat = 257,
    SYS_ppoll = 271, SYS_getrandom = 318,
};

#define E_NOENT 2
#define E_BADF 9
#define E_NOMEM 12
#define E_INVAL 22
#define E_NOTTY 25
#define E_SPIPE 29
#define E_NOSYS 38
#define E_NODEV 19

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MADV_DONTNEED 4
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
#define POLLIN 0x1
#define POLLOUT 0x4
#define POLLNVAL 0x20

struct k_timespec { int64_t sec, nsec; };
struct k_timeval { int64_t sec, usec; };
struct k_iovec { const char *base; size_t len; };
struct k_pollfd { int fd; short events, revents; };

extern void syscall_entry(void);

void syscall_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);                 /* SCE: syscall enabled */
    wrmsr(MSR_STAR, (uint64_t)0x08 << 32);                /* CS 0x08, SS 0x10 */
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    wrmsr(MSR_FMASK, (1u << 8) | (1u << 9) | (1u << 10) | (1u << 18));   /* TF IF DF AC */
}

static long clock_read(long clk, int64_t *ns)
{
    switch (clk) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE:
        *ns = vm_realtime_ns();
        return 0;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        /* One process on one CPU that never sleeps: its CPU time is uptime. */
        *ns = vm_monotonic_ns();
        return 0;
    default:
        return -E_INVAL;
    }
}

static long sys_write(long fd, const char *buf, size_t n)
{
    if (fd != 1 && fd != 2) return -E_BADF;
    vm_console_write(buf, n);
    return (long)n;
}

static long sys_writev(long fd, const struct k_iovec *iov, long cnt)
{
    if (fd != 1 && fd != 2) return -E_BADF;
    if (cnt < 0 || cnt > 1024) return -E_INVAL;
    long total = 0;
    for (long i = 0; i < cnt; i++) {
        vm_console_write(iov[i].base, iov[i].len);
        total += (long)iov[i].len;
    }
    return total;
}

static long sys_mmap(uintptr_t addr, size_t len, long prot, long flags, long fd, long off)
{
    (void)addr, (void)prot, (void)fd, (void)off;
    if (!(flags & MAP_ANONYMOUS)) return -E_NODEV;   /* no files to map */
    if (flags & MAP_FIXED) return -E_NOMEM;          /* no address-space control */
    if (!len) return -E_INVAL;
    void *p = mem_map(len);
    boot_mark("mmap");
    return p ? (long)(uintptr_t)p : -E_NOMEM;
}

static long sys_madvise(uintptr_t addr, size_t len, long advice)
{
    /* DONTNEED promises zero-filled pages on the next touch. */
    if ((addr & 4095) || !mem_in_heap(addr, len)) return -E_INVAL;
    if (advice == MADV_DONTNEED) kmemset((void *)addr, 0, len);
    return 0;
}

static long sys_poll(struct k_pollfd *fds, long n, int64_t timeout_ns)
{
    long ready = 0;
    for (long i = 0; i < n; i++) {
        int fd = fds[i].fd;
        fds[i].revents = 0;
        if (fd < 0) continue;
        if (fd == 0) fds[i].revents = fds[i].events & POLLIN;          /* at end of file */
        else if (fd <= 2) fds[i].revents = fds[i].events & POLLOUT;
        else fds[i].revents = POLLNVAL;
        if (fds[i].revents) ready++;
    }
    if (ready || timeout_ns == 0) return ready;
    if (timeout_ns < 0)                          /* nothing can ever wake it */
        for (;;) {
            if (irq_init() == 0) irq_halt(-1);
            else cpu_relax();
        }
    clock_sleep_until(vm_monotonic_ns() + timeout_ns);
    return 0;
}

static long sleep_ns(long clk, long flags, const struct k_timespec *req)
{
    if (!req || req->nsec < 0 || req->nsec >= 1000000000) return -E_INVAL;
    int64_t ns = req->sec * 1000000000ll + req->nsec, now;
    long r = clock_read(clk, &now);
    if (r) return r;
    int64_t until = (flags & TIMER_ABSTIME) ? vm_monotonic_ns() + (ns - now) : vm_monotonic_ns() + ns;
    clock_sleep_until(until);
    return 0;
}

static uint64_t rng;

static long sys_getrandom(uint8_t *buf, size_t n)
{
    if (!rng) rng = rdtsc() | 1;
    for (size_t i = 0; i < n; i++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        buf[i] = (uint8_t)(rng >> 32);
    }
    return (long)n;
}

static void copy_field(char *dst, const char *s)
{
    size_t n = kstrlen(s);
    kmemcpy(dst, s, n + 1);
}

static long sys_uname(char *u)
{
    kmemset(u, 0, 6 * 65);
    copy_field(u, "Linux");          /* what musl and programs expect to parse */
    copy_field(u + 65, "clickvm");
    copy_field(u + 130, "6.1.0-clickvm");
    copy_field(u + 195, "#1 clickvm unikernel");
    copy_field(u + 260, "x86_64");
    return 0;
}

static _Noreturn void sys_abort(long sig)
{
    kputs("\nclickvm: the program killed itself with signal ");
    kput_dec(sig);
    kputs(" (abort)\n");
    vm_exit_reason(VM_EXIT_ABORT);
}

static uint8_t reported[512];

static long unknown(long nr)
{
    if (nr >= 0 && nr < (long)sizeof reported && !reported[nr]) {
        reported[nr] = 1;
        kputs("clickvm: system call ");
        kput_dec(nr);
        kputs(" is not implemented (ENOSYS)\n");
    }
    return -E_NOSYS;
}

long syscall_dispatch(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
long syscall_dispatch(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    (void)a6;
    int64_t ns;
    long r;
    switch (nr) {
    case SYS_write: return sys_write(a1, (const char *)a2, (size_t)a3);
    case SYS_writev: return sys_writev(a1, (const struct k_iovec *)a2, a3);
    case SYS_read: return a1 == 0 ? 0 : -E_BADF;
    case SYS_readv: return a1 == 0 ? 0 : -E_BADF;
    case SYS_open: case SYS_openat: return -E_NOENT;
    case SYS_close: return a1 >= 0 && a1 <= 2 ? 0 : -E_BADF;
    case SYS_ioctl: return a1 >= 0 && a1 <= 2 ? -E_NOTTY : -E_BADF;
    case SYS_lseek: return a1 >= 0 && a1 <= 2 ? -E_SPIPE : -E_BADF;
    case SYS_brk: boot_mark("brk"); return (long)mem_brk((uintptr_t)a1);
    case SYS_mmap: return sys_mmap((uintptr_t)a1, (size_t)a2, a3, a4, a5, a6);
    case SYS_munmap: return mem_unmap((void *)a1, (size_t)a2) ? -E_INVAL : 0;
    case SYS_mremap: return -E_NOMEM;    /* musl's realloc then copies */
    case SYS_madvise: return sys_madvise((uintptr_t)a1, (size_t)a2, a3);
    case SYS_mprotect: return 0;         /* one protection: everything is read-write */
    case SYS_clock_gettime:
        r = clock_read(a1, &ns);
        if (r) return r;
        ((struct k_timespec *)a2)->sec = ns / 1000000000;
        ((struct k_timespec *)a2)->nsec = ns % 1000000000;
        return 0;
    case SYS_clock_getres:
        if (clock_read(a1, &ns)) return -E_INVAL;
        if (a2) ((struct k_timespec *)a2)->sec = 0, ((struct k_timespec *)a2)->nsec = 1;
        return 0;
    case SYS_gettimeofday:
        ns = vm_realtime_ns();
        if (a1) ((struct k_timeval *)a1)->sec = ns / 1000000000, ((struct k_timeval *)a1)->usec = ns % 1000000000 / 1000;
        return 0;
    case SYS_time:
        ns = vm_realtime_ns() / 1000000000;
        if (a1) *(int64_t *)a1 = ns;
        return ns;
    case SYS_nanosleep: return sleep_ns(CLOCK_MONOTONIC, 0, (const struct k_timespec *)a1);
    case SYS_clock_nanosleep: return sleep_ns(a1, a2, (const struct k_timespec *)a3);
    case SYS_poll: return sys_poll((struct k_pollfd *)a1, a2, a3 < 0 ? -1 : a3 * 1000000ll);
    case SYS_ppoll: {
        const struct k_timespec *t = (const struct k_timespec *)a3;
        return sys_poll((struct k_pollfd *)a1, a2, t ? t->sec * 1000000000ll + t->nsec : -1);
    }
    case SYS_exit: case SYS_exit_group: vm_exit((int)a1);
    case SYS_arch_prctl:
        if (a1 == ARCH_SET_FS) { wrmsr(MSR_FS_BASE, (uint64_t)a2); return 0; }
        if (a1 == ARCH_GET_FS) { *(uint64_t *)a2 = rdmsr(MSR_FS_BASE); return 0; }
        return -E_INVAL;
    case SYS_set_tid_address: return 1;
    case SYS_rt_sigprocmask: case SYS_rt_sigaction: return 0;
    case SYS_getpid: case SYS_gettid: return 1;
    case SYS_getuid: case SYS_geteuid: case SYS_getgid: case SYS_getegid: return 0;
    case SYS_tkill: sys_abort(a2);
    case SYS_tgkill: sys_abort(a3);
    case SYS_getrandom: return sys_getrandom((uint8_t *)a1, (size_t)a2);
    case SYS_uname: return sys_uname((char *)a1);
    case SYS_sched_yield: return 0;
    default: return unknown(nr);
    }
}
