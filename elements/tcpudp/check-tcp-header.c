/* CheckTCPHeader: TCP header length and checksum of TCP/IP packets;
 * failures to output 1 or dropped (check-tcp-header.ts). */
#include "cvm.h"
#include "../lib/transport-check.h"

struct check_tcp_header {
    CvmElement base;
    CheckHeaderState s;
    const char *prefix;          /* "NAME :: CheckTCPHeader: " */
};

static const char *const check_tcp_header_reasons[3] = { "not TCP", "bad packet length", "bad TCP checksum" };

static inline void check_tcp_header_fail(struct check_tcp_header *e, int reason, Packet *p, CvmOut *out)
{
    e->s.reason_drops[reason]++;
    check_header_fail(&e->s, e->prefix, "TCP", check_tcp_header_reasons[reason], p, out);
}

static inline void check_tcp_header_push(struct check_tcp_header *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        if (!tc_headers(p, &h) || h.ip[9] != 6) {
            check_tcp_header_fail(e, 0, p, out);
            continue;
        }
        if ((int64_t)h.trans_off + 20 > (int64_t)h.len) {
            check_tcp_header_fail(e, 1, p, out);
            continue;
        }
        int64_t iph_len = (h.ip[0] & 15) << 2;
        int64_t len = (int64_t)cvm_be16(h.ip + 2) - iph_len;
        int64_t tcph_len = (h.trans[12] >> 4) << 2;
        if (tcph_len < 20 || len < tcph_len || (int64_t)p->len < len + iph_len + h.ip_off || h.trans_off + len > (int64_t)h.len) {
            check_tcp_header_fail(e, 1, p, out);
            continue;
        }
        if (tc_transport_checksum(p, &h, (uint32_t)len) != 0) {
            check_tcp_header_fail(e, 2, p, out);
            continue;
        }
        cvm_emit(out, 0, p);
    }
}

static void check_tcp_header_read_drops(struct check_tcp_header *e, CvmStr *o) { cvm_str_u64(o, e->s.drops); }
static void check_tcp_header_read_drop_details(struct check_tcp_header *e, CvmStr *o) { check_header_drop_details(&e->s, check_tcp_header_reasons, o); }
