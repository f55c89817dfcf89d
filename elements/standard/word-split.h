/* Click's word splitting of handler values (config-lang/args/split.ts,
 * splitWords): words at top-level whitespace, where quotes, `\<hex>`
 * strings, comments and bracket groups protect the spaces inside them, and
 * comments count as spaces. Handler writes only. */
#ifndef CVM_STD_WORD_SPLIT_H
#define CVM_STD_WORD_SPLIT_H

#include "click-numbers.h"

#define WORD_SPLIT_MAX 8

typedef struct WordSplit {
    unsigned n;
    size_t off[WORD_SPLIT_MAX], len[WORD_SPLIT_MAX];
} WordSplit;

static int word_split_open(char c) { return c == '(' || c == '[' || c == '{'; }
static char word_split_close(char c) { return c == '(' ? ')' : c == '[' ? ']' : '}'; }

static size_t word_split_find(const char *s, size_t n, size_t from, const char *what)
{
    size_t k = strlen(what);
    for (size_t j = from; j + k <= n; j++)
        if (!memcmp(s + j, what, k)) return j;
    return (size_t)-1;
}

/* Index just past a protected construct starting at i, or i if none. */
static size_t word_split_skip(const char *s, size_t n, size_t i, char *stack)
{
    char c = s[i], d = i + 1 < n ? s[i + 1] : 0;
    if (c == '"') {
        size_t j = i + 1;
        while (j < n && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
        return j + 1 < n ? j + 1 : n;
    }
    if (c == '\'') {
        size_t j = word_split_find(s, n, i + 1, "'");
        return j == (size_t)-1 ? n : j + 1;
    }
    if (c == '\\' && d == '<') {
        size_t j = word_split_find(s, n, i + 2, ">");
        return j == (size_t)-1 ? n : j + 1;
    }
    if (c == '/' && d == '/') {
        size_t j = word_split_find(s, n, i + 2, "\n");
        return j == (size_t)-1 ? n : j;
    }
    if (c == '/' && d == '*') {
        size_t j = word_split_find(s, n, i + 2, "*/");
        return j == (size_t)-1 ? n : j + 2;
    }
    if (word_split_open(c)) {
        /* `stack` has room for n closers: nesting never exceeds the length. */
        size_t depth = 0, j = i + 1;
        stack[depth++] = word_split_close(c);
        while (j < n && depth) {
            size_t k = word_split_skip(s, n, j, stack + depth);
            if (k > j && !word_split_open(s[j])) {
                j = k;
                continue;
            }
            char e = s[j];
            if (word_split_open(e)) stack[depth++] = word_split_close(e);
            else if (e == stack[depth - 1]) depth--;
            j++;
        }
        return j;
    }
    return i;
}

static int word_split_space(char c) { return click_js_space(c); }

/* The first `max` words of s[0..n) (offsets into s). 0, or -1 out of memory. */
static int word_split(WordSplit *w, const char *s, size_t n, unsigned max)
{
    w->n = 0;
    if (max > WORD_SPLIT_MAX) max = WORD_SPLIT_MAX;
    char *b = malloc(n + 1), *stack = malloc(n + 1);
    if (!b || !stack) {
        free(b), free(stack);
        return -1;
    }
    /* Comments become spaces (offsets are kept). */
    size_t i = 0;
    while (i < n) {
        char c = s[i], d = i + 1 < n ? s[i + 1] : 0;
        if (c == '/' && (d == '/' || d == '*')) {
            size_t j = word_split_skip(s, n, i, stack);
            for (; i < j; i++) b[i] = s[i] == '\n' ? '\n' : ' ';
        } else if (c == '"' || c == '\'' || (c == '\\' && d == '<')) {
            size_t j = word_split_skip(s, n, i, stack);
            memcpy(b + i, s + i, j - i);
            i = j;
        } else {
            b[i] = c;
            i++;
        }
    }
    b[n] = 0;
    i = 0;
    while (i < n && w->n < max) {
        while (i < n && word_split_space(b[i])) i++;
        if (i >= n) break;
        size_t start = i;
        while (i < n && !word_split_space(b[i])) {
            size_t j = word_split_skip(b, n, i, stack);
            i = j > i ? j : i + 1;
        }
        w->off[w->n] = start;
        w->len[w->n] = i - start;
        w->n++;
    }
    free(b);
    free(stack);
    return 0;
}

#endif
