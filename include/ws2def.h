/*
 * ws2posix - ws2def.h: the definitions every Winsock header shares: address
 * families, socket-level options, generic socket addresses, buffers and
 * messages, address-info records. Windows values and Windows x64 layouts.
 */
#ifndef WS2POSIX_WS2DEF_H
#define WS2POSIX_WS2DEF_H

/*
 * One world per file. The Windows and POSIX socket headers define the same
 * names (sockaddr, AF_INET6, SOL_SOCKET, getaddrinfo ...) with different
 * values and layouts, so a source file must pick one. If a POSIX socket header
 * came first, say so now; otherwise take its include guards, so that one
 * included later is empty and cannot redefine sockaddr & co.
 */
#if defined(_SYS_SOCKET_H) || defined(_NETINET_IN_H) || defined(_ARPA_INET_H) || \
    defined(_NETDB_H) || defined(_SYS_POLL_H) || defined(_POLL_H) ||             \
    defined(_SYS_IOCTL_H) || defined(_NETINET_TCP_H)
#error "ws2posix: <winsock2.h> and the POSIX socket headers (<sys/socket.h>, <netinet/in.h>, <netdb.h>, <arpa/inet.h>, <poll.h>, <sys/ioctl.h>) cannot be used in the same source file; include only the Winsock headers"
#endif
#define _SYS_SOCKET_H 1
#define _NETINET_IN_H 1
#define _ARPA_INET_H 1
#define _NETDB_H 1
#define _SYS_POLL_H 1
#define _POLL_H 1
#define _SYS_IOCTL_H 1
#define _NETINET_TCP_H 1

#include <windef.h>
#include <inaddr.h>

W2P_BEGIN_DECLS

/* ---- Address families ---------------------------------------------------- */

typedef USHORT ADDRESS_FAMILY;

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_IMPLINK 3
#define AF_PUP 4
#define AF_CHAOS 5
#define AF_NS 6
#define AF_IPX AF_NS
#define AF_ISO 7
#define AF_OSI AF_ISO
#define AF_ECMA 8
#define AF_DATAKIT 9
#define AF_CCITT 10
#define AF_SNA 11
#define AF_DECnet 12
#define AF_DLI 13
#define AF_LAT 14
#define AF_HYLINK 15
#define AF_APPLETALK 16
#define AF_NETBIOS 17
#define AF_VOICEVIEW 18
#define AF_FIREFOX 19
#define AF_UNKNOWN1 20
#define AF_BAN 21
#define AF_ATM 22
#define AF_INET6 23
#define AF_CLUSTER 24
#define AF_12844 25
#define AF_IRDA 26
#define AF_NETDES 28
#define AF_TCNPROCESS 29
#define AF_TCNMESSAGE 30
#define AF_ICLFXBM 31
#define AF_BTH 32
#define AF_MAX 33

/* ---- Socket-level options (level SOL_SOCKET) ------------------------------ */

#define SOL_SOCKET 0xffff

#define SO_DEBUG 0x0001
#define SO_ACCEPTCONN 0x0002
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_DONTROUTE 0x0010
#define SO_BROADCAST 0x0020
#define SO_USELOOPBACK 0x0040
#define SO_LINGER 0x0080
#define SO_OOBINLINE 0x0100
/* Two options named by the complement of another one. */
#define SO_DONTLINGER ((int)(~SO_LINGER))
#define SO_EXCLUSIVEADDRUSE ((int)(~SO_REUSEADDR))

#define SO_SNDBUF 0x1001
#define SO_RCVBUF 0x1002
#define SO_SNDLOWAT 0x1003
#define SO_RCVLOWAT 0x1004
#define SO_SNDTIMEO 0x1005
#define SO_RCVTIMEO 0x1006
#define SO_ERROR 0x1007
#define SO_TYPE 0x1008

#define SO_GROUP_ID 0x2001
#define SO_GROUP_PRIORITY 0x2002
#define SO_MAX_MSG_SIZE 0x2003
#define SO_PROTOCOL_INFOA 0x2004
#define SO_PROTOCOL_INFOW 0x2005
#ifdef UNICODE
#define SO_PROTOCOL_INFO SO_PROTOCOL_INFOW
#else
#define SO_PROTOCOL_INFO SO_PROTOCOL_INFOA
#endif

#define PVD_CONFIG 0x3001
#define SO_CONDITIONAL_ACCEPT 0x3002

/* ---- Protocols ----------------------------------------------------------- */

#define IPPROTO_IP 0
#define IPPROTO_HOPOPTS 0
#define IPPROTO_ICMP 1
#define IPPROTO_IGMP 2
#define IPPROTO_GGP 3
#define IPPROTO_IPV4 4
#define IPPROTO_ST 5
#define IPPROTO_TCP 6
#define IPPROTO_CBT 7
#define IPPROTO_EGP 8
#define IPPROTO_IGP 9
#define IPPROTO_PUP 12
#define IPPROTO_UDP 17
#define IPPROTO_IDP 22
#define IPPROTO_RDP 27
#define IPPROTO_IPV6 41
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_ESP 50
#define IPPROTO_AH 51
#define IPPROTO_ICMPV6 58
#define IPPROTO_NONE 59
#define IPPROTO_DSTOPTS 60
#define IPPROTO_ND 77
#define IPPROTO_ICLFXBM 78
#define IPPROTO_PIM 103
#define IPPROTO_PGM 113
#define IPPROTO_L2TP 115
#define IPPROTO_SCTP 132
#define IPPROTO_RAW 255
#define IPPROTO_MAX 256

/* ---- Well-known IPv4 addresses (host byte order) ------------------------- */

#define INADDR_ANY ((u_long)0x00000000)
#define INADDR_LOOPBACK 0x7f000001
#define INADDR_BROADCAST ((u_long)0xffffffff)
#define INADDR_NONE 0xffffffff

/* ---- Generic socket addresses -------------------------------------------- */

typedef struct sockaddr {
    u_short sa_family;
    CHAR sa_data[14];
} SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

typedef struct sockaddr_in {
    short sin_family;
    u_short sin_port;
    struct in_addr sin_addr;
    CHAR sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

/* sockaddr_storage: 128 bytes, 8-byte aligned, family first. */
#define _SS_MAXSIZE 128
#define _SS_ALIGNSIZE (8)
#define _SS_PAD1SIZE (_SS_ALIGNSIZE - sizeof(short))
#define _SS_PAD2SIZE (_SS_MAXSIZE - (sizeof(short) + _SS_PAD1SIZE + _SS_ALIGNSIZE))

typedef struct sockaddr_storage {
    short ss_family;
    CHAR __ss_pad1[_SS_PAD1SIZE];
    INT64 __ss_align; /* forces the alignment */
    CHAR __ss_pad2[_SS_PAD2SIZE];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;

/* A sockaddr of any family and its length. The guard is the one other
 * Windows headers (nspapi.h) test before defining the same pair. */
#ifndef __CSADDR_DEFINED__
#define __CSADDR_DEFINED__
typedef struct _SOCKET_ADDRESS {
    LPSOCKADDR lpSockaddr;
    INT iSockaddrLength;
} SOCKET_ADDRESS, *PSOCKET_ADDRESS, *LPSOCKET_ADDRESS;

typedef struct _CSADDR_INFO {
    SOCKET_ADDRESS LocalAddr;
    SOCKET_ADDRESS RemoteAddr;
    INT iSocketType;
    INT iProtocol;
} CSADDR_INFO, *PCSADDR_INFO, *LPCSADDR_INFO;
#endif

typedef struct _SOCKET_ADDRESS_LIST {
    INT iAddressCount;
    SOCKET_ADDRESS Address[1]; /* iAddressCount entries follow */
} SOCKET_ADDRESS_LIST, *PSOCKET_ADDRESS_LIST, *LPSOCKET_ADDRESS_LIST;

#define SIZEOF_SOCKET_ADDRESS_LIST(AddressCount) \
    (offsetof(SOCKET_ADDRESS_LIST, Address) + (AddressCount) * sizeof(SOCKET_ADDRESS))

/* ---- IPv6 scope ----------------------------------------------------------- */

typedef enum _SCOPE_LEVEL {
    ScopeLevelInterface = 1,
    ScopeLevelLink = 2,
    ScopeLevelSubnet = 3,
    ScopeLevelAdmin = 4,
    ScopeLevelSite = 5,
    ScopeLevelOrganization = 8,
    ScopeLevelGlobal = 14,
    ScopeLevelCount = 16
} SCOPE_LEVEL;

/* A scope id: a 28-bit zone index and a 4-bit level, or the whole 32 bits.
 * Windows code reads .Zone, .Level and .Value directly, hence the nameless
 * members; C++ has no nameless struct, GCC and Clang accept it as an
 * extension, which __extension__ (and the pragma for Clang) acknowledges. */
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnested-anon-types"
#pragma clang diagnostic ignored "-Wgnu-anonymous-struct"
#endif
typedef struct _SCOPE_ID {
    union {
        __extension__ struct {
            ULONG Zone : 28;
            ULONG Level : 4;
        };
        ULONG Value;
    };
} SCOPE_ID, *PSCOPE_ID;
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#define SCOPEID_UNSPECIFIED_INIT { 0 }

/* ---- Buffers and messages ------------------------------------------------- */

typedef struct _WSABUF {
    ULONG len;
    CHAR *buf;
} WSABUF, *LPWSABUF;

/* The message of WSASendMsg / WSARecvMsg. */
typedef struct _WSAMSG {
    LPSOCKADDR name;
    INT namelen;
    LPWSABUF lpBuffers;
    ULONG dwBufferCount;
    WSABUF Control;
    ULONG dwFlags;
} WSAMSG, *PWSAMSG, *LPWSAMSG;

/* Header of one control message in WSAMSG.Control; its data follows. */
typedef struct _WSACMSGHDR {
    SIZE_T cmsg_len;
    INT cmsg_level;
    INT cmsg_type;
} WSACMSGHDR, *PWSACMSGHDR, *LPWSACMSGHDR;

typedef WSACMSGHDR CMSGHDR, *PCMSGHDR;

/* Headers start on the header's alignment (a LONG, as Windows computes it);
 * data on 8 bytes, the largest natural alignment of x64. */
#define W2P_CMSGHDR_ALIGNMENT ((LONG)__alignof__(WSACMSGHDR))
#define WSA_CMSGHDR_ALIGN(length) \
    (((length) + W2P_CMSGHDR_ALIGNMENT - 1) & ~(W2P_CMSGHDR_ALIGNMENT - 1))
#define WSA_CMSGDATA_ALIGN(length) \
    (((length) + sizeof(ULONGLONG) - 1) & ~(sizeof(ULONGLONG) - 1))

#define WSA_CMSG_FIRSTHDR(msg)                                  \
    ((msg)->Control.len >= sizeof(WSACMSGHDR)                   \
         ? (LPWSACMSGHDR)(msg)->Control.buf                     \
         : (LPWSACMSGHDR)0)

/* The header after cmsg, or none when it would not fit in the buffer. */
#define WSA_CMSG_NXTHDR(msg, cmsg)                                          \
    (!(cmsg) ? WSA_CMSG_FIRSTHDR(msg)                                       \
     : ((PUCHAR)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len) +              \
            sizeof(WSACMSGHDR) >                                            \
        (PUCHAR)(msg)->Control.buf + (msg)->Control.len)                    \
         ? (LPWSACMSGHDR)0                                                  \
         : (LPWSACMSGHDR)((PUCHAR)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len)))

#define WSA_CMSG_DATA(cmsg) ((PUCHAR)(cmsg) + WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)))
#define WSA_CMSG_SPACE(length) \
    (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR) + WSA_CMSGHDR_ALIGN(length)))
#define WSA_CMSG_LEN(length) (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)) + (length))

/* The POSIX-looking names Windows Vista added for the same macros. */
#define CMSGHDR_ALIGN WSA_CMSGHDR_ALIGN
#define CMSGDATA_ALIGN WSA_CMSGDATA_ALIGN
#define CMSG_FIRSTHDR WSA_CMSG_FIRSTHDR
#define CMSG_NXTHDR WSA_CMSG_NXTHDR
#define CMSG_DATA WSA_CMSG_DATA
#define CMSG_SPACE WSA_CMSG_SPACE
#define CMSG_LEN WSA_CMSG_LEN

/* ---- Message flags -------------------------------------------------------- */

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_WAITALL 0x8
#define MSG_INTERRUPT 0x10
#define MSG_PUSH_IMMEDIATE 0x20
#define MSG_PARTIAL 0x8000
/* Reported in WSAMSG.dwFlags by WSARecvMsg. */
#define MSG_TRUNC 0x0100
#define MSG_CTRUNC 0x0200
#define MSG_BCAST 0x0400
#define MSG_MCAST 0x0800

#define MSG_MAXIOVLEN 16

/* ---- getnameinfo flags and buffer sizes ----------------------------------- */

#define NI_NOFQDN 0x01
#define NI_NUMERICHOST 0x02
#define NI_NAMEREQD 0x04
#define NI_NUMERICSERV 0x08
#define NI_DGRAM 0x10

#define NI_MAXHOST 1025
#define NI_MAXSERV 32

/* ---- getaddrinfo flags and results ---------------------------------------- */

#define AI_PASSIVE 0x00000001
#define AI_CANONNAME 0x00000002
#define AI_NUMERICHOST 0x00000004
#define AI_NUMERICSERV 0x00000008
#define AI_ALL 0x00000100
#define AI_ADDRCONFIG 0x00000400
#define AI_V4MAPPED 0x00000800
#define AI_NON_AUTHORITATIVE 0x00004000
#define AI_SECURE 0x00008000
#define AI_RETURN_PREFERRED_NAMES 0x00010000
#define AI_FQDN 0x00020000
#define AI_FILESERVER 0x00040000
#define AI_DISABLE_IDN_ENCODING 0x00080000

/* Windows order: ai_addrlen (size_t) comes before ai_canonname and ai_addr. */
typedef struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    char *ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfo *ai_next;
} ADDRINFOA, *PADDRINFOA;

typedef struct addrinfoW {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    PWSTR ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfoW *ai_next;
} ADDRINFOW, *PADDRINFOW;

/* GetAddrInfoEx results: the same head, then a blob and the provider. */
typedef struct addrinfoexA {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    char *ai_canonname;
    struct sockaddr *ai_addr;
    void *ai_blob;
    size_t ai_bloblen;
    LPGUID ai_provider;
    struct addrinfoexA *ai_next;
} ADDRINFOEXA, *PADDRINFOEXA, *LPADDRINFOEXA;

typedef struct addrinfoexW {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    PWSTR ai_canonname;
    struct sockaddr *ai_addr;
    void *ai_blob;
    size_t ai_bloblen;
    LPGUID ai_provider;
    struct addrinfoexW *ai_next;
} ADDRINFOEXW, *PADDRINFOEXW, *LPADDRINFOEXW;

#ifdef UNICODE
#define ADDRINFOEX ADDRINFOEXW
#define PADDRINFOEX PADDRINFOEXW
#define LPADDRINFOEX LPADDRINFOEXW
#else
#define ADDRINFOEX ADDRINFOEXA
#define PADDRINFOEX PADDRINFOEXA
#define LPADDRINFOEX LPADDRINFOEXA
#endif

W2P_END_DECLS

#endif /* WS2POSIX_WS2DEF_H */
