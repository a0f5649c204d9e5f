/* WSASocket + closesocket through the dispatcher and the base provider,
 * against socket(2) + close(2). */
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

static double ours(long n) {
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
        closesocket(s);
    }
    return bench_now() - t0;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 200000;
    WSADATA d;
    if (WSAStartup(MAKEWORD(2, 2), &d) != 0)
        return 1;
    SOCKET probe = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, 0);
    if (probe == INVALID_SOCKET) {
        printf("WSASocket failed: %d\n", WSAGetLastError());
        return 1;
    }
    closesocket(probe);
    bench_compare("WSASocket+closesocket", "sockets", ours, BASELINE(raw_socket_close), "posix", n, 9);
    WSACleanup();
    return 0;
}
