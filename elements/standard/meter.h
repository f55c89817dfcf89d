/* Meter and BandwidthMeter (bandwidth-meter.ts): a 32-bit RateEWMA (alpha
 * 1/16, 10 fraction bits) of packets or bytes per jiffy; each packet leaves
 * on the output of the first threshold its updated rate is below, or the
 * last output. */
#ifndef CVM_STD_METER_H
#define CVM_STD_METER_H

#include "cvm.h"
#include "rate-ewma.h"

struct meter {
    CvmElement base;
    const uint32_t *thresholds;  /* scaled per-jiffy rates, increasing */
    uint32_t nthresholds;
    uint8_t by_bytes;            /* BandwidthMeter: the sample is the length */
    RateEwma ewma;
};

static int meter_init(struct meter *e, CvmStr *err)
{
    (void)err;
    RateEwma r = RATE_EWMA_INIT(0, 4, 10);
    e->ewma = r;
    rate_ewma_start(&e->ewma, click_jiffies());
    return 0;
}

static inline void meter_push(struct meter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    uint32_t now = click_jiffies();
    const uint32_t *t = e->thresholds;
    const uint32_t nt = e->nthresholds;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        rate_ewma_update(&e->ewma, e->by_bytes ? p->len : 1, now);
        uint32_t r = (uint32_t)e->ewma.avg;
        unsigned k = 0;
        while (k < nt && r >= t[k]) k++;
        cvm_emit(out, k, p);
    }
}

static void meter_read_rate(struct meter *e, CvmStr *o)
{
    rate_ewma_update(&e->ewma, 0, click_jiffies());
    rate_ewma_unparse(&e->ewma, o, e->ewma.scale, 1);
}

/* The thresholds as rates per second, one a line. */
static void meter_read_meters(struct meter *e, CvmStr *o)
{
    for (uint32_t i = 0; i < e->nthresholds; i++) {
        if (i) cvm_str_append(o, "\n", 1);
        click_unparse_real2_u32(o, e->thresholds[i] * (uint32_t)CLICK_HZ, 10);
    }
}

#endif
