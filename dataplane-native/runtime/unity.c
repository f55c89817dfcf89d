/* The runtime compiled into the generated translation unit, so that the
 * packet pool and the scheduler inline into element code. The rest
 * (cold.c) comes in here too, unless the build links it prebuilt
 * (CVM_RUNTIME_PREBUILT: dataplane-native/build.ts). */
#include "packet.c"
#include "sched.c"
#ifndef CVM_RUNTIME_PREBUILT
#include "cold.c"
#endif
