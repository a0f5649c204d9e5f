/* WSASendMsg under a layered provider. WS2_32 asks the chain for the
 * provider that takes it (SIO_BSP_HANDLE); the pass-through layer of
 * examples/lsp passes that ioctl down, so the base provider answers with its
 * own socket and WSASendMsg goes straight to it (SIO_EXT_SENDMSG), past the
 * layer, as it would on Windows for a layer that does not intercept it. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "passthrough.h" /* the layer's counters */
#include "common.h"

static char dir[] = "/tmp/ws2posix-sendmsg-lsp-XXXXXX";
static char catalog[sizeof dir + 16];

static void setup(void) {
    cr_assert_not_null(mkdtemp(dir));
    snprintf(catalog, sizeof catalog, "%s/catalog", dir);
    setenv("WS2POSIX_CATALOG", catalog, 1);
}

static void teardown(void) {
    unlink(catalog);
    char lock[sizeof catalog + 8];
    snprintf(lock, sizeof lock, "%s.lock", catalog);
    unlink(lock);
    rmdir(dir);
}

TestSuite(sendmsg_lsp, .init = setup, .fini = teardown);

/* The catalog tool (another process) installs the layer over UDP/IPv4. */
static int install_over_udp(void) {
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl(CATALOG_TOOL, "catalog", "install", PASSTHROUGH_PATH, "1002", (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(sendmsg_lsp, base_provider_takes_it) {
    cr_assert_eq(install_over_udp(), 0);
    wsa_start();
    SOCKET r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    void *lsp = dlopen(PASSTHROUGH_PATH, RTLD_NOW | RTLD_NOLOAD); /* loaded by the first socket */
    cr_assert_not_null(lsp, "%s", dlerror());
    struct passthrough_stats *stats = dlsym(lsp, "passthrough_stats");
    cr_assert_not_null(stats);
    cr_assert_geq(stats->sockets, 2, "the sockets were made through the layer");
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(r, (struct sockaddr *)&a, sizeof a), 0);
    int len = sizeof a;
    getsockname(r, (struct sockaddr *)&a, &len);
    char data[] = "layered";
    WSABUF b = {7, data};
    WSAMSG m = {(struct sockaddr *)&a, sizeof a, &b, 1, {0, NULL}, 0};
    DWORD n = 0;
    int sends = stats->sends;
    cr_assert_eq(WSASendMsg(s, &m, 0, &n, NULL, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(n, 7);
    cr_assert_eq(stats->sends, sends, "the layer saw no send");
    char got[16];
    cr_assert_eq(recv(r, got, sizeof got, 0), 7);
    cr_assert_eq(memcmp(got, "layered", 7), 0);
    /* the base provider's checks all the same */
    cr_assert_eq(WSASendMsg(s, NULL, 0, &n, NULL, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    closesocket(s);
    closesocket(r);
    dlclose(lsp);
    WSACleanup();
}
