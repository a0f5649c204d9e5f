/*
 * Two layered providers stacked: the pass-through LSP of examples/lsp built
 * twice as distinct shared objects (A: passthrough_stats, B:
 * passthrough_b_stats), installed into a private catalog as two layered
 * entries and one chain of length 3, A over B over TCP/IPv4 (1001).
 *
 * The propagation rule of the WSPStartup and WSPSocket reference pages, seen
 * from inside both layers: WS2_32 hands the top layer the chain's
 * WSAPROTOCOL_INFOW; a layer hands a next layer that is itself layered that
 * same, unmodified structure; the last layer hands the base provider the base
 * entry's own. The same for WSPStringToAddress, WSPAddressToString and
 * WSPDuplicateSocket.
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

static char dir[] = "/tmp/ws2posix-stack-XXXXXX";
static char catalog[sizeof dir + 16];
static void *lib_a, *lib_b;
static struct passthrough_stats *a, *b;

static GUID guid_a = {0x5a55e7b1, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x73, 0x74, 0x61, 0x63, 0x6b, 0x0a}};
static GUID guid_b = {0x5a55e7b1, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x73, 0x74, 0x61, 0x63, 0x6b, 0x0b}};
static GUID guid_chain = {0x5a55e7b1, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x73, 0x74, 0x61, 0x63, 0x6b, 0x0c}};

static void setup(void) {
    cr_assert_not_null(mkdtemp(dir));
    snprintf(catalog, sizeof catalog, "%s/catalog", dir);
    setenv("WS2POSIX_CATALOG", catalog, 1);
    lib_a = dlopen(PASSTHROUGH_PATH, RTLD_NOW);
    lib_b = dlopen(PASSTHROUGH_B_PATH, RTLD_NOW);
    cr_assert(lib_a && lib_b, "%s", dlerror());
    a = dlsym(lib_a, "passthrough_stats");
    b = dlsym(lib_b, "passthrough_b_stats");
    cr_assert(a && b);
    cr_assert_neq((void *)a, (void *)b, "two instances");
}

static void teardown(void) { remove_dir(dir); }

TestSuite(lsp_stack, .init = setup, .fini = teardown);

static int enum_all(WSAPROTOCOL_INFOW *out, int max) {
    DWORD size = (DWORD)max * sizeof *out;
    int err;
    return WSCEnumProtocols(NULL, out, &size, &err);
}

static const WSAPROTOCOL_INFOW *by_id(DWORD id) {
    for (int i = 0; i < ncat; i++)
        if (cat[i].dwCatalogEntryId == id)
            return &cat[i];
    return NULL;
}

static void install_layer(const GUID *g, const char *path, const char *name) {
    ncat = enum_all(cat, 32);
    WSAPROTOCOL_INFOW layered = *by_id(1001);
    layered.ProtocolChain.ChainLen = LAYERED_PROTOCOL;
    layered.dwServiceFlags1 &= ~(DWORD)XP1_IFS_HANDLES;
    layered.dwProviderFlags |= PFL_HIDDEN;
    widen(name, layered.szProtocol, WSAPROTOCOL_LEN + 1);
    WCHAR w[512];
    widen(path, w, 512);
    int err = 0;
    cr_assert_eq(WSCInstallProvider((LPGUID)g, w, &layered, 1, &err), 0, "%d", err);
}

/* A over B over 1001, the chain first in the catalog; the chain's entry. */
static WSAPROTOCOL_INFOW install_stack(void) {
    install_layer(&guid_a, PASSTHROUGH_PATH, "layer A");
    install_layer(&guid_b, PASSTHROUGH_B_PATH, "layer B");
    ncat = enum_all(cat, 32);
    WSAPROTOCOL_INFOW chain = *by_id(1001);
    chain.dwServiceFlags1 &= ~(DWORD)XP1_IFS_HANDLES;
    chain.ProtocolChain.ChainLen = 3;
    chain.ProtocolChain.ChainEntries[0] = by_guid(&guid_a)->dwCatalogEntryId;
    chain.ProtocolChain.ChainEntries[1] = by_guid(&guid_b)->dwCatalogEntryId;
    chain.ProtocolChain.ChainEntries[2] = 1001;
    widen("A over B over TCP/IP", chain.szProtocol, WSAPROTOCOL_LEN + 1);
    WCHAR w[512];
    widen(PASSTHROUGH_PATH, w, 512);
    int err = 0;
    cr_assert_eq(WSCInstallProvider(&guid_chain, w, &chain, 1, &err), 0, "%d", err);
    ncat = enum_all(cat, 32);
    cr_assert_eq(ncat, 10, "7 base entries, 2 layered, 1 chain");
    DWORD order[32];
    const WSAPROTOCOL_INFOW *c = by_guid(&guid_chain);
    order[0] = c->dwCatalogEntryId;
    for (int i = 0, k = 1; i < ncat; i++)
        if (cat[i].dwCatalogEntryId != c->dwCatalogEntryId)
            order[k++] = cat[i].dwCatalogEntryId;
    cr_assert_eq(WSCWriteProviderOrder(order, (DWORD)ncat), 0);
    ncat = enum_all(cat, 32);
    cr_assert_eq(cat[0].ProtocolChain.ChainLen, 3);
    return cat[0];
}

Test(lsp_stack, propagation_from_inside_both_layers) {
    WSAPROTOCOL_INFOW chain = install_stack();
    const DWORD id = chain.dwCatalogEntryId;
    WSAPROTOCOL_INFOW base = *by_id(1001);
    wsa_start();
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET, "%d", WSAGetLastError());

    /* WSPStartup. */
    cr_assert_eq(a->startups, 1);
    cr_assert_eq(b->startups, 1, "A started B itself");
    cr_assert_eq(a->startup_entry, id, "WS2_32 starts the top layer with the chain's entry");
    cr_assert_eq(memcmp(&a->startup_info, &chain, sizeof chain), 0, "... the chain's WSAPROTOCOL_INFOW as installed");
    cr_assert_eq(a->lower_startup_entry, id, "A hands the layered B the chain");
    cr_assert_eq(memcmp(&b->startup_info, &a->startup_info, sizeof chain), 0, "... the same, unmodified");
    cr_assert_eq(b->lower_startup_entry, 1001u, "B hands the base provider the base entry's own");
    cr_assert_str_eq(a->lower_path, PASSTHROUGH_B_PATH, "A loaded B by its path");
    WCHAR wpath[512];
    char path[512];
    int len = 512, err = 0;
    cr_assert_eq(WSCGetProviderPath(&base.ProviderId, wpath, &len, &err), 0);
    for (int i = 0; i < len; i++)
        path[i] = (char)wpath[i];
    cr_assert_str_eq(b->lower_path, path, "B loaded the base provider by its path");

    /* WSPSocket. */
    cr_assert_eq(a->socket_info.dwCatalogEntryId, id);
    cr_assert_eq(memcmp(&a->socket_info, &chain, sizeof chain), 0);
    cr_assert_eq(memcmp(&b->socket_info, &chain, sizeof chain), 0, "B's WSPSocket gets the chain, unmodified");
    cr_assert_eq(memcmp(&a->lower_socket_info, &b->socket_info, sizeof chain), 0);
    cr_assert_eq(b->lower_socket_entry, 1001u);
    cr_assert_eq(memcmp(&b->lower_socket_info, &base, sizeof base), 0, "the base's WSPSocket gets entry 1001");
    cr_assert_eq(a->sockets, 1);
    cr_assert_eq(b->sockets, 1);
    WSAPROTOCOL_INFOW info;
    int ilen = sizeof info;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &ilen), 0);
    cr_assert_eq(info.dwCatalogEntryId, id, "the application sees the chain");

    /* Data through both layers. */
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof sa), 0, "%d", WSAGetLastError());
    cr_assert_eq(listen(l, 1), 0);
    int salen = sizeof sa;
    cr_assert_eq(getsockname(l, (struct sockaddr *)&sa, &salen), 0);
    cr_assert_eq(connect(s, (struct sockaddr *)&sa, salen), 0, "%d", WSAGetLastError());
    SOCKET c = accept(l, NULL, NULL);
    cr_assert_neq(c, INVALID_SOCKET);
    cr_assert_eq(send(s, "twelve bytes", 12, 0), 12);
    char buf[32];
    int got = 0, n;
    while (got < 12 && (n = recv(c, buf + got, (int)sizeof buf - got, 0)) > 0)
        got += n;
    cr_assert_eq(got, 12);
    cr_assert_eq(a->bytes_sent, 12);
    cr_assert_eq(b->bytes_sent, 12);
    cr_assert_eq(a->bytes_received, 12);
    cr_assert_eq(b->bytes_received, 12);
    cr_assert_eq(a->sockets, 3, "the listener and the accepted socket are A's too");

    /* WSPStringToAddress and WSPAddressToString with the chain's entry. */
    WCHAR text[64];
    widen("127.0.0.1:4242", text, 64);
    struct sockaddr_in parsed;
    int plen = sizeof parsed;
    cr_assert_eq(WSAStringToAddressW(text, AF_INET, &chain, (struct sockaddr *)&parsed, &plen), 0, "%d",
                 WSAGetLastError());
    cr_assert_eq(ntohs(parsed.sin_port), 4242);
    cr_assert_eq(a->string_entry, id);
    cr_assert_eq(a->lower_string_entry, id, "A hands B the chain");
    cr_assert_eq(b->string_entry, id);
    cr_assert_eq(b->lower_string_entry, 1001u, "B hands the base its own entry");
    DWORD tlen = 64;
    cr_assert_eq(WSAAddressToStringW((struct sockaddr *)&parsed, sizeof parsed, &chain, text, &tlen), 0, "%d",
                 WSAGetLastError());
    cr_assert_eq(text[0], '1');
    cr_assert_eq(a->address_entry, id);
    cr_assert_eq(a->lower_address_entry, id);
    cr_assert_eq(b->address_entry, id);
    cr_assert_eq(b->lower_address_entry, 1001u);

    /* WSPDuplicateSocket: the base describes itself, each layer answers
     * with the chain, and the duplicate comes back through both layers. */
    WSAPROTOCOL_INFOW dup;
    cr_assert_eq(WSADuplicateSocketW(s, GetCurrentProcessId(), &dup), 0, "%d", WSAGetLastError());
    cr_assert_eq(dup.dwCatalogEntryId, id, "the application's duplicate names the chain");
    cr_assert_eq(b->lower_duplicate_entry, 1001u, "the base provider described its own entry");
    cr_assert_eq(b->duplicate_entry, id);
    cr_assert_eq(a->lower_duplicate_entry, id, "B answered A with the chain");
    int socks_a = a->sockets, socks_b = b->sockets;
    SOCKET t = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &dup, 0, 0);
    cr_assert_neq(t, INVALID_SOCKET, "%d", WSAGetLastError());
    cr_assert_eq(a->sockets, socks_a + 1);
    cr_assert_eq(b->sockets, socks_b + 1, "the duplicate went through B as well");
    cr_assert_eq(b->lower_socket_entry, 1001u);
    cr_assert_eq(b->socket_info.dwCatalogEntryId, id);
    cr_assert_eq(send(t, "dup", 3, 0), 3, "%d", WSAGetLastError());
    got = 0;
    while (got < 3 && (n = recv(c, buf + got, (int)sizeof buf - got, 0)) > 0)
        got += n;
    cr_assert_eq(got, 3);
    cr_assert_eq(memcmp(buf, "dup", 3), 0);

    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(a->closes, 1);
    cr_assert_eq(b->closes, 1, "closesocket went through both layers");
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(a->closes, 4, "s, then the listener, the accepted socket and the duplicate at WSACleanup");
    cr_assert_eq(b->closes, 4);
    cr_assert_eq(a->cleanups, 1);
    cr_assert_eq(b->cleanups, 1, "A balanced its startup of B");
    cr_assert_eq(b->lower_cleanups, 1, "B balanced its startup of the base");
}
