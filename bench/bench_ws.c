#include "bench_ws.h"
#include "bench.h"

#include <string.h>

void bench_ws_startup(void) {
    WSADATA d;
    int r = WSAStartup(MAKEWORD(2, 2), &d);
    if (r != 0)
        bench_die("WSAStartup", r);
}

static SOCKET listener(DWORD flags, int backlog, u_short *port, WSAPROTOCOL_INFOW *info) {
    SOCKET l = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, info, 0, flags);
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

SOCKET bench_ws_listener(DWORD flags, int backlog, u_short *port) {
    return listener(flags, backlog, port, NULL);
}

void bench_ws_pair(SOCKET *client, SOCKET *server, DWORD flags) {
    bench_ws_pair_info(client, server, flags, NULL);
}

void bench_ws_pair_info(SOCKET *client, SOCKET *server, DWORD flags, WSAPROTOCOL_INFOW *info) {
    u_short port;
    SOCKET l = listener(flags, 1, &port, info);
    SOCKET c = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, info, 0, flags);
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

#define MSG 64

static void echo(void *arg) {
    SOCKET s = *(SOCKET *)arg;
    char buf[MSG];
    while (bench_ws_recv_all(s, buf, MSG) == 0)
        if (bench_ws_send_all(s, buf, MSG) != 0)
            break;
}

double bench_ws_pingpong(long n, WSAPROTOCOL_INFOW *info) {
    SOCKET c, a;
    bench_ws_pair_info(&c, &a, 0, info);
    bench_thread *t = bench_thread_start(echo, &a);
    char buf[MSG] = {0};
    long i;
    double t0 = bench_now(), dt;
    for (i = 0; i < n; i++)
        if (bench_ws_send_all(c, buf, MSG) != 0 || bench_ws_recv_all(c, buf, MSG) != 0)
            break;
    dt = bench_now() - t0;
    shutdown(c, SD_SEND);
    bench_thread_join(t);
    closesocket(c);
    closesocket(a);
    return i == n ? dt : -1;
}
