/*
 * WSASocket / socket: the choice of catalog entry and every error of the
 * WSPSocket page. Rows F1-F29 restate windows-behaviour.md (Wine's
 * conformance tests, which pass on Windows).
 */
#define _GNU_SOURCE /* setenv, geteuid */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <mswsock.h> /* SO_OPENTYPE */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "common.h"

struct row {
    int af, type, protocol;
    int error;                  /* 0: success */
    int got_af, got_type, got_protocol;
};

#define BAD 0xdead
static struct row rows[] = {
    {BAD, SOCK_STREAM, IPPROTO_TCP, WSAEAFNOSUPPORT, 0, 0, 0},                 /* F1 */
    {-1, SOCK_STREAM, IPPROTO_TCP, WSAEAFNOSUPPORT, 0, 0, 0},                  /* F2 */
    {AF_INET, BAD, IPPROTO_TCP, WSAESOCKTNOSUPPORT, 0, 0, 0},                  /* F3 */
    {AF_INET, -1, IPPROTO_TCP, WSAESOCKTNOSUPPORT, 0, 0, 0},                   /* F4 */
    {AF_INET, SOCK_STREAM, BAD, WSAEPROTONOSUPPORT, 0, 0, 0},                  /* F5 */
    {AF_INET, SOCK_STREAM, -1, WSAEPROTONOSUPPORT, 0, 0, 0},                   /* F6 */
    {BAD, BAD, IPPROTO_TCP, WSAESOCKTNOSUPPORT, 0, 0, 0},                      /* F7 */
    {BAD, SOCK_STREAM, BAD, WSAEAFNOSUPPORT, 0, 0, 0},                         /* F8 */
    {AF_INET, BAD, BAD, WSAESOCKTNOSUPPORT, 0, 0, 0},                          /* F9 */
    {BAD, SOCK_STREAM, IPPROTO_UDP, WSAEAFNOSUPPORT, 0, 0, 0},                 /* F10 */
    {AF_INET, SOCK_STREAM, 0, 0, AF_INET, SOCK_STREAM, IPPROTO_TCP},           /* F11 */
    {AF_INET, SOCK_DGRAM, 0, 0, AF_INET, SOCK_DGRAM, IPPROTO_UDP},             /* F12 */
    {AF_INET, BAD, 0, WSAESOCKTNOSUPPORT, 0, 0, 0},                            /* F13 */
    {AF_INET, 0, IPPROTO_TCP, 0, AF_INET, SOCK_STREAM, IPPROTO_TCP},           /* F14 */
    {AF_INET, 0, IPPROTO_UDP, 0, AF_INET, SOCK_DGRAM, IPPROTO_UDP},            /* F15 */
    {AF_INET, 0, BAD, WSAEPROTONOSUPPORT, 0, 0, 0},                            /* F16 */
    {AF_INET, 0, 0, 0, AF_INET, SOCK_STREAM, IPPROTO_TCP},                     /* F17 */
    /* Windows says WSAEPROTONOSUPPORT here, not the WSAEPROTOTYPE the
     * documentation suggests for a protocol of the wrong type. */
    {AF_INET, SOCK_STREAM, IPPROTO_UDP, WSAEPROTONOSUPPORT, 0, 0, 0},          /* F18 */
    {AF_INET, SOCK_DGRAM, IPPROTO_TCP, WSAEPROTONOSUPPORT, 0, 0, 0},           /* F19 */
    {AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, 0, AF_INET, SOCK_STREAM, IPPROTO_TCP}, /* F20 */
    {AF_UNSPEC, SOCK_STREAM, BAD, WSAEPROTONOSUPPORT, 0, 0, 0},                /* F21 */
    {AF_UNSPEC, BAD, IPPROTO_UDP, WSAESOCKTNOSUPPORT, 0, 0, 0},                /* F22 */
    {AF_UNSPEC, SOCK_STREAM, 0, WSAEINVAL, 0, 0, 0},                           /* F23 */
    {AF_UNSPEC, SOCK_DGRAM, 0, WSAEINVAL, 0, 0, 0},                            /* F24 */
    {AF_UNSPEC, BAD, 0, WSAEINVAL, 0, 0, 0},                                   /* F25 */
    {AF_UNSPEC, 0, IPPROTO_TCP, 0, AF_INET, SOCK_STREAM, IPPROTO_TCP},         /* F26 */
    {AF_UNSPEC, 0, IPPROTO_UDP, 0, AF_INET, SOCK_DGRAM, IPPROTO_UDP},          /* F27 */
    {AF_UNSPEC, 0, BAD, WSAEPROTONOSUPPORT, 0, 0, 0},                          /* F28 */
    {AF_UNSPEC, 0, 0, WSAEINVAL, 0, 0, 0},                                     /* F29 */
    {BAD, SOCK_STREAM, 0, WSAEAFNOSUPPORT, 0, 0, 0},                           /* F35 */
    {AF_INET6, SOCK_STREAM, 0, 0, AF_INET6, SOCK_STREAM, IPPROTO_TCP},
    {AF_INET6, SOCK_DGRAM, IPPROTO_UDP, 0, AF_INET6, SOCK_DGRAM, IPPROTO_UDP},
    {AF_INET6, 0, 0, 0, AF_INET6, SOCK_STREAM, IPPROTO_TCP},
    {AF_UNIX, SOCK_STREAM, 0, 0, AF_UNIX, SOCK_STREAM, 0},
    {AF_UNIX, 0, 0, 0, AF_UNIX, SOCK_STREAM, 0},
    {AF_INET, SOCK_SEQPACKET, 0, WSAESOCKTNOSUPPORT, 0, 0, 0},
};

ParameterizedTestParameters(wsasocket, windows_table) {
    return cr_make_param_array(struct row, rows, sizeof rows / sizeof rows[0]);
}

ParameterizedTest(struct row *r, wsasocket, windows_table, .init = wsa_start, .fini = wsa_stop) {
    WSASetLastError(0xdeadbeef);
    SOCKET s = WSASocketA(r->af, r->type, r->protocol, NULL, 0, 0);
    if (r->error) {
        cr_assert_eq(s, INVALID_SOCKET, "(%d, %d, %d) should fail", r->af, r->type, r->protocol);
        cr_assert_eq(WSAGetLastError(), r->error, "(%d, %d, %d): %d, expected %d", r->af, r->type, r->protocol,
                     WSAGetLastError(), r->error);
        return;
    }
    cr_assert_neq(s, INVALID_SOCKET, "(%d, %d, %d): error %d", r->af, r->type, r->protocol, WSAGetLastError());
    cr_assert_eq(WSAGetLastError(), 0, "a successful WSASocket leaves the last error at 0");
    WSAPROTOCOL_INFOA info;
    int len = sizeof info;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&info, &len), 0);
    cr_assert_eq(info.iAddressFamily, r->got_af);
    cr_assert_eq(info.iSocketType, r->got_type);
    cr_assert_eq(info.iProtocol, r->got_protocol);
    int type = 0;
    len = sizeof type;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
    cr_assert_eq(type, r->got_type);
    cr_assert_eq(closesocket(s), 0);
}

/* F37/F40: protocol alone picks the first entry whose range holds it; the
 * raw entries are hidden from enumeration but still chosen. */
Test(wsasocket, protocol_only, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = WSASocketA(0, 0, IPPROTO_RAW, NULL, 0, 0);
    if (s == INVALID_SOCKET) {
        cr_assert_eq(WSAGetLastError(), WSAEACCES, "raw sockets need privilege: WSAEACCES (F38)");
        return;
    }
    int type = 0, len = sizeof type;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
    cr_assert_eq(type, SOCK_RAW);
    WSAPROTOCOL_INFOW w;
    len = sizeof w;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&w, &len), 0);
    cr_assert_eq(w.iProtocol, 0, "F39: the raw entry reports protocol 0");
    cr_assert_eq(w.iProtocolMaxOffset, 255);
    cr_assert_eq(w.dwProviderFlags, PFL_MATCHES_PROTOCOL_ZERO | PFL_HIDDEN);
    cr_assert_eq(w.dwServiceFlags1, 0x20609u);
    closesocket(s);
}

/* F38: without privilege a raw socket is refused at creation. */
Test(wsasocket, raw_needs_privilege, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = WSASocketA(AF_INET, SOCK_RAW, IPPROTO_ICMP, NULL, 0, 0);
    if (geteuid() != 0) {
        cr_assert_eq(s, INVALID_SOCKET);
        cr_assert_eq(WSAGetLastError(), WSAEACCES);
    } else {
        cr_assert_neq(s, INVALID_SOCKET, "root may open raw sockets: %d", WSAGetLastError());
        closesocket(s);
    }
}

/* The same refusal reached as root: give up the privilege first (each
 * Criterion test runs in a process of its own). */
Test(wsasocket, raw_refused_without_privilege, .init = wsa_start, .fini = wsa_stop) {
    if (geteuid() == 0) {
        cr_assert_eq(setgid(65534), 0);
        cr_assert_eq(setuid(65534), 0);
    }
    cr_assert_eq(WSASocketA(AF_INET, SOCK_RAW, IPPROTO_ICMP, NULL, 0, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEACCES);
    cr_assert_eq(WSASocketA(AF_INET6, SOCK_RAW, 0, NULL, 0, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEACCES);
}

static WSAPROTOCOL_INFOW entry_for(int protocol) {
    INT filter[] = {protocol, 0};
    WSAPROTOCOL_INFOW buf[16];
    DWORD len = sizeof buf;
    cr_assert_geq(WSAEnumProtocolsW(filter, buf, &len), 1);
    return buf[0];
}

/* F62 and the FROM_PROTOCOL_INFO rule: 0 and FROM_PROTOCOL_INFO take the
 * structure's values, explicit values win. */
Test(wsasocket, from_protocol_info, .init = wsa_start, .fini = wsa_stop) {
    WSAPROTOCOL_INFOW udp = entry_for(IPPROTO_UDP);
    SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &udp, 0, 0);
    cr_assert_neq(s, INVALID_SOCKET, "%d", WSAGetLastError());
    int type = 0, len = sizeof type;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
    cr_assert_eq(type, SOCK_DGRAM);
    closesocket(s);

    s = WSASocketW(0, 0, 0, &udp, 0, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    closesocket(s);

    /* Explicit family wins over the structure's. */
    s = WSASocketW(AF_INET6, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &udp, 0, 0);
    cr_assert_neq(s, INVALID_SOCKET, "%d", WSAGetLastError());
    closesocket(s);

    /* A catalog id that is not in the catalog: WSAEINVAL. */
    WSAPROTOCOL_INFOW bogus = udp;
    bogus.dwCatalogEntryId = 4242;
    cr_assert_eq(WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &bogus, 0, 0),
                 INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);

    /* F286/F287: a family still 0 after substitution. */
    WSAPROTOCOL_INFOW nofamily = udp;
    nofamily.iAddressFamily = 0;
    cr_assert_eq(WSASocketW(0, 0, 0, &nofamily, 0, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEAFNOSUPPORT);

    /* The A form converts and behaves the same. */
    WSAPROTOCOL_INFOA a[4];
    INT filter[] = {IPPROTO_TCP, 0};
    DWORD alen = sizeof a;
    cr_assert_eq(WSAEnumProtocolsA(filter, a, &alen), 2, "TCP over IPv4 and IPv6");
    s = WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &a[1], 0, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    closesocket(s);
}

/* g: 0 none, SG_* make a group (SO_GROUP_ID), an existing id joins it,
 * anything else is WSAEINVAL. */
Test(wsasocket, groups, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = WSASocketA(AF_INET, SOCK_DGRAM, 0, NULL, 0, 0);
    GROUP id = 99;
    int len = sizeof id;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_GROUP_ID, (char *)&id, &len), 0);
    cr_assert_eq(id, 0u);
    closesocket(s);

    SOCKET a = WSASocketA(AF_INET, SOCK_DGRAM, 0, NULL, SG_UNCONSTRAINED_GROUP, 0);
    cr_assert_neq(a, INVALID_SOCKET);
    GROUP ga = 0;
    len = sizeof ga;
    cr_assert_eq(getsockopt(a, SOL_SOCKET, SO_GROUP_ID, (char *)&ga, &len), 0);
    cr_assert(ga != 0 && ga != SG_UNCONSTRAINED_GROUP && ga != SG_CONSTRAINED_GROUP);
    SOCKET b = WSASocketA(AF_INET, SOCK_STREAM, 0, NULL, ga, 0);
    cr_assert_neq(b, INVALID_SOCKET, "joining an unconstrained group: %d", WSAGetLastError());
    GROUP gb = 0;
    cr_assert_eq(getsockopt(b, SOL_SOCKET, SO_GROUP_ID, (char *)&gb, &len), 0);
    cr_assert_eq(gb, ga);

    SOCKET c = WSASocketA(AF_INET, SOCK_DGRAM, 0, NULL, SG_CONSTRAINED_GROUP, 0);
    GROUP gc = 0;
    cr_assert_eq(getsockopt(c, SOL_SOCKET, SO_GROUP_ID, (char *)&gc, &len), 0);
    cr_assert_neq(gc, ga);
    cr_assert_eq(WSASocketA(AF_INET, SOCK_STREAM, 0, NULL, gc, 0), INVALID_SOCKET,
                 "a constrained group takes one kind of socket");
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);

    cr_assert_eq(WSASocketA(AF_INET, SOCK_DGRAM, 0, NULL, 12345, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    cr_assert_eq(WSASocketA(AF_INET, SOCK_DGRAM, 0, NULL, 3, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);

    closesocket(a);
    closesocket(b);
    /* The group is gone with its last member. */
    cr_assert_eq(WSASocketA(AF_INET, SOCK_DGRAM, 0, NULL, ga, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    closesocket(c);
}

struct mp {
    int type;
    DWORD flags;
    int error;
};

#define CR WSA_FLAG_MULTIPOINT_C_ROOT
#define CL WSA_FLAG_MULTIPOINT_C_LEAF
#define DR WSA_FLAG_MULTIPOINT_D_ROOT
#define DL WSA_FLAG_MULTIPOINT_D_LEAF
static struct mp multipoint[] = {
    /* UDP: XP1_SUPPORT_MULTIPOINT, non-rooted planes: leaves only. */
    {SOCK_DGRAM, CL | DL, 0},
    {SOCK_DGRAM, CL | DL | WSA_FLAG_OVERLAPPED, 0},
    {SOCK_DGRAM, CR | DL, WSAEINVAL},
    {SOCK_DGRAM, CL | DR, WSAEINVAL},
    {SOCK_DGRAM, CR | DR, WSAEINVAL},
    {SOCK_DGRAM, CL, WSAEINVAL},
    {SOCK_DGRAM, DL, WSAEINVAL},
    {SOCK_DGRAM, CL | CR | DL, WSAEINVAL},
    {SOCK_DGRAM, CL | DL | DR, WSAEINVAL},
    /* TCP: no multipoint at all. */
    {SOCK_STREAM, CL | DL, WSAEINVAL},
    {SOCK_STREAM, CR | DR, WSAEINVAL},
    {SOCK_STREAM, DL, WSAEINVAL},
    /* Bits Windows does not define are ignored. */
    {SOCK_STREAM, 0x40000000, 0},
    {SOCK_STREAM, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT, 0},
};

ParameterizedTestParameters(wsasocket, multipoint_flags) {
    return cr_make_param_array(struct mp, multipoint, sizeof multipoint / sizeof multipoint[0]);
}

ParameterizedTest(struct mp *m, wsasocket, multipoint_flags, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = WSASocketA(AF_INET, m->type, 0, NULL, 0, m->flags);
    if (m->error) {
        cr_assert_eq(s, INVALID_SOCKET, "flags %#x", m->flags);
        cr_assert_eq(WSAGetLastError(), m->error);
    } else {
        cr_assert_neq(s, INVALID_SOCKET, "flags %#x: %d", m->flags, WSAGetLastError());
        closesocket(s);
    }
}

/* SO_PROTOCOL_INFO buffer rules (F51-F55) and read-only SO_TYPE (F49). */
Test(wsasocket, protocol_info_option, .init = wsa_start, .fini = wsa_stop) {
    WSAPROTOCOL_INFOA info;
    int size = sizeof info;
    cr_assert_eq(getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_PROTOCOL_INFOA, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&info, &size), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(size, (int)sizeof info);

    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&info, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, NULL, &size), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    size = sizeof info / 2;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&info, &size), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(size, (int)sizeof info, "the needed size is reported");
    WSAPROTOCOL_INFOW w[2];
    size = sizeof w[0] / 2;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)w, &size), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(size, (int)sizeof w[0]);
    size = sizeof w;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)w, &size), 0);
    cr_assert_eq(size, (int)sizeof w, "F55: a larger buffer's size is left as it was");
    cr_assert_eq(w[0].dwCatalogEntryId, 1001u);

    /* F46: A and W agree up to szProtocol. */
    size = sizeof info;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&info, &size), 0);
    cr_assert_eq(memcmp(&info, &w[0], offsetof(WSAPROTOCOL_INFOA, szProtocol)), 0);
    cr_assert_str_eq(info.szProtocol, "ws2posix Tcpip [TCP/IP]");

    int v = SOCK_DGRAM;
    cr_assert_eq(setsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&v, sizeof v), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOPROTOOPT);
    closesocket(s);
}

Test(wsasocket, handles, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    cr_assert_eq(s % 4, 0u, "SOCKET values are multiples of 4, as on Windows");
    cr_assert_lt(s, (SOCKET)0x80000000u, "and fit in 31 bits");
    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(closesocket(s), SOCKET_ERROR, "closing twice");
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    /* The slot is reused under another generation: the old value stays dead. */
    SOCKET t = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(t, s);
    int type, len = sizeof type;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(getsockopt(t, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
    SOCKET bogus[] = {0, 1, 2, 0xdeadbeef, INVALID_SOCKET, t + 1, t ^ (1u << 22), (SOCKET)1 << 40};
    for (size_t i = 0; i < sizeof bogus / sizeof bogus[0]; i++) {
        cr_assert_eq(closesocket(bogus[i]), SOCKET_ERROR);
        cr_assert_eq(WSAGetLastError(), WSAENOTSOCK, "handle %#llx", (unsigned long long)bogus[i]);
    }
    closesocket(t);
}

/* ---- errors reached by fault injection and limits ---- */

static void start_with_fault(const char *fault) {
    setenv("WS2POSIX_FAULT", fault, 1);
    wsa_start();
}

static void start_loop_down(void) { start_with_fault("loop"); }
Test(wsasocket_errors, enetdown_when_loop_is_down, .init = start_loop_down, .fini = wsa_stop) {
    cr_assert_eq(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAENETDOWN);
}

static void start_nomem(void) { start_with_fault("nomem"); }
Test(wsasocket_errors, enobufs_without_memory, .init = start_nomem, .fini = wsa_stop) {
    cr_assert_eq(socket(AF_INET, SOCK_DGRAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAENOBUFS);
}

static void start_nobufs(void) { start_with_fault("socket_errno=105"); /* ENOBUFS */ }
Test(wsasocket_errors, enobufs_from_the_system, .init = start_nobufs, .fini = wsa_stop) {
    cr_assert_eq(socket(AF_INET, SOCK_DGRAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAENOBUFS);
}

/* Windows' own base provider never says WSAEPROTOTYPE for a mismatched
 * triple (F18); ours says it when the system refuses a protocol for the type
 * with EPROTOTYPE, which Linux's socket(2) does not do by itself. */
static void start_prototype(void) { start_with_fault("socket_errno=91"); /* EPROTOTYPE */ }
Test(wsasocket_errors, eprototype_from_the_system, .init = start_prototype, .fini = wsa_stop) {
    cr_assert_eq(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEPROTOTYPE);
}

Test(wsasocket_errors, emfile_at_the_descriptor_limit, .init = wsa_start, .fini = wsa_stop) {
    struct rlimit old, low;
    getrlimit(RLIMIT_NOFILE, &old);
    low = old;
    low.rlim_cur = 64;
    cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
    SOCKET s[128];
    int n = 0;
    while (n < 128 && (s[n] = socket(AF_INET, SOCK_DGRAM, 0)) != INVALID_SOCKET)
        n++;
    cr_assert_lt(n, 128);
    cr_assert_eq(WSAGetLastError(), WSAEMFILE);
    /* The process recovers once sockets are closed. */
    cr_assert_eq(closesocket(s[--n]), 0);
    SOCKET again = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert_neq(again, INVALID_SOCKET);
    closesocket(again);
    while (n > 0)
        closesocket(s[--n]);
    setrlimit(RLIMIT_NOFILE, &old);
}

static void start_small_table(void) {
    setenv("WS2POSIX_MAX_SOCKETS", "5", 1);
    wsa_start();
}
Test(wsasocket_errors, emfile_when_the_handle_table_is_full, .init = start_small_table, .fini = wsa_stop) {
    SOCKET s[5];
    for (int i = 0; i < 5; i++)
        cr_assert_neq(s[i] = socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    cr_assert_eq(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEMFILE);
    closesocket(s[2]);
    SOCKET t = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(t, INVALID_SOCKET);
    cr_assert_neq(t, s[2], "a reused slot carries a new generation");
    for (int i = 0; i < 5; i++)
        closesocket(i == 2 ? t : s[i]);
}

/* F47/F95: socket() makes overlapped sockets unless the thread set
 * SO_OPENTYPE; an overlapped WSARecv with no data then goes pending on the
 * first, and on the second completes at once (here: a datagram is there). */
Test(wsasocket, socket_honours_so_opentype, .init = wsa_start, .fini = wsa_stop) {
    SOCKADDR_IN a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int sync = 0; sync < 2; sync++) {
        int v = sync ? SO_SYNCHRONOUS_NONALERT : 0;
        cr_assert_eq(setsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, (char *)&v, sizeof v), 0);
        SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
        cr_assert_neq(s, INVALID_SOCKET);
        int len = sizeof a;
        a.sin_port = 0;
        cr_assert_eq(bind(s, (SOCKADDR *)&a, sizeof a), 0);
        cr_assert_eq(getsockname(s, (SOCKADDR *)&a, &len), 0);
        if (sync) /* a non-overlapped WSARecv would wait: give it data */
            cr_assert_eq(sendto(s, "x", 1, 0, (SOCKADDR *)&a, sizeof a), 1);
        char buf[4];
        WSABUF wb = {sizeof buf, buf};
        DWORD got = 0, flags = 0;
        WSAOVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        ov.hEvent = WSACreateEvent();
        int r = WSARecv(s, &wb, 1, &got, &flags, &ov, NULL);
        if (sync) {
            cr_assert_eq(r, 0, "non-overlapped: done at once (%d)", WSAGetLastError());
        } else {
            cr_assert_eq(r, SOCKET_ERROR);
            cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING, "overlapped: pending");
        }
        closesocket(s);
        if (!sync) /* the pending receive completes (aborted) at close */
            WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 1000, FALSE);
        WSACloseEvent(ov.hEvent);
    }
}
