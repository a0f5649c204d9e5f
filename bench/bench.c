#define _GNU_SOURCE
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_compare(const char *workload, const char *unit, double (*ours)(long n),
                     double (*baseline)(long n), const char *baseline_name, long n, int rounds) {
    double a[64], b[64];
    if (rounds > 64)
        rounds = 64;
    ours(n / 10 + 1); /* warm up both */
    baseline(n / 10 + 1);
    for (int r = 0; r < rounds; r++) {
        a[r] = (double)n / ours(n);
        b[r] = (double)n / baseline(n);
    }
    double ma = median(a, rounds), mb = median(b, rounds);
    printf("%-28s ws2posix %12.0f %s/s\n", workload, ma, unit);
    printf("%-28s %-8s %12.0f %s/s\n", workload, baseline_name, mb, unit);
    printf("%-28s ratio    %12.3f\n", workload, ma / mb);
    return ma / mb;
}
