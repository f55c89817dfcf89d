/* Building a packet from an IP summary dump line (ipsum-build.ts and the
 * readers of ipsum-fields.ts, Click's PacketOdesc): an IPv4 header appears
 * when a field needs one, a transport header when a transport field does;
 * each field's text is parsed and applied in the fields' reading order. The
 * packet starts empty with 16 bytes of headroom and grows; every byte
 * access is bounds-checked (a write past the end does nothing, a read gives
 * 0), as the host's typed arrays behave. */
#ifndef CVM_IO_IPSUM_BUILD_H
#define CVM_IO_IPSUM_BUILD_H

#include "cvm.h"
#include "elements/io/ipsum.h"

typedef struct IpsumFlowID {
    uint32_t src, dst;
    uint16_t sport, dport;
} IpsumFlowID;

typedef struct IpsumBuilder {
    Packet *p;
    int is_ip, have_icmp_type, have_icmp_code, have_ip_hl, have_tcp_hl;
    int64_t want_len;
    unsigned default_proto, minor;
    const IpsumFlowID *flowid;   /* NULL: none */
    CvmStr *scratch;             /* reused for unquoted payloads */
} IpsumBuilder;

static inline int ipb_has_net(const IpsumBuilder *b) { return b->p->net >= 0; }
static inline int64_t ipb_net(const IpsumBuilder *b) { return cvm_net_offset(b->p); }
static inline int ipb_has_trans(const IpsumBuilder *b) { return b->p->trans >= 0; }
static inline int64_t ipb_trans(const IpsumBuilder *b) { return (int64_t)b->p->trans - (int64_t)cvm_headroom(b->p); }
static inline int64_t ipb_len(const IpsumBuilder *b) { return b->p->len; }
static inline int64_t ipb_net_len(const IpsumBuilder *b) { return ipb_len(b) - (ipb_has_net(b) ? ipb_net(b) : 0); }
static inline int64_t ipb_trans_len(const IpsumBuilder *b) { return ipb_len(b) - (ipb_has_trans(b) ? ipb_trans(b) : ipb_len(b)); }
static inline unsigned ipb_u8(const IpsumBuilder *b, int64_t o) { return o >= 0 && o < ipb_len(b) ? b->p->data[o] : 0; }
static inline unsigned ipb_u16(const IpsumBuilder *b, int64_t o) { return ipb_u8(b, o) << 8 | ipb_u8(b, o + 1); }

static inline void ipb_set8(IpsumBuilder *b, int64_t o, unsigned v)
{
    uint8_t *w = cvm_packet_writable(b->p);
    if (w && o >= 0 && o < ipb_len(b)) w[o] = (uint8_t)v;
}
static inline void ipb_set16(IpsumBuilder *b, int64_t o, unsigned v)
{
    ipb_set8(b, o, v >> 8 & 255);
    ipb_set8(b, o + 1, v & 255);
}
static inline void ipb_set32(IpsumBuilder *b, int64_t o, uint32_t v)
{
    ipb_set16(b, o, v >> 16);
    ipb_set16(b, o + 2, v & 0xffff);
}

/* Grow by n zero bytes, keeping header offsets. */
static inline void ipb_grow(IpsumBuilder *b, int64_t n)
{
    if (n > 0) cvm_packet_put(b->p, (uint32_t)n);
}

static inline int ipb_first_frag(const IpsumBuilder *b) { return (ipb_u16(b, ipb_net(b) + 6) & 0x1fff) == 0; }

/* makeIP: an IPv4 header exists; 0 if the packet is not IP or carries another protocol. */
static int ipb_make_ip(IpsumBuilder *b, unsigned proto)
{
    if (!b->is_ip) return 0;
    if (!ipb_has_net(b)) cvm_set_net(b->p, 0, 0);
    if (ipb_net_len(b) < 20) {
        int64_t net = ipb_net(b);
        ipb_grow(b, 20 - ipb_net_len(b));
        cvm_set_net(b->p, (int32_t)net, 20);
        ipb_set8(b, net, 0x45);
        ipb_set8(b, net + 9, b->default_proto);
        ipb_set8(b, net + 8, 100);
        if (b->flowid) {
            ipb_set32(b, net + 12, b->flowid->src);
            ipb_set32(b, net + 16, b->flowid->dst);
        }
    }
    unsigned p = ipb_u8(b, ipb_net(b) + 9);
    return !proto || !p || p == proto;
}

static int ipb_header_length(unsigned proto)
{
    switch (proto) {
    case 6: return 20;
    case 17: case 136: case 1: return 8;
    case 33: return 12;
    default: return -1;
    }
}

/* makeTransp (after makeIP): room for the transport header the protocol has. */
static int ipb_make_transp(IpsumBuilder *b)
{
    if (!ipb_first_frag(b)) return 0;
    if (ipb_trans_len(b) >= 8) return 1;
    unsigned proto = ipb_u8(b, ipb_net(b) + 9);
    int64_t len = ipb_header_length(proto);
    if (len < 0) return 1;
    int64_t toff = ipb_trans(b);
    if (b->want_len > 0 && b->want_len < toff + len) len = b->want_len - toff;
    if (ipb_trans_len(b) < len) {
        int64_t xlen = len > 4 ? len : 4;
        ipb_grow(b, xlen - ipb_trans_len(b));
        if (proto == 6 && len >= 13) ipb_set8(b, toff + 12, 5 << 4);
        if (b->flowid) {
            ipb_set16(b, toff, b->flowid->sport);
            ipb_set16(b, toff + 2, b->flowid->dport);
        }
        if (xlen > len) cvm_packet_take(b->p, (uint32_t)(xlen - len));
    }
    return 1;
}

/* The IP header length to `bytes` (a multiple of 4), growing with EOL options. */
static void ipb_set_ip_header_length(IpsumBuilder *b, int64_t bytes)
{
    int64_t net = ipb_net(b);
    int64_t hl = (int64_t)(ipb_u8(b, net) & 15) << 2;
    if (bytes > hl) {
        ipb_grow(b, bytes - hl);
        uint8_t *w = cvm_packet_writable(b->p);
        int64_t len = ipb_len(b);
        if (w) {
            /* copyWithin(net + bytes, net + hl, len - (bytes - hl)), then zeros */
            int64_t from = net + hl, to = net + bytes, end = len - (bytes - hl);
            if (end > from && to < len) {
                int64_t count = end - from;
                if (to + count > len) count = len - to;
                if (count > 0) memmove(w + to, w + from, (size_t)count);
            }
            for (int64_t k = net + hl; k < net + bytes && k < len; k++)
                if (k >= 0) w[k] = 0;
        }
        cvm_set_net(b->p, (int32_t)net, (int32_t)bytes);
    }
    ipb_set8(b, net, (ipb_u8(b, net) & 0xf0) | (unsigned)(bytes >> 2));
}

/* The TCP header length to `bytes`, growing with EOL options. */
static void ipb_set_tcp_header_length(IpsumBuilder *b, int64_t bytes)
{
    int64_t t = ipb_trans(b);
    int64_t off = (int64_t)(ipb_u8(b, t + 12) >> 4) << 2;
    if (bytes > off) {
        int64_t more = t + bytes - ipb_len(b);
        ipb_grow(b, more > 0 ? more : 0);
        uint8_t *w = cvm_packet_writable(b->p);
        for (int64_t k = t + (off > 0 ? off : 0); k < t + bytes && w; k++)
            if (k >= 0 && k < ipb_len(b)) w[k] = 0;
    }
    ipb_set8(b, t + 12, ((ipb_u8(b, t + 12) & 0x0f) | (unsigned)((bytes >> 2) << 4)) & 255);
}

static void ipb_ensure_ether(IpsumBuilder *b)
{
    if (b->p->mac >= 0) return;
    if (!cvm_packet_push(b->p, 14)) return;
    cvm_set_mac(b->p, 0);
    cvm_set_net(b->p, 14, 0);
    uint8_t *w = cvm_packet_writable(b->p);
    if (w) memset(w, 0, 14);
    ipb_set16(b, 12, 0x0800);
}

static int64_t ipb_payload_offset(const IpsumBuilder *b)
{
    if (!b->is_ip || !ipb_has_net(b)) return 0;
    int64_t net = ipb_net(b);
    int64_t off = ipb_has_trans(b) ? ipb_trans(b) : net + 20;
    if (ipb_first_frag(b)) {
        unsigned proto = ipb_u8(b, net + 9);
        if (proto == 6) off += ipb_trans_len(b) >= 13 && (ipb_u8(b, off + 12) >> 4) >= 5 ? (int64_t)(ipb_u8(b, off + 12) >> 4) << 2 : 20;
        else if (proto == 17 || proto == 136) off += 8;
    }
    return off;
}

/* --- parsing field texts --------------------------------------------------------- */

/* num(): an integer from 0 to max. */
static int ipb_num(const char *t, size_t n, int64_t max, int64_t *v)
{
    return ct_parse_integer(t, n, v) == 0 && *v >= 0 && *v <= max;
}

/* parseTimestamp: seconds with an optional fraction, to (truncated) seconds
 * and a remainder; 0 (a parse error) when the nanoseconds do not fit a
 * signed 64-bit count either way (timeParse in ipsum-fields.ts). */
static int ipb_timestamp(const char *text, size_t n, int64_t *sec, int64_t *nsec)
{
    const char *s;
    ct_trim(text, n, &s, &n);
    size_t i = 0;
    int neg = 0;
    if (i < n && s[i] == '-') neg = 1, i++;
    size_t ws = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    size_t we = i, fs = i, fe = i;
    int dot = 0;
    if (i < n && s[i] == '.') {
        dot = 1;
        fs = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        fe = i;
    }
    if (i != n || (we == ws && fe == fs)) return 0;
    (void)dot;
    __int128 whole = 0;
    for (size_t k = ws; k < we; k++) {
        if (whole < ((__int128)1 << 100)) whole = whole * 10 + (s[k] - '0');
    }
    int64_t frac = 0;
    for (size_t k = 0; k < 9; k++) frac = frac * 10 + (fs + k < fe ? s[fs + k] - '0' : 0);
    /* BigInt division truncates toward zero: a negative time keeps a negative remainder */
    if (whole > INT64_MAX / 1000000000 || whole * 1000000000 + frac > (__int128)INT64_MAX) return 0;
    *sec = neg ? -(int64_t)whole : (int64_t)whole;
    *nsec = neg ? -frac : frac;
    if (neg && whole == 0) *sec = 0;
    return 1;
}

static int ipb_ip(const char *text, size_t n, uint32_t *out)
{
    const char *s;
    ct_trim(text, n, &s, &n);
    uint32_t v = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (i >= n || s[i] != '.') return 0;
            i++;
        }
        size_t start = i;
        unsigned x = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3) x = x * 10 + (unsigned)(s[i++] - '0');
        if (i == start || x > 255) return 0;
        v = v << 8 | x;
    }
    if (i != n) return 0;
    *out = v;
    return 1;
}

static int ipb_ether(const char *text, size_t n, uint8_t out[6])
{
    const char *s;
    ct_trim(text, n, &s, &n);
    int nh = 0;
    for (size_t i = 0; i < n; i++) nh += ct_hex(s[i]) >= 0;
    if (n == 12 && nh == 12 && !memchr(s, ':', n) && !memchr(s, '-', n)) {
        for (int k = 0; k < 6; k++) out[k] = (uint8_t)(ct_hex(s[2 * k]) * 16 + ct_hex(s[2 * k + 1]));
        return 1;
    }
    size_t i = 0;
    for (int k = 0; k < 6; k++) {
        if (k) {
            if (i >= n || (s[i] != ':' && s[i] != '-')) return 0;
            i++;
        }
        size_t start = i;
        unsigned x = 0;
        while (i < n && s[i] != ':' && s[i] != '-') {
            int h = ct_hex(s[i]);
            if (h < 0 || i - start >= 2) return 0;
            x = x * 16 + (unsigned)h;
            i++;
        }
        if (i == start) return 0;
        out[k] = (uint8_t)x;
    }
    return i == n;
}

/* JavaScript's ToInt32 of Number(decimal digits). */
static int32_t ipb_digits_i32(const char *s, size_t n)
{
    return (int32_t)ipsum_digits_u32(s, n);
}

static int ipb_fragment(const IpsumBuilder *b, const char *t, size_t n, int64_t *v)
{
    if (n == 1 && t[0] == '.') return *v = 0, 1;
    if (n == 1 && t[0] == '!') return *v = 0x4000, 1;
    if (n == 1 && t[0] == 'F') return *v = 0x2000, 1;
    if (n == 1 && t[0] == 'f') return *v = 100, 1;
    size_t d = 0;
    while (d < n && t[d] >= '0' && t[d] <= '9') d++;
    if (!d) return 0;
    for (size_t k = d; k < n; k++)
        if (t[k] != '+' && t[k] != '!') return 0;
    int32_t x = ipb_digits_i32(t, d);
    if (b->minor > 0) x >>= 3;
    for (size_t k = d; k < n; k++) x |= t[k] == '!' ? 0x4000 : 0x2000;
    *v = x;
    return 1;
}

static int ipb_tcp_flags(const char *t, size_t n, int64_t *v)
{
    if (n == 1 && t[0] == '.') return *v = 0, 1;
    if (n && t[0] >= '0' && t[0] <= '9') return ipb_num(t, n, 0xfff, v);
    if (!n) return 0;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        const char *letters = "FSRPAUECWXYN";
        static const int8_t bits[] = { 0, 1, 2, 3, 4, 5, 6, 7, 7, 6, 7, 8 };
        const char *hit = t[i] ? strchr(letters, t[i]) : NULL;
        if (!hit) return 0;
        x |= 1 << bits[hit - letters];
    }
    *v = x;
    return 1;
}

static int ipb_paint_value(const char *t, size_t n, int64_t *v)
{
    if (n == 1 && t[0] == '>') return *v = 0, 1;
    if (n == 1 && t[0] == '<') return *v = 1, 1;
    return ipb_num(t, n, 255, v);
}

static void ipb_icmp_inject(IpsumBuilder *b, int64_t at, unsigned bytes, unsigned v)
{
    if (!ipb_make_ip(b, 1) || !ipb_make_transp(b)) return;
    if (ipb_trans_len(b) < 8) ipb_grow(b, 8 - ipb_trans_len(b));
    int64_t t = ipb_trans(b) + at;
    if (bytes == 1) ipb_set8(b, t, v);
    else ipb_set16(b, t, v);
}

/* Parse one field's text and apply it; 1 if the text parsed (the field counts). */
static int ipb_apply(IpsumBuilder *b, int f, const char *t, size_t n)
{
    Packet *p = b->p;
    int64_t v = 0;
    switch (f) {
    case IPSUM_TIMESTAMP: {
        int64_t sec, nsec;
        if (!ipb_timestamp(t, n, &sec, &nsec)) return 0;
        p->ts_sec = sec;
        p->ts_nsec = (uint32_t)nsec;
        return 1;
    }
    case IPSUM_TS_SEC:
        if (!ipb_num(t, n, 0xffffffffLL, &v)) return 0;
        p->ts_sec = v;
        return 1;
    case IPSUM_TS_USEC:
        if (!ipb_num(t, n, 999999, &v)) return 0;
        p->ts_nsec = (uint32_t)(v * 1000);
        return 1;
    case IPSUM_TS_USEC1: {
        if (!ipsum_all_digits(t, n)) return 0;
        unsigned __int128 us = 0;
        for (size_t k = 0; k < n; k++)
            if (us < ((unsigned __int128)1 << 100)) us = us * 10 + (unsigned)(t[k] - '0');
        if (us * 1000 > (unsigned __int128)INT64_MAX) return 0;   /* as timeParse's bound */
        p->ts_sec = (int64_t)(us / 1000000);
        p->ts_nsec = (uint32_t)(us % 1000000) * 1000;
        return 1;
    }
    case IPSUM_FIRST_TIMESTAMP: {
        int64_t sec, nsec;
        if (!ipb_timestamp(t, n, &sec, &nsec)) return 0;
        cvm_set_anno_u32(p, CVM_ANNO_FIRST_TIMESTAMP, (uint32_t)sec);
        cvm_set_anno_u32(p, CVM_ANNO_FIRST_TIMESTAMP + 4, (uint32_t)nsec);
        return 1;
    }
    case IPSUM_COUNT:
        if (!ipb_num(t, n, 0xffffffffLL, &v)) return 0;
        cvm_set_anno_u32(p, CVM_ANNO_EXTRA_PACKETS, (uint32_t)(v > 0 ? v - 1 : 0));
        return 1;
    case IPSUM_LINK: case IPSUM_PAINT: case IPSUM_DIRECTION:
        if (!ipb_paint_value(t, n, &v)) return 0;
        p->anno[CVM_ANNO_PAINT] = (uint8_t)v;
        return 1;
    case IPSUM_AGGREGATE:
        if (!ipb_num(t, n, 0xffffffffLL, &v)) return 0;
        cvm_set_anno_u32(p, CVM_ANNO_AGGREGATE, (uint32_t)v);
        return 1;
    case IPSUM_WIRE_LEN:
        if (!ipb_num(t, n, 0xffffffffLL, &v)) return 0;
        b->want_len = v;
        return 1;
    case IPSUM_ETH_SRC: case IPSUM_ETH_DST: {
        uint8_t mac[6];
        if (!ipb_ether(t, n, mac)) return 0;
        ipb_ensure_ether(b);
        for (int k = 0; k < 6; k++) ipb_set8(b, (f == IPSUM_ETH_SRC ? 6 : 0) + k, mac[k]);
        return 1;
    }
    case IPSUM_ETH_TYPE: {
        if (n < 1 || n > 4) return 0;
        unsigned x = 0;
        for (size_t k = 0; k < n; k++) {
            int h = ct_hex(t[k]);
            if (h < 0) return 0;
            x = x * 16 + (unsigned)h;
        }
        ipb_ensure_ether(b);
        ipb_set16(b, 12, x);
        if (x != 0x0800 && x != 0x86dd) b->is_ip = 0;
        return 1;
    }
    case IPSUM_IP_SRC: case IPSUM_IP_DST: {
        uint32_t a;
        if (!ipb_ip(t, n, &a)) return 0;
        if (ipb_make_ip(b, 0)) ipb_set32(b, ipb_net(b) + (f == IPSUM_IP_SRC ? 12 : 16), a);
        return 1;
    }
    case IPSUM_IP_TOS: case IPSUM_IP_DSCP: case IPSUM_IP_TTL: {
        if (!ipb_num(t, n, 255, &v)) return 0;
        if (!ipb_make_ip(b, 0)) return 1;
        int64_t net = ipb_net(b);
        if (f == IPSUM_IP_TOS) ipb_set8(b, net + 1, (unsigned)v);
        else if (f == IPSUM_IP_DSCP) ipb_set8(b, net + 1, (ipb_u8(b, net + 1) & 3) | ((unsigned)(v << 2) & 0xfc));
        else ipb_set8(b, net + 8, (unsigned)v);
        return 1;
    }
    case IPSUM_IP_ECN: {
        static const struct { const char *w; int v; } names[] = { { "no", 0 }, { "-", 0 }, { "ect1", 1 }, { "ECT(1)", 1 }, { "ect2", 2 }, { "ECT(0)", 2 }, { "ce", 3 }, { "CE", 3 } };
        int found = -1;
        for (unsigned k = 0; k < sizeof names / sizeof *names && found < 0; k++)
            if (strlen(names[k].w) == n && !memcmp(names[k].w, t, n)) found = names[k].v;
        if (found < 0 && n == 1 && t[0] >= '0' && t[0] <= '3') found = t[0] - '0';
        if (found < 0) return 0;
        if (ipb_make_ip(b, 0)) ipb_set8(b, ipb_net(b) + 1, (ipb_u8(b, ipb_net(b) + 1) & 0xfc) | (unsigned)(found & 3));
        return 1;
    }
    case IPSUM_IP_FRAG: case IPSUM_IP_FRAGOFF:
        if (!ipb_fragment(b, t, n, &v)) return 0;
        if (ipb_make_ip(b, 0)) ipb_set16(b, ipb_net(b) + 6, (unsigned)(uint32_t)v);
        return 1;
    case IPSUM_IP_ID: case IPSUM_IP_SUM:
        if (!ipb_num(t, n, 0xffff, &v)) return 0;
        if (ipb_make_ip(b, 0)) ipb_set16(b, ipb_net(b) + (f == IPSUM_IP_ID ? 4 : 10), (unsigned)v);
        return 1;
    case IPSUM_IP_PROTO:
        if (n == 1 && t[0] == 'T') v = 6;
        else if (n == 1 && t[0] == 'U') v = 17;
        else if (n == 1 && t[0] == 'I') v = 1;
        else if (!ipb_num(t, n, 255, &v)) return 0;
        if (ipb_make_ip(b, 0)) ipb_set8(b, ipb_net(b) + 9, (unsigned)v);
        return 1;
    case IPSUM_IP_HL:
        if (!ipb_num(t, n, 60, &v)) return 0;
        if (!ipb_make_ip(b, 0)) return 1;
        b->have_ip_hl = 1;
        ipb_set_ip_header_length(b, (v + 3) & ~3);
        return 1;
    case IPSUM_IP_OPT: {
        uint8_t *opts;
        size_t no;
        int r = ipsum_parse_ip_options(t, n, &opts, &no);
        if (r < 0) return 0;
        if (!ipb_make_ip(b, 0)) return free(opts), 1;
        b->have_ip_hl = 1;
        if (!r) return 1;
        /* As Click: the header grows to hold the options, which overwrite what
         * follows the fixed header; EOL bytes after them, as many as Click writes. */
        int64_t net = ipb_net(b), hl = (int64_t)(20 + no + 3) & ~3;
        if (ipb_len(b) - net < hl) ipb_grow(b, hl - (ipb_len(b) - net));
        if (hl > (int64_t)(ipb_u8(b, net) & 15) << 2) {
            cvm_set_net(b->p, (int32_t)net, (int32_t)hl);
            ipb_set8(b, net, (ipb_u8(b, net) & 0xf0) | (unsigned)(hl >> 2));
        }
        for (size_t k = 0; k < no; k++) ipb_set8(b, net + 20 + (int64_t)k, opts[k]);
        for (int64_t k = net + 20 + (int64_t)no; k < net + 20 + hl && k < ipb_len(b); k++) ipb_set8(b, k, 0);
        free(opts);
        return 1;
    }
    case IPSUM_IP_LEN:
        if (!ipb_num(t, n, 0xffffffffLL, &v)) return 0;
        if (ipb_make_ip(b, 0)) b->want_len = ipb_net(b) + v;
        return 1;
    case IPSUM_IP_CAPTURE_LEN:
        return ipb_num(t, n, 0xffffffffLL, &v);
    case IPSUM_SPORT: case IPSUM_DPORT: {
        if (!ipb_num(t, n, 0xffff, &v)) return 0;
        if (!ipb_make_ip(b, 0) || !ipb_make_transp(b)) return 1;
        unsigned proto = ipb_u8(b, ipb_net(b) + 9);
        if (proto && !ipsum_has_ports(proto)) return 1;
        ipb_set16(b, ipb_trans(b) + (f == IPSUM_SPORT ? 0 : 2), (unsigned)v);
        return 1;
    }
    case IPSUM_TCP_SEQ: case IPSUM_TCP_ACK: case IPSUM_TCP_OFF: case IPSUM_TCP_FLAGS: case IPSUM_TCP_WINDOW: case IPSUM_TCP_URP: {
        int ok = f == IPSUM_TCP_FLAGS ? ipb_tcp_flags(t, n, &v)
               : ipb_num(t, n, f == IPSUM_TCP_OFF ? 60 : f == IPSUM_TCP_WINDOW || f == IPSUM_TCP_URP ? 0xffff : 0xffffffffLL, &v);
        if (!ok) return 0;
        if (!(ipb_make_ip(b, 6) && ipb_make_transp(b) && ipb_u8(b, ipb_net(b) + 9) == 6)) return 1;
        int64_t tr = ipb_trans(b);
        switch (f) {
        case IPSUM_TCP_SEQ: ipb_set32(b, tr + 4, (uint32_t)v); break;
        case IPSUM_TCP_ACK: ipb_set32(b, tr + 8, (uint32_t)v); break;
        case IPSUM_TCP_OFF: {
            b->have_tcp_hl = 1;
            int64_t bytes = (v + 3) & ~3;
            ipb_set_tcp_header_length(b, bytes < 60 ? bytes : 60);
            break;
        }
        case IPSUM_TCP_FLAGS:
            ipb_set8(b, tr + 13, (unsigned)(v & 255));
            ipb_set8(b, tr + 12, (ipb_u8(b, tr + 12) & 0xf0) | (unsigned)(v >> 8 & 15));
            break;
        case IPSUM_TCP_WINDOW: ipb_set16(b, tr + 14, (unsigned)v); break;
        default: ipb_set16(b, tr + 18, (unsigned)v); break;
        }
        return 1;
    }
    case IPSUM_TCP_OPT: case IPSUM_TCP_NTOPT: case IPSUM_TCP_SACK: {
        uint8_t opts[64];
        size_t no;
        if (ipsum_parse_tcp_options(t, n, opts, &no) < 0) return 0;
        if (!ipb_make_ip(b, 6) || !ipb_make_transp(b) || ipb_u8(b, ipb_net(b) + 9) != 6) return 1;
        b->have_tcp_hl = 1;
        if (!no) return 1;
        int64_t off = (int64_t)(20 + no + 3) & ~3;
        int64_t tr = ipb_trans(b);
        if (ipb_trans_len(b) < off) ipb_grow(b, off - ipb_trans_len(b));
        if (off > (int64_t)((ipb_u8(b, tr + 12) >> 4) << 2)) ipb_set8(b, tr + 12, (ipb_u8(b, tr + 12) & 15) | (unsigned)((off >> 2) << 4 & 0xff));
        for (size_t k = 0; k < no; k++) ipb_set8(b, tr + 20 + (int64_t)k, opts[k]);
        return 1;
    }
    case IPSUM_UDP_LEN: {
        if (!ipb_num(t, n, 0xffff, &v)) return 0;
        if (!ipb_make_ip(b, 0) || !ipb_make_transp(b)) return 1;
        unsigned proto = ipb_u8(b, ipb_net(b) + 9);
        if (proto && proto != 17 && proto != 136) return 1;
        if (ipb_trans_len(b) < 8) ipb_grow(b, 8 - ipb_trans_len(b));
        ipb_set16(b, ipb_trans(b) + 4, (unsigned)v);
        return 1;
    }
    case IPSUM_ICMP_TYPE: case IPSUM_ICMP_TYPE_NAME: {
        int x = io_icmp_type_value(t, n);
        if (x < 0) return 0;
        b->have_icmp_type = 1;
        ipb_icmp_inject(b, 0, 1, (unsigned)x);
        return 1;
    }
    case IPSUM_ICMP_CODE: case IPSUM_ICMP_CODE_NAME: {
        int type = b->have_icmp_type && ipb_has_trans(b) ? (int)ipb_u8(b, ipb_trans(b)) : -1;
        int x = io_icmp_code_value(type, t, n);
        if (x < 0) return 0;
        b->have_icmp_code = 1;
        ipb_icmp_inject(b, 1, 1, (unsigned)x);
        return 1;
    }
    case IPSUM_ICMP_FLOWID: case IPSUM_ICMP_SEQ: case IPSUM_ICMP_NEXTMTU:
        if (!ipb_num(t, n, 0xffff, &v)) return 0;
        ipb_icmp_inject(b, f == IPSUM_ICMP_FLOWID ? 4 : 6, 2, (unsigned)v);
        return 1;
    case IPSUM_PAYLOAD_LEN: {
        if (!ipb_num(t, n, 0xffffffffLL, &v)) return 0;
        if (ipb_make_ip(b, 0)) ipb_make_transp(b);
        int64_t off = ipb_payload_offset(b);
        if (!b->is_ip || (ipb_u16(b, ipb_net(b) + 2) == 0 && b->want_len == 0)) b->want_len = off + v;
        return 1;
    }
    case IPSUM_PAYLOAD: {
        /* a quoted string, or (as Click's cp_string takes it) a bare word */
        int bare = n > 0;
        for (size_t k = 0; k < n && bare; k++)
            if (t[k] == '"' || t[k] == '\'' || t[k] == ' ' || (t[k] >= '\t' && t[k] <= '\r')) bare = 0;
        if (!bare && (n < 2 || t[0] != '"' || t[n - 1] != '"')) return 0;
        CvmStr own = { 0 }, *scratch = b->scratch ? b->scratch : &own;
        CvmStr data = *scratch;
        if (bare) {
            cvm_str_clear(&data);
            cvm_str_append(&data, t, n);
        } else
            ct_unquote(t, n, &data);
        if (ipb_make_ip(b, 0)) ipb_make_transp(b);
        if (data.len) {
            int64_t off = ipb_payload_offset(b);
            if (!b->is_ip || (ipb_u16(b, ipb_net(b) + 2) == 0 && b->want_len == 0)) b->want_len = off + (int64_t)data.len;
            if (ipb_len(b) < off + (int64_t)data.len) ipb_grow(b, off + (int64_t)data.len - ipb_len(b));
            for (size_t k = 0; k < data.len; k++) ipb_set8(b, off + (int64_t)k, (uint8_t)data.s[k]);
        }
        *scratch = data;
        cvm_str_free(&own);
        return 1;
    }
    default:
        return 0;
    }
}

/* One's-complement checksum of bytes [a, a + n) of d (dlen bytes; past them
 * bytes read as 0, as the host's typed array gives undefined), from `sum`. */
static uint16_t ipb_checksum(const uint8_t *d, int64_t dlen, int64_t a, int64_t n, uint64_t sum)
{
#define IPB_AT(k) ((k) >= 0 && (k) < dlen ? d[k] : 0u)
    int64_t i = a, end = a + n;
    for (; i + 1 < end; i += 2) sum += (uint64_t)(IPB_AT(i) << 8 | IPB_AT(i + 1));
    if (i < end) sum += (uint64_t)IPB_AT(i) << 8;
#undef IPB_AT
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)(~sum & 0xffff);
}

/* CHECKSUM: the IP header checksum, and TCP/UDP/ICMP's on first fragments.
 * As in the host, a write past the data does nothing. */
static void ipb_set_checksums(IpsumBuilder *b, int64_t net, int64_t hl)
{
    uint8_t *w = cvm_packet_writable(b->p);
    if (!w) return;
    int64_t len = ipb_len(b);
#define IPB_PUT(k, v) do { if ((k) >= 0 && (k) < len) w[k] = (uint8_t)(v); } while (0)
    IPB_PUT(net + 10, 0);
    IPB_PUT(net + 11, 0);
    uint16_t s = ipb_checksum(w, len, net, hl, 0);
    IPB_PUT(net + 10, s >> 8);
    IPB_PUT(net + 11, s);
    if ((ipb_u16(b, net + 6) & 0x3fff) != 0 || !ipb_has_trans(b)) return;
    int64_t t = ipb_trans(b), tl = len - t;
    if (net + 9 >= len || net < 0) return;   /* no protocol byte: the host's lookup gives nothing */
    uint32_t src = (uint32_t)ipb_u16(b, net + 12) << 16 | ipb_u16(b, net + 14);
    uint32_t dst = (uint32_t)ipb_u16(b, net + 16) << 16 | ipb_u16(b, net + 18);
    unsigned proto = w[net + 9];
    int64_t at = proto == 6 ? 16 : proto == 17 ? 6 : proto == 1 ? 2 : -1;
    if (at < 0 || t + at + 2 > len) return;
    IPB_PUT(t + at, 0);
    IPB_PUT(t + at + 1, 0);
    uint64_t pseudo = proto == 1 ? 0 : (uint64_t)(src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + (uint64_t)tl;
    uint16_t sum = ipb_checksum(w, len, t, tl, pseudo);
    IPB_PUT(t + at, sum >> 8);
    IPB_PUT(t + at + 1, sum);
#undef IPB_PUT
}

#endif
