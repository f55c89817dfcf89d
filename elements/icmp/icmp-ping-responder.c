/* ICMPPingResponder: an echo request becomes its reply in place (addresses
 * swapped, TTL 255, type 0, checksums updated incrementally as Click does)
 * on output 0; other packets to output 1 or dropped (icmp-ping-responder.ts). */
#include "cvm.h"
#include "elements/lib/checked-output.h"
#include "../lib/transport-checksum.h"

struct icmp_ping_responder {
    CvmElement base;
};

static inline void icmp_ping_responder_push(struct icmp_ping_responder *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        if (!tc_headers(p, &h)) {
            cvm_drop(out, p);
            continue;
        }
        if (tc_transport_length(&h) < 8 || h.ip[9] != 1 || h.trans[0] != 8) {
            emit_checked(out, 1, p);
            continue;
        }
        if (!cvm_packet_writable(p) || !tc_headers(p, &h)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *ip = h.ip, *icmp = h.trans;
        uint8_t src[4];
        memcpy(src, ip + 12, 4);
        memcpy(ip + 12, ip + 16, 4);
        memcpy(ip + 16, src, 4);
        tc_update_field(ip + 10, cvm_be16(ip + 6), 0);
        ip[6] = ip[7] = 0;
        uint16_t old_ttl = cvm_be16(ip + 8);
        ip[8] = 255;
        tc_update_field(ip + 10, old_ttl, cvm_be16(ip + 8));

        cvm_set_dst_ip(p, cvm_be32(ip + 16));
        int64_t now = cvm_now();
        p->ts_sec = now / 1000000000;
        p->ts_nsec = (uint32_t)(now % 1000000000);
        p->anno[CVM_ANNO_PAINT] = 0;

        uint16_t old_type = cvm_be16(icmp);
        icmp[0] = icmp[1] = 0;
        tc_update_field(icmp + 2, old_type, 0);
        tc_fix_zero_checksum(icmp + 2, icmp, tc_transport_length(&h));
        cvm_emit(out, 0, p);
    }
}
