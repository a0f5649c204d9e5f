/* WSADuplicateSocketA/W and WSAJoinLeaf: look up, call down (the socket's
 * provider: the top of its chain), set the error. The sharing itself is
 * the provider's (provider/share.c, docs/sharing.md); the target process
 * gets its socket from WSASocket with the structure (socket.c). */
#include "ws2.h"

int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOW lpProtocolInfo) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    ws2__socket *so = ws2__handle_get(s);
    if (!so || !so->provider) {
        if (so)
            ws2__handle_put(s);
        return ws2__fail(WSAENOTSOCK); /* F86, F280: the socket is checked first */
    }
    int r = so->provider->procs.lpWSPDuplicateSocket(s, dwProcessId, lpProtocolInfo, &err);
    ws2__handle_put(s);
    if (r == SOCKET_ERROR)
        return ws2__fail(err);
    WSASetLastError(0);
    return 0;
}

int WSAAPI WSADuplicateSocketA(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOA lpProtocolInfo) {
    WSAPROTOCOL_INFOW w;
    /* NULL goes down as NULL, so the provider's order of checks holds. */
    int r = WSADuplicateSocketW(s, dwProcessId, lpProtocolInfo ? &w : NULL);
    if (r == 0)
        ws2__info_w_to_a(&w, lpProtocolInfo);
    return r;
}

SOCKET WSAAPI WSAJoinLeaf(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF lpCallerData,
                          LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS, DWORD dwFlags) {
    int err = ws2__enter();
    if (err) {
        ws2__fail(err);
        return INVALID_SOCKET;
    }
    ws2__socket *so = ws2__handle_get(s);
    if (!so || !so->provider) {
        if (so)
            ws2__handle_put(s);
        ws2__fail(WSAENOTSOCK);
        return INVALID_SOCKET;
    }
    ws2__provider *p = so->provider;
    SOCKET n = p->procs.lpWSPJoinLeaf(s, name, namelen, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, dwFlags,
                                      &err);
    ws2__handle_put(s);
    if (n == INVALID_SOCKET) {
        ws2__fail(err);
        return INVALID_SOCKET;
    }
    if (n != s) /* a c_root's new c_leaf socket: API calls go to the same provider */
        return ws2__adopt(n, p);
    WSASetLastError(0);
    return n;
}
