/*
 * The echo client to echo_server.c, written as on Windows.
 *
 *   echo_client [tcp|udp] [port] [4|6] [message]
 */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma comment(lib, "Ws2_32.lib")

int main(int argc, char **argv) {
    const char *proto = argc > 1 ? argv[1] : "tcp";
    const char *port = argc > 2 ? argv[2] : "27015";
    int family = argc > 3 && atoi(argv[3]) == 6 ? AF_INET6 : AF_INET;
    const char *message = argc > 4 ? argv[4] : "hello, winsock";
    BOOL udp = strcmp(proto, "udp") == 0;

    WSADATA wsaData;
    int rc = WSAStartup(MAKEWORD(2, 2), &wsaData);
    if (rc != 0) {
        printf("WSAStartup failed: %d\n", rc);
        return 1;
    }
    ADDRINFOA hints, *result = NULL;
    ZeroMemory(&hints, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
    hints.ai_protocol = udp ? IPPROTO_UDP : IPPROTO_TCP;
    rc = getaddrinfo(family == AF_INET6 ? "::1" : "localhost", port, &hints, &result);
    if (rc != 0) {
        printf("getaddrinfo failed: %d\n", rc);
        WSACleanup();
        return 1;
    }
    SOCKET s = INVALID_SOCKET;
    for (ADDRINFOA *ai = result; ai; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == INVALID_SOCKET)
            continue;
        if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) == SOCKET_ERROR) {
            closesocket(s);
            s = INVALID_SOCKET;
            continue;
        }
        break;
    }
    freeaddrinfo(result);
    if (s == INVALID_SOCKET) {
        printf("echo_client: unable to connect: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }
    int len = (int)strlen(message);
    if (send(s, message, len, 0) == SOCKET_ERROR) {
        printf("send failed: %d\n", WSAGetLastError());
        closesocket(s);
        WSACleanup();
        return 1;
    }
    if (!udp)
        shutdown(s, SD_SEND); /* no more to send: the server sees the end */
    char buf[512];
    int got = 0, n;
    while (got < len && (n = recv(s, buf + got, (int)sizeof buf - 1 - got, 0)) > 0)
        got += n;
    buf[got] = 0;
    printf("echo_client: sent \"%s\", received \"%s\"\n", message, buf);
    closesocket(s);
    WSACleanup();
    return got == len && memcmp(buf, message, (size_t)len) == 0 ? 0 : 1;
}
