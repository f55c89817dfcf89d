/* ARPQuerier: Ethernet encapsulation of IP packets with addresses learnt by
 * ARP (arp-querier.ts and arp-cache.ts, step for step). Input 0 takes IP
 * packets (destination in the annotation), input 1 ARP replies; output 0
 * sends frames, the last output ARP queries.
 *
 * The table: entries in a pool (indexes, so the pool may grow), found by IP
 * through an open-addressing hash with backward-shift deletion, and chained
 * oldest first in an age list. Each entry's waiting packets form a FIFO
 * threaded through the packets' own `next_free` links (unused while a packet
 * is alive), so queueing a packet allocates nothing. The pool and the hash
 * are allocated in init, sized for ENTRY_CAPACITY; they grow (doubling) only
 * when the table is unbounded and fills up. Times are milliseconds of engine
 * time (Click's jiffies at CLICK_HZ = 1000). */
#include "cvm.h"
#include "../lib/ether-header.h"
#include "../lib/ip-header.h"

#define ARPQ_HZ 1000
#define ARPQ_EAGAIN (-11)
#define ARPQ_ENOMEM (-12)

struct arpq_entry {
    uint32_t ip;
    uint8_t eth[6];
    uint8_t known, polls;
    int64_t live_at, polled_at;
    Packet *qhead, *qtail;       /* waiting packets, oldest first */
    uint32_t qlen;
    int32_t prev, next;          /* age list (next: free list when unused) */
};

struct arp_querier {
    CvmElement base;
    CvmTimer timer;
    /* configuration */
    uint32_t conf_ip, conf_broadcast;
    uint8_t eth[6];
    uint8_t broadcast_poll;
    uint32_t capacity, entry_capacity, entry_packet_capacity, slim_factor;
    int64_t timeout_ms, poll_timeout_ms;
    /* state */
    uint32_t my_ip, my_broadcast;
    uint64_t queries, responses, drops, table_drops;
    uint8_t zero_warned;
    struct arpq_entry *ent;
    uint32_t ent_cap;
    int32_t free_head;
    int32_t *hash;               /* entry index or -1 */
    uint32_t hash_mask;
    uint32_t count;              /* entries */
    int64_t packet_count;        /* waiting packets (Click's _cache_size) */
    int32_t age_head, age_tail;
};

static inline int64_t arpq_now_ms(void) { return cvm_now() / 1000000; }

static inline uint32_t arpq_slot(const struct arp_querier *e, uint32_t ip)
{
    return (uint32_t)(((uint64_t)ip * 0x9E3779B97F4A7C15ull) >> 32) & e->hash_mask;
}

static int32_t arpq_find(const struct arp_querier *e, uint32_t ip)
{
    for (uint32_t s = arpq_slot(e, ip);; s = (s + 1) & e->hash_mask) {
        int32_t x = e->hash[s];
        if (x < 0 || e->ent[x].ip == ip) return x;
    }
}

static void arpq_hash_put(struct arp_querier *e, int32_t x)
{
    uint32_t s = arpq_slot(e, e->ent[x].ip);
    while (e->hash[s] >= 0) s = (s + 1) & e->hash_mask;
    e->hash[s] = x;
}

static void arpq_hash_remove(struct arp_querier *e, uint32_t ip)
{
    uint32_t s = arpq_slot(e, ip);
    while (e->hash[s] >= 0 && e->ent[e->hash[s]].ip != ip) s = (s + 1) & e->hash_mask;
    if (e->hash[s] < 0) return;
    /* Backward shift: pull later members of the cluster into the hole when
     * their home slot does not lie between the hole and them. */
    uint32_t hole = s;
    for (uint32_t j = (s + 1) & e->hash_mask; e->hash[j] >= 0; j = (j + 1) & e->hash_mask) {
        uint32_t home = arpq_slot(e, e->ent[e->hash[j]].ip);
        if (((j - home) & e->hash_mask) >= ((j - hole) & e->hash_mask)) {
            e->hash[hole] = e->hash[j];
            hole = j;
        }
    }
    e->hash[hole] = -1;
}

static int arpq_alloc_tables(struct arp_querier *e, uint32_t ent_cap)
{
    uint32_t hsize = 16;
    while (hsize < 2 * ent_cap) hsize *= 2;
    struct arpq_entry *ent = realloc(e->ent, ent_cap * sizeof *ent);
    if (!ent) return -1;
    e->ent = ent;
    int32_t *hash = malloc(hsize * sizeof *hash);
    if (!hash) return -1;
    for (uint32_t i = e->ent_cap; i < ent_cap; i++) {
        ent[i].next = i + 1 < ent_cap ? (int32_t)(i + 1) : e->free_head;
        ent[i].qhead = ent[i].qtail = NULL;
        ent[i].qlen = 0;
    }
    if (ent_cap > e->ent_cap) e->free_head = (int32_t)e->ent_cap;
    free(e->hash);
    e->hash = hash;
    e->hash_mask = hsize - 1;
    e->ent_cap = ent_cap;
    memset(hash, 0xff, hsize * sizeof *hash);
    for (int32_t x = e->age_head; x >= 0; x = e->ent[x].next) arpq_hash_put(e, x);
    return 0;
}

static int arp_querier_init(struct arp_querier *e, CvmStr *err)
{
    e->my_ip = e->conf_ip;
    e->my_broadcast = e->conf_broadcast;
    e->ent = NULL;
    e->hash = NULL;
    e->ent_cap = 0;
    e->free_head = -1;
    e->age_head = e->age_tail = -1;
    uint32_t cap = e->entry_capacity && e->entry_capacity < 4096 ? e->entry_capacity + 1 : e->entry_capacity ? 4096 : 64;
    if (arpq_alloc_tables(e, cap) < 0) return cvm_str_printf(err, "out of memory"), -1;
    if (e->timeout_ms) cvm_timer_schedule_after(&e->timer, e->timeout_ms / ARPQ_HZ * 1000000000LL);
    return 0;
}

static void arpq_free_queue(struct arpq_entry *x)
{
    for (Packet *p = x->qhead, *next; p; p = next) {
        next = p->next_free;
        cvm_packet_free(p);
    }
    x->qhead = x->qtail = NULL;
    x->qlen = 0;
}

static void arp_querier_cleanup(struct arp_querier *e)
{
    for (int32_t x = e->age_head; x >= 0; x = e->ent[x].next) arpq_free_queue(&e->ent[x]);
    free(e->ent);
    free(e->hash);
    e->ent = NULL;
    e->hash = NULL;
    e->ent_cap = 0;
    e->age_head = e->age_tail = -1;
}

/* Hot reconfiguration (arp-querier.ts's takeState): with the same
 * addresses, the old table becomes this one (its arrays are the process's
 * heap, so they change hands; the waiting packets are copied into this
 * library's pool), and the counts go on. */
static void arp_querier_take_state(struct arp_querier *e, struct arp_querier *old, CvmHotswap *hs)
{
    if (old->my_ip != e->my_ip || old->my_broadcast != e->my_broadcast || memcmp(old->eth, e->eth, 6) != 0) return;
    if (e->count) {
        cvm_str_printf(hs->err, "late take_state: the ARP table has entries\n");
        return;
    }
    for (int32_t x = old->age_head; x >= 0; x = old->ent[x].next) {
        struct arpq_entry *en = &old->ent[x];
        Packet *w = en->qhead;
        en->qhead = en->qtail = NULL;
        uint32_t n = en->qlen;
        en->qlen = 0;
        while (w) {
            Packet *next = w->next_free;
            cvm_hotswap_took(&e->base, &old->base, 1);
            Packet *p = cvm_hotswap_packet(hs, w);
            if (p) {
                p->next_free = NULL;
                if (en->qtail) en->qtail->next_free = p;
                else en->qhead = p;
                en->qtail = p;
                en->qlen++;
            } else {
                e->base.stats.dropped++;
                old->packet_count--;
            }
            w = next;
        }
        (void)n;
    }
    free(e->ent);
    free(e->hash);
    e->ent = old->ent, e->ent_cap = old->ent_cap, e->free_head = old->free_head;
    e->hash = old->hash, e->hash_mask = old->hash_mask;
    e->count = old->count, e->packet_count = old->packet_count;
    e->age_head = old->age_head, e->age_tail = old->age_tail;
    old->ent = NULL, old->hash = NULL, old->ent_cap = 0, old->count = 0, old->packet_count = 0;
    old->age_head = old->age_tail = -1;
    e->queries = old->queries, e->responses = old->responses, e->drops = old->drops, e->table_drops = old->table_drops;
}

static uint64_t arp_querier_held(struct arp_querier *e)
{
    uint64_t n = 0;
    for (int32_t x = e->age_head; x >= 0; x = e->ent[x].next) n += e->ent[x].qlen;
    return n;
}

/* --- the table (ARPCache) ----------------------------------------------- */

static inline int arpq_expired(const struct arp_querier *e, const struct arpq_entry *x, int64_t now)
{
    return e->timeout_ms != 0 && x->live_at + e->timeout_ms < now;
}

static inline int arpq_known(const struct arp_querier *e, const struct arpq_entry *x, int64_t now)
{
    return x->known && !arpq_expired(e, x, now);
}

static inline int arpq_allow_poll(const struct arpq_entry *x, int64_t now)
{
    return now >= x->polled_at + (x->polls >= 10 ? ARPQ_HZ * 2 : ARPQ_HZ / 10);
}

static inline void arpq_mark_poll(struct arpq_entry *x, int64_t now)
{
    x->polled_at = now;
    if (x->polls < 255) x->polls++;
}

static void arpq_unlink(struct arp_querier *e, int32_t i)
{
    struct arpq_entry *x = &e->ent[i];
    if (x->prev >= 0) e->ent[x->prev].next = x->next;
    else e->age_head = x->next;
    if (x->next >= 0) e->ent[x->next].prev = x->prev;
    else e->age_tail = x->prev;
}

/* Link entry i just before entry `before` (-1: at the tail). */
static void arpq_link_before(struct arp_querier *e, int32_t i, int32_t before)
{
    struct arpq_entry *x = &e->ent[i];
    x->next = before;
    x->prev = before >= 0 ? e->ent[before].prev : e->age_tail;
    if (x->prev >= 0) e->ent[x->prev].next = i;
    else e->age_head = i;
    if (before >= 0) e->ent[before].prev = i;
    else e->age_tail = i;
}

/* Drop the oldest n waiting packets of entry i. */
static void arpq_drop_queue(struct arp_querier *e, int32_t i, int64_t n)
{
    struct arpq_entry *x = &e->ent[i];
    while (n-- > 0 && x->qhead) {
        Packet *p = x->qhead;
        x->qhead = p->next_free;
        if (!x->qhead) x->qtail = NULL;
        x->qlen--;
        e->base.stats.dropped++;
        cvm_packet_free(p);
        e->packet_count--;
        e->table_drops++;
    }
}

static void arpq_remove_oldest(struct arp_querier *e)
{
    int32_t i = e->age_head;
    arpq_unlink(e, i);
    arpq_hash_remove(e, e->ent[i].ip);
    e->count--;
    arpq_drop_queue(e, i, e->ent[i].qlen);
    e->ent[i].next = e->free_head;
    e->free_head = i;
}

/* Remove expired entries (and, over ENTRY_CAPACITY, the oldest) with their
 * packets, then drop the oldest waiting packets while over CAPACITY. */
static void arpq_slim(struct arp_querier *e, int64_t now, uint32_t pending)
{
    while (e->age_head >= 0
           && (arpq_expired(e, &e->ent[e->age_head], now) || (e->entry_capacity && (uint64_t)e->count + pending > e->entry_capacity)))
        arpq_remove_oldest(e);
    if (e->capacity && e->packet_count > e->capacity) {
        int64_t slim_capacity = (int64_t)e->capacity - e->capacity / e->slim_factor;
        if (slim_capacity == 0) slim_capacity = 1;
        for (int32_t i = e->age_head; i >= 0 && e->packet_count > slim_capacity; i = e->ent[i].next)
            arpq_drop_queue(e, i, e->packet_count - slim_capacity);
    }
}

/* The entry for ip, made (unknown, broadcast address) if missing; -1 if out of memory. */
static int32_t arpq_ensure(struct arp_querier *e, uint32_t ip, int64_t now)
{
    int32_t i = arpq_find(e, ip);
    if (i >= 0) return i;
    if (e->entry_capacity && (uint64_t)e->count + 1 > e->entry_capacity) arpq_slim(e, now, 1);
    /* The hash has at least twice as many slots as the pool has entries. */
    if (e->free_head < 0 && arpq_alloc_tables(e, 2 * e->ent_cap) < 0) return -1;
    i = e->free_head;
    struct arpq_entry *x = &e->ent[i];
    e->free_head = x->next;
    x->ip = ip;
    memcpy(x->eth, ether_broadcast, 6);
    x->known = 0;
    x->polls = 0;
    x->live_at = now;
    x->polled_at = now - ARPQ_HZ;
    x->qhead = x->qtail = NULL;
    x->qlen = 0;
    arpq_link_before(e, i, -1);
    arpq_hash_put(e, i);
    e->count++;
    return i;
}

/* Record ip -> eth (a broadcast address makes the entry unknown). With
 * take_waiting the waiting packets are detached and returned (oldest first). */
static Packet *arpq_insert(struct arp_querier *e, uint32_t ip, const uint8_t eth[6], int64_t now, int take_waiting)
{
    int32_t i = arpq_ensure(e, ip, now);
    if (i < 0) return NULL;
    struct arpq_entry *x = &e->ent[i];
    memcpy(x->eth, eth, 6);
    x->known = memcmp(eth, ether_broadcast, 6) != 0;
    x->live_at = now;
    x->polls = 0;
    x->polled_at = now - ARPQ_HZ;
    if (e->age_tail != i) {
        arpq_unlink(e, i);
        arpq_link_before(e, i, -1);
    }
    if (!take_waiting) return NULL;
    Packet *w = x->qhead;
    e->packet_count -= x->qlen;
    x->qhead = x->qtail = NULL;
    x->qlen = 0;
    return w;
}

/* Queue p until ip is answered: ARPQ_EAGAIN if ip is known after all,
 * ARPQ_ENOMEM if p was not queued (the caller drops it), 1 if a query should
 * go out now, 0 if one went out recently. */
static int arpq_append_query(struct arp_querier *e, uint32_t ip, Packet *p, int64_t now)
{
    int32_t i = arpq_ensure(e, ip, now);
    if (i < 0) return ARPQ_ENOMEM;
    struct arpq_entry *x = &e->ent[i];
    if (arpq_known(e, x, now)) return ARPQ_EAGAIN;

    /* An entry still asked about is kept just short of expiring, and moved
     * to its place in age order, so that slimming cannot remove it. */
    if (e->timeout_ms) {
        int64_t live_min = now - e->timeout_ms;
        if (x->live_at < live_min) {
            x->live_at = live_min;
            int32_t j = x->next;
            if (j >= 0 && e->ent[j].live_at < x->live_at) {
                while (j >= 0 && e->ent[j].live_at < x->live_at) j = e->ent[j].next;
                arpq_unlink(e, i);
                arpq_link_before(e, i, j);
            }
        }
    }

    if (e->entry_packet_capacity && x->qlen >= e->entry_packet_capacity) {
        e->table_drops++;
        return ARPQ_ENOMEM;
    }
    e->packet_count++;
    if (e->capacity && e->packet_count > e->capacity) arpq_slim(e, now, 0);
    if (arpq_find(e, ip) != i) {
        e->packet_count--;
        return ARPQ_ENOMEM;
    }
    x = &e->ent[i];
    p->next_free = NULL;
    if (x->qtail) x->qtail->next_free = p;
    else x->qhead = p;
    x->qtail = p;
    x->qlen++;
    if (arpq_allow_poll(x, now)) {
        arpq_mark_poll(x, now);
        return 1;
    }
    return 0;
}

/* --- packets ------------------------------------------------------------ */

/* An ARP query for p's destination: to `unicast` (a renewal, unless
 * BROADCAST_POLL) or broadcast; out of the last output. */
static void arpq_send_query(struct arp_querier *e, const Packet *p, const uint8_t *unicast, CvmOut *out)
{
    Packet *q = cvm_packet_alloc(ARP_FRAME_LEN, CVM_HEADROOM, 0);
    if (!q) return;
    cvm_created(out, q);
    static const uint8_t zero[6];
    uint8_t spa[4], tpa[4];
    cvm_put32(spa, e->my_ip);
    memcpy(tpa, p->anno + CVM_ANNO_DST_IP, 4);
    arp_fill(q->data, unicast && !e->broadcast_poll ? unicast : ether_broadcast, e->eth, ARPOP_REQUEST, e->eth, spa, zero, tpa);
    ether_set_mac_header(q, 0, ETH_LEN);
    q->ts_sec = p->ts_sec;
    q->ts_nsec = p->ts_nsec;
    q->anno[CVM_ANNO_VLAN_TCI] = p->anno[CVM_ANNO_VLAN_TCI];
    q->anno[CVM_ANNO_VLAN_TCI + 1] = p->anno[CVM_ANNO_VLAN_TCI + 1];
    e->queries++;
    cvm_emit(out, out->nports - 1, q);
}

/* `now` in ms: read once per batch by the caller (time stands still within a batch). */
static void arpq_handle_ip(struct arp_querier *e, Packet *p, int response, int64_t now, CvmOut *out)
{
    if (!e->my_ip) {
        e->drops++;
        cvm_drop(out, p);
        return;
    }
    if (!response) {
        if (!cvm_packet_push(p, ETH_LEN)) {
            cvm_drop(out, p);
            return;
        }
        ether_set_mac_header(p, 0, ETH_LEN);
        cvm_put16(p->data + ETH_TYPE, ETHERTYPE_IP);
    }
    uint8_t *d = cvm_packet_writable(p);
    if (!d) {
        cvm_drop(out, p);
        return;
    }
    uint32_t dst = cvm_dst_ip(p);
    for (;;) {
        int32_t i = arpq_find(e, dst);
        struct arpq_entry *x = i >= 0 && arpq_known(e, &e->ent[i], now) ? &e->ent[i] : NULL;
        if (x) {
            memcpy(d + ETH_DST, x->eth, 6);
            if (e->poll_timeout_ms && now >= x->live_at + e->poll_timeout_ms && arpq_allow_poll(x, now)) {
                arpq_mark_poll(x, now);
                arpq_send_query(e, p, x->eth, out);
            }
        } else if (dst == 0xffffffffu || dst == e->my_broadcast) {
            memcpy(d + ETH_DST, ether_broadcast, 6);
        } else if (ip_is_multicast(dst)) {
            d[0] = 0x01;
            d[1] = 0x00;
            d[2] = 0x5e;
            d[3] = (uint8_t)((dst >> 16) & 0x7f);
            d[4] = (uint8_t)(dst >> 8);
            d[5] = (uint8_t)dst;
        } else if (dst == 0) {
            if (!e->zero_warned) {
                cvm_stderr_line("%s :: %s: would query for 0.0.0.0; missing dest IP addr annotation?", e->base.name, e->base.class_name);
                e->zero_warned = 1;
            }
            e->drops++;
            cvm_drop(out, p);
            return;
        } else {
            int r = arpq_append_query(e, dst, p, now);
            if (r == ARPQ_EAGAIN) continue;
            if (r < 0) cvm_drop(out, p);
            else if (r > 0) arpq_send_query(e, p, NULL, out);
            return;
        }
        break;
    }
    memcpy(d + ETH_SRC, e->eth, 6);
    cvm_emit(out, 0, p);
}

static void arpq_handle_response(struct arp_querier *e, Packet *p, CvmOut *out)
{
    if (p->len < ARP_FRAME_LEN) {
        cvm_drop(out, p);
        return;
    }
    e->responses++;
    const uint8_t *d = p->data, *a = d + ETH_LEN;
    if (cvm_be16(d + ETH_TYPE) == ETHERTYPE_ARP && cvm_be16(a + ARPH_HRD) == ARPHRD_ETHER && cvm_be16(a + ARPH_PRO) == ETHERTYPE_IP
        && cvm_be16(a + ARPH_OP) == ARPOP_REPLY && (a[ARPH_SHA] & 1) == 0) {
        int64_t now = arpq_now_ms();
        Packet *w = arpq_insert(e, cvm_be32(a + ARPH_SPA), a + ARPH_SHA, now, 1);
        cvm_consume(out, p);
        while (w) {
            Packet *next = w->next_free;
            arpq_handle_ip(e, w, 1, now, out);
            w = next;
        }
        return;
    }
    cvm_consume(out, p);
}

static inline void arp_querier_push(struct arp_querier *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    if (port == 0) {
        const int64_t now = arpq_now_ms();
        for (unsigned i = 0; i < n; i++) arpq_handle_ip(e, in[i], 0, now, out);
    } else {
        for (unsigned i = 0; i < n; i++) arpq_handle_response(e, in[i], out);
    }
}

/* Click checks for expired entries every TIMEOUT (whole seconds), then every TIMEOUT + 1 s. */
static void arp_querier_run_timer(struct arp_querier *e, CvmIn *in, CvmOut *out)
{
    (void)in; (void)out;
    arpq_slim(e, arpq_now_ms(), 0);
    cvm_timer_schedule_after(&e->timer, (e->timeout_ms / ARPQ_HZ + 1) * 1000000000LL);
}

/* --- handlers ----------------------------------------------------------- */

static void arp_querier_read_table(struct arp_querier *e, CvmStr *o)
{
    int64_t now = arpq_now_ms();
    for (int32_t i = e->age_head; i >= 0; i = e->ent[i].next) {
        const struct arpq_entry *x = &e->ent[i];
        if (i != e->age_head) cvm_str_append(o, "\n", 1);
        ip_unparse(o, x->ip);
        cvm_str_printf(o, " %d ", arpq_known(e, x, now));
        ether_unparse(o, x->eth);
        int64_t age = now - x->live_at, v = age < 0 ? -age : age;
        cvm_str_printf(o, " %s%lld.%06lld", age < 0 ? "-" : "", (long long)(v / 1000), (long long)(v % 1000 * 1000));
    }
}

static void arp_querier_read_stats(struct arp_querier *e, CvmStr *o)
{
    cvm_str_printf(o, "%llu packets killed\n%llu ARP queries sent", (unsigned long long)(e->drops + e->table_drops), (unsigned long long)e->queries);
}

static void arp_querier_read_count(struct arp_querier *e, CvmStr *o) { cvm_str_printf(o, "%u", e->count); }
static void arp_querier_read_length(struct arp_querier *e, CvmStr *o) { cvm_str_printf(o, "%lld", (long long)e->packet_count); }
static void arp_querier_read_queries(struct arp_querier *e, CvmStr *o) { cvm_str_u64(o, e->queries); }
static void arp_querier_read_responses(struct arp_querier *e, CvmStr *o) { cvm_str_u64(o, e->responses); }
static void arp_querier_read_drops(struct arp_querier *e, CvmStr *o) { cvm_str_u64(o, e->drops); }
static void arp_querier_read_ipaddr(struct arp_querier *e, CvmStr *o) { ip_unparse(o, e->my_ip); }
static void arp_querier_read_broadcast(struct arp_querier *e, CvmStr *o) { ip_unparse(o, e->my_broadcast); }
static int arp_querier_write_ipaddr(struct arp_querier *e, const char *v, CvmStr *err) { return hv_value_ip(v, &e->my_ip, err); }
static int arp_querier_write_broadcast(struct arp_querier *e, const char *v, CvmStr *err) { return hv_value_ip(v, &e->my_broadcast, err); }

/* "IP ETH" (want 2) or "IP" (want 1): the words, unquoted, into w[]. */
static int arpq_words(const char *value, int want, CvmStr w[2], CvmStr *err)
{
    CtWords words = { 0 };
    int ok = ct_split_words(value, strlen(value), &words) == 0 && words.n == (unsigned)want;
    if (ok)
        for (int i = 0; i < want; i++) ct_unquote(ct_word(&words, (unsigned)i), words.at[i].len, &w[i]);
    ct_words_free(&words);
    if (!ok) return cvm_str_printf(err, want == 2 ? "expected IP ETH" : "expected IP"), -1;
    return 0;
}

static int arp_querier_write_insert(struct arp_querier *e, const char *v, CvmStr *err)
{
    CvmStr w[2] = { { 0 }, { 0 } };
    uint32_t ip;
    uint8_t eth[6];
    int r = arpq_words(v, 2, w, err);
    if (r == 0) r = hv_value_ip(w[0].s, &ip, err);
    if (r == 0) r = hv_value_ether(w[1].s, eth, err);
    /* Packets waiting for the address stay queued, as in Click. */
    if (r == 0) arpq_insert(e, ip, eth, arpq_now_ms(), 0);
    cvm_str_free(&w[0]);
    cvm_str_free(&w[1]);
    return r;
}

static int arp_querier_write_delete(struct arp_querier *e, const char *v, CvmStr *err)
{
    CvmStr w[2] = { { 0 }, { 0 } };
    uint32_t ip;
    int r = arpq_words(v, 1, w, err);
    if (r == 0) r = hv_value_ip(w[0].s, &ip, err);
    if (r == 0) arpq_insert(e, ip, ether_broadcast, arpq_now_ms(), 0);
    cvm_str_free(&w[0]);
    return r;
}

static int arp_querier_write_clear(struct arp_querier *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->queries = e->drops = e->responses = 0;
    while (e->age_head >= 0) {
        int32_t i = e->age_head;
        arpq_drop_queue(e, i, e->ent[i].qlen);
        arpq_unlink(e, i);
        e->ent[i].next = e->free_head;
        e->free_head = i;
    }
    memset(e->hash, 0xff, (e->hash_mask + 1) * sizeof *e->hash);
    e->count = 0;
    e->packet_count = 0;
    return 0;
}
