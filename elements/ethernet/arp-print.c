/* ARPPrint: a tcpdump-like line per ARP packet with a network header,
 * exactly the host engine's text (arp-print.ts). Bytes past the data read
 * as 0. The lines of a batch go out in one write. */
#include "cvm.h"
#include "elements/io/io-text.h"
#include "../lib/ether-header.h"
#include "elements/lib/ip-text.h"

struct arp_print {
    CvmElement base;
    const char *label;
    uint8_t timestamp, ether, active;
    CvmStr text;
};

static void arp_print_cleanup(struct arp_print *e) { cvm_str_free(&e->text); }

typedef struct ArpView {
    const uint8_t *b;    /* the buffer */
    int64_t net, end;    /* offsets in it */
} ArpView;

static inline unsigned arpv_u8(ArpView v, int64_t o) { return v.net + o < v.end ? v.b[v.net + o] : 0; }
static inline unsigned arpv_u16(ArpView v, int64_t o) { return arpv_u8(v, o) << 8 | arpv_u8(v, o + 1); }

static void arpv_ip(CvmStr *s, ArpView v, int64_t o)
{
    ip_unparse(s, (uint32_t)arpv_u8(v, o) << 24 | arpv_u8(v, o + 1) << 16 | arpv_u8(v, o + 2) << 8 | arpv_u8(v, o + 3));
}

static void arpv_ether(CvmStr *s, ArpView v, int64_t o)
{
    uint8_t e[6];
    for (int i = 0; i < 6; i++) e[i] = (uint8_t)arpv_u8(v, o + i);
    ether_unparse(s, e);
}

/* Append the packet's line and a newline, or nothing. */
static void arp_print_text(struct arp_print *e, CvmStr *s, const Packet *p)
{
    if (p->net < 0) return;
    const size_t start = s->len;
    const int64_t head = (int64_t)cvm_headroom(p), end = head + p->len;
    ArpView v = { p->buf->head, p->net, end };
    if (*e->label) cvm_str_printf(s, "%s: ", e->label);
    if (e->timestamp) {
        io_format_timestamp(s, p->ts_sec, io_packet_nsec(p));
        cvm_str_append(s, ": ", 2);
    }
    if (e->ether) {
        int64_t mac = p->mac >= 0 ? p->mac : head;
        if (mac + 14 <= v.net && mac + 14 <= end) {
            ether_unparse(s, v.b + mac + 6);
            cvm_str_append(s, " > ", 3);
            ether_unparse(s, v.b + mac);
            cvm_str_append(s, ": ", 2);
        }
    }
    if (end - v.net < 8) {
        cvm_str_printf(s, "truncated-arp (%lld)\n", (long long)(end - v.net));
        return;
    }
    unsigned hrd = arpv_u16(v, 0), pro = arpv_u16(v, 2), hln = arpv_u8(v, 4), pln = arpv_u8(v, 5), op = arpv_u16(v, 6);
    if ((pro != 0x0800 && pro != 0x1000) || pln != 4 || hln == 0) {
        s->len = start;   /* Click prints nothing */
        return;
    }
    if (pro == 0x1000) cvm_str_append(s, "trailer-", 8);
    enum { SHA = 8, SPA = 14, THA = 18, TPA = 24 };
    switch (op) {
    case 1: {
        cvm_str_append(s, "arp who-has ", 12);
        arpv_ip(s, v, TPA);
        int zero = 1;
        for (unsigned i = 0; i < hln && i < 6; i++) zero &= arpv_u8(v, THA + i) == 0;
        if (!zero) {
            cvm_str_append(s, " (", 2);
            arpv_ether(s, v, THA);
            cvm_str_append(s, ")", 1);
        }
        cvm_str_append(s, " tell ", 6);
        arpv_ip(s, v, SPA);
        break;
    }
    case 2:
        cvm_str_append(s, "arp reply ", 10);
        arpv_ip(s, v, SPA);
        cvm_str_append(s, " is-at ", 7);
        arpv_ether(s, v, SHA);
        break;
    case 3:
    case 8:
        cvm_str_printf(s, "%s who-is ", op == 3 ? "rarp" : "invarp");
        arpv_ether(s, v, THA);
        cvm_str_append(s, " tell ", 6);
        arpv_ether(s, v, SHA);
        break;
    case 4:
    case 9:
        cvm_str_printf(s, "%s reply ", op == 4 ? "rarp" : "invarp");
        arpv_ether(s, v, THA);
        cvm_str_append(s, " at ", 4);
        arpv_ip(s, v, TPA);
        break;
    default:
        cvm_str_printf(s, "arp-#%u", op);
    }
    if (hrd != 1) cvm_str_printf(s, "hardware #%u", hrd);
    cvm_str_append(s, "\n", 1);
}

static inline void arp_print_push(struct arp_print *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    if (e->active && n) {
        cvm_str_clear(&e->text);
        for (unsigned i = 0; i < n; i++) arp_print_text(e, &e->text, in[i]);
        if (e->text.len) cvm_write(CVM_STDERR, e->text.s, e->text.len);
    }
    for (unsigned i = 0; i < n; i++) cvm_emit(out, 0, in[i]);
}

static void arp_print_read_active(struct arp_print *e, CvmStr *o) { cvm_str_printf(o, "%s", ct_bool_text(e->active)); }

static int arp_print_write_active(struct arp_print *e, const char *v, CvmStr *err)
{
    int b;
    if (ct_parse_bool(v, strlen(v), &b) < 0) return cvm_str_printf(err, "expected boolean"), -1;
    e->active = (uint8_t)b;
    return 0;
}
