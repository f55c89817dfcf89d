/* IPv4 header layout and helpers for native elements (the C side of
 * elements/lib/ip-header.ts). Field offsets are relative to the start of the
 * IP header; multi-byte fields are big-endian on the wire (cvm_be16/32,
 * cvm_put16/32). Addresses are host-order uint32_t (a.b.c.d = a<<24|...),
 * like the host engine's numbers.
 *
 *   ip_header(p, &avail)   Click's ip_header() with bounds: the header at the
 *                          network header annotation and the bytes from there
 *                          to the end of the data, or NULL when the annotation
 *                          is unset or outside the data (ipHeader() in TS).
 *                          Recompute after cvm_packet_writable: it may move
 *                          the buffer (offsets stay valid).
 *   ip_net_rel / ip_trans_rel  header annotations relative to the data start,
 *                          IP_UNSET when not set (networkHeaderOffset in TS)
 *   ip_unparse, ip_unparse_prefix  Click's text forms (a.b.c.d, ADDR/LEN)
 *   ip_parse, ip_parse_prefix      parseIPv4 / parseIPPrefix (0 ok, -1 bad)
 *   hv_value_ip            parseHandlerValue(T.ip, v) with the host's message */
#ifndef CVM_LIB_IP_HEADER_H
#define CVM_LIB_IP_HEADER_H

#include "cvm.h"
#include "checksum.h"
#include "handler-args.h"

enum {
    IPH_VHL = 0,
    IPH_TOS = 1,
    IPH_LEN = 2,
    IPH_ID = 4,
    IPH_OFF = 6,
    IPH_TTL = 8,
    IPH_PROTO = 9,
    IPH_SUM = 10,
    IPH_SRC = 12,
    IPH_DST = 16,
    IPH_MIN_LEN = 20,            /* a header without options */
};

/* Flags and offset mask of the fragment field (host order). */
#define IP_RF 0x8000
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

enum { IP_PROTO_ICMP = 1, IP_PROTO_IGMP = 2, IP_PROTO_IPIP = 4, IP_PROTO_TCP = 6, IP_PROTO_UDP = 17 };

enum { IPOPT_EOL = 0, IPOPT_NOP = 1, IPOPT_RR = 7, IPOPT_TS = 68, IPOPT_SECURITY = 130, IPOPT_LSRR = 131, IPOPT_SATID = 136, IPOPT_SSRR = 137, IPOPT_RA = 148 };

#define IP_UNSET INT32_MIN

static inline int32_t ip_net_rel(const Packet *p)
{
    return p->net < 0 ? IP_UNSET : p->net - (int32_t)cvm_headroom(p);
}

static inline int32_t ip_trans_rel(const Packet *p)
{
    return p->trans < 0 ? IP_UNSET : p->trans - (int32_t)cvm_headroom(p);
}

static inline uint8_t *ip_header(const Packet *p, int32_t *avail)
{
    int32_t rel = ip_net_rel(p);
    *avail = 0;
    if (rel < 0 || rel > (int32_t)p->len) return NULL;
    *avail = (int32_t)p->len - rel;
    return p->buf->head + p->net;
}

/* Header length in bytes from the version/header-length byte. */
static inline uint32_t ip_hlen(const uint8_t *ip) { return (uint32_t)(ip[IPH_VHL] & 0x0f) << 2; }

static inline int ip_is_multicast(uint32_t addr) { return addr >> 28 == 0xe; }

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
    size_t n = n0;
    const char *s = hv_trim(s0, &n);
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

/* parseIPPrefix: ADDR/LEN, ADDR/MASK, "ADDR MASK", and with allow_bare a
 * plain address (/32). The address keeps its host bits. */
static int ip_parse_prefix(const char *s0, size_t n0, int allow_bare, uint32_t *addr, uint32_t *mask)
{
    size_t n = n0;
    const char *t = hv_trim(s0, &n);
    const char *a = t, *m = NULL;
    size_t an = n, mn = 0;
    size_t slash = hv_index_of(t, n, 0, '/');
    if (slash != (size_t)-1) {
        an = slash;
        m = t + slash + 1;
        mn = n - slash - 1;
    } else {
        size_t i = 0;
        while (i < n && !hv_is_space((unsigned char)t[i])) i++;
        if (i < n) {
            an = i;
            while (i < n && hv_is_space((unsigned char)t[i])) i++;
            m = t + i;
            mn = n - i;
            for (size_t j = 0; j < mn; j++)
                if (hv_is_space((unsigned char)m[j])) return -1;   /* more than two words */
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
    size_t n = strlen(value);
    const char *t = hv_trim(value, &n);
    CvmStr u = { 0 };
    hv_unquote(t, n, &u);
    int r = ip_parse(u.s, u.len, out);
    if (r < 0) cvm_str_printf(err, "expected IP address: '%.*s' is not an IP address", (int)u.len, u.s);
    cvm_str_free(&u);
    return r;
}

#endif
