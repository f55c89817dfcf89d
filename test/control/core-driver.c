/* The control core as the VM image uses it: no sockets, bytes in and out by
 * hand. Built with -DCVM_TARGET_VM (so without io-posix.c and
 * control-posix.c). Answers one command before the router starts (540),
 * then feeds standard input to one connection in chunks of argv[1] bytes
 * and writes the replies to standard output. */
#include "router.h"
#include "control.h"
#include "io.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The VM image brings its own wait; nothing here waits. */
void cvm_io_wait(int64_t until) { (void)until; }

static void out(void *ctx, const char *d, size_t n)
{
    (void)ctx;
    fwrite(d, 1, n, stdout);
}

int main(int argc, char **argv)
{
    size_t chunk = argc > 1 ? strtoul(argv[1], NULL, 10) : 1;
    if (!chunk || chunk > 65536) chunk = 1;
    CvmControl *early = cvm_control_new(out, NULL, 0);
    cvm_control_input(early, "READ version\r\nQUIT\r\n", 20);
    cvm_control_free(early);
    CvmStr err = { 0 };
    if (cvm_router_start(&err) < 0) {
        fprintf(stderr, "%s\n", err.s);
        return 1;
    }
    CvmControl *c = cvm_control_new(out, NULL, 0);
    static char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, chunk, stdin)) > 0)
        if (cvm_control_input(c, buf, n) < 0) break;
    cvm_control_input(c, NULL, 0);
    cvm_control_free(c);
    cvm_router_finish();
    cvm_str_free(&err);
    return 0;
}
