/* Pad: zero bytes at the end up to LENGTH, or as many as the extra-length
 * annotation says; the annotation becomes 0 (pad.ts). */
#include "cvm.h"

#define PAD_MAX_LENGTH (1u << 24)

struct pad {
    CvmElement base;
    uint32_t length;
};

static inline void pad_push(struct pad *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint32_t nput = e->length ? (p->len < e->length ? e->length - p->len : 0) : cvm_anno_u32(p, CVM_ANNO_EXTRA_LENGTH);
        if (nput && ((uint64_t)p->len + nput > PAD_MAX_LENGTH || !cvm_packet_put(p, nput))) {
            cvm_drop(out, p);
            continue;
        }
        cvm_set_anno_u32(p, CVM_ANNO_EXTRA_LENGTH, 0);
        cvm_emit(out, 0, p);
    }
}
