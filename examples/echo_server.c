/*
 * An echo server written the way a Windows programmer writes one: Winsock's
 * headers, WSAStartup, getaddrinfo, socket/bind/listen/accept, recv/send,
 * closesocket, WSACleanup. It builds unchanged with a Windows compiler.
 *
 *   echo_server [tcp|udp] [port] [4|6] [count]
 *
 * Serves `count` clients (TCP) or datagrams (UDP), default 1, then exits.
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

static int serve_tcp(SOCKET listener, int count) {
    for (int served = 0; served < count; served++) {
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET) {
            printf("echo_server: accept failed: %d\n", WSAGetLastError());
            return 1;
        }
        char buf[512];
        int n;
        while ((n = recv(client, buf, sizeof buf, 0)) > 0) {
            if (send(client, buf, n, 0) == SOCKET_ERROR) {
                printf("echo_server: send failed: %d\n", WSAGetLastError());
                break;
            }
        }
        if (n == SOCKET_ERROR)
            printf("echo_server: recv failed: %d\n", WSAGetLastError());
        shutdown(client, SD_SEND);
        closesocket(client);
    }
    return 0;
}

static int serve_udp(SOCKET s, int count) {
    for (int served = 0; served < count; served++) {
        char buf[512];
        SOCKADDR_STORAGE from;
        int fromlen = sizeof from;
        int n = recvfrom(s, buf, sizeof buf, 0, (SOCKADDR *)&from, &fromlen);
        if (n == SOCKET_ERROR) {
            printf("echo_server: recvfrom failed: %d\n", WSAGetLastError());
            return 1;
        }
        if (sendto(s, buf, n, 0, (SOCKADDR *)&from, fromlen) == SOCKET_ERROR) {
            printf("echo_server: sendto failed: %d\n", WSAGetLastError());
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *proto = argc > 1 ? argv[1] : "tcp";
    const char *port = argc > 2 ? argv[2] : "27015";
    int family = argc > 3 && atoi(argv[3]) == 6 ? AF_INET6 : AF_INET;
    int count = argc > 4 ? atoi(argv[4]) : 1;
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
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(family == AF_INET6 ? "::1" : "127.0.0.1", port, &hints, &result);
    if (rc != 0) {
        printf("getaddrinfo failed: %d\n", rc);
        WSACleanup();
        return 1;
    }
    SOCKET s = socket(result->ai_family, result->ai_socktype, result->ai_protocol);
    if (s == INVALID_SOCKET) {
        printf("socket failed: %d\n", WSAGetLastError());
        freeaddrinfo(result);
        WSACleanup();
        return 1;
    }
    if (bind(s, result->ai_addr, (int)result->ai_addrlen) == SOCKET_ERROR) {
        printf("bind failed: %d\n", WSAGetLastError());
        freeaddrinfo(result);
        closesocket(s);
        WSACleanup();
        return 1;
    }
    freeaddrinfo(result);
    if (!udp && listen(s, SOMAXCONN) == SOCKET_ERROR) {
        printf("listen failed: %d\n", WSAGetLastError());
        closesocket(s);
        WSACleanup();
        return 1;
    }
    printf("echo_server: %s over IPv%d on port %s\n", udp ? "UDP" : "TCP", family == AF_INET6 ? 6 : 4, port);
    fflush(stdout);
    rc = udp ? serve_udp(s, count) : serve_tcp(s, count);
    closesocket(s);
    WSACleanup();
    return rc;
}
