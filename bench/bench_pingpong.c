/* 64-byte TCP ping-pong over loopback with blocking send/recv: a client
 * thread sends 64 bytes and waits for them back from an echo thread. Rate:
 * round trips per second, against the same through socket(2)/send(2)/recv(2). */
#include "bench_ws.h"
#include "bench.h"

#include <stdlib.h>

#define MSG 64

static void echo(void *arg) {
    SOCKET s = *(SOCKET *)arg;
    char buf[MSG];
    while (bench_ws_recv_all(s, buf, MSG) == 0)
        if (bench_ws_send_all(s, buf, MSG) != 0)
            break;
}

static double ours(long n) {
    SOCKET c, a;
    bench_ws_pair(&c, &a, 0);
    bench_thread *t = bench_thread_start(echo, &a);
    char buf[MSG] = {0};
    double t0 = bench_now(), dt;
    for (long i = 0; i < n; i++)
        if (bench_ws_send_all(c, buf, MSG) != 0 || bench_ws_recv_all(c, buf, MSG) != 0)
            break;
    dt = bench_now() - t0;
    shutdown(c, SD_SEND);
    bench_thread_join(t);
    closesocket(c);
    closesocket(a);
    return dt;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000;
    bench_ws_startup();
    bench_compare("ping-pong 64 B", "round trips", ours, BASELINE(raw_pingpong), "posix", n, 7);
    WSACleanup();
    return 0;
}
