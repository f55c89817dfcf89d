/* What Click's IPRouteTable gives every routing-table element in C, as the
 * host engine's elements/routing/ip-route-table.ts does: routes in Click's
 * text form, the add/set/remove/ctrl write handlers (ctrl atomic, rolled
 * back on the first error), the lookup handler's text, and the "no route"
 * line. The tables themselves (linear, radix) live in their element files
 * and plug in through IprOps. */
#ifndef CVM_IP_ROUTE_H
#define CVM_IP_ROUTE_H

#include "cvm.h"
#include "click-values.h"
#include "ip-text.h"

/* A route: destination prefix (address masked), gateway (0: none), output
 * port (-1: unspecified, for removals; IPR_KILLED: an empty table slot). */
typedef struct IprRoute {
    uint32_t addr, mask, gw;
    int32_t port;
} IprRoute;

#define IPR_KILLED INT32_MIN

enum { IPR_OK = 0, IPR_EEXIST = 1, IPR_ENOENT = 2 };
enum { IPR_ADD, IPR_SET, IPR_REMOVE };

/* A table's changes. `old` is filled (and *has_old set) with the route
 * replaced, removed or in conflict, as the host engine's ChangeOutcome. */
typedef struct IprOps {
    int (*add)(void *table, const IprRoute *r, int allow_replace, IprRoute *old, int *has_old);
    int (*remove)(void *table, const IprRoute *r, IprRoute *old, int *has_old);
} IprOps;

/* Click's IPRoute::match: the same prefix, and unless want->port < 0 the same gateway and port. */
static inline int ipr_matches(const IprRoute *want, const IprRoute *have)
{
    return want->addr == have->addr && want->mask == have->mask && (want->port < 0 || (want->gw == have->gw && want->port == have->port));
}

/* Word k of words, unquoted into buf. */
static CtText ipr_word(const CtWords *words, unsigned k, CvmStr *buf)
{
    ct_unquote(ct_word(words, k), words->at[k].len, buf);
    CtText t = { buf->s, buf->len };
    return t;
}

/* `ADDR/MASK [GATEWAY] OUTPUT` (GATEWAY may be `-`; OUTPUT optional for removals). 0 ok, -1 syntax error. */
static int ipr_parse_route(CtText text, int for_removal, IprRoute *r)
{
    CtWords words = { 0 };
    CvmStr buf = { 0 };
    int ok = 0;
    uint32_t addr, mask;
    if (ct_split_words(text.s, text.n, &words) == 0 && words.n >= 1 && ip_parse_click_prefix(ipr_word(&words, 0, &buf), 1, &addr, &mask) == 0) {
        r->addr = addr & mask;
        r->mask = mask;
        r->gw = 0;
        r->port = -1;
        unsigned i = 1;
        uint32_t gw;
        if (i < words.n) {
            CtText w = ipr_word(&words, i, &buf);
            if (ct_text_eq(w, "-")) i++;
            else if (ip_parse_click(w, &gw) == 0) r->gw = gw, i++;
        }
        ok = 1;
        if (i >= words.n) {
            if (!for_removal) ok = 0;
        } else {
            int64_t port;
            if (ct_parse_click_int(ipr_word(&words, i, &buf), &port) < 0) ok = 0;
            else r->port = (int32_t)port, i++;
        }
        if (ok && i != words.n) ok = 0;
    }
    ct_words_free(&words);
    cvm_str_free(&buf);
    return ok ? 0 : -1;
}

/* Click's IPRoute::unparse; with tabs (the `table` handler) columns are
 * tab-separated, short prefixes and gateways getting an extra tab. */
static void ipr_put_route(CvmStr *o, const IprRoute *r, int tabs)
{
    size_t start = o->len;
    ip_unparse_prefix(o, r->addr, r->mask);
    cvm_str_append(o, tabs ? "\t" : " ", 1);
    if (tabs && o->len - start < 17) cvm_str_append(o, "\t", 1);
    start = o->len;
    if (r->gw) ip_unparse(o, r->gw);
    else cvm_str_append(o, "-", 1);
    cvm_str_append(o, tabs ? "\t" : " ", 1);
    if (tabs && o->len - start < 9) cvm_str_append(o, "\t", 1);
    cvm_str_printf(o, "%d", r->port);
}

/* Undo log of a ctrl write. */
typedef struct IprUndo {
    IprRoute *r;
    int *command;
    unsigned n, cap;
} IprUndo;

static int ipr_undo_push(IprUndo *u, const IprRoute *r, int command)
{
    if (u->n == u->cap) {
        unsigned cap = u->cap ? u->cap * 2 : 8;
        IprRoute *nr = realloc(u->r, cap * sizeof *nr);
        if (!nr) return -1;
        u->r = nr;
        int *nc = realloc(u->command, cap * sizeof *nc);
        if (!nc) return -1;
        u->command = nc;
        u->cap = cap;
    }
    u->r[u->n] = *r;
    u->command[u->n++] = command;
    return 0;
}

/* One add/set/remove command (Click's run_command). 0, or -1 with Click's message in err. */
static int ipr_run_command(void *table, const IprOps *ops, int noutputs, int command, CtText text, IprUndo *undo, CvmStr *err)
{
    IprRoute r, old;
    int has_old = 0;
    if (ipr_parse_route(ct_text_trim(text), command == IPR_REMOVE, &r) < 0) {
        cvm_str_printf(err, "expected 'ADDR/MASK [GATEWAY%s'", command == IPR_REMOVE ? " OUTPUT]" : "] OUTPUT");
        return -1;
    }
    if (r.port < (command == IPR_REMOVE ? -1 : 0) || r.port >= noutputs) {
        cvm_str_printf(err, "bad OUTPUT");
        return -1;
    }
    int res = command == IPR_REMOVE ? ops->remove(table, &r, &old, &has_old) : ops->add(table, &r, command == IPR_SET, &old, &has_old);
    if (res == IPR_OK) {
        if (undo) {
            if (has_old && old.port >= 0) ipr_undo_push(undo, &old, command);
            else ipr_undo_push(undo, &r, IPR_ADD);
        }
        return 0;
    }
    if (res == IPR_EEXIST) {
        cvm_str_printf(err, "conflict with existing route '");
        ipr_put_route(err, &old, 0);
        cvm_str_append(err, "'", 1);
    } else {
        cvm_str_printf(err, "route '");
        ipr_put_route(err, &r, 0);
        cvm_str_append(err, "' not found", 11);
    }
    return -1;
}

/* Click's cp_uncomment as the host engine does it: block comments become a
 * space, then line comments are removed. Returns a malloc'd string. */
static char *ipr_strip_comments(const char *s, size_t n, size_t *outlen)
{
    char *a = malloc(n + 1), *b = malloc(n + 1);
    if (!a || !b) {
        free(a);
        free(b);
        return NULL;
    }
    size_t o = 0, i = 0;
    while (i < n) {
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
            size_t j = i + 2;
            while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/')) j++;
            if (j + 1 < n) {
                a[o++] = ' ';
                i = j + 2;
                continue;
            }
            /* unterminated: no block comment from here on */
            memcpy(a + o, s + i, n - i);
            o += n - i;
            break;
        }
        a[o++] = s[i++];
    }
    size_t m = 0;
    for (i = 0; i < o;) {
        if (a[i] == '/' && i + 1 < o && a[i + 1] == '/') {
            while (i < o && a[i] != '\n') i++;
            continue;
        }
        b[m++] = a[i++];
    }
    free(a);
    b[m] = 0;
    *outlen = m;
    return b;
}

/* The ctrl handler: add/set/remove commands one per line, applied atomically. */
static int ipr_run_ctrl(void *table, const IprOps *ops, int noutputs, const char *value, CvmStr *err)
{
    size_t n;
    char *text = ipr_strip_comments(value, strlen(value), &n);
    if (!text) {
        cvm_str_printf(err, "out of memory");
        return -1;
    }
    IprUndo undo = { 0 };
    int rc = 0;
    size_t line = 0;
    while (line <= n && rc == 0) {
        size_t end = line;
        while (end < n && text[end] != '\n') end++;
        size_t i = line;
        /* /^\s*(\S+)\s*([\s\S]*)$/ on the line */
        while (i < end && ct_js_space(text[i])) i++;
        if (i < end) {
            size_t w = i;
            while (i < end && !ct_js_space(text[i])) i++;
            CtText word = { text + w, i - w };
            while (i < end && ct_js_space(text[i])) i++;
            CtText rest = { text + i, end - i };
            int command = ct_text_eq(word, "add") ? IPR_ADD : ct_text_eq(word, "set") ? IPR_SET : ct_text_eq(word, "remove") ? IPR_REMOVE : -1;
            if (command < 0) {
                cvm_str_printf(err, "bad command '%.*s'", (int)word.n, word.s);
                rc = -1;
            } else {
                rc = ipr_run_command(table, ops, noutputs, command, rest, &undo, err);
            }
        }
        line = end + 1;
    }
    if (rc < 0) {
        IprRoute old;
        int has_old;
        for (unsigned k = undo.n; k-- > 0;) {
            if (undo.command[k] == IPR_REMOVE) ops->add(table, &undo.r[k], 0, &old, &has_old);
            else if (undo.command[k] == IPR_ADD) ops->remove(table, &undo.r[k], &old, &has_old);
            else ops->add(table, &undo.r[k], 1, &old, &has_old);
        }
    }
    free(undo.r);
    free(undo.command);
    free(text);
    return rc;
}

/* The lookup handler's text for a looked-up port and gateway. */
static int ipr_lookup_text(const char *param, int32_t (*lookup)(void *table, uint32_t addr, uint32_t *gw), void *table, CvmStr *o)
{
    uint32_t addr, gw = 0;
    if (ip_parse_click(ct_text_trim(ct_text(param)), &addr) < 0) {
        cvm_str_printf(o, "expected IP address");
        return -1;
    }
    int32_t port = lookup(table, addr, &gw);
    cvm_str_printf(o, "%d", port);
    if (gw) {
        cvm_str_append(o, " ", 1);
        ip_unparse(o, gw);
    }
    return 0;
}

/* Click prints at most five "no route" lines per class; here per label and router. */
static inline void ipr_no_route(unsigned *said, const char *label, uint32_t dst)
{
    if (++*said <= 5)
        cvm_stderr_line("%s: no route for %u.%u.%u.%u", label, dst >> 24, (dst >> 16) & 255, (dst >> 8) & 255, dst & 255);
}

#endif
