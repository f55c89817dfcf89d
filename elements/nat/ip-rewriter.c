/* IPRewriter: TCP/UDP address and port translation, a table per protocol
 * (ip-rewriter.ts); the packet path is rw_port_push (lib/rewriter.h). */
#include "cvm.h"
#include "../lib/rewriter.h"

struct ip_rewriter {
    CvmElement base;
    CvmTimer timer;
    RwCore rw;
};

static int ip_rewriter_init(struct ip_rewriter *e, CvmStr *err) { return rw_element_init(&e->rw, &e->timer, err); }
static void ip_rewriter_run_timer(struct ip_rewriter *e, CvmIn *in, CvmOut *out) { rw_element_gc(&e->rw, &e->timer); }
static void ip_rewriter_cleanup(struct ip_rewriter *e) { rw_element_cleanup(&e->rw, &e->timer); }
static void ip_rewriter_take_state(struct ip_rewriter *e, struct ip_rewriter *old, CvmHotswap *hs) { rw_core_take_state(&e->rw, &old->rw, hs); }

static inline void ip_rewriter_push(struct ip_rewriter *e, int port, Packet **in, unsigned n, CvmOut *out) { rw_port_push(&e->rw, port, in, n, out); }

static void ip_rewriter_read_tcp_table(struct ip_rewriter *e, CvmStr *o) { rw_read_table(&e->rw, 0, o); }
static void ip_rewriter_read_udp_table(struct ip_rewriter *e, CvmStr *o) { rw_read_table(&e->rw, 1, o); }
static void ip_rewriter_read_tcp_mappings(struct ip_rewriter *e, CvmStr *o) { rw_read_table(&e->rw, 0, o); }
static void ip_rewriter_read_udp_mappings(struct ip_rewriter *e, CvmStr *o) { rw_read_table(&e->rw, 1, o); }
static int ip_rewriter_read_param_tcp_lookup(struct ip_rewriter *e, const char *param, CvmStr *o) { return rw_read_lookup(&e->rw, param, o); }

static void ip_rewriter_read_nmappings(struct ip_rewriter *e, CvmStr *o) { rw_read_nmappings(&e->rw, o); }
static void ip_rewriter_read_mapping_failures(struct ip_rewriter *e, CvmStr *o) { rw_read_mapping_failures(&e->rw, o); }
static void ip_rewriter_read_patterns(struct ip_rewriter *e, CvmStr *o) { rw_read_patterns(&e->rw, o); }
static void ip_rewriter_read_size(struct ip_rewriter *e, CvmStr *o) { rw_read_size(&e->rw, o); }
static void ip_rewriter_read_capacity(struct ip_rewriter *e, CvmStr *o) { rw_read_capacity(&e->rw, o); }
static int ip_rewriter_write_capacity(struct ip_rewriter *e, const char *v, CvmStr *err) { return rw_write_capacity(&e->rw, v, err); }

static int ip_rewriter_write_clear(struct ip_rewriter *e, const char *v, CvmStr *err) { return rw_write_clear(&e->rw); }
