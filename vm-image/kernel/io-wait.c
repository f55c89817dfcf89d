/* cvm_io_wait for the VM (see dataplane-native/runtime/io.h): there are no
 * interrupts, so waiting is spinning. The wait ends when engine time
 * reaches `until`, and in any case after about 50 us, so the run loop polls
 * its sources (virtio rings, the control serial) again soon: that bounds
 * the latency a frame arriving during a wait sees. */
#include "kernel.h"
#include "io.h"
#include "sched.h"

#define IO_WAIT_SLICE_NS 50000

void cvm_io_wait(int64_t until)
{
    console_release();   /* idle: the boot log may go out now */
    int64_t stop = vm_monotonic_ns() + IO_WAIT_SLICE_NS;
    while (vm_monotonic_ns() < stop) {
        if (until >= 0 && cvm_now() >= until) return;
        cpu_relax();
    }
}
