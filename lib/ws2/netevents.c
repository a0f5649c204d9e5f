/*
 * Network events: WSAEventSelect, WSAEnumNetworkEvents and WSAAsyncSelect.
 * Thin, as the rest of the API: look the handle up, call the provider's
 * WSPEventSelect / WSPEnumNetworkEvents / WSPAsyncSelect, set the error.
 * The provider signals the event through WPUSetEvent and posts window
 * messages through WPUPostMessage (messages.c holds the windows).
 */
#include "ws2.h"
#include "messages.h"

int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPEventSelect(s, hEventObject, lNetworkEvents, &err);
    return ws2__result(s, r, err);
}

int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPEnumNetworkEvents(s, hEventObject, lpNetworkEvents, &err);
    return ws2__result(s, r, err);
}

int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, LONG lEvent) {
    int err;
    ws2__provider *p = ws2__lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    /* Messages need a window to go to (w2p_CreateMessageWindow). */
    if (lEvent && !ws2__window_valid(hWnd)) {
        ws2__handle_put(s);
        return ws2__fail(WSAEINVAL);
    }
    int r = p->procs.lpWSPAsyncSelect(s, hWnd, wMsg, lEvent, &err);
    return ws2__result(s, r, err);
}
