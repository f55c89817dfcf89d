/* The list of I/O sources (io.h); the waiting is the platform's. */
#include "io.h"
#include <stddef.h>

static CvmIoSource *io_head;

void cvm_io_add(CvmIoSource *s)
{
    for (CvmIoSource *t = io_head; t; t = t->next)
        if (t == s) return;
    s->next = io_head;
    io_head = s;
}

void cvm_io_remove(CvmIoSource *s)
{
    for (CvmIoSource **pp = &io_head; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            s->next = NULL;
            return;
        }
}

int cvm_io_poll(void)
{
    int any = 0;
    /* A poll may remove its own source (a closed connection): take the
     * next link first. */
    for (CvmIoSource *s = io_head, *next; s; s = next) {
        next = s->next;
        if (s->poll(s)) any = 1;
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

void cvm_io_reset(void) { io_head = NULL; }
