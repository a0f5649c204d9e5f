/*
 * WSAStartup / WSACleanup from several threads at once. Each thread holds its
 * own reference while it works, so every call in between must succeed; the
 * last WSACleanup of each wave tears everything down (catalog, providers,
 * the libuv loop thread) and the next WSAStartup builds it again. After the
 * last one the process has the descriptors and threads it had before.
 */
#include <winsock2.h>
#include <pthread.h>

#include "stress.h"

#define THREADS 6

static long cycles;

static void *worker(void *arg) {
    unsigned rnd = (unsigned)(uintptr_t)arg * 31337u + 7;
    for (long c = 0; c < cycles; c++) {
        WSADATA d;
        WORD version = stress_rand(&rnd) % 3 ? MAKEWORD(2, 2) : MAKEWORD(1, 1);
        CHECK_EQ(WSAStartup(version, &d), 0);
        CHECK_EQ(d.wVersion, version);
        OP();
        int sockets = (int)(stress_rand(&rnd) % 3);
        for (int i = 0; i < sockets; i++) {
            SOCKET s = socket(i % 2 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
            CHECK(s != INVALID_SOCKET);
            if (s == INVALID_SOCKET)
                fprintf(stderr, "  socket: %d\n", WSAGetLastError());
            int type = 0, len = sizeof type;
            CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
            CHECK_EQ(type, SOCK_DGRAM);
            CHECK_EQ(closesocket(s), 0);
            OP();
        }
        DWORD size = 0;
        CHECK_EQ(WSAEnumProtocolsW(NULL, NULL, &size), SOCKET_ERROR);
        CHECK_EQ(WSAGetLastError(), WSAENOBUFS);
        OP();
        CHECK_EQ(WSACleanup(), 0);
        OP();
    }
    return NULL;
}

int main(void) {
    stress_watchdog("startup", 240);
    stress_settle();
    cycles = stress_scaled(200);
    int fds = stress_fd_count(), threads = stress_thread_count();
    pthread_t t[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ(WSACleanup(), SOCKET_ERROR);
    CHECK_EQ(WSAGetLastError(), WSANOTINITIALISED);
    CHECK_EQ(stress_fd_count(), fds);
    CHECK_EQ(stress_thread_count(), threads);
    if (stress_fd_count() != fds)
        stress_fd_dump("after the last WSACleanup");
    return stress_finish("startup");
}
