/* 1 GiB over one loopback TCP connection in 64 KiB send and recv calls (a
 * sender thread, the receiver on the main thread), against send(2)/recv(2). */
#include "bench_ws.h"
#include "bench.h"

#include <stdlib.h>

#define CHUNK (64 * 1024)

struct sender {
    SOCKET s;
    long mib;
};

static void sender(void *arg) {
    struct sender *sd = arg;
    static char buf[CHUNK];
    long calls = sd->mib * (1024 * 1024 / CHUNK);
    for (long i = 0; i < calls; i++)
        if (bench_ws_send_all(sd->s, buf, CHUNK) != 0)
            break;
    shutdown(sd->s, SD_SEND);
}

static double ours(long mib) {
    SOCKET c, a;
    bench_ws_pair(&c, &a, 0);
    static char buf[CHUNK];
    struct sender sd = {c, mib};
    long long want = (long long)mib * 1024 * 1024, got = 0;
    double t0 = bench_now();
    bench_thread *t = bench_thread_start(sender, &sd);
    for (;;) {
        int r = recv(a, buf, CHUNK, 0);
        if (r <= 0)
            break;
        got += r;
    }
    double dt = bench_now() - t0;
    bench_thread_join(t);
    closesocket(c);
    closesocket(a);
    return got == want ? dt : -1;
}

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 1024;
    bench_ws_startup();
    bench_compare("transfer 64 KiB calls", "MiB", ours, BASELINE(raw_pump), "posix", mib, 5);
    WSACleanup();
    return 0;
}
