/* The AF_PACKET back-end as a library of its own, for the host TypeScript
 * engine (host-engine/kernel-devices.ts loads it through koffi): the same
 * rings and socket filter as the compiled dataplane's (device-afpacket.c,
 * compiled in here), with frames crossing a batch per call as bytes back to
 * back plus their lengths, copied straight between the rings and the
 * caller's buffers. Nothing here is per frame on the TypeScript side. A side
 * set up with METHOD XDP (method 1; 2 is PCAP, 0 LINUX) is served by the AF_XDP socket of
 * device-afxdp.c through the same calls. */
#include "str.c"
#include "packet.c"
#include "io.c"
#include "output.c"
#include "device.c"
#include "device-afpacket.c"
#include <poll.h>

static CvmStr host_err;

static void host_error(char *buf, int cap)
{
    if (cap <= 0) return;
    int n = (int)host_err.len < cap - 1 ? (int)host_err.len : cap - 1;
    if (n > 0) memcpy(buf, host_err.s, (size_t)n);
    buf[n > 0 ? n : 0] = 0;
}

/* The interface `name`, rings not yet made. NULL: no such interface (err
 * empty) or a failure (err says why). */
void *cvm_hafp_open(const char *name, char *err, int cap)
{
    cvm_str_clear(&host_err);
    AfpDevice *a = afp_new(name, &host_err);
    host_error(err, cap);
    if (a) a->quiet = 1;     /* the TypeScript element says what needs saying */
    return a;
}

/* FromDevice (receive 1) or ToDevice (receive 0) needs its side of the
 * device; 0, or -1 with the reason in err. */
int cvm_hafp_setup(void *h, int receive, uint32_t snaplen, int promisc, int outbound, int method, char *err, int cap)
{
    AfpDevice *a = h;
    CvmDeviceParams p = { .receive = receive, .snaplen = snaplen, .promisc = (uint8_t)promisc, .outbound = (uint8_t)outbound, .quiet = 1, .method = (uint8_t)method };
    cvm_str_clear(&host_err);
    int r = afp_setup(&a->dev, &p, &host_err);
    host_error(err, cap);
    return r;
}

/* Received frames into buf (cap bytes) and lens (max entries): how many.
 * A frame that does not fit in what is left of buf waits for the next call. */
unsigned cvm_hafp_rx(void *h, uint8_t *buf, uint64_t cap, uint32_t *lens, unsigned max)
{
    AfpDevice *a = h;
    unsigned n = 0;
    uint64_t used = 0;
    const uint8_t *data;
    uint32_t len;
    while (n < max && afp_rx_peek(a, &data, &len) && used + len <= cap) {
        memcpy(buf + used, data, len);
        afp_rx_take(a);
        used += len;
        lens[n++] = len;
    }
    afp_rx_release_done(a);   /* give the read block back now */
    return n;
}

/* Send frames (back to back in data, lengths in lens): how many the ring took. */
unsigned cvm_hafp_tx(void *h, const uint8_t *data, const uint32_t *lens, unsigned n)
{
    AfpDevice *a = h;
    if (!a->tx_ring && !a->tx_xdp) return 0;
    unsigned k = 0;
    for (; k < n && afp_tx_frame(a, data, lens[k]); k++) data += lens[k];
    afp_tx_done(a, k < n);
    return k;
}

/* Frames the kernel dropped on the receive ring so far. */
uint64_t cvm_hafp_drops(void *h)
{
    AfpDevice *a = h;
    afp_refresh_drops(a);
    return a->dev.rx_drops;
}

/* Frames the transmit ring took and lost (the kernel refused them for good). */
uint64_t cvm_hafp_tx_drops(void *h) { return ((AfpDevice *)h)->dev.tx_drops; }

/* A receive (receive 1) or send failure not yet reported: 1 with its
 * strerror text in err (and forgotten), else 0. */
int cvm_hafp_take_error(void *h, int receive, char *err, int cap)
{
    AfpDevice *a = h;
    int *e = receive ? &a->dev.rx_error : &a->dev.tx_error;
    if (!*e || cap <= 0) return 0;
    snprintf(err, (size_t)cap, "%s", strerror(*e));
    *e = 0;
    return 1;
}

/* Is the interface down? */
int cvm_hafp_down(void *h)
{
    AfpDevice *a = h;
    int fd = afp_any_fd(a);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, a->name, IFNAMSIZ - 1);
    return fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP);
}

/* Does any open device receive (an idle router then waits for it)? */
int cvm_hafp_live(void) { return cvm_io_live(); }

/* Serve the devices (flush waiting transmit frames, count drops) and, if no
 * receive ring has a frame ready, wait up to timeout_ms for one. Returns 1
 * if a frame may be ready. */
int cvm_hafp_wait(int timeout_ms)
{
    if (cvm_io_poll()) return 1;
    struct pollfd fds[64];
    int n = 0, blind = 0;
    for (CvmIoSource *s = cvm_io_sources(); s; s = s->next) {
        if (s->fd < 0 || n == 64) {
            blind = 1;
            continue;
        }
        fds[n++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
    }
    if (blind && timeout_ms > 1) timeout_ms = 1;   /* a transmit ring still flushing: come back soon */
    return poll(fds, (nfds_t)n, timeout_ms) > 0;
}

void cvm_hafp_close(void *h) { afp_free(h); }
