/* RoundRobinSched: each packet comes from the first input, starting after
 * the one that gave the previous packet, that has one; one pull per input
 * tried, one packet per pull. */
#include "cvm.h"

struct round_robin_sched {
    CvmElement base;
    uint32_t ninputs;
    uint32_t next;
};

static void round_robin_sched_pull(struct round_robin_sched *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port; (void)out;
    const uint32_t ni = e->ninputs;
    PacketBatch one;
    b->n = 0;
    while (b->n < max) {
        int found = 0;
        for (uint32_t tried = 0, i = e->next; tried < ni; tried++) {
            cvm_pull(in, i, &one, 1);
            i = i + 1 >= ni ? 0 : i + 1;
            if (one.n) {
                e->next = i;
                b->p[b->n++] = one.p[0];
                found = 1;
                break;
            }
        }
        if (!found) break;
    }
}
