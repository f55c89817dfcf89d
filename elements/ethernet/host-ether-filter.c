/* HostEtherFilter: classify frames by destination (packet type annotation)
 * and filter our own frames (DROP_OWN) and other hosts' (DROP_OTHER) to
 * output 1, or drop them without one. A frame too short for what Click
 * reads at OFFSET (the destination; the source too with DROP_OWN) is
 * dropped. */
#include "cvm.h"
#include "../lib/ether-header.h"
#include "../lib/checked-output.h"

struct host_ether_filter {
    CvmElement base;
    uint8_t ether[6];
    uint8_t drop_own, drop_other;
    uint32_t offset;
};

static inline void host_ether_filter_push(struct host_ether_filter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint64_t need = (uint64_t)e->offset + (e->drop_own ? ETH_SRC + 6 : ETH_DST + 6);
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (need > p->len) {
            cvm_drop(out, p);
            continue;
        }
        const uint8_t *d = p->data + e->offset;
        if (e->drop_own && !memcmp(d + ETH_SRC, e->ether, 6)) {
            emit_checked(out, 1, p);
            continue;
        }
        if (!memcmp(d + ETH_DST, e->ether, 6)) p->pkt_type = CVM_PKT_HOST;
        else if (!memcmp(d + ETH_DST, ether_broadcast, 6)) p->pkt_type = CVM_PKT_BROADCAST;
        else if (d[ETH_DST] & 1) p->pkt_type = CVM_PKT_MULTICAST;
        else {
            p->pkt_type = CVM_PKT_OTHERHOST;
            if (e->drop_other) {
                emit_checked(out, 1, p);
                continue;
            }
        }
        cvm_emit(out, 0, p);
    }
}

static void host_ether_filter_read_ether(struct host_ether_filter *e, CvmStr *o) { ether_unparse(o, e->ether); }
static int host_ether_filter_write_ether(struct host_ether_filter *e, const char *v, CvmStr *err) { return hv_value_ether(v, e->ether, err); }
