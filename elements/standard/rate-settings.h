/* What the rated elements (RatedUnqueue, RatedSplitter and their Bandwidth
 * forms) share: the bucket's capacity from RATE and the burst settings, and
 * the `rate` handler's text both ways. A bandwidth element counts bytes: a
 * packet may go while RATE_BANDWIDTH_THRESHOLD byte tokens are there. */
#ifndef CVM_STD_RATE_SETTINGS_H
#define CVM_STD_RATE_SETTINGS_H

#include "cvm.h"
#include "token-bucket.h"
#include "handler-values.h"
#include "bandwidth-arg.h"

#define RATE_BANDWIDTH_THRESHOLD 131072u

/* Bucket capacity: BURST_SIZE/BURST_BYTES when given, else RATE x BURST_DURATION (bucketCapacity in rated-unqueue.ts). */
static uint32_t rate_bucket_capacity(uint32_t rate, uint32_t burst_ms, uint32_t burst_tokens, int has_burst_tokens, int bandwidth)
{
    uint64_t tokens = has_burst_tokens ? burst_tokens : (uint64_t)rate * burst_ms / 1000;
    if (tokens > 0xffffffffu) tokens = 0xffffffffu;
    if (bandwidth) {
        tokens += RATE_BANDWIDTH_THRESHOLD;
        if (tokens > 0xffffffffu) tokens = 0xffffffffu;
    }
    return tokens ? (uint32_t)tokens : 1;
}

static void rate_read(const TokenBucket *b, int bandwidth, CvmStr *o)
{
    uint32_t r = token_bucket_rate(b);
    if (bandwidth) bandwidth_unparse(o, r);
    else cvm_str_printf(o, "%u", r);
}

/* A written rate: a bandwidth, or an unsigned packet rate. */
static int rate_parse(const char *v, int bandwidth, uint32_t *rate, CvmStr *err)
{
    if (bandwidth) {
        CvmStr m = { 0 };
        int r = bandwidth_parse(v, rate, &m);
        if (r < 0) cvm_str_printf(err, "rate: %s", m.s);
        cvm_str_free(&m);
        return r < 0 ? -1 : 0;
    }
    const char *s;
    size_t n;
    ct_trim(v, strlen(v), &s, &n);
    if (n == 0) return cvm_str_printf(err, "rate: missing value"), -1;
    return std_unsigned_value(v, "rate", rate, err) < 0 ? -1 : 0;
}

#endif
