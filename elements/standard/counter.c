/* Counter: count packets and bytes, estimate their rates (Click's RateEWMA,
 * 1 ms epochs), and call a handler when a count is reached. Every packet
 * continues on output 0. Without calls the batch is counted in one pass and
 * the clock is read once per batch; with calls, each packet is counted and
 * its call made before the next packet (as counter.ts does). */
#include "cvm.h"
#include "router.h"
#include "rate-ewma.h"
#include "handler-values.h"

/* Never reached: Click's (counter_t) -1, the host's MAX_SAFE_INTEGER. */
#define COUNTER_NO_TRIGGER ((uint64_t)CT_MAX_SAFE_INTEGER)

/* A COUNT_CALL / BYTE_COUNT_CALL. Strings are compile-time constants until a
 * handler write replaces them with heap copies (`owned`). */
typedef struct CounterCall {
    uint64_t trigger;
    const char *handler;         /* NULL: no call configured */
    const char *value;
    uint8_t owned, triggered;
} CounterCall;

struct counter {
    CvmElement base;
    CounterCall calls[2];        /* [0] packets, [1] bytes */
    uint64_t count, byte_count;
    RateEwma packet_rate, byte_rate;
};

/* The compiled configuration leaves the rate parameters to this helper so a
 * struct initialised without them (a spec with no init) still works. */
static void counter_setup_rates(struct counter *e, uint32_t now)
{
    RateEwma packets = RATE_EWMA_INIT(1, 4, 10), bytes = RATE_EWMA_INIT(1, 4, 4);
    e->packet_rate = packets;
    e->byte_rate = bytes;
    rate_ewma_start(&e->packet_rate, now);
    rate_ewma_start(&e->byte_rate, now);
}

static int counter_init(struct counter *e, CvmStr *err)
{
    (void)err;
    counter_setup_rates(e, click_jiffies());
    for (int i = 0; i < 2; i++) e->calls[i].trigger = e->calls[i].handler ? e->calls[i].trigger : COUNTER_NO_TRIGGER;
    return 0;
}

static void counter_free_call(CounterCall *c)
{
    if (c->owned) {
        free((char *)c->handler);
        free((char *)c->value);
    }
    c->owned = 0;
}

static void counter_cleanup(struct counter *e)
{
    counter_free_call(&e->calls[0]);
    counter_free_call(&e->calls[1]);
    e->calls[0].handler = e->calls[1].handler = NULL;
}

/* Hot reconfiguration (counter.ts's takeState): the counts go on; calls
 * already due stay made. */
static void counter_take_state(struct counter *e, struct counter *old, CvmHotswap *hs)
{
    (void)hs;
    e->count = old->count;
    e->byte_count = old->byte_count;
    e->calls[0].triggered = e->count >= e->calls[0].trigger;
    e->calls[1].triggered = e->byte_count >= e->calls[1].trigger;
}

static inline void counter_rates(struct counter *e, uint64_t packets, uint64_t bytes, uint32_t now)
{
    if (!e->packet_rate.stability) counter_setup_rates(e, 0);
    rate_ewma_update(&e->packet_rate, packets, now);
    rate_ewma_update(&e->byte_rate, bytes, now);
}

static void counter_reset(struct counter *e)
{
    e->count = e->byte_count = 0;
    e->calls[0].triggered = e->calls[1].triggered = 0;
}

static int counter_write_call(struct counter *e, int which, const char *text, CvmStr *err);

/* Make one call; failures are reported as chatter, as the host does. */
static void counter_call(struct counter *e, const CounterCall *c)
{
    const char *h = c->handler;
    CvmStr err = { 0 };
    int r = 0;
    if (!strchr(h, '.') && (!strcmp(h, "reset") || !strcmp(h, "reset_counts"))) counter_reset(e);
    else if (!strchr(h, '.') && !strcmp(h, "count_call")) r = counter_write_call(e, 0, c->value, &err);
    else if (!strchr(h, '.') && !strcmp(h, "byte_count_call")) r = counter_write_call(e, 1, c->value, &err);
    else r = cvm_write_handler(h, c->value, &err);   /* as the host's env.writeHandler: `stop N` counts N stops */
    if (r < 0) cvm_chatter(e->base.name, "%s: %s", h, err.s ? err.s : "");
    cvm_str_free(&err);
}

/* Make call `c` once it is due; it works on a copy because the call may
 * rewrite the call itself (count_call), freeing the strings. */
static void counter_fire(struct counter *e, CounterCall *c, int due)
{
    if (!due || c->triggered) return;
    c->triggered = 1;
    if (!c->handler) return;
    CounterCall now = *c;
    char *h = strdup(now.handler), *v = strdup(now.value);
    if (h && v) {
        now.handler = h, now.value = v;
        counter_call(e, &now);
    }
    free(h), free(v);
}

static void counter_fire_calls(struct counter *e)
{
    counter_fire(e, &e->calls[0], e->count == e->calls[0].trigger);
    counter_fire(e, &e->calls[1], e->byte_count >= e->calls[1].trigger);
}

static inline void counter_push(struct counter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    uint32_t now = click_jiffies();
    if (!e->calls[0].handler && !e->calls[1].handler) {
        uint64_t bytes = 0;
        for (unsigned i = 0; i < n; i++) bytes += in[i]->len;
        e->count += n;
        e->byte_count += bytes;
        counter_rates(e, n, bytes, now);
        cvm_emit_all(out, 0, in, n);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        e->count++;
        e->byte_count += p->len;
        counter_rates(e, 1, p->len, now);
        counter_fire_calls(e);
        cvm_emit(out, 0, p);
    }
}

/* --- handlers ------------------------------------------------------------ */

static void counter_read_count(struct counter *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void counter_read_byte_count(struct counter *e, CvmStr *o) { cvm_str_u64(o, e->byte_count); }

/* Rate handlers first account for the epochs that passed without packets,
 * each in its own estimator only (an extra update elsewhere could split a
 * long idle stretch and so change how it decays). */
static RateEwma *counter_rate_now(struct counter *e, int bytes)
{
    if (!e->packet_rate.stability) counter_setup_rates(e, 0);
    RateEwma *r = bytes ? &e->byte_rate : &e->packet_rate;
    rate_ewma_update(r, 0, click_jiffies());
    return r;
}

static void counter_read_rate(struct counter *e, CvmStr *o)
{
    RateEwma *r = counter_rate_now(e, 0);
    rate_ewma_unparse(r, o, r->scale, 1);
}

static void counter_read_byte_rate(struct counter *e, CvmStr *o)
{
    RateEwma *r = counter_rate_now(e, 1);
    rate_ewma_unparse(r, o, r->scale, 1);
}

/* Bits: three fraction bits fewer rather than a multiplication by 8 when
 * the scale allows (Click's guard against overflow). */
static void counter_read_bit_rate(struct counter *e, CvmStr *o)
{
    RateEwma *r = counter_rate_now(e, 1);
    if (r->scale >= 3) rate_ewma_unparse(r, o, r->scale - 3, 1);
    else rate_ewma_unparse(r, o, r->scale, 8);
}

static int counter_write_reset(struct counter *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    counter_reset(e);
    return 0;
}

static int counter_write_reset_counts(struct counter *e, const char *v, CvmStr *err) { return counter_write_reset(e, v, err); }

static void counter_read_count_call(struct counter *e, CvmStr *o)
{
    if (e->calls[0].handler) cvm_str_u64(o, e->calls[0].trigger);
}

/* "N [HANDLER [VALUE]]": N an unsigned count (saturating), HANDLER the
 * second word, VALUE the rest; a missing HANDLER keeps the current call. */
static int counter_write_call(struct counter *e, int which, const char *text, CvmStr *err)
{
    const char *what = which == 0 ? "count_call" : "byte_count_call";
    const char *t;
    size_t n;
    ct_trim(text, strlen(text), &t, &n);
    CtWords w = { 0 };
    if (ct_split_words(t, n, &w) < 0) return ct_words_free(&w), cvm_str_printf(err, "out of memory"), -1;
    const char *first = w.n ? ct_word(&w, 0) : "";
    size_t first_len = w.n ? w.at[0].len : 0;
    size_t k = first_len && first[0] == '+' ? 1 : 0;
    int ok = k < first_len;
    for (size_t i = k; i < first_len; i++) ok &= first[i] >= '0' && first[i] <= '9';
    if (!ok) {
        cvm_str_printf(err, "%s should start with an unsigned count, not '%.*s'", what, (int)first_len, first);
        ct_words_free(&w);
        return -1;
    }
    uint64_t count = 0;
    for (size_t i = k; i < first_len; i++) {
        count = count * 10 + (uint64_t)(first[i] - '0');
        if (count > COUNTER_NO_TRIGGER) {
            count = COUNTER_NO_TRIGGER;
            break;
        }
    }
    CounterCall *c = &e->calls[which];
    char *handler, *value;
    if (w.n >= 2) {
        handler = strndup(ct_word(&w, 1), w.at[1].len);
        if (w.n >= 3) {
            const char *vs;
            size_t vn;
            /* The host slices the text from the third word's offset relative to the first's. */
            size_t from = w.at[2].start - w.at[0].start;
            ct_trim(t + from, n - from, &vs, &vn);
            value = strndup(vs, vn);
        } else {
            value = strdup("");
        }
    } else {
        if (!c->handler) {
            cvm_str_printf(err, "no handler to call: write \"N HANDLER [VALUE]\"");
            ct_words_free(&w);
            return -1;
        }
        handler = strdup(c->handler);
        value = strdup(c->value);
    }
    ct_words_free(&w);
    if (!handler || !value) {
        free(handler), free(value);
        return cvm_str_printf(err, "out of memory"), -1;
    }
    counter_free_call(c);
    c->handler = handler;
    c->value = value;
    c->owned = 1;
    c->trigger = count;
    c->triggered = 0;
    return 0;
}

static int counter_write_count_call(struct counter *e, const char *v, CvmStr *err) { return counter_write_call(e, 0, v, err); }
static int counter_write_byte_count_call(struct counter *e, const char *v, CvmStr *err) { return counter_write_call(e, 1, v, err); }
