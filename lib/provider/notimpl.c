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

static int WSPAPI n_CancelBlockingCall(LPINT lpErrno) { NOTIMPL(SOCKET_ERROR); }
static BOOL WSPAPI n_GetOverlappedResult(SOCKET s, LPWSAOVERLAPPED o, LPDWORD t, BOOL w, LPDWORD f,
                                         LPINT lpErrno) {
    (void)s, (void)o, (void)t, (void)w, (void)f;
    NOTIMPL(FALSE);
}
static BOOL WSPAPI n_GetQOSByName(SOCKET s, LPWSABUF n, LPQOS q, LPINT lpErrno) {
    (void)s, (void)n, (void)q;
    NOTIMPL(FALSE);
}

void wsp__fill_notimpl(WSPPROC_TABLE *t) {
    t->lpWSPCancelBlockingCall = n_CancelBlockingCall;
    t->lpWSPGetOverlappedResult = n_GetOverlappedResult;
    t->lpWSPGetQOSByName = n_GetQOSByName;
}
