/* ToDevice: a task pulls up to BURST packets per run and hands each pull
 * to a device's transmit ring (runtime/device.h) in one call, as
 * to-device.ts does. When output 0 exists the ring gets clones (sharing the
 * buffers) and the packets go on. Packets a full ring did not take wait
 * here (held) and go first at the next run, which pulls nothing more until
 * they are sent. */
#include "cvm.h"
#include "elements/io/device-element.h"

#define TO_DEVICE_PULL 32       /* packets per pull at most, as TODEVICE_PULL in to-device.ts */

struct to_device {
    CvmElement base;
    CvmTask task;
    const char *devname;
    uint32_t burst;
    uint8_t quiet, method;
    CvmDevice *dev;
    uint64_t count;
    Packet *waiting[TO_DEVICE_PULL];
    unsigned nwaiting;
};

/* Hot reconfiguration (to-device.ts's takeState): on the same device, the
 * packets a full ring had not taken (first in line) and the count. */
static void to_device_take_state(struct to_device *e, struct to_device *old, CvmHotswap *hs)
{
    if (strcmp(e->devname, old->devname) != 0) return;
    unsigned n = old->nwaiting;
    for (unsigned i = 0; i < n; i++) {
        cvm_hotswap_took(&e->base, &old->base, 1);
        Packet *q = cvm_hotswap_packet(hs, old->waiting[i]);
        if (!q) e->base.stats.dropped++;
        else if (e->nwaiting < TO_DEVICE_PULL) e->waiting[e->nwaiting++] = q;
        else e->base.stats.dropped++, cvm_packet_free(q);
    }
    old->nwaiting = 0;
    e->count += old->count;
}

static int to_device_init(struct to_device *e, CvmStr *err)
{
    const CvmDeviceParams p = { .receive = 0, .element = e->base.name, .burst = e->burst, .quiet = e->quiet, .method = e->method };
    return device_element_init(&e->dev, e->devname, &p, &e->task, err);
}

static void to_device_cleanup(struct to_device *e)
{
    device_element_cleanup(&e->dev);
    for (unsigned i = 0; i < e->nwaiting; i++) cvm_packet_free(e->waiting[i]);
    e->nwaiting = 0;
}

static uint64_t to_device_held(struct to_device *e) { return e->nwaiting; }

/* Hand ps[0..n) to the ring: what it took goes on (or is the device's),
 * the rest waits. Returns how many it took. */
static unsigned to_device_send(struct to_device *e, Packet **ps, unsigned n, CvmOut *out)
{
    const int keep = out->nports > 0;
    Packet *give[TO_DEVICE_PULL];
    unsigned ready = n;
    for (unsigned i = 0; i < n; i++) {
        give[i] = keep ? cvm_packet_clone(ps[i]) : ps[i];
        if (!give[i]) {          /* out of memory: send what is ready */
            ready = i;
            break;
        }
    }
    unsigned sent = ready ? e->dev->ops->tx_burst(e->dev, give, ready) : 0;
    if (keep)
        for (unsigned i = sent; i < ready; i++) cvm_packet_free(give[i]);   /* untaken clones */
    for (unsigned i = 0; i < n; i++) {
        if (i >= sent) e->waiting[e->nwaiting++] = ps[i];
        else if (keep) cvm_emit(out, 0, ps[i]);
        else out->self->stats.consumed++;   /* the device has it */
    }
    e->count += sent;
    if (e->dev->tx_error) {     /* the device lost what it took (device-afpacket.c): said once */
        cvm_chatter(e->base.name, "%s: send: %s (frames dropped until sending works again)", e->devname, strerror(e->dev->tx_error));
        e->dev->tx_error = 0;
    }
    return sent;
}

static int to_device_run_task(struct to_device *e, CvmIn *in, CvmOut *out)
{
    unsigned sent = 0;
    if (e->nwaiting) {
        Packet *retry[TO_DEVICE_PULL];
        unsigned n = e->nwaiting;
        memcpy(retry, e->waiting, n * sizeof *retry);
        e->nwaiting = 0;
        sent = to_device_send(e, retry, n, out);
    }
    uint32_t left = e->nwaiting ? 0 : e->burst;
    PacketBatch b;
    while (left > 0) {
        cvm_pull(in, 0, &b, left < TO_DEVICE_PULL ? left : TO_DEVICE_PULL);
        if (b.n == 0) break;
        left -= b.n;
        sent += to_device_send(e, b.p, b.n, out);
        if (e->nwaiting) break;
    }
    cvm_task_schedule(&e->task);
    return sent > 0;
}

static void to_device_read_count(struct to_device *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void to_device_read_waiting(struct to_device *e, CvmStr *o) { cvm_str_printf(o, "%u", e->nwaiting); }
static void to_device_read_drops(struct to_device *e, CvmStr *o) { cvm_str_u64(o, e->dev ? e->dev->tx_drops : 0); }

static int to_device_write_reset_counts(struct to_device *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    return 0;
}
