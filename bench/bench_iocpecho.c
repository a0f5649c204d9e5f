/* Overlapped echo server on an I/O completion port, 100 connections: every
 * connection is associated with the port and has one WSARecv pending; two
 * worker threads (argv[2], default 2) in GetQueuedCompletionStatus send
 * back what came (WSASend)
 * and post the next WSARecv, the way Windows servers are written. Against
 * the same plain libuv echo server and the same load as bench-ovlecho
 * (raw_ovlecho.c: 100 blocking loopback clients, 64 bytes each per round).
 * Rate: echoes (64-byte round trips) per second. Not under Wine (the load
 * is POSIX). */
#include "bench_ws.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define NCONN 100
#define MAX_WORKERS 16
#define BUF 4096
#define QUIT ((ULONG_PTR)-1)

double raw_echo_client(int port, int nconn, long rounds);
double raw_uv_echo(long rounds);

typedef struct conn {
    WSAOVERLAPPED ov;
    SOCKET s;
    BOOL sending;
    char buf[BUF];
    DWORD len, off; /* being sent back */
} conn;

static HANDLE port;
static int workers = 2;
static volatile long live;
static HANDLE all_gone; /* set when the last connection has gone */

static void gone(conn *c) {
    closesocket(c->s);
    free(c);
    if (__atomic_sub_fetch(&live, 1, __ATOMIC_SEQ_CST) == 0)
        SetEvent(all_gone);
}

/* Issue the connection's next operation; after it, c belongs to whichever
 * worker gets its packet. */
static void next(conn *c) {
    memset(&c->ov, 0, sizeof c->ov);
    int r;
    if (c->sending) {
        WSABUF b = {c->len - c->off, c->buf + c->off};
        r = WSASend(c->s, &b, 1, NULL, 0, &c->ov, NULL);
    } else {
        WSABUF b = {BUF, c->buf};
        DWORD flags = 0;
        r = WSARecv(c->s, &b, 1, NULL, &flags, &c->ov, NULL);
    }
    if (r != 0 && WSAGetLastError() != WSA_IO_PENDING)
        gone(c);
}

static void worker(void *arg) {
    (void)arg;
    for (;;) {
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED ov;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE);
        if (!ov) {
            if (ok && key == QUIT)
                return;
            bench_die("GetQueuedCompletionStatus", (int)GetLastError());
        }
        conn *c = (conn *)key;
        if (!ok || bytes == 0) {
            gone(c);
            continue;
        }
        if (c->sending) {
            c->off += bytes;
            if (c->off >= c->len)
                c->sending = FALSE;
        } else {
            c->len = bytes, c->off = 0;
            c->sending = TRUE;
        }
        next(c);
    }
}

static void server(void *arg) {
    SOCKET l = *(SOCKET *)arg;
    live = NCONN;
    ResetEvent(all_gone);
    bench_thread *w[MAX_WORKERS];
    for (int i = 0; i < workers; i++)
        w[i] = bench_thread_start(worker, NULL);
    for (int i = 0; i < NCONN; i++) {
        conn *c = calloc(1, sizeof *c);
        if (!c || (c->s = accept(l, NULL, NULL)) == INVALID_SOCKET)
            bench_die("accept", WSAGetLastError());
        BOOL one = TRUE;
        setsockopt(c->s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
        if (CreateIoCompletionPort((HANDLE)(ULONG_PTR)c->s, port, (ULONG_PTR)c, 0) != port)
            bench_die("CreateIoCompletionPort", (int)GetLastError());
        next(c);
    }
    WaitForSingleObject(all_gone, INFINITE);
    for (int i = 0; i < workers; i++)
        PostQueuedCompletionStatus(port, 0, QUIT, NULL);
    for (int i = 0; i < workers; i++)
        bench_thread_join(w[i]);
}

static double ours(long rounds) {
    u_short p;
    SOCKET l = bench_ws_listener(WSA_FLAG_OVERLAPPED, 128, &p);
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, (DWORD)workers);
    if (!port)
        bench_die("CreateIoCompletionPort", (int)GetLastError());
    bench_thread *t = bench_thread_start(server, &l);
    double dt = raw_echo_client(ntohs(p), NCONN, rounds);
    bench_thread_join(t);
    closesocket(l);
    CloseHandle(port);
    return dt;
}

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 500; /* x 100 echoes */
    if (argc > 2)
        workers = atoi(argv[2]);
    if (workers < 1 || workers > MAX_WORKERS)
        workers = 2;
    bench_ws_startup();
    all_gone = CreateEventA(NULL, TRUE, FALSE, NULL);
    char name[64];
    snprintf(name, sizeof name, "IOCP echo x100 conns, %d worker%s", workers, workers > 1 ? "s" : "");
    double r = bench_compare(name, "rounds", ours, raw_uv_echo, "libuv", rounds, 5);
    (void)r;
    CloseHandle(all_gone);
    WSACleanup();
    return 0;
}
