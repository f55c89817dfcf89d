/* DecIPTTL: decrement the TTL of packets with a marked IP header and patch
 * the checksum incrementally (Click's arithmetic: the TTL word drops by
 * 0x0100, so the sum grows by 0xFEFF, folded once); expired packets (TTL 0
 * or 1) are counted and go to output 1 unchanged. MULTICAST is a constant of
 * the instance's loop (instanceCode); ACTIVE, a handler, is tested once per
 * batch. Packets without a usable IP header annotation are dropped. */
#include "cvm.h"
#include "../lib/ip-header.h"
#include "../lib/checked-output.h"

struct dec_ip_ttl {
    CvmElement base;
    uint8_t active, multicast;
    uint64_t drops;
};

static inline __attribute__((always_inline)) void dec_ip_ttl_loop(struct dec_ip_ttl *e, Packet **in, unsigned n, CvmOut *out, const int multicast)
{
    if (!e->active) {
        cvm_emit_all(out, 0, in, n);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        int32_t avail;
        const uint8_t *h = ip_header(p, &avail);
        if (!h || avail < IPH_MIN_LEN) {
            cvm_drop(out, p);
            continue;
        }
        if (!multicast && ip_is_multicast(cvm_be32(h + IPH_DST))) {
            cvm_emit(out, 0, p);
            continue;
        }
        if (h[IPH_TTL] <= 1) {
            e->drops++;
            emit_checked(out, 1, p);
            continue;
        }
        if (!cvm_packet_writable(p)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *ip = cvm_net(p);
        ip[IPH_TTL]--;
        uint32_t sum = (~cvm_be16(ip + IPH_SUM) & 0xffff) + 0xfeff;
        cvm_put16(ip + IPH_SUM, (uint16_t)(~(sum + (sum >> 16)) & 0xffff));
        cvm_emit(out, 0, p);
    }
}

static inline void dec_ip_ttl_push(struct dec_ip_ttl *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    dec_ip_ttl_loop(e, in, n, out, e->multicast);
}

static void dec_ip_ttl_read_drops(struct dec_ip_ttl *e, CvmStr *o) { cvm_str_u64(o, e->drops); }
static void dec_ip_ttl_read_active(struct dec_ip_ttl *e, CvmStr *o) { cvm_str_printf(o, "%s", e->active ? "true" : "false"); }

static int dec_ip_ttl_write_active(struct dec_ip_ttl *e, const char *v, CvmStr *err)
{
    int b;
    if (hv_value_bool(v, &b, err) < 0) return -1;
    e->active = (uint8_t)b;
    return 0;
}
