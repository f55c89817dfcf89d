/* Packet and buffer pools. Packets and standard-size buffers are recycled
 * through free lists; only oversized buffers go back to the allocator. */
#include "packet.h"
#include <stdlib.h>

static Packet *free_packets;
static CvmBuf *free_bufs;
static uint64_t packets_allocated, packets_in_use;
/* Of those in use, the ones elements keep for themselves (a source's
 * prototype): not traffic, so not in any element's books. */
static uint64_t packets_private;

/* The pool grows a slab at a time: one allocator call for CVM_SLAB
 * buffers (or headers), which is what makes a VM's first receive-ring fill
 * cheap (under TCG the allocator's paths cost far more on first run than
 * the memory). Slabs are never returned, like pooled objects before them.
 * Sanitizer builds keep one allocation per buffer so that AddressSanitizer
 * sees every buffer's bounds. */
#if defined(__SANITIZE_ADDRESS__)
#define CVM_SLAB 1
#else
#define CVM_SLAB 64
#endif
#define BUF_STRIDE ((sizeof(CvmBuf) + CVM_BUF_SIZE + 63) & ~(size_t)63)

static void bufs_grow(void)
{
    uint8_t *slab = malloc(BUF_STRIDE * CVM_SLAB);
    if (!slab) return;
    for (int i = CVM_SLAB - 1; i >= 0; i--) {
        CvmBuf *b = (CvmBuf *)(slab + (size_t)i * BUF_STRIDE);
        b->cap = CVM_BUF_SIZE;
        b->next_free = free_bufs;
        free_bufs = b;
    }
}

/* A buffer of `size` bytes as the packet sees it; from the pool when it fits. */
static CvmBuf *buf_alloc(uint32_t size)
{
    CvmBuf *b;
    if (size <= CVM_BUF_SIZE) {
        if (!free_bufs) bufs_grow();
        if (!(b = free_bufs)) return NULL;
        free_bufs = b->next_free;
    } else {
        b = malloc(sizeof(CvmBuf) + size);
        if (!b) return NULL;
        b->cap = size;
    }
    b->size = size;
    b->refs = 1;
    return b;
}

static void buf_release(CvmBuf *b)
{
    if (--b->refs) return;
    if (b->cap == CVM_BUF_SIZE) {
        b->next_free = free_bufs;
        free_bufs = b;
    } else {
        free(b);
    }
}

static void headers_grow(void)
{
    Packet *slab = malloc(sizeof(Packet) * CVM_SLAB);
    if (!slab) return;
    for (int i = CVM_SLAB - 1; i >= 0; i--) {
        slab[i].next_free = free_packets;
        free_packets = &slab[i];
    }
    packets_allocated += CVM_SLAB;
}

static Packet *header_alloc(void)
{
    if (!free_packets) headers_grow();
    Packet *p = free_packets;
    if (!p) return NULL;
    free_packets = p->next_free;
    packets_in_use++;
    return p;
}

static void header_free(Packet *p)
{
    packets_in_use--;
    p->next_free = free_packets;
    free_packets = p;
}

Packet *cvm_packet_alloc(uint32_t len, uint32_t headroom, uint32_t tailroom)
{
    Packet *p = header_alloc();
    if (!p) return NULL;
    CvmBuf *b = buf_alloc(headroom + len + tailroom);
    if (!b) {
        header_free(p);
        return NULL;
    }
    p->buf = b;
    p->data = b->head + headroom;
    p->len = len;
    /* Headroom starts zeroed, as in the host engine: a push past what was
     * pulled (Unstrip on a runt) must show the same bytes in both engines. */
    memset(b->head, 0, headroom);
    p->mac = p->net = p->trans = -1;
    p->ts_sec = 0;
    p->ts_nsec = 0;
    p->pkt_type = CVM_PKT_HOST;
    memset(p->anno, 0, sizeof p->anno);
    return p;
}

Packet *cvm_packet_make(const uint8_t *bytes, uint32_t len)
{
    Packet *p = cvm_packet_alloc(len, CVM_HEADROOM, 0);
    if (p && len) memcpy(p->data, bytes, len);
    return p;
}

void cvm_packet_release_slow(Packet *p)
{
    buf_release(p->buf);
    header_free(p);
}

Packet *cvm_packet_clone(Packet *p)
{
    Packet *q = header_alloc();
    if (!q) return NULL;
    *q = *p;
    q->buf->refs++;
    return q;
}

/* Copy the buffer up to the end of the data (headroom included: an Unstrip
 * may bring it back; tailroom is never read before put() zeroes it). */
uint8_t *cvm_packet_writable_slow(Packet *p)
{
    CvmBuf *old = p->buf;
    CvmBuf *b = buf_alloc(old->size);
    if (!b) return NULL;
    memcpy(b->head, old->head, (size_t)(p->data - old->head) + p->len);
    p->data = b->head + (p->data - old->head);
    p->buf = b;
    buf_release(old);
    return p->data;
}

int cvm_packet_realloc(Packet *p, uint32_t extra_head, uint32_t extra_tail)
{
    CvmBuf *old = p->buf;
    CvmBuf *b = buf_alloc(old->size + extra_head + extra_tail);
    if (!b) return 0;
    /* New room is zero so that pushed bytes never expose stale data. */
    memset(b->head, 0, extra_head);
    memcpy(b->head + extra_head, old->head, old->size);
    memset(b->head + extra_head + old->size, 0, b->size - extra_head - old->size);
    p->data = b->head + extra_head + (p->data - old->head);
    if (p->mac >= 0) p->mac += (int32_t)extra_head;
    if (p->net >= 0) p->net += (int32_t)extra_head;
    if (p->trans >= 0) p->trans += (int32_t)extra_head;
    p->buf = b;
    buf_release(old);
    return 1;
}

void cvm_pool_note_private(int delta) { packets_private += (uint64_t)(int64_t)delta; }
uint64_t cvm_pool_private(void) { return packets_private; }

void cvm_pool_stats(uint64_t *allocated, uint64_t *in_use)
{
    *allocated = packets_allocated;
    *in_use = packets_in_use;
}
