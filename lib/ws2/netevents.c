/*
 * Network events: WSAEventSelect, WSAEnumNetworkEvents and WSAAsyncSelect.
 * Thin, as the rest of the API: look the handle up, call the provider's
 * WSPEventSelect / WSPEnumNetworkEvents / WSPAsyncSelect, set the error.
 * The provider signals the event through WPUSetEvent and posts window
 * messages through WPUPostMessage (messages.c holds the windows).
 */
#include "ws2.h"
#include "messages.h"

static ws2__provider *lookup(SOCKET s, int *err) {
    if ((*err = ws2__enter()) != 0)
        return NULL;
    ws2__socket *so = ws2__handle_get(s);
    if (!so) {
        *err = WSAENOTSOCK;
        return NULL;
    }
    if (!so->provider) {
        ws2__handle_put(s);
        *err = WSAENOTSOCK;
        return NULL;
    }
    return so->provider;
}

static int result(SOCKET s, int r, int err) {
    ws2__handle_put(s);
    if (r == SOCKET_ERROR)
        return ws2__fail(err);
    WSASetLastError(0);
    return 0;
}

int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents) {
    int err;
    ws2__provider *p = lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPEventSelect(s, hEventObject, lNetworkEvents, &err);
    return result(s, r, err);
}

int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents) {
    int err;
    ws2__provider *p = lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    int r = p->procs.lpWSPEnumNetworkEvents(s, hEventObject, lpNetworkEvents, &err);
    return result(s, r, err);
}

int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, LONG lEvent) {
    int err;
    ws2__provider *p = lookup(s, &err);
    if (!p)
        return ws2__fail(err);
    /* Messages need a window to go to (w2p_CreateMessageWindow). */
    if (lEvent && !ws2__window_valid(hWnd)) {
        ws2__handle_put(s);
        return ws2__fail(WSAEINVAL);
    }
    int r = p->procs.lpWSPAsyncSelect(s, hWnd, wMsg, lEvent, &err);
    return result(s, r, err);
}
