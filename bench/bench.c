/* Timing, medians and threads for the workloads; neutral C that also builds
 * with mingw-w64 (bench/wine.sh). */
#ifndef _WIN32
#define _GNU_SOURCE
#endif
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#include <psapi.h>
#else
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#endif

const char *bench_ours_name = BENCH_SIDE;

double bench_now(void) {
#ifdef _WIN32
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (double)c.QuadPart / (double)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
#endif
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double rate(const char *workload, const char *side, double (*fn)(long), long n) {
    double s = fn(n);
    if (s < 0) {
        printf("%-28s %-8s failed\n", workload, side);
        fflush(stdout);
        exit(1);
    }
    return (double)n / (s > 0 ? s : 1e-9);
}

double bench_compare(const char *workload, const char *unit, double (*ours)(long n),
                     double (*baseline)(long n), const char *baseline_name, long n, int rounds) {
    double a[64], b[64];
    if (rounds > 64)
        rounds = 64;
    /* BENCH_ONLY=ours or =baseline runs one side alone, for a profiler
     * (perf stat, strace -c): no ratio then. */
    const char *only = getenv("BENCH_ONLY");
    if (only && strcmp(only, "ours") == 0)
        baseline = NULL;
    if (only && strcmp(only, "baseline") == 0 && baseline) {
        ours = baseline, baseline = NULL;
        bench_ours_name = baseline_name;
    }
    rate(workload, bench_ours_name, ours, n / 10 + 1); /* warm up both */
    if (baseline)
        rate(workload, baseline_name, baseline, n / 10 + 1);
    for (int r = 0; r < rounds; r++) {
        a[r] = rate(workload, bench_ours_name, ours, n);
        if (baseline)
            b[r] = rate(workload, baseline_name, baseline, n);
    }
    double ma = median(a, rounds);
    printf("%-28s %-8s %14.0f %s/s\n", workload, bench_ours_name, ma, unit);
    if (!baseline) {
        fflush(stdout);
        return 0;
    }
    double mb = median(b, rounds);
    printf("%-28s %-8s %14.0f %s/s\n", workload, baseline_name, mb, unit);
    printf("%-28s ratio    %14.3f\n", workload, ma / mb);
    fflush(stdout);
    return ma / mb;
}

struct bench_thread {
    void (*fn)(void *);
    void *arg;
#ifdef _WIN32
    HANDLE h;
#else
    pthread_t t;
#endif
};

#ifdef _WIN32
static DWORD WINAPI trampoline(LPVOID p) {
    bench_thread *t = p;
    t->fn(t->arg);
    return 0;
}
#else
static void *trampoline(void *p) {
    bench_thread *t = p;
    t->fn(t->arg);
    return NULL;
}
#endif

bench_thread *bench_thread_start(void (*fn)(void *arg), void *arg) {
    bench_thread *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    t->fn = fn;
    t->arg = arg;
#ifdef _WIN32
    t->h = CreateThread(NULL, 0, trampoline, t, 0, NULL);
    if (!t->h) {
        free(t);
        return NULL;
    }
#else
    if (pthread_create(&t->t, NULL, trampoline, t) != 0) {
        free(t);
        return NULL;
    }
#endif
    return t;
}

void bench_thread_join(bench_thread *t) {
    if (!t)
        return;
#ifdef _WIN32
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
#else
    pthread_join(t->t, NULL);
#endif
    free(t);
}

size_t bench_rss(void) {
#ifdef _WIN32
    PROCESS_MEMORY_COUNTERS c;
    return GetProcessMemoryInfo(GetCurrentProcess(), &c, sizeof c) ? c.WorkingSetSize : 0;
#else
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &resident) != 2)
        resident = 0;
    fclose(f);
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
#endif
}

void bench_die(const char *what, int code) {
    printf("%s failed: %d\n", what, code);
    fflush(stdout);
    exit(1);
}
