/* StaticSwitch: every packet leaves by one fixed output (-1: dropped). */
#include "cvm.h"

struct static_switch {
    CvmElement base;
    int32_t output;
};

static inline void static_switch_push(struct static_switch *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    if (e->output < 0) {
        for (unsigned i = 0; i < n; i++) cvm_drop(out, in[i]);
        return;
    }
    cvm_emit_all(out, (unsigned)e->output, in, n);
}
