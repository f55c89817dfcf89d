/* VLANDecap: remove the 4-byte 802.1Q tag of frames whose type is ETHERTYPE,
 * optionally keeping its TCI in the VLAN TCI annotation (network order, 0
 * for untagged frames); mark the MAC header. Frames too short for their type
 * field, or tagged frames too short for the TCI, are dropped. */
#include "cvm.h"
#include "../lib/ether-header.h"

struct vlan_decap {
    CvmElement base;
    uint16_t ethertype;
    uint8_t anno;
};

static inline void vlan_decap_push(struct vlan_decap *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (p->len < ETH_LEN) {
            cvm_drop(out, p);
            continue;
        }
        uint8_t tci0 = 0, tci1 = 0;
        if (cvm_be16(p->data + ETH_TYPE) == e->ethertype) {
            uint8_t *d;
            if (p->len < ETH_LEN + 2 || !(d = cvm_packet_writable(p))) {
                cvm_drop(out, p);
                continue;
            }
            tci0 = d[ETH_LEN];
            tci1 = d[ETH_LEN + 1];
            memmove(d + 4, d, ETH_TYPE);
            cvm_packet_pull(p, 4);
        }
        ether_set_mac_header(p, 0, ETH_LEN);
        if (e->anno) {
            p->anno[CVM_ANNO_VLAN_TCI] = tci0;
            p->anno[CVM_ANNO_VLAN_TCI + 1] = tci1;
        }
        cvm_emit(out, 0, p);
    }
}
