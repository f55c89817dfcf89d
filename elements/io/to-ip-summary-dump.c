/* ToIPSummaryDump: one text line of the chosen fields per packet (`-` where
 * a field does not apply), after the `!IPSummaryDump 1.3`, `!creator` and
 * `!data` header lines, as to-ip-summary-dump.ts writes them: BAD_PACKETS
 * `!bad` lines, MULTIPACKET lines, lengths with the extra-length
 * annotation. Text is buffered (64 KiB) and written to the file or, for
 * `-`, to standard output a whole line at a time. */
#include "cvm.h"
#include "elements/io/io-text.h"
#include "elements/io/ipsum.h"
#include "elements/driver/script-text.h"
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#define TO_IPSUM_FLUSH_AT (1 << 16)
#define TO_IPSUM_PULL_BURST 32

struct to_ip_summary_dump {
    CvmElement base;
    CvmTask task;
    /* configuration */
    const char *filename;        /* "-": standard output */
    const int16_t *fields;
    unsigned nfields;
    const char *banner;          /* NULL: no !creator line */
    uint32_t banner_len;
    uint8_t header, verbose, bad_packets, careful, extra_length, multipacket, needs_ip, pull_task, has_output;
    /* state */
    int fd;
    uint64_t count;
    CvmStr pending, bad, line;
};

static void to_ipsum_flush(struct to_ip_summary_dump *e)
{
    if (!e->pending.len) return;
    if (e->fd >= 0) {
        size_t off = 0;
        while (off < e->pending.len) {
            ssize_t w = write(e->fd, e->pending.s + off, e->pending.len - off);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                cvm_chatter(e->base.name, "%s: %s", e->filename, io_file_error(errno));
                break;
            }
            off += (size_t)w;
        }
        cvm_str_clear(&e->pending);
        return;
    }
    /* standard output: whole lines */
    size_t whole = e->pending.len;
    while (whole && e->pending.s[whole - 1] != '\n') whole--;
    if (!whole) return;
    cvm_write(CVM_STDOUT, e->pending.s, whole);
    memmove(e->pending.s, e->pending.s + whole, e->pending.len - whole);
    e->pending.len -= whole;
    e->pending.s[e->pending.len] = 0;
}

static void to_ipsum_out(struct to_ip_summary_dump *e, const char *s, size_t n)
{
    cvm_str_append(&e->pending, s, n);
    if (e->fd < 0 || e->pending.len >= TO_IPSUM_FLUSH_AT) to_ipsum_flush(e);
}

/* JavaScript's Date.prototype.toString() for the !runtime line. */
static void to_ipsum_date_text(CvmStr *o, int64_t ns)
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    int64_t ms = ns / 1000000;
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    const char *zone = tm.tm_gmtoff == 0 && (!tm.tm_zone || !strcmp(tm.tm_zone, "UTC") || !strcmp(tm.tm_zone, "GMT")) ? "Coordinated Universal Time" : tm.tm_zone;
    cvm_str_printf(o, "%s %s %02d %04d %02d:%02d:%02d GMT%c%02ld%02ld (%s)", days[tm.tm_wday], months[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900,
                   tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60, off % 60, zone ? zone : "");
}

static int to_ip_summary_dump_init(struct to_ip_summary_dump *e, CvmStr *err)
{
    e->fd = -1;
    if (strcmp(e->filename, "-")) {
        e->fd = open(io_path(e->filename), O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (e->fd < 0) return cvm_str_printf(err, "%s: %s", e->filename, io_file_error(errno)), -1;
    }
    if (e->header) {
        CvmStr h = { 0 };
        cvm_str_printf(&h, "!IPSummaryDump 1.3\n");
        if (e->banner) {
            cvm_str_append(&h, "!creator ", 9);
            st_quote_append(e->banner, e->banner_len, &h);
            cvm_str_append(&h, "\n", 1);
        }
        if (e->verbose) {
            char host[256] = "";
            gethostname(host, sizeof host - 1);
            int64_t now = cvm_now();
            cvm_str_printf(&h, "!host %s\n!runtime ", host);
            io_format_timestamp_ns(&h, now);
            cvm_str_append(&h, " (", 2);
            to_ipsum_date_text(&h, now);
            cvm_str_append(&h, ")\n", 2);
        }
        cvm_str_append(&h, "!data", 5);
        for (unsigned i = 0; i < e->nfields; i++) cvm_str_printf(&h, " %s", ipsum_fields[e->fields[i]].name);
        cvm_str_append(&h, "\n", 1);
        to_ipsum_out(e, h.s, h.len);
        cvm_str_free(&h);
    }
    if (e->pull_task) cvm_task_schedule(&e->task);
    return 0;
}

static void to_ip_summary_dump_cleanup(struct to_ip_summary_dump *e)
{
    to_ipsum_flush(e);
    if (e->fd >= 0) close(e->fd);
    e->fd = -1;
    cvm_str_free(&e->pending);
    cvm_str_free(&e->bad);
    cvm_str_free(&e->line);
}

/* The line (and any !bad line before it) for one packet. */
static void to_ipsum_summarize(struct to_ip_summary_dump *e, const Packet *p)
{
    IpsumDesc d;
    ipsum_desc_init(&d, p, e->bad_packets, e->careful, e->extra_length, &e->bad);
    if (e->needs_ip) ipsum_prepare(&d);
    cvm_str_clear(&e->line);
    for (unsigned i = 0; i < e->nfields; i++) {
        if (i) cvm_str_append(&e->line, " ", 1);
        if (!ipsum_write_field(&d, e->fields[i], &e->line)) cvm_str_append(&e->line, "-", 1);
    }
    cvm_str_append(&e->line, "\n", 1);
    if (d.have_bad) {
        cvm_str_append(&e->bad, "\n", 1);
        to_ipsum_out(e, e->bad.s, e->bad.len);
    }
    to_ipsum_out(e, e->line.s, e->line.len);
}

static void to_ipsum_set_time(Packet *p, int64_t ns)
{
    p->ts_sec = ns / IO_NS_PER_SEC;
    p->ts_nsec = (uint32_t)(int32_t)(ns % IO_NS_PER_SEC);
}

static void to_ipsum_write(struct to_ip_summary_dump *e, Packet *p)
{
    uint32_t extra_packets = cvm_anno_u32(p, CVM_ANNO_EXTRA_PACKETS);
    if (!e->multipacket || extra_packets == 0) {
        to_ipsum_summarize(e, p);
        e->count++;
        return;
    }
    /* one line per packet the aggregate stands for: lengths split evenly, times stepped */
    int64_t n = 1 + (int64_t)extra_packets, len = p->len;
    int64_t total = len + (e->extra_length ? cvm_anno_u32(p, CVM_ANNO_EXTRA_LENGTH) : 0);
    if (total < n * len) total = n * len;
    uint32_t saved_extra = cvm_anno_u32(p, CVM_ANNO_EXTRA_LENGTH);
    int64_t saved_sec = p->ts_sec;
    uint32_t saved_nsec = p->ts_nsec;
    int64_t end = io_time_ns(p->ts_sec, io_packet_nsec(p));
    uint32_t first_sec = cvm_anno_u32(p, CVM_ANNO_FIRST_TIMESTAMP);
    int64_t first = (int64_t)first_sec * IO_NS_PER_SEC + cvm_anno_u32(p, CVM_ANNO_FIRST_TIMESTAMP + 4);
    int64_t delta = first_sec ? (end - first) / (n - 1) : 0;
    if (first_sec) to_ipsum_set_time(p, first);
    cvm_set_anno_u32(p, CVM_ANNO_EXTRA_PACKETS, 0);
    for (int64_t i = n; i > 0; i--) {
        int64_t l = total / i;
        cvm_set_anno_u32(p, CVM_ANNO_EXTRA_LENGTH, (uint32_t)(l - len));
        total -= l;
        to_ipsum_summarize(e, p);
        e->count++;
        if (i == 1) to_ipsum_set_time(p, end);
        else to_ipsum_set_time(p, io_time_ns(p->ts_sec, io_packet_nsec(p)) + delta);
    }
    cvm_set_anno_u32(p, CVM_ANNO_EXTRA_PACKETS, extra_packets);
    cvm_set_anno_u32(p, CVM_ANNO_EXTRA_LENGTH, saved_extra);
    p->ts_sec = saved_sec;
    p->ts_nsec = saved_nsec;
}

static inline void to_ip_summary_dump_push(struct to_ip_summary_dump *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    for (unsigned i = 0; i < n; i++) to_ipsum_write(e, in[i]);
    if (e->has_output)
        for (unsigned i = 0; i < n; i++) cvm_emit(out, 0, in[i]);
    else
        for (unsigned i = 0; i < n; i++) cvm_consume(out, in[i]);
}

static int to_ip_summary_dump_run_task(struct to_ip_summary_dump *e, CvmIn *in, CvmOut *out)
{
    PacketBatch b;
    cvm_pull(in, 0, &b, TO_IPSUM_PULL_BURST);
    if (b.n) to_ip_summary_dump_push(e, 0, b.p, b.n, out);
    cvm_task_schedule(&e->task);
    return b.n > 0;
}

static int to_ip_summary_dump_write_flush(struct to_ip_summary_dump *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    to_ipsum_flush(e);
    return 0;
}

static void to_ip_summary_dump_read_count(struct to_ip_summary_dump *e, CvmStr *o) { cvm_str_u64(o, e->count); }
