/* IPRewriterPatterns: named rewrite patterns (ip-rewriter-patterns.ts).
 * Users find them by name through rw_named_pattern (rewriter.h), which
 * makes the shared state on first use. */
#include "cvm.h"
#include "../lib/rewriter.h"

/* A name may be defined once per router, across all IPRewriterPatterns. */
static int ip_rewriter_patterns_init(struct ip_rewriter_patterns *e, CvmStr *err)
{
    for (int i = 0; i < e->base.index; i++) {
        CvmElement *el = cvm_router.elements[i];
        if (strcmp(el->class_name, "IPRewriterPatterns")) continue;
        const struct ip_rewriter_patterns *other = (const struct ip_rewriter_patterns *)el;
        for (uint32_t k = 0; k < e->n; k++)
            for (uint32_t j = 0; j < other->n; j++)
                if (!strcmp(e->names[k], other->names[j])) return cvm_str_printf(err, "pattern '%s' already defined", e->names[k]), -1;
    }
    return 0;
}

static void ip_rewriter_patterns_cleanup(struct ip_rewriter_patterns *e)
{
    free(e->state);
    e->state = NULL;
}
