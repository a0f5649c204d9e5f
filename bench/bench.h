/*
 * Benchmark helpers shared by the workloads. A workload runs the same work
 * through ws2posix and through its baseline in the same process, alternating,
 * several rounds, and prints the median rate of each and their ratio. Neutral
 * C: the Winsock side and the POSIX side live in different files.
 */
#ifndef WS2POSIX_BENCH_H
#define WS2POSIX_BENCH_H

#include <stddef.h>

double bench_now(void); /* monotonic seconds */

/* Run `rounds` rounds of both functions alternating; each returns the
 * seconds its `n` operations took. Prints one line per side and the ratio
 * (ws2posix rate / baseline rate) and returns the ratio. */
double bench_compare(const char *workload, const char *unit, double (*ours)(long n),
                     double (*baseline)(long n), const char *baseline_name, long n, int rounds);

/* The POSIX baselines (raw.c). */
double raw_socket_close(long n);

#endif
