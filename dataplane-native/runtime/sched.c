/* The run loop: round-robin tasks, a timer heap, real or simulated time. */
#include "sched.h"
#include "io.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Simulated time starts at Click's default, 10^9 s, unless told otherwise. */
#define CVM_SIM_EPOCH_NS 1000000000000000000LL

int cvm_sim_time;
int64_t cvm_sim_start = CVM_SIM_EPOCH_NS;
static int64_t sim_now;
static int runcount = 1;         /* Click's: the run stops when it drops to 0 */
static CvmTask *run_head, *run_tail;
static unsigned task_count;
static CvmTimer **heap;
static int heap_n, heap_cap;
static uint64_t timer_seq;
static uint32_t rng_state = 0x2545F491u;


int64_t cvm_now(void)
{
    if (cvm_sim_time) return sim_now;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void cvm_request_stop(void) { runcount--; }

static int yield_asked;

void cvm_request_yield(void) { yield_asked = 1; }

void cvm_request_stops(int n) { runcount -= n; }

/* The run's seed, and Click's generator once RandomSeed chose it (host-engine/random.ts GlibcRandom):
 * glibc's random() TYPE_3, 31 words, Park-Miller seeding, 310 outputs discarded. */
static uint32_t run_seed = 0x2545F491u;
static int glibc_mode;
static int32_t glibc_r[31];
static int glibc_f, glibc_b;

void cvm_random_seed(uint32_t seed)
{
    rng_state = run_seed = seed ? seed : 0x2545F491u;
    glibc_mode = 0;
}

static uint32_t glibc_next(void)
{
    uint32_t v = (uint32_t)glibc_r[glibc_f] + (uint32_t)glibc_r[glibc_b];
    glibc_r[glibc_f] = (int32_t)v;
    glibc_f = glibc_f == 30 ? 0 : glibc_f + 1;
    glibc_b = glibc_b == 30 ? 0 : glibc_b + 1;
    return (v >> 1) & 0x7fffffffu;
}

void cvm_random_srandom(uint32_t seed)
{
    int32_t word = (int32_t)(seed ? seed : 1);
    glibc_r[0] = word;
    for (int i = 1; i < 31; i++) {
        int32_t hi = word / 127773, lo = word % 127773;
        word = 16807 * lo - 2836 * hi;
        if (word < 0) word += 2147483647;
        glibc_r[i] = word;
    }
    glibc_f = 3;
    glibc_b = 0;
    for (int i = 0; i < 310; i++) glibc_next();
    glibc_mode = 1;
}

void cvm_random_reset(void)
{
    rng_state = run_seed;
    glibc_mode = 0;
}

uint32_t cvm_random_range(uint32_t low, uint32_t high)
{
    if (low > high) return low;
    uint32_t span = high - low, r;
    if (span > 0x7fffffffu) {
        do {
            uint32_t a = cvm_random32() & 0x7fffffffu;
            r = (a << 17) ^ ((cvm_random32() & 0x7fffffffu) >> 14);
        } while (r > span);
        return r + low;
    }
    if (span == 1) return low + (((cvm_random32() & 0x7fffffffu) >> 14) & 1);
    uint32_t count = 0x80000000u / (span + 1), max = count * (span + 1);
    while ((r = cvm_random32() & 0x7fffffffu) >= max) { /* again */ }
    return r / count + low;
}

uint32_t cvm_random32(void)
{
    if (glibc_mode) return glibc_next();
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* The run queue is a FIFO: scheduling appends (a queued task keeps its place). */
void cvm_task_schedule(CvmTask *t)
{
    if (t->scheduled) return;
    t->scheduled = 1;
    t->next = NULL;
    t->prev = run_tail;
    if (run_tail) run_tail->next = t;
    else run_head = t;
    run_tail = t;
    task_count++;
}

void cvm_task_unschedule(CvmTask *t)
{
    if (!t->scheduled) return;
    t->scheduled = 0;
    if (t->prev) t->prev->next = t->next;
    else run_head = t->next;
    if (t->next) t->next->prev = t->prev;
    else run_tail = t->prev;
    t->next = t->prev = NULL;
    task_count--;
}

static int timer_less(const CvmTimer *a, const CvmTimer *b)
{
    return a->expiry < b->expiry || (a->expiry == b->expiry && a->seq < b->seq);
}

static void heap_set(int i, CvmTimer *t)
{
    heap[i] = t;
    t->heap_index = i;
}

static void heap_sift(int i)
{
    CvmTimer *t = heap[i];
    while (i > 0 && timer_less(t, heap[(i - 1) / 2])) {
        heap_set(i, heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    for (;;) {
        int c = 2 * i + 1;
        if (c >= heap_n) break;
        if (c + 1 < heap_n && timer_less(heap[c + 1], heap[c])) c++;
        if (!timer_less(heap[c], t)) break;
        heap_set(i, heap[c]);
        i = c;
    }
    heap_set(i, t);
}

void cvm_timer_unschedule(CvmTimer *t)
{
    int i = t->heap_index;
    if (i < 0) return;
    t->heap_index = -1;
    CvmTimer *last = heap[--heap_n];
    if (i < heap_n) {
        heap_set(i, last);
        heap_sift(i);
    }
}

void cvm_timer_schedule_at(CvmTimer *t, int64_t ns)
{
    cvm_timer_unschedule(t);
    if (heap_n == heap_cap) {
        heap_cap = heap_cap ? 2 * heap_cap : 16;
        heap = realloc(heap, (size_t)heap_cap * sizeof *heap);
        if (!heap) {
            fprintf(stderr, "clickvm: out of memory for timers\n");
            exit(1);
        }
    }
    t->expiry = ns;
    t->seq = timer_seq++;
    heap_set(heap_n, t);
    heap_n++;
    heap_sift(heap_n - 1);
}

void cvm_timer_schedule_after(CvmTimer *t, int64_t ns) { cvm_timer_schedule_at(t, cvm_now() + ns); }

static void sleep_until(int64_t ns)
{
    int64_t d = ns - cvm_now();
    if (d <= 0) return;
    struct timespec ts = { (time_t)(d / 1000000000LL), (long)(d % 1000000000LL) };
    nanosleep(&ts, NULL);
}

/* The driver loop, step for step the host engine's (host-engine/router.ts):
 * run as many tasks as are queued (each leaves the queue before it runs and
 * reschedules itself to run again), then the timers due now that were
 * scheduled before this pass; a step in which nothing worked, fired or moved
 * waits for the next timer (simulated time jumps) or ends the run. */
static int (*reserve_driver)(void);
uint64_t cvm_packets_moved;

void cvm_sched_hooks(int (*reserve)(void))
{
    reserve_driver = reserve;
}

static int stopped(void)
{
    while (runcount <= 0) {
        if (!reserve_driver || !reserve_driver()) return 1;
        runcount++;
    }
    return 0;
}

/* Engine time moves to `ns` (simulated) or the loop sleeps until then;
 * with I/O sources registered, real time waits for them too. */
static void wait_until(int64_t ns)
{
    if (cvm_sim_time) {
        if (ns > sim_now) sim_now = ns;
    } else if (cvm_io_sources()) {
        cvm_io_wait(ns);
    } else {
        sleep_until(ns);
    }
}

/* Tasks still to run in the current pass, the running one included. */
static unsigned pass_left;

int cvm_task_runs_next(const CvmTask *t) { return run_head == t && pass_left > 1; }

/* I/O sources are polled every so many busy steps (a system call each on
 * Linux), and at every idle step. */
#define IO_POLL_EVERY 64

int cvm_run_loop_until(int64_t deadline)
{
    unsigned steps = 0;
    for (;;) {
        if (deadline >= 0 && cvm_now() > deadline) return CVM_RUN_DEADLINE;
        if (stopped()) return 0;
        if (yield_asked) {
            yield_asked = 0;
            return CVM_RUN_YIELD;
        }
        uint64_t moved_before = cvm_packets_moved;
        int worked = 0, fired = 0;
        if (++steps % IO_POLL_EVERY == 0 && cvm_io_sources() && cvm_io_poll()) worked = 1;
        for (pass_left = task_count; pass_left > 0 && run_head; pass_left--) {
            CvmTask *t = run_head;
            cvm_task_unschedule(t);
            if (t->run()) worked = 1;
            if (runcount <= 0) goto next_step;
        }
        if (heap_n) {
            int64_t now = cvm_now();
            uint64_t mark = timer_seq;
            while (heap_n && heap[0]->expiry <= now && heap[0]->seq < mark) {
                CvmTimer *t = heap[0];
                cvm_timer_unschedule(t);
                t->fire();
                fired = 1;
                if (runcount <= 0) goto next_step;
            }
        }
        if (worked || fired || cvm_packets_moved != moved_before) continue;
        if (cvm_io_sources() && cvm_io_poll()) continue;
        if (!heap_n) {
            if (!cvm_io_live()) return 0;   /* idle: nothing can happen any more */
            if (cvm_sim_time) return 0;     /* simulated time cannot wait for the outside */
            cvm_io_wait(deadline);
            if (deadline >= 0 && cvm_now() > deadline) return CVM_RUN_DEADLINE;
            continue;
        }
        if (deadline >= 0 && heap[0]->expiry > deadline) {
            wait_until(deadline);
            return CVM_RUN_DEADLINE;
        }
        wait_until(heap[0]->expiry);
    next_step:;
    }
}

int cvm_run_loop(void) { return cvm_run_loop_until(-1); }

void cvm_sched_reset(void)
{
    runcount = 1;
    yield_asked = 0;
    cvm_packets_moved = 0;
    run_head = run_tail = NULL;
    task_count = 0;
    heap_n = 0;
    timer_seq = 0;
    sim_now = cvm_sim_start;
    cvm_random_reset();   /* the run's seed, given before the router starts */
    cvm_io_reset();
}
