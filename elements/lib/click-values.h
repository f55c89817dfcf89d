/* Click integers and booleans as the host engine reads them from text
 * (parseInteger and T.bool in config-lang/args/types.ts, parseClickInt in
 * elements/lib/ip-route.ts). The one copy every element's handlers use;
 * each caller adds its own range and message. Handler and initialization
 * paths only. */
#ifndef CVM_LIB_CLICK_VALUES_H
#define CVM_LIB_CLICK_VALUES_H

#include "click-text.h"
#include <strings.h>

#define CT_MAX_SAFE_INTEGER 9007199254740991LL   /* JavaScript's Number.MAX_SAFE_INTEGER */

enum { CT_INT_OK = 0, CT_INT_SYNTAX = -1, CT_INT_RANGE = -2 };

/* parseInteger's syntax on s[0..n) exactly as given: an optional sign, then
 * 0x hex, 0 octal or decimal digits. CT_INT_OK, CT_INT_SYNTAX ("is not an
 * integer") or CT_INT_RANGE (beyond JavaScript's safe integers). */
static int ct_integer_exact(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i >= n || s[i] < '0' || s[i] > '9') return CT_INT_SYNTAX;
    int base = 10;
    if (s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
        if (i >= n) return CT_INT_SYNTAX;
    } else if (s[i] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    int big = 0;
    for (; i < n; i++) {
        int digit = ct_hex(s[i]);
        if (digit < 0 || digit >= base) return CT_INT_SYNTAX;
        /* parseInt goes on past 2^53 (inexactly); such values are rejected anyway */
        if (!big) {
            v = v * (uint64_t)base + (uint64_t)digit;
            if (v > (uint64_t)CT_MAX_SAFE_INTEGER) big = 1;
        }
    }
    if (big) return CT_INT_RANGE;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return CT_INT_OK;
}

/* parseInteger: the same after JavaScript's trim(). */
static inline int ct_parse_integer(const char *s, size_t n, int64_t *out)
{
    ct_trim(s, n, &s, &n);
    return ct_integer_exact(s, n, out);
}

/* handlerInt: parseInteger within [lo, hi] (Click's IntArg into an int
 * takes -2^31..2^31-1; beyond it the value is refused, never wrapped).
 * 0 ok, -1 bad syntax or out of range (the caller's one message for both). */
static inline int ct_parse_integer_in(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
    int64_t v;
    if (ct_parse_integer(s, n, &v) != CT_INT_OK || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

#define CT_INT32_MIN (-2147483647LL - 1)
#define CT_INT32_MAX 2147483647LL

/* The same for Click's int (-2^31..2^31-1). */
static inline int ct_parse_int32(const char *s, int64_t *out)
{
    return ct_parse_integer_in(s, strlen(s), CT_INT32_MIN, CT_INT32_MAX, out);
}

/* parseClickInt (route ports, capacities): the exact syntax, within int32. 0 ok, -1 bad. */
static inline int ct_parse_click_int(CtText t, int64_t *out)
{
    int64_t v;
    if (ct_integer_exact(t.s, t.n, &v) != CT_INT_OK || v < -2147483648LL || v > 2147483647LL) return -1;
    *out = v;
    return 0;
}

/* T.bool after trim(): true/yes/1/t/y/on or false/no/0/f/n/off, any case. 0 ok, -1 bad. */
static int ct_parse_bool(const char *s, size_t n, int *out)
{
    static const char *const yes[] = { "true", "yes", "1", "t", "y", "on" };
    static const char *const no[] = { "false", "no", "0", "f", "n", "off" };
    ct_trim(s, n, &s, &n);
    for (unsigned i = 0; i < 6; i++) {
        if (strlen(yes[i]) == n && !strncasecmp(s, yes[i], n)) return *out = 1, 0;
        if (strlen(no[i]) == n && !strncasecmp(s, no[i], n)) return *out = 0, 0;
    }
    return -1;
}

static inline const char *ct_bool_text(int b) { return b ? "true" : "false"; }

#endif
