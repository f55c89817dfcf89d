#include "handlers.h"
#include "router.h"
#include <stdarg.h>
#include <string.h>

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
