/* Numbers as the host engine's Script builtins print them: JavaScript's
 * Number-to-string (shortest round trip), toExponential/toFixed (exact
 * value, ties away from zero), and Click's %.12g built from them
 * (formatDouble in script-builtins.ts). */
#ifndef CVM_DRIVER_SCRIPT_NUMBERS_H
#define CVM_DRIVER_SCRIPT_NUMBERS_H

#include "cvm.h"
#include <math.h>
#include <stdio.h>

/* The exact decimal digits of |x| (finite, nonzero): digits without
 * trailing zeros, and the exponent of the first one (x = d.ddd × 10^exp10). */
static void sn_exact_digits(double x, char *digits, size_t cap, int *exp10)
{
    static char buf[900];
    snprintf(buf, sizeof buf, "%.800e", fabs(x));   /* glibc prints doubles exactly */
    char *e = strchr(buf, 'e');
    *exp10 = e ? atoi(e + 1) : 0;
    size_t k = 0;
    for (char *p = buf; p < e && k + 1 < cap; p++)
        if (*p >= '0' && *p <= '9') digits[k++] = *p;
    while (k > 1 && digits[k - 1] == '0') k--;
    digits[k] = 0;
}

/* Round the exact digit string to `keep` digits, half up; returns the
 * possibly bumped exponent. out gets exactly `keep` digits. */
static int sn_round_digits(const char *digits, int exp10, int keep, char *out)
{
    size_t n = strlen(digits);
    for (int i = 0; i < keep; i++) out[i] = (size_t)i < n ? digits[i] : '0';
    out[keep] = 0;
    if ((size_t)keep < n && digits[keep] >= '5') {
        int i = keep - 1;
        while (i >= 0 && out[i] == '9') out[i--] = '0';
        if (i >= 0) out[i]++;
        else {
            /* 99..9 rounded up: 100..0, one more power of ten */
            memmove(out + 1, out, (size_t)keep);
            out[0] = '1';
            out[keep] = 0;
            exp10++;
        }
    }
    return exp10;
}

/* x.toExponential(f): mantissa text (sign, d.ddd) and exponent. */
static int sn_to_exponential(double x, int f, char *mant)
{
    char digits[820], r[64];
    int exp10;
    sn_exact_digits(x, digits, sizeof digits, &exp10);
    exp10 = sn_round_digits(digits, exp10, f + 1, r);
    char *o = mant;
    if (x < 0) *o++ = '-';
    *o++ = r[0];
    if (f > 0) {
        *o++ = '.';
        memcpy(o, r + 1, (size_t)f);
        o += f;
    }
    *o = 0;
    return exp10;
}

/* x.toFixed(f) for |x| < 1e21. */
static void sn_to_fixed(double x, int f, CvmStr *o)
{
    char digits[820];
    int exp10;
    if (x == 0) {
        cvm_str_printf(o, "0");
        if (f > 0) {
            cvm_str_append(o, ".", 1);
            for (int i = 0; i < f; i++) cvm_str_append(o, "0", 1);
        }
        return;
    }
    sn_exact_digits(x, digits, sizeof digits, &exp10);
    /* digits of round(|x| * 10^f): the integer part has exp10 + 1 digits, plus f */
    int keep = exp10 + 1 + f;
    char r[900];
    int lead = 0;
    if (keep <= 0) {
        /* below half a unit of the last place unless it rounds up to one unit */
        int up = keep == 0 && digits[0] >= '5';
        strcpy(r, up ? "1" : "0");
    } else {
        int e2 = sn_round_digits(digits, exp10, keep, r);
        if (e2 != exp10) lead = 1;   /* r gained a digit */
        (void)lead;
    }
    size_t n = strlen(r);
    /* at least f + 1 digits */
    if (n < (size_t)f + 1) {
        memmove(r + (f + 1 - n), r, n + 1);
        memset(r, '0', (size_t)f + 1 - n);
        n = (size_t)f + 1;
    }
    int neg = x < 0;
    int zero = 1;
    for (size_t i = 0; i < n; i++) zero &= r[i] == '0';
    if (neg && !zero) cvm_str_append(o, "-", 1);
    else if (neg && zero) cvm_str_append(o, "-", 1);
    cvm_str_append(o, r, n - (size_t)f);
    if (f > 0) {
        cvm_str_append(o, ".", 1);
        cvm_str_append(o, r + n - (size_t)f, (size_t)f);
    }
}

/* Click's %.12g as the host builds it (formatDouble). */
static void sn_format_double(CvmStr *o, double x)
{
    const int precision = 12;
    if (isnan(x)) return (void)cvm_str_printf(o, "nan");
    if (isinf(x)) return (void)cvm_str_printf(o, "%s", x < 0 ? "-inf" : "inf");
    if (x == 0) return (void)cvm_str_printf(o, "%s", signbit(x) ? "-0" : "0");
    char mant[64];
    int exp = sn_to_exponential(x, precision - 1, mant);
    CvmStr t = { 0 };
    if (exp < -4 || exp >= precision) cvm_str_printf(&t, "%s", mant);
    else sn_to_fixed(x, precision - 1 - exp > 0 ? precision - 1 - exp : 0, &t);
    /* trim trailing zeros of a fraction, then a bare point */
    if (t.s && strchr(t.s, '.')) {
        while (t.len && t.s[t.len - 1] == '0') t.s[--t.len] = 0;
        if (t.len && t.s[t.len - 1] == '.') t.s[--t.len] = 0;
    }
    cvm_str_append(o, t.s ? t.s : "", t.len);
    if (exp < -4 || exp >= precision) cvm_str_printf(o, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    cvm_str_free(&t);
}

/* String(x): JavaScript's Number.prototype.toString(). */
static void sn_js_number(CvmStr *o, double x)
{
    if (isnan(x)) return (void)cvm_str_printf(o, "NaN");
    if (isinf(x)) return (void)cvm_str_printf(o, "%s", x < 0 ? "-Infinity" : "Infinity");
    if (x == 0) return (void)cvm_str_printf(o, "0");
    if (fabs(x) < 9007199254740992.0 && x == floor(x)) return (void)cvm_str_printf(o, "%lld", (long long)x);
    char buf[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, x);
        if (strtod(buf, NULL) == x) break;
    }
    /* digits and exponent of the shortest form */
    char digits[32];
    size_t k = 0;
    char *e = strchr(buf, 'e');
    for (char *q = buf; q < e; q++)
        if (*q >= '0' && *q <= '9') digits[k++] = *q;
    while (k > 1 && digits[k - 1] == '0') k--;
    digits[k] = 0;
    int n = atoi(e + 1) + 1;   /* x = 0.digits × 10^n */
    if (x < 0) cvm_str_append(o, "-", 1);
    if ((int)k <= n && n <= 21) {
        cvm_str_append(o, digits, k);
        for (int i = (int)k; i < n; i++) cvm_str_append(o, "0", 1);
    } else if (0 < n && n <= 21) {
        cvm_str_append(o, digits, (size_t)n);
        cvm_str_append(o, ".", 1);
        cvm_str_append(o, digits + n, k - (size_t)n);
    } else if (-6 < n && n <= 0) {
        cvm_str_append(o, "0.", 2);
        for (int i = 0; i < -n; i++) cvm_str_append(o, "0", 1);
        cvm_str_append(o, digits, k);
    } else {
        cvm_str_append(o, digits, 1);
        if (k > 1) {
            cvm_str_append(o, ".", 1);
            cvm_str_append(o, digits + 1, k - 1);
        }
        cvm_str_printf(o, "e%c%d", n - 1 >= 0 ? '+' : '-', n - 1 >= 0 ? n - 1 : 1 - n);
    }
}

/* The digits of an integer-valued double in base 8, 10 or 16 (Number's
 * toString(radix) for whole numbers; base 10 is String(x)). */
static void sn_js_integer_radix(CvmStr *o, double mag, int radix, int upper)
{
    if (radix == 10) return sn_js_number(o, mag);
    unsigned __int128 v = mag >= 3.4e38 ? ~(unsigned __int128)0 : (unsigned __int128)mag;
    char tmp[140];
    int k = 0;
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do tmp[k++] = dig[(unsigned)(v % (unsigned)radix)]; while ((v /= (unsigned)radix));
    while (k) cvm_str_append(o, &tmp[--k], 1);
}

#endif
