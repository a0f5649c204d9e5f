/* Winsock helpers the stress programs share (Windows world: include it
 * after <winsock2.h> and stress.h). */
#ifndef WS2POSIX_TESTS_STRESS_NET_H
#define WS2POSIX_TESTS_STRESS_NET_H

/* WSAStartup(2.2), counted as a failure if it does not succeed. */
static inline void stress_wsa_start(void) {
    WSADATA d;
    CHECK_EQ(WSAStartup(MAKEWORD(2, 2), &d), 0);
}

/* A TCP listener on 127.0.0.1 with the given backlog; *addr gets its
 * address (the port the system chose). */
static inline SOCKET stress_listener(SOCKADDR_IN *addr, int backlog) {
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK(l != INVALID_SOCKET);
    SOCKADDR_IN a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_EQ(bind(l, (SOCKADDR *)&a, sizeof a), 0);
    CHECK_EQ(listen(l, backlog), 0);
    int len = sizeof *addr;
    CHECK_EQ(getsockname(l, (SOCKADDR *)addr, &len), 0);
    return l;
}

#endif
