/*
 * closesocket racing overlapped completions, across threads.
 *
 * Each worker makes a connected pair, issues overlapped receives and sends
 * on one end (half with an event, half with a completion routine), and
 * hands that end to a closer thread, which sends a random amount of data
 * into it from the peer and closes it at once, racing the loop thread that
 * completes the receives. The worker then checks, with exact counts, that
 * every operation completed exactly once (no lost, doubled or late
 * completion): each event is signalled, each routine ran once on the
 * issuing thread, each status is success or the close's WSAECONNABORTED,
 * the bytes received never exceed what was sent, and nothing more arrives
 * afterwards. Descriptors and threads come back to their counts at the end.
 */
#define _GNU_SOURCE /* pthread_barrier_t */
#include <winsock2.h>
#include <windows.h>
#include <pthread.h>
#include <string.h>

#include "stress.h"
#include "stress_net.h"

#define WORKERS 4
#define OPS 6 /* per round: OPS receives + 1 send */
#define ST_PENDING 0x103u
#define ST_CONNECTION_ABORTED 0xC0000241u

static long rounds;

typedef struct worker {
    SOCKET listener;
    struct sockaddr_in addr;
    /* the closer's half of a round */
    pthread_t closer;
    SOCKET victim, peer;
    int to_send;
    /* routine bookkeeping (this worker's thread only) */
    int calls[OPS + 1];
    WSAOVERLAPPED ov[OPS + 1];
    DWORD thread;
    int wrong_thread;
} worker;

static __thread worker *self;

static void CALLBACK on_done(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)bytes, (void)flags;
    worker *w = self;
    long i = ov - w->ov;
    CHECK(i >= 0 && i <= OPS);
    if (i < 0 || i > OPS)
        return;
    w->calls[i]++;
    CHECK(err == 0 || err == WSAECONNABORTED);
    if (GetCurrentThreadId() != w->thread)
        w->wrong_thread++;
}

static void *closer(void *arg) {
    worker *w = arg;
    static const char data[64] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde";
    if (w->to_send)
        CHECK_EQ(send(w->peer, data, w->to_send, 0), w->to_send);
    CHECK_EQ(closesocket(w->victim), 0);
    OP();
    return NULL;
}

static void round_once(worker *w, unsigned *rnd) {
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(c != INVALID_SOCKET);
    CHECK_EQ(connect(c, (struct sockaddr *)&w->addr, sizeof w->addr), 0);
    SOCKET s = accept(w->listener, NULL, NULL);
    CHECK(s != INVALID_SOCKET);
    if (c == INVALID_SOCKET || s == INVALID_SOCKET)
        return;
    int small = 4096;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, (const char *)&small, sizeof small);
    char bufs[OPS][8];
    static char big[1 << 20];
    WSAEVENT ev[OPS + 1];
    BOOL routine[OPS + 1];
    memset(w->calls, 0, sizeof w->calls);
    int immediate_bytes = 0;
    for (int i = 0; i <= OPS; i++) {
        memset(&w->ov[i], 0, sizeof w->ov[i]);
        ev[i] = WSACreateEvent();
        w->ov[i].hEvent = ev[i];
        routine[i] = stress_rand(rnd) % 2;
        DWORD n = 0, fl = 0;
        int r;
        if (i < OPS) {
            WSABUF b = {sizeof bufs[i], bufs[i]};
            r = WSARecv(s, &b, 1, &n, &fl, &w->ov[i], routine[i] ? on_done : NULL);
        } else {
            /* a send that cannot finish before the close */
            WSABUF b = {sizeof big, big};
            r = WSASend(s, &b, 1, &n, 0, &w->ov[i], routine[i] ? on_done : NULL);
        }
        CHECK(r == SOCKET_ERROR ? WSAGetLastError() == WSA_IO_PENDING : 1);
        if (r == 0 && i < OPS)
            immediate_bytes += (int)n;
        OP();
    }
    CHECK_EQ(immediate_bytes, 0); /* nothing was sent yet */
    w->victim = s;
    w->peer = c;
    w->to_send = (int)(stress_rand(rnd) % 40);
    pthread_create(&w->closer, NULL, closer, w);

    /* Every completion arrives, exactly once. */
    DWORD received = 0;
    for (int i = 0; i <= OPS; i++) {
        if (routine[i]) {
            for (int t = 0; t < 500 && w->calls[i] == 0; t++)
                SleepEx(10, TRUE);
            CHECK_EQ(w->calls[i], 1);
            CHECK(WaitForSingleObject(ev[i], 0) == WAIT_TIMEOUT); /* F113 */
        } else {
            CHECK_EQ(WaitForSingleObject(ev[i], 5000), WAIT_OBJECT_0);
        }
        ULONG_PTR st = __atomic_load_n(&w->ov[i].Internal, __ATOMIC_SEQ_CST);
        CHECK(st == 0 || st == ST_CONNECTION_ABORTED);
        if (st == 0 && i < OPS)
            received += (DWORD)w->ov[i].InternalHigh;
        if (st == ST_CONNECTION_ABORTED && i < OPS)
            CHECK_EQ(w->ov[i].InternalHigh, 0); /* F124; an aborted send counts what went */
        OP();
    }
    pthread_join(w->closer, NULL);
    CHECK(received <= (DWORD)w->to_send);
    /* nothing late: no routine runs twice, no event is set again */
    for (int i = 0; i <= OPS; i++)
        WSAResetEvent(ev[i]);
    SleepEx(1, TRUE);
    for (int i = 0; i <= OPS; i++) {
        if (routine[i])
            CHECK_EQ(w->calls[i], 1);
        else
            CHECK(WaitForSingleObject(ev[i], 0) == WAIT_TIMEOUT);
        WSACloseEvent(ev[i]);
    }
    CHECK_EQ(w->wrong_thread, 0);
    closesocket(c);
}

static void *work(void *arg) {
    worker *w = arg;
    self = w;
    w->thread = GetCurrentThreadId();
    unsigned rnd = (unsigned)(uintptr_t)w * 2654435761u;
    for (long r = 0; r < rounds; r++)
        round_once(w, &rnd);
    return NULL;
}

int main(void) {
    stress_watchdog("overlapped", 240);
    stress_settle();
    rounds = stress_scaled(150);
    int fds = stress_fd_count();
    stress_wsa_start();
    static worker w[WORKERS];
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        w[i].listener = stress_listener(&w[i].addr, 16);
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, work, &w[i]);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < WORKERS; i++)
        closesocket(w[i].listener);
    CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(stress_fd_count(), fds);
    return stress_finish("overlapped");
}
