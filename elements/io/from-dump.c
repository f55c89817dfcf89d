/* FromDump: packets from a pcap or pcapng capture, in file order, as the
 * host engine's element (from-dump.ts) emits them: one per task run, or up
 * to 32 when this is the only task (canBatch), or as many as are due under
 * TIMING; time window, SAMPLE, FORCE_IP and the end action as there. The
 * file is read through pcap-io.h's window; packets are copied out of it. */
#include "cvm.h"
#include "elements/io/pcap-io.h"
#include "elements/io/link-types.h"
#include "elements/io/io-text.h"
#include "elements/driver/handler-call.h"

#define FROM_DUMP_BURST 32
#define FROM_DUMP_RECORDS_PER_RUN (FROM_DUMP_BURST * 16)

enum { FROM_DUMP_END_ABSOLUTE, FROM_DUMP_END_AFTER_FIRST, FROM_DUMP_END_AFTER_START };
enum { FROM_DUMP_ACTION_NONE, FROM_DUMP_ACTION_STOP, FROM_DUMP_ACTION_DEACTIVATE, FROM_DUMP_ACTION_CALL };
enum { FROM_DUMP_READ_PACKET, FROM_DUMP_READ_SKIP, FROM_DUMP_READ_END, FROM_DUMP_READ_PAUSED };

struct from_dump {
    CvmElement base;
    CvmTask task;
    CvmTimer timer;
    /* configuration */
    const char *filename;        /* as configured; "-" is standard input */
    const char *display_name;    /* "<stdin>" for "-" */
    int64_t start, end;          /* ns: absolute, or offsets (see the modes) */
    uint64_t filepos_init;
    uint32_t sample;             /* 28-bit fixed point */
    uint8_t timing, force_ip, push_mode, two_outputs, can_batch;
    uint8_t has_start, start_relative, has_end, end_mode, end_action;
    const char *end_path, *end_value;
    /* state */
    uint8_t active, open, forcing, end_reached, damaged;
    uint8_t have_first_time, first_relative, have_last_time, last_relative, last_interval, have_any_times;
    IoPcapReader reader;
    Packet *pending;             /* read, waiting for its time (TIMING) */
    uint64_t count, packet_filepos;
    int64_t link_type;
    int64_t first_time, last_time, timing_offset;
    CvmStr msg;
};

static void from_dump_set_active(struct from_dump *e, int active)
{
    e->active = (uint8_t)active;
    if (active) {
        e->end_reached = 0;
        if (e->push_mode) cvm_task_schedule(&e->task);
    }
}

static void from_dump_drop_pending(struct from_dump *e)
{
    if (!e->pending) return;
    e->base.stats.dropped++;
    cvm_packet_free(e->pending);
    e->pending = NULL;
}

/* Move to a file offset; -1 with the message if it is past the end. */
static int from_dump_seek(struct from_dump *e, uint64_t pos, CvmStr *err)
{
    if (!e->open) return 0;
    if (pos > e->reader.src.size) return cvm_str_printf(err, "FILEPOS out of range"), -1;
    io_pcap_seek(&e->reader, pos);
    e->damaged = 0;
    from_dump_drop_pending(e);
    e->end_reached = 0;
    return 0;
}

static int from_dump_init(struct from_dump *e, CvmStr *err)
{
    e->link_type = -1;
    e->first_time = e->has_start ? e->start : 0;
    e->have_first_time = e->has_start;
    e->first_relative = !e->has_start || e->start_relative;
    e->last_time = e->has_end ? e->end : 0;
    e->have_last_time = e->has_end;
    e->last_relative = e->end_mode == FROM_DUMP_END_AFTER_FIRST;
    e->last_interval = e->end_mode == FROM_DUMP_END_AFTER_START;
    e->forcing = e->force_ip;
    CvmStr why = { 0 };
    if (io_pcap_open(&e->reader, e->filename, &why) < 0) {
        cvm_str_printf(err, "%s: %s", e->display_name, why.s ? why.s : "");
        cvm_str_free(&why);
        return -1;
    }
    cvm_str_free(&why);
    e->open = 1;
    e->link_type = io_canonical_link_type(e->reader.link_type);
    if (e->force_ip && !io_can_force_ip(e->link_type))
        return cvm_str_printf(err, "%s: unknown linktype %lld; can't force IP packets", e->filename, (long long)e->link_type), -1;
    if (e->link_type == IO_DLT_RAW) e->forcing = 1;
    if (e->filepos_init && from_dump_seek(e, e->filepos_init, err) < 0) return -1;
    if (e->push_mode && e->active) cvm_task_schedule(&e->task);
    return 0;
}

/* Hot reconfiguration (from-dump.ts's takeState): a FromDump of the same
 * file goes on from where the old one stood (the open reader, its position,
 * a packet waiting for its time), with its count and timing. */
static void from_dump_take_state(struct from_dump *e, struct from_dump *old, CvmHotswap *hs)
{
    if (!old->open || strcmp(e->filename, old->filename) != 0) return;
    if (e->open) io_pcap_close(&e->reader);
    e->reader = old->reader;
    e->open = 1;
    old->open = 0;
    memset(&old->reader, 0, sizeof old->reader);
    if (old->pending) {
        cvm_hotswap_took(&e->base, &old->base, 1);
        Packet *p = cvm_hotswap_packet(hs, old->pending);
        old->pending = NULL;
        from_dump_drop_pending(e);
        if (p) e->pending = p;
        else e->base.stats.dropped++;
    }
    e->link_type = old->link_type;
    e->forcing = old->forcing;
    e->count = old->count;
    e->packet_filepos = old->packet_filepos;
    e->end_reached = old->end_reached;
    e->damaged = old->damaged;
    e->first_time = old->first_time;
    e->have_first_time = old->have_first_time;
    e->first_relative = old->first_relative;
    e->last_time = old->last_time;
    e->have_last_time = old->have_last_time;
    e->last_relative = old->last_relative;
    e->last_interval = old->last_interval;
    e->have_any_times = old->have_any_times;
    e->timing_offset = old->timing_offset;
}

static void from_dump_cleanup(struct from_dump *e)
{
    if (e->open) io_pcap_close(&e->reader);
    e->open = 0;
    from_dump_drop_pending(e);
    cvm_str_free(&e->msg);
}

static uint64_t from_dump_held(struct from_dump *e) { return e->pending ? 1 : 0; }

/* The `stop` handler and STOP's end action: go inactive, ask the driver to stop. */
static void from_dump_stop_driver(struct from_dump *e)
{
    from_dump_set_active(e, 0);
    cvm_request_stop();
}

static void from_dump_end_action(struct from_dump *e)
{
    switch (e->end_action) {
    case FROM_DUMP_ACTION_STOP:
        from_dump_stop_driver(e);
        break;
    case FROM_DUMP_ACTION_DEACTIVATE:
        from_dump_set_active(e, 0);
        break;
    case FROM_DUMP_ACTION_CALL:
        hc_end_call(e->base.name, e->end_path, e->end_value);
        break;
    default:
        break;
    }
}

static void from_dump_at_end(struct from_dump *e)
{
    if (e->end_reached) return;
    e->end_reached = 1;
    from_dump_end_action(e);
}

/* The time window is made absolute at the first packet, as Click does. */
static void from_dump_prepare_times(struct from_dump *e, int64_t ts)
{
    if (e->first_relative) e->first_time = io_add_ns(e->first_time, ts);
    if (e->last_relative) e->last_time = io_add_ns(e->last_time, ts);
    else if (e->last_interval) e->last_time = io_add_ns(e->last_time, e->first_time);
    if (e->timing) e->timing_offset = cvm_now() - ts;
    e->have_any_times = 1;
}

/* Read the next record into *out: the time window and sampling applied. */
static int from_dump_read(struct from_dump *e, Packet **out)
{
    if (e->damaged) return FROM_DUMP_READ_END;
    IoPcapRecord rec;
    cvm_str_clear(&e->msg);
    int r = io_pcap_next(&e->reader, &rec, &e->msg);
    if (r == IO_PCAP_END) return FROM_DUMP_READ_END;
    if (r == IO_PCAP_DAMAGED) {
        cvm_chatter(e->base.name, "%s: %s", e->display_name, e->msg.s ? e->msg.s : "");
        e->damaged = 1;
        return FROM_DUMP_READ_END;
    }
    e->packet_filepos = rec.filepos;
    int64_t ts = io_time_ns(rec.ts_sec, rec.ts_nsec);
    if (!e->have_any_times) from_dump_prepare_times(e, ts);
    if (e->have_first_time) {
        if (ts < e->first_time) return FROM_DUMP_READ_SKIP;
        e->have_first_time = 0;
    }
    if (e->have_last_time && ts >= e->last_time) {
        e->have_last_time = 0;
        from_dump_end_action(e);
        if (!e->active) return FROM_DUMP_READ_PAUSED;
        if (e->have_last_time && ts >= e->last_time) return FROM_DUMP_READ_SKIP;
    }
    if (e->sample < IO_SAMPLING_ONE && !io_sampled(e->sample, cvm_random32())) return FROM_DUMP_READ_SKIP;
    Packet *p = cvm_packet_make(rec.data, rec.len);
    if (!p) return FROM_DUMP_READ_SKIP;
    e->base.stats.created++;
    p->ts_sec = rec.ts_sec;
    p->ts_nsec = rec.ts_nsec;
    if (rec.orig_len > rec.len) cvm_set_anno_u32(p, CVM_ANNO_EXTRA_LENGTH, rec.orig_len - rec.len);
    cvm_set_mac(p, 0);
    *out = p;
    return FROM_DUMP_READ_PACKET;
}

/* Under TIMING: whether the packet's time has come; if not, wake up then. */
static int from_dump_due(struct from_dump *e, const Packet *p)
{
    int64_t at = io_add_ns(io_time_ns(p->ts_sec, io_packet_nsec(p)), e->timing_offset);
    if (cvm_now() >= at) return 1;
    cvm_timer_schedule_at(&e->timer, at);
    return 0;
}

/* Emit up to `max` packets: to output 0 (push mode, b NULL) or into b (pull
 * mode); non-IP packets under FORCE_IP go to output 1 or are dropped.
 * Returns whether to run again soon. */
static int from_dump_produce(struct from_dump *e, unsigned max, CvmOut *out, PacketBatch *b)
{
    unsigned emitted = 0;
    for (unsigned records = 0; emitted < max; records++) {
        if (records >= FROM_DUMP_RECORDS_PER_RUN) return 1;
        if (!e->pending) {
            Packet *q = NULL;
            int r = from_dump_read(e, &q);
            if (r == FROM_DUMP_READ_SKIP) continue;
            if (r == FROM_DUMP_READ_PAUSED) break;
            if (r == FROM_DUMP_READ_END) {
                from_dump_at_end(e);
                return 0;
            }
            e->pending = q;
        }
        Packet *p = e->pending;
        if (e->timing && !from_dump_due(e, p)) return 0;
        e->pending = NULL;
        if (e->forcing && !io_force_ip(p, e->link_type)) {
            if (e->two_outputs) cvm_emit(out, 1, p);
            else cvm_drop(out, p);
            continue;
        }
        e->count++;
        emitted++;
        if (b) b->p[b->n++] = p;
        else cvm_emit(out, 0, p);
    }
    return e->active;
}

static int from_dump_run_task(struct from_dump *e, CvmIn *in, CvmOut *out)
{
    (void)in;
    if (!e->active || !e->open) return 0;
    uint64_t before = e->base.stats.out;
    unsigned burst = e->timing ? ~0u : e->can_batch ? FROM_DUMP_BURST : 1;
    int more = from_dump_produce(e, burst, out, NULL);
    if (more) cvm_task_schedule(&e->task);
    return e->base.stats.out > before || more;
}

static void from_dump_run_timer(struct from_dump *e, CvmIn *in, CvmOut *out)
{
    (void)in; (void)out;
    if (e->active && e->push_mode) cvm_task_schedule(&e->task);
}

static void from_dump_pull(struct from_dump *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port; (void)in;
    b->n = 0;
    if (!e->active || !e->open) return;
    if (max > CVM_BATCH_MAX) max = CVM_BATCH_MAX;
    from_dump_produce(e, max, out, b);
}

/* --- handlers ------------------------------------------------------------ */

static void from_dump_read_count(struct from_dump *e, CvmStr *o) { cvm_str_u64(o, e->count); }
static void from_dump_read_active(struct from_dump *e, CvmStr *o) { cvm_str_printf(o, "%s", ct_bool_text(e->active)); }
static void from_dump_read_encap(struct from_dump *e, CvmStr *o) { io_encap_name(o, e->link_type); }
static void from_dump_read_filename(struct from_dump *e, CvmStr *o) { cvm_str_printf(o, "%s", e->display_name); }
static void from_dump_read_packet_filepos(struct from_dump *e, CvmStr *o) { cvm_str_u64(o, e->packet_filepos); }
static void from_dump_read_sampling_prob(struct from_dump *e, CvmStr *o) { io_format_sampling(o, e->sample); }

static void from_dump_read_filesize(struct from_dump *e, CvmStr *o)
{
    if (!strcmp(e->filename, "-") || !e->open) cvm_str_printf(o, "-");
    else cvm_str_u64(o, e->reader.src.size);
}

static void from_dump_read_filepos(struct from_dump *e, CvmStr *o) { cvm_str_u64(o, e->open ? e->reader.position : 0); }

static int from_dump_write_reset_counts(struct from_dump *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->count = 0;
    return 0;
}

static int from_dump_write_active(struct from_dump *e, const char *v, CvmStr *err)
{
    int b;
    if (ct_parse_bool(v, strlen(v), &b) < 0) return cvm_str_printf(err, "type mismatch"), -1;
    from_dump_set_active(e, b);
    return 0;
}

static int from_dump_write_filepos(struct from_dump *e, const char *v, CvmStr *err)
{
    int64_t pos;
    if (ct_parse_integer_in(v, strlen(v), 0, CT_MAX_SAFE_INTEGER, &pos) < 0) return cvm_str_printf(err, "argument must be file offset"), -1;
    return from_dump_seek(e, (uint64_t)pos, err);
}

static int from_dump_write_stop(struct from_dump *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    from_dump_stop_driver(e);
    return 0;
}

static int from_dump_write_extend_interval(struct from_dump *e, const char *v, CvmStr *err)
{
    int64_t ns;
    if (io_parse_interval(v, &ns) < 0) return cvm_str_printf(err, "'extend_interval' takes a time interval"), -1;
    e->last_time = io_add_ns(e->last_time, ns);
    if (e->end_action != FROM_DUMP_ACTION_NONE) {
        e->have_last_time = 1;
        from_dump_set_active(e, 1);
    }
    return 0;
}

static int from_dump_write_reset_timing(struct from_dump *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->first_relative = 0;
    e->last_relative = e->last_interval = 0;
    e->have_any_times = 0;
    return 0;
}
