/* TCPRewriter: TCP address and port translation with sequence-number
 * deltas, one table (tcp-rewriter.ts); the packet path is rw_port_push
 * (lib/rewriter.h). */
#include "cvm.h"
#include "../lib/rewriter.h"

struct tcp_rewriter {
    CvmElement base;
    CvmTimer timer;
    RwCore rw;
};

static int tcp_rewriter_init(struct tcp_rewriter *e, CvmStr *err) { return rw_element_init(&e->rw, &e->timer, err); }
static void tcp_rewriter_run_timer(struct tcp_rewriter *e, CvmIn *in, CvmOut *out) { rw_element_gc(&e->rw, &e->timer); }
static void tcp_rewriter_cleanup(struct tcp_rewriter *e) { rw_element_cleanup(&e->rw, &e->timer); }
/* Hot reconfiguration: the old TCPRewriter's flows and their sequence deltas go on here (rw_core_take_state). */
static void tcp_rewriter_take_state(struct tcp_rewriter *e, struct tcp_rewriter *old, CvmHotswap *hs) { rw_core_take_state(&e->rw, &old->rw, hs); }

static inline void tcp_rewriter_push(struct tcp_rewriter *e, int port, Packet **in, unsigned n, CvmOut *out) { rw_port_push(&e->rw, port, in, n, out); }

static void tcp_rewriter_read_table(struct tcp_rewriter *e, CvmStr *o) { rw_read_table(&e->rw, 0, o); }
static void tcp_rewriter_read_mappings(struct tcp_rewriter *e, CvmStr *o) { rw_read_table(&e->rw, 0, o); }
static int tcp_rewriter_read_param_lookup(struct tcp_rewriter *e, const char *param, CvmStr *o) { return rw_read_lookup(&e->rw, param, o); }

static void tcp_rewriter_read_nmappings(struct tcp_rewriter *e, CvmStr *o) { rw_read_nmappings(&e->rw, o); }
static void tcp_rewriter_read_mapping_failures(struct tcp_rewriter *e, CvmStr *o) { rw_read_mapping_failures(&e->rw, o); }
static void tcp_rewriter_read_patterns(struct tcp_rewriter *e, CvmStr *o) { rw_read_patterns(&e->rw, o); }
static void tcp_rewriter_read_size(struct tcp_rewriter *e, CvmStr *o) { rw_read_size(&e->rw, o); }
static void tcp_rewriter_read_capacity(struct tcp_rewriter *e, CvmStr *o) { rw_read_capacity(&e->rw, o); }
static int tcp_rewriter_write_capacity(struct tcp_rewriter *e, const char *v, CvmStr *err) { return rw_write_capacity(&e->rw, v, err); }

static int tcp_rewriter_write_clear(struct tcp_rewriter *e, const char *v, CvmStr *err) { return rw_write_clear(&e->rw); }
