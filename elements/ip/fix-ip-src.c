/* FixIPSrc: a packet whose Fix IP Source annotation is set (by ICMPError)
 * and whose IP header is marked gets IPADDR as its source, the annotation
 * cleared and the header checksum recomputed. A flagged packet too short for
 * its header is dropped. */
#include "cvm.h"
#include "../lib/ip-header.h"

struct fix_ip_src {
    CvmElement base;
    uint32_t addr;
};

static inline void fix_ip_src_push(struct fix_ip_src *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (p->anno[CVM_ANNO_FIX_IP_SRC] == 0 || p->net < 0) {
            cvm_emit(out, 0, p);
            continue;
        }
        int32_t avail;
        const uint8_t *h = ip_header(p, &avail);
        uint32_t hlen = h ? ip_hlen(h) : 0;
        if (!h || avail < IPH_MIN_LEN || (int32_t)hlen > avail || !cvm_packet_writable(p)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *ip = cvm_net(p);
        p->anno[CVM_ANNO_FIX_IP_SRC] = 0;
        cvm_put32(ip + IPH_SRC, e->addr);
        cvm_put16(ip + IPH_SUM, 0);
        cvm_put16(ip + IPH_SUM, inet_checksum(ip, hlen, 0));
        cvm_emit(out, 0, p);
    }
}
