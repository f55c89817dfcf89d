/* SetTCPChecksum: the TCP checksum over the IP payload length and
 * pseudo-header, optionally repairing the header length first (FIXOFF);
 * bad lengths are dropped with a line each (set-tcp-checksum.ts). */
#include "cvm.h"
#include "../lib/transport-checksum.h"

struct set_tcp_checksum {
    CvmElement base;
    uint8_t fixoff;
};

static inline void set_tcp_checksum_push(struct set_tcp_checksum *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        int ok = cvm_packet_writable(p) && tc_headers(p, &h);
        int64_t plen = ok ? (int64_t)cvm_be16(h.ip + 2) - ((h.ip[0] & 15) << 2) : -1;
        if (!ok || plen < 20 || plen > tc_transport_length(&h)) {
            cvm_stderr_line("SetTCPChecksum: bad lengths");
            cvm_drop(out, p);
            continue;
        }
        if (e->fixoff) {
            uint8_t *off_at = h.trans + 12;
            int off = (*off_at >> 4) << 2;
            if (off < 20) *off_at = (uint8_t)((*off_at & 0x0f) | (5 << 4));
            else if (off > plen && !tc_is_fragment(h.ip)) *off_at = (uint8_t)((*off_at & 0x0f) | (((plen >> 2) & 15) << 4));
        }
        cvm_put16(h.trans + 16, 0);
        cvm_put16(h.trans + 16, tc_transport_checksum(p, &h, (uint32_t)plen));
        cvm_emit(out, 0, p);
    }
}
