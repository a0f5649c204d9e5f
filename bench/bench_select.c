/* select over 64 connected sockets, one of them readable, zero timeout,
 * against poll(2) over 64 descriptors. Two ways a program refills the set
 * that select overwrote: FD_ZERO and 64 FD_SETs before each call (Windows'
 * FD_SET searches the set first: some 2,000 comparisons per refill), or a
 * copy of a set built once (as the poll(2) baseline reuses its array). */
#include "bench_ws.h"
#include "bench.h"

#include <stdlib.h>

#define NSOCK 64

static SOCKET cl[NSOCK], sv[NSOCK];

static double ours(long n) {
    struct timeval tv = {0, 0};
    fd_set r;
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        FD_ZERO(&r);
        for (int k = 0; k < NSOCK; k++)
            FD_SET(sv[k], &r);
        if (select(0, &r, NULL, NULL, &tv) != 1)
            return -1;
    }
    return bench_now() - t0;
}

static double ours_copied(long n) {
    struct timeval tv = {0, 0};
    fd_set all, r;
    FD_ZERO(&all);
    for (int k = 0; k < NSOCK; k++)
        FD_SET(sv[k], &all);
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        r = all;
        if (select(0, &r, NULL, NULL, &tv) != 1)
            return -1;
    }
    return bench_now() - t0;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    bench_ws_startup();
    for (int k = 0; k < NSOCK; k++)
        bench_ws_pair(&cl[k], &sv[k], 0);
    if (send(cl[NSOCK / 2], "x", 1, 0) != 1) /* one readable socket */
        bench_die("send", WSAGetLastError());
    char b;
    struct timeval tv = {1, 0};
    fd_set r;
    FD_ZERO(&r);
    FD_SET(sv[NSOCK / 2], &r);
    select(0, &r, NULL, NULL, &tv); /* the byte has arrived */
    (void)b;
    bench_compare("select 64 (FD_SET x64 each)", "calls", ours, BASELINE(raw_poll64), "poll(2)", n, 9);
    bench_compare("select 64 (set copied)", "calls", ours_copied, BASELINE(raw_poll64), "poll(2)", n, 9);
    for (int k = 0; k < NSOCK; k++) {
        closesocket(cl[k]);
        closesocket(sv[k]);
    }
    WSACleanup();
    return 0;
}
