/* VLANEncap: insert an 802.1Q tag (ETHERTYPE, TCI) after the Ethernet
 * addresses, unless the frame's VLAN ID is NATIVE_VLAN; the TCI is fixed
 * (VLAN_TCI or VLAN_ID | VLAN_PCP << 13, kept precomputed) or comes from the
 * VLAN TCI annotation. As in Click, a tagged frame's network header
 * annotation lands 8 bytes after the MAC header, an untagged one's 14. */
#include "cvm.h"
#include "../lib/ether-header.h"
#include "vlan-tag.h"

/* Click passes a pointer size as the tagged header length (64-bit hosts). */
#define VLAN_ENCAP_TAGGED_MAC_LEN 8

struct vlan_encap {
    CvmElement base;
    struct vlan_tag tag;
    int32_t ethertype;
};

static int vlan_encap_init(struct vlan_encap *e, CvmStr *err)
{
    (void)err;
    vlan_tag_update(&e->tag);
    return 0;
}

static inline void vlan_encap_push(struct vlan_encap *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint16_t tci = vlan_tag_tci(&e->tag, p);
        if ((int32_t)(tci & 0xfff) == e->tag.native_vlan) {
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
    const struct vlan_tag *t = &e->tag;
    if (t->use_anno) cvm_str_printf(o, "ANNO");
    else cvm_str_printf(o, "VLAN_ID %d, VLAN_PCP %d", t->tag_tci & 0xfff, (t->tag_tci >> 13) & 7);
    if (t->native_vlan != 0) cvm_str_printf(o, ", NATIVE_VLAN %d", t->native_vlan);
}

static void vlan_encap_read_vlan_tci(struct vlan_encap *e, CvmStr *o) { vlan_tag_read_tci(&e->tag, o); }
static int vlan_encap_write_vlan_tci(struct vlan_encap *e, const char *v, CvmStr *err) { return vlan_tag_write_tci(&e->tag, v, err); }
static void vlan_encap_read_vlan_id(struct vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->tag.id); }
static void vlan_encap_read_vlan_pcp(struct vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->tag.pcp); }
static void vlan_encap_read_native_vlan(struct vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->tag.native_vlan); }
static void vlan_encap_read_ethertype(struct vlan_encap *e, CvmStr *o) { cvm_str_printf(o, "%d", e->ethertype); }
static int vlan_encap_write_vlan_id(struct vlan_encap *e, const char *v, CvmStr *err) { return vlan_tag_write_id(&e->tag, v, err); }
static int vlan_encap_write_vlan_pcp(struct vlan_encap *e, const char *v, CvmStr *err) { return vlan_tag_write_pcp(&e->tag, v, err); }
static int vlan_encap_write_native_vlan(struct vlan_encap *e, const char *v, CvmStr *err) { return vlan_tag_write_native_vlan(&e->tag, v, err); }
static int vlan_encap_write_ethertype(struct vlan_encap *e, const char *v, CvmStr *err) { return vlan_tag_write_ranged(&e->ethertype, v, 0, 0xffff, err); }
