/*
 * ioctlsocket / WSAIoctl: FIONBIO, FIONREAD, SIOCATMARK, the extension
 * function table, base handles, SIO_KEEPALIVE_VALS, the interface codes
 * (SIO_GET_INTERFACE_LIST ... SIO_ADDRESS_LIST_CHANGE) and the codes refused.
 * F... ids restate shared/reference/windows-behaviour.md.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <mstcpip.h>
#include <pthread.h>

#include "common.h"
#include "netns_env.h"
#include "pairs.h"

static void ioctl_fails(SOCKET s, DWORD code, void *in, DWORD inlen, void *out, DWORD outlen, DWORD *size,
                        int error) {
    WSASetLastError(0);
    cr_assert_eq(WSAIoctl(s, code, in, inlen, out, outlen, size, NULL, NULL), SOCKET_ERROR, "%#x passed", code);
    cr_assert_eq(WSAGetLastError(), error, "%#x: %d, expected %d", code, WSAGetLastError(), error);
}

/* F183 */
Test(ioctl, fionbio_rules, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    u_long one = 1;
    DWORD size = 0xdead;
    WSASetLastError(0xbeef);
    cr_assert_eq(WSAIoctl(s, FIONBIO, &one, sizeof one, NULL, 0, &size, NULL, NULL), 0);
    cr_assert_eq(WSAGetLastError(), 0);
    cr_assert_eq(size, 0);
    char five[5] = {1};
    cr_assert_eq(WSAIoctl(s, FIONBIO, five, sizeof five, NULL, 0, &size, NULL, NULL), 0);
    ioctl_fails(s, FIONBIO, &one, 3, NULL, 0, &size, WSAEFAULT);
    ioctl_fails(s, FIONBIO, &one, sizeof one, NULL, 0, NULL, WSAEFAULT);
    ioctl_fails(s, FIONBIO, NULL, sizeof one, NULL, 0, &size, WSAEFAULT);
    cr_assert_eq(ioctlsocket(s, FIONBIO, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT, "F182");
    cr_assert_eq(ioctlsocket(s, FIONBIO, &one), 0);
    closesocket(s);
}

/* FIONBIO decides whether the I/O paths wait. */
Test(ioctl, fionbio_makes_calls_return_at_once, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    u_long one = 1, zero = 0;
    cr_assert_eq(ioctlsocket(sv, FIONBIO, &one), 0);
    char b;
    cr_assert_eq(recv(sv, &b, 1, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
    cr_assert_eq(ioctlsocket(sv, FIONBIO, &zero), 0);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    cr_assert_eq(recv(sv, &b, 1, 0), 1, "blocking again: waits for the byte");
    closesocket(c), closesocket(sv);
}

/* F185, F186, F187 on a fresh socket */
Test(ioctl, fionread_siocatmark_rules, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    static const DWORD codes[] = {FIONREAD, SIOCATMARK};
    for (int i = 0; i < 2; i++) {
        u_long v = 0xdeadbeef;
        DWORD size = 0x1234;
        ioctl_fails(s, codes[i], NULL, 0, &v, 3, &size, WSAEFAULT);
        cr_assert_eq(size, 0x1234, "size untouched");
        ioctl_fails(s, codes[i], NULL, 0, &v, sizeof v, NULL, WSAEFAULT);
        ioctl_fails(s, codes[i], NULL, 0, NULL, sizeof v, &size, WSAEFAULT);
        WSASetLastError(0xbeef);
        cr_assert_eq(WSAIoctl(s, codes[i], NULL, 0, &v, sizeof v, &size, NULL, NULL), 0);
        cr_assert_eq(WSAGetLastError(), 0);
        cr_assert_eq(size, 4);
        cr_assert_eq(v, codes[i] == FIONREAD ? 0u : 1u, "unconnected: nothing queued, at the mark");
        cr_assert_eq(ioctlsocket(s, (LONG)codes[i], NULL), SOCKET_ERROR);
        cr_assert_eq(WSAGetLastError(), WSAEFAULT, "F182");
    }
    closesocket(s);
}

static u_long ctl(SOCKET s, LONG cmd) {
    u_long v = 0xdeadbeef;
    cr_assert_eq(ioctlsocket(s, cmd, &v), 0, "%d", WSAGetLastError());
    return v;
}

static void wait_oob(SOCKET s) {
    fd_set e;
    FD_ZERO(&e);
    FD_SET(s, &e);
    struct timeval tv = {1, 0};
    cr_assert_eq(select(0, NULL, NULL, &e, &tv), 1, "no urgent data arrived");
}

/* F186, F187 */
Test(ioctl, fionread_counts_normal_data_only, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    cr_assert_eq(ctl(sv, FIONREAD), 0);
    cr_assert_eq(send(c, "hello", 5, 0), 5);
    wait_readable(sv);
    cr_assert_eq(ctl(sv, FIONREAD), 5);
    char b[8];
    cr_assert_eq(recv(sv, b, 2, 0), 2);
    cr_assert_eq(ctl(sv, FIONREAD), 3);
    cr_assert_eq(ctl(sv, SIOCATMARK), 1, "normal data only: at the mark");
    cr_assert_eq(send(c, "!", 1, MSG_OOB), 1);
    wait_oob(sv);
    cr_assert_eq(ctl(sv, SIOCATMARK), 0, "urgent byte waiting");
    cr_assert_eq(ctl(sv, FIONREAD), 3, "the urgent byte is not counted");
    cr_assert_eq(recv(sv, b, 1, MSG_OOB), 1);
    cr_assert_eq(b[0], '!');
    cr_assert_eq(ctl(sv, SIOCATMARK), 1);
    closesocket(c), closesocket(sv);
}

/* F187: with SO_OOBINLINE set first the urgent byte is ordinary data. */
Test(ioctl, oobinline_keeps_the_mark, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    int one = 1;
    cr_assert_eq(setsockopt(sv, SOL_SOCKET, SO_OOBINLINE, (char *)&one, sizeof one), 0);
    cr_assert_eq(send(c, "!", 1, MSG_OOB), 1);
    wait_readable(sv);
    cr_assert_eq(ctl(sv, SIOCATMARK), 1);
    cr_assert_eq(ctl(sv, FIONREAD), 1);
    closesocket(c), closesocket(sv);
}

/* F190 */
Test(ioctl, extension_function_pointer, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    GUID unknown = {0x12345678, 0x1234, 0x5678, {1, 2, 3, 4, 5, 6, 7, 8}};
    void *fn = (void *)0x1;
    DWORD size = 0x55;
    ioctl_fails(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &unknown, sizeof unknown, &fn, sizeof fn, &size, WSAEINVAL);
    cr_assert_eq(size, 0x55, "size untouched");
    cr_assert_eq(fn, (void *)0x1);
    ioctl_fails(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &unknown, sizeof unknown - 1, &fn, sizeof fn, &size,
                WSAEFAULT);
    ioctl_fails(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &unknown, sizeof unknown, &fn, sizeof fn - 1, &size,
                WSAEFAULT);
    closesocket(s);
}

/* F191: the base provider's socket is its own base handle. */
Test(ioctl, base_handles, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    static const DWORD codes[] = {SIO_BASE_HANDLE, SIO_BSP_HANDLE, SIO_BSP_HANDLE_SELECT, SIO_BSP_HANDLE_POLL};
    for (int i = 0; i < 4; i++) {
        SOCKET base = 0;
        DWORD size = 0;
        cr_assert_eq(WSAIoctl(s, codes[i], NULL, 0, &base, sizeof base, &size, NULL, NULL), 0);
        cr_assert_eq(base, s);
        cr_assert_eq(size, sizeof(SOCKET));
        ioctl_fails(s, codes[i], NULL, 0, &base, sizeof base - 1, &size, WSAEFAULT);
    }
    closesocket(s);
}

/* F189 */
Test(ioctl, unsupported_codes, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    static const DWORD codes[] = {0xdeadbeef, FIOASYNC, 0x667e, SIO_FLUSH};
    for (int i = 0; i < 4; i++) {
        DWORD size = 0x77;
        char buf[16];
        ioctl_fails(s, codes[i], buf, sizeof buf, buf, sizeof buf, &size, WSAEOPNOTSUPP);
        cr_assert_eq(size, 0);
    }
    u_long v;
    cr_assert_eq(ioctlsocket(s, (LONG)0xdeadbeef, &v), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEOPNOTSUPP);
    closesocket(s);
}

/* F188 */
Test(ioctl, keepalive_vals, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    struct tcp_keepalive k = {1, 10000, 3000};
    DWORD size = 0x99;
    ioctl_fails(s, SIO_KEEPALIVE_VALS, &k, 0, NULL, 0, &size, WSAEFAULT);
    cr_assert_eq(size, 0);
    ioctl_fails(s, SIO_KEEPALIVE_VALS, NULL, sizeof k, NULL, 0, &size, WSAEFAULT);
    static const struct tcp_keepalive ok[] = {{1, 0, 0}, {1, 1000, 1000}, {1, 10000, 10000}, {1, 100, 100},
                                              {0, 100, 100}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        size = 0x99;
        k = ok[i];
        cr_assert_eq(WSAIoctl(s, SIO_KEEPALIVE_VALS, &k, sizeof k, NULL, 0, &size, NULL, NULL), 0, "%d",
                     WSAGetLastError());
        cr_assert_eq(size, 0);
    }
    k = (struct tcp_keepalive){1, 10000, 3000};
    cr_assert_eq(WSAIoctl(s, SIO_KEEPALIVE_VALS, &k, sizeof k, NULL, 0, &size, NULL, NULL), 0);
    int v = 0, len = sizeof v;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, (char *)&v, &len), 0);
    cr_assert_eq(v & 0xff, 1);
    len = sizeof v;
    cr_assert_eq(getsockopt(s, IPPROTO_TCP, TCP_KEEPALIVE, (char *)&v, &len), 0);
    cr_assert_eq(v, 10, "10000 ms idle is 10 s");
    closesocket(s);
}

Test(ioctl, closed_socket, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    closesocket(s);
    u_long v = 1;
    cr_assert_eq(ioctlsocket(s, FIONBIO, &v), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    DWORD size;
    ioctl_fails(s, FIONREAD, NULL, 0, &v, sizeof v, &size, WSAENOTSOCK);
}

/* FIONREAD on a datagram socket: Windows (ioctlsocket reference page)
 * answers with all the datagram bytes queued, here 3 + 5 + 7 = 15; this
 * library answers with the size of the next datagram only (3), which is
 * what Linux's FIONREAD gives. No kernel interface gives the total payload
 * queued: SO_MEMINFO, sock_diag and /proc/net/udp count buffer memory
 * (truesize), not payload; MSG_PEEK sees the first datagram only; walking
 * the queue with SO_PEEK_OFF would move the peek position other threads'
 * and processes' MSG_PEEK receives share, consume a pending ICMP error that
 * the next recv must report, and cost a system call per datagram. This
 * test documents the difference (README, Status); a program that needs
 * the total sums the sizes as it receives. An empty queue is 0 on both. */
Test(ioctl, fionread_udp_next_datagram, .init = wsa_start, .fini = wsa_stop) {
    SOCKET r = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    struct sockaddr_in a = loopback(0);
    cr_assert_eq(bind(r, (struct sockaddr *)&a, sizeof a), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(r, (struct sockaddr *)&a, &len), 0);
    u_long avail = 0xdead;
    cr_assert_eq(ioctlsocket(r, FIONREAD, &avail), 0);
    cr_expect_eq(avail, 0, "nothing queued");
    cr_assert_eq(sendto(s, "one", 3, 0, (struct sockaddr *)&a, sizeof a), 3);
    cr_assert_eq(sendto(s, "three", 5, 0, (struct sockaddr *)&a, sizeof a), 5);
    cr_assert_eq(sendto(s, "seventh", 7, 0, (struct sockaddr *)&a, sizeof a), 7);
    wait_readable(r);
    cr_assert_eq(ioctlsocket(r, FIONREAD, &avail), 0);
    cr_expect_eq(avail, 3, "the next datagram's size (Windows: 15, all queued): %lu", (unsigned long)avail);
    char buf[16];
    cr_assert_eq(recv(r, buf, sizeof buf, 0), 3);
    cr_assert_eq(ioctlsocket(r, FIONREAD, &avail), 0);
    cr_expect_eq(avail, 5, "(Windows: 12)");
    cr_assert_eq(recv(r, buf, sizeof buf, 0), 5);
    cr_assert_eq(recv(r, buf, sizeof buf, 0), 7);
    cr_assert_eq(ioctlsocket(r, FIONREAD, &avail), 0);
    cr_expect_eq(avail, 0);
    closesocket(r), closesocket(s);
}

/* F194: SIO_GET_INTERFACE_LIST fills whole INTERFACE_INFO records, one of
 * them the loopback interface (IFF_LOOPBACK, 127.0.0.1, netmask 255.0.0.0);
 * a buffer too small for one record is WSAEFAULT with size 0. */
Test(ioctl, get_interface_list, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp();
    INTERFACE_INFO ii[32];
    DWORD size = 0x77;
    cr_assert_eq(WSAIoctl(s, SIO_GET_INTERFACE_LIST, NULL, 0, ii, sizeof ii, &size, NULL, NULL), 0, "%d",
                 WSAGetLastError());
    cr_assert_gt(size, 0);
    cr_assert_eq(size % sizeof(INTERFACE_INFO), 0, "%lu", (unsigned long)size);
    BOOL loopback = FALSE;
    for (DWORD i = 0; i < size / sizeof(INTERFACE_INFO); i++) {
        cr_assert(ii[i].iiFlags & IFF_UP);
        cr_assert_eq(ii[i].iiAddress.AddressIn.sin_family, AF_INET);
        if (ii[i].iiFlags & IFF_LOOPBACK) {
            loopback = TRUE;
            cr_assert_eq(ii[i].iiAddress.AddressIn.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
            cr_assert_eq(ii[i].iiNetmask.AddressIn.sin_addr.s_addr, htonl(0xff000000));
        }
    }
    cr_assert(loopback);
    size = 0x77;
    ioctl_fails(s, SIO_GET_INTERFACE_LIST, NULL, 0, ii, sizeof(INTERFACE_INFO) - 1, &size, WSAEFAULT);
    cr_assert_eq(size, 0);
    closesocket(s);
}

/* F192: SIO_ADDRESS_LIST_QUERY: without a buffer WSAEFAULT with the size it
 * takes; a buffer too small for the count WSAEINVAL with size 0; one that
 * holds the count only WSAEFAULT with the size, untouched; then the list,
 * FIELD_OFFSET(Address[n]) plus each address's length, the addresses in the
 * buffer after the array. Loopback is not listed. */
Test(ioctl, address_list_query, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp();
    DWORD need = 0x77, size;
    ioctl_fails(s, SIO_ADDRESS_LIST_QUERY, NULL, 0, NULL, 0, &need, WSAEFAULT);
    cr_assert_geq(need, offsetof(SOCKET_ADDRESS_LIST, Address));
    char buf[1024];
    size = 0x77;
    ioctl_fails(s, SIO_ADDRESS_LIST_QUERY, NULL, 0, buf, 1, &size, WSAEINVAL);
    cr_assert_eq(size, 0);
    SOCKET_ADDRESS_LIST *list = (SOCKET_ADDRESS_LIST *)buf;
    if (need > offsetof(SOCKET_ADDRESS_LIST, Address)) { /* some address besides loopback */
        memset(buf, 0xcc, sizeof buf);
        size = 0x77;
        ioctl_fails(s, SIO_ADDRESS_LIST_QUERY, NULL, 0, buf, offsetof(SOCKET_ADDRESS_LIST, Address), &size,
                    WSAEFAULT);
        cr_assert_eq(size, need);
        cr_assert_eq((unsigned char)buf[0], 0xcc, "untouched");
    }
    cr_assert_leq(need, sizeof buf);
    size = 0;
    cr_assert_eq(WSAIoctl(s, SIO_ADDRESS_LIST_QUERY, NULL, 0, buf, sizeof buf, &size, NULL, NULL), 0, "%d",
                 WSAGetLastError());
    cr_assert_eq(size, need);
    size_t sum = offsetof(SOCKET_ADDRESS_LIST, Address) + (size_t)list->iAddressCount * sizeof(SOCKET_ADDRESS);
    for (int i = 0; i < list->iAddressCount; i++) {
        SOCKET_ADDRESS *a = &list->Address[i];
        cr_assert_eq(a->iSockaddrLength, (INT)sizeof(SOCKADDR_IN));
        cr_assert((char *)a->lpSockaddr >= buf && (char *)a->lpSockaddr + a->iSockaddrLength <= buf + size);
        cr_assert_eq(a->lpSockaddr->sa_family, AF_INET);
        cr_assert_neq(((SOCKADDR_IN *)a->lpSockaddr)->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
        sum += (size_t)a->iSockaddrLength;
    }
    cr_assert_eq(size, sum);
    closesocket(s);
}

/* F195: SIO_ROUTING_INTERFACE_QUERY: the local address a datagram to the
 * destination leaves from (loopback for loopback, 16 bytes); a family of 0
 * is WSAEAFNOSUPPORT, an output of 15 bytes or none WSAEFAULT, and so is a
 * missing byte count. */
Test(ioctl, routing_interface_query, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp();
    struct sockaddr_in to = loopback(htons(80)), got;
    DWORD size = 0;
    memset(&got, 0xcc, sizeof got);
    cr_assert_eq(WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, &to, sizeof to, &got, sizeof got, &size, NULL, NULL), 0,
                 "%d", WSAGetLastError());
    cr_assert_eq(size, sizeof(SOCKADDR_IN));
    cr_assert_eq(got.sin_family, AF_INET);
    cr_assert_eq(got.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    cr_assert_eq(got.sin_port, 0);
    struct sockaddr_in zero = to;
    zero.sin_family = 0;
    ioctl_fails(s, SIO_ROUTING_INTERFACE_QUERY, &zero, sizeof zero, &got, sizeof got, &size, WSAEAFNOSUPPORT);
    ioctl_fails(s, SIO_ROUTING_INTERFACE_QUERY, &to, sizeof to, &got, 15, &size, WSAEFAULT);
    ioctl_fails(s, SIO_ROUTING_INTERFACE_QUERY, &to, sizeof to, NULL, sizeof got, &size, WSAEFAULT);
    ioctl_fails(s, SIO_ROUTING_INTERFACE_QUERY, &to, sizeof to, &got, sizeof got, NULL, WSAEFAULT);
    closesocket(s);
}

/* F193: SIO_ADDRESS_LIST_CHANGE without a WSAOVERLAPPED on a non-blocking
 * socket is WSAEWOULDBLOCK; overlapped it is pending, and closesocket ends
 * it with ERROR_OPERATION_ABORTED on the socket's completion port; a
 * blocking call ends with WSAEINTR when another thread closes the socket. */
typedef struct blocked_change {
    SOCKET s;
    int r, err;
} blocked_change;

static void *change_blocking(void *arg) {
    blocked_change *b = arg;
    DWORD size = 0;
    b->r = WSAIoctl(b->s, SIO_ADDRESS_LIST_CHANGE, NULL, 0, NULL, 0, &size, NULL, NULL);
    b->err = WSAGetLastError();
    return NULL;
}

Test(ioctl, address_list_change_pending_and_aborted, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp();
    u_long one = 1;
    DWORD size = 0x77;
    cr_assert_eq(ioctlsocket(s, FIONBIO, &one), 0);
    ioctl_fails(s, SIO_ADDRESS_LIST_CHANGE, NULL, 0, NULL, 0, &size, WSAEWOULDBLOCK);
    HANDLE p = CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, NULL, 21, 0);
    cr_assert_not_null(p);
    WSAOVERLAPPED ov = {0};
    cr_assert_eq(WSAIoctl(s, SIO_ADDRESS_LIST_CHANGE, NULL, 0, NULL, 0, &size, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    DWORD n = 7;
    ULONG_PTR key = 0;
    LPOVERLAPPED o = NULL;
    cr_assert_not(GetQueuedCompletionStatus(p, &n, &key, &o, 50), "nothing changed yet");
    cr_assert_eq(GetLastError(), WAIT_TIMEOUT);
    cr_assert_eq(closesocket(s), 0);
    cr_assert_not(GetQueuedCompletionStatus(p, &n, &key, &o, 2000));
    cr_assert_eq(GetLastError(), ERROR_OPERATION_ABORTED);
    cr_assert_eq(o, (LPOVERLAPPED)&ov);
    cr_assert_eq(key, 21);
    cr_assert_eq((uint32_t)ov.Internal, 0xC0000120u); /* STATUS_CANCELLED */
    CloseHandle(p);
    blocked_change b = {udp(), 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, change_blocking, &b);
    Sleep(100); /* it waits */
    cr_assert_eq(closesocket(b.s), 0);
    pthread_join(t, NULL);
    cr_assert_eq(b.r, SOCKET_ERROR);
    cr_assert_eq(b.err, WSAEINTR);
}

/* F193: a pending SIO_ADDRESS_LIST_CHANGE completes (0 bytes) when an
 * address of the socket's family comes: here in a private network
 * namespace, whose loopback going up adds 127.0.0.1 and ::1. */
static void private_netns_start(void) {
    char why[160];
    if (!netns_private(why, sizeof why))
        cr_skip_test("%s", why);
    wsa_start();
}

Test(ioctl, address_list_change_completes, .init = private_netns_start, .fini = wsa_stop) {
    SOCKET s = udp();
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD size = 0;
    cr_assert_eq(WSAIoctl(s, SIO_ADDRESS_LIST_CHANGE, NULL, 0, NULL, 0, &size, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    Sleep(100); /* the loop has the request and watches */
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
    cr_assert_eq(netns_lo_up(), 0);
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0, "no change came");
    DWORD n = 7, fl;
    cr_assert(WSAGetOverlappedResult(s, &ov, &n, FALSE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, 0);
    WSACloseEvent(ov.hEvent);
    closesocket(s);
}
