/* Switch: every packet leaves by the output the `switch` handler sets; a
 * negative output drops it. */
#include "cvm.h"
#include "handler-values.h"

struct switch_element {
    CvmElement base;
    int32_t output;
    uint32_t noutputs;
};

static inline void switch_element_push(struct switch_element *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const int32_t k = e->output;
    if (k < 0 || (uint32_t)k >= e->noutputs) {
        for (unsigned i = 0; i < n; i++) cvm_drop(out, in[i]);
        return;
    }
    cvm_emit_all(out, (unsigned)k, in, n);
}

static void switch_element_read_switch(struct switch_element *e, CvmStr *o) { cvm_str_printf(o, "%d", e->output); }
static void switch_element_read_config(struct switch_element *e, CvmStr *o) { cvm_str_printf(o, "%d", e->output); }

/* An output beyond the last means -1 (drop). */
static int switch_element_write_switch(struct switch_element *e, const char *v, CvmStr *err)
{
    int32_t k;
    if (std_signed_value(v, "switch", &k, err) < 0) return -1;
    e->output = k >= 0 && (uint32_t)k >= e->noutputs ? -1 : k;
    return 0;
}
