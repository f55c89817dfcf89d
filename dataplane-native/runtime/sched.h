/* Tasks, timers, time, and the driver's services to elements: the same
 * semantics as the host engine's scheduler (host-engine/), so that
 * simulated-time runs give identical results in both engines. */
#ifndef CVM_SCHED_H
#define CVM_SCHED_H

#include <stdint.h>

typedef struct CvmTask {
    int (*run)(void);            /* generated wrapper; returns nonzero if it did work */
    int scheduled;
    struct CvmTask *next, *prev; /* run queue links while scheduled */
} CvmTask;

typedef struct CvmTimer {
    void (*fire)(void);          /* generated wrapper */
    int64_t expiry;              /* ns */
    uint64_t seq;                /* scheduling order, breaks expiry ties */
    int heap_index;              /* -1 when not scheduled */
} CvmTimer;

void cvm_task_schedule(CvmTask *t);
void cvm_task_unschedule(CvmTask *t);
/* Called from a running task: will `t` run next, in this same pass of the
 * run loop (nothing, not even a timer, in between)? */
int cvm_task_runs_next(const CvmTask *t);

void cvm_timer_schedule_at(CvmTimer *t, int64_t ns);
void cvm_timer_schedule_after(CvmTimer *t, int64_t ns);
void cvm_timer_unschedule(CvmTimer *t);
static inline int cvm_timer_scheduled(const CvmTimer *t) { return t->heap_index >= 0; }

/* Engine time in ns since the epoch (simulated when cvm_sim_time is set). */
int64_t cvm_now(void);
extern int cvm_sim_time;
/* Where simulated time starts (ns); set before the router starts. */
extern int64_t cvm_sim_start;

/* Click's please_stop_driver: one stop request (n for the `stop` handler's count). */
void cvm_request_stop(void);
void cvm_request_stops(int n);
/* Driver hook from the router: elements that keep the driver running past a
 * stop (DriverManager). */
void cvm_sched_hooks(int (*reserve)(void));
uint32_t cvm_random32(void);
/* The run's seed (0: the default): the xorshift32 generator restarts from it. */
void cvm_random_seed(uint32_t seed);
/* RandomSeed: Click's click_srandom(seed), glibc's random() from now on; reset: back to the run's seed. */
void cvm_random_srandom(uint32_t seed);
void cvm_random_reset(void);
/* Click's click_random(low, high), inclusive, from cvm_random32 taken as 31-bit. */
uint32_t cvm_random_range(uint32_t low, uint32_t high);

/* Run until stopped or quiescent. Returns 0. */
int cvm_run_loop(void);
/* The same, but also ending (CVM_RUN_DEADLINE) when engine time would pass
 * `deadline` (ns; -1: never): timers due at the deadline still fire. */
#define CVM_RUN_DEADLINE 2
/* ... or (CVM_RUN_YIELD) at the next step after cvm_request_yield: the
 * driver has something to do between steps (a hotconfig write arrived). */
#define CVM_RUN_YIELD 3
void cvm_request_yield(void);
int cvm_run_loop_until(int64_t deadline);
void cvm_sched_reset(void);

#endif
