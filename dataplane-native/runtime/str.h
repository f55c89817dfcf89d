/* A growable string for handler values and messages. */
#ifndef CVM_STR_H
#define CVM_STR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct CvmStr {
    char *s;
    size_t len, cap;
} CvmStr;

void cvm_str_printf(CvmStr *str, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cvm_str_vprintf(CvmStr *str, const char *fmt, va_list ap);
void cvm_str_append(CvmStr *str, const char *s, size_t n);
void cvm_str_clear(CvmStr *str);
void cvm_str_free(CvmStr *str);
/* Decimal of an unsigned 64-bit value, the common read-handler body. */
static inline void cvm_str_u64(CvmStr *str, uint64_t v) { cvm_str_printf(str, "%llu", (unsigned long long)v); }

#endif
