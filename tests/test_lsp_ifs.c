/*
 * An IFS layered provider: the pass-through LSP built with -DPT_IFS, whose
 * WSPSocket returns the next layer's handle itself (no
 * WPUCreateSocketHandle) and maps each call on that handle back to the
 * provider below through a table of its own. The dispatcher records the
 * top provider of the chain on the handle (WSASocket, accept), so every
 * call on the base provider's handle still enters the layer first.
 * Installed over TCP/IPv4 with XP1_IFS_HANDLES in a private catalog.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <sporder.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passthrough.h" /* the layer's counters */
#include "layers.h"
#include "common.h"

static char dir[] = "/tmp/ws2posix-lsp-ifs-XXXXXX";
static char catalog[sizeof dir + 16];
static struct passthrough_stats *st;

static GUID guid_layer = {0x5a55e7b1, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x69, 0x66, 0x73, 0x00, 0x00, 0x01}};
static GUID guid_chain = {0x5a55e7b1, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x69, 0x66, 0x73, 0x00, 0x00, 0x02}};

static void setup(void) {
    cr_assert_not_null(mkdtemp(dir));
    snprintf(catalog, sizeof catalog, "%s/catalog", dir);
    setenv("WS2POSIX_CATALOG", catalog, 1);
    void *lib = dlopen(PASSTHROUGH_IFS_PATH, RTLD_NOW);
    cr_assert_not_null(lib, "%s", dlerror());
    st = dlsym(lib, "passthrough_stats");
    cr_assert_not_null(st);
}

static void teardown(void) { remove_dir(dir); }

TestSuite(lsp_ifs, .init = setup, .fini = teardown);

/* The IFS layer over 1001, its chain first; the chain's id. */
static DWORD install_ifs(void) {
    catalog_read();
    WSAPROTOCOL_INFOW base = cat[0];
    cr_assert_eq(base.dwCatalogEntryId, 1001u);
    cr_assert(base.dwServiceFlags1 & XP1_IFS_HANDLES, "the base provider is IFS");
    WCHAR w[512];
    widen(PASSTHROUGH_IFS_PATH, w, 512);
    int err = 0;
    WSAPROTOCOL_INFOW layered = base; /* keeps XP1_IFS_HANDLES: an IFS layer */
    layered.ProtocolChain.ChainLen = LAYERED_PROTOCOL;
    layered.dwProviderFlags |= PFL_HIDDEN;
    widen("ifs passthrough (layered)", layered.szProtocol, WSAPROTOCOL_LEN + 1);
    cr_assert_eq(WSCInstallProvider(&guid_layer, w, &layered, 1, &err), 0, "%d", err);
    catalog_read();
    WSAPROTOCOL_INFOW chain = base;
    chain.ProtocolChain.ChainLen = 2;
    chain.ProtocolChain.ChainEntries[0] = by_guid(&guid_layer)->dwCatalogEntryId;
    chain.ProtocolChain.ChainEntries[1] = 1001;
    widen("ifs passthrough over TCP/IP", chain.szProtocol, WSAPROTOCOL_LEN + 1);
    cr_assert_eq(WSCInstallProvider(&guid_chain, w, &chain, 1, &err), 0, "%d", err);
    catalog_read();
    DWORD id = by_guid(&guid_chain)->dwCatalogEntryId, order[32];
    order[0] = id;
    for (int i = 0, k = 1; i < ncat; i++)
        if (cat[i].dwCatalogEntryId != id)
            order[k++] = cat[i].dwCatalogEntryId;
    cr_assert_eq(WSCWriteProviderOrder(order, (DWORD)ncat), 0);
    return id;
}

Test(lsp_ifs, every_basic_call_through_an_ifs_layer) {
    DWORD id = install_ifs();
    wsa_start();
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(l, INVALID_SOCKET, "%d", WSAGetLastError());
    cr_assert_eq(st->ifs, 1);
    cr_assert_eq(st->startup_entry, id);
    cr_assert_eq(st->lower_socket_entry, 1001u);
    cr_assert_eq(st->last_socket, (unsigned long long)l);
    cr_assert_eq(st->last_lower_socket, (unsigned long long)l, "the application holds the base provider's handle");
    WSAPROTOCOL_INFOW info;
    int ilen = sizeof info;
    cr_assert_eq(getsockopt(l, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &ilen), 0, "%d", WSAGetLastError());
    cr_assert_eq(info.dwCatalogEntryId, id, "the layer answered, not the base provider");

    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof sa), 0, "%d", WSAGetLastError());
    cr_assert_eq(listen(l, 4), 0, "%d", WSAGetLastError());
    int salen = sizeof sa;
    cr_assert_eq(getsockname(l, (struct sockaddr *)&sa, &salen), 0);

    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    cr_assert_eq(connect(s, (struct sockaddr *)&sa, salen), 0, "%d", WSAGetLastError());

    /* select: the listener is readable (a pending connection). */
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_SET(l, &rd);
    TIMEVAL tv = {2, 0};
    cr_assert_eq(select(0, &rd, NULL, NULL, &tv), 1, "%d", WSAGetLastError());
    cr_assert(FD_ISSET(l, &rd));
    SOCKET c = accept(l, NULL, NULL);
    cr_assert_neq(c, INVALID_SOCKET, "%d", WSAGetLastError());
    cr_assert_eq(st->last_socket, (unsigned long long)c, "accept went through the layer");
    cr_assert_eq(st->sockets, 3);
    ilen = sizeof info;
    cr_assert_eq(getsockopt(c, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &ilen), 0);
    cr_assert_eq(info.dwCatalogEntryId, id, "the accepted handle's calls enter the layer too");

    /* select on both: s writable, c not readable yet, then readable. */
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(c, &rd);
    FD_SET(s, &wr);
    TIMEVAL zero = {0, 0};
    cr_assert_eq(select(0, &rd, &wr, NULL, &zero), 1);
    cr_assert(FD_ISSET(s, &wr));
    cr_assert(!FD_ISSET(c, &rd));
    cr_assert_eq(send(s, "ifs layer", 9, 0), 9, "%d", WSAGetLastError());
    FD_ZERO(&rd);
    FD_SET(c, &rd);
    FD_SET(l, &rd);
    cr_assert_eq(select(0, &rd, NULL, NULL, &tv), 1);
    cr_assert(FD_ISSET(c, &rd));
    cr_assert(!FD_ISSET(l, &rd));
    char buf[32];
    int got = 0, n;
    while (got < 9 && (n = recv(c, buf + got, (int)sizeof buf - got, 0)) > 0)
        got += n;
    cr_assert_eq(got, 9);
    cr_assert_eq(memcmp(buf, "ifs layer", 9), 0);
    cr_assert_eq(send(c, "back", 4, 0), 4);
    cr_assert_eq(shutdown(c, SD_SEND), 0);
    got = 0;
    while ((n = recv(s, buf + got, (int)sizeof buf - got, 0)) > 0)
        got += n;
    cr_assert_eq(n, 0, "the end of the stream");
    cr_assert_eq(got, 4);
    cr_assert_eq(st->bytes_sent, 13);
    cr_assert_eq(st->bytes_received, 13);

    /* closesocket: through the layer; the handle is gone for everyone. */
    int calls = st->calls;
    cr_assert_eq(closesocket(s), 0, "%d", WSAGetLastError());
    cr_assert_gt(st->calls, calls);
    cr_assert_eq(st->closes, 1);
    cr_assert_eq(closesocket(s), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(send(s, "x", 1, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    cr_assert_eq(select(0, &rd, NULL, NULL, &zero), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(closesocket(c), 0);
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(st->closes, 3, "the listener closed by WSACleanup, through the layer");
    cr_assert_eq(st->cleanups, 1);
    cr_assert_eq(st->lower_cleanups, 1);
}
