/* Helpers for element handlers: calling other handlers
 * (elements/driver/handler-call.ts) and failing reads. Written values are
 * parsed by elements/lib/click-values.h and handler-args.h. */
#ifndef CVM_HANDLERS_H
#define CVM_HANDLERS_H

#include <stdint.h>
#include "str.h"

/* Write `value` to the handler at `path` (`element.handler`, `.global` or `global`);
 * `stop` is the driver stop request. 0 ok, -1 with a message in err. */
int cvm_call_write(const char *path, const char *value, CvmStr *err);

/* For read handlers that fail (the host throws HandlerError): replace what
 * was written to `o` with the message and mark the read as failed. */
void cvm_read_fail(CvmStr *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether the read handler just called used cvm_read_fail (and clear it). */
int cvm_read_failed(void);

#endif
