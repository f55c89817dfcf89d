/* AF_XDP for the AF_PACKET back-end's devices (device-afpacket.c includes
 * this file): FromDevice/ToDevice with METHOD XDP move a side of their
 * interface through an XDP socket instead of a packet ring.
 *
 * Raw system calls, no libxdp/libbpf: what is needed is one socket, its four
 * rings and an eight-instruction XDP program, and doing it by hand keeps
 * every compiled router and the host engine's library free of run-time
 * dependencies whether a configuration uses AF_XDP or not.
 *
 * Copy mode (XDP_COPY) with the program attached in generic (SKB) mode, so
 * it works on any interface, veth included; the kernel copies each frame
 * into our memory (the UMEM) and we copy it once more into a pool packet.
 *
 * UMEM: XSK_FRAMES chunks of XSK_FRAME_SIZE bytes; the first half belongs to
 * receive (all of it handed to the kernel on the fill ring at start, each
 * chunk given back on the fill ring as soon as its frame is copied out, once
 * per batch), the second half to transmit (a stack of free chunks, refilled
 * from the completion ring before each batch).
 *
 * Receive: the program (xsk_prog) redirects every frame arriving on queue 0
 * to the socket through a one-entry XSKMAP; frames of other queues go on to
 * the kernel (XDP_PASS). The program is attached through a BPF link, so it
 * is detached when the link's descriptor closes: at close, and by the kernel
 * when the process ends, however it ends. The kernel's counters
 * (XDP_STATISTICS: rx_dropped, rx_ring_full) feed the device's rx_drops.
 *
 * Transmit: frames are copied into free chunks, described on the transmit
 * ring, and the kernel is kicked with one sendto(MSG_DONTWAIT) per batch (in
 * copy mode a kick sends at most 32 frames, so a larger batch takes one kick
 * per 32). Descriptors the kernel has not taken yet are kicked again from a
 * descriptor-less I/O source, as the packet ring's are. */
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <sys/syscall.h>

#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif

#define XSK_FRAME_SIZE 2048u
#define XSK_FRAMES 4096u
#define XSK_RX_FRAMES (XSK_FRAMES / 2)
#define XSK_RING 2048u        /* entries of each of the four rings */

typedef struct XskRing {
    uint32_t *producer, *consumer;
    void *desc;
    uint32_t cached_prod, cached_cons;   /* our side's index; the kernel's last seen */
    void *map;
    size_t map_len;
} XskRing;

typedef struct Xsk {
    int fd;
    int map_fd, prog_fd, link_fd;
    int promisc_fd;
    uint8_t *umem;
    XskRing fill, comp, rx, tx;
    uint64_t tx_free[XSK_FRAMES - XSK_RX_FRAMES];
    unsigned n_free;
    unsigned rx_taken;            /* frames taken since the last release */
    unsigned tx_pending;          /* descriptors the kernel has not taken yet (as last seen) */
    uint64_t seen_drops;          /* rx_dropped + rx_ring_full already counted */
    uint64_t tx_too_long;
} Xsk;

static long xsk_bpf(int cmd, union bpf_attr *attr) { return syscall(__NR_bpf, cmd, attr, sizeof *attr); }

static int xsk_map_ring(Xsk *x, XskRing *r, const struct xdp_ring_offset *off, size_t desc_size, off_t pgoff)
{
    r->map_len = off->desc + XSK_RING * desc_size;
    void *m = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, x->fd, pgoff);
    if (m == MAP_FAILED) {
        r->map = NULL;
        return -1;
    }
    r->map = m;
    r->producer = (uint32_t *)((uint8_t *)m + off->producer);
    r->consumer = (uint32_t *)((uint8_t *)m + off->consumer);
    r->desc = (uint8_t *)m + off->desc;
    r->cached_prod = *r->producer;
    r->cached_cons = *r->consumer;
    return 0;
}

static void xsk_free(Xsk *x)
{
    if (!x) return;
    if (x->link_fd >= 0) close(x->link_fd);   /* detaches the program */
    if (x->prog_fd >= 0) close(x->prog_fd);
    if (x->map_fd >= 0) close(x->map_fd);
    if (x->promisc_fd >= 0) close(x->promisc_fd);
    XskRing *rings[] = { &x->fill, &x->comp, &x->rx, &x->tx };
    for (unsigned i = 0; i < 4; i++)
        if (rings[i]->map) munmap(rings[i]->map, rings[i]->map_len);
    if (x->fd >= 0) close(x->fd);
    if (x->umem) munmap(x->umem, (size_t)XSK_FRAMES * XSK_FRAME_SIZE);
    free(x);
}

/* An XDP socket bound to queue 0 of `name` in copy mode, both rings made
 * (the rings of a socket cannot be added after bind); nothing is
 * redirected to it until xsk_attach_rx. NULL with the reason in err. */
static Xsk *xsk_open(const char *name, int ifindex, CvmStr *err)
{
    Xsk *x = calloc(1, sizeof *x);
    if (!x) {
        cvm_str_printf(err, "%s: AF_XDP: out of memory", name);
        return NULL;
    }
    x->map_fd = x->prog_fd = x->link_fd = x->promisc_fd = -1;
    x->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
    const char *what = "socket";
    if (x->fd < 0) {
        if (errno == EAFNOSUPPORT || errno == EINVAL)
            cvm_str_printf(err, "%s: METHOD XDP: this kernel has no AF_XDP sockets (CONFIG_XDP_SOCKETS): %s", name, strerror(errno));
        else
            cvm_str_printf(err, "%s: METHOD XDP: AF_XDP socket: %s%s", name, strerror(errno), errno == EPERM ? " (needs root or CAP_NET_RAW)" : "");
        free(x);
        return NULL;
    }
    size_t umem_len = (size_t)XSK_FRAMES * XSK_FRAME_SIZE;
    what = "UMEM memory";
    void *umem = mmap(NULL, umem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (umem == MAP_FAILED) goto fail;
    x->umem = umem;
    struct xdp_umem_reg reg = { .addr = (uint64_t)(uintptr_t)umem, .len = umem_len, .chunk_size = XSK_FRAME_SIZE, .headroom = 0 };
    what = "XDP_UMEM_REG";
    if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof reg) < 0) goto fail;
    int n = XSK_RING;
    what = "XDP_UMEM_FILL_RING";
    if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_FILL_RING, &n, sizeof n) < 0) goto fail;
    what = "XDP_UMEM_COMPLETION_RING";
    if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &n, sizeof n) < 0) goto fail;
    what = "XDP_RX_RING";
    if (setsockopt(x->fd, SOL_XDP, XDP_RX_RING, &n, sizeof n) < 0) goto fail;
    what = "XDP_TX_RING";
    if (setsockopt(x->fd, SOL_XDP, XDP_TX_RING, &n, sizeof n) < 0) goto fail;
    struct xdp_mmap_offsets off;
    socklen_t olen = sizeof off;
    what = "XDP_MMAP_OFFSETS";
    if (getsockopt(x->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &olen) < 0) goto fail;
    what = "mmap of the rings";
    if (xsk_map_ring(x, &x->fill, &off.fr, sizeof(uint64_t), XDP_UMEM_PGOFF_FILL_RING) < 0 ||
        xsk_map_ring(x, &x->comp, &off.cr, sizeof(uint64_t), XDP_UMEM_PGOFF_COMPLETION_RING) < 0 ||
        xsk_map_ring(x, &x->rx, &off.rx, sizeof(struct xdp_desc), XDP_PGOFF_RX_RING) < 0 ||
        xsk_map_ring(x, &x->tx, &off.tx, sizeof(struct xdp_desc), XDP_PGOFF_TX_RING) < 0)
        goto fail;
    /* Every receive chunk to the kernel. */
    uint64_t *fill = x->fill.desc;
    for (unsigned i = 0; i < XSK_RX_FRAMES; i++) fill[(x->fill.cached_prod + i) & (XSK_RING - 1)] = (uint64_t)i * XSK_FRAME_SIZE;
    x->fill.cached_prod += XSK_RX_FRAMES;
    __atomic_store_n(x->fill.producer, x->fill.cached_prod, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < XSK_FRAMES - XSK_RX_FRAMES; i++) x->tx_free[x->n_free++] = (uint64_t)(XSK_RX_FRAMES + i) * XSK_FRAME_SIZE;
    struct sockaddr_xdp sxdp = { .sxdp_family = AF_XDP, .sxdp_flags = XDP_COPY, .sxdp_ifindex = (uint32_t)ifindex, .sxdp_queue_id = 0 };
    what = "bind (copy mode, queue 0)";
    if (bind(x->fd, (struct sockaddr *)&sxdp, sizeof sxdp) < 0) goto fail;
    return x;
fail:
    cvm_str_printf(err, "%s: METHOD XDP: %s: %s%s", name, what, strerror(errno),
                   errno == EBUSY && !strncmp(what, "bind", 4) ? " (another AF_XDP socket, another router's, has the interface's queue 0)" : "");
    xsk_free(x);
    return NULL;
}

/* Redirect the frames arriving on queue 0 to the socket: an XSKMAP holding
 * it, the program, attached in generic mode through a BPF link. Promiscuous
 * mode through a packet socket's membership (the kernel undoes it when that
 * socket closes, as for the packet ring). */
static int xsk_attach_rx(Xsk *x, const char *name, int ifindex, int promisc, CvmStr *err)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.map_type = BPF_MAP_TYPE_XSKMAP;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    x->map_fd = (int)xsk_bpf(BPF_MAP_CREATE, &attr);
    if (x->map_fd < 0) {
        cvm_str_printf(err, "%s: METHOD XDP: cannot make the XSKMAP: %s%s", name, strerror(errno), errno == EPERM ? " (needs root or CAP_BPF)" : "");
        return -1;
    }
    uint32_t key = 0, value = (uint32_t)x->fd;
    memset(&attr, 0, sizeof attr);
    attr.map_fd = (uint32_t)x->map_fd;
    attr.key = (uint64_t)(uintptr_t)&key;
    attr.value = (uint64_t)(uintptr_t)&value;
    if (xsk_bpf(BPF_MAP_UPDATE_ELEM, &attr) < 0) {
        cvm_str_printf(err, "%s: METHOD XDP: cannot put the socket in the XSKMAP: %s", name, strerror(errno));
        return -1;
    }
    /* r2 = ctx->rx_queue_index; r1 = the map; r3 = XDP_PASS (the action when
     * the map has no socket for the queue); return bpf_redirect_map(r1, r2, r3). */
    struct bpf_insn prog[] = {
        { .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_1, .off = (int16_t)offsetof(struct xdp_md, rx_queue_index) },
        { .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1, .src_reg = BPF_PSEUDO_MAP_FD, .imm = x->map_fd },
        { .code = 0 },
        { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = XDP_PASS },
        { .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect_map },
        { .code = BPF_JMP | BPF_EXIT },
    };
    static char log[4096];
    log[0] = 0;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_XDP;
    attr.expected_attach_type = BPF_XDP;
    attr.insns = (uint64_t)(uintptr_t)prog;
    attr.insn_cnt = sizeof prog / sizeof prog[0];
    attr.license = (uint64_t)(uintptr_t)"GPL";
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = sizeof log;
    attr.log_level = 1;
    x->prog_fd = (int)xsk_bpf(BPF_PROG_LOAD, &attr);
    if (x->prog_fd < 0) {
        cvm_str_printf(err, "%s: METHOD XDP: the kernel refused the redirect program: %s%s%s", name, strerror(errno), log[0] ? ": " : "", log);
        return -1;
    }
    memset(&attr, 0, sizeof attr);
    attr.link_create.prog_fd = (uint32_t)x->prog_fd;
    attr.link_create.target_ifindex = (uint32_t)ifindex;
    attr.link_create.attach_type = BPF_XDP;
    attr.link_create.flags = XDP_FLAGS_SKB_MODE;
    x->link_fd = (int)xsk_bpf(BPF_LINK_CREATE, &attr);
    if (x->link_fd < 0) {
        cvm_str_printf(err, "%s: METHOD XDP: cannot attach the XDP program (generic mode): %s%s", name, strerror(errno),
                       errno == EBUSY || errno == EEXIST ? " (the interface already has an XDP program)" : "");
        return -1;
    }
    if (promisc) {
        x->promisc_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        struct packet_mreq mr = { .mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC };
        if (x->promisc_fd < 0 || setsockopt(x->promisc_fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) {
            cvm_str_printf(err, "%s: METHOD XDP: promiscuous mode: %s", name, strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* The kernel's receive drops since the last call. */
static uint64_t xsk_new_drops(Xsk *x)
{
    struct xdp_statistics st;
    socklen_t len = sizeof st;
    if (getsockopt(x->fd, SOL_XDP, XDP_STATISTICS, &st, &len) < 0) return 0;
    uint64_t total = st.rx_dropped + st.rx_ring_full;
    uint64_t d = total - x->seen_drops;
    x->seen_drops = total;
    return d;
}

/* --- receive: peek, take, and release once per batch ---------------------- */

static int xsk_rx_ready(Xsk *x)
{
    if (x->rx.cached_cons == x->rx.cached_prod) x->rx.cached_prod = __atomic_load_n(x->rx.producer, __ATOMIC_ACQUIRE);
    return x->rx.cached_cons != x->rx.cached_prod;
}

static int xsk_rx_peek(Xsk *x, const uint8_t **data, uint32_t *len)
{
    if (!xsk_rx_ready(x)) return 0;
    const struct xdp_desc *d = &((const struct xdp_desc *)x->rx.desc)[x->rx.cached_cons & (XSK_RING - 1)];
    *data = x->umem + d->addr;
    *len = d->len;
    return 1;
}

/* The frame's chunk goes back on the fill ring (published at release). */
static void xsk_rx_take(Xsk *x)
{
    const struct xdp_desc *d = &((const struct xdp_desc *)x->rx.desc)[x->rx.cached_cons & (XSK_RING - 1)];
    ((uint64_t *)x->fill.desc)[x->fill.cached_prod & (XSK_RING - 1)] = d->addr - d->addr % XSK_FRAME_SIZE;
    x->fill.cached_prod++;
    x->rx.cached_cons++;
    x->rx_taken++;
}

static void xsk_rx_release(Xsk *x)
{
    if (!x->rx_taken) return;
    __atomic_store_n(x->rx.consumer, x->rx.cached_cons, __ATOMIC_RELEASE);
    __atomic_store_n(x->fill.producer, x->fill.cached_prod, __ATOMIC_RELEASE);
    x->rx_taken = 0;
}

/* --- transmit ------------------------------------------------------------- */

/* Sent frames' chunks back to the free stack. */
static void xsk_tx_reclaim(Xsk *x)
{
    uint32_t prod = __atomic_load_n(x->comp.producer, __ATOMIC_ACQUIRE);
    const uint64_t *c = x->comp.desc;
    while (x->comp.cached_cons != prod) x->tx_free[x->n_free++] = c[x->comp.cached_cons++ & (XSK_RING - 1)];
    __atomic_store_n(x->comp.consumer, x->comp.cached_cons, __ATOMIC_RELEASE);
}

/* One frame onto the transmit ring (published at xsk_tx_kick). 1: taken
 * (one too long for a chunk is taken and dropped, in tx_too_long); 0: full. */
static int xsk_tx_frame(Xsk *x, const uint8_t *data, uint32_t len)
{
    if (len > XSK_FRAME_SIZE) {
        x->tx_too_long++;
        return 1;
    }
    if (x->n_free == 0) xsk_tx_reclaim(x);
    if (x->n_free == 0 || x->tx.cached_prod - __atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE) >= XSK_RING) return 0;
    uint64_t addr = x->tx_free[--x->n_free];
    memcpy(x->umem + addr, data, len);
    struct xdp_desc *d = &((struct xdp_desc *)x->tx.desc)[x->tx.cached_prod & (XSK_RING - 1)];
    d->addr = addr;
    d->len = len;
    d->options = 0;
    x->tx.cached_prod++;
    return 1;
}

/* Publish the batch and kick the kernel once. Returns how many descriptors
 * it has not taken yet (kicked again later). */
static unsigned xsk_tx_kick(Xsk *x)
{
    __atomic_store_n(x->tx.producer, x->tx.cached_prod, __ATOMIC_RELEASE);
    if (x->tx.cached_prod != __atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE)) (void)sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
    xsk_tx_reclaim(x);
    x->tx_pending = x->tx.cached_prod - __atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE);
    return x->tx_pending;
}
