/* StoreData: write DATA into each packet at OFFSET (only the bits set in
 * MASK, if given); bytes past the end are not written, and a packet no
 * longer than OFFSET passes unchanged unless GROW extends it with zeros
 * first. A packet that cannot grow or be made writable (out of memory) is
 * dropped. */
#include "cvm.h"

struct store_data {
    CvmElement base;
    uint32_t offset;
    const uint8_t *data, *mask; /* mask NULL: every bit */
    uint32_t len;
    uint8_t grow;
};

static inline void store_data_push(struct store_data *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    const uint64_t off = e->offset, end = off + e->len;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (p->len < end) {
            if (e->grow) {
                if (end - p->len > 0x7fffffffu || !cvm_packet_put(p, (uint32_t)(end - p->len))) {
                    cvm_drop(out, p);
                    continue;
                }
            } else if (p->len <= off) {
                cvm_emit(out, 0, p);
                continue;
            }
        }
        uint8_t *d = cvm_packet_writable(p);
        if (!d) {
            cvm_drop(out, p);
            continue;
        }
        uint32_t k = p->len - (uint32_t)off < e->len ? p->len - (uint32_t)off : e->len;
        if (!e->mask) memcpy(d + off, e->data, k);
        else
            for (uint32_t j = 0; j < k; j++) d[off + j] = (uint8_t)((d[off + j] & ~e->mask[j]) | (e->data[j] & e->mask[j]));
        cvm_emit(out, 0, p);
    }
}
