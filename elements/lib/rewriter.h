/* What the rewriters share in C, as the host engine's elements/nat/
 * (rewriter-base.ts, rewriter-pattern.ts, rewriter-apply.ts,
 * port-rewriter.ts): input specs,
 * rewrite patterns (with IPRewriterPatterns' named ones and the
 * RoundRobinIPMapper), storing flows with capacity and reaping, the
 * per-packet rewriting with Click's incremental checksum updates, and the
 * handler texts. Every rewriter embeds an RwCore named
 * `rw`, so one may share the other's flow heap (MAPPING_CAPACITY). Time is
 * in jiffies: milliseconds of engine time. */
#ifndef CVM_REWRITER_H
#define CVM_REWRITER_H

#include "cvm.h"
#include "router.h"
#include "flow-table.h"
#include "transport-checksum.h"
#include "click-values.h"
#include "ip-text.h"
#include "rewriter-seq.h"

enum { RW_DROP = -1, RW_ADDMAP = -2 };
enum { RW_SPEC_DROP, RW_SPEC_NOCHANGE, RW_SPEC_KEEP, RW_SPEC_PATTERN, RW_SPEC_NAMED, RW_SPEC_MAPPER };
/* IPRewriter (TCP and UDP tables), UDPRewriter and TCPRewriter (one table), IPAddrRewriter, ICMPPingRewriter. */
enum { RW_KIND_IPREWRITER, RW_KIND_UDP, RW_KIND_TCP, RW_KIND_ADDR, RW_KIND_ICMP_PING, RW_KIND_ADDR_PAIR };

/* TCP connection-state bits (Click's TCPFlow). */
enum { RW_TCP_FORWARD_DONE = 1, RW_TCP_BOTH_DONE = 3, RW_TCP_FORWARD_DATA = 4, RW_TCP_BOTH_DATA = 12 };

/* A rewrite pattern: its configuration and the next sequential choice. */
typedef struct RwPattern {
    uint32_t saddr, daddr;
    uint32_t sport, dport;
    uint8_t is_napt, sequential, same_first;
    uint32_t variation_top;
    uint64_t next_variation;
} RwPattern;

/* An IPRewriterPatterns element (ip-rewriter-patterns.c): named patterns,
 * shared, sequential state included, by every user of a name. */
struct ip_rewriter_patterns {
    CvmElement base;
    const RwPattern *conf;
    const char **names;
    uint32_t n;
    RwPattern *state;            /* allocated on first use */
};

/* One pattern of a RoundRobinIPMapper, as configured. */
typedef struct RwMapperConf {
    RwPattern pattern;
    const char *name;            /* a named pattern instead, or NULL */
    int32_t foutput, routput;
} RwMapperConf;

typedef struct RwMapper {
    const char *name;            /* the mapper element's name, for messages */
    const RwMapperConf *conf;
    uint32_t n;
    RwPattern *own;              /* state of its own patterns (init) */
    RwPattern **use;             /* per pattern: own or named */
    uint32_t last;
} RwMapper;

typedef struct RwInputConf {
    uint8_t kind;
    int32_t foutput, routput;
    RwPattern pattern;           /* RW_SPEC_PATTERN */
    const char *name;            /* RW_SPEC_NAMED */
    int32_t mapper;              /* RW_SPEC_MAPPER: index into RwCore.mappers */
} RwInputConf;

struct RwCore;

typedef struct RwInput {
    struct RwCore *rw;
    int32_t number;
    uint8_t kind;
    int32_t foutput, routput;
    int64_t count, failures;
    RwPattern own;
    RwPattern *pattern;
    RwMapper *mapper;
} RwInput;

/* A rewriter ICMPRewriter consults, with its output offset (-1: output 0). */
typedef struct RwMapUse {
    struct RwCore *rw;
    int32_t offset;
    const char *word;            /* as configured, for messages */
} RwMapUse;

typedef struct RwCore {
    /* configuration */
    const RwInputConf *input_conf;
    uint32_t ninputs;
    int32_t noutputs;
    uint8_t kind;
    uint8_t nmaps;
    uint32_t annos;              /* bit 0: destination annotation; bit 1: REPLY_ANNO, its offset from bit 2 */
    int64_t timeouts[2];         /* jiffies: best effort, guarantee */
    int64_t gc_interval;         /* seconds between reaps (0: never) */
    struct RwCore *capacity_of;  /* rewriter whose flow heap to share, or NULL */
    RwMapper *const *mappers;
    int64_t tcp_data, tcp_done, udp[2], udp_streaming;   /* port rewriters, jiffies (UDPRewriter: udp = timeouts) */
    /* state */
    RwInput *inputs;
    RwMap maps[2];               /* IPRewriter: TCP, UDP; IPAddrRewriter: one */
    RwHeap own_heap;             /* capacity set by the initializer */
    RwHeap *heap;                /* own_heap or a shared one; NULL before init */
} RwCore;

static inline int64_t rw_jiffies(void) { return cvm_now() / 1000000; }

/* --- patterns ------------------------------------------------------------- */

/* The new flow ID for `flowid`, avoiding flow IDs whose reply is already in
 * `taken` (Click's rewrite_flowid). RW_ADDMAP, or RW_DROP when the range is full. */
static int rw_pattern_rewrite(RwPattern *c, const RwFlowID *flowid, const RwMap *taken, RwFlowID *rw)
{
    rw->saddr = c->saddr ? c->saddr : flowid->saddr;
    rw->sport = c->sport ? (uint16_t)c->sport : flowid->sport;
    rw->daddr = c->daddr ? c->daddr : flowid->daddr;
    rw->dport = c->dport ? (uint16_t)c->dport : flowid->dport;
    uint64_t top = c->variation_top;
    if (!top) return RW_ADDMAP;

    RwFlowID lookup = rw_flowid_reverse(*rw);
    uint32_t base = c->is_napt ? c->sport : c->saddr;
    uint64_t val = (uint32_t)(flowid->sport - base);
    int found = 0;
    /* Click tests the packet's source port here even for address ranges. */
    if (c->same_first && val <= top) {
        lookup.dport = flowid->sport;
        found = !taken || !rw_map_find(taken, &lookup);
    }
    if (!found) {
        val = c->sequential ? (c->next_variation > top ? 0 : c->next_variation) : cvm_random_range(0, (uint32_t)top);   /* Click's click_random(0, top) */
        for (uint64_t count = 0; count <= top; count++, val = val == top ? 0 : val + 1) {
            if (c->is_napt) lookup.dport = (uint16_t)((base + val) & 0xffff);
            else lookup.daddr = (uint32_t)(base + val);
            if (!taken || !rw_map_find(taken, &lookup)) {
                found = 1;
                break;
            }
        }
        if (!found) return RW_DROP;
    }
    if (c->is_napt) rw->sport = lookup.dport;
    else rw->saddr = lookup.daddr;
    c->next_variation = val + 1;
    return RW_ADDMAP;
}

/* Click's IPRewriterPattern::unparse. */
static void rw_pattern_unparse(const RwPattern *p, CvmStr *o)
{
    if (!p->is_napt && p->variation_top) {
        ip_unparse(o, p->saddr);
        cvm_str_append(o, "-", 1);
        ip_unparse(o, (uint32_t)(p->saddr + p->variation_top));
    } else if (p->saddr) ip_unparse(o, p->saddr);
    else cvm_str_append(o, "-", 1);
    if (p->is_napt) {
        if (!p->sport) cvm_str_append(o, " -", 2);
        else if (p->variation_top) cvm_str_printf(o, " %u-%llu", p->sport, (unsigned long long)p->sport + p->variation_top);
        else cvm_str_printf(o, " %u", p->sport);
    }
    if (p->daddr) {
        cvm_str_append(o, " ", 1);
        ip_unparse(o, p->daddr);
    } else cvm_str_append(o, " -", 2);
    if (p->is_napt) {
        if (!p->dport) cvm_str_append(o, " -", 2);
        else cvm_str_printf(o, " %u", p->dport);
    }
}

/* The pattern a name stands for in this router's IPRewriterPatterns elements, or NULL. */
static RwPattern *rw_named_pattern(const char *name)
{
    for (int i = 0; i < cvm_router.nelements; i++) {
        CvmElement *el = cvm_router.elements[i];
        if (strcmp(el->class_name, "IPRewriterPatterns")) continue;
        struct ip_rewriter_patterns *pe = (struct ip_rewriter_patterns *)el;
        for (uint32_t k = 0; k < pe->n; k++) {
            if (strcmp(pe->names[k], name)) continue;
            if (!pe->state) {
                pe->state = malloc(pe->n * sizeof *pe->state);
                if (!pe->state) return NULL;
                memcpy(pe->state, pe->conf, pe->n * sizeof *pe->state);
            }
            return &pe->state[k];
        }
    }
    return NULL;
}

static inline RwMap *rw_get_map(RwCore *rw, int mapid) { return mapid >= 0 && mapid < rw->nmaps ? &rw->maps[mapid] : NULL; }

/* RoundRobinIPMapper's choice: its patterns in turn, from the one after the last used. */
static int rw_mapper_rewrite(RwMapper *m, RwInput *input, const RwFlowID *flowid, int mapid, RwFlowID *out)
{
    RwMap *map = rw_get_map(input->rw, mapid);
    for (uint32_t i = 0; i < m->n; i++) {
        uint32_t k = m->last;
        m->last = (m->last + 1) % m->n;
        RwPattern *pt = m->use ? m->use[k] : NULL;
        if (!pt) continue;
        if (rw_pattern_rewrite(pt, flowid, map, out) != RW_DROP) {
            /* The rewriter's new flow takes this pattern's outputs. */
            input->foutput = m->conf[k].foutput;
            input->routput = m->conf[k].routput;
            return RW_ADDMAP;
        }
    }
    *out = *flowid;
    return RW_DROP;
}

/* Output port (nochange), RW_ADDMAP with the new flow ID, or RW_DROP. */
static int rw_input_rewrite(RwInput *in, const RwFlowID *flowid, int mapid, RwFlowID *out)
{
    int r;
    switch (in->kind) {
    case RW_SPEC_NOCHANGE:
        *out = *flowid;
        return in->foutput;
    case RW_SPEC_KEEP:
        *out = *flowid;
        return RW_ADDMAP;
    case RW_SPEC_PATTERN:
    case RW_SPEC_NAMED:
        r = rw_pattern_rewrite(in->pattern, flowid, rw_get_map(in->rw, mapid), out);
        if (r == RW_DROP) in->failures++;
        return r;
    case RW_SPEC_MAPPER:
        r = rw_mapper_rewrite(in->mapper, in, flowid, mapid, out);
        if (r == RW_DROP) in->failures++;
        return r;
    default:
        *out = *flowid;
        return RW_DROP;
    }
}

/* --- flows ---------------------------------------------------------------- */

static int64_t rw_tcp_flow_timeout(const RwCore *rw, const RwFlow *f)
{
    if ((f->tflags & RW_TCP_BOTH_DONE) == RW_TCP_BOTH_DONE) return rw->tcp_done;
    if ((f->tflags & RW_TCP_BOTH_DATA) == RW_TCP_BOTH_DATA) return rw->tcp_data;
    return rw->timeouts[0];
}

/* UDP flows are "streaming" after 3 packets including a reply (Click's UDPFlow::streaming). */
static inline int64_t rw_udp_flow_timeout(const RwCore *rw, const RwFlow *f) { return f->tflags > 6 ? rw->udp_streaming : rw->udp[0]; }

/* Whether a port rewriter's flow of this protocol is rewritten, and timed, the TCP way. */
static inline int rw_tcp_way(const RwCore *rw, uint8_t ip_p) { return rw->kind == RW_KIND_TCP || (rw->kind == RW_KIND_IPREWRITER && ip_p == 6); }

/* The protocols a port rewriter takes: TCP; UDP but for TCPRewriter; DCCP for UDPRewriter. */
static inline int rw_accepts(const RwCore *rw, uint8_t ip_p)
{
    return ip_p == 6 || (rw->kind != RW_KIND_TCP && ip_p == 17) || (rw->kind == RW_KIND_UDP && ip_p == 33);
}

/* IPRewriter's map for a protocol (TCP: 0, UDP: 1); the others have one. */
static inline int rw_map_index(const RwCore *rw, uint8_t ip_p) { return rw->kind == RW_KIND_IPREWRITER && ip_p != 6; }

/* When a flow expires once its guarantee is over, by its owner's rules. */
static int64_t rw_best_effort_expiry(const RwFlow *f)
{
    const RwCore *rw = f->owner->rw;
    if (rw->kind == RW_KIND_ADDR || rw->kind == RW_KIND_ICMP_PING || rw->kind == RW_KIND_ADDR_PAIR) return f->expiry + rw->timeouts[0] - rw->timeouts[1];
    if (rw_tcp_way(rw, f->ip_p)) return f->expiry + rw_tcp_flow_timeout(rw, f) - rw->timeouts[1];
    return f->expiry + rw_udp_flow_timeout(rw, f) - rw->udp[1];
}

static inline uint16_t rw_flow_word(const RwFlowID *f, int i)
{
    switch (i) {
    case 0: return (uint16_t)(f->saddr >> 16);
    case 1: return (uint16_t)f->saddr;
    case 2: return (uint16_t)(f->daddr >> 16);
    case 3: return (uint16_t)f->daddr;
    case 4: return f->sport;
    default: return f->dport;
    }
}

/* A new flow (Click's IPRewriterFlow constructor); NULL if memory ran out. */
static RwFlow *rw_flow_new(RwInput *owner, const RwFlowID *flowid, const RwFlowID *rewritten, int32_t foutput, int32_t routput, uint8_t ip_p, int guaranteed, int64_t expiry)
{
    RwFlow *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->e[0].id = *flowid;
    f->e[0].output = foutput;
    f->e[0].direction = 0;
    f->e[1].id = rw_flowid_reverse(*rewritten);
    f->e[1].output = routput;
    f->e[1].direction = 1;
    f->owner = owner;
    f->ip_p = ip_p;
    f->guaranteed = (uint8_t)guaranteed;
    f->expiry = expiry;
    /* Click folds the word changes into a checksum-like delta, addresses first, then ports. */
    uint16_t d = 0;
    for (int i = 0; i < 4; i++) d = tc_update(d, rw_flow_word(flowid, i), rw_flow_word(rewritten, i));
    f->ip_delta = d;
    for (int i = 4; i < 6; i++) d = tc_update(d, rw_flow_word(flowid, i), rw_flow_word(rewritten, i));
    /* An ICMP echo's checksum covers only its identifier (the source port), no pseudo-header. */
    f->udp_delta = ip_p == 1 ? tc_update(0, flowid->sport, rewritten->sport) : d;
    return f;
}

static inline RwMap *rw_flow_map(RwCore *rw, const RwFlow *f) { return &rw->maps[rw_map_index(rw, f->ip_p)]; }

static void rw_flow_free(RwFlow *f)
{
    rw_seq_free(f->dt);
    free(f);
}

/* Forget a flow everywhere (Click's IPRewriterFlow::destroy). */
static void rw_destroy(RwFlow *f)
{
    RwCore *rw = f->owner->rw;
    rw_heap_remove(rw->heap, f);
    f->owner->count--;
    RwMap *m = rw_flow_map(rw, f);
    if (f->e[0].in_map) rw_map_remove(m, &f->e[0]);
    if (f->e[1].in_map) rw_map_remove(m, &f->e[1]);
    rw_flow_free(f);
}

static void rw_shift_heap_best_effort(RwHeap *hp, int64_t now)
{
    while (hp->n[1] && !(now < hp->h[1][0]->expiry)) {
        RwFlow *f = hp->h[1][0];
        rw_heap_change_expiry(hp, f, 0, rw_best_effort_expiry(f));
    }
}

/* Reap expired flows, then evict the earliest-expiring down to the capacity (0 with clear_all). */
static void rw_shrink_heap(RwCore *rw, int clear_all)
{
    RwHeap *hp = rw->heap;
    int64_t now = rw_jiffies();
    rw_shift_heap_best_effort(hp, now);
    while (hp->n[0] && !(now < hp->h[0][0]->expiry)) rw_destroy(hp->h[0][0]);
    int64_t capacity = clear_all ? 0 : hp->capacity;
    while (rw_heap_size(hp) > 0 && (int64_t)rw_heap_size(hp) > capacity) rw_destroy(hp->h[hp->n[0] ? 0 : 1][0]);
}

/* Enter a new flow in its map and heap (Click's store_flow); a reply entry
 * that displaces another flow's destroys that flow. Returns the forward
 * entry, or NULL (flow freed) if its ports are bad or the heap is full of
 * guaranteed flows. */
static RwEntry *rw_store_flow(RwCore *rw, RwFlow *f, RwInput *input)
{
    if (f->e[0].output < 0 || f->e[0].output >= rw->noutputs || f->e[1].output < 0 || f->e[1].output >= rw->noutputs) {
        free(f);
        return NULL;
    }
    RwMap *map = rw_flow_map(rw, f);
    rw_map_set(map, &f->e[0]);
    RwEntry *old = rw_map_set(map, &f->e[1]);
    if (old && rw_entry_flow(old) != f) rw_destroy(rw_entry_flow(old));
    RwHeap *hp = rw->heap;
    rw_heap_insert(hp, f);
    input->count++;
    if ((int64_t)rw_heap_size(hp) > hp->capacity) {
        rw_shift_heap_best_effort(hp, rw_jiffies());
        RwFlow *dead = hp->n[0] ? hp->h[0][0] : f;
        rw_destroy(dead);
        if (dead == f) {
            input->failures++;
            return NULL;
        }
    }
    return &f->e[0];
}

/* --- hot reconfiguration --------------------------------------------------- */

typedef struct RwTaken {
    RwFlow *f;
    uint32_t order;
} RwTaken;

static int rw_taken_cmp(const void *a, const void *b)
{
    const RwTaken *x = a, *y = b;
    if (x->f->expiry != y->f->expiry) return x->f->expiry < y->f->expiry ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* rewriter-base.ts's takeState (IPRewriter, UDPRewriter, TCPRewriter): every flow the old rewriter made (guaranteed
 * ones first, then by expiry, as the host engine orders them) is entered
 * here with the same translation, outputs, expiry and connection state,
 * under the input of the same number; flows whose input or outputs this
 * configuration lacks stay behind. Flows live in the process's heap, but
 * each is made anew here, so the old library frees its own at cleanup. */
static void rw_core_take_state(RwCore *rw, RwCore *old, CvmHotswap *hs)
{
    if (!rw->heap || !old->heap) return;
    if (rw_heap_size(rw->heap) > 0) {
        cvm_str_printf(hs->err, "already have mappings, cannot take state\n");
        return;
    }
    uint64_t total = rw_heap_size(old->heap), n = 0;
    RwTaken *all = malloc((size_t)(total ? total : 1) * sizeof *all);
    if (!all) {
        cvm_str_printf(hs->err, "out of memory: mappings not taken\n");
        return;
    }
    for (int g = 1; g >= 0; g--)
        for (uint32_t k = 0; k < old->heap->n[g]; k++) {
            RwFlow *f = old->heap->h[g][k];
            if (f->owner->rw == old) all[n] = (RwTaken){ f, (uint32_t)n }, n++;
        }
    qsort(all, (size_t)n, sizeof *all, rw_taken_cmp);
    for (uint64_t k = 0; k < n; k++) {
        const RwFlow *f = all[k].f;
        if ((uint32_t)f->owner->number >= rw->ninputs || f->e[0].output >= rw->noutputs || f->e[1].output >= rw->noutputs) continue;
        RwInput *input = &rw->inputs[f->owner->number];
        RwFlowID rewritten = rw_flowid_reverse(f->e[1].id);
        RwFlow *nf = rw_flow_new(input, &f->e[0].id, &rewritten, f->e[0].output, f->e[1].output, f->ip_p, f->guaranteed, f->expiry);
        if (!nf) {
            cvm_str_printf(hs->err, "out of memory: a mapping was lost\n");
            continue;
        }
        nf->tflags = f->tflags;
        nf->reply_anno = f->reply_anno;
        int oom = 0;
        nf->dt = rw_seq_clone(f->dt, &oom);   /* TCPRewriter's sequence deltas */
        if (oom) cvm_str_printf(hs->err, "out of memory: a flow's sequence deltas were lost\n");
        RwMap *map = rw_flow_map(rw, nf);
        rw_map_set(map, &nf->e[0]);
        rw_map_set(map, &nf->e[1]);
        rw_heap_insert(rw->heap, nf);
        input->count++;
    }
    free(all);
}

/* --- rewriting one packet --------------------------------------------------- */

/* Apply a flow's checksum delta to the field at `at` (Click's update_csum). */
static inline void rw_update_sum(uint8_t *at, int direction, uint16_t delta)
{
    if (!delta) return;
    cvm_put16(at, tc_update(cvm_be16(at), 0, direction ? delta : (uint16_t)~delta));
}

/* Addresses, annotations and IP checksum; returns whether the packet is a first fragment. */
static inline int rw_apply_ip(RwFlow *f, Packet *p, const TcHeaders *h, int direction, uint32_t annos)
{
    const RwFlowID *rev = &f->e[direction ? 0 : 1].id;
    cvm_put32(h->ip + 12, rev->daddr);
    cvm_put32(h->ip + 16, rev->saddr);
    if (annos & 1) cvm_set_dst_ip(p, rev->saddr);
    if (direction && (annos & 2)) p->anno[annos >> 2] = f->reply_anno;
    rw_update_sum(h->ip + 10, direction, f->ip_delta);
    return tc_first_fragment(h->ip);
}

static inline void rw_set_ports(const RwFlow *f, const TcHeaders *h, int direction)
{
    const RwFlowID *rev = &f->e[direction ? 0 : 1].id;
    cvm_put16(h->trans, rev->dport);
    cvm_put16(h->trans + 2, rev->sport);
}

/* TCP: ports and checksum only with 18+ transport bytes; FIN/RST/SYN and payload update the state;
 * sequence deltas apply to a whole TCP header. */
static inline void rw_apply_tcp(RwFlow *f, Packet *p, const TcHeaders *h, int direction, uint32_t annos)
{
    if (!rw_apply_ip(f, p, h, direction, annos) || tc_transport_length(h) < 18) return;
    rw_set_ports(f, h, direction);
    rw_update_sum(h->trans + 16, direction, f->udp_delta);
    uint8_t flags = h->trans[13];
    int hl = h->ip[0] & 15, off = h->trans[12] >> 4;
    int payload = (hl + off) << 2 < cvm_be16(h->ip + 2);
    int dir_bit = direction ? 1 : 0;
    if (flags & 4) f->tflags |= RW_TCP_BOTH_DONE;
    else if (flags & 1) f->tflags |= (uint8_t)(RW_TCP_FORWARD_DONE << dir_bit);
    else if ((flags & 2) || payload) f->tflags &= (uint8_t)~(RW_TCP_FORWARD_DONE << dir_bit);
    if (payload) f->tflags |= (uint8_t)(RW_TCP_FORWARD_DATA << dir_bit);
    if (f->dt && tc_transport_length(h) >= off << 2) rw_seq_apply(f->dt, dir_bit, h->trans, tc_transport_length(h));
}

/* UDP: ports; checksum if present (zero stays zero); count packets and note replies. */
static inline void rw_apply_udp(RwFlow *f, Packet *p, const TcHeaders *h, int direction, uint32_t annos)
{
    if (!rw_apply_ip(f, p, h, direction, annos)) return;
    rw_set_ports(f, h, direction);
    int64_t tlen = tc_transport_length(h);
    uint8_t proto = h->ip[9];
    if (proto == 6) {
        if (tlen >= 18) rw_update_sum(h->trans + 16, direction, f->udp_delta);
    } else if (proto == 17) {
        if (tlen >= 8 && cvm_be16(h->trans + 6)) rw_update_sum(h->trans + 6, direction, f->udp_delta);
    }
    if (direction) f->tflags |= 1;
    if (f->tflags < 6) f->tflags += 2;
}

/* Address-only rewriting: the source going out, the destination coming back. */
static inline void rw_apply_addr(RwFlow *f, Packet *p, const TcHeaders *h, int direction, uint32_t annos)
{
    const RwFlowID *rev = &f->e[direction ? 0 : 1].id;
    if (!direction) cvm_put32(h->ip + 12, rev->daddr);
    else {
        cvm_put32(h->ip + 16, rev->saddr);
        if (annos & 1) cvm_set_dst_ip(p, rev->saddr);
        if (annos & 2) p->anno[annos >> 2] = f->reply_anno;
    }
    rw_update_sum(h->ip + 10, direction, f->ip_delta);
    if (!tc_first_fragment(h->ip)) return;
    uint8_t proto = h->ip[9];
    int64_t tlen = tc_transport_length(h);
    if (proto == 6 && tlen >= 18) rw_update_sum(h->trans + 16, direction, f->udp_delta);
    else if (proto == 17 && tlen >= 8 && cvm_be16(h->trans + 6)) rw_update_sum(h->trans + 6, direction, f->udp_delta);
}

/* Address pairs (IPAddrPairRewriter): both addresses as a port rewriter
 * does, then only a first fragment's TCP or UDP checksum. */
static inline void rw_apply_addr_pair(RwFlow *f, Packet *p, const TcHeaders *h, int direction, uint32_t annos)
{
    if (!rw_apply_ip(f, p, h, direction, annos)) return;
    uint8_t proto = h->ip[9];
    int64_t tlen = tc_transport_length(h);
    if (proto == 6 && tlen >= 18) rw_update_sum(h->trans + 16, direction, f->udp_delta);
    else if (proto == 17 && tlen >= 8 && cvm_be16(h->trans + 6)) rw_update_sum(h->trans + 6, direction, f->udp_delta);
}

/* ICMP echo and echo reply (ICMPPingRewriter): addresses, then the identifier and the ICMP checksum. */
static inline void rw_apply_icmp_ping(RwFlow *f, Packet *p, const TcHeaders *h, int direction, uint32_t annos)
{
    if (!rw_apply_ip(f, p, h, direction, annos)) return;
    const RwFlowID *rev = &f->e[direction ? 0 : 1].id;
    cvm_put16(h->trans + 4, direction ? rev->sport : rev->dport);
    rw_update_sum(h->trans + 2, direction, f->udp_delta);
    tc_fix_zero_checksum(h->trans + 2, h->trans, tc_transport_length(h));
}

/* One more than a port or ICMP identifier as Click computes it: on the raw
 * network-order field of a little-endian machine, so the first byte goes up. */
static inline uint16_t rw_raw_port_plus_one(uint16_t port)
{
    uint16_t raw = (uint16_t)(port >> 8 | port << 8), next = (uint16_t)(raw + 1);
    return (uint16_t)(next >> 8 | next << 8);
}

/* Click's checked_output_push: a valid port, or a counted drop. */
static inline void rw_emit_or_drop(CvmOut *out, int port, Packet *p)
{
    if (port >= 0 && (unsigned)port < out->nports) cvm_emit(out, (unsigned)port, p);
    else cvm_drop(out, p);
}

/* A flow with no mapping yet (Click's rewrite_flowid, then add): the input
 * spec's rewrite and, where it asks for a mapping, a new flow stored with
 * the guaranteed timeout if there is one (timeouts[1]), else the default
 * (timeouts[0]); IPAddrRewriter (addr_only 1) maps only source addresses,
 * IPAddrPairRewriter (addr_only 2) only addresses.
 * `p` (the packet, for the reply annotation) may be NULL.
 * Returns the forward entry (the reply annotation set), or NULL with the
 * packet's output (or RW_DROP) in *port. */
static RwEntry *rw_new_mapping(RwCore *rw, RwInput *spec, const RwFlowID *id, int mapid, uint8_t ip_p, const int64_t timeouts[2], int addr_only,
                               const Packet *p, int *port)
{
    RwFlowID nid;
    int r = rw_input_rewrite(spec, id, mapid, &nid);
    RwEntry *m = NULL;
    int ok = !(addr_only && (nid.sport || nid.dport || (addr_only == 1 && nid.daddr)));
    if (rw->kind == RW_KIND_ICMP_PING) {
        /* The reply's flow ID swaps the identifiers: the destination "port" is the identifier plus one. */
        nid.dport = rw_raw_port_plus_one(nid.sport);
        ok = rw_raw_port_plus_one(id->sport) == id->dport;
    }
    if (r == RW_ADDMAP && ok) {
        int64_t expiry = rw_jiffies() + (timeouts[1] ? timeouts[1] : timeouts[0]);
        RwFlow *f = rw_flow_new(spec, id, &nid, spec->foutput, spec->routput, ip_p, timeouts[1] != 0, expiry);
        m = f ? rw_store_flow(rw, f, spec) : NULL;
    }
    if (!m) {
        *port = r;
        return NULL;
    }
    if (p && (rw->annos & 2)) rw_entry_flow(m)->reply_anno = p->anno[rw->annos >> 2];
    return m;
}

/* --- lifecycle ------------------------------------------------------------- */

static void rw_mapper_errors(const RwMapper *m, const RwCore *user, int input, CvmStr *err)
{
    for (uint32_t i = 0; i < m->n; i++)
        if (m->conf[i].foutput >= user->noutputs || m->conf[i].routput >= user->noutputs)
            cvm_str_printf(err, "%sinput spec %d: output port out of range in %s :: RoundRobinIPMapper pattern %u", err->len ? "\n" : "", input, m->name, i);
}

/* IPRewriterBase::initialize: inputs, the shared heap, named patterns and mappers. */
static int rw_core_init(RwCore *rw, CvmStr *err)
{
    rw->inputs = calloc(rw->ninputs ? rw->ninputs : 1, sizeof *rw->inputs);
    if (!rw->inputs) return cvm_str_printf(err, "out of memory"), -1;
    if (rw->capacity_of) rw->heap = rw->capacity_of->heap ? rw->capacity_of->heap : &rw->capacity_of->own_heap;
    else rw->heap = &rw->own_heap;
    for (uint32_t i = 0; i < rw->ninputs; i++) {
        const RwInputConf *c = &rw->input_conf[i];
        RwInput *in = &rw->inputs[i];
        in->rw = rw;
        in->number = (int32_t)i;
        in->kind = c->kind;
        in->foutput = c->foutput;
        in->routput = c->routput;
        in->own = c->pattern;
        if (c->kind == RW_SPEC_PATTERN) in->pattern = &in->own;
        else if (c->kind == RW_SPEC_NAMED) {
            in->pattern = rw_named_pattern(c->name);
            if (!in->pattern) cvm_str_printf(err, "%sinput spec %u: no such pattern '%s'", err->len ? "\n" : "", i, c->name);
        } else if (c->kind == RW_SPEC_MAPPER) {
            in->mapper = rw->mappers[c->mapper];
            rw_mapper_errors(in->mapper, rw, (int)i, err);
        }
    }
    return err->len ? -1 : 0;
}

static void rw_core_cleanup(RwCore *rw)
{
    /* Free this rewriter's flows: each has its forward entry, or else its
     * reply entry, in its map. Collect them first: a flow's two entries may
     * lie anywhere in the order. */
    for (int k = 0; k < 2; k++) {
        RwMap *m = &rw->maps[k];
        RwFlow **dead = malloc((m->count ? m->count : 1) * sizeof *dead);
        uint32_t nd = 0;
        for (RwEntry *e = m->head; e && dead; e = e->next)
            if (e->direction == 0 || !rw_entry_flow(e)->e[0].in_map) dead[nd++] = rw_entry_flow(e);
        for (uint32_t i = 0; i < nd; i++) rw_flow_free(dead[i]);
        free(dead);
        rw_map_free(m);
    }
    rw_heap_free(&rw->own_heap);
    free(rw->inputs);
    rw->inputs = NULL;
    rw->heap = NULL;
}

/* A rewriter element's initialization: the core, then the garbage
 * collection timer every gc_interval seconds. */
static int rw_element_init(RwCore *rw, CvmTimer *gc, CvmStr *err)
{
    if (rw_core_init(rw, err) < 0) return -1;
    if (rw->gc_interval) cvm_timer_schedule_after(gc, rw->gc_interval * 1000000000LL);
    return 0;
}

/* The garbage collection timer: reap expired flows, run again later. */
static void rw_element_gc(RwCore *rw, CvmTimer *gc)
{
    rw_shrink_heap(rw, 0);
    if (rw->gc_interval) cvm_timer_schedule_after(gc, rw->gc_interval * 1000000000LL);
}

static void rw_element_cleanup(RwCore *rw, CvmTimer *gc)
{
    cvm_timer_unschedule(gc);
    rw_core_cleanup(rw);
}

/* --- handlers ---------------------------------------------------------------- */

/* Click's unparse_ports: ` [*F R] iN expS`, the entry's own output starred. */
static void rw_unparse_ports(const RwFlow *f, int direction, int64_t now, CvmStr *o)
{
    int64_t expiry = f->guaranteed ? rw_best_effort_expiry(f) : f->expiry;
    int64_t secs = (expiry + 500 - now) / 1000;
    cvm_str_printf(o, " [%s%d %s%d] i%d exp%lld", direction ? "" : "*", f->e[0].output, direction ? "*" : "", f->e[1].output, f->owner->number, (long long)secs);
}

/* Input spec i as the patterns handler shows it (Click's patternN read handler). */
static void rw_read_pattern(const RwCore *rw, uint32_t i, CvmStr *o)
{
    static const char *const fixed[] = { "<drop>", "<nochange>", "<keep>", NULL, NULL, "<mapper>" };
    const RwInput *in = &rw->inputs[i];
    if (fixed[in->kind]) cvm_str_printf(o, "%s", fixed[in->kind]);
    else if (in->pattern) rw_pattern_unparse(in->pattern, o);
    if (in->count) cvm_str_printf(o, " [%lld]", (long long)in->count);
    cvm_str_append(o, "\n", 1);
}

static void rw_read_patterns(const RwCore *rw, CvmStr *o)
{
    for (uint32_t i = 0; i < rw->ninputs; i++) rw_read_pattern(rw, i, o);
}

/* A patternN write: the input specs are compiled in (the host engine replaces the spec). */
static int rw_write_pattern(uint32_t i, CvmStr *err)
{
    cvm_str_printf(err, "input spec %u cannot change in the native dataplane: the input specs are compiled into its code", i);
    return -1;
}

static void rw_read_nmappings(const RwCore *rw, CvmStr *o)
{
    int64_t n = 0;
    for (uint32_t i = 0; i < rw->ninputs; i++) n += rw->inputs[i].count;
    cvm_str_printf(o, "%lld", (long long)n);
}

static void rw_read_mapping_failures(const RwCore *rw, CvmStr *o)
{
    int64_t n = 0;
    for (uint32_t i = 0; i < rw->ninputs; i++) n += rw->inputs[i].failures;
    cvm_str_printf(o, "%lld", (long long)n);
}

static void rw_read_size(const RwCore *rw, CvmStr *o) { cvm_str_printf(o, "%llu", (unsigned long long)rw_heap_size(rw->heap)); }
static void rw_read_capacity(const RwCore *rw, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)rw->heap->capacity); }

static int rw_write_capacity(RwCore *rw, const char *v, CvmStr *err)
{
    int64_t n;
    if (ct_parse_click_int(ct_text_trim(ct_text(v)), &n) < 0) return cvm_str_printf(err, "CAPACITY: expected integer"), -1;
    /* Click keeps an int32 and, given a negative one, evicts from an empty heap and crashes: refused here. */
    if (n < 0 || n > 0x7fffffff) return cvm_str_printf(err, "CAPACITY: expected an integer from 0 to 2147483647"), -1;
    rw->heap->capacity = n;
    rw_shrink_heap(rw, 0);
    return 0;
}

/* The clear handler: every flow goes. */
static int rw_write_clear(RwCore *rw)
{
    rw_shrink_heap(rw, 1);
    return 0;
}

static void rw_put_flow(CvmStr *o, const RwFlowID *f)
{
    cvm_str_append(o, "(", 1);
    ip_unparse(o, f->saddr);
    cvm_str_printf(o, ", %u, ", f->sport);
    ip_unparse(o, f->daddr);
    cvm_str_printf(o, ", %u)", f->dport);
}

/* --- the port rewriters' packet path (IPRewriter, UDPRewriter, TCPRewriter) --- */

/* Look up, rewrite and emit a batch on input `port`. The fast path for an
 * established flow is a hash lookup, the rewrite with incremental checksum
 * updates, and one heap repositioning. */
static inline void rw_port_push(RwCore *rw, int port, Packet **in, unsigned n, CvmOut *out)
{
    RwInput *spec = &rw->inputs[port];
    const int64_t now = rw_jiffies();    /* time stands still within a batch */
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        if (!cvm_packet_writable(p) || !tc_headers(p, &h)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t proto = h.ip[9];
        if (!rw_accepts(rw, proto) || !tc_first_fragment(h.ip) || tc_transport_length(&h) < 8) {
            if (spec->kind == RW_SPEC_NOCHANGE) rw_emit_or_drop(out, spec->foutput, p);
            else cvm_drop(out, p);
            continue;
        }
        RwFlowID id = { cvm_be32(h.ip + 12), cvm_be32(h.ip + 16), cvm_be16(h.trans), cvm_be16(h.trans + 2) };
        int mapid = rw_map_index(rw, proto), tcp = rw_tcp_way(rw, proto);
        const int64_t *timeouts = tcp ? rw->timeouts : rw->udp;
        RwEntry *m = rw_map_find(&rw->maps[mapid], &id);
        int r;
        if (!m && !(m = rw_new_mapping(rw, spec, &id, mapid, rw->kind == RW_KIND_TCP ? 6 : proto, timeouts, 0, p, &r))) {
            rw_emit_or_drop(out, r, p);
            continue;
        }
        RwFlow *f = rw_entry_flow(m);
        if (tcp) rw_apply_tcp(f, p, &h, m->direction, rw->annos);
        else rw_apply_udp(f, p, &h, m->direction, rw->annos);
        if (timeouts[1]) rw_heap_change_expiry(rw->heap, f, 1, now + timeouts[1]);
        else rw_heap_change_expiry(rw->heap, f, 0, now + (tcp ? rw_tcp_flow_timeout(rw, f) : rw_udp_flow_timeout(rw, f)));
        rw_emit_or_drop(out, m->output, p);
    }
}

enum { RW_GET_ENTRY_REPLY = -2 };   /* an input that makes no mapping: ICMPRewriter's reply lookups */

/* Click's get_entry: the entry for `id` in the table of protocol `ip_p`,
 * made by input spec `input` if there is none (none made when `input` is
 * not an input), by each rewriter's rules. FTPPortMapper and ICMPRewriter
 * come here. */

static RwEntry *rw_get_entry(RwCore *rw, uint8_t ip_p, const RwFlowID *xid, int input)
{
    RwFlowID id = *xid;
    RwEntry *m;
    int r, made = input >= 0 && (uint32_t)input < rw->ninputs;
    RwInput *spec = made ? &rw->inputs[input] : NULL;
    if (rw->kind == RW_KIND_ADDR) {
        /* The source address forward, else the destination address as a reply. */
        id = (RwFlowID){ xid->saddr, 0, 0, 0 };
        RwFlowID reply = { 0, xid->daddr, 0, 0 };
        if ((m = rw_map_find(&rw->maps[0], &id)) || (m = rw_map_find(&rw->maps[0], &reply)) || !made) return m;
        return rw_new_mapping(rw, spec, &id, 0, 0, rw->timeouts, 1, NULL, &r);
    }
    if (rw->kind == RW_KIND_ADDR_PAIR) {
        /* The address pair, ports ignored. */
        id = (RwFlowID){ xid->saddr, xid->daddr, 0, 0 };
        if ((m = rw_map_find(&rw->maps[0], &id)) || !made) return m;
        return rw_new_mapping(rw, spec, &id, 0, 0, rw->timeouts, 2, NULL, &r);
    }
    if (rw->kind == RW_KIND_ICMP_PING) {
        if (ip_p != 1) return NULL;
        /* A reply's key swaps the identifier and the identifier plus one. */
        if (input == RW_GET_ENTRY_REPLY) id.sport = rw_raw_port_plus_one(xid->sport), id.dport = xid->sport;
        else id.dport = rw_raw_port_plus_one(xid->sport);
        if ((m = rw_map_find(&rw->maps[0], &id)) || !made) return m;
        return rw_new_mapping(rw, spec, &id, 0, 1, rw->timeouts, 0, NULL, &r);
    }
    if (rw->kind == RW_KIND_IPREWRITER && ip_p != 6 && ip_p != 17) return NULL;
    int mapid = rw_map_index(rw, ip_p);
    if ((m = rw_map_find(&rw->maps[mapid], &id))) {
        uint8_t fp = rw_entry_flow(m)->ip_p;
        return ip_p && fp && fp != ip_p ? NULL : m;
    }
    if (!made) return NULL;
    const int64_t *timeouts = rw_tcp_way(rw, ip_p) ? rw->timeouts : rw->udp;
    return rw_new_mapping(rw, spec, &id, mapid, rw->kind == RW_KIND_TCP ? 6 : ip_p, timeouts, 0, NULL, &r);
}

/* A port rewriter's table: `(FLOW) => (NEWFLOW)[ seq ±DELTA] [*F R] iN expSECS` per entry. */
static void rw_read_table(RwCore *rw, int mapid, CvmStr *o)
{
    int64_t now = rw_jiffies();
    for (RwEntry *m = rw->maps[mapid].head; m; m = m->next) {
        RwFlow *f = rw_entry_flow(m);
        RwFlowID to = rw_flowid_reverse(f->e[m->direction ? 0 : 1].id);
        rw_put_flow(o, &m->id);
        cvm_str_append(o, " => ", 4);
        rw_put_flow(o, &to);
        int32_t d = f->dt ? f->dt->delta[m->direction] : 0;
        if (d) cvm_str_printf(o, " seq %s%ld", d > 0 ? "+" : "", (long)d);
        rw_unparse_ports(f, m->direction, now, o);
        cvm_str_append(o, "\n", 1);
    }
}

/* A TCP port: 0-65535 or one of Click's well-known names. */
static int rw_tcp_port(CtText w, uint16_t *port)
{
    static const struct { const char *name; uint16_t port; } names[] = {
        { "auth", 113 }, { "bootpc", 68 }, { "bootps", 67 }, { "chargen", 19 }, { "daytime", 13 }, { "discard", 9 },
        { "dns", 53 }, { "domain", 53 }, { "echo", 7 }, { "finger", 79 }, { "ftp", 21 }, { "ftp-data", 20 },
        { "https", 443 }, { "imap3", 220 }, { "imaps", 993 }, { "irc", 194 }, { "netbios-dgm", 138 }, { "netbios-ns", 137 },
        { "netbios-ssn", 139 }, { "nntp", 119 }, { "ntp", 123 }, { "pop3", 110 }, { "pop3s", 995 }, { "pptp", 1723 },
        { "rip", 520 }, { "route", 520 }, { "smtp", 25 }, { "snmp", 161 }, { "snmp-trap", 162 }, { "ssh", 22 },
        { "sunrpc", 111 }, { "telnet", 23 }, { "tftp", 69 }, { "www", 80 },
    };
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
        if (ct_text_eq(w, names[i].name)) return *port = names[i].port, 0;
    int64_t v;
    if (ct_parse_click_int(w, &v) < 0 || v < 0 || v > 65535) return -1;
    *port = (uint16_t)v;
    return 0;
}

/* `SADDR SPORT DADDR DPORT` looked up in the TCP (first) map: the rewritten flow as four words, or empty. */
static int rw_read_lookup(RwCore *rw, const char *param, CvmStr *o)
{
    CtText t = ct_text_trim(ct_text(param)), w[5];   /* trim().split(/\s+/) */
    unsigned nw = 0;
    for (size_t i = 0; i <= t.n && nw < 5;) {
        size_t j = i;
        while (j < t.n && !ct_js_space(t.s[j])) j++;
        w[nw].s = t.s + i;
        w[nw++].n = j - i;
        if (j >= t.n) break;
        while (j < t.n && ct_js_space(t.s[j])) j++;
        i = j;
    }
    RwFlowID id;
    if (nw != 4 || ip_parse_click(w[0], &id.saddr) < 0 || ip_parse_click(w[2], &id.daddr) < 0 || rw_tcp_port(w[1], &id.sport) < 0 ||
        rw_tcp_port(w[3], &id.dport) < 0)
        return cvm_str_printf(o, "expected SADDR SPORT DADDR DPORT"), -1;
    RwEntry *m = rw_map_find(&rw->maps[0], &id);
    if (!m) return 0;
    RwFlowID r = rw_flowid_reverse(rw_entry_flow(m)->e[m->direction ? 0 : 1].id);
    ip_unparse(o, r.saddr);
    cvm_str_printf(o, " %u ", r.sport);
    ip_unparse(o, r.daddr);
    cvm_str_printf(o, " %u", r.dport);
    return 0;
}

#endif
