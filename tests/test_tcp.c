/*
 * TCP connections and data as Windows has them: loopback exchanges over IPv4
 * and IPv6, and every error path with the code Windows gives. F... ids
 * restate shared/reference/windows-behaviour.md.
 */
#define _GNU_SOURCE /* usleep */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

#include "common.h"
#include "pairs.h"

static void set_nonblocking(SOCKET s) {
    u_long one = 1;
    cr_assert_eq(ioctlsocket(s, FIONBIO, &one), 0);
}

static u_short closed_port(void) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    closesocket(l);
    return a.sin_port;
}

/* ---- exchanges ---- */

Test(tcp, exchange_ipv4, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    WSASetLastError(0xdead);
    cr_assert_eq(send(c, "hello", 5, 0), 5);
    cr_expect_eq(WSAGetLastError(), 0, "success clears the last error");
    char buf[16] = {0};
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 5);
    cr_expect_str_eq(buf, "hello");

    /* F106: scatter/gather: "deadbeefs" into 4 + 5 */
    WSABUF out[2] = {{4, "dead"}, {5, "beefs"}};
    DWORD n = 0, flags = 0;
    cr_assert_eq(WSASend(s, out, 2, &n, 0, NULL, NULL), 0);
    cr_expect_eq(n, 9);
    char a[4], b[5];
    WSABUF in[2] = {{4, a}, {5, b}};
    n = 0;
    cr_assert_eq(WSARecv(c, in, 2, &n, &flags, NULL, NULL), 0);
    cr_expect_eq(n, 9);
    cr_expect_eq(flags, 0);
    cr_expect(memcmp(a, "dead", 4) == 0 && memcmp(b, "beefs", 5) == 0);

    /* names: each end's peer is the other's name */
    struct sockaddr_in cn, cp, sn, sp;
    int len = sizeof cn;
    cr_assert_eq(getsockname(c, (struct sockaddr *)&cn, &len), 0);
    cr_expect_eq(len, (int)sizeof cn);
    len = sizeof sp;
    cr_assert_eq(getpeername(s, (struct sockaddr *)&sp, &len), 0);
    cr_expect_eq(cn.sin_port, sp.sin_port);
    len = sizeof sn;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&sn, &len), 0);
    len = sizeof cp;
    cr_assert_eq(getpeername(c, (struct sockaddr *)&cp, &len), 0);
    cr_expect_eq(sn.sin_port, cp.sin_port);

    /* F164: peer close -> recv 0 */
    closesocket(s);
    cr_expect_eq(recv(c, buf, sizeof buf, 0), 0);
    closesocket(c);
}

Test(tcp, exchange_ipv6, .init = wsa_start, .fini = wsa_stop) {
    SOCKET l = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_neq(l, INVALID_SOCKET);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr.s6_addr[15] = 1; /* ::1 */
    if (bind(l, (struct sockaddr *)&a, sizeof a) != 0) {
        closesocket(l);
        cr_skip("no IPv6 loopback here (%d)", WSAGetLastError());
    }
    cr_assert_eq(listen(l, 4), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
    cr_expect_eq(len, (int)sizeof a);
    cr_expect_eq(a.sin6_family, AF_INET6);

    SOCKET c = socket(AF_INET6, SOCK_STREAM, 0);
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0, "connect: %d", WSAGetLastError());
    SOCKADDR_STORAGE ss;
    len = sizeof ss;
    SOCKET s = accept(l, (struct sockaddr *)&ss, &len);
    cr_assert_neq(s, INVALID_SOCKET, "accept: %d", WSAGetLastError());
    cr_expect_eq(len, (int)sizeof(struct sockaddr_in6));
    cr_expect_eq(ss.ss_family, AF_INET6);

    cr_assert_eq(send(s, "six", 3, 0), 3);
    char buf[8];
    cr_assert_eq(recv(c, buf, sizeof buf, 0), 3);
    cr_expect(memcmp(buf, "six", 3) == 0);

    /* F201: the old 24-byte sockaddr_in6 is too short */
    len = 24;
    EXPECT_ERR(getsockname(c, (struct sockaddr *)&a, &len), WSAEFAULT);
    cr_expect_eq(len, 24);
    SOCKET b = socket(AF_INET6, SOCK_STREAM, 0);
    a.sin6_port = 0;
    EXPECT_ERR(bind(b, (struct sockaddr *)&a, 24), WSAEFAULT);
    closesocket(b), closesocket(s), closesocket(c), closesocket(l);
}

/* ---- handles ---- */

Test(tcp, not_sockets, .init = wsa_start, .fini = wsa_stop) {
    SOCKET dead = tcp();
    closesocket(dead);
    SOCKET bad[] = {0, (SOCKET)0xdeadbeef, INVALID_SOCKET, dead};
    struct sockaddr_in a = loopback(htons(9));
    char buf[4];
    int len = sizeof a;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        SOCKET s = bad[i];
        EXPECT_ERR(bind(s, (struct sockaddr *)&a, sizeof a), WSAENOTSOCK);
        EXPECT_ERR(listen(s, 1), WSAENOTSOCK); /* F81 */
        EXPECT_INVALID(accept(s, NULL, NULL), WSAENOTSOCK);
        EXPECT_ERR(connect(s, (struct sockaddr *)&a, sizeof a), WSAENOTSOCK);
        EXPECT_ERR(send(s, "x", 1, 0), WSAENOTSOCK);
        EXPECT_ERR(recv(s, buf, 1, MSG_PEEK), WSAENOTSOCK); /* F94 */
        EXPECT_ERR(shutdown(s, SD_BOTH), WSAENOTSOCK);
        EXPECT_ERR(getsockname(s, (struct sockaddr *)&a, &len), WSAENOTSOCK);
        EXPECT_ERR(getpeername(s, NULL, NULL), WSAENOTSOCK); /* F90 */
        WSABUF wb = {1, buf};
        DWORD n, f = 0;
        WSAOVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        EXPECT_ERR(WSASend(s, &wb, 1, NULL, 0, &ov, NULL), WSAENOTSOCK); /* F87 */
        EXPECT_ERR(WSASendTo(s, &wb, 1, &n, 0, (struct sockaddr *)&a, sizeof a, NULL, NULL), WSAENOTSOCK); /* F88 */
        EXPECT_ERR(WSARecv(s, &wb, 1, &n, &f, NULL, NULL), WSAENOTSOCK);
        EXPECT_ERR(WSASendDisconnect(s, NULL), WSAENOTSOCK);
        EXPECT_ERR(WSARecvDisconnect(s, NULL), WSAENOTSOCK);
    }
}

/* ---- bind ---- */

Test(tcp, bind_errors, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    struct sockaddr_in a = loopback(0);
    /* F196 */
    EXPECT_ERR(bind(s, NULL, 0), WSAEFAULT);
    EXPECT_ERR(bind(s, NULL, sizeof a), WSAEFAULT);
    EXPECT_ERR(bind(s, (struct sockaddr *)&a, 0), WSAEFAULT);
    EXPECT_ERR(bind(s, (struct sockaddr *)&a, sizeof a - 1), WSAEFAULT);
    /* F197 */
    struct sockaddr_in odd = a;
    odd.sin_family = 0xdead;
    EXPECT_ERR(bind(s, (struct sockaddr *)&odd, sizeof odd), WSAEAFNOSUPPORT);
    /* F198 */
    struct sockaddr_in far = a;
    far.sin_addr.s_addr = htonl(0xc0000200); /* 192.0.2.0 */
    EXPECT_ERR(bind(s, (struct sockaddr *)&far, sizeof far), WSAEADDRNOTAVAIL);
    /* F199: success clears the last error; a second bind is WSAEINVAL */
    WSASetLastError(0xdead);
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    cr_expect_eq(WSAGetLastError(), 0);
    EXPECT_ERR(bind(s, (struct sockaddr *)&a, sizeof a), WSAEINVAL);
    /* F200: the same address from another socket, also while listening */
    int len = sizeof a;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    cr_expect_neq(a.sin_port, 0, "F202: the port is assigned at bind");
    SOCKET t = tcp();
    EXPECT_ERR(bind(t, (struct sockaddr *)&a, sizeof a), WSAEADDRINUSE);
    cr_assert_eq(listen(s, 1), 0);
    EXPECT_ERR(bind(t, (struct sockaddr *)&a, sizeof a), WSAEADDRINUSE);
    closesocket(t), closesocket(s);
}

/* ---- listen ---- */

Test(tcp, listen_errors, .init = wsa_start, .fini = wsa_stop) {
    SOCKET u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loopback(0);
    cr_assert_eq(bind(u, (struct sockaddr *)&a, sizeof a), 0);
    EXPECT_ERR(listen(u, 1), WSAEOPNOTSUPP); /* F208 */
    closesocket(u);

    /* F209: unbound, whatever the backlog */
    SOCKET s = tcp();
    EXPECT_ERR(listen(s, -2), WSAEINVAL);
    EXPECT_ERR(listen(s, 1), WSAEINVAL);
    EXPECT_ERR(listen(s, SOMAXCONN), WSAEINVAL);
    /* F211: twice is fine */
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    cr_expect_eq(listen(s, 0), 0);
    cr_expect_eq(listen(s, SOMAXCONN), 0);
    closesocket(s);

    /* a connected socket: WSAEINVAL (the listen page says WSAEISCONN; AFD
     * answers invalid parameter, which is what we follow) */
    SOCKET c, v;
    tcp_pair(&c, &v);
    EXPECT_ERR(listen(c, 1), WSAEINVAL);
    EXPECT_ERR(listen(v, 1), WSAEINVAL);
    closesocket(c), closesocket(v);
}

/* ---- accept ---- */

Test(tcp, accept_errors_and_address, .init = wsa_start, .fini = wsa_stop) {
    /* not listening: WSAEINVAL; a datagram socket: WSAEOPNOTSUPP */
    SOCKET s = tcp();
    EXPECT_INVALID(accept(s, NULL, NULL), WSAEINVAL);
    struct sockaddr_in a = loopback(0);
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    EXPECT_INVALID(accept(s, NULL, NULL), WSAEINVAL);
    closesocket(s);
    SOCKET u = socket(AF_INET, SOCK_DGRAM, 0);
    EXPECT_INVALID(accept(u, NULL, NULL), WSAEOPNOTSUPP);
    closesocket(u);

    SOCKET l = listener(&a);
    SOCKET c1 = tcp(), c2 = tcp(), c3 = tcp();
    cr_assert_eq(connect(c1, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(connect(c2, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(connect(c3, (struct sockaddr *)&a, sizeof a), 0);

    /* F213: len 0 -> WSAEFAULT with len left at 0, no connection taken */
    SOCKADDR_STORAGE ss;
    int len = 0;
    EXPECT_INVALID(accept(l, (struct sockaddr *)&ss, &len), WSAEFAULT);
    cr_expect_eq(len, 0);
    len = 0;
    EXPECT_INVALID(WSAAccept(l, (struct sockaddr *)&ss, &len, NULL, 0), WSAEFAULT);
    cr_expect_eq(len, 0);
    /* address without length: accepted, the address left alone */
    memset(&ss, 0xab, sizeof ss);
    SOCKET s1 = accept(l, (struct sockaddr *)&ss, NULL);
    cr_assert_neq(s1, INVALID_SOCKET);
    cr_expect_eq(((unsigned char *)&ss)[0], 0xab);
    /* a big buffer: the length shrinks to 16, the family is set */
    len = sizeof ss;
    WSASetLastError(0xdead);
    SOCKET s2 = accept(l, (struct sockaddr *)&ss, &len);
    cr_assert_neq(s2, INVALID_SOCKET);
    cr_expect_eq(WSAGetLastError(), 0);
    cr_expect_eq(len, 16);
    cr_expect_eq(ss.ss_family, AF_INET);
    struct sockaddr_in c2name;
    int c2len = sizeof c2name;
    cr_assert_eq(getsockname(c2, (struct sockaddr *)&c2name, &c2len), 0);
    cr_expect_eq(((struct sockaddr_in *)&ss)->sin_port, c2name.sin_port);
    SOCKET s3 = accept(l, NULL, NULL);
    cr_assert_neq(s3, INVALID_SOCKET);

    /* F218: an accepted socket is connected */
    EXPECT_ERR(connect(s3, (struct sockaddr *)&a, sizeof a), WSAEISCONN);
    /* data both ways on an accepted socket */
    cr_assert_eq(send(s1, "1", 1, 0), 1);
    char b;
    cr_assert_eq(recv(c1, &b, 1, 0), 1);
    closesocket(s1), closesocket(s2), closesocket(s3);
    closesocket(c1), closesocket(c2), closesocket(c3), closesocket(l);
}

/* F216: what the accepted socket takes from the listener */
Test(tcp, accept_inherits, .init = wsa_start, .fini = wsa_stop) {
    SOCKET l = tcp();
    DWORD t = 0x123;
    cr_assert_eq(setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, (char *)&t, sizeof t), 0);
    cr_assert_eq(setsockopt(l, SOL_SOCKET, SO_SNDTIMEO, (char *)&t, sizeof t), 0);
    BOOL on = TRUE;
    cr_assert_eq(setsockopt(l, SOL_SOCKET, SO_KEEPALIVE, (char *)&on, sizeof on), 0);
    struct sockaddr_in a = loopback(0);
    cr_assert_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(l, 1), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
    SOCKET c = tcp();
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    SOCKET s = accept(l, NULL, NULL);
    cr_assert_neq(s, INVALID_SOCKET);
    DWORD got = 0;
    len = sizeof got;
    cr_expect_eq(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (char *)&got, &len), 0);
    cr_expect_eq(got, 0x123);
    got = 0, len = sizeof got;
    cr_expect_eq(getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, (char *)&got, &len), 0);
    cr_expect_eq(got, 0x123);
    got = 0, len = sizeof got;
    cr_expect_eq(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, (char *)&got, &len), 0);
    cr_expect_eq(got, 1);
    WSAPROTOCOL_INFOW li, si;
    len = sizeof li;
    cr_assert_eq(getsockopt(l, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&li, &len), 0);
    len = sizeof si;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&si, &len), 0);
    cr_expect_eq(si.dwCatalogEntryId, li.dwCatalogEntryId);
    closesocket(s), closesocket(c), closesocket(l);
}

/* ---- connect ---- */

Test(tcp, connect_errors, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    EXPECT_ERR(connect(l, (struct sockaddr *)&a, sizeof a), WSAEINVAL); /* F212 */

    SOCKET s = tcp();
    EXPECT_ERR(connect(s, NULL, sizeof a), WSAEFAULT);
    EXPECT_ERR(connect(s, (struct sockaddr *)&a, sizeof a - 1), WSAEFAULT);

    /* F165: nobody listening; F221: the socket can be used again */
    struct sockaddr_in refused = loopback(closed_port());
    EXPECT_ERR(connect(s, (struct sockaddr *)&refused, sizeof refused), WSAECONNREFUSED);
    WSASetLastError(0xdead);
    cr_expect_eq(connect(s, (struct sockaddr *)&a, sizeof a), 0, "connect again: %d", WSAGetLastError());
    cr_expect_eq(WSAGetLastError(), 0);
    /* F218 */
    EXPECT_ERR(connect(s, (struct sockaddr *)&a, sizeof a), WSAEISCONN);
    SOCKET v = accept(l, NULL, NULL);
    cr_assert_neq(v, INVALID_SOCKET);
    EXPECT_ERR(connect(v, (struct sockaddr *)&a, sizeof a), WSAEISCONN);
    closesocket(v), closesocket(s), closesocket(l);
}

/* F166, F219: a connect that cannot complete yet. A listener whose queue is
 * full drops the SYN, which keeps the connector in progress for a while. */
Test(tcp, nonblocking_connect, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in a = loopback(0);
    SOCKET l = tcp();
    cr_assert_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(l, 0), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
    SOCKET fill[4];
    for (int i = 0; i < 4; i++) {
        fill[i] = tcp();
        set_nonblocking(fill[i]);
        int r = connect(fill[i], (struct sockaddr *)&a, sizeof a);
        cr_assert(r == 0 || WSAGetLastError() == WSAEWOULDBLOCK);
    }
    usleep(100 * 1000);
    SOCKET c = tcp();
    set_nonblocking(c);
    EXPECT_ERR(connect(c, (struct sockaddr *)&a, sizeof a), WSAEWOULDBLOCK);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    cr_assert_eq(r, SOCKET_ERROR);
    int e = WSAGetLastError();
    if (e == WSAEISCONN)
        cr_skip("the kernel took the connection at once; nothing stays in progress here");
    cr_expect_eq(e, WSAEALREADY);
    char b;
    EXPECT_ERR(send(c, "x", 1, 0), WSAENOTCONN);
    EXPECT_ERR(recv(c, &b, 1, 0), WSAENOTCONN);
    EXPECT_ERR(shutdown(c, SD_SEND), WSAENOTCONN);
    /* make room: the connection completes, and says so */
    set_nonblocking(l);
    for (int i = 0; i < 4; i++)
        closesocket(fill[i]);
    for (int i = 0; i < 5; i++) {
        SOCKET x = accept(l, NULL, NULL);
        if (x != INVALID_SOCKET)
            closesocket(x);
    }
    int done = 0;
    for (int i = 0; i < 100 && !done; i++) {
        r = connect(c, (struct sockaddr *)&a, sizeof a);
        done = r == SOCKET_ERROR && WSAGetLastError() == WSAEISCONN;
        if (!done) {
            cr_expect_eq(WSAGetLastError(), WSAEALREADY);
            for (int k = 0; k < 5; k++) {
                SOCKET x = accept(l, NULL, NULL);
                if (x != INVALID_SOCKET)
                    closesocket(x);
            }
            usleep(50 * 1000);
        }
    }
    cr_expect(done, "the connect completed (WSAEISCONN)");
    closesocket(c), closesocket(l);
}

Test(tcp, nonblocking_would_block, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    set_nonblocking(l);
    EXPECT_INVALID(accept(l, NULL, NULL), WSAEWOULDBLOCK);
    SOCKET c = tcp();
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    wait_readable(l);
    SOCKET s = accept(l, NULL, NULL);
    cr_assert_neq(s, INVALID_SOCKET);
    set_nonblocking(s);
    char buf[8];
    EXPECT_ERR(recv(s, buf, sizeof buf, 0), WSAEWOULDBLOCK);
    WSABUF wb = {sizeof buf, buf};
    DWORD n = 0xdead, f = 0;
    EXPECT_ERR(WSARecv(s, &wb, 1, &n, &f, NULL, NULL), WSAEWOULDBLOCK);
    /* MSG_WAITALL is not for non-blocking sockets (WSARecv page) */
    f = MSG_WAITALL;
    EXPECT_ERR(WSARecv(s, &wb, 1, &n, &f, NULL, NULL), WSAEOPNOTSUPP);
    closesocket(s), closesocket(c), closesocket(l);
}

/* ---- states ---- */

Test(tcp, unconnected_and_names, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    char buf[4];
    struct sockaddr_in a;
    int len = sizeof a;
    EXPECT_ERR(send(s, "x", 1, 0), WSAENOTCONN);
    EXPECT_ERR(recv(s, buf, sizeof buf, 0), WSAENOTCONN);
    /* F202: unbound: WSAEINVAL, output left alone */
    memset(&a, 0xab, sizeof a);
    EXPECT_ERR(getsockname(s, (struct sockaddr *)&a, &len), WSAEINVAL);
    cr_expect_eq(((unsigned char *)&a)[0], 0xab);
    EXPECT_ERR(getpeername(s, (struct sockaddr *)&a, &len), WSAENOTCONN);
    EXPECT_ERR(getpeername(s, NULL, NULL), WSAENOTCONN); /* F203: state before pointers */
    a = loopback(0);
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    len = sizeof a - 1;
    EXPECT_ERR(getsockname(s, (struct sockaddr *)&a, &len), WSAEFAULT); /* F202 */
    cr_expect_eq(len, (int)sizeof a - 1);
    EXPECT_ERR(getsockname(s, NULL, &len), WSAEFAULT);
    EXPECT_ERR(getsockname(s, (struct sockaddr *)&a, NULL), WSAEFAULT);
    closesocket(s);

    /* F203: the pointers of a connected socket */
    SOCKET c, v;
    tcp_pair(&c, &v);
    SOCKADDR_STORAGE ss;
    len = 0;
    EXPECT_ERR(getpeername(c, NULL, NULL), WSAEFAULT);
    EXPECT_ERR(getpeername(c, (struct sockaddr *)&ss, NULL), WSAEFAULT);
    EXPECT_ERR(getpeername(c, NULL, &len), WSAEFAULT);
    EXPECT_ERR(getpeername(c, (struct sockaddr *)&ss, &len), WSAEFAULT);
    cr_expect_eq(len, 0);
    len = sizeof ss;
    cr_expect_eq(getpeername(c, (struct sockaddr *)&ss, &len), 0);
    cr_expect_eq(len, 16);
    closesocket(c), closesocket(v);
}

Test(tcp, shutdown_states, .init = wsa_start, .fini = wsa_stop) {
    /* F225 */
    SOCKET s = tcp();
    EXPECT_ERR(shutdown(s, SD_SEND), WSAENOTCONN);
    EXPECT_ERR(shutdown(s, SD_RECEIVE), WSAENOTCONN);
    closesocket(s);
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    EXPECT_ERR(shutdown(l, SD_SEND), WSAENOTCONN);
    EXPECT_ERR(shutdown(l, SD_RECEIVE), WSAENOTCONN);
    closesocket(l);

    SOCKET c, v;
    char buf[8];
    /* F226: SD_SEND (twice), then send -> WSAESHUTDOWN, the peer reads 0 */
    tcp_pair(&c, &v);
    WSASetLastError(0xdead);
    cr_expect_eq(shutdown(c, SD_SEND), 0);
    cr_expect_eq(WSAGetLastError(), 0);
    cr_expect_eq(shutdown(c, SD_SEND), 0);
    EXPECT_ERR(send(c, "x", 1, 0), WSAESHUTDOWN);
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 0);
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 0);
    /* the other direction still works */
    cr_expect_eq(send(v, "back", 4, 0), 4);
    cr_expect_eq(recv(c, buf, sizeof buf, 0), 4);
    EXPECT_ERR(shutdown(c, 0xdeadbeef), WSAEINVAL); /* F227 */
    closesocket(c), closesocket(v);

    /* F227: SD_RECEIVE, then recv -> WSAESHUTDOWN while the peer can send */
    tcp_pair(&c, &v);
    cr_expect_eq(shutdown(c, SD_RECEIVE), 0);
    EXPECT_ERR(recv(c, buf, sizeof buf, 0), WSAESHUTDOWN);
    cr_expect_eq(send(v, "x", 1, 0), 1);
    EXPECT_ERR(recv(c, buf, sizeof buf, 0), WSAESHUTDOWN);
    closesocket(c), closesocket(v);

    /* F228: SD_BOTH; names still work; connect -> WSAEISCONN */
    tcp_pair(&c, &v);
    cr_expect_eq(shutdown(c, SD_BOTH), 0);
    EXPECT_ERR(recv(c, buf, sizeof buf, 0), WSAESHUTDOWN);
    EXPECT_ERR(send(c, "x", 1, 0), WSAESHUTDOWN);
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 0);
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    cr_expect_eq(getpeername(c, (struct sockaddr *)&ss, &len), 0);
    len = sizeof ss;
    cr_expect_eq(getsockname(c, (struct sockaddr *)&ss, &len), 0);
    EXPECT_ERR(connect(c, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)), WSAEISCONN);
    closesocket(c), closesocket(v);

    /* WSASendDisconnect / WSARecvDisconnect are the same shutdowns */
    tcp_pair(&c, &v);
    WSABUF data = {3, "bye"};
    EXPECT_ERR(WSASendDisconnect(c, &data), WSAENOPROTOOPT); /* no disconnect data on TCP */
    cr_expect_eq(WSASendDisconnect(c, NULL), 0);
    EXPECT_ERR(send(c, "x", 1, 0), WSAESHUTDOWN);
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 0);
    cr_expect_eq(WSARecvDisconnect(v, NULL), 0);
    EXPECT_ERR(recv(v, buf, sizeof buf, 0), WSAESHUTDOWN);
    closesocket(c), closesocket(v);
}

/* F130: the peer's abortive close (SO_LINGER {1,0}) */
Test(tcp, reset_by_peer, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, v;
    tcp_pair(&c, &v);
    struct linger lg = {1, 0};
    cr_assert_eq(setsockopt(v, SOL_SOCKET, SO_LINGER, (char *)&lg, sizeof lg), 0);
    closesocket(v);
    usleep(50 * 1000);
    char buf[4];
    EXPECT_ERR(recv(c, buf, sizeof buf, 0), WSAECONNRESET);
    closesocket(c);
}

/* ---- flags and arguments ---- */

static void *sender(void *p) {
    SOCKET s = *(SOCKET *)p;
    const char *parts[] = {"ab", "cde", "fgh"};
    for (int i = 0; i < 3; i++) {
        usleep(30 * 1000);
        send(s, parts[i], (int)strlen(parts[i]), 0);
    }
    return NULL;
}

Test(tcp, flags, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, v;
    tcp_pair(&c, &v);
    char buf[16];
    EXPECT_ERR(send(c, "x", 1, 0x4000), WSAEOPNOTSUPP);
    EXPECT_ERR(recv(v, buf, sizeof buf, 0x4000), WSAEOPNOTSUPP);
    EXPECT_ERR(recv(v, buf, sizeof buf, MSG_WAITALL | MSG_PEEK), WSAEOPNOTSUPP);

    /* MSG_PEEK leaves the data */
    cr_assert_eq(send(c, "peek", 4, 0), 4);
    wait_readable(v);
    cr_expect_eq(recv(v, buf, sizeof buf, MSG_PEEK), 4);
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 4);
    cr_expect(memcmp(buf, "peek", 4) == 0);

    /* MSG_OOB: the urgent byte apart from the stream (F163) */
    cr_assert_eq(send(c, "ab", 2, 0), 2);
    cr_assert_eq(send(c, "U", 1, MSG_OOB), 1);
    usleep(50 * 1000);
    DWORD n = 0, f = MSG_OOB;
    WSABUF wb = {1, buf};
    cr_expect_eq(WSARecv(v, &wb, 1, &n, &f, NULL, NULL), 0, "recv OOB: %d", WSAGetLastError());
    cr_expect_eq(n, 1);
    cr_expect_eq(buf[0], 'U');
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 2);
    /* (a fresh pair: Linux would hand the byte read above back inline once
     * SO_OOBINLINE is turned on, which Windows does not) */
    closesocket(c), closesocket(v);
    tcp_pair(&c, &v);
    BOOL on = TRUE;
    cr_assert_eq(setsockopt(v, SOL_SOCKET, SO_OOBINLINE, (char *)&on, sizeof on), 0);
    EXPECT_ERR(recv(v, buf, 1, MSG_OOB), WSAEINVAL); /* F163 */

    /* MSG_WAITALL gathers what comes in pieces, across buffers */
    pthread_t th;
    SOCKET arg = c;
    cr_assert_eq(pthread_create(&th, NULL, sender, &arg), 0);
    char x[3], y[5];
    WSABUF two[2] = {{3, x}, {5, y}};
    n = 0, f = MSG_WAITALL;
    cr_expect_eq(WSARecv(v, two, 2, &n, &f, NULL, NULL), 0);
    cr_expect_eq(n, 8);
    cr_expect(memcmp(x, "abc", 3) == 0 && memcmp(y, "defgh", 5) == 0, "got %.3s %.5s", x, y);
    pthread_join(th, NULL);
    closesocket(c), closesocket(v);
}

Test(tcp, bad_arguments, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, v;
    tcp_pair(&c, &v);
    char buf[4];
    EXPECT_ERR(recv(v, buf, -1, 0), WSAEFAULT); /* F109 */
    EXPECT_ERR(send(c, buf, -1, 0), WSAEFAULT);
    WSABUF wb = {sizeof buf, buf};
    DWORD n, f = 0;
    EXPECT_ERR(WSARecv(v, NULL, 0, &n, &f, NULL, NULL), WSAEINVAL); /* F107 */
    EXPECT_ERR(WSARecv(v, &wb, 0, &n, &f, NULL, NULL), WSAEINVAL);
    EXPECT_ERR(WSARecv(v, &wb, 1, &n, NULL, NULL, NULL), WSAEFAULT);
    EXPECT_ERR(WSARecv(v, &wb, 1, NULL, &f, NULL, NULL), WSAEFAULT);
    EXPECT_ERR(WSASend(c, &wb, 1, NULL, 0, NULL, NULL), WSAEFAULT); /* F239 */
    EXPECT_ERR(WSASend(c, NULL, 1, &n, 0, NULL, NULL), WSAEFAULT);
    /* F108: zero bytes asked, zero returned, nothing consumed */
    cr_assert_eq(send(c, "z", 1, 0), 1);
    wait_readable(v);
    cr_expect_eq(recv(v, NULL, 0, 0), 0);
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 1);
    closesocket(c), closesocket(v);
}

/* ---- waits ---- */

/* F110: a blocking recv times out with WSAETIMEDOUT after SO_RCVTIMEO */
Test(tcp, rcvtimeo, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, v;
    tcp_pair(&c, &v);
    DWORD ms = 100;
    cr_assert_eq(setsockopt(v, SOL_SOCKET, SO_RCVTIMEO, (char *)&ms, sizeof ms), 0);
    char buf[4];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    EXPECT_ERR(recv(v, buf, sizeof buf, 0), WSAETIMEDOUT);
    long took = ms_since(&t0);
    cr_expect(took >= 90 && took < 2000, "took %ld ms", took);
    WSABUF wb = {sizeof buf, buf};
    DWORD n = 0xdeadbeef, f = 0;
    EXPECT_ERR(WSARecv(v, &wb, 1, &n, &f, NULL, NULL), WSAETIMEDOUT);
    cr_expect_eq(n, 0xdeadbeef, "F110: the byte count is left alone");
    /* data still arrives afterwards */
    cr_assert_eq(send(c, "ok", 2, 0), 2);
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 2);
    closesocket(c), closesocket(v);
}

struct blocked {
    SOCKET s;
    int r;
    int err;
    int accept;
};

static void *blocked_call(void *p) {
    struct blocked *b = p;
    char buf[4];
    if (b->accept) {
        SOCKET n = accept(b->s, NULL, NULL);
        b->r = n == INVALID_SOCKET ? SOCKET_ERROR : 0;
    } else {
        b->r = recv(b->s, buf, sizeof buf, 0);
    }
    b->err = WSAGetLastError();
    return NULL;
}

/* F214 and the design: closesocket from another thread wakes a blocked call,
 * which fails with WSAEINTR; never a hang. */
static void close_wakes(int accept_call) {
    SOCKET c = INVALID_SOCKET, v = INVALID_SOCKET, l = INVALID_SOCKET;
    struct blocked b = {0};
    if (accept_call) {
        l = listener(NULL);
        b.s = l, b.accept = 1;
    } else {
        tcp_pair(&c, &v);
        b.s = v;
    }
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, blocked_call, &b), 0);
    usleep(100 * 1000);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_expect_eq(closesocket(b.s), 0);
    pthread_join(th, NULL);
    cr_expect(ms_since(&t0) < 2000, "woken promptly");
    cr_expect_eq(b.r, SOCKET_ERROR);
    cr_expect_eq(b.err, WSAEINTR, "blocked call ended with %d", b.err);
    if (c != INVALID_SOCKET)
        closesocket(c);
}

Test(tcp, close_wakes_recv, .init = wsa_start, .fini = wsa_stop, .timeout = 10) { close_wakes(0); }
Test(tcp, close_wakes_accept, .init = wsa_start, .fini = wsa_stop, .timeout = 10) { close_wakes(1); }

/* ---- WSAAccept ---- */

struct cond_seen {
    int calls;
    int caller_len, callee_len;
    struct sockaddr_in caller, callee;
    int caller_data_null, callee_data_null, sqos_null, gqos_null;
    GROUP g;
    DWORD_PTR data;
    int verdict;
};

static int CALLBACK condition(LPWSABUF lpCallerId, LPWSABUF lpCallerData, LPQOS lpSQOS, LPQOS lpGQOS,
                              LPWSABUF lpCalleeId, LPWSABUF lpCalleeData, GROUP *g, DWORD_PTR dwCallbackData) {
    struct cond_seen *seen = (struct cond_seen *)dwCallbackData;
    seen->calls++;
    seen->data = dwCallbackData;
    seen->caller_len = (int)lpCallerId->len;
    memcpy(&seen->caller, lpCallerId->buf, sizeof seen->caller);
    seen->callee_len = (int)lpCalleeId->len;
    memcpy(&seen->callee, lpCalleeId->buf, sizeof seen->callee);
    seen->caller_data_null = lpCallerData == NULL;
    seen->callee_data_null = lpCalleeData == NULL;
    seen->sqos_null = lpSQOS == NULL;
    seen->gqos_null = lpGQOS == NULL;
    seen->g = *g;
    return seen->verdict;
}

Test(tcp, wsaaccept_condition, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET c = tcp();
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    struct sockaddr_in cn;
    int len = sizeof cn;
    cr_assert_eq(getsockname(c, (struct sockaddr *)&cn, &len), 0);

    /* CF_ACCEPT: the caller is the peer, the callee us; no data, no QOS */
    struct cond_seen seen = {.verdict = CF_ACCEPT};
    struct sockaddr_in from;
    len = sizeof from;
    SOCKET s = WSAAccept(l, (struct sockaddr *)&from, &len, condition, (DWORD_PTR)&seen);
    cr_assert_neq(s, INVALID_SOCKET, "WSAAccept: %d", WSAGetLastError());
    cr_expect_eq(seen.calls, 1);
    cr_expect_eq(seen.caller_len, 16);
    cr_expect_eq(seen.caller.sin_port, cn.sin_port);
    cr_expect_eq(seen.callee_len, 16);
    cr_expect_eq(seen.callee.sin_port, a.sin_port);
    cr_expect(seen.caller_data_null && seen.callee_data_null && seen.sqos_null && seen.gqos_null);
    cr_expect_eq(seen.g, 0);
    cr_expect_eq(from.sin_port, cn.sin_port);
    cr_assert_eq(send(s, "w", 1, 0), 1);
    char b;
    cr_expect_eq(recv(c, &b, 1, 0), 1);
    closesocket(s), closesocket(c);

    /* F215: CF_DEFER -> WSATRY_AGAIN; the next accept returns that one */
    c = tcp();
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    len = sizeof cn;
    cr_assert_eq(getsockname(c, (struct sockaddr *)&cn, &len), 0);
    seen = (struct cond_seen){.verdict = CF_DEFER};
    EXPECT_INVALID(WSAAccept(l, NULL, NULL, condition, (DWORD_PTR)&seen), WSATRY_AGAIN);
    len = sizeof from;
    s = accept(l, (struct sockaddr *)&from, &len);
    cr_assert_neq(s, INVALID_SOCKET, "accept after CF_DEFER: %d", WSAGetLastError());
    cr_expect_eq(from.sin_port, cn.sin_port);
    cr_assert_eq(send(c, "d", 1, 0), 1);
    cr_expect_eq(recv(s, &b, 1, 0), 1);
    closesocket(s), closesocket(c);

    /* CF_REJECT: WSAECONNREFUSED [Wine impl]; the caller's connection ends */
    c = tcp();
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    seen = (struct cond_seen){.verdict = CF_REJECT};
    EXPECT_INVALID(WSAAccept(l, NULL, NULL, condition, (DWORD_PTR)&seen), WSAECONNREFUSED);
    cr_expect_eq(recv(c, &b, 1, 0), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAECONNRESET);
    closesocket(c);

    /* A deferred connection still held when the listener closes is dropped. */
    c = tcp();
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    seen = (struct cond_seen){.verdict = CF_DEFER};
    EXPECT_INVALID(WSAAccept(l, NULL, NULL, condition, (DWORD_PTR)&seen), WSATRY_AGAIN);
    closesocket(l);
    closesocket(c);
}

/* ---- Winsock 1.1 blocking hook ---- */

static int hook_calls, hook_saw_blocking;
static BOOL CALLBACK cancelling_hook(void) {
    hook_calls++;
    hook_saw_blocking = WSAIsBlocking();
    if (hook_calls == 3)
        WSACancelBlockingCall();
    return FALSE;
}

static void start11(void) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(1, 1), &d), 0);
}

/* A 1.1 blocking call runs the hook while it waits; WSACancelBlockingCall
 * from the hook ends it with WSAEINTR. */
Test(tcp, blocking_hook_cancels, .init = start11, .fini = wsa_stop, .timeout = 10) {
    SOCKET c, v;
    tcp_pair(&c, &v);
    hook_calls = 0;
    cr_assert_neq(WSASetBlockingHook((FARPROC)cancelling_hook), NULL);
    char buf[4];
    EXPECT_ERR(recv(v, buf, sizeof buf, 0), WSAEINTR);
    cr_expect_eq(hook_calls, 3);
    cr_expect(hook_saw_blocking, "WSAIsBlocking inside the hook");
    cr_expect(!WSAIsBlocking());
    cr_assert_eq(WSAUnhookBlockingHook(), 0);
    /* the socket still works */
    cr_assert_eq(send(c, "k", 1, 0), 1);
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 1);
    closesocket(c), closesocket(v);
}

/* ---- a blocking receive that waits in the kernel (provider/io.c) ----
 * Once a connected socket's blocking recv has had to wait, its descriptor
 * is put in blocking mode and later blocking receives wait inside
 * recvmsg(2). Nothing a Winsock program can see may change: non-blocking
 * calls stay non-blocking, timeouts, overlapped calls and event selection
 * work afterwards, completion routines still run while a thread waits. */

struct later {
    SOCKET s;
    int delay_ms;
    const char *data;
};

static void *send_later(void *p) {
    struct later *l = p;
    usleep((useconds_t)l->delay_ms * 1000);
    send(l->s, l->data, (int)strlen(l->data), 0);
    return NULL;
}

/* A recv that waits: the data comes 50 ms later from another thread. */
static void waiting_recv(SOCKET c, SOCKET v, const char *data) {
    struct later l = {c, 50, data};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, send_later, &l), 0);
    char buf[16] = {0};
    int n = recv(v, buf, sizeof buf, 0);
    pthread_join(th, NULL);
    cr_assert_eq(n, (int)strlen(data), "recv: %d (%d)", n, WSAGetLastError());
    cr_expect_str_eq(buf, data);
}

Test(tcp, kernel_wait_then_nonblocking, .init = wsa_start, .fini = wsa_stop, .timeout = 10) {
    SOCKET c, v;
    tcp_pair(&c, &v);
    waiting_recv(c, v, "one");
    waiting_recv(c, v, "two"); /* in the kernel this time */
    set_nonblocking(v);
    char buf[4];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    EXPECT_ERR(recv(v, buf, sizeof buf, 0), WSAEWOULDBLOCK);
    cr_expect(ms_since(&t0) < 500, "FIONBIO: no wait");
    u_long zero = 0;
    cr_assert_eq(ioctlsocket(v, FIONBIO, &zero), 0);
    waiting_recv(c, v, "three");
    /* SO_RCVTIMEO set afterwards still ends a wait (F110) */
    DWORD ms = 100;
    cr_assert_eq(setsockopt(v, SOL_SOCKET, SO_RCVTIMEO, (char *)&ms, sizeof ms), 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    EXPECT_ERR(recv(v, buf, sizeof buf, 0), WSAETIMEDOUT);
    cr_expect(ms_since(&t0) >= 90, "the timeout was waited");
    closesocket(c), closesocket(v);
}

Test(tcp, kernel_wait_then_overlapped_and_events, .init = wsa_start, .fini = wsa_stop, .timeout = 10) {
    SOCKET c, v;
    tcp_pair(&c, &v);
    waiting_recv(c, v, "one");
    waiting_recv(c, v, "two");
    /* overlapped: the loop thread takes the descriptor */
    char buf[8] = {0};
    WSABUF wb = {sizeof buf, buf};
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    DWORD n = 0, f = 0;
    int r = WSARecv(v, &wb, 1, &n, &f, &ov, NULL);
    cr_assert(r == 0 || WSAGetLastError() == WSA_IO_PENDING, "WSARecv: %d", WSAGetLastError());
    cr_assert_eq(send(c, "ovl", 3, 0), 3);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 2000, FALSE), WSA_WAIT_EVENT_0);
    cr_assert(WSAGetOverlappedResult(v, &ov, &n, FALSE, &f));
    cr_expect_eq(n, 3);
    WSACloseEvent(ov.hEvent);
    waiting_recv(c, v, "four"); /* blocking receives go on working */
    /* WSAEventSelect makes the socket non-blocking (F-table: FIONBIO) */
    WSAEVENT ev = WSACreateEvent();
    cr_assert_eq(WSAEventSelect(v, ev, FD_READ), 0);
    EXPECT_ERR(recv(v, buf, sizeof buf, 0), WSAEWOULDBLOCK);
    cr_assert_eq(send(c, "ev", 2, 0), 2);
    cr_expect_eq(WSAWaitForMultipleEvents(1, &ev, TRUE, 2000, FALSE), WSA_WAIT_EVENT_0);
    cr_expect_eq(recv(v, buf, sizeof buf, 0), 2);
    WSACloseEvent(ev);
    closesocket(c), closesocket(v);
}

static int routine_ran;
static void CALLBACK routine(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)err, (void)bytes, (void)ov, (void)flags;
    routine_ran++;
}

struct after_routine {
    SOCKET apc_peer, peer;
};

/* Completes the routine's receive, then (after the routine has run in the
 * blocked thread, or 3 s) sends what the blocked recv waits for. */
static void *routine_then_data(void *p) {
    struct after_routine *a = p;
    usleep(50 * 1000);
    send(a->apc_peer, "apc", 3, 0);
    for (int i = 0; i < 300 && !__atomic_load_n(&routine_ran, __ATOMIC_SEQ_CST); i++)
        usleep(10 * 1000);
    send(a->peer, "data", 4, 0);
    return NULL;
}

/* F105/F214: with a completion routine of its own outstanding, a thread's
 * blocking recv must stay alertable, although this socket's descriptor was
 * already waiting in the kernel before. */
Test(tcp, kernel_wait_stays_alertable, .init = wsa_start, .fini = wsa_stop, .timeout = 10) {
    SOCKET c, v, c2, v2;
    tcp_pair(&c, &v);
    tcp_pair(&c2, &v2);
    waiting_recv(c, v, "one");
    waiting_recv(c, v, "two");
    routine_ran = 0;
    char obuf[8];
    WSABUF wb = {sizeof obuf, obuf};
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    DWORD n = 0, f = 0;
    int r = WSARecv(v2, &wb, 1, &n, &f, &ov, routine);
    cr_assert(r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "WSARecv: %d %d", r, WSAGetLastError());
    struct after_routine a = {c2, c};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, routine_then_data, &a), 0);
    char buf[8] = {0};
    int got = recv(v, buf, sizeof buf, 0);
    int ran_during = __atomic_load_n(&routine_ran, __ATOMIC_SEQ_CST);
    pthread_join(th, NULL);
    cr_expect_eq(got, 4, "recv: %d (%d)", got, WSAGetLastError());
    cr_expect_eq(ran_during, 1, "the routine ran inside the blocked recv");
    closesocket(c), closesocket(v), closesocket(c2), closesocket(v2);
}

/* ---- the names of a connecting socket (F219) ---- */

/* A listener whose accept queue is full (backlog 0, then fillers): the
 * SYNs of further connects are dropped, which keeps a connector in
 * progress for a second or more. */
static SOCKET full_listener(struct sockaddr_in *a, SOCKET fill[4]) {
    *a = loopback(0);
    SOCKET l = tcp();
    cr_assert_eq(bind(l, (struct sockaddr *)a, sizeof *a), 0);
    cr_assert_eq(listen(l, 0), 0);
    int len = sizeof *a;
    cr_assert_eq(getsockname(l, (struct sockaddr *)a, &len), 0);
    for (int i = 0; i < 4; i++) {
        fill[i] = tcp();
        set_nonblocking(fill[i]);
        int r = connect(fill[i], (struct sockaddr *)a, sizeof *a);
        cr_assert(r == 0 || WSAGetLastError() == WSAEWOULDBLOCK);
    }
    usleep(100 * 1000);
    return l;
}

static void close_all(SOCKET l, SOCKET fill[4]) {
    for (int i = 0; i < 4; i++)
        closesocket(fill[i]);
    closesocket(l);
}

static LPFN_CONNECTEX connectex_of(SOCKET s) { return ext(s, (GUID)WSAID_CONNECTEX); }

/* F219: while a non-blocking connect() is in progress, getpeername already
 * gives the address being connected to (Linux would say ENOTCONN), with
 * F203's buffer rules; getsockname gives the local address with its port;
 * ConnectEx is refused (WSAEINVAL). */
Test(tcp, connecting_names, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in a;
    SOCKET fill[4];
    SOCKET l = full_listener(&a, fill);
    SOCKET c = tcp();
    set_nonblocking(c);
    EXPECT_ERR(connect(c, (struct sockaddr *)&a, sizeof a), WSAEWOULDBLOCK);
    if (connect(c, (struct sockaddr *)&a, sizeof a) == SOCKET_ERROR && WSAGetLastError() == WSAEISCONN)
        cr_skip("the kernel took the connection at once; nothing stays in progress here");
    cr_expect_eq(WSAGetLastError(), WSAEALREADY);

    struct sockaddr_in me;
    int len = sizeof me;
    cr_expect_eq(getsockname(c, (struct sockaddr *)&me, &len), 0, "getsockname: %d", WSAGetLastError());
    cr_expect_eq(len, (int)sizeof me);
    cr_expect_neq(me.sin_port, 0, "a port is assigned");
    cr_expect_eq(me.sin_addr.s_addr, htonl(INADDR_LOOPBACK));

    SOCKADDR_STORAGE ss;
    memset(&ss, 0xab, sizeof ss);
    len = sizeof ss;
    WSASetLastError(0xdead);
    cr_expect_eq(getpeername(c, (struct sockaddr *)&ss, &len), 0, "getpeername: %d", WSAGetLastError());
    cr_expect_eq(WSAGetLastError(), 0);
    cr_expect_eq(len, (int)sizeof(struct sockaddr_in));
    struct sockaddr_in *peer = (struct sockaddr_in *)&ss;
    cr_expect_eq(peer->sin_family, AF_INET);
    cr_expect_eq(peer->sin_port, a.sin_port);
    cr_expect_eq(peer->sin_addr.s_addr, a.sin_addr.s_addr);
    cr_expect_eq(((unsigned char *)&ss)[len], 0xab, "nothing written past the address");

    /* F203: short or missing buffers, length left alone */
    len = 0;
    EXPECT_ERR(getpeername(c, (struct sockaddr *)&ss, &len), WSAEFAULT);
    cr_expect_eq(len, 0);
    len = (int)sizeof(struct sockaddr_in) - 1;
    EXPECT_ERR(getpeername(c, (struct sockaddr *)&ss, &len), WSAEFAULT);
    cr_expect_eq(len, (int)sizeof(struct sockaddr_in) - 1);
    len = sizeof ss;
    EXPECT_ERR(getpeername(c, NULL, NULL), WSAEFAULT);
    EXPECT_ERR(getpeername(c, (struct sockaddr *)&ss, NULL), WSAEFAULT);
    EXPECT_ERR(getpeername(c, NULL, &len), WSAEFAULT);

    char b;
    EXPECT_ERR(send(c, "x", 1, 0), WSAENOTCONN);
    EXPECT_ERR(recv(c, &b, 1, 0), WSAENOTCONN);

    LPFN_CONNECTEX connectex = connectex_of(c);
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    DWORD sent = 0;
    WSASetLastError(0xdead);
    cr_expect_not(connectex(c, (struct sockaddr *)&a, sizeof a, NULL, 0, &sent, &ov));
    cr_expect_eq(WSAGetLastError(), WSAEINVAL, "ConnectEx: %d", WSAGetLastError());

    /* still in progress after all that: the same answer */
    EXPECT_ERR(connect(c, (struct sockaddr *)&a, sizeof a), WSAEALREADY);
    len = sizeof ss;
    cr_expect_eq(getpeername(c, (struct sockaddr *)&ss, &len), 0);
    closesocket(c);
    close_all(l, fill);
}

/* A connect that failed is not connected to anything: getpeername says
 * WSAENOTCONN again, whether or not anything (select, SO_ERROR) has looked
 * at the outcome yet. A new attempt has its own target. */
Test(tcp, failed_connect_has_no_peer, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c = tcp();
    set_nonblocking(c);
    struct sockaddr_in refused = loopback(closed_port());
    SOCKADDR_STORAGE ss;
    int len;
    int r = connect(c, (struct sockaddr *)&refused, sizeof refused);
    cr_assert(r == SOCKET_ERROR);
    int e = WSAGetLastError();
    cr_assert(e == WSAEWOULDBLOCK || e == WSAECONNREFUSED, "connect: %d", e);
    usleep(100 * 1000); /* loopback's reset has arrived; nobody collected it */
    len = sizeof ss;
    EXPECT_ERR(getpeername(c, (struct sockaddr *)&ss, &len), WSAENOTCONN);
    EXPECT_ERR(getpeername(c, NULL, NULL), WSAENOTCONN); /* F203: state before pointers */
    if (e == WSAEWOULDBLOCK) {
        fd_set x;
        FD_ZERO(&x);
        FD_SET(c, &x);
        struct timeval tv = {2, 0};
        cr_expect_eq(select(0, NULL, NULL, &x, &tv), 1, "F166: the failure shows in exceptfds");
        len = sizeof ss;
        EXPECT_ERR(getpeername(c, (struct sockaddr *)&ss, &len), WSAENOTCONN);
    }

    /* F166, F221: a new attempt, to a listener this time */
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    r = connect(c, (struct sockaddr *)&a, sizeof a);
    cr_assert(r == 0 || WSAGetLastError() == WSAEWOULDBLOCK, "connect again: %d", WSAGetLastError());
    fd_set w;
    FD_ZERO(&w);
    FD_SET(c, &w);
    struct timeval tv = {2, 0};
    cr_assert_eq(select(0, NULL, &w, NULL, &tv), 1, "connected");
    len = sizeof ss;
    cr_expect_eq(getpeername(c, (struct sockaddr *)&ss, &len), 0, "getpeername: %d", WSAGetLastError());
    cr_expect_eq(((struct sockaddr_in *)&ss)->sin_port, a.sin_port);
    closesocket(c), closesocket(l);
}

/* F219: while a ConnectEx is pending, getpeername is WSAENOTCONN (unlike
 * after connect()) and connect() is WSAEINVAL. */
Test(tcp, connectex_pending_names, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in a;
    SOCKET fill[4];
    SOCKET l = full_listener(&a, fill);
    SOCKET c = tcp();
    struct sockaddr_in any = loopback(0);
    cr_assert_eq(bind(c, (struct sockaddr *)&any, sizeof any), 0);
    LPFN_CONNECTEX connectex = connectex_of(c);
    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    DWORD sent = 0, n, fl;
    if (connectex(c, (struct sockaddr *)&a, sizeof a, NULL, 0, &sent, &ov))
        cr_skip("the kernel took the connection at once");
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING, "ConnectEx: %d", WSAGetLastError());
    if (WSAGetOverlappedResult(c, &ov, &n, FALSE, &fl) || WSAGetLastError() != WSA_IO_INCOMPLETE)
        cr_skip("the connection completed at once");
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    EXPECT_ERR(getpeername(c, (struct sockaddr *)&ss, &len), WSAENOTCONN);
    EXPECT_ERR(connect(c, (struct sockaddr *)&a, sizeof a), WSAEINVAL);
    len = sizeof ss;
    cr_expect_eq(getsockname(c, (struct sockaddr *)&ss, &len), 0);
    closesocket(c); /* the pending ConnectEx ends with it */
    cr_expect_eq(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    WSACloseEvent(ov.hEvent);
    close_all(l, fill);
}
