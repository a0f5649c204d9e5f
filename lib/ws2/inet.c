/* inet_addr, inet_ntoa, inet_pton, inet_ntop and their W forms, by Windows'
 * rules (windows-behaviour.md F269-F279). None of them needs WSAStartup. */
#include "ws2.h"
#include <ws2tcpip.h>

#include <string.h>

#include "common/addrtext.h"

/* What modern Windows reports for a buffer inet_ntop cannot use (F278):
 * the NT status, not a WSA code. */
#define W2P_STATUS_INVALID_PARAMETER ((int)0xC000000D)

/* C-locale isspace: what may follow an address in inet_addr (F270). */
static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

ULONG WSAAPI inet_addr(const char *cp) {
    if (!cp) {
        ws2__fail(WSAEFAULT); /* F269: only NULL sets the last error */
        return INADDR_NONE;
    }
    /* A lone space reads as 0.0.0.0, two spaces or a tab do not (F271). */
    if (cp[0] == ' ' && cp[1] == 0)
        return 0;
    uint8_t a[4];
    const char *end;
    if (common__v4_parse(cp, 0, a, &end) != 0 || (*end && !is_space(*end)))
        return INADDR_NONE;
    ULONG r;
    memcpy(&r, a, 4);
    return r;
}

/* One buffer per thread (F277). */
static _Thread_local char ntoa_buf[COMMON__V4_TEXT_MAX];

char *WSAAPI inet_ntoa(struct in_addr in) {
    uint8_t a[4];
    memcpy(a, &in.S_un.S_addr, 4);
    common__v4_format(a, ntoa_buf);
    return ntoa_buf;
}

/* 1, 0 (not an address: the output may hold what was read, F274/F276), or
 * -1 with *err. */
static int pton(INT family, const char *s, void *buf, int *err) {
    const char *end;
    switch (family) {
    case AF_INET: {
        uint8_t a[4];
        if (common__v4_parse(s, 1, a, &end) != 0)
            return 0;
        memcpy(buf, a, 4); /* written even when junk follows (F274) */
        return *end ? 0 : 1;
    }
    case AF_INET6:
        return common__v6_parse(s, buf, &end) == 0 && !*end ? 1 : 0;
    default:
        *err = WSAEAFNOSUPPORT;
        return -1;
    }
}

INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf) {
    int err = 0;
    /* F272: a NULL string is WSAEFAULT before the family is looked at. */
    if (!pszAddrString || !pAddrBuf)
        return ws2__fail(WSAEFAULT);
    int r = pton(Family, pszAddrString, pAddrBuf, &err);
    if (r < 0)
        return ws2__fail(err);
    return r; /* F273: a 0 leaves the last error alone */
}

INT WSAAPI InetPtonW(INT Family, PCWSTR pszAddrString, PVOID pAddrBuf) {
    if (!pszAddrString || !pAddrBuf)
        return ws2__fail(WSAEFAULT);
    /* Addresses are ASCII: anything else becomes a character no address
     * holds; a text too long for any address is cut and made invalid. */
    char s[64];
    size_t i = 0;
    for (; pszAddrString[i] && i < sizeof s - 2; i++)
        s[i] = pszAddrString[i] < 0x80 ? (char)pszAddrString[i] : '\x01';
    if (pszAddrString[i])
        s[i++] = '\x01';
    s[i] = 0;
    int err = 0;
    int r = pton(Family, s, pAddrBuf, &err);
    if (r < 0)
        return ws2__fail(err);
    if (r == 0)
        ws2__fail(WSAEINVAL); /* F273: the W form says why */
    return r;
}

/* The text of an address, or 0 with *err. */
static size_t ntop(INT family, const void *addr, char *text, int *err) {
    switch (family) {
    case AF_INET:
        return common__v4_format(addr, text);
    case AF_INET6:
        return common__v6_format(addr, text);
    default:
        *err = WSAEAFNOSUPPORT;
        return 0;
    }
}

PCSTR WSAAPI inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf, size_t StringBufSize) {
    char text[COMMON__V6_TEXT_MAX];
    int err = 0;
    if (Family != AF_INET && Family != AF_INET6) {
        ws2__fail(WSAEAFNOSUPPORT); /* F278 */
        return NULL;
    }
    if (!pAddr || !pStringBuf) {
        ws2__fail(W2P_STATUS_INVALID_PARAMETER);
        return NULL;
    }
    size_t n = ntop(Family, pAddr, text, &err);
    if (StringBufSize < n + 1) {
        ws2__fail(W2P_STATUS_INVALID_PARAMETER); /* F278, F279 */
        return NULL;
    }
    memcpy(pStringBuf, text, n + 1);
    return pStringBuf;
}

PCWSTR WSAAPI InetNtopW(INT Family, const VOID *pAddr, PWSTR pStringBuf, size_t StringBufSize) {
    char text[COMMON__V6_TEXT_MAX];
    int err = 0;
    if (Family != AF_INET && Family != AF_INET6) {
        ws2__fail(WSAEAFNOSUPPORT);
        return NULL;
    }
    if (!pAddr || !pStringBuf) {
        ws2__fail(W2P_STATUS_INVALID_PARAMETER);
        return NULL;
    }
    size_t n = ntop(Family, pAddr, text, &err);
    if (StringBufSize < n + 1) {
        ws2__fail(W2P_STATUS_INVALID_PARAMETER);
        return NULL;
    }
    for (size_t i = 0; i <= n; i++)
        pStringBuf[i] = (WCHAR)(unsigned char)text[i];
    return pStringBuf;
}
