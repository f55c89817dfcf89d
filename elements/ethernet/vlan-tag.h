/* The 802.1Q tag settings VLANEncap and EtherVLANEncap share (VLAN_TCI or
 * VLAN_ID and VLAN_PCP, or the VLAN TCI annotation; NATIVE_VLAN) and the
 * handler bodies that read and write them. */
#ifndef CVM_VLAN_TAG_H
#define CVM_VLAN_TAG_H
#include "cvm.h"

struct vlan_tag {
    int32_t tci;                 /* VLAN_TCI, or -1 if not given */
    uint8_t use_anno;
    int32_t pcp, id, native_vlan;
    uint16_t tag_tci;            /* the TCI written when not in ANNO mode */
};

static inline void vlan_tag_update(struct vlan_tag *t)
{
    t->tag_tci = (uint16_t)(((t->tci >= 0 ? t->tci : t->id) | (t->pcp << 13)) & 0xffff);
}

/* The TCI for packet `p`: the annotation's, or the fixed one. */
static inline uint16_t vlan_tag_tci(const struct vlan_tag *t, const Packet *p)
{
    return t->use_anno ? (uint16_t)(p->anno[CVM_ANNO_VLAN_TCI] << 8 | p->anno[CVM_ANNO_VLAN_TCI + 1]) : t->tag_tci;
}

static void vlan_tag_read_tci(const struct vlan_tag *t, CvmStr *o)
{
    if (t->use_anno) cvm_str_printf(o, "ANNO");
    else cvm_str_printf(o, "%u", t->tag_tci);
}

static int vlan_tag_write_tci(struct vlan_tag *t, const char *v, CvmStr *err)
{
    const char *w;
    size_t n;
    ct_trim(v, strlen(v), &w, &n);
    if (n >= 4 && !memcmp(w, "ANNO", 4)) {
        t->tci = -1;
        t->use_anno = 1;
    } else {
        int64_t x;
        if (hv_value_int(v, "a 16-bit TCI or ANNO", 0, 0xffff, &x, err) < 0) return -1;
        t->tci = (int32_t)x;
        t->use_anno = 0;
    }
    vlan_tag_update(t);
    return 0;
}

/* A setting written as T.int, then checked against its own range. */
static int vlan_tag_write_ranged(int32_t *field, const char *v, int32_t lo, int32_t hi, CvmStr *err)
{
    int64_t x;
    if (hv_value_int(v, HV_INT, &x, err) < 0) return -1;
    if (x < lo || x > hi) return cvm_str_printf(err, "%lld is out of range (%d to %d)", (long long)x, lo, hi), -1;
    *field = (int32_t)x;
    return 0;
}

static int vlan_tag_write_id(struct vlan_tag *t, const char *v, CvmStr *err)
{
    if (vlan_tag_write_ranged(&t->id, v, 0, 0xfff, err) < 0) return -1;
    vlan_tag_update(t);
    return 0;
}

static int vlan_tag_write_pcp(struct vlan_tag *t, const char *v, CvmStr *err)
{
    if (vlan_tag_write_ranged(&t->pcp, v, 0, 7, err) < 0) return -1;
    vlan_tag_update(t);
    return 0;
}

static int vlan_tag_write_native_vlan(struct vlan_tag *t, const char *v, CvmStr *err) { return vlan_tag_write_ranged(&t->native_vlan, v, -1, 0xfff, err); }

#endif
