/* Standard output and standard error of the dataplane. Lines go to the
 * process's streams, or, when captured (the shared library in a host
 * process), into memory for the caller to take. */
#ifndef CVM_OUTPUT_H
#define CVM_OUTPUT_H

#include <stddef.h>
#include "str.h"

enum { CVM_STDOUT = 0, CVM_STDERR = 1 };

void cvm_output_capture(int on);
/* Off: chatter (element warnings) is dropped, as `click -w`; Print lines stay. */
void cvm_output_warnings(int on);
/* Captured text of a stream since the last take (caller must not free). */
CvmStr *cvm_output_captured(int stream);

void cvm_write(int stream, const char *s, size_t n);
/* Chatter is prefixed with the element's name, as Click does. */
void cvm_chatter(const char *element_name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cvm_stderr_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cvm_stdout_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cvm_output_flush(void);

#endif
