/*
 * WSASocketA/W over their whole argument space: af, type, protocol, g and
 * dwFlags from the fuzzer, and sometimes a WSAPROTOCOL_INFO whose every
 * byte comes from it (a catalog id picked among the real ones more often
 * than not, so the provider's own checks are reached). A created socket
 * must answer SO_TYPE and SO_PROTOCOL_INFOW consistently and close once;
 * a failure must set a WSA error code, never crash or leak.
 */
#include <winsock2.h>
#include <ws2spi.h>

#include "fuzz.h"

static DWORD ids[32];
static int n_ids;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    WSADATA d;
    if (WSAStartup(MAKEWORD(2, 2), &d) != 0)
        abort();
    WSAPROTOCOL_INFOW all[32];
    DWORD len = sizeof all;
    INT err;
    int n = WSCEnumProtocols(NULL, all, &len, &err);
    for (int i = 0; i < n && i < 32; i++)
        ids[n_ids++] = all[i].dwCatalogEntryId;
    return 0;
}

static int picks(fuzz_in *in, const int *list, int n) {
    uint8_t k = fuzz_u8(in);
    return k < n ? list[k] : fuzz_int(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_in in = {data, size};
    static const int afs[] = {AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, FROM_PROTOCOL_INFO, AF_IPX, AF_IRDA};
    static const int types[] = {0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET, FROM_PROTOCOL_INFO};
    static const int protos[] = {0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_RAW, IPPROTO_ICMPV6, FROM_PROTOCOL_INFO};
    int af = picks(&in, afs, 7), type = picks(&in, types, 7), protocol = picks(&in, protos, 7);
    static const GROUP groups[] = {0, 0, 0, SG_UNCONSTRAINED_GROUP, SG_CONSTRAINED_GROUP};
    uint8_t gsel = fuzz_u8(&in);
    GROUP g = gsel < 5 ? groups[gsel] : (GROUP)fuzz_u32(&in);
    DWORD flags = fuzz_u8(&in) & 1 ? fuzz_u32(&in) : (DWORD)(fuzz_u8(&in) & 0x7f);
    uint8_t mode = fuzz_u8(&in);
    WSAPROTOCOL_INFOW w;
    WSAPROTOCOL_INFOA a;
    SOCKET s;
    WSASetLastError(0x7777);
    if (mode % 3 == 0) {
        s = mode & 8 ? WSASocketA(af, type, protocol, NULL, g, flags) : WSASocketW(af, type, protocol, NULL, g, flags);
    } else {
        fuzz_bytes(&in, &w, sizeof w);
        if (n_ids && (mode & 4) == 0)
            w.dwCatalogEntryId = ids[w.dwCatalogEntryId % (DWORD)n_ids];
        if (mode % 3 == 1) {
            s = WSASocketW(af, type, protocol, &w, g, flags);
        } else {
            memcpy(&a, &w, sizeof a < sizeof w ? sizeof a : sizeof w);
            a.szProtocol[sizeof a.szProtocol - 1] = 0;
            s = WSASocketA(af, type, protocol, &a, g, flags);
        }
    }
    if (s == INVALID_SOCKET) {
        int err = WSAGetLastError();
        FUZZ_CHECK(err >= WSABASEERR && err != 0x7777);
        return 0;
    }
    FUZZ_CHECK(s % 4 == 0 && s < 0x80000000u);
    int t = -1, len = sizeof t;
    FUZZ_CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&t, &len) == 0);
    FUZZ_CHECK(t == SOCK_STREAM || t == SOCK_DGRAM || t == SOCK_RAW || t == SOCK_RDM || t == SOCK_SEQPACKET);
    WSAPROTOCOL_INFOW info;
    len = sizeof info;
    FUZZ_CHECK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len) == 0);
    GROUP got = 0;
    len = sizeof got;
    FUZZ_CHECK(getsockopt(s, SOL_SOCKET, SO_GROUP_ID, (char *)&got, &len) == 0);
    FUZZ_CHECK(closesocket(s) == 0);
    FUZZ_CHECK(closesocket(s) == SOCKET_ERROR && WSAGetLastError() == WSAENOTSOCK);
    return 0;
}
