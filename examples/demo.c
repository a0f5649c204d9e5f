/*
 * The demo: a Winsock program, as it would be written on Windows, that shows
 * ws2posix at work. It starts Winsock, lists the protocol catalog, then runs a
 * TCP and a UDP exchange over IPv4 and IPv6 on loopback: a server and a
 * client socket in one thread, every step printed, every call checked. The
 * last line says whether it all worked.
 */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(call, what)                                                              \
    do {                                                                               \
        if (!(call)) {                                                                 \
            printf("  FAILED: %s (WSAGetLastError() = %d)\n", what, WSAGetLastError()); \
            failures++;                                                                \
            return;                                                                    \
        }                                                                              \
        printf("  ok  %s\n", what);                                                    \
    } while (0)

static void list_catalog(void) {
    DWORD size = 0;
    int err = 0;
    WSCEnumProtocols(NULL, NULL, &size, &err);
    WSAPROTOCOL_INFOW *info = malloc(size);
    int n = info ? WSCEnumProtocols(NULL, info, &size, &err) : 0;
    printf("\nThe protocol catalog (%d entries; hidden ones included):\n", n);
    for (int i = 0; i < n; i++) {
        char name[WSAPROTOCOL_LEN + 1];
        int k = 0;
        for (; info[i].szProtocol[k] && k < WSAPROTOCOL_LEN; k++)
            name[k] = (char)info[i].szProtocol[k];
        name[k] = 0;
        printf("  %lu  af=%-2d type=%d protocol=%-3d flags=%#07lx %s%s\n",
               (unsigned long)info[i].dwCatalogEntryId, info[i].iAddressFamily, info[i].iSocketType,
               info[i].iProtocol, (unsigned long)info[i].dwServiceFlags1, name,
               info[i].dwProviderFlags & PFL_HIDDEN ? " (hidden)" : "");
    }
    free(info);
}

static void fill_loopback(int family, SOCKADDR_STORAGE *ss, int *len) {
    ZeroMemory(ss, sizeof *ss);
    if (family == AF_INET) {
        SOCKADDR_IN *sin = (SOCKADDR_IN *)ss;
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *len = sizeof *sin;
    } else {
        SOCKADDR_IN6 *sin6 = (SOCKADDR_IN6 *)ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_addr.s6_addr[15] = 1; /* ::1 */
        *len = sizeof *sin6;
    }
}

static void tcp_exchange(int family) {
    const char *v = family == AF_INET ? "IPv4" : "IPv6";
    printf("\nTCP over %s\n", v);
    SOCKADDR_STORAGE addr;
    int len;
    fill_loopback(family, &addr, &len);
    SOCKET listener = socket(family, SOCK_STREAM, IPPROTO_TCP);
    CHECK(listener != INVALID_SOCKET, "server: socket(SOCK_STREAM)");
    CHECK(bind(listener, (SOCKADDR *)&addr, len) == 0, "server: bind to loopback, port 0");
    CHECK(listen(listener, SOMAXCONN) == 0, "server: listen");
    CHECK(getsockname(listener, (SOCKADDR *)&addr, &len) == 0, "server: getsockname (the port chosen)");
    SOCKET client = socket(family, SOCK_STREAM, IPPROTO_TCP);
    CHECK(client != INVALID_SOCKET, "client: socket(SOCK_STREAM)");
    CHECK(connect(client, (SOCKADDR *)&addr, len) == 0, "client: connect");
    SOCKET server = accept(listener, NULL, NULL);
    CHECK(server != INVALID_SOCKET, "server: accept");
    const char msg[] = "hello through the dispatcher";
    CHECK(send(client, msg, sizeof msg, 0) == (int)sizeof msg, "client: send");
    char buf[64];
    int n = recv(server, buf, sizeof buf, 0);
    CHECK(n == (int)sizeof msg && memcmp(buf, msg, sizeof msg) == 0, "server: recv the same bytes");
    CHECK(send(server, buf, n, 0) == n, "server: send them back");
    CHECK(recv(client, buf, sizeof buf, 0) == n, "client: recv the echo");
    CHECK(shutdown(client, SD_SEND) == 0, "client: shutdown(SD_SEND)");
    CHECK(recv(server, buf, sizeof buf, 0) == 0, "server: recv sees the end (0)");
    CHECK(send(client, msg, 1, 0) == SOCKET_ERROR && WSAGetLastError() == WSAESHUTDOWN,
          "client: send after SD_SEND fails with WSAESHUTDOWN");
    closesocket(server);
    closesocket(client);
    closesocket(listener);
    CHECK(closesocket(listener) == SOCKET_ERROR && WSAGetLastError() == WSAENOTSOCK,
          "a closed SOCKET is not a socket any more (WSAENOTSOCK)");
}

static void udp_exchange(int family) {
    printf("\nUDP over %s\n", family == AF_INET ? "IPv4" : "IPv6");
    SOCKADDR_STORAGE addr;
    int len;
    fill_loopback(family, &addr, &len);
    SOCKET a = socket(family, SOCK_DGRAM, IPPROTO_UDP);
    CHECK(a != INVALID_SOCKET, "server: socket(SOCK_DGRAM)");
    CHECK(bind(a, (SOCKADDR *)&addr, len) == 0, "server: bind");
    CHECK(getsockname(a, (SOCKADDR *)&addr, &len) == 0, "server: getsockname");
    SOCKET b = socket(family, SOCK_DGRAM, IPPROTO_UDP);
    CHECK(b != INVALID_SOCKET, "client: socket(SOCK_DGRAM)");
    const char msg[] = "a datagram";
    CHECK(sendto(b, msg, sizeof msg, 0, (SOCKADDR *)&addr, len) == (int)sizeof msg, "client: sendto");
    char small[4];
    SOCKADDR_STORAGE from;
    int fromlen = sizeof from;
    CHECK(recvfrom(a, small, sizeof small, 0, (SOCKADDR *)&from, &fromlen) == SOCKET_ERROR &&
              WSAGetLastError() == WSAEMSGSIZE,
          "server: recvfrom into 4 bytes: WSAEMSGSIZE, as Windows truncates");
    closesocket(a);
    closesocket(b);
}

int main(void) {
    WSADATA wsa;
    int err = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (err != 0) {
        printf("WSAStartup failed: %d\n", err);
        return 1;
    }
    printf("WSAStartup: version %d.%d (highest %d.%d), \"%s\", \"%s\"\n", LOBYTE(wsa.wVersion),
           HIBYTE(wsa.wVersion), LOBYTE(wsa.wHighVersion), HIBYTE(wsa.wHighVersion), wsa.szDescription,
           wsa.szSystemStatus);
    list_catalog();
    tcp_exchange(AF_INET);
    tcp_exchange(AF_INET6);
    udp_exchange(AF_INET);
    udp_exchange(AF_INET6);
    WSACleanup();
    if (failures) {
        printf("\ndemo: %d step(s) FAILED\n", failures);
        return 1;
    }
    printf("\ndemo: success: every step behaved as Winsock does on Windows\n");
    return 0;
}
