/*
 * The protocol catalog: an ordered list of entries, ids from 1001 as on
 * Windows. The embedded default is the base provider's entries with the
 * values Windows' own base entries carry (../shared/reference/windows-catalog.md).
 * Installed catalogs (a file) come with the layered-provider work.
 */
#include "ws2.h"
#include "common/fault.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CATALOG_ID 1001

static ws2__entry *entries;
static int n_entries;

/* Entries installed with WSCInstallProvider, kept for the life of the
 * process (a catalog file comes with the layered-provider work). A running
 * session sees them from its next first WSAStartup, as a fresh catalog. */
static ws2__entry *installed;
static int n_installed;
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

/* Provider GUIDs of Windows' base entries, so that code comparing them works. */
static const GUID guid_tcpip = {0xe70f1aa0, 0xab8b, 0x11cf, {0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}};
static const GUID guid_tcpip6 = {0xf9eab0c0, 0x26d4, 0x11d0, {0xbb, 0xbf, 0x00, 0xaa, 0x00, 0x6c, 0x34, 0xe4}};
static const GUID guid_afunix = {0xa00943d9, 0x9c2e, 0x4633, {0x9b, 0x59, 0x00, 0x57, 0xa3, 0x16, 0x09, 0x94}};

#define XP1_STREAM (XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE | \
                    XP1_EXPEDITED_DATA | XP1_IFS_HANDLES)                     /* 0x20066 */
#define XP1_DGRAM (XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_SUPPORT_BROADCAST | \
                   XP1_SUPPORT_MULTIPOINT | XP1_IFS_HANDLES)                  /* 0x20609 */
#define XP1_UNIX (XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE | \
                  XP1_IFS_HANDLES)                                            /* 0x20026 */

static const struct base_row {
    const GUID *provider;
    int af, type, protocol, max_offset;
    DWORD service_flags, provider_flags;
    int max_addr, min_addr;
    DWORD message_size;
    const char *name;
} base_rows[] = {
    {&guid_tcpip, AF_INET, SOCK_STREAM, IPPROTO_TCP, 0, XP1_STREAM, PFL_MATCHES_PROTOCOL_ZERO, 16, 16, 0,
     "ws2posix Tcpip [TCP/IP]"},
    {&guid_tcpip, AF_INET, SOCK_DGRAM, IPPROTO_UDP, 0, XP1_DGRAM, PFL_MATCHES_PROTOCOL_ZERO, 16, 16, 0xffbb,
     "ws2posix Tcpip [UDP/IP]"},
    {&guid_tcpip, AF_INET, SOCK_RAW, 0, 255, XP1_DGRAM, PFL_MATCHES_PROTOCOL_ZERO | PFL_HIDDEN, 16, 16, 0x8000,
     "ws2posix Tcpip [RAW/IP]"},
    {&guid_tcpip6, AF_INET6, SOCK_STREAM, IPPROTO_TCP, 0, XP1_STREAM, PFL_MATCHES_PROTOCOL_ZERO, 28, 28, 0,
     "ws2posix Tcpip [TCP/IPv6]"},
    {&guid_tcpip6, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, 0, XP1_DGRAM, PFL_MATCHES_PROTOCOL_ZERO, 28, 28, 0xffbb,
     "ws2posix Tcpip [UDP/IPv6]"},
    {&guid_tcpip6, AF_INET6, SOCK_RAW, 0, 255, XP1_DGRAM, PFL_MATCHES_PROTOCOL_ZERO | PFL_HIDDEN, 28, 28, 0x8000,
     "ws2posix Tcpip [RAW/IPv6]"},
    /* Windows 10's AF_UNIX entry: stream only, no expedited data. */
    {&guid_afunix, AF_UNIX, SOCK_STREAM, 0, 0, XP1_UNIX, PFL_MATCHES_PROTOCOL_ZERO, 110, 2, 0,
     "ws2posix AF_UNIX"},
};

const char *ws2__base_provider_path(void);

int ws2__catalog_load(void) {
    size_t n = sizeof base_rows / sizeof base_rows[0];
    pthread_mutex_lock(&store_lock);
    entries = W2P_FAULT_ALLOC() ? NULL : calloc(n + (size_t)n_installed, sizeof *entries);
    if (!entries) {
        pthread_mutex_unlock(&store_lock);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    for (int i = 0; i < n_installed; i++) {
        entries[n + (size_t)i] = installed[i];
        atomic_init(&entries[n + (size_t)i].provider, NULL);
    }
    n_entries = (int)n + n_installed;
    pthread_mutex_unlock(&store_lock);
    const char *path = ws2__base_provider_path();
    for (size_t i = 0; i < n; i++) {
        const struct base_row *r = &base_rows[i];
        WSAPROTOCOL_INFOW *p = &entries[i].info;
        p->dwServiceFlags1 = r->service_flags;
        p->dwProviderFlags = r->provider_flags;
        p->ProviderId = *r->provider;
        p->dwCatalogEntryId = FIRST_CATALOG_ID + (DWORD)i;
        p->ProtocolChain.ChainLen = BASE_PROTOCOL;
        p->ProtocolChain.ChainEntries[0] = p->dwCatalogEntryId;
        p->iVersion = 2;
        p->iAddressFamily = r->af;
        p->iMaxSockAddr = r->max_addr;
        p->iMinSockAddr = r->min_addr;
        p->iSocketType = r->type;
        p->iProtocol = r->protocol;
        p->iProtocolMaxOffset = r->max_offset;
        p->iNetworkByteOrder = BIGENDIAN;
        p->iSecurityScheme = SECURITY_PROTOCOL_NONE;
        p->dwMessageSize = r->message_size;
        ws2__a_to_w(r->name, p->szProtocol, WSAPROTOCOL_LEN + 1);
        ws2__a_to_w(path, entries[i].path, WS2__PATH_MAX);
        atomic_init(&entries[i].provider, NULL);
    }
    return 0;
}

void ws2__catalog_unload(void) {
    free(entries);
    entries = NULL;
    n_entries = 0;
}

int ws2__catalog_count(void) { return n_entries; }
ws2__entry *ws2__catalog_at(int index) { return index >= 0 && index < n_entries ? &entries[index] : NULL; }

ws2__entry *ws2__catalog_find(DWORD catalog_id) {
    for (int i = 0; i < n_entries; i++)
        if (entries[i].info.dwCatalogEntryId == catalog_id)
            return &entries[i];
    return NULL;
}

static BOOL protocol_matches(const WSAPROTOCOL_INFOW *p, int protocol) {
    if (protocol == 0)
        return (p->dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO) != 0;
    return protocol >= p->iProtocol && protocol <= p->iProtocol + p->iProtocolMaxOffset;
}

/*
 * WSASocket's choice without a WSAPROTOCOL_INFO. The order of the checks is
 * Windows': af and protocol both 0 is WSAEINVAL whatever the type; then a type
 * no entry has, then a family no entry has, then no entry matching the triple
 * (a known protocol on the wrong type included) is WSAEPROTONOSUPPORT.
 */
int ws2__catalog_choose(int af, int type, int protocol, ws2__entry **out) {
    if (af == 0 && protocol == 0)
        return WSAEINVAL;
    BOOL type_known = type == 0, af_known = af == 0;
    for (int i = 0; i < n_entries; i++) {
        type_known |= entries[i].info.iSocketType == type;
        af_known |= entries[i].info.iAddressFamily == af;
    }
    if (!type_known)
        return WSAESOCKTNOSUPPORT;
    if (!af_known)
        return WSAEAFNOSUPPORT;
    for (int i = 0; i < n_entries; i++) {
        const WSAPROTOCOL_INFOW *p = &entries[i].info;
        if ((af == 0 || p->iAddressFamily == af) && (type == 0 || p->iSocketType == type) &&
            p->ProtocolChain.ChainLen != LAYERED_PROTOCOL && protocol_matches(p, protocol)) {
            *out = &entries[i];
            return 0;
        }
    }
    return WSAEPROTONOSUPPORT;
}

/* ---- enumeration ---- */

static BOOL wanted(const WSAPROTOCOL_INFOW *p, const INT *filter) {
    if (!filter)
        return TRUE;
    for (; *filter; filter++)
        if (*filter == p->iProtocol)
            return TRUE;
    return FALSE;
}

/* Windows' buffer protocol shared by the three enumerators: count, report the
 * needed size with WSAENOBUFS if it does not fit, else copy. */
static int enumerate(const INT *filter, void *buffer, LPDWORD length, BOOL hidden_too, BOOL ansi,
                     int *err) {
    if (!length) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    size_t size = ansi ? sizeof(WSAPROTOCOL_INFOA) : sizeof(WSAPROTOCOL_INFOW);
    DWORD count = 0;
    for (int i = 0; i < n_entries; i++) {
        const WSAPROTOCOL_INFOW *p = &entries[i].info;
        if ((hidden_too || !(p->dwProviderFlags & PFL_HIDDEN)) && wanted(p, filter))
            count++;
    }
    DWORD needed = (DWORD)(count * size);
    if (!buffer || *length < needed) {
        *length = needed;
        *err = WSAENOBUFS;
        return SOCKET_ERROR;
    }
    DWORD k = 0;
    for (int i = 0; i < n_entries; i++) {
        const WSAPROTOCOL_INFOW *p = &entries[i].info;
        if (!((hidden_too || !(p->dwProviderFlags & PFL_HIDDEN)) && wanted(p, filter)))
            continue;
        if (ansi)
            ws2__info_w_to_a(p, (WSAPROTOCOL_INFOA *)buffer + k);
        else
            ((WSAPROTOCOL_INFOW *)buffer)[k] = *p;
        k++;
    }
    return (int)count;
}

int WSAAPI WSAEnumProtocolsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                             LPDWORD lpdwBufferLength) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    int r = enumerate(lpiProtocols, lpProtocolBuffer, lpdwBufferLength, FALSE, FALSE, &err);
    return r == SOCKET_ERROR ? ws2__fail(err) : r;
}

int WSAAPI WSAEnumProtocolsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                             LPDWORD lpdwBufferLength) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    int r = enumerate(lpiProtocols, lpProtocolBuffer, lpdwBufferLength, FALSE, TRUE, &err);
    return r == SOCKET_ERROR ? ws2__fail(err) : r;
}

/* The configuration call sees hidden entries too, and needs no WSAStartup:
 * without one it reads the embedded default. */
int WSPAPI WSCEnumProtocols(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                            LPDWORD lpdwBufferLength, LPINT lpErrno) {
    int err = 0;
    if (!lpErrno)
        return SOCKET_ERROR;
    BOOL temporary = n_entries == 0;
    if (temporary && (err = ws2__catalog_load()) != 0) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    int r = enumerate(lpiProtocols, lpProtocolBuffer, lpdwBufferLength, TRUE, FALSE, &err);
    if (temporary)
        ws2__catalog_unload();
    if (r == SOCKET_ERROR)
        *lpErrno = err;
    return r;
}

static size_t wlen(const WCHAR *w) {
    size_t n = 0;
    while (w[n])
        n++;
    return n;
}

int WSPAPI WSCGetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
                              LPINT lpErrno) {
    if (!lpErrno)
        return SOCKET_ERROR;
    if (!lpProviderId || !lpProviderDllPathLen) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (*lpProviderDllPathLen < 0) {
        *lpErrno = WSAEINVAL;
        return SOCKET_ERROR;
    }
    BOOL temporary = n_entries == 0;
    if (temporary && ws2__catalog_load() != 0) {
        *lpErrno = WSA_NOT_ENOUGH_MEMORY;
        return SOCKET_ERROR;
    }
    int r = SOCKET_ERROR;
    *lpErrno = WSAEINVAL; /* no entry has this provider */
    for (int i = 0; i < n_entries; i++) {
        if (memcmp(&entries[i].info.ProviderId, lpProviderId, sizeof(GUID)) != 0)
            continue;
        int needed = (int)wlen(entries[i].path) + 1;
        if (!lpszProviderDllPath || *lpProviderDllPathLen < needed) {
            *lpProviderDllPathLen = needed;
            *lpErrno = WSAEFAULT;
        } else {
            memcpy(lpszProviderDllPath, entries[i].path, (size_t)needed * sizeof(WCHAR));
            *lpProviderDllPathLen = needed;
            *lpErrno = 0;
            r = 0;
        }
        break;
    }
    if (temporary)
        ws2__catalog_unload();
    return r;
}

/* ---- installing providers ---- */

static DWORD next_catalog_id(void) {
    DWORD id = FIRST_CATALOG_ID + (DWORD)(sizeof base_rows / sizeof base_rows[0]);
    for (int i = 0; i < n_installed; i++)
        if (installed[i].info.dwCatalogEntryId >= id)
            id = installed[i].info.dwCatalogEntryId + 1;
    return id;
}

static BOOL guid_known(const GUID *g) {
    for (size_t i = 0; i < sizeof base_rows / sizeof base_rows[0]; i++)
        if (!memcmp(base_rows[i].provider, g, sizeof *g))
            return TRUE;
    for (int i = 0; i < n_installed; i++)
        if (!memcmp(&installed[i].info.ProviderId, g, sizeof *g))
            return TRUE;
    return FALSE;
}

/* Each entry gets the next catalog id and the provider's GUID; a base
 * protocol's chain names itself, as Windows numbers them. The provider path
 * must be absolute: a catalog is code every Winsock program loads. */
int WSPAPI WSCInstallProvider(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                              const LPWSAPROTOCOL_INFOW lpProtocolInfoList, DWORD dwNumberOfEntries,
                              LPINT lpErrno) {
    if (!lpErrno)
        return SOCKET_ERROR;
    if (!lpProviderId || !lpszProviderDllPath || !lpProtocolInfoList) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    size_t len = 0;
    while (lpszProviderDllPath[len])
        len++;
    if (dwNumberOfEntries == 0 || dwNumberOfEntries > 64 || len == 0 || len >= WS2__PATH_MAX ||
        lpszProviderDllPath[0] != '/') {
        *lpErrno = WSAEINVAL;
        return SOCKET_ERROR;
    }
    pthread_mutex_lock(&store_lock);
    if (guid_known(lpProviderId)) {
        pthread_mutex_unlock(&store_lock);
        *lpErrno = WSAEINVAL; /* this provider is installed already */
        return SOCKET_ERROR;
    }
    ws2__entry *grown = realloc(installed, ((size_t)n_installed + dwNumberOfEntries) * sizeof *grown);
    if (!grown) {
        pthread_mutex_unlock(&store_lock);
        *lpErrno = WSA_NOT_ENOUGH_MEMORY;
        return SOCKET_ERROR;
    }
    installed = grown;
    for (DWORD i = 0; i < dwNumberOfEntries; i++) {
        ws2__entry *e = &installed[n_installed];
        memset(e, 0, sizeof *e);
        e->info = lpProtocolInfoList[i];
        e->info.ProviderId = *lpProviderId;
        e->info.dwCatalogEntryId = next_catalog_id();
        if (e->info.ProtocolChain.ChainLen == BASE_PROTOCOL)
            e->info.ProtocolChain.ChainEntries[0] = e->info.dwCatalogEntryId;
        memcpy(e->path, lpszProviderDllPath, (len + 1) * sizeof(WCHAR));
        n_installed++;
    }
    pthread_mutex_unlock(&store_lock);
    return 0;
}

int WSPAPI WSCDeinstallProvider(LPGUID lpProviderId, LPINT lpErrno) {
    if (!lpErrno)
        return SOCKET_ERROR;
    if (!lpProviderId) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    pthread_mutex_lock(&store_lock);
    int kept = 0, removed = 0;
    for (int i = 0; i < n_installed; i++) {
        if (!memcmp(&installed[i].info.ProviderId, lpProviderId, sizeof(GUID)))
            removed++;
        else
            installed[kept++] = installed[i];
    }
    n_installed = kept;
    if (n_installed == 0) {
        free(installed);
        installed = NULL;
    }
    pthread_mutex_unlock(&store_lock);
    if (!removed) {
        *lpErrno = WSAEINVAL; /* no such provider */
        return SOCKET_ERROR;
    }
    return 0;
}

/* Windows offers this for 64-bit installers writing both catalogs; there is
 * one catalog here. */
int WSPAPI WSCInstallProvider64_32(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                                   const LPWSAPROTOCOL_INFOW lpProtocolInfoList, DWORD dwNumberOfEntries,
                                   LPINT lpErrno) {
    return WSCInstallProvider(lpProviderId, lpszProviderDllPath, lpProtocolInfoList, dwNumberOfEntries, lpErrno);
}
