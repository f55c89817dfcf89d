/* The shared-library face of a compiled configuration, for koffi: start,
 * run, handlers and accounting in the host process. Calls are coarse (one
 * per run or per handler) because each crossing costs ~100 ns. */
#include "router.h"
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

int cvm_lib_start(int sim_time, unsigned seed)
{
    cvm_str_clear(&lib_err);
    cvm_output_capture(1);
    cvm_str_clear(cvm_output_captured(CVM_STDOUT));
    cvm_str_clear(cvm_output_captured(CVM_STDERR));
    cvm_sim_time = sim_time;
    if (cvm_router_start(&lib_err) < 0) return -1;
    if (seed) cvm_random_seed(seed);
    return 0;
}

int cvm_lib_run(void) { return cvm_router_run(); }
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
