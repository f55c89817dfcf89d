/* ControlSocket: Click's ControlSocket protocol on a TCP or UNIX socket
 * (dataplane-native/runtime/control-posix.c serves it; control.c speaks
 * it). The VM image has no sockets: there the element compiles to a stub
 * that fails initialization, and the image builder refuses it before that. */
#include "cvm.h"
#ifndef CVM_TARGET_VM
#include "control-posix.h"
#endif
#include "hotswap.h"

struct control_socket {
    CvmElement base;
    int unix_socket, port, port_tries, localhost, retries, retry_warnings;
    unsigned flags;              /* CVM_CONTROL_READONLY | CVM_CONTROL_VERBOSE */
    const char *path;
#ifndef CVM_TARGET_VM
    CvmControlServer *server;
#endif
};

#ifndef CVM_TARGET_VM
static CvmControlListen control_socket_how(const struct control_socket *e)
{
    CvmControlListen how = {
        .unix_socket = e->unix_socket,
        .port = e->port,
        .port_tries = e->port_tries,
        .localhost = e->localhost,
        .path = e->path,
        .flags = e->flags,
        .retries = e->retries,
        .retry_warnings = e->retry_warnings,
        .who = e->base.name,
    };
    return how;
}

/* Hot reconfiguration: the old library's ControlSocket on this very socket, if it has one open. */
static struct control_socket *control_socket_old_same(struct control_socket *e, void *old_struct)
{
    struct control_socket *old = old_struct;
    CvmControlListen how = control_socket_how(e);
    return old && old->server && cvm_control_server_same(old->server, &how) ? old : NULL;
}
#endif

static int control_socket_init(struct control_socket *e, CvmStr *err)
{
#ifdef CVM_TARGET_VM
    (void)e;
    cvm_str_printf(err, "ControlSocket needs sockets, which the VM image does not have (its serial control channel speaks the same protocol)");
    return -1;
#else
    /* replacing a router whose ControlSocket holds this very socket: take_state hands it over */
    if (control_socket_old_same(e, cvm_hotswap_predecessor(&e->base))) return 0;
    CvmControlListen how = control_socket_how(e);
    e->server = cvm_control_listen(&how, err);
    return e->server ? 0 : -1;
#endif
}

/* Hot reconfiguration: the listening socket and open connections (a client
 * waiting for its hotconfig reply among them) carry on here. */
static void control_socket_take_state(struct control_socket *e, struct control_socket *old, CvmHotswap *hs)
{
#ifndef CVM_TARGET_VM
    if (e->server || !control_socket_old_same(e, old)) return;
    e->server = cvm_control_server_adopt(old->server, e->base.name, hs);
    old->server = NULL;
#else
    (void)e, (void)old, (void)hs;
#endif
}

static void control_socket_cleanup(struct control_socket *e)
{
#ifndef CVM_TARGET_VM
    cvm_control_server_close(e->server);
    e->server = NULL;
#else
    (void)e;
#endif
}

static void control_socket_read_port(struct control_socket *e, CvmStr *o)
{
#ifndef CVM_TARGET_VM
    cvm_str_printf(o, "%d", e->server ? cvm_control_server_port(e->server) : 0);
#else
    (void)e;
    cvm_str_printf(o, "0");
#endif
}
