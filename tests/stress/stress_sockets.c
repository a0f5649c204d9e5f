/*
 * Many threads creating, using and closing sockets at once: WSASocket of
 * every kind the catalog offers, getsockopt/setsockopt, WSAEnumProtocols,
 * closesocket (twice: the second is WSAENOTSOCK). Every answer is checked,
 * and afterwards the process holds the descriptors it held before.
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <pthread.h>
#include <string.h>

#include "stress.h"
#include "stress_net.h"

#define THREADS 8
#define BATCH 12

static long rounds;

static const struct kind {
    int af, type, protocol;
} kinds[] = {
    {AF_INET, SOCK_STREAM, IPPROTO_TCP}, {AF_INET, SOCK_DGRAM, IPPROTO_UDP}, {AF_INET6, SOCK_STREAM, 0},
    {AF_INET6, SOCK_DGRAM, 0},           {AF_UNIX, SOCK_STREAM, 0},          {AF_INET, 0, IPPROTO_UDP},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static void use(SOCKET s, const struct kind *k, unsigned *rnd) {
    int type = -1, len = sizeof type;
    CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
    CHECK_EQ(type, k->type ? k->type : SOCK_DGRAM);
    OP();
    WSAPROTOCOL_INFOW info;
    len = sizeof info;
    CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len), 0);
    CHECK_EQ(info.iAddressFamily, k->af);
    OP();
    int buf = 8192 + (int)(stress_rand(rnd) % 4) * 4096;
    CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&buf, sizeof buf), 0);
    OP();
    int got = 0;
    len = sizeof got;
    CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&got, &len), 0);
    CHECK(got > 0);
    OP();
    if (stress_rand(rnd) % 4 == 0) {
        INT filter[] = {k->protocol ? k->protocol : IPPROTO_UDP, 0};
        WSAPROTOCOL_INFOW list[8];
        DWORD size = sizeof list;
        int n = WSAEnumProtocolsW(k->af == AF_UNIX ? NULL : filter, list, &size);
        CHECK(n >= 1);
        size = 0;
        CHECK_EQ(WSAEnumProtocolsA(NULL, NULL, &size), SOCKET_ERROR);
        CHECK_EQ(WSAGetLastError(), WSAENOBUFS);
        CHECK(size >= sizeof(WSAPROTOCOL_INFOA));
        OP();
    }
}

static void *worker(void *arg) {
    unsigned rnd = (unsigned)(uintptr_t)arg * 2654435761u + 1;
    SOCKET mine[BATCH];
    const struct kind *kind_of[BATCH];
    for (long r = 0; r < rounds; r++) {
        int n = 1 + (int)(stress_rand(&rnd) % BATCH);
        for (int i = 0; i < n; i++) {
            const struct kind *k = &kinds[stress_rand(&rnd) % NKINDS];
            DWORD flags = stress_rand(&rnd) % 2 ? WSA_FLAG_OVERLAPPED : 0;
            mine[i] = WSASocketW(k->af, k->type, k->protocol, NULL, 0, flags);
            kind_of[i] = k;
            CHECK(mine[i] != INVALID_SOCKET);
            if (mine[i] == INVALID_SOCKET)
                fprintf(stderr, "  WSASocket(%d, %d, %d): %d\n", k->af, k->type, k->protocol, WSAGetLastError());
            CHECK_EQ(mine[i] % 4, 0);
            OP();
        }
        for (int i = 0; i < n; i++)
            if (mine[i] != INVALID_SOCKET)
                use(mine[i], kind_of[i], &rnd);
        for (int i = 0; i < n; i++) {
            if (mine[i] == INVALID_SOCKET)
                continue;
            CHECK_EQ(closesocket(mine[i]), 0);
            OP();
            CHECK_EQ(closesocket(mine[i]), SOCKET_ERROR);
            CHECK_EQ(WSAGetLastError(), WSAENOTSOCK);
            int type, len = sizeof type;
            CHECK_EQ(getsockopt(mine[i], SOL_SOCKET, SO_TYPE, (char *)&type, &len), SOCKET_ERROR);
            CHECK_EQ(WSAGetLastError(), WSAENOTSOCK);
            OP();
        }
    }
    return NULL;
}

int main(void) {
    stress_watchdog("sockets", 240);
    stress_settle();
    rounds = stress_scaled(150);
    int fds = stress_fd_count(), threads = stress_thread_count();
    stress_wsa_start();
    pthread_t t[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, worker, (void *)i), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(stress_fd_count(), fds);
    CHECK_EQ(stress_thread_count(), threads);
    if (stress_fd_count() != fds)
        stress_fd_dump("after WSACleanup");
    return stress_finish("sockets");
}
