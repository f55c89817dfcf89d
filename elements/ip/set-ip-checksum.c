/* SetIPChecksum: recompute the header checksum of the IP header at the
 * network header annotation (or the packet start). Packets with fewer than
 * 20 header bytes, or a header length below 20 or past the data, are
 * dropped; the first drop is reported. */
#include "cvm.h"
#include "../lib/ip-header.h"

struct set_ip_checksum {
    CvmElement base;
    uint64_t drops;
};

static inline void set_ip_checksum_push(struct set_ip_checksum *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        int32_t rel = ip_net_rel(p);
        if (rel == IP_UNSET) rel = 0;
        const int64_t plen = (int64_t)p->len - rel;
        if (rel >= 0 && plen >= IPH_MIN_LEN) {
            const uint32_t hlen = ip_hlen(p->data + rel);
            if (hlen >= IPH_MIN_LEN && hlen <= plen && cvm_packet_writable(p)) {
                uint8_t *ip = p->data + rel;
                cvm_put16(ip + IPH_SUM, 0);
                cvm_put16(ip + IPH_SUM, inet_checksum(ip, hlen, 0));
                cvm_emit(out, 0, p);
                continue;
            }
        }
        if (++e->drops == 1) cvm_stderr_line("SetIPChecksum: bad input packet");
        cvm_drop(out, p);
    }
}

static void set_ip_checksum_read_drops(struct set_ip_checksum *e, CvmStr *o) { cvm_str_u64(o, e->drops); }
