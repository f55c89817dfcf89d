/* RoundRobinSwitch: packets leave by outputs 0, 1, ..., n-1, 0, ... in turn. */
#include "cvm.h"

struct round_robin_switch {
    CvmElement base;
    uint32_t next;
};

static inline void round_robin_switch_push(struct round_robin_switch *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    uint32_t k = e->next;
    const uint32_t no = out->nports;
    for (unsigned i = 0; i < n; i++) {
        cvm_emit(out, k, in[i]);
        k = k + 1 >= no ? 0 : k + 1;
    }
    e->next = k;
}
