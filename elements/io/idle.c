/* Idle: never sends; a pull from it gets nothing; pushed packets are dropped. */
#include "cvm.h"

struct idle {
    CvmElement base;
};

static inline void idle_push(struct idle *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)e; (void)port;
    for (unsigned i = 0; i < n; i++) cvm_drop(out, in[i]);
}

static void idle_pull(struct idle *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)e; (void)port; (void)max; (void)in; (void)out;
    b->n = 0;
}
