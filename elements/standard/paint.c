/* Paint: set the one-byte annotation ANNO of every packet to COLOR. */
#include "cvm.h"
#include "handler-values.h"

struct paint {
    CvmElement base;
    uint8_t color;
    uint8_t anno;                /* byte offset in the annotation area */
};

static inline void paint_push(struct paint *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint8_t color = e->color, anno = e->anno;
    for (unsigned i = 0; i < n; i++) {
        in[i]->anno[anno] = color;
        cvm_emit(out, 0, in[i]);
    }
}

static void paint_read_color(struct paint *e, CvmStr *o) { cvm_str_printf(o, "%u", e->color); }
static int paint_write_color(struct paint *e, const char *v, CvmStr *err) { return std_byte_value(v, "color", &e->color, err); }
