/* ICMPError: a new IP/ICMP error packet for each input packet (consumed),
 * or a counted drop where RFC 1812 says no error may be sent; IP IDs come
 * from one counter per router (Click's static). As icmp-error.ts. */
#include "cvm.h"
#include "../lib/transport-checksum.h"
#include "../lib/click-values.h"
#include "../lib/ip-text.h"

enum { ICMPE_UNREACH = 3, ICMPE_REDIRECT = 5, ICMPE_PARAMPROB = 12 };

struct icmp_error {
    CvmElement base;
    uint32_t src;
    uint8_t type, code, set_fix_anno;
    const uint32_t *bad_addrs;
    uint32_t nbad;
    int64_t mtu, pmtu;
};

/* The router's next ICMP error IP ID (shared by every ICMPError, from 1). */
static uint32_t icmp_error_next_id;

static int icmp_error_init(struct icmp_error *e, CvmStr *err)
{
    (void)e; (void)err;
    icmp_error_next_id = 1;
    return 0;
}

static inline int icmp_error_is_error_type(uint8_t t) { return t == 3 || t == 4 || t == 5 || t == 11 || t == 12; }

static int icmp_error_unicast(const struct icmp_error *e, uint32_t addr)
{
    if (addr == 0xffffffffu || addr >> 28 == 0xe) return 0;
    for (uint32_t i = 0; i < e->nbad; i++)
        if (e->bad_addrs[i] == addr) return 0;
    return 1;
}

static int icmp_error_valid_source(const struct icmp_error *e, uint32_t addr)
{
    uint32_t net = addr >> 24;
    return icmp_error_unicast(e, addr) && net != 0 && net != 127 && (net & 0xf0) != 0xf0;
}

/* Offset (from the IP header) of a usable loose/strict source-route option, or -1. */
static int icmp_error_source_route(const uint8_t *ip, int hlen)
{
    for (int oi = 20; oi < hlen;) {
        uint8_t type = ip[oi];
        if (type == 1) {
            oi++;
            continue;
        }
        if (type == 0 || oi + 1 >= hlen) return -1;
        int xlen = ip[oi + 1];
        if (xlen < 2 || oi + xlen > hlen) return -1;
        int ptr = ip[oi + 2];
        if ((type == 131 || type == 137) && ptr >= 4 && ptr % 4 == 0 && ptr <= xlen + 1) return oi;
        oi += xlen;
    }
    return -1;
}

/* The error packet for p, or NULL when none may be made. */
static Packet *icmp_error_build(struct icmp_error *e, Packet *p)
{
    TcHeaders h;
    if (!tc_headers(p, &h)) return NULL;
    const uint8_t *ip = h.ip;
    int hlen = (ip[0] & 15) << 2;
    if ((int64_t)h.ip_off + hlen > (int64_t)h.len) return NULL;
    uint8_t type = e->type, code = e->code;

    /* RFC 1812 4.3.2.7: no errors about ICMP errors, broadcasts, bad sources, later fragments. */
    if (ip[9] == 1) {
        if ((int64_t)hlen + 4 > (int64_t)p->len || h.trans_off >= (int64_t)h.len) return NULL;
        if (icmp_error_is_error_type(h.trans[0])) return NULL;
    }
    if (!icmp_error_unicast(e, cvm_be32(ip + 16))) return NULL;
    if (p->pkt_type == CVM_PKT_BROADCAST || p->pkt_type == CVM_PKT_MULTICAST) return NULL;
    if (!icmp_error_valid_source(e, cvm_be32(ip + 12))) return NULL;
    if (!tc_first_fragment(ip)) return NULL;

    int route = icmp_error_source_route(ip, hlen);
    if (route >= 0) {
        if (type == ICMPE_REDIRECT) return NULL;
        /* 4.3.2.6: ignore the route if the parameter problem is in it. */
        int at = p->anno[CVM_ANNO_ICMP_PARAMPROB];
        if (type == ICMPE_PARAMPROB && code == 0 && route <= at && at < route + ip[route + 1]) route = -1;
    }

    int olen = route >= 0 ? ip[route + 2] - 1 : 0;
    int hl = route >= 0 ? ((20 + olen + 3) >> 2) << 2 : 20;
    int64_t xlen = e->mtu - hl - 8;
    if (xlen < 0 || e->mtu > 0x7fffffff) return NULL;
    Packet *q = cvm_packet_alloc((uint32_t)e->mtu, CVM_HEADROOM, 0);
    if (!q) return NULL;
    uint8_t *d = q->data;
    memset(d, 0, q->len);
    d[0] = (uint8_t)(0x40 | (hl >> 2));
    cvm_put16(d + 4, (uint16_t)(icmp_error_next_id++ & 0xffff));
    d[8] = 200;
    d[9] = 1;
    cvm_put32(d + 12, e->src);
    memcpy(d + 16, ip + 12, 4);
    if (route >= 0) {
        /* Echo the source route reversed: the hops recorded so far, last first. */
        d[20] = ip[route];
        d[21] = (uint8_t)olen;
        d[22] = 4;
        d[20 + olen] = 0;
        int o = 23;
        for (int oo = route + ip[route + 2] - 5; oo >= route + 3; oo -= 4, o += 4) memcpy(d + o, ip + oo, 4);
    }
    d[hl] = type;
    d[hl + 1] = code;
    if (type == ICMPE_PARAMPROB && code == 0) d[hl + 4] = p->anno[CVM_ANNO_ICMP_PARAMPROB];
    if (type == ICMPE_REDIRECT) cvm_put32(d + hl + 4, cvm_dst_ip(p));
    if (type == ICMPE_UNREACH && code == 4) cvm_put16(d + hl + 6, (uint16_t)(e->pmtu & 0xffff));

    int64_t network_length = (int64_t)h.len - h.ip_off;
    if (xlen > network_length) {
        cvm_packet_take(q, (uint32_t)(xlen - network_length));
        xlen = network_length;
    }
    memcpy(d + hl + 8, ip, (size_t)xlen);
    cvm_put16(d + hl + 2, tc_checksum(d + hl, (uint32_t)(8 + xlen)));
    cvm_put16(d + 2, (uint16_t)q->len);
    cvm_put16(d + 10, tc_checksum(d, (uint32_t)hl));

    cvm_set_net(q, 0, hl);
    cvm_set_dst_ip(q, cvm_be32(d + 16));
    if (e->set_fix_anno) q->anno[CVM_ANNO_FIX_IP_SRC] = 1;
    int64_t now = cvm_now();
    q->ts_sec = now / 1000000000;
    q->ts_nsec = (uint32_t)(now % 1000000000);
    return q;
}

static inline void icmp_error_push(struct icmp_error *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        Packet *q = icmp_error_build(e, p);
        if (q) {
            cvm_consume(out, p);
            cvm_emit(out, 0, cvm_created(out, q));
        } else {
            cvm_drop(out, p);
        }
    }
}

static void icmp_error_read_src(struct icmp_error *e, CvmStr *o) { ip_unparse(o, e->src); }
static void icmp_error_read_mtu(struct icmp_error *e, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)e->mtu); }
static void icmp_error_read_pmtu(struct icmp_error *e, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)e->pmtu); }

static int icmp_error_write_src(struct icmp_error *e, const char *v, CvmStr *err)
{
    CtText t = ct_text_trim(ct_text(v));
    CvmStr u = { 0 };
    ct_unquote(t.s, t.n, &u);
    uint32_t addr;
    int ok = ip_parse_click((CtText){ u.s, u.len }, &addr) == 0;
    cvm_str_free(&u);
    if (!ok) return cvm_str_printf(err, "expected IP address"), -1;
    e->src = addr;
    return 0;
}

static int icmp_error_parse_unsigned(const char *v, int64_t *out, CvmStr *err)
{
    int64_t n;
    if (ct_parse_click_int(ct_text_trim(ct_text(v)), &n) < 0 || n < 0) return cvm_str_printf(err, "expected unsigned integer"), -1;
    *out = n;
    return 0;
}

static int icmp_error_write_mtu(struct icmp_error *e, const char *v, CvmStr *err) { return icmp_error_parse_unsigned(v, &e->mtu, err); }
static int icmp_error_write_pmtu(struct icmp_error *e, const char *v, CvmStr *err) { return icmp_error_parse_unsigned(v, &e->pmtu, err); }
