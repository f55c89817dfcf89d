/* virtio-net (virtio 1.x 5.1) on the virtio-mmio transport: receive queue 0
 * and transmit queue 1, polled, one notification per batch. See
 * virtio-net.h for the buffer layout. */
#include "virtio-net.h"
#include "io.h"
#include "vm-image/platform.h"
#include "kernel.h"
#include <stdio.h>
#include <string.h>

/* Every image links this file, also the program images of
 * vm-image/build.ts's buildProgramImage (a C file with its own main and no
 * dataplane runtime). Those have no device table and no packet pool, so the
 * runtime's functions are weak references here: without them the NICs are
 * left alone (vm_devices_init checks cvm_device_backend). */
#pragma weak cvm_device_backend
#pragma weak cvm_packet_alloc
#pragma weak cvm_packet_release_slow
#pragma weak cvm_pool_note_private
#pragma weak cvm_str_printf
#pragma weak cvm_io_add
#pragma weak cvm_io_remove

_Static_assert(CVM_HEADROOM >= VNET_HDR_LEN, "the virtio_net_hdr goes in a received packet's headroom");
_Static_assert(VNET_RX_FRAME_MAX + CVM_HEADROOM <= CVM_BUF_SIZE, "a receive buffer is a pooled buffer");

enum { RXQ = 0, TXQ = 1 };

static VnetNic nics[VNET_MAX_NICS];
static unsigned nnics;
/* Two queues per NIC, page-aligned, in the image's zeroed memory: the
 * identity map makes their addresses the physical ones the device needs. */
static VirtqMem queue_mem[VNET_MAX_NICS][2];
/* Where the part of a frame beyond a receive buffer goes. Shared by every
 * receive buffer of every NIC: its contents are never read, only the
 * length the device reports. */
static uint8_t rx_overflow[VNET_OVERFLOW_LEN] __attribute__((aligned(4096)));
/* The header of every transmitted frame: no checksum offload, no GSO. */
static const uint8_t tx_header[VNET_HDR_LEN] __attribute__((aligned(16)));

/* Console lines are built by hand: vm_devices_init runs before
 * __libc_start_main, when musl's stdio (and its thread pointer) is not set
 * up yet. */
typedef struct Line {
    char s[192];
    size_t n;
} Line;

static void put_str(Line *l, const char *s)
{
    while (*s && l->n < sizeof l->s) l->s[l->n++] = *s++;
}

static void put_num(Line *l, uint64_t v, unsigned base, unsigned width)
{
    char tmp[24];
    unsigned k = 0;
    do {
        tmp[k++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v || k < width);
    while (k && l->n < sizeof l->s) l->s[l->n++] = tmp[--k];
}

static void put_dec(Line *l, uint64_t v) { put_num(l, v, 10, 1); }
static void put_addr(Line *l, uintptr_t a)
{
    put_str(l, "0x");
    put_num(l, a, 16, 1);
}
static void line_end(Line *l)
{
    put_str(l, "\n");
    vm_console_write(l->s, l->n);
}

/* After main has started: what the program has buffered on stdout goes
 * out first, so the console keeps the order things happened in. */
static void line_end_in_program(Line *l)
{
    fflush(stdout);
    line_end(l);
}

static void set_drops(VnetNic *nic)
{
    /* Both names show the NIC's count (FromDevice's kernel_drops). */
    nic->ports[0].dev.rx_drops = nic->ports[1].dev.rx_drops = nic->rx_drops;
}

/* ---- receive ---- */

/* Post buffers in every empty slot, one notification for the lot. Runs
 * only when a batch is due (or nothing is posted), so the device is
 * notified at most once per VNET_RX_BATCH frames received. */
static void rx_refill(VnetNic *nic, int force)
{
    unsigned want = nic->rx_slots < VNET_RX_BATCH ? nic->rx_slots : VNET_RX_BATCH;
    if (nic->rx_nfree == 0 || (!force && nic->rx_nfree < want && nic->rx_nfree < nic->rx_slots)) return;
    Virtq *q = &nic->rxq;
    uint16_t k = 0;
    while (nic->rx_nfree > 0) {
        Packet *p = cvm_packet_alloc(VNET_RX_FRAME_MAX, CVM_HEADROOM, 0);
        if (!p) break;           /* out of memory: post what we have, retry next time */
        unsigned slot = nic->rx_free[--nic->rx_nfree];
        nic->rx_pkt[slot] = p;
        cvm_pool_note_private(1);   /* the device's until it comes back filled (packet.h) */
        VirtqDesc *d = &q->mem->desc[2 * slot];
        d->addr = (uintptr_t)(p->data - VNET_HDR_LEN);
        d->len = VNET_HDR_LEN + VNET_RX_FRAME_MAX;
        /* d->flags, d->next and the overflow descriptor are fixed at setup. */
        q->mem->avail.ring[(uint16_t)(q->avail_idx + k) % q->size] = (uint16_t)(2 * slot);
        k++;
    }
    if (virtq_publish(&nic->mmio, q, k)) nic->stats.rx_notifies++;
}

static unsigned vnet_rx_burst(CvmDevice *d, Packet **pkts, unsigned max)
{
    VnetNic *nic = ((VnetPort *)d)->nic;
    Virtq *q = &nic->rxq;
    unsigned n = 0;
    uint16_t pending = virtq_used_pending(q);
    while (n < max && pending > 0) {
        pending--;
        VirtqUsedElem e = virtq_used_take(q);
        unsigned slot = e.id / 2;
        if (slot >= nic->rx_slots || !nic->rx_pkt[slot]) continue;   /* not a head we posted: a broken device */
        Packet *p = nic->rx_pkt[slot];
        nic->rx_pkt[slot] = NULL;
        cvm_pool_note_private(-1);
        nic->rx_free[nic->rx_nfree++] = (uint16_t)slot;
        uint32_t len = e.len > VNET_HDR_LEN ? e.len - VNET_HDR_LEN : 0;
        if (len < VNET_ETHER_MIN || len > VNET_RX_FRAME_MAX) {
            if (len < VNET_ETHER_MIN) nic->stats.rx_runts++;
            else nic->stats.rx_oversize++;
            nic->rx_drops++;
            cvm_packet_free(p);
            continue;
        }
        /* Headroom reads as zero in a fresh packet (packet.c); the device
         * wrote its header there. */
        memset(p->data - VNET_HDR_LEN, 0, VNET_HDR_LEN);
        p->len = len;
        p->buf->size = CVM_HEADROOM + len;   /* as cvm_packet_make sizes it: no tailroom */
        pkts[n++] = p;
    }
    nic->stats.rx_frames += n;
    set_drops(nic);
    rx_refill(nic, 0);
    return n;
}

/* ---- transmit ---- */

static void tx_reclaim(VnetNic *nic)
{
    Virtq *q = &nic->txq;
    for (uint16_t pending = virtq_used_pending(q); pending > 0; pending--) {
        VirtqUsedElem e = virtq_used_take(q);
        unsigned slot = e.id / 2;
        if (slot >= nic->tx_slots || !nic->tx_pkt[slot]) continue;
        cvm_packet_free(nic->tx_pkt[slot]);
        cvm_pool_note_private(-1);
        nic->tx_pkt[slot] = NULL;
        nic->tx_free[nic->tx_nfree++] = (uint16_t)slot;
    }
}

static unsigned vnet_tx_burst(CvmDevice *d, Packet **pkts, unsigned n)
{
    VnetNic *nic = ((VnetPort *)d)->nic;
    Virtq *q = &nic->txq;
    tx_reclaim(nic);
    uint16_t k = 0;
    while (k < n && nic->tx_nfree > 0) {
        Packet *p = pkts[k];
        unsigned slot = nic->tx_free[--nic->tx_nfree];
        nic->tx_pkt[slot] = p;
        cvm_pool_note_private(1);   /* sent: the device's until reclaimed */
        VirtqDesc *hd = &q->mem->desc[2 * slot], *dd = hd + 1;
        /* An empty packet is the header alone (a zero-length descriptor
         * would mean nothing to the device). */
        hd->flags = p->len ? VIRTQ_DESC_F_NEXT : 0;
        dd->addr = (uintptr_t)p->data;
        dd->len = p->len;
        q->mem->avail.ring[(uint16_t)(q->avail_idx + k) % q->size] = (uint16_t)(2 * slot);
        k++;
    }
    if (virtq_publish(&nic->mmio, q, k)) nic->stats.tx_notifies++;
    nic->stats.tx_frames += k;
    return k;
}

/* ---- idle: interrupts instead of polling ---- */

int vnet_pending(void)
{
    int any = 0;
    for (unsigned i = 0; i < nnics; i++) {
        VnetNic *nic = &nics[i];
        if (nic->users <= 0) continue;
        /* Frames on a NIC only a ToDevice uses wait for nobody (QEMU stops
         * at a full ring): they are not work. */
        if (nic->receivers > 0 && virtq_used_pending(&nic->rxq)) any = 1;
        if (virtq_used_pending(&nic->txq)) {
            tx_reclaim(nic);
            any = 1;
        }
    }
    return any;
}

static void set_interrupts(VnetNic *nic, int on)
{
    uint16_t flags = on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
    if (nic->receivers > 0) __atomic_store_n(&nic->rxq.mem->avail.flags, flags, __ATOMIC_RELAXED);
    __atomic_store_n(&nic->txq.mem->avail.flags, flags, __ATOMIC_RELAXED);
}

int vnet_idle_arm(void)
{
    for (unsigned i = 0; i < nnics; i++) {
        VnetNic *nic = &nics[i];
        if (nic->users <= 0) continue;
        /* The whole ring for the device while the CPU sleeps (a refill is
         * otherwise due only a batch at a time). */
        if (nic->receivers > 0) rx_refill(nic, 1);
        /* Acknowledged before interrupts go on: a used buffer from now on
         * raises the line again, so its edge reaches the I/O APIC. */
        uint32_t isr = vmmio_get(&nic->mmio, VMMIO_INTERRUPT_STATUS);
        if (isr) vmmio_set(&nic->mmio, VMMIO_INTERRUPT_ACK, isr);
        set_interrupts(nic, 1);
        nic->stats.idle_arms++;
    }
    /* The flags stored before the used indexes are read (store-load: a
     * full fence). The device writes an index, then reads the flag; so
     * either this look sees the buffer or the device sees interrupts on. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return vnet_pending();
}

void vnet_idle_disarm(void)
{
    for (unsigned i = 0; i < nnics; i++)
        if (nics[i].users > 0) set_interrupts(&nics[i], 0);
}

/* The run loop's view of the NICs (io.h): one live source for all of them,
 * there while any NIC has a FromDevice, as an AF_PACKET device is on the
 * host. A router that receives keeps running when idle, waiting for frames
 * (in cvm_io_wait, which watches the rings and halts), instead of ending
 * or sleeping through them until its next timer. */
static int vnet_io_poll(CvmIoSource *s)
{
    (void)s;
    return vnet_pending();
}

static CvmIoSource rx_source = { .poll = vnet_io_poll, .fd = -1, .live = 1 };

static int vnet_setup(CvmDevice *d, const CvmDeviceParams *p, CvmStr *err)
{
    (void)err;
    VnetPort *port = (VnetPort *)d;
    if (!p->receive || port->receiving) return 0;
    port->receiving = 1;
    port->nic->receivers++;
    if (cvm_io_add) cvm_io_add(&rx_source);
    return 0;
}

/* ---- bring-up and shutdown ---- */

static int nic_queues(VnetNic *nic, const char **err)
{
    if (vmmio_queue_setup(&nic->mmio, &nic->rxq, RXQ, nic->rx_mem, VIRTQ_MAX, err) < 0) return -1;
    if (vmmio_queue_setup(&nic->mmio, &nic->txq, TXQ, nic->tx_mem, VIRTQ_MAX, err) < 0) return -1;
    if (nic->rxq.size < 2 || nic->txq.size < 2) {
        *err = "queues too small (two descriptors per frame)";
        return -1;
    }
    nic->rx_slots = nic->rxq.size / 2u;
    nic->tx_slots = nic->txq.size / 2u;
    /* Descriptor pairs are fixed per slot: rx 2s (the pool buffer, refilled)
     * then 2s+1 (the overflow scratch); tx 2s (the header) then 2s+1 (the
     * frame). A used entry's id is the head, so slot = id / 2. */
    for (unsigned s = 0; s < nic->rx_slots; s++) {
        VirtqDesc *d = &nic->rxq.mem->desc[2 * s];
        d[0].flags = VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT;
        d[0].next = (uint16_t)(2 * s + 1);
        d[1].addr = (uintptr_t)rx_overflow;
        d[1].len = sizeof rx_overflow;
        d[1].flags = VIRTQ_DESC_F_WRITE;
        nic->rx_pkt[s] = NULL;
        nic->rx_free[s] = (uint16_t)(nic->rx_slots - 1 - s);
    }
    nic->rx_nfree = nic->rx_slots;
    for (unsigned s = 0; s < nic->tx_slots; s++) {
        VirtqDesc *d = &nic->txq.mem->desc[2 * s];
        d[0].addr = (uintptr_t)tx_header;
        d[0].len = VNET_HDR_LEN;
        d[0].next = (uint16_t)(2 * s + 1);
        nic->tx_pkt[s] = NULL;
        nic->tx_free[s] = (uint16_t)(nic->tx_slots - 1 - s);
    }
    nic->tx_nfree = nic->tx_slots;
    return vmmio_ready(&nic->mmio, err);
}

static int nic_bring_up(VnetNic *nic, const char **err)
{
    if (vmmio_begin(&nic->mmio, nic->base, VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC, VIRTIO_F_VERSION_1, err) < 0) return -1;
    nic->has_mac = (nic->mmio.features & VIRTIO_NET_F_MAC) != 0;
    if (nic->has_mac) {
        uint32_t gen;
        do {                      /* a config change during the read shows as a new generation */
            gen = vmmio_get(&nic->mmio, VMMIO_CONFIG_GENERATION);
            for (unsigned i = 0; i < 6; i++) nic->mac[i] = vmmio_config8(&nic->mmio, i);
        } while (gen != vmmio_get(&nic->mmio, VMMIO_CONFIG_GENERATION));
    }
    return nic_queues(nic, err);
}

/* Wait (briefly) for frames the device still has, then reset it and free
 * every packet it held, and bring it up again for a later open. */
static void nic_quiesce(VnetNic *nic)
{
    /* QEMU sends within microseconds, but its main loop may be starved on a
     * loaded host: give it a second before abandoning what is still queued. */
    int64_t until = vm_monotonic_ns() + 1000000000;
    while (nic->tx_nfree < nic->tx_slots && vm_monotonic_ns() < until) {
        tx_reclaim(nic);
        __builtin_ia32_pause();
    }
    vmmio_reset(&nic->mmio);
    for (unsigned s = 0; s < nic->rx_slots; s++)
        if (nic->rx_pkt[s]) {
            cvm_packet_free(nic->rx_pkt[s]);
            cvm_pool_note_private(-1);
        }
    for (unsigned s = 0; s < nic->tx_slots; s++)
        if (nic->tx_pkt[s]) {
            cvm_packet_free(nic->tx_pkt[s]);
            cvm_pool_note_private(-1);
            nic->stats.tx_abandoned++;
        }
    nic->rx_nfree = nic->tx_nfree = 0;
}

/* What a NIC did since boot: one console line at each last close
 * (the notification counts show the batching at work). */
static void nic_report(const VnetNic *nic)
{
    const VnetStats *s = &nic->stats;
    Line l = { .n = 0 };
    put_str(&l, "virtio-net: NIC ");
    put_dec(&l, nic->index);
    put_str(&l, ": rx ");
    put_dec(&l, s->rx_frames);
    put_str(&l, " frames, ");
    put_dec(&l, nic->rx_drops);
    put_str(&l, " dropped (");
    put_dec(&l, s->rx_runts);
    put_str(&l, " runts, ");
    put_dec(&l, s->rx_oversize);
    put_str(&l, " oversized); tx ");
    put_dec(&l, s->tx_frames);
    put_str(&l, " frames (");
    put_dec(&l, s->tx_abandoned);
    put_str(&l, " never sent); notifications rx ");
    put_dec(&l, s->rx_notifies);
    put_str(&l, ", tx ");
    put_dec(&l, s->tx_notifies);
    put_str(&l, "; idle halts armed ");
    put_dec(&l, s->idle_arms);
    line_end_in_program(&l);
}

static void vnet_close(CvmDevice *d)
{
    VnetPort *port = (VnetPort *)d;
    VnetNic *nic = port->nic;
    if (port->receiving) {
        port->receiving = 0;
        nic->receivers--;
        unsigned left = 0;
        for (unsigned i = 0; i < nnics; i++) left += nics[i].receivers;
        if (!left && cvm_io_remove) cvm_io_remove(&rx_source);
    }
    if (--nic->users > 0) return;
    nic_quiesce(nic);
    nic_report(nic);
    const char *err = NULL;
    if (nic_bring_up(nic, &err) < 0) {
        Line l = { .n = 0 };
        put_str(&l, "virtio-net: NIC ");
        put_dec(&l, nic->index);
        put_str(&l, ": restart failed: ");
        put_str(&l, err);
        line_end_in_program(&l);
    }
}

static const CvmDeviceOps vnet_ops = { vnet_rx_burst, vnet_tx_burst, vnet_close };

/* "N" or "ethN" with N in canonical decimal; -1 for any other name. */
static long nic_number(const char *name)
{
    const char *s = strncmp(name, "eth", 3) ? name : name + 3;
    if (!*s || (s[0] == '0' && s[1]) || strlen(s) > 6) return -1;
    long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

CvmDevice *vnet_open(const char *name, CvmStr *err)
{
    long n = nic_number(name);
    if (n < 0) return NULL;
    if ((unsigned long)n >= nnics) {
        cvm_str_printf(err, "%s: no NIC %ld in this VM (%u attached)", name, n, nnics);
        return NULL;
    }
    VnetNic *nic = &nics[n];
    VnetPort *port = &nic->ports[name[0] == 'e'];
    boot_mark("open");
    if (nic->users++ == 0) rx_refill(nic, 1);
    boot_mark("filled");
    port->dev.rx_drops = nic->rx_drops;
    return &port->dev;
}

/* Launcher MACs first, by their last byte; then the rest by address. */
static int nic_before(const VnetNic *a, const VnetNic *b)
{
    static const uint8_t prefix[5] = { 0x52, 0x54, 0x00, 0xc1, 0x0c };
    int la = a->has_mac && !memcmp(a->mac, prefix, 5), lb = b->has_mac && !memcmp(b->mac, prefix, 5);
    if (la != lb) return la;
    if (la && a->mac[5] != b->mac[5]) return a->mac[5] < b->mac[5];
    return a->base < b->base;
}

unsigned vnet_probe(uintptr_t base, unsigned nslots)
{
    const int64_t started = vm_monotonic_ns();
    nnics = 0;
    for (unsigned i = 0; i < nslots; i++) {
        uintptr_t at = base + (uintptr_t)i * VIRTIO_MMIO_STRIDE;
        uint32_t version = 0;
        int id = vmmio_probe(at, &version);
        if (id < 0) {
            if (version == 1) {
                Line l = { .n = 0 };
                put_str(&l, "virtio-mmio at ");
                put_addr(&l, at);
                put_str(&l, ": legacy transport (run QEMU with -global virtio-mmio.force-legacy=false)");
                line_end(&l);
            }
            continue;
        }
        if (id != VIRTIO_ID_NET) continue;
        if (nnics == VNET_MAX_NICS) {
            Line l = { .n = 0 };
            put_str(&l, "virtio-net at ");
            put_addr(&l, at);
            put_str(&l, ": ignored (at most ");
            put_dec(&l, VNET_MAX_NICS);
            put_str(&l, " NICs)");
            line_end(&l);
            continue;
        }
        VnetNic *nic = &nics[nnics];
        memset(nic, 0, sizeof *nic);
        nic->base = at;
        nic->rx_mem = &queue_mem[nnics][RXQ];
        nic->tx_mem = &queue_mem[nnics][TXQ];
        const char *err = NULL;
        if (nic_bring_up(nic, &err) < 0) {
            Line l = { .n = 0 };
            put_str(&l, "virtio-net at ");
            put_addr(&l, at);
            put_str(&l, ": ");
            put_str(&l, err);
            line_end(&l);
            continue;
        }
        nnics++;
    }
    /* Insertion sort (a handful of NICs); the queue memory moves with its
     * NIC's struct, which only points at it. */
    for (unsigned i = 1; i < nnics; i++)
        for (unsigned j = i; j > 0 && nic_before(&nics[j], &nics[j - 1]); j--) {
            VnetNic t = nics[j];
            nics[j] = nics[j - 1];
            nics[j - 1] = t;
        }
    for (unsigned i = 0; i < nnics; i++) {
        VnetNic *nic = &nics[i];
        nic->index = i;
        for (int k = 0; k < 2; k++) {
            VnetPort *p = &nic->ports[k];
            p->nic = nic;
            Line l = { .n = 0 };
            put_str(&l, k ? "eth" : "");
            put_dec(&l, i);
            memcpy(p->name, l.s, l.n);
            p->name[l.n] = 0;
            p->dev.ops = &vnet_ops;
            p->dev.setup = vnet_setup;
            p->dev.name = p->name;
        }
        Line l = { .n = 0 };
        put_str(&l, "virtio-net: NIC ");
        put_dec(&l, i);
        put_str(&l, " (eth");
        put_dec(&l, i);
        put_str(&l, ") mac ");
        for (int k = 0; k < 6; k++) {
            if (k) put_str(&l, ":");
            put_num(&l, nic->mac[k], 16, 2);
        }
        put_str(&l, " at ");
        put_addr(&l, nic->base);
        put_str(&l, ", rx queue ");
        put_dec(&l, nic->rxq.size);
        put_str(&l, ", tx queue ");
        put_dec(&l, nic->txq.size);
        put_str(&l, ", frames up to ");
        put_dec(&l, VNET_RX_FRAME_MAX);
        put_str(&l, " bytes");
        line_end(&l);
    }
    if (nnics) {
        /* Bring-up is part of the boot budget: say what it took. */
        Line l = { .n = 0 };
        put_str(&l, "virtio-net: ");
        put_dec(&l, nnics);
        put_str(&l, nnics == 1 ? " NIC up in " : " NICs up in ");
        put_dec(&l, (uint64_t)(vm_monotonic_ns() - started) / 1000);
        put_str(&l, " us");
        line_end(&l);
    }
    cvm_device_backend(vnet_open);
    return nnics;
}

unsigned vnet_count(void) { return nnics; }
VnetNic *vnet_nic(unsigned index) { return index < nnics ? &nics[index] : NULL; }

void vnet_shutdown(void)
{
    for (unsigned i = 0; i < nnics; i++) {
        nic_quiesce(&nics[i]);
        nics[i].users = nics[i].receivers = 0;
        nics[i].ports[0].receiving = nics[i].ports[1].receiving = 0;
    }
    if (cvm_io_remove) cvm_io_remove(&rx_source);
    nnics = 0;
}

/* The kernel's hook, run before main (vm-image/kernel). */
void vm_devices_init(void)
{
    if (cvm_device_backend) vnet_probe(VIRTIO_MMIO_BASE, VIRTIO_MMIO_SLOTS);
}
