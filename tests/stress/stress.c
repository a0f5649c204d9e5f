/* The plain-C harness shared by the reliability programs (stress.h). */
#define _GNU_SOURCE /* alarm */
#include "stress.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

_Atomic long stress_ops;
_Atomic long stress_failures;
static const char *watched;

void stress_fail(const char *file, int line, const char *what, long a, long b) {
    long n = atomic_fetch_add(&stress_failures, 1) + 1;
    if (n <= 20) /* the first few say it; the count says the rest */
        fprintf(stderr, "FAIL %s:%d: %s (%ld, %ld)\n", file, line, what, a, b);
}

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "FAIL watchdog: the program hung (a blocked call never returned?)\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(3);
}

void stress_watchdog(const char *name, unsigned seconds) {
    watched = name;
    signal(SIGALRM, on_alarm);
    alarm(seconds);
}

int stress_finish(const char *name) {
    alarm(0);
    long f = atomic_load(&stress_failures);
    printf("stress: %s: %ld operations, %ld failures\n", name, atomic_load(&stress_ops), f);
    fflush(stdout);
    return f ? 1 : 0;
}

long stress_scaled(long n) {
    const char *env = getenv("WS2POSIX_STRESS_SCALE");
    long pct = env ? strtol(env, NULL, 10) : 100;
    if (pct <= 0)
        pct = 100;
    long r = n * pct / 100;
    return r > 0 ? r : 1;
}
