/* CheckLength: packets of at most LENGTH bytes go out of output 0, longer
 * ones out of output 1 (or are dropped). */
#include "cvm.h"
#include "elements/lib/checked-output.h"
#include "handler-values.h"

struct check_length {
    CvmElement base;
    uint32_t max;
};

static inline void check_length_push(struct check_length *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint32_t max = e->max;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (p->len <= max) cvm_emit(out, 0, p);
        else emit_checked(out, 1, p);
    }
}

static void check_length_read_length(struct check_length *e, CvmStr *o) { cvm_str_printf(o, "%u", e->max); }
static int check_length_write_length(struct check_length *e, const char *v, CvmStr *err) { return std_unsigned_value(v, "length", &e->max, err); }
