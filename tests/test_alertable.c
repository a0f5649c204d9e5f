/* Blocking Winsock calls wait alertably, as on Windows (F105, F157, F179,
 * F214): a routine queued with WPUQueueApc to a thread blocked in recv,
 * accept, connect, send, select or WSAPoll runs while the thread is blocked,
 * on that thread, and the call then goes on to complete normally. A call
 * that does not have to wait runs nothing (F104, F157). */
#include "common.h"
#include "pairs.h"
#include <ws2spi.h>
#include <pthread.h>
#include <stdatomic.h>

TestSuite(alertable, .init = wsa_start, .fini = wsa_stop, .timeout = 30);

typedef struct blocked {
    int kind;              /* what the thread blocks in */
    SOCKET s;              /* the socket it waits on */
    WSATHREADID tid;       /* the blocked thread, for WPUQueueApc */
    _Atomic int ready;     /* tid is open, the call is about to wait */
    _Atomic int returned;  /* the call returned */
    _Atomic DWORD apc_thread; /* GetCurrentThreadId() inside the routine */
    _Atomic int apc_ran_before_return;
    DWORD thread;
    int result, error;
    SOCKET accepted;
} blocked;

enum { K_RECV, K_ACCEPT, K_SELECT, K_POLL };

static void CALLBACK routine(DWORD_PTR ctx) {
    blocked *b = (blocked *)ctx;
    atomic_store(&b->apc_thread, GetCurrentThreadId());
    atomic_store(&b->apc_ran_before_return, !atomic_load(&b->returned));
}

static void *block(void *arg) {
    blocked *b = arg;
    int err;
    b->thread = GetCurrentThreadId();
    cr_assert_eq(WPUOpenCurrentThread(&b->tid, &err), 0);
    atomic_store(&b->ready, 1);
    char buf[8];
    switch (b->kind) {
    case K_RECV:
        b->result = recv(b->s, buf, sizeof buf, 0);
        break;
    case K_ACCEPT:
        b->accepted = accept(b->s, NULL, NULL);
        b->result = b->accepted == INVALID_SOCKET ? SOCKET_ERROR : 0;
        break;
    case K_SELECT: {
        fd_set r;
        FD_ZERO(&r);
        FD_SET(b->s, &r);
        struct timeval tv = {10, 0};
        b->result = select(0, &r, NULL, NULL, &tv);
        break;
    }
    default: {
        WSAPOLLFD p = {b->s, POLLRDNORM, 0};
        b->result = WSAPoll(&p, 1, 10000);
        break;
    }
    }
    b->error = WSAGetLastError();
    atomic_store(&b->returned, 1);
    WPUCloseThread(&b->tid, &err);
    return NULL;
}

/* Start a thread blocked in `kind` on s, queue the routine to it, check it
 * ran there while the call was still blocked; then wake the call with
 * wake(arg) and return once it has returned. */
static void run(blocked *b, void (*wake)(void *), void *arg) {
    pthread_t t;
    pthread_create(&t, NULL, block, b);
    while (!atomic_load(&b->ready))
        Sleep(1);
    Sleep(100); /* well inside the wait */
    int err;
    cr_assert_eq(WPUQueueApc(&b->tid, routine, (DWORD_PTR)b, &err), 0);
    for (int i = 0; i < 200 && !atomic_load(&b->apc_thread); i++)
        Sleep(5);
    cr_assert_eq(atomic_load(&b->apc_thread), b->thread, "the routine ran on the blocked thread");
    cr_assert(atomic_load(&b->apc_ran_before_return), "while it was blocked");
    Sleep(50);
    cr_assert_not(atomic_load(&b->returned), "and the call went on waiting");
    wake(arg);
    pthread_join(t, NULL);
}

static void send_byte(void *arg) { cr_assert_eq(send(*(SOCKET *)arg, "z", 1, 0), 1); }

Test(alertable, recv) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    blocked b = {.kind = K_RECV, .s = s};
    run(&b, send_byte, &c);
    cr_assert_eq(b.result, 1, "recv completed normally: %d (%d)", b.result, b.error);
    cr_assert_eq(b.error, 0, "F105: last error 0");
    closesocket(c), closesocket(s);
}

static struct sockaddr_in listen_addr;
static void connect_one(void *arg) {
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_eq(connect(c, (struct sockaddr *)&listen_addr, sizeof listen_addr), 0);
    *(SOCKET *)arg = c;
}

Test(alertable, accept) {
    SOCKET l = listener(&listen_addr), c = INVALID_SOCKET;
    blocked b = {.kind = K_ACCEPT, .s = l};
    run(&b, connect_one, &c);
    cr_assert_eq(b.result, 0, "accept completed normally (%d)", b.error);
    cr_assert_neq(b.accepted, INVALID_SOCKET);
    closesocket(b.accepted), closesocket(c), closesocket(l);
}

Test(alertable, select) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    blocked b = {.kind = K_SELECT, .s = s};
    run(&b, send_byte, &c);
    cr_assert_eq(b.result, 1, "select still counts the readable socket (%d)", b.error);
    closesocket(c), closesocket(s);
}

Test(alertable, wsapoll) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    blocked b = {.kind = K_POLL, .s = s};
    run(&b, send_byte, &c);
    cr_assert_eq(b.result, 1, "F179: WSAPoll waits alertably, then reports (%d)", b.error);
    closesocket(c), closesocket(s);
}

static atomic_int own_ran;
static void CALLBACK own_routine(DWORD_PTR ctx) {
    (void)ctx;
    atomic_fetch_add(&own_ran, 1);
}

/* A routine that supplies the data the call waits for (F105). */
static SOCKET supplier;
static void CALLBACK supply(DWORD_PTR ctx) {
    (void)ctx;
    send(supplier, "s", 1, 0);
}

Test(alertable, the_routine_can_supply_the_data) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    supplier = c;
    WSATHREADID tid;
    int err;
    cr_assert_eq(WPUOpenCurrentThread(&tid, &err), 0);
    cr_assert_eq(WPUQueueApc(&tid, supply, 0, &err), 0);
    char b = 0;
    cr_assert_eq(recv(s, &b, 1, 0), 1, "the wait ran the routine, which sent");
    cr_assert_eq(b, 's');
    cr_assert_eq(WSAGetLastError(), 0);
    WPUCloseThread(&tid, &err);
    closesocket(c), closesocket(s);
}

Test(alertable, nothing_runs_when_the_call_need_not_wait) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    wait_readable(s);
    atomic_store(&own_ran, 0);
    WSATHREADID tid;
    int err;
    cr_assert_eq(WPUOpenCurrentThread(&tid, &err), 0);
    cr_assert_eq(WPUQueueApc(&tid, own_routine, 0, &err), 0);
    char b;
    cr_assert_eq(recv(s, &b, 1, 0), 1);
    cr_assert_eq(atomic_load(&own_ran), 0, "F104: data already there, no wait, no routine");
    fd_set w;
    FD_ZERO(&w);
    FD_SET(s, &w);
    struct timeval tv = {1, 0};
    cr_assert_eq(select(0, NULL, &w, NULL, &tv), 1);
    cr_assert_eq(atomic_load(&own_ran), 0, "F157: ready at once, no routine");
    cr_assert_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(atomic_load(&own_ran), 1, "the next alertable wait runs it");
    /* nothing ready: select with a short timeout runs it and returns 0 */
    cr_assert_eq(WPUQueueApc(&tid, own_routine, 0, &err), 0);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(s, &r);
    struct timeval tv2 = {0, 500};
    cr_assert_eq(select(0, &r, NULL, NULL, &tv2), 0);
    cr_assert_eq(atomic_load(&own_ran), 2, "F157: the routine ran in select");
    WPUCloseThread(&tid, &err);
    closesocket(c), closesocket(s);
}

/* A routine a thread queued to itself (its overlapped WSASend completed at
 * once: the routine is still queued, F101) costs no eventfd write when
 * queued (apc.c); it must still run in the thread's next alertable wait:
 * here a blocking recv that has to wait, and SleepEx. */
static atomic_int self_ran;
static void CALLBACK self_sent(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)err, (void)bytes, (void)ov, (void)flags;
    atomic_fetch_add(&self_ran, 1);
}

struct later_send {
    SOCKET s;
};
static void *send_after_routine(void *arg) {
    struct later_send *l = arg;
    for (int i = 0; i < 300 && !atomic_load(&self_ran); i++)
        Sleep(10);
    send(l->s, "d", 1, 0);
    return NULL;
}

Test(alertable, own_routine_runs_in_the_next_wait) {
    SOCKET c, v;
    tcp_pair(&c, &v);
    atomic_store(&self_ran, 0);
    char out[4] = "abc";
    WSABUF wb = {3, out};
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    DWORD n = 0;
    cr_assert_eq(WSASend(c, &wb, 1, &n, 0, &ov, self_sent), 0, "an immediate send: %d", WSAGetLastError());
    cr_assert_eq(atomic_load(&self_ran), 0, "not before an alertable wait");
    struct later_send l = {v};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, send_after_routine, &l), 0);
    char in[8];
    char first[4];
    cr_assert_eq(recv(v, first, 3, MSG_WAITALL), 3);
    /* c's recv has to wait for "d", which comes only once the routine ran */
    int r = recv(c, in, sizeof in, 0);
    pthread_join(th, NULL);
    cr_expect_eq(r, 1);
    cr_expect_eq(atomic_load(&self_ran), 1, "the routine ran inside the blocking recv");
    /* and again with SleepEx */
    memset(&ov, 0, sizeof ov);
    cr_assert_eq(WSASend(c, &wb, 1, &n, 0, &ov, self_sent), 0);
    cr_expect_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    cr_expect_eq(atomic_load(&self_ran), 2);
    closesocket(c), closesocket(v);
}
