/*
 * getpeername while another thread connects the same socket (F219). While a
 * connect() is in progress, getpeername answers with the address being
 * connected to, which the provider keeps beside the socket
 * (lib/provider/connect.c). A connect that starts a new attempt on a socket
 * that is still "connecting" (the last attempt failed, and select has
 * collected the failure, F166) writes a new address there while readers
 * may be copying the old one.
 *
 * Each round: a non-blocking connect to a refused address R (127.0.0.2,
 * a bound port with no listener: the kernel resets at once), select until
 * the failure shows in exceptfds, then a connect to F (127.0.0.1, a
 * listener whose queue is full: the attempt stays in progress) while
 * READERS threads call getpeername on the socket in a loop. Every answer
 * must be R or F whole (different addresses and ports, so a torn copy
 * shows), WSAENOTCONN, or WSAENOTSOCK once the round has closed the
 * socket. Under ThreadSanitizer the copy and the rewrite must be ordered:
 * without connect.c's lock, clang's TSan reports the race here (3 runs in
 * 3); gcc 12's does not see it, as it expands remember_target's memset and
 * memcpy inline, without instrumentation.
 */
#define _GNU_SOURCE /* usleep */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "stress.h"
#include "stress_net.h"

enum { READERS = 6, FILL = 4 };

static SOCKADDR_IN refused, pending; /* R and F */
static _Atomic SOCKET current = INVALID_SOCKET;
static _Atomic int stop;
static _Atomic long seen_r, seen_f, seen_notconn, seen_notsock;

static SOCKADDR_IN addr_of(const char *ip) {
    SOCKADDR_IN a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    CHECK_EQ(inet_pton(AF_INET, ip, &a.sin_addr), 1);
    return a;
}

static int same(const SOCKADDR_IN *a, const SOCKADDR_IN *b) {
    return a->sin_family == b->sin_family && a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
}

static void *reader(void *arg) {
    (void)arg;
    while (!atomic_load(&stop)) {
        SOCKET s = atomic_load(&current);
        if (s == INVALID_SOCKET) {
            sched_yield();
            continue;
        }
        SOCKADDR_STORAGE ss;
        memset(&ss, 0xab, sizeof ss);
        int len = sizeof ss;
        if (getpeername(s, (SOCKADDR *)&ss, &len) == 0) {
            SOCKADDR_IN *in = (SOCKADDR_IN *)&ss;
            CHECK_EQ(len, (int)sizeof(SOCKADDR_IN));
            if (same(in, &refused))
                atomic_fetch_add(&seen_r, 1);
            else if (same(in, &pending))
                atomic_fetch_add(&seen_f, 1);
            else
                CHECK(!"getpeername gave neither target whole");
        } else {
            int e = WSAGetLastError();
            if (e == WSAENOTCONN)
                atomic_fetch_add(&seen_notconn, 1);
            else if (e == WSAENOTSOCK)
                atomic_fetch_add(&seen_notsock, 1);
            else
                CHECK_EQ(e, WSAENOTCONN);
        }
        OP();
    }
    return NULL;
}

static void round_of(void) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK(s != INVALID_SOCKET);
    u_long on = 1;
    CHECK_EQ(ioctlsocket(s, FIONBIO, &on), 0);
    CHECK_EQ(connect(s, (SOCKADDR *)&refused, sizeof refused), SOCKET_ERROR);
    int e = WSAGetLastError();
    if (e == WSAEWOULDBLOCK) {
        fd_set x;
        FD_ZERO(&x);
        FD_SET(s, &x);
        struct timeval tv = {2, 0};
        CHECK_EQ(select(0, NULL, NULL, &x, &tv), 1); /* F166: the failure, collected */
    } else {
        CHECK_EQ(e, WSAECONNREFUSED); /* refused at once: the round still rewrites nothing racy */
    }
    atomic_store(&current, s);
    usleep(50); /* the readers reach the socket */
    CHECK_EQ(connect(s, (SOCKADDR *)&pending, sizeof pending), SOCKET_ERROR);
    CHECK_EQ(WSAGetLastError(), WSAEWOULDBLOCK);
    usleep(50);
    SOCKADDR_IN peer;
    int len = sizeof peer;
    CHECK_EQ(getpeername(s, (SOCKADDR *)&peer, &len), 0);
    CHECK(same(&peer, &pending));
    atomic_store(&current, INVALID_SOCKET);
    CHECK_EQ(closesocket(s), 0);
    OP();
}

int main(void) {
    stress_watchdog("connect-target", 240);
    stress_settle();
    long rounds = stress_scaled(400);
    int fds = stress_fd_count(), threads = stress_thread_count();
    stress_wsa_start();

    /* R: a bound port nobody listens on. */
    refused = addr_of("127.0.0.2");
    SOCKET r = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK_EQ(bind(r, (SOCKADDR *)&refused, sizeof refused), 0);
    int len = sizeof refused;
    CHECK_EQ(getsockname(r, (SOCKADDR *)&refused, &len), 0);
    /* F: a listener whose queue is full drops the SYN, so a connect to it
     * stays in progress (tests/test_tcp.c nonblocking_connect). */
    pending = addr_of("127.0.0.1");
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK_EQ(bind(l, (SOCKADDR *)&pending, sizeof pending), 0);
    CHECK_EQ(listen(l, 0), 0);
    len = sizeof pending;
    CHECK_EQ(getsockname(l, (SOCKADDR *)&pending, &len), 0);
    SOCKET fill[FILL];
    u_long on = 1;
    for (int i = 0; i < FILL; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        CHECK_EQ(ioctlsocket(fill[i], FIONBIO, &on), 0);
        connect(fill[i], (SOCKADDR *)&pending, sizeof pending);
    }
    usleep(100 * 1000);

    pthread_t t[READERS];
    for (int i = 0; i < READERS; i++)
        pthread_create(&t[i], NULL, reader, NULL);
    for (long i = 0; i < rounds; i++)
        round_of();
    atomic_store(&stop, 1);
    for (int i = 0; i < READERS; i++)
        pthread_join(t[i], NULL);

    for (int i = 0; i < FILL; i++)
        CHECK_EQ(closesocket(fill[i]), 0);
    CHECK_EQ(closesocket(l), 0);
    CHECK_EQ(closesocket(r), 0);
    CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(stress_fd_count(), fds);
    CHECK_EQ(stress_thread_count(), threads);
    printf("  getpeername: %ld R, %ld F, %ld WSAENOTCONN, %ld WSAENOTSOCK\n", atomic_load(&seen_r),
           atomic_load(&seen_f), atomic_load(&seen_notconn), atomic_load(&seen_notsock));
    CHECK(atomic_load(&seen_f) > 0); /* the connecting target was read at all */
    return stress_finish("connect-target");
}
