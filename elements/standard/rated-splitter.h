/* RatedSplitter and BandwidthRatedSplitter (rated-splitter.ts): each pushed
 * packet takes a token from RatedUnqueue's jiffy bucket and leaves by output
 * 0, or finds none and leaves by output 1 (dropped without it). The
 * bandwidth splitter counts bytes: a packet may go while 131072 byte tokens
 * are there and costs its length. */
#ifndef CVM_STD_RATED_SPLITTER_H
#define CVM_STD_RATED_SPLITTER_H

#include "cvm.h"
#include "elements/lib/checked-output.h"
#include "rate-settings.h"


struct rated_splitter {
    CvmElement base;
    uint32_t rate;
    uint32_t burst_ms;           /* BURST_DURATION in ms (default 20) ... */
    uint32_t burst_tokens;       /* ... unless BURST_SIZE / BURST_BYTES is given */
    uint8_t has_burst_tokens;
    uint8_t bandwidth;           /* BandwidthRatedSplitter */
    TokenBucket bucket;
};

static uint32_t rated_splitter_capacity(const struct rated_splitter *e)
{
    return rate_bucket_capacity(e->rate, e->burst_ms, e->burst_tokens, e->has_burst_tokens, e->bandwidth);
}

static int rated_splitter_init(struct rated_splitter *e, CvmStr *err)
{
    (void)err;
    TokenBucket empty = { 0 };
    e->bucket = empty;
    token_bucket_assign(&e->bucket, e->rate, rated_splitter_capacity(e));
    return 0;
}

static inline void rated_splitter_push(struct rated_splitter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint32_t now = click_jiffies();
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        token_bucket_refill(&e->bucket, now);
        int ok;
        if (e->bandwidth) {
            ok = token_bucket_contains(&e->bucket, RATE_BANDWIDTH_THRESHOLD);
            if (ok) token_bucket_remove(&e->bucket, p->len);
        } else {
            ok = token_bucket_contains(&e->bucket, 1);
            if (ok) token_bucket_remove(&e->bucket, 1);
        }
        if (ok) cvm_emit(out, 0, p);
        else emit_checked(out, 1, p);
    }
}

static void rated_splitter_read_rate(struct rated_splitter *e, CvmStr *o) { rate_read(&e->bucket, e->bandwidth, o); }

static void rated_splitter_read_config(struct rated_splitter *e, CvmStr *o) { rated_splitter_read_rate(e, o); }

/* A new rate; the bucket keeps its fill fraction and the configured burst. */
static int rated_splitter_write_rate(struct rated_splitter *e, const char *v, CvmStr *err)
{
    uint32_t rate;
    if (rate_parse(v, e->bandwidth, &rate, err) < 0) return -1;
    e->rate = rate;
    token_bucket_assign(&e->bucket, rate, rated_splitter_capacity(e));
    return 0;
}

#endif
