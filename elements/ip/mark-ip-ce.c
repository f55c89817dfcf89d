/* MarkIPCE: set CE in the ECN field of ECN-capable packets, patching the
 * header checksum; Not-ECT packets are dropped unless FORCE (mark-ip-ce.ts). */
#include "cvm.h"
#include "../lib/ip-header.h"

struct mark_ip_ce {
    CvmElement base;
    uint8_t force;
    uint64_t drops;
};

static inline void mark_ip_ce_push(struct mark_ip_ce *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        int32_t avail;
        if (!ip_header(p, &avail) || avail < IPH_MIN_LEN) {
            cvm_drop(out, p);
            continue;
        }
        unsigned ecn = cvm_net(p)[IPH_TOS] & 3u;
        if (ecn == 0 && !e->force) {
            e->drops++;
            cvm_drop(out, p);
            continue;
        }
        if (ecn != 3) {
            if (!cvm_packet_writable(p)) {
                cvm_drop(out, p);
                continue;
            }
            uint8_t *ip = cvm_net(p);
            uint16_t old_word = cvm_be16(ip);
            ip[IPH_TOS] |= 3;
            cvm_put16(ip + IPH_SUM, inet_update(cvm_be16(ip + IPH_SUM), old_word, cvm_be16(ip)));
        }
        cvm_emit(out, 0, p);
    }
}

static void mark_ip_ce_read_drops(struct mark_ip_ce *e, CvmStr *o) { cvm_str_printf(o, "%llu", (unsigned long long)e->drops); }
