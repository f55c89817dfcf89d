/* Packets of the native dataplane, laid out like the host engine's
 * (host-engine/packet.ts): a data window into a reference-counted buffer
 * with headroom, header annotations as buffer offsets, and Click's 48-byte
 * annotation area. Packets and buffers come from free lists, so the fast
 * path never calls malloc once the pools are warm. */
#ifndef CVM_PACKET_H
#define CVM_PACKET_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#define CVM_ANNO_SIZE 48
#define CVM_HEADROOM 64          /* same as DEFAULT_HEADROOM in packet.ts */
#define CVM_BUF_SIZE 2048        /* pooled buffer size; larger packets get their own */

/* Annotation offsets: Click 2.x layout, as ANNO in packet.ts. */
enum {
    CVM_ANNO_DST_IP = 0,         /* network byte order */
    CVM_ANNO_PAINT = 16,
    CVM_ANNO_ICMP_PARAMPROB = 17,
    CVM_ANNO_FIX_IP_SRC = 19,
    CVM_ANNO_VLAN_TCI = 20,
    CVM_ANNO_AGGREGATE = 20,
    CVM_ANNO_EXTRA_PACKETS = 24,
    CVM_ANNO_EXTRA_LENGTH = 28,
    CVM_ANNO_FIRST_TIMESTAMP = 32,
    CVM_ANNO_PACKET_NUMBER = 32,
    CVM_ANNO_SEQUENCE_NUMBER = 36,
};

enum { CVM_PKT_HOST, CVM_PKT_BROADCAST, CVM_PKT_MULTICAST, CVM_PKT_OTHERHOST, CVM_PKT_OUTGOING, CVM_PKT_LOOPBACK, CVM_PKT_FASTROUTE };

typedef struct CvmBuf {
    uint32_t refs;
    uint32_t size;               /* the buffer as the host engine sizes it: headroom + data + tailroom */
    uint32_t cap;                /* bytes really in head[] (pooled buffers are CVM_BUF_SIZE) */
    struct CvmBuf *next_free;
    uint8_t head[];
} CvmBuf;

typedef struct Packet {
    uint8_t *data;
    uint32_t len;
    int32_t mac, net, trans;     /* offsets from buf->head; -1 when unset */
    CvmBuf *buf;
    int64_t ts_sec;
    uint32_t ts_nsec;
    uint8_t pkt_type;
    struct Packet *next_free;
    uint8_t anno[CVM_ANNO_SIZE] __attribute__((aligned(8)));
} Packet;

/* Pools (packet.c). */
Packet *cvm_packet_alloc(uint32_t len, uint32_t headroom, uint32_t tailroom);
Packet *cvm_packet_make(const uint8_t *bytes, uint32_t len);  /* CVM_HEADROOM, copied */
void cvm_packet_release_slow(Packet *p);
Packet *cvm_packet_clone(Packet *p);
/* Make the buffer private (copy if shared); NULL if memory ran out. */
uint8_t *cvm_packet_writable_slow(Packet *p);
/* Grow headroom/tailroom by reallocating; 0 on failure. */
int cvm_packet_realloc(Packet *p, uint32_t extra_head, uint32_t extra_tail);
void cvm_pool_stats(uint64_t *allocated, uint64_t *in_use);
/* Mark a packet in use as an element's own (+1) or no longer (-1): the
 * accounting check (router.c) expects every other packet in use to be held. */
void cvm_pool_note_private(int delta);
uint64_t cvm_pool_private(void);

static inline uint32_t cvm_headroom(const Packet *p) { return (uint32_t)(p->data - p->buf->head); }
static inline uint32_t cvm_tailroom(const Packet *p) { return p->buf->size - cvm_headroom(p) - p->len; }
static inline int cvm_shared(const Packet *p) { return p->buf->refs > 1; }

static inline void cvm_packet_free(Packet *p) { cvm_packet_release_slow(p); }

static inline uint8_t *cvm_packet_writable(Packet *p)
{
    return p->buf->refs > 1 ? cvm_packet_writable_slow(p) : p->data;
}

/* Drop n bytes from the front; clamps at the length (Click's pull). */
static inline void cvm_packet_pull(Packet *p, uint32_t n)
{
    if (n > p->len) n = p->len;
    p->data += n;
    p->len -= n;
}

/* Prepend n bytes (Click's push); the bytes keep what the buffer held. 0 on failure. */
static inline int cvm_packet_push(Packet *p, uint32_t n)
{
    if (!cvm_packet_writable(p)) return 0;
    if (n > cvm_headroom(p) && !cvm_packet_realloc(p, n - cvm_headroom(p) + CVM_HEADROOM, 0)) return 0;
    p->data -= n;
    p->len += n;
    return 1;
}

static inline void cvm_packet_take(Packet *p, uint32_t n)
{
    p->len -= n > p->len ? p->len : n;
}

/* Append n zero bytes (Click's put). 0 on failure. */
static inline int cvm_packet_put(Packet *p, uint32_t n)
{
    if (!cvm_packet_writable(p)) return 0;
    if (n > cvm_tailroom(p)) {
        /* Grow in place when the pooled buffer has the room; the sizes seen
         * (headroom, tailroom) are the host engine's after its reallocation. */
        uint32_t need = n - cvm_tailroom(p);
        if (p->buf->cap - p->buf->size >= need) p->buf->size += need;
        else if (!cvm_packet_realloc(p, 0, need)) return 0;
    }
    memset(p->data + p->len, 0, n);
    p->len += n;
    return 1;
}

/* Header annotations relative to the data start (may be negative after a pull). */
static inline int cvm_has_net(const Packet *p) { return p->net >= 0; }
static inline uint8_t *cvm_net(const Packet *p) { return p->buf->head + p->net; }
static inline uint8_t *cvm_trans(const Packet *p) { return p->buf->head + p->trans; }
static inline uint8_t *cvm_mac(const Packet *p) { return p->buf->head + p->mac; }
static inline int32_t cvm_net_offset(const Packet *p) { return p->net < 0 ? -1 : p->net - (int32_t)cvm_headroom(p); }
static inline void cvm_set_net(Packet *p, int32_t offset, int32_t hlen)
{
    p->net = (int32_t)cvm_headroom(p) + offset;
    p->trans = p->net + hlen;
}
static inline void cvm_set_trans(Packet *p, int32_t offset) { p->trans = (int32_t)cvm_headroom(p) + offset; }
static inline void cvm_set_mac(Packet *p, int32_t offset) { p->mac = (int32_t)cvm_headroom(p) + offset; }
static inline void cvm_clear_headers(Packet *p) { p->mac = p->net = p->trans = -1; }

/* Annotation access; multi-byte values little-endian except the dst IP. */
static inline uint32_t cvm_dst_ip(const Packet *p) /* host order */
{
    const uint8_t *a = p->anno + CVM_ANNO_DST_IP;
    return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}
static inline void cvm_set_dst_ip(Packet *p, uint32_t ip)
{
    uint8_t *a = p->anno + CVM_ANNO_DST_IP;
    a[0] = (uint8_t)(ip >> 24); a[1] = (uint8_t)(ip >> 16); a[2] = (uint8_t)(ip >> 8); a[3] = (uint8_t)ip;
}
static inline uint16_t cvm_anno_u16(const Packet *p, int off) { uint16_t v; memcpy(&v, p->anno + off, 2); return v; }
static inline void cvm_set_anno_u16(Packet *p, int off, uint16_t v) { memcpy(p->anno + off, &v, 2); }
static inline uint32_t cvm_anno_u32(const Packet *p, int off) { uint32_t v; memcpy(&v, p->anno + off, 4); return v; }
static inline void cvm_set_anno_u32(Packet *p, int off, uint32_t v) { memcpy(p->anno + off, &v, 4); }

/* Big-endian loads and stores for header fields. */
static inline uint16_t cvm_be16(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }
static inline uint32_t cvm_be32(const uint8_t *b) { return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]; }
static inline void cvm_put16(uint8_t *b, uint16_t v) { b[0] = (uint8_t)(v >> 8); b[1] = (uint8_t)v; }
static inline void cvm_put32(uint8_t *b, uint32_t v) { b[0] = (uint8_t)(v >> 24); b[1] = (uint8_t)(v >> 16); b[2] = (uint8_t)(v >> 8); b[3] = (uint8_t)v; }

#endif
