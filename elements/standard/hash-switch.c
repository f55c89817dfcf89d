/* HashSwitch: the output comes from the sum d of LENGTH bytes at OFFSET:
 * (d ^ (d >> 4)) & (n - 1) with 2, 4 or 8 outputs, else d % n. Packets too
 * short go out of output 0; a negative OFFSET with a positive LENGTH drops
 * (where Click would read before the packet). */
#include "cvm.h"

struct hash_switch {
    CvmElement base;
    int32_t offset, length;
};

static inline void hash_switch_push(struct hash_switch *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const int64_t off = e->offset, len = e->length, end = off + len;
    const uint32_t no = out->nports;
    const int pow2 = no == 2 || no == 4 || no == 8;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if ((int64_t)p->len < end) {
            cvm_emit(out, 0, p);
            continue;
        }
        if (off < 0 && len > 0) {
            cvm_drop(out, p);
            continue;
        }
        uint32_t d = 0;
        for (int64_t j = off; j < end; j++) d += p->data[j];
        cvm_emit(out, pow2 ? (d ^ (d >> 4)) & (no - 1) : d % no, p);
    }
}
