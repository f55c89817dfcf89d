/* StripEtherVLANHeader: pull the 18-byte 802.1Q header (its TCI into the
 * VLAN TCI annotation) or the 14-byte plain one (NATIVE_VLAN into the
 * annotation, or output 1 when NATIVE_VLAN is -1); runts are dropped
 * (strip-ether-vlan-header.ts). */
#include "cvm.h"
#include "../lib/ether-header.h"
#include "../lib/checked-output.h"

struct strip_ether_vlan_header {
    CvmElement base;
    int32_t native_vlan;
};

static inline void strip_ether_vlan_header_push(struct strip_ether_vlan_header *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) {
        Packet *p = in[i];
        if (p->len < ETH_LEN) {
            cvm_drop(out, p);
            continue;
        }
        if (cvm_be16(p->data + ETH_TYPE) == ETHERTYPE_8021Q) {
            if (p->len < 18) {
                cvm_drop(out, p);
                continue;
            }
            p->anno[CVM_ANNO_VLAN_TCI] = p->data[ETH_LEN];
            p->anno[CVM_ANNO_VLAN_TCI + 1] = p->data[ETH_LEN + 1];
            cvm_packet_pull(p, 18);
            cvm_emit(out, 0, p);
        } else if (e->native_vlan < 0) {
            emit_checked(out, 1, p);
        } else {
            p->anno[CVM_ANNO_VLAN_TCI] = (uint8_t)(e->native_vlan >> 8);
            p->anno[CVM_ANNO_VLAN_TCI + 1] = (uint8_t)(e->native_vlan & 0xff);
            cvm_packet_pull(p, ETH_LEN);
            cvm_emit(out, 0, p);
        }
    }
}
