/* Click's token bucket with jiffy ticks (TokenBucketX), as token-bucket.ts
 * computes it: up to 2^32-1 fractional tokens, one real token being
 * token_scale of them; each jiffy adds tokens_per_tick. */
#ifndef CVM_STD_TOKEN_BUCKET_H
#define CVM_STD_TOKEN_BUCKET_H

#include "click-time.h"

#define TOKEN_BUCKET_MAX 0xffffffffu

typedef struct TokenBucket {
    uint32_t tokens_per_tick;
    uint32_t token_scale;
    uint32_t time_until_full;    /* ticks to fill an empty bucket */
    uint32_t tokens;             /* fractional tokens held */
    uint32_t time_point;         /* jiffies of the last refill; starts empty at 0 */
} TokenBucket;

/* Rate (tokens per second) and capacity, keeping the fill fraction. */
static void token_bucket_assign(TokenBucket *b, uint32_t rate, uint32_t capacity)
{
    uint32_t r = rate, cap = capacity;
    if (cap == 0) {
        r = 0;
        cap = TOKEN_BUCKET_MAX;
    }
    if (r != 0) {
        uint32_t min_capacity = (r - 1) / CLICK_HZ + 1;
        if (cap < min_capacity) cap = min_capacity;
    }
    b->token_scale = TOKEN_BUCKET_MAX / cap;
    uint64_t per_tick = (uint64_t)r * b->token_scale / CLICK_HZ;
    if (r != 0) {
        b->tokens_per_tick = per_tick ? (uint32_t)per_tick : 1;
        b->time_until_full = (TOKEN_BUCKET_MAX - 1) / b->tokens_per_tick + 1;
    } else {
        b->tokens_per_tick = 0;
        b->time_until_full = TOKEN_BUCKET_MAX;
    }
}

/* The rate as Click reports it, with its rounding. */
static uint32_t token_bucket_rate(const TokenBucket *b)
{
    uint64_t tpt = b->tokens_per_tick;
    uint64_t v = (tpt / 2 + tpt * CLICK_HZ) / b->token_scale;
    return v > TOKEN_BUCKET_MAX ? TOKEN_BUCKET_MAX : (uint32_t)v;
}

static inline void token_bucket_refill(TokenBucket *b, uint32_t now)
{
    /* A clock that went back counts as no time, as at user level in Click. */
    uint32_t diff = b->time_point <= now ? now - b->time_point : 0;
    if (diff >= b->time_until_full) {
        b->tokens = TOKEN_BUCKET_MAX;
    } else if (diff > 0) {
        uint64_t next = b->tokens + (uint64_t)diff * b->tokens_per_tick;
        b->tokens = next > TOKEN_BUCKET_MAX ? TOKEN_BUCKET_MAX : (uint32_t)next;
    }
    b->time_point = now;
}

/* Fractional tokens for t real tokens; above TOKEN_BUCKET_MAX if beyond capacity. */
static inline uint64_t token_bucket_scaled(const TokenBucket *b, uint32_t t) { return (uint64_t)t * b->token_scale; }

static inline int token_bucket_contains(const TokenBucket *b, uint32_t t)
{
    uint64_t f = token_bucket_scaled(b, t);
    return f <= TOKEN_BUCKET_MAX && f <= b->tokens;
}

/* Remove t tokens; an overdrawn bucket is left empty. */
static inline void token_bucket_remove(TokenBucket *b, uint32_t t)
{
    uint64_t f = token_bucket_scaled(b, t);
    if (f > TOKEN_BUCKET_MAX) f = TOKEN_BUCKET_MAX;
    b->tokens = f <= b->tokens ? b->tokens - (uint32_t)f : 0;
}

/* Ticks until the bucket holds t tokens; TOKEN_BUCKET_MAX if never. */
static uint32_t token_bucket_time_until_contains(const TokenBucket *b, uint32_t t)
{
    uint64_t f = token_bucket_scaled(b, t);
    if (f > TOKEN_BUCKET_MAX) return TOKEN_BUCKET_MAX;
    if (f <= b->tokens || b->time_until_full == 0) return 0;
    if (b->tokens_per_tick == 0) return TOKEN_BUCKET_MAX;
    return (uint32_t)((f - b->tokens - 1) / b->tokens_per_tick + 1);
}

#endif
