/* The packet the packet sources (InfiniteSource, RatedSource, TimedSource)
 * send copies of, as elements/io/source-data.ts builds it: DATA as
 * configured or last written, cut to or repeated up to LENGTH bytes, with
 * the source's headroom; and the clones, stamped with the time they leave.
 * Building runs at initialization and on handler writes, cloning per packet. */
#ifndef CVM_LIB_SOURCE_DATA_H
#define CVM_LIB_SOURCE_DATA_H

#include "cvm.h"

typedef struct SourceData {
    uint8_t *data;               /* DATA as configured or last written (the `data` handler) */
    uint32_t len;
    Packet *proto;               /* the packet every clone copies */
} SourceData;

/* The prototype is the source's own packet, never traffic (packet.h). */
static void source_data_drop_proto(SourceData *sd)
{
    if (!sd->proto) return;
    cvm_packet_free(sd->proto);
    cvm_pool_note_private(-1);
    sd->proto = NULL;
}

/* sourceBytes(data, length) in a new packet: data itself when length < 0,
 * else its first `length` bytes, or data repeated up to them (zeros when
 * data is empty). */
static Packet *source_data_packet(const uint8_t *data, uint32_t n, int64_t length, uint32_t headroom)
{
    uint32_t len = length < 0 ? n : (uint32_t)length;
    Packet *p = cvm_packet_alloc(len, headroom, 0);
    if (!p) return NULL;
    if (len && n == 0) memset(p->data, 0, len);
    else
        for (uint32_t off = 0; off < len; off += n) memcpy(p->data + off, data, len - off < n ? len - off : n);
    return p;
}

/* Replace DATA and the prototype (data may be sd->data itself). 0, or -1
 * with "out of memory" in err, the old ones kept. */
static int source_data_set(SourceData *sd, const uint8_t *data, uint32_t n, int64_t length, uint32_t headroom, CvmStr *err)
{
    uint8_t *copy = malloc(n ? n : 1);
    Packet *proto = source_data_packet(data, n, length, headroom);
    if (!copy || !proto) {
        free(copy);
        if (proto) cvm_packet_free(proto);
        return cvm_str_printf(err, "out of memory"), -1;
    }
    memcpy(copy, data, n);
    free(sd->data);
    source_data_drop_proto(sd);
    cvm_pool_note_private(1);
    sd->data = copy;
    sd->len = n;
    sd->proto = proto;
    return 0;
}

static void source_data_free(SourceData *sd)
{
    source_data_drop_proto(sd);
    free(sd->data);
    sd->data = NULL;
}

/* The `data` read handler. */
static void source_data_read(const SourceData *sd, CvmStr *o) { cvm_str_append(o, (const char *)sd->data, sd->len); }

/* A clone of the prototype with timestamp `now` (nanoseconds), or NULL. */
static inline Packet *source_data_clone(const SourceData *sd, CvmOut *out, int64_t now)
{
    Packet *p = cvm_clone(out, sd->proto);
    if (p) {
        p->ts_sec = now / 1000000000;
        p->ts_nsec = (uint32_t)(now % 1000000000);
    }
    return p;
}

#endif
