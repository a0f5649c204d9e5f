/*
 * closesocket racing other calls on the same handle.
 *
 * 1. Shared slots: producers put fresh sockets into a small array of shared
 *    SOCKET values (closing what they replace); users read a slot and call
 *    getsockopt / setsockopt / closesocket on whatever value they saw. A
 *    call on a handle closed under it answers WSAENOTSOCK; nothing crashes,
 *    nothing reaches a reused descriptor, nothing leaks.
 *    Users also select over a few slots (zero timeout, or 1 ms): select's
 *    quick look reads sockets without references while producers and users
 *    close them (provider/socket.c keeps a socket freed meanwhile in limbo).
 * 2. Many closers at once: every round, several threads released together
 *    close the same handle; exactly one succeeds, the others get WSAENOTSOCK.
 */
#define _GNU_SOURCE /* pthread_barrier_t */
#include <winsock2.h>
#include <pthread.h>

#include "stress.h"
#include "stress_net.h"

#define SLOTS 16
#define PRODUCERS 3
#define USERS 5
#define CLOSERS 4

static _Atomic SOCKET slots[SLOTS];
static _Atomic int stop;
static long produce_count, race_rounds;

static void *producer(void *arg) {
    unsigned rnd = (unsigned)(uintptr_t)arg * 7919u + 3;
    for (long i = 0; i < produce_count; i++) {
        SOCKET s = WSASocketW(stress_rand(&rnd) % 2 ? AF_INET : AF_INET6,
                              stress_rand(&rnd) % 2 ? SOCK_STREAM : SOCK_DGRAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
        CHECK(s != INVALID_SOCKET);
        OP();
        SOCKET old = atomic_exchange(&slots[stress_rand(&rnd) % SLOTS], s);
        if (old != INVALID_SOCKET) {
            /* A user may have closed it already. */
            int r = closesocket(old);
            CHECK(r == 0 || WSAGetLastError() == WSAENOTSOCK);
            OP();
        }
    }
    return NULL;
}

static void *user(void *arg) {
    unsigned rnd = (unsigned)(uintptr_t)arg * 104729u + 5;
    while (!atomic_load(&stop)) {
        SOCKET s = atomic_load(&slots[stress_rand(&rnd) % SLOTS]);
        if (s == INVALID_SOCKET)
            continue;
        int type = 0, len = sizeof type, r;
        switch (stress_rand(&rnd) % 10) {
        case 8:
        case 9: {
            fd_set rs, ws;
            FD_ZERO(&rs);
            FD_ZERO(&ws);
            for (int k = 0; k < 4; k++) {
                SOCKET t = atomic_load(&slots[stress_rand(&rnd) % SLOTS]);
                if (t != INVALID_SOCKET) {
                    FD_SET(t, &rs);
                    FD_SET(t, &ws);
                }
            }
            if (!rs.fd_count)
                break;
            struct timeval tv = {0, stress_rand(&rnd) % 2 ? 0 : 1000};
            r = select(0, &rs, &ws, NULL, &tv);
            CHECK(r >= 0 || WSAGetLastError() == WSAENOTSOCK);
            break;
        }
        case 0:
            r = closesocket(s);
            CHECK(r == 0 || WSAGetLastError() == WSAENOTSOCK);
            break;
        case 1:
        case 2: {
            int v = 1;
            r = setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (char *)&v, sizeof v);
            CHECK(r == 0 || WSAGetLastError() == WSAENOTSOCK);
            break;
        }
        case 3: {
            WSAPROTOCOL_INFOA info;
            len = sizeof info;
            r = getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&info, &len);
            CHECK(r == 0 || WSAGetLastError() == WSAENOTSOCK);
            if (r == 0)
                CHECK(info.iAddressFamily == AF_INET || info.iAddressFamily == AF_INET6);
            break;
        }
        default:
            r = getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len);
            CHECK(r == 0 || WSAGetLastError() == WSAENOTSOCK);
            if (r == 0)
                CHECK(type == SOCK_STREAM || type == SOCK_DGRAM);
            else if (WSAGetLastError() != WSAENOTSOCK)
                fprintf(stderr, "  getsockopt: %d\n", WSAGetLastError());
        }
        OP();
    }
    return NULL;
}

/* ---- many closers of one handle ---- */

static pthread_barrier_t start_round, end_round;
static _Atomic SOCKET target;
static _Atomic int winners, losers;

static void *closer(void *arg) {
    (void)arg;
    for (long r = 0; r < race_rounds; r++) {
        pthread_barrier_wait(&start_round);
        if (closesocket(atomic_load(&target)) == 0)
            atomic_fetch_add(&winners, 1);
        else if (WSAGetLastError() == WSAENOTSOCK)
            atomic_fetch_add(&losers, 1);
        OP();
        pthread_barrier_wait(&end_round);
    }
    return NULL;
}

static void many_closers(void) {
    pthread_t t[CLOSERS];
    pthread_barrier_init(&start_round, NULL, CLOSERS + 1);
    pthread_barrier_init(&end_round, NULL, CLOSERS + 1);
    for (int i = 0; i < CLOSERS; i++)
        pthread_create(&t[i], NULL, closer, NULL);
    for (long r = 0; r < race_rounds; r++) {
        atomic_store(&winners, 0);
        atomic_store(&losers, 0);
        SOCKET s = socket(AF_INET, r % 2 ? SOCK_STREAM : SOCK_DGRAM, 0);
        CHECK(s != INVALID_SOCKET);
        atomic_store(&target, s);
        pthread_barrier_wait(&start_round);
        pthread_barrier_wait(&end_round);
        CHECK_EQ(atomic_load(&winners), 1);
        CHECK_EQ(atomic_load(&losers), CLOSERS - 1);
    }
    for (int i = 0; i < CLOSERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start_round);
    pthread_barrier_destroy(&end_round);
}

int main(void) {
    stress_watchdog("close-race", 240);
    stress_settle();
    produce_count = stress_scaled(1500);
    race_rounds = stress_scaled(300);
    int fds = stress_fd_count();
    stress_wsa_start();
    for (int i = 0; i < SLOTS; i++)
        atomic_init(&slots[i], INVALID_SOCKET);
    pthread_t p[PRODUCERS], u[USERS];
    for (uintptr_t i = 0; i < USERS; i++)
        pthread_create(&u[i], NULL, user, (void *)i);
    for (uintptr_t i = 0; i < PRODUCERS; i++)
        pthread_create(&p[i], NULL, producer, (void *)i);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    atomic_store(&stop, 1);
    for (int i = 0; i < USERS; i++)
        pthread_join(u[i], NULL);
    for (int i = 0; i < SLOTS; i++) {
        SOCKET s = atomic_load(&slots[i]);
        if (s != INVALID_SOCKET)
            closesocket(s);
    }
    many_closers();
    CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(stress_fd_count(), fds);
    if (stress_fd_count() != fds)
        stress_fd_dump("after WSACleanup");
    return stress_finish("close-race");
}
