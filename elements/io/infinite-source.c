/* InfiniteSource: clones of one prototype packet, BURST per task run (push)
 * or as many as pulled, until LIMIT; then the end call (STOP's `stop`). */
#include "cvm.h"
#include "elements/lib/click-values.h"
#include "elements/lib/source-data.h"
#include "elements/driver/handler-call.h"

/* Packets per run when this source is the only task that moves packets
 * (SOLE_TASK_BURST in infinite-source.ts). */
#define INFINITE_SOURCE_SOLE_BURST 32

struct infinite_source {
    CvmElement base;
    CvmTask task;
    const uint8_t *init_data;    /* DATA as configured (compile-time constant) */
    uint32_t init_data_len;
    int64_t limit;
    int64_t length;              /* -1: DATA as is */
    uint32_t burst;
    uint8_t can_batch;           /* the only task that moves packets: see INFINITE_SOURCE_SOLE_BURST */
    uint8_t active, timestamp, push_mode;
    const char *end_path, *end_value;   /* NULL: no end call */
    /* state */
    SourceData src;              /* current DATA (handlers may replace it) and the prototype */
    int64_t count;
    int ended;
};

static int infinite_source_set_data(struct infinite_source *e, const uint8_t *data, uint32_t n, int64_t length, CvmStr *err)
{
    if (source_data_set(&e->src, data, n, length, CVM_HEADROOM, err) < 0) return -1;
    e->length = length;
    return 0;
}

static int infinite_source_init(struct infinite_source *e, CvmStr *err)
{
    e->src = (SourceData){ 0 };
    if (infinite_source_set_data(e, e->init_data, e->init_data_len, e->length, err) < 0) return -1;
    if (e->push_mode) cvm_task_schedule(&e->task);
    return 0;
}

static void infinite_source_cleanup(struct infinite_source *e) { source_data_free(&e->src); }

static inline uint32_t infinite_source_allowance(const struct infinite_source *e, uint32_t want)
{
    if (e->limit < 0) return want;
    int64_t left = e->limit - e->count;
    return left <= 0 ? 0 : left < (int64_t)want ? (uint32_t)left : want;
}

static void infinite_source_at_end(struct infinite_source *e)
{
    if (e->ended || e->limit < 0 || e->count < e->limit) return;
    e->ended = 1;
    if (e->end_path) hc_end_call(e->base.name, e->end_path, e->end_value);
}

/* Emit n clones of the prototype through `out` to output 0. */
static inline void infinite_source_send(struct infinite_source *e, uint32_t n, CvmOut *out)
{
    int64_t now = e->timestamp ? cvm_now() : 0;
    for (uint32_t i = 0; i < n; i++) {
        Packet *p = source_data_clone(&e->src, out, now);
        if (!p) break;
        cvm_emit(out, 0, p);
    }
    e->count += n;
}

/* Lock-step pairs (dataplane-native/lockstep.ts): packets one run sends as
 * configured, and with can_batch set. */
static inline uint32_t infinite_source_lockstep_round(const struct infinite_source *e) { return e->burst; }
static inline uint32_t infinite_source_lockstep_batch(const struct infinite_source *e)
{
    return e->burst < INFINITE_SOURCE_SOLE_BURST ? INFINITE_SOURCE_SOLE_BURST : e->burst;
}

static int infinite_source_run_task(struct infinite_source *e, CvmIn *in, CvmOut *out)
{
    (void)in;
    if (!e->active) return 0;
    uint32_t n = infinite_source_allowance(e, e->can_batch && e->burst < INFINITE_SOURCE_SOLE_BURST ? INFINITE_SOURCE_SOLE_BURST : e->burst);
    if (n == 0) {
        infinite_source_at_end(e);
        return 0;
    }
    infinite_source_send(e, n, out);
    cvm_task_schedule(&e->task);
    return 1;
}

/* Pull mode: the packets go straight into b. */
static void infinite_source_pull(struct infinite_source *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port; (void)in;
    b->n = 0;
    if (!e->active) return;
    uint32_t n = infinite_source_allowance(e, max);
    if (n == 0) {
        infinite_source_at_end(e);
        return;
    }
    int64_t now = e->timestamp ? cvm_now() : 0;
    for (uint32_t i = 0; i < n; i++) {
        Packet *p = source_data_clone(&e->src, out, now);
        if (!p) break;
        b->p[b->n++] = p;
    }
    e->count += n;
}

static void infinite_source_wake(struct infinite_source *e)
{
    if (e->limit < 0 || e->count < e->limit) e->ended = 0;
    if (e->active && !e->ended && e->push_mode) cvm_task_schedule(&e->task);
}

static void infinite_source_read_count(struct infinite_source *e, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)e->count); }
static void infinite_source_read_data(struct infinite_source *e, CvmStr *o) { source_data_read(&e->src, o); }
static void infinite_source_read_limit(struct infinite_source *e, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)e->limit); }
static void infinite_source_read_burst(struct infinite_source *e, CvmStr *o) { cvm_str_printf(o, "%u", e->burst); }
static void infinite_source_read_active(struct infinite_source *e, CvmStr *o) { cvm_str_printf(o, "%s", ct_bool_text(e->active)); }
static void infinite_source_read_length(struct infinite_source *e, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)e->length); }
static void infinite_source_read_burstsize(struct infinite_source *e, CvmStr *o) { infinite_source_read_burst(e, o); }
static void infinite_source_read_datasize(struct infinite_source *e, CvmStr *o) { infinite_source_read_length(e, o); }

static int infinite_source_write_reset(struct infinite_source *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    infinite_source_wake(e);
    return 0;
}

static int infinite_source_write_data(struct infinite_source *e, const char *v, CvmStr *err)
{
    if (infinite_source_set_data(e, (const uint8_t *)v, (uint32_t)strlen(v), e->length, err) < 0) return -1;
    infinite_source_wake(e);
    return 0;
}

static int infinite_source_write_limit(struct infinite_source *e, const char *v, CvmStr *err)
{
    int64_t n;
    if (ct_parse_int32(v, &n) < 0) return cvm_str_printf(err, "limit parameter must be integer"), -1;
    e->limit = n;
    infinite_source_wake(e);
    return 0;
}

static int infinite_source_write_burst(struct infinite_source *e, const char *v, CvmStr *err)
{
    int64_t n;
    if (ct_parse_integer_in(v, strlen(v), 1, CT_INT32_MAX, &n) < 0) return cvm_str_printf(err, "burstsize parameter must be integer >= 1"), -1;
    e->burst = (uint32_t)n;
    infinite_source_wake(e);
    return 0;
}

static int infinite_source_write_active(struct infinite_source *e, const char *v, CvmStr *err)
{
    int b;
    if (ct_parse_bool(v, strlen(v), &b) < 0) return cvm_str_printf(err, "active parameter must be boolean"), -1;
    e->active = (uint8_t)b;
    infinite_source_wake(e);
    return 0;
}

static int infinite_source_write_length(struct infinite_source *e, const char *v, CvmStr *err)
{
    int64_t n;
    if (ct_parse_int32(v, &n) < 0) return cvm_str_printf(err, "length must be integer"), -1;
    if (infinite_source_set_data(e, e->src.data, e->src.len, n, err) < 0) return -1;
    infinite_source_wake(e);
    return 0;
}

static int infinite_source_write_burstsize(struct infinite_source *e, const char *v, CvmStr *err) { return infinite_source_write_burst(e, v, err); }
static int infinite_source_write_datasize(struct infinite_source *e, const char *v, CvmStr *err) { return infinite_source_write_length(e, v, err); }
