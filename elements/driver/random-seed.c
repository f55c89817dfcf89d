/* RandomSeed: Click's random numbers from a seed (random-seed.ts): glibc's
 * random() after srandom(SEED) from initialization on; without SEED the
 * run's own generator, restarted. */
#include "cvm.h"
#include "../lib/handler-args.h"

struct random_seed {
    CvmElement base;
    uint32_t seed;
    int has_seed;
};

static void random_seed_apply(const struct random_seed *e)
{
    if (e->has_seed) cvm_random_srandom(e->seed);
    else cvm_random_reset();
}

static int random_seed_init(struct random_seed *e, CvmStr *err)
{
    (void)err;
    random_seed_apply(e);
    return 0;
}

static void random_seed_read_seed(struct random_seed *e, CvmStr *o)
{
    if (e->has_seed) cvm_str_printf(o, "%u", e->seed);
}

static int random_seed_write_seed(struct random_seed *e, const char *v, CvmStr *err)
{
    const char *t;
    size_t n;
    ct_trim(v, strlen(v), &t, &n);
    if (!n) e->has_seed = 0;
    else {
        int64_t s;
        if (hv_value_int(v, HV_UNSIGNED, &s, err) < 0) return -1;
        e->seed = (uint32_t)s;
        e->has_seed = 1;
    }
    random_seed_apply(e);
    return 0;
}
