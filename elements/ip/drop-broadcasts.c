/* DropBroadcasts: packets that arrived as link-level broadcast or multicast
 * (packet type annotation) are counted and go to output 1, or are dropped;
 * the first one is reported. */
#include "cvm.h"
#include "../lib/checked-output.h"

struct drop_broadcasts {
    CvmElement base;
    uint64_t drops;
};

static inline void drop_broadcasts_push(struct drop_broadcasts *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (p->pkt_type != CVM_PKT_BROADCAST && p->pkt_type != CVM_PKT_MULTICAST) {
            cvm_emit(out, 0, p);
            continue;
        }
        if (e->drops == 0) cvm_stderr_line("DropBroadcasts: dropped a packet");
        e->drops++;
        emit_checked(out, 1, p);
    }
}

static void drop_broadcasts_read_drops(struct drop_broadcasts *e, CvmStr *o) { cvm_str_u64(o, e->drops); }
