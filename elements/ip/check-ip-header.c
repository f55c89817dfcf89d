/* CheckIPHeader: validate the IP header at OFFSET; good packets get their
 * network/transport header annotations, lose link-level padding beyond the
 * IP total length, get the destination IP annotation and leave on output 0;
 * bad ones go to output 1 (or are dropped), the first (every one with
 * VERBOSE) reported on stderr.
 *
 * The hot loop is specialised per instance (instanceCode in
 * check-ip-header.ts): OFFSET, CHECKSUM and whether BADSRC is empty are
 * compile-time constants there, so the common CheckIPHeader() loop has no
 * configuration tests; a 20-byte header's checksum is five 32-bit adds. */
#include "cvm.h"
#include "../lib/ip-header.h"
#include "../lib/checked-output.h"

enum { CIH_TINY, CIH_VERSION, CIH_HLEN, CIH_LENGTH, CIH_CHECKSUM, CIH_SOURCE, CIH_NREASONS };

static const char *const check_ip_header_reasons[CIH_NREASONS] = {
    "tiny packet", "bad IP version", "bad IP header length", "bad IP length", "bad IP checksum", "bad source address",
};

struct check_ip_header {
    CvmElement base;
    uint32_t offset;
    const uint32_t *bad_src, *good_dst;
    uint32_t nbad_src, ngood_dst;
    uint8_t checksum, verbose, details;
    uint64_t drops;
    uint64_t reason_drops[CIH_NREASONS];
};

static __attribute__((noinline, cold)) void check_ip_header_bad(struct check_ip_header *e, int reason)
{
    if (e->drops == 0 || e->verbose) cvm_chatter(e->base.name, "IP header check failed: %s", check_ip_header_reasons[reason]);
    e->drops++;
    if (e->details) e->reason_drops[reason]++;
}

static inline int check_ip_header_listed(const uint32_t *v, uint32_t n, uint32_t a)
{
    for (uint32_t i = 0; i < n; i++)
        if (v[i] == a) return 1;
    return 0;
}

/* Why a packet whose first 20 bytes at OFFSET exist is bad (the first
 * reason that applies), or -1 if it is good. */
static inline int check_ip_header_reason(const struct check_ip_header *e, const uint8_t *d, int64_t plen, int checksum, int have_bad_src)
{
    const uint32_t hlen = ip_hlen(d), len = cvm_be16(d + IPH_LEN);
    if (d[IPH_VHL] >> 4 != 4) return CIH_VERSION;
    if (hlen < IPH_MIN_LEN) return CIH_HLEN;
    if (len > plen || len < hlen) return CIH_LENGTH;
    if (checksum && !inet_header_ok(d, hlen)) return CIH_CHECKSUM;
    if (have_bad_src && check_ip_header_listed(e->bad_src, e->nbad_src, cvm_be32(d + IPH_SRC))
        && !check_ip_header_listed(e->good_dst, e->ngood_dst, cvm_be32(d + IPH_DST)))
        return CIH_SOURCE;
    return -1;
}

static inline __attribute__((always_inline)) void check_ip_header_loop(struct check_ip_header *e, Packet **in, unsigned n, CvmOut *out,
                                                                       const uint32_t offset, const int checksum, const int have_bad_src)
{
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        const int64_t plen = (int64_t)p->len - offset;
        int reason = CIH_TINY;
        if (__builtin_expect(plen >= IPH_MIN_LEN, 1)) {
            const uint8_t *d = p->data + offset;
            /* The common case in one test: version 4, 20-byte header, a
             * total length within the data, a good checksum. */
            const uint32_t len = cvm_be16(d + IPH_LEN);
            reason = -1;
            if (__builtin_expect(d[IPH_VHL] != 0x45 || len > plen || len < IPH_MIN_LEN || (checksum && !inet_header_ok(d, IPH_MIN_LEN)) || have_bad_src, 0))
                reason = check_ip_header_reason(e, d, plen, checksum, have_bad_src);
            if (__builtin_expect(reason < 0, 1)) {
                cvm_set_net(p, (int32_t)offset, (int32_t)ip_hlen(d));
                p->len -= (uint32_t)(plen - len);
                memcpy(p->anno + CVM_ANNO_DST_IP, d + IPH_DST, 4);   /* network order, as the header */
                cvm_emit(out, 0, p);
                continue;
            }
        }
        check_ip_header_bad(e, reason);
        emit_checked(out, 1, p);
    }
}

static inline void check_ip_header_push(struct check_ip_header *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    check_ip_header_loop(e, in, n, out, e->offset, e->checksum, e->nbad_src != 0);
}

static void check_ip_header_read_drops(struct check_ip_header *e, CvmStr *o) { cvm_str_u64(o, e->drops); }

static int check_ip_header_read_drop_details(struct check_ip_header *e, CvmStr *o)
{
    if (!e->details) return cvm_str_printf(o, "drop_details needs DETAILS true"), -1;
    for (int r = 0; r < CIH_NREASONS; r++) cvm_str_printf(o, "%s%llu\t%s", r ? "\n" : "", (unsigned long long)e->reason_drops[r], check_ip_header_reasons[r]);
    return 0;
}
