/* CheckPaint: packets whose annotation byte ANNO equals COLOR go out of
 * output 0, the others out of output 1 (or are dropped). */
#include "cvm.h"
#include "elements/lib/checked-output.h"
#include "handler-values.h"

struct check_paint {
    CvmElement base;
    uint8_t color;
    uint8_t anno;
};

static inline void check_paint_push(struct check_paint *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (p->anno[e->anno] == e->color) cvm_emit(out, 0, p);
        else emit_checked(out, 1, p);
    }
}

static void check_paint_read_color(struct check_paint *e, CvmStr *o) { cvm_str_printf(o, "%u", e->color); }
static int check_paint_write_color(struct check_paint *e, const char *v, CvmStr *err) { return std_byte_value(v, "color", &e->color, err); }
