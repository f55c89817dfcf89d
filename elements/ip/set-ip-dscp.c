/* SetIPDSCP: set the upper six bits of the TOS byte, keep ECN, and patch the
 * header checksum incrementally. Packets without a usable IP header
 * annotation are dropped. */
#include "cvm.h"
#include "../lib/ip-header.h"

struct set_ip_dscp {
    CvmElement base;
    uint32_t dscp;
};

static inline void set_ip_dscp_push(struct set_ip_dscp *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint8_t bits = (uint8_t)(e->dscp << 2);
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        int32_t avail;
        if (!ip_header(p, &avail) || avail < IPH_MIN_LEN || !cvm_packet_writable(p)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *ip = cvm_net(p);
        uint16_t old_word = cvm_be16(ip);
        ip[IPH_TOS] = (uint8_t)((ip[IPH_TOS] & 0x03) | bits);
        cvm_put16(ip + IPH_SUM, inet_update(cvm_be16(ip + IPH_SUM), old_word, cvm_be16(ip)));
        cvm_emit(out, 0, p);
    }
}

static void set_ip_dscp_read_dscp(struct set_ip_dscp *e, CvmStr *o) { cvm_str_printf(o, "%u", e->dscp); }

static int set_ip_dscp_write_dscp(struct set_ip_dscp *e, const char *v, CvmStr *err)
{
    int64_t x;
    if (hv_value_int(v, HV_UNSIGNED, &x, err) < 0) return -1;
    if (x > 0x3f) return cvm_str_printf(err, "diffserv code point out of range"), -1;
    e->dscp = (uint32_t)x;
    return 0;
}
