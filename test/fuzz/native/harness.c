/* libFuzzer entry for one compiled configuration (test/fuzz/native/build.ts
 * links it with the generated C and runtime/lib.c). The input is a list of
 * frames, each a 2-byte big-endian length then that many bytes (the last one
 * takes what is left when the input ends early). Every input gets a fresh
 * router: start, frames into memory device `in`, a bounded run in simulated
 * time, everything the ToDevice(outN) devices sent collected, then the
 * accounting check (every element's books and the packet pool's) — a
 * violation aborts, so libFuzzer reports it like a sanitizer finding.
 *
 * Built with CVM_FUZZ_INPUT_FILE (targets whose configuration reads a file:
 * FromDump, FromIPSummaryDump), the whole input is that file instead,
 * written in a private folder the harness works in, and no frames arrive.
 * With CVM_FUZZ_LEAK=1 in the environment, the harness itself leaks a
 * pool packet per input: the accounting check must catch it (its test).
 * With CVM_FUZZ_DUMP=PATH, what every input made is appended to PATH, for
 * the host engine to be compared with (test/fuzz/native/differential.ts):
 * per input, the input itself (u32 length and bytes: libFuzzer may run an
 * input more than once), then for out0..out3 a little-endian u32 frame count then each frame
 * as u32 length and bytes; then the captured stdout and stderr, each as u32
 * length and bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct Packet Packet;
Packet *cvm_packet_make(const uint8_t *bytes, uint32_t len);
int cvm_lib_start(int sim_time, int64_t sim_start_ns, unsigned seed, int capture, int warnings);
int cvm_lib_run_until(int64_t deadline);
int64_t cvm_lib_now(void);
void cvm_lib_finish(void);
int cvm_lib_error(char *buf, int cap);
int cvm_lib_accounting(char *buf, int cap);
int cvm_lib_take_output(int stream, char *buf, int cap);
void cvm_lib_devices(int enable, uint32_t capacity);
int cvm_lib_inject(const char *device, const uint8_t *data, const uint32_t *lens, unsigned n);
unsigned cvm_lib_collect(const char *device, uint8_t *buf, uint64_t cap, uint32_t *lens, unsigned max);

#define MAX_FRAMES 64
#define MAX_OUTPUTS 4
/* Simulated time one input may take: enough for queues to drain and a few
 * timers (ARP retries, rewriter expiry checks) to fire, bounded so periodic
 * timers cannot keep a run going. */
#define RUN_NS 2000000000LL

static uint8_t out_buf[1 << 20];
static uint32_t out_lens[256];
static FILE *dump;

static void dump_u32(uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    if (fwrite(b, 1, 4, dump) != 4) abort();
}

static void dump_bytes(const void *p, uint32_t n)
{
    dump_u32(n);
    if (n && fwrite(p, 1, n, dump) != n) abort();
}

/* The frames collected from one device, all of them (a count first: they are gathered before writing). */
static void collect_device(const char *name)
{
    static uint8_t frames_out[1 << 22];
    static uint32_t lens_out[4096];
    unsigned total = 0;
    uint64_t used = 0;
    for (;;) {
        unsigned got = cvm_lib_collect(name, out_buf, sizeof out_buf, out_lens, 256);
        if (!got) break;
        uint64_t off = 0;
        for (unsigned i = 0; i < got; i++) {
            if (dump && total < 4096 && used + out_lens[i] <= sizeof frames_out) {
                memcpy(frames_out + used, out_buf + off, out_lens[i]);
                used += out_lens[i];
                lens_out[total++] = out_lens[i];
            } else if (dump) {
                fprintf(stderr, "fuzz harness: more output than the dump holds\n");
                abort();
            }
            off += out_lens[i];
        }
    }
    if (!dump) return;
    dump_u32(total);
    for (unsigned i = 0, at = 0; i < total; at += lens_out[i], i++) dump_bytes(frames_out + at, lens_out[i]);
}

/* Captured output stream `s` (0 stdout, 1 stderr), into the dump or away. */
static void take_stream(int s)
{
    static char text[1 << 20];
    int n = cvm_lib_take_output(s, dump ? text : NULL, dump ? (int)sizeof text : 0);
    if (dump) dump_bytes(text, n < 0 ? 0 : (uint32_t)(n < (int)sizeof text ? n : (int)sizeof text));
}
static char report[1 << 16];

#ifdef CVM_FUZZ_INPUT_FILE
static char input_dir[] = "/tmp/cvm-fuzz-XXXXXX";

/* The folder goes when the process ends normally (a crash leaves it, with the input). */
static void remove_input_dir(void)
{
    unlink(CVM_FUZZ_INPUT_FILE);
    if (chdir("/") == 0) rmdir(input_dir);
}

static void write_input_file(const uint8_t *data, size_t size)
{
    static int in_dir;
    if (!in_dir) {
        if (!mkdtemp(input_dir) || chdir(input_dir) < 0) abort();
        atexit(remove_input_dir);
        in_dir = 1;
    }
    FILE *f = fopen(CVM_FUZZ_INPUT_FILE, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) abort();
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t lens[MAX_FRAMES];
    unsigned n = 0;
    size_t off = 0, start = 0;
    static uint8_t frames[1 << 17];
    const uint8_t *input = data;
    const size_t input_size = size;
#ifdef CVM_FUZZ_INPUT_FILE
    write_input_file(data, size);
    size = 0;
#endif
    while (off + 2 <= size && n < MAX_FRAMES) {
        size_t len = ((size_t)data[off] << 8) | data[off + 1];
        off += 2;
        if (len > size - off) len = size - off;
        if (start + len > sizeof frames) break;
        memcpy(frames + start, data + off, len);
        lens[n++] = (uint32_t)len;
        start += len;
        off += len;
    }

    cvm_lib_devices(1, 0);
    if (cvm_lib_start(1, 0, 1, 1, 0) < 0) {
#ifdef CVM_FUZZ_INPUT_FILE
        /* a file the reader refuses at initialization is an answer, not a finding; cleanup must cope */
        cvm_lib_finish();
        return 0;
#endif
        cvm_lib_error(report, sizeof report);
        fprintf(stderr, "fuzz harness: the router did not start: %s\n", report);
        abort();
    }
    if (n && cvm_lib_inject("in", frames, lens, n) < 0) abort();
    cvm_lib_run_until(cvm_lib_now() + RUN_NS);
    static int dump_checked;
    if (!dump_checked) {
        const char *path = getenv("CVM_FUZZ_DUMP");
        if (path && !(dump = fopen(path, "ab"))) abort();
        dump_checked = 1;
    }
    if (dump) dump_bytes(input, (uint32_t)input_size);
    for (int i = 0; i < MAX_OUTPUTS; i++) {
        char name[16];
        snprintf(name, sizeof name, "out%d", i);
        collect_device(name);
    }
    static int leak = -1;
    if (leak < 0) leak = getenv("CVM_FUZZ_LEAK") && !strcmp(getenv("CVM_FUZZ_LEAK"), "1");
    if (leak) {
        static const uint8_t byte;
        if (!cvm_packet_make(&byte, 1)) abort();   /* allocated, held by no element, never freed */
    }
    if (cvm_lib_accounting(report, sizeof report)) {
        fprintf(stderr, "fuzz harness: accounting violated after %u frames:\n%s", n, report);
        abort();
    }
    take_stream(0);
    take_stream(1);
    if (dump && fflush(dump)) abort();
    cvm_lib_finish();
    return 0;
}
