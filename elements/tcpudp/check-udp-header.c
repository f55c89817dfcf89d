/* CheckUDPHeader: UDP length and (non-zero) checksum of UDP/IP packets;
 * failures to output 1 or dropped (check-udp-header.ts). */
#include "cvm.h"
#include "../lib/transport-check.h"

struct check_udp_header {
    CvmElement base;
    CheckHeaderState s;
};

static const char *const check_udp_header_reasons[3] = { "not UDP", "bad packet length", "bad UDP checksum" };

static inline void check_udp_header_fail(struct check_udp_header *e, int reason, Packet *p, CvmOut *out)
{
    e->s.reason_drops[reason]++;
    check_header_fail(&e->s, "", "UDP", check_udp_header_reasons[reason], p, out);
}

static inline void check_udp_header_push(struct check_udp_header *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        if (!tc_headers(p, &h) || h.ip[9] != 17) {
            check_udp_header_fail(e, 0, p, out);
            continue;
        }
        if ((int64_t)h.trans_off + 8 > (int64_t)h.len) {
            check_udp_header_fail(e, 1, p, out);
            continue;
        }
        int64_t iph_len = (h.ip[0] & 15) << 2;
        int64_t len = cvm_be16(h.trans + 4);
        if (len < 8 || (int64_t)p->len < len + iph_len + h.ip_off || h.trans_off + len > (int64_t)h.len) {
            check_udp_header_fail(e, 1, p, out);
            continue;
        }
        if (cvm_be16(h.trans + 6) != 0 && tc_transport_checksum(p, &h, (uint32_t)len) != 0) {
            check_udp_header_fail(e, 2, p, out);
            continue;
        }
        cvm_emit(out, 0, p);
    }
}

static void check_udp_header_read_drops(struct check_udp_header *e, CvmStr *o) { cvm_str_u64(o, e->s.drops); }
static void check_udp_header_read_drop_details(struct check_udp_header *e, CvmStr *o) { check_header_drop_details(&e->s, check_udp_header_reasons, o); }
