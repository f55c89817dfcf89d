/* RoundRobinIPMapper: rewrite patterns handed out in turn to the rewriters
 * whose input specs name it (round-robin-ip-mapper.ts); the choosing is
 * rw_mapper_rewrite in rewriter.h. */
#include "cvm.h"
#include "../lib/rewriter.h"

struct round_robin_ip_mapper {
    CvmElement base;
    RwMapper m;
};

static int round_robin_ip_mapper_init(struct round_robin_ip_mapper *e, CvmStr *err)
{
    RwMapper *m = &e->m;
    m->own = malloc(m->n * sizeof *m->own);
    m->use = calloc(m->n, sizeof *m->use);
    if (!m->own || !m->use) return cvm_str_printf(err, "out of memory"), -1;
    for (uint32_t i = 0; i < m->n; i++) {
        m->own[i] = m->conf[i].pattern;
        m->use[i] = m->conf[i].name ? rw_named_pattern(m->conf[i].name) : &m->own[i];
    }
    for (uint32_t i = 0; i < m->n; i++)
        if (!m->use[i]) return cvm_str_printf(err, "no such pattern '%s'", m->conf[i].name), -1;
    return 0;
}

static void round_robin_ip_mapper_cleanup(struct round_robin_ip_mapper *e)
{
    free(e->m.own);
    free(e->m.use);
    e->m.own = NULL;
    e->m.use = NULL;
}
