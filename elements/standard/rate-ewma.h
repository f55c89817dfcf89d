/* Click's rate estimator (RateEWMAX over DirectEWMAX), as rate-ewma.ts
 * computes it: samples summed per one-jiffy epoch; each finished epoch moves
 * the average by ((x << scale) + compensation - avg) >> stability
 * (arithmetic shift), empty epochs count as x = 0 and more than 99 of them
 * reset the average. Values wrap at the estimator's width, 32 or 64 bits. */
#ifndef CVM_STD_RATE_EWMA_H
#define CVM_STD_RATE_EWMA_H

#include "../lib/click-numbers.h"
#include "click-time.h"

typedef struct RateEwma {
    uint64_t current, avg;       /* wrapped to the width */
    uint32_t epoch;              /* jiffies */
    uint8_t wide;                /* 1: 64-bit value type; 0: unsigned 32-bit */
    uint8_t stability, scale;
} RateEwma;

#define RATE_EWMA_INIT(wide_, stability_, scale_) { .wide = (wide_), .stability = (stability_), .scale = (scale_) }

static inline void rate_ewma_start(RateEwma *r, uint32_t now) { r->epoch = now; }

static inline uint64_t rate_ewma_wrap(const RateEwma *r, uint64_t v) { return r->wide ? v : (uint32_t)v; }

static inline void rate_ewma_step(RateEwma *r, uint64_t xs)
{
    if (r->wide) {
        int64_t diff = (int64_t)(xs - r->avg);
        r->avg += (uint64_t)(diff >> r->stability);
    } else {
        int32_t diff = (int32_t)(uint32_t)(xs - r->avg);
        r->avg = (uint32_t)(r->avg + (uint64_t)(int64_t)(diff >> r->stability));
    }
}

static void rate_ewma_close_epochs(RateEwma *r, uint32_t now)
{
    uint64_t comp = (uint64_t)1 << (r->stability - 1);
    rate_ewma_step(r, rate_ewma_wrap(r, (r->current << r->scale) + comp));
    uint32_t empty = now - r->epoch - 1;
    if (empty >= 100) r->avg = 0;
    else
        for (uint32_t i = 0; i < empty; i++) rate_ewma_step(r, comp);
    r->current = 0;
    r->epoch = now;
}

/* Add delta samples at jiffy `now`. */
static inline void rate_ewma_update(RateEwma *r, uint64_t delta, uint32_t now)
{
    if (now != r->epoch) rate_ewma_close_epochs(r, now);
    r->current = rate_ewma_wrap(r, r->current + delta);
}

/* The average scaled to per-second units times `mult`, printed with
 * frac_bits fraction bits (unparse_rate and the bit-rate variant). */
static void rate_ewma_unparse(const RateEwma *r, CvmStr *o, int frac_bits, uint64_t mult)
{
    if (r->wide) click_unparse_real2_i64(o, (int64_t)(r->avg * CLICK_HZ * mult), frac_bits);
    else click_unparse_real2_u32(o, (uint32_t)((uint64_t)(int64_t)(int32_t)(uint32_t)r->avg * CLICK_HZ * mult), frac_bits);
}

#endif
