/* EtherVLANEncap: prepend an 18-byte 802.1Q Ethernet header (DST, SRC,
 * 0x8100, TCI, ETHERTYPE), or a plain 14-byte one when the TCI's VLAN ID is
 * NATIVE_VLAN; the TCI is fixed (kept precomputed) or comes from the VLAN
 * TCI annotation (ether-vlan-encap.ts). */
#include "cvm.h"
#include "../lib/ether-header.h"
#include "vlan-tag.h"

struct ether_vlan_encap {
    CvmElement base;
    int32_t ethertype;
    uint8_t src[6], dst[6];
    struct vlan_tag tag;
};

static int ether_vlan_encap_init(struct ether_vlan_encap *e, CvmStr *err)
{
    (void)err;
    vlan_tag_update(&e->tag);
    return 0;
}

static inline void ether_vlan_encap_push(struct ether_vlan_encap *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint16_t tci = vlan_tag_tci(&e->tag, p);
        int plain = (int32_t)(tci & 0xfff) == e->tag.native_vlan;
        uint32_t len = plain ? ETH_LEN : 18;
        if (!cvm_packet_push(p, len)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *d = p->data;
        memcpy(d + ETH_DST, e->dst, 6);
        memcpy(d + ETH_SRC, e->src, 6);
        if (plain) {
            cvm_put16(d + ETH_TYPE, (uint16_t)e->ethertype);
        } else {
            cvm_put16(d + ETH_TYPE, ETHERTYPE_8021Q);
            cvm_put16(d + ETH_TYPE + 2, tci);
            cvm_put16(d + ETH_TYPE + 4, (uint16_t)e->ethertype);
        }
        ether_set_mac_header(p, 0, (int32_t)len);
        cvm_emit(out, 0, p);
    }
}

static void ether_vlan_encap_read_config(struct ether_vlan_encap *e, CvmStr *o)
{
    ether_unparse(o, e->src);
    cvm_str_printf(o, ", ");
    ether_unparse(o, e->dst);
    cvm_str_printf(o, ", %d", e->ethertype);
    const struct vlan_tag *t = &e->tag;
    if (t->use_anno) cvm_str_printf(o, ", ANNO");
    else cvm_str_printf(o, ", VLAN_ID %d, VLAN_PCP %d", t->tag_tci & 0xfff, (t->tag_tci >> 13) & 7);
    if (t->native_vlan != 0) cvm_str_printf(o, ", NATIVE_VLAN %d", t->native_vlan & 0xffff);
}

static void ether_vlan_encap_read_src(struct ether_vlan_encap *e, CvmStr *o) { ether_unparse(o, e->src); }
static void ether_vlan_encap_read_dst(struct ether_vlan_encap *e, CvmStr *o) { ether_unparse(o, e->dst); }
static int ether_vlan_encap_write_src(struct ether_vlan_encap *e, const char *v, CvmStr *err) { return hv_value_ether(v, e->src, err); }
static int ether_vlan_encap_write_dst(struct ether_vlan_encap *e, const char *v, CvmStr *err) { return hv_value_ether(v, e->dst, err); }

static void ether_vlan_encap_read_ethertype(struct ether_vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->ethertype); }
static int ether_vlan_encap_write_ethertype(struct ether_vlan_encap *e, const char *v, CvmStr *err)
{
    int64_t x;
    if (hv_value_int(v, HV_UINT16, &x, err) < 0) return -1;
    e->ethertype = (int32_t)x;
    return 0;
}

static void ether_vlan_encap_read_vlan_tci(struct ether_vlan_encap *e, CvmStr *o) { vlan_tag_read_tci(&e->tag, o); }
static int ether_vlan_encap_write_vlan_tci(struct ether_vlan_encap *e, const char *v, CvmStr *err) { return vlan_tag_write_tci(&e->tag, v, err); }
static void ether_vlan_encap_read_vlan_id(struct ether_vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->tag.id); }
static void ether_vlan_encap_read_vlan_pcp(struct ether_vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->tag.pcp); }
static void ether_vlan_encap_read_native_vlan(struct ether_vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->tag.native_vlan); }
static int ether_vlan_encap_write_vlan_id(struct ether_vlan_encap *e, const char *v, CvmStr *err) { return vlan_tag_write_id(&e->tag, v, err); }
static int ether_vlan_encap_write_vlan_pcp(struct ether_vlan_encap *e, const char *v, CvmStr *err) { return vlan_tag_write_pcp(&e->tag, v, err); }
static int ether_vlan_encap_write_native_vlan(struct ether_vlan_encap *e, const char *v, CvmStr *err) { return vlan_tag_write_native_vlan(&e->tag, v, err); }
