#include "handlers.h"
#include "router.h"
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

static const char *skip_space(const char *s)
{
    while (*s && isspace((unsigned char)*s)) s++;
    return s;
}

int cvm_parse_int(const char *text, int64_t *out)
{
    const char *s = skip_space(text);
    int neg = 0;
    if (*s == '+' || *s == '-') neg = *s++ == '-';
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
        base = 16;
        s += 2;
    } else if (s[0] == '0') {
        base = 8;
    }
    if (!isxdigit((unsigned char)*s)) return -1;
    uint64_t v = 0;
    for (; *s && !isspace((unsigned char)*s); s++) {
        int d = isdigit((unsigned char)*s) ? *s - '0' : isxdigit((unsigned char)*s) ? tolower((unsigned char)*s) - 'a' + 10 : 99;
        if (d >= base) return -1;
        v = v * (uint64_t)base + (uint64_t)d;
        if (v > (1ULL << 53)) return -1;   /* the host engine's safe-integer range */
    }
    if (*skip_space(s)) return -1;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

int cvm_parse_bool(const char *text, int *out)
{
    static const char *const yes[] = { "true", "yes", "1", "t", "y", "on" };
    static const char *const no[] = { "false", "no", "0", "f", "n", "off" };
    const char *s = skip_space(text);
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    for (unsigned i = 0; i < 6; i++) {
        if (strlen(yes[i]) == n && !strncasecmp(s, yes[i], n)) return *out = 1, 0;
        if (strlen(no[i]) == n && !strncasecmp(s, no[i], n)) return *out = 0, 0;
    }
    return -1;
}

int cvm_call_write(const char *path, const char *value, CvmStr *err)
{
    if (*path == '.') path++;
    if (!strcmp(path, "stop")) {
        cvm_request_stop();
        return 0;
    }
    return cvm_write_handler(path, value, err);
}

static int read_failed;

void cvm_read_fail(CvmStr *o, const char *fmt, ...)
{
    va_list ap;
    cvm_str_clear(o);
    va_start(ap, fmt);
    cvm_str_vprintf(o, fmt, ap);
    va_end(ap);
    read_failed = 1;
}

int cvm_read_failed(void)
{
    int f = read_failed;
    read_failed = 0;
    return f;
}
