/*
 * Multipoint: WSAJoinLeaf on UDP sockets made with the c_leaf/d_leaf flags
 * (the non-rooted planes the UDP entries offer), as IP multicast, and the
 * multipoint ioctls. The exchanges run where multicast loops back on this
 * host, in a private network namespace when the test must make one
 * (mcast_env.c), and are skipped with the reason otherwise.
 */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <string.h>

#include "mcast_env.h"
#include "common.h"

#define LEAF (WSA_FLAG_MULTIPOINT_C_LEAF | WSA_FLAG_MULTIPOINT_D_LEAF)

static int need_multicast(int v6) {
    char why[200];
    int r = mcast_env_ready(v6, why, sizeof why);
    if (!r)
        cr_skip_test("%s", why);
    return r;
}

static SOCKET leaf(int af) {
    SOCKET s = WSASocketW(af, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, LEAF);
    cr_assert_neq(s, INVALID_SOCKET, "leaf socket: %d", WSAGetLastError());
    return s;
}

static SOCKADDR_STORAGE group(int af, u_short port) {
    SOCKADDR_STORAGE ss;
    memset(&ss, 0, sizeof ss);
    if (af == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        cr_assert_eq(inet_pton(AF_INET, "239.255.77.78", &a->sin_addr), 1);
        a->sin_port = port;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        cr_assert_eq(inet_pton(AF_INET6, "ff15::7778", &a->sin6_addr), 1);
        a->sin6_port = port;
    }
    return ss;
}

static int alen(int af) { return af == AF_INET ? (int)sizeof(struct sockaddr_in) : (int)sizeof(struct sockaddr_in6); }

/* Two members bound to one port; returns the port. */
static u_short two_members(int af, SOCKET *a, SOCKET *b) {
    *a = leaf(af);
    *b = leaf(af);
    BOOL on = TRUE;
    cr_assert_eq(setsockopt(*a, SOL_SOCKET, SO_REUSEADDR, (char *)&on, sizeof on), 0);
    cr_assert_eq(setsockopt(*b, SOL_SOCKET, SO_REUSEADDR, (char *)&on, sizeof on), 0);
    SOCKADDR_STORAGE any;
    memset(&any, 0, sizeof any);
    any.ss_family = (ADDRESS_FAMILY)af;
    cr_assert_eq(bind(*a, (struct sockaddr *)&any, alen(af)), 0, "bind: %d", WSAGetLastError());
    int len = sizeof any;
    cr_assert_eq(getsockname(*a, (struct sockaddr *)&any, &len), 0);
    cr_assert_eq(bind(*b, (struct sockaddr *)&any, len), 0, "bind the same port: %d", WSAGetLastError());
    return af == AF_INET ? ((struct sockaddr_in *)&any)->sin_port : ((struct sockaddr_in6 *)&any)->sin6_port;
}

static int readable(SOCKET s, long ms) {
    fd_set r;
    FD_ZERO(&r);
    FD_SET(s, &r);
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    return select(0, &r, NULL, NULL, &tv);
}

static void expect_join_error(SOCKET s, const SOCKADDR_STORAGE *to, int len, LPWSABUF caller, DWORD flags,
                              int code, const char *what) {
    SOCKET r = WSAJoinLeaf(s, (const struct sockaddr *)to, len, caller, NULL, NULL, NULL, flags);
    cr_expect_eq(r, INVALID_SOCKET, "%s: joined", what);
    cr_expect_eq(WSAGetLastError(), code, "%s: %d, not %d", what, WSAGetLastError(), code);
}

Test(multipoint, creation_flags) {
    wsa_start();
    /* Leaves on UDP; no rooted planes there; nothing multipoint on TCP. */
    SOCKET s = leaf(AF_INET);
    closesocket(s);
    s = leaf(AF_INET6);
    closesocket(s);
    cr_expect_eq(WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, LEAF), INVALID_SOCKET);
    cr_expect_eq(WSAGetLastError(), WSAEINVAL);
    cr_expect_eq(WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0,
                            WSA_FLAG_MULTIPOINT_C_ROOT | WSA_FLAG_MULTIPOINT_D_LEAF),
                 INVALID_SOCKET);
    cr_expect_eq(WSAGetLastError(), WSAEINVAL);
    WSACleanup();
}

Test(multipoint, join_errors) {
    wsa_start();
    SOCKADDR_STORAGE g = group(AF_INET, htons(5000));
    SOCKET tcp = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect_join_error(tcp, &g, alen(AF_INET), NULL, JL_BOTH, WSAEINVAL, "a TCP socket");
    SOCKET plain = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    expect_join_error(plain, &g, alen(AF_INET), NULL, JL_BOTH, WSAEINVAL, "a UDP socket without the leaf flags");
    SOCKET s = leaf(AF_INET);
    expect_join_error(s, NULL, alen(AF_INET), NULL, JL_BOTH, WSAEFAULT, "no name");
    expect_join_error(s, &g, alen(AF_INET) - 1, NULL, JL_BOTH, WSAEFAULT, "a short name");
    expect_join_error(s, &g, alen(AF_INET), NULL, 0, WSAEINVAL, "no JL_ flag");
    expect_join_error(s, &g, alen(AF_INET), NULL, JL_SENDER_ONLY | JL_RECEIVER_ONLY, WSAEINVAL, "two JL_ flags");
    char data[4] = "abc";
    WSABUF caller = {sizeof data, data};
    expect_join_error(s, &g, alen(AF_INET), &caller, JL_BOTH, WSAENOPROTOOPT, "connect data");
    SOCKADDR_STORAGE uni = g;
    ((struct sockaddr_in *)&uni)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    expect_join_error(s, &uni, alen(AF_INET), NULL, JL_BOTH, WSAEADDRNOTAVAIL, "a unicast address");
    SOCKADDR_STORAGE g6 = group(AF_INET6, htons(5000));
    expect_join_error(s, &g6, alen(AF_INET6), NULL, JL_BOTH, WSAEAFNOSUPPORT, "an IPv6 group on IPv4");
    closesocket(s);
    expect_join_error(s, &g, alen(AF_INET), NULL, JL_BOTH, WSAENOTSOCK, "a closed socket");
    closesocket(tcp);
    closesocket(plain);
    WSACleanup();
}

static DWORD get_int(SOCKET s, int level, int name) {
    DWORD v = 0xdead;
    int len = sizeof v;
    cr_assert_eq(getsockopt(s, level, name, (char *)&v, &len), 0, "getsockopt: %d", WSAGetLastError());
    return v;
}

Test(multipoint, ioctls) {
    wsa_start();
    DWORD bytes;
    for (int af = AF_INET, i = 0; i < 2; i++, af = AF_INET6) {
        SOCKET s = leaf(af);
        int level = af == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
        BOOL off = FALSE;
        cr_assert_eq(WSAIoctl(s, SIO_MULTIPOINT_LOOPBACK, &off, sizeof off, NULL, 0, &bytes, NULL, NULL), 0,
                     "%d", WSAGetLastError());
        cr_expect_eq(get_int(s, level, af == AF_INET ? IP_MULTICAST_LOOP : IPV6_MULTICAST_LOOP) & 0xff, 0);
        int scope = 5;
        cr_assert_eq(WSAIoctl(s, SIO_MULTICAST_SCOPE, &scope, sizeof scope, NULL, 0, &bytes, NULL, NULL), 0);
        cr_expect_eq(get_int(s, level, af == AF_INET ? IP_MULTICAST_TTL : IPV6_MULTICAST_HOPS), 5);
        scope = 256;
        cr_expect_eq(WSAIoctl(s, SIO_MULTICAST_SCOPE, &scope, sizeof scope, NULL, 0, &bytes, NULL, NULL),
                     SOCKET_ERROR);
        cr_expect_eq(WSAGetLastError(), WSAEINVAL);
        cr_expect_eq(WSAIoctl(s, SIO_MULTIPOINT_LOOPBACK, NULL, 0, NULL, 0, &bytes, NULL, NULL), SOCKET_ERROR);
        cr_expect_eq(WSAGetLastError(), WSAEFAULT);
        closesocket(s);
    }
    SOCKET tcp = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    BOOL on = TRUE;
    cr_expect_eq(WSAIoctl(tcp, SIO_MULTIPOINT_LOOPBACK, &on, sizeof on, NULL, 0, &bytes, NULL, NULL), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAEOPNOTSUPP);
    closesocket(tcp);
    WSACleanup();
}

/* Two members of one group: what one sends with send() (the group is its
 * destination after JL_BOTH) reaches the other; joining twice is
 * WSAEISCONN; a JL_SENDER_ONLY member sends there too. */
static void exchange(int af) {
    need_multicast(af == AF_INET6);
    wsa_start();
    SOCKET a, b;
    u_short port = two_members(af, &a, &b);
    SOCKADDR_STORAGE g = group(af, port);
    cr_assert_eq(WSAJoinLeaf(a, (struct sockaddr *)&g, alen(af), NULL, NULL, NULL, NULL, JL_BOTH), a,
                 "join a: %d", WSAGetLastError());
    char callee[8];
    WSABUF cd = {sizeof callee, callee};
    cr_assert_eq(WSAJoinLeaf(b, (struct sockaddr *)&g, alen(af), NULL, &cd, NULL, NULL, JL_BOTH), b,
                 "join b: %d", WSAGetLastError());
    cr_expect_eq(cd.len, 0, "no connect data comes back");
    expect_join_error(b, &g, alen(af), NULL, JL_BOTH, WSAEISCONN, "a second join");

    cr_assert_eq(send(a, "hello", 5, 0), 5, "send to the group: %d", WSAGetLastError());
    cr_assert_eq(readable(b, 2000), 1, "nothing came to the other member");
    char buf[16];
    SOCKADDR_STORAGE from;
    int flen = sizeof from;
    cr_assert_eq(recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen), 5, "%d", WSAGetLastError());
    cr_expect_eq(memcmp(buf, "hello", 5), 0);

    SOCKET c = leaf(af);
    cr_assert_eq(WSAJoinLeaf(c, (struct sockaddr *)&g, alen(af), NULL, NULL, NULL, NULL, JL_SENDER_ONLY), c,
                 "join c: %d", WSAGetLastError());
    cr_assert_eq(send(c, "again", 5, 0), 5, "%d", WSAGetLastError());
    /* b may still have a's own copy queued first: read until "again". */
    int seen = 0;
    for (int i = 0; i < 3 && !seen && readable(b, 2000) == 1; i++) {
        int n = recv(b, buf, sizeof buf, 0);
        seen = n == 5 && memcmp(buf, "again", 5) == 0;
    }
    cr_expect(seen, "the sender-only member's datagram did not arrive");

    closesocket(a);
    closesocket(b);
    closesocket(c);
    WSACleanup();
}

Test(multipoint, ipv4_group) { exchange(AF_INET); }
Test(multipoint, ipv6_group) { exchange(AF_INET6); }

/* SIO_MULTIPOINT_LOOPBACK off: this host's members no longer get what it
 * sends. Seen only where the datagram leaves by a real interface. */
Test(multipoint, loopback_off) {
    if (need_multicast(0) == 2)
        cr_skip_test("only lo carries multicast here, and lo hands every datagram back whatever "
                     "IP_MULTICAST_LOOP says");
    wsa_start();
    SOCKET a, b;
    u_short port = two_members(AF_INET, &a, &b);
    SOCKADDR_STORAGE g = group(AF_INET, port);
    cr_assert_eq(WSAJoinLeaf(a, (struct sockaddr *)&g, alen(AF_INET), NULL, NULL, NULL, NULL, JL_BOTH), a);
    cr_assert_eq(WSAJoinLeaf(b, (struct sockaddr *)&g, alen(AF_INET), NULL, NULL, NULL, NULL, JL_BOTH), b);
    BOOL off = FALSE;
    DWORD bytes;
    cr_assert_eq(WSAIoctl(a, SIO_MULTIPOINT_LOOPBACK, &off, sizeof off, NULL, 0, &bytes, NULL, NULL), 0);
    cr_assert_eq(send(a, "quiet", 5, 0), 5, "%d", WSAGetLastError());
    cr_expect_eq(readable(b, 300), 0, "loopback was off, yet the datagram came back");
    BOOL on = TRUE;
    cr_assert_eq(WSAIoctl(a, SIO_MULTIPOINT_LOOPBACK, &on, sizeof on, NULL, 0, &bytes, NULL, NULL), 0);
    cr_assert_eq(send(a, "heard", 5, 0), 5);
    cr_expect_eq(readable(b, 2000), 1, "loopback back on, nothing came");
    closesocket(a);
    closesocket(b);
    WSACleanup();
}
