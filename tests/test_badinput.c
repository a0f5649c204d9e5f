/*
 * Bad input everywhere: NULL and short buffers, negative lengths, huge
 * counts, closed and bogus SOCKET and WSAEVENT values. Every row calls one
 * function of the implemented API the wrong way; it must return its failure
 * value with one of the listed codes (the first is Windows' own where the
 * reference says it), never crash. One table, so that a new function gets
 * its rows here as it lands.
 */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <string.h>
#include "common.h"

static SOCKET live, closed;

static void start(void) {
    wsa_start();
    live = socket(AF_INET, SOCK_STREAM, 0);
    closed = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert(live != INVALID_SOCKET && closed != INVALID_SOCKET);
    closesocket(closed);
}
static void stop(void) {
    closesocket(live);
    WSACleanup();
}

/* ---- SOCKET values that are not sockets ---- */

static SOCKET bogus_handles(int i) {
    switch (i) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 3;
    case 3: return 4;
    case 4: return 0xdeadbeef;
    case 5: return INVALID_SOCKET;
    case 6: return closed;
    case 7: return (SOCKET)1 << 40;
    case 8: return live + 4;
    case 9: return live ^ (1u << 22); /* the right slot, another generation */
    case 10: return 0x7ffffffc;
    default: return (SOCKET)-4;
    }
}
#define N_BOGUS 12

/* Each returns the WSA error of a call that must fail. */
typedef int (*sock_call)(SOCKET s);
#define FAILS(expr) ((expr) == SOCKET_ERROR ? WSAGetLastError() : -1)
static int c_closesocket(SOCKET s) { return FAILS(closesocket(s)); }
static int c_getsockopt(SOCKET s) {
    int v, l = sizeof v;
    return FAILS(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&v, &l));
}
static int c_setsockopt(SOCKET s) {
    int v = 1;
    return FAILS(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (char *)&v, sizeof v));
}
static int c_ioctlsocket(SOCKET s) {
    u_long v = 1;
    return FAILS(ioctlsocket(s, FIONBIO, &v));
}
static int c_wsaioctl(SOCKET s) {
    u_long v = 0;
    DWORD bytes;
    return FAILS(WSAIoctl(s, FIONREAD, NULL, 0, &v, sizeof v, &bytes, NULL, NULL));
}
static int c_select(SOCKET s) {
    fd_set r;
    FD_ZERO(&r);
    r.fd_array[0] = s;
    r.fd_count = 1;
    TIMEVAL tv = {0, 0};
    return FAILS(select(0, &r, NULL, NULL, &tv));
}
static int c_poll(SOCKET s) {
    WSAPOLLFD p = {s, POLLRDNORM, 0};
    return FAILS(WSAPoll(&p, 1, 0));
}

static const struct {
    const char *name;
    sock_call call;
} sock_calls[] = {
    {"closesocket", c_closesocket}, {"getsockopt", c_getsockopt}, {"setsockopt", c_setsockopt},
    {"ioctlsocket", c_ioctlsocket}, {"WSAIoctl", c_wsaioctl},     {"select", c_select},
    {"WSAPoll", c_poll},
};

Test(badinput, bogus_sockets, .init = start, .fini = stop) {
    int n = 0;
    for (size_t f = 0; f < sizeof sock_calls / sizeof sock_calls[0]; f++)
        for (int i = 0; i < N_BOGUS; i++) {
            SOCKET s = bogus_handles(i);
            WSASetLastError(0);
            int err = sock_calls[f].call(s);
            cr_expect_eq(err, WSAENOTSOCK, "%s(%#llx): %d", sock_calls[f].name, (unsigned long long)s, err);
            n++;
        }
    cr_log_info("%d bogus-handle calls", n);
}

/* ---- arguments: one row per wrong call ---- */

#define CODES(...) {__VA_ARGS__, 0}
struct row {
    const char *what;
    int (*call)(void); /* the WSA error, or -1 if the call did not fail */
    int codes[4];
};

static int r_startup_null(void) { return WSAStartup(MAKEWORD(2, 2), NULL); }
static int r_enum_null_len(void) { return FAILS(WSAEnumProtocolsW(NULL, NULL, NULL)); }
static int r_enum_a_null_len(void) {
    WSAPROTOCOL_INFOA a[2];
    return FAILS(WSAEnumProtocolsA(NULL, a, NULL));
}
static int r_enum_short(void) {
    WSAPROTOCOL_INFOW w[1];
    DWORD len = sizeof w;
    int err = FAILS(WSAEnumProtocolsW(NULL, w, &len));
    return len > sizeof w && len % sizeof w[0] == 0 ? err : -2;
}
static int r_enum_zero(void) {
    WSAPROTOCOL_INFOW w[1];
    DWORD len = 0;
    return FAILS(WSAEnumProtocolsW(NULL, w, &len));
}
static int r_wsc_enum_null(void) {
    INT err = 0;
    return WSCEnumProtocols(NULL, NULL, NULL, &err) == SOCKET_ERROR ? err : -1;
}
static int r_wsc_enum_no_errno(void) {
    DWORD len = 0;
    return WSCEnumProtocols(NULL, NULL, &len, NULL) == SOCKET_ERROR ? WSAEFAULT : -1;
}
static int r_provider_path_null(void) {
    INT err = 0, len = 10;
    WCHAR buf[10];
    return WSCGetProviderPath(NULL, buf, &len, &err) == SOCKET_ERROR ? err : -1;
}
static int r_provider_path_negative(void) {
    WSAPROTOCOL_INFOW w[16];
    DWORD l = sizeof w;
    WSAEnumProtocolsW(NULL, w, &l);
    INT err = 0, len = -5;
    WCHAR buf[10];
    return WSCGetProviderPath(&w[0].ProviderId, buf, &len, &err) == SOCKET_ERROR ? err : -1;
}
static int r_provider_path_short(void) {
    WSAPROTOCOL_INFOW w[16];
    DWORD l = sizeof w;
    WSAEnumProtocolsW(NULL, w, &l);
    INT err = 0, len = 1;
    WCHAR buf[1];
    return WSCGetProviderPath(&w[0].ProviderId, buf, &len, &err) == SOCKET_ERROR ? err : -1;
}
static int r_wsasocket_bad_info(void) {
    WSAPROTOCOL_INFOW w;
    memset(&w, 0xff, sizeof w);
    return WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &w, 0, 0) == INVALID_SOCKET
               ? WSAGetLastError() : -1;
}
static int r_wsasocket_huge_group(void) {
    return WSASocketW(AF_INET, SOCK_DGRAM, 0, NULL, 0xffffffffu, 0) == INVALID_SOCKET ? WSAGetLastError() : -1;
}
static int r_getsockopt_null_val(void) {
    int l = 4;
    return FAILS(getsockopt(live, SOL_SOCKET, SO_RCVBUF, NULL, &l));
}
static int r_getsockopt_null_len(void) {
    int v;
    return FAILS(getsockopt(live, SOL_SOCKET, SO_RCVBUF, (char *)&v, NULL));
}
static int r_getsockopt_negative(void) {
    int v, l = -1;
    return FAILS(getsockopt(live, SOL_SOCKET, SO_RCVBUF, (char *)&v, &l));
}
static int r_getsockopt_short(void) {
    char v[2];
    int l = sizeof v;
    return FAILS(getsockopt(live, SOL_SOCKET, SO_LINGER, v, &l));
}
static int r_getsockopt_info_short(void) {
    WSAPROTOCOL_INFOW w;
    int l = 10;
    return FAILS(getsockopt(live, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&w, &l));
}
static int r_getsockopt_bad_level(void) {
    int v, l = sizeof v;
    return FAILS(getsockopt(live, 0x7eadbeef, SO_TYPE, (char *)&v, &l));
}
static int r_getsockopt_bad_name(void) {
    int v, l = sizeof v;
    return FAILS(getsockopt(live, SOL_SOCKET, 0x7eadbeef, (char *)&v, &l));
}
static int r_setsockopt_null(void) { return FAILS(setsockopt(live, SOL_SOCKET, SO_RCVBUF, NULL, 4)); }
static int r_setsockopt_short(void) {
    char v[1] = {1};
    return FAILS(setsockopt(live, SOL_SOCKET, SO_LINGER, v, 1));
}
static int r_setsockopt_readonly(void) {
    int v = 1;
    return FAILS(setsockopt(live, SOL_SOCKET, SO_TYPE, (char *)&v, sizeof v));
}
static int r_ioctlsocket_null(void) { return FAILS(ioctlsocket(live, FIONBIO, NULL)); }
static int r_ioctlsocket_bad_cmd(void) {
    u_long v = 0;
    return FAILS(ioctlsocket(live, 0x7eadbeef, &v));
}
static int r_wsaioctl_null_bytes(void) {
    u_long v = 0;
    return FAILS(WSAIoctl(live, FIONREAD, NULL, 0, &v, sizeof v, NULL, NULL, NULL));
}
static int r_wsaioctl_short_out(void) {
    char v[1];
    DWORD bytes;
    return FAILS(WSAIoctl(live, FIONREAD, NULL, 0, v, sizeof v, &bytes, NULL, NULL));
}
static int r_wsaioctl_extension_null(void) {
    DWORD bytes;
    return FAILS(WSAIoctl(live, SIO_GET_EXTENSION_FUNCTION_POINTER, NULL, 0, NULL, 0, &bytes, NULL, NULL));
}
static int r_select_nothing(void) {
    TIMEVAL tv = {0, 0};
    return FAILS(select(0, NULL, NULL, NULL, &tv));
}
static int r_select_empty_sets(void) {
    fd_set r;
    FD_ZERO(&r);
    TIMEVAL tv = {0, 0};
    return FAILS(select(0, &r, &r, &r, &tv));
}
static int r_poll_null(void) { return FAILS(WSAPoll(NULL, 1, 0)); }
static int r_poll_zero(void) {
    WSAPOLLFD p = {live, POLLRDNORM, 0};
    return FAILS(WSAPoll(&p, 0, 0));
}
static int r_poll_bad_events(void) {
    WSAPOLLFD p = {live, POLLNVAL, 0};
    return FAILS(WSAPoll(&p, 1, 0));
}
static int r_event_close_bogus(void) { return WSACloseEvent((WSAEVENT)0xdead0) ? -1 : WSAGetLastError(); }
static int r_event_close_null(void) { return WSACloseEvent(NULL) ? -1 : WSAGetLastError(); }
static int r_event_set_bogus(void) { return WSASetEvent((WSAEVENT)0x12345678) ? -1 : WSAGetLastError(); }
static int r_event_reset_bogus(void) { return WSAResetEvent((WSAEVENT)(intptr_t)-1) ? -1 : WSAGetLastError(); }
static int r_event_closed(void) {
    WSAEVENT e = WSACreateEvent();
    WSACloseEvent(e);
    return WSASetEvent(e) ? -1 : WSAGetLastError();
}
static int r_wait_zero(void) {
    WSAEVENT e[1] = {NULL};
    return WSAWaitForMultipleEvents(0, e, FALSE, 0, FALSE) == WSA_WAIT_FAILED ? WSAGetLastError() : -1;
}
static int r_wait_huge(void) {
    WSAEVENT e[1] = {NULL};
    return WSAWaitForMultipleEvents(0x7fffffff, e, FALSE, 0, FALSE) == WSA_WAIT_FAILED ? WSAGetLastError() : -1;
}
static int r_wait_null(void) {
    return WSAWaitForMultipleEvents(1, NULL, FALSE, 0, FALSE) == WSA_WAIT_FAILED ? WSAGetLastError() : -1;
}
static int r_wait_bogus(void) {
    WSAEVENT e[1] = {(WSAEVENT)0xbad0};
    return WSAWaitForMultipleEvents(1, e, FALSE, 0, FALSE) == WSA_WAIT_FAILED ? WSAGetLastError() : -1;
}
static int r_str_to_addr_null(void) {
    SOCKADDR_STORAGE ss;
    INT len = sizeof ss;
    return FAILS(WSAStringToAddressA(NULL, AF_INET, NULL, (LPSOCKADDR)&ss, &len));
}
static int r_str_to_addr_null_len(void) {
    SOCKADDR_STORAGE ss;
    char text[] = "127.0.0.1";
    return FAILS(WSAStringToAddressA(text, AF_INET, NULL, (LPSOCKADDR)&ss, NULL));
}
static int r_str_to_addr_short(void) {
    SOCKADDR_IN sin;
    char text[] = "::1";
    INT len = sizeof sin;
    return FAILS(WSAStringToAddressA(text, AF_INET6, NULL, (LPSOCKADDR)&sin, &len));
}
static int r_str_to_addr_negative(void) {
    SOCKADDR_STORAGE ss;
    char text[] = "127.0.0.1";
    INT len = -1;
    return FAILS(WSAStringToAddressA(text, AF_INET, NULL, (LPSOCKADDR)&ss, &len));
}
static int r_str_to_addr_garbage(void) {
    SOCKADDR_STORAGE ss;
    char text[] = "1.2.3.4.5:99999";
    INT len = sizeof ss;
    return FAILS(WSAStringToAddressA(text, AF_INET, NULL, (LPSOCKADDR)&ss, &len));
}
static int r_str_to_addr_bad_family(void) {
    SOCKADDR_STORAGE ss;
    WCHAR text[] = u"127.0.0.1";
    INT len = sizeof ss;
    return FAILS(WSAStringToAddressW(text, 0x7fff, NULL, (LPSOCKADDR)&ss, &len));
}
static int r_addr_to_str_short(void) {
    SOCKADDR_IN sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    char buf[2];
    DWORD len = sizeof buf;
    return FAILS(WSAAddressToStringA((LPSOCKADDR)&sin, sizeof sin, NULL, buf, &len));
}
static int r_addr_to_str_null(void) {
    char buf[64];
    DWORD len = sizeof buf;
    return FAILS(WSAAddressToStringA(NULL, 16, NULL, buf, &len));
}
static int r_addr_to_str_short_addr(void) {
    SOCKADDR_IN sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    char buf[64];
    DWORD len = sizeof buf;
    return FAILS(WSAAddressToStringA((LPSOCKADDR)&sin, 3, NULL, buf, &len));
}

static const struct row rows[] = {
    {"WSAStartup(2.2, NULL)", r_startup_null, CODES(WSAEFAULT)},
    {"WSAEnumProtocolsW(NULL length)", r_enum_null_len, CODES(WSAEFAULT)},
    {"WSAEnumProtocolsA(NULL length)", r_enum_a_null_len, CODES(WSAEFAULT)},
    {"WSAEnumProtocolsW(short buffer)", r_enum_short, CODES(WSAENOBUFS)},
    {"WSAEnumProtocolsW(length 0)", r_enum_zero, CODES(WSAENOBUFS)},
    {"WSCEnumProtocols(NULL length)", r_wsc_enum_null, CODES(WSAEFAULT)},
    {"WSCEnumProtocols(NULL lpErrno)", r_wsc_enum_no_errno, CODES(WSAEFAULT)},
    {"WSCGetProviderPath(NULL GUID)", r_provider_path_null, CODES(WSAEFAULT)},
    {"WSCGetProviderPath(negative length)", r_provider_path_negative, CODES(WSAEINVAL)},
    {"WSCGetProviderPath(short buffer)", r_provider_path_short, CODES(WSAEFAULT)},
    {"WSASocketW(garbage protocol info)", r_wsasocket_bad_info, CODES(WSAEINVAL, WSAEAFNOSUPPORT)},
    {"WSASocketW(unknown group)", r_wsasocket_huge_group, CODES(WSAEINVAL)},
    {"getsockopt(NULL optval)", r_getsockopt_null_val, CODES(WSAEFAULT)},
    {"getsockopt(NULL optlen)", r_getsockopt_null_len, CODES(WSAEFAULT)},
    {"getsockopt(optlen -1)", r_getsockopt_negative, CODES(WSAEFAULT)},
    {"getsockopt(SO_LINGER, 2 bytes)", r_getsockopt_short, CODES(WSAEFAULT)},
    {"getsockopt(SO_PROTOCOL_INFOW, 10 bytes)", r_getsockopt_info_short, CODES(WSAEFAULT)},
    {"getsockopt(unknown level)", r_getsockopt_bad_level, CODES(WSAEINVAL, WSAENOPROTOOPT)},
    {"getsockopt(unknown option)", r_getsockopt_bad_name, CODES(WSAENOPROTOOPT, WSAEINVAL)},
    {"setsockopt(NULL optval)", r_setsockopt_null, CODES(WSAEFAULT)},
    {"setsockopt(SO_LINGER, 1 byte)", r_setsockopt_short, CODES(WSAEFAULT)},
    {"setsockopt(SO_TYPE)", r_setsockopt_readonly, CODES(WSAENOPROTOOPT)},
    {"ioctlsocket(FIONBIO, NULL)", r_ioctlsocket_null, CODES(WSAEFAULT)},
    {"ioctlsocket(unknown command)", r_ioctlsocket_bad_cmd, CODES(WSAEINVAL, WSAEOPNOTSUPP)},
    {"WSAIoctl(NULL lpcbBytesReturned)", r_wsaioctl_null_bytes, CODES(WSAEFAULT)},
    {"WSAIoctl(FIONREAD, 1-byte output)", r_wsaioctl_short_out, CODES(WSAEFAULT)},
    {"WSAIoctl(extension pointer, no buffers)", r_wsaioctl_extension_null, CODES(WSAEFAULT, WSAEINVAL)},
    {"select(no sets)", r_select_nothing, CODES(WSAEINVAL)},
    {"select(empty sets)", r_select_empty_sets, CODES(WSAEINVAL)},
    {"WSAPoll(NULL, 1)", r_poll_null, CODES(WSAEFAULT)},
    {"WSAPoll(n 0)", r_poll_zero, CODES(WSAEINVAL)},
    {"WSAPoll(POLLNVAL only)", r_poll_bad_events, CODES(WSAEINVAL)},
    {"WSACloseEvent(bogus)", r_event_close_bogus, CODES(WSA_INVALID_HANDLE)},
    {"WSACloseEvent(NULL)", r_event_close_null, CODES(WSA_INVALID_HANDLE)},
    {"WSASetEvent(bogus)", r_event_set_bogus, CODES(WSA_INVALID_HANDLE)},
    {"WSAResetEvent(-1)", r_event_reset_bogus, CODES(WSA_INVALID_HANDLE)},
    {"WSASetEvent(closed)", r_event_closed, CODES(WSA_INVALID_HANDLE)},
    {"WSAWaitForMultipleEvents(0 events)", r_wait_zero, CODES(WSA_INVALID_PARAMETER)},
    {"WSAWaitForMultipleEvents(2^31-1 events)", r_wait_huge, CODES(WSA_INVALID_PARAMETER)},
    {"WSAWaitForMultipleEvents(NULL array)", r_wait_null, CODES(WSA_INVALID_PARAMETER, WSAEFAULT)},
    {"WSAWaitForMultipleEvents(bogus event)", r_wait_bogus, CODES(WSA_INVALID_HANDLE)},
    {"WSAStringToAddressA(NULL string)", r_str_to_addr_null, CODES(WSAEINVAL, WSAEFAULT)},
    {"WSAStringToAddressA(NULL length)", r_str_to_addr_null_len, CODES(WSAEFAULT, WSAEINVAL)},
    {"WSAStringToAddressA(IPv6 into sockaddr_in)", r_str_to_addr_short, CODES(WSAEFAULT)},
    {"WSAStringToAddressA(length -1)", r_str_to_addr_negative, CODES(WSAEFAULT, WSAEINVAL)},
    {"WSAStringToAddressA(garbage)", r_str_to_addr_garbage, CODES(WSAEINVAL)},
    {"WSAStringToAddressW(unknown family)", r_str_to_addr_bad_family, CODES(WSAEINVAL, WSAEAFNOSUPPORT)},
    {"WSAAddressToStringA(2-byte buffer)", r_addr_to_str_short, CODES(WSAEFAULT)},
    {"WSAAddressToStringA(NULL address)", r_addr_to_str_null, CODES(WSAEFAULT, WSAEINVAL)},
    {"WSAAddressToStringA(3-byte address)", r_addr_to_str_short_addr, CODES(WSAEFAULT, WSAEINVAL)},
};

Test(badinput, table, .init = start, .fini = stop) {
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        WSASetLastError(0);
        int err = rows[i].call();
        BOOL ok = FALSE;
        for (int k = 0; rows[i].codes[k]; k++)
            ok |= err == rows[i].codes[k];
        cr_expect(ok, "%s: got %d, expected %d", rows[i].what, err, rows[i].codes[0]);
    }
}

/* Everything before WSAStartup: WSANOTINITIALISED, nothing crashes. */
Test(badinput, before_startup) {
    SOCKET s = 0x400004;
    for (size_t f = 0; f < sizeof sock_calls / sizeof sock_calls[0]; f++) {
        int err = sock_calls[f].call(s);
        cr_expect_eq(err, WSANOTINITIALISED, "%s: %d", sock_calls[f].name, err);
    }
    cr_expect_eq(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    cr_expect_eq(WSAGetLastError(), WSANOTINITIALISED);
    DWORD len = 0;
    cr_expect_eq(WSAEnumProtocolsW(NULL, NULL, &len), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSANOTINITIALISED);
    cr_expect_eq(WSACleanup(), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSANOTINITIALISED);
}
