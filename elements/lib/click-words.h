/* Click's text forms as the host engine reads them in handler values
 * (config-lang/args/split.ts, elements/lib/ip-route.ts): words at top-level
 * whitespace with quotes, `\<hex>`, comments and brackets protected; one
 * level of unquoting; Click integers; dotted IPv4 addresses and prefixes.
 * Handler paths only: these allocate and are not meant for packets.
 * Text is (pointer, length): unquoted words may hold NUL bytes. */
#ifndef CVM_CLICK_WORDS_H
#define CVM_CLICK_WORDS_H

#include "cvm.h"

typedef struct CwText {
    const char *s;
    size_t n;
} CwText;

static inline int cw_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* JavaScript's trim() over ASCII whitespace. */
static inline CwText cw_trim(CwText t)
{
    while (t.n && cw_space(t.s[0])) t.s++, t.n--;
    while (t.n && cw_space(t.s[t.n - 1])) t.n--;
    return t;
}

static inline CwText cw_text(const char *s) { CwText t = { s, strlen(s) }; return t; }

static inline int cw_eq(CwText t, const char *lit)
{
    size_t n = strlen(lit);
    return t.n == n && memcmp(t.s, lit, n) == 0;
}

static inline int cw_digit(char c) { return c >= '0' && c <= '9'; }
static inline int cw_hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static size_t cw_find(const char *s, size_t n, size_t from, char c)
{
    for (size_t i = from; i < n; i++)
        if (s[i] == c) return i;
    return (size_t)-1;
}

/* Index just past a protected construct starting at s[i] (quote, hex string,
 * comment, bracket group), or i if none starts there. */
static size_t cw_skip_protected(const char *s, size_t n, size_t i)
{
    char c = s[i];
    if (c == '"') {
        size_t j = i + 1;
        while (j < n && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
        return j + 1 < n ? j + 1 : n;
    }
    if (c == '\'') {
        size_t j = cw_find(s, n, i + 1, '\'');
        return j == (size_t)-1 ? n : j + 1;
    }
    if (c == '\\' && i + 1 < n && s[i + 1] == '<') {
        size_t j = cw_find(s, n, i + 2, '>');
        return j == (size_t)-1 ? n : j + 1;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '/') {
        size_t j = cw_find(s, n, i + 2, '\n');
        return j == (size_t)-1 ? n : j;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
        for (size_t j = i + 2; j + 1 < n; j++)
            if (s[j] == '*' && s[j + 1] == '/') return j + 2;
        return n;
    }
    if (c == '(' || c == '[' || c == '{') {
        char *stack = malloc(n + 1);
        if (!stack) return n;
        size_t depth = 0;
        stack[depth++] = c == '(' ? ')' : c == '[' ? ']' : '}';
        size_t j = i + 1;
        while (j < n && depth) {
            char d = s[j];
            int open = d == '(' || d == '[' || d == '{';
            if (!open) {
                size_t k = cw_skip_protected(s, n, j);
                if (k > j) {
                    j = k;
                    continue;
                }
            }
            if (open) stack[depth++] = d == '(' ? ')' : d == '[' ? ']' : '}';
            else if (d == stack[depth - 1]) depth--;
            j++;
        }
        free(stack);
        return j;
    }
    return i;
}

/* The words of `t` (comments blanked, split at top-level whitespace), each
 * unquoted. `buf` owns the storage; free it with cw_words_free. */
#define CW_MAX_WORDS 16
typedef struct CwWords {
    char *buf;
    unsigned n;                  /* words found (may exceed CW_MAX_WORDS) */
    CwText w[CW_MAX_WORDS];
} CwWords;

static void cw_words_free(CwWords *w) { free(w->buf); w->buf = NULL; }

/* One backslash escape at s[i] == '\\' (i + 1 < n); appends to out, returns the next index. */
static size_t cw_unescape(const char *s, size_t n, size_t i, char *out, size_t *o)
{
    char d = s[i + 1];
    switch (d) {
    case 'n': out[(*o)++] = '\n'; return i + 2;
    case 't': out[(*o)++] = '\t'; return i + 2;
    case 'r': out[(*o)++] = '\r'; return i + 2;
    case 'a': out[(*o)++] = '\a'; return i + 2;
    case 'b': out[(*o)++] = '\b'; return i + 2;
    case 'f': out[(*o)++] = '\f'; return i + 2;
    case 'v': out[(*o)++] = '\v'; return i + 2;
    case '\\': case '"': case '\'': case '$': out[(*o)++] = d; return i + 2;
    case '\n': return i + 2;
    default: break;
    }
    if (d == '<') {
        size_t end = cw_find(s, n, i + 2, '>');
        size_t stop = end == (size_t)-1 ? n : end;
        char digits[2];
        int have = 0;
        for (size_t k = i + 2; k < stop; k++) {
            if (cw_space(s[k])) continue;
            digits[have++] = s[k];
            if (have == 2) {
                /* parseInt(pair, 16): a valid leading digit, or NaN (byte 0). */
                int h = cw_hexval(digits[0]), l = cw_hexval(digits[1]);
                out[(*o)++] = (char)(h < 0 ? 0 : l < 0 ? h : h * 16 + l);
                have = 0;
            }
        }
        return end == (size_t)-1 ? n : end + 1;
    }
    if (d == 'x' && i + 2 < n && cw_hexval(s[i + 2]) >= 0) {
        int v = cw_hexval(s[i + 2]);
        size_t next = i + 3;
        if (next < n && cw_hexval(s[next]) >= 0) v = v * 16 + cw_hexval(s[next++]);
        out[(*o)++] = (char)v;
        return next;
    }
    if (d >= '0' && d <= '7') {
        int v = 0;
        size_t k = i + 1;
        for (int m = 0; m < 3 && k < n && s[k] >= '0' && s[k] <= '7'; m++) v = v * 8 + (s[k++] - '0');
        out[(*o)++] = (char)(v & 255);
        return k;
    }
    out[(*o)++] = d;
    return i + 2;
}

/* Click's cp_unquote of s[0..n) into out (at most n bytes); returns the length. */
static size_t cw_unquote_into(const char *s, size_t n, char *out)
{
    size_t o = 0, i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\'') {
            size_t j = cw_find(s, n, i + 1, '\'');
            size_t end = j == (size_t)-1 ? n : j;
            memcpy(out + o, s + i + 1, end - i - 1);
            o += end - i - 1;
            i = end + 1;
        } else if (c == '"') {
            i++;
            while (i < n && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < n) i = cw_unescape(s, n, i, out, &o);
                else out[o++] = s[i++];
            }
            i++;
        } else if (c == '\\' && i + 1 < n && s[i + 1] == '<') {
            i = cw_unescape(s, n, i, out, &o);
        } else {
            out[o++] = c;
            i++;
        }
    }
    return o;
}

/* Comments replaced by spaces (newlines kept), protected text copied as is. */
static void cw_blank_comments(const char *s, size_t n, char *out)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '/' && i + 1 < n && (s[i + 1] == '/' || s[i + 1] == '*')) {
            size_t j = cw_skip_protected(s, n, i);
            for (; i < j; i++) out[i] = s[i] == '\n' ? '\n' : ' ';
        } else if (c == '"' || c == '\'' || (c == '\\' && i + 1 < n && s[i + 1] == '<')) {
            size_t j = cw_skip_protected(s, n, i);
            memcpy(out + i, s + i, j - i);
            i = j;
        } else {
            out[i] = c;
            i++;
        }
    }
}

/* splitWords(t) then unquote each word. Returns -1 if out of memory. */
static int cw_split_words(CwText t, int unquote, CwWords *w)
{
    w->n = 0;
    w->buf = malloc(2 * t.n + 1);
    if (!w->buf) return -1;
    char *blank = w->buf, *store = w->buf + t.n;
    cw_blank_comments(t.s, t.n, blank);
    size_t i = 0, o = 0;
    while (i < t.n) {
        while (i < t.n && cw_space(blank[i])) i++;
        if (i >= t.n) break;
        size_t start = i;
        while (i < t.n && !cw_space(blank[i])) {
            size_t j = cw_skip_protected(blank, t.n, i);
            i = j > i ? j : i + 1;
        }
        if (w->n < CW_MAX_WORDS) {
            size_t len = unquote ? cw_unquote_into(blank + start, i - start, store + o) : (memcpy(store + o, blank + start, i - start), i - start);
            w->w[w->n].s = store + o;
            w->w[w->n].n = len;
            o += len;
        }
        w->n++;
    }
    return 0;
}

/* Click's IntArg as the host reads it (parseClickInt): optional sign, then
 * 0x hex, 0 octal or decimal digits, the value within int32. 0 ok, -1 bad. */
static int cw_parse_int(CwText t, int64_t *out)
{
    const char *s = t.s;
    size_t n = t.n, i = 0;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    if (i >= n) return -1;
    uint64_t v = 0;
    int base = 10;
    if (s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
        if (i >= n) return -1;
    } else if (s[i] == '0') {
        base = 8;
    }
    for (; i < n; i++) {
        int d = base == 16 ? cw_hexval(s[i]) : cw_digit(s[i]) ? s[i] - '0' : -1;
        if (d < 0 || d >= base) return -1;
        if (v < (1ULL << 40)) v = v * (uint64_t)base + (uint64_t)d;
    }
    int64_t x = neg ? -(int64_t)v : (int64_t)v;
    if (x < -2147483648LL || x > 2147483647LL) return -1;
    *out = x;
    return 0;
}

/* Up to four dotted decimal parts (each at most 255); returns the count and the characters used. */
static int cw_dotted_parts(CwText t, uint32_t parts[4], size_t *used)
{
    int np = 0;
    size_t i = 0;
    while (np < 4 && i < t.n && (np == 0 || t.s[i] == '.')) {
        size_t j = np == 0 ? i : i + 1;
        if (j >= t.n || !cw_digit(t.s[j])) break;
        uint32_t v = 0;
        while (j < t.n && cw_digit(t.s[j]) && v <= 255) v = v * 10 + (uint32_t)(t.s[j++] - '0');
        if (v > 255) break;
        parts[np++] = v;
        i = j;
    }
    *used = i;
    return np;
}

static uint32_t cw_from_parts(const uint32_t *parts, int np)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) v = v << 8 | (k < np ? parts[k] : 0);
    return v;
}

/* A full dotted quad (host order). 0 ok, -1 bad. */
static int cw_parse_ip(CwText t, uint32_t *out)
{
    uint32_t parts[4];
    size_t used;
    int np = cw_dotted_parts(t, parts, &used);
    if (np != 4 || used != t.n) return -1;
    *out = cw_from_parts(parts, 4);
    return 0;
}

static inline uint32_t cw_prefix_mask(int len) { return len <= 0 ? 0 : (uint32_t)(0xffffffffu << (32 - len)); }

static int cw_mask_to_prefix_len(uint32_t mask)
{
    for (int len = 0; len <= 32; len++)
        if (cw_prefix_mask(len) == mask) return len;
    return -1;
}

/* ADDR/LEN or ADDR/MASK (fewer parts allowed when the mask covers only
 * them), or a bare ADDR as /32 with allow_bare. 0 ok, -1 bad. */
static int cw_parse_prefix(CwText t, int allow_bare, uint32_t *addr, uint32_t *mask)
{
    size_t slash = (size_t)-1;
    for (size_t i = 0; i < t.n; i++)
        if (t.s[i] == '/') slash = i;
    if (slash != (size_t)-1 && slash > 0 && slash + 1 < t.n) {
        CwText a = { t.s, slash }, m = { t.s + slash + 1, t.n - slash - 1 };
        uint32_t parts[4];
        size_t used;
        int np = cw_dotted_parts(a, parts, &used);
        int all_digits = 1;
        uint64_t len = 0;
        for (size_t i = 0; i < m.n; i++) {
            if (!cw_digit(m.s[i])) all_digits = 0;
            else if (len < 1000) len = len * 10 + (uint64_t)(m.s[i] - '0');
        }
        uint32_t mk;
        int have_mask = 0;
        if (all_digits && len <= 32) mk = cw_prefix_mask((int)len), have_mask = 1;
        else have_mask = cw_parse_ip(m, &mk) == 0;
        if (used == slash && have_mask) {
            uint32_t written = cw_prefix_mask(np * 8);
            if (np == 4 || (mk & written) == mk) {
                *addr = cw_from_parts(parts, np);
                *mask = mk;
                return 0;
            }
        }
    }
    if (allow_bare && cw_parse_ip(t, addr) == 0) {
        *mask = 0xffffffffu;
        return 0;
    }
    return -1;
}

static void cw_put_ip(CvmStr *o, uint32_t a)
{
    cvm_str_printf(o, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

/* ADDR/LEN, or ADDR/MASK for a non-prefix mask (Click's unparse_with_mask). */
static void cw_put_prefix(CvmStr *o, uint32_t addr, uint32_t mask)
{
    cw_put_ip(o, addr);
    int len = cw_mask_to_prefix_len(mask);
    if (len >= 0) cvm_str_printf(o, "/%d", len);
    else {
        cvm_str_append(o, "/", 1);
        cw_put_ip(o, mask);
    }
}

#endif
