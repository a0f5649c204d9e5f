/* Overlapped WSASend / WSARecv / WSASendTo / WSARecvFrom, WSAGetOverlappedResult,
 * completion routines, and what closesocket, a peer reset and a dead loop do
 * to pending operations. Linked with the static library, so that the loop
 * can be stopped under a live socket (loop_down).
 * Facts: windows-behaviour.md F96-F103, F108, F112-F113, F118-F124, F130, F234. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <winsock2.h>
#include <windows.h>
#include <ws2spi.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "pairs.h"

/* Internal symbols of the static library (loop_down). */
int wsp__loop_start(void);
void wsp__loop_stop(void);
void common__fault_reload(void);

#define ST_PENDING 0x103u
#define ST_CONNECTION_ABORTED 0xC0000241u

TestSuite(overlapped, .init = wsa_start, .fini = wsa_stop);

static void nap_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static BOOL signalled(WSAEVENT ev) { return WaitForSingleObject(ev, 0) == WAIT_OBJECT_0; }

static void send_all(SOCKET s, const char *p, int n) {
    cr_assert_eq(send(s, p, n, 0), n, "send: %d", WSAGetLastError());
}

/* F100, F101: completed at once -> 0, bytes out, and the event is still
 * signalled; the structure holds the status and the count. */
Test(overlapped, immediate_completion_still_signals) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    send_all(c, "hello", 5);
    wait_readable(s);
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD got = 0, flags = 0;
    cr_assert_eq(WSARecv(s, &b, 1, &got, &flags, &ov, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(got, 5);
    cr_assert(signalled(ov.hEvent));
    cr_assert_eq(ov.Internal, 0);
    cr_assert_eq(ov.InternalHigh, 5);
    DWORD n = 0, fl = 99;
    cr_assert(WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl));
    cr_assert_eq(n, 5);
    cr_assert_eq(fl, 0);
    /* a send that goes at once, too */
    WSAResetEvent(ov.hEvent);
    DWORD sent = 0;
    cr_assert_eq(WSASend(c, &b, 1, &sent, 0, &ov, NULL), 0);
    cr_assert_eq(sent, sizeof buf);
    cr_assert(signalled(ov.hEvent));
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
}

/* F96, F97, F119: pending -> WSA_IO_PENDING, Internal STATUS_PENDING, the
 * count untouched, WSA_IO_INCOMPLETE without waiting; then the data. */
Test(overlapped, pending_then_completion) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD got = 0xdeadbeef, flags = 0;
    cr_assert_eq(WSARecv(s, &b, 1, &got, &flags, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(got, 0xdeadbeef);
    cr_assert_eq(ov.Internal, ST_PENDING);
    DWORD n = 77, fl = 0;
    cr_assert_not(WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl));
    cr_assert_eq(WSAGetLastError(), WSA_IO_INCOMPLETE);
    cr_assert_not(signalled(ov.hEvent));
    send_all(c, "abc", 3);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 2000, FALSE), WSA_WAIT_EVENT_0);
    cr_assert(WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl));
    cr_assert_eq(n, 3);
    cr_assert_eq(memcmp(buf, "abc", 3), 0);
    cr_assert_eq(got, 0xdeadbeef, "the count of a pending call is never written");
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
}

struct later {
    SOCKET s;
    long ms;
    const char *data;
    int len;
};

static void *send_later(void *arg) {
    struct later *l = arg;
    nap_ms(l->ms);
    send(l->s, l->data, l->len, 0);
    return NULL;
}

/* fWait TRUE waits for the completion, on the event or (hEvent NULL) on the
 * socket (F99, F121). */
Test(overlapped, get_result_waits) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    for (int with_event = 0; with_event < 2; with_event++) {
        char buf[16];
        WSABUF b = {sizeof buf, buf};
        WSAOVERLAPPED ov = {0};
        ov.hEvent = with_event ? WSACreateEvent() : NULL;
        DWORD flags = 0;
        cr_assert_eq(WSARecv(s, &b, 1, NULL, &flags, &ov, NULL), SOCKET_ERROR);
        cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
        struct later l = {c, 100, "wxyz", 4};
        pthread_t t;
        pthread_create(&t, NULL, send_later, &l);
        DWORD n = 0, fl = 5;
        cr_assert(WSAGetOverlappedResult(s, &ov, &n, TRUE, &fl), "%d", WSAGetLastError());
        cr_assert_eq(n, 4);
        cr_assert_eq(fl, 0);
        cr_assert_eq(WSAGetLastError(), 0);
        pthread_join(t, NULL);
        if (ov.hEvent)
            WSACloseEvent(ov.hEvent);
    }
    /* F123 */
    DWORD n, fl;
    cr_assert_not(WSAGetOverlappedResult(s, NULL, &n, FALSE, &fl));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_PARAMETER);
    closesocket(c);
    closesocket(s);
    WSAOVERLAPPED ov = {0};
    cr_assert_not(WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl)); /* F91 */
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
}

/* F102: two pending receives of 16 bytes, 32 arrive: first gets 0-15. */
Test(overlapped, receives_complete_in_order) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    char b1[16], b2[16];
    WSABUF w1 = {16, b1}, w2 = {16, b2};
    WSAOVERLAPPED o1 = {0}, o2 = {0};
    o1.hEvent = WSACreateEvent();
    o2.hEvent = WSACreateEvent();
    DWORD f1 = 0, f2 = 0;
    cr_assert_eq(WSARecv(s, &w1, 1, NULL, &f1, &o1, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(WSARecv(s, &w2, 1, NULL, &f2, &o2, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    char data[32];
    for (int i = 0; i < 32; i++)
        data[i] = (char)i;
    send_all(c, data, 32);
    WSAEVENT evs[2] = {o1.hEvent, o2.hEvent};
    cr_assert_eq(WSAWaitForMultipleEvents(2, evs, TRUE, 2000, FALSE), WSA_WAIT_EVENT_0);
    DWORD n1, n2, fl;
    cr_assert(WSAGetOverlappedResult(s, &o1, &n1, FALSE, &fl));
    cr_assert(WSAGetOverlappedResult(s, &o2, &n2, FALSE, &fl));
    cr_assert_eq(n1, 16);
    cr_assert_eq(n2, 16);
    cr_assert_eq(memcmp(b1, data, 16), 0);
    cr_assert_eq(memcmp(b2, data + 16, 16), 0);
    /* a receive issued while another is pending waits its turn even with
     * data there: issue one, then one more, then send */
    WSAResetEvent(o1.hEvent);
    WSAResetEvent(o2.hEvent);
    cr_assert_eq(WSARecv(s, &w1, 1, NULL, &f1, &o1, NULL), SOCKET_ERROR);
    send_all(c, data, 32);
    wait_readable(s);
    int r = WSARecv(s, &w2, 1, NULL, &f2, &o2, NULL);
    cr_assert(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
    cr_assert_eq(WSAWaitForMultipleEvents(2, evs, TRUE, 2000, FALSE), WSA_WAIT_EVENT_0);
    cr_assert(WSAGetOverlappedResult(s, &o1, &n1, FALSE, &fl));
    cr_assert(WSAGetOverlappedResult(s, &o2, &n2, FALSE, &fl));
    cr_assert_eq(memcmp(b1, data, 16), 0);
    cr_assert_eq(memcmp(b2, data + 16, 16), 0);
    WSACloseEvent(o1.hEvent);
    WSACloseEvent(o2.hEvent);
    closesocket(c);
    closesocket(s);
}

struct drain {
    SOCKET s;
    size_t want;
    unsigned char *got;
};

static void *drain_thread(void *arg) {
    struct drain *d = arg;
    size_t have = 0;
    while (have < d->want) {
        int r = recv(d->s, (char *)d->got + have, 65536, 0);
        if (r <= 0)
            break;
        have += (size_t)r;
    }
    d->want = have;
    return NULL;
}

/* F103, F234: big sends complete with all their bytes, in the order issued. */
Test(overlapped, sends_complete_whole_and_in_order) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    int small = 4096;
    setsockopt(c, SOL_SOCKET, SO_SNDBUF, (const char *)&small, sizeof small);
    enum { N = 4, SIZE = 1 << 20 };
    unsigned char *data = malloc((size_t)N * SIZE), *got = calloc((size_t)N * SIZE + 65536, 1);
    for (size_t i = 0; i < (size_t)N * SIZE; i++)
        data[i] = (unsigned char)(i * 7 + i / 4093);
    WSAOVERLAPPED ov[N];
    WSAEVENT evs[N];
    int pending = 0;
    for (int i = 0; i < N; i++) {
        memset(&ov[i], 0, sizeof ov[i]);
        ov[i].hEvent = evs[i] = WSACreateEvent();
        WSABUF b = {SIZE, (char *)data + (size_t)i * SIZE};
        DWORD sent = 0;
        int r = WSASend(c, &b, 1, &sent, 0, &ov[i], NULL);
        if (r == SOCKET_ERROR) {
            cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
            pending++;
        } else {
            cr_assert_eq(sent, SIZE);
        }
    }
    cr_assert_gt(pending, 0, "a 1 MiB send into a 4 KiB buffer waits");
    struct drain d = {s, (size_t)N * SIZE, got};
    pthread_t t;
    pthread_create(&t, NULL, drain_thread, &d);
    cr_assert_eq(WSAWaitForMultipleEvents(N, evs, TRUE, 10000, FALSE), WSA_WAIT_EVENT_0);
    for (int i = 0; i < N; i++) {
        DWORD n = 0, fl;
        cr_assert(WSAGetOverlappedResult(c, &ov[i], &n, FALSE, &fl));
        cr_assert_eq(n, SIZE);
        WSACloseEvent(evs[i]);
    }
    pthread_join(t, NULL);
    cr_assert_eq(d.want, (size_t)N * SIZE);
    cr_assert_eq(memcmp(data, got, (size_t)N * SIZE), 0, "bytes arrive in the order the sends were issued");
    free(data);
    free(got);
    closesocket(c);
    closesocket(s);
}

static _Atomic int routine_calls;
static DWORD routine_err, routine_bytes;
static LPWSAOVERLAPPED routine_ov;
static DWORD routine_thread;

static void CALLBACK on_done(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)flags;
    routine_err = err;
    routine_bytes = bytes;
    routine_ov = ov;
    routine_thread = GetCurrentThreadId();
    routine_calls++;
}

/* F112, F113: the routine runs only in an alertable wait of the issuing
 * thread, which then returns WAIT_IO_COMPLETION; the event stays unset. */
Test(overlapped, completion_routine_runs_in_alertable_wait) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    routine_calls = 0;
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    WSAEVENT ev = WSACreateEvent();
    ov.hEvent = ev;
    DWORD flags = 0;
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &flags, &ov, on_done), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    send_all(c, "12345", 5);
    /* completed by the loop: visible in the structure, the routine waits */
    for (int i = 0; i < 200 && ov.Internal == ST_PENDING; i++)
        nap_ms(5);
    cr_assert_eq(ov.Internal, 0);
    nap_ms(20);
    cr_assert_eq(SleepEx(0, FALSE), 0);
    cr_assert_eq(routine_calls, 0, "not without an alertable wait");
    cr_assert_not(signalled(ev), "F113");
    cr_assert_eq(SleepEx(1000, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(routine_calls, 1);
    cr_assert_eq(routine_err, 0);
    cr_assert_eq(routine_bytes, 5);
    cr_assert_eq(routine_ov, &ov);
    cr_assert_eq(routine_thread, GetCurrentThreadId());
    /* completed at once: 0, and the routine is still queued (F117 for
     * WSAIoctl; the same for data already there) */
    send_all(c, "678", 3);
    wait_readable(s);
    DWORD got = 0;
    cr_assert_eq(WSARecv(s, &b, 1, &got, &flags, &ov, on_done), 0);
    cr_assert_eq(got, 3);
    cr_assert_eq(routine_calls, 1);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, FALSE, 1000, TRUE), WSA_WAIT_IO_COMPLETION);
    cr_assert_eq(routine_calls, 2);
    cr_assert_eq(routine_bytes, 3);
    /* a send's routine */
    DWORD sent = 0;
    cr_assert_eq(WSASend(c, &b, 1, &sent, 0, &ov, on_done), 0);
    cr_assert_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(routine_calls, 3);
    cr_assert_eq(routine_bytes, sizeof buf);
    WSACloseEvent(ev);
    closesocket(c);
    closesocket(s);
}

/* F124: closesocket under pending sends and receives completes each once,
 * with WSAECONNABORTED (STATUS_CONNECTION_ABORTED), as Windows 8 and later
 * report it. The WSPRecv/WSPSend reference pages still name
 * WSA_OPERATION_ABORTED for this case; Windows itself says
 * WSAECONNABORTED, which is what we follow. */
Test(overlapped, close_completes_pending_with_connection_aborted) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    int small = 4096;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, (const char *)&small, sizeof small);
    char rbuf[16];
    WSABUF rb = {sizeof rbuf, rbuf};
    enum { SIZE = 8 << 20 };
    char *big = malloc(SIZE);
    memset(big, 'x', SIZE);
    WSABUF sb = {SIZE, big};
    WSAOVERLAPPED r1 = {0}, r2 = {0}, w1 = {0}, w2 = {0};
    WSAEVENT evs[3] = {WSACreateEvent(), WSACreateEvent(), WSACreateEvent()};
    r1.hEvent = evs[0];
    r2.hEvent = evs[1];
    w1.hEvent = evs[2];
    DWORD f = 0;
    routine_calls = 0;
    cr_assert_eq(WSARecv(s, &rb, 1, NULL, &f, &r1, NULL), SOCKET_ERROR);
    cr_assert_eq(WSARecv(s, &rb, 1, NULL, &f, &r2, NULL), SOCKET_ERROR);
    cr_assert_eq(WSASend(s, &sb, 1, NULL, 0, &w1, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(WSASend(s, &sb, 1, NULL, 0, &w2, on_done), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(WSAWaitForMultipleEvents(3, evs, TRUE, 2000, FALSE), WSA_WAIT_EVENT_0);
    cr_assert_eq(r1.Internal, ST_CONNECTION_ABORTED);
    cr_assert_eq(r2.Internal, ST_CONNECTION_ABORTED);
    cr_assert_eq(w1.Internal, ST_CONNECTION_ABORTED);
    cr_assert_eq(r1.InternalHigh, 0);
    cr_assert_eq(SleepEx(2000, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(routine_calls, 1);
    cr_assert_eq(routine_err, WSAECONNABORTED);
    cr_assert_eq(routine_ov, &w2);
    /* exactly once: nothing more comes */
    WSAResetEvent(evs[0]);
    cr_assert_eq(SleepEx(100, TRUE), 0);
    cr_assert_eq(routine_calls, 1);
    cr_assert_not(signalled(evs[0]));
    for (int i = 0; i < 3; i++)
        WSACloseEvent(evs[i]);
    free(big);
    closesocket(c);
}

/* F130: a reset from the peer ends a pending receive with WSAECONNRESET. */
Test(overlapped, peer_reset_under_pending_receive) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    char buf[16];
    WSAOVERLAPPED ov;
    recv_pending(s, &ov, buf, sizeof buf);
    struct linger lg = {1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof lg);
    closesocket(c);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 2000, FALSE), WSA_WAIT_EVENT_0);
    DWORD n = 9, fl;
    cr_assert_not(WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl));
    cr_assert_eq(WSAGetLastError(), WSAECONNRESET);
    cr_assert_eq(n, 0);
    WSACloseEvent(ov.hEvent);
    closesocket(s);
}

/* F132: a graceful close from the peer completes a pending receive with 0. */
Test(overlapped, peer_close_completes_with_zero) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    char buf[16];
    WSAOVERLAPPED ov;
    recv_pending(s, &ov, buf, sizeof buf);
    closesocket(c);
    DWORD n = 9, fl;
    cr_assert(WSAGetOverlappedResult(s, &ov, &n, TRUE, &fl));
    cr_assert_eq(n, 0);
    WSACloseEvent(ov.hEvent);
    closesocket(s);
}

/* F98: FIONBIO does not matter; F108: a zero-length receive waits for data
 * and takes none. */
Test(overlapped, nonblocking_mode_and_zero_length) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    u_long on = 1;
    cr_assert_eq(ioctlsocket(s, FIONBIO, &on), 0);
    WSAOVERLAPPED ov;
    recv_pending(s, &ov, NULL, 0);
    send_all(c, "12345", 5);
    DWORD n = 9, fl;
    cr_assert(WSAGetOverlappedResult(s, &ov, &n, TRUE, &fl));
    cr_assert_eq(n, 0);
    char buf[8];
    wait_readable(s);
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 5, "the data is still there");
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
}

/* F47: on a non-overlapped socket an overlapped call runs synchronously and
 * still completes through the structure. */
Test(overlapped, non_overlapped_socket_runs_synchronously) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET c = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, 0);
    cr_assert_neq(c, INVALID_SOCKET);
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    SOCKET s = accept(l, NULL, NULL);
    struct later lt = {s, 100, "sync", 4};
    pthread_t t;
    pthread_create(&t, NULL, send_later, &lt);
    char buf[8];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD got = 0, f = 0;
    cr_assert_eq(WSARecv(c, &b, 1, &got, &f, &ov, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(got, 4);
    cr_assert(signalled(ov.hEvent));
    cr_assert_eq(ov.InternalHigh, 4);
    pthread_join(t, NULL);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
    closesocket(l);
}

/* Datagrams: WSARecvFrom pending, the sender's address at completion;
 * WSASendTo overlapped completes at once. */
Test(overlapped, datagrams) {
    struct sockaddr_in a;
    SOCKET r = bound_udp(&a), w = socket(AF_INET, SOCK_DGRAM, 0);
    char buf[32];
    WSABUF b = {sizeof buf, buf};
    struct sockaddr_in from;
    int fromlen = sizeof from;
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD f = 0;
    cr_assert_eq(WSARecvFrom(r, &b, 1, NULL, &f, (struct sockaddr *)&from, &fromlen, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    WSABUF d = {7, "datagrm"};
    WSAOVERLAPPED wo = {0};
    wo.hEvent = WSACreateEvent();
    DWORD sent = 0;
    cr_assert_eq(WSASendTo(w, &d, 1, &sent, 0, (struct sockaddr *)&a, sizeof a, &wo, NULL), 0);
    cr_assert_eq(sent, 7);
    cr_assert(signalled(wo.hEvent));
    DWORD n, fl;
    cr_assert(WSAGetOverlappedResult(r, &ov, &n, TRUE, &fl));
    cr_assert_eq(n, 7);
    cr_assert_eq(memcmp(buf, "datagrm", 7), 0);
    cr_assert_eq(fromlen, sizeof from);
    cr_assert_eq(from.sin_family, AF_INET);
    struct sockaddr_in wa;
    int len = sizeof wa;
    getsockname(w, (struct sockaddr *)&wa, &len);
    cr_assert_eq(from.sin_port, wa.sin_port);
    WSACloseEvent(ov.hEvent);
    WSACloseEvent(wo.hEvent);
    closesocket(r);
    closesocket(w);
}

static DWORD apc_err, apc_bytes, apc_flags;
static int apc_runs;
static void CALLBACK record(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)ov;
    apc_err = err, apc_bytes = bytes, apc_flags = flags;
    apc_runs++;
}

/* F116: a completion routine gets the error, the byte count and dwFlags 0:
 * a datagram cut to a 6-byte buffer gives WSAEMSGSIZE and 6, whether the
 * receive was pending or completed at once (where WSARecv's own lpFlags says
 * MSG_PARTIAL). */
Test(overlapped, routine_arguments_for_a_truncated_datagram) {
    struct sockaddr_in a;
    SOCKET r = bound_udp(&a), w = udp();
    for (int pending = 0; pending < 2; pending++) {
        char small[6];
        WSABUF b = {sizeof small, small};
        DWORD f = 0;
        WSAOVERLAPPED ov = {0};
        apc_runs = 0;
        if (!pending) {
            cr_assert_eq(sendto(w, "abcdefghij", 10, 0, (struct sockaddr *)&a, sizeof a), 10);
            wait_readable(r);
            EXPECT_ERR(WSARecv(r, &b, 1, NULL, &f, &ov, record), WSAEMSGSIZE);
            cr_assert_eq(f, MSG_PARTIAL);
        } else {
            EXPECT_ERR(WSARecv(r, &b, 1, NULL, &f, &ov, record), WSA_IO_PENDING);
            cr_assert_eq(sendto(w, "abcdefghij", 10, 0, (struct sockaddr *)&a, sizeof a), 10);
        }
        cr_assert_eq(SleepEx(2000, TRUE), WAIT_IO_COMPLETION, "pending %d", pending);
        cr_assert_eq(apc_runs, 1);
        cr_assert_eq(apc_err, WSAEMSGSIZE, "pending %d: %lu", pending, (unsigned long)apc_err);
        cr_assert_eq(apc_bytes, 6);
        cr_assert_eq(apc_flags, 0, "pending %d: %#lx", pending, (unsigned long)apc_flags);
    }
    closesocket(r);
    closesocket(w);
}

/* The loop cannot run (WS2POSIX_FAULT=loop from here on): overlapped calls
 * fail with WSAENETDOWN at once, never hang; plain calls still work. */
Test(overlapped, loop_down_is_netdown) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    setenv("WS2POSIX_FAULT", "loop", 1);
    common__fault_reload();
    wsp__loop_stop();
    cr_assert_neq(wsp__loop_start(), 0);
    char buf[8];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    DWORD f = 0;
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &f, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENETDOWN);
    cr_assert_eq(WSASend(c, &b, 1, NULL, 0, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENETDOWN);
    cr_assert_eq(send(c, "ok", 2, 0), 2);
    unsetenv("WS2POSIX_FAULT");
    common__fault_reload();
    closesocket(c);
    closesocket(s);
}

/* WPUCompleteOverlappedRequest: for handles made with WPUCreateSocketHandle
 * only; InternalHigh, Internal, then the event; Offset/OffsetHigh left to
 * the provider. */
Test(overlapped, wpu_complete_overlapped_request) {
    int err = 0;
    SOCKET h = WPUCreateSocketHandle(1001, 0x1234, &err);
    cr_assert_neq(h, INVALID_SOCKET, "%d", err);
    WSAOVERLAPPED ov = {0};
    ov.Internal = ST_PENDING;
    ov.Offset = 0x55;
    ov.OffsetHigh = 0x66;
    ov.hEvent = WSACreateEvent();
    cr_assert_eq(WPUCompleteOverlappedRequest(h, &ov, 0, 7, &err), 0);
    cr_assert_eq(ov.Internal, 0);
    cr_assert_eq(ov.InternalHigh, 7);
    cr_assert_eq(ov.Offset, 0x55);
    cr_assert_eq(ov.OffsetHigh, 0x66);
    cr_assert(signalled(ov.hEvent));
    WSAResetEvent(ov.hEvent);
    cr_assert_eq(WPUCompleteOverlappedRequest(h, &ov, WSAECONNRESET, 0, &err), 0);
    cr_assert_neq(ov.Internal, 0);
    cr_assert(signalled(ov.hEvent));
    /* an IFS handle (the base provider's) is refused */
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    err = 0;
    cr_assert_eq(WPUCompleteOverlappedRequest(s, &ov, 0, 0, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    closesocket(s);
    cr_assert_eq(WPUCloseSocketHandle(h, &err), 0);
    WSACloseEvent(ov.hEvent);
}

/* After an overlapped receive completes, the loop may go on polling the
 * descriptor (provider/loop.c: no epoll_ctl(2) per operation), but data that
 * then arrives with no receive pending must not make it spin: the process
 * stays idle while the data waits, and the next WSARecv gets it. */
/* (not getrusage: winsock2.h's timeval is Windows' 32-bit one) */
static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

Test(ovl, idle_readable_socket_does_not_spin, .init = wsa_start, .fini = wsa_stop, .timeout = 20) {
    SOCKET c, v;
    tcp_pair(&c, &v);
    char buf[8];
    WSABUF wb = {sizeof buf, buf};
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    DWORD n = 0, f = 0;
    cr_assert_eq(WSARecv(v, &wb, 1, &n, &f, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(send(c, "a", 1, 0), 1);
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    cr_assert(WSAGetOverlappedResult(v, &ov, &n, FALSE, &f));
    cr_assert_eq(n, 1);
    /* nothing pending now; data arrives and waits */
    cr_assert_eq(send(c, "bc", 2, 0), 2);
    double t0 = cpu_seconds();
    nap_ms(300);
    double used = cpu_seconds() - t0;
    cr_expect(used < 0.1, "the loop spun: %.3f s of CPU in 0.3 s", used);
    WSAResetEvent(ov.hEvent);
    memset(&ov.Internal, 0, sizeof ov - offsetof(WSAOVERLAPPED, Internal) - sizeof ov.hEvent);
    int r = WSARecv(v, &wb, 1, &n, &f, &ov, NULL);
    cr_assert(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    cr_assert(WSAGetOverlappedResult(v, &ov, &n, FALSE, &f));
    cr_expect_eq(n, 2);
    WSACloseEvent(ov.hEvent);
    closesocket(c), closesocket(v);
}

/* F230: shutdown(SD_RECEIVE) with an overlapped WSARecv pending: a new
 * receive, blocking or overlapped, fails with WSAESHUTDOWN at once, while
 * the pending one stays pending and completes with the data that comes
 * (Linux' SHUT_RD would end it with 0 bytes: SD_RECEIVE stays Winsock's). */
Test(overlapped, sd_receive_leaves_a_pending_recv_pending) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSAOVERLAPPED ov;
    char buf[16];
    recv_pending(s, &ov, buf, sizeof buf);
    cr_assert_eq(shutdown(s, SD_RECEIVE), 0, "%d", WSAGetLastError());
    char b2[4];
    EXPECT_ERR(recv(s, b2, sizeof b2, 0), WSAESHUTDOWN);
    WSABUF b = {sizeof b2, b2};
    DWORD fl = 0, n = 0;
    WSAOVERLAPPED ov2 = {0};
    EXPECT_ERR(WSARecv(s, &b, 1, NULL, &fl, &ov2, NULL), WSAESHUTDOWN);
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 200), WAIT_TIMEOUT, "the pending receive ended");
    cr_assert_eq(send(c, "hello", 5, 0), 5);
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    cr_assert(WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, 5);
    cr_assert_eq(memcmp(buf, "hello", 5), 0);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
}

/* F111: an overlapped receive outlives the thread that issued it (Vista
 * on): it completes with the data that comes after the thread has gone. */
typedef struct issued_elsewhere {
    SOCKET s;
    WSAOVERLAPPED *ov;
    char *buf;
    int r, err;
} issued_elsewhere;

static void *issue_and_exit(void *arg) {
    issued_elsewhere *x = arg;
    WSABUF b = {16, x->buf};
    DWORD f = 0;
    x->r = WSARecv(x->s, &b, 1, NULL, &f, x->ov, NULL);
    x->err = WSAGetLastError();
    return NULL;
}

Test(overlapped, receive_outlives_its_thread) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    char buf[16];
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    issued_elsewhere x = {s, &ov, buf, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, issue_and_exit, &x);
    pthread_join(t, NULL);
    cr_assert_eq(x.r, SOCKET_ERROR);
    cr_assert_eq(x.err, WSA_IO_PENDING);
    cr_assert_eq(send(c, "abc", 3, 0), 3);
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    DWORD n = 0, fl;
    cr_assert(WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, 3);
    cr_assert_eq(memcmp(buf, "abc", 3), 0);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
}
