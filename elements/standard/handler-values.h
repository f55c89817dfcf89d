/* Values written to the standard elements' handlers, parsed and reported
 * exactly as handler-values.ts does (Click's IntArg syntax through the
 * host's parseInteger, BoolArg words), with the same messages. */
#ifndef CVM_STD_HANDLER_VALUES_H
#define CVM_STD_HANDLER_VALUES_H

#include "../lib/click-values.h"

static void std_trimmed_copy(CvmStr *o, const char *text)
{
    const char *s;
    size_t n;
    ct_trim(text, strlen(text), &s, &n);
    cvm_str_append(o, s, n);
}

/* intValue: an integer in [lo, hi]; messages name the handler. */
static int std_int_value(const char *value, const char *handler, int64_t lo, int64_t hi, int64_t *out, CvmStr *err)
{
    int64_t v;
    if (ct_parse_integer(value, strlen(value), &v) != CT_INT_OK) {
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
    int b;
    if (ct_parse_bool(value, strlen(value), &b) == 0) return *out = (uint8_t)b, 0;
    cvm_str_printf(err, "%s: '", handler);
    std_trimmed_copy(err, value);
    cvm_str_append(err, "' is not true or false", 22);
    return -1;
}

static void std_bool_text(CvmStr *o, int b) { cvm_str_printf(o, "%s", ct_bool_text(b)); }

#endif
