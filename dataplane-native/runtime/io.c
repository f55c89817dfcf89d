/* The list of I/O sources (io.h); the waiting is the platform's. */
#include "io.h"
#include <stddef.h>
#ifndef CVM_TARGET_VM
#include <sys/epoll.h>
#include <unistd.h>
#endif

static CvmIoSource *io_head;

#ifndef CVM_TARGET_VM
static int io_ep = -1;

static void io_ep_forget(CvmIoSource *s)
{
    if (!s->ep_registered) return;
    if (io_ep >= 0) epoll_ctl(io_ep, EPOLL_CTL_DEL, s->ep_fd, NULL);   /* EBADF if already closed: gone anyway */
    s->ep_registered = 0;
}
#endif

void cvm_io_add(CvmIoSource *s)
{
    for (CvmIoSource *t = io_head; t; t = t->next)
        if (t == s) return;
    s->next = io_head;
    io_head = s;
}

void cvm_io_remove(CvmIoSource *s)
{
#ifndef CVM_TARGET_VM
    io_ep_forget(s);   /* before its descriptor closes and its number is reused */
#endif
    for (CvmIoSource **pp = &io_head; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            s->next = NULL;
            return;
        }
}

/* Which when_ready sources have something, from an epoll set kept in step
 * with their descriptors: a thousand idle control connections would
 * otherwise cost a thousand recv calls at every poll of the run loop
 * (forwarding fell from 88 to 0.7 Mpps; one poll(2) over them, to 19).
 * Every other source counts as ready. */

static void io_scan_ready(void)
{
#ifndef CVM_TARGET_VM
    int any = 0;
    for (CvmIoSource *s = io_head; s; s = s->next) {
        s->ready = 1;
        if (!s->when_ready) continue;
        if (s->ep_registered && s->ep_fd != s->fd) io_ep_forget(s);
        if (s->fd < 0) continue;
        if (io_ep < 0 && (io_ep = epoll_create1(EPOLL_CLOEXEC)) < 0) continue;   /* no epoll: polled every time, as before */
        unsigned ev = EPOLLIN | (s->want_out ? EPOLLOUT : 0u);
        struct epoll_event e = { .events = ev, .data.ptr = s };
        if (!s->ep_registered) {
            if (epoll_ctl(io_ep, EPOLL_CTL_ADD, s->fd, &e) < 0) continue;
            s->ep_registered = 1;
            s->ep_fd = s->fd;
        } else if (s->ep_events != ev && epoll_ctl(io_ep, EPOLL_CTL_MOD, s->fd, &e) < 0) {
            io_ep_forget(s);
            continue;
        }
        s->ep_events = ev;
        s->ready = 0;
        any = 1;
    }
    if (!any) return;
    /* level-triggered: a source beyond these waits for the next scan */
    struct epoll_event evs[256];
    int n = epoll_wait(io_ep, evs, 256, 0);
    for (int i = 0; i < n; i++) ((CvmIoSource *)evs[i].data.ptr)->ready = 1;
#else
    for (CvmIoSource *s = io_head; s; s = s->next) s->ready = 1;
#endif
}

int cvm_io_poll(void)
{
    int any = 0;
    io_scan_ready();
    /* A poll may remove its own source (a closed connection): take the
     * next link first. */
    for (CvmIoSource *s = io_head, *next; s; s = next) {
        next = s->next;
        if (s->ready && s->poll(s)) any = 1;
    }
    return any;
}

int cvm_io_live(void)
{
    for (CvmIoSource *s = io_head; s; s = s->next)
        if (s->live) return 1;
    return 0;
}

CvmIoSource *cvm_io_sources(void) { return io_head; }

void cvm_io_reset(void)
{
    io_head = NULL;
#ifndef CVM_TARGET_VM
    /* a new run: the old sources' registrations go with the set */
    if (io_ep >= 0) close(io_ep);
    io_ep = -1;
#endif
}
