/* Click's text rules as the host engine applies them outside configuration
 * parsing: handler values, Script text, summary-dump lines
 * (config-lang/args/split.ts, and JavaScript's own trim() and \s). The one
 * copy every element uses: white space, trimming, protected constructs
 * (quotes, `\<hex>`, comments, brackets), word splitting and one level of
 * unquoting. Handler and initialization paths only, never per packet.
 *
 * Text is bytes with explicit lengths (the host's latin1 characters);
 * results go into CvmStr, since unquoted text may hold NUL bytes. */
#ifndef CVM_LIB_CLICK_TEXT_H
#define CVM_LIB_CLICK_TEXT_H

#include "cvm.h"

#define CT_NONE ((size_t)-1)

/* split.ts's isSpace: the six ASCII blanks that separate words. */
static inline int ct_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* JavaScript's white space as trim() and \s see latin1 text: the ASCII
 * blanks and the no-break space 0xA0. */
static inline int ct_js_space(char ch)
{
    unsigned char c = (unsigned char)ch;
    return c == ' ' || (c >= 9 && c <= 13) || c == 0xa0;
}

/* A hex digit's value, or -1. */
static inline int ct_hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* JavaScript's trim(): the window [*start, *start + *len) of s[0..n). */
static inline void ct_trim(const char *s, size_t n, const char **start, size_t *len)
{
    while (n && ct_js_space(*s)) s++, n--;
    while (n && ct_js_space(s[n - 1])) n--;
    *start = s;
    *len = n;
}

/* A piece of text, for code that passes text around as one value. */
typedef struct CtText {
    const char *s;
    size_t n;
} CtText;

static inline CtText ct_text(const char *s) { CtText t = { s, strlen(s) }; return t; }

static inline CtText ct_text_trim(CtText t)
{
    ct_trim(t.s, t.n, &t.s, &t.n);
    return t;
}

static inline int ct_text_eq(CtText t, const char *lit)
{
    size_t n = strlen(lit);
    return t.n == n && memcmp(t.s, lit, n) == 0;
}

/* indexOf(what, from) in s[0..n), or CT_NONE. */
static inline size_t ct_find(const char *s, size_t n, size_t from, const char *what)
{
    size_t w = strlen(what);
    for (size_t i = from; i + w <= n; i++)
        if (!memcmp(s + i, what, w)) return i;
    return CT_NONE;
}

static inline int ct_open(char c) { return c == '(' || c == '[' || c == '{'; }
static inline char ct_close_of(char c) { return c == '(' ? ')' : c == '[' ? ']' : '}'; }

/* skipProtected: the index just past a quote, hex string, comment or
 * bracket group starting at s[i], or i if none starts there. Brackets nest
 * to any depth. */
static size_t ct_skip_protected(const char *s, size_t n, size_t i)
{
    if (i >= n) return i;
    char c = s[i], d = i + 1 < n ? s[i + 1] : 0;
    if (c == '"') {
        size_t j = i + 1;
        while (j < n && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
        return j + 1 < n ? j + 1 : n;
    }
    if (c == '\'') {
        size_t j = ct_find(s, n, i + 1, "'");
        return j == CT_NONE ? n : j + 1;
    }
    if (c == '\\' && d == '<') {
        size_t j = ct_find(s, n, i + 2, ">");
        return j == CT_NONE ? n : j + 1;
    }
    if (c == '/' && d == '/') {
        size_t j = ct_find(s, n, i + 2, "\n");   /* the newline is not part of the comment */
        return j == CT_NONE ? n : j;
    }
    if (c == '/' && d == '*') {
        size_t j = ct_find(s, n, i + 2, "*/");
        return j == CT_NONE ? n : j + 2;
    }
    if (!ct_open(c)) return i;
    size_t cap = 16, depth = 1, j = i + 1;
    char small[16], *stack = small;
    stack[0] = ct_close_of(c);
    while (j < n && depth) {
        char e = s[j];
        /* (a nested group is not skipped whole: its brackets go on the stack,
         * which keeps the scan linear in the depth) */
        size_t k = ct_open(e) ? j : ct_skip_protected(s, n, j);
        if (k > j) {
            j = k;
            continue;
        }
        if (ct_open(e)) {
            if (depth == cap) {
                char *bigger = malloc(cap * 2);
                if (!bigger) break;
                memcpy(bigger, stack, cap);
                if (stack != small) free(stack);
                stack = bigger;
                cap *= 2;
            }
            stack[depth++] = ct_close_of(e);
        } else if (e == stack[depth - 1]) {
            depth--;
        }
        j++;
    }
    if (stack != small) free(stack);
    return j;
}

/* blankComments: s[0..n) into out with comments as spaces (newlines kept),
 * so offsets stay those of s. */
static void ct_blank_comments(const char *s, size_t n, CvmStr *out)
{
    cvm_str_clear(out);
    cvm_str_append(out, "", 0);
    size_t i = 0;
    while (i < n) {
        char c = s[i], d = i + 1 < n ? s[i + 1] : 0;
        size_t j = i + 1;
        if (c == '/' && (d == '/' || d == '*')) {
            j = ct_skip_protected(s, n, i);
            for (; i < j; i++) cvm_str_append(out, s[i] == '\n' ? "\n" : " ", 1);
            continue;
        }
        if (c == '"' || c == '\'' || (c == '\\' && d == '<')) j = ct_skip_protected(s, n, i);
        cvm_str_append(out, s + i, j - i);
        i = j;
    }
}

/* The next word of blanked text b[0..n) from *pos (splitWords' loop): 1
 * with the word at [*start, *pos), or 0 when none is left. */
static inline int ct_next_word(const char *b, size_t n, size_t *pos, size_t *start)
{
    size_t i = *pos;
    while (i < n && ct_space(b[i])) i++;
    if (i >= n) return *pos = i, 0;
    *start = i;
    while (i < n && !ct_space(b[i])) {
        size_t j = ct_skip_protected(b, n, i);
        i = j > i ? j : i + 1;
    }
    *pos = i;
    return 1;
}

/* splitWords (Click's cp_spacevec): every word of a text, quotes kept.
 * Word k is text.s + at[k].start, at[k].len bytes; offsets are the
 * original text's. */
typedef struct CtWords {
    CvmStr text;                 /* the text with comments blanked */
    struct { size_t start, len; } *at;
    unsigned n, cap;
} CtWords;

static inline const char *ct_word(const CtWords *w, unsigned k) { return w->text.s + w->at[k].start; }

static void ct_words_free(CtWords *w)
{
    cvm_str_free(&w->text);
    free(w->at);
    w->at = NULL;
    w->n = w->cap = 0;
}

/* 0, or -1 if memory ran out (then the words found so far are kept). */
static int ct_split_words(const char *s, size_t n, CtWords *w)
{
    w->n = 0;
    ct_blank_comments(s, n, &w->text);
    size_t pos = 0, start;
    while (ct_next_word(w->text.s, n, &pos, &start)) {
        if (w->n == w->cap) {
            unsigned cap = w->cap ? w->cap * 2 : 8;
            void *at = realloc(w->at, cap * sizeof *w->at);
            if (!at) return -1;
            w->at = at;
            w->cap = cap;
        }
        w->at[w->n].start = start;
        w->at[w->n].len = pos - start;
        w->n++;
    }
    return 0;
}

/* One backslash escape at s[i] == '\\' (i + 1 < n): its bytes appended to
 * out; returns the index after it. */
static size_t ct_unescape(const char *s, size_t n, size_t i, CvmStr *out)
{
    static const char simple_from[] = "ntrabfv\\\"'$";
    static const char simple_to[] = "\n\t\r\a\b\f\v\\\"'$";
    char d = s[i + 1];
    const char *hit = d ? strchr(simple_from, d) : NULL;
    if (hit) {
        cvm_str_append(out, &simple_to[hit - simple_from], 1);
        return i + 2;
    }
    if (d == '\n') return i + 2;
    if (d == '<') {
        /* pairs of the text without JavaScript white space, each read as
         * parseInt(pair, 16): its leading hex digits, none reading as 0 */
        size_t end = ct_find(s, n, i + 2, ">");
        size_t stop = end == CT_NONE ? n : end;
        char pair[2];
        int have = 0;
        for (size_t k = i + 2; k < stop; k++) {
            if (ct_js_space(s[k])) continue;
            pair[have++] = s[k];
            if (have == 2) {
                int hi = ct_hex(pair[0]), lo = ct_hex(pair[1]);
                char byte = (char)(hi < 0 ? 0 : lo < 0 ? hi : hi * 16 + lo);
                cvm_str_append(out, &byte, 1);
                have = 0;
            }
        }
        return end == CT_NONE ? n : end + 1;
    }
    if (d == 'x' && i + 2 < n && ct_hex(s[i + 2]) >= 0) {
        int v = ct_hex(s[i + 2]);
        size_t next = i + 3;
        if (next < n && ct_hex(s[next]) >= 0) v = v * 16 + ct_hex(s[next++]);
        char byte = (char)v;
        cvm_str_append(out, &byte, 1);
        return next;
    }
    if (d >= '0' && d <= '7') {
        int v = 0;
        size_t k = i + 1;
        for (int m = 0; m < 3 && k < n && s[k] >= '0' && s[k] <= '7'; m++, k++) v = v * 8 + (s[k] - '0');
        char byte = (char)(v & 255);
        cvm_str_append(out, &byte, 1);
        return k;
    }
    cvm_str_append(out, &d, 1);
    return i + 2;
}

/* unquote (Click's cp_unquote) of s[0..n), appended to out: "..." with C
 * escapes, '...' verbatim, `\<hex>` bytes, anything else as is. */
static void ct_unquote_append(const char *s, size_t n, CvmStr *out)
{
    cvm_str_append(out, "", 0);
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\'') {
            size_t j = ct_find(s, n, i + 1, "'");
            size_t end = j == CT_NONE ? n : j;
            cvm_str_append(out, s + i + 1, end - i - 1);
            i = end + 1;
        } else if (c == '"') {
            i++;
            while (i < n && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < n) i = ct_unescape(s, n, i, out);
                else cvm_str_append(out, s + i++, 1);
            }
            i++;
        } else if (c == '\\' && i + 1 < n && s[i + 1] == '<') {
            i = ct_unescape(s, n, i, out);
        } else {
            cvm_str_append(out, &c, 1);
            i++;
        }
    }
}

/* unquote into a cleared out. */
static inline void ct_unquote(const char *s, size_t n, CvmStr *out)
{
    cvm_str_clear(out);
    ct_unquote_append(s, n, out);
}

#endif
