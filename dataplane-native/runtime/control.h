/* Click's ControlSocket protocol, version 1.3, without a transport: bytes
 * from a client go in through cvm_control_input, replies come out through
 * the write callback. The POSIX ControlSocket element and `-p`/`-u`
 * (control-posix.c) put it on TCP and UNIX sockets; the VM image puts it on
 * its serial control channel. One CvmControl per client connection.
 *
 * Commands (one per line; CR, LF or CRLF; replies end in CRLF):
 *   READ h [params]      READDATA h n + n bytes     READUNTIL h [TERM]
 *   WRITE h [value]      WRITEDATA h n + n bytes    WRITEUNTIL h [TERM]
 *   CHECKREAD h  CHECKWRITE h  LLRPC e#num [n]  HELP  QUIT (or CLOSE)
 * A handler is `element.handler`, `N.handler` (the Nth element, from 1) or
 * `handler` (global). Replies are Click's: `200 Read handler 'c.count' OK`
 * then `DATA n` and n bytes; errors 500 syntax, 501 unimplemented, 510 no
 * such element, 511 no such handler, 520 handler error, 521 data too big,
 * 530 permission denied, 540 no router. */
#ifndef CVM_CONTROL_H
#define CVM_CONTROL_H

#include <stddef.h>

typedef struct CvmControl CvmControl;

/* Where replies go; the transport buffers or sends them. */
typedef void (*CvmControlWrite)(void *ctx, const char *data, size_t n);

/* Flags. READONLY: write handlers are refused (530). VERBOSE: the
 * transport reports connections opening and closing. */
#define CVM_CONTROL_READONLY 1
#define CVM_CONTROL_VERBOSE 2

/* The most data one command may carry (READDATA/WRITEDATA bytes, a line, a
 * READUNTIL/WRITEUNTIL body). Larger counts get 521 and their bytes are
 * skipped; a line or body that outgrows it ends the connection. */
#define CVM_CONTROL_MAX_DATA (1u << 20)

/* A connection: sends the banner `Click::ControlSocket/1.3` right away. */
CvmControl *cvm_control_new(CvmControlWrite out, void *ctx, unsigned flags);

/* Feed bytes the client sent; complete commands run at once, replies go
 * out before it returns. data == NULL with n == 0 says the client closed
 * its side: a last unterminated line still runs, as in Click. Returns 0 to
 * go on, < 0 once the connection is to be closed (QUIT, end of input, or
 * input that cannot be framed); later input is ignored. */
int cvm_control_input(CvmControl *c, const char *data, size_t n);

void cvm_control_free(CvmControl *c);

/* Hot reconfiguration (hotswap.h): a `WRITE hotconfig` parks the
 * connection (busy: later commands wait, input is kept) until
 * cvm_control_resume gives its reply (200, or 520 with `msg`'s lines) and
 * runs what came meanwhile. closed: the protocol is done with it. rebind:
 * the connection moved to another transport object (the next library's). */
int cvm_control_busy(const CvmControl *c);
int cvm_control_closed(const CvmControl *c);
void cvm_control_resume(CvmControl *c, int ok, const char *msg);
void cvm_control_rebind(CvmControl *c, CvmControlWrite out, void *ctx);

#endif
