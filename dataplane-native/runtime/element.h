/* The contract between element C files and the generated code.
 *
 * Every element struct starts with a CvmElement (name, index, accounting).
 * A class's push function handles a batch arriving on an input and hands
 * every packet to a CvmOut: cvm_emit (to an output), cvm_drop, cvm_consume.
 * The generated code owns the CvmOut and decides delivery exactly as the
 * host engine does (graph/delivery.ts): whole batches, order-preserving runs,
 * or single packets. Pull outputs fill a batch; pull inputs are read through
 * a CvmIn. See dataplane-native/README.md for the entry points a class may
 * define. */
#ifndef CVM_ELEMENT_H
#define CVM_ELEMENT_H

#include "packet.h"

#ifndef CVM_BATCH_MAX
#define CVM_BATCH_MAX 64
#endif

typedef struct PacketBatch {
    unsigned n;
    Packet *p[CVM_BATCH_MAX];
} PacketBatch;

typedef struct CvmStats {
    uint64_t in, out, dropped, consumed, created;
} CvmStats;

typedef struct CvmElement {
    const char *name;
    const char *class_name;
    int index;
    CvmStats stats;
} CvmElement;

/* Packets moved by pushes and pulls so far: the driver loop's idle test. */
extern uint64_t cvm_packets_moved;

typedef void (*CvmPushFn)(PacketBatch *b);
typedef void (*CvmPullFn)(PacketBatch *b, unsigned max);

enum { CVM_BATCH, CVM_RUNS, CVM_SINGLE };

/* Where an element's emitted packets go. port[k] buffers output k; in batch
 * mode the generated code may alias port[0] onto the input batch for
 * in-place classes (they emit at most one packet per packet read). */
typedef struct CvmOut {
    CvmElement *self;
    int mode;
    int pending;                 /* runs mode: port holding packets, or -1 */
    unsigned nports;
    PacketBatch *const *port;
    const CvmPushFn *push;
} CvmOut;

typedef struct CvmIn {
    CvmElement *self;
    const CvmPullFn *pull;
    unsigned limit;              /* pullLimit of graph/delivery.ts */
} CvmIn;

/* Deliver what output `port` holds now (runs/single modes, full buffers).
 * Packets count as sent (`stats.out`) when they are delivered. Out of line:
 * it is the rare path, and keeping it out lets cvm_emit inline everywhere. */
static __attribute__((noinline, unused)) void cvm_out_flush(CvmOut *o, unsigned port)
{
    PacketBatch *b = o->port[port];
    if (b->n) {
        o->self->stats.out += b->n;
        o->push[port](b);
        b->n = 0;
    }
}

static inline void cvm_emit(CvmOut *o, unsigned port, Packet *p)
{
    if (o->mode == CVM_RUNS && o->pending != (int)port) {
        if (o->pending >= 0) cvm_out_flush(o, (unsigned)o->pending);
        o->pending = (int)port;
    }
    PacketBatch *b = o->port[port];
    if (b->n == CVM_BATCH_MAX) cvm_out_flush(o, port);
    b->p[b->n++] = p;
    if (o->mode == CVM_SINGLE) cvm_out_flush(o, port);
}

static inline void cvm_emit_all(CvmOut *o, unsigned port, Packet *const *ps, unsigned n)
{
    PacketBatch *b = o->port[port];
    /* Batch mode, output aliased onto the input and nothing dropped before
     * these packets: they already sit where they would be written. */
    if (o->mode == CVM_BATCH && ps == b->p + b->n) {
        b->n += n;
        return;
    }
    for (unsigned i = 0; i < n; i++) cvm_emit(o, port, ps[i]);
}

/* Accounting: every packet is emitted, dropped, consumed or held. */
static inline void cvm_drop(CvmOut *o, Packet *p)
{
    o->self->stats.dropped++;
    cvm_packet_free(p);
}

static inline void cvm_consume(CvmOut *o, Packet *p)
{
    o->self->stats.consumed++;
    cvm_packet_free(p);
}

static inline Packet *cvm_clone(CvmOut *o, Packet *p)
{
    Packet *q = cvm_packet_clone(p);
    if (q) o->self->stats.created++;
    return q;
}

static inline Packet *cvm_created(CvmOut *o, Packet *p)
{
    if (p) o->self->stats.created++;
    return p;
}

/* Pull up to max packets from input `port` into b (b->n set). */
static inline void cvm_pull(CvmIn *in, unsigned port, PacketBatch *b, unsigned max)
{
    if (max > in->limit) max = in->limit;
    if (max > CVM_BATCH_MAX) max = CVM_BATCH_MAX;
    b->n = 0;
    in->pull[port](b, max);
    in->self->stats.in += b->n;
    cvm_packets_moved += b->n;
}

#endif
