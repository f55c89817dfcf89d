/* ARPResponder: answer Ethernet/IPv4 ARP requests for configured prefixes
 * with a new 42-byte reply on output 0 (the request is consumed); anything
 * else goes to output 1, or is dropped. Entries are kept most specific
 * first, so the first match is the answer. The table is a plain array:
 * configured entries arrive sorted from TypeScript; the add/remove handlers
 * edit a private copy (never on the packet path). */
#include "cvm.h"
#include "../lib/ether-header.h"
#include "../lib/ip-header.h"
#include "../lib/checked-output.h"

struct arp_responder_entry {
    uint32_t dst, mask;          /* dst is already masked */
    uint8_t eth[6];
};

struct arp_responder {
    CvmElement base;
    const struct arp_responder_entry *init_entries;
    uint32_t init_count;
    /* state */
    struct arp_responder_entry *v;
    uint32_t n;
};

static int arp_responder_init(struct arp_responder *e, CvmStr *err)
{
    e->v = malloc((e->init_count ? e->init_count : 1) * sizeof *e->v);
    if (!e->v) return cvm_str_printf(err, "out of memory"), -1;
    memcpy(e->v, e->init_entries, e->init_count * sizeof *e->v);
    e->n = e->init_count;
    return 0;
}

static void arp_responder_cleanup(struct arp_responder *e)
{
    free(e->v);
    e->v = NULL;
    e->n = 0;
}

static inline const uint8_t *arp_responder_lookup(const struct arp_responder *e, uint32_t addr)
{
    for (uint32_t i = 0; i < e->n; i++)
        if ((addr & e->v[i].mask) == e->v[i].dst) return e->v[i].eth;
    return NULL;
}

/* The reply to a request we answer, or NULL. */
static inline Packet *arp_responder_respond(const struct arp_responder *e, const Packet *p)
{
    const uint8_t *d = p->data, *a = d + ETH_LEN;
    if (p->len < ARP_FRAME_LEN || cvm_be16(d + ETH_TYPE) != ETHERTYPE_ARP || cvm_be16(a + ARPH_HRD) != ARPHRD_ETHER
        || cvm_be16(a + ARPH_PRO) != ETHERTYPE_IP || cvm_be16(a + ARPH_OP) != ARPOP_REQUEST)
        return NULL;
    const uint8_t *eth = arp_responder_lookup(e, cvm_be32(a + ARPH_TPA));
    if (!eth) return NULL;
    Packet *q = cvm_packet_alloc(ARP_FRAME_LEN, CVM_HEADROOM, 0);
    if (!q) return NULL;
    arp_fill(q->data, a + ARPH_SHA, eth, ARPOP_REPLY, eth, a + ARPH_TPA, a + ARPH_SHA, a + ARPH_SPA);
    ether_set_mac_header(q, 0, ETH_LEN);
    q->anno[CVM_ANNO_VLAN_TCI] = p->anno[CVM_ANNO_VLAN_TCI];
    q->anno[CVM_ANNO_VLAN_TCI + 1] = p->anno[CVM_ANNO_VLAN_TCI + 1];
    return q;
}

static inline void arp_responder_push(struct arp_responder *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        Packet *q = arp_responder_respond(e, p);
        if (q) {
            cvm_created(out, q);
            cvm_consume(out, p);
            cvm_emit(out, 0, q);
        } else {
            emit_checked(out, 1, p);
        }
    }
}

/* --- handlers ----------------------------------------------------------- */

/* Most specific first; of identical prefixes the later one first; otherwise
 * the original order (Click's entry_compare). */
static int arp_responder_compare(const struct arp_responder_entry *v, uint32_t ia, uint32_t ib)
{
    const struct arp_responder_entry *x = &v[ia], *y = &v[ib];
    if (x->dst == y->dst && x->mask == y->mask) return (int)ib - (int)ia;
    if ((x->dst & y->mask) == y->dst) return -1;
    if ((y->dst & x->mask) == x->dst) return 1;
    return (int)ia - (int)ib;
}

/* Sort v and drop duplicated prefixes (the first in sorted order stays).
 * The comparison is not transitive for disjoint prefixes, so the order
 * depends on the algorithm: this is sortIndices() of arp-responder.ts (an
 * ascending or strictly descending first run, then binary insertion). */
static int arp_responder_normalize(struct arp_responder_entry **vp, uint32_t *np)
{
    struct arp_responder_entry *v = *vp;
    uint32_t n = *np;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    struct arp_responder_entry *nv = malloc((n ? n : 1) * sizeof *nv);
    if (!order || !nv) {
        free(order);
        free(nv);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) order[i] = i;
    uint32_t run = n;
    if (n >= 2) {
        run = 2;
        int desc = arp_responder_compare(v, order[1], order[0]) < 0;
        for (uint32_t i = 2; i < n; i++) {
            int c = arp_responder_compare(v, order[i], order[i - 1]);
            if (desc ? c >= 0 : c < 0) break;
            run++;
        }
        if (desc)
            for (uint32_t lo = 0, hi = run - 1; lo < hi; lo++, hi--) {
                uint32_t t = order[lo];
                order[lo] = order[hi];
                order[hi] = t;
            }
    }
    for (uint32_t start = run; start < n; start++) {
        uint32_t left = 0, right = start, pivot = order[start];
        while (left < right) {
            uint32_t mid = left + ((right - left) >> 1);
            if (arp_responder_compare(v, pivot, order[mid]) < 0) right = mid;
            else left = mid + 1;
        }
        memmove(order + left + 1, order + left, (start - left) * sizeof *order);
        order[left] = pivot;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct arp_responder_entry *x = &v[order[i]];
        if (k && nv[k - 1].dst == x->dst && nv[k - 1].mask == x->mask) continue;
        nv[k++] = *x;
    }
    free(order);
    free(v);
    *vp = nv;
    *np = k;
    return 0;
}

static void arp_responder_read_table(struct arp_responder *e, CvmStr *o)
{
    for (uint32_t i = 0; i < e->n; i++) {
        if (i) cvm_str_append(o, "\n", 1);
        ip_unparse_prefix(o, e->v[i].dst, e->v[i].mask);
        cvm_str_append(o, " ", 1);
        ether_unparse(o, e->v[i].eth);
    }
}

/* `lookup ADDR` (a read handler with a parameter). */
static int arp_responder_read_param_lookup(struct arp_responder *e, const char *param, CvmStr *o)
{
    uint32_t addr;
    if (hv_value_ip(param, &addr, o) < 0) return -1;
    const uint8_t *eth = arp_responder_lookup(e, addr);
    if (eth) ether_unparse(o, eth);
    return 0;
}

/* parseEntries: "IP/MASK [IP/MASK...] ETH" appended to *vp (grown). */
static int arp_responder_parse_entries(const char *value, struct arp_responder_entry **vp, uint32_t *np, CvmStr *err)
{
    CtWords words = { 0 };
    int r = -1;
    struct arp_responder_entry *v = NULL;
    if (ct_split_words(value, strlen(value), &words) < 0 || !(v = realloc(*vp, (*np + words.n + 1) * sizeof *v))) {
        cvm_str_printf(err, "out of memory");
        goto out;
    }
    *vp = v;
    uint32_t n = *np, added = 0;
    uint8_t eth[6];
    int have_eth = 0;
    for (unsigned i = 0; i < words.n; i++) {
        CvmStr w = { 0 };
        ct_unquote(ct_word(&words, i), words.at[i].len, &w);
        uint32_t addr, mask;
        uint8_t x[6];
        if (ip_parse_click_prefix((CtText){ w.s, w.len }, 1, &addr, &mask) == 0) {
            v[n + added].dst = addr & mask;
            v[n + added].mask = mask;
            added++;
        } else if (ether_parse(w.s, w.len, x) == 0) {
            if (have_eth) {
                cvm_str_free(&w);
                cvm_str_printf(err, "more than one ETH");
                goto out;
            }
            memcpy(eth, x, 6);
            have_eth = 1;
        } else {
            cvm_str_free(&w);
            cvm_str_printf(err, "expected IP/MASK ETH");
            goto out;
        }
        cvm_str_free(&w);
    }
    if (!added) {
        cvm_str_printf(err, "missing IP/MASK");
        goto out;
    }
    if (!have_eth) {
        cvm_str_printf(err, "missing ETH");
        goto out;
    }
    for (uint32_t i = 0; i < added; i++) memcpy(v[n + i].eth, eth, 6);
    *np = n + added;
    r = 0;
out:
    ct_words_free(&words);
    return r;
}

static int arp_responder_write_add(struct arp_responder *e, const char *value, CvmStr *err)
{
    uint32_t n = e->n;
    if (arp_responder_parse_entries(value, &e->v, &n, err) < 0) return -1;
    if (arp_responder_normalize(&e->v, &n) < 0) return cvm_str_printf(err, "out of memory"), -1;
    e->n = n;
    return 0;
}

static int arp_responder_write_remove(struct arp_responder *e, const char *value, CvmStr *err)
{
    const char *t;
    size_t len;
    ct_trim(value, strlen(value), &t, &len);
    CvmStr u = { 0 };
    ct_unquote(t, len, &u);
    uint32_t addr, mask;
    int ok = ip_parse_click_prefix((CtText){ u.s, u.len }, 1, &addr, &mask) == 0;
    cvm_str_free(&u);
    if (!ok) return cvm_str_printf(err, "expected IP/MASK"), -1;
    addr &= mask;
    for (uint32_t i = 0; i < e->n; i++) {
        if (e->v[i].dst == addr && e->v[i].mask == mask) {
            memmove(e->v + i, e->v + i + 1, (e->n - i - 1) * sizeof *e->v);
            e->n--;
            return 0;
        }
    }
    ip_unparse_prefix(err, addr, mask);
    cvm_str_append(err, " not found", 10);
    return -1;
}
