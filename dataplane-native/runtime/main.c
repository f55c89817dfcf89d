/* The standalone driver of a compiled configuration, with the userlevel
 * click driver's handler options:
 *   -h ELEMENT.HANDLER   print a read handler after the run (repeatable)
 *   -x ELEMENT.HANDLER   exit status from a read handler's value
 *   --simtime[=SECONDS]  simulated time   --seed N   seed of random32
 *   -q                   initialize only, do not run
 *   --accounting         fail (exit 3) if any element loses track of a packet
 *   -t                   print the run's elapsed and CPU time to stderr, and
 *                        `clickvm-run-ns N` for benchmarks */
#include "router.h"
#include "device.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef CVM_TARGET_VM
#include <signal.h>

/* Click's driver: the first SIGINT/SIGTERM stops the run cleanly (handlers
 * are still printed), a second one takes the default action. A router on a
 * real interface never goes idle, so this is how it ends. (The VM has no
 * signals: its control channel stops it.) */
static void on_signal(int sig)
{
    cvm_request_stop();
    signal(sig, SIG_DFL);
}
#endif

int main(int argc, char **argv)
{
    const char *reads[256];
    int nreads = 0, quiet = 0, accounting = 0, timing = 0;
    const char *exit_handler = NULL;
    uint32_t seed = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") && i + 1 < argc && nreads < 256) reads[nreads++] = argv[++i];
        else if (!strcmp(a, "-x") && i + 1 < argc) exit_handler = argv[++i];
        else if (!strcmp(a, "--simtime")) cvm_sim_time = 1;
        else if (!strncmp(a, "--simtime=", 10)) {
            cvm_sim_time = 1;
            cvm_sim_start = (int64_t)(strtod(a + 10, NULL) * 1e9);
        }
        else if (!strcmp(a, "--seed") && i + 1 < argc) seed = (uint32_t)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(a, "-q")) quiet = 1;
        else if (!strcmp(a, "--accounting")) accounting = 1;
        else if (!strcmp(a, "-t")) timing = 1;
        else {
            fprintf(stderr, "usage: %s [-h ELEMENT.HANDLER]... [-x ELEMENT.HANDLER] [--simtime] [--seed N] [-q] [-t] [--accounting]\n", argv[0]);
            return 1;
        }
    }
    CvmStr err = { 0 };
#ifndef CVM_TARGET_VM
    cvm_afpdev_enable(1);   /* FromDevice(eth0) is the Linux interface eth0 */
#endif
    if (cvm_router_start(&err) < 0) {
        fprintf(stderr, "%s\n", err.s ? err.s : "router initialization failed");
        return 1;
    }
    if (seed) cvm_random_seed(seed);
#ifndef CVM_TARGET_VM
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
#endif
    struct timespec w0, w1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    if (!quiet) cvm_router_run();
    clock_gettime(CLOCK_MONOTONIC, &w1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    if (timing) {
        long long wall = (w1.tv_sec - w0.tv_sec) * 1000000000LL + (w1.tv_nsec - w0.tv_nsec);
        long long cpu = (c1.tv_sec - c0.tv_sec) * 1000000000LL + (c1.tv_nsec - c0.tv_nsec);
        fprintf(stderr, "%.6fs elapsed, %.6fs cpu\nclickvm-run-ns %lld\n", wall / 1e9, cpu / 1e9, wall);
    }

    int status = 0;
    CvmStr val = { 0 };
    for (int i = 0; i < nreads; i++) {
        cvm_str_clear(&val);
        if (cvm_read_handler(reads[i], &val) < 0) {
            fprintf(stderr, "%s\n", val.s);
            status = 1;
            continue;
        }
        if (nreads > 1) printf("%s:\n", reads[i]);
        fputs(val.s ? val.s : "", stdout);
        if (val.len && val.s[val.len - 1] != '\n') putchar('\n');   /* empty values stay empty */
        if (nreads > 1) putchar('\n');
    }
    if (exit_handler) {
        cvm_str_clear(&val);
        if (cvm_read_handler(exit_handler, &val) < 0) status = 1;
        else if (!strcmp(val.s, "true")) status = 0;
        else if (!strcmp(val.s, "false")) status = 1;
        else status = atoi(val.s);
    }
    if (accounting) {
        CvmStr msg = { 0 };
        if (cvm_check_accounting(&msg)) {
            fprintf(stderr, "packet accounting failed:\n%s", msg.s);
            status = 3;
        }
    }
    cvm_router_finish();   /* after handlers and accounting, as Click's driver reads handlers first */
    cvm_str_free(&val);
    cvm_str_free(&err);
    cvm_output_flush();
    return status;
}
