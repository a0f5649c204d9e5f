/*
 * The provider contract from the provider's side: a test provider installed
 * with WSCInstallProvider is started lazily through WSPStartup with the
 * entry's WSAPROTOCOL_INFOW and a full upcall table, cleaned up once per
 * startup, and refused when it fails or leaves a proc-table slot empty. The
 * base provider's own path is a shared object exporting WSPStartup.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "provider/test_provider.h"
#include "common.h"

static WCHAR provider_path[512];
static struct tp_state *state;
static void *module;

static GUID guid_for(int mode) {
    GUID g = {0x7e57c0de, 0x0001, 0x4000, {0x80, 0, 0, 0, 0, 0, 0, (unsigned char)mode}};
    return g;
}

static void install(int mode) {
    WSAPROTOCOL_INFOW e;
    memset(&e, 0, sizeof e);
    e.dwServiceFlags1 = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED;
    e.ProtocolChain.ChainLen = BASE_PROTOCOL;
    e.iVersion = 2;
    e.iAddressFamily = AF_INET;
    e.iMaxSockAddr = e.iMinSockAddr = 16;
    e.iSocketType = SOCK_DGRAM;
    e.iProtocol = 200 + mode; /* a protocol of its own, so WSASocket picks it */
    e.dwProviderReserved = (DWORD_PTR)mode;
    static const char name[] = "ws2posix test provider";
    for (size_t i = 0; i < sizeof name; i++)
        e.szProtocol[i] = (WCHAR)name[i];
    GUID g = guid_for(mode);
    int err = 0;
    cr_assert_eq(WSCInstallProvider(&g, provider_path, &e, 1, &err), 0, "install: %d", err);
}

/* Each test installs into a catalog file of its own. */
static char catalog_dir[] = "/tmp/ws2posix-contract-XXXXXX";
static char catalog_file[sizeof catalog_dir + 16];

static void private_catalog(void) {
    cr_assert_not_null(mkdtemp(catalog_dir));
    snprintf(catalog_file, sizeof catalog_file, "%s/catalog", catalog_dir);
    setenv("WS2POSIX_CATALOG", catalog_file, 1);
}

static void remove_catalog(void) {
    char lock[sizeof catalog_file + 8];
    snprintf(lock, sizeof lock, "%s.lock", catalog_file);
    unlink(catalog_file);
    unlink(lock);
    rmdir(catalog_dir);
}

static void setup(void) {
    private_catalog();
    for (size_t i = 0; i < sizeof TEST_PROVIDER_PATH; i++)
        provider_path[i] = (WCHAR)TEST_PROVIDER_PATH[i];
    for (int mode = 0; mode < 3; mode++)
        install(mode);
    module = dlopen(TEST_PROVIDER_PATH, RTLD_NOW);
    cr_assert_not_null(module, "%s", dlerror());
    state = dlsym(module, "tp_state");
    cr_assert_not_null(state);
    wsa_start();
}

static void teardown(void) {
    WSACleanup();
    if (module)
        dlclose(module);
    remove_catalog();
}

Test(provider_contract, started_lazily_once_per_entry, .init = setup, .fini = teardown) {
    cr_assert_eq(state->startups, 0, "nothing is started before a socket needs it");
    SOCKET s = WSASocketA(AF_INET, SOCK_DGRAM, 200, NULL, 0, WSA_FLAG_OVERLAPPED);
    cr_assert_neq(s, INVALID_SOCKET, "%d", WSAGetLastError());
    cr_assert_eq(s % 4, 0u);
    cr_assert_eq(state->startups, 1);
    cr_assert_eq(state->version_requested, MAKEWORD(2, 2));
    cr_assert(state->upcalls_complete, "all 15 upcalls are given");
    cr_assert_eq(state->startup_info.iProtocol, 200);
    cr_assert_geq(state->startup_info.dwCatalogEntryId, 1008u, "installed entries follow the base ones");
    cr_assert_eq(state->startup_info.ProtocolChain.ChainEntries[0], state->startup_info.dwCatalogEntryId,
                 "a base protocol's chain names itself");

    /* WSPSocket gets what the application passed, and the entry. */
    cr_assert_eq(state->last_af, AF_INET);
    cr_assert_eq(state->last_type, SOCK_DGRAM);
    cr_assert_eq(state->last_protocol, 200);
    cr_assert_eq(state->last_flags, (DWORD)WSA_FLAG_OVERLAPPED);
    cr_assert_eq(state->last_info.dwCatalogEntryId, state->startup_info.dwCatalogEntryId);

    /* The ANSI protocol info is answered from the provider's wide one. */
    WSAPROTOCOL_INFOA a;
    int len = sizeof a;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&a, &len), 0);
    cr_assert_str_eq(a.szProtocol, "ws2posix test provider");

    SOCKET t = WSASocketA(AF_INET, SOCK_DGRAM, 200, NULL, 0, 0);
    cr_assert_neq(t, INVALID_SOCKET);
    cr_assert_eq(state->startups, 1, "one WSPStartup per entry");
    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(state->sockets_closed, 1, "closesocket reaches WSPCloseSocket");
    cr_assert_eq(closesocket(s), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    (void)t; /* closed by WSACleanup */
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(state->sockets_closed, 2, "the last WSACleanup closes what is left");
    cr_assert_eq(state->cleanups, 1, "WSPCleanup balances WSPStartup");
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0); /* for teardown */
}

Test(provider_contract, failing_startup, .init = setup, .fini = teardown) {
    cr_assert_eq(WSASocketA(AF_INET, SOCK_DGRAM, 201, NULL, 0, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEPROVIDERFAILEDINIT);
    cr_assert_eq(state->startups_by_mode[1], 1);
    /* Not used, and retried on the next request. */
    cr_assert_eq(WSASocketA(AF_INET, SOCK_DGRAM, 201, NULL, 0, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEPROVIDERFAILEDINIT);
    cr_assert_eq(state->cleanups, 0, "no WSPCleanup for a failed WSPStartup");
}

Test(provider_contract, incomplete_proc_table, .init = setup, .fini = teardown) {
    cr_assert_eq(WSASocketA(AF_INET, SOCK_DGRAM, 202, NULL, 0, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEINVALIDPROCTABLE);
    cr_assert_eq(state->startups_by_mode[2], 1);
    cr_assert_eq(state->cleanups, 1, "the refused provider is cleaned up");
    cr_assert_eq(state->sockets_created, 0);
}

Test(provider_contract, catalog_and_paths, .init = setup, .fini = teardown) {
    DWORD size = 0;
    int err = 0;
    cr_assert_eq(WSCEnumProtocols(NULL, NULL, &size, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAENOBUFS);
    cr_assert_eq(size, 10 * sizeof(WSAPROTOCOL_INFOW), "7 base entries and 3 installed");
    GUID g = guid_for(0);
    WCHAR path[512];
    int len = 512;
    cr_assert_eq(WSCGetProviderPath(&g, path, &len, &err), 0);
    cr_assert_eq(memcmp(path, provider_path, (size_t)len * sizeof(WCHAR)), 0);

    /* Installing: Windows' argument errors. */
    WSAPROTOCOL_INFOW e = state->startup_info;
    cr_assert_eq(WSCInstallProvider(NULL, provider_path, &e, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    cr_assert_eq(WSCInstallProvider(&g, provider_path, NULL, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    cr_assert_eq(WSCInstallProvider(&g, provider_path, &e, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL, "the GUID is installed already");
    GUID fresh = guid_for(9);
    cr_assert_eq(WSCInstallProvider(&fresh, provider_path, &e, 0, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    static const WCHAR relative[] = {'t', 'p', '.', 's', 'o', 0};
    cr_assert_eq(WSCInstallProvider(&fresh, relative, &e, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL, "provider paths must be absolute");

    cr_assert_eq(WSCDeinstallProvider(&g, &err), 0);
    cr_assert_eq(WSCDeinstallProvider(&g, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    cr_assert_eq(WSCDeinstallProvider(NULL, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
}

/* ---- the base provider, loaded by path as a layered provider would ---- */

static SOCKET handed_out;
static DWORD_PTR handed_context;
static int closed;

/* The blocking callback WS2_32 would give a 1.1 application's provider: the
 * provider calls it while it waits. From inside it, the base provider's own
 * WSPSocket reports WSAEINPROGRESS (a blocking call is in progress on this
 * thread); returning FALSE cancels the wait with WSAEINTR. */
static WSPPROC_TABLE *procs_for_callback;
static int callback_calls, inprogress_from_provider;
static WSAPROTOCOL_INFOW *entry_for_callback;

static BOOL CALLBACK my_blocking_callback(DWORD_PTR context) {
    (void)context;
    int err = 0;
    callback_calls++;
    if (procs_for_callback->lpWSPSocket(0, 0, 0, entry_for_callback, 0, 0, &err) == INVALID_SOCKET &&
        err == WSAEINPROGRESS)
        inprogress_from_provider++;
    return FALSE;
}

static int WSPAPI my_query_callback(DWORD id, LPBLOCKINGCALLBACK *cb, PDWORD_PTR ctx, LPINT err) {
    (void)id, (void)err;
    *cb = my_blocking_callback;
    *ctx = 0;
    return 0;
}

static SOCKET WSPAPI my_modify_ifs(DWORD id, SOCKET proposed, LPINT err) {
    (void)id, (void)err;
    handed_context = (DWORD_PTR)proposed;
    return handed_out = 0x1234 * 4;
}
static int WSPAPI my_query(SOCKET s, PDWORD_PTR ctx, LPINT err) {
    if (s != handed_out || closed) {
        *err = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    *ctx = handed_context;
    return 0;
}
static int WSPAPI my_close(SOCKET s, LPINT err) {
    (void)err;
    closed += s == handed_out;
    return 0;
}

Test(provider_contract, base_provider_by_path) {
    /* No WSAStartup: configuration calls work without one. */
    GUID tcpip = {0xe70f1aa0, 0xab8b, 0x11cf, {0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}};
    WCHAR wpath[512];
    int len = 512, err = 0;
    cr_assert_eq(WSCGetProviderPath(&tcpip, wpath, &len, &err), 0, "%d", err);
    char path[512];
    for (int i = 0; i < len; i++)
        path[i] = (char)wpath[i];
    cr_assert_eq(path[0], '/', "%s", path);
    void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(so, "%s: %s", path, dlerror());
    LPWSPSTARTUP startup = (LPWSPSTARTUP)(uintptr_t)dlsym(so, "WSPStartup");
    cr_assert_not_null(startup);

    DWORD size = 0;
    WSCEnumProtocols(NULL, NULL, &size, &err);
    WSAPROTOCOL_INFOW entries[16];
    cr_assert_geq(WSCEnumProtocols(NULL, entries, &size, &err), 1);

    WSPUPCALLTABLE up;
    memset(&up, 0, sizeof up);
    up.lpWPUModifyIFSHandle = my_modify_ifs;
    up.lpWPUQuerySocketHandleContext = my_query;
    up.lpWPUCloseSocketHandle = my_close;
    WSPDATA data;
    WSPPROC_TABLE procs;
    memset(&procs, 0, sizeof procs);
    cr_assert_eq(startup(MAKEWORD(2, 2), &data, &entries[0], up, &procs), 0);
    cr_assert_eq(data.wVersion, MAKEWORD(2, 2));
    const void *const *slot = (const void *const *)&procs;
    for (size_t i = 0; i < sizeof procs / sizeof(void *); i++)
        cr_assert_not_null(slot[i], "proc-table slot %zu", i);
    cr_assert_eq(startup(MAKEWORD(1, 1), &data, &entries[0], up, &procs), WSAVERNOTSUPPORTED);

    SOCKET s = procs.lpWSPSocket(0, 0, 0, &entries[0], 0, 0, &err);
    cr_assert_eq(s, handed_out, "an IFS provider's handle comes from WPUModifyIFSHandle: %d", err);
    int type = 0, tlen = sizeof type;
    cr_assert_eq(procs.lpWSPGetSockOpt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &tlen, &err), 0);
    cr_assert_eq(type, SOCK_STREAM);
    cr_assert_eq(procs.lpWSPCloseSocket(s, &err), 0);
    cr_assert_eq(closed, 1, "WSPCloseSocket releases the handle through WPUCloseSocketHandle");
    cr_assert_eq(procs.lpWSPCleanup(&err), 0);

    /* WSAEINPROGRESS from the provider itself: a blocking receive on a bound
     * UDP socket waits and calls the blocking callback, which tries to make
     * another socket. */
    up.lpWPUQueryBlockingCallback = my_query_callback;
    closed = 0;
    cr_assert_eq(startup(MAKEWORD(2, 2), &data, &entries[1], up, &procs), 0);
    procs_for_callback = &procs;
    entry_for_callback = &entries[1];
    s = procs.lpWSPSocket(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &entries[1], 0, 0, &err);
    cr_assert_eq(s, handed_out, "%d", err);
    SOCKADDR_IN a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(procs.lpWSPBind(s, (SOCKADDR *)&a, sizeof a, &err), 0, "%d", err);
    char buf[8];
    WSABUF wb = {sizeof buf, buf};
    DWORD got = 0, flags = 0;
    cr_assert_eq(procs.lpWSPRecv(s, &wb, 1, &got, &flags, NULL, NULL, NULL, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINTR, "the callback said stop: %d", err);
    cr_assert_eq(callback_calls, 1);
    cr_assert_eq(inprogress_from_provider, 1, "WSPSocket inside the blocking call: WSAEINPROGRESS");
    cr_assert_eq(procs.lpWSPCloseSocket(s, &err), 0);
    cr_assert_eq(procs.lpWSPCleanup(&err), 0);
    dlclose(so);
}
