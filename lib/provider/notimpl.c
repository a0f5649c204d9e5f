/*
 * Every WSP entry point the base provider does not implement yet: each says
 * WSAEOPNOTSUPP through lpErrno (the README's status table lists them), so
 * that the proc table is complete and nothing is left NULL.
 */
#include "wsp.h"

#define NOTIMPL(ret) \
    do {             \
        *lpErrno = WSAEOPNOTSUPP; \
        return ret;  \
    } while (0)

static SOCKET WSPAPI n_Accept(SOCKET s, struct sockaddr *a, LPINT l, LPCONDITIONPROC c, DWORD_PTR d, LPINT lpErrno) {
    (void)s, (void)a, (void)l, (void)c, (void)d;
    NOTIMPL(INVALID_SOCKET);
}
static int WSPAPI n_AsyncSelect(SOCKET s, HWND h, unsigned int m, LONG e, LPINT lpErrno) {
    (void)s, (void)h, (void)m, (void)e;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_Bind(SOCKET s, const struct sockaddr *n, int l, LPINT lpErrno) {
    (void)s, (void)n, (void)l;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_CancelBlockingCall(LPINT lpErrno) { NOTIMPL(SOCKET_ERROR); }
static int WSPAPI n_Connect(SOCKET s, const struct sockaddr *n, int l, LPWSABUF c1, LPWSABUF c2, LPQOS q1,
                            LPQOS q2, LPINT lpErrno) {
    (void)s, (void)n, (void)l, (void)c1, (void)c2, (void)q1, (void)q2;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_EnumNetworkEvents(SOCKET s, WSAEVENT e, LPWSANETWORKEVENTS n, LPINT lpErrno) {
    (void)s, (void)e, (void)n;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_EventSelect(SOCKET s, WSAEVENT e, LONG n, LPINT lpErrno) {
    (void)s, (void)e, (void)n;
    NOTIMPL(SOCKET_ERROR);
}
static BOOL WSPAPI n_GetOverlappedResult(SOCKET s, LPWSAOVERLAPPED o, LPDWORD t, BOOL w, LPDWORD f,
                                         LPINT lpErrno) {
    (void)s, (void)o, (void)t, (void)w, (void)f;
    NOTIMPL(FALSE);
}
static int WSPAPI n_GetPeerName(SOCKET s, struct sockaddr *n, LPINT l, LPINT lpErrno) {
    (void)s, (void)n, (void)l;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_GetSockName(SOCKET s, struct sockaddr *n, LPINT l, LPINT lpErrno) {
    (void)s, (void)n, (void)l;
    NOTIMPL(SOCKET_ERROR);
}
static BOOL WSPAPI n_GetQOSByName(SOCKET s, LPWSABUF n, LPQOS q, LPINT lpErrno) {
    (void)s, (void)n, (void)q;
    NOTIMPL(FALSE);
}
static int WSPAPI n_Listen(SOCKET s, int b, LPINT lpErrno) {
    (void)s, (void)b;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_Recv(SOCKET s, LPWSABUF b, DWORD n, LPDWORD r, LPDWORD f, LPWSAOVERLAPPED o,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE c, LPWSATHREADID t, LPINT lpErrno) {
    (void)s, (void)b, (void)n, (void)r, (void)f, (void)o, (void)c, (void)t;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_RecvDisconnect(SOCKET s, LPWSABUF d, LPINT lpErrno) {
    (void)s, (void)d;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_RecvFrom(SOCKET s, LPWSABUF b, DWORD n, LPDWORD r, LPDWORD f, struct sockaddr *a, LPINT al,
                             LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE c, LPWSATHREADID t,
                             LPINT lpErrno) {
    (void)s, (void)b, (void)n, (void)r, (void)f, (void)a, (void)al, (void)o, (void)c, (void)t;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_Send(SOCKET s, LPWSABUF b, DWORD n, LPDWORD r, DWORD f, LPWSAOVERLAPPED o,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE c, LPWSATHREADID t, LPINT lpErrno) {
    (void)s, (void)b, (void)n, (void)r, (void)f, (void)o, (void)c, (void)t;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_SendDisconnect(SOCKET s, LPWSABUF d, LPINT lpErrno) {
    (void)s, (void)d;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_SendTo(SOCKET s, LPWSABUF b, DWORD n, LPDWORD r, DWORD f, const struct sockaddr *a, int al,
                           LPWSAOVERLAPPED o, LPWSAOVERLAPPED_COMPLETION_ROUTINE c, LPWSATHREADID t,
                           LPINT lpErrno) {
    (void)s, (void)b, (void)n, (void)r, (void)f, (void)a, (void)al, (void)o, (void)c, (void)t;
    NOTIMPL(SOCKET_ERROR);
}
static int WSPAPI n_Shutdown(SOCKET s, int h, LPINT lpErrno) {
    (void)s, (void)h;
    NOTIMPL(SOCKET_ERROR);
}

void wsp__fill_notimpl(WSPPROC_TABLE *t) {
    t->lpWSPAccept = n_Accept;
    t->lpWSPAsyncSelect = n_AsyncSelect;
    t->lpWSPBind = n_Bind;
    t->lpWSPCancelBlockingCall = n_CancelBlockingCall;
    t->lpWSPConnect = n_Connect;
    t->lpWSPEnumNetworkEvents = n_EnumNetworkEvents;
    t->lpWSPEventSelect = n_EventSelect;
    t->lpWSPGetOverlappedResult = n_GetOverlappedResult;
    t->lpWSPGetPeerName = n_GetPeerName;
    t->lpWSPGetSockName = n_GetSockName;
    t->lpWSPGetQOSByName = n_GetQOSByName;
    t->lpWSPListen = n_Listen;
    t->lpWSPRecv = n_Recv;
    t->lpWSPRecvDisconnect = n_RecvDisconnect;
    t->lpWSPRecvFrom = n_RecvFrom;
    t->lpWSPSend = n_Send;
    t->lpWSPSendDisconnect = n_SendDisconnect;
    t->lpWSPSendTo = n_SendTo;
    t->lpWSPShutdown = n_Shutdown;
}
