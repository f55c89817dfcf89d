/* SetIPAddress: write IPADDR (network order) into the destination IP
 * annotation, or the 4-byte annotation ANNO. */
#include "cvm.h"
#include "../lib/ip-header.h"

struct set_ip_address {
    CvmElement base;
    uint32_t addr;
    uint32_t anno;
};

static inline void set_ip_address_push(struct set_ip_address *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    uint8_t a[4];
    cvm_put32(a, e->addr);
    for (unsigned i = 0; i < n; i++) {
        memcpy(in[i]->anno + e->anno, a, 4);
        cvm_emit(out, 0, in[i]);
    }
}

static void set_ip_address_read_addr(struct set_ip_address *e, CvmStr *o) { ip_unparse(o, e->addr); }
static int set_ip_address_write_addr(struct set_ip_address *e, const char *v, CvmStr *err) { return hv_value_ip(v, &e->addr, err); }
