/*
 * WSPStringToAddress / WSPAddressToString of the base provider: the text
 * forms of IPv4 and IPv6 socket addresses, by Windows' rules
 * (windows-behaviour.md F259-F267).
 */
#include "wsp.h"
#include <ws2tcpip.h>

#include <string.h>

#include "common/addrtext.h"

/* The family this call is about: the argument, or the entry's when the
 * argument leaves it open. */
static int family_of(int af, const WSAPROTOCOL_INFOW *info) {
    if (af == AF_UNSPEC && info)
        return info->iAddressFamily;
    return af;
}

static int addr_size(int af) {
    return af == AF_INET ? (int)sizeof(SOCKADDR_IN) : af == AF_INET6 ? (int)sizeof(SOCKADDR_IN6) : 0;
}

/* Decimal digits of an unsigned number. */
static size_t put_dec(char *o, unsigned long v) {
    char tmp[24];
    size_t n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while (v /= 10);
    for (size_t i = 0; i < n; i++)
        o[i] = tmp[n - 1 - i];
    return n;
}

/* "a.b.c.d[:port]" (F266); IPv6 "addr[%scope]", bracketed when a port
 * follows (F267). */
static size_t format(const SOCKADDR *sa, char *out) {
    size_t n;
    if (sa->sa_family == AF_INET) {
        const SOCKADDR_IN *in = (const SOCKADDR_IN *)sa;
        n = common__v4_format((const uint8_t *)&in->sin_addr, out);
        if (in->sin_port) {
            out[n++] = ':';
            n += put_dec(out + n, ntohs(in->sin_port));
        }
    } else {
        const SOCKADDR_IN6 *in6 = (const SOCKADDR_IN6 *)sa;
        n = 0;
        if (in6->sin6_port)
            out[n++] = '[';
        n += common__v6_format((const uint8_t *)&in6->sin6_addr, out + n);
        if (in6->sin6_scope_id) {
            out[n++] = '%';
            n += put_dec(out + n, in6->sin6_scope_id);
        }
        if (in6->sin6_port) {
            out[n++] = ']';
            out[n++] = ':';
            n += put_dec(out + n, ntohs(in6->sin6_port));
        }
    }
    out[n] = 0;
    return n;
}

INT WSPAPI wsp__WSPAddressToString(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                                   LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSTR lpszAddressString,
                                   LPDWORD lpdwAddressStringLength, LPINT lpErrno) {
    (void)lpProtocolInfo;
    if (!lpsaAddress || !lpdwAddressStringLength || dwAddressLength < sizeof(lpsaAddress->sa_family)) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    int size = addr_size(lpsaAddress->sa_family);
    if (!size) {
        *lpErrno = WSAEINVAL; /* not a family of this provider */
        return SOCKET_ERROR;
    }
    if (dwAddressLength < (DWORD)size) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    char text[80];
    DWORD need = (DWORD)format(lpsaAddress, text) + 1;
    /* Too small a buffer (or none) reports the characters needed, NUL
     * included (F264). */
    if (!lpszAddressString || *lpdwAddressStringLength < need) {
        *lpdwAddressStringLength = need;
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    for (DWORD i = 0; i < need; i++)
        lpszAddressString[i] = (WCHAR)(unsigned char)text[i];
    *lpdwAddressStringLength = need; /* F265 */
    return 0;
}

/* "[...]" around an IPv6 address, ":port" only after the bracket, "%scope"
 * before it. 0 when it all parsed; the address bytes are in a6 as far as
 * they were read. */
static int parse_v6(const char *s, uint8_t a6[16], uint32_t *scope, uint16_t *port) {
    const char *p = s, *end;
    int bracket = *p == '[';
    if (bracket)
        p++;
    if (common__v6_parse(p, a6, &end) != 0)
        return -1;
    p = end;
    if (*p == '%') {
        uint64_t v = 0;
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if ((v = v * 10 + (uint64_t)(*p - '0')) > 0xffffffffu)
                return -1;
        if (!digits)
            return -1;
        *scope = (uint32_t)v;
    }
    if (bracket) {
        if (*p++ != ']')
            return -1;
        if (*p == ':')
            return common__port_parse(p + 1, port);
    }
    return *p ? -1 : 0;
}

INT WSPAPI wsp__WSPStringToAddress(LPWSTR AddressString, INT AddressFamily, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                   LPSOCKADDR lpAddress, LPINT lpAddressLength, LPINT lpErrno) {
    int af = family_of(AddressFamily, lpProtocolInfo);
    int size = addr_size(af);
    if (!lpAddressLength) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!size) {
        *lpErrno = WSAEINVAL;
        return SOCKET_ERROR;
    }
    /* The room is checked before the text is looked at (F259). */
    if (*lpAddressLength < size) {
        *lpAddressLength = size;
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!lpAddress) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!AddressString) {
        *lpErrno = WSAEINVAL;
        return SOCKET_ERROR;
    }
    /* Addresses are ASCII: any other character becomes one no address
     * holds, and a text longer than any address is made invalid. */
    char s[128];
    size_t i = 0;
    for (; AddressString[i] && i < sizeof s - 2; i++)
        s[i] = AddressString[i] > 0 && AddressString[i] < 0x80 ? (char)AddressString[i] : '\x01';
    if (AddressString[i])
        s[i++] = '\x01';
    s[i] = 0;

    /* F261: the structure is zeroed; on failure only the address read so
     * far stays, the length is left alone. */
    memset(lpAddress, 0, (size_t)size);
    int ok;
    if (af == AF_INET) {
        SOCKADDR_IN *in = (SOCKADDR_IN *)lpAddress;
        uint8_t a[4];
        const char *end;
        uint16_t port = 0;
        ok = common__v4_parse(s, 0, a, &end) == 0;
        if (ok) {
            memcpy(&in->sin_addr, a, 4);
            /* No whitespace, only ":port" after the address (F262, F263). */
            ok = *end == 0 || (*end == ':' && common__port_parse(end + 1, &port) == 0);
        }
        if (ok) {
            in->sin_family = AF_INET;
            in->sin_port = htons(port);
        }
    } else {
        SOCKADDR_IN6 *in6 = (SOCKADDR_IN6 *)lpAddress;
        uint8_t a6[16] = {0};
        uint32_t scope = 0;
        uint16_t port = 0;
        ok = parse_v6(s, a6, &scope, &port) == 0;
        memcpy(&in6->sin6_addr, a6, 16);
        if (ok) {
            in6->sin6_family = AF_INET6;
            in6->sin6_port = htons(port);
            in6->sin6_scope_id = scope;
        }
    }
    if (!ok) {
        *lpErrno = WSAEINVAL;
        return SOCKET_ERROR;
    }
    *lpAddressLength = size;
    return 0;
}
