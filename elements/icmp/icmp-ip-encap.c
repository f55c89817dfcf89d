/* ICMPIPEncap: prepend IP (TOS 0, TTL 255, identifier from 1, skipping 0)
 * and ICMP headers of a fixed type and code (icmp-ip-encap.ts). Sequenced
 * types carry IDENTIFIER and the IP identifier as sequence number; the
 * ICMP checksum covers the whole message. */
#include "cvm.h"
#include "../lib/ip-header.h"

struct icmp_ip_encap {
    CvmElement base;
    uint32_t src, dst;
    uint8_t type, code;
    uint16_t identifier, ip_id;
};

static inline void icmp_ip_encap_push(struct icmp_ip_encap *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const unsigned hl = e->type == 13 || e->type == 14 ? 20 : 8;
    const int sequenced = e->type == 0 || e->type == 8 || (e->type >= 13 && e->type <= 16);
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (!cvm_packet_push(p, IPH_MIN_LEN + hl)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *h = p->data, *c = h + IPH_MIN_LEN;
        memset(h, 0, IPH_MIN_LEN + hl);
        h[IPH_VHL] = 0x45;
        cvm_put16(h + IPH_LEN, (uint16_t)p->len);
        cvm_put16(h + IPH_ID, e->ip_id);
        h[IPH_TTL] = 255;
        h[IPH_PROTO] = IP_PROTO_ICMP;
        cvm_put32(h + IPH_SRC, e->src);
        cvm_put32(h + IPH_DST, e->dst);
        c[0] = e->type;
        c[1] = e->code;
        if (sequenced) {
            cvm_put16(c + 4, e->identifier);
            cvm_put16(c + 6, e->ip_id);
        }
        cvm_put16(h + IPH_SUM, inet_checksum(h, IPH_MIN_LEN, 0));
        cvm_put16(c + 2, inet_checksum(c, p->len - IPH_MIN_LEN, 0));
        cvm_set_dst_ip(p, e->dst);
        cvm_set_net(p, 0, IPH_MIN_LEN);
        e->ip_id = e->ip_id == 0xffff ? 1 : (uint16_t)(e->ip_id + 1);
        cvm_emit(out, 0, p);
    }
}

static void icmp_ip_encap_read_src(struct icmp_ip_encap *e, CvmStr *o) { ip_unparse(o, e->src); }
static void icmp_ip_encap_read_dst(struct icmp_ip_encap *e, CvmStr *o) { ip_unparse(o, e->dst); }
static int icmp_ip_encap_write_src(struct icmp_ip_encap *e, const char *v, CvmStr *err) { return hv_value_ip(v, &e->src, err); }
static int icmp_ip_encap_write_dst(struct icmp_ip_encap *e, const char *v, CvmStr *err) { return hv_value_ip(v, &e->dst, err); }
