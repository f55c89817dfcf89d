/* IPFragmenter: packets whose IP part exceeds MTU are split into fragments
 * (the first is the packet itself, cut short and keeping every option; the
 * others are new packets carrying the "copy" options and the original's
 * annotations); DF packets (with HONOR_DF) and packets whose first fragment
 * could not carry 8 bytes go to output 1 with a report on stderr (the first
 * five, or all with VERBOSE). Packets without a sane IP header annotation
 * are dropped. Fragments after the first count as created. */
#include "cvm.h"
#include "../lib/ip-header.h"
#include "../lib/checked-output.h"

struct ip_fragmenter {
    CvmElement base;
    uint32_t mtu, headroom;
    uint8_t honor_df, verbose;
    uint64_t drops, fragments;
};

/* Copy the options of src[0..opts_len) marked "copy" to dst (if not NULL),
 * padded with EOL to a multiple of 4; returns the padded length. An EOL, an
 * option running past the end, or a zero length ends the walk. */
static uint32_t ip_fragmenter_copy_options(const uint8_t *src, uint32_t opts_len, uint8_t *dst)
{
    uint32_t outpos = 0;
    for (uint32_t i = 0; i < opts_len;) {
        uint8_t opt = src[i];
        uint32_t optlen = 1;
        if (opt != IPOPT_NOP) {
            if (opt == IPOPT_EOL || i == opts_len - 1) break;
            optlen = src[i + 1];
            if (i + optlen > opts_len || optlen == 0) break;
        }
        if (opt & 0x80) {
            if (dst) memcpy(dst + outpos, src + i, optlen);
            outpos += optlen;
        }
        i += optlen;
    }
    for (; outpos & 3; outpos++)
        if (dst) dst[outpos] = IPOPT_EOL;
    return outpos;
}

static void ip_fragmenter_fragment(struct ip_fragmenter *e, Packet *p, CvmOut *out)
{
    const int32_t mtu = (int32_t)e->mtu;
    int32_t avail;
    const uint8_t *h0 = ip_header(p, &avail);
    const int32_t hlen = (int32_t)ip_hlen(h0);
    const int32_t total_len = cvm_be16(h0 + IPH_LEN);
    const int32_t first_dlen = (mtu - hlen) & ~7;
    const int32_t in_dlen = total_len - hlen;
    const int32_t net_rel = ip_net_rel(p);
    const int32_t trans_rel = ip_trans_rel(p);
    const int64_t payload_rel = trans_rel != IP_UNSET ? trans_rel : (int64_t)net_rel + hlen;
    if (avail < IPH_MIN_LEN || hlen < IPH_MIN_LEN || hlen > avail || in_dlen < 0 || payload_rel < 0 || payload_rel + in_dlen > (int64_t)p->len) {
        cvm_drop(out, p);
        return;
    }

    if (((cvm_be16(h0 + IPH_OFF) & IP_DF) && e->honor_df) || first_dlen < 8) {
        if (e->verbose || e->drops < 5)
            cvm_stderr_line("IPFragmenter(%u) DF %u.%u.%u.%u %u.%u.%u.%u len=%u", e->mtu, h0[12], h0[13], h0[14], h0[15], h0[16], h0[17], h0[18], h0[19], p->len);
        e->drops++;
        emit_checked(out, 1, p);
        return;
    }

    if (!cvm_packet_writable(p)) {
        cvm_drop(out, p);
        return;
    }
    uint8_t *ip = cvm_net(p);
    uint16_t off = cvm_be16(ip + IPH_OFF);
    if (off & IP_DF) {
        /* The sender's identifier cannot be trusted once DF is ignored. */
        uint32_t r = cvm_random32();
        ip[IPH_ID] = (uint8_t)r;
        ip[IPH_ID + 1] = (uint8_t)(r >> 8);
        off &= (uint16_t)~IP_DF;
    }
    const int had_mf = (off & IP_MF) != 0;
    cvm_put16(ip + IPH_LEN, (uint16_t)(hlen + first_dlen));
    cvm_put16(ip + IPH_OFF, (uint16_t)(off | IP_MF));
    cvm_put16(ip + IPH_SUM, 0);
    cvm_put16(ip + IPH_SUM, inet_checksum(ip, (size_t)hlen, 0));

    const uint32_t opts_len = ip_fragmenter_copy_options(ip + IPH_MIN_LEN, (uint32_t)hlen - IPH_MIN_LEN, NULL);
    const int32_t out_hlen = IPH_MIN_LEN + (int32_t)opts_len;
    const uint8_t *payload = p->data + payload_rel;
    const uint16_t first_off = cvm_be16(ip + IPH_OFF);

    /* The first fragment leaves first, then the others in order. They wait
     * in `rest`; when more than a batch is made, p leaves early and a
     * reference to its buffer keeps the payload readable (a downstream
     * writer then copies). The take only shortens p's data. */
    cvm_packet_take(p, (uint32_t)((int64_t)p->len - net_rel - hlen - first_dlen));
    Packet *rest[CVM_BATCH_MAX] = { 0 };
    Packet *keep = NULL;
    unsigned nrest = 0;
    int first_sent = 0;
    for (int32_t o = first_dlen; o < in_dlen;) {
        int32_t out_dlen = (mtu - out_hlen) & ~7;
        if (out_dlen + o > in_dlen) out_dlen = in_dlen - o;
        if (nrest == CVM_BATCH_MAX) {
            if (!first_sent) {
                if (!(keep = cvm_packet_clone(p))) break;
                cvm_emit(out, 0, p);
                e->fragments++;
                first_sent = 1;
            }
            cvm_emit_all(out, 0, rest, nrest);
            e->fragments += nrest;
            nrest = 0;
        }
        Packet *q = cvm_packet_alloc((uint32_t)(out_hlen + out_dlen), e->headroom, 0);
        if (!q) break;
        cvm_created(out, q);
        uint8_t *d = q->data;
        memcpy(d, ip, IPH_MIN_LEN);
        ip_fragmenter_copy_options(ip + IPH_MIN_LEN, (uint32_t)hlen - IPH_MIN_LEN, d + IPH_MIN_LEN);
        memcpy(d + out_hlen, payload + o, (size_t)out_dlen);
        d[IPH_VHL] = (uint8_t)((d[IPH_VHL] & 0xf0) | (out_hlen >> 2));
        uint16_t qoff = (uint16_t)(first_off + (o >> 3));
        if (out_dlen + o >= in_dlen && !had_mf) qoff &= (uint16_t)~IP_MF;
        cvm_put16(d + IPH_OFF, qoff);
        cvm_put16(d + IPH_LEN, (uint16_t)(out_hlen + out_dlen));
        cvm_put16(d + IPH_SUM, 0);
        cvm_put16(d + IPH_SUM, inet_checksum(d, (size_t)out_hlen, 0));
        cvm_set_net(q, 0, out_hlen);
        memcpy(q->anno, first_sent ? keep->anno : p->anno, CVM_ANNO_SIZE);
        q->ts_sec = first_sent ? keep->ts_sec : p->ts_sec;
        q->ts_nsec = first_sent ? keep->ts_nsec : p->ts_nsec;
        q->pkt_type = first_sent ? keep->pkt_type : p->pkt_type;
        rest[nrest++] = q;
        o += out_dlen;
    }
    if (!first_sent) {
        cvm_emit(out, 0, p);
        e->fragments++;
    }
    cvm_emit_all(out, 0, rest, nrest);
    e->fragments += nrest;
    if (keep) cvm_packet_free(keep);
}

static inline void ip_fragmenter_push(struct ip_fragmenter *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        int32_t rel = ip_net_rel(p);
        if (rel < 0 || rel > (int32_t)p->len) cvm_drop(out, p);
        else if (p->len - (uint32_t)rel <= e->mtu) cvm_emit(out, 0, p);
        else ip_fragmenter_fragment(e, p, out);
    }
}

static void ip_fragmenter_read_drops(struct ip_fragmenter *e, CvmStr *o) { cvm_str_u64(o, e->drops); }
static void ip_fragmenter_read_fragments(struct ip_fragmenter *e, CvmStr *o) { cvm_str_u64(o, e->fragments); }
