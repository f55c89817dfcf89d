/* Host unit test of the VM's virtio-net driver (vm-image/kernel/virtio-*.c)
 * against a simulated virtio-mmio device: the driver is built with
 * VIRTIO_MMIO_HOOKED, so its register accesses land in vmmio_read32 and
 * vmmio_write32 below, which play the device side of virtio 1.x (status
 * handshake, feature negotiation, queue registers) and walk the split
 * queues the driver set up in its own memory, as QEMU does. Prints TAP-style
 * "ok N - ..." / "not ok N - ..." lines; test/vm-image/virtio-fake.test.ts
 * builds and runs it. */
#include "vm-image/kernel/virtio-net.h"
#include "vm-image/platform.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FAKE_BASE 0x40000000u    /* a key for the transports, never dereferenced */
#define FAKE_SLOTS 8

typedef struct FakeQueue {
    uint32_t num_max, num, ready;
    uint64_t desc, driver, device;
    uint16_t last_avail;
} FakeQueue;

typedef struct FakeDev {
    uint32_t magic, version, device_id;
    uint64_t offered, driver_features;
    uint32_t dev_sel, drv_sel, queue_sel, status, generation;
    int refuse_features;         /* leave FEATURES_OK clear */
    FakeQueue q[2];
    uint8_t config[8];
    unsigned notifies[2];
    uint16_t used_flags;         /* what the device shows in used->flags */
    uint32_t isr;                /* InterruptStatus: bit 0, a used buffer */
    unsigned interrupts;         /* raised (the driver's avail->flags allowed them) */
} FakeDev;

static FakeDev devs[FAKE_SLOTS];
static unsigned register_errors;

static FakeDev *dev_at(uintptr_t addr, unsigned *off)
{
    if (addr < FAKE_BASE || addr >= FAKE_BASE + FAKE_SLOTS * VIRTIO_MMIO_STRIDE) {
        register_errors++;
        return NULL;
    }
    *off = (unsigned)((addr - FAKE_BASE) % VIRTIO_MMIO_STRIDE);
    return &devs[(addr - FAKE_BASE) / VIRTIO_MMIO_STRIDE];
}

static void dev_reset(FakeDev *d)
{
    d->status = 0;
    d->driver_features = 0;
    for (int i = 0; i < 2; i++) {
        uint32_t max = d->q[i].num_max;
        memset(&d->q[i], 0, sizeof d->q[i]);
        d->q[i].num_max = max;
    }
}

uint32_t vmmio_read32(uintptr_t addr)
{
    unsigned off;
    FakeDev *d = dev_at(addr, &off);
    if (!d) return 0;
    if (addr & 3) register_errors++;
    FakeQueue *q = d->queue_sel < 2 ? &d->q[d->queue_sel] : NULL;
    switch (off) {
    case VMMIO_MAGIC: return d->magic;
    case VMMIO_VERSION: return d->version;
    case VMMIO_DEVICE_ID: return d->device_id;
    case VMMIO_VENDOR_ID: return 0x554d4551;
    case VMMIO_DEVICE_FEATURES: return d->dev_sel == 0 ? (uint32_t)d->offered : d->dev_sel == 1 ? (uint32_t)(d->offered >> 32) : 0;
    case VMMIO_QUEUE_NUM_MAX: return q ? q->num_max : 0;
    case VMMIO_QUEUE_READY: return q ? q->ready : 0;
    case VMMIO_STATUS: return d->status;
    case VMMIO_CONFIG_GENERATION: return d->generation;
    case VMMIO_INTERRUPT_STATUS: return d->isr;
    default:
        if (off >= VMMIO_CONFIG && off < VMMIO_CONFIG + sizeof d->config) {
            uint32_t w;
            memcpy(&w, d->config + (off - VMMIO_CONFIG), 4);
            return w;
        }
        register_errors++;
        return 0;
    }
}

void vmmio_write32(uintptr_t addr, uint32_t v)
{
    unsigned off;
    FakeDev *d = dev_at(addr, &off);
    if (!d) return;
    FakeQueue *q = d->queue_sel < 2 ? &d->q[d->queue_sel] : NULL;
    /* Queue registers may only change while the queue is not ready. */
    int qwrite = off == VMMIO_QUEUE_NUM || (off >= VMMIO_QUEUE_DESC_LOW && off <= VMMIO_QUEUE_DEVICE_HIGH);
    if (qwrite && (!q || q->ready)) {
        register_errors++;
        return;
    }
    switch (off) {
    case VMMIO_DEVICE_FEATURES_SEL: d->dev_sel = v; break;
    case VMMIO_DRIVER_FEATURES_SEL: d->drv_sel = v; break;
    case VMMIO_DRIVER_FEATURES:
        if (d->drv_sel > 1 || (d->status & VIRTIO_STATUS_FEATURES_OK)) register_errors++;
        else if (d->drv_sel == 0) d->driver_features = (d->driver_features & ~0xffffffffull) | v;
        else d->driver_features = (d->driver_features & 0xffffffffull) | (uint64_t)v << 32;
        break;
    case VMMIO_QUEUE_SEL: d->queue_sel = v; break;
    case VMMIO_QUEUE_NUM: if (v > q->num_max || (v & (v - 1))) register_errors++; else q->num = v; break;
    case VMMIO_QUEUE_DESC_LOW: q->desc = (q->desc & ~0xffffffffull) | v; break;
    case VMMIO_QUEUE_DESC_HIGH: q->desc = (q->desc & 0xffffffffull) | (uint64_t)v << 32; break;
    case VMMIO_QUEUE_DRIVER_LOW: q->driver = (q->driver & ~0xffffffffull) | v; break;
    case VMMIO_QUEUE_DRIVER_HIGH: q->driver = (q->driver & 0xffffffffull) | (uint64_t)v << 32; break;
    case VMMIO_QUEUE_DEVICE_LOW: q->device = (q->device & ~0xffffffffull) | v; break;
    case VMMIO_QUEUE_DEVICE_HIGH: q->device = (q->device & 0xffffffffull) | (uint64_t)v << 32; break;
    case VMMIO_QUEUE_READY:
        if (!q || !q->num || !q->desc || !q->driver || !q->device) register_errors++;
        else q->ready = v & 1;
        break;
    case VMMIO_QUEUE_NOTIFY: if (v < 2) d->notifies[v]++; else register_errors++; break;
    case VMMIO_INTERRUPT_ACK: if (v & ~d->isr) register_errors++; d->isr &= ~v; break;
    case VMMIO_STATUS:
        if (v == 0) {
            dev_reset(d);
            break;
        }
        if (v & VIRTIO_STATUS_FEATURES_OK && !(d->status & VIRTIO_STATUS_FEATURES_OK)) {
            /* The device takes only a subset of what it offered. */
            if (d->refuse_features || (d->driver_features & ~d->offered)) v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
        }
        if ((v & d->status) != d->status) register_errors++;   /* bits are only ever added before a reset */
        d->status = v;
        break;
    default: register_errors++;
    }
}

/* ---- the device side of the queues ---- */

static VirtqDesc *qdesc(FakeQueue *q) { return (VirtqDesc *)(uintptr_t)q->desc; }
static VirtqAvail *qavail(FakeQueue *q) { return (VirtqAvail *)(uintptr_t)q->driver; }
static VirtqUsed *qused(FakeQueue *q) { return (VirtqUsed *)(uintptr_t)q->device; }

static void push_used(FakeDev *d, FakeQueue *q, uint16_t head, uint32_t len)
{
    VirtqUsed *u = qused(q);
    u->ring[u->idx % q->num] = (VirtqUsedElem){ head, len };
    __atomic_store_n(&u->idx, (uint16_t)(u->idx + 1), __ATOMIC_RELEASE);
    u->flags = d->used_flags;
    /* As QEMU does (no VIRTIO_F_EVENT_IDX): interrupt unless the driver said not to. */
    if (!(__atomic_load_n(&qavail(q)->flags, __ATOMIC_ACQUIRE) & VIRTQ_AVAIL_F_NO_INTERRUPT)) {
        d->isr |= 1;
        d->interrupts++;
    }
}

/* What the device shows in used->flags from now on (QEMU sets NO_NOTIFY
 * while it works through a queue). */
static void set_used_flags(FakeDev *d, unsigned qi, uint16_t flags)
{
    d->used_flags = flags;
    qused(&d->q[qi])->flags = flags;
}

/* Deliver a frame into the receive queue as QEMU does without mergeable
 * buffers: the header, then the frame, across the chain's write-only
 * descriptors. 0 if no buffer is posted (QEMU keeps the frame waiting). */
static int fake_receive(FakeDev *d, const uint8_t *frame, uint32_t len)
{
    FakeQueue *q = &d->q[0];
    if (!(d->status & VIRTIO_STATUS_DRIVER_OK) || !q->ready) return 0;
    if (q->last_avail == __atomic_load_n(&qavail(q)->idx, __ATOMIC_ACQUIRE)) return 0;
    uint16_t head = qavail(q)->ring[q->last_avail++ % q->num];
    /* A header with every field set, so the test sees the driver clear it. */
    uint8_t hdr[VNET_HDR_LEN];
    memset(hdr, 0xa5, sizeof hdr);
    uint32_t total = VNET_HDR_LEN + len, done = 0;
    for (uint16_t i = head;; i = qdesc(q)[i].next) {
        VirtqDesc *ds = &qdesc(q)[i];
        if (!(ds->flags & VIRTQ_DESC_F_WRITE)) register_errors++;
        uint8_t *to = (uint8_t *)(uintptr_t)ds->addr;
        for (uint32_t k = 0; k < ds->len && done < total; k++, done++)
            to[k] = done < VNET_HDR_LEN ? hdr[done] : frame[done - VNET_HDR_LEN];
        if (!(ds->flags & VIRTQ_DESC_F_NEXT) || done == total) break;
    }
    if (done < total) return -1;   /* QEMU would drop it: the driver's chain is too short */
    push_used(d, q, head, done);
    return 1;
}

/* Send everything posted on the transmit queue into out (frames back to
 * back, lengths in lens); returns how many. */
static unsigned fake_transmit(FakeDev *d, uint8_t *out, uint32_t *lens, unsigned max)
{
    FakeQueue *q = &d->q[1];
    unsigned n = 0;
    size_t at = 0;
    while (n < max && q->ready && q->last_avail != __atomic_load_n(&qavail(q)->idx, __ATOMIC_ACQUIRE)) {
        uint16_t head = qavail(q)->ring[q->last_avail++ % q->num];
        uint32_t seen = 0, len = 0;
        for (uint16_t i = head;; i = qdesc(q)[i].next) {
            VirtqDesc *ds = &qdesc(q)[i];
            if (ds->flags & VIRTQ_DESC_F_WRITE) register_errors++;
            for (uint32_t k = 0; k < ds->len; k++, seen++) {
                uint8_t b = ((const uint8_t *)(uintptr_t)ds->addr)[k];
                if (seen < VNET_HDR_LEN) {
                    if (b) register_errors++;   /* no offloads: an all-zero header */
                } else {
                    out[at + len++] = b;
                }
            }
            if (!(ds->flags & VIRTQ_DESC_F_NEXT)) break;
        }
        if (seen < VNET_HDR_LEN) register_errors++;
        lens[n++] = len;
        at += len;
        push_used(d, q, head, 0);
    }
    return n;
}

/* ---- platform functions the driver uses ---- */

static char console_text[4096];
static size_t console_len;

void vm_console_write(const char *s, size_t n)
{
    if (n > sizeof console_text - 1 - console_len) n = sizeof console_text - 1 - console_len;
    memcpy(console_text + console_len, s, n);
    console_len += n;
    console_text[console_len] = 0;
}

int64_t vm_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The kernel's boot timeline (clickvm.verbose): nothing to time here. */
void boot_mark(const char *what) { (void)what; }

/* ---- the tests ---- */

static unsigned tests, failures;

static void check(int cond, const char *what)
{
    tests++;
    if (!cond) failures++;
    printf("%sok %u - %s\n", cond ? "" : "not ", tests, what);
}

static void net_device(FakeDev *d, uint8_t last_mac_byte, int launcher_mac, uint32_t qmax)
{
    d->magic = VIRTIO_MMIO_MAGIC_VALUE;
    d->version = 2;
    d->device_id = VIRTIO_ID_NET;
    /* VERSION_1, MAC, and features the driver must not take: CSUM (0),
     * GUEST_CSUM (1), MRG_RXBUF (15), STATUS (16), EVENT_IDX (29). */
    d->offered = VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC | 1 | 2 | 1u << 15 | 1u << 16 | 1u << 29;
    static const uint8_t launcher[5] = { 0x52, 0x54, 0x00, 0xc1, 0x0c }, other[5] = { 0x02, 0x00, 0x00, 0x00, 0x00 };
    memcpy(d->config, launcher_mac ? launcher : other, 5);
    d->config[5] = last_mac_byte;
    d->q[0].num_max = d->q[1].num_max = qmax;
}

static Packet *frame_packet(uint32_t len, uint8_t seed)
{
    Packet *p = cvm_packet_alloc(len, CVM_HEADROOM, 0);
    for (uint32_t i = 0; i < len; i++) p->data[i] = (uint8_t)(seed + i * 7);
    return p;
}

static uint64_t in_use(void)
{
    uint64_t a, u;
    cvm_pool_stats(&a, &u);
    return u;
}

int main(void)
{
    /* Transports: empty, NIC mac ..:0c:01, legacy, a block device, NIC
     * ..:0c:00, NIC with a foreign MAC, no VERSION_1, refuses features. */
    net_device(&devs[1], 0x01, 1, 256);
    devs[2] = (FakeDev){ .magic = VIRTIO_MMIO_MAGIC_VALUE, .version = 1, .device_id = VIRTIO_ID_NET };
    devs[3] = (FakeDev){ .magic = VIRTIO_MMIO_MAGIC_VALUE, .version = 2, .device_id = 2 };
    net_device(&devs[4], 0x00, 1, 1024);
    net_device(&devs[5], 0x07, 0, 100);
    net_device(&devs[6], 0x02, 1, 256);
    devs[6].offered &= ~VIRTIO_F_VERSION_1;
    net_device(&devs[7], 0x03, 1, 256);
    devs[7].refuse_features = 1;
    devs[0] = (FakeDev){ .magic = VIRTIO_MMIO_MAGIC_VALUE, .version = 2, .device_id = 0 };

    const uint64_t base_in_use = in_use();
    unsigned n = vnet_probe(FAKE_BASE, FAKE_SLOTS);
    check(n == 3, "three NICs brought up (legacy, block, no VERSION_1 and refused features skipped)");
    check(vnet_nic(0)->base == FAKE_BASE + 4 * 512 && vnet_nic(1)->base == FAKE_BASE + 1 * 512 && vnet_nic(2)->base == FAKE_BASE + 5 * 512,
          "numbered by launcher MAC (..:0c:00, ..:0c:01), then the foreign MAC");
    const uint32_t live = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;
    check(devs[1].status == live && devs[4].status == live && devs[5].status == live, "status ACKNOWLEDGE|DRIVER|FEATURES_OK|DRIVER_OK");
    check(devs[1].driver_features == (VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC), "driver takes VERSION_1 and MAC only");
    check((devs[6].status & VIRTIO_STATUS_FAILED) && !(devs[6].status & VIRTIO_STATUS_DRIVER_OK), "a device without VERSION_1 is marked FAILED");
    check((devs[7].status & VIRTIO_STATUS_FAILED) && !(devs[7].status & VIRTIO_STATUS_DRIVER_OK), "FEATURES_OK that does not stick: FAILED");
    check(devs[4].q[0].num == 256 && devs[4].q[1].num == 256 && devs[5].q[0].num == 64, "queue sizes: 1024 offered -> 256, 100 -> 64");
    check(devs[4].q[0].ready && devs[4].q[1].ready, "both queues ready");
    check(vnet_nic(0)->rxq.mem->avail.flags == VIRTQ_AVAIL_F_NO_INTERRUPT && vnet_nic(0)->txq.mem->avail.flags == VIRTQ_AVAIL_F_NO_INTERRUPT,
          "no interrupts asked for");
    check(strstr(console_text, "NIC 0 (eth0) mac 52:54:00:c1:0c:00") && strstr(console_text, "NIC 2 (eth2) mac 02:00:00:00:00:07") &&
              strstr(console_text, "legacy transport") && strstr(console_text, "VIRTIO_F_VERSION_1") && strstr(console_text, "FEATURES_OK"),
          "console lines per NIC and per failed device");

    /* Names. */
    CvmStr err = { 0 };
    CvmDevice *rx0 = cvm_device_open("0", &err), *rx0b = cvm_device_open("eth0", &err), *tx1 = cvm_device_open("eth1", &err);
    check(rx0 && rx0b && tx1 && rx0 != rx0b && ((VnetPort *)rx0)->nic == ((VnetPort *)rx0b)->nic && ((VnetPort *)tx1)->nic == vnet_nic(1),
          "\"0\" and \"eth0\" name NIC 0, \"eth1\" NIC 1");
    check(!strcmp(rx0->name, "0") && !strcmp(rx0b->name, "eth0"), "device names as written");
    check(cvm_device_open("eth3", &err) == NULL && err.s && strstr(err.s, "eth3: no NIC 3 in this VM (3 attached)"), "a missing NIC: clear error");
    cvm_str_clear(&err);
    check(cvm_device_open("wlan0", &err) == NULL && err.s && strstr(err.s, "no such device"), "other names are not this back-end's");
    cvm_str_clear(&err);
    check(cvm_device_open("eth01", &err) == NULL && strstr(err.s, "no such device"), "non-canonical numbers are not NIC names");
    cvm_str_clear(&err);

    const CvmDeviceParams receive = { .receive = 1, .element = "rx" }, transmit = { .receive = 0, .element = "tx" };
    check(cvm_device_setup(rx0, &receive, &err) == 0 && cvm_device_setup(rx0, &receive, &err) == 0 && cvm_device_setup(tx1, &transmit, &err) == 0 &&
              vnet_nic(0)->receivers == 1 && vnet_nic(1)->receivers == 0,
          "FromDevice's setup marks NIC 0 as received on (once per name), ToDevice's does not");

    VnetNic *nic0 = vnet_nic(0);
    FakeDev *d0 = &devs[4];
    check(nic0->rx_nfree == 0 && nic0->rxq.mem->avail.idx == 128 && d0->notifies[0] == 1, "first open posts 128 receive buffers, one notification");
    check(nic0->users == 2, "two names, one NIC with two users");

    /* Receive: good frames, runts, oversized frames. */
    static uint8_t big[9000];
    for (unsigned i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 13 + 1);
    const uint32_t sizes[] = { 60, 1514, VNET_RX_FRAME_MAX, VNET_RX_FRAME_MAX + 1, 9000, 13, 0, 14 };
    int delivered = 1;
    for (unsigned i = 0; i < sizeof sizes / sizeof *sizes; i++) delivered &= fake_receive(d0, big, sizes[i]) == 1;
    check(delivered, "the device took every frame (overflow scratch holds the long ones)");
    Packet *got[64];
    unsigned k = rx0->ops->rx_burst(rx0, got, 64);
    check(k == 4, "four frames received (60, 1514, 1984, 14 bytes)");
    int bytes_ok = k == 4;
    const uint32_t good[] = { 60, 1514, VNET_RX_FRAME_MAX, 14 };
    for (unsigned i = 0; i < k && i < 4; i++) {
        Packet *p = got[i];
        bytes_ok &= p->len == good[i] && !memcmp(p->data, big, p->len) && cvm_headroom(p) == CVM_HEADROOM && cvm_tailroom(p) == 0 &&
                    p->buf->cap == CVM_BUF_SIZE;
        for (unsigned h = 0; h < CVM_HEADROOM; h++) bytes_ok &= p->buf->head[h] == 0;
    }
    check(bytes_ok, "frames byte for byte, 64 bytes of zero headroom, no tailroom (as cvm_packet_make)");
    check(rx0->rx_drops == 4 && rx0b->rx_drops == 4 && nic0->stats.rx_runts == 2 && nic0->stats.rx_oversize == 2, "drops: 2 oversized, 2 runts, seen under both names");
    check(d0->notifies[0] == 1, "8 buffers used: no refill yet (batches of 32)");
    for (unsigned i = 0; i < k; i++) cvm_packet_free(got[i]);

    /* Flood: more frames than buffers. */
    unsigned taken = 0, offered = 0;
    uint8_t f[64];
    memset(f, 0x11, sizeof f);
    while (offered < 400) {
        offered++;
        if (fake_receive(d0, f, sizeof f) != 1) break;
        taken++;
    }
    check(taken == 120, "a full ring takes 120 more frames (128 posted, 8 in use), then the device must wait");
    unsigned notif_before = d0->notifies[0], total = 0;
    k = rx0->ops->rx_burst(rx0, got, 64);
    total += k;
    for (unsigned i = 0; i < k; i++) cvm_packet_free(got[i]);
    check(k == 64 && d0->notifies[0] == notif_before + 1 && nic0->rx_nfree == 0, "a burst of 64, then one refill of 72 with one notification");
    set_used_flags(d0, 0, VIRTQ_USED_F_NO_NOTIFY);
    for (;;) {                   /* the device goes on; it does not want notifications now */
        while (taken < 1000 && fake_receive(d0, f, sizeof f) == 1) taken++;
        k = rx0->ops->rx_burst(rx0, got, 64);
        total += k;
        for (unsigned i = 0; i < k; i++) cvm_packet_free(got[i]);
        if (!k && taken >= 1000) break;
    }
    check(d0->notifies[0] == notif_before + 1, "NO_NOTIFY in used->flags: refills do not notify");
    check(total == taken && nic0->stats.rx_frames == taken + 4 && nic0->rx_drops == 4, "received = taken by the device - dropped");
    set_used_flags(d0, 0, 0);

    /* Transmit on NIC 1: a full ring takes what it has room for. */
    FakeDev *d1 = &devs[1];
    Packet *out[200];
    for (unsigned i = 0; i < 200; i++) out[i] = frame_packet(60 + i, (uint8_t)i);
    out[199]->len = 0;
    unsigned sent = tx1->ops->tx_burst(tx1, out, 200);
    check(sent == 128 && d1->notifies[1] == 1, "128 of 200 taken (ring full), one notification");
    static uint8_t wire[200 * 300];
    uint32_t lens[256];
    unsigned on_wire = fake_transmit(d1, wire, lens, 256);
    int tx_ok = on_wire == 128;
    size_t at = 0;
    for (unsigned i = 0; i < on_wire; i++) {
        Packet *ref = frame_packet(60 + i, (uint8_t)i);
        tx_ok &= lens[i] == 60 + i && !memcmp(wire + at, ref->data, lens[i]);
        cvm_packet_free(ref);
        at += lens[i];
    }
    check(tx_ok, "the device sent them in order, byte for byte, after an all-zero header");
    unsigned more = tx1->ops->tx_burst(tx1, out + sent, 200 - sent);
    check(more == 72 && d1->notifies[1] == 2, "the rest taken once the sent ones are reclaimed");
    on_wire = fake_transmit(d1, wire, lens, 256);
    check(on_wire == 72 && lens[71] == 0, "an empty packet goes out as an empty frame");
    set_used_flags(d1, 1, VIRTQ_USED_F_NO_NOTIFY);
    Packet *one = frame_packet(64, 1);
    check(tx1->ops->tx_burst(tx1, &one, 1) == 1 && d1->notifies[1] == 2, "NO_NOTIFY: transmit without notification");
    fake_transmit(d1, wire, lens, 256);
    set_used_flags(d1, 1, 0);

    /* Idle (io-wait.c): interrupts on for a halt, the rings looked at again, off after. */
    check(vnet_pending() == 1 && vnet_pending() == 0, "a sent frame to reclaim is work for the router, once (reclaimed then)");
    check(d0->interrupts == 0 && d1->interrupts == 0, "no interrupt while polling");
    d0->isr = 1;                 /* left up from an earlier halt */
    check(vnet_idle_arm() == 0, "armed with nothing waiting: the CPU may halt");
    check(d0->isr == 0 && nic0->rxq.mem->avail.flags == 0 && nic0->txq.mem->avail.flags == 0 && vnet_nic(1)->txq.mem->avail.flags == 0,
          "the device's interrupt acknowledged; the transmit queue of every open NIC interrupts, and the receive queue of NIC 0");
    check(vnet_nic(1)->rxq.mem->avail.flags == VIRTQ_AVAIL_F_NO_INTERRUPT, "NIC 1's receive queue does not: no FromDevice uses it");
    check(vnet_nic(2)->rxq.mem->avail.flags == VIRTQ_AVAIL_F_NO_INTERRUPT, "a NIC nobody opened is left alone");
    check(nic0->rx_nfree == 0, "every receive buffer posted for the halt");
    check(fake_receive(d0, f, sizeof f) == 1 && d0->interrupts == 1 && d0->isr == 1, "a frame arriving while armed interrupts");
    check(vnet_pending() == 1, "and is work");
    check(fake_receive(d1, f, sizeof f) == 1 && d1->interrupts == 0, "a frame on NIC 1 (transmit only) interrupts nobody");
    vnet_idle_disarm();
    check(nic0->rxq.mem->avail.flags == VIRTQ_AVAIL_F_NO_INTERRUPT && nic0->txq.mem->avail.flags == VIRTQ_AVAIL_F_NO_INTERRUPT &&
              vnet_nic(1)->txq.mem->avail.flags == VIRTQ_AVAIL_F_NO_INTERRUPT,
          "disarmed: interrupts suppressed again");
    check(fake_receive(d0, f, sizeof f) == 1 && d0->interrupts == 1, "a frame while polling does not interrupt");
    check(vnet_idle_arm() == 1 && d0->isr == 0, "armed with frames waiting: the re-check says do not halt");
    vnet_idle_disarm();
    k = rx0->ops->rx_burst(rx0, got, 64);
    check(k == 2 && vnet_pending() == 0, "both frames received; nothing left (the frame on NIC 1 is no work: nobody receives there)");
    for (unsigned i = 0; i < k; i++) cvm_packet_free(got[i]);
    check(nic0->rx_nfree == 2 && vnet_idle_arm() == 0 && nic0->rx_nfree == 0, "their buffers wait for a batch while polling; the next halt posts them");
    vnet_idle_disarm();

    /* A packet still on the ring at close: freed after the device reset. */
    Packet *last = frame_packet(64, 2);
    check(tx1->ops->tx_burst(tx1, &last, 1) == 1, "one more queued, never sent");
    cvm_device_close(tx1);
    check(devs[1].status == live && nic0->users == 2, "closing NIC 1 resets it and brings it up again");
    cvm_device_close(rx0);
    check(nic0->users == 1 && nic0->rx_nfree == 0, "NIC 0 stays up while \"eth0\" is open");
    cvm_device_close(rx0b);
    check(in_use() == base_in_use, "every packet back in the pool (receive buffers, sent and unsent frames)");
    check(strstr(console_text, "virtio-net: NIC 1: rx 0 frames, 0 dropped (0 runts, 0 oversized); tx 202 frames (1 never sent); notifications rx 1, tx 3") != NULL,
          "a console line per NIC at its last close: frames, drops, the frame never sent, notifications (3: two bursts and the one after NO_NOTIFY cleared)");
    check(devs[4].status == live && devs[4].q[0].ready && vnet_nic(0)->rx_nfree == vnet_nic(0)->rx_slots, "NIC 0 restarted, buffers posted only on the next open");
    CvmDevice *again = cvm_device_open("0", &err);
    check(again && fake_receive(d0, f, sizeof f) == 1 && again->ops->rx_burst(again, got, 64) == 1, "reopened NIC 0 receives");
    cvm_packet_free(got[0]);
    cvm_device_close(again);
    cvm_str_free(&err);
    vnet_shutdown();
    check(in_use() == base_in_use && devs[4].status == 0, "shutdown: devices reset, pool whole");
    check(register_errors == 0, "no register access out of protocol");
    if (failures) fputs(console_text, stdout);
    printf("1..%u\n", tests);
    if (failures) printf("# %u failed\n", failures);
    return failures ? 1 : 0;
}
