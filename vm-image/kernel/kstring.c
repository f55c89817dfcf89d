/* The few string functions the kernel's own code needs. gcc may also emit
 * calls to memset/memcpy for struct copies; those resolve to musl's, which
 * are plain integer code and safe here. */
#include "kernel.h"

void *kmemset(void *d, int c, size_t n)
{
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return d;
}

void *kmemcpy(void *d, const void *s, size_t n)
{
    void *r = d;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return r;
}

size_t kstrlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}
