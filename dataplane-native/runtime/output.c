#include "output.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int capturing;
static int warnings = 1;

void cvm_output_warnings(int on) { warnings = on; }
static CvmStr captured[2];

void cvm_output_capture(int on) { capturing = on; }

CvmStr *cvm_output_captured(int stream) { return &captured[stream ? 1 : 0]; }

void cvm_write(int stream, const char *s, size_t n)
{
    if (capturing) cvm_str_append(&captured[stream ? 1 : 0], s, n);
    else fwrite(s, 1, n, stream ? stderr : stdout);
}

static void vline(int stream, const char *prefix, const char *fmt, va_list ap)
{
    CvmStr line = { 0 };
    if (prefix) cvm_str_printf(&line, "%s: ", prefix);
    cvm_str_vprintf(&line, fmt, ap);
    cvm_str_append(&line, "\n", 1);
    cvm_write(stream, line.s, line.len);
    cvm_str_free(&line);
}

void cvm_chatter(const char *element_name, const char *fmt, ...)
{
    if (!warnings) return;   /* click -w */
    va_list ap;
    va_start(ap, fmt);
    vline(CVM_STDERR, element_name, fmt, ap);
    va_end(ap);
}

void cvm_stderr_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(CVM_STDERR, NULL, fmt, ap);
    va_end(ap);
}

void cvm_stdout_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(CVM_STDOUT, NULL, fmt, ap);
    va_end(ap);
}

void cvm_output_flush(void)
{
    fflush(stdout);
    fflush(stderr);
}
