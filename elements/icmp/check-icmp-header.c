/* CheckICMPHeader: ICMP length (by type) and checksum of ICMP/IP packets;
 * failures to output 1 or dropped (check-icmp-header.ts). */
#include "cvm.h"
#include "../lib/transport-check.h"

struct check_icmp_header {
    CvmElement base;
    CheckHeaderState s;
    const char *prefix;          /* "NAME :: CheckICMPHeader: " */
};

static const char *const check_icmp_header_reasons[3] = { "not ICMP", "bad packet length", "bad ICMP checksum" };

static inline void check_icmp_header_fail(struct check_icmp_header *e, int reason, Packet *p, CvmOut *out)
{
    e->s.reason_drops[reason]++;
    check_header_fail(&e->s, e->prefix, "ICMP", check_icmp_header_reasons[reason], p, out);
}

/* Whether an ICMP message of this type may be len bytes long. */
static inline int check_icmp_header_length_ok(uint8_t type, int64_t len)
{
    switch (type) {
    case 3: case 4: case 5: case 11: case 12: /* errors: quoted IP header + 8 bytes */
        return len >= 8 + 28;
    case 13: case 14:                         /* timestamp request/reply */
        return len == 20;
    case 15: case 16:                         /* information request/reply */
        return len == 8;
    default:
        return 1;
    }
}

static inline void check_icmp_header_push(struct check_icmp_header *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        if (!tc_headers(p, &h) || h.ip[9] != 1) {
            check_icmp_header_fail(e, 0, p, out);
            continue;
        }
        int64_t len = tc_transport_length(&h);
        if (len < 8 || !check_icmp_header_length_ok(h.trans[0], len)) {
            check_icmp_header_fail(e, 1, p, out);
            continue;
        }
        if (tc_checksum(h.trans, (uint32_t)len) != 0) {
            check_icmp_header_fail(e, 2, p, out);
            continue;
        }
        cvm_emit(out, 0, p);
    }
}

static void check_icmp_header_read_drops(struct check_icmp_header *e, CvmStr *o) { cvm_str_u64(o, e->s.drops); }
static void check_icmp_header_read_drop_details(struct check_icmp_header *e, CvmStr *o) { check_header_drop_details(&e->s, check_icmp_header_reasons, o); }
