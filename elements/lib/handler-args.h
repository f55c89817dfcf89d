/* Handler values in the native dataplane, read exactly as the host engine
 * reads them (config-lang/args/split.ts, config-lang/args/types.ts and
 * elements/lib/handler-values.ts), with the same error messages, so that a
 * bad write fails with the same text in both engines. Only handlers call
 * these: nothing here runs per packet.
 *
 *   hv_trim                 JavaScript's String.trim() over ASCII white space
 *   hv_unquote              Click's cp_unquote ("..." with C escapes, '...', \<hex>)
 *   hv_split_words          Click's cp_spacevec: words at top-level spaces,
 *                           comments blanked, quotes/brackets kept together
 *   hv_parse_integer        parseInteger: decimal, 0x hex, 0 octal, sign
 *   hv_value_int/bool       parseHandlerValue(T.int/unsigned/uint16/byte/bool, v)
 *   hv_value_port           parseHandlerValue(T.port, v)
 *
 * Errors go into `err` as the host's HandlerError message:
 * "expected DESCRIPTION: REASON". Texts are byte strings with explicit
 * lengths; the IP and Ethernet forms live in ip-header.h and ether-header.h. */
#ifndef CVM_LIB_HANDLER_ARGS_H
#define CVM_LIB_HANDLER_ARGS_H

#include "cvm.h"
#include <strings.h>

static inline int hv_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline int hv_is_hex(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline int hv_hex_value(int c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Trim white space from both ends of s[0..*n); returns the new start. */
static inline const char *hv_trim(const char *s, size_t *n)
{
    size_t a = 0, b = *n;
    while (a < b && hv_is_space((unsigned char)s[a])) a++;
    while (b > a && hv_is_space((unsigned char)s[b - 1])) b--;
    *n = b - a;
    return s + a;
}

static inline size_t hv_index_of(const char *s, size_t n, size_t from, char c)
{
    for (size_t j = from; j < n; j++)
        if (s[j] == c) return j;
    return (size_t)-1;
}

/* One backslash escape at s[i] == '\\' (i + 1 < n); appends its text, returns the next index. */
static size_t hv_unescape(const char *s, size_t n, size_t i, CvmStr *out)
{
    char d = s[i + 1];
    static const char simple_from[] = "ntrabfv\\\"'$";
    static const char simple_to[] = "\n\t\r\a\b\f\v\\\"'$";
    const char *hit = d ? strchr(simple_from, d) : NULL;
    if (hit) {
        cvm_str_append(out, &simple_to[hit - simple_from], 1);
        return i + 2;
    }
    if (d == '\n') return i + 2;
    if (d == '<') {
        size_t end = hv_index_of(s, n, i + 2, '>');
        size_t stop = end == (size_t)-1 ? n : end;
        char hex[2];
        int k = 0;
        for (size_t j = i + 2; j < stop; j++) {
            if (hv_is_space((unsigned char)s[j])) continue;
            hex[k++] = s[j];
            if (k == 2) {
                /* parseInt(pair, 16): leading hex digits only; none reads as 0 */
                int v = 0;
                if (hv_is_hex((unsigned char)hex[0])) {
                    v = hv_hex_value((unsigned char)hex[0]);
                    if (hv_is_hex((unsigned char)hex[1])) v = v * 16 + hv_hex_value((unsigned char)hex[1]);
                }
                char c = (char)v;
                cvm_str_append(out, &c, 1);
                k = 0;
            }
        }
        return end == (size_t)-1 ? n : end + 1;
    }
    if (d == 'x' && i + 2 < n && hv_is_hex((unsigned char)s[i + 2])) {
        int v = hv_hex_value((unsigned char)s[i + 2]);
        size_t next = i + 3;
        if (next < n && hv_is_hex((unsigned char)s[next])) v = v * 16 + hv_hex_value((unsigned char)s[next++]);
        char c = (char)v;
        cvm_str_append(out, &c, 1);
        return next;
    }
    if (d >= '0' && d <= '7') {
        int v = 0;
        size_t j = i + 1;
        for (int k = 0; k < 3 && j < n && s[j] >= '0' && s[j] <= '7'; k++, j++) v = v * 8 + (s[j] - '0');
        char c = (char)(v & 255);
        cvm_str_append(out, &c, 1);
        return j;
    }
    cvm_str_append(out, &d, 1);
    return i + 2;
}

/* Remove one level of quoting from s[0..n), appending the result to out. */
static void hv_unquote(const char *s, size_t n, CvmStr *out)
{
    cvm_str_append(out, "", 0);
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\'') {
            size_t j = hv_index_of(s, n, i + 1, '\'');
            size_t end = j == (size_t)-1 ? n : j;
            cvm_str_append(out, s + i + 1, end - i - 1);
            i = end + 1;
        } else if (c == '"') {
            i++;
            while (i < n && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < n) i = hv_unescape(s, n, i, out);
                else cvm_str_append(out, &s[i++], 1);
            }
            i++;
        } else if (c == '\\' && i + 1 < n && s[i + 1] == '<') {
            i = hv_unescape(s, n, i, out);
        } else {
            cvm_str_append(out, &c, 1);
            i++;
        }
    }
}

static inline char hv_closer(char c)
{
    return c == '(' ? ')' : c == '[' ? ']' : c == '{' ? '}' : 0;
}

/* Past a protected construct starting at s[i] (quote, hex string, comment,
 * bracket group), or i if none starts there. */
static size_t hv_skip_protected(const char *s, size_t n, size_t i)
{
    char c = s[i], d = i + 1 < n ? s[i + 1] : 0;
    if (c == '"') {
        size_t j = i + 1;
        while (j < n && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
        return j + 1 < n ? j + 1 : n;
    }
    if (c == '\'') {
        size_t j = hv_index_of(s, n, i + 1, '\'');
        return j == (size_t)-1 ? n : j + 1;
    }
    if (c == '\\' && d == '<') {
        size_t j = hv_index_of(s, n, i + 2, '>');
        return j == (size_t)-1 ? n : j + 1;
    }
    if (c == '/' && d == '/') {
        size_t j = hv_index_of(s, n, i + 2, '\n');
        return j == (size_t)-1 ? n : j;
    }
    if (c == '/' && d == '*') {
        for (size_t j = i + 2; j + 1 < n; j++)
            if (s[j] == '*' && s[j + 1] == '/') return j + 2;
        return n;
    }
    if (hv_closer(c)) {
        char stack[256];
        int depth = 0;
        stack[depth++] = hv_closer(c);
        size_t j = i + 1;
        while (j < n && depth > 0) {
            size_t k = hv_skip_protected(s, n, j);
            if (k > j && !hv_closer(s[j])) {
                j = k;
                continue;
            }
            char e = s[j];
            if (hv_closer(e)) {
                if (depth < (int)sizeof stack) stack[depth] = hv_closer(e);
                depth++;
            } else if (depth <= (int)sizeof stack && e == stack[depth - 1]) {
                depth--;
            }
            j++;
        }
        return j;
    }
    return i;
}

/* Comments replaced by spaces of the same length (line breaks kept). */
static void hv_blank_comments(const char *s, size_t n, CvmStr *out)
{
    cvm_str_append(out, "", 0);
    size_t i = 0;
    while (i < n) {
        char c = s[i], d = i + 1 < n ? s[i + 1] : 0;
        if (c == '/' && (d == '/' || d == '*')) {
            size_t j = hv_skip_protected(s, n, i);
            for (; i < j; i++) cvm_str_append(out, s[i] == '\n' ? "\n" : " ", 1);
        } else if (c == '"' || c == '\'' || (c == '\\' && d == '<')) {
            size_t j = hv_skip_protected(s, n, i);
            cvm_str_append(out, s + i, j - i);
            i = j;
        } else {
            cvm_str_append(out, &c, 1);
            i++;
        }
    }
}

typedef struct HvWord {
    size_t start, len;           /* into the blanked text */
} HvWord;

/* Split s[0..n) into words (Click's cp_spacevec). `blanked` receives the
 * text the words index; at most `max` words are stored, the count of all of
 * them is returned. */
static int hv_split_words(const char *s, size_t n, CvmStr *blanked, HvWord *words, int max)
{
    hv_blank_comments(s, n, blanked);
    const char *b = blanked->s;
    size_t m = blanked->len;
    int count = 0;
    size_t i = 0;
    while (i < m) {
        while (i < m && hv_is_space((unsigned char)b[i])) i++;
        if (i >= m) break;
        size_t start = i;
        while (i < m && !hv_is_space((unsigned char)b[i])) {
            size_t j = hv_skip_protected(b, m, i);
            i = j > i ? j : i + 1;
        }
        if (count < max) words[count] = (HvWord){ start, i - start };
        count++;
    }
    return count;
}

enum { HV_INT_OK = 0, HV_INT_SYNTAX = -1, HV_INT_RANGE = -2 };

/* parseInteger on s[0..n): HV_INT_OK, HV_INT_SYNTAX ("is not an integer")
 * or HV_INT_RANGE (beyond JavaScript's safe integers). */
static int hv_parse_integer(const char *s0, size_t n0, int64_t *out)
{
    size_t n = n0;
    const char *s = hv_trim(s0, &n);
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i >= n || s[i] < '0' || s[i] > '9') return HV_INT_SYNTAX;
    int base = 10;
    if (s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
        if (i >= n) return HV_INT_SYNTAX;
    } else if (s[i] == '0') {
        base = 8;
    }
    const uint64_t max_safe = (1ULL << 53) - 1;
    uint64_t v = 0;
    int big = 0;
    for (; i < n; i++) {
        int c = (unsigned char)s[i];
        int digit = hv_is_hex(c) ? hv_hex_value(c) : 99;
        if (digit >= base) return HV_INT_SYNTAX;
        if (!big) {
            v = v * (uint64_t)base + (uint64_t)digit;
            if (v > max_safe) big = 1;
        }
    }
    if (big) return HV_INT_RANGE;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return HV_INT_OK;
}

/* "expected DESC: REASON" for a bad integer `text` (the trimmed value). */
static void hv_integer_error(const char *desc, const char *text, size_t n, int code, CvmStr *err)
{
    cvm_str_printf(err, "expected %s: '%.*s' %s", desc, (int)n, text, code == HV_INT_RANGE ? "is out of range" : "is not an integer");
}

/* parseHandlerValue of Click's ranged integer types: T.int ("integer",
 * -2^31..2^31-1), T.unsigned ("unsigned integer", 0..2^32-1), T.uint16
 * ("integer from 0 to 65535"), T.byte ("integer from 0 to 255"). 0 or -1. */
static int hv_value_int(const char *value, const char *desc, int64_t lo, int64_t hi, int64_t *out, CvmStr *err)
{
    size_t n = strlen(value);
    const char *t = hv_trim(value, &n);
    int64_t v;
    int r = hv_parse_integer(t, n, &v);
    if (r != HV_INT_OK) return hv_integer_error(desc, t, n, r, err), -1;
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
    size_t n = strlen(value);
    const char *t = hv_trim(value, &n);
    int64_t v;
    int r = hv_parse_integer(t, n, &v);
    if (r != HV_INT_OK) return hv_integer_error(desc, t, n, r, err), -1;
    if (v < 0 || v > 65535) return cvm_str_printf(err, "expected %s: port %lld is out of range (0 to 65535)", desc, (long long)v), -1;
    *out = (uint16_t)v;
    return 0;
}

/* parseHandlerValue(T.bool, v). */
static int hv_value_bool(const char *value, int *out, CvmStr *err)
{
    static const char *const yes[] = { "true", "yes", "1", "t", "y", "on" };
    static const char *const no[] = { "false", "no", "0", "f", "n", "off" };
    size_t n = strlen(value);
    const char *t = hv_trim(value, &n);
    for (unsigned i = 0; i < 6; i++) {
        if (strlen(yes[i]) == n && !strncasecmp(t, yes[i], n)) return *out = 1, 0;
        if (strlen(no[i]) == n && !strncasecmp(t, no[i], n)) return *out = 0, 0;
    }
    cvm_str_printf(err, "expected true or false: '%.*s' is not a boolean (true/false)", (int)n, t);
    return -1;
}

#endif
