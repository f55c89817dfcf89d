/* The shared-library face of a compiled configuration, for koffi: start,
 * run, handlers and accounting in the host process. Calls are coarse (one
 * per run or per handler) because each crossing costs ~100 ns. */
#include "router.h"
#include "device.h"
#include "hotswap.h"
#include <signal.h>
#include <string.h>

static CvmStr lib_err;

static int copy_out(const CvmStr *s, char *buf, int cap)
{
    int n = (int)s->len;
    if (cap <= 0) return n;
    int k = n < cap - 1 ? n : cap - 1;
    if (k > 0) memcpy(buf, s->s, (size_t)k);
    buf[k] = 0;
    return n;
}

/* sim_start_ns: where simulated time starts (0: Click's default); capture: keep stdout/stderr text for cvm_lib_take_output instead of
 * writing it; warnings: 0 drops element chatter (click -w). */
int cvm_lib_start(int sim_time, int64_t sim_start_ns, unsigned seed, int capture, int warnings)
{
    if (sim_start_ns > 0) cvm_sim_start = sim_start_ns;
    cvm_str_clear(&lib_err);
    cvm_output_capture(capture);
    cvm_output_warnings(warnings);
    cvm_str_clear(cvm_output_captured(CVM_STDOUT));
    cvm_str_clear(cvm_output_captured(CVM_STDERR));
    cvm_sim_time = sim_time;
    cvm_device_forget_all();
    cvm_memdev_reset();
    cvm_random_seed(seed);   /* before initialization: RandomSeed may choose Click's generator there */
    if (cvm_router_start(&lib_err) < 0) return -1;
    return 0;
}

/* While a run is in C, the host process's event loop cannot see signals:
 * the first SIGINT/SIGTERM asks the driver to stop (as Click's does), a
 * second one takes the default action. */
static struct sigaction saved_int, saved_term;

static void on_signal(int sig)
{
    cvm_request_stop();
    sigaction(SIGINT, &saved_int, NULL);
    sigaction(SIGTERM, &saved_term, NULL);
    (void)sig;
}

/* Run (until stopped or idle, or until engine time would pass `deadline`
 * ns when it is not negative); returns CVM_RUN_DEADLINE when the deadline
 * ended it. */
int cvm_lib_run_until(int64_t deadline)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, &saved_int);
    sigaction(SIGTERM, &sa, &saved_term);
    int r = cvm_run_loop_until(deadline);
    sigaction(SIGINT, &saved_int, NULL);
    sigaction(SIGTERM, &saved_term, NULL);
    return r;
}

int cvm_lib_run(void) { return cvm_lib_run_until(-1); }

int64_t cvm_lib_now(void) { return cvm_now(); }

void cvm_lib_finish(void) { cvm_router_finish(); }

int cvm_lib_error(char *buf, int cap) { return copy_out(&lib_err, buf, cap); }

/* Returns the value's length (may exceed cap), or -1 with the message in cvm_lib_error. */
int cvm_lib_read(const char *path, char *buf, int cap)
{
    CvmStr v = { 0 };
    int r = cvm_read_handler(path, &v);
    if (r < 0) {
        cvm_str_clear(&lib_err);
        cvm_str_append(&lib_err, v.s, v.len);
        cvm_str_free(&v);
        return -1;
    }
    int n = copy_out(&v, buf, cap);
    cvm_str_free(&v);
    return n;
}

int cvm_lib_write(const char *path, const char *value)
{
    cvm_str_clear(&lib_err);
    return cvm_write_handler(path, value, &lib_err);
}

/* The element whose initialization failed, or -1. */
int cvm_lib_failed_element(void) { return cvm_failed_element; }

/* A handler of element `e` (-1: global) by name; param NULL for a plain read. */
int cvm_lib_read_at(int e, const char *name, const char *param, char *buf, int cap)
{
    CvmStr v = { 0 };
    int r = cvm_read_element_handler(e, name, param, &v);
    int n;
    if (r < 0) {
        cvm_str_clear(&lib_err);
        cvm_str_append(&lib_err, v.s, v.len);
        n = -1;
    } else {
        n = copy_out(&v, buf, cap);
    }
    cvm_str_free(&v);
    return n;
}

int cvm_lib_write_at(int e, const char *name, const char *value)
{
    cvm_str_clear(&lib_err);
    return cvm_write_element_handler(e, name, value, &lib_err);
}

/* in, out, dropped, consumed, created, held of element e. */
void cvm_lib_stats(int e, uint64_t *six)
{
    const CvmStats *s = &cvm_router.elements[e]->stats;
    six[0] = s->in;
    six[1] = s->out;
    six[2] = s->dropped;
    six[3] = s->consumed;
    six[4] = s->created;
    six[5] = cvm_router.held(e);
}

int cvm_lib_accounting(char *buf, int cap)
{
    CvmStr m = { 0 };
    int bad = cvm_check_accounting(&m);
    copy_out(&m, buf, cap);
    cvm_str_free(&m);
    return bad;
}

/* Captured standard output (0) or standard error (1): its length, and a take
 * that copies it out and clears it. */
int cvm_lib_output_length(int stream) { return (int)cvm_output_captured(stream)->len; }

int cvm_lib_take_output(int stream, char *buf, int cap)
{
    CvmStr *s = cvm_output_captured(stream);
    int n = copy_out(s, buf, cap);
    cvm_str_clear(s);
    return n;
}

/* Memory devices (runtime/device.h), for FromDevice and ToDevice in-process:
 * enable them before start; frames cross a batch per call. */
void cvm_lib_devices(int enable, uint32_t capacity) { cvm_memdev_enable(enable, capacity); }

int cvm_lib_inject(const char *device, const uint8_t *data, const uint32_t *lens, unsigned n) { return cvm_memdev_inject(device, data, lens, n); }

uint64_t cvm_lib_pending_bytes(const char *device, unsigned max) { return cvm_memdev_pending_bytes(device, max); }

/* Linux interfaces through AF_PACKET (device-afpacket.c) for FromDevice and
 * ToDevice names the kernel knows: `clickvm run --engine native`. */
void cvm_lib_kernel_devices(int enable) { cvm_afpdev_enable(enable); }

unsigned cvm_lib_collect(const char *device, uint8_t *buf, uint64_t cap, uint32_t *lens, unsigned max) { return cvm_memdev_collect(device, buf, cap, lens, max); }

/* Frames still on a memory device's receive ring (taken off it), for hot reconfiguration. */
uint64_t cvm_lib_received_bytes(const char *device, unsigned max) { return cvm_memdev_ring_bytes(device, 1, max); }

unsigned cvm_lib_take_received(const char *device, uint8_t *buf, uint64_t cap, uint32_t *lens, unsigned max) { return cvm_memdev_take(device, 1, buf, cap, lens, max); }

/* Hot reconfiguration (hotswap.h): this library's element `e` and packet
 * ops, handed to the library that replaces it... */
void *cvm_lib_element(int e) { return e >= 0 && e < cvm_router.nelements ? cvm_router.elements[e] : NULL; }

const void *cvm_lib_hotswap_ops(void) { return cvm_hotswap_ops(); }

/* ...which calls this: element `e` of this library takes the state of `old`
 * (the same class's struct in the old library). Returns 1 if the class takes
 * state, 0 if not; problems are warnings in cvm_lib_error. */
int cvm_lib_take_state(int e, void *old, const void *old_ops)
{
    CvmHotswap hs = { (const CvmHotswapOps *)old_ops, &lib_err };
    cvm_str_clear(&lib_err);
    return cvm_router.take_state(e, old, &hs);
}

/* Before start: element `e` will take the state of `old` (the old library's
 * struct), so it can leave what the old one holds to take_state; NULL
 * clears every one (after the swap). */
void cvm_lib_hot_predecessor(int e, void *old)
{
    if (old) cvm_hotswap_set_predecessor(e, old);
    else cvm_hotswap_clear_predecessors();
}

/* The `hotconfig` global handler (clickvm run -R; before start). */
void cvm_lib_hotconfig_enable(int on) { cvm_hotconfig_enabled = on; }

/* A hotconfig text written through a ControlSocket, waiting
 * for the driver: its length (may exceed cap; copied when it fits, and then
 * taken: the reconfiguration is under way), or -1 when there is none. */
int cvm_lib_hotconfig_pending(char *buf, int cap)
{
    const CvmStr *t = cvm_hotconfig_pending();
    if (!t) return -1;
    int n = copy_out(t, buf, cap);
    if (n < cap) cvm_hotconfig_taken();
    return n;
}

/* The reconfiguration ended: the waiting writer (if this library has it) gets 200, or 520 with `msg`. */
void cvm_lib_hotconfig_done(int ok, const char *msg) { cvm_hotconfig_done(ok, msg); }
