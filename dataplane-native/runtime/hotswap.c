/* Packets crossing between two libraries' pools (hotswap.h). */
#include "hotswap.h"

static void hotswap_free_packet(Packet *p) { cvm_packet_free(p); }

static const CvmHotswapOps hotswap_ops = { hotswap_free_packet };

const CvmHotswapOps *cvm_hotswap_ops(void) { return &hotswap_ops; }

Packet *cvm_hotswap_packet(CvmHotswap *hs, Packet *old)
{
    uint32_t head = (uint32_t)(old->data - old->buf->head);
    uint32_t tail = old->buf->size - head - old->len;
    Packet *p = cvm_packet_alloc(old->len, head, tail);
    if (p) {
        memcpy(p->buf->head, old->buf->head, (size_t)head + old->len);
        p->mac = old->mac;
        p->net = old->net;
        p->trans = old->trans;
        p->ts_sec = old->ts_sec;
        p->ts_nsec = old->ts_nsec;
        p->pkt_type = old->pkt_type;
        memcpy(p->anno, old->anno, sizeof p->anno);
    } else {
        cvm_str_printf(hs->err, "out of packet memory: a packet was lost\n");
    }
    hs->old->free_packet(old);
    return p;
}
