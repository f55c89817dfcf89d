/* Values written to the standard elements' handlers, parsed and reported
 * exactly as handler-values.ts does (Click's IntArg syntax through the
 * host's parseInteger, BoolArg words), with the same messages. */
#ifndef CVM_STD_HANDLER_VALUES_H
#define CVM_STD_HANDLER_VALUES_H

#include "click-numbers.h"
#include <strings.h>

#define STD_MAX_SAFE_INTEGER 9007199254740991LL

/* parseInteger (config-lang/args/types.ts): [-+] then 0x hex, 0 octal or
 * decimal, within the safe-integer range. 0 ok, -1 otherwise. */
static int std_parse_integer(const char *text, int64_t *out)
{
    const char *s;
    size_t n;
    click_trim(text, &s, &n);
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    if (i >= n) return -1;
    int base = 10;
    if (s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
        if (i >= n) return -1;
    } else if (s[i] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    int over = 0;
    for (; i < n; i++) {
        char c = s[i];
        int d = click_is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 99;
        if (d >= base) return -1;
        if (!over) {
            v = v * (uint64_t)base + (uint64_t)d;
            if (v > (uint64_t)STD_MAX_SAFE_INTEGER) over = 1;
        }
    }
    if (over) return -1;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

static void std_trimmed_copy(CvmStr *o, const char *text)
{
    const char *s;
    size_t n;
    click_trim(text, &s, &n);
    cvm_str_append(o, s, n);
}

/* intValue: an integer in [lo, hi]; messages name the handler. */
static int std_int_value(const char *value, const char *handler, int64_t lo, int64_t hi, int64_t *out, CvmStr *err)
{
    int64_t v;
    if (std_parse_integer(value, &v) < 0) {
        cvm_str_printf(err, "%s: '", handler);
        std_trimmed_copy(err, value);
        cvm_str_append(err, "' is not an integer", 19);
        return -1;
    }
    if (v < lo || v > hi) {
        cvm_str_printf(err, "%s: %lld is out of range (%lld to %lld)", handler, (long long)v, (long long)lo, (long long)hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int std_signed_value(const char *value, const char *handler, int32_t *out, CvmStr *err)
{
    int64_t v;
    if (std_int_value(value, handler, -2147483648LL, 2147483647LL, &v, err) < 0) return -1;
    *out = (int32_t)v;
    return 0;
}

static int std_unsigned_value(const char *value, const char *handler, uint32_t *out, CvmStr *err)
{
    int64_t v;
    if (std_int_value(value, handler, 0, 0xffffffffLL, &v, err) < 0) return -1;
    *out = (uint32_t)v;
    return 0;
}

static int std_byte_value(const char *value, const char *handler, uint8_t *out, CvmStr *err)
{
    int64_t v;
    if (std_int_value(value, handler, 0, 255, &v, err) < 0) return -1;
    *out = (uint8_t)v;
    return 0;
}

/* boolValue: true/yes/1/t/y/on or false/no/0/f/n/off, any case. */
static int std_bool_value(const char *value, const char *handler, uint8_t *out, CvmStr *err)
{
    static const char *const yes[] = { "true", "yes", "1", "t", "y", "on" };
    static const char *const no[] = { "false", "no", "0", "f", "n", "off" };
    const char *s;
    size_t n;
    click_trim(value, &s, &n);
    for (unsigned i = 0; i < 6; i++) {
        if (strlen(yes[i]) == n && !strncasecmp(s, yes[i], n)) return *out = 1, 0;
        if (strlen(no[i]) == n && !strncasecmp(s, no[i], n)) return *out = 0, 0;
    }
    cvm_str_printf(err, "%s: '", handler);
    cvm_str_append(err, s, n);
    cvm_str_append(err, "' is not true or false", 22);
    return -1;
}

static void std_bool_text(CvmStr *o, int b) { cvm_str_printf(o, "%s", b ? "true" : "false"); }

#endif
