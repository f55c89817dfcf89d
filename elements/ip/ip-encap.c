/* IPEncap: prepend a 20-byte IP header built from a template whose checksum
 * is computed once (init, handler writes); per packet the length, the
 * identifier (and in DST_ANNO mode the destination) are filled in and their
 * words added to the checksum incrementally, exactly as Click does. */
#include "cvm.h"
#include "../lib/ip-header.h"

struct ip_encap {
    CvmElement base;
    uint8_t proto, tos, ttl, df;
    uint32_t src, dst;
    uint8_t use_dst_anno;
    /* state */
    uint16_t id;
    uint8_t tmpl[IPH_MIN_LEN];   /* length, id (and in DST_ANNO mode destination) zero */
};

static void ip_encap_build(struct ip_encap *e)
{
    uint8_t *h = e->tmpl;
    memset(h, 0, IPH_MIN_LEN);
    h[IPH_VHL] = 0x45;
    h[IPH_TOS] = e->tos;
    cvm_put16(h + IPH_OFF, e->df ? IP_DF : 0);
    h[IPH_TTL] = e->ttl;
    h[IPH_PROTO] = e->proto;
    cvm_put32(h + IPH_SRC, e->src);
    cvm_put32(h + IPH_DST, e->use_dst_anno ? 0 : e->dst);
    cvm_put16(h + IPH_SUM, inet_checksum(h, IPH_MIN_LEN, 0));
}

static int ip_encap_init(struct ip_encap *e, CvmStr *err)
{
    (void)err;
    ip_encap_build(e);
    return 0;
}

/* The checksum after a word that was 0 in the template got its value. */
static inline void ip_encap_add_word(uint8_t *h, unsigned off)
{
    cvm_put16(h + IPH_SUM, inet_update(cvm_be16(h + IPH_SUM), 0, cvm_be16(h + off)));
}

static inline void ip_encap_push(struct ip_encap *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (!cvm_packet_push(p, IPH_MIN_LEN)) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t *h = p->data;
        memcpy(h, e->tmpl, IPH_MIN_LEN);
        if (e->use_dst_anno) {
            memcpy(h + IPH_DST, p->anno + CVM_ANNO_DST_IP, 4);
            ip_encap_add_word(h, IPH_DST);
            ip_encap_add_word(h, IPH_DST + 2);
        } else {
            cvm_set_dst_ip(p, e->dst);
        }
        cvm_put16(h + IPH_LEN, (uint16_t)p->len);
        cvm_put16(h + IPH_ID, e->id++);
        ip_encap_add_word(h, IPH_LEN);
        ip_encap_add_word(h, IPH_ID);
        cvm_set_net(p, 0, IPH_MIN_LEN);
        cvm_emit(out, 0, p);
    }
}

static void ip_encap_read_src(struct ip_encap *e, CvmStr *o) { ip_unparse(o, e->src); }

static void ip_encap_read_dst(struct ip_encap *e, CvmStr *o)
{
    if (e->use_dst_anno) cvm_str_printf(o, "DST_ANNO");
    else ip_unparse(o, e->dst);
}

static int ip_encap_write_src(struct ip_encap *e, const char *v, CvmStr *err)
{
    if (hv_value_ip(v, &e->src, err) < 0) return -1;
    ip_encap_build(e);
    return 0;
}

static int ip_encap_write_dst(struct ip_encap *e, const char *v, CvmStr *err)
{
    if (ip_parse_dst(v, 0, &e->dst, &e->use_dst_anno) < 0) return cvm_str_printf(err, "DST argument should be IP address or 'DST_ANNO'"), -1;
    ip_encap_build(e);
    return 0;
}
