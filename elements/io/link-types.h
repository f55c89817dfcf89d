/* Capture link types by Click's names, and FORCE_IP: the IP header behind a
 * link-level header (elements/io/link-types.ts, Click's fakepcap). */
#ifndef CVM_IO_LINK_TYPES_H
#define CVM_IO_LINK_TYPES_H

#include "cvm.h"

enum {
    IO_DLT_NULL = 0, IO_DLT_EN10MB = 1, IO_DLT_PPP = 9, IO_DLT_FDDI = 10, IO_DLT_HOST_RAW = 12,
    IO_DLT_PPP_HDLC = 50, IO_DLT_ATM_RFC1483 = 100, IO_DLT_RAW = 101, IO_DLT_C_HDLC = 104,
    IO_DLT_IEEE802_11 = 105, IO_DLT_LINUX_SLL = 113, IO_DLT_PRISM_HEADER = 119,
    IO_DLT_AIRONET_HEADER = 120, IO_DLT_SUNATM = 123, IO_DLT_IEEE802_11_RADIO = 127,
};

/* Click's names, in its order: the first name of a number is the one printed. */
static const struct { const char *name; int dlt; } io_encap_names[] = {
    { "NULL", IO_DLT_NULL }, { "IP", IO_DLT_RAW }, { "ETHER", IO_DLT_EN10MB }, { "FDDI", IO_DLT_FDDI },
    { "ATM", IO_DLT_ATM_RFC1483 }, { "RFC1483", IO_DLT_ATM_RFC1483 }, { "ATM_RFC1483", IO_DLT_ATM_RFC1483 },
    { "802_11", IO_DLT_IEEE802_11 }, { "802.11", IO_DLT_IEEE802_11 }, { "802_11_RADIO", IO_DLT_IEEE802_11_RADIO },
    { "802.11_RADIO", IO_DLT_IEEE802_11_RADIO }, { "SLL", IO_DLT_LINUX_SLL }, { "AIRONET", IO_DLT_AIRONET_HEADER },
    { "HDLC", IO_DLT_C_HDLC }, { "PPP_HDLC", IO_DLT_PPP_HDLC }, { "PPP", IO_DLT_PPP }, { "SUNATM", IO_DLT_SUNATM },
    { "PRISM", IO_DLT_PRISM_HEADER },
};

static void io_encap_name(CvmStr *o, int64_t dlt)
{
    for (unsigned i = 0; i < sizeof io_encap_names / sizeof *io_encap_names; i++)
        if (io_encap_names[i].dlt == dlt) {
            cvm_str_printf(o, "%s", io_encap_names[i].name);
            return;
        }
    if (dlt < 0) cvm_str_printf(o, "<none>");
    else cvm_str_printf(o, "#%lld", (long long)dlt);
}

/* An encapsulation name (ETHER, IP, ... or #N) to its link type, or -1. */
static int64_t io_parse_encap(const char *name, size_t n)
{
    for (unsigned i = 0; i < sizeof io_encap_names / sizeof *io_encap_names; i++)
        if (strlen(io_encap_names[i].name) == n && !memcmp(io_encap_names[i].name, name, n)) return io_encap_names[i].dlt;
    if (n < 2 || name[0] != '#') return -1;
    int64_t v = 0;
    for (size_t i = 1; i < n; i++) {
        if (name[i] < '0' || name[i] > '9') return -1;
        if (v < 0x7fffffff) v = v * 10 + (name[i] - '0');
    }
    return v < 0x7fffffff ? v : -1;
}

static inline int64_t io_canonical_link_type(int64_t dlt)
{
    return dlt == IO_DLT_HOST_RAW || dlt == 228 ? IO_DLT_RAW : dlt;
}

static int io_can_force_ip(int64_t dlt)
{
    switch (dlt) {
    case IO_DLT_RAW: case IO_DLT_HOST_RAW: case IO_DLT_EN10MB: case IO_DLT_SUNATM: case IO_DLT_FDDI:
    case IO_DLT_ATM_RFC1483: case IO_DLT_LINUX_SLL: case IO_DLT_C_HDLC: case IO_DLT_IEEE802_11:
    case IO_DLT_PRISM_HEADER: case IO_DLT_PPP_HDLC: case IO_DLT_PPP: case IO_DLT_NULL: case IO_DLT_IEEE802_11_RADIO:
        return 1;
    default:
        return 0;
    }
}

static inline int io_is_ip_type(unsigned t) { return t == 0x0800 || t == 0x86dd; }
static inline unsigned io_u16(const uint8_t *d, int64_t o) { return (unsigned)d[o] << 8 | d[o + 1]; }

static int64_t io_ether_ip(const uint8_t *d, int64_t len, int64_t o)
{
    if (o + 14 > len) return -1;  /* o may be slightly negative (RFC 1483 bridged frames) */
    unsigned t = io_u16(d, o + 12);
    if (io_is_ip_type(t)) return o + 14;
    if (t == 0x8100 && o + 18 <= len && io_is_ip_type(io_u16(d, o + 16))) return o + 18;
    return -1;
}

static int64_t io_fddi_ip(const uint8_t *d, int64_t len, int64_t o);

static int64_t io_rfc1483_ip(const uint8_t *d, int64_t len, int64_t o)
{
    if (o + 8 <= len && d[o] == 0xaa && d[o + 1] == 0xaa && d[o + 2] == 3 && d[o + 3] == 0 && d[o + 4] == 0 && d[o + 5] == 0 && io_is_ip_type(io_u16(d, o + 6))) return o + 8;
    if (o + 4 <= len && d[o] == 0x06 && d[o + 1] == 0x06) return o + 4;
    if (o + 8 <= len && d[o] == 0xaa && d[o + 1] == 0xaa) {
        unsigned org = (unsigned)d[o + 3] << 16 | (unsigned)d[o + 4] << 8 | d[o + 5];
        unsigned pid = io_u16(d, o + 6);
        if (org == 0x000000 || org == 0x0000f8) return io_ether_ip(d, len, o + 6 - 12);
        if (org == 0x0080c2 && (pid == 0x0001 || pid == 0x0007)) return io_ether_ip(d, len, o + 8);
        if (org == 0x0080c2 && (pid == 0x0004 || pid == 0x000a)) return io_fddi_ip(d, len, o + 9);
    }
    return -1;
}

static int64_t io_fddi_ip(const uint8_t *d, int64_t len, int64_t o)
{
    if (o + 21 > len || (d[o] & 0xf8) != 0x50) return -1;
    return io_rfc1483_ip(d, len, o + 13);
}

static int64_t io_wifi_ip(const uint8_t *d, int64_t len, int64_t o)
{
    if (o + 24 <= len && (d[o] & 0x0c) == 0x08) return io_rfc1483_ip(d, len, o + ((d[o + 1] & 3) == 3 ? 30 : 24));
    return -1;
}

static int64_t io_hdlc_ip(const uint8_t *d, int64_t len, int64_t o)
{
    return o + 4 <= len && io_is_ip_type(io_u16(d, o + 2)) ? o + 4 : -1;
}

/* Offset of the IP header behind the link header, or -1. */
static int64_t io_ip_offset(const uint8_t *d, int64_t len, int64_t dlt)
{
    switch (dlt) {
    case IO_DLT_RAW: case IO_DLT_HOST_RAW: return 0;
    case IO_DLT_EN10MB: return io_ether_ip(d, len, 0);
    case IO_DLT_FDDI: return io_fddi_ip(d, len, 0);
    case IO_DLT_SUNATM: return io_rfc1483_ip(d, len, 4);
    case IO_DLT_ATM_RFC1483: return io_rfc1483_ip(d, len, 0);
    case IO_DLT_LINUX_SLL: return len >= 16 && io_is_ip_type(io_u16(d, 14)) ? 16 : -1;
    case IO_DLT_C_HDLC: return io_hdlc_ip(d, len, 0);
    case IO_DLT_PPP_HDLC:
        if (len < 4) return -1;
        if (d[0] == 0xff) return d[2] == 0 && (d[3] == 0x21 || d[3] == 0x57) ? 4 : -1;
        return d[0] == 0x0f || d[0] == 0x8f ? io_hdlc_ip(d, len, 0) : -1;
    case IO_DLT_PPP: {
        int64_t o = len >= 2 && d[0] == 0xff && d[1] == 0x03 ? 2 : 0;
        if (o + 2 > len) return -1;
        if (d[o] == 0x21 || d[o] == 0x57) return o + 1;
        if (d[o] == 0 && (d[o + 1] == 0x21 || d[o + 1] == 0x57)) return o + 2;
        return -1;
    }
    case IO_DLT_PRISM_HEADER: return io_wifi_ip(d, len, 144);
    case IO_DLT_IEEE802_11: return io_wifi_ip(d, len, 0);
    case IO_DLT_IEEE802_11_RADIO: {
        if (len < 4) return -1;
        int64_t hl = d[2] | d[3] << 8;
        return hl >= 8 ? io_wifi_ip(d, len, hl) : -1;
    }
    case IO_DLT_NULL: {
        if (len < 4) return -1;
        unsigned family = d[0] | d[1] << 8;
        if (family == 0) family = io_u16(d, 2);
        return family == 2 || family == 24 || family == 28 || family == 30 ? 4 : -1;
    }
    default:
        return -1;
    }
}

/* If the frame carries a whole IPv4 header (or an IPv6 header) behind its
 * link header, set the network header (and for IPv4 the destination address
 * annotation) and return 1. */
static int io_force_ip(Packet *p, int64_t dlt)
{
    const uint8_t *d = p->data;
    int64_t len = p->len;
    int64_t off = io_ip_offset(d, len, dlt);
    if (off < 0 || off >= len) return 0;
    unsigned version = d[off] >> 4;
    if (version == 4) {
        int64_t hl = (int64_t)(d[off] & 15) << 2;
        if (hl < 20 || off + hl > len) return 0;
        cvm_set_net(p, (int32_t)off, (int32_t)hl);
        cvm_set_dst_ip(p, cvm_be32(d + off + 16));
        return 1;
    }
    if (version == 6 && off + 40 <= len) {
        cvm_set_net(p, (int32_t)off, 40);
        return 1;
    }
    return 0;
}

#endif
