/* What ws2posix does not provide answers WSAEOPNOTSUPP (or the code its page
 * documents) and touches nothing: never a crash, never a missing symbol. */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>
#include <sporder.h>
#include "common.h"

#define EXPECT_UNSUPPORTED(call, failed)                                   \
    do {                                                                   \
        WSASetLastError(0);                                                \
        cr_assert_eq(call, failed, #call);                                 \
        cr_assert_eq(WSAGetLastError(), WSAEOPNOTSUPP, #call ": %d", WSAGetLastError()); \
    } while (0)

Test(unsupported, name_service, .init = wsa_start, .fini = wsa_stop) {
    HANDLE h = (HANDLE)0x1234;
    DWORD len = 0;
    EXPECT_UNSUPPORTED(WSALookupServiceBeginA(NULL, 0, &h), SOCKET_ERROR);
    cr_assert_eq(h, (HANDLE)0x1234, "arguments are left alone");
    EXPECT_UNSUPPORTED(WSALookupServiceBeginW(NULL, 0, &h), SOCKET_ERROR);
    EXPECT_UNSUPPORTED(WSALookupServiceNextA(h, 0, &len, NULL), SOCKET_ERROR);
    EXPECT_UNSUPPORTED(WSALookupServiceEnd(h), SOCKET_ERROR);
    EXPECT_UNSUPPORTED(WSAEnumNameSpaceProvidersA(&len, NULL), SOCKET_ERROR);
    EXPECT_UNSUPPORTED(WSAEnumNameSpaceProvidersW(&len, NULL), SOCKET_ERROR);
    EXPECT_UNSUPPORTED(WSASetServiceA(NULL, RNRSERVICE_REGISTER, 0), SOCKET_ERROR);
    EXPECT_UNSUPPORTED(WSAProviderConfigChange(&h, NULL, NULL), SOCKET_ERROR);
    EXPECT_UNSUPPORTED(WSCInstallNameSpace(NULL, NULL, 0, 0, NULL), SOCKET_ERROR);
    cr_assert_eq(WSCWriteNameSpaceOrder(NULL, 0), WSAEOPNOTSUPP);
}

Test(unsupported, async_lookups_and_connect_by_name, .init = wsa_start, .fini = wsa_stop) {
    char buf[MAXGETHOSTSTRUCT];
    EXPECT_UNSUPPORTED(WSAAsyncGetHostByName(NULL, 0, "localhost", buf, sizeof buf), (HANDLE)NULL);
    EXPECT_UNSUPPORTED(WSAAsyncGetServByName(NULL, 0, "http", "tcp", buf, sizeof buf), (HANDLE)NULL);
    /* No request can exist: every handle is an unknown request. */
    cr_assert_eq(WSACancelAsyncRequest((HANDLE)0x1234), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_UNSUPPORTED(WSAConnectByNameA(s, "localhost", "80", NULL, NULL, NULL, NULL, NULL, NULL), FALSE);
    EXPECT_UNSUPPORTED(WSAGetQOSByName(s, NULL, NULL), FALSE);
    closesocket(s);
    ADDRINFOEXA *res = (ADDRINFOEXA *)0x1;
    cr_assert_eq(GetAddrInfoExA("localhost", "80", NS_DNS, NULL, NULL, &res, NULL, NULL, NULL, NULL),
                 WSAEOPNOTSUPP);
    cr_assert_eq(res, (ADDRINFOEXA *)0x1);
    FreeAddrInfoEx(NULL);
}

Test(unsupported, configuration) {
    int err = 0;
    DWORD cats = 0;
    /* F68: a missing path is WSAEINVAL. */
    cr_assert_eq(WSCGetApplicationCategory(NULL, 0, NULL, 0, NULL, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    static const WCHAR path[] = {'/', 'b', 'i', 'n', '/', 'x', 0};
    cr_assert_eq(WSCGetApplicationCategory(path, 6, NULL, 0, &cats, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEOPNOTSUPP);
    cr_assert_eq(WSCInstallQOSTemplate(NULL, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEOPNOTSUPP);
}
