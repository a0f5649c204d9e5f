/*
 * Winsock 1.1 blocking hooks: a 1.1 session may install a hook that runs
 * while a blocking call waits; inside it only WSAIsBlocking and
 * WSACancelBlockingCall are allowed, anything else fails with
 * WSAEINPROGRESS, and a cancelled call fails with WSAEINTR. Winsock 2 removed
 * the hooks: there the calls answer WSAEOPNOTSUPP.
 */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <string.h>

static int hook_calls, blocking_seen, inprogress_seen, cancel_result = -1;

static int my_hook(void) {
    hook_calls++;
    blocking_seen = WSAIsBlocking();
    /* Any other Winsock call from inside the hook: WSAEINPROGRESS. */
    if (socket(AF_INET, SOCK_DGRAM, 0) == INVALID_SOCKET && WSAGetLastError() == WSAEINPROGRESS)
        inprogress_seen++;
    if (hook_calls == 3)
        cancel_result = WSACancelBlockingCall();
    return FALSE;
}

static SOCKET bound_udp(void) {
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    SOCKADDR_IN a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(s, (SOCKADDR *)&a, sizeof a), 0);
    return s;
}

Test(blocking_hook, winsock2_has_none) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    cr_assert_null(WSASetBlockingHook((FARPROC)my_hook));
    cr_assert_eq(WSAGetLastError(), WSAEOPNOTSUPP);
    cr_assert_eq(WSAUnhookBlockingHook(), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEOPNOTSUPP);
    cr_assert_eq(WSACancelBlockingCall(), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEOPNOTSUPP);
    cr_assert_eq(WSAIsBlocking(), FALSE);
    WSACleanup();
}

Test(blocking_hook, hook_runs_while_a_call_blocks) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(1, 1), &d), 0);
    cr_assert_eq(WSACancelBlockingCall(), SOCKET_ERROR, "nothing is blocking");
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    cr_assert_null(WSASetBlockingHook(NULL));
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    FARPROC previous = WSASetBlockingHook((FARPROC)my_hook);
    cr_assert_not_null(previous, "the default hook is returned");

    SOCKET s = bound_udp();
    char buf[16];
    cr_assert_eq(recv(s, buf, sizeof buf, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINTR, "cancelled by WSACancelBlockingCall: %d", WSAGetLastError());
    cr_assert_eq(hook_calls, 3);
    cr_assert(blocking_seen, "WSAIsBlocking is TRUE inside the hook");
    cr_assert_eq(inprogress_seen, 3);
    cr_assert_eq(cancel_result, 0);
    cr_assert_eq(WSAIsBlocking(), FALSE);

    /* Unhooked: the default hook again; the call still cancels nothing. */
    cr_assert_eq(WSAUnhookBlockingHook(), 0);
    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(WSACleanup(), 0);
}
