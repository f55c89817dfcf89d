/* Hub: a packet from input I goes out of every output but I, clones first,
 * the packet itself on the last; with one port it is dropped (hub.ts). */
#include "cvm.h"

struct hub {
    CvmElement base;
};

static inline void hub_push(struct hub *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)e;
    const int nout = (int)out->nports;
    const int last = port == nout - 1 ? nout - 2 : nout - 1;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (last < 0) {
            cvm_drop(out, p);
            continue;
        }
        for (int k = 0; k < last; k++) {
            if (k == port) continue;
            Packet *q = cvm_clone(out, p);
            if (q) cvm_emit(out, (unsigned)k, q);
        }
        cvm_emit(out, (unsigned)last, p);
    }
}
