/*
 * getsockopt/setsockopt over their argument space: level and option name
 * (mostly the ones Windows defines, sometimes any value), a value of the
 * fuzzer's bytes and length (negative, short, exact and long), on a fresh
 * socket of a fuzzer-chosen kind, and on closed or bogus handles. The
 * buffers are heap blocks of exactly the length given, so AddressSanitizer
 * sees any read or write past what the caller said it has. *optlen after a
 * get never claims more than the buffer holds.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    WSADATA d;
    return WSAStartup(MAKEWORD(2, 2), &d) == 0 ? 0 : (abort(), 0);
}

static const int levels[] = {SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_UDP, 1000 /* NSPROTO_IPX */};
static const int sol_names[] = {
    SO_DEBUG, SO_ACCEPTCONN, SO_REUSEADDR, SO_KEEPALIVE, SO_DONTROUTE, SO_BROADCAST, SO_USELOOPBACK,
    SO_LINGER, SO_OOBINLINE, SO_DONTLINGER, SO_EXCLUSIVEADDRUSE, SO_SNDBUF, SO_RCVBUF, SO_SNDLOWAT,
    SO_RCVLOWAT, SO_SNDTIMEO, SO_RCVTIMEO, SO_ERROR, SO_TYPE, SO_GROUP_ID, SO_GROUP_PRIORITY,
    SO_MAX_MSG_SIZE, SO_PROTOCOL_INFOA, SO_PROTOCOL_INFOW, SO_CONDITIONAL_ACCEPT, SO_UPDATE_ACCEPT_CONTEXT,
    SO_CONNECT_TIME, SO_UPDATE_CONNECT_CONTEXT, 0x1009 /* SO_BSP_STATE */, 0x3006 /* SO_PORT_SCALABILITY */,
};
static const int ip_names[] = {IP_OPTIONS, IP_HDRINCL, IP_TOS, IP_TTL, IP_MULTICAST_IF, IP_MULTICAST_TTL,
                               IP_MULTICAST_LOOP, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_DONTFRAGMENT,
                               IP_PKTINFO, IP_RECVTTL, IP_UNICAST_IF, IPV6_V6ONLY, IPV6_UNICAST_HOPS,
                               IPV6_MULTICAST_HOPS, IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP, TCP_NODELAY,
                               TCP_KEEPALIVE, TCP_KEEPCNT, TCP_KEEPINTVL, TCP_MAXSEG, UDP_NOCHECKSUM};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_in in = {data, size};
    static const int kinds[][2] = {{AF_INET, SOCK_STREAM}, {AF_INET, SOCK_DGRAM}, {AF_INET6, SOCK_STREAM},
                                   {AF_INET6, SOCK_DGRAM}, {AF_UNIX, SOCK_STREAM}};
    uint8_t k = fuzz_u8(&in);
    SOCKET s = socket(kinds[k % 5][0], kinds[k % 5][1], 0);
    FUZZ_CHECK(s != INVALID_SOCKET);
    SOCKET target = s;
    if (k >= 250) {
        /* a closed handle, or a bogus value */
        closesocket(s);
        target = k == 255 ? (SOCKET)fuzz_u32(&in) : s;
    }
    int ops = 1 + fuzz_u8(&in) % 4;
    for (int op = 0; op < ops && in.n; op++) {
        uint8_t lsel = fuzz_u8(&in), nsel = fuzz_u8(&in);
        int level = lsel < 6 * 40 ? levels[lsel % 6] : fuzz_int(&in);
        int name;
        if (nsel < 128)
            name = level == SOL_SOCKET ? sol_names[nsel % (sizeof sol_names / sizeof *sol_names)]
                                       : ip_names[nsel % (sizeof ip_names / sizeof *ip_names)];
        else
            name = fuzz_int(&in);
        int len = fuzz_int(&in) % 1024; /* may be negative */
        /* Windows reads an int from optval when optlen is negative
         * (windows-behaviour.md F250), so such a caller owns 4 bytes. */
        size_t cap = len > 0 ? (size_t)len : len < 0 ? sizeof(int) : 0;
        char *buf = malloc(cap ? cap : 1);
        fuzz_bytes(&in, buf, cap);
        uint8_t how = fuzz_u8(&in);
        char *val = how & 0x10 ? NULL : buf;
        WSASetLastError(0x7777);
        if (how & 1) {
            int r = setsockopt(target, level, name, val, len);
            FUZZ_CHECK(r == 0 || (r == SOCKET_ERROR && WSAGetLastError() >= WSABASEERR));
        } else {
            int l = len;
            int r = getsockopt(target, level, name, val, how & 0x20 ? NULL : &l);
            FUZZ_CHECK(r == 0 || (r == SOCKET_ERROR && WSAGetLastError() >= WSABASEERR));
            /* F250: SO_OPENTYPE with optlen -1 (any negative) succeeds and
             * says 4, the int it wrote (cap holds one int then). */
            BOOL opentype = level == SOL_SOCKET && name == SO_OPENTYPE && len < 0;
            if (r == 0 && !(how & 0x20))
                FUZZ_CHECK(l >= 0 && l <= (len > 0 ? len : opentype ? (int)sizeof(int) : 0));
        }
        free(buf);
    }
    if (target == s)
        closesocket(s);
    return 0;
}
