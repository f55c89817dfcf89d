/* Time: the TSC, counted from the kernel's first instruction (boot.S saves
 * it) and calibrated against the PIT, whose 1.193182 MHz counter is read
 * back with the latch command (microvm has no port 0x61 to gate it).
 * Without a PIT, CPUID leaves 0x15/0x16 give the rate if the CPU reports
 * them. The wall clock is the CMOS RTC's second at boot plus the TSC.
 *
 * Calibration comes in two steps, as Linux does it, because boot time is a
 * budget (5 ms to ready-to-forward): at boot, three short PIT windows give
 * the rate to a few tenths of a percent in about 1.5 ms; then the first
 * clock read 40-50 ms later measures the rate again over that whole span,
 * to about 0.01%, and the clock carries on from where it stood at the new
 * rate (never a jump, never backwards). */
#include "kernel.h"

#define PIT_HZ 1193182ull
#define PIT_CH0 0x40
#define PIT_CMD 0x43
/* Set by boot.S at the first instruction, before it clears the BSS. */
uint64_t boot_tsc __attribute__((section(".data")));
static uint64_t tsc_hz, ns_mult;   /* ns = base_ns + (tsc - base_tsc) * ns_mult >> 32 */
static uint64_t base_tsc;
static int64_t base_ns, rtc_epoch_ns;

/* Boot calibration: three windows of 0.5 ms, the median taken. A window in
 * which the vCPU was descheduled (QEMU shares the host's CPUs) is thrown
 * away: a long gap between two PIT reads could hide a counter wrap, and a
 * long read brackets its instant badly. Port reads take a microsecond or
 * two, so the error stays within about 0.3%; the refinement fixes it. */
#define CALIBRATE_TICKS (PIT_HZ / 2000)
#define CALIBRATE_WINDOWS 3
#define CALIBRATE_TRIES 12

static uint16_t pit_read(void)
{
    outb(PIT_CMD, 0x00);      /* latch channel 0 */
    uint8_t lo = inb(PIT_CH0);
    uint8_t hi = inb(PIT_CH0);
    return (uint16_t)(lo | hi << 8);
}

/* One window: TSC ticks per second, or 0 if it was disturbed. Each PIT
 * read is bracketed by two TSC reads; the window's ends must be brackets
 * shorter than 0.5% of the window, and no gap between reads may be long
 * enough (20000 PIT ticks at the rate seen so far) to hide a wrap of the
 * 16-bit counter. */
static uint64_t calibrate_window(void)
{
    uint64_t give_up = rdtsc() + (1ull << 32);
    uint16_t prev = pit_read(), c;
    uint64_t a, b;
    do {                      /* start at a counter change: on a tick edge */
        a = rdtsc();
        c = pit_read();
        b = rdtsc();
        if (b > give_up) return 0;
    } while (c == prev);
    uint64_t start_bracket = b - a, t0 = (a + b) / 2, last = b, elapsed = 0;
    prev = c;
    for (;;) {
        a = rdtsc();
        c = pit_read();
        b = rdtsc();
        if (elapsed && (b - last) * elapsed > 20000 * (last - t0)) return 0;
        last = b;
        elapsed += (uint16_t)(prev - c);
        prev = c;
        if (elapsed >= CALIBRATE_TICKS) {
            uint64_t span = (a + b) / 2 - t0;
            if ((b - a) * 100 < span && start_bracket * 100 < span) return span * PIT_HZ / elapsed;
            if (elapsed >= 4 * CALIBRATE_TICKS) return 0;
        }
        if (b > give_up) return 0;
    }
}

/* TSC ticks per second from the PIT; 0 if the PIT does not count. */
static uint64_t calibrate_pit(void)
{
    outb(PIT_CMD, 0x34);      /* channel 0, low then high byte, mode 2 */
    outb(PIT_CH0, 0);
    outb(PIT_CH0, 0);         /* reload 65536: counts down continuously */
    uint16_t first = pit_read();
    for (uint64_t until = rdtsc() + (1ull << 24);; ) {   /* some ms at any clock rate */
        if (pit_read() != first) break;
        if (rdtsc() > until) return 0;                  /* no PIT (microvm,pit=off) */
    }
    boot_mark("pit");
    uint64_t got[CALIBRATE_WINDOWS];
    int n = 0;
    for (int i = 0; i < CALIBRATE_TRIES && n < CALIBRATE_WINDOWS; i++) {
        uint64_t hz = calibrate_window();
        if (hz) got[n++] = hz;
    }
    if (!n) return 0;
    for (int i = 1; i < n; i++)       /* sort the (at most three) results */
        for (int j = i; j > 0 && got[j] < got[j - 1]; j--) {
            uint64_t x = got[j];
            got[j] = got[j - 1];
            got[j - 1] = x;
        }
    return got[n / 2];
}

/* Refinement: a PIT reading (its TSC instant the middle of the bracketing
 * TSC reads) taken at the end of boot calibration, and a second one taken
 * by the first clock read 40-50 ms later. The counter wraps every 54.9 ms,
 * so inside that span the 16-bit difference is the whole elapsed count;
 * a read that comes later re-anchors and tries again. */
#define REFINE_MIN_NS 40000000
#define REFINE_MAX_NS 50000000
static int refine_pending;
int clock_report;
static uint64_t anchor_tsc;
static uint16_t anchor_pit;

/* A PIT reading and its TSC instant; 0 if the read took over 20 us (the
 * vCPU was descheduled in it, so the instant is too vague). */
static int pit_reading(uint64_t *tsc, uint16_t *pit)
{
    uint64_t a = rdtsc();
    *pit = pit_read();
    uint64_t b = rdtsc();
    *tsc = a + (b - a) / 2;
    return (b - a) * 50000 < tsc_hz;
}

static void refine_anchor(void)
{
    refine_pending = pit_reading(&anchor_tsc, &anchor_pit) ? 1 : 2;   /* 2: take one at the next read */
}

static uint64_t ns_of(uint64_t tsc)
{
    return (uint64_t)base_ns + (uint64_t)(((unsigned __int128)(tsc - base_tsc) * ns_mult) >> 32);
}

static void set_rate(uint64_t hz, uint64_t at_tsc)
{
    if (ns_mult) base_ns = (int64_t)ns_of(at_tsc);   /* carry on from the current instant */
    base_tsc = at_tsc;
    tsc_hz = hz;
    ns_mult = (1000000000ull << 32) / hz;
}

static void refine(uint64_t now)
{
    if (refine_pending == 2) {
        refine_anchor();
        return;
    }
    uint64_t since = ((unsigned __int128)(now - anchor_tsc) * ns_mult) >> 32;
    if (since < REFINE_MIN_NS) return;
    uint64_t tsc;
    uint16_t pit;
    if (since > REFINE_MAX_NS || !pit_reading(&tsc, &pit)) {
        refine_anchor();
        return;
    }
    refine_pending = 0;
    uint16_t ticks = (uint16_t)(anchor_pit - pit);
    uint64_t hz = ticks ? (tsc - anchor_tsc) * PIT_HZ / ticks : 0;
    /* A rate 2% away from the boot one means the PIT did not count through
     * the span as assumed: keep the boot rate rather than guess. */
    if (hz <= tsc_hz - tsc_hz / 50 || hz >= tsc_hz + tsc_hz / 50) return;
    set_rate(hz, now);
    if (clock_report) {
        kputs("clickvm: TSC rate refined to ");
        kput_dec((int64_t)(hz / 1000));
        kputs(" kHz over ");
        kput_dec((int64_t)((tsc - anchor_tsc) * 1000000 / hz));
        kputs(" us\n");
    }
}

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static uint64_t calibrate_cpuid(void)
{
    uint32_t max, b, c, d, a;
    cpuid(0, &max, &b, &c, &d);
    if (max >= 0x15) {
        cpuid(0x15, &a, &b, &c, &d);   /* TSC = crystal (c Hz) * b / a */
        if (a && b && c) return (uint64_t)c * b / a;
    }
    if (max >= 0x16) {
        cpuid(0x16, &a, &b, &c, &d);   /* base frequency in MHz */
        if (a & 0xffff) return (uint64_t)(a & 0xffff) * 1000000;
    }
    return 0;
}

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    /* Days since 1970-01-01 in the proleptic Gregorian calendar. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Seconds since the epoch from the RTC; 0 if there is none. */
static int64_t rtc_read(void)
{
    uint8_t r[7], again[7];
    static const uint8_t regs[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };
    int tries = 0;
    do {
        while (cmos(0x0a) & 0x80) if (++tries > 1000000) return 0;   /* update in progress */
        for (int i = 0; i < 7; i++) r[i] = cmos(regs[i]);
        for (int i = 0; i < 7; i++) again[i] = cmos(regs[i]);
    } while ((r[0] != again[0] || r[1] != again[1] || r[2] != again[2] || r[3] != again[3] ||
              r[4] != again[4] || r[5] != again[5]) && ++tries < 1000000);
    if (r[0] == 0xff && r[4] == 0xff) return 0;   /* no CMOS */
    uint8_t b = cmos(0x0b);
    int pm = !(b & 0x02) && (r[2] & 0x80);
    r[2] &= 0x7f;
    if (!(b & 0x04)) {        /* BCD */
        for (int i = 0; i < 7; i++) r[i] = (uint8_t)((r[i] & 0x0f) + (r[i] >> 4) * 10);
    }
    int hour = r[2];
    if (!(b & 0x02)) hour = hour % 12 + (pm ? 12 : 0);
    int century = r[6] >= 19 && r[6] <= 30 ? r[6] : 20;
    int64_t year = century * 100 + r[5];
    return days_from_civil(year, r[4], r[3]) * 86400 + hour * 3600 + r[1] * 60 + r[0];
}

void clock_init(void)
{
    uint64_t hz = calibrate_pit();
    int pit = hz != 0;
    if (!hz) hz = calibrate_cpuid();
    if (!hz) panic("cannot measure the TSC rate (no PIT, no CPUID leaf 0x15/0x16)");
    base_tsc = boot_tsc;
    set_rate(hz, boot_tsc);
    if (pit) refine_anchor();
    boot_mark("rtc");
}

uint64_t clock_tsc_hz(void) { return tsc_hz; }

int64_t clock_refine_due(void)
{
    (void)vm_monotonic_ns();   /* a read takes the anchor if one is owed */
    if (refine_pending != 1) return -1;
    return (int64_t)ns_of(anchor_tsc) + REFINE_MIN_NS + (REFINE_MAX_NS - REFINE_MIN_NS) / 4;
}

int64_t vm_monotonic_ns(void)
{
    uint64_t now = rdtsc();
    if (__builtin_expect(refine_pending, 0)) refine(now);
    return (int64_t)ns_of(now);
}

/* The RTC is read at the first wall-clock read, not at boot: waiting out
 * its update-in-progress flag cost about 0.2 ms of the boot budget under
 * TCG. Its second began up to a second before the read either way. */
int64_t vm_realtime_ns(void)
{
    static int have_rtc;
    if (!have_rtc) {
        have_rtc = 1;
        rtc_epoch_ns = rtc_read() * 1000000000ll - vm_monotonic_ns();
    }
    return rtc_epoch_ns + vm_monotonic_ns();
}

int64_t clock_wake_for(int64_t end, int64_t now)
{
    int64_t wake = end - ((end - now) >> 6);   /* the APIC timer's rate is known to well under 1/64 */
    int64_t refine = clock_refine_due();
    return refine >= 0 && refine < wake ? refine : wake;
}

void clock_sleep_until(int64_t ns)
{
    console_release();   /* a sleep is idle time */
    for (int64_t now; (now = vm_monotonic_ns()) < ns;) {
        if (ns - now > CLOCK_SPIN_NS && irq_init() == 0) irq_halt(clock_wake_for(ns, now));
        else cpu_relax();
    }
}
