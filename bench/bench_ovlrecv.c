/* One overlapped recv completion with an event wait, against a blocking
 * recv round trip: a 64-byte ping-pong whose client posts WSARecv with a
 * WSAOVERLAPPED (WSA_FLAG_OVERLAPPED socket), sends, waits on the event with
 * WSAWaitForMultipleEvents and reads the result with WSAGetOverlappedResult
 * (the echo thread is a plain blocking one); the baseline is the same
 * ping-pong with blocking recv(2) through raw POSIX. Target: cost at most
 * twice (ratio >= 0.5). */
#include "bench_ws.h"
#include "bench.h"

#include <stdlib.h>
#include <string.h>

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
    bench_ws_pair(&c, &a, WSA_FLAG_OVERLAPPED);
    bench_thread *t = bench_thread_start(echo, &a);
    char out[MSG] = {0}, in[MSG];
    WSAEVENT ev = WSACreateEvent();
    long i;
    double t0 = bench_now(), dt;
    for (i = 0; i < n; i++) {
        int got = 0;
        while (got < MSG) {
            WSAOVERLAPPED ov;
            memset(&ov, 0, sizeof ov);
            ov.hEvent = ev;
            WSABUF b = {(ULONG)(MSG - got), in + got};
            DWORD bytes = 0, flags = 0;
            int r = WSARecv(c, &b, 1, &bytes, &flags, &ov, NULL);
            if (r != 0 && WSAGetLastError() != WSA_IO_PENDING)
                goto out;
            if (got == 0 && bench_ws_send_all(c, out, MSG) != 0)
                goto out;
            if (WSAWaitForMultipleEvents(1, &ev, TRUE, WSA_INFINITE, FALSE) != WSA_WAIT_EVENT_0)
                goto out;
            if (!WSAGetOverlappedResult(c, &ov, &bytes, FALSE, &flags) || bytes == 0)
                goto out;
            WSAResetEvent(ev);
            got += (int)bytes;
        }
    }
out:
    dt = bench_now() - t0;
    shutdown(c, SD_SEND);
    bench_thread_join(t);
    WSACloseEvent(ev);
    closesocket(c);
    closesocket(a);
    return i == n ? dt : -1;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000;
    bench_ws_startup();
    bench_compare("overlapped recv + event", "round trips", ours, BASELINE(raw_recv_roundtrip), "posix", n, 7);
    WSACleanup();
    return 0;
}
