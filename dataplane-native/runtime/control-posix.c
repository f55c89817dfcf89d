/* ControlSocket servers on POSIX sockets (control-posix.h). Nothing here
 * blocks: the listener and every connection are non-blocking I/O sources;
 * replies queue in a per-connection buffer that drains as the socket
 * takes it, and a client that lets more than CONTROL_OUT_LIMIT bytes pile
 * up unread is dropped rather than allowed to hold memory or the router. */
#ifndef CVM_TARGET_VM
#include "control-posix.h"
#include "control.h"
#include "hotswap.h"
#include "io.h"
#include "output.h"
#include "sched.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CONTROL_OUT_LIMIT (4u << 20)
/* Bytes read from one connection per poll, so a flood cannot starve the dataplane. */
#define CONTROL_READ_BUDGET (256u << 10)

struct control_conn {
    CvmIoSource src;          /* first: the source's poll gets the connection */
    CvmControlServer *server;
    CvmControl *proto;
    CvmStr out;
    size_t out_pos;
    int sock;                 /* the socket (src.fd is -1 while only polling helps, see conn_poll) */
    int closing;              /* the protocol is done: close once output is sent */
    int peer_eof;             /* the client closed its sending side */
    int shut;                 /* our sending side is shut; input is read and dropped until the client closes */
    int64_t linger_until;     /* ... or until then (monotonic ns) */
    struct control_conn *next;
};

struct CvmControlServer {
    CvmIoSource src;          /* the listener (fd -1 while waiting to retry a bind) */
    CvmControlListen how;
    char path[108];
    int port;                 /* bound TCP port */
    int retries_left;
    int64_t next_try_ns;      /* monotonic time of the next bind attempt */
    int paused_fd;            /* the listener while accepting pauses (out of descriptors), else -1 */
    int64_t resume_ns;        /* ... until then (monotonic ns) */
    int fd_warned;            /* said so once since the last accepted client */
    struct control_conn *conns;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void conn_write(void *ctx, const char *data, size_t n)
{
    struct control_conn *c = ctx;
    cvm_str_append(&c->out, data, n);
    c->src.want_out = 1;   /* a reply given outside conn_poll (hotconfig's) goes out when the socket takes it */
}

/* Send what the socket takes. -1: the peer is gone. */
static int conn_flush(struct control_conn *c)
{
    while (c->out_pos < c->out.len) {
        ssize_t w = send(c->sock, c->out.s + c->out_pos, c->out.len - c->out_pos, MSG_NOSIGNAL);
        if (w > 0) c->out_pos += (size_t)w;
        else if (w < 0 && errno == EINTR) continue;
        else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        else return -1;
    }
    if (c->out_pos == c->out.len) {
        cvm_str_clear(&c->out);
        c->out_pos = 0;
    } else if (c->out_pos > 65536) {
        memmove(c->out.s, c->out.s + c->out_pos, c->out.len - c->out_pos);
        c->out.len -= c->out_pos;
        c->out_pos = 0;
    }
    c->src.want_out = c->out.len > 0;
    return 0;
}

static void conn_close(struct control_conn *c, const char *why)
{
    CvmControlServer *s = c->server;
    for (struct control_conn **pp = &s->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    cvm_io_remove(&c->src);
    if (s->how.flags & CVM_CONTROL_VERBOSE) cvm_chatter(s->how.who, "closed connection %d%s%s", c->sock, why ? ": " : "", why ? why : "");
    close(c->sock);
    cvm_control_free(c->proto);
    cvm_str_free(&c->out);
    free(c);
}

/* How long a connection the protocol closed waits for the client to close
 * (reading and dropping its input meanwhile): closing with unread input
 * would reset the connection and could destroy replies still in flight. */
#define CONTROL_LINGER_NS 5000000000LL

static int conn_poll(CvmIoSource *src)
{
    struct control_conn *c = (struct control_conn *)src;
    int did = 0;
    size_t budget = CONTROL_READ_BUDGET;
    char buf[16384];
    while (!c->peer_eof && budget) {
        ssize_t r = recv(c->sock, buf, sizeof buf < budget ? sizeof buf : budget, 0);
        if (r > 0) {
            did = 1;
            budget -= (size_t)r;
            if (!c->closing && cvm_control_input(c->proto, buf, (size_t)r) < 0) c->closing = 1;
        } else if (r == 0) {
            /* the client closed its side: run what it left, then close */
            did = 1;
            c->peer_eof = 1;
            if (!c->closing) cvm_control_input(c->proto, NULL, 0);
            c->closing = 1;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else {
            conn_close(c, strerror(errno));
            return 1;
        }
    }
    if (!c->closing && cvm_control_closed(c->proto)) c->closing = 1;   /* e.g. a QUIT run after a hotconfig reply */
    if (conn_flush(c) < 0) {
        conn_close(c, "peer gone");
        return 1;
    }
    if (c->out.len - c->out_pos > CONTROL_OUT_LIMIT) {
        conn_close(c, "client reads too slowly");
        return 1;
    }
    /* At end of input the socket always polls readable: wait blind (the
     * run loop then polls every millisecond) while output drains. Blind
     * too while lingering, so the linger's end is seen without input. */
    c->src.fd = c->peer_eof || c->shut ? -1 : c->sock;
    if (c->closing && c->out.len == 0 && !cvm_control_busy(c->proto)) {
        if (c->peer_eof || (c->shut && mono_ns() > c->linger_until)) {
            conn_close(c, NULL);
            return 1;
        }
        if (!c->shut) {
            shutdown(c->sock, SHUT_WR);
            c->shut = 1;
            c->src.fd = -1;
            c->linger_until = mono_ns() + CONTROL_LINGER_NS;
        }
    }
    return did;
}

static void accept_one(CvmControlServer *s, int fd, const struct sockaddr_in *peer)
{
    struct control_conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return;
    }
    set_nonblocking(fd);
    c->server = s;
    c->src.poll = conn_poll;
    c->src.fd = fd;
    c->src.when_ready = 1;
    c->sock = fd;
    c->src.live = 0;   /* the listener keeps the router up; a client alone does not need to */
    c->proto = cvm_control_new(conn_write, c, s->how.flags);
    if (!c->proto) {
        close(fd);
        free(c);
        return;
    }
    c->next = s->conns;
    s->conns = c;
    cvm_io_add(&c->src);
    if (s->how.flags & CVM_CONTROL_VERBOSE) {
        if (!s->how.unix_socket && peer) {
            char a[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &peer->sin_addr, a, sizeof a);
            cvm_chatter(s->how.who, "opened connection %d from %s.%d", fd, a, ntohs(peer->sin_port));
        } else {
            cvm_chatter(s->how.who, "opened connection %d", fd);
        }
    }
    conn_flush(c);   /* the banner */
}

static int try_bind(CvmControlServer *s, CvmStr *err)
{
    const CvmControlListen *h = &s->how;
    int fd = socket(h->unix_socket ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        cvm_str_printf(err, "socket: %s", strerror(errno));
        return -1;
    }
    if (h->unix_socket) {
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof sa);
        sa.sun_family = AF_UNIX;
        memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
            cvm_str_printf(err, "bind: %s", strerror(errno));
            close(fd);
            return -1;
        }
    } else {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in sa;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(h->localhost ? INADDR_LOOPBACK : INADDR_ANY);
        int port = h->port;
        for (int tries = 0;; tries++, port++) {
            sa.sin_port = htons((uint16_t)port);
            if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0) break;
            if (errno != EADDRINUSE || tries >= h->port_tries || port >= 65535) {
                cvm_str_printf(err, "bind: %s", strerror(errno));
                close(fd);
                return -1;
            }
        }
        if (port == 0) {
            /* port 0: the kernel chose one; report it */
            socklen_t len = sizeof sa;
            getsockname(fd, (struct sockaddr *)&sa, &len);
            port = ntohs(sa.sin_port);
        }
        s->port = port;
    }
    if (listen(fd, SOMAXCONN) < 0) {   /* a burst of clients queues; 16 made UNIX connects fail with EAGAIN */
        cvm_str_printf(err, "listen: %s", strerror(errno));
        close(fd);
        return -1;
    }
    set_nonblocking(fd);
    s->src.fd = fd;
    return 0;
}

static int server_poll(CvmIoSource *src)
{
    CvmControlServer *s = (CvmControlServer *)src;
    if (s->paused_fd >= 0) {
        if (mono_ns() < s->resume_ns) return 0;
        s->src.fd = s->paused_fd;
        s->paused_fd = -1;
    }
    if (s->src.fd < 0) {
        /* waiting to retry a bind (Click's RETRIES, once a second) */
        if (mono_ns() < s->next_try_ns) return 0;
        CvmStr err = { 0 };
        int ok = try_bind(s, &err) == 0;
        if (!ok) {
            s->retries_left--;
            if (s->retries_left < 0) {
                cvm_chatter(s->how.who, "%s", err.s);
                s->src.live = 0;
                cvm_io_remove(&s->src);
                cvm_request_stop();   /* Click: out of retries, the router stops */
            } else {
                if (s->how.retry_warnings) cvm_chatter(s->how.who, "%s (%d %s left)", err.s, s->retries_left + 1, s->retries_left ? "tries" : "try");
                s->next_try_ns = mono_ns() + 1000000000LL;
            }
        }
        cvm_str_free(&err);
        return ok;
    }
    int did = 0;
    for (int i = 0; i < 16; i++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int fd = accept(s->src.fd, (struct sockaddr *)&peer, &len);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)) {
            /* Out of descriptors or memory: the listener would stay readable
             * and every poll fail again (a busy loop, a line each). Clients
             * wait in the backlog while accepting pauses for 100 ms. */
            if (!s->fd_warned) cvm_chatter(s->how.who, "accept: %s (accepting again when descriptors free up)", strerror(errno));
            s->fd_warned = 1;
            s->paused_fd = s->src.fd;
            s->src.fd = -1;
            s->resume_ns = mono_ns() + 100000000LL;
            break;
        }
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                cvm_chatter(s->how.who, "accept: %s", strerror(errno));
            break;
        }
        accept_one(s, fd, s->how.unix_socket ? NULL : &peer);
        s->fd_warned = 0;
        did = 1;
    }
    return did;
}

CvmControlServer *cvm_control_listen(const CvmControlListen *how, CvmStr *err)
{
    CvmControlServer *s = calloc(1, sizeof *s);
    if (!s) {
        cvm_str_printf(err, "out of memory");
        return NULL;
    }
    s->how = *how;
    if (how->unix_socket) {
        if (!how->path || strlen(how->path) >= sizeof s->path) {
            cvm_str_printf(err, "filename too long");
            free(s);
            return NULL;
        }
        memcpy(s->path, how->path, strlen(how->path) + 1);
    }
    s->how.path = s->path;
    s->src.poll = server_poll;
    s->src.when_ready = 1;
    s->src.fd = -1;
    s->paused_fd = -1;
    s->src.live = 1;
    CvmStr e = { 0 };
    if (try_bind(s, &e) < 0) {
        if (how->retries <= 0) {
            cvm_str_append(err, e.s, e.len);
            cvm_str_free(&e);
            free(s);
            return NULL;
        }
        if (how->retry_warnings) cvm_chatter(how->who, "%s (%d %s left)", e.s, how->retries, how->retries > 1 ? "tries" : "try");
        s->retries_left = how->retries - 1;
        s->next_try_ns = mono_ns() + 1000000000LL;
    }
    cvm_str_free(&e);
    cvm_io_add(&s->src);
    return s;
}

int cvm_control_server_port(const CvmControlServer *s) { return s->src.fd >= 0 || s->paused_fd >= 0 ? s->port : 0; }

const char *cvm_control_server_path(const CvmControlServer *s) { return s->path; }

/* Hot reconfiguration: a server like `old` (the old library's) on its very
 * listening socket and connections, each connection's protocol state and
 * unsent output moved as they are; `old`'s sources leave the old library's
 * run loop and its memory is freed (one C library serves both). */
CvmControlServer *cvm_control_server_adopt(CvmControlServer *old, const char *who, CvmHotswap *hs)
{
    CvmControlServer *s = calloc(1, sizeof *s);
    if (!s) {
        cvm_str_printf(hs->err, "out of memory: the control socket was closed");
        return NULL;
    }
    hs->old->io_remove(&old->src);
    *s = *old;
    s->how.path = s->path;
    s->how.who = who;   /* the old name's text goes with the old library */
    memset(&s->src, 0, sizeof s->src);
    s->src.poll = server_poll;
    s->src.when_ready = 1;
    s->src.fd = old->src.fd;
    s->src.live = old->src.live;
    s->conns = NULL;
    struct control_conn **tail = &s->conns;
    for (struct control_conn *o = old->conns, *next; o; o = next) {
        next = o->next;
        hs->old->io_remove(&o->src);
        struct control_conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(o->sock);
            cvm_control_free(o->proto);
            cvm_str_free(&o->out);
            free(o);
            cvm_str_printf(hs->err, "out of memory: a control connection was closed\n");
            continue;
        }
        *c = *o;
        memset(&c->src, 0, sizeof c->src);
        c->src.poll = conn_poll;
        c->src.fd = o->src.fd;
        c->src.when_ready = 1;
        c->src.want_out = c->out.len > c->out_pos;
        c->server = s;
        c->next = NULL;
        cvm_control_rebind(c->proto, conn_write, c);
        if (hs->old->hotconfig_waiter() == c->proto) {
            /* the writer of the hotconfig being swapped in gets its reply from here */
            hs->old->hotconfig_forget();
            cvm_hotconfig_adopt(c->proto);
        }
        free(o);
        *tail = c;
        tail = &c->next;
        cvm_io_add(&c->src);
    }
    free(old);
    cvm_io_add(&s->src);
    return s;
}

int cvm_control_server_same(const CvmControlServer *s, const CvmControlListen *how)
{
    if (!s || s->how.unix_socket != how->unix_socket) return 0;
    return how->unix_socket ? how->path && !strcmp(s->path, how->path) : s->how.port == how->port;
}

void cvm_control_server_close(CvmControlServer *s)
{
    if (!s) return;
    while (s->conns) {
        conn_flush(s->conns);
        conn_close(s->conns, NULL);
    }
    cvm_io_remove(&s->src);
    if (s->paused_fd >= 0) s->src.fd = s->paused_fd;
    if (s->src.fd >= 0) {
        close(s->src.fd);
        if (s->how.unix_socket) unlink(s->path);
    }
    free(s);
}
#endif
