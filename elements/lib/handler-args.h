/* Values written to handlers, read as parseHandlerValue
 * (elements/lib/handler-values.ts) reads them, with its error messages
 * ("expected DESCRIPTION: REASON"), so that a bad write fails with the same
 * text in both engines. The text rules themselves are click-text.h and
 * click-values.h; the IP and Ethernet forms live in ip-header.h and
 * ether-header.h. Only handlers call these: nothing here runs per packet.
 *
 *   hv_value_int            parseHandlerValue(T.int/unsigned/uint16/byte, v)
 *   hv_value_port           parseHandlerValue(T.port, v)
 *   hv_value_bool           parseHandlerValue(T.bool, v) */
#ifndef CVM_LIB_HANDLER_ARGS_H
#define CVM_LIB_HANDLER_ARGS_H

#include "cvm.h"
#include "click-text.h"
#include "click-values.h"

/* The trimmed value as an integer, or -1 with "expected DESC: 'X' is not
 * an integer" (or "is out of range" beyond the safe integers). */
static int hv_integer(const char *value, const char *desc, int64_t *v, CvmStr *err)
{
    const char *t;
    size_t n;
    ct_trim(value, strlen(value), &t, &n);
    int r = ct_integer_exact(t, n, v);
    if (r == CT_INT_OK) return 0;
    cvm_str_printf(err, "expected %s: '%.*s' %s", desc, (int)n, t, r == CT_INT_RANGE ? "is out of range" : "is not an integer");
    return -1;
}

/* parseHandlerValue of Click's ranged integer types: T.int ("integer",
 * -2^31..2^31-1), T.unsigned ("unsigned integer", 0..2^32-1), T.uint16
 * ("integer from 0 to 65535"), T.byte ("integer from 0 to 255"). 0 or -1. */
static int hv_value_int(const char *value, const char *desc, int64_t lo, int64_t hi, int64_t *out, CvmStr *err)
{
    int64_t v;
    if (hv_integer(value, desc, &v, err) < 0) return -1;
    if (v < lo || v > hi) {
        cvm_str_printf(err, "expected %s: %lld is out of range (%lld to %lld)", desc, (long long)v, (long long)lo, (long long)hi);
        return -1;
    }
    *out = v;
    return 0;
}

#define HV_INT "integer", -2147483648LL, 2147483647LL
#define HV_UNSIGNED "unsigned integer", 0LL, 4294967295LL
#define HV_UINT16 "integer from 0 to 65535", 0LL, 65535LL
#define HV_BYTE "integer from 0 to 255", 0LL, 255LL

/* parseHandlerValue(T.port, v). */
static int hv_value_port(const char *value, uint16_t *out, CvmStr *err)
{
    static const char desc[] = "port number (0-65535)";
    int64_t v;
    if (hv_integer(value, desc, &v, err) < 0) return -1;
    if (v < 0 || v > 65535) return cvm_str_printf(err, "expected %s: port %lld is out of range (0 to 65535)", desc, (long long)v), -1;
    *out = (uint16_t)v;
    return 0;
}

/* parseHandlerValue(T.bool, v). */
static int hv_value_bool(const char *value, int *out, CvmStr *err)
{
    if (ct_parse_bool(value, strlen(value), out) == 0) return 0;
    const char *t;
    size_t n;
    ct_trim(value, strlen(value), &t, &n);
    cvm_str_printf(err, "expected true or false: '%.*s' is not a boolean (true/false)", (int)n, t);
    return -1;
}

#endif
