/* Text the I/O and driver elements read and write, with exactly the host
 * engine's rules (config-lang/args/types.ts, elements/io/click-time.ts,
 * elements/io/fixed-point.ts): time intervals, timestamps, sampling
 * probabilities; integers, booleans and white space are click-values.h and
 * click-text.h (included). Only handlers and initialization use these,
 * never the packet path. */
#ifndef CVM_IO_TEXT_H
#define CVM_IO_TEXT_H

#include "cvm.h"
#include "elements/lib/click-values.h"
#include <math.h>
#include <stdio.h>
#include <strings.h>

#define IO_NS_PER_SEC 1000000000LL

/* Saturating arithmetic on nanosecond times (the host's are unbounded). */
static inline int64_t io_add_ns(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* A packet time (seconds, nanoseconds) in nanoseconds, saturating. */
static inline int64_t io_time_ns(int64_t sec, int64_t nsec)
{
    int64_t r;
    if (__builtin_mul_overflow(sec, IO_NS_PER_SEC, &r)) return sec > 0 ? INT64_MAX : INT64_MIN;
    return io_add_ns(r, nsec);
}

/* A time interval (parseInterval): a decimal with an optional exponent and
 * unit (s, ms, us, ns, min, h, d and their long forms; default seconds),
 * rounded half up to whole nanoseconds; negative intervals are errors.
 * Beyond INT64_MAX nanoseconds is an error. 0 ok, -1 bad. */
static int io_parse_interval_n(const char *text, size_t len, int64_t *out)
{
    static const struct { const char *name; uint64_t ns; } units[] = {
        { "s", 1000000000ULL }, { "sec", 1000000000ULL }, { "secs", 1000000000ULL }, { "second", 1000000000ULL }, { "seconds", 1000000000ULL },
        { "ms", 1000000ULL }, { "msec", 1000000ULL }, { "msecs", 1000000ULL },
        { "us", 1000ULL }, { "usec", 1000ULL }, { "usecs", 1000ULL },
        { "ns", 1ULL }, { "nsec", 1ULL }, { "nsecs", 1ULL },
        { "m", 60000000000ULL }, { "min", 60000000000ULL }, { "mins", 60000000000ULL }, { "minute", 60000000000ULL }, { "minutes", 60000000000ULL },
        { "h", 3600000000000ULL }, { "hr", 3600000000000ULL }, { "hrs", 3600000000000ULL }, { "hour", 3600000000000ULL }, { "hours", 3600000000000ULL },
        { "d", 86400000000000ULL }, { "day", 86400000000000ULL }, { "days", 86400000000000ULL },
    };
    const char *s = text, *end = text + len;
    while (s < end && ct_js_space(*s)) s++;
    int neg = 0;
    if (s < end && (*s == '+' || *s == '-')) neg = *s++ == '-';
    const char *int_start = s;
    while (s < end && *s >= '0' && *s <= '9') s++;
    const char *int_end = s, *frac_start = s, *frac_end = s;
    if (s < end && *s == '.') {
        frac_start = ++s;
        while (s < end && *s >= '0' && *s <= '9') s++;
        frac_end = s;
    }
    if (int_end == int_start && frac_end == frac_start) return -1;
    int64_t exp = 0;
    if (s < end && (*s == 'e' || *s == 'E')) {
        const char *e = s + 1;
        int eneg = 0;
        if (e < end && (*e == '+' || *e == '-')) eneg = *e++ == '-';
        if (e >= end || *e < '0' || *e > '9') return -1;
        while (e < end && *e >= '0' && *e <= '9') {
            if (exp < 100000) exp = exp * 10 + (*e - '0');
            e++;
        }
        if (eneg) exp = -exp;
        s = e;
    }
    while (s < end && ct_js_space(*s)) s++;
    const char *unit = s;
    while (s < end && ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) s++;
    size_t unit_len = (size_t)(s - unit);
    while (s < end && ct_js_space(*s)) s++;
    if (s != end) return -1;
    uint64_t scale = 0;
    if (!unit_len) scale = 1000000000ULL;
    for (unsigned i = 0; i < sizeof units / sizeof *units && !scale; i++)
        if (strlen(units[i].name) == unit_len && !memcmp(units[i].name, unit, unit_len)) scale = units[i].ns;
    if (!scale) return -1;
    /* digits * scale * 10^(exp - fraction digits), exactly, rounded half up */
    int64_t pow = exp - (int64_t)(frac_end - frac_start);
    unsigned __int128 v = 0;
    int huge = 0;
    for (const char *p = int_start; p < frac_end; p++) {
        if (p == int_end) { p = frac_start - 1; continue; }
        if (v > ((unsigned __int128)1 << 100)) huge = 1;
        else v = v * 10 + (unsigned)(*p - '0');
    }
    if (!huge) v *= scale;
    for (; pow > 0 && !huge && v; pow--) {
        if (v > ((unsigned __int128)1 << 100)) huge = 1;
        else v *= 10;
    }
    if (!huge && pow < 0) {
        unsigned __int128 div = 1;
        int tiny = 0;
        for (; pow < 0; pow++) {
            if (div > ((unsigned __int128)1 << 100)) { tiny = 1; break; }
            div *= 10;
        }
        if (tiny) v = 0;
        else {
            unsigned __int128 rem = v % div;
            v /= div;
            if (rem * 2 >= div) v++;
        }
    }
    if (neg && (v || huge)) return -1;
    /* out of the 64-bit range: refused, as the host's parseInterval refuses it */
    if (huge || v > (unsigned __int128)INT64_MAX) return -1;
    *out = (int64_t)v;
    return 0;
}

static inline int io_parse_interval(const char *s, int64_t *out) { return io_parse_interval_n(s, strlen(s), out); }

/* A packet's nanoseconds as the host holds them: its fractions can be
 * negative (times read from summary dumps); legitimate values are below
 * 10^9, so a stored value of 2^31 or more is a negative one. */
static inline int64_t io_packet_nsec(const Packet *p) { return (int32_t)p->ts_nsec; }

/* Math.floor(a / b) for b > 0. */
static inline int64_t io_floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* Click's Timestamp text as the host builds it (formatTimestamp): 6
 * fraction digits on a whole microsecond, else 9; a negative time as -S.F
 * with a positive fraction. JavaScript's padStart pads a negative fraction
 * (possible in the host) before its sign; so does this. */
static void io_format_timestamp(CvmStr *o, int64_t sec, int64_t nsec)
{
    const char *sign = "";
    int64_t s = sec, n = nsec;
    if (s < 0) {
        sign = "-";
        if (n == 0) s = -s;
        else {
            s = -s - 1;
            n = 1000000000 - n;
        }
    }
    int width = 9;
    if (n % 1000 == 0) n /= 1000, width = 6;
    char num[32];
    int k = snprintf(num, sizeof num, "%lld", (long long)n);
    cvm_str_printf(o, "%s%lld.", sign, (long long)s);
    for (int i = k; i < width; i++) cvm_str_append(o, "0", 1);
    cvm_str_append(o, num, (size_t)k);
}

static void io_format_timestamp_ns(CvmStr *o, int64_t ns)
{
    int neg = ns < 0;
    uint64_t abs = neg ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t sec = abs / IO_NS_PER_SEC;
    uint32_t nsec = (uint32_t)(abs % IO_NS_PER_SEC);
    /* the host turns a negative time into whole seconds below zero plus a
     * positive fraction and back: the text is the absolute value, signed */
    const char *sign = neg ? "-" : "";
    if (nsec % 1000 == 0) cvm_str_printf(o, "%s%llu.%06u", sign, (unsigned long long)sec, nsec / 1000);
    else cvm_str_printf(o, "%s%llu.%09u", sign, (unsigned long long)sec, nsec);
}

/* Click's interval text: 500ms, 20us, 7ns below a second, else 1.500000s. */
static void io_format_interval(CvmStr *o, int64_t ns)
{
    if (ns >= 0 && ns < IO_NS_PER_SEC) {
        if (ns % 1000000 == 0) cvm_str_printf(o, "%lldms", (long long)(ns / 1000000));
        else if (ns % 1000 == 0) cvm_str_printf(o, "%lldus", (long long)(ns / 1000));
        else cvm_str_printf(o, "%lldns", (long long)ns);
        return;
    }
    io_format_timestamp_ns(o, ns);
    cvm_str_append(o, "s", 1);
}

/* JavaScript's Math.round. */
static inline double io_js_round(double x)
{
    double r = floor(x);
    return x - r >= 0.5 ? r + 1 : r;
}

#define IO_SAMPLING_SHIFT 28
#define IO_SAMPLING_ONE (1u << IO_SAMPLING_SHIFT)

/* formatSampling: the shortest decimal (toFixed, ties up) that reads back
 * as the same 28-bit fixed-point value. */
static void io_format_sampling(CvmStr *o, uint32_t fixed)
{
    for (int digits = 0; digits <= 10; digits++) {
        unsigned __int128 p10 = 1;
        for (int i = 0; i < digits; i++) p10 *= 10;
        unsigned __int128 n = ((unsigned __int128)fixed * p10 + (IO_SAMPLING_ONE >> 1)) >> IO_SAMPLING_SHIFT;
        char text[64];
        uint64_t whole = (uint64_t)(n / p10), frac = (uint64_t)(n % p10);
        if (digits) snprintf(text, sizeof text, "%llu.%0*llu", (unsigned long long)whole, digits, (unsigned long long)frac);
        else snprintf(text, sizeof text, "%llu", (unsigned long long)whole);
        if (io_js_round(strtod(text, NULL) * IO_SAMPLING_ONE) != (double)fixed) continue;
        if (digits) {
            size_t k = strlen(text);
            while (text[k - 1] == '0') text[--k] = 0;
            if (text[k - 1] == '.') text[--k] = 0;
        }
        cvm_str_printf(o, "%s", text);
        return;
    }
    cvm_str_printf(o, "%.17g", (double)fixed / IO_SAMPLING_ONE);
}

static inline int io_sampled(uint32_t fixed, uint32_t random32)
{
    return fixed >= IO_SAMPLING_ONE || (random32 & (IO_SAMPLING_ONE - 1)) < fixed;
}

/* A file name as the host resolves it against its folder: "" is the folder itself. */
static inline const char *io_path(const char *name) { return *name ? name : "."; }

/* strerror(3) text, as elements/io/file-errors.ts gives for Node's codes. */
static inline const char *io_file_error(int err) { return strerror(err); }

#endif
