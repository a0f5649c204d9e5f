/*
 * The protocol catalog: an ordered list of entries, ids from 1001 as on
 * Windows. The embedded default is the base provider's entries with the
 * values Windows' own base entries carry (../shared/reference/windows-catalog.md).
 * Installed entries live in the catalog file (catalog_file.c); a session
 * reads it at its first WSAStartup, the WSC* calls read it each time and
 * change it under the file's lock.
 */
#include "ws2.h"
#include "common/fault.h"

#include <sporder.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CATALOG_ID 1001

/* The session's catalog, as read at its first WSAStartup. */
static ws2__entry *entries;
static int n_entries;

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

#define N_BASE ((int)(sizeof base_rows / sizeof base_rows[0]))

const char *ws2__base_provider_path(void);

BOOL ws2__catalog_base_entry(DWORD id, ws2__entry *out) {
    if (id < FIRST_CATALOG_ID || id >= FIRST_CATALOG_ID + (DWORD)N_BASE)
        return FALSE;
    const struct base_row *r = &base_rows[id - FIRST_CATALOG_ID];
    memset(out, 0, sizeof *out);
    WSAPROTOCOL_INFOW *p = &out->info;
    p->dwServiceFlags1 = r->service_flags;
    p->dwProviderFlags = r->provider_flags;
    p->ProviderId = *r->provider;
    p->dwCatalogEntryId = id;
    p->ProtocolChain.ChainLen = BASE_PROTOCOL;
    p->ProtocolChain.ChainEntries[0] = id;
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
    ws2__a_to_w(ws2__base_provider_path(), out->path, WS2__PATH_MAX);
    out->builtin = TRUE;
    atomic_init(&out->provider, NULL);
    return TRUE;
}

int ws2__catalog_default(ws2__image *img) {
    img->entries = W2P_FAULT_ALLOC() ? NULL : calloc((size_t)N_BASE, sizeof *img->entries);
    if (!img->entries)
        return WSA_NOT_ENOUGH_MEMORY;
    for (int i = 0; i < N_BASE; i++)
        ws2__catalog_base_entry(FIRST_CATALOG_ID + (DWORD)i, &img->entries[i]);
    img->count = N_BASE;
    img->next_id = FIRST_CATALOG_ID + (DWORD)N_BASE;
    return 0;
}

/* The first WSAStartup of a session reads the catalog. A catalog that
 * cannot be trusted or read fails the startup (WSASYSNOTREADY, the network
 * subsystem is not usable) rather than silently running without the
 * providers the user installed. */
int ws2__catalog_load(void) {
    ws2__image img;
    int err = ws2__catfile_load(&img);
    if (err)
        return err == WSA_NOT_ENOUGH_MEMORY ? err : WSASYSNOTREADY;
    entries = img.entries;
    n_entries = img.count;
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
 * WSASocket's choice without a WSAPROTOCOL_INFO: the first entry in catalog
 * order that matches, so a chain an installer ordered first intercepts.
 * Layered entries are never chosen (they are only usable inside a chain).
 * The order of the checks is Windows': af and protocol both 0 is WSAEINVAL
 * whatever the type; then a type no entry has, then a family no entry has,
 * then no entry matching the triple (a known protocol on the wrong type
 * included) is WSAEPROTONOSUPPORT.
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

static BOOL wanted(const WSAPROTOCOL_INFOW *p, const INT *filter, BOOL all) {
    /* WSAEnumProtocols reports base protocols and chains without
     * PFL_HIDDEN; layered entries (chain length 0) only WSCEnumProtocols. */
    if (!all && ((p->dwProviderFlags & PFL_HIDDEN) || p->ProtocolChain.ChainLen == LAYERED_PROTOCOL))
        return FALSE;
    if (!filter)
        return TRUE;
    for (; *filter; filter++)
        if (*filter == p->iProtocol)
            return TRUE;
    return FALSE;
}

/* Windows' buffer protocol shared by the three enumerators: count, report the
 * needed size with WSAENOBUFS if it does not fit, else copy. */
static int enumerate(const ws2__entry *list, int n, const INT *filter, void *buffer, LPDWORD length, BOOL all,
                     BOOL ansi, int *err) {
    if (!length) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    size_t size = ansi ? sizeof(WSAPROTOCOL_INFOA) : sizeof(WSAPROTOCOL_INFOW);
    DWORD count = 0;
    for (int i = 0; i < n; i++)
        count += wanted(&list[i].info, filter, all);
    DWORD needed = (DWORD)(count * size);
    if (!buffer || *length < needed) {
        *length = needed;
        *err = WSAENOBUFS;
        return SOCKET_ERROR;
    }
    DWORD k = 0;
    for (int i = 0; i < n; i++) {
        const WSAPROTOCOL_INFOW *p = &list[i].info;
        if (!wanted(p, filter, all))
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
    int r = enumerate(entries, n_entries, lpiProtocols, lpProtocolBuffer, lpdwBufferLength, FALSE, FALSE, &err);
    return r == SOCKET_ERROR ? ws2__fail(err) : r;
}

int WSAAPI WSAEnumProtocolsA(LPINT lpiProtocols, LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                             LPDWORD lpdwBufferLength) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    int r = enumerate(entries, n_entries, lpiProtocols, lpProtocolBuffer, lpdwBufferLength, FALSE, TRUE, &err);
    return r == SOCKET_ERROR ? ws2__fail(err) : r;
}

/* The configuration calls read the installed catalog as it is now (another
 * process may have changed it), see hidden and layered entries too, and
 * need no WSAStartup. */
int WSPAPI WSCEnumProtocols(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                            LPDWORD lpdwBufferLength, LPINT lpErrno) {
    if (!lpErrno)
        return SOCKET_ERROR;
    ws2__image img;
    int err = ws2__catfile_load(&img);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    int r = enumerate(img.entries, img.count, lpiProtocols, lpProtocolBuffer, lpdwBufferLength, TRUE, FALSE, &err);
    ws2__image_free(&img);
    if (r == SOCKET_ERROR)
        *lpErrno = err;
    return r;
}

/* One catalog on this system: the 32-bit view is the same. */
int WSPAPI WSCEnumProtocols32(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                              LPDWORD lpdwBufferLength, LPINT lpErrno) {
    return WSCEnumProtocols(lpiProtocols, lpProtocolBuffer, lpdwBufferLength, lpErrno);
}

static size_t wlen(const WCHAR *w) {
    size_t n = 0;
    while (w[n])
        n++;
    return n;
}

static int find_guid(const ws2__image *img, const GUID *g) {
    for (int i = 0; i < img->count; i++)
        if (!memcmp(&img->entries[i].info.ProviderId, g, sizeof *g))
            return i;
    return -1;
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
    ws2__image img;
    int err = ws2__catfile_load(&img);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    int r = SOCKET_ERROR;
    int i = find_guid(&img, lpProviderId);
    if (i < 0) {
        *lpErrno = WSAEINVAL; /* no entry has this provider */
    } else {
        const ws2__entry *e = &img.entries[i];
        int needed = (int)wlen(e->path) + 1;
        if (!lpszProviderDllPath || *lpProviderDllPathLen < needed) {
            *lpProviderDllPathLen = needed;
            *lpErrno = WSAEFAULT;
        } else {
            memcpy(lpszProviderDllPath, e->path, (size_t)needed * sizeof(WCHAR));
            *lpProviderDllPathLen = needed;
            *lpErrno = 0;
            r = 0;
        }
    }
    ws2__image_free(&img);
    return r;
}

int WSPAPI WSCGetProviderPath32(LPGUID lpProviderId, WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
                                LPINT lpErrno) {
    return WSCGetProviderPath(lpProviderId, lpszProviderDllPath, lpProviderDllPathLen, lpErrno);
}

/* ---- installing providers ---- */

static int find_id(const ws2__image *img, DWORD id) {
    for (int i = 0; i < img->count; i++)
        if (img->entries[i].info.dwCatalogEntryId == id)
            return i;
    return -1;
}

/* A provider path: absolute, printable, not too long. */
static int check_path(const WCHAR *w, size_t *len_out) {
    size_t len = 0;
    while (w[len]) {
        if (w[len] < 0x20 || len >= WS2__PATH_MAX - 1)
            return WSAEINVAL;
        len++;
    }
    if (len == 0 || w[0] != '/')
        return WSAEINVAL;
    *len_out = len;
    return 0;
}

/* A provider object that exists must be one only we or root could write. */
static int check_object(const WCHAR *w) {
    char path[WS2__PATH_MAX * 3], why[4400];
    ws2__w_to_a(w, path, sizeof path);
    int err = ws2__object_trusted(path, why, sizeof why);
    if (err == WSAEACCES) {
        ws2__object_report(why);
        return WSAEACCES;
    }
    return 0; /* missing objects are refused when loaded */
}

/* A chain names layered entries, then one base entry, all installed. */
static int check_chain(const ws2__image *img, const WSAPROTOCOL_INFOW *p) {
    int len = p->ProtocolChain.ChainLen;
    if (len < 0 || len > MAX_PROTOCOL_CHAIN)
        return WSAEINVAL;
    if (len < 2)
        return 0;
    for (int k = 0; k < len; k++) {
        int i = find_id(img, p->ProtocolChain.ChainEntries[k]);
        if (i < 0)
            return WSAEINVAL;
        int want = k == len - 1 ? BASE_PROTOCOL : LAYERED_PROTOCOL;
        if (img->entries[i].info.ProtocolChain.ChainLen != want)
            return WSAEINVAL;
    }
    return 0;
}

struct install_args {
    const GUID *guid;
    const WCHAR *path;
    size_t path_len;
    const WSAPROTOCOL_INFOW *list;
    DWORD n;
};

/* New entries go to the end of the catalog with the next ids, as Windows
 * numbers them; a base entry's chain names itself. An installer then puts
 * a chain first with WSCWriteProviderOrder. */
static int install_edit(ws2__image *img, void *arg) {
    const struct install_args *a = arg;
    if (find_guid(img, a->guid) >= 0)
        return WSAEINVAL; /* this provider is installed already */
    for (DWORD i = 0; i < a->n; i++)
        if (check_chain(img, &a->list[i]))
            return WSAEINVAL;
    ws2__entry *grown = realloc(img->entries, ((size_t)img->count + a->n) * sizeof *grown);
    if (!grown)
        return WSA_NOT_ENOUGH_MEMORY;
    img->entries = grown;
    for (DWORD i = 0; i < a->n; i++) {
        ws2__entry *e = &img->entries[img->count++];
        memset(e, 0, sizeof *e);
        e->info = a->list[i];
        e->info.ProviderId = *a->guid;
        e->info.dwCatalogEntryId = img->next_id++;
        if (e->info.ProtocolChain.ChainLen == BASE_PROTOCOL)
            e->info.ProtocolChain.ChainEntries[0] = e->info.dwCatalogEntryId;
        memcpy(e->path, a->path, (a->path_len + 1) * sizeof(WCHAR));
    }
    return 0;
}

/* Install and update check the same arguments, then edit the catalog file
 * under its lock. The provider path must be absolute: a catalog is code
 * every Winsock program loads. */
static int checked_edit(LPGUID id, const WCHAR *path, const LPWSAPROTOCOL_INFOW list, DWORD n, LPINT lpErrno,
                        int (*edit)(ws2__image *img, void *arg)) {
    if (!lpErrno)
        return SOCKET_ERROR;
    if (!id || !path || !list) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    struct install_args a = {id, path, 0, list, n};
    int err = check_path(path, &a.path_len);
    if (!err && (n == 0 || n > 64))
        err = WSAEINVAL;
    if (!err)
        err = check_object(path);
    if (!err)
        err = ws2__catfile_update(edit, &a);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}

int WSPAPI WSCInstallProvider(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                              const LPWSAPROTOCOL_INFOW lpProtocolInfoList, DWORD dwNumberOfEntries,
                              LPINT lpErrno) {
    return checked_edit(lpProviderId, lpszProviderDllPath, lpProtocolInfoList, dwNumberOfEntries, lpErrno,
                        install_edit);
}

/* Windows offers this for 64-bit installers writing both catalogs; there is
 * one catalog here. */
int WSPAPI WSCInstallProvider64_32(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                                   const LPWSAPROTOCOL_INFOW lpProtocolInfoList, DWORD dwNumberOfEntries,
                                   LPINT lpErrno) {
    return WSCInstallProvider(lpProviderId, lpszProviderDllPath, lpProtocolInfoList, dwNumberOfEntries, lpErrno);
}

/* Every entry of the provider goes; ids are never given again. The
 * embedded base entries stay (a reset of the catalog file restores them). */
static int deinstall_edit(ws2__image *img, void *arg) {
    const GUID *g = arg;
    int kept = 0, removed = 0;
    for (int i = 0; i < img->count; i++) {
        if (!memcmp(&img->entries[i].info.ProviderId, g, sizeof *g)) {
            if (img->entries[i].builtin)
                return WSAEINVAL;
            removed++;
        } else {
            img->entries[kept++] = img->entries[i];
        }
    }
    img->count = kept;
    return removed ? 0 : WSAEINVAL; /* no such provider */
}

int WSPAPI WSCDeinstallProvider(LPGUID lpProviderId, LPINT lpErrno) {
    if (!lpErrno)
        return SOCKET_ERROR;
    if (!lpProviderId) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    int err = ws2__catfile_update(deinstall_edit, lpProviderId);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}

int WSPAPI WSCDeinstallProvider32(LPGUID lpProviderId, LPINT lpErrno) {
    return WSCDeinstallProvider(lpProviderId, lpErrno);
}

/* WSCUpdateProvider: new WSAPROTOCOL_INFOW values and path for entries of
 * an installed provider, each named by its dwCatalogEntryId. The id, the
 * provider GUID and a base entry's own chain stay. */
static int update_edit(ws2__image *img, void *arg) {
    const struct install_args *a = arg;
    if (find_guid(img, a->guid) < 0)
        return WSAEINVAL;
    for (DWORD k = 0; k < a->n; k++) {
        int i = find_id(img, a->list[k].dwCatalogEntryId);
        if (i < 0 || memcmp(&img->entries[i].info.ProviderId, a->guid, sizeof(GUID)) || img->entries[i].builtin ||
            check_chain(img, &a->list[k]))
            return WSAEINVAL;
    }
    for (DWORD k = 0; k < a->n; k++) {
        ws2__entry *e = &img->entries[find_id(img, a->list[k].dwCatalogEntryId)];
        e->info = a->list[k];
        e->info.ProviderId = *a->guid;
        if (e->info.ProtocolChain.ChainLen == BASE_PROTOCOL)
            e->info.ProtocolChain.ChainEntries[0] = e->info.dwCatalogEntryId;
    }
    for (int i = 0; i < img->count; i++)
        if (!memcmp(&img->entries[i].info.ProviderId, a->guid, sizeof(GUID)))
            memcpy(img->entries[i].path, a->path, (a->path_len + 1) * sizeof(WCHAR));
    return 0;
}

int WSPAPI WSCUpdateProvider(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                             const LPWSAPROTOCOL_INFOW lpProtocolInfoList, DWORD dwNumberOfEntries,
                             LPINT lpErrno) {
    return checked_edit(lpProviderId, lpszProviderDllPath, lpProtocolInfoList, dwNumberOfEntries, lpErrno,
                        update_edit);
}

int WSPAPI WSCUpdateProvider32(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                               const LPWSAPROTOCOL_INFOW lpProtocolInfoList, DWORD dwNumberOfEntries,
                               LPINT lpErrno) {
    return WSCUpdateProvider(lpProviderId, lpszProviderDllPath, lpProtocolInfoList, dwNumberOfEntries, lpErrno);
}

/* ---- order (sporder.h) ---- */

struct order_args {
    const DWORD *ids;
    DWORD n;
};

/* Every id of the catalog, each once: anything else is WSAEINVAL and
 * nothing changes. */
static int order_edit(ws2__image *img, void *arg) {
    const struct order_args *a = arg;
    if (a->n != (DWORD)img->count)
        return WSAEINVAL;
    ws2__entry *sorted = calloc((size_t)img->count, sizeof *sorted);
    if (!sorted)
        return WSA_NOT_ENOUGH_MEMORY;
    for (DWORD k = 0; k < a->n; k++) {
        int i = find_id(img, a->ids[k]);
        BOOL twice = FALSE;
        for (DWORD j = 0; j < k; j++)
            twice |= a->ids[j] == a->ids[k];
        if (i < 0 || twice) {
            free(sorted);
            return WSAEINVAL;
        }
        sorted[k] = img->entries[i];
    }
    free(img->entries);
    img->entries = sorted;
    return 0;
}

/* Returns the error code itself (0 on success), as Windows does. */
int WSPAPI WSCWriteProviderOrder(LPDWORD lpwdCatalogEntryId, DWORD dwNumberOfEntries) {
    if (!lpwdCatalogEntryId || dwNumberOfEntries == 0)
        return WSAEINVAL;
    struct order_args a = {lpwdCatalogEntryId, dwNumberOfEntries};
    return ws2__catfile_update(order_edit, &a);
}

int WSPAPI WSCWriteProviderOrder32(LPDWORD lpwdCatalogEntryId, DWORD dwNumberOfEntries) {
    return WSCWriteProviderOrder(lpwdCatalogEntryId, dwNumberOfEntries);
}

/* ---- provider information ---- */

/* LSP categories only (ProviderInfoLspCategories, one DWORD); the audit
 * records of Windows have no counterpart here. The GUID is looked up first:
 * an unknown one is WSANO_RECOVERY whatever the other arguments. */
int WSPAPI WSCGetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info, size_t *InfoSize,
                              DWORD Flags, LPINT lpErrno) {
    if (!lpErrno)
        return SOCKET_ERROR;
    if (!lpProviderId) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    ws2__image img;
    int err = ws2__catfile_load(&img);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    int i = find_guid(&img, lpProviderId);
    DWORD cats = i >= 0 ? img.entries[i].lsp_categories : 0;
    ws2__image_free(&img);
    if (i < 0)
        err = WSANO_RECOVERY;
    else if (InfoType != ProviderInfoLspCategories || Flags != 0)
        err = WSAEINVAL;
    else if (!InfoSize)
        err = WSAEFAULT;
    else if (!Info || *InfoSize < sizeof(DWORD)) {
        *InfoSize = sizeof(DWORD);
        err = WSAEFAULT;
    }
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    memcpy(Info, &cats, sizeof cats);
    *InfoSize = sizeof(DWORD);
    return 0;
}

struct info_args {
    const GUID *guid;
    DWORD categories;
};

static int setinfo_edit(ws2__image *img, void *arg) {
    const struct info_args *a = arg;
    int found = 0;
    for (int i = 0; i < img->count; i++)
        if (!memcmp(&img->entries[i].info.ProviderId, a->guid, sizeof(GUID))) {
            img->entries[i].lsp_categories = a->categories;
            found = 1;
        }
    return found ? 0 : WSANO_RECOVERY;
}

int WSPAPI WSCSetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info, size_t InfoSize,
                              DWORD Flags, LPINT lpErrno) {
    if (!lpErrno)
        return SOCKET_ERROR;
    if (!lpProviderId || !Info) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (InfoType != ProviderInfoLspCategories || Flags != 0 || InfoSize != sizeof(DWORD)) {
        *lpErrno = WSAEINVAL;
        return SOCKET_ERROR;
    }
    struct info_args a = {lpProviderId, 0};
    memcpy(&a.categories, Info, sizeof(DWORD));
    int err = ws2__catfile_update(setinfo_edit, &a);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}
