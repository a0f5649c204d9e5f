/*
 * Benchmark helpers shared by the workloads. A workload runs the same work
 * through ws2posix and through its baseline in the same process, alternating,
 * several rounds, and prints the median rate of each and their ratio. Neutral
 * C: the Winsock side and the POSIX side live in different files.
 *
 * The Winsock half of every workload (bench_*.c) also builds with mingw-w64
 * as a Windows program (bench/wine.sh runs it under Wine). There the POSIX
 * baselines do not exist: BASELINE(f) is NULL and only the Winsock side is
 * timed and printed.
 */
#ifndef WS2POSIX_BENCH_H
#define WS2POSIX_BENCH_H

#include <stddef.h>

#ifdef _WIN32
#define BENCH_SIDE "wine"
#define BASELINE(f) ((double (*)(long))0)
#else
#define BENCH_SIDE "ws2posix"
#define BASELINE(f) (f)
#endif

double bench_now(void); /* monotonic seconds */

/* The name printed for our side (default BENCH_SIDE). */
extern const char *bench_ours_name;

/* Run `rounds` rounds of both functions alternating; each returns the
 * seconds its `n` operations took (negative: the workload failed). Prints one
 * line per side and the ratio (ws2posix rate / baseline rate) and returns the
 * ratio. A NULL baseline times and prints our side only (returns 0). */
double bench_compare(const char *workload, const char *unit, double (*ours)(long n),
                     double (*baseline)(long n), const char *baseline_name, long n, int rounds);

/* Plain threads in neutral C (pthreads, or Windows threads under mingw). */
typedef struct bench_thread bench_thread;
bench_thread *bench_thread_start(void (*fn)(void *arg), void *arg);
void bench_thread_join(bench_thread *t);

/* Resident set size of this process in bytes (0 if unknown). */
size_t bench_rss(void);

/* Print a message and exit(1): a workload that cannot run says why. */
void bench_die(const char *what, int code);

#ifndef _WIN32
/* The POSIX baselines (raw.c). Each returns the seconds its work took. */
double raw_socket_close(long n);
double raw_pingpong(long n);      /* n round trips of 64 bytes */
double raw_pump(long mib);        /* mib MiB in 64 KiB send/recv calls */
double raw_poll64(long n);        /* n poll(2) calls over 64 sockets */
double raw_recv_roundtrip(long n);/* n blocking 64-byte round trips, one side per call */
double raw_getsockopt(long n);   /* n getsockopt(SO_RCVBUF) */
double raw_recv_empty(long n);   /* n recv on an empty non-blocking socket */
/* Memory: user-space bytes per connected socket for raw descriptors. */
double raw_connections_rss(long n);
/* A forked peer that accepts `n` TCP connections on 127.0.0.1 and holds them
 * until raw_peer_stop; returns its port (host order) or -1. */
int raw_peer_start(long n);
void raw_peer_stop(void);
#endif

#endif
