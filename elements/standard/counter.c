/* Counter: count packets and bytes; every packet continues on output 0. */
#include "cvm.h"

struct counter {
    CvmElement base;
    uint64_t count, byte_count;
};

static inline void counter_push(struct counter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    uint64_t bytes = 0;
    for (unsigned i = 0; i < n; i++) bytes += in[i]->len;
    e->count += n;
    e->byte_count += bytes;
    cvm_emit_all(out, 0, in, n);
}

static void counter_read_count(struct counter *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void counter_read_byte_count(struct counter *e, CvmStr *o) { cvm_str_u64(o, e->byte_count); }
static int counter_write_reset(struct counter *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = e->byte_count = 0;
    return 0;
}
