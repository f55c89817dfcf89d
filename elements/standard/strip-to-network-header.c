/* StripToNetworkHeader: move the data start to the network header
 * annotation (back to it if it lies before the data). Packets without one
 * are dropped. */
#include "cvm.h"

struct strip_to_network_header {
    CvmElement base;
};

static inline void strip_to_network_header_push(struct strip_to_network_header *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)e; (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (!cvm_has_net(p)) {
            cvm_drop(out, p);
            continue;
        }
        int32_t off = p->net - (int32_t)cvm_headroom(p);
        if (off >= 0) cvm_packet_pull(p, (uint32_t)off);
        else if (!cvm_packet_push(p, (uint32_t)-off)) {
            cvm_drop(out, p);
            continue;
        }
        cvm_emit(out, 0, p);
    }
}
