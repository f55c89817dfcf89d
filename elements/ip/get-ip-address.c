/* GetIPAddress: copy 4 bytes at OFFSET (or the marked IP header's source or
 * destination) into the destination IP annotation, or into the 4-byte
 * annotation ANNO. Packets too short, or without an IP header in `IP` mode,
 * are dropped. */
#include "cvm.h"
#include "../lib/ip-header.h"

struct get_ip_address {
    CvmElement base;
    int32_t offset;              /* byte offset, or -1: IP source, -2: IP destination */
    uint32_t anno;
};

static inline void get_ip_address_push(struct get_ip_address *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        const uint8_t *from;
        if (e->offset >= 0) {
            from = (int64_t)e->offset + 4 > (int64_t)p->len ? NULL : p->data + e->offset;
        } else {
            int32_t avail;
            const uint8_t *h = ip_header(p, &avail);
            from = !h || avail < IPH_MIN_LEN ? NULL : h + (e->offset == -1 ? IPH_SRC : IPH_DST);
        }
        if (!from) {
            cvm_drop(out, p);
            continue;
        }
        memcpy(p->anno + e->anno, from, 4);
        cvm_emit(out, 0, p);
    }
}
