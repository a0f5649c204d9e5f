/*
 * The Microsoft extension functions handed out by
 * SIO_GET_EXTENSION_FUNCTION_POINTER (ioctl.c's table): AcceptEx,
 * GetAcceptExSockaddrs, ConnectEx, DisconnectEx, WSARecvMsg, WSASendMsg
 * (TransmitFile and TransmitPackets: transmit.c). A program calls
 * them directly, not through the dispatcher, so, as mswsock.dll does on
 * Windows, they look the socket up themselves and set the thread's last
 * error (the one place in the provider that calls WSASetLastError).
 *
 * AcceptEx's buffer: the first data (dwReceiveDataLength bytes), then the
 * local address area, then the remote one; each area holds an int length
 * followed by the address, which is why each must be 16 bytes more than the
 * largest address (GetAcceptExSockaddrs reads them back).
 *
 * Fact ids (F...) refer to shared/reference/windows-behaviour.md.
 */
#include "overlapped.h"
#include "io.h"

#include <string.h>

static BOOL fail(int err) {
    WSASetLastError(err);
    return FALSE;
}

static int addr_size(int af) {
    return af == AF_INET6 ? (int)sizeof(SOCKADDR_IN6) : af == AF_INET ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(u_short);
}

static BOOL result(int err, LPDWORD bytes_out, DWORD bytes) {
    if (err == 0) {
        if (bytes_out)
            *bytes_out = bytes;
        WSASetLastError(0);
        return TRUE;
    }
    return fail(err); /* WSA_IO_PENDING included */
}

BOOL WINAPI wsp__AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                          DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived,
                          LPOVERLAPPED lpOverlapped) {
    int err;
    if (lpOverlapped)
        lpOverlapped->Internal = WSS_OPERATION_IN_PROGRESS; /* F92: even when it fails */
    wsp__sock *l = wsp__sock_get_other(sListenSocket, &err);
    if (!l)
        return fail(WSAENOTSOCK);
    wsp__sock *a = wsp__sock_get_other(sAcceptSocket, &err);
    if (!a) {
        wsp__sock_put(l);
        return fail(WSAENOTSOCK);
    }
    int need = (int)sizeof(int) + addr_size(l->af);
    DWORD bytes = 0;
    if (!lpOverlapped)
        err = WSA_INVALID_PARAMETER; /* F217 */
    else if (!lpOutputBuffer || !dwRemoteAddressLength)
        err = WSAEFAULT;
    else if ((int)dwRemoteAddressLength < need || (dwLocalAddressLength && (int)dwLocalAddressLength < need))
        err = WSAEFAULT; /* Windows fails these at completion (STATUS_BUFFER_TOO_SMALL) */
    else if (atomic_load(&l->state) != WSP__S_LISTENING)
        err = WSAEINVAL;
    else if (a->type != SOCK_STREAM || a->af != l->af || atomic_load(&a->state) != WSP__S_NEW ||
             atomic_load(&a->ovl_queued[0]))
        err = WSAEINVAL; /* UDP, bound, connected, already pending (F217) */
    else
        err = wsp__ovl_accept(l, a, lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength,
                              dwRemoteAddressLength, lpOverlapped, &bytes);
    wsp__sock_put(a);
    wsp__sock_put(l);
    return result(err, lpdwBytesReceived, bytes);
}

VOID WINAPI wsp__GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
                                      DWORD dwRemoteAddressLength, struct sockaddr **LocalSockaddr,
                                      LPINT LocalSockaddrLength, struct sockaddr **RemoteSockaddr,
                                      LPINT RemoteSockaddrLength) {
    char *p = (char *)lpOutputBuffer + dwReceiveDataLength;
    if (dwLocalAddressLength >= sizeof(int)) {
        memcpy(LocalSockaddrLength, p, sizeof(int));
        *LocalSockaddr = (struct sockaddr *)(p + sizeof(int));
    } else {
        *LocalSockaddrLength = 0;
        *LocalSockaddr = NULL;
    }
    p += dwLocalAddressLength;
    (void)dwRemoteAddressLength;
    memcpy(RemoteSockaddrLength, p, sizeof(int));
    *RemoteSockaddr = (struct sockaddr *)(p + sizeof(int));
}

BOOL WINAPI wsp__ConnectEx(SOCKET s, const struct sockaddr *name, int namelen, PVOID lpSendBuffer,
                           DWORD dwSendDataLength, LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped) {
    int err;
    if (lpOverlapped)
        lpOverlapped->Internal = WSS_OPERATION_IN_PROGRESS;
    wsp__sock *so = wsp__sock_get_other(s, &err);
    if (!so)
        return fail(WSAENOTSOCK);
    DWORD bytes = 0;
    int st = atomic_load(&so->state);
    if (!lpOverlapped)
        err = WSA_INVALID_PARAMETER; /* F220 */
    else if (!name || namelen < addr_size(so->af))
        err = WSAEFAULT;
    else if (so->type != SOCK_STREAM)
        err = WSAEINVAL;
    else if (st == WSP__S_CONNECTED)
        err = WSAEISCONN; /* F218 */
    else if (st != WSP__S_BOUND)
        err = WSAEINVAL; /* F212, F219, F220: unbound, listening, connecting */
    else {
        atomic_store(&so->connect_tolen, -1); /* F219: connect.c answers differently while it is pending */
        err = wsp__ovl_connect(so, name, namelen, lpSendBuffer, lpSendBuffer ? dwSendDataLength : 0, lpOverlapped,
                               &bytes);
    }
    wsp__sock_put(so);
    return result(err, lpdwBytesSent, bytes);
}

/* F232: a shutdown of the sending side, completed at once; with
 * TF_REUSE_SOCKET the socket is then renewed (reuse.c), ready for AcceptEx
 * or, once bound, ConnectEx. If it cannot be, the call fails and the
 * socket is left as without the flag. */
BOOL WINAPI wsp__DisconnectEx(SOCKET s, LPOVERLAPPED lpOverlapped, DWORD dwFlags, DWORD dwReserved) {
    int err;
    wsp__sock *so = wsp__sock_get_other(s, &err);
    if (!so)
        return fail(WSAENOTSOCK);
    if (dwReserved || (dwFlags & ~(DWORD)TF_REUSE_SOCKET))
        err = WSAEINVAL;
    else if (atomic_load(&so->state) != WSP__S_CONNECTED && !(atomic_load(&so->state) == WSP__S_CONNECTING &&
                                                               wsp__connect_settled(so)))
        err = WSAENOTCONN;
    else if ((err = sys__shutdown(so->fd, SD_SEND)) == WSAENOTCONN)
        err = 0;
    if (!err) {
        if (!(dwFlags & TF_REUSE_SOCKET) || (err = wsp__sock_reuse(so)) != 0)
            atomic_fetch_or(&so->shut, 2); /* F232 (or no new socket could be had) */
        if (!err && lpOverlapped)
            wsp__ovl_complete_on(s, lpOverlapped, NULL, NULL, 0, 0, 0);
    }
    wsp__sock_put(so);
    return result(err, NULL, 0);
}

INT WINAPI wsp__WSARecvMsg(SOCKET s, LPWSAMSG lpMsg, LPDWORD lpdwNumberOfBytesRecvd, LPWSAOVERLAPPED lpOverlapped,
                           LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int err;
    wsp__sock *so = wsp__sock_get_other(s, &err);
    if (!so) {
        WSASetLastError(WSAENOTSOCK);
        return SOCKET_ERROR;
    }
    DWORD bytes = 0, flags = 0;
    WSATHREADID tid, *tidp = NULL;
    if (!lpMsg)
        err = WSAEFAULT; /* F241 */
    else if (!lpOverlapped && !lpdwNumberOfBytesRecvd)
        err = WSAEFAULT;
    else if (so->type == SOCK_STREAM)
        err = WSAEINVAL;
    else if (atomic_load(&so->state) == WSP__S_NEW)
        err = WSAEINVAL; /* unbound: nothing would ever come (F222) */
    else if (!lpOverlapped) {
        /* Synchronous: as recvfrom, with the control data. */
        wsp__timer t = {atomic_load(&so->rcvtimeo), 0};
        for (;;) {
            size_t got = 0, ctl = lpMsg->Control.buf ? lpMsg->Control.len : 0;
            int fo = 0;
            err = sys__recvmsg(so->fd, (const sys_wbuf_t *)lpMsg->lpBuffers, lpMsg->dwBufferCount,
                               (int)lpMsg->dwFlags, lpMsg->name, lpMsg->name ? &lpMsg->namelen : NULL,
                               ctl ? lpMsg->Control.buf : NULL, ctl ? &ctl : NULL, &got, &fo);
            if (err == WSAEWOULDBLOCK && (err = wsp__would_block(so, WSP__WAIT_READ, &t, NULL)) == 0)
                continue;
            if (!err || err == WSAEMSGSIZE) {
                bytes = (DWORD)got;
                lpMsg->Control.len = (ULONG)ctl;
                lpMsg->dwFlags = (DWORD)fo;
            }
            break;
        }
    } else {
        if (lpCompletionRoutine && wsp__upcalls.lpWPUOpenCurrentThread(&tid, &err) == 0)
            tidp = &tid;
        flags = lpMsg->dwFlags;
        err = wsp__ovl_recv(so, lpMsg->lpBuffers, lpMsg->dwBufferCount, &flags, lpMsg->name,
                            lpMsg->name ? &lpMsg->namelen : NULL, lpMsg,
                            lpOverlapped, lpCompletionRoutine, tidp, &bytes);
        if (tidp)
            wsp__upcalls.lpWPUCloseThread(tidp, &(int){0});
    }
    wsp__sock_put(so);
    if (err && err != WSAEMSGSIZE) {
        WSASetLastError(err);
        return SOCKET_ERROR;
    }
    if (lpdwNumberOfBytesRecvd)
        *lpdwNumberOfBytesRecvd = bytes;
    if (err) {
        WSASetLastError(err);
        return SOCKET_ERROR;
    }
    WSASetLastError(0);
    return 0;
}

/* ---- WSASendMsg ---- */

/* F240: an unbound datagram socket is bound (as a send would bind it) even
 * when the call then fails for want of a byte count. */
static void implicit_bind(wsp__sock *so) {
    SOCKADDR_STORAGE any;
    memset(&any, 0, sizeof any);
    any.ss_family = (ADDRESS_FAMILY)so->af;
    int len = so->af == AF_INET6 ? (int)sizeof(SOCKADDR_IN6) : (int)sizeof(SOCKADDR_IN);
    if ((so->af == AF_INET || so->af == AF_INET6) && atomic_load(&so->state) == WSP__S_NEW &&
        sys__bind(so->fd, &any, len) == 0)
        atomic_compare_exchange_strong(&so->state, &(int){WSP__S_NEW}, WSP__S_BOUND);
}

/* WSASendMsg as WS2_32 hands it down (SIO_EXT_SENDMSG) and as the
 * extension pointer calls it: a datagram send with a destination and
 * control data (IP_PKTINFO, IPV6_PKTINFO: lib/sys/cmsg.c). */
int wsp__ext_sendmsg(wsp__sock *so, const WSASENDMSG *a, LPWSATHREADID tid) {
    LPWSAMSG m = a->lpMsg;
    DWORD bytes = 0;
    int err;
    if (!m)
        return WSAEFAULT; /* F240: and no implicit bind */
    if (so->type == SOCK_STREAM)
        return WSAEINVAL; /* F240 */
    if (!a->lpOverlapped && !a->lpNumberOfBytesSent) {
        implicit_bind(so);
        return WSAEFAULT; /* F240 */
    }
    if ((m->dwBufferCount && !m->lpBuffers) || (m->Control.len && !m->Control.buf))
        return WSAEFAULT;
    if (atomic_load(&so->shut) & 2)
        return WSAESHUTDOWN;
    if (wsp__bcast_refused(so, m->name, m->name ? m->namelen : 0))
        return WSAEACCES; /* F238 (broadcast.c) */
    const void *ctl = m->Control.len ? m->Control.buf : NULL;
    if (a->lpOverlapped && (so->flags & WSA_FLAG_OVERLAPPED)) {
        err = wsp__ovl_sendmsg(so, m->lpBuffers, m->dwBufferCount, a->dwFlags, m->name, m->name ? m->namelen : 0,
                               ctl, m->Control.len, a->lpOverlapped, a->lpCompletionRoutine, tid, &bytes);
    } else {
        wsp__timer t = {atomic_load(&so->sndtimeo), 0};
        size_t sent = 0;
        while ((err = sys__sendmsg(so->fd, (const sys_wbuf_t *)m->lpBuffers, m->dwBufferCount, (int)a->dwFlags,
                                   m->name, m->name ? m->namelen : 0, ctl, m->Control.len, &sent)) == WSAEWOULDBLOCK &&
               (err = wsp__would_block(so, WSP__WAIT_WRITE, &t, NULL)) == 0)
            ;
        bytes = (DWORD)sent;
        if (!err && a->lpOverlapped) /* F47: a non-overlapped socket completes it at once */
            wsp__ovl_complete_now(a->lpOverlapped, a->lpCompletionRoutine, tid, 0, bytes, 0);
    }
    if (err == WSAEWOULDBLOCK)
        wsp__evsel_reenable(so, FD_WRITE);
    if (!err || err == WSA_IO_PENDING) /* F239 */
        atomic_compare_exchange_strong(&so->state, &(int){WSP__S_NEW}, WSP__S_BOUND);
    if (!err && a->lpNumberOfBytesSent)
        *a->lpNumberOfBytesSent = bytes;
    return err;
}

INT WSAAPI wsp__WSASendMsg(SOCKET s, LPWSAMSG lpMsg, DWORD dwFlags, LPDWORD lpNumberOfBytesSent,
                           LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int err;
    wsp__sock *so = wsp__sock_get_other(s, &err);
    if (!so) {
        WSASetLastError(WSAENOTSOCK); /* F89 */
        return SOCKET_ERROR;
    }
    WSATHREADID tid, *tidp = NULL;
    if (lpOverlapped && lpCompletionRoutine && wsp__upcalls.lpWPUOpenCurrentThread(&tid, &err) == 0)
        tidp = &tid;
    WSASENDMSG a = {lpMsg, dwFlags, lpNumberOfBytesSent, lpOverlapped, lpCompletionRoutine};
    err = wsp__ext_sendmsg(so, &a, tidp);
    if (tidp)
        wsp__upcalls.lpWPUCloseThread(tidp, &(int){0});
    wsp__sock_put(so);
    WSASetLastError(err);
    return err ? SOCKET_ERROR : 0;
}

/* mswsock.dll exports these two by name as well. */
BOOL WINAPI AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
                     DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived,
                     LPOVERLAPPED lpOverlapped) {
    return wsp__AcceptEx(sListenSocket, sAcceptSocket, lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength,
                         dwRemoteAddressLength, lpdwBytesReceived, lpOverlapped);
}

VOID WINAPI GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
                                 DWORD dwRemoteAddressLength, struct sockaddr **LocalSockaddr, LPINT LocalSockaddrLength,
                                 struct sockaddr **RemoteSockaddr, LPINT RemoteSockaddrLength) {
    wsp__GetAcceptExSockaddrs(lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength, dwRemoteAddressLength,
                              LocalSockaddr, LocalSockaddrLength, RemoteSockaddr, RemoteSockaddrLength);
}
