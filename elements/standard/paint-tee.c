/* PaintTee: every packet goes out of output 0; when its annotation byte
 * ANNO equals COLOR, a clone goes out of output 1 first. */
#include "cvm.h"
#include "handler-values.h"

struct paint_tee {
    CvmElement base;
    uint8_t color;
    uint8_t anno;
};

static inline void paint_tee_push(struct paint_tee *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint8_t color = e->color, anno = e->anno;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (p->anno[anno] == color) {
            Packet *q = cvm_clone(out, p);
            if (q) cvm_emit(out, 1, q);
        }
        cvm_emit(out, 0, p);
    }
}

/* Pull mode: the pulled batch is returned whole; clones go out meanwhile. */
static void paint_tee_pull(struct paint_tee *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port;
    cvm_pull(in, 0, b, max);
    for (unsigned i = 0; i < b->n; i++) {
        if (b->p[i]->anno[e->anno] == e->color) {
            Packet *q = cvm_clone(out, b->p[i]);
            if (q) cvm_emit(out, 1, q);
        }
    }
}

static void paint_tee_read_color(struct paint_tee *e, CvmStr *o) { cvm_str_printf(o, "%u", e->color); }
static int paint_tee_write_color(struct paint_tee *e, const char *v, CvmStr *err) { return std_byte_value(v, "color", &e->color, err); }
