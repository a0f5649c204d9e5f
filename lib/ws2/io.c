/*
 * Connections and data: bind, listen, accept, connect, send, recv and their
 * WSA forms, shutdown, the names, WSASendDisconnect / WSARecvDisconnect.
 * Each is thin: check the session, look the handle up, call the provider's
 * WSP function, set the thread's last error. Every call of a program crosses
 * this path, so it stays one handle lookup and one indirect call.
 */
#include "ws2.h"

/* A completion routine runs on the thread that asked: the provider is told
 * which thread that is (WPUOpenCurrentThread), as WS2_32 does. The id is
 * the dispatcher's for the length of the call (thread_done closes it); a
 * provider that keeps it past the call takes a reference of its own. */
static inline LPWSATHREADID thread_for(LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid) {
    int ignored;
    if (!routine || WPUOpenCurrentThread(tid, &ignored) != 0)
        return NULL;
    return tid;
}

static inline void thread_done(LPWSATHREADID tid) {
    int ignored;
    if (tid)
        WPUCloseThread(tid, &ignored);
}

int WSAAPI bind(SOCKET s, const struct sockaddr *name, int namelen) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPBind(s, name, namelen, &err);
    return ws2__result(s, r, err);
}

int WSAAPI listen(SOCKET s, int backlog) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err); /* F81: WSAENOTSOCK for 0 and junk */
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPListen(s, backlog, &err);
    return ws2__result(s, r, err);
}

SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen, LPCONDITIONPROC lpfnCondition,
                        DWORD_PTR dwCallbackData) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p) {
        ws2__fail(err);
        return INVALID_SOCKET;
    }
    SOCKET n = p->procs.lpWSPAccept(s, addr, addrlen, lpfnCondition, dwCallbackData, &err);
    ws2__handle_put(s);
    if (n == INVALID_SOCKET) {
        ws2__fail(err);
        return INVALID_SOCKET;
    }
    /* API calls on it go to the listener's provider (the top of its chain). */
    return ws2__adopt(n, p);
}

SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *addrlen) {
    return WSAAccept(s, addr, addrlen, NULL, 0);
}

int WSAAPI WSAConnect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF lpCallerData,
                      LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPConnect(s, name, namelen, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, &err);
    return ws2__result(s, r, err);
}

int WSAAPI connect(SOCKET s, const struct sockaddr *name, int namelen) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPConnect(s, name, namelen, NULL, NULL, NULL, NULL, &err);
    return ws2__result(s, r, err);
}

int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                   LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err); /* F87 */
    if (!p)
        return ws2__fail(err);
    WSATHREADID tid;
    LPWSATHREADID t = thread_for(lpCompletionRoutine, &tid);
    int r = p->procs.lpWSPSend(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpOverlapped,
                               lpCompletionRoutine, t, &err);
    thread_done(t);
    return ws2__result(s, r, err);
}

int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                     const struct sockaddr *lpTo, int iTolen, LPWSAOVERLAPPED lpOverlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err); /* F88 */
    if (!p)
        return ws2__fail(err);
    WSATHREADID tid;
    LPWSATHREADID t = thread_for(lpCompletionRoutine, &tid);
    int r = p->procs.lpWSPSendTo(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpTo, iTolen,
                                 lpOverlapped, lpCompletionRoutine, t, &err);
    thread_done(t);
    return ws2__result(s, r, err);
}

int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                   LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    WSATHREADID tid;
    LPWSATHREADID t = thread_for(lpCompletionRoutine, &tid);
    int r = p->procs.lpWSPRecv(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpOverlapped,
                               lpCompletionRoutine, t, &err);
    thread_done(t);
    return ws2__result(s, r, err);
}

int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                       LPDWORD lpFlags, struct sockaddr *lpFrom, LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    WSATHREADID tid;
    LPWSATHREADID t = thread_for(lpCompletionRoutine, &tid);
    int r = p->procs.lpWSPRecvFrom(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpFrom, lpFromlen,
                                   lpOverlapped, lpCompletionRoutine, t, &err);
    thread_done(t);
    return ws2__result(s, r, err);
}

/* send/recv/sendto/recvfrom: one WSABUF over the caller's buffer. A
 * negative length is WSAEFAULT (F109). */

int WSAAPI send(SOCKET s, const char *buf, int len, int flags) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    if (len < 0)
        return ws2__result(s, SOCKET_ERROR, WSAEFAULT);
    WSABUF b = {(ULONG)len, (char *)buf};
    DWORD sent = 0;
    int r = p->procs.lpWSPSend(s, &b, 1, &sent, (DWORD)flags, NULL, NULL, NULL, &err);
    return ws2__result(s, r == SOCKET_ERROR ? r : (int)sent, err);
}

int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to, int tolen) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    if (len < 0)
        return ws2__result(s, SOCKET_ERROR, WSAEFAULT);
    WSABUF b = {(ULONG)len, (char *)buf};
    DWORD sent = 0;
    int r = p->procs.lpWSPSendTo(s, &b, 1, &sent, (DWORD)flags, to, tolen, NULL, NULL, NULL, &err);
    return ws2__result(s, r == SOCKET_ERROR ? r : (int)sent, err);
}

int WSAAPI recv(SOCKET s, char *buf, int len, int flags) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    if (len < 0)
        return ws2__result(s, SOCKET_ERROR, WSAEFAULT);
    WSABUF b = {(ULONG)len, buf};
    DWORD got = 0, fl = (DWORD)flags;
    int r = p->procs.lpWSPRecv(s, &b, 1, &got, &fl, NULL, NULL, NULL, &err);
    return ws2__result(s, r == SOCKET_ERROR ? r : (int)got, err);
}

int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    if (len < 0)
        return ws2__result(s, SOCKET_ERROR, WSAEFAULT);
    WSABUF b = {(ULONG)len, buf};
    DWORD got = 0, fl = (DWORD)flags;
    int r = p->procs.lpWSPRecvFrom(s, &b, 1, &got, &fl, from, fromlen, NULL, NULL, NULL, &err);
    return ws2__result(s, r == SOCKET_ERROR ? r : (int)got, err);
}

int WSAAPI shutdown(SOCKET s, int how) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPShutdown(s, how, &err);
    return ws2__result(s, r, err);
}

int WSAAPI WSASendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPSendDisconnect(s, lpOutboundDisconnectData, &err);
    return ws2__result(s, r, err);
}

int WSAAPI WSARecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPRecvDisconnect(s, lpInboundDisconnectData, &err);
    return ws2__result(s, r, err);
}

int WSAAPI getsockname(SOCKET s, struct sockaddr *name, int *namelen) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPGetSockName(s, name, namelen, &err);
    return ws2__result(s, r, err);
}

int WSAAPI getpeername(SOCKET s, struct sockaddr *name, int *namelen) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err); /* F90: the handle before the pointers */
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPGetPeerName(s, name, namelen, &err);
    return ws2__result(s, r, err);
}
