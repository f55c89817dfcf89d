/* FromDevice: a task takes up to BURST frames per run from a device's
 * receive ring (runtime/device.h) and pushes them on as from-device.ts
 * does: MAC header at the start, packet type from the destination address,
 * the time taken, SNAPLEN, FORCE_IP. BURST is already raised to the batch
 * size by the compiler when no other task can interleave. */
#include "cvm.h"
#include "elements/lib/checked-output.h"
#include "elements/io/device-element.h"
#include "elements/io/link-types.h"

struct from_device {
    CvmElement base;
    CvmTask task;
    const char *devname;
    uint32_t burst, snaplen;
    uint8_t timestamp, force_ip, promisc, sniffer, outbound, quiet, method;
    CvmDevice *dev;
    uint64_t count;
};

static int from_device_init(struct from_device *e, CvmStr *err)
{
    const CvmDeviceParams p = { .receive = 1, .element = e->base.name, .burst = e->burst, .snaplen = e->snaplen, .promisc = e->promisc,
                                .sniffer = e->sniffer, .outbound = e->outbound, .quiet = e->quiet, .method = e->method };
    return device_element_init(&e->dev, e->devname, &p, &e->task, err);
}

static void from_device_cleanup(struct from_device *e) { device_element_cleanup(&e->dev); }

static inline uint8_t from_device_packet_type(const Packet *p)
{
    const uint8_t *d = p->data;
    if (p->len < 6 || !(d[0] & 1)) return CVM_PKT_HOST;
    return (d[0] & d[1] & d[2] & d[3] & d[4] & d[5]) == 0xff ? CVM_PKT_BROADCAST : CVM_PKT_MULTICAST;
}

static int from_device_run_task(struct from_device *e, CvmIn *in, CvmOut *out)
{
    (void)in;
    Packet *ps[CVM_BATCH_MAX];
    uint32_t left = e->burst, got = 0;
    const int64_t now = cvm_now();
    while (left > 0) {
        unsigned n = e->dev->ops->rx_burst(e->dev, ps, left < CVM_BATCH_MAX ? left : CVM_BATCH_MAX);
        if (n == 0) break;
        for (unsigned i = 0; i < n; i++) {
            Packet *p = cvm_created(out, ps[i]);
            if (p->len > e->snaplen) cvm_packet_take(p, p->len - e->snaplen);
            cvm_set_mac(p, 0);
            p->pkt_type = from_device_packet_type(p);
            if (e->timestamp) {
                p->ts_sec = now / 1000000000;
                p->ts_nsec = (uint32_t)(now % 1000000000);
            }
            if (e->force_ip && !io_force_ip(p, IO_DLT_EN10MB)) {
                emit_checked(out, 1, p);
                continue;
            }
            e->count++;
            cvm_emit(out, 0, p);
        }
        got += n;
        left -= n;
    }
    if (e->dev->rx_error) {     /* device-afpacket.c: the interface was deleted (or failed) */
        cvm_chatter(e->base.name, "%s: receive: %s", e->devname, strerror(e->dev->rx_error));
        e->dev->rx_error = 0;
    }
    cvm_task_schedule(&e->task);
    return got > 0;
}

static void from_device_read_count(struct from_device *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void from_device_read_kernel_drops(struct from_device *e, CvmStr *o) { cvm_str_u64(o, e->dev ? e->dev->rx_drops : 0); }
static void from_device_read_encap(struct from_device *e, CvmStr *o) { (void)e; cvm_str_printf(o, "ETHER"); }

static int from_device_write_reset_counts(struct from_device *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    return 0;
}
