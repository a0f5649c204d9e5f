/*
 * ws2posix - mstcpip.h: Microsoft TCP/IP extensions: the vendor WSAIoctl
 * codes (SIO_KEEPALIVE_VALS, SIO_LOOPBACK_FAST_PATH ...) and the records
 * they take. Only the commonly used part of the Windows header.
 */
#ifndef WS2POSIX_MSTCPIP_H
#define WS2POSIX_MSTCPIP_H

#include <windef.h>
#include <ws2def.h>

W2P_BEGIN_DECLS

/* Names a transport setting for SIO_APPLY/QUERY_TRANSPORT_SETTING. The guard
 * is shared with the other Windows headers that define it. */
#ifndef _TRANSPORT_SETTING_COMMON_
#define _TRANSPORT_SETTING_COMMON_
typedef struct TRANSPORT_SETTING_ID {
    GUID Guid;
} TRANSPORT_SETTING_ID, *PTRANSPORT_SETTING_ID;
#endif

/* Input of SIO_KEEPALIVE_VALS; times in milliseconds. */
struct tcp_keepalive {
    u_long onoff;
    u_long keepalivetime;
    u_long keepaliveinterval;
};

/*
 * The codes below are "vendor" input ioctls: IOC_IN | IOC_VENDOR | n, that is
 * _WSAIOW(IOC_VENDOR, n) of winsock2.h. Spelled with numbers here so that this
 * header does not depend on winsock2.h.
 */
#define W2P_SIO_VENDOR_IN(n) (0x80000000u | 0x18000000u | (n))

#define SIO_RCVALL W2P_SIO_VENDOR_IN(1)
#define SIO_RCVALL_MCAST W2P_SIO_VENDOR_IN(2)
#define SIO_RCVALL_IGMPMCAST W2P_SIO_VENDOR_IN(3)
#define SIO_KEEPALIVE_VALS W2P_SIO_VENDOR_IN(4)
#define SIO_ABSORB_RTRALERT W2P_SIO_VENDOR_IN(5)
#define SIO_UCAST_IF W2P_SIO_VENDOR_IN(6)
#define SIO_LIMIT_BROADCASTS W2P_SIO_VENDOR_IN(7)
#define SIO_INDEX_BIND W2P_SIO_VENDOR_IN(8)
#define SIO_INDEX_MCASTIF W2P_SIO_VENDOR_IN(9)
#define SIO_INDEX_ADD_MCAST W2P_SIO_VENDOR_IN(10)
#define SIO_INDEX_DEL_MCAST W2P_SIO_VENDOR_IN(11)
#define SIO_RCVALL_MCAST_IF W2P_SIO_VENDOR_IN(13)
#define SIO_RCVALL_IF W2P_SIO_VENDOR_IN(14)
#define SIO_LOOPBACK_FAST_PATH W2P_SIO_VENDOR_IN(16)
#define SIO_TCP_INITIAL_RTO W2P_SIO_VENDOR_IN(17)
#define SIO_APPLY_TRANSPORT_SETTING W2P_SIO_VENDOR_IN(19)
#define SIO_QUERY_TRANSPORT_SETTING W2P_SIO_VENDOR_IN(20)
#define SIO_TCP_SET_ICW W2P_SIO_VENDOR_IN(22)
#define SIO_TCP_SET_ACK_FREQUENCY W2P_SIO_VENDOR_IN(23)
#define SIO_ACQUIRE_PORT_RESERVATION W2P_SIO_VENDOR_IN(100)
#define SIO_RELEASE_PORT_RESERVATION W2P_SIO_VENDOR_IN(101)
#define SIO_ASSOCIATE_PORT_RESERVATION W2P_SIO_VENDOR_IN(102)

/* ---- SIO_RCVALL ------------------------------------------------------------- */

typedef enum {
    RCVALL_OFF = 0,
    RCVALL_ON = 1,
    RCVALL_SOCKETLEVELONLY = 2,
    RCVALL_IPLEVEL = 3
} RCVALL_VALUE, *PRCVALL_VALUE;

#define RCVALL_MAX RCVALL_IPLEVEL

typedef struct {
    RCVALL_VALUE Mode;
    ULONG Interface;
} RCVALL_IF, *PRCVALL_IF;

/* ---- SIO_TCP_INITIAL_RTO ---------------------------------------------------- */

#define TCP_INITIAL_RTO_UNSPECIFIED_RTT ((USHORT)-1)
#define TCP_INITIAL_RTO_UNSPECIFIED_MAX_SYN_RETRANSMISSIONS ((UCHAR)-1)
#define TCP_INITIAL_RTO_DEFAULT_RTT (0)
#define TCP_INITIAL_RTO_DEFAULT_MAX_SYN_RETRANSMISSIONS (0)
#define TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS ((UCHAR)-2)

typedef struct _TCP_INITIAL_RTO_PARAMETERS {
    USHORT Rtt;                  /* milliseconds */
    UCHAR MaxSynRetransmissions;
} TCP_INITIAL_RTO_PARAMETERS, *PTCP_INITIAL_RTO_PARAMETERS;

/* ---- SIO_TCP_SET_ICW and SIO_TCP_SET_ACK_FREQUENCY -------------------------- */

typedef enum {
    TCP_ICW_LEVEL_DEFAULT = 0,
    TCP_ICW_LEVEL_HIGH = 1,
    TCP_ICW_LEVEL_VERY_HIGH = 2,
    TCP_ICW_LEVEL_AGGRESSIVE = 3,
    TCP_ICW_LEVEL_EXPERIMENTAL = 4,
    TCP_ICW_LEVEL_COMPAT = 254,
    TCP_ICW_LEVEL_MAX = 255
} TCP_ICW_LEVEL, *PTCP_ICW_LEVEL;

typedef struct _TCP_ICW_PARAMETERS {
    TCP_ICW_LEVEL Level;
} TCP_ICW_PARAMETERS, *PTCP_ICW_PARAMETERS;

typedef struct _TCP_ACK_FREQUENCY_PARAMETERS {
    UCHAR TcpDelayedAckFrequency;
} TCP_ACK_FREQUENCY_PARAMETERS, *PTCP_ACK_FREQUENCY_PARAMETERS;

/* ---- Port reservations ------------------------------------------------------ */

typedef struct _INET_PORT_RANGE {
    USHORT StartPort;     /* network byte order */
    USHORT NumberOfPorts;
} INET_PORT_RANGE, *PINET_PORT_RANGE;

typedef struct _INET_PORT_RANGE INET_PORT_RESERVATION, *PINET_PORT_RESERVATION;

typedef struct {
    ULONGLONG Token;
} INET_PORT_RESERVATION_TOKEN, *PINET_PORT_RESERVATION_TOKEN;

#define INVALID_PORT_RESERVATION_TOKEN ((ULONGLONG)0)

/* Output of SIO_ACQUIRE_PORT_RESERVATION. Windows declares the two members
 * without names in C (a Microsoft extension); named here as its C++ form. */
typedef struct {
    INET_PORT_RESERVATION Reservation;
    INET_PORT_RESERVATION_TOKEN Token;
} INET_PORT_RESERVATION_INSTANCE, *PINET_PORT_RESERVATION_INSTANCE;

typedef struct {
    ULONG OwningPid;
} INET_PORT_RESERVATION_INFORMATION, *PINET_PORT_RESERVATION_INFORMATION;

W2P_END_DECLS

#endif /* WS2POSIX_MSTCPIP_H */
