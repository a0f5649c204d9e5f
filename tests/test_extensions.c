/* The extension functions of SIO_GET_EXTENSION_FUNCTION_POINTER: AcceptEx,
 * GetAcceptExSockaddrs, ConnectEx, DisconnectEx, WSARecvMsg; and overlapped
 * WSAIoctl. Facts: windows-behaviour.md F117, F127, F184-F190, F217-F220,
 * F232, F241. */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <windows.h>
#include <mswsock.h>
#include <string.h>

#include "common.h"
#include "pairs.h"

#define ST_PENDING 0x103u
#define ST_CANCELLED 0xC0000120u

TestSuite(extensions, .init = wsa_start, .fini = wsa_stop);

Test(extensions, pointers) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ext(s, (GUID)WSAID_ACCEPTEX);
    ext(s, (GUID)WSAID_GETACCEPTEXSOCKADDRS);
    ext(s, (GUID)WSAID_CONNECTEX);
    ext(s, (GUID)WSAID_DISCONNECTEX);
    ext(s, (GUID)WSAID_WSARECVMSG);
    GUID bogus = {1, 2, 3, {4}};
    void *fn;
    DWORD n = 0;
    cr_assert_eq(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &bogus, sizeof bogus, &fn, sizeof fn, &n, NULL, NULL),
                 SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL); /* F190 */
    closesocket(s);
}

/* AcceptEx into a pre-created socket with a first receive; the addresses
 * as GetAcceptExSockaddrs reads them. */
Test(extensions, acceptex_with_data) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    LPFN_ACCEPTEX acceptex = ext(l, (GUID)WSAID_ACCEPTEX);
    LPFN_GETACCEPTEXSOCKADDRS sockaddrs = ext(l, (GUID)WSAID_GETACCEPTEXSOCKADDRS);
    SOCKET acc = socket(AF_INET, SOCK_STREAM, 0);
    enum { ADDR = sizeof(struct sockaddr_in) + 16 };
    char buf[8 + 2 * ADDR];
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD got = 0xdead;
    cr_assert_not(acceptex(l, acc, buf, 8, ADDR, ADDR, &got, &ov));
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(ov.Internal, ST_PENDING);
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    /* connected, but AcceptEx waits for the first data (F217) */
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 100), WAIT_TIMEOUT);
    cr_assert_eq(send(c, "firstbyt", 8, 0), 8);
    DWORD n = 0, fl;
    cr_assert(WSAGetOverlappedResult(l, &ov, &n, TRUE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, 8);
    cr_assert_eq(memcmp(buf, "firstbyt", 8), 0);
    cr_assert_eq(setsockopt(acc, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&l, sizeof l), 0);
    struct sockaddr *local, *remote;
    int llen = 0, rlen = 0;
    sockaddrs(buf, 8, ADDR, ADDR, &local, &llen, &remote, &rlen);
    cr_assert_eq(llen, sizeof(struct sockaddr_in));
    cr_assert_eq(rlen, sizeof(struct sockaddr_in));
    struct sockaddr_in cl;
    int len = sizeof cl;
    getsockname(c, (struct sockaddr *)&cl, &len);
    cr_assert_eq(((struct sockaddr_in *)remote)->sin_port, cl.sin_port);
    cr_assert_eq(((struct sockaddr_in *)local)->sin_port, a.sin_port);
    /* the accepted socket works */
    cr_assert_eq(send(acc, "back", 4, 0), 4);
    char r[4];
    cr_assert_eq(recv(c, r, 4, 0), 4);
    cr_assert_eq(memcmp(r, "back", 4), 0);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(acc);
    closesocket(l);
}

Test(extensions, acceptex_errors_and_close) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    LPFN_ACCEPTEX acceptex = ext(l, (GUID)WSAID_ACCEPTEX);
    SOCKET acc = socket(AF_INET, SOCK_STREAM, 0);
    enum { ADDR = sizeof(struct sockaddr_in) + 16 };
    char buf[2 * ADDR];
    DWORD got;
    WSAOVERLAPPED ov = {0};
    cr_assert_not(acceptex(l, acc, buf, 0, ADDR, ADDR, &got, NULL));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_PARAMETER); /* F217 */
    cr_assert_not(acceptex(l, acc, buf, 0, ADDR, 0, &got, &ov));
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_not(acceptex(INVALID_SOCKET, acc, buf, 0, ADDR, ADDR, &got, &ov));
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK); /* F92 */
    SOCKET udp = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert_not(acceptex(l, udp, buf, 0, ADDR, ADDR, &got, &ov));
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    closesocket(udp);
    /* F127: closesocket of the listener aborts a pending AcceptEx */
    ov.hEvent = WSACreateEvent();
    cr_assert_not(acceptex(l, acc, buf, 0, ADDR, ADDR, &got, &ov));
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    closesocket(l);
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    cr_assert_eq(ov.Internal, ST_CANCELLED);
    cr_assert_eq(ov.InternalHigh, 0);
    DWORD n, fl;
    cr_assert_not(WSAGetOverlappedResult(acc, &ov, &n, FALSE, &fl));
    cr_assert_eq(WSAGetLastError(), WSA_OPERATION_ABORTED);
    WSACloseEvent(ov.hEvent);
    closesocket(acc);
}

/* F220: ConnectEx needs a bound socket, completes with the bytes of its data;
 * F232: DisconnectEx shuts the sending side. */
Test(extensions, connectex_and_disconnectex) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    LPFN_CONNECTEX connectex = ext(c, (GUID)WSAID_CONNECTEX);
    LPFN_DISCONNECTEX disconnectex = ext(c, (GUID)WSAID_DISCONNECTEX);
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD sent = 0;
    cr_assert_not(connectex(c, (struct sockaddr *)&a, sizeof a, "hey", 3, &sent, &ov));
    cr_assert_eq(WSAGetLastError(), WSAEINVAL, "unbound");
    cr_assert_not(disconnectex(c, NULL, 0, 0));
    cr_assert_eq(WSAGetLastError(), WSAENOTCONN);
    struct sockaddr_in any = loopback(0);
    cr_assert_eq(bind(c, (struct sockaddr *)&any, sizeof any), 0);
    cr_assert_not(connectex(c, (struct sockaddr *)&a, sizeof a, "hey", 3, &sent, NULL));
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_PARAMETER);
    BOOL r = connectex(c, (struct sockaddr *)&a, sizeof a, "hey", 3, &sent, &ov);
    cr_assert(r || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    DWORD n = 0, fl;
    cr_assert(WSAGetOverlappedResult(c, &ov, &n, TRUE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, 3);
    cr_assert_eq(setsockopt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0), 0);
    SOCKET s = accept(l, NULL, NULL);
    char buf[8];
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 3);
    cr_assert_eq(memcmp(buf, "hey", 3), 0);
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEISCONN);
    WSAResetEvent(ov.hEvent);
    cr_assert(disconnectex(c, &ov, 0, 0));
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 0, "the peer sees the end");
    cr_assert_eq(send(c, "x", 1, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAESHUTDOWN);
    cr_assert_eq(send(s, "ok", 2, 0), 2, "the other direction still works");
    cr_assert_eq(recv(c, buf, sizeof buf, 0), 2);
    /* refused: WSAECONNREFUSED through the overlapped result */
    SOCKET d = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(bind(d, (struct sockaddr *)&any, sizeof any), 0);
    closesocket(l);
    WSAResetEvent(ov.hEvent);
    r = connectex(d, (struct sockaddr *)&a, sizeof a, NULL, 0, &sent, &ov);
    if (!r) {
        cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING, "%d", WSAGetLastError());
        cr_assert_not(WSAGetOverlappedResult(d, &ov, &n, TRUE, &fl));
        cr_assert_eq(WSAGetLastError(), WSAECONNREFUSED);
    }
    WSACloseEvent(ov.hEvent);
    closesocket(d);
    closesocket(c);
    closesocket(s);
}

Test(extensions, wsarecvmsg) {
    struct sockaddr_in a;
    SOCKET r = bound_udp(&a), w = socket(AF_INET, SOCK_DGRAM, 0);
    LPFN_WSARECVMSG recvmsg_ = ext(r, (GUID)WSAID_WSARECVMSG);
    DWORD n;
    cr_assert_eq(recvmsg_(r, NULL, &n, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT); /* F241 */
    char data[16];
    WSABUF b = {sizeof data, data};
    struct sockaddr_in from;
    WSAMSG m = {(struct sockaddr *)&from, sizeof from, &b, 1, {0, NULL}, 0};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    cr_assert_eq(recvmsg_(r, &m, NULL, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(sendto(w, "msg", 3, 0, (struct sockaddr *)&a, sizeof a), 3);
    DWORD fl;
    cr_assert(WSAGetOverlappedResult(r, &ov, &n, TRUE, &fl));
    cr_assert_eq(n, 3);
    cr_assert_eq(memcmp(data, "msg", 3), 0);
    cr_assert_eq(m.namelen, sizeof from);
    /* synchronous */
    cr_assert_eq(sendto(w, "two", 3, 0, (struct sockaddr *)&a, sizeof a), 3);
    m.namelen = sizeof from;
    m.dwFlags = 0;
    n = 0;
    cr_assert_eq(recvmsg_(r, &m, &n, NULL, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(n, 3);
    WSACloseEvent(ov.hEvent);
    closesocket(r);
    closesocket(w);
}

static int ioctl_calls;
static DWORD ioctl_err;
static void CALLBACK on_ioctl(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)bytes, (void)ov, (void)flags;
    ioctl_err = err;
    ioctl_calls++;
}

/* F117, F184, F185, F189: overlapped WSAIoctl completes through the structure. */
Test(extensions, overlapped_wsaioctl) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    u_long v = 0;
    DWORD n = 9;
    cr_assert_eq(WSAIoctl(s, FIONREAD, NULL, 0, &v, sizeof v, &n, &ov, NULL), 0);
    cr_assert_eq(n, sizeof v);
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    cr_assert_eq(ov.Internal, 0);
    ioctl_calls = 0;
    cr_assert_eq(WSAIoctl(s, FIONBIO, &v, sizeof v, NULL, 0, &n, &ov, on_ioctl), 0);
    cr_assert_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(ioctl_calls, 1);
    cr_assert_eq(ioctl_err, 0);
    cr_assert_eq(WSAIoctl(s, 0xdeadbeef, NULL, 0, NULL, 0, &n, &ov, on_ioctl), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(ioctl_calls, 2);
    cr_assert_eq(ioctl_err, WSAEOPNOTSUPP);
    WSACloseEvent(ov.hEvent);
    closesocket(s);
}

/* ---- TF_REUSE_SOCKET ------------------------------------------------------ */

enum { REUSE_ADDR = sizeof(struct sockaddr_in) + 16 };

/* AcceptEx of one connection from a new client into acc; the client. */
static SOCKET accept_into(SOCKET l, const struct sockaddr_in *a, SOCKET acc) {
    LPFN_ACCEPTEX acceptex = ext(l, (GUID)WSAID_ACCEPTEX);
    char buf[2 * REUSE_ADDR];
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD got = 0;
    BOOL r = acceptex(l, acc, buf, 0, REUSE_ADDR, REUSE_ADDR, &got, &ov);
    cr_assert(r || WSAGetLastError() == WSA_IO_PENDING, "AcceptEx: %d", WSAGetLastError());
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(connect(c, (const struct sockaddr *)a, sizeof *a), 0, "%d", WSAGetLastError());
    DWORD n, fl;
    cr_assert(WSAGetOverlappedResult(l, &ov, &n, TRUE, &fl), "%d", WSAGetLastError());
    WSACloseEvent(ov.hEvent);
    cr_assert_eq(setsockopt(acc, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&l, sizeof l), 0);
    return c;
}

/* Data both ways over a connected pair; acc's receive is overlapped, so
 * that the loop thread watches its descriptor. */
static void exchange(SOCKET acc, SOCKET peer, const char *msg) {
    size_t len = strlen(msg);
    char buf[32] = {0};
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD n = 0, fl = 0;
    int r = WSARecv(acc, &b, 1, &n, &fl, &ov, NULL);
    cr_assert(r == 0 || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    cr_assert_eq(send(peer, msg, (int)len, 0), (int)len);
    cr_assert(WSAGetOverlappedResult(acc, &ov, &n, TRUE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, len);
    cr_assert_eq(memcmp(buf, msg, len), 0);
    cr_assert_eq(send(acc, msg, (int)len, 0), (int)len, "%d", WSAGetLastError());
    cr_assert_eq(recv(peer, buf, sizeof buf, 0), (int)len);
    WSACloseEvent(ov.hEvent);
}

/* Wait up to a second for the network events in `want` on s (any of them
 * reported together with others); what was reported, accumulated. */
static long events_until(SOCKET s, WSAEVENT e, long want) {
    long seen = 0;
    for (int i = 0; i < 10 && !(seen & want); i++) {
        if (WSAWaitForMultipleEvents(1, &e, FALSE, 100, FALSE) != WSA_WAIT_EVENT_0)
            continue;
        WSANETWORKEVENTS ev;
        cr_assert_eq(WSAEnumNetworkEvents(s, e, &ev), 0, "%d", WSAGetLastError());
        seen |= ev.lNetworkEvents;
    }
    return seen;
}

/* An accept socket event-selected before AcceptEx: the registration belongs
 * to the handle, so once AcceptEx has completed it reports the connection's
 * events: FD_READ when data comes, FD_CLOSE when the peer closes. The
 * connection takes the accept socket's own descriptor number (reuse.c), so
 * the watch is never left on a closed descriptor. (Before, the accept socket
 * got the connection's new number and the registration stayed blind.) */
Test(extensions, acceptex_into_event_selected_socket) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET acc = socket(AF_INET, SOCK_STREAM, 0);
    WSAEVENT e = WSACreateEvent();
    cr_assert_eq(WSAEventSelect(acc, e, FD_READ | FD_CLOSE), 0, "%d", WSAGetLastError());
    SOCKET c = accept_into(l, &a, acc);
    cr_assert_eq(send(c, "hello", 5, 0), 5);
    cr_assert(events_until(acc, e, FD_READ) & FD_READ, "FD_READ after AcceptEx");
    char buf[8];
    cr_assert_eq(recv(acc, buf, sizeof buf, 0), 5, "%d", WSAGetLastError());
    cr_assert_eq(memcmp(buf, "hello", 5), 0);
    closesocket(c);
    cr_assert(events_until(acc, e, FD_CLOSE) & FD_CLOSE, "FD_CLOSE after the peer closed");
    cr_assert_eq(recv(acc, buf, sizeof buf, 0), 0);
    WSACloseEvent(e);
    closesocket(acc);
    closesocket(l);
}

/* DisconnectEx(TF_REUSE_SOCKET): the connection ends (the peer reads its
 * end) and, once the call has completed, the same handle is the accept
 * socket of a second AcceptEx, as the DisconnectEx page documents. */
Test(extensions, disconnectex_reuse_then_acceptex) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET acc = tcp_overlapped();
    LPFN_DISCONNECTEX disconnectex = ext(acc, (GUID)WSAID_DISCONNECTEX);
    SOCKET c1 = accept_into(l, &a, acc);
    exchange(acc, c1, "first");
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    BOOL r = disconnectex(acc, &ov, TF_REUSE_SOCKET, 0);
    cr_assert(r || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    DWORD n = 1, fl;
    cr_assert(WSAGetOverlappedResult(acc, &ov, &n, TRUE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, 0);
    char buf[8];
    cr_assert_eq(recv(c1, buf, sizeof buf, 0), 0, "the old peer sees the end");
    /* unconnected again: a second DisconnectEx has nothing to end */
    cr_assert_not(disconnectex(acc, NULL, TF_REUSE_SOCKET, 0));
    cr_assert_eq(WSAGetLastError(), WSAENOTCONN);
    SOCKET c2 = accept_into(l, &a, acc);
    exchange(acc, c2, "second");
    /* and a third time, without an OVERLAPPED */
    cr_assert(disconnectex(acc, NULL, TF_REUSE_SOCKET, 0), "%d", WSAGetLastError());
    cr_assert_eq(recv(c2, buf, sizeof buf, 0), 0);
    SOCKET c3 = accept_into(l, &a, acc);
    exchange(acc, c3, "third");
    WSACloseEvent(ov.hEvent);
    closesocket(c1);
    closesocket(c2);
    closesocket(c3);
    closesocket(acc);
    closesocket(l);
}

/* After the reuse the socket is new: unbound (getsockname WSAEINVAL, F202;
 * ConnectEx WSAEINVAL, F220); bound, ConnectEx connects it elsewhere and
 * sends work again (no WSAESHUTDOWN left from the disconnect). */
Test(extensions, disconnectex_reuse_then_connectex) {
    struct sockaddr_in a1, a2;
    SOCKET l1 = listener(&a1), l2 = listener(&a2);
    SOCKET c = tcp_overlapped();
    LPFN_CONNECTEX connectex = ext(c, (GUID)WSAID_CONNECTEX);
    LPFN_DISCONNECTEX disconnectex = ext(c, (GUID)WSAID_DISCONNECTEX);
    cr_assert_eq(connect(c, (struct sockaddr *)&a1, sizeof a1), 0);
    SOCKET s1 = accept(l1, NULL, NULL);
    exchange(c, s1, "one");
    cr_assert(disconnectex(c, NULL, TF_REUSE_SOCKET, 0), "%d", WSAGetLastError());
    char buf[8];
    cr_assert_eq(recv(s1, buf, sizeof buf, 0), 0);
    struct sockaddr_in name;
    int len = sizeof name;
    cr_assert_eq(getsockname(c, (struct sockaddr *)&name, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD sent = 0, n, fl;
    cr_assert_not(connectex(c, (struct sockaddr *)&a2, sizeof a2, "hey", 3, &sent, &ov));
    cr_assert_eq(WSAGetLastError(), WSAEINVAL, "unbound");
    struct sockaddr_in any = loopback(0);
    cr_assert_eq(bind(c, (struct sockaddr *)&any, sizeof any), 0, "%d", WSAGetLastError());
    BOOL r = connectex(c, (struct sockaddr *)&a2, sizeof a2, "hey", 3, &sent, &ov);
    cr_assert(r || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    cr_assert(WSAGetOverlappedResult(c, &ov, &n, TRUE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, 3);
    cr_assert_eq(setsockopt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0), 0);
    SOCKET s2 = accept(l2, NULL, NULL);
    cr_assert_eq(recv(s2, buf, sizeof buf, 0), 3);
    cr_assert_eq(memcmp(buf, "hey", 3), 0);
    exchange(c, s2, "two");
    struct sockaddr_in peer;
    len = sizeof peer;
    cr_assert_eq(getpeername(c, (struct sockaddr *)&peer, &len), 0);
    cr_assert_eq(peer.sin_port, a2.sin_port);
    WSACloseEvent(ov.hEvent);
    closesocket(s1);
    closesocket(s2);
    closesocket(c);
    closesocket(l1);
    closesocket(l2);
}

/* An overlapped receive still pending when the connection is given up for
 * reuse ends once, aborted as a closesocket would end it (WSAECONNABORTED,
 * F124; no fact says what Windows reports here), before DisconnectEx
 * completes; the peer's unread data goes with the old connection. */
Test(extensions, disconnectex_reuse_ends_pending_receive) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET acc = tcp_overlapped();
    LPFN_DISCONNECTEX disconnectex = ext(acc, (GUID)WSAID_DISCONNECTEX);
    SOCKET c = accept_into(l, &a, acc);
    char buf[8];
    WSAOVERLAPPED rov;
    recv_pending(acc, &rov, buf, sizeof buf);
    DWORD n = 0, fl = 0;
    cr_assert(disconnectex(acc, NULL, TF_REUSE_SOCKET, 0), "%d", WSAGetLastError());
    cr_assert_eq(WaitForSingleObject(rov.hEvent, 0), WAIT_OBJECT_0, "ended before DisconnectEx returned");
    cr_assert_not(WSAGetOverlappedResult(acc, &rov, &n, FALSE, &fl));
    cr_assert_eq(WSAGetLastError(), WSAECONNABORTED);
    SOCKET c2 = accept_into(l, &a, acc);
    exchange(acc, c2, "after");
    WSACloseEvent(rov.hEvent);
    closesocket(c);
    closesocket(c2);
    closesocket(acc);
    closesocket(l);
}

/* closesocket of a reused socket: right after the reuse; and after a
 * second connection came through AcceptEx, with a receive pending
 * (WSAECONNABORTED, F124). */
Test(extensions, disconnectex_reuse_then_close) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET acc = tcp_overlapped();
    LPFN_DISCONNECTEX disconnectex = ext(acc, (GUID)WSAID_DISCONNECTEX);
    SOCKET c = accept_into(l, &a, acc);
    exchange(acc, c, "x");
    cr_assert(disconnectex(acc, NULL, TF_REUSE_SOCKET, 0), "%d", WSAGetLastError());
    cr_assert_eq(closesocket(acc), 0);
    closesocket(c);

    acc = tcp_overlapped();
    c = accept_into(l, &a, acc);
    exchange(acc, c, "y");
    cr_assert(disconnectex(acc, NULL, TF_REUSE_SOCKET, 0), "%d", WSAGetLastError());
    SOCKET c2 = accept_into(l, &a, acc);
    char buf[8];
    WSAOVERLAPPED ov;
    recv_pending(acc, &ov, buf, sizeof buf);
    cr_assert_eq(closesocket(acc), 0);
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    cr_assert_eq(ov.Internal, 0xC0000241u, "STATUS_CONNECTION_ABORTED: %#lx", (unsigned long)ov.Internal);
    cr_assert_eq(ov.InternalHigh, 0);
    cr_assert_eq(recv(c2, buf, sizeof buf, 0), 0, "the peer sees the close");
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(c2);
    closesocket(l);
}

/* Without TF_REUSE_SOCKET nothing is renewed (F232): connect WSAEISCONN,
 * send WSAESHUTDOWN, and AcceptEx refuses the connected socket (F217). */
Test(extensions, disconnectex_without_reuse_keeps_f232) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET acc = tcp_overlapped();
    LPFN_DISCONNECTEX disconnectex = ext(acc, (GUID)WSAID_DISCONNECTEX);
    LPFN_ACCEPTEX acceptex = ext(l, (GUID)WSAID_ACCEPTEX);
    SOCKET c = accept_into(l, &a, acc);
    cr_assert(disconnectex(acc, NULL, 0, 0), "%d", WSAGetLastError());
    cr_assert_eq(connect(acc, (struct sockaddr *)&a, sizeof a), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEISCONN);
    cr_assert_eq(send(acc, "x", 1, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAESHUTDOWN);
    char buf[2 * REUSE_ADDR];
    WSAOVERLAPPED ov = {0};
    DWORD got;
    cr_assert_not(acceptex(l, acc, buf, 0, REUSE_ADDR, REUSE_ADDR, &got, &ov));
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    cr_assert_not(disconnectex(acc, NULL, 4, 0));
    cr_assert_eq(WSAGetLastError(), WSAEINVAL, "an unknown flag");
    closesocket(c);
    closesocket(acc);
    closesocket(l);
}
