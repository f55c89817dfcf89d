/* EtherMirror: swap the Ethernet destination and source addresses. A packet
 * shorter than the two addresses is dropped (Click would touch bytes past
 * the data). */
#include "cvm.h"
#include "../lib/ether-header.h"

struct ether_mirror {
    CvmElement base;
};

static inline void ether_mirror_push(struct ether_mirror *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)e; (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint8_t *d;
        if (p->len < ETH_TYPE || !(d = cvm_packet_writable(p))) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t t[6];
        memcpy(t, d + ETH_DST, 6);
        memcpy(d + ETH_DST, d + ETH_SRC, 6);
        memcpy(d + ETH_SRC, t, 6);
        cvm_emit(out, 0, p);
    }
}
