/* StoreEtherAddress: write ADDR (or six annotation bytes from ANNO) at byte
 * OFFSET; a packet too short for it goes to output 1, or is dropped. */
#include "cvm.h"
#include "../lib/ether-header.h"
#include "../lib/checked-output.h"

struct store_ether_address {
    CvmElement base;
    uint8_t address[6];
    uint32_t offset;
    int32_t anno;                /* annotation offset, or -1: store `address` */
};

static inline void store_ether_address_push(struct store_ether_address *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if ((uint64_t)e->offset + 6 > p->len) {
            emit_checked(out, 1, p);
            continue;
        }
        uint8_t *d = cvm_packet_writable(p);
        if (!d) {
            cvm_drop(out, p);
            continue;
        }
        memmove(d + e->offset, e->anno >= 0 ? p->anno + e->anno : e->address, 6);
        cvm_emit(out, 0, p);
    }
}

static void store_ether_address_read_addr(struct store_ether_address *e, CvmStr *o) { ether_unparse(o, e->address); }
static int store_ether_address_write_addr(struct store_ether_address *e, const char *v, CvmStr *err) { return hv_value_ether(v, e->address, err); }
