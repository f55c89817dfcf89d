/* Header positions and checksum arithmetic for the transport-level
 * elements (ICMP, TCP/UDP, the rewriters), bit for bit as the host
 * engine's elements/lib/{packet-headers,transport-checksum}.ts: Click's
 * incremental update (never 0xFFFF from a change), the pseudo-header with
 * the final destination of a source route, and "the IP header annotation
 * and 20 bytes of it inside the data, or drop". Words are big-endian; the
 * one's-complement results equal Click's host-order arithmetic. The sums
 * themselves are checksum.h's. */
#ifndef CVM_TRANSPORT_CHECKSUM_H
#define CVM_TRANSPORT_CHECKSUM_H

#include "cvm.h"
#include "checksum.h"

/* Where the headers are: pointers into the buffer, offsets from the data. */
typedef struct TcHeaders {
    uint8_t *ip, *trans;
    int32_t ip_off, trans_off;   /* relative to p->data; trans may lie before it */
    uint32_t len;                /* p->len */
} TcHeaders;

/* The header positions, or 0 when the packet has no IP header annotation or
 * fewer than 20 bytes of IP header lie within its data. Call after
 * cvm_packet_writable if the element writes (it may move the data). */
static inline int tc_headers(Packet *p, TcHeaders *h)
{
    if (p->net < 0 || p->trans < 0) return 0;
    int32_t head = (int32_t)cvm_headroom(p);
    int32_t n = p->net - head;
    if (n < 0 || (int64_t)n + 20 > (int64_t)p->len) return 0;
    h->ip = p->buf->head + p->net;
    h->trans = p->buf->head + p->trans;
    h->ip_off = n;
    h->trans_off = p->trans - head;
    h->len = p->len;
    return 1;
}

/* Click's transport_length(): bytes from the transport header to the end (may be negative). */
static inline int64_t tc_transport_length(const TcHeaders *h) { return (int64_t)h->len - h->trans_off; }

/* The checksum field value for b[0..len). */
static inline uint16_t tc_checksum(const uint8_t *b, uint32_t len) { return inet_checksum(b, len, 0); }

/* RFC 1624 incremental update for one word changing (Click's click_update_in_cksum). */
static inline uint16_t tc_update(uint16_t sum, uint16_t old_word, uint16_t new_word) { return inet_update(sum, old_word, new_word); }

static inline void tc_update_field(uint8_t *sum_at, uint16_t old_word, uint16_t new_word)
{
    cvm_put16(sum_at, tc_update(cvm_be16(sum_at), old_word, new_word));
}

/* A zero checksum field over all-zero bytes must read 0xFFFF (Click's click_update_zero_in_cksum). */
static inline void tc_fix_zero_checksum(uint8_t *sum_at, const uint8_t *start, int64_t len)
{
    if (cvm_be16(sum_at) != 0) return;
    for (int64_t i = 0; i < len; i++)
        if (start[i]) return;
    cvm_put16(sum_at, 0xffff);
}

/* Byte `i` of the packet data, 0 past its end (the host engine's buffer reads there give 0 or nothing). */
static inline uint8_t tc_byte(const Packet *p, int64_t i) { return i >= 0 && i < (int64_t)p->len ? p->data[i] : 0; }
static inline uint32_t tc_be32_at(const Packet *p, int64_t i)
{
    return (uint32_t)tc_byte(p, i) << 24 | (uint32_t)tc_byte(p, i + 1) << 16 | (uint32_t)tc_byte(p, i + 2) << 8 | tc_byte(p, i + 3);
}

/* The pseudo-header's destination: the IP destination, or the last address
 * of a loose/strict source route (Click's click_in_cksum_pseudohdr). Option
 * bytes are read within the packet data only. */
static inline uint32_t tc_pseudo_dst(const Packet *p, const TcHeaders *h)
{
    uint32_t dst = cvm_be32(h->ip + 16);
    int64_t hl = (h->ip[0] & 15) << 2;
    if (hl == 20) return dst;
    int64_t end = h->ip_off + hl, o = h->ip_off + 20;
    while (o < end) {
        uint8_t type = tc_byte(p, o);
        if (type == 1) {
            o++;
            continue;
        }
        if (type == 0) break;
        uint8_t len = tc_byte(p, o + 1);
        if (o + 1 >= end || len < 2 || o + len > end) break;
        if ((type == 131 || type == 137) && len >= 7) return tc_be32_at(p, o + len - 4);
        o += len;
    }
    return dst;
}

/* Checksum of `len` transport bytes plus the pseudo-header (Click's
 * click_in_cksum then click_in_cksum_pseudohdr); 0 stays 0. */
static inline uint16_t tc_transport_checksum(const Packet *p, const TcHeaders *h, uint32_t len)
{
    uint32_t src = cvm_be32(h->ip + 12), dst = tc_pseudo_dst(p, h);
    uint64_t s = inet_sum(h->trans, len, 0);
    s += (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + (len & 0xffff) + h->ip[9];
    s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~(s + (s >> 16));
}

static inline int tc_first_fragment(const uint8_t *ip) { return (cvm_be16(ip + 6) & 0x1fff) == 0; }
static inline int tc_is_fragment(const uint8_t *ip) { return (cvm_be16(ip + 6) & 0x3fff) != 0; }

#endif
