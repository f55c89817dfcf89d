/* cvm_io_wait for the VM (see dataplane-native/runtime/io.h): the run loop
 * has nothing to do until engine time reaches `until` or input arrives.
 *
 * First the CPU spins, up to IO_WAIT_SPIN_NS, looking at the receive rings
 * and the control serial's line status: traffic that pauses for less than
 * that never pays for a halt and a wake-up, and a frame that comes during
 * the spin is seen at once. Then it halts (irq.c): the NICs' used-buffer
 * interrupts and COM2's receive interrupt are armed, the devices looked at
 * again (whatever came before the arming would not interrupt), and the
 * local APIC timer set for the deadline. A wake-up by anything but new
 * input goes back to sleep; input, the deadline or a spurious return hands
 * control back to the loop, which polls with interrupts suppressed again.
 * Without a usable APIC the wait spins, as it did before the halt. */
#include "kernel.h"
#include "io.h"
#include "sched.h"
#include "virtio-mmio.h"
#include "virtio-net.h"

#define IO_WAIT_SPIN_NS CLOCK_SPIN_NS

static int idle_state;   /* 0: not set up yet, 1: halting works, -1: spin only */

static void idle_setup(void)
{
    idle_state = -1;
    if (irq_init() < 0) return;
    int lines = 0;
    for (unsigned i = 0; i < vnet_count(); i++) {
        uintptr_t slot = (vnet_nic(i)->base - VIRTIO_MMIO_BASE) / VIRTIO_MMIO_STRIDE;
        if (slot >= VIRTIO_MMIO_GSI_SLOTS || irq_route(VIRTIO_MMIO_GSI_BASE + (unsigned)slot) < 0) return;
        lines++;
    }
    vm_control_irq_setup();
    idle_state = 1;
    if (clock_report) {
        kputs("clickvm: idle CPU halts; APIC timer ");
        kput_dec((int64_t)(irq_timer_hz() / 1000));
        kputs(" kHz, ");
        kput_dec(lines);
        kputs(lines == 1 ? " NIC interrupt\n" : " NIC interrupts\n");
    }
}

static int input_pending(void) { return vnet_pending() || vm_control_pending(); }

void cvm_io_wait(int64_t until)
{
    console_release();   /* idle: the boot log may go out now */
    int64_t now = vm_monotonic_ns(), end = -1;
    if (until >= 0) {
        int64_t left = until - cvm_now();
        end = now + (left > 0 ? left : 0);
    }
    for (int64_t spin_end = now + IO_WAIT_SPIN_NS;;) {
        if (input_pending()) return;
        now = vm_monotonic_ns();
        if (end >= 0 && now >= end) return;
        if (now >= spin_end) break;
        cpu_relax();
    }
    if (!idle_state) idle_setup();
    if (idle_state < 0) return;
    for (;;) {
        int64_t wake = -1;
        if (end >= 0) {
            int64_t left = end - now;
            if (left <= IO_WAIT_SPIN_NS) {   /* too close to sleep: spin the rest, watching */
                while (!input_pending() && vm_monotonic_ns() < end) cpu_relax();
                return;
            }
            wake = clock_wake_for(end, now);
        } else {
            wake = clock_refine_due();
        }
        int got = vnet_idle_arm() || vm_control_pending();
        if (!got) irq_halt(wake);
        vnet_idle_disarm();
        if (got || input_pending()) return;
        now = vm_monotonic_ns();
        if (end >= 0 && now >= end) return;
    }
}
