/* The far ends of the namespace tests and the veth benchmark: a sender and a
 * receiver on raw AF_PACKET sockets, run inside a network namespace with
 * `ip netns exec`.
 *
 *   frame-tool send IFACE FILE          send the frames of FILE, in order
 *   frame-tool flood IFACE N LEN        send N frames of LEN bytes as fast as the socket takes them
 *   frame-tool count IFACE IDLE_MS      count frames the interface receives (its rx_packets
 *                                       counter, before any socket) until none came for IDLE_MS
 *   frame-tool recv IFACE FILE IDLE_MS [MAX]
 *                                       capture frames arriving on IFACE into FILE until
 *                                       none came for IDLE_MS (or MAX arrived, or SIGINT)
 *   frame-tool ping IFACE RX_NS RX_IFACE N LEN GAP_US
 *                                       latency: N frames of LEN bytes, one in flight at a
 *                                       time, out of IFACE and back on RX_IFACE in network
 *                                       namespace RX_NS (one process, one clock); prints
 *                                       "ping N lost L median_us M p99_us P max_us X"
 *
 * FILE holds frames as a 4-byte little-endian length and the bytes. The
 * receivers print "ready" once they listen (so the sender can start), then
 * "frames N seconds S" from the first to the last frame. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int open_socket(const char *ifname, int proto)
{
    int fd = socket(AF_PACKET, SOCK_RAW, htons(proto));
    if (fd < 0) {
        perror("socket");
        exit(2);
    }
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(proto), .sll_ifindex = (int)if_nametoindex(ifname) };
    if (sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        fprintf(stderr, "%s: %s\n", ifname, strerror(errno));
        exit(2);
    }
    return fd;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A full socket buffer (ENOBUFS on veth) waits a little and tries again, so
 * every frame leaves. */
static void send_frame(int fd, const uint8_t *buf, size_t len)
{
    while (send(fd, buf, len, 0) < 0) {
        if (errno != ENOBUFS && errno != EAGAIN) {
            perror("send");
            exit(2);
        }
        struct timespec ts = { 0, 20000 };
        nanosleep(&ts, NULL);
    }
}

static int do_send(const char *ifname, const char *file)
{
    int fd = open_socket(ifname, 0);
    FILE *f = fopen(file, "rb");
    if (!f) {
        perror(file);
        return 2;
    }
    uint8_t lenb[4], buf[65536];
    unsigned n = 0;
    while (fread(lenb, 1, 4, f) == 4) {
        uint32_t len = lenb[0] | lenb[1] << 8 | lenb[2] << 16 | (uint32_t)lenb[3] << 24;
        if (len > sizeof buf || fread(buf, 1, len, f) != len) {
            fprintf(stderr, "%s: truncated\n", file);
            return 2;
        }
        send_frame(fd, buf, len);
        n++;
    }
    printf("sent %u\n", n);
    return 0;
}

static int do_flood(const char *ifname, unsigned long n, unsigned len)
{
    int fd = open_socket(ifname, 0);
    uint8_t buf[2048];
    if (len < 60 || len > sizeof buf) len = 60;
    memset(buf, 0, sizeof buf);
    /* To 02:00:00:00:00:02 from 02:00:00:00:00:01, an experimental EtherType; a counter in the payload. */
    const uint8_t hdr[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5 };
    memcpy(buf, hdr, sizeof hdr);
    double t0 = now_s();
    for (unsigned long i = 0; i < n; i++) {
        memcpy(buf + 14, &i, sizeof i);
        send_frame(fd, buf, len);
    }
    printf("sent %lu seconds %.6f\n", n, now_s() - t0);
    return 0;
}

static volatile sig_atomic_t stop_recv;
static void on_int(int sig) { (void)sig; stop_recv = 1; }

static int do_recv(const char *ifname, const char *file, int idle_ms, unsigned long max)
{
    int fd = open_socket(ifname, ETH_P_ALL);
    /* Past rmem_max (we are root): a burst of 200k frames must not overflow it. */
    int big = 1 << 28;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    FILE *f = strcmp(file, "-") ? fopen(file, "wb") : NULL;
    /* SIGINT ends the capture (no SA_RESTART: poll returns). */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_int;
    sigaction(SIGINT, &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    uint8_t buf[65536];
    unsigned long n = 0;
    double first = 0, last = 0;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    while ((!max || n < max) && !stop_recv) {
        /* Before the first frame, wait long: the router may still be starting. */
        if (poll(&p, 1, n ? idle_ms : idle_ms * 20) <= 0) break;
        struct sockaddr_ll from;
        socklen_t fl = sizeof from;
        ssize_t len = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (len < 0) continue;
        if (from.sll_pkttype == PACKET_OUTGOING) continue;
        last = now_s();
        if (!n) first = last;
        n++;
        if (f) {
            uint8_t lenb[4] = { (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24) };
            fwrite(lenb, 1, 4, f);
            fwrite(buf, 1, (size_t)len, f);
        }
    }
    if (f) fclose(f);
    printf("frames %lu seconds %.6f\n", n, last - first);
    return 0;
}

static unsigned long long read_counter(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned long long v = 0;
    if (!f || fscanf(f, "%llu", &v) != 1) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    fclose(f);
    return v;
}

/* Arrival rate as the interface sees it: its counter read every 100 us. */
static int do_count(const char *ifname, int idle_ms)
{
    char path[256];
    snprintf(path, sizeof path, "/sys/class/net/%s/statistics/rx_packets", ifname);
    unsigned long long start = read_counter(path), last = start;
    printf("ready\n");
    double first_t = 0, last_t = 0, idle_since = now_s();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_int;
    sigaction(SIGINT, &sa, NULL);
    while (!stop_recv) {
        struct timespec ts = { 0, 100000 };
        nanosleep(&ts, NULL);
        unsigned long long v = read_counter(path);
        double t = now_s();
        if (v != last) {
            if (last == start) first_t = t;
            last_t = t;
            last = v;
            idle_since = t;
        } else if ((t - idle_since) * 1000 > (last == start ? idle_ms * 20 : idle_ms)) {
            break;
        }
    }
    printf("frames %llu seconds %.6f\n", last - start, last_t - first_t);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Each frame carries its sequence number; the next leaves GAP_US after the
 * previous came back (or was given up on after 100 ms), so the path is idle
 * between frames and a sample includes the middlebox waking up for it. The
 * first tenth (at least 10) warm the path up and are not counted. */
static int do_ping(const char *ifname, const char *rx_ns, const char *rx_ifname, unsigned long n, unsigned len, unsigned gap_us)
{
    int tx = open_socket(ifname, 0);
    char nspath[256];
    snprintf(nspath, sizeof nspath, "/var/run/netns/%s", rx_ns);
    int nsfd = open(nspath, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
        fprintf(stderr, "%s: %s\n", nspath, strerror(errno));
        return 2;
    }
    close(nsfd);
    int rx = open_socket(rx_ifname, 0x88b5);
    uint8_t buf[2048], in[2048];
    if (len < 60 || len > sizeof buf) len = 60;
    memset(buf, 0, sizeof buf);
    const uint8_t hdr[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5 };
    memcpy(buf, hdr, sizeof hdr);
    unsigned long warm = n / 10 < 10 ? 10 : n / 10, lost = 0, kept = 0;
    double *samples = calloc(n ? n : 1, sizeof *samples);
    if (!samples) return 2;
    for (unsigned long i = 0; i < warm + n; i++) {
        memcpy(buf + 14, &i, sizeof i);
        double t0 = now_s(), t1 = 0;
        send_frame(tx, buf, len);
        for (;;) {
            int left = (int)(100 - (now_s() - t0) * 1000);
            struct pollfd p = { .fd = rx, .events = POLLIN };
            if (left <= 0 || poll(&p, 1, left) <= 0) break;
            ssize_t got = recv(rx, in, sizeof in, 0);
            unsigned long seq;
            if (got < 22) continue;
            memcpy(&seq, in + 14, sizeof seq);
            if (seq == i) {
                t1 = now_s();
                break;
            }
        }
        if (i < warm) continue;
        if (t1 == 0) lost++;
        else samples[kept++] = (t1 - t0) * 1e6;
        struct timespec ts = { 0, (long)gap_us * 1000 };
        nanosleep(&ts, NULL);
    }
    qsort(samples, kept, sizeof *samples, cmp_double);
    double med = kept ? samples[kept / 2] : 0, p99 = kept ? samples[(size_t)(kept * 0.99)] : 0, max = kept ? samples[kept - 1] : 0;
    printf("ping %lu lost %lu median_us %.2f p99_us %.2f max_us %.2f\n", n, lost, med, p99, max);
    free(samples);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 4 && !strcmp(argv[1], "send")) return do_send(argv[2], argv[3]);
    if (argc == 5 && !strcmp(argv[1], "flood")) return do_flood(argv[2], strtoul(argv[3], NULL, 10), (unsigned)atoi(argv[4]));
    if (argc == 4 && !strcmp(argv[1], "count")) return do_count(argv[2], atoi(argv[3]));
    if ((argc == 5 || argc == 6) && !strcmp(argv[1], "recv"))
        return do_recv(argv[2], argv[3], atoi(argv[4]), argc == 6 ? strtoul(argv[5], NULL, 10) : 0);
    if (argc == 8 && !strcmp(argv[1], "ping"))
        return do_ping(argv[2], argv[3], argv[4], strtoul(argv[5], NULL, 10), (unsigned)atoi(argv[6]), (unsigned)atoi(argv[7]));
    fprintf(stderr, "usage: frame-tool send IFACE FILE | flood IFACE N LEN | count IFACE IDLE_MS | recv IFACE FILE IDLE_MS [MAX]"
                    " | ping IFACE RX_NS RX_IFACE N LEN GAP_US\n");
    return 1;
}
