/* SetUDPChecksum: the UDP checksum over the UDP length and pseudo-header
 * (a computed 0 is stored as 0, as Click does). Fragments and short packets
 * go to output 1; with one output they are dropped and the router's first
 * such packet prints a line (set-udp-checksum.ts). */
#include "cvm.h"
#include "../lib/transport-checksum.h"

struct set_udp_checksum {
    CvmElement base;
};

/* Click prints the message once per router, whichever SetUDPChecksum sees it first. */
static int set_udp_checksum_said;

static int set_udp_checksum_init(struct set_udp_checksum *e, CvmStr *err)
{
    (void)e; (void)err;
    set_udp_checksum_said = 0;
    return 0;
}

static inline void set_udp_checksum_push(struct set_udp_checksum *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        if (!cvm_packet_writable(p) || !tc_headers(p, &h)) {
            cvm_drop(out, p);
            continue;
        }
        int64_t tlen = tc_transport_length(&h);
        uint16_t ulen = 0;
        if (tc_is_fragment(h.ip) || tlen < 8 || (ulen = cvm_be16(h.trans + 4), tlen < ulen)) {
            if (out->nports == 1) {
                if (!set_udp_checksum_said) {
                    cvm_stderr_line("%s :: SetUDPChecksum: fragment or short packet", e->base.name);
                    set_udp_checksum_said = 1;
                }
                cvm_drop(out, p);
            } else {
                cvm_emit(out, 1, p);
            }
            continue;
        }
        cvm_put16(h.trans + 6, 0);
        cvm_put16(h.trans + 6, tc_transport_checksum(p, &h, ulen));
        cvm_emit(out, 0, p);
    }
}
