/* Unqueue: a task pulls up to BURST packets per run and pushes them on, at
 * most LIMIT in all; it polls (reschedules itself) as the host engine does,
 * with Click's 32-bit count arithmetic. */
#include "cvm.h"
#include "handler-values.h"

#define UNQUEUE_MAX_BURST 0x7fffffff

struct unqueue {
    CvmElement base;
    CvmTask task;
    int32_t burst, limit;
    uint8_t active;
    uint32_t count;
    /* Set by a lock-step source before its run (dataplane-native/lockstep.ts):
     * pull at least this many in the next run, then back to 0. */
    uint32_t lockstep_pull;
};

/* Packets a run pulls as configured; 0 when it cannot keep pace with a
 * lock-step source (inactive, or a LIMIT to stop at). */
static inline uint32_t unqueue_lockstep_burst(const struct unqueue *e)
{
    return e->active && e->limit < 0 ? (uint32_t)e->burst : 0;
}

static int unqueue_init(struct unqueue *e, CvmStr *err)
{
    (void)err;
    if (e->active) cvm_task_schedule(&e->task);
    return 0;
}

static int unqueue_run_task(struct unqueue *e, CvmIn *in, CvmOut *out)
{
    if (!e->active) {
        cvm_task_unschedule(&e->task);
        return 0;
    }
    int64_t want = e->burst > (int64_t)e->lockstep_pull ? e->burst : (int64_t)e->lockstep_pull;
    e->lockstep_pull = 0;
    if (e->limit >= 0 && (int64_t)(uint32_t)(e->count + (uint32_t)want) >= e->limit) {
        want = (int32_t)(uint32_t)((int64_t)e->limit - (int64_t)e->count);
        if (want <= 0) {
            cvm_task_unschedule(&e->task);
            return 0;
        }
    }
    int64_t worked = 0;
    PacketBatch b;
    while (worked < want && e->active) {
        int64_t ask = want - worked;
        cvm_pull(in, 0, &b, ask < CVM_BATCH_MAX ? (unsigned)ask : CVM_BATCH_MAX);
        if (b.n == 0) break;
        worked += b.n;
        e->count += b.n;
        cvm_emit_all(out, 0, b.p, b.n);
    }
    cvm_task_schedule(&e->task);
    return worked > 0;
}

/* After a handler write: resume if active and under the limit. */
static void unqueue_wake(struct unqueue *e)
{
    if (e->active && !e->task.scheduled && (e->limit < 0 || (int64_t)e->count < e->limit)) cvm_task_schedule(&e->task);
}

static void unqueue_read_count(struct unqueue *e, CvmStr *o) { cvm_str_printf(o, "%u", e->count); }
static void unqueue_read_active(struct unqueue *e, CvmStr *o) { std_bool_text(o, e->active); }
static void unqueue_read_burst(struct unqueue *e, CvmStr *o) { cvm_str_printf(o, "%d", e->burst); }
static void unqueue_read_limit(struct unqueue *e, CvmStr *o) { cvm_str_printf(o, "%d", e->limit); }

static int unqueue_write_reset(struct unqueue *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    unqueue_wake(e);
    return 0;
}

static int unqueue_write_reset_counts(struct unqueue *e, const char *v, CvmStr *err) { return unqueue_write_reset(e, v, err); }

static int unqueue_write_active(struct unqueue *e, const char *v, CvmStr *err)
{
    if (std_bool_value(v, "active", &e->active, err) < 0) return -1;
    unqueue_wake(e);
    return 0;
}

static int unqueue_write_burst(struct unqueue *e, const char *v, CvmStr *err)
{
    int32_t b;
    if (std_signed_value(v, "burst", &b, err) < 0) return -1;
    e->burst = b < 0 ? UNQUEUE_MAX_BURST : b;
    unqueue_wake(e);
    return 0;
}

static int unqueue_write_limit(struct unqueue *e, const char *v, CvmStr *err)
{
    if (std_signed_value(v, "limit", &e->limit, err) < 0) return -1;
    unqueue_wake(e);
    return 0;
}
