/* ToDump: every packet as a classic pcap record (its first SNAPLEN bytes,
 * its timestamp or the engine time, its length plus the extra-length
 * annotation) into one buffer allocated at initialization and written out
 * when full (1 MiB), at cleanup, or after each packet if UNBUFFERED. Passes
 * packets on if it has an output; with a pull input and none, a task pulls
 * up to 32 per run. FILENAME `-` is standard output. */
#include "cvm.h"
#include "elements/io/pcap-io.h"
#include "elements/io/link-types.h"
#include "elements/io/io-text.h"
#include "elements/driver/handler-call.h"

#define TO_DUMP_FLUSH_AT (1u << 20)
#define TO_DUMP_PULL_BURST 32

struct to_dump {
    CvmElement base;
    CvmTask task;
    /* configuration */
    const char *filename;        /* "-": standard output */
    const char *display_name;    /* "<stdout>" for "-" */
    uint32_t snaplen;            /* 0xffffffff: everything */
    int64_t link_type;           /* -1: from USE_ENCAP_FROM at initialization */
    const char *const *encap_from;
    unsigned nencap_from;
    uint8_t extra_length, nano, unbuffered, pull_task, has_output;
    /* state */
    uint8_t active, to_stdout;
    int fd;
    uint8_t *buf;
    size_t cap, buffered;
    uint64_t count;
};

static void to_dump_flush(struct to_dump *e)
{
    if ((e->fd < 0 && !e->to_stdout) || e->buffered == 0) return;
    size_t n = e->buffered, off = 0;
    e->buffered = 0;
    if (e->to_stdout) {
        cvm_write(CVM_STDOUT, (const char *)e->buf, n);
        return;
    }
    while (off < n) {
        ssize_t w = write(e->fd, e->buf + off, n - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            e->active = 0;
            cvm_chatter(e->base.name, "ToDump(%s): %s", e->display_name, io_file_error(errno));
            return;
        }
        off += (size_t)w;
    }
}

/* Room for n more bytes: flush, or grow the buffer for a record larger than it. */
static int to_dump_reserve(struct to_dump *e, size_t n)
{
    if (e->buffered + n <= e->cap) return 1;
    to_dump_flush(e);
    if (n > e->cap) {
        uint8_t *b = realloc(e->buf, n);
        if (!b) return 0;
        e->buf = b;
        e->cap = n;
    }
    return 1;
}

/* The link type from the sources' `encap` handlers (USE_ENCAP_FROM). */
static int to_dump_encap_from_sources(struct to_dump *e, CvmStr *err)
{
    int64_t first = -1;
    int disagree = 0;
    CvmStr texts = { 0 }, v = { 0 }, why = { 0 };
    int r = 0;
    for (unsigned i = 0; i < e->nencap_from && r == 0; i++) {
        const char *name = e->encap_from[i];
        CvmStr path = { 0 };
        cvm_str_printf(&path, "%s.encap", name);
        cvm_str_clear(&v);
        if (hc_read(e->base.name, path.s, &v, &why) < 0) {
            cvm_str_printf(err, "'%s' has no 'encap' read handler", name);
            r = -1;
        } else {
            const char *t;
            size_t n;
            ct_trim(v.s ? v.s : "", v.len, &t, &n);
            int64_t dlt = io_parse_encap(t, n);
            if (dlt < 0) {
                cvm_str_printf(err, "'%s.encap' did not return a valid encapsulation type", name);
                r = -1;
            } else {
                if (i == 0) first = dlt;
                else if (dlt != first) disagree = 1;
                cvm_str_printf(&texts, "%s%s has %.*s", i ? ", " : "", name, (int)n, t);
            }
        }
        cvm_str_free(&path);
    }
    if (r == 0 && disagree) {
        cvm_str_printf(err, "source encapsulation types disagree: %s", texts.s);
        r = -1;
    }
    if (r == 0) e->link_type = first;
    cvm_str_free(&texts);
    cvm_str_free(&v);
    cvm_str_free(&why);
    return r;
}

/* Hot reconfiguration: can `e` go on writing `old`'s file (a ToDump of the
 * same file, link type, snaplen and format, still open)? Then it neither
 * opens the file again (that would truncate it) nor writes a header. */
static int to_dump_continues(const struct to_dump *e, const struct to_dump *old)
{
    return old && old->active && (old->fd >= 0 || old->to_stdout) && !strcmp(e->filename, old->filename) && e->link_type == old->link_type &&
           e->snaplen == old->snaplen && e->nano == old->nano;
}

static int to_dump_init(struct to_dump *e, CvmStr *err)
{
    e->fd = -1;
    if (e->nencap_from && to_dump_encap_from_sources(e, err) < 0) return -1;
    if (to_dump_continues(e, cvm_hotswap_predecessor(&e->base))) {
        /* take_state brings the file, its buffer and the count */
        e->active = 1;
        if (e->pull_task) cvm_task_schedule(&e->task);
        return 0;
    }
    if (!strcmp(e->filename, "-")) e->to_stdout = 1;
    else {
        e->fd = open(io_path(e->filename), O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (e->fd < 0) return cvm_str_printf(err, "%s: %s", e->filename, io_file_error(errno)), -1;
    }
    e->buf = malloc(TO_DUMP_FLUSH_AT);
    if (!e->buf) return cvm_str_printf(err, "out of memory"), -1;
    e->cap = TO_DUMP_FLUSH_AT;
    e->active = 1;
    io_pcap_file_header(e->buf, (uint32_t)e->link_type, e->snaplen, e->nano);
    e->buffered = 24;
    if (e->unbuffered) to_dump_flush(e);
    if (e->pull_task) cvm_task_schedule(&e->task);
    return 0;
}

/* Hot reconfiguration (to-dump.ts's takeState): the open file with what is buffered for it, and the count. */
static void to_dump_take_state(struct to_dump *e, struct to_dump *old, CvmHotswap *hs)
{
    (void)hs;
    if (e->fd >= 0 || e->to_stdout || e->buf || !to_dump_continues(e, old)) return;
    e->fd = old->fd;
    e->to_stdout = old->to_stdout;
    e->buf = old->buf;
    e->cap = old->cap;
    e->buffered = old->buffered;
    e->count = old->count;
    old->fd = -1;
    old->to_stdout = 0;
    old->buf = NULL;
    old->cap = old->buffered = 0;
    old->active = 0;
}

static void to_dump_cleanup(struct to_dump *e)
{
    to_dump_flush(e);
    if (e->fd > 2) close(e->fd);
    e->fd = -1;
    e->to_stdout = 0;
    free(e->buf);
    e->buf = NULL;
    e->cap = e->buffered = 0;
}

static inline void to_dump_write(struct to_dump *e, const Packet *p)
{
    if (!e->active) return;
    int64_t sec = p->ts_sec;
    int64_t nsec = io_packet_nsec(p);
    if (sec == 0 && nsec == 0) {
        int64_t now = cvm_now();
        sec = now / IO_NS_PER_SEC;
        nsec = now % IO_NS_PER_SEC;
    }
    uint32_t len = p->len;
    uint32_t caplen = len < e->snaplen ? len : e->snaplen;
    uint32_t wire = len + (e->extra_length ? cvm_anno_u32(p, CVM_ANNO_EXTRA_LENGTH) : 0);
    if (!to_dump_reserve(e, 16 + (size_t)caplen)) return;
    uint8_t *at = e->buf + e->buffered;
    io_pcap_record_header(at, (uint32_t)sec, (uint32_t)(e->nano ? nsec : io_floor_div(nsec, 1000)), caplen, wire);
    memcpy(at + 16, p->data, caplen);
    e->buffered += 16 + (size_t)caplen;
    e->count++;
    if (e->unbuffered) to_dump_flush(e);
}

static inline void to_dump_push(struct to_dump *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) to_dump_write(e, in[i]);
    if (e->has_output)
        for (unsigned i = 0; i < n; i++) cvm_emit(out, 0, in[i]);
    else
        for (unsigned i = 0; i < n; i++) cvm_consume(out, in[i]);
}

static void to_dump_pull(struct to_dump *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port; (void)out;
    cvm_pull(in, 0, b, max);
    for (unsigned i = 0; i < b->n; i++) to_dump_write(e, b->p[i]);
}

static int to_dump_run_task(struct to_dump *e, CvmIn *in, CvmOut *out)
{
    if (!e->active) return 0;
    PacketBatch b;
    cvm_pull(in, 0, &b, TO_DUMP_PULL_BURST);
    for (unsigned i = 0; i < b.n; i++) {
        to_dump_write(e, b.p[i]);
        cvm_consume(out, b.p[i]);
    }
    cvm_task_schedule(&e->task);
    return b.n > 0;
}

static void to_dump_read_count(struct to_dump *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void to_dump_read_filename(struct to_dump *e, CvmStr *o) { cvm_str_printf(o, "%s", e->display_name); }

static int to_dump_write_reset_counts(struct to_dump *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    return 0;
}
