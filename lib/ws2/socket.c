/* WSASocket / socket / closesocket: choosing the catalog entry and its
 * provider as WS2_32 does, then handing over to the provider's WSPSocket. */
#include "ws2.h"

SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g,
                         DWORD dwFlags) {
    int err = ws2__enter();
    ws2__entry *e = NULL;
    if (err)
        goto fail;
    if (lpProtocolInfo) {
        /* The structure names its entry; af, type and protocol stay as given
         * (0 and FROM_PROTOCOL_INFO are resolved by the provider). */
        e = ws2__catalog_find(lpProtocolInfo->dwCatalogEntryId);
        if (!e) {
            err = WSAEINVAL;
            goto fail;
        }
    } else {
        if ((err = ws2__catalog_choose(af, type, protocol, &e)) != 0)
            goto fail;
        lpProtocolInfo = &e->info;
    }
    ws2__provider *p;
    if ((err = ws2__provider_get(e, &p)) != 0)
        goto fail;
    /* The provider reads lpProtocolInfo; a copy keeps the catalog intact. */
    WSAPROTOCOL_INFOW info = *lpProtocolInfo;
    SOCKET s = p->procs.lpWSPSocket(af, type, protocol, &info, g, dwFlags, &err);
    if (s == INVALID_SOCKET)
        goto fail;
    return ws2__adopt(s, p);
fail:
    ws2__fail(err);
    return INVALID_SOCKET;
}

SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo, GROUP g,
                         DWORD dwFlags) {
    if (!lpProtocolInfo)
        return WSASocketW(af, type, protocol, NULL, g, dwFlags);
    WSAPROTOCOL_INFOW w;
    ws2__info_a_to_w(lpProtocolInfo, &w);
    return WSASocketW(af, type, protocol, &w, g, dwFlags);
}

SOCKET ws2__adopt(SOCKET n, ws2__provider *p) {
    ws2__socket *so = ws2__handle_get(n);
    if (!so) {
        /* A provider must return a handle made through the upcalls. */
        int ignored;
        p->procs.lpWSPCloseSocket(n, &ignored);
        ws2__fail(WSAEPROVIDERFAILEDINIT);
        return INVALID_SOCKET;
    }
    so->provider = p;
    ws2__handle_put(n);
    WSASetLastError(0);
    return n;
}

/* socket() sockets have the overlapped attribute, as on Windows, unless the
 * thread set SO_OPENTYPE (F47). */
SOCKET WSAAPI socket(int af, int type, int protocol) {
    return WSASocketW(af, type, protocol, NULL, 0, ws2__opentype() ? 0 : WSA_FLAG_OVERLAPPED);
}

/* Retire the handle (later calls get WSAENOTSOCK at once), then let the
 * provider close, holding a reference so the provider can still look its
 * socket up through the upcalls. */
int ws2__close(SOCKET s) {
    ws2__socket *so = ws2__handle_get(s);
    if (!so)
        return WSAENOTSOCK;
    int err = 0;
    if (!so->provider || !ws2__handle_close(s))
        err = WSAENOTSOCK;
    else if (so->provider->procs.lpWSPCloseSocket(s, &err) != SOCKET_ERROR)
        err = 0;
    ws2__handle_put(s);
    return err;
}

int WSAAPI closesocket(SOCKET s) {
    int err = ws2__enter();
    if (!err)
        err = ws2__close(s);
    return err ? ws2__fail(err) : 0;
}
