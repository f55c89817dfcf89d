/* EtherVLANEncap: prepend an 18-byte 802.1Q Ethernet header (DST, SRC,
 * 0x8100, TCI, ETHERTYPE), or a plain 14-byte one when the TCI's VLAN ID is
 * NATIVE_VLAN; the TCI is fixed (kept precomputed) or comes from the VLAN
 * TCI annotation (ether-vlan-encap.ts). */
#include "cvm.h"
#include "../lib/ether-header.h"

struct ether_vlan_encap {
    CvmElement base;
    int32_t ethertype;
    uint8_t src[6], dst[6];
    int32_t tci;                 /* VLAN_TCI, or -1 if not given */
    uint8_t use_anno;
    int32_t pcp, id, native_vlan;
    uint16_t tag_tci;            /* the TCI written when not in ANNO mode */
};

static void ether_vlan_encap_update(struct ether_vlan_encap *e)
{
    e->tag_tci = (uint16_t)(((e->tci >= 0 ? e->tci : e->id) | (e->pcp << 13)) & 0xffff);
}

static int ether_vlan_encap_init(struct ether_vlan_encap *e, CvmStr *err)
{
    (void)err;
    ether_vlan_encap_update(e);
    return 0;
}

static inline void ether_vlan_encap_push(struct ether_vlan_encap *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint16_t tci = e->use_anno ? (uint16_t)(p->anno[CVM_ANNO_VLAN_TCI] << 8 | p->anno[CVM_ANNO_VLAN_TCI + 1]) : e->tag_tci;
        int plain = (int32_t)(tci & 0xfff) == e->native_vlan;
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
    if (e->use_anno) cvm_str_printf(o, ", ANNO");
    else cvm_str_printf(o, ", VLAN_ID %d, VLAN_PCP %d", e->tag_tci & 0xfff, (e->tag_tci >> 13) & 7);
    if (e->native_vlan != 0) cvm_str_printf(o, ", NATIVE_VLAN %d", e->native_vlan & 0xffff);
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

static void ether_vlan_encap_read_vlan_tci(struct ether_vlan_encap *e, CvmStr *o)
{
    if (e->use_anno) cvm_str_printf(o, "ANNO");
    else cvm_str_printf(o, "%u", e->tag_tci);
}

static int ether_vlan_encap_write_vlan_tci(struct ether_vlan_encap *e, const char *v, CvmStr *err)
{
    const char *w;
    size_t n;
    ct_trim(v, strlen(v), &w, &n);
    if (n >= 4 && !memcmp(w, "ANNO", 4)) {
        e->tci = -1;
        e->use_anno = 1;
    } else {
        int64_t x;
        if (hv_value_int(v, "a 16-bit TCI or ANNO", 0, 0xffff, &x, err) < 0) return -1;
        e->tci = (int32_t)x;
        e->use_anno = 0;
    }
    ether_vlan_encap_update(e);
    return 0;
}

/* A setting written as T.int, then checked against its own range. */
static int ether_vlan_encap_write_ranged(int32_t *field, const char *v, int32_t lo, int32_t hi, CvmStr *err)
{
    int64_t x;
    if (hv_value_int(v, HV_INT, &x, err) < 0) return -1;
    if (x < lo || x > hi) return cvm_str_printf(err, "%lld is out of range (%d to %d)", (long long)x, lo, hi), -1;
    *field = (int32_t)x;
    return 0;
}

static void ether_vlan_encap_read_vlan_id(struct ether_vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->id); }
static void ether_vlan_encap_read_vlan_pcp(struct ether_vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->pcp); }
static void ether_vlan_encap_read_native_vlan(struct ether_vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->native_vlan); }

static int ether_vlan_encap_write_vlan_id(struct ether_vlan_encap *e, const char *v, CvmStr *err)
{
    if (ether_vlan_encap_write_ranged(&e->id, v, 0, 0xfff, err) < 0) return -1;
    ether_vlan_encap_update(e);
    return 0;
}

static int ether_vlan_encap_write_vlan_pcp(struct ether_vlan_encap *e, const char *v, CvmStr *err)
{
    if (ether_vlan_encap_write_ranged(&e->pcp, v, 0, 7, err) < 0) return -1;
    ether_vlan_encap_update(e);
    return 0;
}

static int ether_vlan_encap_write_native_vlan(struct ether_vlan_encap *e, const char *v, CvmStr *err)
{
    return ether_vlan_encap_write_ranged(&e->native_vlan, v, -1, 0xfff, err);
}
