/* Truncate: cut packets to at most LENGTH bytes, adding the bytes removed
 * to the extra-length annotation when EXTRA_LENGTH is set. */
#include "cvm.h"
#include "handler-values.h"

struct truncate {
    CvmElement base;
    uint32_t nbytes;
    uint8_t extra_length;
};

static inline void truncate_push(struct truncate *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint32_t max = e->nbytes;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (p->len > max) {
            uint32_t cut = p->len - max;
            if (e->extra_length) cvm_set_anno_u32(p, CVM_ANNO_EXTRA_LENGTH, cvm_anno_u32(p, CVM_ANNO_EXTRA_LENGTH) + cut);
            cvm_packet_take(p, cut);
        }
        cvm_emit(out, 0, p);
    }
}

static void truncate_read_nbytes(struct truncate *e, CvmStr *o) { cvm_str_printf(o, "%u", e->nbytes); }
static int truncate_write_nbytes(struct truncate *e, const char *v, CvmStr *err) { return std_unsigned_value(v, "nbytes", &e->nbytes, err); }
