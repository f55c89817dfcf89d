/* Packets crossing between two libraries' pools (hotswap.h). */
#include "hotswap.h"

#include "control.h"
#include "io.h"
#include "sched.h"
#include <stdlib.h>

static void hotswap_free_packet(Packet *p) { cvm_packet_free(p); }

int cvm_hotconfig_enabled;
static CvmStr hot_text;
static int hot_state;             /* 0: none; 1: text waiting for the driver; 2: under way */
static CvmControl *hot_waiter;

static CvmControl *hotswap_waiter(void) { return hot_waiter; }

static void hotswap_forget(void) { hot_waiter = NULL; }

static const CvmHotswapOps hotswap_ops = { hotswap_free_packet, cvm_io_remove, hotswap_waiter, hotswap_forget };

static void **hot_preds;
static int hot_npreds;

void *cvm_hotswap_predecessor(const CvmElement *e) { return e->index >= 0 && e->index < hot_npreds ? hot_preds[e->index] : NULL; }

void cvm_hotswap_set_predecessor(int e, void *old)
{
    if (e < 0) return;
    if (e >= hot_npreds) {
        void **p = realloc(hot_preds, (size_t)(e + 1) * sizeof *p);
        if (!p) return;
        for (int i = hot_npreds; i <= e; i++) p[i] = NULL;
        hot_preds = p;
        hot_npreds = e + 1;
    }
    hot_preds[e] = old;
}

void cvm_hotswap_clear_predecessors(void)
{
    free(hot_preds);
    hot_preds = NULL;
    hot_npreds = 0;
}

int cvm_hotconfig_request(const char *text, size_t n, CvmControl *waiter, CvmStr *err)
{
    if (hot_state) {
        cvm_str_printf(err, "a reconfiguration is already under way; write again once it has replied");
        return -1;
    }
    cvm_str_clear(&hot_text);
    cvm_str_append(&hot_text, text, n);
    hot_state = 1;
    hot_waiter = waiter;
    cvm_request_yield();
    return 0;
}

const CvmStr *cvm_hotconfig_pending(void) { return hot_state == 1 ? &hot_text : NULL; }

void cvm_hotconfig_taken(void)
{
    if (hot_state == 1) hot_state = 2;
    cvm_str_free(&hot_text);
}

void cvm_hotconfig_done(int ok, const char *msg)
{
    CvmControl *w = hot_waiter;
    hot_waiter = NULL;
    hot_state = 0;
    cvm_str_free(&hot_text);
    if (w) cvm_control_resume(w, ok, msg);
}

void cvm_hotconfig_adopt(CvmControl *waiter)
{
    hot_waiter = waiter;
    hot_state = 2;
}

void cvm_hotconfig_forget_waiter(const CvmControl *c)
{
    if (c && hot_waiter == c) hot_waiter = NULL;
}

const CvmHotswapOps *cvm_hotswap_ops(void) { return &hotswap_ops; }

Packet *cvm_hotswap_packet(CvmHotswap *hs, Packet *old)
{
    uint32_t head = (uint32_t)(old->data - old->buf->head);
    uint32_t tail = old->buf->size - head - old->len;
    Packet *p = cvm_packet_alloc(old->len, head, tail);
    if (p) {
        memcpy(p->buf->head, old->buf->head, (size_t)head + old->len);
        p->mac = old->mac;
        p->net = old->net;
        p->trans = old->trans;
        p->ts_sec = old->ts_sec;
        p->ts_nsec = old->ts_nsec;
        p->pkt_type = old->pkt_type;
        memcpy(p->anno, old->anno, sizeof p->anno);
    } else {
        cvm_str_printf(hs->err, "out of packet memory: a packet was lost\n");
    }
    hs->old->free_packet(old);
    return p;
}
