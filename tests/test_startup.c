/* WSAStartup / WSACleanup negotiation, reference counting, WSANOTINITIALISED
 * and the per-thread last error. Facts: windows-behaviour.md F71-F79. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <winsock2.h>
#include <pthread.h>
#include <string.h>

struct nego {
    WORD requested, granted;
    int result;
};

/* F73: the requested version and what Windows grants. */
static struct nego negotiations[] = {
    {MAKEWORD(0, 0), MAKEWORD(2, 2), WSAVERNOTSUPPORTED}, {MAKEWORD(0, 1), MAKEWORD(2, 2), WSAVERNOTSUPPORTED},
    {MAKEWORD(1, 0), MAKEWORD(1, 0), 0},   {MAKEWORD(1, 1), MAKEWORD(1, 1), 0},
    {MAKEWORD(1, 2), MAKEWORD(1, 1), 0},   {MAKEWORD(1, 255), MAKEWORD(1, 1), 0},
    {MAKEWORD(2, 0), MAKEWORD(2, 0), 0},   {MAKEWORD(2, 1), MAKEWORD(2, 1), 0},
    {MAKEWORD(2, 2), MAKEWORD(2, 2), 0},   {MAKEWORD(2, 3), MAKEWORD(2, 2), 0},
    {MAKEWORD(2, 255), MAKEWORD(2, 2), 0}, {MAKEWORD(3, 0), MAKEWORD(2, 2), 0},
    {MAKEWORD(255, 0), MAKEWORD(2, 2), 0},
};

ParameterizedTestParameters(startup, negotiation) {
    return cr_make_param_array(struct nego, negotiations, sizeof negotiations / sizeof negotiations[0]);
}

ParameterizedTest(struct nego *n, startup, negotiation) {
    WSADATA d;
    memset(&d, 0xcc, sizeof d);
    d.lpVendorInfo = (char *)0x1234;
    cr_assert_eq(WSAStartup(n->requested, &d), n->result);
    cr_assert_eq(d.wVersion, n->granted, "requested %#x: granted %#x", n->requested, d.wVersion);
    cr_assert_eq(d.wHighVersion, MAKEWORD(2, 2));
    cr_assert_str_eq(d.szDescription, "WinSock 2.0");
    cr_assert_str_eq(d.szSystemStatus, "Running");
    BOOL v1 = LOBYTE(n->requested) == 1;
    cr_assert_eq(d.iMaxSockets, v1 ? 32767 : 0); /* F74 */
    cr_assert_eq(d.iMaxUdpDg, v1 ? 65467 : 0);
    cr_assert_eq(d.lpVendorInfo, (char *)0x1234, "lpVendorInfo is not written");
    if (n->result == 0)
        cr_assert_eq(WSACleanup(), 0);
    /* A failed startup is not counted (F76). */
    cr_assert_eq(WSACleanup(), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
}

Test(startup, null_wsadata) {
    /* F75: the version check comes first. */
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), NULL), WSAEFAULT);
    cr_assert_eq(WSAStartup(MAKEWORD(0, 0), NULL), WSAVERNOTSUPPORTED);
    cr_assert_eq(WSACleanup(), SOCKET_ERROR);
}

Test(startup, counted) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    cr_assert_eq(WSAStartup(MAKEWORD(2, 0), &d), 0); /* F79: nested, lower */
    cr_assert_eq(WSACleanup(), 0);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET, "the outer session still works");
    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(WSACleanup(), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
}

Test(startup, calls_before_startup) {
    /* F43: the init check precedes argument checks. */
    WSASetLastError(0);
    cr_assert_eq(WSASocketA(0, 0, 0, NULL, 0, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
    cr_assert_eq(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
    cr_assert_eq(closesocket(4), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
    int v, len = sizeof v;
    cr_assert_eq(getsockopt(4, SOL_SOCKET, SO_TYPE, (char *)&v, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
    DWORD size = 0;
    cr_assert_eq(WSAEnumProtocolsW(NULL, NULL, &size), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
}

Test(startup, calls_after_last_cleanup) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(socket(AF_INET, SOCK_DGRAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSANOTINITIALISED);
}

/* F77: the last WSACleanup destroys every socket; after a new startup the
 * old handles are not sockets. */
Test(startup, last_cleanup_closes_sockets) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    SOCKET s[8];
    for (int i = 0; i < 8; i++)
        cr_assert_neq(s[i] = socket(i % 2 ? AF_INET6 : AF_INET, i % 4 < 2 ? SOCK_STREAM : SOCK_DGRAM, 0),
                      INVALID_SOCKET);
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    for (int i = 0; i < 8; i++) {
        int v, len = sizeof v;
        cr_assert_eq(getsockopt(s[i], SOL_SOCKET, SO_TYPE, (char *)&v, &len), SOCKET_ERROR);
        cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    }
    cr_assert_eq(WSACleanup(), 0);
}

static void *other_thread(void *arg) {
    (void)arg;
    WSASetLastError(777);
    return (void *)(intptr_t)WSAGetLastError();
}

Test(startup, last_error_is_per_thread) {
    WSASetLastError(123);
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, other_thread, NULL);
    pthread_join(t, &r);
    cr_assert_eq((intptr_t)r, 777);
    cr_assert_eq(WSAGetLastError(), 123);
}
