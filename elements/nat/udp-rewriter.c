/* UDPRewriter: TCP/UDP/DCCP address and port translation in one table,
 * every flow the UDP way (udp-rewriter.ts); the packet path is rw_port_push
 * (lib/rewriter.h). */
#include "cvm.h"
#include "../lib/rewriter.h"

struct udp_rewriter {
    CvmElement base;
    CvmTimer timer;
    RwCore rw;
};

static int udp_rewriter_init(struct udp_rewriter *e, CvmStr *err) { return rw_element_init(&e->rw, &e->timer, err); }
static void udp_rewriter_run_timer(struct udp_rewriter *e, CvmIn *in, CvmOut *out) { rw_element_gc(&e->rw, &e->timer); }
static void udp_rewriter_cleanup(struct udp_rewriter *e) { rw_element_cleanup(&e->rw, &e->timer); }
/* Hot reconfiguration: the old UDPRewriter's flows go on here (rw_core_take_state). */
static void udp_rewriter_take_state(struct udp_rewriter *e, struct udp_rewriter *old, CvmHotswap *hs) { rw_core_take_state(&e->rw, &old->rw, hs); }

static inline void udp_rewriter_push(struct udp_rewriter *e, int port, Packet **in, unsigned n, CvmOut *out) { rw_port_push(&e->rw, port, in, n, out); }

static void udp_rewriter_read_table(struct udp_rewriter *e, CvmStr *o) { rw_read_table(&e->rw, 0, o); }
static void udp_rewriter_read_mappings(struct udp_rewriter *e, CvmStr *o) { rw_read_table(&e->rw, 0, o); }

static void udp_rewriter_read_nmappings(struct udp_rewriter *e, CvmStr *o) { rw_read_nmappings(&e->rw, o); }
static void udp_rewriter_read_mapping_failures(struct udp_rewriter *e, CvmStr *o) { rw_read_mapping_failures(&e->rw, o); }
static void udp_rewriter_read_patterns(struct udp_rewriter *e, CvmStr *o) { rw_read_patterns(&e->rw, o); }
static void udp_rewriter_read_size(struct udp_rewriter *e, CvmStr *o) { rw_read_size(&e->rw, o); }
static void udp_rewriter_read_capacity(struct udp_rewriter *e, CvmStr *o) { rw_read_capacity(&e->rw, o); }
static int udp_rewriter_write_capacity(struct udp_rewriter *e, const char *v, CvmStr *err) { return rw_write_capacity(&e->rw, v, err); }

static int udp_rewriter_write_clear(struct udp_rewriter *e, const char *v, CvmStr *err) { return rw_write_clear(&e->rw); }
