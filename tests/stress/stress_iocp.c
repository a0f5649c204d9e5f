/*
 * closesocket racing overlapped completions on an I/O completion port.
 *
 * Issuer threads each make a connected pair per round, associate one end
 * with the shared port (the key is the round's record), issue overlapped
 * receives and a send on it, send a random amount of data into it from the
 * peer and close it at once, racing the loop thread that completes the
 * receives. Consumer threads in GetQueuedCompletionStatus count every
 * packet against its record. Checked with exact counts: every operation
 * issued comes out of the port exactly once (no lost, doubled or late
 * packet), with success or the close's ERROR_CONNECTION_ABORTED, the bytes
 * received never exceed what was sent, and nothing is left in the port.
 * Each issuer has a racer thread that issues one more receive on the round's
 * socket while the issuer closes it: that receive fails (WSAENOTSOCK, the
 * close came first) or comes out of the port exactly once like the others
 * (7357d78: its packet used to be lost when the close had already looked
 * for pending operations).
 * Descriptors come back to their count at the end (the port's included).
 */
#define _GNU_SOURCE
#include <winsock2.h>
#include <windows.h>
#include <pthread.h>
#include <string.h>

#include "stress.h"
#include "stress_net.h"

#define ISSUERS 4
#define CONSUMERS 3
#define OPS 6 /* per round: OPS receives + 1 send, then the racer's receive */
#define RACE (OPS + 1)
#define QUIT ((ULONG_PTR)-1)

typedef struct record {
    WSAOVERLAPPED ov[RACE + 1];
    char buf[RACE + 1][32];
    BOOL issued[RACE + 1];
    int expected;
    _Atomic int calls[RACE + 1];
    _Atomic int done;
    _Atomic long received;
    int sent;
} record;

static HANDLE port;
static long rounds;
static record **records; /* ISSUERS x rounds, kept to the end: a late packet still lands in one */

static void *consumer(void *arg) {
    (void)arg;
    for (;;) {
        DWORD n;
        ULONG_PTR key;
        LPOVERLAPPED ov;
        BOOL ok = GetQueuedCompletionStatus(port, &n, &key, &ov, INFINITE);
        if (ok && key == QUIT && !ov)
            return NULL;
        CHECK(ov != NULL);
        if (!ov)
            continue;
        DWORD err = ok ? 0 : GetLastError();
        record *r = (record *)key;
        long i = ov - r->ov;
        CHECK(i >= 0 && i <= RACE);
        if (i < 0 || i > RACE)
            continue;
        CHECK(err == 0 || err == ERROR_CONNECTION_ABORTED);
        if (err)
            CHECK_EQ(n, 0);
        if (i != OPS)
            atomic_fetch_add(&r->received, (long)n);
        atomic_fetch_add(&r->calls[i], 1);
        atomic_fetch_add(&r->done, 1);
        OP();
    }
}

typedef struct issuer {
    int id;
    SOCKET listener;
    struct sockaddr_in addr;
    /* the racer: the round's socket and record, `go` to start, `gone` when
     * its WSARecv has returned; `quit` ends it */
    SOCKET victim;
    record *r;
    _Atomic int go, gone, quit;
} issuer;

static void *racer(void *arg) {
    issuer *w = arg;
    for (;;) {
        while (!atomic_load(&w->go) && !atomic_load(&w->quit))
            Sleep(0);
        if (!atomic_load(&w->go))
            return NULL;
        atomic_store(&w->go, 0);
        record *r = w->r;
        WSABUF b = {sizeof r->buf[RACE], r->buf[RACE]};
        DWORD f = 0;
        int res = WSARecv(w->victim, &b, 1, NULL, &f, &r->ov[RACE], NULL);
        int err = res == 0 ? 0 : WSAGetLastError();
        r->issued[RACE] = res == 0 || err == WSA_IO_PENDING;
        CHECK(r->issued[RACE] || err == WSAENOTSOCK);
        atomic_store(&w->gone, 1);
    }
}

static void *issue(void *arg) {
    issuer *w = arg;
    unsigned seed = 0x1234u + (unsigned)w->id;
    char data[OPS * 32];
    memset(data, 'i', sizeof data);
    for (long k = 0; k < rounds; k++) {
        record *r = records[w->id * rounds + k];
        SOCKET peer = socket(AF_INET, SOCK_STREAM, 0);
        CHECK_EQ(connect(peer, (struct sockaddr *)&w->addr, sizeof w->addr), 0);
        SOCKET victim = accept(w->listener, NULL, NULL);
        CHECK(victim != INVALID_SOCKET);
        CHECK(CreateIoCompletionPort((HANDLE)(ULONG_PTR)victim, port, (ULONG_PTR)r, 0) == port);
        for (int i = 0; i <= OPS; i++) {
            int res;
            if (i < OPS) {
                WSABUF b = {sizeof r->buf[i], r->buf[i]};
                DWORD f = 0;
                res = WSARecv(victim, &b, 1, NULL, &f, &r->ov[i], NULL);
            } else {
                WSABUF b = {5, "hello"};
                res = WSASend(victim, &b, 1, NULL, 0, &r->ov[i], NULL);
            }
            r->issued[i] = res == 0 || WSAGetLastError() == WSA_IO_PENDING;
            CHECK(r->issued[i]);
            r->expected += r->issued[i];
        }
        r->sent = (int)(stress_rand(&seed) % sizeof data);
        if (r->sent)
            CHECK_EQ(send(peer, data, r->sent, 0), r->sent);
        w->victim = victim;
        w->r = r;
        atomic_store(&w->gone, 0);
        atomic_store(&w->go, 1);
        if (stress_rand(&seed) & 1)
            Sleep(0);
        CHECK_EQ(closesocket(victim), 0);
        while (!atomic_load(&w->gone))
            Sleep(0);
        r->expected += r->issued[RACE];
        /* every packet of the round comes, then no more */
        while (atomic_load(&r->done) < r->expected)
            Sleep(1);
        closesocket(peer);
    }
    return NULL;
}

int main(void) {
    stress_watchdog("iocp", 240);
    stress_settle();
    rounds = stress_scaled(150);
    int fds = stress_fd_count();
    stress_wsa_start();
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, CONSUMERS);
    CHECK(port != NULL);
    records = calloc((size_t)(ISSUERS * rounds), sizeof *records);
    for (long i = 0; i < ISSUERS * rounds; i++)
        records[i] = calloc(1, sizeof **records);
    pthread_t c[CONSUMERS], t[ISSUERS], rt[ISSUERS];
    static issuer w[ISSUERS];
    for (int i = 0; i < CONSUMERS; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
    for (int i = 0; i < ISSUERS; i++) {
        w[i].id = i;
        w[i].listener = stress_listener(&w[i].addr, 16);
        pthread_create(&rt[i], NULL, racer, &w[i]);
        pthread_create(&t[i], NULL, issue, &w[i]);
    }
    for (int i = 0; i < ISSUERS; i++) {
        pthread_join(t[i], NULL);
        atomic_store(&w[i].quit, 1);
        pthread_join(rt[i], NULL);
    }
    Sleep(50); /* a doubled or late packet would arrive now */
    for (int i = 0; i < CONSUMERS; i++)
        CHECK(PostQueuedCompletionStatus(port, 0, QUIT, NULL));
    for (int i = 0; i < CONSUMERS; i++)
        pthread_join(c[i], NULL);
    for (long i = 0; i < ISSUERS * rounds; i++) {
        record *r = records[i];
        for (int k = 0; k <= RACE; k++)
            CHECK_EQ(atomic_load(&r->calls[k]), r->issued[k] ? 1 : 0);
        CHECK(atomic_load(&r->received) <= r->sent);
        free(r);
    }
    free(records);
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    CHECK(!GetQueuedCompletionStatus(port, &n, &key, &ov, 0));
    CHECK_EQ(GetLastError(), WAIT_TIMEOUT);
    CHECK(CloseHandle(port));
    for (int i = 0; i < ISSUERS; i++)
        closesocket(w[i].listener);
    CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(stress_fd_count(), fds);
    return stress_finish("iocp");
}
