/* The AF_PACKET back-end (Linux): a real interface, opened by name, moved
 * through memory-mapped rings the kernel shares with us.
 *
 * Receive: a ring on its own socket, in one of two shapes (METHOD):
 * - LINUX: a TPACKET_V2 ring of fixed slots, one frame each. The kernel
 *   marks a slot ours as soon as its frame is in and wakes a waiting
 *   router, so a lone frame is handed over at once; rx_burst takes the
 *   ready slots in order, up to the burst, and gives each back as soon as
 *   it is copied out. Slots are sized to SNAPLEN.
 * - PCAP: a TPACKET_V3 ring of blocks of variable-size frames (what
 *   libpcap, and so Click's METHOD PCAP, reads). The kernel hands a whole
 *   block over when it is full or 1 ms after its first frame, so one block
 *   is one batch and small frames pack densely (the ring holds ~6x more
 *   minimum-size frames), but at a low rate a frame waits up to that
 *   millisecond: measured, a lone 64-byte frame took ~820 us more than
 *   with LINUX.
 * A classic BPF program attached to the socket cuts frames to SNAPLEN in
 * the kernel (a filter's return value is the length to keep) and, unless
 * OUTBOUND, refuses the frames the host itself sends on the interface, so
 * they never take ring space. The kernel's count of frames it could not
 * fit (PACKET_STATISTICS, tp_drops) is added to rx_drops. The socket is an
 * I/O source (io.h): an idle router waits in poll(2) on it.
 *
 * Transmit: a TPACKET_V2 ring on a second socket (the packet version is per
 * socket, and a transmit-only socket bound to protocol 0 receives nothing),
 * with PACKET_QDISC_BYPASS: frames go straight to the driver, which also
 * keeps them from the interface's packet taps, so a FromDevice never sees
 * its router's own ToDevice frames, OUTBOUND or not (as Click on Linux).
 * tx_burst copies frames into free slots and flushes them with one
 * sendto(MSG_DONTWAIT) per batch; a full ring takes fewer than asked and the
 * caller keeps the rest. It never blocks. While frames wait in the ring for
 * the kernel (a flush that hit a full queue), a descriptor-less I/O source
 * flushes them again, so none is left behind when no more packets come.
 *
 * The rings are made when an element says what it needs (CvmDevice.setup):
 * FromDevice the receive ring, ToDevice the transmit ring, so a transmit-only
 * device keeps no receive ring filling up behind the router's back.
 *
 * The frame-level calls (afp_rx_peek/afp_rx_take, afp_tx_frame, afp_tx_flush) serve
 * both this back-end's packet operations and the host engine's library
 * (afpacket-host.c), so the two engines share one implementation. */
#include "device.h"
#include "io.h"
#include "output.h"
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "device-afxdp.c"

/* Receive rings.
 * PCAP: 512 blocks of 32 KiB (16 MiB). Under a moderate rate a block goes
 * out part full (the 1 ms timeout): many small blocks keep the ring's
 * capacity in frames high at every rate (at 100k frames/s, ~100 frames a
 * block, ~50k frames in all). A block holds ~200 minimum-size frames or
 * ~20 full ones.
 * LINUX: 256 blocks of 128 KiB (32 MiB) cut into slots of SNAPLEN plus
 * the kernel's header: with the default SNAPLEN, 62 slots a block, 15,872
 * in all (several NIC receive rings' worth). */
#define AFP_RX_BLOCK_SIZE (1u << 15)
#define AFP_RX_BLOCKS 512u
#define AFP_RX_FRAME_SIZE 2048u
#define AFP_RX_RETIRE_MS 1u
#define AFP_RX_SLOT_BLOCK_SIZE (1u << 17)
#define AFP_RX_SLOT_BLOCKS 256u
/* Transmit ring: 1024 slots of 2 KiB (a full Ethernet frame each). */
#define AFP_TX_FRAME_SIZE 2048u
#define AFP_TX_FRAMES 1024u
#define AFP_TX_BLOCK_SIZE (1u << 16)
/* Where a frame's bytes start in a transmit slot (no PACKET_TX_HAS_OFF). */
#define AFP_TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
#define AFP_TX_MAX_LEN (AFP_TX_FRAME_SIZE - AFP_TX_DATA_OFF)

typedef struct AfpDevice {
    CvmDevice dev;
    char *name;
    int ifindex;
    int quiet;
    int noted_down;

    /* receive */
    int rx_fd;
    uint8_t *rx_ring;
    size_t rx_ring_len;
    int rx_blocks;               /* METHOD PCAP: a TPACKET_V3 ring of blocks; else TPACKET_V2 slots */
    unsigned rx_block;           /* PCAP: the block being read */
    uint8_t *rx_frame;           /* PCAP: next frame in it; NULL: block not taken yet */
    uint32_t rx_left;            /* PCAP: frames of the block not yet read */
    unsigned rx_slot;            /* LINUX: the next slot to read */
    unsigned rx_slots, rx_slot_size, rx_slots_per_block;
    uint32_t snaplen;
    int outbound;
    uint64_t rx_outgoing;        /* outgoing frames skipped in software (a kernel without the filter) */
    CvmIoSource rx_src;

    /* transmit */
    int tx_fd;
    uint8_t *tx_ring;
    size_t tx_ring_len;
    unsigned tx_head;            /* next slot to fill */
    unsigned tx_unflushed;       /* slots filled since the last successful flush */
    uint64_t tx_too_long;        /* frames longer than a slot, dropped */
    uint64_t tx_errors;          /* flushes the kernel refused */
    int tx_failing;              /* the last flush was refused for good (reported once per run of them) */
    CvmIoSource tx_src;
    int tx_src_added;

    /* METHOD XDP (device-afxdp.c): a side moved through the XDP socket */
    Xsk *xsk;
    uint8_t rx_xdp, tx_xdp;
} AfpDevice;

static int afp_enabled;

void cvm_afpdev_enable(int enable)
{
    afp_enabled = enable;
    cvm_device_backend(cvm_afpdev_open);
}

static AfpDevice *afp_of_rx(CvmIoSource *s) { return (AfpDevice *)((char *)s - offsetof(AfpDevice, rx_src)); }
static AfpDevice *afp_of_tx(CvmIoSource *s) { return (AfpDevice *)((char *)s - offsetof(AfpDevice, tx_src)); }

/* --- receive ------------------------------------------------------------ */

static struct tpacket_block_desc *afp_block(AfpDevice *a, unsigned i)
{
    return (struct tpacket_block_desc *)(a->rx_ring + (size_t)i * AFP_RX_BLOCK_SIZE);
}

static struct tpacket2_hdr *afp_rx_slot(AfpDevice *a, unsigned i)
{
    return (struct tpacket2_hdr *)(a->rx_ring + (size_t)(i / a->rx_slots_per_block) * AFP_RX_SLOT_BLOCK_SIZE +
                                   (size_t)(i % a->rx_slots_per_block) * a->rx_slot_size);
}

static int afp_rx_slot_ready(AfpDevice *a)
{
    return (__atomic_load_n(&afp_rx_slot(a, a->rx_slot)->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

/* LINUX: the slot read is the kernel's again. */
static void afp_rx_slot_release(AfpDevice *a)
{
    __atomic_store_n(&afp_rx_slot(a, a->rx_slot)->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    a->rx_slot = (a->rx_slot + 1) % a->rx_slots;
}

static int afp_block_ready(AfpDevice *a)
{
    if (a->rx_xdp) return xsk_rx_ready(a->xsk);
    if (!a->rx_ring) return 0;
    if (!a->rx_blocks) return afp_rx_slot_ready(a);
    if (a->rx_frame) return 1;
    return (__atomic_load_n(&afp_block(a, a->rx_block)->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

/* The kernel's drop count since the last call (reading it resets it). */
static void afp_refresh_drops(AfpDevice *a)
{
    if (a->rx_xdp) a->dev.rx_drops += xsk_new_drops(a->xsk);
    if (a->rx_fd < 0) return;
    struct tpacket_stats_v3 st;  /* a TPACKET_V2 socket fills the first two fields, the same */
    socklen_t len = sizeof st;
    if (getsockopt(a->rx_fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) a->dev.rx_drops += st.tp_drops;
}

/* Give the current block back to the kernel if every frame of it was read. */
static void afp_rx_release_done(AfpDevice *a)
{
    if (a->rx_xdp) {
        xsk_rx_release(a->xsk);   /* the batch's chunks back on the fill ring */
        return;
    }
    if (!a->rx_blocks || !a->rx_frame || a->rx_left) return;
    struct tpacket_block_desc *b = afp_block(a, a->rx_block);
    __atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    a->rx_block = (a->rx_block + 1) % AFP_RX_BLOCKS;
    a->rx_frame = NULL;
}

/* The next received frame of the ring, without taking it: its first `*len`
 * bytes at `*data` (already cut to SNAPLEN), valid until afp_rx_take.
 * 0: none waiting. */
static int afp_rx_peek(AfpDevice *a, const uint8_t **data, uint32_t *len)
{
    if (a->rx_xdp) {
        if (!xsk_rx_peek(a->xsk, data, len)) return 0;
        if (*len > a->snaplen) *len = a->snaplen;
        return 1;
    }
    while (!a->rx_blocks) {
        if (!a->rx_ring || !afp_rx_slot_ready(a)) return 0;
        const struct tpacket2_hdr *h = afp_rx_slot(a, a->rx_slot);
        const struct sockaddr_ll *sll = (const struct sockaddr_ll *)((const uint8_t *)h + TPACKET_ALIGN(sizeof *h));
        if (!a->outbound && sll->sll_pkttype == PACKET_OUTGOING) {   /* as below */
            a->rx_outgoing++;
            afp_rx_slot_release(a);
            continue;
        }
        *data = (const uint8_t *)h + h->tp_mac;
        *len = h->tp_snaplen < a->snaplen ? h->tp_snaplen : a->snaplen;
        return 1;
    }
    for (;;) {
        if (!a->rx_frame) {
            if (!afp_block_ready(a)) return 0;
            struct tpacket_block_desc *b = afp_block(a, a->rx_block);
            a->rx_left = b->hdr.bh1.num_pkts;
            a->rx_frame = (uint8_t *)b + b->hdr.bh1.offset_to_first_pkt;
        }
        if (a->rx_left == 0) {
            afp_rx_release_done(a);   /* the block is read: back to the kernel */
            continue;
        }
        const struct tpacket3_hdr *h = (const struct tpacket3_hdr *)a->rx_frame;
        const struct sockaddr_ll *sll = (const struct sockaddr_ll *)(a->rx_frame + TPACKET_ALIGN(sizeof *h));
        /* The filter already refuses outgoing frames; this catches any that
         * were queued before it was attached. */
        if (!a->outbound && sll->sll_pkttype == PACKET_OUTGOING) {
            a->rx_outgoing++;
            a->rx_frame += h->tp_next_offset;
            a->rx_left--;
            continue;
        }
        *data = a->rx_frame + h->tp_mac;
        *len = h->tp_snaplen < a->snaplen ? h->tp_snaplen : a->snaplen;
        return 1;
    }
}

/* Take the frame afp_rx_peek showed. */
static void afp_rx_take(AfpDevice *a)
{
    if (a->rx_xdp) {
        xsk_rx_take(a->xsk);
        return;
    }
    if (!a->rx_blocks) {
        afp_rx_slot_release(a);
        return;
    }
    a->rx_frame += ((const struct tpacket3_hdr *)a->rx_frame)->tp_next_offset;
    a->rx_left--;
}

/* A block whose last frame was taken goes back at once, not at the next call. */
static unsigned afp_rx_burst(CvmDevice *d, Packet **pkts, unsigned max)
{
    AfpDevice *a = (AfpDevice *)d;
    unsigned n = 0;
    const uint8_t *data;
    uint32_t len;
    while (n < max && afp_rx_peek(a, &data, &len)) {
        Packet *p = cvm_packet_make(data, len);
        afp_rx_take(a);
        if (!p) {                /* out of packet memory: the frame is lost, as a NIC would lose it */
            d->rx_drops++;
            continue;
        }
        pkts[n++] = p;
    }
    afp_rx_release_done(a);
    return n;
}

static int afp_rx_poll(CvmIoSource *s)
{
    AfpDevice *a = afp_of_rx(s);
    afp_refresh_drops(a);
    if (afp_block_ready(a)) return 1;
    /* Nothing to read: a pending socket error? (ENETDOWN once the interface
     * is deleted.) Reading it clears it; left, it keeps the descriptor
     * ready and every wait of the run loop returns at once: a busy loop.
     * The FromDevice says it once. */
    int e = 0;
    socklen_t len = sizeof e;
    if (getsockopt(a->rx_fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e) a->dev.rx_error = e;
    return 0;
}

/* The socket filter: frames the host sends out of the interface are
 * refused (unless OUTBOUND); the others are kept up to SNAPLEN bytes. */
static int afp_attach_filter(AfpDevice *a, CvmStr *err)
{
    struct sock_filter prog[4];
    unsigned short n = 0;
    if (!a->outbound) {
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE));
        prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1);
        prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
    }
    prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, a->snaplen);
    struct sock_fprog fp = { n, prog };
    if (setsockopt(a->rx_fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp) == 0) return 0;
    cvm_str_printf(err, "%s: cannot attach the receive filter: %s", a->name, strerror(errno));
    return -1;
}

/* The XDP socket of the device, made by whichever side asks first. */
static int afp_xsk(AfpDevice *a, CvmStr *err)
{
    if (!a->xsk) a->xsk = xsk_open(a->name, a->ifindex, err);
    return a->xsk ? 0 : -1;
}

static int afp_xdp_rx_setup(AfpDevice *a, const CvmDeviceParams *p, CvmStr *err)
{
    if (p->outbound) {
        cvm_str_printf(err, "%s: METHOD XDP cannot see the frames the host sends (OUTBOUND true needs METHOD LINUX)", a->name);
        return -1;
    }
    a->snaplen = p->snaplen ? p->snaplen : 2046;
    if (afp_xsk(a, err) < 0 || xsk_attach_rx(a->xsk, a->name, a->ifindex, p->promisc, err) < 0) return -1;
    a->rx_xdp = 1;
    xsk_new_drops(a->xsk);       /* start counting from here */
    a->dev.rx_drops = 0;
    a->rx_src = (CvmIoSource){ .poll = afp_rx_poll, .fd = a->xsk->fd, .live = 1 };
    cvm_io_add(&a->rx_src);
    return 0;
}

static int afp_rx_setup(AfpDevice *a, const CvmDeviceParams *p, CvmStr *err)
{
    if (a->rx_fd >= 0 || a->rx_xdp) {   /* a second FromDevice on the device shares the ring */
        int have = a->rx_xdp ? CVM_DEV_METHOD_XDP : a->rx_blocks ? CVM_DEV_METHOD_BLOCKS : CVM_DEV_METHOD_RING;
        if (p->method == have) return 0;
        cvm_str_printf(err, "%s: another FromDevice receives from it with a different METHOD", a->name);
        return -1;
    }
    if (p->method == CVM_DEV_METHOD_XDP) return afp_xdp_rx_setup(a, p, err);
    a->snaplen = p->snaplen ? p->snaplen : 2046;
    a->outbound = p->outbound;
    /* Protocol 0 until the ring and the filter are in place: nothing is
     * queued to the socket before bind names the interface. */
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        cvm_str_printf(err, "%s: AF_PACKET socket: %s%s", a->name, strerror(errno), errno == EPERM ? " (needs root or CAP_NET_RAW)" : "");
        return -1;
    }
    a->rx_fd = fd;
    a->rx_blocks = p->method == CVM_DEV_METHOD_BLOCKS;
    int v = a->rx_blocks ? TPACKET_V3 : TPACKET_V2;
    struct tpacket_req3 req;
    memset(&req, 0, sizeof req);
    if (a->rx_blocks) {
        req.tp_block_size = AFP_RX_BLOCK_SIZE;
        req.tp_block_nr = AFP_RX_BLOCKS;
        req.tp_frame_size = AFP_RX_FRAME_SIZE;
        req.tp_frame_nr = AFP_RX_BLOCKS * (AFP_RX_BLOCK_SIZE / AFP_RX_FRAME_SIZE);
        req.tp_retire_blk_tov = AFP_RX_RETIRE_MS;
        a->rx_ring_len = (size_t)AFP_RX_BLOCK_SIZE * AFP_RX_BLOCKS;
    } else {
        /* The kernel puts the MAC header where the network header lands on
         * a 16-byte boundary past its slot header (with at least 16 bytes
         * for the MAC header): SNAPLEN bytes from there must fit the slot. */
        size_t mac = TPACKET_ALIGN(TPACKET2_HDRLEN + 16) - ETH_HLEN;
        a->rx_slot_size = (unsigned)TPACKET_ALIGN(mac + a->snaplen);
        if (a->rx_slot_size > AFP_RX_SLOT_BLOCK_SIZE) a->rx_slot_size = AFP_RX_SLOT_BLOCK_SIZE;
        a->rx_slots_per_block = AFP_RX_SLOT_BLOCK_SIZE / a->rx_slot_size;
        a->rx_slots = a->rx_slots_per_block * AFP_RX_SLOT_BLOCKS;
        req.tp_block_size = AFP_RX_SLOT_BLOCK_SIZE;
        req.tp_block_nr = AFP_RX_SLOT_BLOCKS;
        req.tp_frame_size = a->rx_slot_size;
        req.tp_frame_nr = a->rx_slots;
        a->rx_ring_len = (size_t)AFP_RX_SLOT_BLOCK_SIZE * AFP_RX_SLOT_BLOCKS;
    }
    const char *what = "PACKET_VERSION";
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0) goto fail;
    what = "PACKET_RX_RING";
    /* A TPACKET_V2 ring takes the first four fields (struct tpacket_req). */
    if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, a->rx_blocks ? sizeof req : sizeof(struct tpacket_req)) < 0) goto fail;
    what = "mmap of the receive ring";
    void *ring = mmap(NULL, a->rx_ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0);
    if (ring == MAP_FAILED) ring = mmap(NULL, a->rx_ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ring == MAP_FAILED) goto fail;
    a->rx_ring = ring;
    if (afp_attach_filter(a, err) < 0) return -1;
    if (p->promisc) {
        struct packet_mreq mr = { .mr_ifindex = a->ifindex, .mr_type = PACKET_MR_PROMISC };
        what = "PACKET_ADD_MEMBERSHIP (promiscuous mode)";
        if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) goto fail;
    }
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = a->ifindex };
    what = "bind";
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) goto fail;
    afp_refresh_drops(a);        /* start counting from here */
    a->dev.rx_drops = 0;
    a->rx_src = (CvmIoSource){ .poll = afp_rx_poll, .fd = fd, .live = 1 };
    cvm_io_add(&a->rx_src);
    return 0;
fail:
    cvm_str_printf(err, "%s: %s: %s", a->name, what, strerror(errno));
    return -1;
}

/* --- transmit ----------------------------------------------------------- */

static struct tpacket2_hdr *afp_slot(AfpDevice *a, unsigned i)
{
    return (struct tpacket2_hdr *)(a->tx_ring + (size_t)i * AFP_TX_FRAME_SIZE);
}

static int afp_slot_free(struct tpacket2_hdr *h)
{
    uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
    /* WRONG_FORMAT: a frame the kernel refused (PACKET_LOSS off); the slot is ours again. */
    return st == TP_STATUS_AVAILABLE || st == TP_STATUS_WRONG_FORMAT;
}

/* The kernel refused the waiting frames for good (the interface was
 * deleted: ENXIO; it is down: ENETDOWN): they are dropped and counted in
 * tx_drops, and the failure is left for the ToDevice to say, once until a
 * send works again. Retrying would be a busy loop that never ends (the
 * ring's source keeps the run alive), with the frames lost uncounted. The
 * kernel's ring position is the oldest frame it did not take, so ours goes
 * back there: the next frames fill the slots it will look at first. */
static void afp_tx_lose(AfpDevice *a, int err)
{
    unsigned oldest = AFP_TX_FRAMES;
    for (unsigned k = 0; k < AFP_TX_FRAMES; k++) {
        unsigned i = (a->tx_head + k) % AFP_TX_FRAMES;
        struct tpacket2_hdr *h = afp_slot(a, i);
        if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_SEND_REQUEST) continue;
        if (oldest == AFP_TX_FRAMES) oldest = i;
        __atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
        a->dev.tx_drops++;
    }
    if (oldest != AFP_TX_FRAMES) a->tx_head = oldest;
    a->tx_unflushed = 0;
    if (!a->tx_failing) a->dev.tx_error = err;
    a->tx_failing = 1;
}

/* Hand the filled slots to the kernel. 0 if it took them (or refused them
 * for good: afp_tx_lose), -1 if they stay queued (a full device queue: try
 * again later). */
static int afp_tx_flush(AfpDevice *a)
{
    if (a->tx_xdp) return xsk_tx_kick(a->xsk) ? -1 : 0;
    if (a->tx_fd < 0 || a->tx_unflushed == 0) return 0;
    if (sendto(a->tx_fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
        a->tx_errors++;
        if (errno == EINTR) return -1;
        afp_tx_lose(a, errno);
        return 0;
    }
    a->tx_failing = 0;
    /* sendto returns once the kernel has started every queued slot; a slot
     * still marked SEND_REQUEST was not taken. */
    unsigned last = (a->tx_head + AFP_TX_FRAMES - 1) % AFP_TX_FRAMES;
    if (__atomic_load_n(&afp_slot(a, last)->tp_status, __ATOMIC_ACQUIRE) == TP_STATUS_SEND_REQUEST) return -1;
    a->tx_unflushed = 0;
    return 0;
}

/* Copy one frame into the next slot. 1: taken (a frame too long for a slot
 * is taken and dropped, counted in tx_too_long); 0: the ring is full. */
static int afp_tx_frame(AfpDevice *a, const uint8_t *data, uint32_t len)
{
    if (a->tx_xdp) return xsk_tx_frame(a->xsk, data, len);
    struct tpacket2_hdr *h = afp_slot(a, a->tx_head);
    if (!afp_slot_free(h)) return 0;
    if (len > AFP_TX_MAX_LEN) {
        a->tx_too_long++;
        return 1;
    }
    memcpy((uint8_t *)h + AFP_TX_DATA_OFF, data, len);
    h->tp_len = len;
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    a->tx_head = (a->tx_head + 1) % AFP_TX_FRAMES;
    a->tx_unflushed++;
    return 1;
}

/* Frames wait in the ring for the kernel, or there is no room for one more. */
static int afp_tx_waiting(AfpDevice *a)
{
    if (a->tx_xdp) return a->xsk->tx_pending || a->xsk->n_free == 0;
    return a->tx_unflushed || !afp_slot_free(afp_slot(a, a->tx_head));
}

/* While frames wait in the ring for the kernel, or the ring is full, the run
 * loop comes back here (every millisecond when idle: the source has no
 * descriptor) and flushes again; it is live, so a run does not end with a
 * ToDevice still holding packets back. Once everything is flushed and there
 * is room, it says so (the ToDevice can go on) and goes away. */
static int afp_tx_poll(CvmIoSource *s)
{
    AfpDevice *a = afp_of_tx(s);
    afp_tx_flush(a);
    if (afp_tx_waiting(a)) return 0;
    cvm_io_remove(s);
    a->tx_src_added = 0;
    return 1;
}

/* After a batch: flush, and if frames are left in the ring (or the ring is
 * full), let the run loop come back to it. */
static void afp_tx_done(AfpDevice *a, int ring_full)
{
    afp_tx_flush(a);
    if ((a->tx_unflushed || (a->tx_xdp && a->xsk->tx_pending) || ring_full) && !a->tx_src_added) {
        a->tx_src = (CvmIoSource){ .poll = afp_tx_poll, .fd = -1, .live = 1 };
        cvm_io_add(&a->tx_src);
        a->tx_src_added = 1;
    }
}

static unsigned afp_tx_burst(CvmDevice *d, Packet **pkts, unsigned n)
{
    AfpDevice *a = (AfpDevice *)d;
    if (!a->tx_ring && !a->tx_xdp) return 0;
    unsigned k = 0;
    while (k < n && afp_tx_frame(a, pkts[k]->data, pkts[k]->len)) cvm_packet_free(pkts[k++]);
    afp_tx_done(a, k < n);
    return k;
}

static int afp_tx_setup(AfpDevice *a, const CvmDeviceParams *p, CvmStr *err)
{
    if (a->tx_fd >= 0 || a->tx_xdp) {
        if ((p->method == CVM_DEV_METHOD_XDP) == a->tx_xdp) return 0;
        cvm_str_printf(err, "%s: another ToDevice sends on it with a different METHOD", a->name);
        return -1;
    }
    if (p->method == CVM_DEV_METHOD_XDP) {
        if (afp_xsk(a, err) < 0) return -1;
        a->tx_xdp = 1;
        return 0;
    }
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        cvm_str_printf(err, "%s: AF_PACKET socket: %s%s", a->name, strerror(errno), errno == EPERM ? " (needs root or CAP_NET_RAW)" : "");
        return -1;
    }
    a->tx_fd = fd;
    int v = TPACKET_V2, one = 1;
    struct tpacket_req req = {
        .tp_block_size = AFP_TX_BLOCK_SIZE,
        .tp_block_nr = AFP_TX_FRAMES / (AFP_TX_BLOCK_SIZE / AFP_TX_FRAME_SIZE),
        .tp_frame_size = AFP_TX_FRAME_SIZE,
        .tp_frame_nr = AFP_TX_FRAMES,
    };
    const char *what = "PACKET_VERSION";
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0) goto fail;
    /* A frame the kernel refuses (shorter than an Ethernet header, longer
     * than the MTU) is dropped instead of stopping the ring. */
    what = "PACKET_LOSS";
    if (setsockopt(fd, SOL_PACKET, PACKET_LOSS, &one, sizeof one) < 0) goto fail;
    /* Straight to the driver: the ring already is our queue. Older kernels lack it. */
    (void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    what = "PACKET_TX_RING";
    if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) < 0) goto fail;
    a->tx_ring_len = (size_t)AFP_TX_FRAMES * AFP_TX_FRAME_SIZE;
    what = "mmap of the transmit ring";
    void *ring = mmap(NULL, a->tx_ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ring == MAP_FAILED) goto fail;
    a->tx_ring = ring;
    /* Protocol 0: this socket sends and never receives. */
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = 0, .sll_ifindex = a->ifindex };
    what = "bind";
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) goto fail;
    return 0;
fail:
    cvm_str_printf(err, "%s: %s: %s", a->name, what, strerror(errno));
    return -1;
}

/* --- the device --------------------------------------------------------- */

/* Click's device elements say when their interface is down (QUIET: they
 * do not); frames sent meanwhile are lost, received ones just do not come. */
static void afp_note_down(AfpDevice *a, int fd, const char *element)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, a->name, IFNAMSIZ - 1);
    if (a->quiet || a->noted_down || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 || (ifr.ifr_flags & IFF_UP)) return;
    a->noted_down = 1;
    cvm_chatter(element ? element : a->name, "%s: interface is down", a->name);
}

/* A socket of the device, for interface ioctls. */
static int afp_any_fd(AfpDevice *a)
{
    return a->rx_fd >= 0 ? a->rx_fd : a->tx_fd >= 0 ? a->tx_fd : a->xsk ? a->xsk->fd : -1;
}

static int afp_setup(CvmDevice *d, const CvmDeviceParams *p, CvmStr *err)
{
    AfpDevice *a = (AfpDevice *)d;
    if (p->quiet) a->quiet = 1;
    int r = p->receive ? afp_rx_setup(a, p, err) : afp_tx_setup(a, p, err);
    if (r == 0) afp_note_down(a, afp_any_fd(a), p->element);
    return r;
}

static void afp_free(AfpDevice *a)
{
    if (a->rx_xdp) cvm_io_remove(&a->rx_src);
    if (a->tx_xdp) {
        /* Frames already on the transmit ring go out before the socket closes. */
        for (int tries = 0; tries < 200 && afp_tx_flush(a) < 0; tries++) {
            struct timespec ts = { 0, 100000 };
            nanosleep(&ts, NULL);
        }
        if (a->tx_src_added) cvm_io_remove(&a->tx_src);
        a->tx_src_added = 0;
    }
    xsk_free(a->xsk);
    if (a->rx_fd >= 0) {
        cvm_io_remove(&a->rx_src);
        if (a->rx_ring) munmap(a->rx_ring, a->rx_ring_len);
        close(a->rx_fd);
    }
    if (a->tx_fd >= 0) {
        /* Frames already in the ring go out before the socket closes. */
        for (int tries = 0; tries < 100 && a->tx_unflushed && afp_tx_flush(a) < 0; tries++) {
            struct timespec ts = { 0, 100000 };
            nanosleep(&ts, NULL);
        }
        if (a->tx_src_added) cvm_io_remove(&a->tx_src);
        if (a->tx_ring) munmap(a->tx_ring, a->tx_ring_len);
        close(a->tx_fd);
    }
    free(a->name);
    free(a);
}

static void afp_close(CvmDevice *d) { afp_free((AfpDevice *)d); }

static const CvmDeviceOps afp_ops = { afp_rx_burst, afp_tx_burst, afp_close };

/* A device for the interface `name`, rings not yet made; NULL with nothing
 * in err if there is no such interface. */
static AfpDevice *afp_new(const char *name, CvmStr *err)
{
    unsigned idx = if_nametoindex(name);
    if (idx == 0) return NULL;
    AfpDevice *a = calloc(1, sizeof *a);
    char *copy = strdup(name);
    if (!a || !copy) {
        free(a);
        free(copy);
        cvm_str_printf(err, "%s: out of memory", name);
        return NULL;
    }
    a->name = copy;
    a->ifindex = (int)idx;
    a->rx_fd = a->tx_fd = -1;
    a->snaplen = 2046;
    a->dev.ops = &afp_ops;
    a->dev.setup = afp_setup;
    a->dev.name = copy;
    return a;
}

/* The opener: interface names the kernel knows. Names it does not know
 * ("0", "eth1" inside the VM) are left to the other back-ends. */
CvmDevice *cvm_afpdev_open(const char *name, CvmStr *err)
{
    if (!afp_enabled) return NULL;
    AfpDevice *a = afp_new(name, err);
    return a ? &a->dev : NULL;
}
