/* AverageCounter: count packets and bytes (unsigned 32-bit) and report the
 * average rate between the first and the latest packet, in jiffies; packets
 * in the first IGNORE jiffies after the first packet are not counted. */
#include "cvm.h"
#include "../lib/click-numbers.h"
#include "click-time.h"

struct average_counter {
    CvmElement base;
    uint32_t ignore;             /* jiffies */
    uint32_t count, byte_count;
    uint32_t first, last;        /* jiffies; first 0 means no packet yet, as in Click */
};

static inline void average_counter_push(struct average_counter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    if (!n) return;
    uint32_t now = click_jiffies();
    if (e->first == 0) e->first = now;
    /* The clock is constant over the batch, so either every packet counts or none does. */
    if (now - e->first >= e->ignore) {
        uint32_t bytes = 0;
        for (unsigned i = 0; i < n; i++) bytes += in[i]->len;
        e->count += n;
        e->byte_count += bytes;
    }
    e->last = now;
    cvm_emit_all(out, 0, in, n);
}

static void average_counter_rate(struct average_counter *e, CvmStr *o, uint64_t n)
{
    uint32_t elapsed = e->last - e->first;
    elapsed -= e->ignore;
    if (elapsed < 1) elapsed = 1;
    click_format_double(o, (double)(n * CLICK_HZ) / (double)elapsed);
}

static void average_counter_read_count(struct average_counter *e, CvmStr *o) { cvm_str_printf(o, "%u", e->count); }
static void average_counter_read_byte_count(struct average_counter *e, CvmStr *o) { cvm_str_printf(o, "%u", e->byte_count); }
static void average_counter_read_rate(struct average_counter *e, CvmStr *o) { average_counter_rate(e, o, e->count); }
static void average_counter_read_byte_rate(struct average_counter *e, CvmStr *o) { average_counter_rate(e, o, e->byte_count); }
static void average_counter_read_bit_rate(struct average_counter *e, CvmStr *o) { average_counter_rate(e, o, (uint64_t)e->byte_count * 8); }

static int average_counter_write_reset(struct average_counter *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = e->byte_count = e->first = e->last = 0;
    return 0;
}
