/* Ethernet and ARP header layout and helpers for native elements (the C side
 * of elements/lib/ether-header.ts).
 *
 *   ether_set_mac_header(p, off, len)  Click's set_mac_header(p, len): MAC
 *                          header `off` bytes into the data, network header
 *                          `len` bytes after it, transport header kept (or,
 *                          if unset, equal to the network header)
 *   ether_unparse          Click's text form, 00-1A-2B-3C-4D-5E
 *   ether_parse            parseEther: 6 groups of 1-2 hex digits joined by
 *                          ':' or '-', or 12 hex digits (0 ok, -1 bad)
 *   hv_value_ether         parseHandlerValue(T.ether, v) with the host's message
 *   arp_fill               an Ethernet/IPv4 ARP frame (requests and replies) */
#ifndef CVM_LIB_ETHER_HEADER_H
#define CVM_LIB_ETHER_HEADER_H

#include "cvm.h"
#include "handler-args.h"

enum { ETH_DST = 0, ETH_SRC = 6, ETH_TYPE = 12, ETH_LEN = 14 };

#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_8021Q 0x8100

/* Ethernet/IPv4 ARP packet, offsets from the start of the ARP header. */
enum { ARPH_HRD = 0, ARPH_PRO = 2, ARPH_HLN = 4, ARPH_PLN = 5, ARPH_OP = 6, ARPH_SHA = 8, ARPH_SPA = 14, ARPH_THA = 18, ARPH_TPA = 24, ARPH_LEN = 28 };
#define ARPHRD_ETHER 1
#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2
#define ARP_FRAME_LEN (ETH_LEN + ARPH_LEN)

static const uint8_t ether_broadcast[6] = { 255, 255, 255, 255, 255, 255 };

static inline void ether_set_mac_header(Packet *p, int32_t offset, int32_t len)
{
    int32_t trans = p->trans;
    cvm_set_mac(p, offset);
    p->net = p->mac + len;
    p->trans = trans >= 0 ? trans : p->net;
}

static inline void ether_unparse(CvmStr *o, const uint8_t *e)
{
    cvm_str_printf(o, "%02X-%02X-%02X-%02X-%02X-%02X", e[0], e[1], e[2], e[3], e[4], e[5]);
}

static int ether_parse(const char *s0, size_t n0, uint8_t out[6])
{
    const char *t;
    size_t n;
    ct_trim(s0, n0, &t, &n);
    int has_sep = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] == ':' || t[i] == '-') has_sep = 1;
    if (!has_sep) {
        if (n != 12) return -1;
        for (size_t i = 0; i < 12; i++)
            if (ct_hex(t[i]) < 0) return -1;
        for (int k = 0; k < 6; k++) out[k] = (uint8_t)(ct_hex(t[2 * k]) * 16 + ct_hex(t[2 * k + 1]));
        return 0;
    }
    uint8_t v[6];
    size_t i = 0;
    for (int k = 0; k < 6; k++) {
        if (k > 0) {
            if (i >= n || (t[i] != ':' && t[i] != '-')) return -1;
            i++;
        }
        unsigned x = 0, digits = 0;
        while (i < n && t[i] != ':' && t[i] != '-') {
            if (ct_hex(t[i]) < 0 || ++digits > 2) return -1;
            x = x * 16 + (unsigned)ct_hex(t[i++]);
        }
        if (digits == 0) return -1;
        v[k] = (uint8_t)x;
    }
    if (i != n) return -1;
    memcpy(out, v, 6);
    return 0;
}

/* parseHandlerValue(T.ether, v): "expected Ethernet address: 'X' is not an Ethernet address". */
static int hv_value_ether(const char *value, uint8_t out[6], CvmStr *err)
{
    const char *t;
    size_t n;
    ct_trim(value, strlen(value), &t, &n);
    CvmStr u = { 0 };
    ct_unquote(t, n, &u);
    int r = ether_parse(u.s, u.len, out);
    if (r < 0) cvm_str_printf(err, "expected Ethernet address: '%.*s' is not an Ethernet address", (int)u.len, u.s);
    cvm_str_free(&u);
    return r;
}

/* Fill a 42-byte Ethernet/IPv4 ARP frame at d. */
static inline void arp_fill(uint8_t *d, const uint8_t eth_dst[6], const uint8_t eth_src[6], uint16_t op,
                            const uint8_t sha[6], const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4])
{
    uint8_t *a = d + ETH_LEN;
    memcpy(d + ETH_DST, eth_dst, 6);
    memcpy(d + ETH_SRC, eth_src, 6);
    cvm_put16(d + ETH_TYPE, ETHERTYPE_ARP);
    cvm_put16(a + ARPH_HRD, ARPHRD_ETHER);
    cvm_put16(a + ARPH_PRO, ETHERTYPE_IP);
    a[ARPH_HLN] = 6;
    a[ARPH_PLN] = 4;
    cvm_put16(a + ARPH_OP, op);
    memcpy(a + ARPH_SHA, sha, 6);
    memcpy(a + ARPH_SPA, spa, 4);
    memcpy(a + ARPH_THA, tha, 6);
    memcpy(a + ARPH_TPA, tpa, 4);
}

#endif
