/* I/O sources: things outside the router graph that the run loop serves
 * between task steps — a control channel's connections, a device whose
 * receive ring fills from outside. A source's poll does the work waiting
 * for it (accepting a client, answering a command) and says whether
 * anything happened; a live source keeps an otherwise idle router running,
 * waiting for input instead of ending the run. The waiting itself is the
 * platform's: poll(2) on the sources' descriptors on Linux (io-posix.c),
 * spinning over the sources' poll calls in the VM (vm-image/). */
#ifndef CVM_IO_H
#define CVM_IO_H

#include <stdint.h>

typedef struct CvmIoSource {
    /* Serve whatever is waiting; nonzero if anything happened. */
    int (*poll)(struct CvmIoSource *s);
    int fd;                      /* a descriptor to wait on (POSIX); -1: none */
    int live;                    /* keeps an idle run from ending */
    int want_out;                /* also wake when fd is writable (output waits to go out) */
    int when_ready;              /* POSIX: poll only when fd (if any) is readable, or writable with want_out */
    int ready;                   /* set by cvm_io_poll's readiness scan */
    int ep_registered, ep_fd;    /* io.c's epoll registration of a when_ready source */
    unsigned ep_events;
    struct CvmIoSource *next;    /* the registered sources */
} CvmIoSource;

void cvm_io_add(CvmIoSource *s);
void cvm_io_remove(CvmIoSource *s);
/* Poll every source once; nonzero if any had something. */
int cvm_io_poll(void);
/* Is any live source registered? */
int cvm_io_live(void);
/* The registered sources, for the platform's wait. */
CvmIoSource *cvm_io_sources(void);
/* Platform: block until a source may have input or engine time reaches
 * `until` (ns; -1: no limit). Spurious returns are allowed. */
void cvm_io_wait(int64_t until);
void cvm_io_reset(void);

#endif
