/* The ControlSocket protocol (control.h) on TCP and UNIX stream sockets:
 * a listening socket and its connections, all non-blocking I/O sources
 * (io.h) served by the run loop. The listener is a live source, so a router
 * with nothing else to do keeps running and answering. Used by the
 * ControlSocket element and the standalone driver's -p/-u options. Not in
 * the VM image, which has no sockets. */
#ifndef CVM_CONTROL_POSIX_H
#define CVM_CONTROL_POSIX_H

#include "str.h"

typedef struct CvmControlServer CvmControlServer;

typedef struct CvmControlListen {
    int unix_socket;          /* 0: TCP on `port`; 1: UNIX socket at `path` */
    int port;
    int port_tries;           /* on EADDRINUSE try port+1, ... this many more ports (Click's `PORT+`) */
    int localhost;            /* TCP: bind 127.0.0.1 rather than every address */
    const char *path;
    unsigned flags;           /* CVM_CONTROL_READONLY, CVM_CONTROL_VERBOSE */
    int retries;              /* Click's RETRIES: failed binds retried once a second this many times */
    int retry_warnings;
    const char *who;          /* element name for messages */
} CvmControlListen;

/* Open and register the server; NULL with a message in err. With retries
 * left after a failed bind, it is returned unbound and keeps trying. */
CvmControlServer *cvm_control_listen(const CvmControlListen *how, CvmStr *err);
/* The TCP port bound (0 while not bound), or the UNIX path. */
int cvm_control_server_port(const CvmControlServer *s);
const char *cvm_control_server_path(const CvmControlServer *s);
/* Close every connection (after a last try to send their output) and the
 * listener; a UNIX socket file is removed. */
void cvm_control_server_close(CvmControlServer *s);

struct CvmHotswap;
/* Hot reconfiguration (hotswap.h): take over the old library's server `old`
 * (its socket, connections and their state; `old` is freed; `who` names
 * the new element in messages); is `s` a
 * server for the socket `how` names (same type and port or path)? */
CvmControlServer *cvm_control_server_adopt(CvmControlServer *old, const char *who, struct CvmHotswap *hs);
int cvm_control_server_same(const CvmControlServer *s, const CvmControlListen *how);

#endif
