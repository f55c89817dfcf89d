/* Network devices for FromDevice and ToDevice: a named pair of rings moved
 * a batch at a time, behind a small table of operations. A back-end (the
 * memory rings of the koffi library here; AF_PACKET rings and virtio-net
 * queues later) implements the operations and registers an opener; the
 * elements and the generated code stay the same whichever back-end serves
 * the device. Same model as host-engine/devices.ts. */
#ifndef CVM_DEVICE_H
#define CVM_DEVICE_H

#include "packet.h"
#include "str.h"

typedef struct CvmDevice CvmDevice;

/* What an element asks of a device after opening it: FromDevice the
 * receive side (receive = 1), ToDevice the transmit side. Back-ends that
 * have nothing to set up (memory rings) leave CvmDevice.setup NULL. */
typedef struct CvmDeviceParams {
    int receive;
    const char *element;         /* who asks, for notes */
    uint32_t burst;
    uint32_t snaplen;            /* receive: longest frame kept */
    uint8_t promisc;             /* receive: promiscuous mode */
    uint8_t sniffer;             /* receive: leave the frames to the kernel too */
    uint8_t outbound;            /* receive: also frames the host sends */
    uint8_t quiet;               /* no notes about the device */
    uint8_t method;              /* CVM_DEV_METHOD_*: how a kernel interface is reached (METHOD) */
} CvmDeviceParams;

/* METHOD of FromDevice/ToDevice: the AF_PACKET ring of frame slots (LINUX,
 * the default), an AF_XDP socket (XDP), or the AF_PACKET ring of blocks
 * (PCAP: received frames handed over a block at a time, as libpcap reads
 * them; sending is the same as LINUX). Memory devices ignore it. */
#define CVM_DEV_METHOD_RING 0
#define CVM_DEV_METHOD_XDP 1
#define CVM_DEV_METHOD_BLOCKS 2

typedef struct CvmDeviceOps {
    /* Up to `max` received packets into pkts (pool packets, owned by the
     * caller from then on); returns how many. */
    unsigned (*rx_burst)(CvmDevice *d, Packet **pkts, unsigned max);
    /* Send pkts[0..n): the device takes the first k (returned) and frees
     * them when sent; the caller keeps the rest (a full ring). */
    unsigned (*tx_burst)(CvmDevice *d, Packet **pkts, unsigned n);
    /* The last user is gone. */
    void (*close)(CvmDevice *d);
} CvmDeviceOps;

struct CvmDevice {
    const CvmDeviceOps *ops;
    const char *name;
    uint64_t rx_drops;           /* frames lost before the router saw them (kernel_drops) */
    uint64_t tx_drops;           /* frames taken for sending that the device lost (ToDevice's drops) */
    int rx_error, tx_error;      /* errno of a receive/send failure not yet reported, 0 if
                                  * none; the FromDevice/ToDevice says it once and clears it */
    int users;                   /* FromDevice and ToDevice share a device by name */
    CvmDevice *next;             /* the open devices */
    /* Optional, set by the back-end at open: make what an element asks for
     * (rings, modes); -1 with a message. (Outside the ops table so that
     * back-ends without it need not name it.) */
    int (*setup)(CvmDevice *d, const CvmDeviceParams *p, CvmStr *err);
};

/* A back-end's opener: the device `name`, NULL with nothing in err if the
 * name is not this back-end's, or NULL with a message. */
typedef CvmDevice *(*CvmDeviceOpener)(const char *name, CvmStr *err);

/* Back-ends are tried in registration order (at most 4). */
void cvm_device_backend(CvmDeviceOpener open);
/* The device `name` (already open: shared), or NULL with a message. */
CvmDevice *cvm_device_open(const char *name, CvmStr *err);
void cvm_device_close(CvmDevice *d);
/* Pass an element's needs to the device's back-end (nothing for back-ends without a setup op). */
int cvm_device_setup(CvmDevice *d, const CvmDeviceParams *p, CvmStr *err);
/* Forget the open devices without closing them (a new router starts). */
void cvm_device_forget_all(void);

/* The memory back-end (device-memory.c): rings in this process, filled and
 * emptied by the embedding program; off until enabled. capacity: packets
 * per ring, 0 = no limit. */
void cvm_memdev_enable(int enable, uint32_t capacity);
/* Frames arriving on `name`: data holds them back to back, lens their
 * lengths. Returns how many fit on the ring (the rest count as rx drops),
 * or -1 if memory ran out. */
int cvm_memdev_inject(const char *name, const uint8_t *data, const uint32_t *lens, unsigned n);
/* Take sent frames of `name`, oldest first, while they fit in buf (cap
 * bytes) and lens (max entries); returns how many. */
unsigned cvm_memdev_collect(const char *name, uint8_t *buf, uint64_t cap, uint32_t *lens, unsigned max);
/* Bytes of the oldest `max` sent frames of `name` (to size a collect buffer). */
uint64_t cvm_memdev_pending_bytes(const char *name, unsigned max);
/* The same for either ring (receive: frames injected and not yet received;
 * hot reconfiguration moves them to the next library's device). */
unsigned cvm_memdev_take(const char *name, int receive, uint8_t *buf, uint64_t cap, uint32_t *lens, unsigned max);
uint64_t cvm_memdev_ring_bytes(const char *name, int receive, unsigned max);
/* Drop every memory device (between runs of the library). */
void cvm_memdev_reset(void);

#ifndef CVM_TARGET_VM
/* The AF_PACKET back-end (device-afpacket.c): Linux interfaces by name,
 * through memory-mapped rings, or per side through an AF_XDP socket
 * (METHOD XDP, device-afxdp.c); off until enabled. */
void cvm_afpdev_enable(int enable);
CvmDevice *cvm_afpdev_open(const char *name, CvmStr *err);
#endif

#endif
