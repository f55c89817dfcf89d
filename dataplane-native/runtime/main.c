/* The standalone driver of a compiled configuration, with the userlevel
 * click driver's handler options:
 *   -h ELEMENT.HANDLER   print a read handler after the run (repeatable)
 *   -x ELEMENT.HANDLER   exit status from a read handler's value
 *   --simtime[=SECONDS]  simulated time   --seed N   seed of random32
 *   -q                   initialize only, do not run
 *   --accounting         fail (exit 3) if any element loses track of a packet
 *   -t                   print the run's elapsed and CPU time to stderr, and
 *                        `clickvm-run-ns N` for benchmarks
 *   -p PORT, -u PATH     a ControlSocket on TCP port PORT (127.0.0.1) or
 *                        UNIX socket PATH, as click's driver adds one; the
 *                        router then runs until stopped (SIGINT/SIGTERM
 *                        stop it cleanly, removing a UNIX socket); -p 0
 *                        prints `clickvm-control-port N` to stderr */
#include "router.h"
#ifndef CVM_TARGET_VM   /* the VM image has no sockets */
#include "control-posix.h"
#include <signal.h>
#else
#include "vm-image/platform.h"   /* vm_control_start */
#endif
#include "device.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef CVM_TARGET_VM
/* Click's driver: the first SIGINT/SIGTERM stops the run cleanly (handlers
 * are still printed, a UNIX control socket removed), a second one takes the
 * default action. A router on a real interface or with a control socket
 * never goes idle, so this is how it ends. (The VM has no signals: its
 * control channel stops it.) */
static void on_signal(int sig)
{
    cvm_request_stop();   /* the run loop's poll returns with EINTR and sees it */
    signal(sig, SIG_DFL);
}
#endif

int main(int argc, char **argv)
{
    const char *control_port = NULL, *control_path = NULL;
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
#ifndef CVM_TARGET_VM
        else if (!strcmp(a, "-p") && i + 1 < argc) control_port = argv[++i];
        else if (!strcmp(a, "-u") && i + 1 < argc) control_path = argv[++i];
#endif
        else {
            fprintf(stderr, "usage: %s [-h ELEMENT.HANDLER]... [-x ELEMENT.HANDLER] [--simtime] [--seed N] [-q] [-t] [--accounting] [-p PORT] [-u PATH]\n", argv[0]);
            return 1;
        }
    }
    CvmStr err = { 0 };
#ifndef CVM_TARGET_VM
    cvm_afpdev_enable(1);   /* FromDevice(eth0) is the Linux interface eth0 */
#endif
    cvm_random_seed(seed);   /* before initialization: RandomSeed may choose Click's generator there */
    if (cvm_router_start(&err) < 0) {
        fprintf(stderr, "%s\n", err.s ? err.s : "router initialization failed");
        return 1;
    }
#ifndef CVM_TARGET_VM
    CvmControlServer *servers[2] = { NULL, NULL };
    for (int k = 0; k < 2; k++) {
        const char *spec = k ? control_path : control_port;
        if (!spec) continue;
        CvmControlListen how = { .unix_socket = k, .localhost = 1, .path = spec, .who = k ? "ControlSocket@-u" : "ControlSocket@-p" };
        if (!k) {
            char *end;
            long port = strtol(spec, &end, 10);
            if (end == spec || port < 0 || port > 65535 || (*end && strcmp(end, "+"))) {
                fprintf(stderr, "-p: bad port '%s'\n", spec);
                return 1;
            }
            how.port = (int)port;
            how.port_tries = *end == '+' ? 10 : 0;
        }
        servers[k] = cvm_control_listen(&how, &err);
        if (!servers[k]) {
            fprintf(stderr, "%s: %s\n", k ? "-u" : "-p", err.s);
            return 1;
        }
        /* -p 0: the system chose the port; say which */
        if (!k && !how.port) fprintf(stderr, "clickvm-control-port %d\n", cvm_control_server_port(servers[k]));
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
#else
    (void)control_port, (void)control_path;
    vm_control_start();   /* the VM's control channel instead (vm-image/platform.h) */
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
#ifndef CVM_TARGET_VM
    for (int k = 0; k < 2; k++) cvm_control_server_close(servers[k]);
#endif
    cvm_router_finish();   /* after handlers and accounting, as Click's driver reads handlers first */
    cvm_str_free(&val);
    cvm_str_free(&err);
    cvm_output_flush();
    return status;
}
