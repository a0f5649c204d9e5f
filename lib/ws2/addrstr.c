/*
 * WSAStringToAddressA/W and WSAAddressToStringA/W: as WS2_32 does, pick the
 * catalog entry (the one lpProtocolInfo names, else the first of the
 * family) and let its provider's WSPStringToAddress / WSPAddressToString do
 * the work. The A forms go through the W ones.
 */
#include "ws2.h"

#include <stdlib.h>
#include <string.h>

/* The provider for an address family, with the entry's protocol info;
 * 0 or the WSA code. No provider for the family is WSAEINVAL, as the
 * reference pages say ("no transport provider supports the indicated
 * address family"). */
static int pick(int af, const WSAPROTOCOL_INFOW *info, ws2__provider **p, WSAPROTOCOL_INFOW *copy) {
    ws2__entry *e = NULL;
    if (info) {
        if (!(e = ws2__catalog_find(info->dwCatalogEntryId)))
            return WSAEINVAL;
    } else {
        for (int i = 0; i < ws2__catalog_count() && !e; i++) {
            ws2__entry *c = ws2__catalog_at(i);
            if (c->info.iAddressFamily == af && c->info.ProtocolChain.ChainLen != LAYERED_PROTOCOL)
                e = c;
        }
        if (!e)
            return WSAEINVAL;
    }
    int err = ws2__provider_get(e, p);
    if (!err)
        *copy = info ? *info : e->info;
    return err;
}

INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                               LPSOCKADDR lpAddress, LPINT lpAddressLength) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    if (!lpAddressLength)
        return ws2__fail(WSAEFAULT);
    ws2__provider *p;
    WSAPROTOCOL_INFOW info;
    if ((err = pick(AddressFamily, lpProtocolInfo, &p, &info)) != 0)
        return ws2__fail(err);
    if (p->procs.lpWSPStringToAddress(AddressString, AddressFamily, &info, lpAddress, lpAddressLength, &err) ==
        SOCKET_ERROR)
        return ws2__fail(err);
    return 0;
}

INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                               LPSOCKADDR lpAddress, LPINT lpAddressLength) {
    WSAPROTOCOL_INFOW infow, *pinfo = NULL;
    if (lpProtocolInfo) {
        ws2__info_a_to_w(lpProtocolInfo, &infow);
        pinfo = &infow;
    }
    if (!AddressString)
        return WSAStringToAddressW(NULL, AddressFamily, pinfo, lpAddress, lpAddressLength);
    size_t n = strlen(AddressString) + 1;
    WCHAR small[128], *w = n <= 128 ? small : malloc(n * sizeof(WCHAR));
    if (!w)
        return ws2__fail(WSA_NOT_ENOUGH_MEMORY);
    ws2__a_to_w(AddressString, w, n);
    INT r = WSAStringToAddressW(w, AddressFamily, pinfo, lpAddress, lpAddressLength);
    if (w != small)
        free(w);
    return r;
}

INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                               LPWSTR lpszAddressString, LPDWORD lpdwAddressStringLength) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    if (!lpsaAddress || !lpdwAddressStringLength || dwAddressLength < sizeof(lpsaAddress->sa_family))
        return ws2__fail(WSAEFAULT);
    ws2__provider *p;
    WSAPROTOCOL_INFOW info;
    if ((err = pick(lpsaAddress->sa_family, lpProtocolInfo, &p, &info)) != 0)
        return ws2__fail(err);
    if (p->procs.lpWSPAddressToString(lpsaAddress, dwAddressLength, &info, lpszAddressString,
                                      lpdwAddressStringLength, &err) == SOCKET_ERROR)
        return ws2__fail(err);
    return 0;
}

INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                               LPSTR lpszAddressString, LPDWORD lpdwAddressStringLength) {
    WSAPROTOCOL_INFOW infow, *pinfo = NULL;
    if (lpProtocolInfo) {
        ws2__info_a_to_w(lpProtocolInfo, &infow);
        pinfo = &infow;
    }
    if (!lpdwAddressStringLength)
        return WSAAddressToStringW(lpsaAddress, dwAddressLength, pinfo, NULL, NULL);
    /* The provider writes UTF-16; the A caller's length counts bytes. */
    WCHAR w[256];
    DWORD wlen = sizeof w / sizeof w[0];
    if (WSAAddressToStringW(lpsaAddress, dwAddressLength, pinfo, w, &wlen) == SOCKET_ERROR)
        return SOCKET_ERROR;
    char a[sizeof w / sizeof w[0] * 3];
    ws2__w_to_a(w, a, sizeof a);
    DWORD need = (DWORD)strlen(a) + 1;
    if (!lpszAddressString || *lpdwAddressStringLength < need) {
        *lpdwAddressStringLength = need; /* F264 */
        return ws2__fail(WSAEFAULT);
    }
    memcpy(lpszAddressString, a, need);
    *lpdwAddressStringLength = need;
    return 0;
}
