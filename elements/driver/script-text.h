/* The text rules of Click's Script language, as the host engine has them
 * (elements/driver/script-text.ts): shifting words off a text, word lists,
 * quoting, and `$` expansion. Splitting and unquoting themselves are
 * elements/lib/click-text.h (included). Strings are bytes
 * (the host's are latin1 characters); results go into CvmStr. Used by the
 * Script element at run time, never on a packet path that does not run a
 * script. */
#ifndef CVM_DRIVER_SCRIPT_TEXT_H
#define CVM_DRIVER_SCRIPT_TEXT_H

#include "cvm.h"
#include "elements/lib/click-text.h"

/* shiftWord: the first word (quotes kept) and the rest without its leading
 * whitespace (JavaScript's \s); rest may be NULL. */
static void st_shift_word(const char *s, size_t n, CvmStr *word, CvmStr *rest)
{
    CvmStr blank = { 0 };
    size_t pos = 0, start;
    cvm_str_clear(word);
    cvm_str_append(word, "", 0);
    if (rest) {
        cvm_str_clear(rest);
        cvm_str_append(rest, "", 0);
    }
    ct_blank_comments(s, n, &blank);
    if (ct_next_word(blank.s, n, &pos, &start)) {
        cvm_str_append(word, blank.s + start, pos - start);
        if (rest) {
            while (pos < n && ct_js_space(s[pos])) pos++;
            cvm_str_append(rest, s + pos, n - pos);
        }
    }
    cvm_str_free(&blank);
}

/* A list of words, each in its own CvmStr. */
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

/* Append a copy of s[0..n); 0, or -1 if memory ran out. */
static int st_words_push(StWords *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        unsigned cap = l->cap ? l->cap * 2 : 8;
        CvmStr *w = realloc(l->w, cap * sizeof *w);
        if (!w) return -1;
        l->w = w;
        l->cap = cap;
    }
    l->w[l->n] = (CvmStr){ 0 };
    cvm_str_append(&l->w[l->n++], s, n);
    return 0;
}

/* words(): every word (splitWords, quotes kept), appended to l. */
static void st_words(const char *s, size_t n, StWords *l)
{
    CtWords words = { 0 };
    ct_split_words(s, n, &words);
    for (unsigned i = 0; i < words.n; i++)
        if (st_words_push(l, ct_word(&words, i), words.at[i].len) < 0) break;
    ct_words_free(&words);
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
                size_t end = ct_find(text, n, i, "\n");
                i = end == CT_NONE ? n : end - 1;
            } else {
                size_t end = ct_find(text, n, i + 2, "*/");
                i = end == CT_NONE ? n : end + 1;
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
            size_t close = ct_find(text, n, i + 2, "}");
            if (close == CT_NONE) break;
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
