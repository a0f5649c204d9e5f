/*
 * ws2posix - Microsoft-specific Winsock extensions.
 *
 * The extension functions (AcceptEx, ConnectEx, TransmitFile, WSARecvMsg ...)
 * are reached at run time: WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) with
 * one of the WSAID_* GUIDs below returns a pointer of the matching LPFN_* type.
 * Also here: the socket options and ioctls that only Microsoft stacks know.
 * Names, values and layouts are those of Windows x64.
 */
#ifndef WS2POSIX_MSWSOCK_H
#define WS2POSIX_MSWSOCK_H

#include <windef.h>
#include <winsock2.h>

/* Options at level SOL_SOCKET. */
#define SO_CONNDATA 0x7000
#define SO_CONNOPT 0x7001
#define SO_DISCDATA 0x7002
#define SO_DISCOPT 0x7003
#define SO_CONNDATALEN 0x7004
#define SO_CONNOPTLEN 0x7005
#define SO_DISCDATALEN 0x7006
#define SO_DISCOPTLEN 0x7007

/* Per-thread default for sockets created by socket(): overlapped unless set
 * to one of the two synchronous values. */
#define SO_OPENTYPE 0x7008
#define SO_SYNCHRONOUS_ALERT 0x10
#define SO_SYNCHRONOUS_NONALERT 0x20

#define SO_MAXDG 0x7009
#define SO_MAXPATHDG 0x700A
/* Set on a socket accepted with AcceptEx / connected with ConnectEx so that
 * getsockname, shutdown etc. work on it. */
#define SO_UPDATE_ACCEPT_CONTEXT 0x700B
#define SO_CONNECT_TIME 0x700C
#define SO_UPDATE_CONNECT_CONTEXT 0x7010

/* Level IPPROTO_TCP. */
#define TCP_BSDURGENT 0x7000

/* WSAIoctl codes. */
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#define SIO_BSP_HANDLE _WSAIOR(IOC_WS2, 27)
#define SIO_BSP_HANDLE_SELECT _WSAIOR(IOC_WS2, 28)
#define SIO_BSP_HANDLE_POLL _WSAIOR(IOC_WS2, 29)
#define SIO_EXT_SELECT _WSAIORW(IOC_WS2, 30)
#define SIO_EXT_POLL _WSAIORW(IOC_WS2, 31)
#define SIO_EXT_SENDMSG _WSAIORW(IOC_WS2, 32)
#define SIO_BASE_HANDLE _WSAIOR(IOC_WS2, 34)

/* Flags of TransmitFile (TF_*), TransmitPackets (TP_*) and DisconnectEx. */
#define TF_DISCONNECT 0x01
#define TF_REUSE_SOCKET 0x02
#define TF_WRITE_BEHIND 0x04
#define TF_USE_DEFAULT_WORKER 0x00
#define TF_USE_SYSTEM_THREAD 0x10
#define TF_USE_KERNEL_APC 0x20

#define TP_DISCONNECT TF_DISCONNECT
#define TP_REUSE_SOCKET TF_REUSE_SOCKET
#define TP_USE_DEFAULT_WORKER TF_USE_DEFAULT_WORKER
#define TP_USE_SYSTEM_THREAD TF_USE_SYSTEM_THREAD
#define TP_USE_KERNEL_APC TF_USE_KERNEL_APC

#define DE_REUSE_SOCKET TF_REUSE_SOCKET

/* Flags WSARecvMsg reports in WSAMSG.dwFlags. */
#ifndef MSG_TRUNC
#define MSG_TRUNC 0x0100
#endif
#ifndef MSG_CTRUNC
#define MSG_CTRUNC 0x0200
#endif
#ifndef MSG_BCAST
#define MSG_BCAST 0x0400
#endif
#ifndef MSG_MCAST
#define MSG_MCAST 0x0800
#endif

/* The extension GUIDs, as brace initialisers for a GUID variable. */
#define WSAID_TRANSMITFILE \
    {0xb5367df0, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_ACCEPTEX \
    {0xb5367df1, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_GETACCEPTEXSOCKADDRS \
    {0xb5367df2, 0xcbac, 0x11cf, {0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_TRANSMITPACKETS \
    {0xd9689da0, 0x1f90, 0x11d3, {0x99, 0x71, 0x00, 0xc0, 0x4f, 0x68, 0xc8, 0x76}}
#define WSAID_CONNECTEX \
    {0x25a207b9, 0xddf3, 0x4660, {0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e}}
#define WSAID_DISCONNECTEX \
    {0x7fda2e11, 0x8630, 0x436f, {0xa0, 0x31, 0xf5, 0x36, 0xa6, 0xee, 0xc1, 0x57}}
#define WSAID_WSARECVMSG \
    {0xf689d7c8, 0x6f1f, 0x436b, {0x8a, 0x53, 0xe5, 0x4f, 0xe3, 0x51, 0xc3, 0x22}}
#define WSAID_WSAPOLL \
    {0x18c76f85, 0xdc66, 0x4964, {0x97, 0x2e, 0x23, 0xc2, 0x72, 0x38, 0x31, 0x2b}}
#define WSAID_WSASENDMSG \
    {0xa441e712, 0x754f, 0x43ca, {0x84, 0xa7, 0x0d, 0xee, 0x44, 0xcf, 0x60, 0x6d}}

/* Network Location Awareness namespace and its service class. */
#define NLA_NAMESPACE_GUID \
    {0x6642243a, 0x3ba8, 0x4aa6, {0xba, 0xa5, 0x2e, 0x0b, 0xd7, 0x1f, 0xdd, 0x83}}
#define NLA_SERVICE_CLASS_GUID \
    {0x0037e515, 0xb5c9, 0x4a43, {0xba, 0xda, 0x8b, 0x48, 0xa8, 0x7a, 0xd2, 0x39}}

#define NLA_ALLUSERS_NETWORK 0x00000001
#define NLA_FRIENDLY_NAME 0x00000002

/* The 64-bit integer of winnt.h, which windef.h does not carry; TransmitPackets
 * needs it for file offsets. */
#ifndef W2P_LARGE_INTEGER_DEFINED
#define W2P_LARGE_INTEGER_DEFINED
typedef union _LARGE_INTEGER {
    __extension__ struct {
        DWORD LowPart;
        LONG HighPart;
    };
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;
#endif

/* ws2posix: the file HANDLE of TransmitFile / TransmitPackets is a POSIX
 * file descriptor, open for reading and seekable (a regular file), written
 * W2P_FILE_HANDLE(fd). A NULL handle means "no file", as on Windows, so
 * descriptor 0 cannot be transmitted. */
#define W2P_FILE_HANDLE(fd) ((HANDLE)(INT_PTR)(fd))

/* Data sent before and after the file by TransmitFile. */
typedef struct _TRANSMIT_FILE_BUFFERS {
    LPVOID Head;
    DWORD HeadLength;
    LPVOID Tail;
    DWORD TailLength;
} TRANSMIT_FILE_BUFFERS, *PTRANSMIT_FILE_BUFFERS, *LPTRANSMIT_FILE_BUFFERS;

/* One piece of a TransmitPackets send: a memory buffer or part of a file. */
#define TP_ELEMENT_MEMORY 1
#define TP_ELEMENT_FILE 2
#define TP_ELEMENT_EOP 4

typedef struct _TRANSMIT_PACKETS_ELEMENT {
    ULONG dwElFlags;
    ULONG cLength;
    __extension__ union {
        __extension__ struct {
            LARGE_INTEGER nFileOffset;
            HANDLE hFile;
        };
        PVOID pBuffer;
    };
} TRANSMIT_PACKETS_ELEMENT, *PTRANSMIT_PACKETS_ELEMENT,
  *LPTRANSMIT_PACKETS_ELEMENT;

typedef enum _NLA_BLOB_DATA_TYPE {
    NLA_RAW_DATA = 0,
    NLA_INTERFACE = 1,
    NLA_802_1X_LOCATION = 2,
    NLA_CONNECTIVITY = 3,
    NLA_ICS = 4
} NLA_BLOB_DATA_TYPE, *PNLA_BLOB_DATA_TYPE;

typedef enum _NLA_CONNECTIVITY_TYPE {
    NLA_NETWORK_AD_HOC = 0,
    NLA_NETWORK_MANAGED = 1,
    NLA_NETWORK_UNMANAGED = 2,
    NLA_NETWORK_UNKNOWN = 3
} NLA_CONNECTIVITY_TYPE, *PNLA_CONNECTIVITY_TYPE;

typedef enum _NLA_INTERNET {
    NLA_INTERNET_UNKNOWN = 0,
    NLA_INTERNET_NO = 1,
    NLA_INTERNET_YES = 2
} NLA_INTERNET, *PNLA_INTERNET;

/* A chain of NLA records: header.nextOffset leads to the next one. */
typedef struct _NLA_BLOB {
    struct {
        NLA_BLOB_DATA_TYPE type;
        DWORD dwSize;
        DWORD nextOffset;
    } header;
    union {
        CHAR rawData[1];
        struct {
            DWORD dwType;
            DWORD dwSpeed;
            CHAR adapterName[1];
        } interfaceData;
        struct {
            CHAR information[1];
        } locationData;
        struct {
            NLA_CONNECTIVITY_TYPE type;
            NLA_INTERNET internet;
        } connectivity;
        struct {
            struct {
                DWORD speed;
                DWORD type;
                DWORD state;
                WCHAR machineName[256];
                WCHAR sharedAdapterName[256];
            } remote;
        } ICS;
    } data;
} NLA_BLOB, *PNLA_BLOB, *LPNLA_BLOB;

/* Control data of WSARecvMsg / WSASendMsg, walked with the WSA_CMSG_ macros.
 * The Windows SDK has them in ws2def.h, mingw-w64 here: define them only if
 * ws2def.h did not. */
#ifndef WSA_CMSGHDR_ALIGN
typedef struct _WSACMSGHDR {
    SIZE_T cmsg_len;
    INT cmsg_level;
    INT cmsg_type;
    /* the data follows, aligned */
} WSACMSGHDR, *PWSACMSGHDR, *LPWSACMSGHDR;

/* Both alignments are 8 on x64: that of WSACMSGHDR and the largest natural
 * one. */
#define WSA_CMSGHDR_ALIGN(length) \
    (((length) + sizeof(ULONGLONG) - 1) & ~(sizeof(ULONGLONG) - 1))
#define WSA_CMSGDATA_ALIGN(length) \
    (((length) + sizeof(ULONGLONG) - 1) & ~(sizeof(ULONGLONG) - 1))
#define WSA_CMSG_FIRSTHDR(msg) \
    (((msg)->Control.len >= sizeof(WSACMSGHDR)) \
         ? (LPWSACMSGHDR)(msg)->Control.buf : (LPWSACMSGHDR)NULL)
#define WSA_CMSG_NXTHDR(msg, cmsg) \
    (!(cmsg) ? WSA_CMSG_FIRSTHDR(msg) \
     : (((u_char *)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len) + sizeof(WSACMSGHDR)) \
            > (u_char *)((msg)->Control.buf) + (msg)->Control.len) \
         ? (LPWSACMSGHDR)NULL \
         : (LPWSACMSGHDR)((u_char *)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len)))
#define WSA_CMSG_DATA(cmsg) \
    ((u_char *)(cmsg) + WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)))
#define WSA_CMSG_SPACE(length) \
    (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR) + WSA_CMSGHDR_ALIGN(length)))
#define WSA_CMSG_LEN(length) \
    (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)) + (length))
#endif

/* Argument block of SIO_EXT_POLL. */
typedef struct {
    int result;
    ULONG fds;
    INT timeout;
    __extension__ WSAPOLLFD fdArray[0];
} WSAPOLLDATA, *LPWSAPOLLDATA;

/* Argument block of SIO_EXT_SENDMSG. */
typedef struct {
    LPWSAMSG lpMsg;
    DWORD dwFlags;
    LPDWORD lpNumberOfBytesSent;
    LPWSAOVERLAPPED lpOverlapped;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine;
} WSASENDMSG, *LPWSASENDMSG;

W2P_BEGIN_DECLS

/* Pointer types for what WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) hands
 * back, one per WSAID_*. */
typedef BOOL (WINAPI *LPFN_TRANSMITFILE)(SOCKET hSocket, HANDLE hFile,
        DWORD nNumberOfBytesToWrite, DWORD nNumberOfBytesPerSend,
        LPOVERLAPPED lpOverlapped, LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers,
        DWORD dwReserved);
typedef BOOL (WINAPI *LPFN_ACCEPTEX)(SOCKET sListenSocket,
        SOCKET sAcceptSocket, PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
        DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
        LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped);
typedef VOID (WINAPI *LPFN_GETACCEPTEXSOCKADDRS)(PVOID lpOutputBuffer,
        DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
        DWORD dwRemoteAddressLength, struct sockaddr **LocalSockaddr,
        LPINT LocalSockaddrLength, struct sockaddr **RemoteSockaddr,
        LPINT RemoteSockaddrLength);
typedef BOOL (WINAPI *LPFN_TRANSMITPACKETS)(SOCKET hSocket,
        LPTRANSMIT_PACKETS_ELEMENT lpPacketArray, DWORD nElementCount,
        DWORD nSendSize, LPOVERLAPPED lpOverlapped, DWORD dwFlags);
typedef BOOL (WINAPI *LPFN_CONNECTEX)(SOCKET s, const struct sockaddr *name,
        int namelen, PVOID lpSendBuffer, DWORD dwSendDataLength,
        LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped);
typedef BOOL (WINAPI *LPFN_DISCONNECTEX)(SOCKET s, LPOVERLAPPED lpOverlapped,
        DWORD dwFlags, DWORD dwReserved);
typedef INT (WINAPI *LPFN_WSARECVMSG)(SOCKET s, LPWSAMSG lpMsg,
        LPDWORD lpdwNumberOfBytesRecvd, LPWSAOVERLAPPED lpOverlapped,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
typedef INT (WSAAPI *LPFN_WSAPOLL)(LPWSAPOLLFD fdarray, ULONG nfds,
        INT timeout);
typedef INT (WSAAPI *LPFN_WSASENDMSG)(SOCKET s, LPWSAMSG lpMsg,
        DWORD dwFlags, LPDWORD lpNumberOfBytesSent,
        LPWSAOVERLAPPED lpOverlapped,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

/* The few extensions also exported by name (mswsock.dll on Windows). */
int WINAPI WSARecvEx(SOCKET s, char *buf, int len, int *flags);
BOOL WINAPI TransmitFile(SOCKET hSocket, HANDLE hFile,
        DWORD nNumberOfBytesToWrite, DWORD nNumberOfBytesPerSend,
        LPOVERLAPPED lpOverlapped, LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers,
        DWORD dwReserved);
BOOL WINAPI AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket,
        PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
        DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
        LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped);
VOID WINAPI GetAcceptExSockaddrs(PVOID lpOutputBuffer,
        DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
        DWORD dwRemoteAddressLength, struct sockaddr **LocalSockaddr,
        LPINT LocalSockaddrLength, struct sockaddr **RemoteSockaddr,
        LPINT RemoteSockaddrLength);

W2P_END_DECLS

#endif /* WS2POSIX_MSWSOCK_H */
