/*
 * WSPIoctl: the ioctlsocket commands (FIONBIO, FIONREAD, SIOCATMARK) and the
 * WSAIoctl codes this provider answers. Fact ids (F...) refer to
 * shared/reference/windows-behaviour.md.
 *
 * Rules common to every code (F183, F185, F189):
 *  - without an overlapped structure, lpcbBytesReturned NULL is WSAEFAULT;
 *  - an input or output buffer shorter than the code needs is WSAEFAULT,
 *    *lpcbBytesReturned untouched;
 *  - a code nobody here knows is WSAEOPNOTSUPP with *lpcbBytesReturned 0.
 *
 * Overlapped WSAIoctl (lpOverlapped != NULL): as Windows, the call completes
 * through the overlapped structure (the event, or the completion routine)
 * even for codes that finish at once (F184, F185), and reports unsupported
 * codes as pending, then STATUS_NOT_SUPPORTED (F189). Other failures are
 * returned directly, the structure untouched.
 */
#include "wsp.h"
#include "overlapped.h"

#include <mstcpip.h>
#include <mswsock.h>
#include <ws2tcpip.h> /* SIO_GET_INTERFACE_LIST */
#include <string.h>

/* SIO_GET_EXTENSION_FUNCTION_POINTER: one line per extension function the
 * provider implements, e.g.
 *     {WSAID_ACCEPTEX, (void (*)(void))wsp__AcceptEx},
 * A GUID not listed is WSAEINVAL, as on Windows (F190). */
static const struct extension {
    GUID id;
    void (*fn)(void);
} extensions[] = {
    {WSAID_ACCEPTEX, (void (*)(void))wsp__AcceptEx},
    {WSAID_GETACCEPTEXSOCKADDRS, (void (*)(void))wsp__GetAcceptExSockaddrs},
    {WSAID_CONNECTEX, (void (*)(void))wsp__ConnectEx},
    {WSAID_DISCONNECTEX, (void (*)(void))wsp__DisconnectEx},
    {WSAID_WSARECVMSG, (void (*)(void))wsp__WSARecvMsg},
    {WSAID_WSASENDMSG, (void (*)(void))wsp__WSASendMsg},
    {WSAID_TRANSMITFILE, (void (*)(void))wsp__TransmitFile},
    {WSAID_TRANSMITPACKETS, (void (*)(void))wsp__TransmitPackets},
};

static int find_extension(const GUID *id, void (**fn)(void)) {
    for (size_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
        if (extensions[i].fn && memcmp(&extensions[i].id, id, sizeof *id) == 0) {
            *fn = extensions[i].fn;
            return 1;
        }
    return 0;
}

/* Bytes of normal data waiting. Neither Windows (F186) nor Linux counts an
 * urgent byte kept out of line; both count it with SO_OOBINLINE. On a
 * datagram socket Linux gives the next datagram's size where Windows gives
 * all queued bytes: no kernel interface has that total (its counters are
 * buffer memory), and walking the queue with SO_PEEK_OFF would disturb
 * other MSG_PEEK receives and consume a pending ICMP error. Documented as
 * a difference (README; test_ioctl.c). */
int wsp__fionread(wsp__sock *so, u_long *avail) {
    uint32_t n = 0;
    if (so->type == SOCK_STREAM && atomic_load(&so->state) == WSP__S_LISTENING) {
        *avail = 0;
        return 0;
    }
    int err = sys__fionread(so->fd, &n);
    if (err == WSAEINVAL) /* a listener, as the kernel sees it */
        n = 0, err = 0;
    if (err)
        return err;
    *avail = n;
    return 0;
}

/* F187: TRUE when no urgent data waits out of line. With SO_OOBINLINE the
 * urgent byte is ordinary data and the answer stays TRUE. */
static int atmark(wsp__sock *so, u_long *out) {
    int at_mark = 1;
    if (so->type == SOCK_STREAM) {
        int err = sys__atmark(so->fd, &at_mark);
        if (err)
            return err;
        if (!at_mark && wsp__oobinline(so))
            at_mark = 1;
    }
    *out = at_mark ? 1 : 0;
    return 0;
}

/* SIO_KEEPALIVE_VALS: on/off, then idle time and interval in milliseconds;
 * Linux counts in seconds (rounded up, at least 1). */
static int keepalive_vals(wsp__sock *so, const struct tcp_keepalive *k) {
    int on = k->onoff != 0;
    int err = sys__setsockopt(so->fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    if (err || !on)
        return err;
    int idle = (int)((k->keepalivetime + 999) / 1000), intvl = (int)((k->keepaliveinterval + 999) / 1000);
    if (idle < 1)
        idle = 1;
    if (intvl < 1)
        intvl = 1;
    if ((err = sys__setsockopt(so->fd, IPPROTO_TCP, 3 /* TCP_KEEPALIVE */, &idle, sizeof idle)) != 0)
        return err;
    return sys__setsockopt(so->fd, IPPROTO_TCP, 17 /* TCP_KEEPINTVL */, &intvl, sizeof intvl);
}

int WSPAPI wsp__WSPIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer,
                         DWORD cbOutBuffer, LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                         LPINT lpErrno) {
    wsp__sock *so = wsp__sock_get(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    DWORD scratch = 0;
    if (!lpcbBytesReturned) {
        if (!lpOverlapped) {
            wsp__sock_put(so);
            *lpErrno = WSAEFAULT; /* F183, F185 */
            return SOCKET_ERROR;
        }
        lpcbBytesReturned = &scratch;
    }
    int err = 0;
    DWORD bytes = 0;
    switch (dwIoControlCode) {
    case FIONBIO: {
        u_long on;
        if (!lpvInBuffer || cbInBuffer < sizeof on) {
            err = WSAEFAULT; /* F183: in-length 3 */
            break;
        }
        memcpy(&on, lpvInBuffer, sizeof on);
        /* Making the socket blocking while WSAEventSelect/WSAAsyncSelect is
         * in effect is WSAEINVAL (F151). The descriptor stays O_NONBLOCK;
         * the I/O paths read this mode. */
        if (!on && wsp__evsel_active(so)) {
            err = WSAEINVAL;
            break;
        }
        atomic_store(&so->nonblocking, on != 0);
        break; /* F183: 0 bytes returned */
    }
    case FIONREAD:
    case SIOCATMARK: {
        u_long v = 0;
        if (!lpvOutBuffer || cbOutBuffer < sizeof v) {
            err = WSAEFAULT; /* F185 */
            break;
        }
        err = dwIoControlCode == FIONREAD ? wsp__fionread(so, &v) : atmark(so, &v);
        if (!err) {
            memcpy(lpvOutBuffer, &v, sizeof v);
            bytes = sizeof v;
        }
        break;
    }
    case SIO_GET_EXTENSION_FUNCTION_POINTER: {
        GUID id;
        void (*fn)(void) = NULL;
        if (!lpvInBuffer || cbInBuffer < sizeof id || !lpvOutBuffer || cbOutBuffer < sizeof fn) {
            err = WSAEFAULT;
            break;
        }
        memcpy(&id, lpvInBuffer, sizeof id);
        if (!find_extension(&id, &fn)) {
            err = WSAEINVAL; /* F190: size untouched */
            break;
        }
        memcpy(lpvOutBuffer, &fn, sizeof fn);
        bytes = sizeof fn;
        break;
    }
    case SIO_EXT_SENDMSG:
        /* WSASendMsg as WS2_32 hands it to the provider: its arguments,
         * its WSAOVERLAPPED included, in a WSASENDMSG block; the call's own
         * lpOverlapped is not used. */
        if (!lpvInBuffer || cbInBuffer < sizeof(WSASENDMSG)) {
            err = WSAEFAULT;
            break;
        }
        err = wsp__ext_sendmsg(so, (const WSASENDMSG *)lpvInBuffer, lpThreadId);
        *lpcbBytesReturned = 0;
        wsp__sock_put(so);
        if (err) {
            *lpErrno = err;
            return SOCKET_ERROR;
        }
        return 0;
    case SIO_BASE_HANDLE:
    case SIO_BSP_HANDLE:
    case SIO_BSP_HANDLE_SELECT:
    case SIO_BSP_HANDLE_POLL:
        /* This is the base provider: its socket is the base handle (F191). */
        if (!lpvOutBuffer || cbOutBuffer < sizeof s) {
            err = WSAEFAULT;
            break;
        }
        memcpy(lpvOutBuffer, &s, sizeof s);
        bytes = sizeof s;
        break;
    case SIO_KEEPALIVE_VALS: {
        struct tcp_keepalive k;
        if (!lpvInBuffer || cbInBuffer < sizeof k) {
            *lpcbBytesReturned = 0;
            err = WSAEFAULT; /* F188: size set to 0 */
            break;
        }
        memcpy(&k, lpvInBuffer, sizeof k);
        err = so->type == SOCK_STREAM ? keepalive_vals(so, &k) : WSAEOPNOTSUPP;
        break;
    }
    case SIO_GET_INTERFACE_LIST:
    case SIO_ADDRESS_LIST_QUERY:
    case SIO_ROUTING_INTERFACE_QUERY: /* ifaces.c */
        err = wsp__iface_ioctl(so, dwIoControlCode, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer, &bytes,
                               lpcbBytesReturned);
        break;
    case SIO_ADDRESS_LIST_CHANGE: /* addrchange.c: completes later, or now with an error */
        err = wsp__addrchange_ioctl(so, lpOverlapped, lpCompletionRoutine, lpThreadId);
        wsp__sock_put(so);
        *lpcbBytesReturned = 0;
        if (err) {
            *lpErrno = err;
            return SOCKET_ERROR;
        }
        return 0;
    case SIO_MULTIPOINT_LOOPBACK:
    case SIO_MULTICAST_SCOPE: /* multipoint.c */
        err = wsp__multipoint_ioctl(so, dwIoControlCode, lpvInBuffer, cbInBuffer);
        break;
    default:
        *lpcbBytesReturned = 0;
        err = WSAEOPNOTSUPP; /* F189 */
        break;
    }
    if (!err)
        *lpcbBytesReturned = bytes;
    wsp__sock_put(so);
    if (lpOverlapped && (!err || err == WSAEOPNOTSUPP) &&
        !(dwIoControlCode == SIO_GET_EXTENSION_FUNCTION_POINTER && err)) {
        /* F117, F184, F185: done at once, and completed through the
         * structure all the same; F189: an unknown code is pending, then
         * completes with STATUS_NOT_SUPPORTED. */
        wsp__ovl_complete_on(s, lpOverlapped, lpCompletionRoutine, lpThreadId, err, bytes, 0);
        if (err)
            err = WSA_IO_PENDING;
    }
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}
