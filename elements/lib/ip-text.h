/* IPv4 addresses and prefixes as text, for native elements' handlers: the
 * one copy of Click's printed forms and of the two ways the host engine
 * reads them. Addresses are host-order uint32_t (a.b.c.d = a<<24|...).
 *
 *   ip_unparse, ip_unparse_prefix   a.b.c.d, ADDR/LEN (ADDR/MASK if not contiguous)
 *   ip_parse, ip_parse_prefix       parseIPv4 / parseIPPrefix (config-lang/args/types.ts)
 *   ip_parse_click, ip_parse_click_prefix
 *                                   parseClickIP / parseClickPrefix (elements/lib/ip-route.ts:
 *                                   Click's IPAddressArg, a prefix may write fewer parts)
 *   hv_value_ip                     parseHandlerValue(T.ip, v) with the host's message
 *   ip_parse_dst                    IPEncap's and UDPIPEncap's DST (address or DST_ANNO)
 *
 * Parsers return 0, or -1 for text that is not such a form. Handler paths only. */
#ifndef CVM_LIB_IP_TEXT_H
#define CVM_LIB_IP_TEXT_H

#include "cvm.h"
#include "click-text.h"

static inline uint32_t ip_mask_from_length(int len) { return len == 0 ? 0 : 0xffffffffu << (32 - len); }

/* Prefix length of a contiguous mask, or -1. */
static inline int ip_mask_length(uint32_t mask)
{
    for (int len = 0; len <= 32; len++)
        if (ip_mask_from_length(len) == mask) return len;
    return -1;
}

static inline void ip_unparse(CvmStr *o, uint32_t a)
{
    cvm_str_printf(o, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

/* Click's IPAddress::unparse_with_mask: ADDR/LEN, or ADDR/MASK when not contiguous. */
static inline void ip_unparse_prefix(CvmStr *o, uint32_t addr, uint32_t mask)
{
    ip_unparse(o, addr);
    int len = ip_mask_length(mask);
    if (len >= 0) {
        cvm_str_printf(o, "/%d", len);
    } else {
        cvm_str_append(o, "/", 1);
        ip_unparse(o, mask);
    }
}

/* parseIPv4: four dot-separated decimal parts of 1 to 3 digits, each at most
 * 255, around optional white space. */
static int ip_parse(const char *s0, size_t n0, uint32_t *out)
{
    const char *s;
    size_t n;
    ct_trim(s0, n0, &s, &n);
    uint32_t v = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.') return -1;
            i++;
        }
        unsigned x = 0, digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) x = x * 10 + (unsigned)(s[i++] - '0'), digits++;
        if (digits == 0 || digits > 3 || x > 255) return -1;
        v = v << 8 | x;
    }
    if (i != n) return -1;
    *out = v;
    return 0;
}

/* parseIPPrefix: ADDR/LEN, ADDR/MASK, "ADDR MASK" (JavaScript's \s between),
 * and with allow_bare a plain address (/32). The address keeps its host bits. */
static int ip_parse_prefix(const char *s0, size_t n0, int allow_bare, uint32_t *addr, uint32_t *mask)
{
    const char *t;
    size_t n;
    ct_trim(s0, n0, &t, &n);
    const char *a = t, *m = NULL;
    size_t an = n, mn = 0;
    size_t slash = ct_find(t, n, 0, "/");
    if (slash != CT_NONE) {
        an = slash;
        m = t + slash + 1;
        mn = n - slash - 1;
    } else {
        size_t i = 0;
        while (i < n && !ct_js_space(t[i])) i++;
        if (i < n) {
            an = i;
            while (i < n && ct_js_space(t[i])) i++;
            m = t + i;
            mn = n - i;
            for (size_t j = 0; j < mn; j++)
                if (ct_js_space(m[j])) return -1;   /* more than two words */
        }
    }
    if (ip_parse(a, an, addr) < 0) return -1;
    if (!m) {
        if (!allow_bare) return -1;
        *mask = 0xffffffffu;
        return 0;
    }
    int all_digits = mn > 0;
    for (size_t j = 0; j < mn; j++)
        if (m[j] < '0' || m[j] > '9') all_digits = 0;
    if (all_digits) {
        unsigned len = 0;
        for (size_t j = 0; j < mn && len <= 32; j++) len = len * 10 + (unsigned)(m[j] - '0');
        if (len > 32) return -1;
        *mask = ip_mask_from_length((int)len);
        return 0;
    }
    return ip_parse(m, mn, mask);
}

/* parseHandlerValue(T.ip, v): "expected IP address: 'X' is not an IP address". */
static int hv_value_ip(const char *value, uint32_t *out, CvmStr *err)
{
    const char *t;
    size_t n;
    ct_trim(value, strlen(value), &t, &n);
    CvmStr u = { 0 };
    ct_unquote(t, n, &u);
    int r = ip_parse(u.s, u.len, out);
    if (r < 0) cvm_str_printf(err, "expected IP address: '%.*s' is not an IP address", (int)u.len, u.s);
    cvm_str_free(&u);
    return r;
}

/* The DST written to IPEncap and UDPIPEncap (their parseDst): the trimmed,
 * unquoted text is DST_ANNO (UDPIPEncap: starts with it, anno_prefix) or
 * an address. 0 ok (*use_anno set, *dst 0 in DST_ANNO mode), -1 bad. */
static int ip_parse_dst(const char *value, int anno_prefix, uint32_t *dst, uint8_t *use_anno)
{
    const char *t;
    size_t n;
    ct_trim(value, strlen(value), &t, &n);
    CvmStr u = { 0 };
    ct_unquote(t, n, &u);
    int r = 0;
    if ((anno_prefix ? u.len >= 8 : u.len == 8) && !memcmp(u.s, "DST_ANNO", 8)) {
        *dst = 0;
        *use_anno = 1;
    } else if (ip_parse(u.s, u.len, dst) == 0) {
        *use_anno = 0;
    } else {
        r = -1;
    }
    cvm_str_free(&u);
    return r;
}

/* Up to four dotted decimal parts (each at most 255, any number of digits):
 * their count, and in *used the characters they took. */
static int ip_dotted_parts(CtText t, uint32_t parts[4], size_t *used)
{
    int np = 0;
    size_t i = 0;
    while (np < 4 && i < t.n && (np == 0 || t.s[i] == '.')) {
        size_t j = np == 0 ? i : i + 1;
        if (j >= t.n || t.s[j] < '0' || t.s[j] > '9') break;
        uint32_t v = 0;
        while (j < t.n && t.s[j] >= '0' && t.s[j] <= '9' && v <= 255) v = v * 10 + (uint32_t)(t.s[j++] - '0');
        if (v > 255) break;
        parts[np++] = v;
        i = j;
    }
    *used = i;
    return np;
}

static uint32_t ip_from_parts(const uint32_t *parts, int np)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) v = v << 8 | (k < np ? parts[k] : 0);
    return v;
}

/* parseClickIP: exactly a dotted quad, nothing around it. */
static int ip_parse_click(CtText t, uint32_t *out)
{
    uint32_t parts[4];
    size_t used;
    int np = ip_dotted_parts(t, parts, &used);
    if (np != 4 || used != t.n) return -1;
    *out = ip_from_parts(parts, 4);
    return 0;
}

/* parseClickPrefix: ADDR/LEN or ADDR/MASK, with fewer address parts when
 * the mask covers only them, or with allow_bare a plain address (/32). */
static int ip_parse_click_prefix(CtText t, int allow_bare, uint32_t *addr, uint32_t *mask)
{
    size_t slash = CT_NONE;
    for (size_t i = 0; i < t.n; i++)
        if (t.s[i] == '/') slash = i;
    if (slash != CT_NONE && slash > 0 && slash + 1 < t.n) {
        CtText a = { t.s, slash }, m = { t.s + slash + 1, t.n - slash - 1 };
        uint32_t parts[4];
        size_t used;
        int np = ip_dotted_parts(a, parts, &used);
        int all_digits = 1;
        uint64_t len = 0;
        for (size_t i = 0; i < m.n; i++) {
            if (m.s[i] < '0' || m.s[i] > '9') all_digits = 0;
            else if (len < 1000) len = len * 10 + (uint64_t)(m.s[i] - '0');
        }
        uint32_t mk;
        int have_mask;
        if (all_digits && len <= 32) mk = ip_mask_from_length((int)len), have_mask = 1;
        else have_mask = ip_parse_click(m, &mk) == 0;
        if (used == slash && have_mask && (np == 4 || (mk & ip_mask_from_length(np * 8)) == mk)) {
            *addr = ip_from_parts(parts, np);
            *mask = mk;
            return 0;
        }
    }
    if (allow_bare && ip_parse_click(t, addr) == 0) {
        *mask = 0xffffffffu;
        return 0;
    }
    return -1;
}

#endif
