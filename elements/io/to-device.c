/* ToDevice: a task pulls up to BURST packets per run and hands them to a
 * device's transmit ring (runtime/device.h) in one call, as to-device.ts
 * does. The ring takes packets it accepts: when output 0 exists the ring
 * gets clones (sharing the buffers) and the packets go on; when the ring is
 * full, the rest go to output 1 or are dropped. */
#include "cvm.h"
#include "elements/io/device-element.h"

struct to_device {
    CvmElement base;
    CvmTask task;
    const char *devname;
    uint32_t burst;
    CvmDevice *dev;
    uint64_t count, drops;
};

static int to_device_init(struct to_device *e, CvmStr *err) { return device_element_init(&e->dev, e->devname, &e->task, err); }

static void to_device_cleanup(struct to_device *e) { device_element_cleanup(&e->dev); }

/* Hand one pulled batch to the ring; returns how many packets it had. */
static unsigned to_device_send(struct to_device *e, PacketBatch *b, CvmOut *out)
{
    const int keep = out->nports > 0;
    Packet *give[CVM_BATCH_MAX];
    unsigned ready = b->n;
    for (unsigned i = 0; i < b->n; i++) {
        give[i] = keep ? cvm_packet_clone(b->p[i]) : b->p[i];
        if (!give[i]) {          /* out of memory: send what is ready */
            ready = i;
            break;
        }
    }
    unsigned sent = ready ? e->dev->ops->tx_burst(e->dev, give, ready) : 0;
    for (unsigned i = 0; i < b->n; i++) {
        Packet *p = b->p[i];
        if (i < sent) {
            e->count++;
            if (keep) cvm_emit(out, 0, p);
            else out->self->stats.consumed++;   /* the device has it */
            continue;
        }
        if (keep && i < ready) cvm_packet_free(give[i]);   /* an untaken clone */
        e->drops++;
        if (out->nports > 1) cvm_emit(out, 1, p);
        else cvm_drop(out, p);
    }
    return b->n;
}

static int to_device_run_task(struct to_device *e, CvmIn *in, CvmOut *out)
{
    uint32_t left = e->burst, got = 0;
    PacketBatch b;
    while (left > 0) {
        cvm_pull(in, 0, &b, left < CVM_BATCH_MAX ? left : CVM_BATCH_MAX);
        if (b.n == 0) break;
        got += to_device_send(e, &b, out);
        left -= b.n;
    }
    cvm_task_schedule(&e->task);
    return got > 0;
}

static void to_device_read_count(struct to_device *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void to_device_read_drops(struct to_device *e, CvmStr *o) { cvm_str_u64(o, e->drops); }

static int to_device_write_reset_counts(struct to_device *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    e->drops = 0;
    return 0;
}
