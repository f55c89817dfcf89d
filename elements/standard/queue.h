/* The FIFO of Queue, SimpleQueue, FullNoteQueue and FrontDropQueue
 * (queue-base.ts): at most CAPACITY packets in a ring allocated in init,
 * pushed in on input 0, pulled from output 0; packets that do not fit go
 * out of push output 1 if it exists, else are dropped. FrontDropQueue
 * (`front_drop`) drops the oldest packet instead of the newcomer.
 *
 * The ring holds CAPACITY slots, except that a huge CAPACITY starts with
 * QUEUE_RING_START slots and the ring doubles (a rare malloc on the packet
 * path) when a queue actually grows that long. */
#ifndef CVM_STD_QUEUE_H
#define CVM_STD_QUEUE_H

#include "cvm.h"
#include "elements/lib/checked-output.h"
#include "handler-values.h"

#define QUEUE_RING_START (1u << 20)

struct queue {
    CvmElement base;
    CvmTimer timer;              /* delivers what `reset` drained, out of output 1 */
    uint32_t capacity;
    uint8_t front_drop;
    uint8_t mixed;               /* MixedQueue: input 1 is LIFO */
    uint8_t has_drop_output;     /* output 1 exists */
    /* state */
    Packet **ring;
    uint32_t size;               /* slots in ring */
    uint32_t head, len;
    uint64_t drops, highwater;
    /* In a lock-step pair (dataplane-native/lockstep.ts) the queue holds a
     * batch of rounds where Click's would hold one round: the high-water mark
     * counts at most one round. UINT32_MAX otherwise. */
    uint32_t lockstep_round;
    Packet **flushing;           /* drained by `reset`, waiting for the timer */
    uint32_t nflushing, flushing_cap;
};

static int queue_resize(struct queue *e, uint32_t size)
{
    if (size == 0) size = 1;
    Packet **r = malloc((size_t)size * sizeof *r);
    if (!r) return -1;
    for (uint32_t i = 0; i < e->len; i++) r[i] = e->ring[(e->head + i) % e->size];
    free(e->ring);
    e->ring = r;
    e->size = size;
    e->head = 0;
    return 0;
}

static int queue_init(struct queue *e, CvmStr *err)
{
    e->ring = NULL;
    e->size = 1;
    e->head = e->len = 0;
    e->flushing = NULL;
    e->nflushing = e->flushing_cap = 0;
    e->lockstep_round = UINT32_MAX;
    if (queue_resize(e, e->capacity < QUEUE_RING_START ? e->capacity : QUEUE_RING_START) < 0) {
        cvm_str_printf(err, "out of memory for %u packets", e->capacity);
        return -1;
    }
    return 0;
}

static void queue_cleanup(struct queue *e)
{
    for (uint32_t i = 0; i < e->len; i++) cvm_packet_free(e->ring[(e->head + i) % e->size]);
    for (uint32_t i = 0; i < e->nflushing; i++) cvm_packet_free(e->flushing[i]);
    free(e->ring);
    free(e->flushing);
    e->ring = e->flushing = NULL;
    e->len = e->nflushing = 0;
}

static uint64_t queue_held(struct queue *e) { return (uint64_t)e->len + e->nflushing; }

static inline Packet *queue_take_head(struct queue *e)
{
    Packet *p = e->ring[e->head];
    e->head = e->head + 1 == e->size ? 0 : e->head + 1;
    e->len--;
    return p;
}

static inline void queue_append(struct queue *e, Packet *p)
{
    if (e->len == e->size && queue_resize(e, e->size > 0x7fffffffu ? 0xffffffffu : e->size * 2) < 0) {
        /* Out of memory growing a huge queue: the packet is lost, counted. */
        e->base.stats.dropped++;
        cvm_packet_free(p);
        return;
    }
    uint32_t tail = e->head + e->len;
    if (tail >= e->size) tail -= e->size;
    e->ring[tail] = p;
    e->len++;
    uint32_t seen = e->len < e->lockstep_round ? e->len : e->lockstep_round;
    if (seen > e->highwater) e->highwater = seen;
}

/* MixedQueue's input 1: the packet goes to the head (taken first). */
static inline void queue_prepend(struct queue *e, Packet *p)
{
    if (e->len == e->size && queue_resize(e, e->size > 0x7fffffffu ? 0xffffffffu : e->size * 2) < 0) {
        e->base.stats.dropped++;
        cvm_packet_free(p);
        return;
    }
    e->head = e->head == 0 ? e->size - 1 : e->head - 1;
    e->ring[e->head] = p;
    e->len++;
    if (e->len > e->highwater) e->highwater = e->len;
}

/* Before every lock-step source run: may the pair batch (`may`: the drain
 * can keep pace)? Only from an empty queue with room for the whole batch, so
 * no round can overflow; a refused round leaves the high-water mark free. */
static inline int queue_lockstep_begin(struct queue *e, int may, uint32_t round, uint32_t batch)
{
    int ok = may && e->len == 0 && e->capacity >= batch;
    e->lockstep_round = ok ? round : UINT32_MAX;
    return ok;
}

/* A packet that does not fit: counted, warned about once, sent out of output 1 or dropped. */
static inline void queue_overflow(struct queue *e, Packet *p, CvmOut *out)
{
    if (e->drops == 0 && e->capacity > 0) cvm_chatter(e->base.name, "overflow");
    e->drops++;
    emit_checked(out, 1, p);
}

static inline void queue_push(struct queue *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (e->mixed && port == 1) {
            if (e->capacity == 0) {
                queue_overflow(e, p, out);
                continue;
            }
            Packet *last = NULL;
            if (e->len >= e->capacity) {
                uint32_t tail = e->head + e->len - 1;
                if (tail >= e->size) tail -= e->size;
                last = e->ring[tail];
                e->len--;
            }
            queue_prepend(e, p);
            if (last) queue_overflow(e, last, out);
        } else if (!e->front_drop) {
            if (e->len < e->capacity) queue_append(e, p);
            else queue_overflow(e, p, out);
        } else if (e->capacity == 0) {
            queue_overflow(e, p, out);
        } else {
            if (e->len >= e->capacity) queue_overflow(e, queue_take_head(e), out);
            queue_append(e, p);
        }
    }
}

static void queue_pull(struct queue *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port; (void)in; (void)out;
    unsigned n = max < e->len ? max : e->len;
    for (unsigned i = 0; i < n; i++) b->p[i] = queue_take_head(e);
    b->n = n;
}

/* The timer after `reset`: the drained packets leave out of output 1 (only
 * a Queue with output 1 defers them here; without it reset drops at once). */
static void queue_run_timer(struct queue *e, CvmIn *in, CvmOut *out)
{
    (void)in;
    Packet **pending = e->flushing;
    uint32_t n = e->nflushing;
    e->flushing = NULL;
    e->nflushing = e->flushing_cap = 0;
    for (uint32_t i = 0; i < n; i++) emit_checked(out, 1, pending[i]);
    free(pending);
}

/* --- handlers ------------------------------------------------------------ */

static void queue_read_length(struct queue *e, CvmStr *o) { cvm_str_printf(o, "%u", e->len); }
static void queue_read_highwater_length(struct queue *e, CvmStr *o) { cvm_str_u64(o, e->highwater); }
static void queue_read_capacity(struct queue *e, CvmStr *o) { cvm_str_printf(o, "%u", e->capacity); }
static void queue_read_drops(struct queue *e, CvmStr *o) { cvm_str_u64(o, e->drops); }

static int queue_write_reset_counts(struct queue *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->drops = 0;
    e->highwater = e->len;
    return 0;
}

/* A handler has no output path: drops are counted directly. */
static void queue_drop_here(struct queue *e, Packet *p)
{
    e->base.stats.dropped++;
    cvm_packet_free(p);
}

static int queue_write_reset(struct queue *e, const char *v, CvmStr *err)
{
    (void)v;
    if (!e->has_drop_output) {
        while (e->len) queue_drop_here(e, queue_take_head(e));
        return 0;
    }
    if (e->nflushing + e->len > e->flushing_cap) {
        uint32_t cap = e->nflushing + e->len;
        Packet **f = realloc(e->flushing, (size_t)(cap ? cap : 1) * sizeof *f);
        if (!f) return cvm_str_printf(err, "out of memory"), -1;
        e->flushing = f;
        e->flushing_cap = cap;
    }
    while (e->len) e->flushing[e->nflushing++] = queue_take_head(e);
    if (!cvm_timer_scheduled(&e->timer)) cvm_timer_schedule_after(&e->timer, 0);
    return 0;
}

/* Hot reconfiguration (queue-base.ts's takeState): the old queue's packets,
 * oldest first, copied into this library's pool; what does not fit the
 * capacity is dropped at the old queue. Packets an old `reset` had drained
 * leave out of output 1 from here (or are dropped without one). */
static void queue_take_state(struct queue *e, struct queue *old, CvmHotswap *hs)
{
    if (e->len) {
        cvm_str_printf(hs->err, "%s: already have packets enqueued, cannot take state\n", e->base.name);
        return;
    }
    uint32_t n = old->len, kept = 0;
    for (uint32_t i = 0; i < n; i++) {
        Packet *p = queue_take_head(old);
        if (kept >= e->capacity) {
            old->base.stats.dropped++;
            hs->old->free_packet(p);
            continue;
        }
        cvm_hotswap_took(&e->base, &old->base, 1);
        Packet *q = cvm_hotswap_packet(hs, p);
        if (q) queue_append(e, q), kept++;
        else e->base.stats.dropped++;
    }
    if (kept < n) cvm_str_printf(hs->err, "%s: some packets lost (old length %u, new capacity %u)\n", e->base.name, n, e->capacity);
    Packet **f = old->nflushing && e->has_drop_output ? realloc(e->flushing, (size_t)(e->nflushing + old->nflushing) * sizeof *f) : NULL;
    if (f) e->flushing = f, e->flushing_cap = e->nflushing + old->nflushing;
    for (uint32_t i = 0; i < old->nflushing; i++) {
        if (!f) {
            old->base.stats.dropped++;
            hs->old->free_packet(old->flushing[i]);
            continue;
        }
        cvm_hotswap_took(&e->base, &old->base, 1);
        Packet *q = cvm_hotswap_packet(hs, old->flushing[i]);
        if (q) e->flushing[e->nflushing++] = q;
        else e->base.stats.dropped++;
    }
    old->nflushing = 0;
    if (e->nflushing && !cvm_timer_scheduled(&e->timer)) cvm_timer_schedule_after(&e->timer, 0);
}

/* A new capacity; the packets beyond it are dropped (the newest, or for
 * FrontDropQueue the oldest). */
static int queue_write_capacity(struct queue *e, const char *v, CvmStr *err)
{
    uint32_t c;
    if (std_unsigned_value(v, "capacity", &c, err) < 0) return -1;
    e->capacity = c;
    if (e->front_drop)
        while (e->len > c) queue_drop_here(e, queue_take_head(e));
    else
        while (e->len > c) {
            uint32_t tail = e->head + e->len - 1;
            if (tail >= e->size) tail -= e->size;
            queue_drop_here(e, e->ring[tail]);
            e->len--;
        }
    uint32_t want = c < QUEUE_RING_START ? c : QUEUE_RING_START;
    if (want > e->size && queue_resize(e, want) < 0) return cvm_str_printf(err, "out of memory"), -1;
    return 0;
}

#endif
