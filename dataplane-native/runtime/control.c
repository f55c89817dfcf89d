/* The ControlSocket protocol over a byte stream (control.h). Input is kept
 * until a command can run whole: its line, and the data it announces
 * (READDATA/WRITEDATA/LLRPC n bytes, READUNTIL/WRITEUNTIL lines up to the
 * terminator). Replies for one command are gathered and written at once. */
#include "control.h"
#include "router.h"
#include "hotswap.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>

enum {
    CS_OK = 200,
    CS_SYNTAX = 500,
    CS_UNIMPLEMENTED = 501,
    CS_NO_ELEMENT = 510,
    CS_NO_HANDLER = 511,
    CS_HANDLER_ERROR = 520,
    CS_DATA_TOO_BIG = 521,
    CS_PERMISSION = 530,
    CS_NO_ROUTER = 540,
};

/* What a command's parse says about the input it needs. */
enum { CS_RUN_DONE = 0, CS_RUN_MORE = 1, CS_RUN_CLOSE = -1 };

struct CvmControl {
    CvmControlWrite out;
    void *ctx;
    unsigned flags;
    CvmStr in;          /* received, not yet consumed from `pos` */
    size_t pos;
    size_t scan;        /* a pending *UNTIL command: where the terminator search resumes */
    size_t skip;        /* bytes of refused oversized data still to discard */
    int eof, closed;
    int parked;         /* a WRITE hotconfig waits for its reply (cvm_control_resume); later commands wait */
    int cr_tail;        /* the current line ends in a CR that is the last byte received */
    CvmStr reply;       /* replies of the command being run */
};

#define CS_MAX_WORDS 4

struct cs_words {
    int n;
    const char *w[CS_MAX_WORDS];
    size_t len[CS_MAX_WORDS];
    const char *rest2;  /* the line from the third word on, trailing blanks cut */
    size_t rest2_len;
};

static void cs_split_words(const char *line, size_t len, struct cs_words *ws)
{
    ws->n = 0;
    ws->rest2 = NULL;
    ws->rest2_len = 0;
    size_t end = len;
    while (end && isspace((unsigned char)line[end - 1])) end--;
    for (size_t i = 0; i < end;) {
        while (i < end && isspace((unsigned char)line[i])) i++;
        size_t first = i;
        while (i < end && !isspace((unsigned char)line[i])) i++;
        if (first == i) break;
        if (ws->n == 2 && !ws->rest2) {
            ws->rest2 = line + first;
            ws->rest2_len = end - first;
        }
        if (ws->n < CS_MAX_WORDS) {
            ws->w[ws->n] = line + first;
            ws->len[ws->n] = i - first;
        }
        ws->n++;
    }
}

/* One cs_message line: `code text` (or `code-text` when more follow), with
 * bytes that would break the line framing shown as Click's printable()
 * does, so a handler's cs_message cannot forge a reply. */
static void cs_message(CvmControl *c, int code, int more, const char *text, size_t n)
{
    cvm_str_printf(&c->reply, "%d%c", code, more ? '-' : ' ');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch >= 32 && ch < 127) cvm_str_append(&c->reply, (const char *)&ch, 1);
        else if (ch < 32) cvm_str_printf(&c->reply, "^%c", ch + 64);
        else cvm_str_printf(&c->reply, "\\%03o", ch);
    }
    cvm_str_append(&c->reply, "\r\n", 2);
}

static int cs_messagef(CvmControl *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int cs_messagef(CvmControl *c, int code, const char *fmt, ...)
{
    CvmStr s = { 0 };
    va_list ap;
    va_start(ap, fmt);
    cvm_str_vprintf(&s, fmt, ap);
    va_end(ap);
    cs_message(c, code, 0, s.s ? s.s : "", s.len);
    cvm_str_free(&s);
    return CS_RUN_DONE;
}

/* A summary line, then the handler's cs_message a line per line of it
 * (Click's transfer_messages). */
static void cs_error_lines(CvmControl *c, int code, const char *summary, const CvmStr *msg)
{
    size_t n = msg->len;
    while (n && msg->s[n - 1] == '\n') n--;
    if (!n) {
        cs_message(c, code, 0, summary, strlen(summary));
        return;
    }
    CvmStr head = { 0 };
    cvm_str_printf(&head, "%s:", summary);
    cs_message(c, code, 1, head.s, head.len);
    cvm_str_free(&head);
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(msg->s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - msg->s) : n;
        cs_message(c, code, e < n, msg->s + i, e - i);
        i = e + 1;
    }
}

/* A handler named by the client. */
struct cs_target {
    int element;        /* -1: global */
    char hname[256];
    const char *full;   /* as the client wrote it, for messages */
    int full_len;
};

/* Resolve `e.h`, `N.h`, `.h`, `0.h` or `h`; a reply is queued on failure. */
static int cs_parse_handler(CvmControl *c, const char *name, size_t len, struct cs_target *t)
{
    t->full = name;
    t->full_len = (int)len;
    if (!cvm_router_ready) {
        cs_messagef(c, CS_NO_ROUTER, "No router installed");
        return -1;
    }
    const char *dot = memchr(name, '.', len);
    const char *h = dot ? dot + 1 : name;
    t->element = -1;
    /* `h`, `.h` and `0.h` are global handlers */
    if (dot && !(dot == name || (dot == name + 1 && name[0] == '0'))) {
        size_t elen = (size_t)(dot - name);
        int e = cvm_element_index(name, elen);
        if (e < 0) {
            /* Click: an element may be named by its index, from 1 */
            char num[16];
            char *end;
            if (elen < sizeof num) {
                memcpy(num, name, elen);
                num[elen] = 0;
                long v = strtol(num, &end, 10);
                if (isdigit((unsigned char)num[0]) && !*end && v > 0 && v <= cvm_router.nelements) e = (int)v - 1;
            }
        }
        if (e < 0) {
            cs_messagef(c, CS_NO_ELEMENT, "No element named '%.*s'", (int)elen, name);
            return -1;
        }
        t->element = e;
    }
    size_t hl = len - (size_t)(h - name);
    if (hl >= sizeof t->hname || memchr(h, 0, hl)) {
        cs_messagef(c, CS_NO_HANDLER, "No handler named '%.*s'", t->full_len, t->full);
        return -1;
    }
    memcpy(t->hname, h, hl);
    t->hname[hl] = 0;
    if (!cvm_handler_access(t->element, t->hname)) {
        cs_messagef(c, CS_NO_HANDLER, "No handler named '%.*s'", t->full_len, t->full);
        return -1;
    }
    return 0;
}

/* A C string of `n` bytes (handlers take NUL-terminated text). */
static char *cs_dup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) {
        fprintf(stderr, "clickvm: out of memory\n");
        exit(1);
    }
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static int cs_read_command(CvmControl *c, const char *hname, size_t hlen, const char *param, size_t plen, int has_param)
{
    struct cs_target t;
    if (cs_parse_handler(c, hname, hlen, &t) < 0) return CS_RUN_DONE;
    if (!(cvm_handler_access(t.element, t.hname) & CVM_HANDLER_READ))
        return cs_messagef(c, CS_PERMISSION, "Handler '%.*s' write-only", t.full_len, t.full);
    char *p = has_param ? cs_dup(param, plen) : NULL;
    CvmStr val = { 0 };
    int r = cvm_read_element_handler(t.element, t.hname, p, &val);
    free(p);
    CvmStr summary = { 0 };
    if (r < 0) {
        cvm_str_printf(&summary, "Read handler '%.*s' error", t.full_len, t.full);
        cs_error_lines(c, CS_HANDLER_ERROR, summary.s, &val);
    } else {
        cvm_str_printf(&summary, "Read handler '%.*s' OK", t.full_len, t.full);
        cs_message(c, CS_OK, 0, summary.s, summary.len);
        cvm_str_printf(&c->reply, "DATA %zu\r\n", val.len);
        if (val.len) cvm_str_append(&c->reply, val.s, val.len);
    }
    cvm_str_free(&summary);
    cvm_str_free(&val);
    return CS_RUN_DONE;
}

static int cs_write_command(CvmControl *c, const char *hname, size_t hlen, const char *value, size_t vlen)
{
    struct cs_target t;
    if (cs_parse_handler(c, hname, hlen, &t) < 0) return CS_RUN_DONE;
    if (!(cvm_handler_access(t.element, t.hname) & CVM_HANDLER_WRITE))
        return cs_messagef(c, CS_PERMISSION, "Handler '%.*s' read-only", t.full_len, t.full);
    if (c->flags & CVM_CONTROL_READONLY)
        return cs_messagef(c, CS_PERMISSION, "Permission denied for '%.*s'", t.full_len, t.full);
    CvmStr err = { 0 };
    if (t.element < 0 && cvm_hotconfig_enabled && !strcmp(t.hname, "hotconfig")) {
        /* compiled by the driver while the router runs on: the reply comes later */
        if (cvm_hotconfig_request(value, vlen, c, &err) == 0) c->parked = 1;
        else cs_error_lines(c, CS_HANDLER_ERROR, "Write handler 'hotconfig' error", &err);
        cvm_str_free(&err);
        return CS_RUN_DONE;
    }
    char *v = cs_dup(value, vlen);
    int r = cvm_write_element_handler(t.element, t.hname, v, &err);
    free(v);
    CvmStr summary = { 0 };
    if (r < 0) {
        cvm_str_printf(&summary, "Write handler '%.*s' error", t.full_len, t.full);
        cs_error_lines(c, CS_HANDLER_ERROR, summary.s, &err);
    } else {
        cvm_str_printf(&summary, "Write handler '%.*s' OK", t.full_len, t.full);
        cs_message(c, CS_OK, 0, summary.s, summary.len);
    }
    cvm_str_free(&summary);
    cvm_str_free(&err);
    return CS_RUN_DONE;
}

static int cs_check_command(CvmControl *c, const char *hname, size_t hlen, int write)
{
    struct cs_target t;
    if (cs_parse_handler(c, hname, hlen, &t) < 0) return CS_RUN_DONE;
    int ok = cvm_handler_access(t.element, t.hname) & (write ? CVM_HANDLER_WRITE : CVM_HANDLER_READ);
    if (ok && write && (c->flags & CVM_CONTROL_READONLY))
        return cs_messagef(c, CS_PERMISSION, "Permission denied for '%.*s'", t.full_len, t.full);
    if (ok) return cs_messagef(c, CS_OK, "%s handler '%.*s' OK", write ? "Write" : "Read", t.full_len, t.full);
    return cs_messagef(c, CS_NO_HANDLER, "Handler '%.*s' not %s", t.full_len, t.full, write ? "writable" : "readable");
}

/* LLRPCs are binary calls into C++ elements; clickvm's elements have none,
 * so a well-formed call is refused as Click refuses an LLRPC it cannot
 * marshal. */
static int cs_llrpc_command(CvmControl *c, const char *name, size_t len)
{
    const char *hash = memchr(name, '#', len);
    size_t digits = hash ? len - (size_t)(hash - name) - 1 : 0;
    int hex = hash && digits > 0 && digits <= 8;
    for (size_t i = 0; hex && i < digits; i++) hex = isxdigit((unsigned char)hash[1 + i]) != 0;
    if (!hex) return cs_messagef(c, CS_SYNTAX, "Syntax error in LLRPC name '%.*s'", (int)len, name);
    struct cs_target t;
    CvmStr h = { 0 };
    cvm_str_printf(&h, "%.*s.name", (int)(hash - name), name);
    int r = cs_parse_handler(c, h.s, h.len, &t);
    cvm_str_free(&h);
    if (r < 0) return CS_RUN_DONE;
    return cs_messagef(c, CS_UNIMPLEMENTED, "Cannot call LLRPC '%.*s' remotely", (int)len, name);
}

static int cs_parse_count(const char *s, size_t n, size_t *out)
{
    if (!n || n > 12) return -1;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static int cs_word_is(const struct cs_words *ws, int i, const char *w)
{
    return ws->n > i && ws->len[i] == strlen(w) && !strncasecmp(ws->w[i], w, ws->len[i]);
}

/* Data announced by a count: CS_RUN_MORE until all of it is here; refused
 * (and skipped as it arrives) beyond the limit. On success *data points at
 * it and it is consumed. */
static int cs_take_counted(CvmControl *c, size_t body, size_t n, const char **data, const char *what, const struct cs_words *ws)
{
    /* a line ended by a CR that ends the input: its LF may still come, and
     * would otherwise be taken as the first byte of the data */
    if (n && c->cr_tail && body == c->in.len && !c->eof) return CS_RUN_MORE;
    if (n > CVM_CONTROL_MAX_DATA) {
        c->pos = body;
        c->skip = n;
        cs_messagef(c, CS_DATA_TOO_BIG, "Data too large for %s '%.*s' (%zu bytes, limit %u)", what, (int)ws->len[1], ws->w[1], n,
                 CVM_CONTROL_MAX_DATA);
        *data = NULL;   /* refused, the reply is queued */
        return CS_RUN_DONE;
    }
    if (c->in.len - body < n) return CS_RUN_MORE;
    *data = c->in.s + body;
    c->pos = body + n;
    return CS_RUN_DONE;
}

/* Lines after the command up to the terminator line (trailing blanks of
 * both ignored); the body excludes the terminator line. */
static int cs_take_until(CvmControl *c, size_t body, const char *term, size_t tlen, size_t *blen)
{
    size_t s = c->scan > body ? c->scan : body;
    const char *buf = c->in.s;
    for (;;) {
        size_t lb = s, le = s;
        while (s < c->in.len && buf[s] != '\n' && buf[s] != '\r') {
            if (!isspace((unsigned char)buf[s])) le = s + 1;
            s++;
        }
        if (s == c->in.len) {
            c->scan = lb;
            return CS_RUN_MORE;
        }
        if (buf[s] == '\r' && s + 1 < c->in.len && buf[s + 1] == '\n') s += 2;
        else if (buf[s] == '\r' && s + 1 == c->in.len && !c->eof) {
            c->scan = lb;   /* a CR whose LF may still come */
            return CS_RUN_MORE;
        } else s++;
        if (le - lb == tlen && !memcmp(buf + lb, term, tlen)) {
            *blen = lb - body;
            c->pos = s;
            c->scan = 0;
            return CS_RUN_DONE;
        }
    }
}

/* Run the command on `line` (its bytes end where the body starts). */
static int cs_run_command(CvmControl *c, const char *line, size_t len, size_t body)
{
    struct cs_words ws;
    cs_split_words(line, len, &ws);
    if (ws.n == 0) return CS_RUN_DONE;
    if (cs_word_is(&ws, 0, "READ") || cs_word_is(&ws, 0, "GET") || cs_word_is(&ws, 0, "WRITE") || cs_word_is(&ws, 0, "SET")) {
        if (ws.n < 2) return cs_messagef(c, CS_SYNTAX, "Wrong number of arguments");
        int reading = ws.w[0][0] == 'R' || ws.w[0][0] == 'r' || ws.w[0][0] == 'G' || ws.w[0][0] == 'g';
        if (reading) return cs_read_command(c, ws.w[1], ws.len[1], ws.rest2, ws.rest2_len, ws.n > 2);
        return cs_write_command(c, ws.w[1], ws.len[1], ws.rest2 ? ws.rest2 : "", ws.rest2_len);
    }
    if (cs_word_is(&ws, 0, "READDATA") || cs_word_is(&ws, 0, "WRITEDATA") || cs_word_is(&ws, 0, "SETDATA")) {
        if (ws.n != 3) return cs_messagef(c, CS_SYNTAX, "Wrong number of arguments");
        size_t n;
        if (cs_parse_count(ws.w[2], ws.len[2], &n) < 0) return cs_messagef(c, CS_SYNTAX, "Syntax error in '%.*s'", (int)ws.len[0], ws.w[0]);
        const char *data = NULL;
        int reading = ws.w[0][0] == 'R' || ws.w[0][0] == 'r';
        int r = cs_take_counted(c, body, n, &data, reading ? "read handler" : "write handler", &ws);
        if (r != CS_RUN_DONE || !data) return r;
        /* handlers take NUL-terminated text */
        char *copy = cs_dup(data, n);
        if (reading) cs_read_command(c, ws.w[1], ws.len[1], copy, n, n > 0);
        else cs_write_command(c, ws.w[1], ws.len[1], copy, n);
        free(copy);
        return CS_RUN_DONE;
    }
    if (cs_word_is(&ws, 0, "READUNTIL") || cs_word_is(&ws, 0, "WRITEUNTIL")) {
        if (ws.n < 2) return cs_messagef(c, CS_SYNTAX, "Wrong number of arguments");
        size_t blen;
        int r = cs_take_until(c, body, ws.rest2 ? ws.rest2 : "", ws.rest2_len, &blen);
        if (r != CS_RUN_DONE) return r;
        char *copy = cs_dup(c->in.s + body, blen);
        if (ws.w[0][0] == 'R' || ws.w[0][0] == 'r') cs_read_command(c, ws.w[1], ws.len[1], copy, blen, blen > 0);
        else cs_write_command(c, ws.w[1], ws.len[1], copy, blen);
        free(copy);
        return CS_RUN_DONE;
    }
    if (cs_word_is(&ws, 0, "CHECKREAD") || cs_word_is(&ws, 0, "CHECKWRITE")) {
        if (ws.n != 2) return cs_messagef(c, CS_SYNTAX, "Wrong number of arguments");
        return cs_check_command(c, ws.w[1], ws.len[1], ws.len[0] == 10);
    }
    if (cs_word_is(&ws, 0, "LLRPC")) {
        if (ws.n != 2 && ws.n != 3) return cs_messagef(c, CS_SYNTAX, "Wrong number of arguments");
        size_t n = 0;
        if (ws.n == 3 && cs_parse_count(ws.w[2], ws.len[2], &n) < 0) return cs_messagef(c, CS_SYNTAX, "Syntax error in 'LLRPC'");
        const char *data = NULL;
        int r = cs_take_counted(c, body, n, &data, "LLRPC", &ws);
        if (r != CS_RUN_DONE || !data) return r;
        return cs_llrpc_command(c, ws.w[1], ws.len[1]);
    }
    if (cs_word_is(&ws, 0, "QUIT") || cs_word_is(&ws, 0, "CLOSE")) {
        if (ws.n != 1) cs_messagef(c, CS_SYNTAX, "Bad command syntax");
        cs_messagef(c, CS_OK, "Goodbye!");
        return CS_RUN_CLOSE;
    }
    if (cs_word_is(&ws, 0, "HELP")) {
        static const char *const lines[] = {
            "Commands:",
            "READ handler [param...]   read a handler, reply DATA n and its value",
            "READDATA handler n        read a handler with the n bytes that follow as parameter",
            "READUNTIL handler [term]  read a handler with the lines up to term as parameter",
            "WRITE handler [value...]  write a handler",
            "WRITEDATA handler n       write the n bytes that follow to a handler",
            "WRITEUNTIL handler [term] write the lines up to term to a handler",
            "CHECKREAD handler         is the handler readable?",
            "CHECKWRITE handler        is the handler writable?",
            "QUIT                      close the connection",
        };
        unsigned n = sizeof lines / sizeof lines[0];
        for (unsigned i = 0; i < n; i++) cs_message(c, CS_OK, i + 1 < n, lines[i], strlen(lines[i]));
        return CS_RUN_DONE;
    }
    /* uppercase in the cs_message, as Click reports the command */
    char cmd[31];
    size_t cl = ws.len[0] < sizeof cmd ? ws.len[0] : sizeof cmd;
    for (size_t i = 0; i < cl; i++) cmd[i] = (char)toupper((unsigned char)ws.w[0][i]);
    /* built with lengths, not %s: a command can hold NUL bytes, shown as ^@ like any control byte */
    CvmStr m = { 0 };
    cvm_str_append(&m, "Command '", 9);
    cvm_str_append(&m, cmd, cl);
    if (cl < ws.len[0]) cvm_str_append(&m, "...", 3);
    cvm_str_append(&m, "' unimplemented", 15);
    cs_message(c, CS_UNIMPLEMENTED, 0, m.s, m.len);
    cvm_str_free(&m);
    return CS_RUN_DONE;
}

static void cs_flush_reply(CvmControl *c)
{
    if (c->reply.len) c->out(c->ctx, c->reply.s, c->reply.len);
    cvm_str_clear(&c->reply);
}

CvmControl *cvm_control_new(CvmControlWrite out, void *ctx, unsigned flags)
{
    CvmControl *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->out = out;
    c->ctx = ctx;
    c->flags = flags;
    static const char banner[] = "Click::ControlSocket/1.3\r\n";
    out(ctx, banner, sizeof banner - 1);
    return c;
}

/* Run every command the input holds whole. */
static int cs_process(CvmControl *c)
{
    while (!c->closed && !c->parked) {
        if (c->skip) {
            size_t have = c->in.len - c->pos, k = have < c->skip ? have : c->skip;
            c->pos += k;
            c->skip -= k;
            if (c->skip) break;
            continue;
        }
        if (c->pos == c->in.len) break;
        const char *start = c->in.s + c->pos;
        size_t avail = c->in.len - c->pos;
        const char *cr = memchr(start, '\r', avail), *lf = memchr(start, '\n', avail);
        const char *end = !cr ? lf : !lf ? cr : cr < lf ? cr : lf;
        size_t body;
        c->cr_tail = end && *end == '\r' && end + 1 == start + avail;
        if (end) {
            body = (size_t)(end - c->in.s) + (*end == '\r' && end[1] == '\n' ? 2 : 1);
        } else if (c->eof) {
            end = start + avail;
            body = c->in.len;
        } else {
            if (avail > CVM_CONTROL_MAX_DATA) {
                cs_messagef(c, CS_SYNTAX, "Line too long (limit %u bytes)", CVM_CONTROL_MAX_DATA);
                c->closed = 1;
            }
            break;
        }
        size_t line_at = c->pos;
        int r = cs_run_command(c, start, (size_t)(end - start), body);
        if (r == CS_RUN_MORE) {
            if (c->eof) {
                cs_messagef(c, CS_SYNTAX, "Not enough data");
                c->closed = 1;
            } else if (c->in.len - line_at > CVM_CONTROL_MAX_DATA + (body - line_at)) {
                cs_messagef(c, CS_DATA_TOO_BIG, "Data too large (limit %u bytes)", CVM_CONTROL_MAX_DATA);
                c->closed = 1;
            }
            c->pos = line_at;
            break;
        }
        /* commands without data leave pos at the line; those with data moved it */
        if (c->pos == line_at) c->pos = body;
        c->scan = 0;
        cs_flush_reply(c);
        if (r == CS_RUN_CLOSE) c->closed = 1;
    }
    cs_flush_reply(c);
    /* drop what was consumed, so the buffer holds one pending command at most */
    if (c->pos) {
        memmove(c->in.s, c->in.s + c->pos, c->in.len - c->pos);
        if (c->scan) c->scan -= c->pos;
        c->in.len -= c->pos;
        c->in.s[c->in.len] = 0;
        c->pos = 0;
    }
    if (c->eof && !c->parked) c->closed = 1;
    return c->closed ? -1 : 0;
}

int cvm_control_input(CvmControl *c, const char *data, size_t n)
{
    if (c->closed) return -1;
    if (!data && !n) c->eof = 1;
    else if (n) cvm_str_append(&c->in, data, n);
    return cs_process(c);
}

int cvm_control_busy(const CvmControl *c) { return c->parked; }

int cvm_control_closed(const CvmControl *c) { return c->closed; }

void cvm_control_resume(CvmControl *c, int ok, const char *msg)
{
    if (!c->parked) return;
    c->parked = 0;
    if (ok) {
        cs_messagef(c, CS_OK, "Write handler 'hotconfig' OK");
    } else {
        CvmStr m = { 0 };
        cvm_str_printf(&m, "%s", msg ? msg : "");
        cs_error_lines(c, CS_HANDLER_ERROR, "Write handler 'hotconfig' error", &m);
        cvm_str_free(&m);
    }
    cs_flush_reply(c);
    cs_process(c);   /* the commands that came meanwhile */
}

void cvm_control_rebind(CvmControl *c, CvmControlWrite out, void *ctx)
{
    c->out = out;
    c->ctx = ctx;
}

void cvm_control_free(CvmControl *c)
{
    if (!c) return;
    cvm_hotconfig_forget_waiter(c);
    cvm_str_free(&c->in);
    cvm_str_free(&c->reply);
    free(c);
}
