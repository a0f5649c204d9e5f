/*
 * getsockopt / setsockopt as Windows does them: round trips, the length
 * rules of each option, and every error code. F... ids restate
 * shared/reference/windows-behaviour.md (Wine's conformance tests, which
 * pass on Windows).
 */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <pthread.h>
#include <string.h>
#include "common.h"

/* setsockopt must fail with `error`. */
static void set_fails(SOCKET s, int level, int name, const void *val, int len, int error) {
    WSASetLastError(0);
    cr_assert_eq(setsockopt(s, level, name, (const char *)val, len), SOCKET_ERROR, "set(%d, %#x, len %d) passed",
                 level, name, len);
    cr_assert_eq(WSAGetLastError(), error, "set(%d, %#x, len %d): %d, expected %d", level, name, len,
                 WSAGetLastError(), error);
}
static void get_fails(SOCKET s, int level, int name, void *val, int *len, int error) {
    WSASetLastError(0);
    cr_assert_eq(getsockopt(s, level, name, (char *)val, len), SOCKET_ERROR, "get(%d, %#x) passed", level, name);
    cr_assert_eq(WSAGetLastError(), error, "get(%d, %#x): %d, expected %d", level, name, WSAGetLastError(), error);
}
static int get4(SOCKET s, int level, int name) {
    int v = 0xdeadbeef, len = sizeof v;
    cr_assert_eq(getsockopt(s, level, name, (char *)&v, &len), 0, "get(%d, %#x): %d", level, name,
                 WSAGetLastError());
    return v;
}
static void set4(SOCKET s, int level, int name, int v) {
    cr_assert_eq(setsockopt(s, level, name, (const char *)&v, sizeof v), 0, "set(%d, %#x, %d): %d", level, name, v,
                 WSAGetLastError());
}

/* Set to v; it then reads as want. */
static void set_reads(SOCKET s, int level, int name, int v, int want) {
    set4(s, level, name, v);
    int got = get4(s, level, name);
    cr_assert_eq(got, want, "get(%d, %#x) after setting %d: %d, want %d", level, name, v, got, want);
}

/* F243, F256 */
Test(options, timeouts_round_trip_and_stay_out_of_the_kernel, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    cr_assert_eq(get4(s, SOL_SOCKET, SO_RCVTIMEO), 0);
    set_reads(s, SOL_SOCKET, SO_RCVTIMEO, 63000, 63000);
    set_reads(s, SOL_SOCKET, SO_RCVTIMEO, 0, 0);
    set_reads(s, SOL_SOCKET, SO_SNDTIMEO, 997000, 997000);
    /* A value Linux's timeval would mangle (~49 days) comes back whole. */
    set4(s, SOL_SOCKET, SO_SNDTIMEO, (int)0xfffffffeu);
    cr_assert_eq((unsigned)get4(s, SOL_SOCKET, SO_SNDTIMEO), 0xfffffffeu);
    closesocket(s);
}

/* F243 */
Test(options, buffer_sizes_read_back_as_set, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    set_reads(s, SOL_SOCKET, SO_SNDBUF, 4096, 4096);
    set_reads(s, SOL_SOCKET, SO_RCVBUF, 4096, 4096);
    set_reads(s, SOL_SOCKET, SO_RCVBUF, 0, 0);
    closesocket(s);
}

/* F244 */
Test(options, linger_and_dontlinger, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    static const u_short cases[][2] = {{0, 0}, {0, 73}, {1, 0}, {5, 189}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        LINGER in = {cases[i][0], cases[i][1]}, out = {0xffff, 0xffff};
        int len = sizeof out;
        cr_assert_eq(setsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&in, sizeof in), 0);
        cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&out, &len), 0);
        cr_assert_eq(len, (int)sizeof out);
        cr_assert_eq(out.l_onoff != 0, in.l_onoff != 0);
        if (in.l_onoff)
            cr_assert_eq(out.l_linger, in.l_linger);
        cr_assert_eq(get4(s, SOL_SOCKET, SO_DONTLINGER), !in.l_onoff, "SO_DONTLINGER is !l_onoff");
    }
    set4(s, SOL_SOCKET, SO_DONTLINGER, 0);
    LINGER out;
    int len = sizeof out;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&out, &len), 0);
    cr_assert(out.l_onoff);
    set_fails(s, SOL_SOCKET, SO_LINGER, NULL, sizeof(LINGER), WSAEFAULT);
    set_fails(s, SOL_SOCKET, SO_DONTLINGER, NULL, 0, WSAEFAULT);
    set_fails(s, SOL_SOCKET, SO_DONTLINGER, NULL, sizeof(BOOL), WSAEFAULT);
    closesocket(s);
    s = udp();
    len = sizeof out;
    get_fails(s, SOL_SOCKET, SO_LINGER, &out, &len, WSAENOPROTOOPT);
    closesocket(s);
}

/* F245, F252 */
Test(options, tcp_nodelay_takes_one_byte, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    int one = 1;
    cr_assert_eq(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (char *)&one, 1), 0);
    char big[42] = {1};
    cr_assert_eq(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, big, sizeof big), 0);
    int v = 0xdeadbeef, len = sizeof v;
    cr_assert_eq(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, (char *)&v, &len), 0);
    cr_assert_eq(len, 1, "always one byte");
    cr_assert_eq(v & 0xff, 1);
    set_fails(s, IPPROTO_TCP, TCP_NODELAY, &one, 0, WSAEFAULT);
    set_fails(s, IPPROTO_TCP, TCP_NODELAY, &one, -1, WSAENOBUFS);
    set4(s, IPPROTO_TCP, TCP_NODELAY, 0x100); /* only the low byte counts */
    v = 0, len = sizeof v;
    cr_assert_eq(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, (char *)&v, &len), 0);
    cr_assert_eq(v, 0);
    closesocket(s);
}

/* F249: the BOOL options of SOL_SOCKET that take short lengths. */
Test(options, short_bools, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp();
    static const int names[] = {SO_BROADCAST, SO_OOBINLINE, SO_REUSEADDR, SO_DONTLINGER, SO_EXCLUSIVEADDRUSE};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int name = names[i];
        if (name == SO_DONTLINGER) {
            closesocket(s);
            s = tcp();
        }
        for (int L = 1; L <= 4; L *= 2) {
            int v = 1;
            cr_assert_eq(setsockopt(s, SOL_SOCKET, name, (char *)&v, L), 0, "%#x len %d: %d", name, L,
                         WSAGetLastError());
            v = 0xdeadbeef;
            int len = L;
            cr_assert_eq(getsockopt(s, SOL_SOCKET, name, (char *)&v, &len), 0, "%#x len %d: %d", name, L,
                         WSAGetLastError());
            cr_assert_eq(len, L == 4 ? 4 : 1, "%#x len %d gives %d", name, L, len);
            cr_assert_eq(v & 0xff, 1);
            v = 0;
            cr_assert_eq(setsockopt(s, SOL_SOCKET, name, (char *)&v, L), 0);
        }
        /* F251: optlen 0 is accepted; F252: 0x100 is TRUE. */
        int v = 0x100;
        cr_assert_eq(setsockopt(s, SOL_SOCKET, name, (char *)&v, 0), 0, "%#x len 0: %d", name, WSAGetLastError());
        cr_assert_eq(setsockopt(s, SOL_SOCKET, name, (char *)&v, 4), 0);
        cr_assert_eq(get4(s, SOL_SOCKET, name), 1, "%#x: 0x100 reads 1", name);
        v = 0;
        cr_assert_eq(setsockopt(s, SOL_SOCKET, name, (char *)&v, 4), 0);
    }
    closesocket(s);
}

/* F249: SO_LINGER/SO_RCVBUF/SO_SNDBUF fail short and zero-fill; timeouts
 * fail short and leave everything; optlen 0 and -1 on get are WSAEFAULT. */
Test(options, short_lengths_refused, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    static const int fill[] = {SO_LINGER, SO_RCVBUF, SO_SNDBUF};
    for (size_t i = 0; i < 3; i++) {
        int v = 0x100;
        set_fails(s, SOL_SOCKET, fill[i], &v, 2, WSAEFAULT);
        v = (int)0xdeadbeef;
        int len = 1;
        get_fails(s, SOL_SOCKET, fill[i], &v, &len, WSAEFAULT);
        cr_assert_eq((unsigned)v, 0xdeadbe00u);
        cr_assert_eq(len, 1);
        v = (int)0xdeadbeef, len = 2;
        get_fails(s, SOL_SOCKET, fill[i], &v, &len, WSAEFAULT);
        cr_assert_eq((unsigned)v, 0xdead0000u);
    }
    static const int keep[] = {SO_RCVTIMEO, SO_SNDTIMEO};
    for (size_t i = 0; i < 2; i++) {
        int v = 5;
        set_fails(s, SOL_SOCKET, keep[i], &v, 3, WSAEFAULT);
        v = (int)0xdeadbeef;
        int len = 2;
        get_fails(s, SOL_SOCKET, keep[i], &v, &len, WSAEFAULT);
        cr_assert_eq((unsigned)v, 0xdeadbeefu);
        cr_assert_eq(len, 2);
    }
    /* F250 */
    int v, len = 0;
    get_fails(s, SOL_SOCKET, SO_RCVBUF, &v, &len, WSAEFAULT);
    len = -1;
    get_fails(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len, WSAEFAULT);
    cr_assert_eq(len, -1);
    v = 4096;
    cr_assert_eq(setsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&v, -1), 0, "4-byte SOL_SOCKET option, len -1");
    closesocket(s);
}

/* F249: IP options that set optlen to 0 when too short, and those that take
 * short values; F252: range checks. */
Test(options, ip_level_lengths_and_ranges, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp();
    int v = 1, len = 2;
    cr_assert_eq(setsockopt(s, IPPROTO_IP, IP_PKTINFO, (char *)&v, 4), 0);
    get_fails(s, IPPROTO_IP, IP_PKTINFO, &v, &len, WSAEFAULT);
    cr_assert_eq(len, 0);
    set_fails(s, IPPROTO_IP, IP_PKTINFO, &v, 2, WSAEFAULT);
    set_fails(s, IPPROTO_IP, IP_PKTINFO, &v, -1, WSAENOBUFS);

    v = 0xffffff0a;
    cr_assert_eq(setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, (char *)&v, 1), 0);
    cr_assert_eq(get4(s, IPPROTO_IP, IP_MULTICAST_TTL), 0x0a);
    v = 0xffff000b;
    cr_assert_eq(setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, (char *)&v, 2), 0);
    cr_assert_eq(get4(s, IPPROTO_IP, IP_MULTICAST_TTL), 0x0b);
    v = 0xff00000c;
    cr_assert_eq(setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, (char *)&v, 3), 0);
    cr_assert_eq(get4(s, IPPROTO_IP, IP_MULTICAST_TTL), 0x0c);
    v = 0;
    len = 1;
    cr_assert_eq(getsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, (char *)&v, &len), 0);
    cr_assert_eq(len, 1);

    static const int octets[][2] = {{IPPROTO_IP, IP_TTL}, {IPPROTO_IP, IP_TOS}, {IPPROTO_IP, IP_MULTICAST_TTL}};
    for (size_t i = 0; i < 3; i++) {
        v = 0x100;
        set_fails(s, octets[i][0], octets[i][1], &v, 4, WSAEINVAL);
        set_fails(s, octets[i][0], octets[i][1], &v, 0, WSAEFAULT);
    }
    set_reads(s, IPPROTO_IP, IP_TTL, 77, 77);
    set_reads(s, IPPROTO_IP, IP_MULTICAST_LOOP, 0x100, 1);
    set_reads(s, IPPROTO_IP, IP_MULTICAST_LOOP, 0, 0);
    closesocket(s);
}

/* F257: datagram-only options read on a stream socket; F253: IP_HDRINCL
 * outside raw sockets. */
Test(options, validity_by_socket_type, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    int v = 0x1234, len = sizeof v;
    static const int dgram_only[] = {IP_MULTICAST_IF, IP_MULTICAST_TTL, IP_MULTICAST_LOOP, IP_PKTINFO, IP_RECVTTL,
                                     IP_RECVTOS};
    for (size_t i = 0; i < sizeof dgram_only / sizeof dgram_only[0]; i++) {
        len = sizeof v;
        get_fails(s, IPPROTO_IP, dgram_only[i], &v, &len, WSAEINVAL);
    }
    SOCKET t6 = socket(AF_INET6, SOCK_STREAM, 0);
    static const int dgram_only6[] = {IPV6_MULTICAST_IF, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP, IPV6_PKTINFO,
                                      IPV6_HOPLIMIT, IPV6_RECVTCLASS};
    for (size_t i = 0; i < sizeof dgram_only6 / sizeof dgram_only6[0]; i++) {
        len = sizeof v;
        get_fails(t6, IPPROTO_IPV6, dgram_only6[i], &v, &len, WSAEINVAL);
    }
    closesocket(t6);
    len = sizeof v;
    get_fails(s, IPPROTO_IP, IP_HDRINCL, &v, &len, WSAEINVAL);
    cr_assert_eq(v, 0x1234, "untouched");
    v = 1;
    set_fails(s, IPPROTO_IP, IP_HDRINCL, &v, 4, WSAEINVAL);
    v = 0;
    set_fails(s, IPPROTO_IP, IP_HDRINCL, &v, 4, WSAEINVAL);
    struct ip_mreq m;
    len = sizeof m;
    get_fails(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, &len, WSAENOPROTOOPT);
    len = sizeof v;
    get_fails(s, IPPROTO_IP, -1, &v, &len, WSAENOPROTOOPT);
    len = sizeof v;
    get_fails(s, IPPROTO_IPV6, -1, &v, &len, WSAENOPROTOOPT);
    cr_assert_eq(get4(s, IPPROTO_IP, IP_TTL) > 0, 1);
    closesocket(s);
}

/* F247: unknown levels are WSAEINVAL, unknown names WSAENOPROTOOPT, and
 * the level is judged before the pointers. */
Test(options, unknown_level_and_name, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    static const int levels[] = {(int)0xffffffff, 0x1234ffff, (int)0x8000ffff, 0x8000, 0x800};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        int v = 1, len = sizeof v;
        set_fails(s, levels[i], SO_KEEPALIVE, &v, sizeof v, WSAEINVAL);
        get_fails(s, levels[i], SO_KEEPALIVE, &v, &len, WSAEINVAL);
        get_fails(s, levels[i], SO_KEEPALIVE, NULL, NULL, WSAEINVAL);
    }
    int v = 1, len = sizeof v;
    set_fails(s, SOL_SOCKET, 0x7777, &v, sizeof v, WSAENOPROTOOPT);
    get_fails(s, SOL_SOCKET, 0x7777, &v, &len, WSAENOPROTOOPT);
    /* F247: a bad pointer; NULL is what can be told here. */
    set_fails(s, SOL_SOCKET, SO_DONTROUTE, NULL, 1, WSAEFAULT);
    get_fails(s, SOL_SOCKET, SO_KEEPALIVE, NULL, &len, WSAEFAULT);
    get_fails(s, SOL_SOCKET, SO_KEEPALIVE, &v, NULL, WSAEFAULT);
    set_fails(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, NULL, sizeof(struct ip_mreq), WSAEFAULT);
    closesocket(s);
}

/* F205 */
Test(options, reuseaddr_and_exclusiveaddruse_exclude_each_other, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    cr_assert_eq(get4(s, SOL_SOCKET, SO_REUSEADDR), 0, "F204: off by default");
    set_reads(s, SOL_SOCKET, SO_REUSEADDR, 1, 1);
    int one = 1;
    set_fails(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, &one, sizeof one, WSAEINVAL);
    cr_assert_eq(get4(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE), 0);
    closesocket(s);
    s = tcp();
    set_reads(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1, 1);
    set_fails(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one, WSAEINVAL);
    cr_assert_eq(get4(s, SOL_SOCKET, SO_REUSEADDR), 0);
    set4(s, SOL_SOCKET, SO_REUSEADDR, 0); /* FALSE is no conflict */
    closesocket(s);
}

/* F248 */
/* F206: a second bind to a port, by kind of address and SO_EXCLUSIVEADDRUSE
 * (X); IPv6 sockets with IPV6_V6ONLY 0. An exclusive wildcard bind makes
 * the others' bind WSAEACCES. Four rows of Windows' table are left out:
 * Linux refuses a specific address joining a wildcard bind of the port
 * (v4 any + v4 loopback X, v4 loopback X + v4 any, v6 any + v4 any X, v6 any
 * + v4 any: 0 on Windows, WSAEADDRINUSE here; README). */
enum { B_V4ANY, B_V4LO, B_V6ANY, B_V6LO, B_V6MAPLO, B_V6MAPANY };

static SOCKET bind_kind(int kind, BOOL excl, u_short port, int *err) {
    BOOL v6 = kind >= B_V6ANY;
    SOCKET s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    if (v6)
        set4(s, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    if (excl)
        set4(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1);
    SOCKADDR_STORAGE ss;
    memset(&ss, 0, sizeof ss);
    int len;
    if (!v6) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = port;
        a->sin_addr.s_addr = htonl(kind == B_V4LO ? INADDR_LOOPBACK : INADDR_ANY);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = port;
        if (kind == B_V6LO)
            a->sin6_addr.s6_addr[15] = 1;
        if (kind == B_V6MAPLO || kind == B_V6MAPANY)
            a->sin6_addr.s6_addr[10] = a->sin6_addr.s6_addr[11] = 0xff;
        if (kind == B_V6MAPLO)
            a->sin6_addr.s6_addr[12] = 127, a->sin6_addr.s6_addr[15] = 1;
        len = sizeof *a;
    }
    *err = bind(s, (struct sockaddr *)&ss, len) ? WSAGetLastError() : 0;
    return s;
}

Test(options, exclusiveaddruse_bind_table, .init = wsa_start, .fini = wsa_stop) {
    static const struct {
        int first;
        BOOL x1;
        int second;
        BOOL x2;
        int want;
    } rows[] = {
        {B_V4ANY, 1, B_V4LO, 0, WSAEACCES},       {B_V6ANY, 1, B_V4LO, 0, WSAEACCES},
        {B_V4ANY, 1, B_V4LO, 1, WSAEACCES},       {B_V4LO, 0, B_V4ANY, 1, WSAEADDRINUSE},
        {B_V4LO, 0, B_V6ANY, 1, WSAEADDRINUSE},   {B_V6LO, 0, B_V4ANY, 1, 0},
        {B_V6LO, 1, B_V4LO, 1, 0},                {B_V6MAPLO, 0, B_V4ANY, 1, WSAEADDRINUSE},
        {B_V6ANY, 1, B_V4ANY, 0, WSAEACCES},      {B_V4ANY, 0, B_V4ANY, 1, WSAEADDRINUSE},
        {B_V4ANY, 0, B_V4ANY, 0, WSAEADDRINUSE},  {B_V6MAPANY, 0, B_V4ANY, 0, WSAEADDRINUSE},
        {B_V6MAPLO, 0, B_V4LO, 0, WSAEADDRINUSE}, {B_V4LO, 0, B_V6MAPLO, 0, WSAEADDRINUSE},
        {B_V4LO, 1, B_V4LO, 0, WSAEADDRINUSE},    {B_V4LO, 0, B_V4LO, 1, WSAEADDRINUSE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int e1, e2;
        SOCKET a = bind_kind(rows[i].first, rows[i].x1, 0, &e1);
        cr_assert_eq(e1, 0, "row %zu: first bind %d", i, e1);
        SOCKADDR_STORAGE ss;
        int len = sizeof ss;
        cr_assert_eq(getsockname(a, (struct sockaddr *)&ss, &len), 0);
        SOCKET b = bind_kind(rows[i].second, rows[i].x2, ((struct sockaddr_in *)&ss)->sin_port, &e2);
        cr_expect_eq(e2, rows[i].want, "row %zu: %d, want %d", i, e2, rows[i].want);
        closesocket(a);
        closesocket(b);
    }
}

Test(options, so_error_is_settable_and_kept, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    cr_assert_eq(get4(s, SOL_SOCKET, SO_ERROR), 0);
    set_reads(s, SOL_SOCKET, SO_ERROR, 1234, 1234);
    cr_assert_eq(get4(s, SOL_SOCKET, SO_ERROR), 1234, "reading does not clear it");
    int v, len = 1;
    get_fails(s, SOL_SOCKET, SO_ERROR, &v, &len, WSAEFAULT);
    closesocket(s);
}

/* F210, F49: read-only options. */
Test(options, read_only, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    cr_assert_eq(get4(s, SOL_SOCKET, SO_ACCEPTCONN), 0);
    int v = 1;
    set_fails(s, SOL_SOCKET, SO_ACCEPTCONN, &v, sizeof v, WSAENOPROTOOPT);
    v = 0;
    set_fails(s, SOL_SOCKET, SO_ACCEPTCONN, &v, sizeof v, WSAENOPROTOOPT);
    v = SOCK_DGRAM;
    set_fails(s, SOL_SOCKET, SO_TYPE, &v, sizeof v, WSAENOPROTOOPT);
    cr_assert_eq(get4(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    set_fails(s, SOL_SOCKET, SO_CONNECT_TIME, &v, sizeof v, WSAENOPROTOOPT);
    closesocket(s);
}

/* F224 */
Test(options, connect_time_unconnected, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    cr_assert_eq((unsigned)get4(s, SOL_SOCKET, SO_CONNECT_TIME), 0xffffffffu);
    closesocket(s);
    s = udp();
    cr_assert_eq((unsigned)get4(s, SOL_SOCKET, SO_CONNECT_TIME), 0xffffffffu);
    closesocket(s);
}

Test(options, plain_round_trips, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    static const int bools[][2] = {{SOL_SOCKET, SO_KEEPALIVE}, {SOL_SOCKET, SO_OOBINLINE},
                                   {IPPROTO_TCP, TCP_NODELAY}};
    for (size_t i = 0; i < 3; i++) {
        set4(s, bools[i][0], bools[i][1], 1);
        cr_assert_eq(get4(s, bools[i][0], bools[i][1]) & 0xff, 1);
        set4(s, bools[i][0], bools[i][1], 0);
        cr_assert_eq(get4(s, bools[i][0], bools[i][1]) & 0xff, 0);
    }
    set4(s, IPPROTO_TCP, TCP_KEEPALIVE, 3600); /* F246 */
    cr_assert_eq(get4(s, IPPROTO_TCP, TCP_KEEPALIVE), 3600);
    set_reads(s, IPPROTO_TCP, TCP_KEEPINTVL, 7, 7);
    set_reads(s, IPPROTO_TCP, TCP_KEEPCNT, 4, 4);
    set_reads(s, IPPROTO_IP, IP_TOS, 0x10, 0x10);
    closesocket(s);
    s = udp();
    set_reads(s, SOL_SOCKET, SO_BROADCAST, 1, 1);
    closesocket(s);
}

/* F207: IPV6_V6ONLY on by default; an IPv4 socket answers TRUE. */
/* F255: IP_DONTFRAGMENT (and IPV6_DONTFRAG) read 1 by default on TCP
 * sockets (Windows Vista and later), 0 on UDP; a nonzero value reads back 1
 * and 0 turns it off, for either family. */
Test(options, dontfragment_defaults, .init = wsa_start, .fini = wsa_stop) {
    SOCKET t = tcp(), u = udp();
    SOCKET t6 = socket(AF_INET6, SOCK_STREAM, 0), u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    cr_assert_neq(t6, INVALID_SOCKET);
    cr_assert_neq(u6, INVALID_SOCKET);
    cr_assert_eq(get4(t, IPPROTO_IP, IP_DONTFRAGMENT), 1);
    cr_assert_eq(get4(u, IPPROTO_IP, IP_DONTFRAGMENT), 0);
    cr_assert_eq(get4(t6, IPPROTO_IPV6, IPV6_DONTFRAG), 1);
    cr_assert_eq(get4(u6, IPPROTO_IPV6, IPV6_DONTFRAG), 0);
    set_reads(u, IPPROTO_IP, IP_DONTFRAGMENT, 0xdead, 1);
    set_reads(t, IPPROTO_IP, IP_DONTFRAGMENT, 0, 0);
    set_reads(t, IPPROTO_IP, IP_DONTFRAGMENT, 1, 1);
    set_reads(u6, IPPROTO_IPV6, IPV6_DONTFRAG, 0xdead, 1);
    set_reads(t6, IPPROTO_IPV6, IPV6_DONTFRAG, 0, 0);
    set_reads(t6, IPPROTO_IPV6, IPV6_DONTFRAG, 7, 1);
    closesocket(t);
    closesocket(u);
    closesocket(t6);
    closesocket(u6);
}

Test(options, ipv6_v6only, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = socket(AF_INET6, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    cr_assert_eq(get4(s, IPPROTO_IPV6, IPV6_V6ONLY) & 0xff, 1);
    set4(s, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    int v = 0xdeadbeef, len = sizeof v;
    cr_assert_eq(getsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (char *)&v, &len), 0);
    cr_assert_eq(len, 1);
    cr_assert_eq(v & 0xff, 0);
    set_reads(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 33, 33);
    int big = 0x100;
    set_fails(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &big, 4, WSAEINVAL);
    closesocket(s);
    s = tcp();
    cr_assert_eq(get4(s, IPPROTO_IPV6, IPV6_V6ONLY) & 0xff, 1);
    closesocket(s);
}

/* Windows ip_mreq / ipv6_mreq on datagram sockets. */
Test(options, multicast_membership, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp();
    struct ip_mreq m;
    memset(&m, 0, sizeof m);
    m.imr_multiaddr.s_addr = htonl(0xe00000fbu); /* 224.0.0.251 */
    m.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
    int r = setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, (char *)&m, sizeof m);
    if (r != 0) /* no multicast-capable loopback in some sandboxes */
        cr_assert(WSAGetLastError() == WSAEADDRNOTAVAIL ||
                      WSAGetLastError() == WSAENETDOWN || WSAGetLastError() == WSAEINVAL,
                  "%d", WSAGetLastError());
    else
        cr_assert_eq(setsockopt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, (char *)&m, sizeof m), 0);
    set_fails(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m - 1, WSAEFAULT);
    struct in_addr ifa = {.s_addr = htonl(INADDR_LOOPBACK)};
    if (setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, (char *)&ifa, sizeof ifa) == 0)
        cr_assert_eq((unsigned)get4(s, IPPROTO_IP, IP_MULTICAST_IF), htonl(INADDR_LOOPBACK));
    closesocket(s);
    s = socket(AF_INET6, SOCK_DGRAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    struct ipv6_mreq m6;
    memset(&m6, 0, sizeof m6);
    set_fails(s, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m6, sizeof m6 - 1, WSAEFAULT);
    set_reads(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 5, 5);
    closesocket(s);
}

/* F82: a closed socket is WSAENOTSOCK and the value stays untouched. */
Test(options, closed_socket, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    closesocket(s);
    int v = 0x55, len = sizeof v;
    get_fails(s, SOL_SOCKET, SO_ERROR, &v, &len, WSAENOTSOCK);
    cr_assert_eq(v, 0x55);
    set_fails(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v, WSAENOTSOCK);
}

/* F93, F95: SO_OPENTYPE belongs to the thread; any handle will do. */
static void *opentype_of_new_thread(void *arg) {
    int v = 0x55, len = sizeof v;
    *(int *)arg = getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, &len) == 0 ? v : -1;
    return NULL;
}

Test(options, opentype_is_per_thread, .init = wsa_start, .fini = wsa_stop) {
    int v = SO_SYNCHRONOUS_NONALERT;
    cr_assert_eq(setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, sizeof v), 0);
    cr_assert_eq(get4(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE), SO_SYNCHRONOUS_NONALERT);
    int len = -1;
    v = 0;
    cr_assert_eq(getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, &len), 0, "F250");
    cr_assert_eq(len, 4);
    len = 2;
    get_fails(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, &v, &len, WSAEFAULT);
    set_fails(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, &v, 3, WSAEFAULT);
    int other = -2;
    pthread_t t;
    pthread_create(&t, NULL, opentype_of_new_thread, &other);
    pthread_join(t, NULL);
    cr_assert_eq(other, 0, "a new thread starts with 0");
    v = 0;
    cr_assert_eq(setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, sizeof v), 0);
}
