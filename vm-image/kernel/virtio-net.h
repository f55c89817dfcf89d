/* virtio-net over virtio-mmio: the VM's device back-end for FromDevice and
 * ToDevice (dataplane-native/runtime/device.h). NIC n answers to "n" and
 * "ethn", as in ClickOS. NICs are numbered by their MAC when it has the
 * launcher's prefix 52:54:00:c1:0c (NIC n gets ...:0c:nn), otherwise by
 * transport address: QEMU does not assign transports in command-line
 * order.
 *
 * Receive: frames land directly in pool packets (the 12-byte virtio_net_hdr
 * in the packet's headroom, the frame at its usual data offset), so a
 * received packet looks exactly like one cvm_packet_make would have built,
 * without a copy. Each receive buffer is chained to a shared scratch area so
 * that a frame too long for a pool buffer still reaches the driver (and is
 * counted) instead of vanishing inside QEMU. */
#ifndef CVM_VM_VIRTIO_NET_H
#define CVM_VM_VIRTIO_NET_H

#include "virtio-mmio.h"
#include "dataplane-native/runtime/device.h"

#define VIRTIO_ID_NET 1
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VNET_HDR_LEN 12                     /* struct virtio_net_hdr with VERSION_1 (num_buffers included) */
#define VNET_MAX_NICS 8
/* Frame bytes a receive buffer holds: a pool buffer less the headroom. */
#define VNET_RX_FRAME_MAX (CVM_BUF_SIZE - CVM_HEADROOM)
#define VNET_ETHER_MIN 14                   /* shorter frames have no Ethernet header: dropped */
#define VNET_RX_BATCH 32                    /* receive buffers posted per refill (one notification) */
#define VNET_OVERFLOW_LEN 65536             /* scratch past a receive buffer (UDP datagrams stop at 65507) */

typedef struct VnetNic VnetNic;

/* A device name's view of a NIC: "0" and "eth0" are two CvmDevices (the
 * device table shares devices by name) over one NIC. */
typedef struct VnetPort {
    CvmDevice dev;
    VnetNic *nic;
    char name[16];
    int receiving;                          /* a FromDevice uses it (CvmDeviceParams.receive) */
} VnetPort;

typedef struct VnetStats {
    uint64_t rx_frames, tx_frames;
    uint64_t rx_runts, rx_oversize;         /* both count in rx_drops */
    uint64_t rx_notifies, tx_notifies;
    uint64_t tx_abandoned;                  /* still queued when the device was reset at close */
    uint64_t idle_arms;                     /* times interrupts went on for an idle halt */
} VnetStats;

struct VnetNic {
    VirtioMmio mmio;
    uintptr_t base;
    unsigned index;
    uint8_t mac[6];
    int has_mac;
    int users;                              /* open ports */
    int receivers;                          /* open ports a FromDevice receives on */
    Virtq rxq, txq;
    VirtqMem *rx_mem, *tx_mem;
    unsigned rx_slots, tx_slots;            /* two descriptors per slot */
    Packet *rx_pkt[VIRTQ_MAX / 2];          /* posted receive buffers by slot */
    uint16_t rx_free[VIRTQ_MAX / 2];        /* slots without a buffer */
    unsigned rx_nfree;
    Packet *tx_pkt[VIRTQ_MAX / 2];          /* packets the device has not finished sending */
    uint16_t tx_free[VIRTQ_MAX / 2];
    unsigned tx_nfree;
    uint64_t rx_drops;
    VnetStats stats;
    VnetPort ports[2];                      /* "n", "ethn" */
};

/* Probe `nslots` transports from `base` (the VM: VIRTIO_MMIO_BASE, 32),
 * bring every network device up, number the NICs and register the
 * back-end. Prints one console line per NIC (and per failing device).
 * Returns the number of NICs. */
unsigned vnet_probe(uintptr_t base, unsigned nslots);
unsigned vnet_count(void);
VnetNic *vnet_nic(unsigned index);
/* The back-end's opener (registered by vnet_probe). */
CvmDevice *vnet_open(const char *name, CvmStr *err);
/* Reset every NIC and forget them (tests). */
void vnet_shutdown(void);

/* The idle path (vm-image/kernel/io-wait.c). Polling runs with the
 * devices' interrupts suppressed; before the CPU halts they are turned on
 * and the rings looked at again.
 * Is there work for the router on an open NIC: a received frame, or sent
 * ones to reclaim (reclaimed here: the slots may be what a ToDevice waits
 * for)? */
int vnet_pending(void);
/* Before a halt, for every open NIC: post all free receive buffers,
 * acknowledge the device's interrupt, let its queues interrupt on used
 * buffers (the receive queue only if a FromDevice uses the NIC), then look
 * again. Nonzero: work came in meanwhile, do not halt. */
int vnet_idle_arm(void);
/* After it: polling again, interrupts suppressed. */
void vnet_idle_disarm(void);

#endif
