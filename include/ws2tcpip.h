/*
 * ws2posix - ws2tcpip.h: the TCP/IP part of Winsock 2: name resolution
 * (getaddrinfo, getnameinfo, GetAddrInfoEx), address text conversion
 * (inet_pton, inet_ntop), TCP and UDP options, the IN6_IS_ADDR_* tests.
 * Windows values; the libc-named functions bind to the w2p_ symbols.
 */
#ifndef WS2POSIX_WS2TCPIP_H
#define WS2POSIX_WS2TCPIP_H

#include <windef.h>
#include <winsock2.h>
#include <ws2def.h>
#include <ws2ipdef.h>

W2P_BEGIN_DECLS

/* ---- Interface and multicast-filter ioctls --------------------------------- */

#define SIO_GET_INTERFACE_LIST _IOR('t', 127, u_long)
#define SIO_GET_INTERFACE_LIST_EX _IOR('t', 126, u_long)
#define SIO_SET_MULTICAST_FILTER _IOW('t', 125, u_long)
#define SIO_GET_MULTICAST_FILTER _IOW('t', 124 | IOC_IN, u_long)

/* ---- UDP and TCP options ----------------------------------------------------- */

#define UDP_NOCHECKSUM 1
#define UDP_CHECKSUM_COVERAGE 20

#ifndef TCP_NODELAY /* winsock2.h has it too */
#define TCP_NODELAY 0x0001
#endif
#define TCP_EXPEDITED_1122 0x0002
/* Later Windows TCP options (Windows SDK values; not in mingw-w64). */
#define TCP_KEEPALIVE 3
#define TCP_MAXSEG 4
#define TCP_MAXRT 5
#define TCP_STDURG 6
#define TCP_NOURG 7
#define TCP_ATMARK 8
#define TCP_NOSYNRETRIES 9
#define TCP_TIMESTAMPS 10
#define TCP_FASTOPEN 15
#define TCP_KEEPCNT 16
#define TCP_KEEPIDLE TCP_KEEPALIVE
#define TCP_KEEPINTVL 17

/* The port of a sockaddr_in or sockaddr_in6 (same offset in both). */
#define SS_PORT(ssp) (((struct sockaddr_in *)(ssp))->sin_port)

/* ---- getaddrinfo / getnameinfo errors: WSA error numbers on Windows ---------- */

#define EAI_AGAIN WSATRY_AGAIN
#define EAI_BADFLAGS WSAEINVAL
#define EAI_FAIL WSANO_RECOVERY
#define EAI_FAMILY WSAEAFNOSUPPORT
#define EAI_MEMORY WSA_NOT_ENOUGH_MEMORY
#define EAI_NONAME WSAHOST_NOT_FOUND
#define EAI_SERVICE WSATYPE_NOT_FOUND
#define EAI_SOCKTYPE WSAESOCKTNOSUPPORT
#define EAI_NODATA 11004 /* WSANO_DATA */

/* ---- Types ---------------------------------------------------------------------- */

/* socklen_t is a signed int on Windows. glibc's <unistd.h> declares an
 * unsigned one: if it came first, ours takes another name; if it comes later,
 * its declaration is skipped (same scheme as u_long in windef.h). */
#ifdef __socklen_t_defined
#define socklen_t w2p_socklen_t
#else
#define __socklen_t_defined 1
#endif
typedef int socklen_t;

typedef ADDRINFOA ADDRINFO, *LPADDRINFO;
#ifdef UNICODE
typedef ADDRINFOW ADDRINFOT, *PADDRINFOT;
#else
typedef ADDRINFOA ADDRINFOT, *PADDRINFOT;
#endif

/* Completion routine of an overlapped GetAddrInfoEx. */
typedef void (CALLBACK *LPLOOKUPSERVICE_COMPLETION_ROUTINE)(DWORD dwError, DWORD dwBytes,
                                                           LPWSAOVERLAPPED lpOverlapped);

/* ---- Name resolution ---------------------------------------------------------- */

INT WSAAPI getaddrinfo(PCSTR pNodeName, PCSTR pServiceName, const ADDRINFOA *pHints,
                       PADDRINFOA *ppResult) W2P_BSD(getaddrinfo);
INT WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName, const ADDRINFOW *pHints,
                        PADDRINFOW *ppResult);
#define GetAddrInfoA getaddrinfo

VOID WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo) W2P_BSD(freeaddrinfo);
VOID WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo);
#define FreeAddrInfoA freeaddrinfo

INT WSAAPI getnameinfo(const SOCKADDR *pSockaddr, socklen_t SockaddrLength, PCHAR pNodeBuffer,
                       DWORD NodeBufferSize, PCHAR pServiceBuffer, DWORD ServiceBufferSize,
                       INT Flags) W2P_BSD(getnameinfo);
INT WSAAPI GetNameInfoW(const SOCKADDR *pSockaddr, socklen_t SockaddrLength, PWCHAR pNodeBuffer,
                        DWORD NodeBufferSize, PWCHAR pServiceBuffer, DWORD ServiceBufferSize,
                        INT Flags);
#define GetNameInfoA getnameinfo

/* Text of an EAI_ error; gai_strerror is one of these, as on Windows. */
#define GAI_STRERROR_BUFFER_SIZE 1024
char *WSAAPI gai_strerrorA(int ecode);
WCHAR *WSAAPI gai_strerrorW(int ecode);

INT WSAAPI GetAddrInfoExA(PCSTR pName, PCSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXA *hints, PADDRINFOEXA *ppResult, struct timeval *timeout,
                          LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle);
INT WSAAPI GetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXW *hints, PADDRINFOEXW *ppResult,
                          struct timeval *timeout, LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle);

INT WSAAPI SetAddrInfoExA(PCSTR pName, PCSTR pServiceName, SOCKET_ADDRESS *pAddresses,
                          DWORD dwAddressCount, LPBLOB lpBlob, DWORD dwFlags, DWORD dwNameSpace,
                          LPGUID lpNspId, struct timeval *timeout, LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle);
INT WSAAPI SetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, SOCKET_ADDRESS *pAddresses,
                          DWORD dwAddressCount, LPBLOB lpBlob, DWORD dwFlags, DWORD dwNameSpace,
                          LPGUID lpNspId, struct timeval *timeout, LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle);

/* The A form of the free function is exported without a suffix. */
void WSAAPI FreeAddrInfoEx(PADDRINFOEXA pAddrInfoEx);
void WSAAPI FreeAddrInfoExW(PADDRINFOEXW pAddrInfoEx);
#define FreeAddrInfoExA FreeAddrInfoEx

#if defined(INCL_WINSOCK_API_TYPEDEFS) && INCL_WINSOCK_API_TYPEDEFS
typedef INT (WSAAPI *LPFN_GETADDRINFO)(PCSTR pNodeName, PCSTR pServiceName,
                                        const ADDRINFOA *pHints, PADDRINFOA *ppResult);
typedef INT (WSAAPI *LPFN_GETADDRINFOW)(PCWSTR pNodeName, PCWSTR pServiceName,
                                         const ADDRINFOW *pHints, PADDRINFOW *ppResult);
#define LPFN_GETADDRINFOA LPFN_GETADDRINFO
typedef VOID (WSAAPI *LPFN_FREEADDRINFO)(PADDRINFOA pAddrInfo);
typedef VOID (WSAAPI *LPFN_FREEADDRINFOW)(PADDRINFOW pAddrInfo);
#define LPFN_FREEADDRINFOA LPFN_FREEADDRINFO
typedef INT (WSAAPI *LPFN_GETNAMEINFO)(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
                                        PCHAR pNodeBuffer, DWORD NodeBufferSize,
                                        PCHAR pServiceBuffer, DWORD ServiceBufferSize, INT Flags);
typedef INT (WSAAPI *LPFN_GETNAMEINFOW)(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
                                         PWCHAR pNodeBuffer, DWORD NodeBufferSize,
                                         PWCHAR pServiceBuffer, DWORD ServiceBufferSize,
                                         INT Flags);
#define LPFN_GETNAMEINFOA LPFN_GETNAMEINFO
#endif

/* ---- Address text conversion -------------------------------------------------- */

INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf) W2P_BSD(inet_pton);
INT WSAAPI InetPtonW(INT Family, PCWSTR pszAddrString, PVOID pAddrBuf);
#define InetPtonA inet_pton

PCSTR WSAAPI inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf, size_t StringBufSize)
    W2P_BSD(inet_ntop);
PCWSTR WSAAPI InetNtopW(INT Family, const VOID *pAddr, PWSTR pStringBuf, size_t StringBufSize);
#define InetNtopA inet_ntop

/* ---- A or W by UNICODE, as Windows does ---------------------------------------- */

#ifdef UNICODE
#define GetAddrInfo GetAddrInfoW
#define FreeAddrInfo FreeAddrInfoW
#define GetNameInfo GetNameInfoW
#define gai_strerror gai_strerrorW
#define GetAddrInfoEx GetAddrInfoExW
#define SetAddrInfoEx SetAddrInfoExW
#define FreeAddrInfoEx FreeAddrInfoExW
#define InetPton InetPtonW
#define InetNtop InetNtopW
#define LPFN_GETADDRINFOT LPFN_GETADDRINFOW
#define LPFN_FREEADDRINFOT LPFN_FREEADDRINFOW
#define LPFN_GETNAMEINFOT LPFN_GETNAMEINFOW
#else
#define GetAddrInfo GetAddrInfoA
#define FreeAddrInfo FreeAddrInfoA
#define GetNameInfo GetNameInfoA
#define gai_strerror gai_strerrorA
#define GetAddrInfoEx GetAddrInfoExA
#define SetAddrInfoEx SetAddrInfoExA
#define InetPton InetPtonA
#define InetNtop InetNtopA
#define LPFN_GETADDRINFOT LPFN_GETADDRINFOA
#define LPFN_FREEADDRINFOT LPFN_FREEADDRINFOA
#define LPFN_GETNAMEINFOT LPFN_GETNAMEINFOA
#endif

/* ---- IPv6 address tests and setters -------------------------------------------- */

/* The unspecified (::) and loopback (::1) addresses. libc has variables of
 * these names too, hence the w2p_ binding. */
extern const struct in6_addr in6addr_any W2P_BSD(in6addr_any);
extern const struct in6_addr in6addr_loopback W2P_BSD(in6addr_loopback);

/* Bytes 0..n-1 of a are all zero. */
static inline int w2p_in6_zero_prefix(const struct in6_addr *a, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (a->u.Byte[i] != 0)
            return 0;
    return 1;
}

static inline int IN6_IS_ADDR_UNSPECIFIED(const struct in6_addr *a)
{
    return w2p_in6_zero_prefix(a, 16);
}

static inline int IN6_IS_ADDR_LOOPBACK(const struct in6_addr *a)
{
    return w2p_in6_zero_prefix(a, 15) && a->u.Byte[15] == 1;
}

static inline int IN6_IS_ADDR_MULTICAST(const struct in6_addr *a)
{
    return a->u.Byte[0] == 0xff;
}

/* fe80::/10 */
static inline int IN6_IS_ADDR_LINKLOCAL(const struct in6_addr *a)
{
    return a->u.Byte[0] == 0xfe && (a->u.Byte[1] & 0xc0) == 0x80;
}

/* fec0::/10 */
static inline int IN6_IS_ADDR_SITELOCAL(const struct in6_addr *a)
{
    return a->u.Byte[0] == 0xfe && (a->u.Byte[1] & 0xc0) == 0xc0;
}

/* ::ffff:a.b.c.d */
static inline int IN6_IS_ADDR_V4MAPPED(const struct in6_addr *a)
{
    return w2p_in6_zero_prefix(a, 10) && a->u.Byte[10] == 0xff && a->u.Byte[11] == 0xff;
}

/* ::a.b.c.d, except :: and ::1 */
static inline int IN6_IS_ADDR_V4COMPAT(const struct in6_addr *a)
{
    return w2p_in6_zero_prefix(a, 12) && !(w2p_in6_zero_prefix(a, 15) && a->u.Byte[15] <= 1);
}

/* Multicast with the given scope (low nibble of the second byte). */
static inline int w2p_in6_mc_scope(const struct in6_addr *a, int scope)
{
    return a->u.Byte[0] == 0xff && (a->u.Byte[1] & 0x0f) == scope;
}

static inline int IN6_IS_ADDR_MC_NODELOCAL(const struct in6_addr *a)
{
    return w2p_in6_mc_scope(a, 0x1);
}

static inline int IN6_IS_ADDR_MC_LINKLOCAL(const struct in6_addr *a)
{
    return w2p_in6_mc_scope(a, 0x2);
}

static inline int IN6_IS_ADDR_MC_SITELOCAL(const struct in6_addr *a)
{
    return w2p_in6_mc_scope(a, 0x5);
}

static inline int IN6_IS_ADDR_MC_ORGLOCAL(const struct in6_addr *a)
{
    return w2p_in6_mc_scope(a, 0x8);
}

static inline int IN6_IS_ADDR_MC_GLOBAL(const struct in6_addr *a)
{
    return w2p_in6_mc_scope(a, 0xe);
}

static inline int IN6ADDR_ISANY(const SOCKADDR_IN6 *a)
{
    return a->sin6_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr);
}

static inline int IN6ADDR_ISLOOPBACK(const SOCKADDR_IN6 *a)
{
    return a->sin6_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
}

static inline void IN6_SET_ADDR_UNSPECIFIED(struct in6_addr *a)
{
    int i;
    for (i = 0; i < 16; i++)
        a->u.Byte[i] = 0;
}

static inline void IN6_SET_ADDR_LOOPBACK(struct in6_addr *a)
{
    IN6_SET_ADDR_UNSPECIFIED(a);
    a->u.Byte[15] = 1;
}

static inline void IN6ADDR_SETANY(SOCKADDR_IN6 *a)
{
    a->sin6_family = AF_INET6;
    a->sin6_port = 0;
    a->sin6_flowinfo = 0;
    IN6_SET_ADDR_UNSPECIFIED(&a->sin6_addr);
    a->sin6_scope_id = 0;
}

static inline void IN6ADDR_SETLOOPBACK(SOCKADDR_IN6 *a)
{
    a->sin6_family = AF_INET6;
    a->sin6_port = 0;
    a->sin6_flowinfo = 0;
    IN6_SET_ADDR_LOOPBACK(&a->sin6_addr);
    a->sin6_scope_id = 0;
}

/* Make the tests visible to #ifdef, as POSIX code expects of macros. */
#define IN6_IS_ADDR_UNSPECIFIED IN6_IS_ADDR_UNSPECIFIED
#define IN6_IS_ADDR_LOOPBACK IN6_IS_ADDR_LOOPBACK
#define IN6_IS_ADDR_MULTICAST IN6_IS_ADDR_MULTICAST
#define IN6_IS_ADDR_LINKLOCAL IN6_IS_ADDR_LINKLOCAL
#define IN6_IS_ADDR_SITELOCAL IN6_IS_ADDR_SITELOCAL
#define IN6_IS_ADDR_V4MAPPED IN6_IS_ADDR_V4MAPPED
#define IN6_IS_ADDR_V4COMPAT IN6_IS_ADDR_V4COMPAT
#define IN6_IS_ADDR_MC_NODELOCAL IN6_IS_ADDR_MC_NODELOCAL
#define IN6_IS_ADDR_MC_LINKLOCAL IN6_IS_ADDR_MC_LINKLOCAL
#define IN6_IS_ADDR_MC_SITELOCAL IN6_IS_ADDR_MC_SITELOCAL
#define IN6_IS_ADDR_MC_ORGLOCAL IN6_IS_ADDR_MC_ORGLOCAL
#define IN6_IS_ADDR_MC_GLOBAL IN6_IS_ADDR_MC_GLOBAL

W2P_END_DECLS

#include <mstcpip.h>

#endif /* WS2POSIX_WS2TCPIP_H */
