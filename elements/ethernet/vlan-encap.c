/* VLANEncap: insert an 802.1Q tag (ETHERTYPE, TCI) after the Ethernet
 * addresses, unless the frame's VLAN ID is NATIVE_VLAN; the TCI is fixed
 * (VLAN_TCI or VLAN_ID | VLAN_PCP << 13, kept precomputed) or comes from the
 * VLAN TCI annotation. As in Click, a tagged frame's network header
 * annotation lands 8 bytes after the MAC header, an untagged one's 14. */
#include "cvm.h"
#include "../lib/ether-header.h"

/* Click passes a pointer size as the tagged header length (64-bit hosts). */
#define VLAN_ENCAP_TAGGED_MAC_LEN 8

struct vlan_encap {
    CvmElement base;
    int32_t tci;                 /* VLAN_TCI, or -1 if not given */
    uint8_t use_anno;
    int32_t pcp, id, native_vlan, ethertype;
    uint16_t tag_tci;            /* the TCI written when not in ANNO mode */
};

static void vlan_encap_update(struct vlan_encap *e)
{
    e->tag_tci = (uint16_t)(((e->tci >= 0 ? e->tci : e->id) | (e->pcp << 13)) & 0xffff);
}

static int vlan_encap_init(struct vlan_encap *e, CvmStr *err)
{
    (void)err;
    vlan_encap_update(e);
    return 0;
}

static inline void vlan_encap_push(struct vlan_encap *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint16_t tci = e->use_anno ? (uint16_t)(p->anno[CVM_ANNO_VLAN_TCI] << 8 | p->anno[CVM_ANNO_VLAN_TCI + 1]) : e->tag_tci;
        if ((int32_t)(tci & 0xfff) == e->native_vlan) {
            ether_set_mac_header(p, 0, ETH_LEN);
            cvm_emit(out, 0, p);
            continue;
        }
        if (p->len < ETH_TYPE || !cvm_packet_push(p, 4)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *d = p->data;
        memmove(d, d + 4, ETH_TYPE);
        cvm_put16(d + ETH_TYPE, (uint16_t)e->ethertype);
        cvm_put16(d + ETH_TYPE + 2, tci);
        ether_set_mac_header(p, 0, VLAN_ENCAP_TAGGED_MAC_LEN);
        cvm_emit(out, 0, p);
    }
}

static void vlan_encap_read_config(struct vlan_encap *e, CvmStr *o)
{
    if (e->use_anno) cvm_str_printf(o, "ANNO");
    else cvm_str_printf(o, "VLAN_ID %d, VLAN_PCP %d", e->tag_tci & 0xfff, (e->tag_tci >> 13) & 7);
    if (e->native_vlan != 0) cvm_str_printf(o, ", NATIVE_VLAN %d", e->native_vlan);
}

static void vlan_encap_read_vlan_tci(struct vlan_encap *e, CvmStr *o)
{
    if (e->use_anno) cvm_str_printf(o, "ANNO");
    else cvm_str_printf(o, "%u", e->tag_tci);
}

static int vlan_encap_write_vlan_tci(struct vlan_encap *e, const char *v, CvmStr *err)
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
    vlan_encap_update(e);
    return 0;
}

/* A setting written as T.int, then checked against its own range. */
static int vlan_encap_write_ranged(int32_t *field, const char *v, int32_t lo, int32_t hi, CvmStr *err)
{
    int64_t x;
    if (hv_value_int(v, HV_INT, &x, err) < 0) return -1;
    if (x < lo || x > hi) return cvm_str_printf(err, "%lld is out of range (%d to %d)", (long long)x, lo, hi), -1;
    *field = (int32_t)x;
    return 0;
}

static void vlan_encap_read_vlan_id(struct vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->id); }
static void vlan_encap_read_vlan_pcp(struct vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->pcp); }
static void vlan_encap_read_native_vlan(struct vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->native_vlan); }
static void vlan_encap_read_ethertype(struct vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->ethertype); }

static int vlan_encap_write_vlan_id(struct vlan_encap *e, const char *v, CvmStr *err)
{
    if (vlan_encap_write_ranged(&e->id, v, 0, 0xfff, err) < 0) return -1;
    vlan_encap_update(e);
    return 0;
}

static int vlan_encap_write_vlan_pcp(struct vlan_encap *e, const char *v, CvmStr *err)
{
    if (vlan_encap_write_ranged(&e->pcp, v, 0, 7, err) < 0) return -1;
    vlan_encap_update(e);
    return 0;
}

static int vlan_encap_write_native_vlan(struct vlan_encap *e, const char *v, CvmStr *err) { return vlan_encap_write_ranged(&e->native_vlan, v, -1, 0xfff, err); }
static int vlan_encap_write_ethertype(struct vlan_encap *e, const char *v, CvmStr *err) { return vlan_encap_write_ranged(&e->ethertype, v, 0, 0xffff, err); }
