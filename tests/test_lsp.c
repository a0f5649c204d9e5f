/*
 * Layered providers and the catalog file: the pass-through LSP of
 * examples/lsp installed over TCP/IPv4 into a private catalog (by the
 * examples/catalog tool, another process), a socket made through its chain,
 * the propagation rule seen from inside the layer, WSPStartup/WSPCleanup
 * balance down to the base provider loaded by path, ordering, persistence
 * across sessions and processes, damaged files, two installers at once and
 * the refusals of files and objects another user could have written.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <sporder.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "passthrough.h" /* the layer's counters */
#include "layers.h"
#include "common.h"

static char dir[] = "/tmp/ws2posix-lsp-XXXXXX";
static char catalog[sizeof dir + 16];
static void *lsp;
static struct passthrough_stats *stats;

static void setup(void) {
    cr_assert_not_null(mkdtemp(dir));
    snprintf(catalog, sizeof catalog, "%s/catalog", dir);
    setenv("WS2POSIX_CATALOG", catalog, 1);
    lsp = dlopen(PASSTHROUGH_PATH, RTLD_NOW);
    cr_assert_not_null(lsp, "%s", dlerror());
    stats = dlsym(lsp, "passthrough_stats");
    cr_assert_not_null(stats);
}

static void teardown(void) { remove_dir(dir); }

TestSuite(lsp, .init = setup, .fini = teardown);

/* Run the catalog tool (another process, same catalog); its exit code. */
static int tool(const char *a1, const char *a2, const char *a3) {
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl(CATALOG_TOOL, "catalog", a1, a2, a3, (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int enum_all(WSAPROTOCOL_INFOW *out, int max, int *err) {
    DWORD size = (DWORD)(max * (int)sizeof *out);
    return WSCEnumProtocols(NULL, out, &size, err);
}

static void install_lsp(void) { cr_assert_eq(tool("install", PASSTHROUGH_PATH, NULL), 0); }

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

static void spit(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

Test(lsp, numbering_and_order) {
    install_lsp();
    WSAPROTOCOL_INFOW e[32];
    int err = 0, n = enum_all(e, 32, &err);
    cr_assert_eq(n, 9, "7 base entries, the layered entry, one chain: %d (%d)", n, err);
    /* The chain was put first; the layered entry keeps its place. */
    cr_assert_eq(e[0].dwCatalogEntryId, 1009u);
    cr_assert_eq(e[0].ProtocolChain.ChainLen, 2);
    cr_assert_eq(e[0].ProtocolChain.ChainEntries[0], 1008u, "the layer on top");
    cr_assert_eq(e[0].ProtocolChain.ChainEntries[1], 1001u, "the base entry at the bottom");
    cr_assert_eq(e[8].dwCatalogEntryId, 1008u);
    cr_assert_eq(e[8].ProtocolChain.ChainLen, LAYERED_PROTOCOL);
    for (int i = 1; i < 8; i++)
        cr_assert_eq(e[i].dwCatalogEntryId, 1000u + (DWORD)i);

    /* WSAEnumProtocols: no layered entry, no PFL_HIDDEN one, the chain first. */
    wsa_start();
    DWORD size = sizeof e;
    n = WSAEnumProtocolsW(NULL, e, &size);
    cr_assert_eq(n, 6, "9 less the layered entry and the two RAW entries: %d", n);
    cr_assert_eq(e[0].dwCatalogEntryId, 1009u);
    for (int i = 0; i < n; i++) {
        cr_assert_neq(e[i].ProtocolChain.ChainLen, LAYERED_PROTOCOL);
        cr_assert_eq(e[i].dwProviderFlags & PFL_HIDDEN, 0u);
    }
    WSACleanup();

    /* Removing: ids are not given again. */
    cr_assert_eq(tool("remove", NULL, NULL), 0);
    cr_assert_eq(enum_all(e, 32, &err), 7);
    install_lsp();
    cr_assert_eq(enum_all(e, 32, &err), 9);
    cr_assert_eq(e[0].dwCatalogEntryId, 1011u, "next ids after 1009: 1010 layered, 1011 chain");
    cr_assert_eq(e[0].ProtocolChain.ChainEntries[0], 1010u);
}

Test(lsp, socket_through_the_chain) {
    install_lsp();
    wsa_start();
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET, "%d", WSAGetLastError());
    cr_assert_eq(stats->startups, 1);
    cr_assert_eq(stats->startup_entry, 1009u, "WS2_32 starts the layer with the chain's entry");
    cr_assert_eq(stats->lower_startups, 1);
    cr_assert_eq(stats->lower_startup_entry, 1001u, "the base provider gets its own entry (WSPStartup rule)");
    cr_assert_eq(stats->lower_socket_entry, 1001u, "... and in WSPSocket");
    cr_assert_eq(stats->sockets, 1);

    WCHAR wpath[512];
    char path[512];
    int len = 512, err = 0;
    GUID tcpip = {0xe70f1aa0, 0xab8b, 0x11cf, {0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}};
    cr_assert_eq(WSCGetProviderPath(&tcpip, wpath, &len, &err), 0);
    for (int i = 0; i < len; i++)
        path[i] = (char)wpath[i];
    cr_assert_str_eq(stats->lower_path, path, "the layer loaded the base provider by its path");

    /* The application sees the chain's entry. */
    WSAPROTOCOL_INFOW info;
    int ilen = sizeof info;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &ilen), 0, "%d", WSAGetLastError());
    cr_assert_eq(info.dwCatalogEntryId, 1009u);
    cr_assert_eq(info.ProtocolChain.ChainLen, 2);
    WSAPROTOCOL_INFOA ainfo;
    ilen = sizeof ainfo;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, (char *)&ainfo, &ilen), 0);
    cr_assert_str_eq(ainfo.szProtocol, "passthrough over ws2posix Tcpip [TCP/IP]");
    /* Other options go down the chain to the base provider. */
    int type = 0, tlen = sizeof type;
    int calls = stats->calls;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &tlen), 0);
    cr_assert_eq(type, SOCK_STREAM);
    cr_assert_gt(stats->calls, calls, "the call went through the layer");

    /* A second socket: no new startup. A UDP socket is not layered. */
    SOCKET t = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    cr_assert_neq(t, INVALID_SOCKET);
    SOCKET u = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert_neq(u, INVALID_SOCKET);
    cr_assert_eq(stats->startups, 1);
    cr_assert_eq(stats->sockets, 2);

    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(stats->closes, 1, "closesocket reaches the layer");
    cr_assert_eq(closesocket(s), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(stats->closes, 2, "the last WSACleanup closes what is left through the layer");
    cr_assert_eq(stats->cleanups, 1, "WSPCleanup balances WSPStartup");
    cr_assert_eq(stats->lower_cleanups, 1, "and the layer balances the base provider's");
}

Test(lsp, order_decides_who_intercepts) {
    install_lsp();
    /* Put the chain last: the base entry is chosen, the layer never starts. */
    DWORD ids[9] = {1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009};
    cr_assert_eq(WSCWriteProviderOrder(ids, 9), 0);
    wsa_start();
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    cr_assert_eq(stats->startups, 0);
    /* Asked for by its entry, the chain is still used. */
    WSAPROTOCOL_INFOW e[16];
    int err;
    cr_assert_eq(enum_all(e, 16, &err), 9);
    cr_assert_eq(e[8].dwCatalogEntryId, 1009u);
    SOCKET t = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &e[8], 0, 0);
    cr_assert_neq(t, INVALID_SOCKET, "%d", WSAGetLastError());
    cr_assert_eq(stats->startups, 1);
    WSACleanup();

    /* Argument errors (returned, not through lpErrno). */
    cr_assert_eq(WSCWriteProviderOrder(NULL, 9), WSAEINVAL);
    cr_assert_eq(WSCWriteProviderOrder(ids, 8), WSAEINVAL, "every entry must be named");
    DWORD twice[9] = {1001, 1001, 1003, 1004, 1005, 1006, 1007, 1008, 1009};
    cr_assert_eq(WSCWriteProviderOrder(twice, 9), WSAEINVAL);
    DWORD unknown[9] = {1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 4242};
    cr_assert_eq(WSCWriteProviderOrder(unknown, 9), WSAEINVAL);
    cr_assert_eq(enum_all(e, 16, &err), 9);
    cr_assert_eq(e[8].dwCatalogEntryId, 1009u, "nothing changed");
}

Test(lsp, persistence_across_sessions_and_processes) {
    wsa_start();
    install_lsp(); /* by another process, during our session */
    DWORD size = 0;
    WSAEnumProtocolsW(NULL, NULL, &size);
    cr_assert_eq(size, 5 * sizeof(WSAPROTOCOL_INFOW), "a running session keeps the catalog it started with");
    int err;
    WSAPROTOCOL_INFOW e[16];
    cr_assert_eq(enum_all(e, 16, &err), 9, "WSCEnumProtocols reads the catalog as it is now");
    cr_assert_eq(WSACleanup(), 0);
    wsa_start();
    size = 0;
    WSAEnumProtocolsW(NULL, NULL, &size);
    cr_assert_eq(size, 6 * sizeof(WSAPROTOCOL_INFOW), "the next session's first WSAStartup reads it again");
    WSACleanup();

    /* The other way: what this process orders, another process sees. */
    DWORD ids[9] = {1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009};
    cr_assert_eq(WSCWriteProviderOrder(ids, 9), 0);
    char out[sizeof dir + 32];
    snprintf(out, sizeof out, "%s/list.txt", dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        execl(CATALOG_TOOL, "catalog", "list", (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    size_t len;
    char *text = slurp(out, &len);
    char *first = strstr(text, "Catalog Entry ID:");
    cr_assert_not_null(first);
    cr_assert(strstr(first, "1001\n") == strchr(first, '1'), "the other process sees our order first");
    char *last = NULL;
    for (char *p = text; (p = strstr(p, "Catalog Entry ID:")) != NULL; p++)
        last = p;
    cr_assert_not_null(strstr(last, "1009"));
    cr_assert_not_null(strstr(text, "Layered Chain Entry"));
    cr_assert_not_null(strstr(text, "Protocol Chain:                     1008 -> 1001"));
    free(text);
}

/* A damaged file: every call says so, nothing replaces it. */
static void expect_refused(const char *content, size_t len, int wsc_code) {
    spit(catalog, content, len);
    int err = 0;
    WSAPROTOCOL_INFOW e[16];
    cr_assert_eq(enum_all(e, 16, &err), SOCKET_ERROR);
    cr_assert_eq(err, wsc_code);
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), WSASYSNOTREADY, "a session does not start on it");
    GUID g = {0x1234, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
    WCHAR path[] = {'/', 'x', '.', 's', 'o', 0};
    WSAPROTOCOL_INFOW info = {0};
    info.ProtocolChain.ChainLen = BASE_PROTOCOL;
    cr_assert_eq(WSCInstallProvider(&g, path, &info, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, wsc_code);
    DWORD ids[7] = {1001, 1002, 1003, 1004, 1005, 1006, 1007};
    cr_assert_eq(WSCWriteProviderOrder(ids, 7), wsc_code);
    size_t now_len;
    char *now = slurp(catalog, &now_len);
    cr_assert_eq(now_len, len, "left as it was");
    cr_assert_eq(memcmp(now, content, len), 0, "left as it was");
    free(now);
}

Test(lsp, damaged_catalogs_are_refused_and_kept) {
    install_lsp();
    size_t len;
    char *good = slurp(catalog, &len);
    expect_refused(good, len / 2, WSANO_RECOVERY); /* truncated */
    char *flipped = malloc(len);
    memcpy(flipped, good, len);
    char *entry = strstr(flipped, "\nentry ");
    cr_assert_not_null(entry);
    entry[20] = entry[20] == 'a' ? 'b' : 'a'; /* a changed byte: checksum */
    expect_refused(flipped, len, WSANO_RECOVERY);
    expect_refused("garbage\n", 8, WSANO_RECOVERY);
    expect_refused("", 0, WSANO_RECOVERY);
    static char bad_magic[1 << 16];
    int n = snprintf(bad_magic, sizeof bad_magic, "WS2POSIX-CATALOG 99\n%s", strchr(good, '\n') + 1);
    cr_assert_lt(n, (int)sizeof bad_magic);
    expect_refused(bad_magic, (size_t)n, WSANO_RECOVERY);
    /* Put back, it works again. */
    spit(catalog, good, len);
    int err;
    WSAPROTOCOL_INFOW e[16];
    cr_assert_eq(enum_all(e, 16, &err), 9);
    free(flipped);
    free(good);
}

Test(lsp, loose_permissions_are_refused) {
    install_lsp();
    size_t len;
    char *good = slurp(catalog, &len);
    cr_assert_eq(chmod(catalog, 0666), 0);
    expect_refused(good, len, WSAEACCES);
    cr_assert_eq(chmod(catalog, 0620), 0);
    expect_refused(good, len, WSAEACCES);
    cr_assert_eq(chmod(catalog, 0644), 0);
    cr_assert_eq(chmod(dir, 0777), 0);
    expect_refused(good, len, WSAEACCES); /* the directory: anyone could replace the file */
    cr_assert_eq(chmod(dir, 0700), 0);
    int err;
    WSAPROTOCOL_INFOW e[16];
    cr_assert_eq(enum_all(e, 16, &err), 9);
    free(good);
}

static void copy_file(const char *from, const char *to, mode_t mode) {
    size_t len;
    char *data = slurp(from, &len);
    spit(to, data, len);
    free(data);
    cr_assert_eq(chmod(to, mode), 0);
}

Test(lsp, provider_objects_another_user_could_write) {
    char copy[sizeof dir + 32];
    snprintf(copy, sizeof copy, "%s/lsp.so", dir);
    copy_file(PASSTHROUGH_PATH, copy, 0775); /* group-writable */
    cr_assert_neq(tool("install", copy, NULL), 0, "refused at install");
    WSAPROTOCOL_INFOW e[16];
    int err;
    cr_assert_eq(enum_all(e, 16, &err), 7);

    /* Installed while it was fine, loosened afterwards: refused at load. */
    cr_assert_eq(chmod(copy, 0755), 0);
    cr_assert_eq(tool("install", copy, NULL), 0);
    cr_assert_eq(chmod(copy, 0757), 0);
    wsa_start();
    cr_assert_eq(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEPROVIDERFAILEDINIT);
    cr_assert_eq(chmod(copy, 0755), 0);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET, "%d", WSAGetLastError());
    WSACleanup();

    if (geteuid() != 0)
        cr_skip_test("an object owned by another user needs chown, which needs root");
    cr_assert_eq(chown(copy, 65534, 65534), 0);
    wsa_start();
    cr_assert_eq(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAEPROVIDERFAILEDINIT, "owned by uid 65534: not loaded");
    WSACleanup();
    cr_assert_eq(tool("remove", NULL, NULL), 0);
    cr_assert_neq(tool("install", copy, NULL), 0, "refused at install too");

    /* A catalog file owned by someone else. */
    cr_assert_eq(chown(copy, 0, 0), 0);
    cr_assert_eq(chown(catalog, 65534, 65534), 0);
    cr_assert_eq(enum_all(e, 16, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEACCES);
}

Test(lsp, two_installers_lose_nothing) {
    enum { PER_CHILD = 25 };
    pid_t pids[2];
    for (int c = 0; c < 2; c++) {
        pids[c] = fork();
        if (pids[c] == 0) {
            WCHAR path[] = {'/', 'o', 'p', 't', '/', 'p', '.', 's', 'o', 0};
            WSAPROTOCOL_INFOW info = {0};
            info.ProtocolChain.ChainLen = BASE_PROTOCOL;
            info.iAddressFamily = AF_INET;
            info.iSocketType = SOCK_DGRAM;
            for (int i = 0; i < PER_CHILD; i++) {
                GUID g = {0xabc00000u + (DWORD)(c * 100 + i), 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
                int err;
                info.iProtocol = 300 + c * 100 + i;
                if (WSCInstallProvider(&g, path, &info, 1, &err) != 0)
                    _exit(10 + i);
            }
            _exit(0);
        }
    }
    for (int c = 0; c < 2; c++) {
        int status;
        waitpid(pids[c], &status, 0);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "installer %d: %d", c, WEXITSTATUS(status));
    }
    static WSAPROTOCOL_INFOW e[128];
    int err, n = enum_all(e, 128, &err);
    cr_assert_eq(n, 7 + 2 * PER_CHILD, "%d (%d)", n, err);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++)
            cr_assert_neq(e[i].dwCatalogEntryId, e[k].dwCatalogEntryId);
    cr_assert_eq(e[n - 1].dwCatalogEntryId, 1007u + 2 * PER_CHILD, "ids given in sequence");
}

Test(lsp, configuration_argument_errors) {
    install_lsp();
    int err = 0;
    GUID zero = {0};
    GUID layered = {0x5a55e7b1, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x70, 0x61, 0x73, 0x73, 0x74, 0x01}};
    DWORD cats = 0;
    size_t size = sizeof cats;
    /* WSCGetProviderInfo (F66): NULL GUID, then unknown GUID first. */
    cr_assert_eq(WSCGetProviderInfo(NULL, ProviderInfoLspCategories, (PBYTE)&cats, &size, 0, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    cr_assert_eq(WSCGetProviderInfo(&zero, ProviderInfoLspCategories, NULL, NULL, 0, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSANO_RECOVERY);
    cr_assert_eq(WSCGetProviderInfo(&zero, ProviderInfoAudit, (PBYTE)&cats, &size, 0, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSANO_RECOVERY);
    DWORD set = LSP_INSPECTOR | LSP_SYSTEM;
    cr_assert_eq(WSCSetProviderInfo(&layered, ProviderInfoLspCategories, (PBYTE)&set, sizeof set, 0, &err), 0);
    cr_assert_eq(WSCGetProviderInfo(&layered, ProviderInfoLspCategories, (PBYTE)&cats, &size, 0, &err), 0);
    cr_assert_eq(cats, set, "categories persist");
    size = 1;
    cr_assert_eq(WSCGetProviderInfo(&layered, ProviderInfoLspCategories, (PBYTE)&cats, &size, 0, &err),
                 SOCKET_ERROR);
    cr_assert_eq(size, sizeof(DWORD));

    /* WSCGetProviderPath (F67). */
    int len = -1;
    WCHAR buf[256];
    cr_assert_eq(WSCGetProviderPath(NULL, NULL, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSCGetProviderPath(NULL, NULL, NULL, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    cr_assert_eq(WSCGetProviderPath(&layered, NULL, NULL, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    cr_assert_eq(WSCGetProviderPath(&layered, NULL, &len, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    cr_assert_eq(len, -1);
    len = 256;
    cr_assert_eq(WSCGetProviderPath(&zero, buf, &len, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    cr_assert_eq(len, 256);

    /* WSCUpdateProvider: the entries of a provider, by id. */
    WSAPROTOCOL_INFOW e[16];
    int n = enum_all(e, 16, &err);
    WSAPROTOCOL_INFOW *chain = &e[0];
    GUID chain_guid = chain->ProviderId;
    WCHAR path[512];
    len = 512;
    cr_assert_eq(WSCGetProviderPath(&chain_guid, path, &len, &err), 0);
    const WCHAR name[] = {'r', 'e', 'n', 'a', 'm', 'e', 'd', 0};
    memcpy(chain->szProtocol, name, sizeof name);
    cr_assert_eq(WSCUpdateProvider(NULL, path, chain, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEFAULT);
    cr_assert_eq(WSCUpdateProvider(&zero, path, chain, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    const WCHAR relative[] = {'l', 's', 'p', '.', 's', 'o', 0};
    cr_assert_eq(WSCUpdateProvider(&chain_guid, relative, chain, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL, "provider paths must be absolute");
    cr_assert_eq(WSCUpdateProvider(&layered, path, chain, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL, "the entry belongs to another provider");
    cr_assert_eq(WSCUpdateProvider(&chain_guid, path, chain, 1, &err), 0, "%d", err);
    cr_assert_eq(enum_all(e, 16, &err), n);
    cr_assert_eq(memcmp(e[0].szProtocol, name, sizeof name), 0);
    cr_assert_eq(e[0].dwCatalogEntryId, 1009u);

    /* A chain must name installed layered entries over a base entry. */
    WSAPROTOCOL_INFOW bad = e[0];
    GUID other = {0x77, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
    bad.ProtocolChain.ChainEntries[0] = 1002; /* a base entry where a layer should be */
    cr_assert_eq(WSCInstallProvider(&other, path, &bad, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    bad.ProtocolChain.ChainEntries[0] = 4242;
    cr_assert_eq(WSCInstallProvider(&other, path, &bad, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    bad.ProtocolChain.ChainLen = MAX_PROTOCOL_CHAIN + 1;
    cr_assert_eq(WSCInstallProvider(&other, path, &bad, 1, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    /* The built-in entries cannot be removed. */
    GUID tcpip = {0xe70f1aa0, 0xab8b, 0x11cf, {0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}};
    cr_assert_eq(WSCDeinstallProvider(&tcpip, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAEINVAL);
    /* reset: the embedded default again. */
    cr_assert_eq(tool("reset", NULL, NULL), 0);
    cr_assert_eq(enum_all(e, 16, &err), 7);
}

/* ---- select and WSAPoll over sockets of two providers ----
 * select goes to the provider of the first socket in the sets (readfds,
 * then writefds, then exceptfds), which sees the whole sets; WSAPoll has no
 * SPI entry (WS2_32 polls each socket's base handle, SIO_BSP_HANDLE_POLL).
 * Here the chain (the pass-through layer over TCP) makes the stream sockets
 * and the base provider the datagram ones (the chain is TCP only). */

/* The base provider's own TCP entry, to make a base stream socket although
 * the chain is installed first. */
static SOCKET base_tcp(void) {
    WSAPROTOCOL_INFOW e[16];
    DWORD size = sizeof e;
    int n = WSAEnumProtocolsW(NULL, e, &size);
    for (int i = 0; i < n; i++)
        if (e[i].dwCatalogEntryId == 1001)
            return WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &e[i], 0, 0);
    cr_assert_fail("no base TCP entry");
    return INVALID_SOCKET;
}

/* A base-provider datagram socket with one datagram waiting: readable. */
static SOCKET readable_base_udp(void) {
    SOCKET u = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert_neq(u, INVALID_SOCKET);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(u, (struct sockaddr *)&a, sizeof a), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(u, (struct sockaddr *)&a, &len), 0);
    cr_assert_eq(sendto(u, "d", 1, 0, (struct sockaddr *)&a, sizeof a), 1);
    return u;
}

/* A connected stream pair made through the chain, with one byte waiting
 * at *client: readable. */
static void readable_layered_pair(SOCKET *client, SOCKET *server) {
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(l, INVALID_SOCKET);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(l, 1), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
    *client = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(*client, INVALID_SOCKET);
    cr_assert_eq(connect(*client, (struct sockaddr *)&a, sizeof a), 0, "%d", WSAGetLastError());
    *server = accept(l, NULL, NULL);
    cr_assert_neq(*server, INVALID_SOCKET, "%d", WSAGetLastError());
    closesocket(l);
    cr_assert_eq(send(*server, "s", 1, 0), 1);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(*client, &r);
    struct timeval tv = {2, 0};
    cr_assert_eq(select(0, &r, NULL, NULL, &tv), 1, "the byte arrived (a select the layer answers alone)");
}

/* A session with the layer installed: a readable base-provider datagram
 * socket (returned), then a readable pair made through the chain. */
static SOCKET layered_and_base(SOCKET *c, SOCKET *s) {
    install_lsp();
    wsa_start();
    SOCKET u = readable_base_udp();
    readable_layered_pair(c, s);
    return u;
}

static void assert_set_is(const fd_set *set, u_int n, SOCKET a, SOCKET b) {
    cr_assert_eq(set->fd_count, n, "the set is left as it was");
    cr_assert_eq(set->fd_array[0], a);
    if (n > 1)
        cr_assert_eq(set->fd_array[1], b);
}

/* A base socket first: the base provider's WSPSelect sees the layer's
 * handle, which is not one of its sockets (a handle the layer made with
 * WPUCreateSocketHandle, whose context is the layer's own object), and
 * answers as for any handle it cannot map: SOCKET_ERROR, WSAENOTSOCK, the
 * sets untouched (F155, F85), although both sockets are readable. In
 * writefds or exceptfds the same. */
Test(lsp, select_base_first_with_a_layered_socket) {
    SOCKET c, s, u = layered_and_base(&c, &s);
    cr_assert_neq(c, stats->last_lower_socket, "the application holds the layer's handle");
    struct timeval zero = {0, 0}, some = {0, 200 * 1000};
    for (int wait = 0; wait < 2; wait++) {
        fd_set r, w, x;
        FD_ZERO(&r);
        FD_SET(u, &r);
        FD_SET(c, &r);
        WSASetLastError(0);
        cr_assert_eq(select(0, &r, NULL, NULL, wait ? &some : &zero), SOCKET_ERROR);
        cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
        assert_set_is(&r, 2, u, c);

        FD_ZERO(&r);
        FD_SET(u, &r);
        FD_ZERO(&w);
        FD_SET(c, &w);
        FD_ZERO(&x);
        FD_SET(c, &x);
        WSASetLastError(0);
        cr_assert_eq(select(0, &r, &w, &x, wait ? &some : &zero), SOCKET_ERROR);
        cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
        assert_set_is(&r, 1, u, 0);
        assert_set_is(&w, 1, c, 0);
        assert_set_is(&x, 1, c, 0);
    }
    /* A base stream socket first: the same. */
    SOCKET b = base_tcp();
    cr_assert_neq(b, INVALID_SOCKET, "%d", WSAGetLastError());
    fd_set w;
    FD_ZERO(&w);
    FD_SET(b, &w);
    FD_SET(c, &w);
    cr_assert_eq(select(0, NULL, &w, NULL, &zero), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    assert_set_is(&w, 2, b, c);
    /* Each alone is answered by its own provider. */
    fd_set r;
    FD_ZERO(&r);
    FD_SET(u, &r);
    cr_assert_eq(select(0, &r, NULL, NULL, &zero), 1);
    FD_ZERO(&r);
    FD_SET(c, &r);
    cr_assert_eq(select(0, &r, NULL, NULL, &zero), 1);
    closesocket(b), closesocket(c), closesocket(s), closesocket(u);
    WSACleanup();
}

/* The layer's socket first: the layer's WSPSelect translates every handle
 * of the sets with WPUQuerySocketHandleContext, as the SDK's non-IFS
 * sample does. A base socket is no handle made by WPUCreateSocketHandle,
 * so on Windows the upcall fails with WSAENOTSOCK (its reference page: "The
 * descriptor is not a socket created by WPUCreateSocketHandle"), and the
 * layer gives that back before it touches the sets: SOCKET_ERROR,
 * WSAENOTSOCK, sets untouched, whichever set the base socket is in. The
 * facts file has no entry for mixed providers. (Before the upcall refused
 * IFS handles, the layer took the base provider's socket object for its
 * own: ASan, a wild read in passthrough.c select_lower.) */
Test(lsp, wpu_context_of_an_ifs_handle_is_refused) {
    install_lsp();
    wsa_start();
    SOCKET u = socket(AF_INET, SOCK_DGRAM, 0); /* the base provider's (IFS) handle */
    cr_assert_neq(u, INVALID_SOCKET);
    SOCKET t = socket(AF_INET, SOCK_STREAM, 0); /* the layer's (WPUCreateSocketHandle) */
    cr_assert_neq(t, INVALID_SOCKET);
    DWORD_PTR ctx = 0x5a5a;
    int err = 0;
    cr_assert_eq(WPUQuerySocketHandleContext(u, &ctx, &err), SOCKET_ERROR);
    cr_assert_eq(err, WSAENOTSOCK);
    cr_assert_eq(ctx, 0x5a5a, "nothing written");
    cr_assert_eq(WPUQuerySocketHandleContext(t, &ctx, &err), 0, "the layer's own handle has its context");
    closesocket(t), closesocket(u);
    WSACleanup();
}

Test(lsp, select_layered_first_with_a_base_socket) {
    SOCKET c, s, u = layered_and_base(&c, &s);
    struct timeval zero = {0, 0};
    fd_set r, w;
    FD_ZERO(&r);
    FD_SET(c, &r);
    FD_SET(u, &r);
    WSASetLastError(0);
    cr_assert_eq(select(0, &r, NULL, NULL, &zero), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    assert_set_is(&r, 2, c, u);
    FD_ZERO(&r);
    FD_SET(c, &r);
    FD_ZERO(&w);
    FD_SET(u, &w);
    WSASetLastError(0);
    cr_assert_eq(select(0, &r, &w, NULL, &zero), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    assert_set_is(&r, 1, c, 0);
    assert_set_is(&w, 1, u, 0);
    closesocket(c), closesocket(s), closesocket(u);
    WSACleanup();
}

/* WSAPoll has no provider to pick: each entry goes to its base handle, so
 * sockets of the layer and of the base provider mix freely, in any order,
 * each reported under its own entry. */
Test(lsp, wsapoll_mixes_layered_and_base_sockets) {
    SOCKET c, s, u = layered_and_base(&c, &s);
    SOCKET b = base_tcp(); /* neither listening nor connected: never ready (F153) */
    cr_assert_neq(b, INVALID_SOCKET);
    for (int order = 0; order < 2; order++) {
        WSAPOLLFD f[4] = {{order ? u : c, POLLRDNORM, 0x7f},
                          {order ? c : u, POLLRDNORM, 0x7f},
                          {b, POLLRDNORM | POLLWRNORM, 0x7f},
                          {s, POLLWRNORM, 0x7f}};
        cr_assert_eq(WSAPoll(f, 4, 0), 3, "order %d: %d", order, WSAGetLastError());
        cr_assert_eq(f[0].revents, POLLRDNORM);
        cr_assert_eq(f[1].revents, POLLRDNORM);
        cr_assert_eq(f[2].revents, 0);
        cr_assert_eq(f[3].revents, POLLWRNORM, "the layer's accepted socket, idle and connected (F177)");
    }
    /* A closed layered socket among them: POLLNVAL, not counted (F175). */
    closesocket(s);
    WSAPOLLFD g[2] = {{s, POLLRDNORM, 0}, {u, POLLRDNORM, 0}};
    cr_assert_eq(WSAPoll(g, 2, 0), 1);
    cr_assert_eq(g[0].revents, POLLNVAL);
    cr_assert_eq(g[1].revents, POLLRDNORM);
    closesocket(b), closesocket(c), closesocket(u);
    WSACleanup();
}
