/* Click's IP summary dump text format in C: the field table (names,
 * synonyms, reading order), how ToIPSummaryDump prints each field from a
 * packet (ipsum-fields.ts, ipsum-describe.ts), IP and TCP option texts
 * (ipsum-options.ts), and MD5 for payload_md5_hex. Every byte is read
 * through a bounds check; a field that does not apply prints `-`. */
#ifndef CVM_IO_IPSUM_H
#define CVM_IO_IPSUM_H

#include "cvm.h"
#include "elements/io/io-text.h"
#include "elements/io/ip-names.h"
#include "elements/lib/ip-text.h"
#include "elements/driver/script-text.h"
#include <math.h>

/* --- the fields ------------------------------------------------------------ */

enum {
    IPSUM_TIMESTAMP, IPSUM_TS_SEC, IPSUM_TS_USEC, IPSUM_TS_USEC1, IPSUM_FIRST_TIMESTAMP, IPSUM_COUNT, IPSUM_LINK, IPSUM_PAINT,
    IPSUM_DIRECTION, IPSUM_AGGREGATE, IPSUM_WIRE_LEN, IPSUM_ETH_SRC, IPSUM_ETH_DST, IPSUM_ETH_TYPE, IPSUM_IP_SRC, IPSUM_IP_DST,
    IPSUM_IP_TOS, IPSUM_IP_DSCP, IPSUM_IP_ECN, IPSUM_IP_TTL, IPSUM_IP_FRAG, IPSUM_IP_FRAGOFF, IPSUM_IP_ID, IPSUM_IP_SUM,
    IPSUM_IP_PROTO, IPSUM_IP_HL, IPSUM_IP_LEN, IPSUM_IP_CAPTURE_LEN, IPSUM_IP_OPT, IPSUM_SPORT, IPSUM_DPORT, IPSUM_TCP_SEQ,
    IPSUM_TCP_ACK, IPSUM_TCP_OFF, IPSUM_TCP_FLAGS, IPSUM_TCP_WINDOW, IPSUM_TCP_URP, IPSUM_TCP_OPT, IPSUM_TCP_NTOPT, IPSUM_TCP_SACK,
    IPSUM_UDP_LEN, IPSUM_ICMP_TYPE, IPSUM_ICMP_TYPE_NAME, IPSUM_ICMP_CODE, IPSUM_ICMP_CODE_NAME, IPSUM_ICMP_FLOWID, IPSUM_ICMP_SEQ,
    IPSUM_ICMP_NEXTMTU, IPSUM_PAYLOAD_LEN, IPSUM_PAYLOAD, IPSUM_PAYLOAD_MD5_HEX, IPSUM_NFIELDS
};

typedef struct IpsumField {
    const char *name;
    uint8_t ip;                  /* needs the IP preparation before writing */
    uint8_t readable;            /* FromIPSummaryDump reads it */
    int16_t order;               /* reading order */
} IpsumField;

#define IPSUM_ANNO 100
#define IPSUM_LINKO 200
#define IPSUM_NET 300
#define IPSUM_TRANSP 400
#define IPSUM_PAYLOADO 500

static const IpsumField ipsum_fields[IPSUM_NFIELDS] = {
    [IPSUM_TIMESTAMP] = { "timestamp", 0, 1, IPSUM_ANNO },
    [IPSUM_TS_SEC] = { "ts_sec", 0, 1, IPSUM_ANNO },
    [IPSUM_TS_USEC] = { "ts_usec", 0, 1, IPSUM_ANNO },
    [IPSUM_TS_USEC1] = { "ts_usec1", 0, 1, IPSUM_ANNO },
    [IPSUM_FIRST_TIMESTAMP] = { "first_timestamp", 0, 1, IPSUM_ANNO },
    [IPSUM_COUNT] = { "count", 0, 1, IPSUM_ANNO },
    [IPSUM_LINK] = { "link", 0, 1, IPSUM_ANNO },
    [IPSUM_PAINT] = { "paint", 0, 1, IPSUM_ANNO },
    [IPSUM_DIRECTION] = { "direction", 0, 1, IPSUM_ANNO },
    [IPSUM_AGGREGATE] = { "aggregate", 0, 1, IPSUM_ANNO },
    [IPSUM_WIRE_LEN] = { "wire_len", 0, 1, IPSUM_ANNO },
    [IPSUM_ETH_SRC] = { "eth_src", 0, 1, IPSUM_LINKO },
    [IPSUM_ETH_DST] = { "eth_dst", 0, 1, IPSUM_LINKO },
    [IPSUM_ETH_TYPE] = { "eth_type", 0, 1, IPSUM_LINKO },
    [IPSUM_IP_SRC] = { "ip_src", 1, 1, IPSUM_NET },
    [IPSUM_IP_DST] = { "ip_dst", 1, 1, IPSUM_NET },
    [IPSUM_IP_TOS] = { "ip_tos", 1, 1, IPSUM_NET },
    [IPSUM_IP_DSCP] = { "ip_dscp", 1, 1, IPSUM_NET },
    [IPSUM_IP_ECN] = { "ip_ecn", 1, 1, IPSUM_NET },
    [IPSUM_IP_TTL] = { "ip_ttl", 1, 1, IPSUM_NET },
    [IPSUM_IP_FRAG] = { "ip_frag", 1, 1, IPSUM_NET - 2 },
    [IPSUM_IP_FRAGOFF] = { "ip_fragoff", 1, 1, IPSUM_NET - 1 },
    [IPSUM_IP_ID] = { "ip_id", 1, 1, IPSUM_NET },
    [IPSUM_IP_SUM] = { "ip_sum", 1, 1, IPSUM_NET + 2 },
    [IPSUM_IP_PROTO] = { "ip_proto", 1, 1, IPSUM_NET },
    [IPSUM_IP_HL] = { "ip_hl", 1, 1, IPSUM_NET - 1 },
    [IPSUM_IP_LEN] = { "ip_len", 1, 1, IPSUM_NET + 1 },
    [IPSUM_IP_CAPTURE_LEN] = { "ip_capture_len", 1, 1, IPSUM_PAYLOADO + 2 },
    [IPSUM_IP_OPT] = { "ip_opt", 1, 1, IPSUM_NET },
    [IPSUM_SPORT] = { "sport", 1, 1, IPSUM_TRANSP },
    [IPSUM_DPORT] = { "dport", 1, 1, IPSUM_TRANSP },
    [IPSUM_TCP_SEQ] = { "tcp_seq", 1, 1, IPSUM_TRANSP },
    [IPSUM_TCP_ACK] = { "tcp_ack", 1, 1, IPSUM_TRANSP },
    [IPSUM_TCP_OFF] = { "tcp_off", 1, 1, IPSUM_TRANSP - 1 },
    [IPSUM_TCP_FLAGS] = { "tcp_flags", 1, 1, IPSUM_TRANSP },
    [IPSUM_TCP_WINDOW] = { "tcp_window", 1, 1, IPSUM_TRANSP },
    [IPSUM_TCP_URP] = { "tcp_urp", 1, 1, IPSUM_TRANSP },
    [IPSUM_TCP_OPT] = { "tcp_opt", 1, 1, IPSUM_TRANSP + 3 },
    [IPSUM_TCP_NTOPT] = { "tcp_ntopt", 1, 1, IPSUM_TRANSP + 2 },
    [IPSUM_TCP_SACK] = { "tcp_sack", 1, 1, IPSUM_TRANSP + 1 },
    [IPSUM_UDP_LEN] = { "udp_len", 1, 1, IPSUM_TRANSP },
    [IPSUM_ICMP_TYPE] = { "icmp_type", 1, 1, IPSUM_TRANSP },
    [IPSUM_ICMP_TYPE_NAME] = { "icmp_type_name", 1, 1, IPSUM_TRANSP },
    [IPSUM_ICMP_CODE] = { "icmp_code", 1, 1, IPSUM_TRANSP + 1 },
    [IPSUM_ICMP_CODE_NAME] = { "icmp_code_name", 1, 1, IPSUM_TRANSP + 1 },
    [IPSUM_ICMP_FLOWID] = { "icmp_flowid", 1, 1, IPSUM_TRANSP + 2 },
    [IPSUM_ICMP_SEQ] = { "icmp_seq", 1, 1, IPSUM_TRANSP + 2 },
    [IPSUM_ICMP_NEXTMTU] = { "icmp_nextmtu", 1, 1, IPSUM_TRANSP + 2 },
    [IPSUM_PAYLOAD_LEN] = { "payload_len", 1, 1, IPSUM_PAYLOADO + 1 },
    [IPSUM_PAYLOAD] = { "payload", 1, 1, IPSUM_PAYLOADO },
    [IPSUM_PAYLOAD_MD5_HEX] = { "payload_md5_hex", 1, 0, IPSUM_PAYLOADO },
};

static int ipsum_field_by_canonical(const char *name, size_t n)
{
    for (int i = 0; i < IPSUM_NFIELDS; i++)
        if (strlen(ipsum_fields[i].name) == n && !memcmp(ipsum_fields[i].name, name, n)) return i;
    return -1;
}

/* findField: synonyms, a space for an underscore, a missing `ip_`; -1 if none. */
static int ipsum_find_field(const char *name, size_t n)
{
    static const char *const synonyms[][2] = {
        { "length", "ip_len" }, { "ip_p", "ip_proto" }, { "utimestamp", "timestamp" }, { "ntimestamp", "timestamp" },
        { "ts", "timestamp" }, { "sec", "ts_sec" }, { "usec", "ts_usec" }, { "usec1", "ts_usec1" },
        { "first_utimestamp", "first_timestamp" }, { "first_ntimestamp", "first_timestamp" }, { "first_ts", "first_timestamp" },
        { "pkt_count", "count" }, { "packet_count", "count" }, { "agg", "aggregate" }, { "wire_length", "wire_len" },
        { "tcp_seqno", "tcp_seq" }, { "tcp_ackno", "tcp_ack" }, { "tcp_win", "tcp_window" }, { "payload_length", "payload_len" },
        { "ether_src", "eth_src" }, { "ether_dst", "eth_dst" }, { "ether_type", "eth_type" },
    };
    for (unsigned i = 0; i < sizeof synonyms / sizeof *synonyms; i++)
        if (strlen(synonyms[i][0]) == n && !memcmp(synonyms[i][0], name, n)) return ipsum_field_by_canonical(synonyms[i][1], strlen(synonyms[i][1]));
    int direct = ipsum_field_by_canonical(name, n);
    if (direct >= 0) return direct;
    char buf[256];
    if (n + 4 > sizeof buf) return -1;
    const char *space = memchr(name, ' ', n);
    if (space) {
        memcpy(buf, name, n);
        buf[space - name] = '_';
        return ipsum_find_field(buf, n);
    }
    if (n && !memchr(name, '_', n)) {
        memcpy(buf, "ip_", 3);
        memcpy(buf + 3, name, n);
        return ipsum_find_field(buf, n + 3);
    }
    return -1;
}

/* --- option texts ------------------------------------------------------------ */

static inline unsigned ipsum_opt8(const uint8_t *o, size_t n, size_t i) { return i < n ? o[i] : 0; }
static inline uint32_t ipsum_opt32(const uint8_t *o, size_t n, size_t i)
{
    return (uint32_t)ipsum_opt8(o, n, i) << 24 | ipsum_opt8(o, n, i + 1) << 16 | ipsum_opt8(o, n, i + 2) << 8 | ipsum_opt8(o, n, i + 3);
}

static void ipsum_ip4(CvmStr *s, const uint8_t *o, size_t n, size_t i) { ip_unparse(s, ipsum_opt32(o, n, i)); }

/* The next option of an IP or TCP option list at or after *i (NOPs
 * skipped): 1 with its type and length byte, 0 at the end or an EOL. */
static int ipsum_next_option(const uint8_t *opt, size_t n, size_t *i, unsigned *type, size_t *len)
{
    while (*i < n && opt[*i] == 1) (*i)++;
    if (*i >= n || opt[*i] == 0) return 0;
    *type = opt[*i];
    *len = ipsum_opt8(opt, n, *i + 1);
    return 1;
}

/* An option without a name of its own: TYPE, then =b2:b3:... */
static void ipsum_numbered_option(CvmStr *out, const char *sep, unsigned type, const uint8_t *o, size_t len)
{
    cvm_str_printf(out, "%s%u", sep, type);
    for (size_t k = 2; k < len; k++) cvm_str_printf(out, "%c%u", k == 2 ? '=' : ':', o[k]);
}

/* The end of an option text begun at `start`: "." if nothing was written,
 * or all of it replaced by "?" for a malformed list. */
static void ipsum_options_end(CvmStr *out, size_t start, int malformed)
{
    if (malformed) {
        out->len = start;
        if (out->s) out->s[start] = 0;
        cvm_str_append(out, "?", 1);
    } else if (out->len == start) {
        cvm_str_append(out, ".", 1);
    }
}

/* IP options (Click's unparse_ip_opt); "." for none, "?" if malformed. */
static void ipsum_format_ip_options(CvmStr *out, const uint8_t *opt, size_t n)
{
    /* written straight into out; a malformed option takes it back to `start` */
    size_t start = out->len;
    const char *sep = "";
    size_t i = 0, len;
    unsigned type;
    while (ipsum_next_option(opt, n, &i, &type, &len)) {
        if (i + len > n || len < 2) return ipsum_options_end(out, start, 1);
        if (type == 7 || type == 131 || type == 137) {
            if (len < 3 || ipsum_opt8(opt, n, i + 2) < 4) return ipsum_options_end(out, start, 1);
            const char *name = type == 7 ? "rr" : type == 131 ? "lsrr" : "ssrr";
            size_t end = i + len, ptr = i + opt[i + 2] - 1, o = i + 3;
            const char *inner = "";
            cvm_str_printf(out, "%s%s{", sep, name);
            for (; o + 4 <= end; o += 4) {
                if (o == ptr) {
                    if (type == 7) break;
                    inner = "^";
                }
                cvm_str_printf(out, "%s", inner);
                ipsum_ip4(out, opt, n, o);
                inner = ",";
            }
            if (o == end && o == ptr && type != 7) cvm_str_append(out, "^", 1);
            cvm_str_append(out, "}", 1);
            if (o + 4 <= end && o == ptr && type == 7) cvm_str_printf(out, "+%zu", (end - o) / 4);
            sep = ";";
            i = end;
            continue;
        }
        if (type == 68) {
            if (len < 4 || ipsum_opt8(opt, n, i + 2) < 5) return ipsum_options_end(out, start, 1);
            size_t end = i + len, ptr = i + opt[i + 2] - 1;
            unsigned flag = opt[i + 3] & 15;
            size_t size = flag >= 1 && flag <= 3 ? 8 : 4;
            cvm_str_printf(out, "%sts", sep);
            if (flag == 1) cvm_str_printf(out, ".ip");
            else if (flag == 3) cvm_str_printf(out, ".preip");
            else if (flag) cvm_str_printf(out, ".%u", flag);
            cvm_str_append(out, "{", 1);
            const char *inner = "";
            size_t o = i + 4;
            for (; o + size <= end; o += 4) {
                if (o == ptr) {
                    if (flag != 3) break;
                    inner = "^";
                }
                if (flag != 0) {
                    cvm_str_printf(out, "%s", inner);
                    ipsum_ip4(out, opt, n, o);
                    cvm_str_append(out, "=", 1);
                    o += 4;
                } else cvm_str_printf(out, "%s", inner);
                if (flag == 3 && o > ptr) {
                    if (out->len > start) out->s[--out->len] = 0;
                } else {
                    uint32_t v = ipsum_opt32(opt, n, o);
                    cvm_str_printf(out, "%s%u", v & 0x80000000u ? "!" : "", v & 0x7fffffffu);
                }
                inner = ",";
            }
            if (o == end && o == ptr) cvm_str_append(out, "^", 1);
            cvm_str_append(out, "}", 1);
            if (o + size <= end && o == ptr) cvm_str_printf(out, "+%zu", (end - o) / size);
            if (opt[i + 3] & 0xf0) cvm_str_printf(out, "++%u", opt[i + 3] >> 4);
            sep = ";";
            i = end;
            continue;
        }
        ipsum_numbered_option(out, sep, type, opt + i, len);
        sep = ";";
        i += len;
    }
    ipsum_options_end(out, start, 0);
}

enum { IPSUM_OPT_ALL, IPSUM_OPT_NONTIMESTAMP, IPSUM_OPT_SACK };

/* TCP options (Click's unparse_tcp_opt). */
static void ipsum_format_tcp_options(CvmStr *out, const uint8_t *opt, size_t n, int which)
{
    size_t start = out->len;
    const char *sep = "";
    size_t i = 0, len;
    unsigned type;
    /* kinds: 0 mss, 1 wscale, 2 sack, 3 ts, 4 other */
#define IPSUM_WANT(kind) (which == IPSUM_OPT_ALL || (which == IPSUM_OPT_NONTIMESTAMP && (kind) != 3) || (which == IPSUM_OPT_SACK && (kind) == 2))
    while (ipsum_next_option(opt, n, &i, &type, &len)) {
        int fits = i + len <= n;
        if (type == 2) {
            if (!fits || len != 4) return ipsum_options_end(out, start, 1);
            if (IPSUM_WANT(0)) cvm_str_printf(out, "%smss%u", sep, opt[i + 2] << 8 | opt[i + 3]), sep = ";";
        } else if (type == 3) {
            if (!fits || len != 3) return ipsum_options_end(out, start, 1);
            if (IPSUM_WANT(1)) cvm_str_printf(out, "%swscale%u", sep, opt[i + 2]), sep = ";";
        } else if (type == 4) {
            if (!fits || len != 2) return ipsum_options_end(out, start, 1);
            if (IPSUM_WANT(2)) cvm_str_printf(out, "%ssackok", sep), sep = ";";
        } else if (type == 5) {
            if (!fits || len % 8 != 2) return ipsum_options_end(out, start, 1);
            if (IPSUM_WANT(2))
                for (size_t k = i + 2; k < i + len; k += 8) cvm_str_printf(out, "%ssack%u-%u", sep, ipsum_opt32(opt, n, k), ipsum_opt32(opt, n, k + 4)), sep = ";";
        } else if (type == 8) {
            if (!fits || len != 10) return ipsum_options_end(out, start, 1);
            if (IPSUM_WANT(3)) cvm_str_printf(out, "%sts%u:%u", sep, ipsum_opt32(opt, n, i + 2), ipsum_opt32(opt, n, i + 6)), sep = ";";
        } else {
            if (!fits || len < 2) return ipsum_options_end(out, start, 1);
            if (IPSUM_WANT(4)) ipsum_numbered_option(out, sep, type, opt + i, len), sep = ";";
        }
        i += len >= 2 ? len : 128;
    }
#undef IPSUM_WANT
    ipsum_options_end(out, start, 0);
}

/* JavaScript's ToUint32 of Number(decimal digits). */
static uint32_t ipsum_digits_u32(const char *s, size_t n)
{
    char buf[400];
    if (n >= sizeof buf) return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    double v = strtod(buf, NULL);
    if (!isfinite(v)) return 0;
    return (uint32_t)(uint64_t)fmod(trunc(v), 4294967296.0);
}

static int ipsum_all_digits(const char *s, size_t n)
{
    if (!n) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* The value of a decimal digit string if it is at most max, else -1. */
static int64_t ipsum_digits_at_most(const char *s, size_t n, int64_t max)
{
    if (!ipsum_all_digits(s, n)) return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v * 10 + (s[i] - '0');
        if (v > max) return -1;
    }
    return v;
}

/* parseTCPOptions: option text to bytes (unpadded); 0 ok (bytes in out, at
 * most 40), -1 malformed. "." is no options. */
static int ipsum_parse_tcp_options(const char *text, size_t tn, uint8_t *out, size_t *outlen)
{
    *outlen = 0;
    if (!tn || (tn == 1 && text[0] == '.')) return 0;
    uint8_t b[512];
    size_t k = 0;
    long sack_at = -1;
    size_t start = 0;
    for (size_t i = 0; i <= tn; i++) {
        if (i < tn && text[i] != ';' && text[i] != ',') continue;
        const char *part = text + start;
        size_t pn = i - start;
        start = i + 1;
        if (k + 64 > sizeof b) return -1;
        int is_sack = pn > 4 && !memcmp(part, "sack", 4) && part[4] >= '0' && part[4] <= '9';
        if (!is_sack) sack_at = -1;
        int64_t v;
        if (pn > 3 && !memcmp(part, "mss", 3) && (v = ipsum_digits_at_most(part + 3, pn - 3, 0xffff)) >= 0) {
            b[k++] = 2, b[k++] = 4, b[k++] = (uint8_t)(v >> 8), b[k++] = (uint8_t)v;
        } else if (pn > 6 && !memcmp(part, "wscale", 6) && (v = ipsum_digits_at_most(part + 6, pn - 6, 255)) >= 0) {
            b[k++] = 3, b[k++] = 3, b[k++] = (uint8_t)v;
        } else if (pn == 6 && !memcmp(part, "sackok", 6)) {
            b[k++] = 4, b[k++] = 2;
        } else if (is_sack) {
            /* sackA-B or sackA:B */
            size_t d = 4;
            while (d < pn && part[d] >= '0' && part[d] <= '9') d++;
            if (d >= pn || (part[d] != '-' && part[d] != ':') || !ipsum_all_digits(part + d + 1, pn - d - 1)) return -1;
            if (sack_at < 0) {
                sack_at = (long)k;
                b[k++] = 5, b[k++] = 2;
            }
            uint32_t a = ipsum_digits_u32(part + 4, d - 4), z = ipsum_digits_u32(part + d + 1, pn - d - 1);
            cvm_put32(b + k, a);
            cvm_put32(b + k + 4, z);
            k += 8;
            b[sack_at + 1] = (uint8_t)(b[sack_at + 1] + 8);
        } else if (pn > 2 && !memcmp(part, "ts", 2)) {
            size_t d = 2;
            while (d < pn && part[d] >= '0' && part[d] <= '9') d++;
            if (d == 2 || d >= pn || part[d] != ':' || !ipsum_all_digits(part + d + 1, pn - d - 1)) return -1;
            if (k == 0) b[k++] = 1, b[k++] = 1;
            b[k++] = 8, b[k++] = 10;
            cvm_put32(b + k, ipsum_digits_u32(part + 2, d - 2));
            cvm_put32(b + k + 4, ipsum_digits_u32(part + d + 1, pn - d - 1));
            k += 8;
        } else if (pn == 3 && !memcmp(part, "nop", 3)) {
            b[k++] = 1;
        } else if (pn == 3 && !memcmp(part, "eol", 3)) {
            b[k++] = 0;
        } else {
            /* KIND or KIND=B:B:... */
            size_t d = 0;
            while (d < pn && part[d] >= '0' && part[d] <= '9') d++;
            if (d == 0) return -1;
            int64_t kind = ipsum_digits_at_most(part, d, 255);
            if (kind < 0) return -1;
            if (d == pn) {
                b[k++] = (uint8_t)kind;
                continue;
            }
            if (part[d] != '=' || d + 1 >= pn) return -1;
            for (size_t q = d + 1; q < pn; q++)
                if (!(part[q] >= '0' && part[q] <= '9') && part[q] != ':') return -1;
            uint8_t data[300];
            size_t nd = 0, q = d + 1;
            for (;;) {
                size_t e = q;
                while (e < pn && part[e] != ':') e++;
                int64_t byte = 0;
                for (size_t r = q; r < e; r++) {
                    byte = byte * 10 + (part[r] - '0');
                    if (byte > 255) return -1;
                }
                if (nd < sizeof data) data[nd++] = (uint8_t)byte;
                if (e >= pn) break;
                q = e + 1;
            }
            if (k + 2 + nd > sizeof b) return -1;
            b[k++] = (uint8_t)kind;
            b[k++] = (uint8_t)(nd + 2);
            memcpy(b + k, data, nd);
            k += nd;
        }
    }
    if (k > 40) return -1;
    memcpy(out, b, k);
    *outlen = k;
    return 0;
}

/* parseIPOptions (ipsum-options.ts): Click's cp_integer from s[*i], base 0
 * auto-detecting 0x and octal, saturating; 0 if there are no digits. */
static int ipsum_click_integer(const char *s, size_t n, size_t *i, int base, uint32_t *v)
{
    size_t j = *i;
    if (base == 0) {
        if (j + 2 < n + 0 && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X') && ct_hex(s[j + 2]) >= 0) base = 16, j += 2;
        else base = j < n && s[j] == '0' ? 8 : 10;
    }
    size_t start = j;
    uint64_t x = 0;
    for (; j < n; j++) {
        int d = s[j] >= '0' && s[j] <= '9' ? s[j] - '0' : s[j] >= 'a' && s[j] <= 'z' ? s[j] - 'a' + 10 : s[j] >= 'A' && s[j] <= 'Z' ? s[j] - 'A' + 10 : 99;
        if (d >= base) break;
        x = x * (uint64_t)base + (uint64_t)d;
        if (x > 0xffffffffu) x = 0xffffffffu;
    }
    if (j == start) return 0;
    *v = (uint32_t)x;
    *i = j;
    return 1;
}

typedef struct { uint8_t *b; size_t n, cap; } IpsumBytes;

static int ipsum_bytes_push(IpsumBytes *o, unsigned v)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        uint8_t *nb = realloc(o->b, cap);
        if (!nb) return 0;
        o->b = nb;
        o->cap = cap;
    }
    o->b[o->n++] = (uint8_t)v;
    return 1;
}

static int ipsum_bytes_fill(IpsumBytes *o, size_t k)
{
    while (k--)
        if (!ipsum_bytes_push(o, 0)) return 0;
    return 1;
}

static inline int ipsum_isdigit_at(const char *s, size_t n, size_t i) { return i < n && s[i] >= '0' && s[i] <= '9'; }
static inline int ipsum_at(const char *s, size_t n, size_t i, const char *w, int more)
{
    size_t l = strlen(w);
    return (more ? i + l < n : i + l <= n) && !memcmp(s + i, w, l);
}

/* Four dotted octets at s[*i]. */
static int ipsum_opt_address(const char *s, size_t n, size_t *i, IpsumBytes *o)
{
    for (int k = 0; k < 4; k++) {
        uint32_t v = 256;
        size_t j = *i;
        int got = ipsum_click_integer(s, n, &j, 10, &v);
        *i = j + (k < 3);
        if (!got || v > 255 || (k < 3 && (*i > n || s[*i - 1] != '.'))) return 0;
        if (!ipsum_bytes_push(o, v)) return 0;
    }
    return 1;
}

/* IP option text to bytes (unpadded), as Click's FromIPSummaryDump reads
 * ip_opt: 1 options (malloc'd, in *out), 0 none ("." or empty), -1 malformed. */
static int ipsum_parse_ip_options(const char *s, size_t n, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (!n || (n == 1 && s[0] == '.')) return 0;
    if (n == 1 && s[0] == '-') return -1;
    IpsumBytes o = { 0 };
    size_t i = 0;
    uint32_t v;
#define BAD do { free(o.b); return -1; } while (0)
#define PUSH(x) do { if (!ipsum_bytes_push(&o, (x))) BAD; } while (0)
    for (;;) {
        int route = ipsum_at(s, n, i, "rr{", 1) ? 7 : ipsum_at(s, n, i, "ssrr{", 1) ? 137 : ipsum_at(s, n, i, "lsrr{", 1) ? 131 : 0;
        if (route) {
            size_t pos = o.n;
            PUSH(route); PUSH(0); PUSH(0);
            i += route == 7 ? 3 : 5;
            long pointer = -1;
            for (;;) {
                if (i < n && s[i] == '^' && pointer < 0) pointer = (long)(o.n - pos + 1), i++;
                if (!ipsum_isdigit_at(s, n, i)) break;
                if (!ipsum_opt_address(s, n, &i, &o)) BAD;
                if (i < n && s[i] == ',') i++;
            }
            if (i >= n || s[i] != '}') BAD;
            o.b[pos + 2] = (uint8_t)(pointer >= 0 ? (size_t)pointer : o.n - pos + 1);
            if (i + 2 < n && s[i + 1] == '+' && ipsum_isdigit_at(s, n, i + 2)) {
                i += 2;
                ipsum_click_integer(s, n, &i, 10, &v);
                if (v < 64 && !ipsum_bytes_fill(&o, v * 4)) BAD;
            } else i++;
            if (o.n - pos > 255) BAD;
            o.b[pos + 1] = (uint8_t)(o.n - pos);
        } else if (ipsum_at(s, n, i, "ts{", 1) || ipsum_at(s, n, i, "ts.", 1)) {
            size_t pos = o.n;
            PUSH(68); PUSH(0); PUSH(0); PUSH(0);
            int flag = -1;
            if (s[i + 2] == '.') {
                size_t j = i + 3;
                if (i + 6 < n && !memcmp(s + i + 3, "ip{", 3)) flag = 1, i += 6;
                else if (i + 9 < n && !memcmp(s + i + 3, "preip{", 6)) flag = 3, i += 9;
                else if (ipsum_isdigit_at(s, n, i + 3) && ipsum_click_integer(s, n, &j, 0, &v) && v <= 15 && j < n && s[j] == '{') flag = (int)v, i = j + 1;
                else BAD;
            } else i += 3;
            long pointer = -1;
            for (;;) {
                if (i < n && s[i] == '^' && pointer < 0) pointer = (long)(o.n - pos + 1), i++;
                if (i >= n || (!ipsum_isdigit_at(s, n, i) && s[i] != '!')) break;
                size_t entry = i, mark = o.n;
                for (;;) {
                    if (flag == 1 || flag == 3 || flag == -2) {
                        if (!ipsum_opt_address(s, n, &i, &o)) BAD;
                        if (pointer >= 0 && flag == -2) flag = 3;
                        /* A value follows `=`; past the pointer it may be missing (or `?`). */
                        if (i + 1 < n && s[i] == '=') {
                            if (ipsum_isdigit_at(s, n, i + 1) || s[i + 1] == '!') i++;
                            else if (s[i + 1] == '?' && pointer >= 0) {
                                if (!ipsum_bytes_fill(&o, 4)) BAD;
                                i += 2;
                                break;
                            } else BAD;
                        } else if (pointer >= 0) {
                            if (!ipsum_bytes_fill(&o, 4)) BAD;
                            break;
                        } else BAD;
                    }
                    uint32_t top = 0;
                    if (i < n && s[i] == '!') top = 0x80000000u, i++;
                    if (!ipsum_isdigit_at(s, n, i)) BAD;
                    ipsum_click_integer(s, n, &i, 0, &v);
                    if (i < n && s[i] == '.' && flag == -1) {
                        /* An address after all: timestamps with addresses. */
                        flag = -2;
                        i = entry;
                        o.n = mark;
                        continue;
                    }
                    if (flag == -1) flag = 0;
                    v |= top;
                    PUSH(v >> 24); PUSH(v >> 16 & 255); PUSH(v >> 8 & 255); PUSH(v & 255);
                    break;
                }
                if (i < n && s[i] == ',') i++;
            }
            if (i < n && s[i++] != '}') BAD;
            if (flag == -2) flag = 1;
            o.b[pos + 2] = (uint8_t)(pointer >= 0 ? (size_t)pointer : o.n - pos + 1);
            if (i + 1 < n && s[i] == '+' && ipsum_isdigit_at(s, n, i + 1)) {
                i += 1;
                ipsum_click_integer(s, n, &i, 0, &v);
                if (v < 64 && !ipsum_bytes_fill(&o, v * (flag == 1 || flag == 3 ? 8u : 4u))) BAD;
            }
            unsigned overflow = 0;
            if (i + 2 < n && s[i] == '+' && s[i + 1] == '+' && ipsum_isdigit_at(s, n, i + 2)) {
                i += 2;
                ipsum_click_integer(s, n, &i, 0, &v);
                if (v < 16) overflow = v;
            }
            o.b[pos + 3] = (uint8_t)((overflow << 4) | (unsigned)flag);
            if (o.n - pos > 255) BAD;
            o.b[pos + 1] = (uint8_t)(o.n - pos);
        } else if (ipsum_isdigit_at(s, n, i)) {
            ipsum_click_integer(s, n, &i, 0, &v);
            if (v >= 256) BAD;
            PUSH(v);
            if (i + 1 < n && s[i] == '=' && ipsum_isdigit_at(s, n, i + 1)) {
                size_t pos = o.n;
                PUSH(0);
                do {
                    i++;
                    ipsum_click_integer(s, n, &i, 0, &v);
                    if (v >= 256) BAD;
                    PUSH(v);
                } while (i + 1 < n && s[i] == ':' && ipsum_isdigit_at(s, n, i + 1));
                if (o.n > pos + 254) BAD;
                o.b[pos] = (uint8_t)(o.n - pos + 1);
            }
        } else if (ipsum_at(s, n, i, "nop", 0)) {
            PUSH(1);
            i += 3;
        } else if (ipsum_at(s, n, i, "eol", 0) && (i + 3 == n || s[i + 3] != ',')) {
            PUSH(0);
            i += 3;
        } else BAD;

        if (i >= n) {
            /* Leading no-ops beyond the 40 bytes an IP header holds go. */
            size_t skip = 0;
            while (o.n - skip > 40 && o.b[skip] == 1) skip++;
            if (o.n - skip > 40) BAD;
            memmove(o.b, o.b + skip, o.n - skip);
            *out = o.b;
            *outlen = o.n - skip;
            return 1;
        }
        if (s[i] != ',' && s[i] != ';') BAD;
        i++;
    }
#undef PUSH
#undef BAD
}

/* --- MD5 (RFC 1321), for payload_md5_hex ------------------------------------ */

static void ipsum_md5(const uint8_t *msg, size_t len, uint8_t digest[16])
{
    static const uint32_t K[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af,
        0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
        0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
        0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97,
        0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
        0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    };
    static const uint8_t R[64] = { 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                   4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21 };
    uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    uint64_t bits = (uint64_t)len * 8;
    size_t total = ((len + 8) / 64 + 1) * 64;
    for (size_t off = 0; off < total; off += 64) {
        uint8_t blk[64];
        for (size_t j = 0; j < 64; j++) {
            size_t at = off + j;
            blk[j] = at < len ? msg[at] : at == len ? 0x80 : 0;
        }
        if (off + 64 == total)
            for (int j = 0; j < 8; j++) blk[56 + j] = (uint8_t)(bits >> (8 * j));
        uint32_t w[16];
        for (int j = 0; j < 16; j++) w[j] = (uint32_t)blk[4 * j] | (uint32_t)blk[4 * j + 1] << 8 | (uint32_t)blk[4 * j + 2] << 16 | (uint32_t)blk[4 * j + 3] << 24;
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        for (int j = 0; j < 64; j++) {
            uint32_t f;
            int g;
            if (j < 16) f = (b & c) | (~b & d), g = j;
            else if (j < 32) f = (d & b) | (~d & c), g = (5 * j + 1) % 16;
            else if (j < 48) f = b ^ c ^ d, g = (3 * j + 5) % 16;
            else f = c ^ (b | ~d), g = (7 * j) % 16;
            uint32_t t = d;
            d = c;
            c = b;
            uint32_t x = a + f + K[j] + w[g];
            b = b + (x << R[j] | x >> (32 - R[j]));
            a = t;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d;
    }
    for (int j = 0; j < 4; j++)
        for (int k = 0; k < 4; k++) digest[4 * j + k] = (uint8_t)(h[j] >> (8 * k));
}

/* --- describing a packet (ToIPSummaryDump) ----------------------------------- */

#define IPSUM_MISSING_IP 0
#define IPSUM_MISSING_ETHERNET 260
#define IPSUM_TCP_OR_UDP 257

typedef struct IpsumDesc {
    const Packet *p;
    const uint8_t *d;
    int64_t dlen;
    int64_t net, trans;          /* -1: none usable */
    int tcp, udp, icmp;
    int64_t tailpad, extra;
    int want_bad, careful, force_extra;
    int have_bad;
    CvmStr *bad;
} IpsumDesc;

static inline unsigned ipsum_u8(const IpsumDesc *d, int64_t o) { return o >= 0 && o < d->dlen ? d->d[o] : 0; }
static inline unsigned ipsum_u16(const IpsumDesc *d, int64_t o) { return ipsum_u8(d, o) << 8 | ipsum_u8(d, o + 1); }
static inline uint32_t ipsum_u32(const IpsumDesc *d, int64_t o) { return (uint32_t)ipsum_u16(d, o) << 16 | ipsum_u16(d, o + 2); }
static inline int64_t ipsum_length(const IpsumDesc *d) { return d->dlen - d->tailpad; }
static inline int64_t ipsum_net_len(const IpsumDesc *d) { return d->net < 0 ? 0 : d->dlen - d->net - d->tailpad; }
static inline int64_t ipsum_trans_len(const IpsumDesc *d) { return d->trans < 0 ? 0 : d->dlen - d->trans - d->tailpad; }
static inline unsigned ipsum_proto(const IpsumDesc *d) { return ipsum_u8(d, d->net + 9); }
static inline int64_t ipsum_hl(const IpsumDesc *d) { return (int64_t)(ipsum_u8(d, d->net) & 15) << 2; }
static inline int ipsum_first_frag(const IpsumDesc *d) { return (ipsum_u16(d, d->net + 6) & 0x1fff) == 0; }

static void ipsum_complain(IpsumDesc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ipsum_complain(IpsumDesc *d, const char *fmt, ...)
{
    if (!d->want_bad || d->have_bad) return;
    d->have_bad = 1;
    cvm_str_clear(d->bad);
    cvm_str_append(d->bad, "!bad ", 5);
    va_list ap;
    va_start(ap, fmt);
    cvm_str_vprintf(d->bad, fmt, ap);
    va_end(ap);
}

static void ipsum_desc_init(IpsumDesc *d, const Packet *p, int want_bad, int careful, int force_extra, CvmStr *bad)
{
    *d = (IpsumDesc){ .p = p, .d = p->data, .dlen = p->len, .net = -1, .trans = -1, .want_bad = want_bad, .careful = careful,
                      .force_extra = force_extra, .bad = bad };
    d->extra = cvm_anno_u32(p, CVM_ANNO_EXTRA_LENGTH);
}

static void ipsum_reject(IpsumDesc *d)
{
    d->net = -1;
    d->trans = -1;
}

/* ip_prepare: find and check the IP and transport headers. */
static void ipsum_prepare(IpsumDesc *d)
{
    const Packet *p = d->p;
    int64_t net = cvm_net_offset(p);
    d->net = p->net >= 0 && net >= 0 && net <= d->dlen ? net : -1;
    int64_t trans = p->trans >= 0 ? (int64_t)p->trans - (int64_t)cvm_headroom(p) : -1;
    d->trans = d->net >= 0 && p->trans >= 0 && trans >= 0 ? trans : -1;
    if (d->net >= 0) {
        int64_t nl = d->dlen - d->net;
        unsigned v = ipsum_u8(d, d->net) >> 4, hl = ipsum_u8(d, d->net) & 15, ip_len = ipsum_u16(d, d->net + 2);
        if (nl < 4) ipsum_complain(d, "truncated IP header"), ipsum_reject(d);
        else if (v != 4) ipsum_complain(d, "IP version %u", v), ipsum_reject(d);
        else if (hl < 5) ipsum_complain(d, "IP header length %u", hl), ipsum_reject(d);
        else if (ip_len < hl << 2) ipsum_complain(d, "IP length %u", ip_len), ipsum_reject(d);
        else if (nl > ip_len) {
            d->extra += nl - ip_len;
            d->tailpad = nl - ip_len;
        } else if (d->careful && nl + d->extra < ip_len) ipsum_complain(d, "truncated IP missing %lld", (long long)(ip_len - nl - d->extra));
    }
    if (d->net >= 0 && d->trans >= 0 && ipsum_net_len(d) > ipsum_hl(d) && ipsum_first_frag(d)) {
        unsigned proto = ipsum_proto(d);
        if (proto == 6) {
            if (ipsum_trans_len(d) > 12 && ipsum_u8(d, d->trans + 12) >> 4 < 5) ipsum_complain(d, "TCP header length %u", ipsum_u8(d, d->trans + 12) >> 4);
            else d->tcp = 1;
        } else if (proto == 17) d->udp = 1;
        else if (proto == 1) d->icmp = 1;
    }
    if (d->net >= 0 && d->extra > 0) {
        int64_t full = ipsum_net_len(d) + d->extra;
        d->extra = ipsum_u16(d, d->net + 2) != 0xffff || full <= 0xffff ? 0 : full - 0xffff;
    }
}

/* A field cannot be printed: note why (Click's `!bad` line). */
static void ipsum_missing(IpsumDesc *d, int proto, int64_t need)
{
    if (!d->want_bad || d->have_bad) return;
    const char *name = proto == 6 ? "TCP" : proto == 17 ? "UDP" : proto == 1 ? "ICMP" : proto == IPSUM_TCP_OR_UDP ? "TCP/UDP" : "?";
    if (proto == IPSUM_MISSING_ETHERNET) ipsum_complain(d, "Ethernet header");
    else if (d->net < 0) ipsum_complain(d, "no IP header");
    else if (proto == IPSUM_MISSING_IP) ipsum_complain(d, "truncated IP header capture");
    else if (ipsum_net_len(d) > 9 && ((proto > IPSUM_MISSING_IP && proto < 256 && (int)ipsum_proto(d) != proto) ||
                                      (proto == IPSUM_TCP_OR_UDP && ipsum_proto(d) != 6 && ipsum_proto(d) != 17))) return;
    else if (!ipsum_first_frag(d)) ipsum_complain(d, "fragmented %s header", name);
    else if (ipsum_trans_len(d) + (int64_t)cvm_anno_u32(d->p, CVM_ANNO_EXTRA_LENGTH) >= need) ipsum_complain(d, "truncated %s header capture", name);
    else ipsum_complain(d, "truncated %s header", name);
}

/* payload_info: where the payload starts and how long it is. */
static void ipsum_payload_info(const IpsumDesc *d, int64_t *off, int64_t *len)
{
    if (d->net < 0) {
        *off = 0;
        *len = ipsum_length(d);
        return;
    }
    int64_t l = ipsum_u16(d, d->net + 2);
    int64_t o = d->trans >= 0 ? d->trans : d->net + ipsum_hl(d);
    if (ipsum_first_frag(d)) {
        unsigned proto = ipsum_proto(d);
        if (proto == 6) {
            int64_t th = (int64_t)(ipsum_u8(d, o + 12) >> 4) << 2;
            o += ipsum_trans_len(d) >= 13 && th >= 20 ? th : 20;
        } else if (proto == 17 || proto == 136) o += 8;
    }
    l -= o - d->net;
    *off = o;
    *len = l;
}

/* The payload bytes [*start, *end), or 0 if there are none to show. */
static int ipsum_payload_bytes(const IpsumDesc *d, int64_t *start, int64_t *end)
{
    int64_t off, len;
    ipsum_payload_info(d, &off, &len);
    if (!(len == 0 || off < d->dlen)) return 0;
    int64_t e = off + (len > 0 ? len : 0);
    if (e > ipsum_length(d)) e = ipsum_length(d);
    *start = off;
    *end = e > off ? e : off;
    if (*start > d->dlen) *start = *end = d->dlen;
    return 1;
}

static inline int ipsum_has_ports(unsigned proto) { return proto == 6 || proto == 17 || proto == 33 || proto == 136; }

/* The link header offset, if the IP header is right behind 14 bytes of it. */
static int64_t ipsum_mac_offset(const IpsumDesc *d)
{
    const Packet *p = d->p;
    int64_t mac = p->mac >= 0 ? (int64_t)p->mac - (int64_t)cvm_headroom(p) : -1;
    int64_t netoff = p->net >= 0 ? cvm_net_offset(p) : -1;
    int64_t network = p->net >= 0 ? netoff : d->dlen;
    int64_t at;
    int have;
    if (p->mac >= 0) at = mac, have = 1;
    else if (p->net < 0 || network > 0) at = 0, have = 1;
    else at = 0, have = 0;
    return have && at + 14 == network ? at : INT64_MIN;
}

static void ipsum_format_tcp_flags(CvmStr *o, unsigned v)
{
    if (v == 0x18) return (void)cvm_str_append(o, "PA", 2);
    if (v == 0x10) return (void)cvm_str_append(o, "A", 1);
    if (v == 0) return (void)cvm_str_append(o, ".", 1);
    static const char letters[] = "FSRPAUECN";
    for (int i = 0; i < 9; i++)
        if (v & (1u << i)) cvm_str_append(o, &letters[i], 1);
}

static int ipsum_icmp_flow(const IpsumDesc *d)
{
    unsigned type = ipsum_u8(d, d->trans);
    return type < 32 && ((1u << type) & ((1u << 8) | (1u << 0) | (1u << 15) | (1u << 16) | (1u << 13) | (1u << 14))) != 0;
}


/* Append one field's text; 0 (nothing appended) means `-`. */
static int ipsum_write_field(IpsumDesc *d, int f, CvmStr *o)
{
    const Packet *p = d->p;
    int64_t n = d->net, t = d->trans;
    switch (f) {
    case IPSUM_TIMESTAMP: io_format_timestamp(o, p->ts_sec, io_packet_nsec(p)); return 1;
    case IPSUM_TS_SEC: cvm_str_printf(o, "%lld", (long long)p->ts_sec); return 1;
    case IPSUM_TS_USEC: cvm_str_printf(o, "%lld", (long long)io_floor_div(io_packet_nsec(p), 1000)); return 1;
    case IPSUM_TS_USEC1: cvm_str_printf(o, "%lld", (long long)(p->ts_sec * 1000000 + io_floor_div(io_packet_nsec(p), 1000))); return 1;
    case IPSUM_FIRST_TIMESTAMP: io_format_timestamp(o, cvm_anno_u32(p, CVM_ANNO_FIRST_TIMESTAMP), cvm_anno_u32(p, CVM_ANNO_FIRST_TIMESTAMP + 4)); return 1;
    case IPSUM_COUNT: cvm_str_printf(o, "%llu", 1ULL + cvm_anno_u32(p, CVM_ANNO_EXTRA_PACKETS)); return 1;
    case IPSUM_LINK: case IPSUM_PAINT: cvm_str_printf(o, "%u", p->anno[CVM_ANNO_PAINT]); return 1;
    case IPSUM_DIRECTION: {
        unsigned v = p->anno[CVM_ANNO_PAINT];
        if (v == 0) cvm_str_append(o, ">", 1);
        else if (v == 1) cvm_str_append(o, "<", 1);
        else cvm_str_printf(o, "%u", v);
        return 1;
    }
    case IPSUM_AGGREGATE: cvm_str_printf(o, "%u", cvm_anno_u32(p, CVM_ANNO_AGGREGATE)); return 1;
    case IPSUM_WIRE_LEN: cvm_str_printf(o, "%u", p->len); return 1;
    case IPSUM_ETH_SRC: case IPSUM_ETH_DST: {
        int64_t mac = ipsum_mac_offset(d);
        if (mac == INT64_MIN) return ipsum_missing(d, IPSUM_MISSING_ETHERNET, 0), 0;
        int64_t at = mac + (f == IPSUM_ETH_SRC ? 6 : 0);
        int first = 1;
        for (int64_t k = at; k < at + 6 && k < d->dlen; k++) {
            if (k < 0) continue;
            cvm_str_printf(o, "%s%02X", first ? "" : "-", d->d[k]);
            first = 0;
        }
        return 1;
    }
    case IPSUM_ETH_TYPE: {
        int64_t mac = ipsum_mac_offset(d);
        if (mac == INT64_MIN) return ipsum_missing(d, IPSUM_MISSING_ETHERNET, 0), 0;
        cvm_str_printf(o, "%04X", ipsum_u16(d, mac + 12));
        return 1;
    }
    case IPSUM_IP_SRC: case IPSUM_IP_DST: case IPSUM_IP_TOS: case IPSUM_IP_DSCP: case IPSUM_IP_ECN: case IPSUM_IP_TTL:
    case IPSUM_IP_FRAG: case IPSUM_IP_FRAGOFF: case IPSUM_IP_ID: case IPSUM_IP_SUM: case IPSUM_IP_PROTO: case IPSUM_IP_HL: {
        static const int8_t need[IPSUM_NFIELDS] = {
            [IPSUM_IP_SRC] = 16, [IPSUM_IP_DST] = 20, [IPSUM_IP_TOS] = 2, [IPSUM_IP_DSCP] = 2, [IPSUM_IP_ECN] = 2, [IPSUM_IP_TTL] = 9,
            [IPSUM_IP_FRAG] = 8, [IPSUM_IP_FRAGOFF] = 8, [IPSUM_IP_ID] = 6, [IPSUM_IP_SUM] = 12, [IPSUM_IP_PROTO] = 10, [IPSUM_IP_HL] = 1,
        };
        if (n < 0 || ipsum_net_len(d) < need[f]) return ipsum_missing(d, IPSUM_MISSING_IP, need[f]), 0;
        switch (f) {
        case IPSUM_IP_SRC: ip_unparse(o, ipsum_u32(d, n + 12)); break;
        case IPSUM_IP_DST: ip_unparse(o, ipsum_u32(d, n + 16)); break;
        case IPSUM_IP_TOS: cvm_str_printf(o, "%u", ipsum_u8(d, n + 1)); break;
        case IPSUM_IP_DSCP: cvm_str_printf(o, "%u", ipsum_u8(d, n + 1) >> 2); break;
        case IPSUM_IP_ECN: {
            static const char *const ecn[4] = { "no", "ect1", "ect2", "ce" };
            cvm_str_printf(o, "%s", ecn[ipsum_u8(d, n + 1) & 3]);
            break;
        }
        case IPSUM_IP_TTL: cvm_str_printf(o, "%u", ipsum_u8(d, n + 8)); break;
        case IPSUM_IP_FRAG: {
            unsigned off = ipsum_u16(d, n + 6);
            cvm_str_printf(o, "%s", off & 0x3fff ? (off & 0x1fff ? "f" : "F") : off & 0x4000 ? "!" : ".");
            break;
        }
        case IPSUM_IP_FRAGOFF: {
            unsigned off = ipsum_u16(d, n + 6);
            cvm_str_printf(o, "%u%s%s", (off & 0x1fff) << 3, off & 0x2000 ? "+" : "", off & 0x4000 ? "!" : "");
            break;
        }
        case IPSUM_IP_ID: cvm_str_printf(o, "%u", ipsum_u16(d, n + 4)); break;
        case IPSUM_IP_SUM: cvm_str_printf(o, "%u", ipsum_u16(d, n + 10)); break;
        case IPSUM_IP_PROTO: {
            unsigned pr = ipsum_u8(d, n + 9);
            if (pr == 6) cvm_str_append(o, "T", 1);
            else if (pr == 17) cvm_str_append(o, "U", 1);
            else if (pr == 1) cvm_str_append(o, "I", 1);
            else cvm_str_printf(o, "%u", pr);
            break;
        }
        case IPSUM_IP_HL: cvm_str_printf(o, "%lld", (long long)ipsum_hl(d)); break;
        }
        return 1;
    }
    case IPSUM_IP_LEN:
        cvm_str_printf(o, "%lld", (long long)((n >= 0 ? (int64_t)ipsum_u16(d, n + 2) : ipsum_length(d)) + (d->force_extra ? d->extra : 0)));
        return 1;
    case IPSUM_IP_CAPTURE_LEN: {
        int64_t allow = n >= 0 ? ipsum_net_len(d) : ipsum_length(d);
        int64_t len = n >= 0 ? (int64_t)ipsum_u16(d, n + 2) : allow;
        cvm_str_printf(o, "%lld", (long long)(len < allow ? len : allow));
        return 1;
    }
    case IPSUM_IP_OPT: {
        if (n < 0) return ipsum_missing(d, IPSUM_MISSING_IP, 20), 0;
        int64_t hl = ipsum_hl(d);
        if (hl > 20 && ipsum_net_len(d) < hl) return ipsum_missing(d, IPSUM_MISSING_IP, hl), 0;
        if (hl <= 20) cvm_str_append(o, ".", 1);
        else {
            int64_t a = n + 20, z = n + hl;
            if (z > d->dlen) z = d->dlen;
            ipsum_format_ip_options(o, d->d + a, a < z ? (size_t)(z - a) : 0);
        }
        return 1;
    }
    case IPSUM_SPORT: case IPSUM_DPORT: {
        int need = f == IPSUM_DPORT ? 4 : 2;
        if (n >= 0 && t >= 0 && ipsum_net_len(d) > ipsum_hl(d) && ipsum_first_frag(d) && ipsum_has_ports(ipsum_proto(d)) && ipsum_trans_len(d) >= need) {
            cvm_str_printf(o, "%u", ipsum_u16(d, t + need - 2));
            return 1;
        }
        return ipsum_missing(d, IPSUM_TCP_OR_UDP, need), 0;
    }
    case IPSUM_TCP_SEQ: case IPSUM_TCP_ACK: case IPSUM_TCP_OFF: case IPSUM_TCP_FLAGS: case IPSUM_TCP_WINDOW: case IPSUM_TCP_URP: {
        static const int8_t need[IPSUM_NFIELDS] = {
            [IPSUM_TCP_SEQ] = 8, [IPSUM_TCP_ACK] = 12, [IPSUM_TCP_OFF] = 13, [IPSUM_TCP_FLAGS] = 14, [IPSUM_TCP_WINDOW] = 16, [IPSUM_TCP_URP] = 20,
        };
        if (!d->tcp || ipsum_trans_len(d) < need[f]) return ipsum_missing(d, 6, need[f]), 0;
        switch (f) {
        case IPSUM_TCP_SEQ: cvm_str_printf(o, "%u", ipsum_u32(d, t + 4)); break;
        case IPSUM_TCP_ACK: cvm_str_printf(o, "%u", ipsum_u32(d, t + 8)); break;
        case IPSUM_TCP_OFF: cvm_str_printf(o, "%u", (ipsum_u8(d, t + 12) >> 4) << 2); break;
        case IPSUM_TCP_FLAGS: ipsum_format_tcp_flags(o, ipsum_u8(d, t + 13) | (ipsum_u8(d, t + 12) & 15) << 8); break;
        case IPSUM_TCP_WINDOW: cvm_str_printf(o, "%u", ipsum_u16(d, t + 14)); break;
        case IPSUM_TCP_URP: cvm_str_printf(o, "%u", ipsum_u16(d, t + 18)); break;
        }
        return 1;
    }
    case IPSUM_TCP_OPT: case IPSUM_TCP_NTOPT: case IPSUM_TCP_SACK: {
        int64_t tl = ipsum_trans_len(d);
        if (!d->tcp || tl < 13) return ipsum_missing(d, 6, tl + 1), 0;
        int64_t off = (int64_t)(ipsum_u8(d, t + 12) >> 4) << 2;
        if (off <= 20) return cvm_str_append(o, ".", 1), 1;
        if (f != IPSUM_TCP_OPT && off == 32 && tl >= 24 && ipsum_u32(d, t + 20) == 0x0101080a) return cvm_str_append(o, ".", 1), 1;
        if (tl < off) return ipsum_missing(d, 6, tl + 1), 0;
        ipsum_format_tcp_options(o, d->d + t + 20, (size_t)(off - 20), f == IPSUM_TCP_OPT ? IPSUM_OPT_ALL : f == IPSUM_TCP_NTOPT ? IPSUM_OPT_NONTIMESTAMP : IPSUM_OPT_SACK);
        return 1;
    }
    case IPSUM_UDP_LEN:
        if (!d->udp || ipsum_trans_len(d) < 6) return ipsum_missing(d, 17, 6), 0;
        cvm_str_printf(o, "%u", ipsum_u16(d, t + 4));
        return 1;
    case IPSUM_ICMP_TYPE: case IPSUM_ICMP_TYPE_NAME: case IPSUM_ICMP_CODE: case IPSUM_ICMP_CODE_NAME: case IPSUM_ICMP_FLOWID:
    case IPSUM_ICMP_SEQ: case IPSUM_ICMP_NEXTMTU: {
        static const int8_t need[IPSUM_NFIELDS] = {
            [IPSUM_ICMP_TYPE] = 1, [IPSUM_ICMP_TYPE_NAME] = 1, [IPSUM_ICMP_CODE] = 2, [IPSUM_ICMP_CODE_NAME] = 2,
            [IPSUM_ICMP_FLOWID] = 6, [IPSUM_ICMP_SEQ] = 8, [IPSUM_ICMP_NEXTMTU] = 8,
        };
        if (!d->icmp || ipsum_trans_len(d) < need[f]) return ipsum_missing(d, 1, need[f]), 0;
        unsigned type = ipsum_u8(d, t), code = ipsum_u8(d, t + 1);
        switch (f) {
        case IPSUM_ICMP_TYPE: cvm_str_printf(o, "%u", type); return 1;
        case IPSUM_ICMP_TYPE_NAME: {
            const char *nm = io_icmp_type_name(type);
            if (nm) cvm_str_printf(o, "%s", nm);
            else cvm_str_printf(o, "%u", type);
            return 1;
        }
        case IPSUM_ICMP_CODE: cvm_str_printf(o, "%u", code); return 1;
        case IPSUM_ICMP_CODE_NAME: {
            const char *nm = io_icmp_code_name(type, code);
            if (nm) cvm_str_printf(o, "%s", nm);
            else cvm_str_printf(o, "%u", code);
            return 1;
        }
        case IPSUM_ICMP_FLOWID:
            if (!ipsum_icmp_flow(d)) return 0;
            cvm_str_printf(o, "%u", ipsum_u16(d, t + 4));
            return 1;
        case IPSUM_ICMP_SEQ:
            if (!ipsum_icmp_flow(d)) return 0;
            cvm_str_printf(o, "%u", ipsum_u16(d, t + 6));
            return 1;
        default:
            if (!(type == 3 && code == 4)) return 0;
            cvm_str_printf(o, "%u", ipsum_u16(d, t + 6));
            return 1;
        }
    }
    case IPSUM_PAYLOAD_LEN: {
        int64_t off, len;
        ipsum_payload_info(d, &off, &len);
        cvm_str_printf(o, "%lld", (long long)(len + (n < 0 || d->force_extra ? d->extra : 0)));
        return 1;
    }
    case IPSUM_PAYLOAD: case IPSUM_PAYLOAD_MD5_HEX: {
        int64_t a, z;
        if (!ipsum_payload_bytes(d, &a, &z)) return 0;
        if (f == IPSUM_PAYLOAD) st_quote_append((const char *)d->d + a, (size_t)(z - a), o);
        else {
            uint8_t dig[16];
            ipsum_md5(d->d + a, (size_t)(z - a), dig);
            for (int k = 0; k < 16; k++) cvm_str_printf(o, "%02x", dig[k]);
        }
        return 1;
    }
    default:
        return 0;
    }
}

#endif
