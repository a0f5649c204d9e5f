/*
 * Leaks across WSAStartup/WSACleanup cycles: after each WSACleanup the
 * process holds exactly the descriptors and threads it held before
 * WSAStartup (the libuv loop thread has been started and stopped, every
 * socket closed, including those the program forgot). Memory is checked by
 * LeakSanitizer in the ASan build (nothing here turns it off).
 */
#include <winsock2.h>
#include <ws2spi.h>

#include "stress.h"

static void cycle(long c) {
    int fds = stress_fd_count(), threads = stress_thread_count();
    WSADATA d;
    CHECK_EQ(WSAStartup(MAKEWORD(2, 2), &d), 0);
    if (c % 3 == 0)
        CHECK_EQ(WSAStartup(MAKEWORD(1, 1), &d), 0); /* nested */
    SOCKET kept[8];
    int n = 0;
    static const int triples[][3] = {
        {AF_INET, SOCK_STREAM, 0}, {AF_INET, SOCK_DGRAM, 0}, {AF_INET6, SOCK_STREAM, 0},
        {AF_INET6, SOCK_DGRAM, 0}, {AF_UNIX, SOCK_STREAM, 0},
    };
    for (size_t i = 0; i < sizeof triples / sizeof triples[0]; i++) {
        SOCKET s = WSASocketA(triples[i][0], triples[i][1], triples[i][2], NULL, 0, WSA_FLAG_OVERLAPPED);
        CHECK(s != INVALID_SOCKET);
        OP();
        if (s == INVALID_SOCKET)
            continue;
        if ((c + i) % 2)
            kept[n++] = s; /* left for WSACleanup to close */
        else
            CHECK_EQ(closesocket(s), 0);
    }
    /* A socket group, left open too. */
    SOCKET g = WSASocketA(AF_INET, SOCK_DGRAM, 0, NULL, SG_UNCONSTRAINED_GROUP, 0);
    CHECK(g != INVALID_SOCKET);
    OP();
    (void)kept;
    CHECK(stress_fd_count() > fds);
    if (c % 3 == 0)
        CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(WSACleanup(), 0);
    OP();
    int now = stress_fd_count();
    CHECK_EQ(now, fds);
    if (now != fds)
        stress_fd_dump("after WSACleanup");
    CHECK_EQ(stress_thread_count(), threads);
    /* Closed by the cleanup: a later session does not know the old handles. */
    CHECK_EQ(WSAStartup(MAKEWORD(2, 2), &d), 0);
    for (int i = 0; i < n; i++) {
        CHECK_EQ(closesocket(kept[i]), SOCKET_ERROR);
        CHECK_EQ(WSAGetLastError(), WSAENOTSOCK);
    }
    CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(stress_fd_count(), fds);
    /* The configuration calls need no WSAStartup and keep nothing. */
    DWORD size = 0;
    INT err = 0;
    CHECK_EQ(WSCEnumProtocols(NULL, NULL, &size, &err), SOCKET_ERROR);
    CHECK_EQ(err, WSAENOBUFS);
    OP();
}

int main(void) {
    stress_watchdog("leak-cycles", 240);
    long cycles = stress_scaled(60);
    /* libuv's own process-wide pipe: 2 descriptors, once (posix_helpers.c). */
    int libuv = stress_settle();
    CHECK(libuv == 0 || libuv == 2);
    int fds = stress_fd_count(), threads = stress_thread_count();
    for (long c = 0; c < cycles; c++)
        cycle(c);
    CHECK_EQ(stress_fd_count(), fds);
    CHECK_EQ(stress_thread_count(), threads);
    return stress_finish("leak-cycles");
}
