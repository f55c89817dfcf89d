/* UDPIPEncap: prepend IP (TOS 0, TTL 250, identifier counting up) and UDP
 * headers, mark the IP header, set the destination IP annotation (or take
 * the destination from it in DST_ANNO mode); with CHECKSUM the UDP checksum
 * covers the pseudo-header and the datagram. */
#include "cvm.h"
#include "../lib/ip-header.h"

#define UDP_IP_ENCAP_HEADERS (IPH_MIN_LEN + 8)

struct udp_ip_encap {
    CvmElement base;
    uint32_t src, dst;
    uint16_t sport, dport;
    uint8_t use_dst_anno, checksum;
    uint16_t id;
};

static inline void udp_ip_encap_push(struct udp_ip_encap *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (!cvm_packet_push(p, UDP_IP_ENCAP_HEADERS)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *h = p->data;
        memset(h, 0, UDP_IP_ENCAP_HEADERS);
        const uint32_t dst = e->use_dst_anno ? cvm_dst_ip(p) : e->dst;
        h[IPH_VHL] = 0x45;
        cvm_put16(h + IPH_LEN, (uint16_t)p->len);
        cvm_put16(h + IPH_ID, e->id++);
        h[IPH_TTL] = 250;
        h[IPH_PROTO] = IP_PROTO_UDP;
        cvm_put32(h + IPH_SRC, e->src);
        cvm_put32(h + IPH_DST, dst);
        if (!e->use_dst_anno) cvm_set_dst_ip(p, dst);
        cvm_put16(h + IPH_SUM, inet_checksum(h, IPH_MIN_LEN, 0));
        cvm_set_net(p, 0, IPH_MIN_LEN);

        uint8_t *u = h + IPH_MIN_LEN;
        const uint32_t len = (p->len - IPH_MIN_LEN) & 0xffff;
        cvm_put16(u, e->sport);
        cvm_put16(u + 2, e->dport);
        cvm_put16(u + 4, (uint16_t)len);
        if (e->checksum) cvm_put16(u + 6, inet_checksum(u, len, inet_pseudo_sum(e->src, dst, IP_PROTO_UDP, len)));
        cvm_emit(out, 0, p);
    }
}

static void udp_ip_encap_read_src(struct udp_ip_encap *e, CvmStr *o) { ip_unparse(o, e->src); }
static void udp_ip_encap_read_dst(struct udp_ip_encap *e, CvmStr *o) { ip_unparse(o, e->dst); }
static void udp_ip_encap_read_sport(struct udp_ip_encap *e, CvmStr *o) { cvm_str_printf(o, "%u", e->sport); }
static void udp_ip_encap_read_dport(struct udp_ip_encap *e, CvmStr *o) { cvm_str_printf(o, "%u", e->dport); }
static int udp_ip_encap_write_src(struct udp_ip_encap *e, const char *v, CvmStr *err) { return hv_value_ip(v, &e->src, err); }
static int udp_ip_encap_write_sport(struct udp_ip_encap *e, const char *v, CvmStr *err) { return hv_value_port(v, &e->sport, err); }
static int udp_ip_encap_write_dport(struct udp_ip_encap *e, const char *v, CvmStr *err) { return hv_value_port(v, &e->dport, err); }

static int udp_ip_encap_write_dst(struct udp_ip_encap *e, const char *v, CvmStr *err)
{
    if (ip_parse_dst(v, 1, &e->dst, &e->use_dst_anno) < 0) return cvm_str_printf(err, "bad DST"), -1;
    return 0;
}
