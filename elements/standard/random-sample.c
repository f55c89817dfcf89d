/* RandomSample: each packet goes out of output 0 with probability
 * sampling / 2^28 (one cvm_random32() draw per packet while active); the
 * others are counted and go out of output 1, or are dropped. In pull mode
 * packets are pulled one by one and a rejected packet ends the pull. */
#include "cvm.h"
#include "elements/lib/checked-output.h"
#include "handler-values.h"
#include "../lib/click-numbers.h"

#define RANDOM_SAMPLE_SHIFT 28
#define RANDOM_SAMPLE_ONE (1u << RANDOM_SAMPLE_SHIFT)
#define RANDOM_SAMPLE_MASK (RANDOM_SAMPLE_ONE - 1)

struct random_sample {
    CvmElement base;
    uint32_t sampling;
    uint8_t active;
    uint32_t drops;
};

static inline int random_sample_keep(struct random_sample *e)
{
    return !e->active || (cvm_random32() & RANDOM_SAMPLE_MASK) < e->sampling;
}

static inline void random_sample_reject(struct random_sample *e, Packet *p, CvmOut *out)
{
    e->drops++;
    emit_checked(out, 1, p);
}

static inline void random_sample_push(struct random_sample *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        if (random_sample_keep(e)) cvm_emit(out, 0, in[i]);
        else random_sample_reject(e, in[i], out);
    }
}

static void random_sample_pull(struct random_sample *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port;
    PacketBatch one;
    b->n = 0;
    while (b->n < max) {
        cvm_pull(in, 0, &one, 1);
        if (!one.n) break;
        if (random_sample_keep(e)) {
            b->p[b->n++] = one.p[0];
        } else {
            random_sample_reject(e, one.p[0], out);
            break;
        }
    }
}

static void random_sample_read_sampling_prob(struct random_sample *e, CvmStr *o) { click_unparse_real2_u32(o, e->sampling, RANDOM_SAMPLE_SHIFT); }
static void random_sample_read_drop_prob(struct random_sample *e, CvmStr *o) { click_unparse_real2_u32(o, RANDOM_SAMPLE_ONE - e->sampling, RANDOM_SAMPLE_SHIFT); }
static void random_sample_read_active(struct random_sample *e, CvmStr *o) { std_bool_text(o, e->active); }
static void random_sample_read_drops(struct random_sample *e, CvmStr *o) { cvm_str_printf(o, "%u", e->drops); }

static void random_sample_read_config(struct random_sample *e, CvmStr *o)
{
    cvm_str_printf(o, "SAMPLE ");
    click_unparse_real2_u32(o, e->sampling, RANDOM_SAMPLE_SHIFT);
    cvm_str_printf(o, ", ACTIVE %s", e->active ? "true" : "false");
}

static int random_sample_set(struct random_sample *e, const char *v, int drop, CvmStr *err)
{
    uint32_t p;
    if (click_parse_fixed_point(v, RANDOM_SAMPLE_SHIFT, &p) < 0 || p > RANDOM_SAMPLE_ONE) {
        cvm_str_printf(err, "%s: give a number from 0 to 1", drop ? "drop_prob" : "sampling_prob");
        return -1;
    }
    e->sampling = drop ? RANDOM_SAMPLE_ONE - p : p;
    return 0;
}

static int random_sample_write_sampling_prob(struct random_sample *e, const char *v, CvmStr *err) { return random_sample_set(e, v, 0, err); }
static int random_sample_write_drop_prob(struct random_sample *e, const char *v, CvmStr *err) { return random_sample_set(e, v, 1, err); }
static int random_sample_write_active(struct random_sample *e, const char *v, CvmStr *err) { return std_bool_value(v, "active", &e->active, err); }
