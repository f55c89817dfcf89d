/* The rewriters' mappings in C (rewriter-flow.ts): flows with a forward and
 * a reply entry, a hash table of entries that also keeps insertion order
 * (the host engine's Map: a `set` of a present key replaces the entry in
 * place, a delete forgets the position), and the two expiry heaps with
 * Click's sift order. Flows are allocated when a mapping is made and freed
 * when it is destroyed; an established flow's packet costs one hash lookup
 * and one heap repositioning. */
#ifndef CVM_FLOW_TABLE_H
#define CVM_FLOW_TABLE_H

#include "cvm.h"
#include <stddef.h>

typedef struct RwFlowID {
    uint32_t saddr, daddr;
    uint16_t sport, dport;
} RwFlowID;

_Static_assert(sizeof(RwFlowID) == 12, "flow IDs are compared bytewise");

static inline int rw_flowid_eq(const RwFlowID *a, const RwFlowID *b)
{
    return memcmp(a, b, sizeof *a) == 0;   /* 12 bytes, no padding: two loads each */
}

static inline RwFlowID rw_flowid_reverse(RwFlowID f)
{
    RwFlowID r = { f.daddr, f.saddr, f.dport, f.sport };
    return r;
}

static inline uint32_t rw_flowid_hash(const RwFlowID *f)
{
    uint64_t h = (uint64_t)f->saddr * 0x9E3779B97F4A7C15ull;
    h ^= ((uint64_t)f->daddr << 32 | (uint32_t)f->sport << 16 | f->dport) * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(h >> 32);
}

typedef struct RwEntry {
    RwFlowID id;
    uint32_t hash;
    int32_t output;
    uint8_t direction;           /* 0: forward, 1: reply */
    uint8_t in_map;
    struct RwEntry *hnext;       /* bucket chain */
    struct RwEntry *prev, *next; /* insertion order */
} RwEntry;

struct RwInput;
struct RwSeqDelta;

typedef struct RwFlow {
    RwEntry e[2];
    struct RwInput *owner;
    struct RwSeqDelta *dt;       /* TCP sequence deltas (rewriter-seq.h), usually NULL */
    int64_t expiry;              /* jiffies (ms) */
    uint32_t place;              /* index in its heap */
    uint16_t ip_delta, udp_delta;
    uint8_t guaranteed;
    uint8_t ip_p;                /* 6, 17, 33, or 0 for address-only flows */
    uint8_t tflags;
    uint8_t reply_anno;
} RwFlow;

static inline RwFlow *rw_entry_flow(RwEntry *e) { return (RwFlow *)((char *)(e - e->direction) - offsetof(RwFlow, e)); }

/* --- the map --------------------------------------------------------------- */

typedef struct RwMap {
    RwEntry **buckets;
    uint32_t mask;               /* buckets - 1 */
    uint32_t count;
    RwEntry *head, *tail;
} RwMap;

static inline RwEntry *rw_map_find(const RwMap *m, const RwFlowID *id)
{
    if (!m->buckets) return NULL;
    uint32_t h = rw_flowid_hash(id);
    for (RwEntry *e = m->buckets[h & m->mask]; e; e = e->hnext)
        if (e->hash == h && rw_flowid_eq(&e->id, id)) return e;
    return NULL;
}

static int rw_map_grow(RwMap *m)
{
    uint32_t n = m->buckets ? (m->mask + 1) * 2 : 64;
    RwEntry **b = calloc(n, sizeof *b);
    if (!b) return -1;
    for (RwEntry *e = m->head; e; e = e->next) {
        e->hnext = b[e->hash & (n - 1)];
        b[e->hash & (n - 1)] = e;
    }
    free(m->buckets);
    m->buckets = b;
    m->mask = n - 1;
    return 0;
}

/* Map.set: a new key goes last; a present key's entry is replaced in place.
 * Returns the replaced entry, or NULL. */
static RwEntry *rw_map_set(RwMap *m, RwEntry *e)
{
    e->hash = rw_flowid_hash(&e->id);
    RwEntry *old = rw_map_find(m, &e->id);
    if (old) {
        RwEntry **pp = &m->buckets[e->hash & m->mask];
        while (*pp != old) pp = &(*pp)->hnext;
        *pp = e;
        e->hnext = old->hnext;
        e->prev = old->prev;
        e->next = old->next;
        if (e->prev) e->prev->next = e;
        else m->head = e;
        if (e->next) e->next->prev = e;
        else m->tail = e;
        old->in_map = 0;
        e->in_map = 1;
        return old;
    }
    if ((!m->buckets || m->count >= m->mask + 1) && rw_map_grow(m) < 0 && !m->buckets) return NULL;
    RwEntry **b = &m->buckets[e->hash & m->mask];
    e->hnext = *b;
    *b = e;
    e->prev = m->tail;
    e->next = NULL;
    if (m->tail) m->tail->next = e;
    else m->head = e;
    m->tail = e;
    e->in_map = 1;
    m->count++;
    return NULL;
}

/* Map.delete of an entry the map holds. */
static void rw_map_remove(RwMap *m, RwEntry *e)
{
    RwEntry **pp = &m->buckets[e->hash & m->mask];
    while (*pp != e) pp = &(*pp)->hnext;
    *pp = e->hnext;
    if (e->prev) e->prev->next = e->next;
    else m->head = e->next;
    if (e->next) e->next->prev = e->prev;
    else m->tail = e->prev;
    e->in_map = 0;
    m->count--;
}

static void rw_map_free(RwMap *m)
{
    free(m->buckets);
    m->buckets = NULL;
    m->mask = m->count = 0;
    m->head = m->tail = NULL;
}

/* --- the expiry heaps ------------------------------------------------------ */

typedef struct RwHeap {
    RwFlow **h[2];               /* [best effort, guaranteed] */
    uint32_t n[2], cap[2];
    int64_t capacity;
} RwHeap;

static inline uint64_t rw_heap_size(const RwHeap *hp) { return (uint64_t)hp->n[0] + hp->n[1]; }

static inline uint32_t rw_sift_up(RwFlow **h, uint32_t i)
{
    RwFlow *f = h[i];
    while (i > 0) {
        uint32_t parent = (i - 1) >> 1;
        if (!(f->expiry < h[parent]->expiry)) break;
        h[i] = h[parent];
        h[i]->place = i;
        i = parent;
    }
    h[i] = f;
    f->place = i;
    return i;
}

/* Click's change_heap: move element i up or down to its place. */
static inline void rw_reposition(RwFlow **h, uint32_t n, uint32_t i)
{
    i = rw_sift_up(h, i);
    RwFlow *f = h[i];
    for (;;) {
        uint32_t smallest = i, trial = i * 2 + 1;
        const RwFlow *s = f;
        if (trial < n && h[trial]->expiry < s->expiry) smallest = trial, s = h[trial];
        if (trial + 1 < n && h[trial + 1]->expiry < s->expiry) smallest = trial + 1;
        if (smallest == i) break;
        h[i] = h[smallest];
        h[i]->place = i;
        i = smallest;
    }
    h[i] = f;
    f->place = i;
}

static int rw_heap_insert(RwHeap *hp, RwFlow *f)
{
    int k = f->guaranteed ? 1 : 0;
    if (hp->n[k] == hp->cap[k]) {
        uint32_t cap = hp->cap[k] ? hp->cap[k] * 2 : 64;
        RwFlow **nh = realloc(hp->h[k], cap * sizeof *nh);
        if (!nh) return -1;
        hp->h[k] = nh;
        hp->cap[k] = cap;
    }
    hp->h[k][hp->n[k]++] = f;
    rw_sift_up(hp->h[k], hp->n[k] - 1);
    return 0;
}

/* Take a flow out of its heap (Click's remove_heap + pop_back). */
static void rw_heap_remove(RwHeap *hp, RwFlow *f)
{
    int k = f->guaranteed ? 1 : 0;
    RwFlow **h = hp->h[k];
    uint32_t i = f->place, last = hp->n[k] - 1;
    if (i != last) {
        h[i] = h[last];
        h[i]->place = i;
        hp->n[k]--;
        rw_reposition(h, hp->n[k], i);
    } else {
        hp->n[k]--;
    }
}

/* Set a flow's expiry, moving it between the heaps if its guarantee changes. */
static inline void rw_heap_change_expiry(RwHeap *hp, RwFlow *f, int guaranteed, int64_t expiry)
{
    f->expiry = expiry;
    if (f->guaranteed != guaranteed) {
        rw_heap_remove(hp, f);
        f->guaranteed = (uint8_t)guaranteed;
        rw_heap_insert(hp, f);
    } else {
        int k = guaranteed ? 1 : 0;
        rw_reposition(hp->h[k], hp->n[k], f->place);
    }
}

static void rw_heap_free(RwHeap *hp)
{
    free(hp->h[0]);
    free(hp->h[1]);
    hp->h[0] = hp->h[1] = NULL;
    hp->n[0] = hp->n[1] = hp->cap[0] = hp->cap[1] = 0;
}

#endif
