/* Click's user-level jiffy clock (click-time.ts): milliseconds in an
 * unsigned 32-bit counter, from the engine clock (simulated or real). */
#ifndef CVM_STD_CLICK_TIME_H
#define CVM_STD_CLICK_TIME_H

#include "cvm.h"

#define CLICK_HZ 1000
#define CLICK_NS_PER_JIFFY 1000000LL

static inline uint32_t click_jiffies(void) { return (uint32_t)(cvm_now() / CLICK_NS_PER_JIFFY); }

static inline int64_t click_jiffies_to_ns(uint32_t ticks) { return (int64_t)ticks * CLICK_NS_PER_JIFFY; }

#endif
