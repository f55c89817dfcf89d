/* FromIPSummaryDump: packets from Click's IP summary dump text, line for
 * line as from-ip-summary-dump.ts reads it: `!data`, `!flowid`, `!proto`,
 * `!aggregate` directives, one packet per data line built by ipsum-build.h,
 * MULTIPACKET pieces, SAMPLE, TIMING, and the host's messages. The file is
 * read in 64 KiB chunks into a buffer that is reused. */
#include "cvm.h"
#include "elements/io/io-text.h"
#include "elements/io/pcap-io.h"
#include "elements/io/ipsum.h"
#include "elements/io/ipsum-build.h"
#include "elements/driver/script-text.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define FROM_IPSUM_BURST 32
#define FROM_IPSUM_CHUNK (1 << 16)

/* A text read line by line (line-reader.ts): byte position and line number kept. */
typedef struct IpsumLines {
    int fd;                      /* -1: all the text is in buf already */
    char *buf;
    size_t start, len, cap;      /* unread bytes: buf[start, start + len) */
    uint64_t file_pos, position, line_number;
    int64_t size;                /* -1: unknown */
    int eof, open;
} IpsumLines;

static int ipsum_lines_fill(IpsumLines *r)
{
    if (r->eof || r->fd < 0) return 0;
    if (r->start) {
        memmove(r->buf, r->buf + r->start, r->len);
        r->start = 0;
    }
    if (r->cap - r->len < FROM_IPSUM_CHUNK) {
        size_t cap = r->cap ? r->cap * 2 : 2 * FROM_IPSUM_CHUNK;
        while (cap - r->len < FROM_IPSUM_CHUNK) cap *= 2;
        char *b = realloc(r->buf, cap);
        if (!b) return 0;
        r->buf = b;
        r->cap = cap;
    }
    ssize_t got;
    do got = pread(r->fd, r->buf + r->len, FROM_IPSUM_CHUNK, (off_t)r->file_pos);
    while (got < 0 && errno == EINTR);
    if (got <= 0) {
        r->eof = 1;
        return 0;
    }
    r->file_pos += (uint64_t)got;
    r->len += (size_t)got;
    return 1;
}

/* The next line (without \n, and without \r before it) into line and n,
 * valid until the next call; 0 at the end. peek leaves it in place. */
static int ipsum_lines_next(IpsumLines *r, const char **line, size_t *n, int peek)
{
    size_t scanned = 0;
    for (;;) {
        /* no buffer yet before the first read (an empty file): no pointer arithmetic on NULL */
        char *base = r->buf ? r->buf + r->start : NULL;
        char *nl = r->len > scanned ? memchr(base + scanned, '\n', r->len - scanned) : NULL;
        if (nl) {
            size_t k = (size_t)(nl - base);
            *line = base;
            *n = k && base[k - 1] == '\r' ? k - 1 : k;
            if (!peek) {
                r->start += k + 1;
                r->len -= k + 1;
                r->position += k + 1;
                r->line_number++;
            }
            return 1;
        }
        scanned = r->len;
        if (!ipsum_lines_fill(r)) {
            if (!r->len) return 0;
            *line = r->buf + r->start;
            *n = r->len;
            if (!peek) {
                r->position += r->len;
                r->start += r->len;
                r->len = 0;
                r->line_number++;
            }
            return 1;
        }
    }
}

static void ipsum_lines_close(IpsumLines *r)
{
    if (r->fd >= 0) close(r->fd);
    r->fd = -1;
    free(r->buf);
    r->buf = NULL;
    r->start = r->len = r->cap = 0;
    r->open = 0;
}

struct from_ip_summary_dump {
    CvmElement base;
    CvmTask task;
    CvmTimer timer;
    /* configuration */
    const char *filename;        /* NULL with DATA */
    const char *data;            /* the dump text itself, or NULL */
    uint32_t data_len;
    const char *display_name;
    const int16_t *conf_fields;  /* canonical field ids from FIELDS */
    int nconf_fields;            /* -1: none given */
    const char *flowid_text;     /* NULL: no FLOWID */
    uint32_t sample;
    uint8_t stop, timing, checksum, multipacket, allow_nonexistent, push_mode, can_batch, init_proto;
    /* state */
    uint8_t active, complained, stopped, have_flowid, have_aggregate, have_timing_offset, have_multi;
    IpsumLines reader;
    int16_t *fields;             /* per column: field id or -1 */
    int *order;
    int nfields, fields_cap;
    unsigned default_proto, minor;
    IpsumFlowID flowid;
    uint32_t aggregate;
    int64_t timing_offset;
    Packet *pending;
    int64_t multi_length, multi_delta, multi_end;
    uint64_t count;
    CvmStr line, rest, next, scratch;
    CvmStr *words;               /* one per column, reused line after line */
    int words_cap;
};

static void from_ipsum_warn_at(struct from_ip_summary_dump *e, uint64_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void from_ipsum_warn_at(struct from_ip_summary_dump *e, uint64_t line, const char *fmt, ...)
{
    CvmStr m = { 0 };
    va_list ap;
    va_start(ap, fmt);
    cvm_str_vprintf(&m, fmt, ap);
    va_end(ap);
    cvm_chatter(e->base.name, "%s:%llu: %s", e->display_name, (unsigned long long)line, m.s ? m.s : "");
    cvm_str_free(&m);
}

static uint64_t from_ipsum_line_number(const struct from_ip_summary_dump *e) { return e->reader.open ? e->reader.line_number : 0; }

/* setFields: the columns and their reading order (by field order, then column). */
static int from_ipsum_set_fields(struct from_ip_summary_dump *e, const int16_t *ids, int n)
{
    if (n > e->fields_cap) {
        int16_t *f = realloc(e->fields, (size_t)n * sizeof *f);
        if (!f) return -1;
        e->fields = f;
        int *o = realloc(e->order, (size_t)n * sizeof *o);
        if (!o) return -1;
        e->order = o;
        e->fields_cap = n;
    }
    if (n > e->words_cap) {
        CvmStr *w = realloc(e->words, (size_t)n * sizeof *w);
        if (!w) return -1;
        for (int i = e->words_cap; i < n; i++) w[i] = (CvmStr){ 0 };
        e->words = w;
        e->words_cap = n;
    }
    e->nfields = n;
    for (int i = 0; i < n; i++) e->fields[i] = ids[i], e->order[i] = i;
    /* insertion sort: stable, by order */
    for (int i = 1; i < n; i++) {
        int x = e->order[i], j = i;
        int ox = ids[x] >= 0 ? ipsum_fields[ids[x]].order : 0;
        while (j > 0) {
            int y = e->order[j - 1];
            int oy = ids[y] >= 0 ? ipsum_fields[ids[y]].order : 0;
            if (oy <= ox) break;
            e->order[j] = y;
            j--;
        }
        e->order[j] = x;
    }
    return 0;
}

/* The words of a directive line: trim, split at runs of JavaScript whitespace. */
static int from_ipsum_split(const char *s, size_t n, const char **w, size_t *wl, int max)
{
    ct_trim(s, n, &s, &n);
    int k = 0;
    size_t i = 0;
    if (!n) {
        w[0] = s, wl[0] = 0;
        return 1;
    }
    while (i < n) {
        size_t a = i;
        while (i < n && !ct_js_space(s[i])) i++;
        if (k < max) w[k] = s + a, wl[k] = i - a;
        k++;
        while (i < n && ct_js_space(s[i])) i++;
    }
    return k;
}

static int from_ipsum_parse_proto(const char *t, size_t n)
{
    if (n == 1 && t[0] == 'T') return 6;
    if (n == 1 && t[0] == 'U') return 17;
    if (n == 1 && t[0] == 'I') return 1;
    static const char *const names[] = { "icmp", "igmp", "ipip", "tcp", "udp" };
    static const int values[] = { 1, 2, 4, 6, 17 };
    for (int i = 0; i < 5; i++)
        if (strlen(names[i]) == n && !memcmp(names[i], t, n)) return values[i];
    return io_small_decimal(t, n);
}

static void from_ipsum_bang_proto(struct from_ip_summary_dump *e, const char *word, size_t wn, int nwords, const char *what)
{
    int p = nwords == 2 ? from_ipsum_parse_proto(word, wn) : -1;
    if (nwords != 2) from_ipsum_warn_at(e, from_ipsum_line_number(e), "bad %s", what);
    else if (p < 0) from_ipsum_warn_at(e, from_ipsum_line_number(e), "bad protocol in %s", what);
    else e->default_proto = (unsigned)p;
}

static void from_ipsum_bang_flowid(struct from_ip_summary_dump *e, const char *s, size_t n)
{
    const char *w[8];
    size_t wl[8];
    int k = from_ipsum_split(s, n, w, wl, 8);
    uint32_t src = 0, dst = 0;
    int64_t sport = 0, dport = 0;
    int ok = k >= 5;
    if (ok) {
        ok &= (wl[1] == 1 && w[1][0] == '-') || ipb_ip(w[1], wl[1], &src);
        ok &= (wl[2] == 1 && w[2][0] == '-') || (sport = ipsum_digits_at_most(w[2], wl[2], 65535)) >= 0;
        ok &= (wl[3] == 1 && w[3][0] == '-') || ipb_ip(w[3], wl[3], &dst);
        ok &= (wl[4] == 1 && w[4][0] == '-') || (dport = ipsum_digits_at_most(w[4], wl[4], 65535)) >= 0;
    }
    if (!ok) {
        from_ipsum_warn_at(e, from_ipsum_line_number(e), "bad !flowid specification");
        e->have_flowid = 0;
        return;
    }
    if (wl[1] == 1 && w[1][0] == '-') src = 0;
    if (wl[3] == 1 && w[3][0] == '-') dst = 0;
    if (wl[2] == 1 && w[2][0] == '-') sport = 0;
    if (wl[4] == 1 && w[4][0] == '-') dport = 0;
    e->flowid = (IpsumFlowID){ .src = src, .dst = dst, .sport = (uint16_t)sport, .dport = (uint16_t)dport };
    e->have_flowid = 1;
    if (k >= 6) from_ipsum_bang_proto(e, w[5], wl[5], 2, "!flowid");
}

static void from_ipsum_bang_data(struct from_ip_summary_dump *e, const char *s, size_t n)
{
    const char *t;
    ct_trim(s, n, &t, &n);
    int16_t ids[256];
    int k = 0, words = 0;
    size_t i = 0;
    while (i < n) {
        size_t a = i;
        while (i < n && !ct_js_space(t[i])) i++;
        const char *name = t + a;
        size_t nl = i - a;
        while (i < n && ct_js_space(t[i])) i++;
        if (words++ == 0) continue;   /* the directive itself */
        const char *bare = name;
        size_t bl = nl;
        if (nl >= 2 && name[0] == '"' && name[nl - 1] == '"') bare = name + 1, bl = nl - 2;
        int f = ipsum_find_field(bare, bl);
        if (f < 0) from_ipsum_warn_at(e, from_ipsum_line_number(e), "unknown content type '%.*s'", (int)nl, name);
        else if (!ipsum_fields[f].readable) from_ipsum_warn_at(e, from_ipsum_line_number(e), "content type '%.*s' ignored on input", (int)nl, name);
        if (k < 256) ids[k++] = f >= 0 && ipsum_fields[f].readable ? (int16_t)f : -1;
    }
    if (k == 0) from_ipsum_warn_at(e, from_ipsum_line_number(e), "no contents specified");
    from_ipsum_set_fields(e, ids, k);
}

static int from_ipsum_open(struct from_ip_summary_dump *e, int *err)
{
    IpsumLines *r = &e->reader;
    *r = (IpsumLines){ .fd = -1, .size = -1 };
    if (e->data) {
        r->buf = malloc(e->data_len + 1);
        if (!r->buf) return *err = ENOMEM, -1;
        memcpy(r->buf, e->data, e->data_len);
        r->len = r->cap = e->data_len;
        r->eof = 1;
    } else if (!strcmp(e->filename, "-")) {
        uint8_t *all = NULL;
        uint64_t n = 0;
        int x = io_read_all(0, &all, &n);
        if (x) return *err = x, -1;
        r->buf = (char *)all;
        r->len = r->cap = (size_t)n;
        r->eof = 1;
    } else {
        r->fd = open(io_path(e->filename), O_RDONLY);
        if (r->fd < 0) return *err = errno, -1;
        struct stat st;
        if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode)) r->size = (int64_t)st.st_size;
    }
    r->open = 1;
    return 0;
}

static int from_ip_summary_dump_init(struct from_ip_summary_dump *e, CvmStr *err)
{
    e->default_proto = e->init_proto;
    e->minor = 3;
    e->reader = (IpsumLines){ .fd = -1, .size = -1 };
    if (e->nconf_fields >= 0 && from_ipsum_set_fields(e, e->conf_fields, e->nconf_fields) < 0) return cvm_str_printf(err, "out of memory"), -1;
    if (e->flowid_text) {
        CvmStr l = { 0 };
        cvm_str_printf(&l, "!flowid %s", e->flowid_text);
        from_ipsum_bang_flowid(e, l.s, l.len);
        cvm_str_free(&l);
    }
    if (e->push_mode && e->active) cvm_task_schedule(&e->task);
    int why = 0;
    if (from_ipsum_open(e, &why) < 0) {
        e->reader = (IpsumLines){ .fd = -1, .size = -1 };
        if (e->allow_nonexistent && why == ENOENT) return 0;
        return cvm_str_printf(err, "%s: %s", e->display_name, io_file_error(why)), -1;
    }
    const char *first;
    size_t n;
    if (!ipsum_lines_next(&e->reader, &first, &n, 1)) {
        if (e->allow_nonexistent) return 0;
        return cvm_str_printf(err, "%s: empty file", e->display_name), -1;
    }
    if (n >= 14 && !memcmp(first, "!IPSummaryDump", 14)) {
        /* !IPSummaryDump MAJOR.MINOR */
        size_t i = 14, a, b;
        int matched = 0;
        if (i < n && ct_js_space(first[i])) {
            while (i < n && ct_js_space(first[i])) i++;
            a = i;
            while (i < n && first[i] >= '0' && first[i] <= '9') i++;
            if (i > a && i < n && first[i] == '.') {
                size_t ma = a, mz = i;
                b = ++i;
                while (i < n && first[i] >= '0' && first[i] <= '9') i++;
                if (i > b) {
                    matched = 1;
                    double minor = 0;
                    for (size_t k = b; k < i; k++) minor = minor * 10 + (first[k] - '0');
                    int one = mz - ma == 1 && first[ma] == '1';
                    e->minor = minor > 1000 ? 1000 : (unsigned)minor;
                    if (!one || minor > 3) {
                        from_ipsum_warn_at(e, 1, "unexpected IPSummaryDump version %.*s.%.*s", (int)(mz - ma), first + ma, (int)(i - b), first + b);
                        e->minor = 3;
                    }
                }
            }
        }
        (void)matched;
        ipsum_lines_next(&e->reader, &first, &n, 0);
    } else {
        static const char *const known[] = { "!creator", "!data", "!contents", "!proto", "!flowid" };
        int ok = 0;
        for (int k = 0; k < 5; k++)
            if (n >= strlen(known[k]) && !memcmp(first, known[k], strlen(known[k]))) ok = 1;
        if (!ok && e->nfields == 0) from_ipsum_warn_at(e, 1, "missing banner line; is this an IP summary dump?");
    }
    return 0;
}

static void from_ip_summary_dump_cleanup(struct from_ip_summary_dump *e)
{
    ipsum_lines_close(&e->reader);
    if (e->pending) {
        e->base.stats.dropped++;
        cvm_packet_free(e->pending);
        e->pending = NULL;
    }
    for (int i = 0; i < e->words_cap; i++) cvm_str_free(&e->words[i]);
    free(e->words);
    free(e->fields);
    free(e->order);
    e->words = NULL;
    e->fields = NULL;
    e->order = NULL;
    e->nfields = e->fields_cap = e->words_cap = 0;
    cvm_str_free(&e->line);
    cvm_str_free(&e->scratch);
    cvm_str_free(&e->rest);
    cvm_str_free(&e->next);
}

static uint64_t from_ip_summary_dump_held(struct from_ip_summary_dump *e) { return e->pending ? 1 : 0; }

/* A data line to a packet, or NULL (a parse error, reported once). */
static Packet *from_ipsum_build(struct from_ip_summary_dump *e, const char *line, size_t n)
{
    Packet *p = cvm_packet_alloc(0, 16, 1000);
    if (!p) return NULL;
    IpsumBuilder b = { .p = p, .is_ip = 1, .default_proto = e->default_proto, .minor = e->minor, .flowid = e->have_flowid ? &e->flowid : NULL, .scratch = &e->scratch };
    /* as many words as there are columns; quoted words keep their spaces */
    const char *s = line;
    while (n && ct_js_space(*s)) s++, n--;
    cvm_str_clear(&e->rest);
    cvm_str_append(&e->rest, s, n);
    CvmStr *words = e->words;
    int nwords = 0;
    while (nwords < e->nfields && e->rest.len) {
        st_shift_word(e->rest.s, e->rest.len, &words[nwords], &e->next);
        nwords++;
        cvm_str_clear(&e->rest);
        cvm_str_append(&e->rest, e->next.s ? e->next.s : "", e->next.len);
    }
    int parsed = 0;
    for (int k = 0; k < e->nfields; k++) {
        int i = e->order[k];
        int f = e->fields[i];
        if (f < 0 || i >= nwords || !words[i].len || (words[i].len == 1 && words[i].s[0] == '-')) continue;
        if (!ipsum_fields[f].readable) continue;
        if (ipb_apply(&b, f, words[i].s, words[i].len)) parsed++;
    }
    if (parsed == 0) {
        const char *t;
        size_t tn;
        ct_trim(line, n + (size_t)(s - line), &t, &tn);
        if (!e->complained && tn) {
            from_ipsum_warn_at(e, from_ipsum_line_number(e), "%s", e->nfields == 0 ? "no '!data' provided" : "packet parse error");
            e->complained = 1;
        }
        cvm_packet_free(p);
        return NULL;
    }
    if (e->have_flowid) ipb_make_ip(&b, 0);
    if (b.is_ip && ipb_has_net(&b)) {
        ipb_make_transp(&b);
        int64_t net = ipb_net(&b);
        int64_t ip_len = ipb_u16(&b, net + 2);
        if (!ip_len) {
            ip_len = b.want_len;
            if (ip_len >= net) ip_len -= net;
            if (ip_len > 0xffff) ip_len = 0xffff;
            else if (ip_len == 0) ip_len = ipb_net_len(&b);
            ipb_set16(&b, net + 2, (unsigned)(ip_len & 0xffff));
        }
        int64_t hl = (int64_t)(ipb_u8(&b, net) & 15) << 2;
        if (ipb_u8(&b, net + 9) == 17 && ipb_first_frag(&b) && ipb_has_trans(&b) && ipb_trans_len(&b) >= 6 && !ipb_u16(&b, ipb_trans(&b) + 4))
            ipb_set16(&b, ipb_trans(&b) + 4, (unsigned)((ip_len - hl) & 0xffff));
        cvm_set_dst_ip(p, (uint32_t)ipb_u16(&b, net + 16) << 16 | ipb_u16(&b, net + 18));
        if (e->checksum) {
            if (ip_len > ipb_net_len(&b)) ipb_grow(&b, ip_len - ipb_net_len(&b));
            ipb_set_checksums(&b, net, hl);
        }
    }
    if (b.want_len > (int64_t)p->len) cvm_set_anno_u32(p, CVM_ANNO_EXTRA_LENGTH, (uint32_t)(b.want_len - p->len));
    if (e->have_aggregate) cvm_set_anno_u32(p, CVM_ANNO_AGGREGATE, e->aggregate);
    e->base.stats.created++;
    return p;
}

/* The next packet from the file, or NULL at its end. */
static Packet *from_ipsum_read_packet(struct from_ip_summary_dump *e)
{
    for (;;) {
        const char *line;
        size_t n;
        if (!e->reader.open || !ipsum_lines_next(&e->reader, &line, &n, 0)) return NULL;
        /* the reader's buffer moves on the next read: work on a copy */
        cvm_str_clear(&e->line);
        cvm_str_append(&e->line, line, n);
        line = e->line.s;
        if (n == 0 || line[0] == '#') continue;
        if (line[0] == '!') {
            size_t wl = 0;
            while (wl < n && !ct_js_space(line[wl])) wl++;
            const char *w[3];
            size_t wn[3];
            if ((wl == 5 && !memcmp(line, "!data", 5)) || (wl == 9 && !memcmp(line, "!contents", 9))) from_ipsum_bang_data(e, line, n);
            else if (wl == 7 && !memcmp(line, "!flowid", 7)) from_ipsum_bang_flowid(e, line, n);
            else if (wl == 6 && !memcmp(line, "!proto", 6)) {
                int k = from_ipsum_split(line, n, w, wn, 3);
                from_ipsum_bang_proto(e, k >= 2 ? w[1] : "", k >= 2 ? wn[1] : 0, k, "!proto");
            } else if (wl == 10 && !memcmp(line, "!aggregate", 10)) {
                int k = from_ipsum_split(line, n, w, wn, 3);
                if (k == 2 && ipsum_all_digits(w[1], wn[1])) {
                    e->aggregate = ipsum_digits_u32(w[1], wn[1]);
                    e->have_aggregate = 1;
                } else {
                    from_ipsum_warn_at(e, from_ipsum_line_number(e), "bad !aggregate specification");
                    e->have_aggregate = 0;
                }
            } else if (wl == 7 && !memcmp(line, "!binary", 7)) {
                from_ipsum_warn_at(e, from_ipsum_line_number(e), "binary IP summary dumps are not supported");
                ipsum_lines_close(&e->reader);
                return NULL;
            }
            continue;
        }
        Packet *p = from_ipsum_build(e, line, n);
        if (p) return p;
    }
}

static inline int64_t from_ipsum_time(const Packet *p) { return io_time_ns(p->ts_sec, io_packet_nsec(p)); }

static void from_ipsum_set_time(Packet *p, int64_t ns)
{
    p->ts_sec = ns / IO_NS_PER_SEC;
    p->ts_nsec = (uint32_t)(int32_t)(ns % IO_NS_PER_SEC);
}

/* setIPLength: the IP length (and a UDP length) for `length` bytes on the wire. */
static void from_ipsum_set_ip_length(Packet *p, int64_t length)
{
    if (p->net < 0) return;
    int64_t net = cvm_net_offset(p);
    uint8_t *w = cvm_packet_writable(p);
    if (!w) return;
    int64_t len = p->len;
    int64_t ip_len = length - net < 0xffff ? length - net : 0xffff;
#define FIS_PUT(k, v) do { if ((k) >= 0 && (k) < len) w[k] = (uint8_t)(v); } while (0)
    FIS_PUT(net + 2, ip_len >> 8);
    FIS_PUT(net + 3, ip_len & 255);
    int64_t t = p->trans >= 0 ? (int64_t)p->trans - (int64_t)cvm_headroom(p) : -1;
    if (net + 9 < len && net >= 0 && w[net + 9] == 17 && p->trans >= 0 && t + 6 <= len) {
        int64_t ulen = ip_len - ((int64_t)((net < len ? w[net] : 0) & 15) << 2);
        FIS_PUT(t + 4, ulen >> 8);
        FIS_PUT(t + 5, ulen & 255);
    }
#undef FIS_PUT
}

/* MULTIPACKET: the next piece of a packet standing for several; the rest stays pending. */
static Packet *from_ipsum_next_of_many(struct from_ip_summary_dump *e, Packet *p, CvmOut *out)
{
    uint32_t extra = cvm_anno_u32(p, CVM_ANNO_EXTRA_PACKETS);
    if (!e->have_multi) {
        int64_t n = 1 + (int64_t)extra;
        int64_t length = ((int64_t)p->len + cvm_anno_u32(p, CVM_ANNO_EXTRA_LENGTH)) / n;
        if (length < (int64_t)p->len) length = p->len;
        int64_t end = from_ipsum_time(p);
        uint32_t first_sec = cvm_anno_u32(p, CVM_ANNO_FIRST_TIMESTAMP);
        int64_t first = (int64_t)first_sec * IO_NS_PER_SEC + cvm_anno_u32(p, CVM_ANNO_FIRST_TIMESTAMP + 4);
        e->multi_delta = first_sec ? (end - first) / (n - 1) : 0;
        if (first_sec) from_ipsum_set_time(p, first);
        e->multi_length = length;
        e->multi_end = end;
        e->have_multi = 1;
        from_ipsum_set_ip_length(p, length);
    }
    Packet *one = cvm_clone(out, p);
    if (!one) return NULL;
    cvm_set_anno_u32(one, CVM_ANNO_EXTRA_PACKETS, 0);
    int64_t x = e->multi_length - (int64_t)one->len;
    cvm_set_anno_u32(one, CVM_ANNO_EXTRA_LENGTH, (uint32_t)(x > 0 ? x : 0));
    int64_t left = (int64_t)cvm_anno_u32(p, CVM_ANNO_EXTRA_LENGTH) - e->multi_length;
    if (extra <= 1) {
        cvm_set_anno_u32(p, CVM_ANNO_EXTRA_PACKETS, 0);
        from_ipsum_set_time(p, e->multi_end);
        cvm_set_anno_u32(p, CVM_ANNO_EXTRA_LENGTH, (uint32_t)(left > 0 ? left : 0));
        from_ipsum_set_ip_length(p, (int64_t)p->len + cvm_anno_u32(p, CVM_ANNO_EXTRA_LENGTH));
        e->have_multi = 0;
    } else {
        cvm_set_anno_u32(p, CVM_ANNO_EXTRA_PACKETS, extra - 1);
        cvm_set_anno_u32(p, CVM_ANNO_EXTRA_LENGTH, (uint32_t)(left > 0 ? left : 0));
        from_ipsum_set_time(p, from_ipsum_time(p) + e->multi_delta);
    }
    return one;
}

static void from_ipsum_at_end(struct from_ip_summary_dump *e)
{
    if (e->stopped) return;
    e->stopped = 1;
    if (e->stop) cvm_request_stop();
}

/* Up to max packets in file order: emitted (push, b NULL) or into b (pull).
 * Returns whether there may be more. */
static int from_ipsum_produce(struct from_ip_summary_dump *e, unsigned max, CvmOut *out, PacketBatch *b, unsigned *got)
{
    *got = 0;
    while (*got < max) {
        Packet *p = e->pending;
        e->pending = NULL;
        if (!p) p = from_ipsum_read_packet(e);
        if (!p) {
            from_ipsum_at_end(e);
            return 0;
        }
        if (e->timing) {
            int64_t t = from_ipsum_time(p);
            if (!e->have_timing_offset) {
                e->timing_offset = cvm_now() - t;
                e->have_timing_offset = 1;
            }
            if (cvm_now() < t + e->timing_offset) {
                e->pending = p;
                cvm_timer_schedule_at(&e->timer, t + e->timing_offset);
                return 0;
            }
        }
        if (e->multipacket && cvm_anno_u32(p, CVM_ANNO_EXTRA_PACKETS) > 0) {
            Packet *one = from_ipsum_next_of_many(e, p, out);
            e->pending = p;
            if (!one) return 1;
            p = one;
        }
        if (!io_sampled(e->sample, e->sample < IO_SAMPLING_ONE ? cvm_random32() : 0)) {
            cvm_drop(out, p);
            continue;
        }
        e->count++;
        (*got)++;
        if (b) b->p[b->n++] = p;
        else cvm_emit(out, 0, p);
    }
    return 1;
}

static int from_ip_summary_dump_run_task(struct from_ip_summary_dump *e, CvmIn *in, CvmOut *out)
{
    (void)in;
    if (!e->active) return 0;
    unsigned got;
    int more = from_ipsum_produce(e, e->timing ? ~0u : e->can_batch ? FROM_IPSUM_BURST : 1, out, NULL, &got);
    if (more) cvm_task_schedule(&e->task);
    return got > 0;
}

static void from_ip_summary_dump_run_timer(struct from_ip_summary_dump *e, CvmIn *in, CvmOut *out)
{
    (void)in; (void)out;
    if (e->active && e->push_mode) cvm_task_schedule(&e->task);
}

static void from_ip_summary_dump_pull(struct from_ip_summary_dump *e, int port, PacketBatch *b, unsigned max, CvmIn *in, CvmOut *out)
{
    (void)port; (void)in;
    b->n = 0;
    if (!e->active) return;
    if (max > CVM_BATCH_MAX) max = CVM_BATCH_MAX;
    unsigned got;
    from_ipsum_produce(e, max, out, b, &got);
}

static void from_ip_summary_dump_read_active(struct from_ip_summary_dump *e, CvmStr *o) { cvm_str_printf(o, "%s", ct_bool_text(e->active)); }
static void from_ip_summary_dump_read_encap(struct from_ip_summary_dump *e, CvmStr *o) { (void)e; cvm_str_printf(o, "IP"); }
static void from_ip_summary_dump_read_filesize(struct from_ip_summary_dump *e, CvmStr *o)
{
    if (!e->reader.open || e->reader.size < 0) cvm_str_printf(o, "-");
    else cvm_str_printf(o, "%lld", (long long)e->reader.size);
}
static void from_ip_summary_dump_read_filepos(struct from_ip_summary_dump *e, CvmStr *o) { cvm_str_u64(o, e->reader.open ? e->reader.position : 0); }
static void from_ip_summary_dump_read_sampling_prob(struct from_ip_summary_dump *e, CvmStr *o) { io_format_sampling(o, e->sample); }
static void from_ip_summary_dump_read_count(struct from_ip_summary_dump *e, CvmStr *o) { cvm_str_u64(o, e->count); }

static int from_ip_summary_dump_write_active(struct from_ip_summary_dump *e, const char *v, CvmStr *err)
{
    int b;
    if (ct_parse_bool(v, strlen(v), &b) < 0) return cvm_str_printf(err, "type mismatch"), -1;
    e->active = (uint8_t)b;
    if (b && e->push_mode) cvm_task_schedule(&e->task);
    return 0;
}

static int from_ip_summary_dump_write_stop(struct from_ip_summary_dump *e, const char *v, CvmStr *err)
{
    (void)v; (void)err;
    e->active = 0;
    cvm_request_stop();
    return 0;
}
