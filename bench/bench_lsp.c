/* The 64-byte ping-pong through the pass-through layered provider
 * (examples/lsp) against the same with no layer, in one process: the LSP is
 * installed over TCP/IPv4 into a private catalog (WS2POSIX_CATALOG) with the
 * catalog tool, and each side's sockets are made from its catalog entry (the
 * chain, or the base entry 1001). Linux only (a shared-object LSP). */
#define _DEFAULT_SOURCE /* mkdtemp, setenv */
#include "bench_ws.h"
#include <ws2spi.h>
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static WSAPROTOCOL_INFOW chain, base;

static double layered(long n) { return bench_ws_pingpong(n, &chain); }
static double plain(long n) { return bench_ws_pingpong(n, &base); }

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000;
    char dir[] = "/tmp/ws2posix-bench-lsp-XXXXXX", catalog[64], cmd[1024];
    if (!mkdtemp(dir))
        bench_die("mkdtemp", 0);
    snprintf(catalog, sizeof catalog, "%s/catalog", dir);
    setenv("WS2POSIX_CATALOG", catalog, 1);
    snprintf(cmd, sizeof cmd, "'%s' install '%s' >/dev/null", CATALOG_TOOL, PASSTHROUGH_PATH);
    int r = system(cmd);
    if (r != 0)
        bench_die("catalog install", r);

    bench_ws_startup();
    WSAPROTOCOL_INFOW e[64];
    DWORD size = sizeof e;
    int err = 0, count = WSCEnumProtocols(NULL, e, &size, &err);
    int have_chain = 0, have_base = 0;
    for (int i = 0; i < count; i++) {
        if (e[i].iAddressFamily != AF_INET || e[i].iSocketType != SOCK_STREAM || e[i].iProtocol != IPPROTO_TCP)
            continue;
        if (e[i].ProtocolChain.ChainLen > 1 && !have_chain)
            chain = e[i], have_chain = 1;
        else if (e[i].ProtocolChain.ChainLen == BASE_PROTOCOL && !have_base)
            base = e[i], have_base = 1;
    }
    if (!have_chain || !have_base)
        bench_die("finding the chain and base TCP/IPv4 entries", err);
    printf("layered: catalog entry %lu (chain of %d over %lu), no layer: entry %lu\n",
           (unsigned long)chain.dwCatalogEntryId, chain.ProtocolChain.ChainLen,
           (unsigned long)chain.ProtocolChain.ChainEntries[chain.ProtocolChain.ChainLen - 1],
           (unsigned long)base.dwCatalogEntryId);
    bench_ours_name = "LSP";
    bench_compare("ping-pong 64 B, LSP", "round trips", layered, plain, "no layer", n, 7);
    WSACleanup();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    return 0;
}
