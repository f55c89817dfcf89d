/* The control channel of the VM: Click's ControlSocket protocol (the
 * runtime's control.c) on COM2, a 16550 at 0x2f8 that QEMU connects to a
 * UNIX socket on the host (`vm start` makes it; vm-image/qemu.ts). A serial
 * line has no connections, so one protocol session runs for the life of
 * the VM, and a new one starts after a client's QUIT. The channel is an I/O
 * source polled by the run loop, and a live one: a middlebox with a control
 * channel keeps running, answering, until it is stopped, as a ClickOS VM
 * does. When the router is idle the CPU halts, and a received byte's
 * interrupt wakes it (io-wait.c).
 *
 * The receive FIFO stays off: QEMU empties it when it is switched on, and a
 * host client may have written before the guest got here. */
#include "kernel.h"
#include "io.h"
#include "control.h"

/* virtio-net.c calls cvm_io_add through a weak reference (program images
 * link without the runtime); a strong one here would undo that. */
#pragma weak cvm_io_add

#define COM2 0x2f8
#define COM2_IRQ 3      /* isa-serial,irq=3 (vm-image/qemu.ts): I/O APIC pin 3 */
#define IER_RDA 0x01    /* interrupt on received data */
#define MCR_OUT2 0x08   /* gates the UART's interrupt line on a PC */
#define LSR_DR 0x01     /* a received byte is waiting */
#define LSR_THRE 0x20   /* transmit holding register empty */
#define RX_CHUNK 256    /* bytes handed to the protocol per poll, at most */

static CvmControl *session;
static CvmIoSource source;

static void control_serial_write(void *ctx, const char *data, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        while (!(inb(COM2 + 5) & LSR_THRE)) cpu_relax();
        outb(COM2, (uint8_t)data[i]);
    }
}

static int control_serial_poll(CvmIoSource *s)
{
    (void)s;
    char buf[RX_CHUNK];
    size_t n = 0;
    while (n < sizeof buf && (inb(COM2 + 5) & LSR_DR)) buf[n++] = (char)inb(COM2);
    if (n == 0) return 0;
    if (!session) session = cvm_control_new(control_serial_write, NULL, 0);
    if (session && cvm_control_input(session, buf, n) < 0) {
        /* QUIT (or input that cannot be framed): the next client starts afresh. */
        cvm_control_free(session);
        session = NULL;
    }
    return 1;
}

void vm_control_start(void)
{
    vm_boot_ready();   /* called once the router is up: boot ends here */
    /* No UART there: the port reads all ones. */
    if (inb(COM2 + 5) == 0xff) return;
    outb(COM2 + 1, 0x00);   /* no interrupts until the idle path asks for them */
    outb(COM2 + 3, 0x03);   /* 8N1 */
    source.poll = control_serial_poll;
    source.fd = -1;
    source.live = 1;
    cvm_io_add(&source);
    /* The banner goes out now, to whoever listens already; clients of a
     * serial channel do not wait for it (ControlClient's waitBanner). */
    if (!session) session = cvm_control_new(control_serial_write, NULL, 0);
}

int vm_control_pending(void) { return source.poll && (inb(COM2 + 5) & LSR_DR); }

void vm_control_irq_setup(void)
{
    if (!source.poll || irq_route(COM2_IRQ) < 0) return;
    /* Always on: while the CPU polls, interrupts are off and a received
     * byte's interrupt just waits (it wakes the next halt at once, which
     * then finds the byte). */
    outb(COM2 + 4, (uint8_t)(inb(COM2 + 4) | MCR_OUT2));
    outb(COM2 + 1, IER_RDA);
}
