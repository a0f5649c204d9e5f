/*
 * UDP datagrams as Windows has them: IPv4 and IPv6 exchanges, truncation
 * (WSAEMSGSIZE with the part that fit stored), WSARecvFrom's flags out,
 * connected UDP, scatter/gather, shutdown. F... ids restate
 * shared/reference/windows-behaviour.md.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include "common.h"
#include "pairs.h"

Test(udp, exchange_ipv4, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in ra, sa;
    SOCKET r = bound_udp(&ra), s = bound_udp(&sa);
    WSASetLastError(0xdead);
    cr_assert_eq(sendto(s, "ping", 4, 0, (struct sockaddr *)&ra, sizeof ra), 4);
    cr_expect_eq(WSAGetLastError(), 0);
    char buf[16];
    struct sockaddr_in from;
    int len = sizeof from;
    cr_assert_eq(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), 4);
    cr_expect(memcmp(buf, "ping", 4) == 0);
    cr_expect_eq(len, (int)sizeof from);
    cr_expect_eq(from.sin_port, sa.sin_port);
    cr_expect_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    /* F236: a large fromlen gets only the sockaddr written */
    SOCKADDR_STORAGE ss;
    memset(&ss, 0xab, sizeof ss);
    len = sizeof ss;
    cr_assert_eq(sendto(s, "x", 1, 0, (struct sockaddr *)&ra, sizeof ra), 1);
    cr_assert_eq(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&ss, &len), 1);
    cr_expect_eq(len, 16);
    cr_expect_eq(((unsigned char *)&ss)[16], 0xab);
    closesocket(r), closesocket(s);
}

Test(udp, exchange_ipv6, .init = wsa_start, .fini = wsa_stop) {
    SOCKET r = socket(AF_INET6, SOCK_DGRAM, 0), s = socket(AF_INET6, SOCK_DGRAM, 0);
    cr_assert_neq(r, INVALID_SOCKET);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr.s6_addr[15] = 1; /* ::1 */
    if (bind(r, (struct sockaddr *)&a, sizeof a) != 0) {
        closesocket(r), closesocket(s);
        cr_skip("no IPv6 loopback here (%d)", WSAGetLastError());
    }
    int len = sizeof a;
    cr_assert_eq(getsockname(r, (struct sockaddr *)&a, &len), 0);
    cr_assert_eq(sendto(s, "six", 3, 0, (struct sockaddr *)&a, sizeof a), 3, "sendto: %d", WSAGetLastError());
    char buf[8];
    struct sockaddr_in6 from;
    len = sizeof from;
    cr_assert_eq(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), 3);
    cr_expect_eq(len, (int)sizeof from);
    cr_expect_eq(from.sin6_family, AF_INET6);
    cr_expect(memcmp(&from.sin6_addr, &a.sin6_addr, sizeof from.sin6_addr) == 0);
    /* F239: the sender was bound by its first datagram */
    struct sockaddr_in6 sn;
    len = sizeof sn;
    cr_expect_eq(getsockname(s, (struct sockaddr *)&sn, &len), 0);
    cr_expect_eq(sn.sin6_port, from.sin6_port);
    closesocket(r), closesocket(s);
}

/* F242 and the WSARecv page: a datagram larger than the buffer fills it, the
 * rest is dropped, and the call fails with WSAEMSGSIZE. */
Test(udp, truncated_datagram, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in ra;
    SOCKET r = bound_udp(&ra), s = bound_udp(NULL);
    char buf[16];
    memset(buf, 0, sizeof buf);
    cr_assert_eq(sendto(s, "0123456789", 10, 0, (struct sockaddr *)&ra, sizeof ra), 10);
    EXPECT_ERR(recv(r, buf, 4, 0), WSAEMSGSIZE);
    cr_expect(memcmp(buf, "0123", 4) == 0, "the part that fit is stored");
    cr_expect_eq(buf[4], 0);

    /* WSARecvFrom: the byte count and MSG_PARTIAL come back with the error */
    cr_assert_eq(sendto(s, "abcdefgh", 8, 0, (struct sockaddr *)&ra, sizeof ra), 8);
    WSABUF wb = {5, buf};
    DWORD n = 0, flags = 0;
    struct sockaddr_in from;
    int len = sizeof from;
    EXPECT_ERR(WSARecvFrom(r, &wb, 1, &n, &flags, (struct sockaddr *)&from, &len, NULL, NULL), WSAEMSGSIZE);
    cr_expect_eq(n, 5);
    cr_expect_eq(flags, MSG_PARTIAL);
    cr_expect(memcmp(buf, "abcde", 5) == 0);
    cr_expect_eq(len, (int)sizeof from);

    /* the truncated rest is gone: the next datagram is whole, flags 0 */
    cr_assert_eq(sendto(s, "next", 4, 0, (struct sockaddr *)&ra, sizeof ra), 4);
    wb.len = sizeof buf;
    n = 0, flags = 0;
    WSASetLastError(0xdead);
    cr_expect_eq(WSARecvFrom(r, &wb, 1, &n, &flags, NULL, NULL, NULL, NULL), 0, "%d", WSAGetLastError());
    cr_expect_eq(WSAGetLastError(), 0);
    cr_expect_eq(n, 4);
    cr_expect_eq(flags, 0);
    closesocket(r), closesocket(s);
}

Test(udp, peek_keeps_datagram, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in ra;
    SOCKET r = bound_udp(&ra), s = bound_udp(NULL);
    char buf[8];
    cr_assert_eq(sendto(s, "keep", 4, 0, (struct sockaddr *)&ra, sizeof ra), 4);
    cr_expect_eq(recv(r, buf, sizeof buf, MSG_PEEK), 4);
    cr_expect_eq(recv(r, buf, sizeof buf, 0), 4);
    EXPECT_ERR(recv(r, buf, sizeof buf, MSG_WAITALL), WSAEOPNOTSUPP); /* not for datagrams */
    closesocket(r), closesocket(s);
}

Test(udp, scatter_gather, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in ra;
    SOCKET r = bound_udp(&ra), s = bound_udp(NULL);
    WSABUF out[3] = {{3, "one"}, {3, "two"}, {5, "three"}};
    DWORD n = 0;
    cr_assert_eq(WSASendTo(s, out, 3, &n, 0, (struct sockaddr *)&ra, sizeof ra, NULL, NULL), 0);
    cr_expect_eq(n, 11);
    char a[6], b[8];
    WSABUF in[2] = {{6, a}, {8, b}};
    DWORD flags = 0;
    n = 0;
    cr_assert_eq(WSARecvFrom(r, in, 2, &n, &flags, NULL, NULL, NULL, NULL), 0);
    cr_expect_eq(n, 11, "one datagram");
    cr_expect(memcmp(a, "onetwo", 6) == 0 && memcmp(b, "three", 5) == 0);
    cr_expect_eq(flags, 0);
    closesocket(r), closesocket(s);
}

/* F222 */
Test(udp, connected, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in ra, ra2;
    SOCKET r = bound_udp(&ra), r2 = bound_udp(&ra2);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    char buf[8];
    EXPECT_ERR(send(s, "x", 1, 0), WSAENOTCONN);
    EXPECT_ERR(recv(s, buf, sizeof buf, 0), WSAEINVAL); /* unbound: Windows says WSAEINVAL */
    struct sockaddr_in pn;
    int len = sizeof pn;
    EXPECT_ERR(getpeername(s, NULL, NULL), WSAENOTCONN); /* F203 */

    cr_assert_eq(connect(s, (struct sockaddr *)&ra, sizeof ra), 0);
    len = sizeof pn;
    cr_expect_eq(getpeername(s, (struct sockaddr *)&pn, &len), 0);
    cr_expect_eq(pn.sin_port, ra.sin_port);
    len = sizeof pn;
    cr_expect_eq(getsockname(s, (struct sockaddr *)&pn, &len), 0, "implicitly bound");
    cr_assert_eq(send(s, "c1", 2, 0), 2);
    cr_expect_eq(recv(r, buf, sizeof buf, 0), 2);

    /* again, elsewhere */
    cr_assert_eq(connect(s, (struct sockaddr *)&ra2, sizeof ra2), 0);
    cr_assert_eq(send(s, "c2", 2, 0), 2);
    cr_expect_eq(recv(r2, buf, sizeof buf, 0), 2);
    /* the peer's replies arrive through recv */
    struct sockaddr_in sn;
    len = sizeof sn;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&sn, &len), 0);
    cr_assert_eq(sendto(r2, "back", 4, 0, (struct sockaddr *)&sn, sizeof sn), 4);
    cr_expect_eq(recv(s, buf, sizeof buf, 0), 4);

    /* {AF_UNSPEC, zeros} dissolves the association */
    SOCKADDR_STORAGE none;
    memset(&none, 0, sizeof none);
    cr_expect_eq(connect(s, (struct sockaddr *)&none, sizeof(struct sockaddr_in)), 0);
    len = sizeof pn;
    EXPECT_ERR(getpeername(s, (struct sockaddr *)&pn, &len), WSAENOTCONN);
    EXPECT_ERR(send(s, "x", 1, 0), WSAENOTCONN);
    closesocket(s), closesocket(r), closesocket(r2);
}

Test(udp, nonblocking_and_arguments, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in ra;
    SOCKET r = bound_udp(&ra);
    u_long one = 1;
    cr_assert_eq(ioctlsocket(r, FIONBIO, &one), 0);
    char buf[8];
    EXPECT_ERR(recv(r, buf, sizeof buf, 0), WSAEWOULDBLOCK); /* F222 */

    /* F239: no byte count without an OVERLAPPED */
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    WSABUF wb = {1, "x"};
    EXPECT_ERR(WSASendTo(s, &wb, 1, NULL, 0, (struct sockaddr *)&ra, sizeof ra, NULL, NULL), WSAEFAULT);
    EXPECT_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&ra, sizeof ra - 1), WSAEFAULT);

    /* F236: fromlen too small for the address -> error, from untouched */
    cr_assert_eq(sendto(s, "y", 1, 0, (struct sockaddr *)&ra, sizeof ra), 1);
    struct sockaddr_in from;
    memset(&from, 0xab, sizeof from);
    int len = 1;
    EXPECT_ERR(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), WSAEFAULT);
    cr_expect_eq(((unsigned char *)&from)[0], 0xab);
    EXPECT_ERR(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, NULL), WSAEFAULT);
    closesocket(s), closesocket(r);
}

/* F231 */
Test(udp, shutdown, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in ra;
    SOCKET r = bound_udp(&ra);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    cr_expect_eq(shutdown(s, SD_SEND), 0);
    cr_expect_eq(shutdown(s, SD_SEND), 0);
    EXPECT_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&ra, sizeof ra), WSAESHUTDOWN);
    cr_expect_eq(shutdown(r, SD_RECEIVE), 0);
    char buf[4];
    EXPECT_ERR(recvfrom(r, buf, sizeof buf, 0, NULL, NULL), WSAESHUTDOWN);
    closesocket(s), closesocket(r);
}

/* F203, F222: the peer name of a UDP socket follows its association: none
 * before connect (sendto does not make one), the connect() address after
 * it with F203's buffer rules, the new one after a re-connect, none again
 * once {AF_UNSPEC, zeros} dissolved it (and a later connect makes one). */
Test(udp, peer_names, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in ra, ra2;
    SOCKET r = bound_udp(&ra), r2 = bound_udp(&ra2);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    SOCKADDR_STORAGE ss;
    struct sockaddr_in *pn = (struct sockaddr_in *)&ss;
    int len = sizeof ss;
    EXPECT_ERR(getpeername(s, (struct sockaddr *)&ss, &len), WSAENOTCONN);
    cr_assert_eq(sendto(s, "x", 1, 0, (struct sockaddr *)&ra, sizeof ra), 1);
    len = sizeof ss;
    EXPECT_ERR(getpeername(s, (struct sockaddr *)&ss, &len), WSAENOTCONN); /* F203: sendto connects nothing */
    EXPECT_ERR(getpeername(s, NULL, NULL), WSAENOTCONN);
    /* F222: bound but unconnected, send() has nowhere to go */
    EXPECT_ERR(send(r, "x", 1, 0), WSAENOTCONN);

    cr_assert_eq(connect(s, (struct sockaddr *)&ra, sizeof ra), 0);
    /* F203: the pointers, once connected */
    len = 0;
    EXPECT_ERR(getpeername(s, NULL, NULL), WSAEFAULT);
    EXPECT_ERR(getpeername(s, (struct sockaddr *)&ss, NULL), WSAEFAULT);
    EXPECT_ERR(getpeername(s, NULL, &len), WSAEFAULT);
    EXPECT_ERR(getpeername(s, (struct sockaddr *)&ss, &len), WSAEFAULT);
    cr_expect_eq(len, 0);
    memset(&ss, 0xab, sizeof ss);
    len = sizeof ss;
    WSASetLastError(0xdead);
    cr_expect_eq(getpeername(s, (struct sockaddr *)&ss, &len), 0);
    cr_expect_eq(WSAGetLastError(), 0);
    cr_expect_eq(len, 16);
    cr_expect_eq(pn->sin_family, AF_INET);
    cr_expect_eq(pn->sin_port, ra.sin_port);
    cr_expect_eq(pn->sin_addr.s_addr, ra.sin_addr.s_addr);
    cr_expect_eq(((unsigned char *)&ss)[16], 0xab, "nothing written past the address");

    /* F222: re-connect elsewhere: the new peer */
    cr_assert_eq(connect(s, (struct sockaddr *)&ra2, sizeof ra2), 0);
    len = sizeof ss;
    cr_expect_eq(getpeername(s, (struct sockaddr *)&ss, &len), 0);
    cr_expect_eq(pn->sin_port, ra2.sin_port);

    /* F222: dissolved; then associated again */
    struct sockaddr_in me, none;
    len = sizeof me;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&me, &len), 0);
    memset(&none, 0, sizeof none);
    cr_expect_eq(connect(s, (struct sockaddr *)&none, sizeof none), 0);
    len = sizeof ss;
    EXPECT_ERR(getpeername(s, (struct sockaddr *)&ss, &len), WSAENOTCONN);
    EXPECT_ERR(getpeername(s, NULL, NULL), WSAENOTCONN);
    /* The facts are silent here: a socket once bound stays bound on its
     * port, as a Winsock program expects (Linux gives back a port that
     * only the association held; connect.c binds it again). */
    len = sizeof ss;
    cr_expect_eq(getsockname(s, (struct sockaddr *)&ss, &len), 0, "still bound: %d", WSAGetLastError());
    cr_expect_eq(pn->sin_port, me.sin_port, "on the same port");
    char buf[4];
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(sendto(r, "z", 1, 0, (struct sockaddr *)&me, sizeof me), 1);
    cr_expect_eq(recv(s, buf, sizeof buf, 0), 1, "and receives there: %d", WSAGetLastError());
    /* a socket never bound stays so */
    SOCKET u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    cr_expect_eq(connect(u, (struct sockaddr *)&none, sizeof none), 0);
    len = sizeof ss;
    EXPECT_ERR(getsockname(u, (struct sockaddr *)&ss, &len), WSAEINVAL);
    closesocket(u);
    cr_assert_eq(connect(s, (struct sockaddr *)&ra, sizeof ra), 0);
    len = sizeof ss;
    cr_expect_eq(getpeername(s, (struct sockaddr *)&ss, &len), 0);
    cr_expect_eq(pn->sin_port, ra.sin_port);
    cr_expect_eq(send(s, "y", 1, 0), 1);
    closesocket(s), closesocket(r), closesocket(r2);
}

/* F237: a datagram to port 0 is sent (sendto returns its length), IPv4 and
 * IPv6. Linux refuses the port (EINVAL); the datagram goes nowhere either
 * way, nothing can listen there. */
Test(udp, sendto_port_zero_succeeds, .init = wsa_start, .fini = wsa_stop) {
    SOCKET u = udp();
    struct sockaddr_in a = loopback(0);
    cr_assert_eq(sendto(u, "abc", 3, 0, (struct sockaddr *)&a, sizeof a), 3, "%d", WSAGetLastError());
    SOCKET u6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    cr_assert_neq(u6, INVALID_SOCKET);
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    a6.sin6_addr.s6_addr[15] = 1; /* ::1 */
    cr_assert_eq(sendto(u6, "abc", 3, 0, (struct sockaddr *)&a6, sizeof a6), 3, "%d", WSAGetLastError());
    closesocket(u);
    closesocket(u6);
}

/* F223: a UDP socket connected to a port nobody has: every send returns its
 * full length, although ICMP port unreachable answers each datagram (Linux
 * fails the send after one with ECONNREFUSED). */
Test(udp, send_to_a_closed_port_succeeds, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in a;
    closesocket(bound_udp(&a)); /* a port nobody has now */
    SOCKET v = udp();
    cr_assert_eq(connect(v, (struct sockaddr *)&a, sizeof a), 0, "%d", WSAGetLastError());
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(send(v, "x", 1, 0), 1, "send %d: %d", i, WSAGetLastError());
        Sleep(5); /* the ICMP answer comes back in between */
    }
    closesocket(v);
}

/* F238: a datagram to 255.255.255.255 needs SO_BROADCAST (WSAEACCES without,
 * again after turning it off); connect() to it does not, and send() then
 * works while sendto() to it is still refused; SO_BROADCAST still reads 0
 * (Linux refuses that connect: ws2posix turns the kernel's SO_BROADCAST on
 * for it and keeps the program's value). */
Test(udp, broadcast_needs_so_broadcast_except_connected, .init = wsa_start, .fini = wsa_stop) {
    SOCKET u = udp();
    struct sockaddr_in bc = loopback(htons(9));
    bc.sin_addr.s_addr = htonl(INADDR_BROADCAST);
    EXPECT_ERR(sendto(u, "x", 1, 0, (struct sockaddr *)&bc, sizeof bc), WSAEACCES);
    BOOL on = TRUE, off = FALSE;
    cr_assert_eq(setsockopt(u, SOL_SOCKET, SO_BROADCAST, (char *)&on, sizeof on), 0);
    int r = sendto(u, "x", 1, 0, (struct sockaddr *)&bc, sizeof bc);
    if (r == SOCKET_ERROR && WSAGetLastError() == WSAENETUNREACH)
        cr_skip_test("no route for broadcasts here");
    cr_assert_eq(r, 1, "%d", WSAGetLastError());
    cr_assert_eq(setsockopt(u, SOL_SOCKET, SO_BROADCAST, (char *)&off, sizeof off), 0);
    EXPECT_ERR(sendto(u, "x", 1, 0, (struct sockaddr *)&bc, sizeof bc), WSAEACCES);
    SOCKET c = udp();
    cr_assert_eq(connect(c, (struct sockaddr *)&bc, sizeof bc), 0, "%d", WSAGetLastError());
    cr_assert_eq(send(c, "x", 1, 0), 1, "%d", WSAGetLastError());
    EXPECT_ERR(sendto(c, "x", 1, 0, (struct sockaddr *)&bc, sizeof bc), WSAEACCES);
    BOOL v = 7;
    int len = sizeof v;
    cr_assert_eq(getsockopt(c, SOL_SOCKET, SO_BROADCAST, (char *)&v, &len), 0);
    cr_assert_eq(v, FALSE);
    cr_assert_eq(setsockopt(c, SOL_SOCKET, SO_BROADCAST, (char *)&on, sizeof on), 0);
    cr_assert_eq(sendto(c, "x", 1, 0, (struct sockaddr *)&bc, sizeof bc), 1, "%d", WSAGetLastError());
    v = 7;
    cr_assert_eq(getsockopt(c, SOL_SOCKET, SO_BROADCAST, (char *)&v, &len), 0);
    cr_assert_eq(v, TRUE);
    closesocket(u);
    closesocket(c);
}
