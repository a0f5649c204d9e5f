/* Sockets over loopback: listeners, connected TCP pairs, readiness. */
#ifndef WS2POSIX_TESTS_PAIRS_H
#define WS2POSIX_TESTS_PAIRS_H
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2tcpip.h>

static inline struct sockaddr_in loopback(u_short port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = port;
    return a;
}

/* A listening socket on 127.0.0.1; *addr gets its address. */
static inline SOCKET listener(struct sockaddr_in *addr) {
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_neq(l, INVALID_SOCKET);
    struct sockaddr_in a = loopback(0);
    cr_assert_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0, "bind: %d", WSAGetLastError());
    cr_assert_eq(listen(l, 16), 0, "listen: %d", WSAGetLastError());
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    cr_assert_eq(getsockname(l, (struct sockaddr *)&ss, &len), 0, "getsockname: %d", WSAGetLastError());
    memcpy(&a, &ss, sizeof a);
    if (addr)
        *addr = a;
    return l;
}

/* A UDP socket bound to 127.0.0.1; *addr gets its address. */
static inline SOCKET bound_udp(struct sockaddr_in *addr) {
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    cr_assert_neq(s, INVALID_SOCKET, "socket: %d", WSAGetLastError());
    struct sockaddr_in a = loopback(0);
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0, "bind: %d", WSAGetLastError());
    int len = sizeof a;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0, "getsockname: %d", WSAGetLastError());
    if (addr)
        *addr = a;
    return s;
}

/* A TCP socket connected to a (a listener's address). */
static inline SOCKET connected_to(const struct sockaddr_in *a) {
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_neq(c, INVALID_SOCKET);
    cr_assert_eq(connect(c, (const struct sockaddr *)a, sizeof *a), 0, "connect: %d", WSAGetLastError());
    return c;
}

/* A connected TCP pair: *client connected, *server accepted. */
static inline void tcp_pair(SOCKET *client, SOCKET *server) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    *client = connected_to(&a);
    *server = accept(l, NULL, NULL);
    cr_assert_neq(*server, INVALID_SOCKET, "accept: %d", WSAGetLastError());
    closesocket(l);
}

/* Wait up to a second until s is readable (data sent has arrived). */
static inline void wait_readable(SOCKET s) {
    fd_set r;
    FD_ZERO(&r);
    FD_SET(s, &r);
    struct timeval tv = {1, 0};
    cr_assert_eq(select(0, &r, NULL, NULL, &tv), 1, "not readable: %d", WSAGetLastError());
}
/* A duplicate of s claimed in this process (WSADuplicateSocketW, then
 * WSASocketW with FROM_PROTOCOL_INFO): another handle onto the same socket. */
static inline SOCKET duplicate_here(SOCKET s) {
    WSAPROTOCOL_INFOW info;
    cr_assert_eq(WSADuplicateSocketW(s, GetCurrentProcessId(), &info), 0, "%d", WSAGetLastError());
    SOCKET d = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, WSA_FLAG_OVERLAPPED);
    cr_assert_neq(d, INVALID_SOCKET, "%d", WSAGetLastError());
    return d;
}
#endif
