/* Waiting for I/O sources on Linux: poll(2) over their descriptors. A
 * source without a descriptor can only be polled, so the wait is cut to a
 * millisecond while one is registered. */
#include "io.h"
#include "sched.h"
#include <poll.h>

#define IO_WAIT_MAX_FDS 64

void cvm_io_wait(int64_t until)
{
    struct pollfd fds[IO_WAIT_MAX_FDS];
    int n = 0, blind = 0;
    for (CvmIoSource *s = cvm_io_sources(); s; s = s->next) {
        if (s->fd < 0 || n == IO_WAIT_MAX_FDS) {
            blind = 1;
            continue;
        }
        fds[n].fd = s->fd;
        fds[n].events = (short)(POLLIN | (s->want_out ? POLLOUT : 0));
        fds[n].revents = 0;
        n++;
    }
    int timeout_ms = -1;
    if (until >= 0) {
        int64_t d = until - cvm_now();
        if (d <= 0) return;
        timeout_ms = d > 1000000000LL ? 1000 : (int)((d + 999999) / 1000000);
    }
    if (blind && (timeout_ms < 0 || timeout_ms > 1)) timeout_ms = 1;
    poll(fds, (nfds_t)n, timeout_ms);
}
