/* Router lifecycle, handler dispatch and the accounting check. */
#include "router.h"
#include "handlers.h"
#include "hotswap.h"
#include "packet.h"
#include <stdlib.h>
#include <string.h>

const char cvm_version[] = "2.1";   /* the Click language version, as the host engine says */
int cvm_failed_element = -1;
int cvm_router_ready;

int cvm_router_start(CvmStr *err)
{
    cvm_failed_element = -1;
    cvm_router_ready = 0;
    cvm_sched_reset();
    cvm_sched_hooks(cvm_router.reserve_driver);
    cvm_router.reset();
    int r = cvm_router.initialize(err);
    cvm_router_ready = r == 0;
    return r;
}

int cvm_router_run(void) { return cvm_run_loop(); }

void cvm_router_finish(void)
{
    cvm_router_ready = 0;
    cvm_router.cleanup();
}

static int find_element(const char *name, size_t len)
{
    for (int i = 0; i < cvm_router.nelements; i++) {
        const char *n = cvm_router.elements[i]->name;
        if (strlen(n) == len && memcmp(n, name, len) == 0) return i;
    }
    return -1;
}

static const CvmHandler *find_handler(int element, const char *name)
{
    for (int i = 0; i < cvm_router.nhandlers; i++) {
        const CvmHandler *h = &cvm_router.handlers[i];
        if (h->element == element && strcmp(h->name, name) == 0) return h;
    }
    return NULL;
}

/* The standard handlers every element has (host-engine/handler-tables.ts). */
static const char *standard_text(int e, const char *name)
{
    if (!strcmp(name, "name")) return cvm_router.elements[e]->name;
    if (!strcmp(name, "class")) return cvm_router.elements[e]->class_name;
    if (!strcmp(name, "config")) return cvm_router.configs[e];
    if (!strcmp(name, "ports")) return cvm_router.port_info[e];
    if (!strcmp(name, "handlers")) return cvm_router.listings[e];
    return NULL;
}

static const char *global_text(const char *name)
{
    if (!strcmp(name, "version")) return cvm_version;
    if (!strcmp(name, "driver")) return "userlevel";
    if (!strcmp(name, "config")) return cvm_router.config;
    if (!strcmp(name, "flatconfig")) return cvm_router.flat_config;
    if (!strcmp(name, "requirements")) return cvm_router.requirements;
    if (!strcmp(name, "handlers")) return cvm_router.global_listing;
    if (!strcmp(name, "list")) return cvm_router.list;
    if (!strcmp(name, "classes")) return cvm_router.classes;
    return NULL;
}

static void full_name(CvmStr *s, int e, const char *name)
{
    if (e >= 0) cvm_str_printf(s, "%s.%s", cvm_router.elements[e]->name, name);
    else cvm_str_printf(s, "%s", name);
}

int cvm_element_index(const char *name, size_t len) { return find_element(name, len); }

int cvm_handler_access(int e, const char *name)
{
    const CvmHandler *h = e >= 0 ? find_handler(e, name) : NULL;
    if (h) return (h->read || h->read_param ? CVM_HANDLER_READ : 0) | (h->write ? CVM_HANDLER_WRITE : 0);
    if (e >= 0) return standard_text(e, name) ? CVM_HANDLER_READ : 0;
    if (!strcmp(name, "stop")) return CVM_HANDLER_WRITE;
    if (cvm_hotconfig_enabled && !strcmp(name, "hotconfig")) return CVM_HANDLER_WRITE;
    return global_text(name) ? CVM_HANDLER_READ : 0;
}

int cvm_read_element_handler(int e, const char *name, const char *param, CvmStr *out)
{
    const CvmHandler *h = e >= 0 ? find_handler(e, name) : NULL;
    const char *text = h ? NULL : e >= 0 ? standard_text(e, name) : global_text(name);
    CvmStr full = { 0 };
    int r = 0;
    full_name(&full, e, name);
    if (text) {
        if (param) cvm_str_printf(out, "read handler '%s' does not take parameters", full.s), r = -1;
        else cvm_str_printf(out, "%s", text);
    } else if (!h || (!h->read && !h->read_param)) {
        cvm_str_printf(out, "no '%s' read handler", full.s), r = -1;
    } else if (param) {
        if (!h->read_param) cvm_str_printf(out, "read handler '%s' does not take parameters", full.s), r = -1;
        else r = h->read_param(cvm_router.elements[e], param, out);
    } else if (h->read) {
        h->read(cvm_router.elements[e], out);
        if (cvm_read_failed()) r = -1;
    } else {
        r = h->read_param(cvm_router.elements[e], "", out);
    }
    cvm_str_free(&full);
    return r;
}

int cvm_write_element_handler(int e, const char *name, const char *value, CvmStr *err)
{
    if (e < 0 && !strcmp(name, "stop")) {
        /* Click: an optional count of stop requests, 1 if absent or not a number. */
        char *end;
        long n = strtol(value, &end, 10);
        while (*end == ' ' || *end == '\t' || *end == '\n') end++;
        cvm_request_stops(end != value && !*end ? (int)n : 1);
        return 0;
    }
    /* hotconfig is served by control.c (the writer waits for the driver) and by the driver itself */
    if (e < 0 && cvm_hotconfig_enabled && !strcmp(name, "hotconfig")) {
        cvm_str_printf(err, "hotconfig: write it through a ControlSocket or the driver");
        return -1;
    }
    const CvmHandler *h = e >= 0 ? find_handler(e, name) : NULL;
    if (!h || !h->write) {
        CvmStr full = { 0 };
        full_name(&full, e, name);
        cvm_str_printf(err, "no '%s' write handler", full.s);
        cvm_str_free(&full);
        return -1;
    }
    return h->write(cvm_router.elements[e], value, err);
}

/* Split `element.handler` at the first dot (element names have none); no
 * dot, or a leading one, means a global handler. Returns the element index,
 * -1 for global, -2 for an unknown element (message in err). */
static int split_path(const char *path, size_t len, char *hname, size_t cap, CvmStr *err)
{
    const char *dot = memchr(path, '.', len);
    const char *h = dot ? dot + 1 : path;
    size_t hl = len - (size_t)(h - path);
    if (hl >= cap) hl = cap - 1;
    memcpy(hname, h, hl);
    hname[hl] = 0;
    if (!dot || dot == path) return -1;
    int e = find_element(path, (size_t)(dot - path));
    if (e < 0) {
        cvm_str_printf(err, "no element named '%.*s'", (int)(dot - path), path);
        return -2;
    }
    return e;
}

int cvm_read_handler(const char *path, CvmStr *out)
{
    while (*path == ' ' || *path == '\t' || *path == '\n') path++;
    size_t len = strcspn(path, " \t\n");
    const char *param = path[len] ? path + len : NULL;
    if (param) {
        while (*param == ' ' || *param == '\t' || *param == '\n') param++;
        /* the host trims the whole path: a trailing blank is no parameter */
        size_t plen = strlen(param);
        while (plen && (param[plen - 1] == ' ' || param[plen - 1] == '\t' || param[plen - 1] == '\n')) plen--;
        if (!plen) param = NULL;
    }
    char name[256];
    int e = split_path(path, len, name, sizeof name, out);
    if (e == -2) return -1;
    if (!param) return cvm_read_element_handler(e, name, NULL, out);
    CvmStr p = { 0 };
    size_t plen = strlen(param);
    while (plen && (param[plen - 1] == ' ' || param[plen - 1] == '\t' || param[plen - 1] == '\n')) plen--;
    cvm_str_append(&p, param, plen);
    int r = cvm_read_element_handler(e, name, p.s, out);
    cvm_str_free(&p);
    return r;
}

int cvm_write_handler(const char *path, const char *value, CvmStr *err)
{
    char name[256];
    int e = split_path(path, strlen(path), name, sizeof name, err);
    if (e == -2) return -1;
    return cvm_write_element_handler(e, name, value, err);
}

int cvm_check_accounting(CvmStr *msg)
{
    int bad = 0;
    uint64_t held_by_all = 0, allocated, in_use;
    for (int i = 0; i < cvm_router.nelements; i++) {
        const CvmElement *el = cvm_router.elements[i];
        const CvmStats *s = &el->stats;
        uint64_t held = cvm_router.held(i);
        held_by_all += held;
        if (s->in + s->created != s->out + s->dropped + s->consumed + held) {
            cvm_str_printf(msg, "%s: in %llu + created %llu != out %llu + dropped %llu + consumed %llu + held %llu\n", el->name,
                           (unsigned long long)s->in, (unsigned long long)s->created, (unsigned long long)s->out,
                           (unsigned long long)s->dropped, (unsigned long long)s->consumed, (unsigned long long)held);
            bad++;
        }
    }
    /* The pool's side of the same books: between runs every packet not yet
     * freed is one an element says it holds; more is a leak, fewer a double free. */
    cvm_pool_stats(&allocated, &in_use);
    in_use -= cvm_pool_private();
    if (in_use != held_by_all) {
        cvm_str_printf(msg, "packet pool: %llu packets in use (not counting elements' own), elements hold %llu\n",
                       (unsigned long long)in_use, (unsigned long long)held_by_all);
        bad++;
    }
    return bad;
}
