/* IPPrint: a tcpdump-like line per packet with a network header, exactly
 * the host engine's text (ip-print.ts). Every header byte is read through
 * a bounds check (a byte past the data reads as 0, as the host's view does),
 * so short and malformed packets print Click's `truncated-...` forms. The
 * lines of a batch go into one reused buffer and out in one write. */
#include "cvm.h"
#include "elements/io/io-text.h"
#include "elements/io/ip-names.h"
#include "elements/lib/ip-text.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

enum { IP_PRINT_NONE, IP_PRINT_HEX, IP_PRINT_ASCII };

struct ip_print {
    CvmElement base;
    const char *label;
    const char *outfile;         /* NULL: standard error */
    int32_t max_length;
    uint8_t contents, payload, id, timestamp, paint, tos, ttl, swap, length, aggregate;
    uint8_t active;
    int fd;
    CvmStr text;
};

static const char ip_print_hex[] = "0123456789abcdef";

static int ip_print_init(struct ip_print *e, CvmStr *err)
{
    e->fd = -1;
    e->text = (CvmStr){ 0 };
    if (e->outfile) {
        e->fd = open(io_path(e->outfile), O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (e->fd < 0) return cvm_str_printf(err, "%s: %s", e->outfile, io_file_error(errno)), -1;
    }
    return 0;
}

static void ip_print_cleanup(struct ip_print *e)
{
    if (e->fd >= 0) close(e->fd);
    e->fd = -1;
    cvm_str_free(&e->text);
}

/* The packet's bytes with the host view's rule: outside the data, 0. */
typedef struct IpPrintView {
    const uint8_t *d;
    int64_t len;
} IpPrintView;

static inline unsigned ipv_u8(IpPrintView v, int64_t i) { return i >= 0 && i < v.len ? v.d[i] : 0; }
static inline unsigned ipv_u16(IpPrintView v, int64_t i) { return ipv_u8(v, i) << 8 | ipv_u8(v, i + 1); }
static inline uint32_t ipv_u32(IpPrintView v, int64_t i) { return (uint32_t)ipv_u16(v, i) << 16 | ipv_u16(v, i + 2); }

static void ipv_addr(CvmStr *s, IpPrintView v, int64_t i) { ip_unparse(s, ipv_u32(v, i)); }

static void ip_print_pair(CvmStr *s, IpPrintView v, int64_t net)
{
    ipv_addr(s, v, net + 12);
    cvm_str_append(s, " > ", 3);
    ipv_addr(s, v, net + 16);
}

static void ip_print_ports(CvmStr *s, IpPrintView v, int64_t net, int64_t trans)
{
    ipv_addr(s, v, net + 12);
    cvm_str_printf(s, ".%u > ", ipv_u16(v, trans));
    ipv_addr(s, v, net + 16);
    cvm_str_printf(s, ".%u: ", ipv_u16(v, trans + 2));
}

static void ip_print_tcp(CvmStr *s, IpPrintView v, int64_t net, int64_t trans, int64_t tl, int first_frag, int64_t ip_len, int64_t hl)
{
    if (tl < 4 || !first_frag) {
        ip_print_pair(s, v, net);
        cvm_str_printf(s, "%s", first_frag ? ": truncated-tcp" : ": tcp");
        return;
    }
    ip_print_ports(s, v, net, trans);
    if (tl < 14) {
        cvm_str_printf(s, "truncated-tcp");
        return;
    }
    unsigned flags = ipv_u8(v, trans + 13);
    int64_t seqlen = ip_len - hl - (int64_t)((ipv_u8(v, trans + 12) >> 4) << 2);
    if (flags & 2) cvm_str_append(s, "S", 1), seqlen++;
    if (flags & 1) cvm_str_append(s, "F", 1), seqlen++;
    if (flags & 4) cvm_str_append(s, "R", 1);
    if (flags & 8) cvm_str_append(s, "P", 1);
    if (!(flags & 15)) cvm_str_append(s, ".", 1);
    uint32_t seq = ipv_u32(v, trans + 4);
    cvm_str_printf(s, " %u:%u(%lld,%lld,%lld)", seq, (uint32_t)((int64_t)seq + seqlen), (long long)seqlen, (long long)v.len, (long long)ip_len);
    if (flags & 16) cvm_str_printf(s, " ack %u", ipv_u32(v, trans + 8));
    if (tl < 16) {
        cvm_str_printf(s, "truncated-tcp");
        return;
    }
    cvm_str_printf(s, " win %u", ipv_u16(v, trans + 14));
}

static void ip_print_udp(CvmStr *s, IpPrintView v, int64_t net, int64_t trans, int64_t tl, int first_frag)
{
    if (tl < 4 || !first_frag) {
        ip_print_pair(s, v, net);
        cvm_str_printf(s, "%s", first_frag ? ": truncated-udp" : ": udp");
        return;
    }
    ip_print_ports(s, v, net, trans);
    if (tl < 8) cvm_str_printf(s, "truncated-udp");
    else cvm_str_printf(s, "udp %u", ipv_u16(v, trans + 4));
}

static void ip_print_icmp(struct ip_print *e, CvmStr *s, IpPrintView v, int64_t net, int64_t trans, int64_t tl, int first_frag)
{
    ip_print_pair(s, v, net);
    cvm_str_append(s, ": ", 2);
    if (!first_frag) {
        cvm_str_printf(s, "icmp");
        return;
    }
    if (tl < 2) {
        cvm_str_printf(s, "truncated-icmp");
        return;
    }
    unsigned type = ipv_u8(v, trans), code = ipv_u8(v, trans + 1);
    switch (type) {
    case 0:
    case 8: {
        cvm_str_printf(s, "%s", type == 0 ? "icmp echo-reply " : "icmp echo ");
        if (tl < 8) {
            cvm_str_printf(s, "truncated-icmp");
            return;
        }
        unsigned a = ipv_u16(v, trans + 4), b = ipv_u16(v, trans + 6);
        if (!e->swap) a = (a & 255) << 8 | a >> 8, b = (b & 255) << 8 | b >> 8;
        cvm_str_printf(s, "(%u, %u)", a, b);
        return;
    }
    case 3: {
        const char *cn = io_icmp_code_name(3, code);
        char codebuf[24];
        if (!cn) snprintf(codebuf, sizeof codebuf, "code %u", code), cn = codebuf;
        int64_t inner_len = tl - 8, inner = trans + 8;
        if (inner_len < 20) {
            cvm_str_printf(s, "icmp unreachable %s truncated-icmp", cn);
            return;
        }
        unsigned inner_proto = ipv_u8(v, inner + 9);
        int64_t inner_hl = (int64_t)(ipv_u8(v, inner) & 15) << 2;
        cvm_str_printf(s, "icmp ");
        ipv_addr(s, v, inner + 16);
        cvm_str_printf(s, " unreachable %s", cn);
        const char *pn = io_ip_proto_name(inner_proto);
        if (code == 2) {
            if (pn) cvm_str_printf(s, " %s", pn);
            else cvm_str_printf(s, " %u", inner_proto);
        } else if (code == 3) {
            if (pn) cvm_str_printf(s, " %s", pn);
            else cvm_str_printf(s, " protocol %u", inner_proto);
            if (inner_len - inner_hl < 4) {
                cvm_str_printf(s, "truncated-icmp");
                return;
            }
            cvm_str_printf(s, "/%u", ipv_u16(v, inner + inner_hl + 2));
        } else if (code == 4) {
            unsigned mtu = ipv_u16(v, trans + 6);
            if (mtu) cvm_str_printf(s, " (mtu %u)", mtu);
        }
        return;
    }
    default: {
        const char *tn = io_icmp_type_name(type);
        if (tn) cvm_str_printf(s, "icmp %s", tn);
        else cvm_str_printf(s, "icmp type %u", type);
        const char *cn = io_icmp_code_name(type, code);
        if (cn) cvm_str_printf(s, " %s", cn);
        else if (code) cvm_str_printf(s, " code %u", code);
        return;
    }
    }
}

static void ip_print_data(struct ip_print *e, CvmStr *s, IpPrintView v, int64_t trans, int first_frag, unsigned proto)
{
    int64_t start = 0;
    if (e->payload) {
        if (first_frag && proto == 6) start = trans + (int64_t)((ipv_u8(v, trans + 12) >> 4) << 2);
        else if (first_frag && proto == 17) start = trans + 8;
        else start = trans;
    }
    int64_t bytes = e->max_length;
    if (start >= v.len) bytes = 0;
    else if (bytes < 0 || v.len - start < bytes) bytes = v.len - start;
    for (int64_t i = 0; i < bytes; i++) {
        unsigned b = ipv_u8(v, start + i);
        if (e->contents == IP_PRINT_HEX) {
            if (i % 24 == 0) cvm_str_append(s, "\n  ", 3);
            else if (i % 4 == 0) cvm_str_append(s, " ", 1);
            char h[2] = { ip_print_hex[b >> 4], ip_print_hex[b & 15] };
            cvm_str_append(s, h, 2);
        } else {
            if (i % 48 == 0) cvm_str_append(s, "\n  ", 3);
            else if (i % 8 == 0) cvm_str_append(s, " ", 1);
            char c = b < 32 || b > 126 ? '.' : (char)b;
            cvm_str_append(s, &c, 1);
        }
    }
}

/* Append the packet's text and a newline, or nothing without a network header. */
static void ip_print_text(struct ip_print *e, CvmStr *s, const Packet *p)
{
    int32_t net32 = cvm_net_offset(p);
    if (net32 < 0) return;
    int64_t net = net32;
    IpPrintView v = { p->data, p->len };
    if (*e->label) cvm_str_printf(s, "%s: ", e->label);
    if (e->timestamp) {
        io_format_timestamp(s, p->ts_sec, io_packet_nsec(p));
        cvm_str_append(s, ": ", 2);
    }
    if (e->aggregate) cvm_str_printf(s, "#%u", cvm_anno_u32(p, CVM_ANNO_AGGREGATE));
    if (e->paint) cvm_str_printf(s, "%s%u", e->aggregate ? "." : "paint ", p->anno[CVM_ANNO_PAINT]);
    if (e->aggregate || e->paint) cvm_str_append(s, ": ", 2);
    if (v.len - net < 20) {
        cvm_str_printf(s, "truncated-ip\n");
        return;
    }
    int64_t ip_len = ipv_u16(v, net + 2);
    int64_t hl = (int64_t)(ipv_u8(v, net) & 15) << 2;
    int64_t payload_len = ip_len - hl;
    int64_t trans = p->trans >= 0 ? (int64_t)p->trans - (int64_t)cvm_headroom(p) : net + hl;
    int64_t tl = v.len - trans;
    if (tl > payload_len) tl = payload_len;
    unsigned off = ipv_u16(v, net + 6);
    int first_frag = (off & 0x1fff) == 0;
    unsigned proto = ipv_u8(v, net + 9);
    if (e->id) cvm_str_printf(s, "id %u ", ipv_u16(v, net + 4));
    if (e->ttl) cvm_str_printf(s, "ttl %u ", ipv_u8(v, net + 8));
    if (e->tos) cvm_str_printf(s, "tos %u ", ipv_u8(v, net + 1));
    if (e->length) cvm_str_printf(s, "length %lld ", (long long)ip_len);
    if (proto == 6) ip_print_tcp(s, v, net, trans, tl, first_frag, ip_len, hl);
    else if (proto == 17) ip_print_udp(s, v, net, trans, tl, first_frag);
    else if (proto == 1) ip_print_icmp(e, s, v, net, trans, tl, first_frag);
    else {
        ip_print_pair(s, v, net);
        cvm_str_printf(s, ": ip-proto-%u", proto);
    }
    if (off & 0x3fff)
        cvm_str_printf(s, " (frag %u:%lld@%u%s)", ipv_u16(v, net + 4), (long long)payload_len, (off & 0x1fff) << 3, off & 0x2000 ? "+" : "");
    if (e->contents != IP_PRINT_NONE) ip_print_data(e, s, v, trans, first_frag, proto);
    cvm_str_append(s, "\n", 1);
}

static inline void ip_print_push(struct ip_print *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    if (e->active && n) {
        cvm_str_clear(&e->text);
        for (unsigned i = 0; i < n; i++) ip_print_text(e, &e->text, in[i]);
        if (e->text.len) {
            if (e->fd >= 0) {
                size_t off = 0;
                while (off < e->text.len) {
                    ssize_t w = write(e->fd, e->text.s + off, e->text.len - off);
                    if (w < 0 && errno == EINTR) continue;
                    if (w <= 0) break;
                    off += (size_t)w;
                }
            } else cvm_write(CVM_STDERR, e->text.s, e->text.len);
        }
    }
    for (unsigned i = 0; i < n; i++) cvm_emit(out, 0, in[i]);
}

static void ip_print_read_active(struct ip_print *e, CvmStr *o) { cvm_str_printf(o, "%s", ct_bool_text(e->active)); }

static int ip_print_write_active(struct ip_print *e, const char *v, CvmStr *err)
{
    int b;
    if (ct_parse_bool(v, strlen(v), &b) < 0) return cvm_str_printf(err, "expected boolean"), -1;
    e->active = (uint8_t)b;
    return 0;
}
