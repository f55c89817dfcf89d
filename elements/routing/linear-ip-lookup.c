/* LinearIPLookup (and StaticIPLookup, which shares this file and its "no
 * route" counter): a routing table searched linearly, in Click's slot order
 * with its "next more specific route" links, as linear-ip-lookup.ts. */
#include "cvm.h"
#include "../lib/ip-route.h"

#define LIN_NO_NEXT 0x7fffffff

typedef struct LinSlot {
    IprRoute r;
    int32_t next;                /* index of the next slot that may hold a more specific route */
} LinSlot;

typedef struct LinTable {
    LinSlot *t;
    uint32_t n, cap;
    int32_t zero_route;          /* slot of 0.0.0.0/32, or -1 */
} LinTable;

struct linear_ip_lookup {
    CvmElement base;
    const uint32_t *routes;      /* addr, mask, gw, port per configured route */
    uint32_t nroutes;
    int32_t noutputs;
    LinTable table;
};

/* "no route" lines printed so far by this router's Linear/StaticIPLookups. */
static unsigned linear_ip_lookup_no_route_said;

static inline int lin_contains(const IprRoute *r, uint32_t addr) { return ((addr ^ r->addr) & r->mask) == 0; }
static inline int lin_contains_route(const IprRoute *r, const IprRoute *s) { return lin_contains(r, s->addr) && (s->mask & r->mask) == r->mask; }
static inline int lin_real(const IprRoute *r) { return r->port > IPR_KILLED; }
static inline void lin_kill(IprRoute *r) { r->addr = 0; r->mask = 0xffffffffu; r->port = IPR_KILLED; }

static int lin_add(void *tab, const IprRoute *r, int allow_replace, IprRoute *old, int *has_old)
{
    LinTable *lt = tab;
    LinSlot *t = lt->t;
    uint32_t found = lt->n;
    *has_old = 0;
    for (uint32_t i = 0; i < lt->n; i++) {
        IprRoute *s = &t[i].r;
        if (!lin_real(s)) {
            if (found == lt->n) found = i;
        } else if (s->addr == r->addr && s->mask == r->mask) {
            *old = *s;
            *has_old = 1;
            if (!allow_replace) return IPR_EEXIST;
            s->gw = r->gw;
            s->port = r->port;
            return IPR_OK;
        }
    }
    if (found == lt->n) {
        if (lt->n == lt->cap) {
            uint32_t cap = lt->cap ? lt->cap * 2 : 8;
            LinSlot *nt = realloc(lt->t, cap * sizeof *nt);
            if (!nt) return IPR_ENOENT;
            lt->t = t = nt;
            lt->cap = cap;
        }
        lt->n++;
    }
    LinSlot *slot = &t[found];
    slot->r = *r;
    slot->next = LIN_NO_NEXT;
    for (uint32_t i = found; i-- > 0;)
        if (lin_contains_route(&t[i].r, r) && t[i].next > (int32_t)found) t[i].next = (int32_t)found;
    for (uint32_t i = found + 1; i < lt->n; i++)
        if (lin_contains_route(r, &t[i].r) && lin_real(&t[i].r)) {
            slot->next = (int32_t)i;
            break;
        }
    if (!r->addr && r->mask == 0xffffffffu) lt->zero_route = (int32_t)found;
    return IPR_OK;
}

static int lin_remove(void *tab, const IprRoute *r, IprRoute *old, int *has_old)
{
    LinTable *lt = tab;
    *has_old = 0;
    for (uint32_t i = 0; i < lt->n; i++) {
        IprRoute *s = &lt->t[i].r;
        if (!ipr_matches(r, s)) continue;
        *old = *s;
        *has_old = 1;
        lin_kill(s);
        if ((int32_t)i == lt->zero_route) lt->zero_route = -1;
        else if ((int32_t)i < lt->zero_route) {
            /* Move 0.0.0.0/32 to the earliest free slot, as Click does. */
            IprRoute *z = &lt->t[lt->zero_route].r, zero = *z, o;
            int h;
            lin_kill(z);
            lin_add(lt, &zero, 0, &o, &h);
        }
        return IPR_OK;
    }
    return IPR_ENOENT;
}

static inline int32_t lin_lookup_entry(const LinTable *lt, uint32_t addr)
{
    const LinSlot *t = lt->t;
    for (uint32_t i = 0; i < lt->n; i++) {
        if (!lin_contains(&t[i].r, addr)) continue;
        uint32_t found = i;
        for (uint32_t j = (uint32_t)t[i].next; j < lt->n; j++)
            if (lin_contains(&t[j].r, addr) && (t[j].r.mask & t[found].r.mask) == t[found].r.mask) found = j;
        return (int32_t)found;
    }
    return -1;
}

static int32_t lin_lookup(void *tab, uint32_t addr, uint32_t *gw)
{
    const LinTable *lt = tab;
    int32_t i = lin_lookup_entry(lt, addr);
    if (i < 0) {
        *gw = 0;
        return -1;
    }
    *gw = lt->t[i].r.gw;
    return lt->t[i].r.port;
}

static const IprOps lin_ops = { lin_add, lin_remove };

static int linear_ip_lookup_init(struct linear_ip_lookup *e, CvmStr *err)
{
    linear_ip_lookup_no_route_said = 0;
    e->table.t = NULL;
    e->table.n = e->table.cap = 0;
    e->table.zero_route = -1;
    for (uint32_t i = 0; i < e->nroutes; i++) {
        const uint32_t *c = e->routes + 4 * i;
        IprRoute r = { c[0], c[1], c[2], (int32_t)c[3] }, old;
        int has_old;
        lin_add(&e->table, &r, 0, &old, &has_old);
    }
    if (e->nroutes && !e->table.t) {
        cvm_str_printf(err, "out of memory");
        return -1;
    }
    return 0;
}

static void linear_ip_lookup_cleanup(struct linear_ip_lookup *e)
{
    free(e->table.t);
    e->table.t = NULL;
    e->table.n = e->table.cap = 0;
}

static inline void linear_ip_lookup_push(struct linear_ip_lookup *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint32_t dst = cvm_dst_ip(p);
        int32_t k = lin_lookup_entry(&e->table, dst);
        int32_t to = k < 0 ? -1 : e->table.t[k].r.port;
        if (to >= 0 && to < e->noutputs) {
            uint32_t gw = e->table.t[k].r.gw;
            if (gw) cvm_set_dst_ip(p, gw);
            cvm_emit(out, (unsigned)to, p);
        } else {
            ipr_no_route(&linear_ip_lookup_no_route_said, "LinearIPLookup", dst);
            cvm_drop(out, p);
        }
    }
}

static void linear_ip_lookup_read_table(struct linear_ip_lookup *e, CvmStr *o)
{
    for (uint32_t i = 0; i < e->table.n; i++) {
        if (!lin_real(&e->table.t[i].r)) continue;
        ipr_put_route(o, &e->table.t[i].r, 1);
        cvm_str_append(o, "\n", 1);
    }
}

/* `lookup ADDR`: a read handler with a parameter. */
static int linear_ip_lookup_read_param_lookup(struct linear_ip_lookup *e, const char *param, CvmStr *o)
{
    return ipr_lookup_text(param, lin_lookup, &e->table, o);
}

static int linear_ip_lookup_write_add(struct linear_ip_lookup *e, const char *v, CvmStr *err)
{
    return ipr_run_command(&e->table, &lin_ops, e->noutputs, IPR_ADD, ct_text(v), NULL, err);
}

static int linear_ip_lookup_write_set(struct linear_ip_lookup *e, const char *v, CvmStr *err)
{
    return ipr_run_command(&e->table, &lin_ops, e->noutputs, IPR_SET, ct_text(v), NULL, err);
}

static int linear_ip_lookup_write_remove(struct linear_ip_lookup *e, const char *v, CvmStr *err)
{
    return ipr_run_command(&e->table, &lin_ops, e->noutputs, IPR_REMOVE, ct_text(v), NULL, err);
}

static int linear_ip_lookup_write_ctrl(struct linear_ip_lookup *e, const char *v, CvmStr *err)
{
    return ipr_run_ctrl(&e->table, &lin_ops, e->noutputs, v, err);
}
