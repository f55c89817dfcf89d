/* Click's names for IP protocols and ICMP types and codes (ip-names.ts). */
#ifndef CVM_IO_IP_NAMES_H
#define CVM_IO_IP_NAMES_H

#include <stddef.h>
#include <string.h>

static const char *io_ip_proto_name(unsigned p)
{
    switch (p) {
    case 1: return "icmp";
    case 2: return "igmp";
    case 4: return "ipip";
    case 6: return "tcp";
    case 17: return "udp";
    default: return NULL;
    }
}

/* A decimal below 256 (leading zeros allowed), or -1. */
static int io_small_decimal(const char *t, size_t n)
{
    if (!n) return -1;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9') return -1;
        v = v * 10 + (unsigned)(t[i] - '0');
        if (v >= 256) v = 256;
    }
    return v < 256 ? (int)v : -1;
}

static const char *const io_icmp_type_names[19] = {
    "echo-reply", NULL, NULL, "unreachable", "sourcequench", "redirect", NULL, NULL, "echo", "routeradvert",
    "routersolicit", "timeexceeded", "parameterproblem", "timestamp", "timestamp-reply", "inforeq", "inforeq-reply",
    "maskreq", "maskreq-reply",
};

static const char *io_icmp_type_name(unsigned type) { return type < 19 ? io_icmp_type_names[type] : NULL; }

static const char *io_icmp_code_name(unsigned type, unsigned code)
{
    static const char *const unreach[16] = {
        "net", "host", "protocol", "port", "needfrag", "srcroutefail", "netunknown", "hostunknown", "isolated",
        "netprohibited", "hostprohibited", "tosnet", "toshost", "filterprohibited", "hostprecedence", "precedencecutoff",
    };
    static const char *const redirect[4] = { "net", "host", "tosnet", "toshost" };
    static const char *const timeexceeded[2] = { "transit", "reassembly" };
    static const char *const paramprob[3] = { "erroratptr", "missingopt", "length" };
    switch (type) {
    case 3: return code < 16 ? unreach[code] : NULL;
    case 5: return code < 4 ? redirect[code] : NULL;
    case 11: return code < 2 ? timeexceeded[code] : NULL;
    case 12: return code < 3 ? paramprob[code] : NULL;
    default: return NULL;
    }
}

/* An ICMP type by name or decimal number below 256; -1 if neither. */
static int io_icmp_type_value(const char *t, size_t n)
{
    for (unsigned i = 0; i < 19; i++)
        if (io_icmp_type_names[i] && strlen(io_icmp_type_names[i]) == n && !memcmp(io_icmp_type_names[i], t, n)) return (int)i;
    return io_small_decimal(t, n);
}

/* An ICMP code by name (for that type, -1: none known) or number; -1 if neither. */
static int io_icmp_code_value(int type, const char *t, size_t n)
{
    if (type >= 0)
        for (unsigned c = 0; c < 16; c++) {
            const char *name = io_icmp_code_name((unsigned)type, c);
            if (name && strlen(name) == n && !memcmp(name, t, n)) return (int)c;
        }
    return io_small_decimal(t, n);
}

#endif
