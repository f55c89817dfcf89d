/* PaintSwitch: a packet whose annotation byte ANNO is K leaves by output
 * K (dropped if there is none); K = 255 sends clones out of every output
 * but the last and the packet out of the last. */
#include "cvm.h"

struct paint_switch {
    CvmElement base;
    uint8_t anno;
};

static inline void paint_switch_push(struct paint_switch *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint32_t no = out->nports;   /* a constant of the wrapper */
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint32_t k = p->anno[e->anno];
        if (k == 0xff && no > 0) {
            for (uint32_t j = 0; j + 1 < no; j++) {
                Packet *q = cvm_clone(out, p);
                if (q) cvm_emit(out, j, q);
            }
            cvm_emit(out, no - 1, p);
        } else if (k < no) {
            cvm_emit(out, k, p);
        } else {
            cvm_drop(out, p);
        }
    }
}
