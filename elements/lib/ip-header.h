/* IPv4 header layout and helpers for native elements (the C side of
 * elements/lib/ip-header.ts). Field offsets are relative to the start of the
 * IP header; multi-byte fields are big-endian on the wire (cvm_be16/32,
 * cvm_put16/32). Addresses are host-order uint32_t (a.b.c.d = a<<24|...),
 * like the host engine's numbers.
 *
 *   ip_header(p, &avail)   Click's ip_header() with bounds: the header at the
 *                          network header annotation and the bytes from there
 *                          to the end of the data, or NULL when the annotation
 *                          is unset or outside the data (ipHeader() in TS).
 *                          Recompute after cvm_packet_writable: it may move
 *                          the buffer (offsets stay valid).
 *   ip_net_rel / ip_trans_rel  header annotations relative to the data start,
 *                          IP_UNSET when not set (networkHeaderOffset in TS)
 *
 * The text forms of addresses and prefixes are in ip-text.h (included). */
#ifndef CVM_LIB_IP_HEADER_H
#define CVM_LIB_IP_HEADER_H

#include "cvm.h"
#include "checksum.h"
#include "handler-args.h"
#include "ip-text.h"

enum {
    IPH_VHL = 0,
    IPH_TOS = 1,
    IPH_LEN = 2,
    IPH_ID = 4,
    IPH_OFF = 6,
    IPH_TTL = 8,
    IPH_PROTO = 9,
    IPH_SUM = 10,
    IPH_SRC = 12,
    IPH_DST = 16,
    IPH_MIN_LEN = 20,            /* a header without options */
};

/* Flags and offset mask of the fragment field (host order). */
#define IP_RF 0x8000
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

enum { IP_PROTO_ICMP = 1, IP_PROTO_IGMP = 2, IP_PROTO_IPIP = 4, IP_PROTO_TCP = 6, IP_PROTO_UDP = 17 };

enum { IPOPT_EOL = 0, IPOPT_NOP = 1, IPOPT_RR = 7, IPOPT_TS = 68, IPOPT_SECURITY = 130, IPOPT_LSRR = 131, IPOPT_SATID = 136, IPOPT_SSRR = 137, IPOPT_RA = 148 };

#define IP_UNSET INT32_MIN

static inline int32_t ip_net_rel(const Packet *p)
{
    return p->net < 0 ? IP_UNSET : p->net - (int32_t)cvm_headroom(p);
}

static inline int32_t ip_trans_rel(const Packet *p)
{
    return p->trans < 0 ? IP_UNSET : p->trans - (int32_t)cvm_headroom(p);
}

static inline uint8_t *ip_header(const Packet *p, int32_t *avail)
{
    int32_t rel = ip_net_rel(p);
    *avail = 0;
    if (rel < 0 || rel > (int32_t)p->len) return NULL;
    *avail = (int32_t)p->len - rel;
    return p->buf->head + p->net;
}

/* Header length in bytes from the version/header-length byte. */
static inline uint32_t ip_hlen(const uint8_t *ip) { return (uint32_t)(ip[IPH_VHL] & 0x0f) << 2; }

static inline int ip_is_multicast(uint32_t addr) { return addr >> 28 == 0xe; }

#endif
