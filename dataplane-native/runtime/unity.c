/* The runtime compiled into the generated translation unit, so that the
 * packet pool and the scheduler inline into element code. */
#include "packet.c"
#include "sched.c"
#include "io.c"
#ifndef CVM_TARGET_VM
#include "io-posix.c"   /* the VM image brings its own wait */
#endif
#include "str.c"
#include "output.c"
#include "router.c"
#include "hotswap.c"
#include "handlers.c"
#include "control.c"
#ifndef CVM_TARGET_VM
#include "control-posix.c"   /* sockets: not in the VM image */
#endif
#include "device.c"
#include "device-memory.c"
#ifndef CVM_TARGET_VM
#include "device-afpacket.c"   /* Linux interfaces; the VM has virtio-net */
#endif
