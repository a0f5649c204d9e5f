/* 64-byte TCP ping-pong over loopback with blocking send/recv: a client
 * thread sends 64 bytes and waits for them back from an echo thread. Rate:
 * round trips per second, against the same through socket(2)/send(2)/recv(2). */
#include "bench_ws.h"
#include "bench.h"

#include <stdlib.h>

static double ours(long n) { return bench_ws_pingpong(n, NULL); }

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000;
    bench_ws_startup();
    bench_compare("ping-pong 64 B", "round trips", ours, BASELINE(raw_pingpong), "posix", n, 7);
    WSACleanup();
    return 0;
}
