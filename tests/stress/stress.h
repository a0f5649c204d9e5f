/*
 * A tiny harness for the plain-C reliability programs (no Criterion, so that
 * they also run under ThreadSanitizer: Criterion cannot, see its issue #274).
 * Each program counts its operations and failures, prints one closing line
 *   stress: <name>: N operations, F failures
 * and exits 0 only when F is 0. A watchdog turns a hang into a failure.
 *
 * Windows world: include it after <winsock2.h>. The POSIX helpers it
 * declares live in posix_helpers.c, which includes no Winsock header.
 */
#ifndef WS2POSIX_TESTS_STRESS_H
#define WS2POSIX_TESTS_STRESS_H

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

extern _Atomic long stress_ops;
extern _Atomic long stress_failures;

void stress_fail(const char *file, int line, const char *what, long a, long b);

/* CHECK(cond): counted failure (the program goes on, so one run shows
 * every kind of failure); CHECK_EQ(a, b) prints both values. */
#define CHECK(cond)                                                  \
    do {                                                             \
        if (!(cond))                                                 \
            stress_fail(__FILE__, __LINE__, #cond, 0, 0);            \
    } while (0)
#define CHECK_EQ(a, b)                                               \
    do {                                                             \
        long stress_a_ = (long)(a), stress_b_ = (long)(b);           \
        if (stress_a_ != stress_b_)                                  \
            stress_fail(__FILE__, __LINE__, #a " == " #b, stress_a_, stress_b_); \
    } while (0)
#define OP() atomic_fetch_add_explicit(&stress_ops, 1, memory_order_relaxed)

/* Arm the watchdog: past `seconds` the program prints what it was doing
 * and exits with a failure (a hang is a bug, never a timeout to wait out). */
void stress_watchdog(const char *name, unsigned seconds);
/* The closing line; returns the exit status. */
int stress_finish(const char *name);

/* Repetition counts scale with WS2POSIX_STRESS_SCALE (percent, default
 * 100), so a slow sanitizer build or a long soak can change them. */
long stress_scaled(long n);

/* ---- POSIX helpers (posix_helpers.c) ---- */
/* Open descriptors of the process (/proc/self/fd, not counting the
 * directory stream itself), and its threads (/proc/self/task). */
int stress_fd_count(void);
int stress_thread_count(void);
/* Print the process's descriptors and what they are, for a failed check. */
void stress_fd_dump(const char *label);
/* RLIMIT_NOFILE soft limit: set it (returns the old one), -1 on failure. */
long stress_set_fd_limit(long soft);
/* Call before taking the counts: takes libuv's one process-wide pipe (see
 * posix_helpers.c; returns the descriptors that added) and lets a sanitizer
 * runtime start its helper thread (TSan does at the first pthread_create). */
int stress_settle(void);

/* A tiny per-thread random generator (xorshift). */
static inline unsigned stress_rand(unsigned *state) {
    unsigned x = *state ? *state : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

#endif
