/* RatedSource: clones of one packet paced by a token bucket in exact
 * integer nanoseconds (token-bucket.ts): RATE tokens per second, room for
 * the burst, one token at start. Push mode: the task sends one packet per
 * run while there is a token, else sleeps on a timer until the next one;
 * pull mode: a pull gets as many packets as there are tokens. */
#include "cvm.h"
#include "elements/io/io-text.h"
#include "elements/lib/source-data.h"

#define RATED_SOURCE_HEADROOM (16 + 20 + 24)
#define RATED_SOURCE_UNIT 1000000000ULL   /* one token, in token-nanoseconds */

struct rated_source {
    CvmElement base;
    CvmTask task;
    CvmTimer timer;
    /* configuration */
    const uint8_t *init_data;
    uint32_t init_data_len;
    uint64_t init_rate, init_burst;
    int64_t limit, length;
    uint8_t active, stop, push_mode;
    /* state */
    SourceData src;              /* current DATA (handlers may replace it) and the prototype */
    uint64_t count;
    /* the bucket */
    uint64_t rate, cap, units;
    int64_t last;
    uint8_t have_last;
};

static uint64_t rated_source_burst_for(uint64_t rate) { return rate < 200 ? 2 : rate / 100; }

static void rated_source_bucket_assign(struct rated_source *e, uint64_t rate, uint64_t capacity)
{
    e->rate = rate;
    if (capacity < 1) capacity = 1;
    e->cap = capacity > UINT64_MAX / RATED_SOURCE_UNIT ? UINT64_MAX : capacity * RATED_SOURCE_UNIT;
    if (e->units > e->cap) e->units = e->cap;
}

static void rated_source_bucket_set(struct rated_source *e, uint64_t tokens, int64_t now)
{
    e->units = tokens * RATED_SOURCE_UNIT;
    if (e->units > e->cap) e->units = e->cap;
    e->last = now;
    e->have_last = 1;
}

static void rated_source_refill(struct rated_source *e, int64_t now)
{
    if (e->have_last && now > e->last) {
        unsigned __int128 u = (unsigned __int128)(uint64_t)(now - e->last) * e->rate + e->units;
        e->units = u > e->cap ? e->cap : (uint64_t)u;
    }
    e->last = now;
    e->have_last = 1;
}

static int rated_source_take(struct rated_source *e)
{
    if (e->units < RATED_SOURCE_UNIT) return 0;
    e->units -= RATED_SOURCE_UNIT;
    return 1;
}

static int rated_source_set_data(struct rated_source *e, const uint8_t *data, uint32_t n, int64_t length, CvmStr *err)
{
    if (source_data_set(&e->src, data, n, length, RATED_SOURCE_HEADROOM, err) < 0) return -1;
    e->length = length;
    return 0;
}

static int rated_source_init(struct rated_source *e, CvmStr *err)
{
    e->src = (SourceData){ 0 };
    e->units = 0;
    e->have_last = 0;
    rated_source_bucket_assign(e, e->init_rate, e->init_burst);
    if (rated_source_set_data(e, e->init_data, e->init_data_len, e->length, err) < 0) return -1;
    rated_source_bucket_set(e, 1, cvm_now());
    if (e->push_mode) cvm_task_schedule(&e->task);
    return 0;
}

static void rated_source_cleanup(struct rated_source *e) { source_data_free(&e->src); }

/* At the limit (asking the driver to stop each time, with STOP)? */
static int rated_source_limited(struct rated_source *e)
{
    if (e->limit < 0 || e->count < (uint64_t)e->limit) return 0;
    if (e->stop) cvm_request_stop();
    return 1;
}

static int rated_source_run_task(struct rated_source *e, CvmIn *in, CvmOut *out)
{
    (void)in;
    if (!e->active || rated_source_limited(e)) return 0;
    int64_t now = cvm_now();
    rated_source_refill(e, now);
    if (rated_source_take(e)) {
        e->count++;
        Packet *p = source_data_clone(&e->src, out, now);
        if (p) cvm_emit(out, 0, p);
        cvm_task_schedule(&e->task);
        return 1;
    }
    if (e->rate) cvm_timer_schedule_after(&e->timer, (int64_t)((RATED_SOURCE_UNIT - e->units + e->rate - 1) / e->rate));
    return 0;
}

static void rated_source_run_timer(struct rated_source *e, CvmIn *in, CvmOut *out)
{
    (void)in; (void)out;
    cvm_task_schedule(&e->task);
}

static void rated_source_pull(struct rated_source *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port; (void)in;
    b->n = 0;
    if (!e->active) return;
    int64_t now = cvm_now();
    rated_source_refill(e, now);
    if (max > CVM_BATCH_MAX) max = CVM_BATCH_MAX;
    while (b->n < max && !rated_source_limited(e) && rated_source_take(e)) {
        e->count++;
        Packet *p = source_data_clone(&e->src, out, now);
        if (p) b->p[b->n++] = p;
    }
}

/* After `active` or `reset`: one token now, and the task if it sleeps. */
static void rated_source_restart(struct rated_source *e)
{
    if (!e->active) return;
    if (!e->push_mode) rated_source_bucket_set(e, 1, cvm_now());
    else if (!e->task.scheduled) {
        rated_source_bucket_set(e, 1, cvm_now());
        cvm_timer_unschedule(&e->timer);
        cvm_task_schedule(&e->task);
    }
}

static void rated_source_read_count(struct rated_source *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void rated_source_read_data(struct rated_source *e, CvmStr *o) { source_data_read(&e->src, o); }
static void rated_source_read_rate(struct rated_source *e, CvmStr *o) { cvm_str_u64(o, e->rate); }
static void rated_source_read_limit(struct rated_source *e, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)(e->limit < 0 ? -1 : e->limit)); }
static void rated_source_read_active(struct rated_source *e, CvmStr *o) { cvm_str_printf(o, "%s", ct_bool_text(e->active)); }
static void rated_source_read_length(struct rated_source *e, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)e->length); }
static void rated_source_read_datasize(struct rated_source *e, CvmStr *o) { rated_source_read_length(e, o); }

static int rated_source_write_reset(struct rated_source *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    rated_source_restart(e);
    return 0;
}

static int rated_source_write_data(struct rated_source *e, const char *v, CvmStr *err)
{
    return rated_source_set_data(e, (const uint8_t *)v, (uint32_t)strlen(v), -1, err);
}

static int rated_source_write_rate(struct rated_source *e, const char *v, CvmStr *err)
{
    int64_t rate;
    if (ct_parse_integer_in(v, strlen(v), 0, 0xffffffffLL, &rate) < 0) return cvm_str_printf(err, "syntax error"), -1;
    rated_source_bucket_assign(e, (uint64_t)rate, rated_source_burst_for((uint64_t)rate));
    return 0;
}

static int rated_source_write_limit(struct rated_source *e, const char *v, CvmStr *err)
{
    int64_t n;
    if (ct_parse_int32(v, &n) < 0) return cvm_str_printf(err, "syntax error"), -1;
    e->limit = n;
    return 0;
}

static int rated_source_write_active(struct rated_source *e, const char *v, CvmStr *err)
{
    int b;
    if (ct_parse_bool(v, strlen(v), &b) < 0) return cvm_str_printf(err, "syntax error"), -1;
    e->active = (uint8_t)b;
    rated_source_restart(e);
    return 0;
}

static int rated_source_write_length(struct rated_source *e, const char *v, CvmStr *err)
{
    int64_t n;
    if (ct_parse_int32(v, &n) < 0) return cvm_str_printf(err, "syntax error"), -1;
    return rated_source_set_data(e, e->src.data, e->src.len, n, err);
}

static int rated_source_write_datasize(struct rated_source *e, const char *v, CvmStr *err) { return rated_source_write_length(e, v, err); }
