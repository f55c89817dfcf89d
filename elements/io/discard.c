/* Discard: consume pushed packets; with a pull input, a task pulls BURST
 * packets per run (0: all there are, at most 65536) while ACTIVE. */
#include "cvm.h"
#include "elements/lib/click-values.h"

#define DISCARD_MAX_UNLIMITED_BURST 65536

struct discard {
    CvmElement base;
    CvmTask task;
    uint32_t burst;
    uint8_t active, pull_mode;
    uint64_t count;
};

static int discard_init(struct discard *e, CvmStr *err)
{
    if (e->pull_mode) {
        if (e->active) cvm_task_schedule(&e->task);
    } else if (!e->active) {
        cvm_str_printf(err, "ACTIVE is meaningless in push context");
        return -1;
    }
    return 0;
}

static inline void discard_push(struct discard *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    e->count += n;
    for (unsigned i = 0; i < n; i++) cvm_consume(out, in[i]);
}

static int discard_run_task(struct discard *e, CvmIn *in, CvmOut *out)
{
    uint32_t want = e->burst ? e->burst : DISCARD_MAX_UNLIMITED_BURST;
    uint64_t got = 0;
    PacketBatch b;
    while (want > 0) {
        cvm_pull(in, 0, &b, want < 256 ? want : 256);
        if (b.n == 0) break;
        for (unsigned i = 0; i < b.n; i++) cvm_consume(out, b.p[i]);
        got += b.n;
        want -= b.n;
    }
    e->count += got;
    if (e->active) cvm_task_schedule(&e->task);
    return got > 0;
}

static void discard_read_count(struct discard *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void discard_read_active(struct discard *e, CvmStr *o) { cvm_str_printf(o, "%s", e->active ? "true" : "false"); }

static int discard_write_reset_counts(struct discard *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    return 0;
}

static int discard_write_active(struct discard *e, const char *v, CvmStr *err)
{
    int b;
    if (ct_parse_bool(v, strlen(v), &b) < 0) return cvm_str_printf(err, "syntax error"), -1;
    if (!e->pull_mode) return cvm_str_printf(err, "'active' applies to a Discard with a pull input"), -1;
    e->active = (uint8_t)b;
    if (b) cvm_task_schedule(&e->task);
    else cvm_task_unschedule(&e->task);
    return 0;
}
