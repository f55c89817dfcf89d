/* The few string functions the kernel's own code needs. gcc may also emit
 * calls to memset/memcpy for struct copies; those resolve to musl's, which
 * are plain integer code and safe here. */
#include "kernel.h"

/* Eight bytes per iteration, then the tail: under TCG each iteration of a
 * rep instruction costs about a nanosecond whatever its width, and the
 * kernel clears hundreds of KiB of heap pages while the router starts. */
void *kmemset(void *d, int c, size_t n)
{
    void *r = d;
    uint64_t v = 0x0101010101010101ull * (uint8_t)c;
    size_t q = n / 8, b = n % 8;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(b) : "a"(v) : "memory");
    return r;
}

void *kmemcpy(void *d, const void *s, size_t n)
{
    void *r = d;
    size_t q = n / 8, b = n % 8;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(b) : : "memory");
    return r;
}

size_t kstrlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}
