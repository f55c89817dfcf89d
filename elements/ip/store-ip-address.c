/* StoreIPAddress: write ADDR, or the destination IP annotation, at byte
 * OFFSET; or into the marked IP header's source or destination field with
 * the IP checksum and the TCP (or non-zero UDP) checksum of a first fragment
 * patched incrementally. A packet that cannot take the address goes to
 * output 1, or is dropped. */
#include "cvm.h"
#include "../lib/ip-header.h"
#include "../lib/checked-output.h"

struct store_ip_address {
    CvmElement base;
    uint8_t use_address;
    uint32_t address;
    int64_t offset;              /* byte offset, or -12 / -16: the IP source / destination field */
};

/* Store into the IP header field `field` and fix the checksums covering it. */
static inline int store_ip_address_in_header(Packet *p, uint32_t field, uint32_t addr)
{
    int32_t avail;
    if (!ip_header(p, &avail) || p->trans - p->net < IPH_MIN_LEN || p->trans < 0 || avail < IPH_MIN_LEN) return 0;
    if (!cvm_packet_writable(p)) return -1;
    uint8_t *ip = cvm_net(p), *at = ip + field;
    uint16_t old_sum = inet_add_words(cvm_be16(at), cvm_be16(at + 2));
    cvm_put32(at, addr);
    uint16_t new_sum = inet_add_words(cvm_be16(at), cvm_be16(at + 2));
    cvm_put16(ip + IPH_SUM, inet_update(cvm_be16(ip + IPH_SUM), old_sum, new_sum));

    int32_t th = ip_trans_rel(p);
    if ((cvm_be16(ip + IPH_OFF) & IP_OFFMASK) != 0 || th < 0) return 1;
    int64_t tlen = (int64_t)p->len - th;
    uint8_t *t = p->data + th;
    if (ip[IPH_PROTO] == IP_PROTO_TCP && tlen >= 20)
        cvm_put16(t + 16, inet_update(cvm_be16(t + 16), old_sum, new_sum));
    else if (ip[IPH_PROTO] == IP_PROTO_UDP && tlen >= 8 && cvm_be16(t + 6) != 0)
        cvm_put16(t + 6, inet_update(cvm_be16(t + 6), old_sum, new_sum));
    return 1;
}

static inline void store_ip_address_push(struct store_ip_address *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        uint32_t addr = e->use_address ? e->address : cvm_dst_ip(p);
        int r;
        if (e->offset >= 0) {
            r = (addr == 0 && !e->use_address) || e->offset + 4 > (int64_t)p->len ? 0 : cvm_packet_writable(p) ? 1 : -1;
            if (r > 0) cvm_put32(p->data + e->offset, addr);
        } else {
            r = store_ip_address_in_header(p, (uint32_t)-e->offset, addr);
        }
        if (r > 0) cvm_emit(out, 0, p);
        else if (r == 0) emit_checked(out, 1, p);
        else cvm_drop(out, p);
    }
}
