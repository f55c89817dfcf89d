/* RatedUnqueue and BandwidthRatedUnqueue (rated-unqueue.ts): a task moves
 * at most one packet per run from the pull input to the output while a
 * token bucket refilled per jiffy holds enough tokens; otherwise it sleeps
 * until a timer says the tokens have come. BandwidthRatedUnqueue counts
 * bytes: a packet may go once 131072 byte tokens are there and costs its
 * length. */
#ifndef CVM_STD_RATED_UNQUEUE_H
#define CVM_STD_RATED_UNQUEUE_H

#include "cvm.h"
#include "rate-settings.h"


struct rated_unqueue {
    CvmElement base;
    CvmTask task;
    CvmTimer timer;
    uint32_t rate;
    uint32_t burst_ms;           /* BURST_DURATION in ms (default 20) ... */
    uint32_t burst_tokens;       /* ... unless BURST_SIZE / BURST_BYTES is given */
    uint8_t has_burst_tokens;
    uint8_t bandwidth;           /* BandwidthRatedUnqueue */
    uint8_t active;
    uint32_t runs, empty_runs, pushes, failed_pulls;
    TokenBucket bucket;
};

static uint32_t rated_unqueue_capacity(const struct rated_unqueue *e)
{
    return rate_bucket_capacity(e->rate, e->burst_ms, e->burst_tokens, e->has_burst_tokens, e->bandwidth);
}

static int rated_unqueue_init(struct rated_unqueue *e, CvmStr *err)
{
    (void)err;
    TokenBucket empty = { 0 };
    e->bucket = empty;
    token_bucket_assign(&e->bucket, e->rate, rated_unqueue_capacity(e));
    e->active = 1;
    cvm_task_schedule(&e->task);
    return 0;
}

static int rated_unqueue_run_task(struct rated_unqueue *e, CvmIn *in, CvmOut *out)
{
    e->runs++;
    if (!e->active) {
        cvm_task_unschedule(&e->task);
        return 0;
    }
    const uint32_t threshold = e->bandwidth ? RATE_BANDWIDTH_THRESHOLD : 1;
    token_bucket_refill(&e->bucket, click_jiffies());
    if (!token_bucket_contains(&e->bucket, threshold)) {
        cvm_timer_schedule_after(&e->timer, click_jiffies_to_ns(token_bucket_time_until_contains(&e->bucket, threshold)));
        e->empty_runs++;
        cvm_task_unschedule(&e->task);
        return 0;
    }
    PacketBatch b;
    cvm_pull(in, 0, &b, 1);
    int worked = 0;
    if (b.n) {
        Packet *p = b.p[0];
        token_bucket_remove(&e->bucket, e->bandwidth ? p->len : 1);
        e->pushes++;
        worked = 1;
        cvm_emit(out, 0, p);
    } else {
        e->failed_pulls++;
    }
    cvm_task_schedule(&e->task);
    if (!worked) e->empty_runs++;
    return worked;
}

static void rated_unqueue_run_timer(struct rated_unqueue *e, CvmIn *in, CvmOut *out)
{
    (void)in; (void)out;
    cvm_task_schedule(&e->task);
}

static void rated_unqueue_read_rate(struct rated_unqueue *e, CvmStr *o) { rate_read(&e->bucket, e->bandwidth, o); }

static void rated_unqueue_read_config(struct rated_unqueue *e, CvmStr *o) { rated_unqueue_read_rate(e, o); }
static void rated_unqueue_read_active(struct rated_unqueue *e, CvmStr *o) { std_bool_text(o, e->active); }

static void rated_unqueue_read_calls(struct rated_unqueue *e, CvmStr *o)
{
    cvm_str_printf(o, "%u calls to run_task()\n%u empty runs\n%u pushes\n%u failed pulls", e->runs, e->empty_runs, e->pushes, e->failed_pulls);
}

/* A new rate; the bucket keeps its fill fraction and the configured burst. */
static int rated_unqueue_write_rate(struct rated_unqueue *e, const char *v, CvmStr *err)
{
    uint32_t rate;
    if (rate_parse(v, e->bandwidth, &rate, err) < 0) return -1;
    e->rate = rate;
    token_bucket_assign(&e->bucket, rate, rated_unqueue_capacity(e));
    return 0;
}

static int rated_unqueue_write_active(struct rated_unqueue *e, const char *v, CvmStr *err)
{
    return std_bool_value(v, "active", &e->active, err);
}

#endif
