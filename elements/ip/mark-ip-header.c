/* MarkIPHeader: the IP header starts OFFSET bytes in; its length comes from
 * the header. A packet without the header-length byte is dropped. */
#include "cvm.h"
#include "../lib/ip-header.h"

struct mark_ip_header {
    CvmElement base;
    uint32_t offset;
};

static inline void mark_ip_header_push(struct mark_ip_header *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint32_t at = e->offset;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (at >= p->len) {
            cvm_drop(out, p);
            continue;
        }
        cvm_set_net(p, (int32_t)at, (int32_t)ip_hlen(p->data + at));
        cvm_emit(out, 0, p);
    }
}
