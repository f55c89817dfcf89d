/* IPGWOptions: walk the IP options of packets with a marked header; Record
 * Route gets MYADDR, Timestamp gets the milliseconds since midnight UTC
 * (flag 0), MYADDR and the time (flag 1), or the time after one of our
 * prespecified addresses (flag 3), or its overflow count raised when full.
 * The checksum is recomputed if anything changed. A malformed option stops
 * the walk: the ICMP parameter-problem annotation gets the offset of the bad
 * byte, the drop is counted and the packet goes to output 1 (or is dropped),
 * keeping changes already made. Bytes past the packet data read as 0, and
 * stores that would land past it are skipped (as ip-gw-options.ts does). */
#include "cvm.h"
#include "../lib/ip-header.h"
#include "../lib/checked-output.h"

struct ip_gw_options {
    CvmElement base;
    uint32_t my_addr;
    const uint32_t *my_addrs;    /* OTHERADDRS, then MYADDR */
    uint32_t nmy_addrs;
    uint64_t drops;
};

/* The option walk over the header at h (`have` bytes of it inside the
 * data), `hlen` bytes long by the header annotations. Returns the offset of
 * a bad byte, or -1 when every option was fine. */
static int32_t ip_gw_options_walk(const struct ip_gw_options *e, Packet *p, int32_t have, int32_t hlen)
{
    int changed = 0;
    uint8_t *h = cvm_net(p);
#define BYTE(i) ((i) < have ? h[i] : 0)
#define CHANGE()                                        \
    do {                                                \
        if (!changed) {                                 \
            if (!cvm_packet_writable(p)) return -2;     \
            h = cvm_net(p);                             \
            changed = 1;                                \
        }                                               \
    } while (0)
#define SET_BYTE(i, v)                                  \
    do {                                                \
        if ((i) < have) h[i] = (uint8_t)(v);            \
    } while (0)
#define ROOM(i, n) ((int64_t)(i) + (n) <= have)

    int32_t oi = IPH_MIN_LEN;
    while (oi < hlen) {
        int type = BYTE(oi);
        if (type == IPOPT_NOP) {
            oi++;
            continue;
        }
        if (type == IPOPT_EOL) break;
        int32_t xlen = BYTE(oi + 1);
        if (xlen < 2 || oi + xlen > hlen) return oi + 1;
        if (type != IPOPT_RR && type != IPOPT_TS) {
            oi += xlen;
            continue;
        }
        CHANGE();
        int32_t ptr = BYTE(oi + 2) - 1;
        if (type == IPOPT_RR) {
            if (ptr >= 3 && ptr + 4 <= xlen) {
                if (ROOM(oi + ptr, 4)) cvm_put32(h + oi + ptr, e->my_addr);
                SET_BYTE(oi + 2, BYTE(oi + 2) + 4);
            } else if (ptr != xlen) {
                return oi + 2;
            }
        } else {
            int oflw = BYTE(oi + 3) >> 4, flg = BYTE(oi + 3) & 0x0f;
            int overflowed = 0;
            uint32_t ms = (uint32_t)(cvm_now() / 1000000 % 86400000);
            if (ptr < 4) {
                return oi + 2;
            } else if (flg == 0) {
                if (ptr + 4 <= xlen) {
                    if (ROOM(oi + ptr, 4)) cvm_put32(h + oi + ptr, ms);
                    SET_BYTE(oi + 2, BYTE(oi + 2) + 4);
                } else {
                    overflowed = 1;
                }
            } else if (flg == 1) {
                if (ptr + 8 <= xlen) {
                    if (ROOM(oi + ptr, 8)) {
                        cvm_put32(h + oi + ptr, e->my_addr);
                        cvm_put32(h + oi + ptr + 4, ms);
                    }
                    SET_BYTE(oi + 2, BYTE(oi + 2) + 8);
                } else {
                    overflowed = 1;
                }
            } else if (flg == 3 && ptr + 8 <= xlen) {
                uint32_t addr = ROOM(oi + ptr, 4) ? cvm_be32(h + oi + ptr) : 0;
                int ours = 0;
                for (uint32_t k = 0; k < e->nmy_addrs; k++)
                    if (e->my_addrs[k] == addr) ours = 1;
                if (ours) {
                    if (ROOM(oi + ptr + 4, 4)) cvm_put32(h + oi + ptr + 4, ms);
                    SET_BYTE(oi + 2, BYTE(oi + 2) + 8);
                }
            } else {
                return oi + 3;
            }
            if (overflowed) {
                if (oflw < 15) SET_BYTE(oi + 3, ((oflw + 1) << 4) | flg);
                else return oi + 3;
            }
        }
        oi += xlen;
    }
    if (changed) {
        size_t n = (size_t)(hlen < have ? hlen : have);
        cvm_put16(h + IPH_SUM, 0);
        cvm_put16(h + IPH_SUM, inet_checksum(h, n, 0));
    }
    return -1;
#undef BYTE
#undef CHANGE
#undef SET_BYTE
#undef ROOM
}

static inline void ip_gw_options_push(struct ip_gw_options *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        int32_t avail;
        const uint8_t *h = ip_header(p, &avail);
        if (!h || avail < 1) {
            cvm_drop(out, p);
            continue;
        }
        if (ip_hlen(h) <= IPH_MIN_LEN) {
            cvm_emit(out, 0, p);
            continue;
        }
        int32_t hlen = p->trans < 0 ? 0 : p->trans - p->net;
        int32_t bad = ip_gw_options_walk(e, p, avail, hlen);
        if (bad == -1) {
            cvm_emit(out, 0, p);
        } else if (bad == -2) {
            cvm_drop(out, p);
        } else {
            e->drops++;
            p->anno[CVM_ANNO_ICMP_PARAMPROB] = (uint8_t)bad;
            emit_checked(out, 1, p);
        }
    }
}

static void ip_gw_options_read_drops(struct ip_gw_options *e, CvmStr *o) { cvm_str_u64(o, e->drops); }
