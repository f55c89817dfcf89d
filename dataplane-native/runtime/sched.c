/* The run loop: round-robin tasks, a timer heap, real or simulated time. */
#include "sched.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int cvm_sim_time;
static int64_t sim_now;
static int stop_requested;
static CvmTask *run_list;        /* next task to run, or NULL */
static CvmTimer **heap;
static int heap_n, heap_cap;
static uint64_t timer_seq;
static uint32_t rng_state = 0x2545F491u;

/* Fixed start of simulated time, as in the host engine. */
#define CVM_SIM_EPOCH_NS 1000000000000000000LL

int64_t cvm_now(void)
{
    if (cvm_sim_time) return sim_now;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void cvm_request_stop(void) { stop_requested = 1; }

void cvm_random_seed(uint32_t seed) { rng_state = seed ? seed : 0x2545F491u; }

uint32_t cvm_random32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

void cvm_task_schedule(CvmTask *t)
{
    if (t->scheduled) return;
    t->scheduled = 1;
    if (!run_list) {
        t->next = t->prev = t;
        run_list = t;
    } else {
        /* Join at the back of the round: just before the next task to run. */
        t->next = run_list;
        t->prev = run_list->prev;
        run_list->prev->next = t;
        run_list->prev = t;
    }
}

void cvm_task_unschedule(CvmTask *t)
{
    if (!t->scheduled) return;
    t->scheduled = 0;
    if (t->next == t) {
        run_list = NULL;
    } else {
        t->prev->next = t->next;
        t->next->prev = t->prev;
        if (run_list == t) run_list = t->next;
    }
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

static void run_due_timers(int64_t now)
{
    while (heap_n && heap[0]->expiry <= now && !stop_requested) {
        CvmTimer *t = heap[0];
        cvm_timer_unschedule(t);
        if (cvm_sim_time && t->expiry > sim_now) sim_now = t->expiry;
        t->fire();
    }
}

static void sleep_until(int64_t ns)
{
    int64_t d = ns - cvm_now();
    if (d <= 0) return;
    struct timespec ts = { (time_t)(d / 1000000000LL), (long)(d % 1000000000LL) };
    nanosleep(&ts, NULL);
}

/* One round: every task scheduled when the round starts runs once, in
 * order. As in Click, a task leaves the run list before it runs and
 * reschedules itself (to the back) if it wants to run again. */
static void run_round(void)
{
    static CvmTask **round;
    static size_t cap;
    size_t n = 0;
    CvmTask *t = run_list;
    do {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            round = realloc(round, cap * sizeof *round);
            if (!round) {
                fprintf(stderr, "clickvm: out of memory for tasks\n");
                exit(1);
            }
        }
        round[n++] = t;
        t = t->next;
    } while (t != run_list);
    for (size_t i = 0; i < n && !stop_requested; i++) {
        if (!round[i]->scheduled) continue;
        cvm_task_unschedule(round[i]);
        round[i]->run();
    }
}

int cvm_run_loop(void)
{
    while (!stop_requested) {
        if (run_list) {
            run_round();
            run_due_timers(cvm_now());
        } else if (heap_n) {
            if (cvm_sim_time) sim_now = heap[0]->expiry;
            else sleep_until(heap[0]->expiry);
            run_due_timers(cvm_now());
        } else {
            break;   /* quiescent: nothing can happen any more */
        }
    }
    return 0;
}

void cvm_sched_reset(void)
{
    stop_requested = 0;
    run_list = NULL;
    heap_n = 0;
    timer_seq = 0;
    sim_now = CVM_SIM_EPOCH_NS;
    rng_state = 0x2545F491u;
}

static void vline(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
    if (prefix) fprintf(f, "%s: ", prefix);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
}

void cvm_chatter(const char *element_name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(stderr, element_name, fmt, ap);
    va_end(ap);
}

void cvm_stderr_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(stderr, NULL, fmt, ap);
    va_end(ap);
}

void cvm_stdout_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(stdout, NULL, fmt, ap);
    va_end(ap);
}
