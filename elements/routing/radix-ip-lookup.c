/* RadixIPLookup: Click's radix trie (a 256-way first level for the top 8
 * bits, 16-way levels below; each node also keeps the keys of prefixes
 * shorter than its stride), route slots with a free list, and the default
 * route beside the trie, exactly as radix-ip-lookup.ts, so lookups and the
 * `table` order match Click's. Packets are looked up in a flat table
 * derived from the trie (radix-flat.h): at most three reads. */
#include "cvm.h"
#include "../lib/ip-route.h"
#include "radix-flat.h"

/* A node's slot: the key of the longest prefix covering it at this level,
 * and the subtree below it; key and child sit together for the lookup. */
typedef struct RadixChild {
    int32_t key;                 /* 1-based route slot, 0: none */
    struct RadixNode *child;
} RadixChild;

typedef struct RadixNode {
    uint32_t bitshift, mask;     /* mask = n - 1 */
    int32_t n;
    int32_t *inner_key;          /* keys of shorter prefixes, heap-indexed 2..n-1 */
    RadixChild slot[];           /* n slots */
} RadixNode;

typedef struct RadixSlot {
    IprRoute r;
    int32_t free;                /* next free slot, or -1 */
} RadixSlot;

typedef struct RadixTable {
    RadixNode *root;
    RadixSlot *v;
    uint32_t n, cap;
    int32_t vfree;
    int32_t default_key;
    RadixFlat flat;              /* the packet path's view of the trie */
} RadixTable;

struct radix_ip_lookup {
    CvmElement base;
    const uint32_t *routes;      /* addr, mask, gw, port per configured route */
    uint32_t nroutes;
    int32_t noutputs;
    RadixTable table;
};

static unsigned radix_ip_lookup_no_route_said;

static RadixNode *radix_node_new(uint32_t bitshift, int32_t n)
{
    size_t slots = (size_t)n * sizeof(RadixChild), inner = (size_t)(n - 2) * sizeof(int32_t);
    RadixNode *r = calloc(1, sizeof *r + slots + inner);
    if (!r) return NULL;
    r->bitshift = bitshift;
    r->mask = (uint32_t)n - 1;
    r->n = n;
    r->inner_key = (int32_t *)((char *)r->slot + slots);
    return r;
}

static void radix_node_free(RadixNode *r)
{
    if (!r) return;
    for (int32_t i = 0; i < r->n; i++) radix_node_free(r->slot[i].child);
    free(r);
}

static inline int32_t radix_key(const RadixNode *r, int32_t i) { return i >= r->n ? r->slot[i - r->n].key : r->inner_key[i - 2]; }
static inline void radix_set_key(RadixNode *r, int32_t i, int32_t v)
{
    if (i >= r->n) r->slot[i - r->n].key = v;
    else r->inner_key[i - 2] = v;
}

/* Install (key 0: clear) `key` for addr/mask; returns the key the prefix had (Click's Radix::change). */
static int32_t radix_change(RadixNode *r, uint32_t addr, uint32_t mask, int32_t key, int set)
{
    for (;;) {
        RadixChild *c = &r->slot[(addr >> r->bitshift) & r->mask];
        if (!(mask & ((1u << r->bitshift) - 1))) break;
        /* The prefix ends below this level. */
        if (!c->child && !(c->child = radix_node_new(r->bitshift - 4, 16))) return 0;
        r = c->child;
    }
    int32_t i1 = r->n + (int32_t)((addr >> r->bitshift) & r->mask);
    int32_t nmasked = r->n - (int32_t)((mask >> r->bitshift) & r->mask);
    for (int32_t x = nmasked; x > 1; x /= 2) i1 /= 2;
    int32_t replace_key = radix_key(r, i1), prev_key = replace_key;
    if (prev_key && i1 > 3 && radix_key(r, i1 / 2) == prev_key) prev_key = 0;
    if (!key && i1 > 3) key = radix_key(r, i1 / 2);
    if (prev_key != key && (!prev_key || set)) {
        for (nmasked = 1; i1 < r->n * 2; i1 *= 2, nmasked *= 2)
            for (int32_t x = i1; x < i1 + nmasked; ++x)
                if (radix_key(r, x) == replace_key) radix_set_key(r, x, key);
    }
    return prev_key;
}

static inline int32_t radix_lookup_key(const RadixTable *t, uint32_t addr)
{
    int32_t cur = t->default_key;
    for (const RadixNode *r = t->root; r;) {
        const RadixChild *c = &r->slot[(addr >> r->bitshift) & r->mask];
        if (c->key) cur = c->key;
        r = c->child;
    }
    return cur;
}

/* Paint the flat table with what the trie below `r` answers; addresses
 * under `prefix` that no slot of `r` claims answer `inherited`. */
static int radix_flat_walk(RadixFlat *f, const RadixNode *r, uint32_t prefix, int32_t inherited)
{
    for (int32_t i = 0; i < r->n; i++) {
        const RadixChild *c = &r->slot[i];
        uint32_t lo = prefix | (uint32_t)i << r->bitshift;
        int32_t key = c->key ? c->key : inherited;
        if (c->child ? radix_flat_walk(f, c->child, lo, key) : radix_flat_paint(f, lo, r->bitshift, (uint32_t)key)) return -1;
    }
    return 0;
}

static void radix_flat_build(RadixTable *t)
{
    RadixFlat *f = &t->flat;
    f->stale = 0;
    f->nchunks = 0;
    if (!f->top) f->top = malloc(65536 * sizeof *f->top);
    /* no chunk of the last build may be taken for one of this build */
    if (f->top) memset(f->top, 0, 65536 * sizeof *f->top);
    f->broken = !f->top || !t->root || radix_flat_walk(f, t->root, 0, t->default_key) < 0;
}

/* The key for addr: from the flat table, rebuilt first if a route changed. */
static inline int32_t radix_table_lookup(RadixTable *t, uint32_t addr)
{
    if (__builtin_expect(t->flat.stale, 0)) radix_flat_build(t);
    return __builtin_expect(t->flat.broken, 0) ? radix_lookup_key(t, addr) : radix_flat_lookup(&t->flat, addr);
}

static int radix_add(void *tab, const IprRoute *route, int set, IprRoute *old, int *has_old)
{
    RadixTable *t = tab;
    t->flat.stale = 1;
    if (t->n == t->cap && t->vfree < 0) {
        uint32_t cap = t->cap ? t->cap * 2 : 8;
        RadixSlot *nv = realloc(t->v, cap * sizeof *nv);
        if (!nv) return IPR_ENOENT;
        t->v = nv;
        t->cap = cap;
    }
    int32_t found = t->vfree < 0 ? (int32_t)t->n : t->vfree;
    int32_t last_key;
    if (route->mask) last_key = radix_change(t->root, route->addr, route->mask, found + 1, set);
    else {
        last_key = t->default_key;
        if (!last_key || set) t->default_key = found + 1;
    }
    *has_old = 0;
    if (last_key) *old = t->v[last_key - 1].r, *has_old = 1;
    if (last_key && !set) return IPR_EEXIST;
    if (found == (int32_t)t->n) t->n++;
    else t->vfree = t->v[found].free;
    t->v[found].r = *route;
    t->v[found].free = -1;
    if (last_key) {
        t->v[last_key - 1].free = t->vfree;
        t->vfree = last_key - 1;
    }
    return IPR_OK;
}

static int radix_remove(void *tab, const IprRoute *route, IprRoute *old, int *has_old)
{
    RadixTable *t = tab;
    t->flat.stale = 1;
    /* With key 0 and set false, change only reports the current key. */
    int32_t last_key = route->mask ? radix_change(t->root, route->addr, route->mask, 0, 0) : t->default_key;
    *has_old = 0;
    if (last_key) *old = t->v[last_key - 1].r, *has_old = 1;
    if (!last_key || !ipr_matches(route, &t->v[last_key - 1].r)) return IPR_ENOENT;
    t->v[last_key - 1].free = t->vfree;
    t->vfree = last_key - 1;
    if (route->mask) radix_change(t->root, route->addr, route->mask, 0, 1);
    else t->default_key = 0;
    return IPR_OK;
}

static int32_t radix_lookup(void *tab, uint32_t addr, uint32_t *gw)
{
    RadixTable *t = tab;
    int32_t key = radix_table_lookup(t, addr);
    if (!key) {
        *gw = 0;
        return -1;
    }
    *gw = t->v[key - 1].r.gw;
    return t->v[key - 1].r.port;
}

static const IprOps radix_ops = { radix_add, radix_remove };

static int radix_table_reset(RadixTable *t)
{
    radix_node_free(t->root);
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
    t->vfree = -1;
    t->default_key = 0;
    t->flat.stale = 1;
    t->root = radix_node_new(24, 256);
    return t->root ? 0 : -1;
}

static int radix_ip_lookup_init(struct radix_ip_lookup *e, CvmStr *err)
{
    radix_ip_lookup_no_route_said = 0;
    e->table.root = NULL;
    e->table.v = NULL;
    e->table.flat = (RadixFlat){ 0 };
    if (radix_table_reset(&e->table) < 0) {
        cvm_str_printf(err, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < e->nroutes; i++) {
        const uint32_t *c = e->routes + 4 * i;
        IprRoute r = { c[0], c[1], c[2], (int32_t)c[3] }, old;
        int has_old;
        radix_add(&e->table, &r, 0, &old, &has_old);
    }
    return 0;
}

static void radix_ip_lookup_cleanup(struct radix_ip_lookup *e)
{
    radix_node_free(e->table.root);
    free(e->table.v);
    radix_flat_free(&e->table.flat);
    e->table.root = NULL;
    e->table.v = NULL;
    e->table.n = e->table.cap = 0;
}

static inline void radix_ip_lookup_push(struct radix_ip_lookup *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    RadixTable *t = &e->table;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint32_t dst = cvm_dst_ip(p);
        int32_t key = radix_table_lookup(t, dst);
        const IprRoute *r = key ? &t->v[key - 1].r : NULL;
        if (r && r->port >= 0 && r->port < e->noutputs) {
            if (r->gw) cvm_set_dst_ip(p, r->gw);
            cvm_emit(out, (unsigned)r->port, p);
        } else {
            ipr_no_route(&radix_ip_lookup_no_route_said, "IPRouteTable", dst);
            cvm_drop(out, p);
        }
    }
}

static void radix_ip_lookup_read_table(struct radix_ip_lookup *e, CvmStr *o)
{
    RadixTable *t = &e->table;
    /* Freed slots are marked dead first, as Click's dump does. */
    for (int32_t j = t->vfree; j >= 0; j = t->v[j].free) {
        t->v[j].r.addr = 0;
        t->v[j].r.mask = 0xffffffffu;
        t->v[j].r.port = IPR_KILLED;
    }
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->v[i].r.port <= IPR_KILLED) continue;
        ipr_put_route(o, &t->v[i].r, 1);
        cvm_str_append(o, "\n", 1);
    }
}

static int radix_ip_lookup_read_param_lookup(struct radix_ip_lookup *e, const char *param, CvmStr *o)
{
    return ipr_lookup_text(param, radix_lookup, &e->table, o);
}

static int radix_ip_lookup_write_add(struct radix_ip_lookup *e, const char *v, CvmStr *err)
{
    return ipr_run_command(&e->table, &radix_ops, e->noutputs, IPR_ADD, ct_text(v), NULL, err);
}

static int radix_ip_lookup_write_set(struct radix_ip_lookup *e, const char *v, CvmStr *err)
{
    return ipr_run_command(&e->table, &radix_ops, e->noutputs, IPR_SET, ct_text(v), NULL, err);
}

static int radix_ip_lookup_write_remove(struct radix_ip_lookup *e, const char *v, CvmStr *err)
{
    return ipr_run_command(&e->table, &radix_ops, e->noutputs, IPR_REMOVE, ct_text(v), NULL, err);
}

static int radix_ip_lookup_write_ctrl(struct radix_ip_lookup *e, const char *v, CvmStr *err)
{
    return ipr_run_ctrl(&e->table, &radix_ops, e->noutputs, v, err);
}

static int radix_ip_lookup_write_flush(struct radix_ip_lookup *e, const char *v, CvmStr *err)
{
    (void)v;
    if (radix_table_reset(&e->table) < 0) return cvm_str_printf(err, "out of memory"), -1;
    return 0;
}
