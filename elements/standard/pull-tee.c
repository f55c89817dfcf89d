/* PullTee: packets pulled from output 0 come from the input; before they
 * are returned, clones go out of push outputs 1..n-1, packet by packet. */
#include "cvm.h"

struct pull_tee {
    CvmElement base;
};

static inline void pull_tee_push(struct pull_tee *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)e; (void)port;
    for (unsigned i = 0; i < n; i++) {
        for (unsigned k = 1; k < out->nports; k++) {
            Packet *q = cvm_clone(out, in[i]);
            if (q) cvm_emit(out, k, q);
        }
    }
}

static void pull_tee_pull(struct pull_tee *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port;
    cvm_pull(in, 0, b, max);
    pull_tee_push(e, 0, b->p, b->n, out);
}
