/* Click's BandwidthArg for handler writes and reads (bandwidth-arg.ts):
 * bytes per second as an unsigned 32-bit value, units bps, b/s, baud (bits)
 * or Bps, B/s (bytes) with an optional k, K, M or G prefix, rounded to the
 * nearest byte per second; printed as kbps, Mbps, Gbps or MBps. */
#ifndef CVM_STD_BANDWIDTH_ARG_H
#define CVM_STD_BANDWIDTH_ARG_H

#include "../lib/click-numbers.h"

static int bandwidth_unit(const char *u, size_t n, uint32_t *den)
{
    static const char *const bits[] = { "bps", "b/s", "baud" };
    static const char *const bytes[] = { "Bps", "B/s" };
    for (unsigned i = 0; i < 3; i++)
        if (strlen(bits[i]) == n && !memcmp(u, bits[i], n)) return *den = 8, 0;
    for (unsigned i = 0; i < 2; i++)
        if (strlen(bytes[i]) == n && !memcmp(u, bytes[i], n)) return *den = 1, 0;
    return -1;
}

/* 0 with *rate set, or -1 with the host's message (without a handler prefix). */
static int bandwidth_parse(const char *text, uint32_t *rate, CvmStr *err)
{
    size_t n = strlen(text), i = 0;
    while (i < n && ct_js_space(text[i])) i++;
    ClickDecimal d;
    size_t end = i + click_scan_decimal(text + i, n - i, &d);
    size_t j = end;
    while (j < n && ct_js_space(text[j])) j++;
    size_t unit = j;
    while (j < n && ((text[j] >= 'A' && text[j] <= 'Z') || (text[j] >= 'a' && text[j] <= 'z') || text[j] == '/')) j++;
    size_t unit_len = j - unit;
    while (j < n && ct_js_space(text[j])) j++;
    if (j != n || (d.nint == 0 && d.nfrac == 0)) {
        cvm_str_printf(err, "'%s' is not a bandwidth", text);
        return -1;
    }
    uint32_t num = 1, den = 1;
    if (unit_len) {
        const char *u = text + unit;
        if (bandwidth_unit(u, unit_len, &den) < 0) {
            uint32_t prefix = u[0] == 'k' || u[0] == 'K' ? 1000 : u[0] == 'M' ? 1000000 : u[0] == 'G' ? 1000000000 : 0;
            if (!prefix || bandwidth_unit(u + 1, unit_len - 1, &den) < 0) {
                cvm_str_printf(err, "unknown bandwidth unit '%.*s' (use bps, kbps, Mbps, Gbps, Bps, kBps, MBps, GBps)", (int)unit_len, u);
                return -1;
            }
            num = prefix;
        }
    }
    int64_t exp10 = d.exp10 - (int64_t)d.nfrac;
    if (exp10 > 400 || exp10 < -400) {
        cvm_str_printf(err, "'%s' is out of range", text);
        return -1;
    }
    if (click_decimal_value(&d, num, den, rate) < 0) {
        cvm_str_printf(err, "'%s' is out of range (at most 4294967295 bytes per second)", text);
        return -1;
    }
    return 0;
}

static void bandwidth_unparse(CvmStr *o, uint32_t x)
{
    if (x >= 0x20000000u) click_unparse_real10(o, x, 6), cvm_str_printf(o, "MBps");
    else if (x >= 125000000u) click_unparse_real10(o, x * 8, 9), cvm_str_printf(o, "Gbps");
    else if (x >= 125000u) click_unparse_real10(o, x * 8, 6), cvm_str_printf(o, "Mbps");
    else click_unparse_real10(o, x * 8, 3), cvm_str_printf(o, "kbps");
}

#endif
