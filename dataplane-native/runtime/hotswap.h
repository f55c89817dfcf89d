/* Hot reconfiguration between two compiled configurations loaded in one
 * process (dataplane-native/native-driver.ts): the new library's elements
 * take the state of the old library's elements of the same name and class
 * (the same C struct, compiled from the same headers). Each library has its
 * own packet pool, so a packet crosses by copy: cvm_hotswap_packet makes one
 * in this library's pool with the same bytes, headroom, tailroom, header
 * offsets, timestamp and annotations, and frees the old one through the old
 * library's own free function. */
#ifndef CVM_HOTSWAP_H
#define CVM_HOTSWAP_H

#include "packet.h"
#include "element.h"
#include "str.h"

/* What a library offers the one that replaces it. */
typedef struct CvmHotswapOps {
    void (*free_packet)(Packet *p);
} CvmHotswapOps;

typedef struct CvmHotswap {
    const CvmHotswapOps *old;
    CvmStr *err;                 /* problems (warnings: the swap goes on) */
} CvmHotswap;

/* This library's ops, for the next library. */
const CvmHotswapOps *cvm_hotswap_ops(void);

/* `old` (the old library's packet) copied into this pool, `old` freed there;
 * NULL when this pool is out of memory (then `old` is freed all the same). */
Packet *cvm_hotswap_packet(CvmHotswap *hs, Packet *old);

/* `n` packets moved from `old` to `e`: created here, consumed there, so both
 * routers' accounting balances. */
static inline void cvm_hotswap_took(CvmElement *e, CvmElement *old, uint64_t n)
{
    e->stats.created += n;
    old->stats.consumed += n;
}

#endif
