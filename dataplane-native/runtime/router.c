/* Router lifecycle, handler dispatch and the accounting check. */
#include "router.h"
#include <stdlib.h>
#include <string.h>

const char cvm_version[] = "2.1.0 (clickvm native)";

/* Packets moved so far: every push and pull lands in some element's `in`. */
static uint64_t router_packets_moved(void)
{
    uint64_t n = 0;
    for (int i = 0; i < cvm_router.nelements; i++) n += cvm_router.elements[i]->stats.in;
    return n;
}

int cvm_router_start(CvmStr *err)
{
    cvm_sched_reset();
    cvm_sched_hooks(cvm_router.reserve_driver, router_packets_moved);
    cvm_router.reset();
    return cvm_router.initialize(err);
}

int cvm_router_run(void) { return cvm_run_loop(); }

void cvm_router_finish(void) { cvm_router.cleanup(); }

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

/* Handlers every element has, answered from the router description. */
static int read_standard(int e, const char *name, CvmStr *out)
{
    const CvmElement *el = cvm_router.elements[e];
    if (!strcmp(name, "name")) cvm_str_printf(out, "%s", el->name);
    else if (!strcmp(name, "class")) cvm_str_printf(out, "%s", el->class_name);
    else if (!strcmp(name, "config")) cvm_str_printf(out, "%s", cvm_router.configs[e]);
    else if (!strcmp(name, "ports")) cvm_str_printf(out, "%s", cvm_router.port_info[e]);
    else if (!strcmp(name, "handlers")) {
        static const char *const std[] = { "class", "config", "handlers", "name", "ports" };
        for (unsigned i = 0; i < sizeof std / sizeof *std; i++) cvm_str_printf(out, "%s\tr\n", std[i]);
        for (int i = 0; i < cvm_router.nhandlers; i++) {
            const CvmHandler *h = &cvm_router.handlers[i];
            if (h->element == e) cvm_str_printf(out, "%s\t%s%s\n", h->name, h->read ? "r" : "", h->write ? "w" : "");
        }
        if (out->len && out->s[out->len - 1] == '\n') out->s[--out->len] = 0;
    } else return -1;
    return 0;
}

static int read_global(const char *name, CvmStr *out)
{
    if (!strcmp(name, "version")) cvm_str_printf(out, "%s", cvm_version);
    else if (!strcmp(name, "config")) cvm_str_printf(out, "%s", cvm_router.config);
    else if (!strcmp(name, "flatconfig")) cvm_str_printf(out, "%s", cvm_router.flat_config);
    else if (!strcmp(name, "list")) {
        cvm_str_printf(out, "%d\n", cvm_router.nelements);
        for (int i = 0; i < cvm_router.nelements; i++) cvm_str_printf(out, "%s\n", cvm_router.elements[i]->name);
        if (out->len) out->s[--out->len] = 0;
    } else return -1;
    return 0;
}

/* Split `element.handler` at the first dot (element names have none); no
 * dot, or a leading one, means a global handler. Returns the element index,
 * -1 for global, -2 for an unknown element (message in err). */
static int split_path(const char *path, const char **hname, CvmStr *err)
{
    const char *dot = strchr(path, '.');
    if (!dot || dot == path) {
        *hname = dot ? dot + 1 : path;
        return -1;
    }
    *hname = dot + 1;
    int e = find_element(path, (size_t)(dot - path));
    if (e < 0) {
        cvm_str_printf(err, "no element named '%.*s'", (int)(dot - path), path);
        return -2;
    }
    return e;
}

int cvm_read_handler(const char *path, CvmStr *out)
{
    const char *name;
    int e = split_path(path, &name, out);
    if (e == -2) return -1;
    const CvmHandler *h = find_handler(e, name);
    if (h && h->read) {
        h->read(e >= 0 ? (void *)cvm_router.elements[e] : NULL, out);
        return 0;
    }
    if ((e >= 0 ? read_standard(e, name, out) : read_global(name, out)) == 0) return 0;
    cvm_str_printf(out, "no %s handler '%s'", h ? "read" : "", path);
    return -1;
}

int cvm_write_handler(const char *path, const char *value, CvmStr *err)
{
    const char *name;
    int e = split_path(path, &name, err);
    if (e == -2) return -1;
    if (e == -1 && !strcmp(name, "stop")) {
        int n = value && *value ? atoi(value) : 1;
        cvm_request_stops(n > 0 ? n : 1);
        return 0;
    }
    const CvmHandler *h = find_handler(e, name);
    if (!h || !h->write) {
        cvm_str_printf(err, "no write handler '%s'", path);
        return -1;
    }
    return h->write(e >= 0 ? (void *)cvm_router.elements[e] : NULL, value, err);
}

int cvm_check_accounting(CvmStr *msg)
{
    int bad = 0;
    for (int i = 0; i < cvm_router.nelements; i++) {
        const CvmElement *el = cvm_router.elements[i];
        const CvmStats *s = &el->stats;
        uint64_t held = cvm_router.held(i);
        if (s->in + s->created != s->out + s->dropped + s->consumed + held) {
            cvm_str_printf(msg, "%s: in %llu + created %llu != out %llu + dropped %llu + consumed %llu + held %llu\n", el->name,
                           (unsigned long long)s->in, (unsigned long long)s->created, (unsigned long long)s->out,
                           (unsigned long long)s->dropped, (unsigned long long)s->consumed, (unsigned long long)held);
            bad++;
        }
    }
    return bad;
}
