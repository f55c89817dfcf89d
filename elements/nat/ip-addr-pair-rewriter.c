/* IPAddrPairRewriter: NAT of (source, destination) address pairs, any
 * protocol (ip-addr-pair-rewriter.ts): entries keyed by the address pair
 * with zero ports, the reply entry by the reverse of the rewritten pair. */
#include "cvm.h"
#include "../lib/rewriter.h"

struct ip_addr_pair_rewriter {
    CvmElement base;
    CvmTimer timer;
    RwCore rw;
};

static int ip_addr_pair_rewriter_init(struct ip_addr_pair_rewriter *e, CvmStr *err) { return rw_element_init(&e->rw, &e->timer, err); }
static void ip_addr_pair_rewriter_run_timer(struct ip_addr_pair_rewriter *e, CvmIn *in, CvmOut *out) { rw_element_gc(&e->rw, &e->timer); }
static void ip_addr_pair_rewriter_cleanup(struct ip_addr_pair_rewriter *e) { rw_element_cleanup(&e->rw, &e->timer); }

static inline void ip_addr_pair_rewriter_push(struct ip_addr_pair_rewriter *e, int port, Packet **in, unsigned n, CvmOut *out)
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
        RwFlowID id = { cvm_be32(h.ip + 12), cvm_be32(h.ip + 16), 0, 0 };
        RwEntry *m = rw_map_find(map, &id);
        int r;
        if (!m && !(m = rw_new_mapping(rw, &rw->inputs[port], &id, 0, 0, rw->timeouts, 2, p, &r))) {
            rw_emit_or_drop(out, r, p);
            continue;
        }
        RwFlow *f = rw_entry_flow(m);
        rw_apply_addr_pair(f, p, &h, m->direction, rw->annos);
        rw_heap_change_expiry(rw->heap, f, t1 != 0, refresh);
        rw_emit_or_drop(out, m->output, p);
    }
}

static void ip_addr_pair_rewriter_read_table(struct ip_addr_pair_rewriter *e, CvmStr *o)
{
    int64_t now = rw_jiffies();
    for (RwEntry *m = e->rw.maps[0].head; m; m = m->next) {
        RwFlow *f = rw_entry_flow(m);
        RwFlowID to = rw_flowid_reverse(f->e[m->direction ? 0 : 1].id);
        cvm_str_append(o, "(", 1);
        ip_unparse(o, m->id.saddr);
        cvm_str_append(o, ", ", 2);
        ip_unparse(o, m->id.daddr);
        cvm_str_append(o, ") => (", 6);
        ip_unparse(o, to.saddr);
        cvm_str_append(o, ", ", 2);
        ip_unparse(o, to.daddr);
        cvm_str_append(o, ")", 1);
        rw_unparse_ports(f, m->direction, now, o);
        cvm_str_append(o, "\n", 1);
    }
}

static void ip_addr_pair_rewriter_read_mappings(struct ip_addr_pair_rewriter *e, CvmStr *o) { ip_addr_pair_rewriter_read_table(e, o); }
static void ip_addr_pair_rewriter_read_nmappings(struct ip_addr_pair_rewriter *e, CvmStr *o) { rw_read_nmappings(&e->rw, o); }
static void ip_addr_pair_rewriter_read_mapping_failures(struct ip_addr_pair_rewriter *e, CvmStr *o) { rw_read_mapping_failures(&e->rw, o); }
static void ip_addr_pair_rewriter_read_patterns(struct ip_addr_pair_rewriter *e, CvmStr *o) { rw_read_patterns(&e->rw, o); }
static void ip_addr_pair_rewriter_read_size(struct ip_addr_pair_rewriter *e, CvmStr *o) { rw_read_size(&e->rw, o); }
static void ip_addr_pair_rewriter_read_capacity(struct ip_addr_pair_rewriter *e, CvmStr *o) { rw_read_capacity(&e->rw, o); }
static int ip_addr_pair_rewriter_write_capacity(struct ip_addr_pair_rewriter *e, const char *v, CvmStr *err) { return rw_write_capacity(&e->rw, v, err); }

static int ip_addr_pair_rewriter_write_clear(struct ip_addr_pair_rewriter *e, const char *v, CvmStr *err) { return rw_write_clear(&e->rw); }
