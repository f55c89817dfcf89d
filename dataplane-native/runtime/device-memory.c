/* The memory back-end: each device is two FIFO rings of pool packets in
 * this process. The embedding program (TypeScript through koffi) injects
 * received frames a batch per call and collects sent ones; devices live
 * until cvm_memdev_reset, so frames can be injected before the router opens
 * a device and collected after it closed it. Packets on a ring are outside
 * the router, so the pool counts them as the device's own (packet.h). */
#include "device.h"
#include <stdlib.h>
#include <string.h>

typedef struct MemRing {
    Packet **p;
    size_t head, tail, cap;      /* packets p[head..tail) */
} MemRing;

typedef struct MemDevice {
    CvmDevice dev;
    MemRing rx, tx;
    char *name;
    struct MemDevice *next_mem;
} MemDevice;

static MemDevice *mem_devices;
static int mem_enabled;
static uint32_t mem_capacity;    /* packets per ring; 0: no limit */

static size_t ring_count(const MemRing *r) { return r->tail - r->head; }

static int ring_push(MemRing *r, Packet *p)
{
    if (r->tail == r->cap) {
        if (r->head > 0) {
            memmove(r->p, r->p + r->head, ring_count(r) * sizeof *r->p);
            r->tail -= r->head;
            r->head = 0;
        }
        if (r->tail == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 64;
            Packet **np = realloc(r->p, cap * sizeof *np);
            if (!np) return -1;
            r->p = np;
            r->cap = cap;
        }
    }
    r->p[r->tail++] = p;
    cvm_pool_note_private(1);
    return 0;
}

static Packet *ring_pop(MemRing *r)
{
    cvm_pool_note_private(-1);
    return r->p[r->head++];
}

static void ring_free(MemRing *r)
{
    while (r->head < r->tail) cvm_packet_free(ring_pop(r));
    free(r->p);
    *r = (MemRing){ 0 };
}

static int ring_has_room(const MemRing *r) { return !mem_capacity || ring_count(r) < mem_capacity; }

static unsigned mem_rx_burst(CvmDevice *d, Packet **pkts, unsigned max)
{
    MemRing *r = &((MemDevice *)d)->rx;
    unsigned n = 0;
    while (n < max && r->head < r->tail) pkts[n++] = ring_pop(r);
    return n;
}

static unsigned mem_tx_burst(CvmDevice *d, Packet **pkts, unsigned n)
{
    MemRing *r = &((MemDevice *)d)->tx;
    unsigned k = 0;
    while (k < n && ring_has_room(r) && ring_push(r, pkts[k]) == 0) k++;
    return k;
}

/* Memory devices outlive their users: the program collects after the run. */
static void mem_close(CvmDevice *d) { (void)d; }

static const CvmDeviceOps mem_ops = { mem_rx_burst, mem_tx_burst, mem_close };

static MemDevice *mem_find(const char *name, int create)
{
    for (MemDevice *m = mem_devices; m; m = m->next_mem)
        if (!strcmp(m->name, name)) return m;
    if (!create) return NULL;
    MemDevice *m = calloc(1, sizeof *m);
    char *copy = strdup(name);
    if (!m || !copy) {
        free(m);
        free(copy);
        return NULL;
    }
    m->name = copy;
    m->dev.ops = &mem_ops;
    m->dev.name = copy;
    m->next_mem = mem_devices;
    mem_devices = m;
    return m;
}

static CvmDevice *mem_open(const char *name, CvmStr *err)
{
    if (!mem_enabled) return NULL;
    MemDevice *m = mem_find(name, 1);
    if (!m) cvm_str_printf(err, "%s: out of memory", name);
    return m ? &m->dev : NULL;
}

void cvm_memdev_enable(int enable, uint32_t capacity)
{
    mem_enabled = enable;
    mem_capacity = capacity;
    cvm_device_backend(mem_open);
}

int cvm_memdev_inject(const char *name, const uint8_t *data, const uint32_t *lens, unsigned n)
{
    MemDevice *m = mem_find(name, 1);
    if (!m) return -1;
    int taken = 0;
    for (unsigned i = 0; i < n; data += lens[i], i++) {
        if (!ring_has_room(&m->rx)) {
            m->dev.rx_drops++;
            continue;
        }
        Packet *p = cvm_packet_make(data, lens[i]);
        if (!p) return -1;
        if (ring_push(&m->rx, p) < 0) {
            cvm_packet_free(p);
            return -1;
        }
        taken++;
    }
    return taken;
}

static MemRing *mem_ring(const char *name, int receive)
{
    MemDevice *m = mem_find(name, 0);
    return !m ? NULL : receive ? &m->rx : &m->tx;
}

unsigned cvm_memdev_collect(const char *name, uint8_t *buf, uint64_t cap, uint32_t *lens, unsigned max)
{
    return cvm_memdev_take(name, 0, buf, cap, lens, max);
}

unsigned cvm_memdev_take(const char *name, int receive, uint8_t *buf, uint64_t cap, uint32_t *lens, unsigned max)
{
    MemRing *r = mem_ring(name, receive);
    if (!r) return 0;
    unsigned n = 0;
    uint64_t used = 0;
    while (n < max && r->head < r->tail && used + r->p[r->head]->len <= cap) {
        Packet *p = ring_pop(r);
        memcpy(buf + used, p->data, p->len);
        used += p->len;
        lens[n++] = p->len;
        cvm_packet_free(p);
    }
    return n;
}

uint64_t cvm_memdev_pending_bytes(const char *name, unsigned max) { return cvm_memdev_ring_bytes(name, 0, max); }

uint64_t cvm_memdev_ring_bytes(const char *name, int receive, unsigned max)
{
    MemRing *r = mem_ring(name, receive);
    uint64_t bytes = 0;
    if (r)
        for (size_t i = r->head; i < r->tail && i - r->head < max; i++) bytes += r->p[i]->len;
    return bytes;
}

void cvm_memdev_reset(void)
{
    while (mem_devices) {
        MemDevice *m = mem_devices;
        mem_devices = m->next_mem;
        ring_free(&m->rx);
        ring_free(&m->tx);
        free(m->name);
        free(m);
    }
}
