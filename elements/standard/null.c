/* Null, PushNull, PullNull: every packet leaves unchanged on output 0 (in
 * pull mode the compiler pulls and runs this loop). */
#include "cvm.h"

struct null_element {
    CvmElement base;
};

static inline void null_element_push(struct null_element *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)e; (void)port;
    cvm_emit_all(out, 0, in, n);
}
