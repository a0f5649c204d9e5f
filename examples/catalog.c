/*
 * catalog: the Winsock catalog from the command line, through the WSC*
 * calls an installer uses on Windows.
 *
 *   catalog list                   every entry, as `netsh winsock show catalog`
 *   catalog install LSP.so [ID...] install the pass-through LSP (examples/lsp)
 *                                  over the base entries ID (default 1001,
 *                                  TCP/IPv4) and put its chains first
 *   catalog remove                 remove it (chains, then the layered entry)
 *   catalog order ID...            write a new order (every id, each once)
 *   catalog reset                  remove every installed provider, default order
 *
 * The catalog is the file WS2POSIX_CATALOG names (see the README).
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <sporder.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The example LSP's two provider GUIDs: its layered entry, its chains. */
static GUID layered_guid = {0x5a55e7b1, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x70, 0x61, 0x73, 0x73, 0x74, 0x01}};
static GUID chain_guid = {0x5a55e7b1, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x70, 0x61, 0x73, 0x73, 0x74, 0x02}};

static WSAPROTOCOL_INFOW *enum_all(int *count) {
    DWORD size = 0;
    int err = 0;
    if (WSCEnumProtocols(NULL, NULL, &size, &err) != SOCKET_ERROR || err != WSAENOBUFS) {
        fprintf(stderr, "catalog: WSCEnumProtocols failed: %d\n", err);
        return NULL;
    }
    WSAPROTOCOL_INFOW *all = malloc(size);
    if (!all || (*count = WSCEnumProtocols(NULL, all, &size, &err)) == SOCKET_ERROR) {
        fprintf(stderr, "catalog: WSCEnumProtocols failed: %d\n", err);
        free(all);
        return NULL;
    }
    return all;
}

static void narrow(const WCHAR *w, char *a, size_t n) {
    size_t i = 0;
    for (; w[i] && i + 1 < n; i++)
        a[i] = w[i] < 0x80 ? (char)w[i] : '?';
    a[i] = 0;
}

static void widen(const char *a, WCHAR *w, size_t n) {
    size_t i = 0;
    for (; a[i] && i + 1 < n; i++)
        w[i] = (unsigned char)a[i];
    w[i] = 0;
}

static int list(void) {
    int n;
    WSAPROTOCOL_INFOW *all = enum_all(&n);
    if (!all)
        return 1;
    for (int i = 0; i < n; i++) {
        const WSAPROTOCOL_INFOW *p = &all[i];
        char name[WSAPROTOCOL_LEN + 1], path[1024] = "?";
        WCHAR wpath[512];
        int len = 512, err;
        narrow(p->szProtocol, name, sizeof name);
        if (WSCGetProviderPath((LPGUID)&p->ProviderId, wpath, &len, &err) == 0)
            narrow(wpath, path, sizeof path);
        const GUID *g = &p->ProviderId;
        const char *type = p->ProtocolChain.ChainLen == LAYERED_PROTOCOL ? "Layered Service Provider"
                           : p->ProtocolChain.ChainLen == BASE_PROTOCOL  ? "Base Service Provider"
                                                                         : "Layered Chain Entry";
        printf("\nWinsock Catalog Provider Entry\n------------------------------------------------------\n");
        printf("%-36s%s\n", "Entry Type:", type);
        printf("%-36s%s\n", "Description:", name);
        printf("%-36s{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}\n", "Provider ID:", (unsigned long)g->Data1,
               g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
               g->Data4[6], g->Data4[7]);
        printf("%-36s%s\n", "Provider Path:", path);
        printf("%-36s%lu\n", "Catalog Entry ID:", (unsigned long)p->dwCatalogEntryId);
        printf("%-36s%d\n", "Version:", p->iVersion);
        printf("%-36s%d\n", "Address Family:", p->iAddressFamily);
        printf("%-36s%d\n", "Max Address Length:", p->iMaxSockAddr);
        printf("%-36s%d\n", "Min Address Length:", p->iMinSockAddr);
        printf("%-36s%d\n", "Socket Type:", p->iSocketType);
        printf("%-36s%d\n", "Protocol:", p->iProtocol);
        printf("%-36s0x%lx\n", "Service Flags:", (unsigned long)p->dwServiceFlags1);
        printf("%-36s0x%lx\n", "Provider Flags:", (unsigned long)p->dwProviderFlags);
        printf("%-36s%d\n", "Protocol Chain Length:", p->ProtocolChain.ChainLen);
        if (p->ProtocolChain.ChainLen > 1) {
            printf("%-36s", "Protocol Chain:");
            for (int k = 0; k < p->ProtocolChain.ChainLen; k++)
                printf("%s%lu", k ? " -> " : "", (unsigned long)p->ProtocolChain.ChainEntries[k]);
            printf("\n");
        }
    }
    free(all);
    return 0;
}

static const WSAPROTOCOL_INFOW *find(const WSAPROTOCOL_INFOW *all, int n, DWORD id) {
    for (int i = 0; i < n; i++)
        if (all[i].dwCatalogEntryId == id)
            return &all[i];
    return NULL;
}

/* The installer's three steps on Windows: the layered entry, then one chain
 * per base entry (layered id, base id), then chains first in the order. */
static int install(const char *path, int nids, char **ids) {
    WCHAR wpath[512];
    widen(path, wpath, 512);
    int n, err = 0;
    WSAPROTOCOL_INFOW *all = enum_all(&n);
    if (!all)
        return 1;
    int rc = 1; /* every failure below goes through `out`, which frees all */
    const WSAPROTOCOL_INFOW *tcp = find(all, n, 1001);
    if (!tcp) {
        fprintf(stderr, "catalog: no entry 1001 to model the layered entry on\n");
        goto out;
    }
    WSAPROTOCOL_INFOW layered = *tcp;
    layered.ProtocolChain.ChainLen = LAYERED_PROTOCOL;
    layered.dwServiceFlags1 &= ~(DWORD)XP1_IFS_HANDLES; /* a non-IFS layer */
    layered.dwProviderFlags |= PFL_HIDDEN;
    widen("ws2posix passthrough (layered)", layered.szProtocol, WSAPROTOCOL_LEN + 1);
    if (WSCInstallProvider(&layered_guid, wpath, &layered, 1, &err) != 0) {
        fprintf(stderr, "catalog: WSCInstallProvider (layered entry) failed: %d\n", err);
        goto out;
    }
    free(all);
    if (!(all = enum_all(&n)))
        return 1;
    DWORD layered_id = 0;
    for (int i = 0; i < n; i++)
        if (!memcmp(&all[i].ProviderId, &layered_guid, sizeof(GUID)))
            layered_id = all[i].dwCatalogEntryId;
    WSAPROTOCOL_INFOW chains[16];
    int nchains = 0;
    for (int k = 0; k < (nids ? nids : 1) && nchains < 16; k++) {
        DWORD base_id = nids ? (DWORD)strtoul(ids[k], NULL, 10) : 1001;
        const WSAPROTOCOL_INFOW *base = find(all, n, base_id);
        if (!base || base->ProtocolChain.ChainLen != BASE_PROTOCOL) {
            fprintf(stderr, "catalog: %lu is not a base entry\n", (unsigned long)base_id);
            WSCDeinstallProvider(&layered_guid, &err);
            goto out;
        }
        WSAPROTOCOL_INFOW c = *base;
        char name[WSAPROTOCOL_LEN + 1], label[WSAPROTOCOL_LEN + 32];
        narrow(base->szProtocol, name, sizeof name);
        snprintf(label, sizeof label, "passthrough over %s", name);
        widen(label, c.szProtocol, WSAPROTOCOL_LEN + 1);
        c.dwServiceFlags1 &= ~(DWORD)XP1_IFS_HANDLES;
        c.ProtocolChain.ChainLen = 2;
        c.ProtocolChain.ChainEntries[0] = layered_id;
        c.ProtocolChain.ChainEntries[1] = base_id;
        chains[nchains++] = c;
    }
    if (WSCInstallProvider(&chain_guid, wpath, chains, (DWORD)nchains, &err) != 0) {
        fprintf(stderr, "catalog: WSCInstallProvider (chains) failed: %d\n", err);
        WSCDeinstallProvider(&layered_guid, &err);
        goto out;
    }
    free(all);
    if (!(all = enum_all(&n)))
        return 1;
    DWORD *order = malloc((size_t)n * sizeof *order);
    if (!order) {
        fprintf(stderr, "catalog: out of memory\n");
        goto out;
    }
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!memcmp(&all[i].ProviderId, &chain_guid, sizeof(GUID)))
            order[k++] = all[i].dwCatalogEntryId;
    for (int i = 0; i < n; i++)
        if (memcmp(&all[i].ProviderId, &chain_guid, sizeof(GUID)))
            order[k++] = all[i].dwCatalogEntryId;
    int r = WSCWriteProviderOrder(order, (DWORD)n);
    free(order);
    if (r != 0) {
        fprintf(stderr, "catalog: WSCWriteProviderOrder failed: %d\n", r);
        goto out;
    }
    printf("installed: layered entry %lu, %d chain(s) first in the catalog\n", (unsigned long)layered_id, nchains);
    rc = 0;
out:
    free(all);
    return rc;
}

static int remove_lsp(void) {
    int err = 0, e1 = WSCDeinstallProvider(&chain_guid, &err);
    int e2 = WSCDeinstallProvider(&layered_guid, &err);
    if (e1 && e2) {
        fprintf(stderr, "catalog: the example LSP is not installed (%d)\n", err);
        return 1;
    }
    return 0;
}

static int order(int nids, char **ids) {
    DWORD *v = calloc((size_t)nids + 1, sizeof *v);
    if (!v)
        return 1;
    for (int i = 0; i < nids; i++)
        v[i] = (DWORD)strtoul(ids[i], NULL, 10);
    int r = WSCWriteProviderOrder(v, (DWORD)nids);
    free(v);
    if (r)
        fprintf(stderr, "catalog: WSCWriteProviderOrder failed: %d\n", r);
    return r != 0;
}

static int reset(void) {
    int n, err;
    WSAPROTOCOL_INFOW *all = enum_all(&n);
    if (!all)
        return 1;
    /* The base entries (1001 ...) are built in; everything else goes. */
    for (int i = n - 1; i >= 0; i--)
        WSCDeinstallProvider(&all[i].ProviderId, &err);
    free(all);
    all = enum_all(&n);
    if (!all)
        return 1;
    DWORD *v = malloc((size_t)n * sizeof *v);
    if (!v) {
        free(all);
        return 1;
    }
    for (int i = 0; i < n; i++)
        v[i] = all[i].dwCatalogEntryId;
    for (int i = 1; i < n; i++) /* ascending ids: the default order */
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            DWORD t = v[j];
            v[j] = v[j - 1], v[j - 1] = t;
        }
    int r = WSCWriteProviderOrder(v, (DWORD)n);
    free(v);
    free(all);
    return r != 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "list"))
        return list();
    if (argc >= 3 && !strcmp(argv[1], "install"))
        return install(argv[2], argc - 3, argv + 3);
    if (argc == 2 && !strcmp(argv[1], "remove"))
        return remove_lsp();
    if (argc >= 3 && !strcmp(argv[1], "order"))
        return order(argc - 2, argv + 2);
    if (argc == 2 && !strcmp(argv[1], "reset"))
        return reset();
    fprintf(stderr, "usage: catalog list | install LSP.so [BASE-ID...] | remove | order ID... | reset\n");
    return 2;
}
