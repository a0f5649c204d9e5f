/*
 * ws2posix - winsock2.h: the Winsock 2 API. Sockets as handles, fd_set as a
 * count and an array of SOCKETs, overlapped I/O and event objects, protocol
 * catalog records, the name-service (RnR) records, the WSA error numbers,
 * and the prototypes of every Winsock 2 function.
 * Windows values and Windows x64 layouts; see docs/CONVENTIONS.md.
 *
 * Living beside the C library: glibc's <stdlib.h> (in its default dialect)
 * pulls in <sys/select.h>, which has its own fd_set, FD_* macros, struct
 * timeval and select(). Here the Winsock meaning wins in either include
 * order: the Winsock fd_set, timeval and select are spelled w2p_fd_set,
 * w2p_timeval and w2p_select through macros, the FD_* macros are replaced,
 * and the guards of <sys/select.h> and of glibc's struct timeval are taken so
 * that a later include of them adds nothing. (A glibc function taking a
 * struct timeval, such as gettimeofday, therefore sees the Winsock one.)
 */
#ifndef WS2POSIX_WINSOCK2_H
#define WS2POSIX_WINSOCK2_H

/* The guards Windows code tests to know that Winsock 2 is in. */
#ifndef _WINSOCK2API_
#define _WINSOCK2API_
#endif
#ifndef _WINSOCKAPI_
#define _WINSOCKAPI_
#endif

#include <windef.h>
#include <ws2def.h>  /* first: it refuses a file that already has POSIX socket headers */
#include <windows.h> /* as on Windows: Sleep, CloseHandle, events, waits ... */

/*
 * gethostname: glibc's <unistd.h> declares it with a size_t length, which no
 * declaration of the Winsock one (int length) can sit beside. When the
 * dialect makes <unistd.h> declare it, read <unistd.h> now, before the
 * Winsock name is mapped to w2p_gethostname below; a later include of it is
 * then empty. In strict ISO C glibc does not declare it and nothing is read.
 */
#if defined(__GLIBC__)
#if defined(__USE_XOPEN_EXTENDED) || defined(__USE_XOPEN2K) || defined(__USE_MISC)
#include <unistd.h>
#endif
#elif defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#ifndef INCL_WINSOCK_API_TYPEDEFS
#define INCL_WINSOCK_API_TYPEDEFS 0
#endif

#ifndef WINSOCK_VERSION
#define WINSOCK_VERSION MAKEWORD(2, 2)
#endif

/* ---- Taking over fd_set, struct timeval and select from the C library -------- */

/* FD_SETSIZE: the caller's value if it set one (as on Windows), else 64. The
 * 1024 that <sys/select.h> put there is not the caller's. (A value the caller
 * set before a C header that reads <sys/select.h> was already replaced by
 * glibc's and cannot be told apart: set it after those, or include
 * <winsock2.h> first.) */
#if defined(FD_SETSIZE) && defined(_SYS_SELECT_H) && defined(__FD_SETSIZE)
#if FD_SETSIZE == __FD_SETSIZE
#undef FD_SETSIZE
#endif
#endif
#ifndef FD_SETSIZE
#define FD_SETSIZE 64
#endif

#ifndef _SYS_SELECT_H
#define _SYS_SELECT_H 1
#endif
#ifndef __timeval_defined
#define __timeval_defined 1
#endif

#define fd_set w2p_fd_set
#define timeval w2p_timeval
#define select w2p_select
#define gethostname w2p_gethostname

#undef FD_SET
#undef FD_CLR
#undef FD_ISSET
#undef FD_ZERO
#undef timerisset
#undef timercmp
#undef timerclear

/* ---- struct timeval ------------------------------------------------------ */

/* Two 32-bit fields, as Windows long is. */
struct timeval {
    LONG tv_sec;
    LONG tv_usec;
};

#define timerisset(tvp) ((tvp)->tv_sec || (tvp)->tv_usec)
#define timerclear(tvp) ((tvp)->tv_sec = (tvp)->tv_usec = 0)
#define timercmp(tvp, uvp, cmp)                                                     \
    ((tvp)->tv_sec == (uvp)->tv_sec ? (tvp)->tv_usec cmp (uvp)->tv_usec             \
                                    : (tvp)->tv_sec cmp (uvp)->tv_sec)

#include <inaddr.h>

/* ---- Socket handles -------------------------------------------------------- */

typedef UINT_PTR SOCKET;

#define INVALID_SOCKET ((SOCKET)(~0))
#define SOCKET_ERROR (-1)

/* ---- fd_set ---------------------------------------------------------------- */

/* The sockets of a set are listed, not bit-mapped: fd_count entries of
 * fd_array are in use, in the order they were added. */
typedef struct fd_set {
    u_int fd_count;
    SOCKET fd_array[FD_SETSIZE];
} fd_set;

W2P_BEGIN_DECLS
int WSAAPI __WSAFDIsSet(SOCKET s, fd_set *set);
/* FD_SET's body (not in Windows, where it is all macro): append s unless it
 * is there already or the set holds setsize entries. */
void WSAAPI w2p_fd_set_add(SOCKET s, fd_set *set, u_int setsize);
W2P_END_DECLS

/* Remove fd from set, keeping the order of the others. */
#define FD_CLR(fd, set)                                                             \
    do {                                                                            \
        u_int w2p_i_;                                                               \
        for (w2p_i_ = 0; w2p_i_ < ((fd_set *)(set))->fd_count; w2p_i_++) {          \
            if (((fd_set *)(set))->fd_array[w2p_i_] == (SOCKET)(fd)) {              \
                for (; w2p_i_ + 1 < ((fd_set *)(set))->fd_count; w2p_i_++)          \
                    ((fd_set *)(set))->fd_array[w2p_i_] =                           \
                        ((fd_set *)(set))->fd_array[w2p_i_ + 1];                    \
                ((fd_set *)(set))->fd_count--;                                      \
                break;                                                              \
            }                                                                       \
        }                                                                           \
    } while (0)

/* Append fd unless it is already there or the set is full: Windows' macro
 * does the same search inline; ours calls a function that does it faster
 * (a 64-socket set is built with some 2,000 comparisons) and evaluates its
 * arguments once. */
#define FD_SET(fd, set) w2p_fd_set_add((SOCKET)(fd), (fd_set *)(set), (u_int)FD_SETSIZE)

#define FD_ZERO(set) (((fd_set *)(set))->fd_count = 0)
#define FD_ISSET(fd, set) __WSAFDIsSet((SOCKET)(fd), (fd_set *)(set))

/* ---- Host, network, service and protocol records ---------------------------- */

struct hostent {
    char *h_name;
    char **h_aliases;
    short h_addrtype;
    short h_length;
    char **h_addr_list;
};
#undef h_addr
#define h_addr h_addr_list[0] /* the first address */

struct netent {
    char *n_name;
    char **n_aliases;
    short n_addrtype;
    u_long n_net;
};

/* 64-bit Windows puts s_proto before s_port (32-bit Windows the other way). */
struct servent {
    char *s_name;
    char **s_aliases;
    char *s_proto;
    short s_port;
};

struct protoent {
    char *p_name;
    char **p_aliases;
    short p_proto;
};

struct sockproto {
    u_short sp_family;
    u_short sp_protocol;
};

/* SO_LINGER's value: two 16-bit fields on Windows. */
struct linger {
    u_short l_onoff;
    u_short l_linger;
};

typedef struct hostent HOSTENT, *PHOSTENT, *LPHOSTENT;
typedef struct servent SERVENT, *PSERVENT, *LPSERVENT;
typedef struct protoent PROTOENT, *PPROTOENT, *LPPROTOENT;
typedef struct linger LINGER, *PLINGER, *LPLINGER;
typedef struct timeval TIMEVAL, *PTIMEVAL, *LPTIMEVAL;
typedef struct fd_set FD_SET, *PFD_SET, *LPFD_SET;

/* ---- WSAStartup's answer ------------------------------------------------------ */

#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128

/* 64-bit Windows puts the two counts and the vendor pointer first. */
typedef struct WSAData {
    WORD wVersion;
    WORD wHighVersion;
    unsigned short iMaxSockets;
    unsigned short iMaxUdpDg;
    char *lpVendorInfo;
    char szDescription[WSADESCRIPTION_LEN + 1];
    char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

#include <ws2def.h>

/* ---- ioctlsocket commands ---------------------------------------------------- */

#define IOCPARM_MASK 0x7f
#define IOC_VOID 0x20000000
#define IOC_OUT 0x40000000
#define IOC_IN 0x80000000
#define IOC_INOUT (IOC_IN | IOC_OUT)

#undef _IO
#undef _IOR
#undef _IOW
#define _IO(x, y) (IOC_VOID | ((x) << 8) | (y))
#define _IOR(x, y, t) (IOC_OUT | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IOW(x, y, t) (IOC_IN | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))

#define FIONREAD _IOR('f', 127, u_long)
#define FIONBIO _IOW('f', 126, u_long)
#define FIOASYNC _IOW('f', 125, u_long)

#define SIOCSHIWAT _IOW('s', 0, u_long)
#define SIOCGHIWAT _IOR('s', 1, u_long)
#define SIOCSLOWAT _IOW('s', 2, u_long)
#define SIOCGLOWAT _IOR('s', 3, u_long)
#define SIOCATMARK _IOR('s', 7, u_long)

/* ---- Well-known ports and old address classes ---------------------------------- */

#define IPPORT_ECHO 7
#define IPPORT_DISCARD 9
#define IPPORT_SYSTAT 11
#define IPPORT_DAYTIME 13
#define IPPORT_NETSTAT 15
#define IPPORT_FTP 21
#define IPPORT_TELNET 23
#define IPPORT_SMTP 25
#define IPPORT_TIMESERVER 37
#define IPPORT_NAMESERVER 42
#define IPPORT_WHOIS 43
#define IPPORT_MTP 57
#define IPPORT_TFTP 69
#define IPPORT_RJE 77
#define IPPORT_FINGER 79
#define IPPORT_TTYLINK 87
#define IPPORT_SUPDUP 95
#define IPPORT_EXECSERVER 512
#define IPPORT_LOGINSERVER 513
#define IPPORT_CMDSERVER 514
#define IPPORT_EFSSERVER 520
#define IPPORT_BIFFUDP 512
#define IPPORT_WHOSERVER 513
#define IPPORT_ROUTESERVER 520
#define IPPORT_RESERVED 1024

#define IMPLINK_IP 155
#define IMPLINK_LOWEXPER 156
#define IMPLINK_HIGHEXPER 158

/* Class of a host-order IPv4 address, as before CIDR. */
#define IN_CLASSA(i) (((LONG)(i) & 0x80000000) == 0)
#define IN_CLASSA_NET 0xff000000
#define IN_CLASSA_NSHIFT 24
#define IN_CLASSA_HOST 0x00ffffff
#define IN_CLASSA_MAX 128
#define IN_CLASSB(i) (((LONG)(i) & 0xc0000000) == 0x80000000)
#define IN_CLASSB_NET 0xffff0000
#define IN_CLASSB_NSHIFT 16
#define IN_CLASSB_HOST 0x0000ffff
#define IN_CLASSB_MAX 65536
#define IN_CLASSC(i) (((LONG)(i) & 0xe0000000) == 0xc0000000)
#define IN_CLASSC_NET 0xffffff00
#define IN_CLASSC_NSHIFT 8
#define IN_CLASSC_HOST 0x000000ff
#define IN_CLASSD(i) (((LONG)(i) & 0xf0000000) == 0xe0000000)
#define IN_CLASSD_NET 0xf0000000
#define IN_CLASSD_NSHIFT 28
#define IN_CLASSD_HOST 0x0fffffff
#define IN_MULTICAST(i) IN_CLASSD(i)

#define ADDR_ANY INADDR_ANY

/* ---- Socket types, options, families of protocols ------------------------------ */

/* WSASocket/WSADuplicateSocket: take the value from the WSAPROTOCOL_INFO. */
#define FROM_PROTOCOL_INFO (-1)

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5

#ifndef TCP_NODELAY
#define TCP_NODELAY 0x0001
#endif

#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_INET AF_INET
#define PF_IMPLINK AF_IMPLINK
#define PF_PUP AF_PUP
#define PF_CHAOS AF_CHAOS
#define PF_NS AF_NS
#define PF_IPX AF_IPX
#define PF_ISO AF_ISO
#define PF_OSI AF_OSI
#define PF_ECMA AF_ECMA
#define PF_DATAKIT AF_DATAKIT
#define PF_CCITT AF_CCITT
#define PF_SNA AF_SNA
#define PF_DECnet AF_DECnet
#define PF_DLI AF_DLI
#define PF_LAT AF_LAT
#define PF_HYLINK AF_HYLINK
#define PF_APPLETALK AF_APPLETALK
#define PF_VOICEVIEW AF_VOICEVIEW
#define PF_FIREFOX AF_FIREFOX
#define PF_UNKNOWN1 AF_UNKNOWN1
#define PF_BAN AF_BAN
#define PF_ATM AF_ATM
#define PF_INET6 AF_INET6
#define PF_BTH AF_BTH
#define PF_MAX AF_MAX

/* listen backlog: "as many as the provider allows", or a hint of b. */
#define SOMAXCONN 0x7fffffff
#define SOMAXCONN_HINT(b) (-(b))

/* Buffer size for the WSAAsyncGetHostBy* results. */
#define MAXGETHOSTSTRUCT 1024

/* ---- Network events (WSAEventSelect, WSAAsyncSelect) ------------------------- */

#define FD_READ_BIT 0
#define FD_READ (1 << FD_READ_BIT)
#define FD_WRITE_BIT 1
#define FD_WRITE (1 << FD_WRITE_BIT)
#define FD_OOB_BIT 2
#define FD_OOB (1 << FD_OOB_BIT)
#define FD_ACCEPT_BIT 3
#define FD_ACCEPT (1 << FD_ACCEPT_BIT)
#define FD_CONNECT_BIT 4
#define FD_CONNECT (1 << FD_CONNECT_BIT)
#define FD_CLOSE_BIT 5
#define FD_CLOSE (1 << FD_CLOSE_BIT)
#define FD_QOS_BIT 6
#define FD_QOS (1 << FD_QOS_BIT)
#define FD_GROUP_QOS_BIT 7
#define FD_GROUP_QOS (1 << FD_GROUP_QOS_BIT)
#define FD_ROUTING_INTERFACE_CHANGE_BIT 8
#define FD_ROUTING_INTERFACE_CHANGE (1 << FD_ROUTING_INTERFACE_CHANGE_BIT)
#define FD_ADDRESS_LIST_CHANGE_BIT 9
#define FD_ADDRESS_LIST_CHANGE (1 << FD_ADDRESS_LIST_CHANGE_BIT)
#define FD_MAX_EVENTS 10
#define FD_ALL_EVENTS ((1 << FD_MAX_EVENTS) - 1)

/* ---- Error numbers ------------------------------------------------------------ */

/* The Berkeley-like ones; winerror.h may have given them already. */
#ifndef WSABASEERR
#define WSABASEERR 10000
#define WSAEINTR 10004
#define WSAEBADF 10009
#define WSAEACCES 10013
#define WSAEFAULT 10014
#define WSAEINVAL 10022
#define WSAEMFILE 10024
#define WSAEWOULDBLOCK 10035
#define WSAEINPROGRESS 10036
#define WSAEALREADY 10037
#define WSAENOTSOCK 10038
#define WSAEDESTADDRREQ 10039
#define WSAEMSGSIZE 10040
#define WSAEPROTOTYPE 10041
#define WSAENOPROTOOPT 10042
#define WSAEPROTONOSUPPORT 10043
#define WSAESOCKTNOSUPPORT 10044
#define WSAEOPNOTSUPP 10045
#define WSAEPFNOSUPPORT 10046
#define WSAEAFNOSUPPORT 10047
#define WSAEADDRINUSE 10048
#define WSAEADDRNOTAVAIL 10049
#define WSAENETDOWN 10050
#define WSAENETUNREACH 10051
#define WSAENETRESET 10052
#define WSAECONNABORTED 10053
#define WSAECONNRESET 10054
#define WSAENOBUFS 10055
#define WSAEISCONN 10056
#define WSAENOTCONN 10057
#define WSAESHUTDOWN 10058
#define WSAETOOMANYREFS 10059
#define WSAETIMEDOUT 10060
#define WSAECONNREFUSED 10061
#define WSAELOOP 10062
#define WSAENAMETOOLONG 10063
#define WSAEHOSTDOWN 10064
#define WSAEHOSTUNREACH 10065
#define WSAENOTEMPTY 10066
#define WSAEPROCLIM 10067
#define WSAEUSERS 10068
#define WSAEDQUOT 10069
#define WSAESTALE 10070
#define WSAEREMOTE 10071
#define WSASYSNOTREADY 10091
#define WSAVERNOTSUPPORTED 10092
#define WSANOTINITIALISED 10093
#define WSAEDISCON 10101
#endif /* WSABASEERR */

/* Resolver errors (what h_errno held in BSD). */
#ifndef WSAHOST_NOT_FOUND
#define WSAHOST_NOT_FOUND 11001
#endif
#ifndef WSATRY_AGAIN
#define WSATRY_AGAIN 11002
#endif
#ifndef WSANO_RECOVERY
#define WSANO_RECOVERY 11003
#endif
#ifndef WSANO_DATA
#define WSANO_DATA 11004
#endif

/* Winsock 2 additions. */
#ifndef WSAENOMORE
#define WSAENOMORE 10102
#endif
#ifndef WSAECANCELLED
#define WSAECANCELLED 10103
#endif
#ifndef WSAEINVALIDPROCTABLE
#define WSAEINVALIDPROCTABLE 10104
#endif
#ifndef WSAEINVALIDPROVIDER
#define WSAEINVALIDPROVIDER 10105
#endif
#ifndef WSAEPROVIDERFAILEDINIT
#define WSAEPROVIDERFAILEDINIT 10106
#endif
#ifndef WSASYSCALLFAILURE
#define WSASYSCALLFAILURE 10107
#endif
#ifndef WSASERVICE_NOT_FOUND
#define WSASERVICE_NOT_FOUND 10108
#endif
#ifndef WSATYPE_NOT_FOUND
#define WSATYPE_NOT_FOUND 10109
#endif
#ifndef WSA_E_NO_MORE
#define WSA_E_NO_MORE 10110
#endif
#ifndef WSA_E_CANCELLED
#define WSA_E_CANCELLED 10111
#endif
#ifndef WSAEREFUSED
#define WSAEREFUSED 10112
#endif

/* Quality-of-service errors. */
#ifndef WSA_QOS_RECEIVERS
#define WSA_QOS_RECEIVERS 11005
#endif
#ifndef WSA_QOS_SENDERS
#define WSA_QOS_SENDERS 11006
#endif
#ifndef WSA_QOS_NO_SENDERS
#define WSA_QOS_NO_SENDERS 11007
#endif
#ifndef WSA_QOS_NO_RECEIVERS
#define WSA_QOS_NO_RECEIVERS 11008
#endif
#ifndef WSA_QOS_REQUEST_CONFIRMED
#define WSA_QOS_REQUEST_CONFIRMED 11009
#endif
#ifndef WSA_QOS_ADMISSION_FAILURE
#define WSA_QOS_ADMISSION_FAILURE 11010
#endif
#ifndef WSA_QOS_POLICY_FAILURE
#define WSA_QOS_POLICY_FAILURE 11011
#endif
#ifndef WSA_QOS_BAD_STYLE
#define WSA_QOS_BAD_STYLE 11012
#endif
#ifndef WSA_QOS_BAD_OBJECT
#define WSA_QOS_BAD_OBJECT 11013
#endif
#ifndef WSA_QOS_TRAFFIC_CTRL_ERROR
#define WSA_QOS_TRAFFIC_CTRL_ERROR 11014
#endif
#ifndef WSA_QOS_GENERIC_ERROR
#define WSA_QOS_GENERIC_ERROR 11015
#endif
#ifndef WSA_QOS_ESERVICETYPE
#define WSA_QOS_ESERVICETYPE 11016
#endif
#ifndef WSA_QOS_EFLOWSPEC
#define WSA_QOS_EFLOWSPEC 11017
#endif
#ifndef WSA_QOS_EPROVSPECBUF
#define WSA_QOS_EPROVSPECBUF 11018
#endif
#ifndef WSA_QOS_EFILTERSTYLE
#define WSA_QOS_EFILTERSTYLE 11019
#endif
#ifndef WSA_QOS_EFILTERTYPE
#define WSA_QOS_EFILTERTYPE 11020
#endif
#ifndef WSA_QOS_EFILTERCOUNT
#define WSA_QOS_EFILTERCOUNT 11021
#endif
#ifndef WSA_QOS_EOBJLENGTH
#define WSA_QOS_EOBJLENGTH 11022
#endif
#ifndef WSA_QOS_EFLOWCOUNT
#define WSA_QOS_EFLOWCOUNT 11023
#endif
#ifndef WSA_QOS_EUNKNOWNPSOBJ
#define WSA_QOS_EUNKNOWNPSOBJ 11024
#endif
#ifndef WSA_QOS_EPOLICYOBJ
#define WSA_QOS_EPOLICYOBJ 11025
#endif
#ifndef WSA_QOS_EFLOWDESC
#define WSA_QOS_EFLOWDESC 11026
#endif
#ifndef WSA_QOS_EPSFLOWSPEC
#define WSA_QOS_EPSFLOWSPEC 11027
#endif
#ifndef WSA_QOS_EPSFILTERSPEC
#define WSA_QOS_EPSFILTERSPEC 11028
#endif
#ifndef WSA_QOS_ESDMODEOBJ
#define WSA_QOS_ESDMODEOBJ 11029
#endif
#ifndef WSA_QOS_ESHAPERATEOBJ
#define WSA_QOS_ESHAPERATEOBJ 11030
#endif
#ifndef WSA_QOS_RESERVED_PETYPE
#define WSA_QOS_RESERVED_PETYPE 11031
#endif

/* BSD resolver names, answered from the thread's last Winsock error. */
#undef h_errno
#undef HOST_NOT_FOUND
#undef TRY_AGAIN
#undef NO_RECOVERY
#undef NO_DATA
#undef NO_ADDRESS
#define h_errno WSAGetLastError()
#define HOST_NOT_FOUND WSAHOST_NOT_FOUND
#define TRY_AGAIN WSATRY_AGAIN
#define NO_RECOVERY WSANO_RECOVERY
#define NO_DATA WSANO_DATA
#define WSANO_ADDRESS WSANO_DATA
#define NO_ADDRESS WSANO_ADDRESS

/* ---- Event objects and overlapped I/O ------------------------------------------ */

#define WSAEVENT HANDLE
#define LPWSAEVENT LPHANDLE
#define WSAOVERLAPPED OVERLAPPED
typedef struct _OVERLAPPED *LPWSAOVERLAPPED;

#define WSA_IO_PENDING (ERROR_IO_PENDING)
#define WSA_IO_INCOMPLETE (ERROR_IO_INCOMPLETE)
#define WSA_INVALID_HANDLE (ERROR_INVALID_HANDLE)
#define WSA_INVALID_PARAMETER (ERROR_INVALID_PARAMETER)
#define WSA_NOT_ENOUGH_MEMORY (ERROR_NOT_ENOUGH_MEMORY)
#define WSA_OPERATION_ABORTED (ERROR_OPERATION_ABORTED)

#define WSA_INVALID_EVENT ((WSAEVENT)NULL)
#define WSA_MAXIMUM_WAIT_EVENTS (MAXIMUM_WAIT_OBJECTS)
#define WSA_WAIT_FAILED (WAIT_FAILED)
#define WSA_WAIT_EVENT_0 (WAIT_OBJECT_0)
#define WSA_WAIT_IO_COMPLETION (WAIT_IO_COMPLETION)
#define WSA_WAIT_TIMEOUT (WAIT_TIMEOUT)
#define WSA_INFINITE (INFINITE)

/* ---- Quality of service ---------------------------------------------------------- */

#include <qos.h>

typedef struct _QualityOfService {
    FLOWSPEC SendingFlowspec;
    FLOWSPEC ReceivingFlowspec;
    WSABUF ProviderSpecific; /* QOS_OBJECT_HDR-led objects */
} QOS, *LPQOS;

/* ---- Conditional accept, shutdown, groups ---------------------------------------- */

#define CF_ACCEPT 0x0000
#define CF_REJECT 0x0001
#define CF_DEFER 0x0002

#define SD_RECEIVE 0x00
#define SD_SEND 0x01
#define SD_BOTH 0x02

typedef unsigned int GROUP;

#define SG_UNCONSTRAINED_GROUP 0x01
#define SG_CONSTRAINED_GROUP 0x02

/* WSAEnumNetworkEvents: the events seen and, per FD_*_BIT, their error. */
typedef struct _WSANETWORKEVENTS {
    LONG lNetworkEvents;
    int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

/* ---- Protocol catalog records ------------------------------------------------------ */

#define MAX_PROTOCOL_CHAIN 7

/* ProtocolChain.ChainLen: 0 a layer, 1 a base provider, >1 a chain. */
#define BASE_PROTOCOL 1
#define LAYERED_PROTOCOL 0

typedef struct _WSAPROTOCOLCHAIN {
    int ChainLen;
    DWORD ChainEntries[MAX_PROTOCOL_CHAIN]; /* catalog entry ids, top first */
} WSAPROTOCOLCHAIN, *LPWSAPROTOCOLCHAIN;

#define WSAPROTOCOL_LEN 255

typedef struct _WSAPROTOCOL_INFOA {
    DWORD dwServiceFlags1; /* XP1_* */
    DWORD dwServiceFlags2;
    DWORD dwServiceFlags3;
    DWORD dwServiceFlags4;
    DWORD dwProviderFlags; /* PFL_* */
    GUID ProviderId;
    DWORD dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int iVersion;
    int iAddressFamily;
    int iMaxSockAddr;
    int iMinSockAddr;
    int iSocketType;
    int iProtocol;
    int iProtocolMaxOffset;
    int iNetworkByteOrder; /* BIGENDIAN or LITTLEENDIAN */
    int iSecurityScheme;
    DWORD dwMessageSize;
    DWORD dwProviderReserved;
    CHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;

typedef struct _WSAPROTOCOL_INFOW {
    DWORD dwServiceFlags1;
    DWORD dwServiceFlags2;
    DWORD dwServiceFlags3;
    DWORD dwServiceFlags4;
    DWORD dwProviderFlags;
    GUID ProviderId;
    DWORD dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int iVersion;
    int iAddressFamily;
    int iMaxSockAddr;
    int iMinSockAddr;
    int iSocketType;
    int iProtocol;
    int iProtocolMaxOffset;
    int iNetworkByteOrder;
    int iSecurityScheme;
    DWORD dwMessageSize;
    DWORD dwProviderReserved;
    WCHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;

#ifdef UNICODE
typedef WSAPROTOCOL_INFOW WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOW LPWSAPROTOCOL_INFO;
#else
typedef WSAPROTOCOL_INFOA WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOA LPWSAPROTOCOL_INFO;
#endif

/* dwProviderFlags */
#define PFL_MULTIPLE_PROTO_ENTRIES 0x00000001
#define PFL_RECOMMENDED_PROTO_ENTRY 0x00000002
#define PFL_HIDDEN 0x00000004
#define PFL_MATCHES_PROTOCOL_ZERO 0x00000008
#define PFL_NETWORKDIRECT_PROVIDER 0x00000010

/* dwServiceFlags1 */
#define XP1_CONNECTIONLESS 0x00000001
#define XP1_GUARANTEED_DELIVERY 0x00000002
#define XP1_GUARANTEED_ORDER 0x00000004
#define XP1_MESSAGE_ORIENTED 0x00000008
#define XP1_PSEUDO_STREAM 0x00000010
#define XP1_GRACEFUL_CLOSE 0x00000020
#define XP1_EXPEDITED_DATA 0x00000040
#define XP1_CONNECT_DATA 0x00000080
#define XP1_DISCONNECT_DATA 0x00000100
#define XP1_SUPPORT_BROADCAST 0x00000200
#define XP1_SUPPORT_MULTIPOINT 0x00000400
#define XP1_MULTIPOINT_CONTROL_PLANE 0x00000800
#define XP1_MULTIPOINT_DATA_PLANE 0x00001000
#define XP1_QOS_SUPPORTED 0x00002000
#define XP1_INTERRUPT 0x00004000
#define XP1_UNI_SEND 0x00008000
#define XP1_UNI_RECV 0x00010000
#define XP1_IFS_HANDLES 0x00020000
#define XP1_PARTIAL_MESSAGE 0x00040000
#define XP1_SAN_SUPPORT_SDP 0x00080000

/* iNetworkByteOrder */
#define BIGENDIAN 0x0000
#define LITTLEENDIAN 0x0001

/* iSecurityScheme */
#define SECURITY_PROTOCOL_NONE 0x0000

/* WSAJoinLeaf dwFlags */
#define JL_SENDER_ONLY 0x01
#define JL_RECEIVER_ONLY 0x02
#define JL_BOTH 0x04

/* WSASocket dwFlags */
#define WSA_FLAG_OVERLAPPED 0x01
#define WSA_FLAG_MULTIPOINT_C_ROOT 0x02
#define WSA_FLAG_MULTIPOINT_C_LEAF 0x04
#define WSA_FLAG_MULTIPOINT_D_ROOT 0x08
#define WSA_FLAG_MULTIPOINT_D_LEAF 0x10
#define WSA_FLAG_ACCESS_SYSTEM_SECURITY 0x40
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80
#define WSA_FLAG_REGISTERED_IO 0x100

/* ---- WSAIoctl codes ------------------------------------------------------------------ */

/* Who defines the code (bits 27-28). */
#define IOC_UNIX 0x00000000
#define IOC_WS2 0x08000000
#define IOC_PROTOCOL 0x10000000
#define IOC_VENDOR 0x18000000

#define _WSAIO(x, y) (IOC_VOID | (x) | (y))
#define _WSAIOR(x, y) (IOC_OUT | (x) | (y))
#define _WSAIOW(x, y) (IOC_IN | (x) | (y))
#define _WSAIORW(x, y) (IOC_INOUT | (x) | (y))

#define SIO_ASSOCIATE_HANDLE _WSAIOW(IOC_WS2, 1)
#define SIO_ENABLE_CIRCULAR_QUEUEING _WSAIO(IOC_WS2, 2)
#define SIO_FIND_ROUTE _WSAIOR(IOC_WS2, 3)
#define SIO_FLUSH _WSAIO(IOC_WS2, 4)
#define SIO_GET_BROADCAST_ADDRESS _WSAIOR(IOC_WS2, 5)
#define SIO_GET_EXTENSION_FUNCTION_POINTER _WSAIORW(IOC_WS2, 6)
#define SIO_GET_QOS _WSAIORW(IOC_WS2, 7)
#define SIO_GET_GROUP_QOS _WSAIORW(IOC_WS2, 8)
#define SIO_MULTIPOINT_LOOPBACK _WSAIOW(IOC_WS2, 9)
#define SIO_MULTICAST_SCOPE _WSAIOW(IOC_WS2, 10)
#define SIO_SET_QOS _WSAIOW(IOC_WS2, 11)
#define SIO_SET_GROUP_QOS _WSAIOW(IOC_WS2, 12)
#define SIO_TRANSLATE_HANDLE _WSAIORW(IOC_WS2, 13)
#define SIO_ROUTING_INTERFACE_QUERY _WSAIORW(IOC_WS2, 20)
#define SIO_ROUTING_INTERFACE_CHANGE _WSAIOW(IOC_WS2, 21)
#define SIO_ADDRESS_LIST_QUERY _WSAIOR(IOC_WS2, 22)
#define SIO_ADDRESS_LIST_CHANGE _WSAIO(IOC_WS2, 23)
#define SIO_QUERY_TARGET_PNP_HANDLE _WSAIOR(IOC_WS2, 24)
#define SIO_ADDRESS_LIST_SORT _WSAIORW(IOC_WS2, 25)
#define SIO_NSP_NOTIFY_CHANGE _WSAIOW(IOC_WS2, 25)
#define SIO_RESERVED_1 _WSAIOW(IOC_WS2, 26)
#define SIO_RESERVED_2 _WSAIOW(IOC_WS2, 33)

/* ---- Callbacks ------------------------------------------------------------------------ */

/* WSAAccept's condition function: returns CF_ACCEPT, CF_REJECT or CF_DEFER. */
typedef int(CALLBACK *LPCONDITIONPROC)(LPWSABUF lpCallerId, LPWSABUF lpCallerData,
                                       LPQOS lpSQOS, LPQOS lpGQOS, LPWSABUF lpCalleeId,
                                       LPWSABUF lpCalleeData, GROUP *g,
                                       DWORD_PTR dwCallbackData);

/* Run on the issuing thread, in an alertable wait, when overlapped I/O ends. */
typedef void(CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError,
                                                           DWORD cbTransferred,
                                                           LPWSAOVERLAPPED lpOverlapped,
                                                           DWORD dwFlags);

/* ---- How WSANSPIoctl reports completion ------------------------------------------------- */

typedef enum _WSACOMPLETIONTYPE {
    NSP_NOTIFY_IMMEDIATELY = 0,
    NSP_NOTIFY_HWND,
    NSP_NOTIFY_EVENT,
    NSP_NOTIFY_PORT,
    NSP_NOTIFY_APC
} WSACOMPLETIONTYPE, *PWSACOMPLETIONTYPE, *LPWSACOMPLETIONTYPE;

typedef struct _WSACOMPLETION {
    WSACOMPLETIONTYPE Type;
    union {
        struct {
            HWND hWnd;
            UINT uMsg;
            WPARAM context;
        } WindowMessage;
        struct {
            LPWSAOVERLAPPED lpOverlapped;
        } Event;
        struct {
            LPWSAOVERLAPPED lpOverlapped;
            LPWSAOVERLAPPED_COMPLETION_ROUTINE lpfnCompletionProc;
        } Apc;
        struct {
            LPWSAOVERLAPPED lpOverlapped;
            HANDLE hPort;
            ULONG_PTR Key;
        } Port;
    } Parameters;
} WSACOMPLETION, *PWSACOMPLETION, *LPWSACOMPLETION;

/* SIO_TRANSLATE_HANDLE: kinds of handle. */
#define TH_NETDEV 0x00000001
#define TH_TAPI 0x00000002

/* ---- Name service (registration and resolution, "RnR") ------------------------------ */

#ifndef _tagBLOB_DEFINED
#define _tagBLOB_DEFINED
#define _BLOB_DEFINED
#define _LPBLOB_DEFINED
typedef struct _BLOB {
    ULONG cbSize;
    BYTE *pBlobData;
} BLOB, *LPBLOB;
#endif

#define SERVICE_MULTIPLE (0x00000001)

/* Name spaces */
#define NS_ALL (0)
#define NS_SAP (1)
#define NS_NDS (2)
#define NS_PEER_BROWSE (3)
#define NS_SLP (5)
#define NS_DHCP (6)
#define NS_TCPIP_LOCAL (10)
#define NS_TCPIP_HOSTS (11)
#define NS_DNS (12)
#define NS_NETBT (13)
#define NS_WINS (14)
#define NS_NLA (15)
#define NS_BTH (16)
#define NS_NBP (20)
#define NS_MS (30)
#define NS_STDA (31)
#define NS_NTDS (32)
#define NS_EMAIL (37)
#define NS_PNRPNAME (38)
#define NS_PNRPCLOUD (39)
#define NS_X500 (40)
#define NS_NIS (41)
#define NS_NISPLUS (42)
#define NS_WRQ (50)
#define NS_NETDES (60)

/* Resolution flags (CSADDR_INFO / service registration). */
#define RES_UNUSED_1 (0x00000001)
#define RES_FLUSH_CACHE (0x00000002)
#ifndef RES_SERVICE
#define RES_SERVICE (0x00000004)
#endif

/* Well-known value names of a service class. */
#define SERVICE_TYPE_VALUE_IPXPORTA "IpxSocket"
#define SERVICE_TYPE_VALUE_IPXPORTW u"IpxSocket"
#define SERVICE_TYPE_VALUE_SAPIDA "SapId"
#define SERVICE_TYPE_VALUE_SAPIDW u"SapId"
#define SERVICE_TYPE_VALUE_TCPPORTA "TcpPort"
#define SERVICE_TYPE_VALUE_TCPPORTW u"TcpPort"
#define SERVICE_TYPE_VALUE_UDPPORTA "UdpPort"
#define SERVICE_TYPE_VALUE_UDPPORTW u"UdpPort"
#define SERVICE_TYPE_VALUE_OBJECTIDA "ObjectId"
#define SERVICE_TYPE_VALUE_OBJECTIDW u"ObjectId"
#ifdef UNICODE
#define SERVICE_TYPE_VALUE_SAPID SERVICE_TYPE_VALUE_SAPIDW
#define SERVICE_TYPE_VALUE_TCPPORT SERVICE_TYPE_VALUE_TCPPORTW
#define SERVICE_TYPE_VALUE_UDPPORT SERVICE_TYPE_VALUE_UDPPORTW
#define SERVICE_TYPE_VALUE_OBJECTID SERVICE_TYPE_VALUE_OBJECTIDW
#else
#define SERVICE_TYPE_VALUE_SAPID SERVICE_TYPE_VALUE_SAPIDA
#define SERVICE_TYPE_VALUE_TCPPORT SERVICE_TYPE_VALUE_TCPPORTA
#define SERVICE_TYPE_VALUE_UDPPORT SERVICE_TYPE_VALUE_UDPPORTA
#define SERVICE_TYPE_VALUE_OBJECTID SERVICE_TYPE_VALUE_OBJECTIDA
#endif

/* An address family and protocol a query is restricted to. */
typedef struct _AFPROTOCOLS {
    INT iAddressFamily;
    INT iProtocol;
} AFPROTOCOLS, *PAFPROTOCOLS, *LPAFPROTOCOLS;

typedef enum _WSAEcomparator {
    COMP_EQUAL = 0,
    COMP_NOTLESS
} WSAECOMPARATOR, *PWSAECOMPARATOR, *LPWSAECOMPARATOR;

typedef struct _WSAVersion {
    DWORD dwVersion;
    WSAECOMPARATOR ecHow;
} WSAVERSION, *PWSAVERSION, *LPWSAVERSION;

/* A query (WSALookupServiceBegin) or a result (WSALookupServiceNext). */
typedef struct _WSAQuerySetA {
    DWORD dwSize; /* sizeof(WSAQUERYSETA) */
    LPSTR lpszServiceInstanceName;
    LPGUID lpServiceClassId;
    LPWSAVERSION lpVersion;
    LPSTR lpszComment;
    DWORD dwNameSpace;
    LPGUID lpNSProviderId;
    LPSTR lpszContext;
    DWORD dwNumberOfProtocols;
    LPAFPROTOCOLS lpafpProtocols;
    LPSTR lpszQueryString;
    DWORD dwNumberOfCsAddrs;
    LPCSADDR_INFO lpcsaBuffer;
    DWORD dwOutputFlags;
    LPBLOB lpBlob;
} WSAQUERYSETA, *PWSAQUERYSETA, *LPWSAQUERYSETA;

typedef struct _WSAQuerySetW {
    DWORD dwSize;
    LPWSTR lpszServiceInstanceName;
    LPGUID lpServiceClassId;
    LPWSAVERSION lpVersion;
    LPWSTR lpszComment;
    DWORD dwNameSpace;
    LPGUID lpNSProviderId;
    LPWSTR lpszContext;
    DWORD dwNumberOfProtocols;
    LPAFPROTOCOLS lpafpProtocols;
    LPWSTR lpszQueryString;
    DWORD dwNumberOfCsAddrs;
    LPCSADDR_INFO lpcsaBuffer;
    DWORD dwOutputFlags;
    LPBLOB lpBlob;
} WSAQUERYSETW, *PWSAQUERYSETW, *LPWSAQUERYSETW;

/* The same query without a service class id (WSAQUERYSET2). */
typedef struct _WSAQuerySet2A {
    DWORD dwSize;
    LPSTR lpszServiceInstanceName;
    LPWSAVERSION lpVersion;
    LPSTR lpszComment;
    DWORD dwNameSpace;
    LPGUID lpNSProviderId;
    LPSTR lpszContext;
    DWORD dwNumberOfProtocols;
    LPAFPROTOCOLS lpafpProtocols;
    LPSTR lpszQueryString;
    DWORD dwNumberOfCsAddrs;
    LPCSADDR_INFO lpcsaBuffer;
    DWORD dwOutputFlags;
    LPBLOB lpBlob;
} WSAQUERYSET2A, *PWSAQUERYSET2A, *LPWSAQUERYSET2A;

typedef struct _WSAQuerySet2W {
    DWORD dwSize;
    LPWSTR lpszServiceInstanceName;
    LPWSAVERSION lpVersion;
    LPWSTR lpszComment;
    DWORD dwNameSpace;
    LPGUID lpNSProviderId;
    LPWSTR lpszContext;
    DWORD dwNumberOfProtocols;
    LPAFPROTOCOLS lpafpProtocols;
    LPWSTR lpszQueryString;
    DWORD dwNumberOfCsAddrs;
    LPCSADDR_INFO lpcsaBuffer;
    DWORD dwOutputFlags;
    LPBLOB lpBlob;
} WSAQUERYSET2W, *PWSAQUERYSET2W, *LPWSAQUERYSET2W;

/* WSALookupService* dwControlFlags */
#define LUP_DEEP 0x0001
#define LUP_CONTAINERS 0x0002
#define LUP_NOCONTAINERS 0x0004
#define LUP_NEAREST 0x0008
#define LUP_RETURN_NAME 0x0010
#define LUP_RETURN_TYPE 0x0020
#define LUP_RETURN_VERSION 0x0040
#define LUP_RETURN_COMMENT 0x0080
#define LUP_RETURN_ADDR 0x0100
#define LUP_RETURN_BLOB 0x0200
#define LUP_RETURN_ALIASES 0x0400
#define LUP_RETURN_QUERY_STRING 0x0800
#define LUP_RETURN_ALL 0x0FF0
#define LUP_RES_SERVICE 0x8000
#define LUP_FLUSHCACHE 0x1000
#define LUP_FLUSHPREVIOUS 0x2000
#define LUP_NON_AUTHORITATIVE 0x4000
#define LUP_SECURE 0x8000
#define LUP_RETURN_PREFERRED_NAMES 0x10000
#define LUP_DNS_ONLY 0x20000
#define LUP_ADDRCONFIG 0x100000
#define LUP_DUAL_ADDR 0x200000
#define LUP_FILESERVER 0x400000
#define LUP_DISABLE_IDN_ENCODING 0x00800000
#define LUP_API_ANSI 0x01000000
#define LUP_RESOLUTION_HANDLE 0x80000000
#define LUP_RES_RESERVICE 0x8000

/* WSAQUERYSET dwOutputFlags */
#define RESULT_IS_ALIAS 0x0001
#define RESULT_IS_ADDED 0x0010
#define RESULT_IS_CHANGED 0x0020
#define RESULT_IS_DELETED 0x0040

typedef enum _WSAESETSERVICEOP {
    RNRSERVICE_REGISTER = 0,
    RNRSERVICE_DEREGISTER,
    RNRSERVICE_DELETE
} WSAESETSERVICEOP, *PWSAESETSERVICEOP, *LPWSAESETSERVICEOP;

/* One value of a service class, for one name space. */
typedef struct _WSANSClassInfoA {
    LPSTR lpszName;
    DWORD dwNameSpace;
    DWORD dwValueType;
    DWORD dwValueSize;
    LPVOID lpValue;
} WSANSCLASSINFOA, *PWSANSCLASSINFOA, *LPWSANSCLASSINFOA;

typedef struct _WSANSClassInfoW {
    LPWSTR lpszName;
    DWORD dwNameSpace;
    DWORD dwValueType;
    DWORD dwValueSize;
    LPVOID lpValue;
} WSANSCLASSINFOW, *PWSANSCLASSINFOW, *LPWSANSCLASSINFOW;

typedef struct _WSAServiceClassInfoA {
    LPGUID lpServiceClassId;
    LPSTR lpszServiceClassName;
    DWORD dwCount;
    LPWSANSCLASSINFOA lpClassInfos;
} WSASERVICECLASSINFOA, *PWSASERVICECLASSINFOA, *LPWSASERVICECLASSINFOA;

typedef struct _WSAServiceClassInfoW {
    LPGUID lpServiceClassId;
    LPWSTR lpszServiceClassName;
    DWORD dwCount;
    LPWSANSCLASSINFOW lpClassInfos;
} WSASERVICECLASSINFOW, *PWSASERVICECLASSINFOW, *LPWSASERVICECLASSINFOW;

/* One installed name-space provider (WSAEnumNameSpaceProviders). */
typedef struct _WSANAMESPACE_INFOA {
    GUID NSProviderId;
    DWORD dwNameSpace;
    BOOL fActive;
    DWORD dwVersion;
    LPSTR lpszIdentifier;
} WSANAMESPACE_INFOA, *PWSANAMESPACE_INFOA, *LPWSANAMESPACE_INFOA;

typedef struct _WSANAMESPACE_INFOW {
    GUID NSProviderId;
    DWORD dwNameSpace;
    BOOL fActive;
    DWORD dwVersion;
    LPWSTR lpszIdentifier;
} WSANAMESPACE_INFOW, *PWSANAMESPACE_INFOW, *LPWSANAMESPACE_INFOW;

/* ... with the provider's own data (WSAEnumNameSpaceProvidersEx). */
typedef struct _WSANAMESPACE_INFOEXA {
    GUID NSProviderId;
    DWORD dwNameSpace;
    BOOL fActive;
    DWORD dwVersion;
    LPSTR lpszIdentifier;
    BLOB ProviderSpecific;
} WSANAMESPACE_INFOEXA, *PWSANAMESPACE_INFOEXA, *LPWSANAMESPACE_INFOEXA;

typedef struct _WSANAMESPACE_INFOEXW {
    GUID NSProviderId;
    DWORD dwNameSpace;
    BOOL fActive;
    DWORD dwVersion;
    LPWSTR lpszIdentifier;
    BLOB ProviderSpecific;
} WSANAMESPACE_INFOEXW, *PWSANAMESPACE_INFOEXW, *LPWSANAMESPACE_INFOEXW;

#ifdef UNICODE
typedef WSAQUERYSETW WSAQUERYSET;
typedef PWSAQUERYSETW PWSAQUERYSET;
typedef LPWSAQUERYSETW LPWSAQUERYSET;
typedef WSAQUERYSET2W WSAQUERYSET2;
typedef PWSAQUERYSET2W PWSAQUERYSET2;
typedef LPWSAQUERYSET2W LPWSAQUERYSET2;
typedef WSANSCLASSINFOW WSANSCLASSINFO;
typedef PWSANSCLASSINFOW PWSANSCLASSINFO;
typedef LPWSANSCLASSINFOW LPWSANSCLASSINFO;
typedef WSASERVICECLASSINFOW WSASERVICECLASSINFO;
typedef PWSASERVICECLASSINFOW PWSASERVICECLASSINFO;
typedef LPWSASERVICECLASSINFOW LPWSASERVICECLASSINFO;
typedef WSANAMESPACE_INFOW WSANAMESPACE_INFO;
typedef PWSANAMESPACE_INFOW PWSANAMESPACE_INFO;
typedef LPWSANAMESPACE_INFOW LPWSANAMESPACE_INFO;
typedef WSANAMESPACE_INFOEXW WSANAMESPACE_INFOEX;
typedef PWSANAMESPACE_INFOEXW PWSANAMESPACE_INFOEX;
typedef LPWSANAMESPACE_INFOEXW LPWSANAMESPACE_INFOEX;
#else
typedef WSAQUERYSETA WSAQUERYSET;
typedef PWSAQUERYSETA PWSAQUERYSET;
typedef LPWSAQUERYSETA LPWSAQUERYSET;
typedef WSAQUERYSET2A WSAQUERYSET2;
typedef PWSAQUERYSET2A PWSAQUERYSET2;
typedef LPWSAQUERYSET2A LPWSAQUERYSET2;
typedef WSANSCLASSINFOA WSANSCLASSINFO;
typedef PWSANSCLASSINFOA PWSANSCLASSINFO;
typedef LPWSANSCLASSINFOA LPWSANSCLASSINFO;
typedef WSASERVICECLASSINFOA WSASERVICECLASSINFO;
typedef PWSASERVICECLASSINFOA PWSASERVICECLASSINFO;
typedef LPWSASERVICECLASSINFOA LPWSASERVICECLASSINFO;
typedef WSANAMESPACE_INFOA WSANAMESPACE_INFO;
typedef PWSANAMESPACE_INFOA PWSANAMESPACE_INFO;
typedef LPWSANAMESPACE_INFOA LPWSANAMESPACE_INFO;
typedef WSANAMESPACE_INFOEXA WSANAMESPACE_INFOEX;
typedef PWSANAMESPACE_INFOEXA PWSANAMESPACE_INFOEX;
typedef LPWSANAMESPACE_INFOEXA LPWSANAMESPACE_INFOEX;
#endif

/* ---- WSAPoll ------------------------------------------------------------------------ */

#define POLLRDNORM 0x0100
#define POLLRDBAND 0x0200
#define POLLIN (POLLRDNORM | POLLRDBAND)
#define POLLPRI 0x0400
#define POLLWRNORM 0x0010
#define POLLOUT (POLLWRNORM)
#define POLLWRBAND 0x0020
#define POLLERR 0x0001
#define POLLHUP 0x0002
#define POLLNVAL 0x0004

typedef struct pollfd {
    SOCKET fd;
    short events;
    short revents;
} WSAPOLLFD, *PWSAPOLLFD, *LPWSAPOLLFD;

/* ---- WSAAsyncSelect / WSAAsyncGet* message parameters ------------------------------- */

#define WSAMAKEASYNCREPLY(buflen, error) MAKELONG(buflen, error)
#define WSAMAKESELECTREPLY(event, error) MAKELONG(event, error)
#define WSAGETASYNCBUFLEN(lParam) LOWORD(lParam)
#define WSAGETASYNCERROR(lParam) HIWORD(lParam)
#define WSAGETSELECTEVENT(lParam) LOWORD(lParam)
#define WSAGETSELECTERROR(lParam) HIWORD(lParam)

/* ---- Functions ------------------------------------------------------------------------ */

W2P_BEGIN_DECLS

/* The BSD-named calls: each one bound to the library's w2p_<name>, so that
 * libc keeps its own. select and gethostname are mapped by macros above. */
SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *addrlen) W2P_BSD(accept);
int WSAAPI bind(SOCKET s, const struct sockaddr *name, int namelen) W2P_BSD(bind);
int WSAAPI closesocket(SOCKET s);
int WSAAPI connect(SOCKET s, const struct sockaddr *name, int namelen) W2P_BSD(connect);
int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long *argp);
int WSAAPI getpeername(SOCKET s, struct sockaddr *name, int *namelen) W2P_BSD(getpeername);
int WSAAPI getsockname(SOCKET s, struct sockaddr *name, int *namelen) W2P_BSD(getsockname);
int WSAAPI getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen)
    W2P_BSD(getsockopt);
u_long WSAAPI htonl(u_long hostlong) W2P_BSD(htonl);
u_short WSAAPI htons(u_short hostshort) W2P_BSD(htons);
u_int64 WSAAPI htonll(u_int64 Value) W2P_BSD(htonll);
ULONG WSAAPI inet_addr(const char *cp) W2P_BSD(inet_addr);
char *WSAAPI inet_ntoa(struct in_addr in) W2P_BSD(inet_ntoa);
int WSAAPI listen(SOCKET s, int backlog) W2P_BSD(listen);
u_long WSAAPI ntohl(u_long netlong) W2P_BSD(ntohl);
u_short WSAAPI ntohs(u_short netshort) W2P_BSD(ntohs);
u_int64 WSAAPI ntohll(u_int64 Value) W2P_BSD(ntohll);
int WSAAPI recv(SOCKET s, char *buf, int len, int flags) W2P_BSD(recv);
int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from,
                    int *fromlen) W2P_BSD(recvfrom);
int WSAAPI select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
                  const struct timeval *timeout);
int WSAAPI send(SOCKET s, const char *buf, int len, int flags) W2P_BSD(send);
int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to,
                  int tolen) W2P_BSD(sendto);
int WSAAPI setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen)
    W2P_BSD(setsockopt);
int WSAAPI shutdown(SOCKET s, int how) W2P_BSD(shutdown);
SOCKET WSAAPI socket(int af, int type, int protocol) W2P_BSD(socket);
struct hostent *WSAAPI gethostbyaddr(const char *addr, int len, int type)
    W2P_BSD(gethostbyaddr);
struct hostent *WSAAPI gethostbyname(const char *name) W2P_BSD(gethostbyname);
int WSAAPI gethostname(char *name, int namelen);
int WSAAPI GetHostNameW(PWSTR name, int namelen);
struct servent *WSAAPI getservbyport(int port, const char *proto) W2P_BSD(getservbyport);
struct servent *WSAAPI getservbyname(const char *name, const char *proto)
    W2P_BSD(getservbyname);
struct protoent *WSAAPI getprotobynumber(int number) W2P_BSD(getprotobynumber);
struct protoent *WSAAPI getprotobyname(const char *name) W2P_BSD(getprotobyname);

/* Start-up, the thread's last error, Winsock 1 blocking hooks. */
int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
int WSAAPI WSACleanup(void);
void WSAAPI WSASetLastError(int iError);
int WSAAPI WSAGetLastError(void);
BOOL WSAAPI WSAIsBlocking(void);
int WSAAPI WSAUnhookBlockingHook(void);
FARPROC WSAAPI WSASetBlockingHook(FARPROC lpBlockFunc);
int WSAAPI WSACancelBlockingCall(void);

/* Window-message based asynchronous calls. */
HANDLE WSAAPI WSAAsyncGetServByName(HWND hWnd, u_int wMsg, const char *name,
                                    const char *proto, char *buf, int buflen);
HANDLE WSAAPI WSAAsyncGetServByPort(HWND hWnd, u_int wMsg, int port, const char *proto,
                                    char *buf, int buflen);
HANDLE WSAAPI WSAAsyncGetProtoByName(HWND hWnd, u_int wMsg, const char *name, char *buf,
                                     int buflen);
HANDLE WSAAPI WSAAsyncGetProtoByNumber(HWND hWnd, u_int wMsg, int number, char *buf,
                                       int buflen);
HANDLE WSAAPI WSAAsyncGetHostByName(HWND hWnd, u_int wMsg, const char *name, char *buf,
                                    int buflen);
HANDLE WSAAPI WSAAsyncGetHostByAddr(HWND hWnd, u_int wMsg, const char *addr, int len,
                                    int type, char *buf, int buflen);
int WSAAPI WSACancelAsyncRequest(HANDLE hAsyncTaskHandle);
int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, LONG lEvent);

/* Winsock 2 socket calls. */
SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                        LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData);
BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent);
int WSAAPI WSAConnect(SOCKET s, const struct sockaddr *name, int namelen,
                      LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                      LPQOS lpGQOS);
BOOL WSAAPI WSAConnectByList(SOCKET s, PSOCKET_ADDRESS_LIST SocketAddressList,
                             LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                             LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                             const struct timeval *timeout, LPWSAOVERLAPPED Reserved);
BOOL WSAAPI WSAConnectByNameA(SOCKET s, LPSTR nodename, LPSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct timeval *timeout, LPWSAOVERLAPPED Reserved);
BOOL WSAAPI WSAConnectByNameW(SOCKET s, LPWSTR nodename, LPWSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct timeval *timeout, LPWSAOVERLAPPED Reserved);
WSAEVENT WSAAPI WSACreateEvent(void);
int WSAAPI WSADuplicateSocketA(SOCKET s, DWORD dwProcessId,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo);
int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD dwProcessId,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo);
int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                LPWSANETWORKEVENTS lpNetworkEvents);
int WSAAPI WSAEnumProtocolsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                             LPDWORD lpdwBufferLength);
int WSAAPI WSAEnumProtocolsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                             LPDWORD lpdwBufferLength);
int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents);
BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                   LPDWORD lpcbTransfer, BOOL fWait, LPDWORD lpdwFlags);
BOOL WSAAPI WSAGetQOSByName(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS);
int WSAAPI WSAHtonl(SOCKET s, u_long hostlong, u_long *lpnetlong);
int WSAAPI WSAHtons(SOCKET s, u_short hostshort, u_short *lpnetshort);
int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                    LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                    LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
SOCKET WSAAPI WSAJoinLeaf(SOCKET s, const struct sockaddr *name, int namelen,
                          LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                          LPQOS lpGQOS, DWORD dwFlags);
int WSAAPI WSANtohl(SOCKET s, u_long netlong, u_long *lphostlong);
int WSAAPI WSANtohs(SOCKET s, u_short netshort, u_short *lphostshort);
int WSAAPI WSAPoll(WSAPOLLFD fdArray[], ULONG fds, INT timeout);
int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSARecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData);
int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                       LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct sockaddr *lpFrom,
                       LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent);
int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                   LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSASendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData);
int WSAAPI WSASendMsg(SOCKET Handle, LPWSAMSG lpMsg, DWORD dwFlags,
                      LPDWORD lpNumberOfBytesSent, LPWSAOVERLAPPED lpOverlapped,
                      LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                     LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct sockaddr *lpTo,
                     int iTolen, LPWSAOVERLAPPED lpOverlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
BOOL WSAAPI WSASetEvent(WSAEVENT hEvent);
SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                         GROUP g, DWORD dwFlags);
SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                         GROUP g, DWORD dwFlags);
DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents,
                                      BOOL fWaitAll, DWORD dwTimeout, BOOL fAlertable);

/* Addresses as text. */
INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength);
INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength);
INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength);
INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength);

/* Name service. */
INT WSAAPI WSALookupServiceBeginA(LPWSAQUERYSETA lpqsRestrictions, DWORD dwControlFlags,
                                  LPHANDLE lphLookup);
INT WSAAPI WSALookupServiceBeginW(LPWSAQUERYSETW lpqsRestrictions, DWORD dwControlFlags,
                                  LPHANDLE lphLookup);
INT WSAAPI WSALookupServiceNextA(HANDLE hLookup, DWORD dwControlFlags,
                                 LPDWORD lpdwBufferLength, LPWSAQUERYSETA lpqsResults);
INT WSAAPI WSALookupServiceNextW(HANDLE hLookup, DWORD dwControlFlags,
                                 LPDWORD lpdwBufferLength, LPWSAQUERYSETW lpqsResults);
INT WSAAPI WSANSPIoctl(HANDLE hLookup, DWORD dwControlCode, LPVOID lpvInBuffer,
                       DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer,
                       LPDWORD lpcbBytesReturned, LPWSACOMPLETION lpCompletion);
INT WSAAPI WSALookupServiceEnd(HANDLE hLookup);
INT WSAAPI WSAInstallServiceClassA(LPWSASERVICECLASSINFOA lpServiceClassInfo);
INT WSAAPI WSAInstallServiceClassW(LPWSASERVICECLASSINFOW lpServiceClassInfo);
INT WSAAPI WSARemoveServiceClass(LPGUID lpServiceClassId);
INT WSAAPI WSAGetServiceClassInfoA(LPGUID lpProviderId, LPGUID lpServiceClassId,
                                   LPDWORD lpdwBufSize,
                                   LPWSASERVICECLASSINFOA lpServiceClassInfo);
INT WSAAPI WSAGetServiceClassInfoW(LPGUID lpProviderId, LPGUID lpServiceClassId,
                                   LPDWORD lpdwBufSize,
                                   LPWSASERVICECLASSINFOW lpServiceClassInfo);
INT WSAAPI WSAEnumNameSpaceProvidersA(LPDWORD lpdwBufferLength,
                                      LPWSANAMESPACE_INFOA lpnspBuffer);
INT WSAAPI WSAEnumNameSpaceProvidersW(LPDWORD lpdwBufferLength,
                                      LPWSANAMESPACE_INFOW lpnspBuffer);
INT WSAAPI WSAEnumNameSpaceProvidersExA(LPDWORD lpdwBufferLength,
                                        LPWSANAMESPACE_INFOEXA lpnspBuffer);
INT WSAAPI WSAEnumNameSpaceProvidersExW(LPDWORD lpdwBufferLength,
                                        LPWSANAMESPACE_INFOEXW lpnspBuffer);
INT WSAAPI WSAGetServiceClassNameByClassIdA(LPGUID lpServiceClassId,
                                            LPSTR lpszServiceClassName,
                                            LPDWORD lpdwBufferLength);
INT WSAAPI WSAGetServiceClassNameByClassIdW(LPGUID lpServiceClassId,
                                            LPWSTR lpszServiceClassName,
                                            LPDWORD lpdwBufferLength);
INT WSAAPI WSASetServiceA(LPWSAQUERYSETA lpqsRegInfo, WSAESETSERVICEOP essoperation,
                          DWORD dwControlFlags);
INT WSAAPI WSASetServiceW(LPWSAQUERYSETW lpqsRegInfo, WSAESETSERVICEOP essoperation,
                          DWORD dwControlFlags);
INT WSAAPI WSAProviderConfigChange(LPHANDLE lpNotificationHandle,
                                   LPWSAOVERLAPPED lpOverlapped,
                                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

W2P_END_DECLS

/* The unsuffixed names: the A form, or the W form when UNICODE is defined. */
#ifdef UNICODE
#define WSAConnectByName WSAConnectByNameW
#define WSADuplicateSocket WSADuplicateSocketW
#define WSAEnumProtocols WSAEnumProtocolsW
#define WSASocket WSASocketW
#define WSAAddressToString WSAAddressToStringW
#define WSAStringToAddress WSAStringToAddressW
#define WSALookupServiceBegin WSALookupServiceBeginW
#define WSALookupServiceNext WSALookupServiceNextW
#define WSAInstallServiceClass WSAInstallServiceClassW
#define WSAGetServiceClassInfo WSAGetServiceClassInfoW
#define WSAEnumNameSpaceProviders WSAEnumNameSpaceProvidersW
#define WSAEnumNameSpaceProvidersEx WSAEnumNameSpaceProvidersExW
#define WSAGetServiceClassNameByClassId WSAGetServiceClassNameByClassIdW
#define WSASetService WSASetServiceW
#else
#define WSAConnectByName WSAConnectByNameA
#define WSADuplicateSocket WSADuplicateSocketA
#define WSAEnumProtocols WSAEnumProtocolsA
#define WSASocket WSASocketA
#define WSAAddressToString WSAAddressToStringA
#define WSAStringToAddress WSAStringToAddressA
#define WSALookupServiceBegin WSALookupServiceBeginA
#define WSALookupServiceNext WSALookupServiceNextA
#define WSAInstallServiceClass WSAInstallServiceClassA
#define WSAGetServiceClassInfo WSAGetServiceClassInfoA
#define WSAEnumNameSpaceProviders WSAEnumNameSpaceProvidersA
#define WSAEnumNameSpaceProvidersEx WSAEnumNameSpaceProvidersExA
#define WSAGetServiceClassNameByClassId WSAGetServiceClassNameByClassIdA
#define WSASetService WSASetServiceA
#endif

/* ---- Function pointer types (define INCL_WINSOCK_API_TYPEDEFS to 1) ------------------ */

#if INCL_WINSOCK_API_TYPEDEFS
typedef SOCKET(WSAAPI *LPFN_ACCEPT)(SOCKET s, struct sockaddr *addr, int *addrlen);
typedef int(WSAAPI *LPFN_BIND)(SOCKET s, const struct sockaddr *name, int namelen);
typedef int(WSAAPI *LPFN_CLOSESOCKET)(SOCKET s);
typedef int(WSAAPI *LPFN_CONNECT)(SOCKET s, const struct sockaddr *name, int namelen);
typedef int(WSAAPI *LPFN_IOCTLSOCKET)(SOCKET s, LONG cmd, u_long *argp);
typedef int(WSAAPI *LPFN_GETPEERNAME)(SOCKET s, struct sockaddr *name, int *namelen);
typedef int(WSAAPI *LPFN_GETSOCKNAME)(SOCKET s, struct sockaddr *name, int *namelen);
typedef int(WSAAPI *LPFN_GETSOCKOPT)(SOCKET s, int level, int optname, char *optval,
                                     int *optlen);
typedef u_long(WSAAPI *LPFN_HTONL)(u_long hostlong);
typedef u_short(WSAAPI *LPFN_HTONS)(u_short hostshort);
typedef ULONG(WSAAPI *LPFN_INET_ADDR)(const char *cp);
typedef char *(WSAAPI *LPFN_INET_NTOA)(struct in_addr in);
typedef int(WSAAPI *LPFN_LISTEN)(SOCKET s, int backlog);
typedef u_long(WSAAPI *LPFN_NTOHL)(u_long netlong);
typedef u_short(WSAAPI *LPFN_NTOHS)(u_short netshort);
typedef int(WSAAPI *LPFN_RECV)(SOCKET s, char *buf, int len, int flags);
typedef int(WSAAPI *LPFN_RECVFROM)(SOCKET s, char *buf, int len, int flags,
                                   struct sockaddr *from, int *fromlen);
typedef int(WSAAPI *LPFN_SELECT)(int nfds, fd_set *readfds, fd_set *writefds,
                                 fd_set *exceptfds, const struct timeval *timeout);
typedef int(WSAAPI *LPFN_SEND)(SOCKET s, const char *buf, int len, int flags);
typedef int(WSAAPI *LPFN_SENDTO)(SOCKET s, const char *buf, int len, int flags,
                                 const struct sockaddr *to, int tolen);
typedef int(WSAAPI *LPFN_SETSOCKOPT)(SOCKET s, int level, int optname, const char *optval,
                                     int optlen);
typedef int(WSAAPI *LPFN_SHUTDOWN)(SOCKET s, int how);
typedef SOCKET(WSAAPI *LPFN_SOCKET)(int af, int type, int protocol);
typedef struct hostent *(WSAAPI *LPFN_GETHOSTBYADDR)(const char *addr, int len, int type);
typedef struct hostent *(WSAAPI *LPFN_GETHOSTBYNAME)(const char *name);
typedef int(WSAAPI *LPFN_GETHOSTNAME)(char *name, int namelen);
typedef struct servent *(WSAAPI *LPFN_GETSERVBYPORT)(int port, const char *proto);
typedef struct servent *(WSAAPI *LPFN_GETSERVBYNAME)(const char *name, const char *proto);
typedef struct protoent *(WSAAPI *LPFN_GETPROTOBYNUMBER)(int number);
typedef struct protoent *(WSAAPI *LPFN_GETPROTOBYNAME)(const char *name);
typedef int(WSAAPI *LPFN_WSASTARTUP)(WORD wVersionRequested, LPWSADATA lpWSAData);
typedef int(WSAAPI *LPFN_WSACLEANUP)(void);
typedef void(WSAAPI *LPFN_WSASETLASTERROR)(int iError);
typedef int(WSAAPI *LPFN_WSAGETLASTERROR)(void);
typedef BOOL(WSAAPI *LPFN_WSAISBLOCKING)(void);
typedef int(WSAAPI *LPFN_WSAUNHOOKBLOCKINGHOOK)(void);
typedef FARPROC(WSAAPI *LPFN_WSASETBLOCKINGHOOK)(FARPROC lpBlockFunc);
typedef int(WSAAPI *LPFN_WSACANCELBLOCKINGCALL)(void);
typedef HANDLE(WSAAPI *LPFN_WSAASYNCGETSERVBYNAME)(HWND hWnd, u_int wMsg, const char *name,
                                                   const char *proto, char *buf, int buflen);
typedef HANDLE(WSAAPI *LPFN_WSAASYNCGETSERVBYPORT)(HWND hWnd, u_int wMsg, int port,
                                                   const char *proto, char *buf, int buflen);
typedef HANDLE(WSAAPI *LPFN_WSAASYNCGETPROTOBYNAME)(HWND hWnd, u_int wMsg, const char *name,
                                                    char *buf, int buflen);
typedef HANDLE(WSAAPI *LPFN_WSAASYNCGETPROTOBYNUMBER)(HWND hWnd, u_int wMsg, int number,
                                                      char *buf, int buflen);
typedef HANDLE(WSAAPI *LPFN_WSAASYNCGETHOSTBYNAME)(HWND hWnd, u_int wMsg, const char *name,
                                                   char *buf, int buflen);
typedef HANDLE(WSAAPI *LPFN_WSAASYNCGETHOSTBYADDR)(HWND hWnd, u_int wMsg, const char *addr,
                                                   int len, int type, char *buf, int buflen);
typedef int(WSAAPI *LPFN_WSACANCELASYNCREQUEST)(HANDLE hAsyncTaskHandle);
typedef int(WSAAPI *LPFN_WSAASYNCSELECT)(SOCKET s, HWND hWnd, u_int wMsg, LONG lEvent);
typedef SOCKET(WSAAPI *LPFN_WSAACCEPT)(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                       LPCONDITIONPROC lpfnCondition,
                                       DWORD_PTR dwCallbackData);
typedef BOOL(WSAAPI *LPFN_WSACLOSEEVENT)(WSAEVENT hEvent);
typedef int(WSAAPI *LPFN_WSACONNECT)(SOCKET s, const struct sockaddr *name, int namelen,
                                     LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
                                     LPQOS lpSQOS, LPQOS lpGQOS);
typedef WSAEVENT(WSAAPI *LPFN_WSACREATEEVENT)(void);
typedef int(WSAAPI *LPFN_WSADUPLICATESOCKETA)(SOCKET s, DWORD dwProcessId,
                                              LPWSAPROTOCOL_INFOA lpProtocolInfo);
typedef int(WSAAPI *LPFN_WSADUPLICATESOCKETW)(SOCKET s, DWORD dwProcessId,
                                              LPWSAPROTOCOL_INFOW lpProtocolInfo);
typedef int(WSAAPI *LPFN_WSAENUMNETWORKEVENTS)(SOCKET s, WSAEVENT hEventObject,
                                               LPWSANETWORKEVENTS lpNetworkEvents);
typedef int(WSAAPI *LPFN_WSAENUMPROTOCOLSA)(LPINT lpiProtocols,
                                            LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                                            LPDWORD lpdwBufferLength);
typedef int(WSAAPI *LPFN_WSAENUMPROTOCOLSW)(LPINT lpiProtocols,
                                            LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                                            LPDWORD lpdwBufferLength);
typedef int(WSAAPI *LPFN_WSAEVENTSELECT)(SOCKET s, WSAEVENT hEventObject,
                                         LONG lNetworkEvents);
typedef BOOL(WSAAPI *LPFN_WSAGETOVERLAPPEDRESULT)(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                  LPDWORD lpcbTransfer, BOOL fWait,
                                                  LPDWORD lpdwFlags);
typedef BOOL(WSAAPI *LPFN_WSAGETQOSBYNAME)(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS);
typedef int(WSAAPI *LPFN_WSAHTONL)(SOCKET s, u_long hostlong, u_long *lpnetlong);
typedef int(WSAAPI *LPFN_WSAHTONS)(SOCKET s, u_short hostshort, u_short *lpnetshort);
typedef int(WSAAPI *LPFN_WSAIOCTL)(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
                                   DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer,
                                   LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
                                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
typedef SOCKET(WSAAPI *LPFN_WSAJOINLEAF)(SOCKET s, const struct sockaddr *name, int namelen,
                                         LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
                                         LPQOS lpSQOS, LPQOS lpGQOS, DWORD dwFlags);
typedef int(WSAAPI *LPFN_WSANTOHL)(SOCKET s, u_long netlong, u_long *lphostlong);
typedef int(WSAAPI *LPFN_WSANTOHS)(SOCKET s, u_short netshort, u_short *lphostshort);
typedef int(WSAAPI *LPFN_WSARECV)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                  LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                  LPWSAOVERLAPPED lpOverlapped,
                                  LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
typedef int(WSAAPI *LPFN_WSARECVDISCONNECT)(SOCKET s, LPWSABUF lpInboundDisconnectData);
typedef int(WSAAPI *LPFN_WSARECVFROM)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                      LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                      struct sockaddr *lpFrom, LPINT lpFromlen,
                                      LPWSAOVERLAPPED lpOverlapped,
                                      LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
typedef BOOL(WSAAPI *LPFN_WSARESETEVENT)(WSAEVENT hEvent);
typedef int(WSAAPI *LPFN_WSASEND)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                  LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                  LPWSAOVERLAPPED lpOverlapped,
                                  LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
typedef int(WSAAPI *LPFN_WSASENDDISCONNECT)(SOCKET s, LPWSABUF lpOutboundDisconnectData);
typedef int(WSAAPI *LPFN_WSASENDTO)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                    LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                    const struct sockaddr *lpTo, int iTolen,
                                    LPWSAOVERLAPPED lpOverlapped,
                                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
typedef BOOL(WSAAPI *LPFN_WSASETEVENT)(WSAEVENT hEvent);
typedef SOCKET(WSAAPI *LPFN_WSASOCKETA)(int af, int type, int protocol,
                                        LPWSAPROTOCOL_INFOA lpProtocolInfo, GROUP g,
                                        DWORD dwFlags);
typedef SOCKET(WSAAPI *LPFN_WSASOCKETW)(int af, int type, int protocol,
                                        LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g,
                                        DWORD dwFlags);
typedef DWORD(WSAAPI *LPFN_WSAWAITFORMULTIPLEEVENTS)(DWORD cEvents, const WSAEVENT *lphEvents,
                                                     BOOL fWaitAll, DWORD dwTimeout,
                                                     BOOL fAlertable);
typedef INT(WSAAPI *LPFN_WSAADDRESSTOSTRINGA)(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                                              LPWSAPROTOCOL_INFOA lpProtocolInfo,
                                              LPSTR lpszAddressString,
                                              LPDWORD lpdwAddressStringLength);
typedef INT(WSAAPI *LPFN_WSAADDRESSTOSTRINGW)(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                                              LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                              LPWSTR lpszAddressString,
                                              LPDWORD lpdwAddressStringLength);
typedef INT(WSAAPI *LPFN_WSASTRINGTOADDRESSA)(LPSTR AddressString, INT AddressFamily,
                                              LPWSAPROTOCOL_INFOA lpProtocolInfo,
                                              LPSOCKADDR lpAddress, LPINT lpAddressLength);
typedef INT(WSAAPI *LPFN_WSASTRINGTOADDRESSW)(LPWSTR AddressString, INT AddressFamily,
                                              LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                              LPSOCKADDR lpAddress, LPINT lpAddressLength);
typedef INT(WSAAPI *LPFN_WSALOOKUPSERVICEBEGINA)(LPWSAQUERYSETA lpqsRestrictions,
                                                 DWORD dwControlFlags, LPHANDLE lphLookup);
typedef INT(WSAAPI *LPFN_WSALOOKUPSERVICEBEGINW)(LPWSAQUERYSETW lpqsRestrictions,
                                                 DWORD dwControlFlags, LPHANDLE lphLookup);
typedef INT(WSAAPI *LPFN_WSALOOKUPSERVICENEXTA)(HANDLE hLookup, DWORD dwControlFlags,
                                                LPDWORD lpdwBufferLength,
                                                LPWSAQUERYSETA lpqsResults);
typedef INT(WSAAPI *LPFN_WSALOOKUPSERVICENEXTW)(HANDLE hLookup, DWORD dwControlFlags,
                                                LPDWORD lpdwBufferLength,
                                                LPWSAQUERYSETW lpqsResults);
typedef INT(WSAAPI *LPFN_WSANSPIOCTL)(HANDLE hLookup, DWORD dwControlCode, LPVOID lpvInBuffer,
                                      DWORD cbInBuffer, LPVOID lpvOutBuffer,
                                      DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                                      LPWSACOMPLETION lpCompletion);
typedef INT(WSAAPI *LPFN_WSALOOKUPSERVICEEND)(HANDLE hLookup);
typedef INT(WSAAPI *LPFN_WSAINSTALLSERVICECLASSA)(LPWSASERVICECLASSINFOA lpServiceClassInfo);
typedef INT(WSAAPI *LPFN_WSAINSTALLSERVICECLASSW)(LPWSASERVICECLASSINFOW lpServiceClassInfo);
typedef INT(WSAAPI *LPFN_WSAREMOVESERVICECLASS)(LPGUID lpServiceClassId);
typedef INT(WSAAPI *LPFN_WSAGETSERVICECLASSINFOA)(LPGUID lpProviderId, LPGUID lpServiceClassId,
                                                  LPDWORD lpdwBufSize,
                                                  LPWSASERVICECLASSINFOA lpServiceClassInfo);
typedef INT(WSAAPI *LPFN_WSAGETSERVICECLASSINFOW)(LPGUID lpProviderId, LPGUID lpServiceClassId,
                                                  LPDWORD lpdwBufSize,
                                                  LPWSASERVICECLASSINFOW lpServiceClassInfo);
typedef INT(WSAAPI *LPFN_WSAENUMNAMESPACEPROVIDERSA)(LPDWORD lpdwBufferLength,
                                                     LPWSANAMESPACE_INFOA lpnspBuffer);
typedef INT(WSAAPI *LPFN_WSAENUMNAMESPACEPROVIDERSW)(LPDWORD lpdwBufferLength,
                                                     LPWSANAMESPACE_INFOW lpnspBuffer);
typedef INT(WSAAPI *LPFN_WSAGETSERVICECLASSNAMEBYCLASSIDA)(LPGUID lpServiceClassId,
                                                           LPSTR lpszServiceClassName,
                                                           LPDWORD lpdwBufferLength);
typedef INT(WSAAPI *LPFN_WSAGETSERVICECLASSNAMEBYCLASSIDW)(LPGUID lpServiceClassId,
                                                           LPWSTR lpszServiceClassName,
                                                           LPDWORD lpdwBufferLength);
typedef INT(WSAAPI *LPFN_WSASETSERVICEA)(LPWSAQUERYSETA lpqsRegInfo,
                                         WSAESETSERVICEOP essoperation, DWORD dwControlFlags);
typedef INT(WSAAPI *LPFN_WSASETSERVICEW)(LPWSAQUERYSETW lpqsRegInfo,
                                         WSAESETSERVICEOP essoperation, DWORD dwControlFlags);
typedef INT(WSAAPI *LPFN_WSAPROVIDERCONFIGCHANGE)(
    LPHANDLE lpNotificationHandle, LPWSAOVERLAPPED lpOverlapped,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

#ifdef UNICODE
#define LPFN_WSADUPLICATESOCKET LPFN_WSADUPLICATESOCKETW
#define LPFN_WSAENUMPROTOCOLS LPFN_WSAENUMPROTOCOLSW
#define LPFN_WSASOCKET LPFN_WSASOCKETW
#define LPFN_WSAADDRESSTOSTRING LPFN_WSAADDRESSTOSTRINGW
#define LPFN_WSASTRINGTOADDRESS LPFN_WSASTRINGTOADDRESSW
#define LPFN_WSALOOKUPSERVICEBEGIN LPFN_WSALOOKUPSERVICEBEGINW
#define LPFN_WSALOOKUPSERVICENEXT LPFN_WSALOOKUPSERVICENEXTW
#define LPFN_WSAINSTALLSERVICECLASS LPFN_WSAINSTALLSERVICECLASSW
#define LPFN_WSAGETSERVICECLASSINFO LPFN_WSAGETSERVICECLASSINFOW
#define LPFN_WSAENUMNAMESPACEPROVIDERS LPFN_WSAENUMNAMESPACEPROVIDERSW
#define LPFN_WSAGETSERVICECLASSNAMEBYCLASSID LPFN_WSAGETSERVICECLASSNAMEBYCLASSIDW
#define LPFN_WSASETSERVICE LPFN_WSASETSERVICEW
#else
#define LPFN_WSADUPLICATESOCKET LPFN_WSADUPLICATESOCKETA
#define LPFN_WSAENUMPROTOCOLS LPFN_WSAENUMPROTOCOLSA
#define LPFN_WSASOCKET LPFN_WSASOCKETA
#define LPFN_WSAADDRESSTOSTRING LPFN_WSAADDRESSTOSTRINGA
#define LPFN_WSASTRINGTOADDRESS LPFN_WSASTRINGTOADDRESSA
#define LPFN_WSALOOKUPSERVICEBEGIN LPFN_WSALOOKUPSERVICEBEGINA
#define LPFN_WSALOOKUPSERVICENEXT LPFN_WSALOOKUPSERVICENEXTA
#define LPFN_WSAINSTALLSERVICECLASS LPFN_WSAINSTALLSERVICECLASSA
#define LPFN_WSAGETSERVICECLASSINFO LPFN_WSAGETSERVICECLASSINFOA
#define LPFN_WSAENUMNAMESPACEPROVIDERS LPFN_WSAENUMNAMESPACEPROVIDERSA
#define LPFN_WSAGETSERVICECLASSNAMEBYCLASSID LPFN_WSAGETSERVICECLASSNAMEBYCLASSIDA
#define LPFN_WSASETSERVICE LPFN_WSASETSERVICEA
#endif
#endif /* INCL_WINSOCK_API_TYPEDEFS */

#endif /* WS2POSIX_WINSOCK2_H */
