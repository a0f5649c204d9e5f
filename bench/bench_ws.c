#include "bench_ws.h"
#include "bench.h"

#include <string.h>

void bench_ws_startup(void) {
    WSADATA d;
    int r = WSAStartup(MAKEWORD(2, 2), &d);
    if (r != 0)
        bench_die("WSAStartup", r);
}

SOCKET bench_ws_listener(DWORD flags, int backlog, u_short *port) {
    SOCKET l = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, flags);
    if (l == INVALID_SOCKET)
        bench_die("WSASocket", WSAGetLastError());
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int len = sizeof sin;
    if (bind(l, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(l, backlog) != 0 ||
        getsockname(l, (struct sockaddr *)&sin, &len) != 0)
        bench_die("bind/listen", WSAGetLastError());
    *port = sin.sin_port;
    return l;
}

void bench_ws_pair(SOCKET *client, SOCKET *server, DWORD flags) {
    u_short port;
    SOCKET l = bench_ws_listener(flags, 1, &port);
    SOCKET c = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, flags);
    if (c == INVALID_SOCKET)
        bench_die("WSASocket", WSAGetLastError());
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = port;
    if (connect(c, (struct sockaddr *)&sin, sizeof sin) != 0)
        bench_die("connect", WSAGetLastError());
    SOCKET a = accept(l, NULL, NULL);
    if (a == INVALID_SOCKET)
        bench_die("accept", WSAGetLastError());
    closesocket(l);
    BOOL on = TRUE;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, sizeof on);
    setsockopt(a, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, sizeof on);
    *client = c;
    *server = a;
}

int bench_ws_recv_all(SOCKET s, char *buf, int len) {
    while (len > 0) {
        int r = recv(s, buf, len, 0);
        if (r <= 0)
            return -1;
        buf += r;
        len -= r;
    }
    return 0;
}

int bench_ws_send_all(SOCKET s, const char *buf, int len) {
    while (len > 0) {
        int r = send(s, buf, len, 0);
        if (r <= 0)
            return -1;
        buf += r;
        len -= r;
    }
    return 0;
}
