/*
 * Closing one of two handles of a socket duplicated in this process
 * (WSADuplicateSocket + WSASocket(FROM_PROTOCOL_INFO)) while other threads
 * use either handle. Each round picks one of:
 *
 *  - blocked: a recv blocked on each handle; one handle is closed at a
 *    random moment (before, during or after its recv blocks). That recv
 *    ends with WSAEINTR (or WSAENOTSOCK when the close came first), never
 *    with data; the other handle's recv gets the data sent next (the
 *    connection is not shut down); the last close ends the connection.
 *  - overlapped: a WSARecv pending on one handle (event completion), then
 *    one of the two closed, data sent, the other closed. The operation
 *    completes exactly once, with the data or aborted (WSAECONNABORTED),
 *    never hangs; issued on the handle that stays open, it gets the data.
 *  - claim-vs-close: the source handle closed while another thread claims
 *    the duplicate; the duplicate then carries data, and its close aborts
 *    its pending WSARecv (the handles' bookkeeping agrees).
 *  - deaf: a recv blocked on a socket that is then duplicated and closed:
 *    the recv is still woken (the close falls back to a shutdown).
 *
 * The watchdog fails a hang; descriptors are counted after WSACleanup.
 */
#define _GNU_SOURCE /* usleep */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "stress.h"
#include "stress_net.h"

static SOCKADDR_IN listen_addr;
static SOCKET listen_sock;

static void pair(SOCKET *c, SOCKET *s) {
    *c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK(*c != INVALID_SOCKET);
    CHECK_EQ(connect(*c, (SOCKADDR *)&listen_addr, sizeof listen_addr), 0);
    *s = accept(listen_sock, NULL, NULL);
    CHECK(*s != INVALID_SOCKET);
}

static SOCKET claim(const WSAPROTOCOL_INFOW *info) {
    WSAPROTOCOL_INFOW copy = *info;
    return WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &copy, 0, WSA_FLAG_OVERLAPPED);
}

static SOCKET duplicate(SOCKET s) {
    WSAPROTOCOL_INFOW info;
    CHECK_EQ(WSADuplicateSocketW(s, GetCurrentProcessId(), &info), 0);
    SOCKET d = claim(&info);
    CHECK(d != INVALID_SOCKET);
    return d;
}

/* recv all of n bytes, or what comes before the end */
static int recv_n(SOCKET s, char *buf, int n) {
    int got = 0;
    while (got < n) {
        int r = recv(s, buf + got, n - got, 0);
        if (r <= 0)
            return r < 0 ? r : got;
        got += r;
    }
    return got;
}

/* ---- blocked ---- */

struct blocked {
    SOCKET s;
    int r, err;
    char buf[8];
};

static void *blocked_recv(void *arg) {
    struct blocked *b = arg;
    b->r = recv(b->s, b->buf, 4, 0);
    b->err = b->r == SOCKET_ERROR ? WSAGetLastError() : 0;
    return NULL;
}

static void round_blocked(unsigned *rnd) {
    SOCKET c, s;
    pair(&c, &s);
    SOCKET d = duplicate(s);
    int which = (int)(stress_rand(rnd) % 2);
    SOCKET closed = which ? d : s, kept = which ? s : d;
    struct blocked on_closed = {.s = closed}, on_kept = {.s = kept};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, blocked_recv, &on_closed);
    pthread_create(&t2, NULL, blocked_recv, &on_kept);
    usleep(stress_rand(rnd) % 3000);
    CHECK_EQ(closesocket(closed), 0);
    pthread_join(t1, NULL);
    CHECK_EQ(on_closed.r, SOCKET_ERROR);
    CHECK(on_closed.err == WSAEINTR || on_closed.err == WSAENOTSOCK);
    CHECK_EQ(send(c, "data", 4, 0), 4);
    pthread_join(t2, NULL);
    CHECK_EQ(on_kept.r, 4);
    CHECK(memcmp(on_kept.buf, "data", 4) == 0);
    CHECK_EQ(closesocket(kept), 0);
    char buf[4];
    CHECK_EQ(recv(c, buf, sizeof buf, 0), 0);
    closesocket(c);
    OP();
}

/* ---- overlapped ---- */

#define ST_CONNECTION_ABORTED 0xC0000241u
#define ABORTED (-1L)

/* Wait (bounded) for ov's completion: its byte count, ABORTED (the close's
 * STATUS_CONNECTION_ABORTED, F124), or -2 for anything else. Internal is
 * read first, as the completion writes it last. */
static long completion(WSAOVERLAPPED *ov) {
    DWORD r = WSAWaitForMultipleEvents(1, &ov->hEvent, TRUE, 10000, FALSE);
    CHECK_EQ(r, WSA_WAIT_EVENT_0);
    ULONG_PTR st = __atomic_load_n(&ov->Internal, __ATOMIC_SEQ_CST);
    if (st == 0)
        return (long)ov->InternalHigh;
    return st == ST_CONNECTION_ABORTED ? ABORTED : -2;
}

static void round_overlapped(unsigned *rnd) {
    SOCKET c, s;
    pair(&c, &s);
    SOCKET d = duplicate(s);
    SOCKET issuer = stress_rand(rnd) % 2 ? d : s;
    SOCKET first = stress_rand(rnd) % 2 ? d : s, second = first == s ? d : s;
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    char buf[8] = {0};
    WSABUF wb = {4, buf};
    DWORD n = 0, f = 0;
    int r = WSARecv(issuer, &wb, 1, &n, &f, &ov, NULL);
    CHECK(r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING);
    if (stress_rand(rnd) % 2)
        usleep(stress_rand(rnd) % 2000);
    CHECK_EQ(closesocket(first), 0);
    CHECK_EQ(send(c, "data", 4, 0), 4);
    if (issuer == second) {
        /* issued on the handle still open: the close of the other does not
         * touch it, it gets the data */
        CHECK_EQ(completion(&ov), 4);
        CHECK(memcmp(buf, "data", 4) == 0);
        CHECK_EQ(closesocket(second), 0);
    } else {
        /* issued on the handle closed: the data or, at the latest with the
         * last close, an abort */
        if (stress_rand(rnd) % 2)
            usleep(stress_rand(rnd) % 2000);
        CHECK_EQ(closesocket(second), 0);
        long got = completion(&ov);
        CHECK(got == 4 || got == ABORTED);
    }
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    OP();
}

/* ---- claim-vs-close ---- */

struct closer {
    SOCKET s;
    unsigned delay;
};

static void *close_later(void *arg) {
    struct closer *k = arg;
    usleep(k->delay);
    CHECK_EQ(closesocket(k->s), 0);
    return NULL;
}

static void round_claim_vs_close(unsigned *rnd) {
    SOCKET c, s;
    pair(&c, &s);
    WSAPROTOCOL_INFOW info;
    CHECK_EQ(WSADuplicateSocketW(s, GetCurrentProcessId(), &info), 0);
    struct closer k = {s, stress_rand(rnd) % 200};
    pthread_t t;
    pthread_create(&t, NULL, close_later, &k);
    SOCKET d = claim(&info);
    CHECK(d != INVALID_SOCKET);
    pthread_join(t, NULL);
    char buf[8];
    CHECK_EQ(send(c, "ping", 4, 0), 4);
    CHECK_EQ(recv_n(d, buf, 4), 4);
    CHECK_EQ(send(d, "pong", 4, 0), 4);
    CHECK_EQ(recv_n(c, buf, 4), 4);
    /* d is the last handle now: its close aborts what it has pending */
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    WSABUF wb = {4, buf};
    DWORD n = 0, f = 0;
    int r = WSARecv(d, &wb, 1, &n, &f, &ov, NULL);
    CHECK(r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING);
    CHECK_EQ(closesocket(d), 0);
    CHECK_EQ(completion(&ov), ABORTED);
    CHECK_EQ(recv(c, buf, sizeof buf, 0), 0);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    OP();
}

/* ---- deaf ---- */

static void round_deaf(unsigned *rnd) {
    SOCKET c, s;
    pair(&c, &s);
    struct blocked b = {.s = s};
    pthread_t t;
    pthread_create(&t, NULL, blocked_recv, &b);
    usleep(stress_rand(rnd) % 3000);
    SOCKET d = duplicate(s);
    CHECK_EQ(closesocket(s), 0);
    pthread_join(t, NULL);
    CHECK_EQ(b.r, SOCKET_ERROR);
    CHECK(b.err == WSAEINTR || b.err == WSAENOTSOCK);
    closesocket(d);
    closesocket(c);
    OP();
}

int main(void) {
    stress_watchdog("share", 240);
    stress_settle();
    long rounds = stress_scaled(400);
    int fds = stress_fd_count();
    stress_wsa_start();
    listen_sock = stress_listener(&listen_addr, 16);
    unsigned rnd = 12345;
    for (long i = 0; i < rounds; i++) {
        switch (i % 4) {
        case 0:
            round_blocked(&rnd);
            break;
        case 1:
            round_overlapped(&rnd);
            break;
        case 2:
            round_claim_vs_close(&rnd);
            break;
        default:
            round_deaf(&rnd);
        }
    }
    closesocket(listen_sock);
    CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(stress_fd_count(), fds);
    if (stress_fd_count() != fds)
        stress_fd_dump("after WSACleanup");
    return stress_finish("share");
}
