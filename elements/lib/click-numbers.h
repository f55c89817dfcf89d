/* Click's number formats for handler text, as elements/lib/click-numbers.ts
 * has them: the fixed-point printer (TeX's print_scaled with its unsigned
 * 32-bit wrap-around), the 64-bit variants, the base-10 fixed-point
 * printer, printf("%.12g") (AverageCounter, the Script
 * builtins), and exact decimal-to-fixed-point rounding for values written
 * to handlers (FixedPointArg, BandwidthArg). Handler paths only: nothing
 * here runs per packet. */
#ifndef CVM_LIB_CLICK_NUMBERS_H
#define CVM_LIB_CLICK_NUMBERS_H

#include "cvm.h"
#include "click-text.h"
#include <math.h>
#include <stdio.h>

/* cp_unparse_real2 for an unsigned 32-bit value with frac_bits (< 32) fraction bits. */
static void click_unparse_real2_u32(CvmStr *o, uint32_t value, int frac_bits)
{
    const uint32_t one = (uint32_t)1 << frac_bits;
    const uint32_t half = one / 2;
    cvm_str_printf(o, "%u", value >> frac_bits);
    uint32_t r = value & (one - 1);
    if (r == 0) return;
    cvm_str_append(o, ".", 1);
    /* Every step wraps as the original's unsigned arithmetic does. */
    r = 10 * r + 5;
    uint32_t allowable = 10, rounder = 5;
    while (rounder < half) rounder *= 10;
    do {
        if (allowable > one) r = r + half - rounder;
        char c = (char)(uint8_t)(48 + r / one);
        cvm_str_append(o, &c, 1);
        r = 10 * (r % one);
        allowable *= 10;
    } while (r > allowable);
}

/* The 64-bit variant: the integer part in full, the fraction as the 32-bit printer. */
static void click_unparse_real2_u64(CvmStr *o, uint64_t value, int frac_bits)
{
    uint32_t frac = (uint32_t)(value & (((uint64_t)1 << frac_bits) - 1));
    cvm_str_printf(o, "%llu", (unsigned long long)(value >> frac_bits));
    if (frac == 0) return;
    CvmStr f = { 0 };
    click_unparse_real2_u32(&f, frac, frac_bits);
    const char *dot = memchr(f.s, '.', f.len);
    if (dot) cvm_str_append(o, dot, f.len - (size_t)(dot - f.s));
    cvm_str_free(&f);
}

static void click_unparse_real2_i64(CvmStr *o, int64_t value, int frac_bits)
{
    if (value < 0) {
        cvm_str_append(o, "-", 1);
        click_unparse_real2_u64(o, (uint64_t)0 - (uint64_t)value, frac_bits);
    } else {
        click_unparse_real2_u64(o, (uint64_t)value, frac_bits);
    }
}

/* cp_unparse_real10: value / 10^digits, trailing fraction zeros removed. */
static void click_unparse_real10(CvmStr *o, uint32_t value, int digits)
{
    uint32_t one = 1;
    for (int i = 0; i < digits; i++) one *= 10;
    uint32_t ip = value / one, frac = value - ip * one;
    if (frac == 0) {
        cvm_str_printf(o, "%u", ip);
        return;
    }
    char buf[16];
    /* A uint32 has at most 10 digits; say so, or gcc fears a huge field width. */
    snprintf(buf, sizeof buf, "%0*u", digits < 10 ? digits : 10, frac);
    size_t n = strlen(buf);
    while (n && buf[n - 1] == '0') n--;
    cvm_str_printf(o, "%u.%.*s", ip, (int)n, buf);
}

/* Click's String(double), printf("%.12g"): glibc rounds the exact binary
 * value, ties to even, as the host's formatDouble does. A NaN prints as
 * "nan" whatever its sign bit (glibc would print "-nan"). */
static void click_format_double(CvmStr *o, double x)
{
    if (isnan(x)) cvm_str_printf(o, "nan");
    else cvm_str_printf(o, "%.12g", x);
}

/* --- exact rounding of a decimal number to an integer -------------------
 * floor(D * 10^E * a / b + 1/2) for a decimal digit string D, as the host's
 * BigInt arithmetic computes (2*num + den) / (2*den). A small bignum with
 * 32-bit limbs, allocated per call (handler writes only). */

typedef struct ClickBig {
    uint32_t *l;
    size_t n, cap;
} ClickBig;

static int click_big_init(ClickBig *x, size_t cap)
{
    x->l = calloc(cap ? cap : 1, sizeof *x->l);
    x->n = 0;
    x->cap = cap ? cap : 1;
    return x->l ? 0 : -1;
}

static void click_big_norm(ClickBig *x)
{
    while (x->n && x->l[x->n - 1] == 0) x->n--;
}

/* x = x * m + add (m, add < 2^32); the caller sized the limbs. */
static void click_big_muladd(ClickBig *x, uint32_t m, uint32_t add)
{
    uint64_t carry = add;
    for (size_t i = 0; i < x->n; i++) {
        uint64_t v = (uint64_t)x->l[i] * m + carry;
        x->l[i] = (uint32_t)v;
        carry = v >> 32;
    }
    if (carry && x->n < x->cap) x->l[x->n++] = (uint32_t)carry;
}

static int click_big_cmp(const ClickBig *a, const ClickBig *b)
{
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (size_t i = a->n; i-- > 0;)
        if (a->l[i] != b->l[i]) return a->l[i] < b->l[i] ? -1 : 1;
    return 0;
}

/* t = y << bits */
static void click_big_shl(ClickBig *t, const ClickBig *y, unsigned bits)
{
    size_t words = bits / 32;
    unsigned rest = bits % 32;
    memset(t->l, 0, t->cap * sizeof *t->l);
    for (size_t i = 0; i < y->n; i++) {
        uint64_t v = (uint64_t)y->l[i] << rest;
        t->l[i + words] |= (uint32_t)v;
        if (i + words + 1 < t->cap) t->l[i + words + 1] |= (uint32_t)(v >> 32);
    }
    t->n = y->n + words + 1 < t->cap ? y->n + words + 1 : t->cap;
    click_big_norm(t);
}

/* a -= b, a >= b */
static void click_big_sub(ClickBig *a, const ClickBig *b)
{
    int64_t borrow = 0;
    for (size_t i = 0; i < a->n; i++) {
        int64_t v = (int64_t)a->l[i] - (i < b->n ? (int64_t)b->l[i] : 0) - borrow;
        borrow = v < 0;
        a->l[i] = (uint32_t)(v + (borrow ? ((int64_t)1 << 32) : 0));
    }
    click_big_norm(a);
}

/* Round digits[0..ndigits) * 10^exp10 * a / b to the nearest integer (halves
 * up). 0 with *out set; -1 if the result exceeds 0xffffffff. */
static int click_decimal_round(const char *digits, size_t ndigits, int64_t exp10, uint32_t a, uint32_t b, uint32_t *out)
{
    uint64_t up = exp10 > 0 ? (uint64_t)exp10 : 0, down = exp10 < 0 ? (uint64_t)-exp10 : 0;
    size_t cap = ndigits / 9 + (size_t)((up + down) / 9) + 8;
    ClickBig x = { 0 }, y = { 0 }, t = { 0 };
    if (click_big_init(&x, cap) < 0 || click_big_init(&y, cap) < 0 || click_big_init(&t, cap) < 0) {
        free(x.l), free(y.l), free(t.l);
        return -1;
    }
    /* x = 2 * a * D * 10^up + b * 10^down; y = 2 * b * 10^down */
    for (size_t i = 0; i < ndigits; i++) {
        if (x.n == 0) {
            if (digits[i] != '0') x.l[0] = (uint32_t)(digits[i] - '0'), x.n = 1;
        } else {
            click_big_muladd(&x, 10, (uint32_t)(digits[i] - '0'));
        }
    }
    for (uint64_t i = 0; i < up && x.n; i++) click_big_muladd(&x, 10, 0);
    if (x.n) click_big_muladd(&x, a, 0);
    if (x.n) click_big_muladd(&x, 2, 0);
    y.l[0] = b, y.n = 1;
    for (uint64_t i = 0; i < down; i++) click_big_muladd(&y, 10, 0);
    /* x += y (b * 10^down); then y doubles */
    {
        uint64_t carry = 0;
        size_t n = x.n > y.n ? x.n : y.n;
        for (size_t i = 0; i < n; i++) {
            uint64_t v = (uint64_t)(i < x.n ? x.l[i] : 0) + (i < y.n ? y.l[i] : 0) + carry;
            x.l[i] = (uint32_t)v;
            carry = v >> 32;
        }
        x.n = n;
        if (carry) x.l[x.n++] = (uint32_t)carry;
    }
    click_big_muladd(&y, 2, 0);
    /* Long division, 33 quotient bits are enough to tell "too large". */
    uint64_t q = 0;
    click_big_shl(&t, &y, 33);
    int too_big = click_big_cmp(&x, &t) >= 0;
    for (int bit = 32; bit >= 0 && !too_big; bit--) {
        click_big_shl(&t, &y, (unsigned)bit);
        if (click_big_cmp(&x, &t) >= 0) {
            click_big_sub(&x, &t);
            q |= (uint64_t)1 << bit;
        }
    }
    free(x.l), free(y.l), free(t.l);
    if (too_big || q > 0xffffffffu) return -1;
    *out = (uint32_t)q;
    return 0;
}

/* A decimal number as the host's regex /^\+?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/
 * reads it, from s[0..n). Fills the digit string (integer then fraction
 * digits) and the power of ten; 0 ok, -1 not such a number, -2 exponent
 * beyond +-400 (the host's limit). Returns the end of the number in *end. */
typedef struct ClickDecimal {
    const char *int_digits, *frac_digits;
    size_t nint, nfrac;
    int64_t exp10;
} ClickDecimal;

static int click_is_digit(char c) { return c >= '0' && c <= '9'; }

static size_t click_scan_decimal(const char *s, size_t n, ClickDecimal *d)
{
    size_t i = 0;
    if (i < n && s[i] == '+') i++;
    d->int_digits = s + i;
    while (i < n && click_is_digit(s[i])) i++;
    d->nint = (size_t)(s + i - d->int_digits);
    d->frac_digits = s + i;
    d->nfrac = 0;
    if (i < n && s[i] == '.') {
        i++;
        d->frac_digits = s + i;
        while (i < n && click_is_digit(s[i])) i++;
        d->nfrac = (size_t)(s + i - d->frac_digits);
    }
    d->exp10 = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        int neg = 0;
        if (j < n && (s[j] == '+' || s[j] == '-')) neg = s[j++] == '-';
        if (j < n && click_is_digit(s[j])) {
            int64_t e = 0;
            for (; j < n && click_is_digit(s[j]); j++)
                if (e < 1000000000000LL) e = e * 10 + (s[j] - '0');   /* far beyond the +-400 limit */
            d->exp10 = neg ? -e : e;
            i = j;
        }
    }
    return i;
}

/* Round a scanned decimal times a / b; see click_decimal_round. */
static int click_decimal_value(const ClickDecimal *d, uint32_t a, uint32_t b, uint32_t *out)
{
    size_t n = d->nint + d->nfrac;
    char *digits = malloc(n ? n : 1);
    if (!digits) return -1;
    memcpy(digits, d->int_digits, d->nint);
    memcpy(digits + d->nint, d->frac_digits, d->nfrac);
    int r = click_decimal_round(digits, n, d->exp10 - (int64_t)d->nfrac, a, b, out);
    free(digits);
    return r;
}

/* FixedPointArg as parseFixedPoint: an unsigned decimal with frac_bits
 * fraction bits, rounded to nearest; 0 ok, -1 if not such a number or too large. */
static int click_parse_fixed_point(const char *text, int frac_bits, uint32_t *out)
{
    const char *s;
    size_t n;
    ct_trim(text, strlen(text), &s, &n);
    ClickDecimal d;
    if (click_scan_decimal(s, n, &d) != n || (d.nint == 0 && d.nfrac == 0)) return -1;
    if (d.exp10 - (int64_t)d.nfrac > 400 || d.exp10 - (int64_t)d.nfrac < -400) return -1;
    return click_decimal_value(&d, (uint32_t)1 << frac_bits, 1, out);
}

#endif
