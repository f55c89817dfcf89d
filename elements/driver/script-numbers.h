/* Numbers as the host engine's Script builtins print them in JavaScript's
 * forms: Number-to-string (shortest round trip) and radix digits. Click's
 * %.12g is click_format_double (elements/lib/click-numbers.h). */
#ifndef CVM_DRIVER_SCRIPT_NUMBERS_H
#define CVM_DRIVER_SCRIPT_NUMBERS_H

#include "cvm.h"
#include <math.h>
#include <stdio.h>

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
