/* EtherEncap: prepend a fixed 14-byte Ethernet header and mark it as the MAC
 * header. The header is built once (init, handler writes); per packet it is
 * one push and one 14-byte copy. */
#include "cvm.h"
#include "../lib/ether-header.h"

struct ether_encap {
    CvmElement base;
    uint16_t ethertype;
    uint8_t src[6], dst[6];
    uint8_t header[ETH_LEN];     /* dst, src, type: what every packet gets */
};

static void ether_encap_build(struct ether_encap *e)
{
    memcpy(e->header + ETH_DST, e->dst, 6);
    memcpy(e->header + ETH_SRC, e->src, 6);
    cvm_put16(e->header + ETH_TYPE, e->ethertype);
}

static int ether_encap_init(struct ether_encap *e, CvmStr *err)
{
    (void)err;
    ether_encap_build(e);
    return 0;
}

static inline void ether_encap_push(struct ether_encap *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (!cvm_packet_push(p, ETH_LEN)) {
            cvm_drop(out, p);
            continue;
        }
        memcpy(p->data, e->header, ETH_LEN);
        ether_set_mac_header(p, 0, ETH_LEN);
        cvm_emit(out, 0, p);
    }
}

static void ether_encap_read_src(struct ether_encap *e, CvmStr *o) { ether_unparse(o, e->src); }
static void ether_encap_read_dst(struct ether_encap *e, CvmStr *o) { ether_unparse(o, e->dst); }
static void ether_encap_read_ethertype(struct ether_encap *e, CvmStr *o) { cvm_str_printf(o, "%u", e->ethertype); }
static void ether_encap_read_etht(struct ether_encap *e, CvmStr *o) { ether_encap_read_ethertype(e, o); }

static int ether_encap_write_src(struct ether_encap *e, const char *v, CvmStr *err)
{
    if (hv_value_ether(v, e->src, err) < 0) return -1;
    ether_encap_build(e);
    return 0;
}

static int ether_encap_write_dst(struct ether_encap *e, const char *v, CvmStr *err)
{
    if (hv_value_ether(v, e->dst, err) < 0) return -1;
    ether_encap_build(e);
    return 0;
}

static int ether_encap_write_ethertype(struct ether_encap *e, const char *v, CvmStr *err)
{
    int64_t t;
    if (hv_value_int(v, HV_UINT16, &t, err) < 0) return -1;
    e->ethertype = (uint16_t)t;
    ether_encap_build(e);
    return 0;
}

static int ether_encap_write_etht(struct ether_encap *e, const char *v, CvmStr *err) { return ether_encap_write_ethertype(e, v, err); }
