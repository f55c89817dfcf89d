/* Print: one line per packet on standard error, exactly the host engine's
 * text (print.ts): `LABEL: TIMESTAMP: LENGTH (hH tT) | ANNO | DATA`. The
 * lines of a batch are built by hand into one buffer (allocated at
 * initialization, grown rarely) and written at once, before the packets go
 * on, so they come out where the host's per-packet lines would. */
#include "cvm.h"
#include "elements/io/io-text.h"

enum { PRINT_NONE, PRINT_HEX, PRINT_ASCII };

struct print {
    CvmElement base;
    const char *label;
    uint32_t label_len;
    int32_t max_length;
    uint8_t contents, timestamp, print_anno, headroom;
    uint8_t active;
    /* the lines of one batch */
    char *buf;
    size_t cap, len;
};

static const char print_hex_digits[] = "0123456789abcdef";

static int print_init(struct print *e, CvmStr *err)
{
    e->cap = 1 << 14;
    e->buf = malloc(e->cap);
    if (!e->buf) return cvm_str_printf(err, "out of memory"), -1;
    return 0;
}

static void print_cleanup(struct print *e)
{
    free(e->buf);
    e->buf = NULL;
    e->cap = 0;
}

/* Room for n more bytes (grows rarely: the buffer keeps its size). */
static inline int print_reserve(struct print *e, size_t n)
{
    if (e->len + n <= e->cap) return 1;
    size_t cap = e->cap ? e->cap : 1 << 14;
    while (cap < e->len + n) cap *= 2;
    char *b = realloc(e->buf, cap);
    if (!b) return 0;
    e->buf = b;
    e->cap = cap;
    return 1;
}

static inline char *print_decimal(char *o, uint64_t v)
{
    char tmp[24];
    int k = 0;
    do tmp[k++] = (char)('0' + v % 10); while ((v /= 10));
    while (k) *o++ = tmp[--k];
    return o;
}

/* formatTimestamp into o (at most 48 bytes), as io_format_timestamp. */
static char *print_timestamp(char *o, int64_t sec, int64_t nsec)
{
    int64_t s = sec, n = nsec;
    if (s < 0) {
        *o++ = '-';
        if (n == 0) s = -s;
        else {
            s = -s - 1;
            n = 1000000000 - n;
        }
    }
    o += sprintf(o, "%lld.", (long long)s);
    int width = 9;
    if (n % 1000 == 0) n /= 1000, width = 6;
    char num[24];
    int k = sprintf(num, "%lld", (long long)n);
    for (int i = k; i < width; i++) *o++ = '0';
    memcpy(o, num, (size_t)k);
    return o + k;
}

static void print_line(struct print *e, const Packet *p)
{
    uint32_t len = p->len;
    int64_t bytes = e->contents == PRINT_NONE ? 0 : e->max_length;
    if (bytes < 0 || (int64_t)len < bytes) bytes = len;
    size_t label_len = e->label_len;
    if (!print_reserve(e, label_len + 160 + 2 * CVM_ANNO_SIZE + (size_t)bytes * 3)) return;
    char *o = e->buf + e->len;
    const char *sep = "";
    if (label_len) {
        memcpy(o, e->label, label_len);
        o += label_len;
        sep = ": ";
    }
    if (e->timestamp) {
        o = stpcpy(o, sep);
        o = print_timestamp(o, p->ts_sec, io_packet_nsec(p));
        sep = ": ";
    }
    o = stpcpy(o, sep);
    /* the length right-aligned in 4 columns */
    char num[24];
    char *ne = print_decimal(num, len);
    for (long pad = 4 - (ne - num); pad > 0; pad--) *o++ = ' ';
    memcpy(o, num, (size_t)(ne - num));
    o += ne - num;
    if (e->headroom) {
        o = stpcpy(o, " (h");
        o = print_decimal(o, cvm_headroom(p));
        o = stpcpy(o, " t");
        o = print_decimal(o, cvm_tailroom(p));
        *o++ = ')';
    }
    if (e->print_anno) {
        o = stpcpy(o, " | ");
        for (unsigned i = 0; i < CVM_ANNO_SIZE; i++) {
            *o++ = print_hex_digits[p->anno[i] >> 4];
            *o++ = print_hex_digits[p->anno[i] & 15];
        }
    }
    if (bytes > 0) {
        o = stpcpy(o, " | ");
        const uint8_t *d = p->data;
        if (e->contents == PRINT_HEX) {
            for (int64_t i = 0; i < bytes; i++) {
                if (i && (i & 3) == 0) *o++ = ' ';
                *o++ = print_hex_digits[d[i] >> 4];
                *o++ = print_hex_digits[d[i] & 15];
            }
        } else {
            for (int64_t i = 0; i < bytes; i++) {
                if ((i & 7) == 0) *o++ = ' ';
                *o++ = d[i] < 32 || d[i] > 126 ? '.' : (char)d[i];
            }
        }
    }
    *o++ = '\n';
    e->len = (size_t)(o - e->buf);
}

static inline void print_push(struct print *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    (void)port;
    if (e->active && n) {
        e->len = 0;
        for (unsigned i = 0; i < n; i++) print_line(e, in[i]);
        cvm_write(CVM_STDERR, e->buf, e->len);
    }
    for (unsigned i = 0; i < n; i++) cvm_emit(out, 0, in[i]);
}

static void print_read_active(struct print *e, CvmStr *o) { cvm_str_printf(o, "%s", ct_bool_text(e->active)); }

static int print_write_active(struct print *e, const char *v, CvmStr *err)
{
    int b;
    if (ct_parse_bool(v, strlen(v), &b) < 0) return cvm_str_printf(err, "expected boolean"), -1;
    e->active = (uint8_t)b;
    return 0;
}
