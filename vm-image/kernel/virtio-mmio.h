/* The virtio-mmio transport (virtio 1.x, register layout version 2) and
 * split virtqueues, as QEMU's microvm machine provides them: 32 transports
 * of 512 bytes from 0xfeb00000, each either empty (device id 0) or holding
 * one device. Everything is polled: the driver asks for no interrupts and
 * reads the used rings itself. Memory is identity-mapped, so the addresses
 * the device is given are the pointers the driver uses. */
#ifndef CVM_VM_VIRTIO_MMIO_H
#define CVM_VM_VIRTIO_MMIO_H

#include <stdint.h>

#define VIRTIO_MMIO_BASE 0xfeb00000u
#define VIRTIO_MMIO_STRIDE 512u
#define VIRTIO_MMIO_SLOTS 32u
/* microvm without ACPI wires transport i (of 8) to I/O APIC pin 5 + i. */
#define VIRTIO_MMIO_GSI_BASE 5u
#define VIRTIO_MMIO_GSI_SLOTS 8u

/* Register offsets (virtio 1.x, 4.2.2). */
enum {
    VMMIO_MAGIC = 0x000,
    VMMIO_VERSION = 0x004,
    VMMIO_DEVICE_ID = 0x008,
    VMMIO_VENDOR_ID = 0x00c,
    VMMIO_DEVICE_FEATURES = 0x010,
    VMMIO_DEVICE_FEATURES_SEL = 0x014,
    VMMIO_DRIVER_FEATURES = 0x020,
    VMMIO_DRIVER_FEATURES_SEL = 0x024,
    VMMIO_QUEUE_SEL = 0x030,
    VMMIO_QUEUE_NUM_MAX = 0x034,
    VMMIO_QUEUE_NUM = 0x038,
    VMMIO_QUEUE_READY = 0x044,
    VMMIO_QUEUE_NOTIFY = 0x050,
    VMMIO_INTERRUPT_STATUS = 0x060,
    VMMIO_INTERRUPT_ACK = 0x064,
    VMMIO_STATUS = 0x070,
    VMMIO_QUEUE_DESC_LOW = 0x080,
    VMMIO_QUEUE_DESC_HIGH = 0x084,
    VMMIO_QUEUE_DRIVER_LOW = 0x090,
    VMMIO_QUEUE_DRIVER_HIGH = 0x094,
    VMMIO_QUEUE_DEVICE_LOW = 0x0a0,
    VMMIO_QUEUE_DEVICE_HIGH = 0x0a4,
    VMMIO_CONFIG_GENERATION = 0x0fc,
    VMMIO_CONFIG = 0x100,
};

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976u   /* "virt" little-endian */

/* Device status bits (2.1). */
enum {
    VIRTIO_STATUS_ACKNOWLEDGE = 1,
    VIRTIO_STATUS_DRIVER = 2,
    VIRTIO_STATUS_DRIVER_OK = 4,
    VIRTIO_STATUS_FEATURES_OK = 8,
    VIRTIO_STATUS_NEEDS_RESET = 64,
    VIRTIO_STATUS_FAILED = 128,
};

#define VIRTIO_F_VERSION_1 (1ull << 32)

/* Split virtqueue layout (2.7). */
enum { VIRTQ_DESC_F_NEXT = 1, VIRTQ_DESC_F_WRITE = 2 };
enum { VIRTQ_AVAIL_F_NO_INTERRUPT = 1 };
enum { VIRTQ_USED_F_NO_NOTIFY = 1 };

/* The largest queue this driver sets up; QEMU's virtio-net offers 256 per
 * queue by default. Static memory is sized for it. */
#define VIRTQ_MAX 256u

typedef struct VirtqDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VirtqDesc;

typedef struct VirtqAvail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[VIRTQ_MAX];
    uint16_t used_event;         /* unused: VIRTIO_F_EVENT_IDX is not negotiated */
} VirtqAvail;

typedef struct VirtqUsedElem {
    uint32_t id;
    uint32_t len;
} VirtqUsedElem;

typedef struct VirtqUsed {
    uint16_t flags;
    uint16_t idx;
    VirtqUsedElem ring[VIRTQ_MAX];
    uint16_t avail_event;
} VirtqUsed;

/* One queue's rings, each on its own page (the device only needs 16/2/4
 * byte alignment; pages keep the rings from sharing cache lines with
 * anything the driver writes often). */
typedef struct VirtqMem {
    VirtqDesc desc[VIRTQ_MAX] __attribute__((aligned(4096)));
    VirtqAvail avail __attribute__((aligned(4096)));
    VirtqUsed used __attribute__((aligned(4096)));
} VirtqMem;

/* A queue as the driver sees it. The ring indices are free-running 16-bit
 * counters, reduced modulo size on use (the spec's convention). */
typedef struct Virtq {
    VirtqMem *mem;
    uint16_t size;               /* entries (a power of two) */
    uint16_t index;              /* queue number on the device */
    uint16_t avail_idx;          /* next avail->idx to publish */
    uint16_t last_used;          /* used entries consumed so far */
} Virtq;

typedef struct VirtioMmio {
    uintptr_t base;
    uint32_t device_id;
    uint64_t features;           /* negotiated */
} VirtioMmio;

/* Register access. The host unit test (test/vm-image/virtio-fake.c) builds
 * with VIRTIO_MMIO_HOOKED and provides these over a simulated device; in
 * the VM they are plain volatile 32-bit accesses (MMIO registers must be
 * accessed with their natural width). */
#ifdef VIRTIO_MMIO_HOOKED
uint32_t vmmio_read32(uintptr_t addr);
void vmmio_write32(uintptr_t addr, uint32_t v);
#else
static inline uint32_t vmmio_read32(uintptr_t addr) { return *(volatile uint32_t *)addr; }
static inline void vmmio_write32(uintptr_t addr, uint32_t v) { *(volatile uint32_t *)addr = v; }
#endif

static inline uint32_t vmmio_get(const VirtioMmio *m, unsigned off) { return vmmio_read32(m->base + off); }
static inline void vmmio_set(const VirtioMmio *m, unsigned off, uint32_t v) { vmmio_write32(m->base + off, v); }
static inline uint8_t vmmio_config8(const VirtioMmio *m, unsigned off)
{
    /* Byte access to the config space is allowed; read the aligned word so
     * the register access width stays 32 bits everywhere. */
    uint32_t w = vmmio_get(m, VMMIO_CONFIG + (off & ~3u));
    return (uint8_t)(w >> (8 * (off & 3u)));
}

/* The device id at a transport (0: none there), or -1 if there is no
 * modern virtio-mmio transport at `base` (wrong magic, or a legacy
 * version 1 transport: QEMU needs -global virtio-mmio.force-legacy=false). */
int vmmio_probe(uintptr_t base, uint32_t *version);

/* Reset (unless the device is in its reset state already), then
 * ACKNOWLEDGE, DRIVER, and negotiate: the driver accepts the
 * device's features within `wanted`; all of `required` must be among
 * them. FEATURES_OK is set and read back. 0, or -1 with *err set (the
 * device is then marked FAILED). */
int vmmio_begin(VirtioMmio *m, uintptr_t base, uint64_t wanted, uint64_t required, const char **err);
/* Queue `index` of at most `limit` entries (and at most the device's
 * maximum) in `mem`; the driver asks for no interrupts on it. */
int vmmio_queue_setup(VirtioMmio *m, Virtq *q, unsigned index, VirtqMem *mem, unsigned limit, const char **err);
/* DRIVER_OK: the device may start using the queues. */
int vmmio_ready(VirtioMmio *m, const char **err);
/* Write 0 to status: the device forgets the queues and stops touching
 * their memory. */
void vmmio_reset(VirtioMmio *m);

/* Publish `n` heads written to avail->ring from q->avail_idx on, then
 * notify the device unless it said it is not listening (used->flags
 * NO_NOTIFY: it is working through the queue and will see them). Returns
 * whether it notified. */
int virtq_publish(const VirtioMmio *m, Virtq *q, uint16_t n);
/* Used entries not yet consumed. */
static inline uint16_t virtq_used_pending(const Virtq *q)
{
    uint16_t idx = __atomic_load_n(&q->mem->used.idx, __ATOMIC_ACQUIRE);
    return (uint16_t)(idx - q->last_used);
}
static inline VirtqUsedElem virtq_used_take(Virtq *q)
{
    VirtqUsedElem e = q->mem->used.ring[q->last_used % q->size];
    q->last_used++;
    return e;
}

#endif
