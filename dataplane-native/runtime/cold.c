/* The runtime's parts off the per-packet path: I/O waits, strings and
 * output, the router's set-up and run loop, handlers, the control socket
 * and the device back-ends. Native builds compile this once per set of
 * compiler flags and link the object beside each generated program (it is
 * most of a small configuration's compile time); builds that want one
 * translation unit (the VM image, the fuzzers) get it through unity.c. */
#include "router.h"
#include "cvm.h"
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
