/*
 * The demo: a Winsock program, unchanged from what it would be on Windows,
 * that starts Winsock, shows what it was granted, lists the protocol catalog
 * and creates one socket from each entry.
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    WSADATA wsa;
    int err = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (err != 0) {
        printf("WSAStartup failed: %d\n", err);
        return 1;
    }
    printf("WSAStartup: version %d.%d (highest %d.%d)\n", LOBYTE(wsa.wVersion), HIBYTE(wsa.wVersion),
           LOBYTE(wsa.wHighVersion), HIBYTE(wsa.wHighVersion));
    printf("  szDescription  \"%s\"\n  szSystemStatus \"%s\"\n", wsa.szDescription, wsa.szSystemStatus);

    DWORD size = 0;
    if (WSCEnumProtocols(NULL, NULL, &size, &err) != SOCKET_ERROR || err != WSAENOBUFS) {
        printf("WSCEnumProtocols: unexpected %d\n", err);
        return 1;
    }
    WSAPROTOCOL_INFOW *info = malloc(size);
    int n = WSCEnumProtocols(NULL, info, &size, &err);
    printf("\nCatalog (%d entries, hidden ones included):\n", n);
    printf("  %-5s %-3s %-4s %-5s %-8s %-6s  %-26s %s\n", "id", "af", "type", "proto", "flags1", "pflags",
           "szProtocol", "socket");
    for (int i = 0; i < n; i++) {
        WSAPROTOCOL_INFOA a;
        int alen = sizeof a;
        SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info[i], 0,
                              WSA_FLAG_OVERLAPPED);
        char result[64];
        if (s == INVALID_SOCKET) {
            snprintf(result, sizeof result, "error %d", WSAGetLastError());
        } else {
            getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&a, &alen);
            snprintf(result, sizeof result, "SOCKET %#llx", (unsigned long long)s);
            closesocket(s);
        }
        char name[WSAPROTOCOL_LEN + 1];
        int k = 0;
        for (; info[i].szProtocol[k] && k < WSAPROTOCOL_LEN; k++)
            name[k] = (char)info[i].szProtocol[k];
        name[k] = 0;
        printf("  %-5lu %-3d %-4d %-5d %#-8lx %#-6lx  %-26s %s\n", (unsigned long)info[i].dwCatalogEntryId,
               info[i].iAddressFamily, info[i].iSocketType, info[i].iProtocol,
               (unsigned long)info[i].dwServiceFlags1, (unsigned long)info[i].dwProviderFlags, name, result);
    }
    free(info);
    WSACleanup();
    return 0;
}
