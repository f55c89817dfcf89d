/* The text rules of Click's Script language, as the host engine has them
 * (config-lang/args/split.ts, elements/driver/script-text.ts): words at
 * top-level blanks (quotes, \<hex>, comments and brackets protect them),
 * unquoting with C escapes, quoting, and `$` expansion. Strings are bytes
 * (the host's are latin1 characters); results go into CvmStr. Used by the
 * Script element at run time, never on a packet path that does not run a
 * script. */
#ifndef CVM_DRIVER_SCRIPT_TEXT_H
#define CVM_DRIVER_SCRIPT_TEXT_H

#include "cvm.h"
#include "elements/io/io-text.h"

/* split.ts's isSpace: no no-break space here. */
static inline int st_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static inline int st_open(char c) { return c == '(' || c == '[' || c == '{'; }
static inline char st_close_of(char c) { return c == '(' ? ')' : c == '[' ? ']' : '}'; }

static size_t st_find(const char *s, size_t n, size_t from, const char *what)
{
    size_t w = strlen(what);
    for (size_t i = from; i + w <= n; i++)
        if (!memcmp(s + i, what, w)) return i;
    return (size_t)-1;
}

/* skipProtected: the index just past a quote, hex string, comment or
 * bracket group starting at i, or i if none starts there. */
static size_t st_skip_protected(const char *s, size_t n, size_t i)
{
    if (i >= n) return i;
    char c = s[i];
    if (c == '"') {
        size_t j = i + 1;
        while (j < n && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
        return j + 1 < n ? j + 1 : n;
    }
    if (c == '\'') {
        size_t j = st_find(s, n, i + 1, "'");
        return j == (size_t)-1 ? n : j + 1;
    }
    if (c == '\\' && i + 1 < n && s[i + 1] == '<') {
        size_t j = st_find(s, n, i + 2, ">");
        return j == (size_t)-1 ? n : j + 1;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '/') {
        size_t j = st_find(s, n, i + 2, "\n");
        return j == (size_t)-1 ? n : j;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
        size_t j = st_find(s, n, i + 2, "*/");
        return j == (size_t)-1 ? n : j + 2;
    }
    if (st_open(c)) {
        /* a stack of expected closers; brackets nest arbitrarily deep */
        size_t cap = 16, depth = 1;
        char small[16], *stack = small;
        stack[0] = st_close_of(c);
        size_t j = i + 1;
        while (j < n && depth) {
            size_t k = st_skip_protected(s, n, j);
            if (k > j && !st_open(s[j])) {
                j = k;
                continue;
            }
            char d = s[j];
            if (st_open(d)) {
                if (depth == cap) {
                    char *bigger = malloc(cap * 2);
                    if (!bigger) break;
                    memcpy(bigger, stack, cap);
                    if (stack != small) free(stack);
                    stack = bigger;
                    cap *= 2;
                }
                stack[depth++] = st_close_of(d);
            } else if (d == stack[depth - 1]) depth--;
            j++;
        }
        if (stack != small) free(stack);
        return j;
    }
    return i;
}

/* blankComments: comments become spaces (newlines kept), offsets unchanged. */
static void st_blank_comments(const char *s, size_t n, CvmStr *out)
{
    cvm_str_clear(out);
    cvm_str_append(out, "", 0);
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '/' && i + 1 < n && (s[i + 1] == '/' || s[i + 1] == '*')) {
            size_t j = st_skip_protected(s, n, i);
            for (size_t k = i; k < j; k++) cvm_str_append(out, s[k] == '\n' ? "\n" : " ", 1);
            i = j;
        } else if (c == '"' || c == '\'' || (c == '\\' && i + 1 < n && s[i + 1] == '<')) {
            size_t j = st_skip_protected(s, n, i);
            cvm_str_append(out, s + i, j - i);
            i = j;
        } else {
            cvm_str_append(out, &c, 1);
            i++;
        }
    }
}

/* The first word of s (splitWords: blanked comments, protected runs) as
 * [*start, *end) offsets into the blanked text (same offsets as s); 0 if
 * there is none. `blank` is scratch holding the blanked text. */
static int st_first_word(const char *s, size_t n, CvmStr *blank, size_t *start, size_t *end)
{
    const char *b = s;
    if (memchr(s, '/', n)) {
        st_blank_comments(s, n, blank);
        b = blank->s;
    }
    size_t i = 0;
    while (i < n && st_space(b[i])) i++;
    if (i >= n) return 0;
    *start = i;
    while (i < n && !st_space(b[i])) {
        size_t j = st_skip_protected(b, n, i);
        i = j > i ? j : i + 1;
    }
    *end = i;
    return 1;
}

/* shiftWord: the first word (quotes kept) and the rest without its leading
 * whitespace (JavaScript's \s). */
static void st_shift_word(const char *s, size_t n, CvmStr *word, CvmStr *rest)
{
    CvmStr blank = { 0 };
    size_t a, z;
    cvm_str_clear(word);
    cvm_str_append(word, "", 0);
    if (rest) {
        cvm_str_clear(rest);
        cvm_str_append(rest, "", 0);
    }
    if (st_first_word(s, n, &blank, &a, &z)) {
        const char *b = blank.s ? blank.s : s;
        cvm_str_append(word, b + a, z - a);
        if (rest) {
            while (z < n && io_js_space((unsigned char)s[z])) z++;
            cvm_str_append(rest, s + z, n - z);
        }
    }
    cvm_str_free(&blank);
}

/* words(): every word, appended to a list of CvmStr. */
typedef struct StWords {
    CvmStr *w;
    unsigned n, cap;
} StWords;

static void st_words_free(StWords *l)
{
    for (unsigned i = 0; i < l->n; i++) cvm_str_free(&l->w[i]);
    free(l->w);
    l->w = NULL;
    l->n = l->cap = 0;
}

static void st_words(const char *s, size_t n, StWords *l)
{
    CvmStr blank = { 0 };
    const char *b = s;
    if (memchr(s, '/', n)) {
        st_blank_comments(s, n, &blank);
        b = blank.s;
    }
    size_t i = 0;
    for (;;) {
        while (i < n && st_space(b[i])) i++;
        if (i >= n) break;
        size_t start = i;
        while (i < n && !st_space(b[i])) {
            size_t j = st_skip_protected(b, n, i);
            i = j > i ? j : i + 1;
        }
        if (l->n == l->cap) {
            unsigned cap = l->cap ? l->cap * 2 : 8;
            CvmStr *w = realloc(l->w, cap * sizeof *w);
            if (!w) break;
            l->w = w;
            l->cap = cap;
        }
        l->w[l->n] = (CvmStr){ 0 };
        cvm_str_append(&l->w[l->n], b + start, i - start);
        l->n++;
    }
    cvm_str_free(&blank);
}

static inline int st_hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* One backslash escape at s[i] == '\\' (i + 1 < n): its bytes, and the next index. */
static size_t st_unescape(const char *s, size_t n, size_t i, CvmStr *out)
{
    char d = s[i + 1];
    char simple = 0;
    int is_simple = 1;
    switch (d) {
    case 'n': simple = '\n'; break;
    case 't': simple = '\t'; break;
    case 'r': simple = '\r'; break;
    case 'a': simple = '\a'; break;
    case 'b': simple = '\b'; break;
    case 'f': simple = '\f'; break;
    case 'v': simple = '\v'; break;
    case '\\': case '"': case '\'': case '$': simple = d; break;
    case '\n': return i + 2;
    default: is_simple = 0;
    }
    if (is_simple) {
        cvm_str_append(out, &simple, 1);
        return i + 2;
    }
    if (d == '<') {
        size_t end = st_find(s, n, i + 2, ">");
        size_t stop = end == (size_t)-1 ? n : end;
        char hex[2];
        int have = 0;
        /* pairs of the text without JavaScript whitespace, each read as parseInt(pair, 16) */
        for (size_t k = i + 2; k < stop; k++) {
            if (io_js_space((unsigned char)s[k])) continue;
            hex[have++] = s[k];
            if (have == 2) {
                int hi = st_hex_value(hex[0]), lo = st_hex_value(hex[1]);
                char byte = (char)(hi < 0 ? 0 : lo < 0 ? hi : hi * 16 + lo);
                cvm_str_append(out, &byte, 1);
                have = 0;
            }
        }
        return end == (size_t)-1 ? n : end + 1;
    }
    if (d == 'x' && i + 2 < n && st_hex_value(s[i + 2]) >= 0) {
        int v = st_hex_value(s[i + 2]);
        size_t next = i + 3;
        if (next < n && st_hex_value(s[next]) >= 0) v = v * 16 + st_hex_value(s[next++]);
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

/* unquote (Click's cp_unquote), appended to out. */
static void st_unquote_append(const char *s, size_t n, CvmStr *out)
{
    cvm_str_append(out, "", 0);
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\'') {
            size_t j = st_find(s, n, i + 1, "'");
            size_t end = j == (size_t)-1 ? n : j;
            cvm_str_append(out, s + i + 1, end - i - 1);
            i = end + 1;
        } else if (c == '"') {
            i++;
            while (i < n && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < n) i = st_unescape(s, n, i, out);
                else cvm_str_append(out, s + i++, 1);
            }
            i++;
        } else if (c == '\\' && i + 1 < n && s[i + 1] == '<') {
            i = st_unescape(s, n, i, out);
        } else {
            cvm_str_append(out, &c, 1);
            i++;
        }
    }
}

static void st_unquote(const char *s, size_t n, CvmStr *out)
{
    cvm_str_clear(out);
    st_unquote_append(s, n, out);
}

/* quote (Click's cp_quote): a double-quoted form, appended. */
static void st_quote_append(const char *s, size_t n, CvmStr *out)
{
    cvm_str_append(out, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '"' || c == '$') {
            char e[2] = { '\\', (char)c };
            cvm_str_append(out, e, 2);
        } else if (c == '\t') cvm_str_append(out, "\\t", 2);
        else if (c == '\r') cvm_str_append(out, "\\r", 2);
        else if (c == '\n') cvm_str_append(out, "\\n", 2);
        else if (c < 32 || c >= 127) cvm_str_printf(out, "\\%03o", c);
        else cvm_str_append(out, (const char *)&c, 1);
    }
    cvm_str_append(out, "\"", 1);
}

/* Lookup for `$` references: 1 with the value appended to out, 0 if unknown.
 * kind: 'v' ($name), 'b' (${name}), 'c' ($(handler args)). */
typedef int (*StLookup)(void *ctx, const char *name, char kind, CvmStr *out);

static inline int st_word_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

/* expand(): `$` references outside single quotes; inside double quotes the
 * value goes in escaped, at top level quoted if quote_bare. Appended to out. */
static void st_expand_append(const char *text, size_t n, StLookup lookup, void *ctx, int quote_bare, int depth, CvmStr *out)
{
    cvm_str_append(out, "", 0);
    if (!memchr(text, '$', n)) {
        cvm_str_append(out, text, n);
        return;
    }
    size_t copied = 0, i = 0;
    char q = 0;
    CvmStr name = { 0 }, value = { 0 }, inner = { 0 };
    for (; i < n; i++) {
        char c = text[i];
        if (c == '\\') {
            if (q == '"' && i + 1 < n) i++;
            continue;
        }
        if (c == '\'' || c == '"') {
            if (!q) q = c;
            else if (q == c) q = 0;
            continue;
        }
        if (c == '/' && !q && i + 1 < n && (text[i + 1] == '/' || text[i + 1] == '*')) {
            if (text[i + 1] == '/') {
                size_t end = st_find(text, n, i, "\n");
                i = end == (size_t)-1 ? n : end - 1;
            } else {
                size_t end = st_find(text, n, i + 2, "*/");
                i = end == (size_t)-1 ? n : end + 1;
            }
            continue;
        }
        if (c != '$' || i + 1 >= n || q == '\'' || depth > 10) continue;
        size_t before = i;
        char kind;
        int nested = 0;
        char next = text[i + 1];
        cvm_str_clear(&name);
        cvm_str_append(&name, "", 0);
        if (next == '{') {
            size_t close = st_find(text, n, i + 2, "}");
            if (close == (size_t)-1) break;
            cvm_str_append(&name, text + i + 2, close - i - 2);
            nested = memchr(name.s, '$', name.len) != NULL;
            kind = 'b';
            i = close + 1;
        } else if (next == '(') {
            int level = 1;
            char nq = 0;
            size_t j = i + 2;
            for (; j < n && level; j++) {
                char d = text[j];
                if (d == '(' && !nq) level++;
                else if (d == ')' && !nq) level--;
                else if (d == '"' || d == '\'') nq = !nq ? d : nq == d ? 0 : nq;
                else if (d == '\\' && nq != '\'' && j + 1 < n) j++;
                else if (d == '$' && nq != '\'') nested = 1;
            }
            if (level) break;
            cvm_str_append(&name, text + i + 2, j - 1 - (i + 2));
            kind = 'c';
            i = j;
        } else if (st_word_char(next)) {
            size_t j = i + 1;
            while (j < n && st_word_char(text[j])) j++;
            cvm_str_append(&name, text + i + 1, j - i - 1);
            kind = 'v';
            i = j;
        } else if (next == '?' || next == '#' || next == '$') {
            cvm_str_append(&name, &next, 1);
            kind = 'v';
            i += 2;
        } else continue;

        if (nested) {
            cvm_str_clear(&inner);
            st_expand_append(name.s, name.len, lookup, ctx, 0, depth + 1, &inner);
            cvm_str_clear(&name);
            cvm_str_append(&name, inner.s, inner.len);
        }
        cvm_str_clear(&value);
        cvm_str_append(&value, "", 0);
        int found = lookup(ctx, name.s, kind, &value);
        cvm_str_append(out, text + copied, before - copied);
        if (!found) {
            if (nested) {
                cvm_str_append(out, text + before, 2);
                cvm_str_append(out, name.s, name.len);
                cvm_str_append(out, text + i - 1, 1);
            } else cvm_str_append(out, text + before, i - before);
        } else if (q == '"') {
            /* quote(value) without its quotes */
            cvm_str_clear(&inner);
            st_quote_append(value.s, value.len, &inner);
            cvm_str_append(out, inner.s + 1, inner.len - 2);
        } else if (quote_bare) st_quote_append(value.s, value.len, out);
        else cvm_str_append(out, value.s, value.len);
        copied = i;
        i--;
    }
    if (copied < n) cvm_str_append(out, text + copied, n - copied);
    cvm_str_free(&name);
    cvm_str_free(&value);
    cvm_str_free(&inner);
}

#endif
