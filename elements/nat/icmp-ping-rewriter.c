/* ICMPPingRewriter: address and identifier translation for ICMP echoes
 * (icmp-ping-rewriter.ts): a flow is (source, identifier, destination,
 * identifier + 1), its replies come back with the two swapped. */
#include "cvm.h"
#include "../lib/rewriter.h"

struct icmp_ping_rewriter {
    CvmElement base;
    CvmTimer timer;
    RwCore rw;
};

static int icmp_ping_rewriter_init(struct icmp_ping_rewriter *e, CvmStr *err) { return rw_element_init(&e->rw, &e->timer, err); }
static void icmp_ping_rewriter_run_timer(struct icmp_ping_rewriter *e, CvmIn *in, CvmOut *out) { rw_element_gc(&e->rw, &e->timer); }
static void icmp_ping_rewriter_cleanup(struct icmp_ping_rewriter *e) { rw_element_cleanup(&e->rw, &e->timer); }

static inline void icmp_ping_rewriter_push(struct icmp_ping_rewriter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    RwCore *rw = &e->rw;
    RwInput *spec = &rw->inputs[port];
    const int64_t t1 = rw->timeouts[1], refresh = rw_jiffies() + (t1 ? t1 : rw->timeouts[0]);   /* time stands still within a batch */
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        if (!cvm_packet_writable(p) || !tc_headers(p, &h)) {
            cvm_drop(out, p);
            continue;
        }
        RwEntry *m = NULL;
        int echo = 0, ok = h.ip[9] == 1 && tc_first_fragment(h.ip) && tc_transport_length(&h) >= 6 && (h.trans[0] == 8 || h.trans[0] == 0);
        RwFlowID id = { 0, 0, 0, 0 };
        if (ok) {
            echo = h.trans[0] == 8;
            uint16_t ident = cvm_be16(h.trans + 4), next = rw_raw_port_plus_one(ident);
            id = (RwFlowID){ cvm_be32(h.ip + 12), cvm_be32(h.ip + 16), echo ? ident : next, echo ? next : ident };
            m = rw_map_find(&rw->maps[0], &id);
        }
        if (!m && !echo) {
            if (spec->kind == RW_SPEC_NOCHANGE) rw_emit_or_drop(out, spec->foutput, p);
            else cvm_drop(out, p);
            continue;
        }
        int r;
        if (!m && !(m = rw_new_mapping(rw, spec, &id, 0, 1, rw->timeouts, 0, p, &r))) {
            rw_emit_or_drop(out, r, p);
            continue;
        }
        RwFlow *f = rw_entry_flow(m);
        rw_apply_icmp_ping(f, p, &h, m->direction, rw->annos);
        rw_heap_change_expiry(rw->heap, f, t1 != 0, refresh);
        rw_emit_or_drop(out, m->output, p);
    }
}

static void icmp_ping_rewriter_read_table(struct icmp_ping_rewriter *e, CvmStr *o)
{
    int64_t now = rw_jiffies();
    for (RwEntry *m = e->rw.maps[0].head; m; m = m->next) {
        RwFlow *f = rw_entry_flow(m);
        RwFlowID to = rw_flowid_reverse(f->e[m->direction ? 0 : 1].id);
        cvm_str_append(o, "(", 1);
        ip_unparse(o, m->id.saddr);
        cvm_str_append(o, ", ", 2);
        ip_unparse(o, m->id.daddr);
        cvm_str_printf(o, ", %u) => (", m->id.sport);
        ip_unparse(o, to.saddr);
        cvm_str_append(o, ", ", 2);
        ip_unparse(o, to.daddr);
        cvm_str_printf(o, ", %u)", to.sport);
        rw_unparse_ports(f, m->direction, now, o);
        cvm_str_append(o, "\n", 1);
    }
}

static void icmp_ping_rewriter_read_mappings(struct icmp_ping_rewriter *e, CvmStr *o) { icmp_ping_rewriter_read_table(e, o); }
static void icmp_ping_rewriter_read_nmappings(struct icmp_ping_rewriter *e, CvmStr *o) { rw_read_nmappings(&e->rw, o); }
static void icmp_ping_rewriter_read_mapping_failures(struct icmp_ping_rewriter *e, CvmStr *o) { rw_read_mapping_failures(&e->rw, o); }
static void icmp_ping_rewriter_read_patterns(struct icmp_ping_rewriter *e, CvmStr *o) { rw_read_patterns(&e->rw, o); }
static void icmp_ping_rewriter_read_size(struct icmp_ping_rewriter *e, CvmStr *o) { rw_read_size(&e->rw, o); }
static void icmp_ping_rewriter_read_capacity(struct icmp_ping_rewriter *e, CvmStr *o) { rw_read_capacity(&e->rw, o); }
static int icmp_ping_rewriter_write_capacity(struct icmp_ping_rewriter *e, const char *v, CvmStr *err) { return rw_write_capacity(&e->rw, v, err); }

static int icmp_ping_rewriter_write_clear(struct icmp_ping_rewriter *e, const char *v, CvmStr *err) { return rw_write_clear(&e->rw); }
