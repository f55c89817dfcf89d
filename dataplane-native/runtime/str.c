#include "str.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(CvmStr *str, size_t extra)
{
    if (str->len + extra + 1 <= str->cap) return;
    size_t cap = str->cap ? str->cap : 64;
    while (cap < str->len + extra + 1) cap *= 2;
    char *s = realloc(str->s, cap);
    if (!s) {
        fprintf(stderr, "clickvm: out of memory\n");
        exit(1);
    }
    str->s = s;
    str->cap = cap;
}

void cvm_str_append(CvmStr *str, const char *s, size_t n)
{
    reserve(str, n);
    memcpy(str->s + str->len, s, n);
    str->len += n;
    str->s[str->len] = 0;
}

void cvm_str_vprintf(CvmStr *str, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        reserve(str, (size_t)n);
        vsnprintf(str->s + str->len, (size_t)n + 1, fmt, ap2);
        str->len += (size_t)n;
    }
    va_end(ap2);
}

void cvm_str_printf(CvmStr *str, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cvm_str_vprintf(str, fmt, ap);
    va_end(ap);
}

void cvm_str_clear(CvmStr *str)
{
    str->len = 0;
    if (str->s) str->s[0] = 0;
}

void cvm_str_free(CvmStr *str)
{
    free(str->s);
    str->s = NULL;
    str->len = str->cap = 0;
}
