/* Overlapped echo server, 100 connections: every connection has one
 * WSARecv pending with a completion routine, which sends back what came
 * (WSASend, completion routine) and posts the next WSARecv; the server
 * thread waits alertably (SleepEx). Against a plain libuv echo server doing
 * the same work (raw_ovlecho.c). The load is the same for both: 100 blocking
 * loopback clients that each send 64 bytes, then each read them back, per
 * round (raw_echo_client). Rate: echoes (64-byte round trips) per second.
 * Target: ratio >= 0.9. Not under Wine (the load is POSIX). */
#include "bench_ws.h"
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define NCONN 100
#define BUF 4096

double raw_echo_client(int port, int nconn, long rounds);
double raw_uv_echo(long rounds);

typedef struct conn {
    WSAOVERLAPPED ov; /* first: the routines get it back */
    SOCKET s;
    char buf[BUF];
    DWORD len, off; /* being sent back */
} conn;

static volatile long live;

static void post_recv(conn *c);

static void gone(conn *c) {
    closesocket(c->s);
    free(c);
    live--;
}

static void CALLBACK sent(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    conn *c = (conn *)ov;
    (void)flags;
    if (err || bytes == 0) {
        gone(c);
        return;
    }
    c->off += bytes;
    if (c->off < c->len) {
        WSABUF b = {c->len - c->off, c->buf + c->off};
        memset(&c->ov, 0, sizeof c->ov);
        if (WSASend(c->s, &b, 1, NULL, 0, &c->ov, sent) != 0 && WSAGetLastError() != WSA_IO_PENDING)
            gone(c);
        return;
    }
    post_recv(c);
}

static void CALLBACK received(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    conn *c = (conn *)ov;
    (void)flags;
    if (err || bytes == 0) {
        gone(c);
        return;
    }
    c->len = bytes, c->off = 0;
    WSABUF b = {bytes, c->buf};
    memset(&c->ov, 0, sizeof c->ov);
    if (WSASend(c->s, &b, 1, NULL, 0, &c->ov, sent) != 0 && WSAGetLastError() != WSA_IO_PENDING)
        gone(c);
}

static void post_recv(conn *c) {
    WSABUF b = {BUF, c->buf};
    DWORD flags = 0;
    memset(&c->ov, 0, sizeof c->ov);
    if (WSARecv(c->s, &b, 1, NULL, &flags, &c->ov, received) != 0 && WSAGetLastError() != WSA_IO_PENDING)
        gone(c);
}

static void server(void *arg) {
    SOCKET l = *(SOCKET *)arg;
    live = NCONN;
    for (int i = 0; i < NCONN; i++) {
        conn *c = calloc(1, sizeof *c);
        if (!c || (c->s = accept(l, NULL, NULL)) == INVALID_SOCKET)
            bench_die("accept", WSAGetLastError());
        BOOL one = TRUE;
        setsockopt(c->s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
        post_recv(c);
    }
    while (live > 0)
        SleepEx(INFINITE, TRUE);
}

static double ours(long rounds) {
    u_short port;
    SOCKET l = bench_ws_listener(WSA_FLAG_OVERLAPPED, 128, &port);
    bench_thread *t = bench_thread_start(server, &l);
    double dt = raw_echo_client(ntohs(port), NCONN, rounds);
    bench_thread_join(t);
    closesocket(l);
    return dt;
}

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 500; /* x 100 echoes */
    bench_ws_startup();
    double r = bench_compare("overlapped echo x100 conns", "rounds", ours, raw_uv_echo, "libuv", rounds, 5);
    (void)r;
    WSACleanup();
    return 0;
}
