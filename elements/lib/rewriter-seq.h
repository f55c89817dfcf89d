/* TCP sequence-number deltas of a rewriter flow, as the host engine's
 * elements/nat/tcp-seq-delta.ts (Click's TCPFlow delta transitions): a
 * list, newest first, of nodes holding per direction a delta, a trigger
 * sequence number and whether the trigger is set. Packets of a direction
 * get seq + delta from the first node whose trigger they reach;
 * acknowledgements (and SACK edges) of the other direction move back. */
#ifndef CVM_REWRITER_SEQ_H
#define CVM_REWRITER_SEQ_H

#include "cvm.h"
#include "transport-checksum.h"

typedef struct RwSeqDelta {
    int32_t delta[2];
    uint32_t trigger[2];
    uint8_t bits;                /* bit d: a trigger for direction d */
    struct RwSeqDelta *next;
} RwSeqDelta;

#define RW_SEQ_GIG (1u << 30)

static inline int rw_seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
static inline int rw_seq_has(const RwSeqDelta *t, int d) { return (t->bits >> d) & 1; }

static void rw_seq_free(RwSeqDelta *t)
{
    while (t) {
        RwSeqDelta *n = t->next;
        free(t);
        t = n;
    }
}

/* A copy of the list (hot reconfiguration: the new library's flow gets its
 * own); NULL for none, or when out of memory (then *oom is set). */
static RwSeqDelta *rw_seq_clone(const RwSeqDelta *t, int *oom)
{
    RwSeqDelta *head = NULL, **tail = &head;
    for (; t; t = t->next) {
        RwSeqDelta *c = malloc(sizeof *c);
        if (!c) {
            *oom = 1;
            rw_seq_free(head);
            return NULL;
        }
        *c = *t;
        c->next = NULL;
        *tail = c;
        tail = &c->next;
    }
    return head;
}

/* Clear direction d's trigger; a node with none left ends the list. */
static void rw_seq_drop_trigger(RwSeqDelta *t, int d)
{
    t->bits &= (uint8_t)~(1u << d);
    if (!(t->bits & 3)) {
        rw_seq_free(t->next);
        t->next = NULL;
    }
}

/* From `trigger` on, direction d's stream is `delta` longer (Click's
 * update_seqno_delta). -1 if the trigger lies before the newest one or
 * memory ran out. */
static int rw_seq_update(RwSeqDelta **head, int d, uint32_t trigger, int32_t delta)
{
    int o = !d;
    RwSeqDelta *dt = *head;
    if (dt && rw_seq_has(dt, d) && !rw_seq_geq(trigger, dt->trigger[d])) return -1;
    if (!dt || (rw_seq_has(dt, d) ? trigger != dt->trigger[d] : dt->delta[d] != 0)) {
        RwSeqDelta *n = calloc(1, sizeof *n);
        if (!n) return -1;
        n->next = dt;
        *head = n;
        /* The other direction's transitions move up one node along the list. */
        for (RwSeqDelta *x; (x = n->next);) {
            n->delta[o] = x->delta[o];
            n->trigger[o] = x->trigger[o];
            if (rw_seq_has(x, o)) {
                n->bits |= (uint8_t)(1u << o);
                n = x;
            } else {
                n->bits &= (uint8_t)~(1u << o);
                break;
            }
        }
        dt = *head;
    }
    dt->trigger[d] = trigger;
    RwSeqDelta *n = dt->next;
    dt->delta[d] = (int32_t)((uint32_t)(n ? n->delta[d] : 0) + (uint32_t)delta);
    dt->bits |= (uint8_t)(1u << d);
    while (n && rw_seq_has(n, d) && !rw_seq_geq(trigger, n->trigger[d] + RW_SEQ_GIG)) n = n->next;
    if (n && rw_seq_has(n, d)) rw_seq_drop_trigger(n, d);
    return 0;
}

static uint32_t rw_seq_new_seq(const RwSeqDelta *t, int d, uint32_t seq)
{
    while (t && rw_seq_has(t, d) && !rw_seq_geq(seq, t->trigger[d])) t = t->next;
    return t ? seq + (uint32_t)t->delta[d] : seq;
}

static uint32_t rw_seq_new_ack(const RwSeqDelta *t, int d, uint32_t ack)
{
    int o = !d;
    while (t && rw_seq_has(t, o) && !rw_seq_geq(ack - (uint32_t)t->delta[o], t->trigger[o])) t = t->next;
    return t ? ack - (uint32_t)t->delta[o] : ack;
}

/* Replace a 32-bit TCP field, updating the checksum for both its halves. */
static void rw_seq_replace(uint8_t *tcp, int at, uint32_t value)
{
    uint16_t sum = cvm_be16(tcp + 16);
    sum = tc_update(sum, cvm_be16(tcp + at), (uint16_t)(value >> 16));
    sum = tc_update(sum, cvm_be16(tcp + at + 2), (uint16_t)value);
    cvm_put16(tcp + 16, sum);
    cvm_put32(tcp + at, value);
}

/* SACK block edges move back; Click's checksum arithmetic on little-endian words. */
static void rw_seq_apply_sack(const RwSeqDelta *dt, int d, uint8_t *tcp, int64_t tlen)
{
    int64_t end = (int64_t)(tcp[12] >> 4) << 2;
    if (tlen < end) end = tlen;
    const int64_t begin = 20;
#define RW_LE(i) ((uint32_t)((i) < tlen ? tcp[i] : 0) | (uint32_t)((i) + 1 < tlen ? tcp[(i) + 1] : 0) << 8)
    uint32_t delta = 0;
    int64_t opt = begin;
    while (opt < end) {
        if (tcp[opt] == 0) break;
        if (tcp[opt] == 1) {
            opt++;
            continue;
        }
        if (tcp[opt] == 5) {
            int64_t len = tcp[opt + 1];
            if (opt + len > end || len % 8 != 2) break;
            int64_t sack_end = opt + len, first = begin + ((opt + 2 - begin) & ~(int64_t)1);
            for (int64_t w = first; w < sack_end; w += 2) delta += ~RW_LE(w) & 0xffff;
            for (opt += 2; opt < sack_end; opt += 8) {
                cvm_put32(tcp + opt, rw_seq_new_ack(dt, d, cvm_be32(tcp + opt)));
                cvm_put32(tcp + opt + 4, rw_seq_new_ack(dt, d, cvm_be32(tcp + opt + 4)));
            }
            for (int64_t w = first; w < sack_end; w += 2) delta += RW_LE(w);
            continue;
        }
        if (tcp[opt + 1] < 2) break;
        opt += tcp[opt + 1];
    }
#undef RW_LE
    if (!delta) return;
    uint32_t s = (~((uint32_t)tcp[16] | (uint32_t)tcp[17] << 8) & 0xffff) + delta;
    s = (s & 0xffff) + (s >> 16);
    uint16_t r = (uint16_t)~(s + (s >> 16));
    tcp[16] = (uint8_t)r;
    tcp[17] = (uint8_t)(r >> 8);
}

/* Move a TCP packet's seq, ack and SACK edges for direction d (its whole TCP header is present). */
static void rw_seq_apply(RwSeqDelta *dt, int d, uint8_t *tcp, int64_t tlen)
{
    int o = !d;
    if (rw_seq_has(dt, d) && rw_seq_geq(cvm_be32(tcp + 4), dt->trigger[d] + RW_SEQ_GIG)) rw_seq_drop_trigger(dt, d);
    if (dt->delta[d] || rw_seq_has(dt, d)) rw_seq_replace(tcp, 4, rw_seq_new_seq(dt, d, cvm_be32(tcp + 4)));
    if (dt->delta[o] || rw_seq_has(dt, o)) {
        rw_seq_replace(tcp, 8, rw_seq_new_ack(dt, d, cvm_be32(tcp + 8)));
        int off = tcp[12] >> 4;
        /* Only a timestamp option (NOP NOP TS) in a 32-byte header cannot hold SACK blocks. */
        if (off > 8 || (off == 8 && cvm_be32(tcp + 20) != 0x0101080au)) rw_seq_apply_sack(dt, d, tcp, tlen);
    }
}

#endif
