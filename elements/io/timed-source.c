/* TimedSource: a timer sends one clone of the prototype packet every
 * INTERVAL (spaced from the previous expiry) until LIMIT; the firing that
 * finds the limit reached stops the driver with STOP. */
#include "cvm.h"
#include "elements/io/io-text.h"
#include "elements/lib/source-data.h"

struct timed_source {
    CvmElement base;
    CvmTimer timer;
    /* configuration */
    const uint8_t *init_data;
    uint32_t init_data_len;
    int64_t interval, limit;
    uint32_t headroom;
    uint8_t active, stop;
    /* state */
    SourceData src;              /* current DATA (handlers may replace it) and the prototype */
    uint64_t count;
};

static int timed_source_init(struct timed_source *e, CvmStr *err)
{
    e->src = (SourceData){ 0 };
    if (source_data_set(&e->src, e->init_data, e->init_data_len, -1, e->headroom, err) < 0) return -1;
    if (e->active) cvm_timer_schedule_after(&e->timer, e->interval);
    return 0;
}

static void timed_source_cleanup(struct timed_source *e) { source_data_free(&e->src); }

static void timed_source_run_timer(struct timed_source *e, CvmIn *in, CvmOut *out)
{
    (void)in;
    if (!e->active) return;
    if (e->limit < 0 || e->count < (uint64_t)e->limit) {
        Packet *p = source_data_clone(&e->src, out, cvm_now());
        e->count++;
        if (p) cvm_emit(out, 0, p);
        cvm_timer_schedule_at(&e->timer, io_add_ns(e->timer.expiry, e->interval));
    } else if (e->stop) {
        cvm_request_stop();
    }
}

/* After `active` or `reset`: fire now if idle. */
static void timed_source_wake(struct timed_source *e)
{
    if (e->active && !cvm_timer_scheduled(&e->timer)) cvm_timer_schedule_at(&e->timer, cvm_now());
}

static void timed_source_read_count(struct timed_source *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void timed_source_read_data(struct timed_source *e, CvmStr *o) { source_data_read(&e->src, o); }
static void timed_source_read_limit(struct timed_source *e, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)e->limit); }
static void timed_source_read_interval(struct timed_source *e, CvmStr *o) { io_format_interval(o, e->interval); }
static void timed_source_read_active(struct timed_source *e, CvmStr *o) { cvm_str_printf(o, "%s", ct_bool_text(e->active)); }
static void timed_source_read_headroom(struct timed_source *e, CvmStr *o) { cvm_str_printf(o, "%u", e->headroom); }

static int timed_source_write_reset(struct timed_source *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    timed_source_wake(e);
    return 0;
}

static int timed_source_write_data(struct timed_source *e, const char *v, CvmStr *err)
{
    return source_data_set(&e->src, (const uint8_t *)v, (uint32_t)strlen(v), -1, e->headroom, err);
}

static int timed_source_write_limit(struct timed_source *e, const char *v, CvmStr *err)
{
    int64_t n;
    if (ct_parse_int32(v, &n) < 0) return cvm_str_printf(err, "syntax error"), -1;
    e->limit = n;
    return 0;
}

static int timed_source_write_interval(struct timed_source *e, const char *v, CvmStr *err)
{
    int64_t ns;
    if (io_parse_interval(v, &ns) < 0 || ns == 0) return cvm_str_printf(err, "bad interval"), -1;
    e->interval = ns;
    return 0;
}

static int timed_source_write_active(struct timed_source *e, const char *v, CvmStr *err)
{
    int b;
    if (ct_parse_bool(v, strlen(v), &b) < 0) return cvm_str_printf(err, "bad active"), -1;
    e->active = (uint8_t)b;
    timed_source_wake(e);
    return 0;
}

static int timed_source_write_headroom(struct timed_source *e, const char *v, CvmStr *err)
{
    int64_t n;
    if (ct_parse_integer_in(v, strlen(v), 0, CT_INT32_MAX, &n) < 0) return cvm_str_printf(err, "bad headroom"), -1;
    uint32_t old = e->headroom;
    e->headroom = (uint32_t)n;
    if (source_data_set(&e->src, e->src.data, e->src.len, -1, e->headroom, err) < 0) {
        e->headroom = old;
        return -1;
    }
    return 0;
}
