/* WSASendMsg: by name (WS2_32 routes it to the provider through WSPIoctl
 * SIO_EXT_SENDMSG) and through WSAID_WSASENDMSG; blocking, overlapped with
 * an event and with a completion routine; IP_PKTINFO / IPV6_PKTINFO control
 * data read back with WSARecvMsg. Facts: windows-behaviour.md F89, F239,
 * F240. */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <mswsock.h>
#include <string.h>

#include "common.h"
#include "pairs.h"

static const IN6_ADDR lo6 = {.s6_addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};

TestSuite(sendmsg, .init = wsa_start, .fini = wsa_stop);

/* A bound UDP receiver on 127.0.0.1 with IP_PKTINFO on. */
static SOCKET receiver4(struct sockaddr_in *a) {
    SOCKET r = bound_udp(a);
    DWORD on = 1;
    cr_assert_eq(setsockopt(r, IPPROTO_IP, IP_PKTINFO, (char *)&on, sizeof on), 0);
    return r;
}

static BOOL bound(SOCKET s) {
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    return getsockname(s, (struct sockaddr *)&ss, &len) == 0;
}

Test(sendmsg, not_a_socket) {
    char d[] = "x";
    WSABUF b = {1, d};
    WSAMSG m = {NULL, 0, &b, 1, {0, NULL}, 0};
    DWORD n;
    cr_assert_eq(WSASendMsg(INVALID_SOCKET, &m, 0, &n, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK); /* F89 */
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    LPFN_WSASENDMSG fn = ext(s, (GUID)WSAID_WSASENDMSG);
    cr_assert_eq(fn(INVALID_SOCKET, &m, 0, &n, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    closesocket(s);
}

/* F240 */
Test(sendmsg, bad_arguments) {
    struct sockaddr_in a;
    SOCKET r = receiver4(&a);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    char d[] = "data";
    WSABUF b = {4, d};
    WSAMSG m = {(struct sockaddr *)&a, sizeof a, &b, 1, {0, NULL}, 0};
    DWORD n = 0;
    cr_assert_eq(WSASendMsg(s, NULL, 0, &n, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(WSASendMsg(s, NULL, 0, NULL, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert(!bound(s)); /* no implicit bind then */
    cr_assert_eq(WSASendMsg(s, &m, 0, NULL, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert(bound(s)); /* but the socket was bound all the same */
    /* buffers missing, control data missing */
    WSAMSG nobuf = {(struct sockaddr *)&a, sizeof a, NULL, 1, {0, NULL}, 0};
    cr_assert_eq(WSASendMsg(s, &nobuf, 0, &n, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    WSAMSG noctl = {(struct sockaddr *)&a, sizeof a, &b, 1, {64, NULL}, 0};
    cr_assert_eq(WSASendMsg(s, &noctl, 0, &n, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    /* control data of a kind that cannot be sent */
    union {
        WSACMSGHDR h;
        char space[WSA_CMSG_SPACE(sizeof(int))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.h.cmsg_len = WSA_CMSG_LEN(sizeof(int));
    ctl.h.cmsg_level = SOL_SOCKET;
    ctl.h.cmsg_type = 0x1234;
    WSAMSG badctl = {(struct sockaddr *)&a, sizeof a, &b, 1, {sizeof ctl, ctl.space}, 0};
    cr_assert_eq(WSASendMsg(s, &badctl, 0, &n, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    /* F240: a stream socket */
    SOCKET t = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(WSASendMsg(t, &m, 0, &n, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    closesocket(t);
    closesocket(s);
    closesocket(r);
}

/* F239: a send from an unbound socket binds it; last error 0. */
Test(sendmsg, implicit_bind) {
    struct sockaddr_in a;
    SOCKET r = receiver4(&a);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert(!bound(s));
    char d[] = "hello";
    WSABUF b = {5, d};
    WSAMSG m = {(struct sockaddr *)&a, sizeof a, &b, 1, {0, NULL}, 0};
    DWORD n = 0;
    WSASetLastError(1234);
    cr_assert_eq(WSASendMsg(s, &m, 0, &n, NULL, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(WSAGetLastError(), 0);
    cr_assert_eq(n, 5);
    cr_assert(bound(s));
    char got[16];
    cr_assert_eq(recv(r, got, sizeof got, 0), 5);
    cr_assert_eq(memcmp(got, "hello", 5), 0);
    closesocket(s);
    closesocket(r);
}

/* IP_PKTINFO: the source address chosen by the sender, seen in the
 * receiver's IP_PKTINFO (its destination) through WSARecvMsg. Several
 * buffers make one datagram. */
Test(sendmsg, pktinfo_ipv4) {
    struct sockaddr_in a;
    SOCKET r = receiver4(&a);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    union {
        WSACMSGHDR h;
        char space[WSA_CMSG_SPACE(sizeof(IN_PKTINFO))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.h.cmsg_len = WSA_CMSG_LEN(sizeof(IN_PKTINFO));
    ctl.h.cmsg_level = IPPROTO_IP;
    ctl.h.cmsg_type = IP_PKTINFO;
    IN_PKTINFO pi = {0};
    pi.ipi_addr.s_addr = htonl(INADDR_LOOPBACK);
    memcpy(WSA_CMSG_DATA(&ctl.h), &pi, sizeof pi);
    char d1[] = "pkt", d2[] = "info";
    WSABUF b[2] = {{3, d1}, {4, d2}};
    WSAMSG m = {(struct sockaddr *)&a, sizeof a, b, 2, {sizeof ctl, ctl.space}, 0};
    DWORD n = 0;
    cr_assert_eq(WSASendMsg(s, &m, 0, &n, NULL, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(n, 7);
    LPFN_WSARECVMSG recvmsg_ = ext(r, (GUID)WSAID_WSARECVMSG);
    char data[16], cbuf[64];
    WSABUF rb = {sizeof data, data};
    struct sockaddr_in from;
    WSAMSG rm = {(struct sockaddr *)&from, sizeof from, &rb, 1, {sizeof cbuf, cbuf}, 0};
    cr_assert_eq(recvmsg_(r, &rm, &n, NULL, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(n, 7);
    cr_assert_eq(memcmp(data, "pktinfo", 7), 0);
    cr_assert_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    BOOL seen = FALSE;
    for (WSACMSGHDR *c = WSA_CMSG_FIRSTHDR(&rm); c; c = WSA_CMSG_NXTHDR(&rm, c))
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            IN_PKTINFO got;
            memcpy(&got, WSA_CMSG_DATA(c), sizeof got);
            cr_assert_eq(got.ipi_addr.s_addr, htonl(INADDR_LOOPBACK));
            seen = TRUE;
        }
    cr_assert(seen);
    closesocket(s);
    closesocket(r);
}

Test(sendmsg, pktinfo_ipv6) {
    SOCKET r = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = lo6;
    if (bind(r, (struct sockaddr *)&a, sizeof a) != 0) {
        closesocket(r);
        cr_skip_test("no IPv6 loopback here");
    }
    int len = sizeof a;
    getsockname(r, (struct sockaddr *)&a, &len);
    DWORD on = 1;
    cr_assert_eq(setsockopt(r, IPPROTO_IPV6, IPV6_PKTINFO, (char *)&on, sizeof on), 0);
    SOCKET s = socket(AF_INET6, SOCK_DGRAM, 0);
    union {
        WSACMSGHDR h;
        char space[WSA_CMSG_SPACE(sizeof(IN6_PKTINFO))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.h.cmsg_len = WSA_CMSG_LEN(sizeof(IN6_PKTINFO));
    ctl.h.cmsg_level = IPPROTO_IPV6;
    ctl.h.cmsg_type = IPV6_PKTINFO;
    IN6_PKTINFO pi;
    memset(&pi, 0, sizeof pi);
    pi.ipi6_addr = lo6;
    memcpy(WSA_CMSG_DATA(&ctl.h), &pi, sizeof pi);
    char d[] = "six";
    WSABUF b = {3, d};
    WSAMSG m = {(struct sockaddr *)&a, sizeof a, &b, 1, {sizeof ctl, ctl.space}, 0};
    DWORD n = 0;
    cr_assert_eq(WSASendMsg(s, &m, 0, &n, NULL, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(n, 3);
    LPFN_WSARECVMSG recvmsg_ = ext(r, (GUID)WSAID_WSARECVMSG);
    char data[16], cbuf[64];
    WSABUF rb = {sizeof data, data};
    struct sockaddr_in6 from;
    WSAMSG rm = {(struct sockaddr *)&from, sizeof from, &rb, 1, {sizeof cbuf, cbuf}, 0};
    cr_assert_eq(recvmsg_(r, &rm, &n, NULL, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(n, 3);
    BOOL seen = FALSE;
    for (WSACMSGHDR *c = WSA_CMSG_FIRSTHDR(&rm); c; c = WSA_CMSG_NXTHDR(&rm, c))
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            IN6_PKTINFO got;
            memcpy(&got, WSA_CMSG_DATA(c), sizeof got);
            cr_assert_eq(memcmp(&got.ipi6_addr, &lo6, sizeof got.ipi6_addr), 0);
            seen = TRUE;
        }
    cr_assert(seen);
    closesocket(s);
    closesocket(r);
}

/* Overlapped with an event (through the extension pointer), then with a
 * completion routine run by an alertable SleepEx. */
static int routine_calls;
static DWORD routine_err, routine_bytes;
static void CALLBACK on_sent(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)ov, (void)flags;
    routine_err = err;
    routine_bytes = bytes;
    routine_calls++;
}

Test(sendmsg, overlapped) {
    struct sockaddr_in a;
    SOCKET r = receiver4(&a);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    LPFN_WSASENDMSG fn = ext(s, (GUID)WSAID_WSASENDMSG);
    char d[] = "overlapped";
    WSABUF b = {10, d};
    WSAMSG m = {(struct sockaddr *)&a, sizeof a, &b, 1, {0, NULL}, 0};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    int rc = fn(s, &m, 0, NULL, &ov, NULL);
    cr_assert(rc == 0 || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 2000, FALSE), WSA_WAIT_EVENT_0);
    DWORD n = 0, fl;
    cr_assert(WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl));
    cr_assert_eq(n, 10);
    char got[32];
    cr_assert_eq(recv(r, got, sizeof got, 0), 10);
    cr_assert(bound(s)); /* F239 */
    /* a completion routine, by name */
    WSAOVERLAPPED ov2 = {0};
    routine_calls = 0;
    rc = WSASendMsg(s, &m, 0, NULL, &ov2, on_sent);
    cr_assert(rc == 0 || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    cr_assert_eq(routine_calls, 0); /* only in an alertable wait */
    cr_assert_eq(SleepEx(2000, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(routine_calls, 1);
    cr_assert_eq(routine_err, 0);
    cr_assert_eq(routine_bytes, 10);
    cr_assert_eq(recv(r, got, sizeof got, 0), 10);
    cr_assert_eq(memcmp(got, "overlapped", 10), 0);
    WSACloseEvent(ov.hEvent);
    closesocket(s);
    closesocket(r);
}

/* A connected datagram socket: no address needed. */
Test(sendmsg, connected) {
    struct sockaddr_in a;
    SOCKET r = receiver4(&a);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert_eq(connect(s, (struct sockaddr *)&a, sizeof a), 0);
    char d[] = "conn";
    WSABUF b = {4, d};
    WSAMSG m = {NULL, 0, &b, 1, {0, NULL}, 0};
    DWORD n = 0;
    cr_assert_eq(WSASendMsg(s, &m, 0, &n, NULL, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(n, 4);
    char got[8];
    cr_assert_eq(recv(r, got, sizeof got, 0), 4);
    closesocket(s);
    closesocket(r);
}

/* The int a control message carries, or -1 when it did not come. */
static int cmsg_int(WSAMSG *m, int level, int type) {
    for (WSACMSGHDR *c = WSA_CMSG_FIRSTHDR(m); c; c = WSA_CMSG_NXTHDR(m, c))
        if (c->cmsg_level == level && c->cmsg_type == type) {
            cr_assert_eq(c->cmsg_len, WSA_CMSG_LEN(sizeof(int)), "level %d type %d", level, type);
            int v;
            memcpy(&v, WSA_CMSG_DATA(c), sizeof v);
            return v;
        }
    return -1;
}

/* F258: IP_RECVTTL gives (IPPROTO_IP, IP_TTL, int >= 32) (Windows 10 1703
 * on; it was IP_HOPLIMIT, ws2posix's before), IP_RECVTOS (IPPROTO_IP, IP_TOS,
 * int 0); IPV6_HOPLIMIT gives (IPPROTO_IPV6, IPV6_HOPLIMIT) and
 * IPV6_RECVTCLASS (IPPROTO_IPV6, IPV6_TCLASS, int 0); each record's length
 * is the header's plus an int. */
Test(sendmsg, ttl_tos_and_tclass_control_messages) {
    for (int v6 = 0; v6 < 2; v6++) {
        SOCKET r = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
        SOCKADDR_STORAGE a;
        memset(&a, 0, sizeof a);
        int alen;
        if (v6) {
            struct sockaddr_in6 *p = (struct sockaddr_in6 *)&a;
            p->sin6_family = AF_INET6;
            p->sin6_addr = lo6;
            alen = sizeof *p;
        } else {
            struct sockaddr_in *p = (struct sockaddr_in *)&a;
            p->sin_family = AF_INET;
            p->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            alen = sizeof *p;
        }
        if (bind(r, (struct sockaddr *)&a, alen) != 0) {
            closesocket(r);
            cr_assert(v6, "bind: %d", WSAGetLastError());
            break; /* no IPv6 loopback here */
        }
        cr_assert_eq(getsockname(r, (struct sockaddr *)&a, &alen), 0);
        DWORD on = 1;
        int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
        cr_assert_eq(setsockopt(r, level, v6 ? IPV6_HOPLIMIT : IP_RECVTTL, (char *)&on, sizeof on), 0, "%d",
                     WSAGetLastError());
        cr_assert_eq(setsockopt(r, level, v6 ? IPV6_RECVTCLASS : IP_RECVTOS, (char *)&on, sizeof on), 0, "%d",
                     WSAGetLastError());
        SOCKET s = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
        cr_assert_eq(sendto(s, "ttl", 3, 0, (struct sockaddr *)&a, alen), 3);
        LPFN_WSARECVMSG recvmsg_ = ext(r, (GUID)WSAID_WSARECVMSG);
        char data[8], cbuf[128];
        WSABUF rb = {sizeof data, data};
        WSAMSG rm = {NULL, 0, &rb, 1, {sizeof cbuf, cbuf}, 0};
        DWORD n = 0;
        cr_assert_eq(recvmsg_(r, &rm, &n, NULL, NULL), 0, "%d", WSAGetLastError());
        cr_assert_eq(n, 3);
        int hops = cmsg_int(&rm, level, v6 ? IPV6_HOPLIMIT : IP_TTL);
        cr_assert_geq(hops, 32, "v6 %d: ttl/hop limit %d", v6, hops);
        cr_assert_eq(cmsg_int(&rm, level, v6 ? IPV6_TCLASS : IP_TOS), 0, "v6 %d", v6);
        closesocket(s);
        closesocket(r);
    }
}

static int msg_runs;
static DWORD msg_err, msg_bytes;
static void CALLBACK msg_done(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)ov, (void)flags;
    msg_err = err, msg_bytes = bytes;
    msg_runs++;
}

/* F115: WSARecvMsg with a completion routine is pending even when the
 * datagram is already there; the routine brings it. */
Test(sendmsg, recvmsg_with_a_routine_is_always_pending) {
    struct sockaddr_in a;
    SOCKET r = receiver4(&a), s = udp();
    cr_assert_eq(sendto(s, "queued", 6, 0, (struct sockaddr *)&a, sizeof a), 6);
    wait_readable(r);
    LPFN_WSARECVMSG recvmsg_ = ext(r, (GUID)WSAID_WSARECVMSG);
    char data[16], cbuf[64];
    WSABUF rb = {sizeof data, data};
    WSAMSG rm = {NULL, 0, &rb, 1, {sizeof cbuf, cbuf}, 0};
    WSAOVERLAPPED ov = {0};
    DWORD n = 77;
    msg_runs = 0;
    cr_assert_eq(recvmsg_(r, &rm, &n, &ov, msg_done), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(msg_runs, 0);
    cr_assert_eq(SleepEx(2000, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(msg_runs, 1);
    cr_assert_eq(msg_err, 0);
    cr_assert_eq(msg_bytes, 6);
    cr_assert_eq(memcmp(data, "queued", 6), 0);
    closesocket(s);
    closesocket(r);
}
