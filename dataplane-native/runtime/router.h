/* What the generated code describes (one CvmRouter per configuration) and
 * what the runtime offers on top of it: lifecycle, handlers, accounting. The
 * standalone driver (main.c) and the shared library (lib.c) both use it. */
#ifndef CVM_ROUTER_H
#define CVM_ROUTER_H

#include "element.h"
#include "sched.h"
#include "str.h"
#include "output.h"
#include "hotswap.h"

typedef struct CvmHandler {
    int element;                 /* index into elements, or -1 for global handlers */
    const char *name;
    void (*read)(void *e, CvmStr *out);
    int (*write)(void *e, const char *value, CvmStr *err);   /* 0 ok, else message in err */
    int (*read_param)(void *e, const char *param, CvmStr *out); /* `e.h PARAM`; 0 ok, else message */
} CvmHandler;

typedef struct CvmRouter {
    CvmElement *const *elements;
    int nelements;
    const CvmHandler *handlers;
    int nhandlers;
    /* Texts of the standard and global handlers, from host-engine/handler-tables.ts. */
    const char *config;          /* the configuration as given */
    const char *flat_config;     /* clickvm flatten output */
    const char *const *configs;  /* per element: configuration string */
    const char *const *port_info;/* per element: Click's `ports` handler text */
    const char *const *listings; /* per element: the `handlers` listing */
    const char *global_listing, *classes, *requirements, *list;
    /* Restore every element struct to its compiled initial state. */
    void (*reset)(void);
    /* initialize() of every element, in configuration order; 0 or -1 with a message. */
    int (*initialize)(CvmStr *err);
    void (*cleanup)(void);
    /* Packets each element holds (queues), for the accounting check. */
    uint64_t (*held)(int element);
    /* Offer a pending stop to elements that manage the driver; 1 if one keeps it running. */
    int (*reserve_driver)(void);
    /* Hot reconfiguration: element i takes the state of `old`, the old
     * library's element of the same name and C struct (hotswap.h); 1 if its
     * class takes state, 0 if not. */
    int (*take_state)(int i, void *old, CvmHotswap *hs);
} CvmRouter;

extern const CvmRouter cvm_router;   /* defined by the generated code */

/* Index of the element whose initialization failed (message in the error). */
extern int cvm_failed_element;

int cvm_router_start(CvmStr *err);
int cvm_router_run(void);
void cvm_router_finish(void);

/* Handlers by `element.handler [PARAM]` or `handler` (global), with the host
 * engine's error texts. 0 ok; -1 with a message. */
int cvm_read_handler(const char *path, CvmStr *out);
int cvm_write_handler(const char *path, const char *value, CvmStr *err);
/* A handler of element `e` by name (class handlers and standard ones). */
int cvm_read_element_handler(int e, const char *name, const char *param, CvmStr *out);
int cvm_write_element_handler(int e, const char *name, const char *value, CvmStr *err);

/* Check in + created = out + dropped + consumed + held for every element;
 * returns the number of violations and describes them in msg. */
int cvm_check_accounting(CvmStr *msg);

/* For control channels (control.c): an element's index by name (-1 if
 * none), what handler `name` of element e (-1: global) allows
 * (CVM_HANDLER_READ | CVM_HANDLER_WRITE; 0: no such handler), and whether
 * a router is initialized and not yet cleaned up. */
#define CVM_HANDLER_READ 1
#define CVM_HANDLER_WRITE 2
int cvm_element_index(const char *name, size_t len);
int cvm_handler_access(int e, const char *name);
extern int cvm_router_ready;

extern const char cvm_version[];

#endif
