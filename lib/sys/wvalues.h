/* wvalues.h - the Windows numbers the seam needs, under private names.
 *
 * The seam may not include ws2posix's own Windows headers, so it keeps its
 * own copy of the few Winsock constant values it translates.  The values are
 * facts of the Winsock ABI (checked against mingw-w64's winsock2.h, ws2def.h,
 * ws2ipdef.h, mswsock.h and winerror.h); the names are ours and never leave
 * lib/sys/.  The ABI test of the public headers compares the public names
 * with mingw; tests/test_sys_seam.c compares these with literal numbers.
 */
#ifndef WS2POSIX_SYS_WVALUES_H
#define WS2POSIX_SYS_WVALUES_H

/* Address families (ws2def.h) */
enum {
  SYS_W_AF_UNSPEC = 0,
  SYS_W_AF_UNIX = 1,
  SYS_W_AF_INET = 2,
  SYS_W_AF_INET6 = 23
};

/* Socket types (winsock2.h) */
enum {
  SYS_W_SOCK_STREAM = 1,
  SYS_W_SOCK_DGRAM = 2,
  SYS_W_SOCK_RAW = 3,
  SYS_W_SOCK_RDM = 4,
  SYS_W_SOCK_SEQPACKET = 5
};

/* Sizes of the Windows address structures (x64 and x86 alike) */
enum {
  SYS_W_SOCKADDR_IN_SIZE = 16,
  SYS_W_SOCKADDR_IN6_OLD_SIZE = 24, /* sockaddr_in6 without sin6_scope_id */
  SYS_W_SOCKADDR_IN6_SIZE = 28,
  SYS_W_UNIX_PATH_MAX = 108,
  SYS_W_SOCKADDR_UN_SIZE = 110,
  SYS_W_SOCKADDR_STORAGE_SIZE = 128
};

/* Message flags (winsock2.h, mswsock.h) */
enum {
  SYS_W_MSG_OOB = 0x1,
  SYS_W_MSG_PEEK = 0x2,
  SYS_W_MSG_DONTROUTE = 0x4,
  SYS_W_MSG_WAITALL = 0x8,
  SYS_W_MSG_INTERRUPT = 0x10,
  SYS_W_MSG_PUSH_IMMEDIATE = 0x20,
  SYS_W_MSG_TRUNC = 0x100,
  SYS_W_MSG_CTRUNC = 0x200,
  SYS_W_MSG_BCAST = 0x400,
  SYS_W_MSG_MCAST = 0x800,
  SYS_W_MSG_PARTIAL = 0x8000
};

/* shutdown() how (winsock2.h) */
enum { SYS_W_SD_RECEIVE = 0, SYS_W_SD_SEND = 1, SYS_W_SD_BOTH = 2 };

/* listen() backlog (winsock2.h): SOMAXCONN, and SOMAXCONN_HINT(b) == -b */
#define SYS_W_SOMAXCONN 0x7fffffff
enum { SYS_W_SOMAXCONN_HINT_MIN = 200, SYS_W_SOMAXCONN_HINT_MAX = 65535 };

/* ioctlsocket codes (winsock2.h: _IOW('f',126,u_long) ...) */
#define SYS_W_FIONBIO 0x8004667eu
#define SYS_W_FIONREAD 0x4004667fu
#define SYS_W_SIOCATMARK 0x40047307u

/* WSAPoll event bits (winsock2.h) */
enum {
  SYS_W_POLLERR = 0x0001,
  SYS_W_POLLHUP = 0x0002,
  SYS_W_POLLNVAL = 0x0004,
  SYS_W_POLLWRNORM = 0x0010,
  SYS_W_POLLWRBAND = 0x0020,
  SYS_W_POLLRDNORM = 0x0100,
  SYS_W_POLLRDBAND = 0x0200,
  SYS_W_POLLPRI = 0x0400
};

/* Option levels */
enum {
  SYS_W_SOL_SOCKET = 0xffff,
  SYS_W_IPPROTO_IP = 0,
  SYS_W_IPPROTO_TCP = 6,
  SYS_W_IPPROTO_UDP = 17,
  SYS_W_IPPROTO_IPV6 = 41
};

/* SOL_SOCKET option names (winsock2.h) */
enum {
  SYS_W_SO_DEBUG = 0x0001,
  SYS_W_SO_ACCEPTCONN = 0x0002,
  SYS_W_SO_REUSEADDR = 0x0004,
  SYS_W_SO_KEEPALIVE = 0x0008,
  SYS_W_SO_DONTROUTE = 0x0010,
  SYS_W_SO_BROADCAST = 0x0020,
  SYS_W_SO_LINGER = 0x0080,
  SYS_W_SO_OOBINLINE = 0x0100,
  SYS_W_SO_DONTLINGER = (int)(~0x0080),
  SYS_W_SO_EXCLUSIVEADDRUSE = (int)(~0x0004),
  SYS_W_SO_SNDBUF = 0x1001,
  SYS_W_SO_RCVBUF = 0x1002,
  SYS_W_SO_SNDLOWAT = 0x1003,
  SYS_W_SO_RCVLOWAT = 0x1004,
  SYS_W_SO_SNDTIMEO = 0x1005,
  SYS_W_SO_RCVTIMEO = 0x1006,
  SYS_W_SO_ERROR = 0x1007,
  SYS_W_SO_TYPE = 0x1008,
  SYS_W_SO_GROUP_ID = 0x2001,
  SYS_W_SO_GROUP_PRIORITY = 0x2002,
  SYS_W_SO_MAX_MSG_SIZE = 0x2003,
  SYS_W_SO_PROTOCOL_INFOA = 0x2004,
  SYS_W_SO_PROTOCOL_INFOW = 0x2005
};

/* IPPROTO_TCP option names */
enum {
  SYS_W_TCP_NODELAY = 0x0001,
  SYS_W_TCP_KEEPALIVE = 3, /* == TCP_KEEPIDLE: seconds idle before probes */
  SYS_W_TCP_KEEPCNT = 16,
  SYS_W_TCP_KEEPINTVL = 17
};

/* IPPROTO_IP option names (ws2ipdef.h) */
enum {
  SYS_W_IP_OPTIONS = 1,
  SYS_W_IP_HDRINCL = 2,
  SYS_W_IP_TOS = 3,
  SYS_W_IP_TTL = 4,
  SYS_W_IP_MULTICAST_IF = 9,
  SYS_W_IP_MULTICAST_TTL = 10,
  SYS_W_IP_MULTICAST_LOOP = 11,
  SYS_W_IP_ADD_MEMBERSHIP = 12,
  SYS_W_IP_DROP_MEMBERSHIP = 13,
  SYS_W_IP_DONTFRAGMENT = 14,
  SYS_W_IP_PKTINFO = 19,
  SYS_W_IP_RECVTTL = 21,
  SYS_W_IP_RECVTOS = 40
};

/* IPPROTO_IPV6 option names (ws2ipdef.h) */
enum {
  SYS_W_IPV6_HDRINCL = 2,
  SYS_W_IPV6_UNICAST_HOPS = 4,
  SYS_W_IPV6_MULTICAST_IF = 9,
  SYS_W_IPV6_MULTICAST_HOPS = 10,
  SYS_W_IPV6_MULTICAST_LOOP = 11,
  SYS_W_IPV6_ADD_MEMBERSHIP = 12, /* == IPV6_JOIN_GROUP */
  SYS_W_IPV6_DROP_MEMBERSHIP = 13, /* == IPV6_LEAVE_GROUP */
  SYS_W_IPV6_DONTFRAG = 14,
  SYS_W_IPV6_PKTINFO = 19,
  SYS_W_IPV6_HOPLIMIT = 21,
  SYS_W_IPV6_V6ONLY = 27,
  SYS_W_IPV6_TCLASS = 39,
  SYS_W_IPV6_RECVTCLASS = 40
};

/* Sizes of option structures */
enum {
  SYS_W_LINGER_SIZE = 4,    /* struct linger { u_short l_onoff, l_linger; } */
  SYS_W_IP_MREQ_SIZE = 8,   /* same layout as Linux */
  SYS_W_IPV6_MREQ_SIZE = 20, /* same layout as Linux */
  SYS_W_IN_PKTINFO_SIZE = 8,  /* { IN_ADDR ipi_addr; UINT ipi_ifindex; } */
  SYS_W_IN6_PKTINFO_SIZE = 20 /* { IN6_ADDR ipi6_addr; UINT ipi6_ifindex; } */
};

/* Error numbers (winerror.h, WSABASEERR + n) */
enum {
  SYS_WSAEINTR = 10004,
  SYS_WSAEBADF = 10009,
  SYS_WSAEACCES = 10013,
  SYS_WSAEFAULT = 10014,
  SYS_WSAEINVAL = 10022,
  SYS_WSAEMFILE = 10024,
  SYS_WSAEWOULDBLOCK = 10035,
  SYS_WSAEINPROGRESS = 10036,
  SYS_WSAEALREADY = 10037,
  SYS_WSAENOTSOCK = 10038,
  SYS_WSAEDESTADDRREQ = 10039,
  SYS_WSAEMSGSIZE = 10040,
  SYS_WSAEPROTOTYPE = 10041,
  SYS_WSAENOPROTOOPT = 10042,
  SYS_WSAEPROTONOSUPPORT = 10043,
  SYS_WSAESOCKTNOSUPPORT = 10044,
  SYS_WSAEOPNOTSUPP = 10045,
  SYS_WSAEPFNOSUPPORT = 10046,
  SYS_WSAEAFNOSUPPORT = 10047,
  SYS_WSAEADDRINUSE = 10048,
  SYS_WSAEADDRNOTAVAIL = 10049,
  SYS_WSAENETDOWN = 10050,
  SYS_WSAENETUNREACH = 10051,
  SYS_WSAENETRESET = 10052,
  SYS_WSAECONNABORTED = 10053,
  SYS_WSAECONNRESET = 10054,
  SYS_WSAENOBUFS = 10055,
  SYS_WSAEISCONN = 10056,
  SYS_WSAENOTCONN = 10057,
  SYS_WSAESHUTDOWN = 10058,
  SYS_WSAETOOMANYREFS = 10059,
  SYS_WSAETIMEDOUT = 10060,
  SYS_WSAECONNREFUSED = 10061,
  SYS_WSAELOOP = 10062,
  SYS_WSAENAMETOOLONG = 10063,
  SYS_WSAEHOSTDOWN = 10064,
  SYS_WSAEHOSTUNREACH = 10065,
  SYS_WSAENOTEMPTY = 10066,
  SYS_WSAEPROCLIM = 10067,
  SYS_WSAEUSERS = 10068,
  SYS_WSAEDQUOT = 10069,
  SYS_WSAESTALE = 10070,
  SYS_WSAEREMOTE = 10071,
  SYS_WSASYSCALLFAILURE = 10107
};

#endif /* WS2POSIX_SYS_WVALUES_H */
