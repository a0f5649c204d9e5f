/*
 * The dispatcher's side of overlapped I/O: WSAGetOverlappedResult (look up,
 * call the provider's WSPGetOverlappedResult, set the error) and the upcall
 * WPUCompleteOverlappedRequest, which WS2_32 exports by name (it is not in
 * the upcall table) for providers whose handles are not IFS handles.
 */
#include "ws2.h"
#include "events.h"
#include "iocp.h"
#include "provider/overlapped.h"

BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer, BOOL fWait,
                                   LPDWORD lpdwFlags) {
    int err = ws2__enter();
    if (err) {
        ws2__fail(err);
        return FALSE;
    }
    ws2__socket *so = ws2__handle_get(s);
    if (!so || !so->provider) { /* F91 */
        if (so)
            ws2__handle_put(s);
        ws2__fail(WSAENOTSOCK);
        return FALSE;
    }
    ws2__provider *p = so->provider;
    /* The provider may wait (fWait): the handle is not held meanwhile, so a
     * closesocket from another thread goes ahead and completes the request. */
    ws2__handle_put(s);
    BOOL r = p->procs.lpWSPGetOverlappedResult(s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags, &err);
    if (!r) {
        ws2__fail(err);
        return FALSE;
    }
    WSASetLastError(0); /* F118: 0, as Windows before 1809 */
    return TRUE;
}

/* For a handle made with WPUCreateSocketHandle only (WSAEINVAL otherwise):
 * InternalHigh gets the byte count, then Internal the status (never again
 * WSS_OPERATION_IN_PROGRESS), then the event is signalled. Offset and
 * OffsetHigh are the provider's: layered providers keep the flags and the
 * error there for their own WSPGetOverlappedResult. A handle bound to a
 * completion port gets its packet there. */
int WSPAPI WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED lpOverlapped, DWORD dwError, DWORD cbTransferred,
                                        LPINT lpErrno) {
    ws2__socket *so = ws2__handle_get(s);
    if (!so || so->ifs) {
        if (so)
            ws2__handle_put(s);
        *lpErrno = WSAEINVAL;
        return SOCKET_ERROR;
    }
    ws2__handle_put(s);
    if (!lpOverlapped) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    /* hEvent's low bit (no completion-port packet) is read while the
     * structure is still the layer's. */
    BOOL packet = !((uintptr_t)lpOverlapped->hEvent & 1);
    HANDLE event = wsp__ovl_complete_request(lpOverlapped, (int)dwError, cbTransferred);
    if (event)
        ws2__event_set(event); /* a closed event: nothing to signal */
    if (packet)
        ws2__iocp_post(s, lpOverlapped, wsp__ovl_status((int)dwError), cbTransferred);
    return 0;
}
