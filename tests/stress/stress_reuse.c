/*
 * TF_REUSE_SOCKET racing the loop thread, the peer and closesocket.
 *
 * Worker threads each keep one accept socket, associated with their own
 * completion port, and reuse it round after round: AcceptEx a new
 * connection into it, issue overlapped receives, let the peer send a random
 * amount, then give the connection up with DisconnectEx(TF_REUSE_SOCKET) or
 * TransmitFile(TF_DISCONNECT | TF_REUSE_SOCKET) (small: completed in the
 * calling thread; large: completed on the loop thread while the peer
 * drains it), or race DisconnectEx(TF_REUSE_SOCKET) against a closesocket
 * from another thread (then a new accept socket). Checked with exact
 * counts: every operation issued comes out of the port exactly once, the
 * receives with success or ERROR_CONNECTION_ABORTED, never more bytes than
 * were sent; nothing is left in the ports; descriptors come back to their
 * count at the end.
 */
#define _GNU_SOURCE
#include <winsock2.h>
#include <windows.h>
#include <mswsock.h>
#include <pthread.h>
#include <string.h>

#include "stress.h"
#include "stress_net.h"

#define WORKERS 3
#define RECVS 3
#define BIG (512 * 1024)
enum { ADDR = sizeof(struct sockaddr_in) + 16 };

/* ov[0] AcceptEx, ov[1..RECVS] receives, ov[RECVS + 1] the disconnect. */
typedef struct record {
    WSAOVERLAPPED ov[RECVS + 2];
    char buf[RECVS][32];
    char abuf[2 * ADDR];
    int calls[RECVS + 2];
} record;

static long rounds;
static char big[BIG];
static LPFN_ACCEPTEX acceptex;
static LPFN_DISCONNECTEX disconnectex;

typedef struct worker {
    int id;
    SOCKET listener;
    struct sockaddr_in addr;
    HANDLE port;
    record *records;
} worker;

static SOCKET new_acceptor(HANDLE port) {
    SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
    CHECK(s != INVALID_SOCKET);
    CHECK(CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, port, 1, 0) == port);
    return s;
}

/* One packet of r's, within 5 s; returns its index or -1. */
static int take(worker *w, record *r) {
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED ov = NULL;
    BOOL ok = GetQueuedCompletionStatus(w->port, &n, &key, &ov, 5000);
    CHECK(ov != NULL);
    if (!ov)
        return -1;
    long i = (WSAOVERLAPPED *)ov - r->ov;
    CHECK(i >= 0 && i < RECVS + 2); /* not a late packet of an earlier round */
    if (i < 0 || i >= RECVS + 2)
        return -1;
    r->calls[i]++;
    if (i >= 1 && i <= RECVS) {
        CHECK(ok || GetLastError() == ERROR_CONNECTION_ABORTED);
        if (!ok)
            CHECK_EQ(n, 0);
    } else {
        CHECK(ok);
    }
    OP();
    return (int)i;
}

typedef struct closer {
    SOCKET s;
    _Atomic int go;
} closer;

static void *close_it(void *arg) {
    closer *c = arg;
    while (!atomic_load(&c->go))
        ;
    closesocket(c->s);
    return NULL;
}

/* Read the peer's side until the end (or a reset: unread data went with
 * the old connection). */
static void drain(SOCKET peer) {
    char b[4096];
    while (recv(peer, b, sizeof b, 0) > 0)
        ;
}

static void *work(void *arg) {
    worker *w = arg;
    unsigned seed = 0x5151u + (unsigned)w->id;
    SOCKET acc = new_acceptor(w->port);
    char data[64];
    memset(data, 'r', sizeof data);
    for (long k = 0; k < rounds; k++) {
        record *r = &w->records[k];
        int expected = 0;
        DWORD got = 0;
        BOOL ok = acceptex(w->listener, acc, r->abuf, 0, ADDR, ADDR, &got, &r->ov[0]);
        CHECK(ok || WSAGetLastError() == WSA_IO_PENDING);
        SOCKET peer = socket(AF_INET, SOCK_STREAM, 0);
        CHECK_EQ(connect(peer, (struct sockaddr *)&w->addr, sizeof w->addr), 0);
        expected++;
        CHECK_EQ(take(w, r), 0);
        for (int i = 1; i <= RECVS; i++) {
            WSABUF b = {sizeof r->buf[i - 1], r->buf[i - 1]};
            DWORD f = 0;
            int res = WSARecv(acc, &b, 1, NULL, &f, &r->ov[i], NULL);
            CHECK(res == 0 || WSAGetLastError() == WSA_IO_PENDING);
            expected++;
        }
        int sent = (int)(stress_rand(&seed) % sizeof data);
        if (sent)
            CHECK_EQ(send(peer, data, sent, 0), sent);
        if (stress_rand(&seed) & 1)
            Sleep(0);
        WSAOVERLAPPED *dov = &r->ov[RECVS + 1];
        switch (stress_rand(&seed) % 4) {
        case 0: /* DisconnectEx: a packet too */
            CHECK(disconnectex(acc, dov, TF_REUSE_SOCKET, 0));
            expected++;
            drain(peer);
            break;
        case 1: { /* TransmitFile, small or large */
            BOOL large = stress_rand(&seed) & 1;
            TRANSMIT_FILE_BUFFERS tb = {big, large ? BIG : 16, NULL, 0};
            ok = TransmitFile(acc, NULL, 0, 0, dov, &tb, TF_DISCONNECT | TF_REUSE_SOCKET);
            CHECK(ok || WSAGetLastError() == WSA_IO_PENDING);
            expected++;
            drain(peer);
            break;
        }
        case 2: /* without an OVERLAPPED */
            CHECK(disconnectex(acc, NULL, TF_REUSE_SOCKET, 0));
            drain(peer);
            break;
        default: { /* racing a closesocket from another thread */
            closer c = {acc, 0};
            pthread_t t;
            pthread_create(&t, NULL, close_it, &c);
            atomic_store(&c.go, 1);
            ok = disconnectex(acc, NULL, TF_REUSE_SOCKET, 0);
            int err = WSAGetLastError();
            CHECK(ok || err == WSAENOTSOCK || err == WSAENOTCONN || err == WSAEINTR);
            pthread_join(t, NULL);
            drain(peer);
            acc = new_acceptor(w->port);
            break;
        }
        }
        int seen = 1;
        while (seen < expected && take(w, r) >= 0)
            seen++;
        CHECK_EQ(seen, expected);
        for (int i = 0; i < RECVS + 2; i++)
            CHECK(r->calls[i] <= 1);
        closesocket(peer);
    }
    closesocket(acc);
    return NULL;
}

int main(void) {
    stress_watchdog("reuse", 240);
    stress_settle();
    rounds = stress_scaled(120);
    int fds = stress_fd_count();
    stress_wsa_start();
    static worker w[WORKERS];
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        w[i].id = i;
        w[i].port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
        CHECK(w[i].port != NULL);
        w[i].records = calloc((size_t)rounds, sizeof *w[i].records);
        w[i].listener = stress_listener(&w[i].addr, 16);
        /* AcceptEx completes through the listener's port (it is issued there) */
        CHECK(CreateIoCompletionPort((HANDLE)(ULONG_PTR)w[i].listener, w[i].port, 2, 0) == w[i].port);
    }
    GUID ga = WSAID_ACCEPTEX, gd = WSAID_DISCONNECTEX;
    DWORD n;
    CHECK_EQ(WSAIoctl(w[0].listener, SIO_GET_EXTENSION_FUNCTION_POINTER, &ga, sizeof ga, &acceptex, sizeof acceptex,
                      &n, NULL, NULL), 0);
    CHECK_EQ(WSAIoctl(w[0].listener, SIO_GET_EXTENSION_FUNCTION_POINTER, &gd, sizeof gd, &disconnectex,
                      sizeof disconnectex, &n, NULL, NULL), 0);
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, work, &w[i]);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    Sleep(50); /* a doubled or late packet would arrive now */
    for (int i = 0; i < WORKERS; i++) {
        ULONG_PTR key;
        LPOVERLAPPED ov;
        CHECK(!GetQueuedCompletionStatus(w[i].port, &n, &key, &ov, 0));
        CHECK_EQ(GetLastError(), WAIT_TIMEOUT);
        CHECK(CloseHandle(w[i].port));
        closesocket(w[i].listener);
        free(w[i].records);
    }
    CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(stress_fd_count(), fds);
    return stress_finish("reuse");
}
