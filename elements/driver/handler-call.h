/* Calling handlers by name from element code (END_CALL, USE_ENCAP_FROM,
 * Script), with the host engine's rules and messages (host-engine/router.ts
 * readHandler/writeHandler, elements/driver/handler-call.ts callWrite):
 * names are looked up from the caller's compound scope outwards, `e.h`
 * splits at the first dot, a name without an element (or with a leading
 * dot) is a global handler, and the global `stop` takes a count. */
#ifndef CVM_DRIVER_HANDLER_CALL_H
#define CVM_DRIVER_HANDLER_CALL_H

#include "cvm.h"
#include "router.h"
#include "elements/lib/click-text.h"
#include <errno.h>

static int hc_element_named(const char *name, size_t len)
{
    for (int i = 0; i < cvm_router.nelements; i++) {
        const char *n = cvm_router.elements[i]->name;
        if (strlen(n) == len && !memcmp(n, name, len)) return i;
    }
    return -1;
}

/* Element `name` as seen from element `context` (a/b/x looks for a/b/name,
 * a/name, then name); -1 if there is none. */
static int hc_find_element(const char *name, size_t len, const char *context)
{
    CvmStr full = { 0 };
    int hit = -1;
    if (context) {
        size_t scope = strlen(context);
        for (;;) {
            while (scope && context[scope - 1] != '/') scope--;
            if (!scope) break;
            scope--;  /* drop the slash */
            cvm_str_clear(&full);
            cvm_str_append(&full, context, scope);
            cvm_str_append(&full, "/", 1);
            cvm_str_append(&full, name, len);
            hit = hc_element_named(full.s, full.len);
            if (hit >= 0) break;
        }
    }
    cvm_str_free(&full);
    return hit >= 0 ? hit : hc_element_named(name, len);
}

/* A resolved handler path: element index (-1: global) and handler name. */
typedef struct HcTarget {
    int element;
    const char *handler;
} HcTarget;

/* 0, or -1 with "no element named 'x'" in err. */
static int hc_resolve(const char *path, const char *context, HcTarget *t, CvmStr *err)
{
    const char *dot = strchr(path, '.');
    if (!dot || dot == path) {
        t->element = -1;
        t->handler = dot ? dot + 1 : path;
        return 0;
    }
    t->element = hc_find_element(path, (size_t)(dot - path), context);
    t->handler = dot + 1;
    if (t->element < 0) {
        cvm_str_printf(err, "no element named '%.*s'", (int)(dot - path), path);
        return -1;
    }
    return 0;
}

/* Router.readHandler(text, context): `PATH` or `PATH PARAM` (the text is
 * trimmed; the parameter is what follows the first run of blanks). */
static int hc_read(const char *context, const char *text, CvmStr *out, CvmStr *err)
{
    const char *s;
    size_t n;
    ct_trim(text, strlen(text), &s, &n);
    size_t plen = 0;
    while (plen < n && !ct_js_space(s[plen])) plen++;
    size_t q = plen;
    while (q < n && ct_js_space(s[q])) q++;
    CvmStr path = { 0 }, param = { 0 };
    cvm_str_append(&path, s, plen);
    cvm_str_append(&param, s + q, n - q);
    HcTarget t;
    int r = -1;
    if (hc_resolve(path.s, context, &t, err) == 0) {
        CvmStr v = { 0 };
        r = cvm_read_element_handler(t.element, t.handler, plen < n ? param.s : NULL, &v);
        cvm_str_append(r < 0 ? err : out, v.s ? v.s : "", v.len);
        cvm_str_free(&v);
    }
    cvm_str_free(&path);
    cvm_str_free(&param);
    return r < 0 ? -1 : 0;
}

/* The count written to `stop`: an integer (/^[+-]?\d+$/ after trimming), else 1. */
static long long hc_stop_count(const char *value)
{
    const char *s;
    size_t n;
    ct_trim(value, strlen(value), &s, &n);
    size_t sign = n && (s[0] == '+' || s[0] == '-');
    if (n <= sign) return 1;
    for (size_t i = sign; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    return errno ? (s[0] == '-' ? -1000000 : 1000000) : v;
}

/* Router.writeHandler(path, value, context). */
static int hc_write(const char *context, const char *path, const char *value, CvmStr *err)
{
    HcTarget t;
    if (hc_resolve(path, context, &t, err) < 0) return -1;
    if (t.element < 0 && !strcmp(t.handler, "stop")) {
        /* the global handler: runcount goes down by the count (up, for a negative one) */
        long long count = hc_stop_count(value);
        cvm_request_stops((int)(count > 1000000 ? 1000000 : count < -1000000 ? -1000000 : count));
        return 0;
    }
    return cvm_write_element_handler(t.element, t.handler, value, err) < 0 ? -1 : 0;
}

/* callWrite: the global `stop` (also `.stop`) is Click's please_stop_driver,
 * once per count (none for a count below 1); everything else goes through the
 * router. 0 ok, -1 with the message in err. */
static int hc_call_write(const char *context, const char *path, const char *value, CvmStr *err)
{
    const char *p = *path == '.' ? path + 1 : path;
    if (!strcmp(p, "stop")) {
        long long count = hc_stop_count(value);
        if (count > 0) cvm_request_stops((int)(count > 1000000 ? 1000000 : count));
        return 0;
    }
    return hc_write(context, p, value, err);
}

/* An END_CALL made by element `element`: callWrite, and if it fails the
 * chatter line "While calling 'PATH': MESSAGE". */
static void hc_end_call(const char *element, const char *path, const char *value)
{
    CvmStr err = { 0 };
    if (hc_call_write(element, path, value, &err) < 0) cvm_chatter(element, "While calling '%s': %s", path, err.s ? err.s : "");
    cvm_str_free(&err);
}

#endif
