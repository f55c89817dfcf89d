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
struct CvmIoSource;
struct CvmControl;

typedef struct CvmHotswapOps {
    void (*free_packet)(Packet *p);
    /* Take an I/O source (a ControlSocket's listener or connection) off the old library's run loop. */
    void (*io_remove)(struct CvmIoSource *s);
    /* The connection whose `WRITE hotconfig` waits for its reply there (NULL: none), and forgetting it. */
    struct CvmControl *(*hotconfig_waiter)(void);
    void (*hotconfig_forget)(void);
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

/* The old library's element this one will take state from (NULL: none),
 * known from before initialization on (NativeDriver sets it): an element
 * whose resource the old one holds (a ControlSocket's listening socket)
 * waits for take_state instead of opening it again. */
void *cvm_hotswap_predecessor(const CvmElement *e);
void cvm_hotswap_set_predecessor(int e, void *old);
void cvm_hotswap_clear_predecessors(void);

/* The `hotconfig` global handler (clickvm run -R): written through a
 * ControlSocket, the text waits here for the driver (NativeDriver), the
 * run loop yields at the next step, and the writer's connection waits for
 * its reply (cvm_hotconfig_done), the router forwarding meanwhile. One
 * reconfiguration at a time: a second write while one is under way is
 * refused. */
extern int cvm_hotconfig_enabled;
int cvm_hotconfig_request(const char *text, size_t n, struct CvmControl *waiter, CvmStr *err);
/* The text waiting for the driver, or NULL; taking it marks it under way. */
const CvmStr *cvm_hotconfig_pending(void);
void cvm_hotconfig_taken(void);
/* The reconfiguration ended: reply to the waiting writer (200, or 520 with `msg`). */
void cvm_hotconfig_done(int ok, const char *msg);
/* The waiting connection, adopted from the old library (after its ControlSocket moved here). */
void cvm_hotconfig_adopt(struct CvmControl *waiter);
/* A connection closes: if it was the waiting one, its reply has no one to go to. */
void cvm_hotconfig_forget_waiter(const struct CvmControl *c);

#endif
