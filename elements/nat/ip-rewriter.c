/* IPRewriter: TCP/UDP address and port translation (ip-rewriter.ts). The
 * fast path for an established flow is a hash lookup, the rewrite with
 * incremental checksum updates, and one heap repositioning. */
#include "cvm.h"
#include "../lib/rewriter.h"

struct ip_rewriter {
    CvmElement base;
    CvmTimer timer;
    RwCore rw;
};

static int ip_rewriter_init(struct ip_rewriter *e, CvmStr *err) { return rw_element_init(&e->rw, &e->timer, err); }
static void ip_rewriter_run_timer(struct ip_rewriter *e, CvmIn *in, CvmOut *out) { rw_element_gc(&e->rw, &e->timer); }
static void ip_rewriter_cleanup(struct ip_rewriter *e) { rw_element_cleanup(&e->rw, &e->timer); }
static void ip_rewriter_take_state(struct ip_rewriter *e, struct ip_rewriter *old, CvmHotswap *hs) { rw_core_take_state(&e->rw, &old->rw, hs); }

static inline void ip_rewriter_push(struct ip_rewriter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    RwCore *rw = &e->rw;
    RwInput *spec = &rw->inputs[port];
    const int64_t now = rw_jiffies();    /* time stands still within a batch */
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        if (!cvm_packet_writable(p) || !tc_headers(p, &h)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t proto = h.ip[9];
        if ((proto != 6 && proto != 17) || !tc_first_fragment(h.ip) || tc_transport_length(&h) < 8) {
            if (spec->kind == RW_SPEC_NOCHANGE) rw_emit_or_drop(out, spec->foutput, p);
            else cvm_drop(out, p);
            continue;
        }
        RwFlowID id = { cvm_be32(h.ip + 12), cvm_be32(h.ip + 16), cvm_be16(h.trans), cvm_be16(h.trans + 2) };
        int udp = proto == 17;
        RwEntry *m = rw_map_find(&rw->maps[udp], &id);
        int r;
        if (!m && !(m = rw_new_mapping(rw, spec, &id, udp, proto, udp ? rw->udp : rw->timeouts, 0, p, &r))) {
            rw_emit_or_drop(out, r, p);
            continue;
        }
        RwFlow *f = rw_entry_flow(m);
        if (!udp) {
            rw_apply_tcp(f, p, &h, m->direction, rw->annos);
            if (rw->timeouts[1]) rw_heap_change_expiry(rw->heap, f, 1, now + rw->timeouts[1]);
            else rw_heap_change_expiry(rw->heap, f, 0, now + rw_tcp_flow_timeout(rw, f));
        } else {
            rw_apply_udp(f, p, &h, m->direction, rw->annos);
            if (rw->udp[1]) rw_heap_change_expiry(rw->heap, f, 1, now + rw->udp[1]);
            else rw_heap_change_expiry(rw->heap, f, 0, now + rw_udp_flow_timeout(rw, f));
        }
        rw_emit_or_drop(out, m->output, p);
    }
}

static void ip_rewriter_table(struct ip_rewriter *e, int udp, CvmStr *o)
{
    int64_t now = rw_jiffies();
    for (RwEntry *m = e->rw.maps[udp].head; m; m = m->next) {
        RwFlow *f = rw_entry_flow(m);
        RwFlowID to = rw_flowid_reverse(f->e[m->direction ? 0 : 1].id);
        rw_put_flow(o, &m->id);
        cvm_str_append(o, " => ", 4);
        rw_put_flow(o, &to);
        rw_unparse_ports(f, m->direction, now, o);
        cvm_str_append(o, "\n", 1);
    }
}

static void ip_rewriter_read_tcp_table(struct ip_rewriter *e, CvmStr *o) { ip_rewriter_table(e, 0, o); }
static void ip_rewriter_read_udp_table(struct ip_rewriter *e, CvmStr *o) { ip_rewriter_table(e, 1, o); }
static void ip_rewriter_read_tcp_mappings(struct ip_rewriter *e, CvmStr *o) { ip_rewriter_table(e, 0, o); }
static void ip_rewriter_read_udp_mappings(struct ip_rewriter *e, CvmStr *o) { ip_rewriter_table(e, 1, o); }

/* A TCP port: 0-65535 or one of Click's well-known names. */
static int ip_rewriter_tcp_port(CtText w, uint16_t *port)
{
    static const struct { const char *name; uint16_t port; } names[] = {
        { "auth", 113 }, { "bootpc", 68 }, { "bootps", 67 }, { "chargen", 19 }, { "daytime", 13 }, { "discard", 9 },
        { "dns", 53 }, { "domain", 53 }, { "echo", 7 }, { "finger", 79 }, { "ftp", 21 }, { "ftp-data", 20 },
        { "https", 443 }, { "imap3", 220 }, { "imaps", 993 }, { "irc", 194 }, { "netbios-dgm", 138 }, { "netbios-ns", 137 },
        { "netbios-ssn", 139 }, { "nntp", 119 }, { "ntp", 123 }, { "pop3", 110 }, { "pop3s", 995 }, { "pptp", 1723 },
        { "rip", 520 }, { "route", 520 }, { "smtp", 25 }, { "snmp", 161 }, { "snmp-trap", 162 }, { "ssh", 22 },
        { "sunrpc", 111 }, { "telnet", 23 }, { "tftp", 69 }, { "www", 80 },
    };
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
        if (ct_text_eq(w, names[i].name)) return *port = names[i].port, 0;
    int64_t v;
    if (ct_parse_click_int(w, &v) < 0 || v < 0 || v > 65535) return -1;
    *port = (uint16_t)v;
    return 0;
}

/* `tcp_lookup SADDR SPORT DADDR DPORT`: a read handler with a parameter. */
static int ip_rewriter_read_param_tcp_lookup(struct ip_rewriter *e, const char *param, CvmStr *o)
{
    CtText t = ct_text_trim(ct_text(param)), w[5];   /* trim().split(/\s+/) */
    unsigned nw = 0;
    for (size_t i = 0; i <= t.n && nw < 5;) {
        size_t j = i;
        while (j < t.n && !ct_js_space(t.s[j])) j++;
        w[nw].s = t.s + i;
        w[nw++].n = j - i;
        if (j >= t.n) break;
        while (j < t.n && ct_js_space(t.s[j])) j++;
        i = j;
    }
    RwFlowID id;
    if (nw != 4 || ip_parse_click(w[0], &id.saddr) < 0 || ip_parse_click(w[2], &id.daddr) < 0 || ip_rewriter_tcp_port(w[1], &id.sport) < 0 ||
        ip_rewriter_tcp_port(w[3], &id.dport) < 0)
        return cvm_str_printf(o, "expected SADDR SPORT DADDR DPORT"), -1;
    RwEntry *m = rw_map_find(&e->rw.maps[0], &id);
    if (!m) return 0;
    RwFlowID r = rw_flowid_reverse(rw_entry_flow(m)->e[m->direction ? 0 : 1].id);
    ip_unparse(o, r.saddr);
    cvm_str_printf(o, " %u ", r.sport);
    ip_unparse(o, r.daddr);
    cvm_str_printf(o, " %u", r.dport);
    return 0;
}

static void ip_rewriter_read_nmappings(struct ip_rewriter *e, CvmStr *o) { rw_read_nmappings(&e->rw, o); }
static void ip_rewriter_read_mapping_failures(struct ip_rewriter *e, CvmStr *o) { rw_read_mapping_failures(&e->rw, o); }
static void ip_rewriter_read_patterns(struct ip_rewriter *e, CvmStr *o) { rw_read_patterns(&e->rw, o); }
static void ip_rewriter_read_size(struct ip_rewriter *e, CvmStr *o) { rw_read_size(&e->rw, o); }
static void ip_rewriter_read_capacity(struct ip_rewriter *e, CvmStr *o) { rw_read_capacity(&e->rw, o); }
static int ip_rewriter_write_capacity(struct ip_rewriter *e, const char *v, CvmStr *err) { return rw_write_capacity(&e->rw, v, err); }

static int ip_rewriter_write_clear(struct ip_rewriter *e, const char *v, CvmStr *err) { return rw_write_clear(&e->rw); }
