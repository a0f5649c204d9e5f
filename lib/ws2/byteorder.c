/* Byte order: htons and friends, and the WSA forms that take a socket (whose
 * provider, on Windows, could in principle use another order; every
 * provider of ours speaks network order). */
#include "ws2.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SWAP16(x) (x)
#define SWAP32(x) (x)
#define SWAP64(x) (x)
#else
#define SWAP16(x) __builtin_bswap16(x)
#define SWAP32(x) __builtin_bswap32(x)
#define SWAP64(x) __builtin_bswap64(x)
#endif

u_short WSAAPI htons(u_short hostshort) { return SWAP16(hostshort); }
u_short WSAAPI ntohs(u_short netshort) { return SWAP16(netshort); }
u_long WSAAPI htonl(u_long hostlong) { return SWAP32(hostlong); }
u_long WSAAPI ntohl(u_long netlong) { return SWAP32(netlong); }
u_int64 WSAAPI htonll(u_int64 Value) { return SWAP64(Value); }
u_int64 WSAAPI ntohll(u_int64 Value) { return SWAP64(Value); }

/* The socket must be a live handle (WSAENOTSOCK), the result pointer
 * present (WSAEFAULT). */
static int check(SOCKET s, const void *out) {
    int err = ws2__enter();
    if (err)
        return err;
    ws2__socket *so = ws2__handle_get(s);
    if (!so)
        return WSAENOTSOCK;
    ws2__handle_put(s);
    return out ? 0 : WSAEFAULT;
}

int WSAAPI WSAHtons(SOCKET s, u_short hostshort, u_short *lpnetshort) {
    int err = check(s, lpnetshort);
    if (err)
        return ws2__fail(err);
    *lpnetshort = SWAP16(hostshort);
    return 0;
}

int WSAAPI WSANtohs(SOCKET s, u_short netshort, u_short *lphostshort) {
    int err = check(s, lphostshort);
    if (err)
        return ws2__fail(err);
    *lphostshort = SWAP16(netshort);
    return 0;
}

int WSAAPI WSAHtonl(SOCKET s, u_long hostlong, u_long *lpnetlong) {
    int err = check(s, lpnetlong);
    if (err)
        return ws2__fail(err);
    *lpnetlong = SWAP32(hostlong);
    return 0;
}

int WSAAPI WSANtohl(SOCKET s, u_long netlong, u_long *lphostlong) {
    int err = check(s, lphostlong);
    if (err)
        return ws2__fail(err);
    *lphostlong = SWAP32(netlong);
    return 0;
}
