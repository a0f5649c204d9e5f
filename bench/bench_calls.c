/* The cost of one call through the dispatcher, the base provider and the
 * seam, against the bare system call: getsockopt(SO_RCVBUF) on a TCP socket,
 * and recv on an empty non-blocking socket (WSAEWOULDBLOCK / EAGAIN).
 *
 *   bench-calls [n]                     both workloads, timed
 *   bench-calls ours-getsockopt|raw-getsockopt|ours-recv|raw-recv [n]
 *                                       one loop only, for
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=loop_* ...
 */
#include "bench_ws.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SOCKET c, a;

/* Not inlined: callgrind counts the instructions inside these. */
__attribute__((noinline)) static int loop_getsockopt(long n) {
    int bad = 0;
    for (long i = 0; i < n; i++) {
        int v = 0, len = sizeof v;
        bad |= getsockopt(a, SOL_SOCKET, SO_RCVBUF, (char *)&v, &len);
    }
    return bad;
}

__attribute__((noinline)) static int loop_recv(long n) {
    char b[64];
    int bad = 0;
    for (long i = 0; i < n; i++)
        bad |= recv(a, b, sizeof b, 0) != SOCKET_ERROR || WSAGetLastError() != WSAEWOULDBLOCK;
    return bad;
}

static double ours_getsockopt(long n) {
    double t0 = bench_now();
    if (loop_getsockopt(n))
        return -1;
    return bench_now() - t0;
}

static double ours_recv(long n) {
    double t0 = bench_now();
    if (loop_recv(n))
        return -1;
    return bench_now() - t0;
}

int main(int argc, char **argv) {
    const char *only = argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9') ? argv[1] : NULL;
    const char *ns = only ? (argc > 2 ? argv[2] : NULL) : (argc > 1 ? argv[1] : NULL);
    long n = ns ? atol(ns) : 300000;
    bench_ws_startup();
    bench_ws_pair(&c, &a, 0);
    u_long on = 1;
    if (ioctlsocket(a, FIONBIO, &on) != 0)
        bench_die("ioctlsocket(FIONBIO)", WSAGetLastError());
    if (only) {
        double s = -1;
        if (!strcmp(only, "ours-getsockopt"))
            s = ours_getsockopt(n);
        else if (!strcmp(only, "ours-recv"))
            s = ours_recv(n);
#ifndef _WIN32
        else if (!strcmp(only, "raw-getsockopt"))
            s = raw_getsockopt(n);
        else if (!strcmp(only, "raw-recv"))
            s = raw_recv_empty(n);
#endif
        printf("%s: %ld calls, %.1f ns/call\n", only, n, s * 1e9 / (double)n);
        return s < 0;
    }
    bench_compare("getsockopt(SO_RCVBUF)", "calls", ours_getsockopt, BASELINE(raw_getsockopt), "posix", n, 9);
    bench_compare("recv, nothing there", "calls", ours_recv, BASELINE(raw_recv_empty), "posix", n, 9);
    closesocket(c);
    closesocket(a);
    WSACleanup();
    return 0;
}
