/* ICMPRewriter: ICMP errors about rewritten packets turned back, quoted
 * packet and all, by the rewriters' reply mappings (icmp-rewriter.ts). */
#include "cvm.h"
#include "../lib/rewriter.h"

struct icmp_rewriter {
    CvmElement base;
    const RwMapUse *maps;
    uint32_t nmaps;
    uint32_t annos;
    int32_t noutputs;
};

static int icmp_rewriter_init(struct icmp_rewriter *e, CvmStr *err)
{
    int32_t nout = e->noutputs;
    for (uint32_t i = 0; i < e->nmaps; i++) {
        const RwMapUse *m = &e->maps[i];
        if (m->offset >= 0 && m->offset + m->rw->noutputs > nout)
            cvm_str_printf(err, "%s%s port offset requires more than %d %s", err->len ? "\n" : "", m->word, nout, nout == 1 ? "output" : "outputs");
    }
    return err->len ? -1 : 0;
}

/* 16-bit words changed by a rewrite, for the checksums over them. */
typedef struct {
    uint16_t old[8], new[8];
    int n;
} IcmpRwChanges;

static inline void icmp_rewriter_set16(IcmpRwChanges *c, uint8_t *at, uint16_t v)
{
    c->old[c->n] = cvm_be16(at);
    c->new[c->n++] = v;
    cvm_put16(at, v);
}

static inline void icmp_rewriter_sum(const IcmpRwChanges *c, uint8_t *at, int from, int to)
{
    uint16_t s = cvm_be16(at);
    for (int i = from; i < to; i++) s = tc_update(s, c->old[i], c->new[i]);
    cvm_put16(at, s);
}

/* One ICMP packet: its output, or -1 (unmapped). */
static int icmp_rewriter_handle(struct icmp_rewriter *e, Packet *p, const TcHeaders *h)
{
    uint8_t *icmp = h->trans, *end = p->data + p->len;
    uint8_t type = icmp[0];
    if ((type != 3 && type != 4 && type != 5 && type != 11 && type != 12) || tc_transport_length(h) < 28) return -1;
    uint8_t *enc = icmp + 8, *et = enc + ((enc[0] & 15) << 2);
    if (enc[0] >> 4 != 4 || et < enc + 20) return -1;
    uint8_t enc_p = enc[9];
    RwFlowID search = { cvm_be32(enc + 16), cvm_be32(enc + 12), 0, 0 };
    int use_trans = 0, ports = enc_p == 6 || enc_p == 17 || enc_p == 33;
    if (ports && et + 8 <= end && tc_first_fragment(enc)) {
        search.sport = cvm_be16(et + 2);
        search.dport = cvm_be16(et);
        use_trans = 1;
    } else if (enc_p == 1 && et + 6 <= end && tc_first_fragment(enc) && et[0] == 8) {
        search.sport = cvm_be16(et + 4);
        use_trans = 1;
    }
    RwEntry *entry = NULL;
    const RwMapUse *use = NULL;
    for (uint32_t i = 0; i < e->nmaps && !entry; i++)
        if ((entry = rw_get_entry(e->maps[i].rw, enc_p, &search, RW_GET_ENTRY_REPLY))) use = &e->maps[i];
    if (!entry) return -1;
    RwFlow *f = rw_entry_flow(entry);
    RwFlowID nf = rw_flowid_reverse(f->e[entry->direction ? 0 : 1].id);

    /* The error itself goes to the original source if it went to the rewritten one. */
    if (cvm_be32(h->ip + 16) == search.daddr) {
        IcmpRwChanges c = { .n = 0 };
        icmp_rewriter_set16(&c, h->ip + 16, (uint16_t)(nf.daddr >> 16));
        icmp_rewriter_set16(&c, h->ip + 18, (uint16_t)nf.daddr);
        icmp_rewriter_sum(&c, h->ip + 10, 0, c.n);
        if (e->annos & 1) cvm_set_dst_ip(p, nf.daddr);
    }
    if (entry->direction && (e->annos & 2)) p->anno[e->annos >> 2] = f->reply_anno;

    /* Words changed inside the quote: its IP checksum, addresses, then ports or identifier and the checksum. */
    IcmpRwChanges c = { .n = 1 };
    c.old[0] = cvm_be16(enc + 10);
    icmp_rewriter_set16(&c, enc + 12, (uint16_t)(nf.daddr >> 16));
    icmp_rewriter_set16(&c, enc + 14, (uint16_t)nf.daddr);
    icmp_rewriter_set16(&c, enc + 16, (uint16_t)(nf.saddr >> 16));
    icmp_rewriter_set16(&c, enc + 18, (uint16_t)nf.saddr);
    icmp_rewriter_sum(&c, enc + 10, 1, 5);
    c.new[0] = cvm_be16(enc + 10);
    if (use_trans && ports) {
        icmp_rewriter_set16(&c, et, nf.dport);
        icmp_rewriter_set16(&c, et + 2, nf.sport);
        uint8_t *sum = enc_p == 6 && et + 18 <= end ? et + 16 : enc_p == 17 && cvm_be16(et + 6) ? et + 6 : NULL;
        if (sum) {
            c.old[c.n] = cvm_be16(sum);
            icmp_rewriter_sum(&c, sum, 1, 7);
            c.new[c.n++] = cvm_be16(sum);
        }
    } else if (use_trans) {
        icmp_rewriter_set16(&c, et + 4, nf.dport);
        c.old[c.n] = cvm_be16(et + 2);
        icmp_rewriter_sum(&c, et + 2, 5, 6);
        tc_fix_zero_checksum(et + 2, et, end - et);
        c.new[c.n++] = cvm_be16(et + 2);
    }
    icmp_rewriter_sum(&c, icmp + 2, 0, c.n);
    return use->offset >= 0 ? use->offset + entry->output : 0;
}

static inline void icmp_rewriter_push(struct icmp_rewriter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        TcHeaders h;
        int o = cvm_packet_writable(p) && tc_headers(p, &h) && h.ip[9] == 1 ? icmp_rewriter_handle(e, p, &h) : -1;
        rw_emit_or_drop(out, o, p);
    }
}
