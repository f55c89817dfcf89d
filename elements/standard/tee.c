/* Tee: for each packet, clones out of outputs 0..n-2 in order, then the
 * packet itself out of output n-1. */
#include "cvm.h"

struct tee {
    CvmElement base;
};

static inline void tee_push(struct tee *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    (void)e;
    const unsigned last = out->nports - 1;   /* a constant of the wrapper */
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        for (unsigned k = 0; k < last; k++) {
            Packet *q = cvm_clone(out, p);
            if (q) cvm_emit(out, k, q);
        }
        cvm_emit(out, last, p);
    }
}
