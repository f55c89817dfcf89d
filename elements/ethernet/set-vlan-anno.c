/* SetVLANAnno: set the VLAN TCI annotation to VLAN_TCI (or VLAN_ID) with
 * VLAN_PCP on top (set-vlan-anno.ts). */
#include "cvm.h"
#include "../lib/handler-args.h"

struct set_vlan_anno {
    CvmElement base;
    int32_t tci, pcp, id;        /* tci: VLAN_TCI, or -1 if not given */
};

static inline uint16_t set_vlan_anno_value(const struct set_vlan_anno *e)
{
    return (uint16_t)(((e->tci >= 0 ? e->tci : e->id) | (e->pcp << 13)) & 0xffff);
}

static inline void set_vlan_anno_push(struct set_vlan_anno *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint16_t v = set_vlan_anno_value(e);
    for (unsigned i = 0; i < n; i++) {
        in[i]->anno[CVM_ANNO_VLAN_TCI] = (uint8_t)(v >> 8);
        in[i]->anno[CVM_ANNO_VLAN_TCI + 1] = (uint8_t)v;
        cvm_emit(out, 0, in[i]);
    }
}

static void set_vlan_anno_read_config(struct set_vlan_anno *e, CvmStr *o)
{
    uint16_t v = set_vlan_anno_value(e);
    cvm_str_printf(o, "VLAN_ID %u, VLAN_PCP %u", v & 0xfffu, (v >> 13) & 7u);
}

static void set_vlan_anno_read_vlan_tci(struct set_vlan_anno *e, CvmStr *o) { cvm_str_printf(o, "%u", set_vlan_anno_value(e)); }
static void set_vlan_anno_read_vlan_id(struct set_vlan_anno *e, CvmStr *o) { cvm_str_printf(o, "%d", e->id); }
static void set_vlan_anno_read_vlan_pcp(struct set_vlan_anno *e, CvmStr *o) { cvm_str_printf(o, "%d", e->pcp); }

/* A setting written as T.int, then checked against its range. */
static int set_vlan_anno_set(int32_t *field, const char *v, int32_t lo, int32_t hi, CvmStr *err)
{
    int64_t x;
    if (hv_value_int(v, HV_INT, &x, err) < 0) return -1;
    if (x < lo || x > hi) return cvm_str_printf(err, "%lld is out of range (%d to %d)", (long long)x, lo, hi), -1;
    *field = (int32_t)x;
    return 0;
}

static int set_vlan_anno_write_vlan_tci(struct set_vlan_anno *e, const char *v, CvmStr *err) { return set_vlan_anno_set(&e->tci, v, 0, 0xffff, err); }
static int set_vlan_anno_write_vlan_id(struct set_vlan_anno *e, const char *v, CvmStr *err) { return set_vlan_anno_set(&e->id, v, 0, 0xfff, err); }
static int set_vlan_anno_write_vlan_pcp(struct set_vlan_anno *e, const char *v, CvmStr *err) { return set_vlan_anno_set(&e->pcp, v, 0, 7, err); }
