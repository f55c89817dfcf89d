/* EtherRewrite: overwrite the addresses of the Ethernet header at the MAC
 * header annotation. A packet without the annotation, or with fewer than 12
 * bytes from it, is dropped. */
#include "cvm.h"
#include "../lib/ether-header.h"

struct ether_rewrite {
    CvmElement base;
    uint8_t src[6], dst[6];
};

static inline void ether_rewrite_push(struct ether_rewrite *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        int32_t mac = p->mac < 0 ? -1 : p->mac - (int32_t)cvm_headroom(p);
        if (mac < 0 || (int64_t)mac + ETH_TYPE > (int64_t)p->len || !cvm_packet_writable(p)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *h = p->data + mac;
        memcpy(h + ETH_DST, e->dst, 6);
        memcpy(h + ETH_SRC, e->src, 6);
        cvm_emit(out, 0, p);
    }
}

static void ether_rewrite_read_src(struct ether_rewrite *e, CvmStr *o) { ether_unparse(o, e->src); }
static void ether_rewrite_read_dst(struct ether_rewrite *e, CvmStr *o) { ether_unparse(o, e->dst); }
static int ether_rewrite_write_src(struct ether_rewrite *e, const char *v, CvmStr *err) { return hv_value_ether(v, e->src, err); }
static int ether_rewrite_write_dst(struct ether_rewrite *e, const char *v, CvmStr *err) { return hv_value_ether(v, e->dst, err); }
