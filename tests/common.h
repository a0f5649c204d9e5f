/* What most test programs share: a Winsock 2.2 session around each test, the
 * checks of a failing call's code, plain sockets, the extension functions of
 * SIO_GET_EXTENSION_FUNCTION_POINTER and a millisecond clock.
 * (Socket pairs over loopback are in pairs.h.) */
#ifndef WS2POSIX_TESTS_COMMON_H
#define WS2POSIX_TESTS_COMMON_H
#include <criterion/criterion.h>
#include <winsock2.h>
#include <mswsock.h>
#include <stdint.h>
#include <time.h>

/* .init and .fini of a suite or test that runs in a Winsock 2.2 session. */
static inline void wsa_start(void) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
}
static inline void wsa_stop(void) { WSACleanup(); }

/* call must fail (SOCKET_ERROR, or INVALID_SOCKET) with the Winsock code;
 * the error is preset to a value no call gives, so a call that fails
 * without setting one is seen. Expectations: the test goes on. */
#define EXPECT_ERR(call, code)                                                                        \
    do {                                                                                              \
        WSASetLastError(0xdead);                                                                      \
        cr_expect_eq((int)(call), SOCKET_ERROR, #call " should fail");                               \
        cr_expect_eq(WSAGetLastError(), (code), #call ": %d, want %d", WSAGetLastError(), (code));  \
    } while (0)
#define EXPECT_INVALID(call, code)                                                                    \
    do {                                                                                              \
        WSASetLastError(0xdead);                                                                      \
        cr_expect_eq((call), INVALID_SOCKET, #call " should fail");                                  \
        cr_expect_eq(WSAGetLastError(), (code), #call ": %d, want %d", WSAGetLastError(), (code));  \
    } while (0)

static inline SOCKET tcp(void) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_neq(s, INVALID_SOCKET, "socket: %d", WSAGetLastError());
    return s;
}
static inline SOCKET udp(void) {
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    cr_assert_neq(s, INVALID_SOCKET, "socket: %d", WSAGetLastError());
    return s;
}
/* A TCP socket made with WSA_FLAG_OVERLAPPED (for AcceptEx, ConnectEx and
 * the reuse of DisconnectEx and TransmitFile). */
static inline SOCKET tcp_overlapped(void) {
    SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
    cr_assert_neq(s, INVALID_SOCKET, "WSASocketW: %d", WSAGetLastError());
    return s;
}

/* The extension function `id` of s's provider (AcceptEx, ConnectEx, ...). */
static inline void *ext(SOCKET s, GUID id) {
    void *fn = NULL;
    DWORD n = 0;
    cr_assert_eq(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &fn, sizeof fn, &n, NULL, NULL), 0,
                 "SIO_GET_EXTENSION_FUNCTION_POINTER: %d", WSAGetLastError());
    cr_assert_eq(n, sizeof fn);
    cr_assert_not_null(fn);
    return fn;
}

/* An overlapped WSARecv of len bytes into buf on s, with a new event in
 * *ov, that must be left pending. */
static inline void recv_pending(SOCKET s, WSAOVERLAPPED *ov, char *buf, ULONG len) {
    WSABUF b = {len, buf};
    DWORD fl = 0;
    *ov = (WSAOVERLAPPED){0};
    ov->hEvent = WSACreateEvent();
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &fl, ov, NULL), SOCKET_ERROR, "WSARecv did not pend");
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING, "WSARecv: %d", WSAGetLastError());
}

/* Wall-clock milliseconds, for measuring how long a call waited. */
static inline int64_t now_ms(void) {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
#ifdef CLOCK_MONOTONIC /* only where the file asked for POSIX (clock_gettime) */
static inline long ms_since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}
#endif
#endif
