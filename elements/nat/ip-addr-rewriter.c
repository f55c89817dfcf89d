/* IPAddrRewriter: basic NAT of IP source addresses, any protocol
 * (ip-addr-rewriter.ts): a forward entry keyed by the old source, a reply
 * entry keyed by the new address as destination. */
#include "cvm.h"
#include "../lib/rewriter.h"

struct ip_addr_rewriter {
    CvmElement base;
    CvmTimer timer;
    RwCore rw;
};

static int ip_addr_rewriter_init(struct ip_addr_rewriter *e, CvmStr *err)
{
    if (rw_core_init(&e->rw, err) < 0) return -1;
    if (e->rw.gc_interval) cvm_timer_schedule_after(&e->timer, e->rw.gc_interval * 1000000000LL);
    return 0;
}

static void ip_addr_rewriter_run_timer(struct ip_addr_rewriter *e, CvmIn *in, CvmOut *out)
{
    (void)in; (void)out;
    rw_shrink_heap(&e->rw, 0);
    if (e->rw.gc_interval) cvm_timer_schedule_after(&e->timer, e->rw.gc_interval * 1000000000LL);
}

static void ip_addr_rewriter_cleanup(struct ip_addr_rewriter *e)
{
    cvm_timer_unschedule(&e->timer);
    rw_core_cleanup(&e->rw);
}

static RwEntry *ip_addr_rewriter_add_flow(RwCore *rw, const RwFlowID *flowid, const RwFlowID *rewritten, RwInput *input)
{
    /* Only the source address may change. */
    if (rewritten->sport || rewritten->dport || rewritten->daddr) return NULL;
    const int64_t *t = rw->timeouts;
    RwFlow *f = rw_flow_new(input, flowid, rewritten, input->foutput, input->routput, 0, t[1] != 0, rw_jiffies() + (t[1] ? t[1] : t[0]));
    return f ? rw_store_flow(rw, f, input) : NULL;
}

static inline void ip_addr_rewriter_push(struct ip_addr_rewriter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    RwCore *rw = &e->rw;
    RwMap *map = &rw->maps[0];
    const int64_t t1 = rw->timeouts[1], refresh = rw_jiffies() + (t1 ? t1 : rw->timeouts[0]);   /* time stands still within a batch */
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        if (!cvm_packet_writable(p) || !tc_headers(p, &h)) {
            cvm_drop(out, p);
            continue;
        }
        RwFlowID id = { cvm_be32(h.ip + 12), 0, 0, 0 };
        RwEntry *m = rw_map_find(map, &id);
        if (!m) {
            RwFlowID reply = { 0, cvm_be32(h.ip + 16), 0, 0 };
            m = rw_map_find(map, &reply);
        }
        if (!m) {
            RwInput *spec = &rw->inputs[port];
            RwFlowID nid;
            int r = rw_input_rewrite(spec, &id, 0, &nid);
            if (r == RW_ADDMAP) m = ip_addr_rewriter_add_flow(rw, &id, &nid, spec);
            if (!m) {
                rw_emit_or_drop(out, r, p);
                continue;
            }
            if (rw->annos & 2) rw_entry_flow(m)->reply_anno = p->anno[rw->annos >> 2];
        }
        RwFlow *f = rw_entry_flow(m);
        rw_apply_addr(f, p, &h, m->direction, rw->annos);
        rw_heap_change_expiry(rw->heap, f, t1 != 0, refresh);
        rw_emit_or_drop(out, m->output, p);
    }
}

static void ip_addr_rewriter_read_table(struct ip_addr_rewriter *e, CvmStr *o)
{
    int64_t now = rw_jiffies();
    for (RwEntry *m = e->rw.maps[0].head; m; m = m->next) {
        RwFlow *f = rw_entry_flow(m);
        ip_unparse(o, m->id.saddr);
        cvm_str_append(o, " => ", 4);
        ip_unparse(o, f->e[m->direction ? 0 : 1].id.daddr);
        rw_unparse_ports(f, m->direction, now, o);
        cvm_str_append(o, "\n", 1);
    }
}

static void ip_addr_rewriter_read_mappings(struct ip_addr_rewriter *e, CvmStr *o) { ip_addr_rewriter_read_table(e, o); }
static void ip_addr_rewriter_read_nmappings(struct ip_addr_rewriter *e, CvmStr *o) { rw_read_nmappings(&e->rw, o); }
static void ip_addr_rewriter_read_mapping_failures(struct ip_addr_rewriter *e, CvmStr *o) { rw_read_mapping_failures(&e->rw, o); }
static void ip_addr_rewriter_read_patterns(struct ip_addr_rewriter *e, CvmStr *o) { rw_read_patterns(&e->rw, o); }
static void ip_addr_rewriter_read_size(struct ip_addr_rewriter *e, CvmStr *o) { rw_read_size(&e->rw, o); }
static void ip_addr_rewriter_read_capacity(struct ip_addr_rewriter *e, CvmStr *o) { rw_read_capacity(&e->rw, o); }
static int ip_addr_rewriter_write_capacity(struct ip_addr_rewriter *e, const char *v, CvmStr *err) { return rw_write_capacity(&e->rw, v, err); }

static int ip_addr_rewriter_write_clear(struct ip_addr_rewriter *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    rw_shrink_heap(&e->rw, 1);
    return 0;
}
