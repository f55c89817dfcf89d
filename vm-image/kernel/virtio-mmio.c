/* virtio-mmio transport: probing, the status handshake, feature
 * negotiation, queue setup and notification (virtio 1.x 3.1, 4.2). */
#include "virtio-mmio.h"
#include <string.h>

int vmmio_probe(uintptr_t base, uint32_t *version)
{
    if (vmmio_read32(base + VMMIO_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE) return -1;
    *version = vmmio_read32(base + VMMIO_VERSION);
    if (*version != 2) return -1;
    return (int)vmmio_read32(base + VMMIO_DEVICE_ID);
}

static uint64_t device_features(const VirtioMmio *m)
{
    vmmio_set(m, VMMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t lo = vmmio_get(m, VMMIO_DEVICE_FEATURES);
    vmmio_set(m, VMMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t hi = vmmio_get(m, VMMIO_DEVICE_FEATURES);
    return hi << 32 | lo;
}

static int fail(VirtioMmio *m, const char **err, const char *why)
{
    vmmio_set(m, VMMIO_STATUS, vmmio_get(m, VMMIO_STATUS) | VIRTIO_STATUS_FAILED);
    *err = why;
    return -1;
}

void vmmio_reset(VirtioMmio *m)
{
    vmmio_set(m, VMMIO_STATUS, 0);
    /* The reset is complete when status reads back 0 (4.2.3.1.1); QEMU
     * resets synchronously, so this loop runs once there. */
    while (vmmio_get(m, VMMIO_STATUS) != 0) __builtin_ia32_pause();
}

int vmmio_begin(VirtioMmio *m, uintptr_t base, uint64_t wanted, uint64_t required, const char **err)
{
    m->base = base;
    m->device_id = vmmio_get(m, VMMIO_DEVICE_ID);
    /* Status 0 is the reset state (a device just powered on, or reset at a
     * close): resetting it again would change nothing, and a reset is one
     * of QEMU's slower register writes (it resets every queue and the
     * backend's state), paid at boot for every NIC. */
    if (vmmio_get(m, VMMIO_STATUS) != 0) vmmio_reset(m);
    vmmio_set(m, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vmmio_set(m, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t offered = device_features(m);
    if ((offered & required) != required)
        return fail(m, err, (required & VIRTIO_F_VERSION_1) && !(offered & VIRTIO_F_VERSION_1)
                                ? "device does not offer VIRTIO_F_VERSION_1 (legacy-only device)"
                                : "device lacks a required feature");
    m->features = offered & wanted;
    vmmio_set(m, VMMIO_DRIVER_FEATURES_SEL, 0);
    vmmio_set(m, VMMIO_DRIVER_FEATURES, (uint32_t)m->features);
    vmmio_set(m, VMMIO_DRIVER_FEATURES_SEL, 1);
    vmmio_set(m, VMMIO_DRIVER_FEATURES, (uint32_t)(m->features >> 32));
    vmmio_set(m, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    /* A device that cannot work with the subset leaves FEATURES_OK clear. */
    if (!(vmmio_get(m, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
        return fail(m, err, "device did not accept the features (FEATURES_OK did not stick)");
    return 0;
}

int vmmio_queue_setup(VirtioMmio *m, Virtq *q, unsigned index, VirtqMem *mem, unsigned limit, const char **err)
{
    vmmio_set(m, VMMIO_QUEUE_SEL, index);
    if (vmmio_get(m, VMMIO_QUEUE_READY)) return fail(m, err, "queue already in use");
    uint32_t max = vmmio_get(m, VMMIO_QUEUE_NUM_MAX);
    if (max == 0) return fail(m, err, "queue not available");
    if (limit > VIRTQ_MAX) limit = VIRTQ_MAX;
    if (max > limit) max = limit;
    /* Split queues of any size up to 32768 are allowed, but the modular
     * index arithmetic here wants a power of two. */
    unsigned size = 1;
    while (size * 2 <= max) size *= 2;
    memset(mem, 0, sizeof *mem);
    /* Polled: the device need not interrupt when it uses buffers. */
    mem->avail.flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    q->mem = mem;
    q->size = (uint16_t)size;
    q->index = (uint16_t)index;
    q->avail_idx = 0;
    q->last_used = 0;
    uint64_t desc = (uintptr_t)mem->desc, avail = (uintptr_t)&mem->avail, used = (uintptr_t)&mem->used;
    vmmio_set(m, VMMIO_QUEUE_NUM, size);
    vmmio_set(m, VMMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    vmmio_set(m, VMMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    vmmio_set(m, VMMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    vmmio_set(m, VMMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    vmmio_set(m, VMMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    vmmio_set(m, VMMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    vmmio_set(m, VMMIO_QUEUE_READY, 1);
    return 0;
}

int vmmio_ready(VirtioMmio *m, const char **err)
{
    vmmio_set(m, VMMIO_STATUS, vmmio_get(m, VMMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
    if (vmmio_get(m, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) return fail(m, err, "device needs a reset after DRIVER_OK");
    return 0;
}

int virtq_publish(const VirtioMmio *m, Virtq *q, uint16_t n)
{
    if (n == 0) return 0;
    q->avail_idx = (uint16_t)(q->avail_idx + n);
    /* The ring entries (and the descriptors) before the index that shows
     * them: a release store. */
    __atomic_store_n(&q->mem->avail.idx, q->avail_idx, __ATOMIC_RELEASE);
    /* The index store before reading the device's flag (a store-load
     * order, so a full fence): otherwise the device could have switched
     * notifications back on after the flag was read but before it saw the
     * new index, and both sides would wait. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&q->mem->used.flags, __ATOMIC_RELAXED) & VIRTQ_USED_F_NO_NOTIFY) return 0;
    vmmio_set(m, VMMIO_QUEUE_NOTIFY, q->index);
    return 1;
}
