/* PrioSched: each packet comes from the lowest-numbered input that has one;
 * the inputs are asked again before every packet. */
#include "cvm.h"

struct prio_sched {
    CvmElement base;
    uint32_t ninputs;
};

static void prio_sched_pull(struct prio_sched *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port; (void)out;
    PacketBatch one;
    b->n = 0;
    while (b->n < max) {
        one.n = 0;
        for (uint32_t i = 0; i < e->ninputs && !one.n; i++) cvm_pull(in, i, &one, 1);
        if (!one.n) break;
        b->p[b->n++] = one.p[0];
    }
}
