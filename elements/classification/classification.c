/* Classifier, IPClassifier and IPFilter in the native dataplane.
 *
 * The three classes share this file. Their configurations are compiled in
 * TypeScript into a decision program (program.ts), and program-c.ts turns
 * that program into a push function specialised for one instance
 * (`<inst>_push`, emitted by the spec's instanceCode): straight-line tests of
 * masked words with gotos, no tables and no interpretation at run time. This
 * file holds what all instances share: the struct, the word loads the
 * generated code uses, and the handlers.
 *
 * Deliberate difference from the host engine: IPClassifier's `patternN`
 * write handlers cannot recompile the code of a running dataplane. Writing
 * the pattern it already has succeeds (nothing changes, as on the host);
 * writing any other pattern fails with a message saying so. */
#include "cvm.h"

struct classification {
    CvmElement base;
    const char *program_text;            /* the `program` handler's text */
    const char *const *patterns;         /* IPClassifier: the patterns as written */
    unsigned npatterns;
};

/* Byte order is settled at compile time: the generated code loads words in
 * memory order and compares them with constants converted by these macros,
 * which gcc folds, so the packet path has no byte swaps. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CLS_BE16(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define CLS_BE32(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#else
#define CLS_BE16(x) ((uint16_t)(x))
#define CLS_BE32(x) ((uint32_t)(x))
#endif

/* Loads of exactly the bytes a test covers (never past them: the bytes after
 * a short test's last masked byte may lie beyond the buffer). */
static inline uint16_t cls_ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static inline uint32_t cls_ld24(const uint8_t *p)
{
    uint32_t v = 0;
    memcpy(&v, p, 3);
    return v;
}

static inline uint32_t cls_ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void classification_read_program(struct classification *e, CvmStr *o)
{
    cvm_str_append(o, e->program_text, strlen(e->program_text));
}

static void classification_read_pattern(struct classification *e, unsigned i, CvmStr *o)
{
    if (i < e->npatterns) cvm_str_append(o, e->patterns[i], strlen(e->patterns[i]));
}

/* The host engine trims a written pattern with JavaScript's trim(); within
 * Latin-1 that removes these characters. */
static int classification_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static int classification_write_pattern(struct classification *e, unsigned i, const char *v, CvmStr *err)
{
    if (i >= e->npatterns) return cvm_str_printf(err, "no pattern %u", i), -1;
    size_t n = strlen(v);
    while (n && classification_space((unsigned char)v[n - 1])) n--;
    while (n && classification_space((unsigned char)*v)) v++, n--;
    const char *cur = e->patterns[i];
    if (strlen(cur) == n && memcmp(cur, v, n) == 0) return 0;
    cvm_str_printf(err, "pattern %u cannot change in the native dataplane: the patterns are compiled into its code", i);
    return -1;
}
