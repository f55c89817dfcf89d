/* PullSwitch and SimplePullSwitch: a pull takes from the input the `switch`
 * handler names; none (-1) gives nothing. */
#include "cvm.h"
#include "handler-values.h"

struct pull_switch {
    CvmElement base;
    int32_t input;
    uint32_t ninputs;
};

static void pull_switch_pull(struct pull_switch *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port; (void)out;
    if (e->input < 0) {
        b->n = 0;
        return;
    }
    cvm_pull(in, (unsigned)e->input, b, max);
}

static void pull_switch_read_switch(struct pull_switch *e, CvmStr *o) { cvm_str_printf(o, "%d", e->input); }
static void pull_switch_read_config(struct pull_switch *e, CvmStr *o) { cvm_str_printf(o, "%d", e->input); }

/* An input outside the element's means -1 (none). */
static int pull_switch_write_switch(struct pull_switch *e, const char *v, CvmStr *err)
{
    int32_t k;
    if (std_signed_value(v, "switch", &k, err) < 0) return -1;
    e->input = k < 0 || (uint32_t)k >= e->ninputs ? -1 : k;
    return 0;
}
