/*
 * The teaching trace: WS2POSIX_TRACE=<file> writes one line per crossing,
 * "ws2 -> [entry N 'name'] WSPxxx(args) = result" for the dispatcher calling
 * a provider, and an indented "layer -> ..." for a layered provider calling
 * the base provider it loaded, in Winsock's own words (AF_INET, SOCK_STREAM,
 * SOL_SOCKET, WSAENOPROTOOPT ...), and below them "sys -> ..." for the
 * system calls the seam makes, in POSIX values, with errno's name and the
 * WSA error the seam turns it into.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <ws2tcpip.h>
#include <sporder.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "layers.h"
#include "common.h"

static char dir[] = "/tmp/ws2posix-trace-XXXXXX";
static char trace[sizeof dir + 16], catalog[sizeof dir + 16];

static void setup(void) {
    cr_assert_not_null(mkdtemp(dir));
    snprintf(trace, sizeof trace, "%s/trace", dir);
    snprintf(catalog, sizeof catalog, "%s/catalog", dir);
    setenv("WS2POSIX_TRACE", trace, 1);
    setenv("WS2POSIX_CATALOG", catalog, 1);
}

static void teardown(void) { remove_dir(dir); }

TestSuite(trace, .init = setup, .fini = teardown);

static char text[1 << 16];

static void read_trace(void) {
    FILE *f = fopen(trace, "r");
    cr_assert_not_null(f, "no trace file");
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
}

/* The line that contains `what`, which must start with `prefix`. */
static const char *line_with(const char *what, const char *prefix) {
    const char *p = strstr(text, what);
    cr_assert_not_null(p, "no line with \"%s\" in:\n%s", what, text);
    const char *start = p;
    while (start > text && start[-1] != '\n')
        start--;
    cr_assert_eq(strncmp(start, prefix, strlen(prefix)), 0, "line \"%.*s\" should start with \"%s\"",
                 (int)(strchr(start, '\n') - start), start, prefix);
    return start;
}

Test(trace, dispatcher_to_base_provider) {
    wsa_start();
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    int v = 0, len = sizeof v;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&v, &len), 0);
    len = sizeof v;
    cr_assert_eq(getsockopt(s, SOL_SOCKET, 0x7777, (char *)&v, &len), SOCKET_ERROR);
    int err = WSAGetLastError();
    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(WSACleanup(), 0);
    read_trace();

    const char *entry = "ws2 -> [entry 1001 'ws2posix Tcpip [TCP/IP]'] ";
    line_with("WSPStartup(wVersionRequested=2.2, lpProtocolInfo=[entry 1001]) = 0", entry);
    char want[256];
    snprintf(want, sizeof want,
             "WSPSocket(af=AF_INET, type=SOCK_STREAM, protocol=0, lpProtocolInfo=[entry 1001], g=0, "
             "dwFlags=0x1) = SOCKET 0x%llx\n",
             (unsigned long long)s);
    const char *sock = line_with(want, entry);
    snprintf(want, sizeof want, "WSPGetSockOpt(s=0x%llx, level=SOL_SOCKET, optname=SO_TYPE) = 0\n",
             (unsigned long long)s);
    const char *opt = line_with(want, entry);
    cr_assert_gt(opt, sock, "in the order of the calls");
    snprintf(want, sizeof want, "optname=30583) = SOCKET_ERROR (%s)",
             err == WSAENOPROTOOPT ? "WSAENOPROTOOPT" : err == WSAEINVAL ? "WSAEINVAL" : "?");
    line_with(want, entry);
    snprintf(want, sizeof want, "WSPCloseSocket(s=0x%llx) = 0\n", (unsigned long long)s);
    line_with(want, entry);
    line_with("WSPCleanup() = 0\n", entry);
    cr_assert_null(strstr(text, "layer ->"), "no layer in this catalog");

    /* The seam's system calls, indented under the provider call that made them. */
    const char *sys_socket = line_with("sys -> socket(AF_INET=2, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 6) = ", "  ");
    cr_assert_eq(strchr(sock, '\n') + 1, sys_socket, "socket(2) is the line under WSPSocket");
    /* The descriptor is closed when the last reference to the handle goes,
     * here the dispatcher's own, just after WSPCloseSocket returned. */
    snprintf(want, sizeof want, "WSPCloseSocket(s=0x%llx) = 0\nsys -> close(", (unsigned long long)s);
    cr_assert_not_null(strstr(text, want), "close(2) after WSPCloseSocket:\n%s", text);
}

/* In a new session, two sockets of type (socket(2) twice), then *a bound
 * to 127.0.0.1 (bind(2), getsockname(2)): the calls the seam tests trace
 * first. Returns *a's address. */
static struct sockaddr_in two_sockets_first_bound(int type, SOCKET *a, SOCKET *b) {
    wsa_start();
    *a = socket(AF_INET, type, 0), *b = socket(AF_INET, type, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(*a, (struct sockaddr *)&sa, sizeof sa), 0);
    int len = sizeof sa;
    cr_assert_eq(getsockname(*a, (struct sockaddr *)&sa, &len), 0);
    return sa;
}

Test(trace, the_seam_with_errno) {
    SOCKET a, b;
    struct sockaddr_in sa = two_sockets_first_bound(SOCK_STREAM, &a, &b);
    cr_assert_eq(listen(a, 1), 0);
    cr_assert_eq(bind(b, (struct sockaddr *)&sa, sizeof sa), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEADDRINUSE);
    cr_assert_eq(WSACleanup(), 0);
    read_trace();
    char want[256];
    snprintf(want, sizeof want, "WSPBind(s=0x%llx, name=127.0.0.1:%u, namelen=16) = SOCKET_ERROR (WSAEADDRINUSE)\n",
             (unsigned long long)b, ntohs(sa.sin_port));
    const char *call = line_with(want, "ws2 -> ");
    /* Under it: the seam asks the socket's family (the address must be of
     * it), then bind(2) fails; nothing else in between. */
    const char *sys = strchr(call, '\n') + 1;
    cr_assert_eq(strncmp(sys, "  sys -> getsockopt(", 20), 0, "%s", text);
    cr_assert_not_null(strstr(sys, ", SOL_SOCKET, SO_DOMAIN, [2], [4]) = 0\n"), "%s", text);
    sys = strchr(sys, '\n') + 1;
    int fd = -1;
    char rest[160];
    cr_assert_eq(sscanf(sys, "  sys -> bind(%d, %159[^\n]", &fd, rest), 2, "%s", text);
    snprintf(want, sizeof want, "{AF_INET, 127.0.0.1:%u}, 16) = -1 (EADDRINUSE -> WSAEADDRINUSE)", ntohs(sa.sin_port));
    cr_assert_str_eq(rest, want);
}

Test(trace, off_without_the_variable) {
    unsetenv("WS2POSIX_TRACE");
    wsa_start();
    cr_assert_neq(socket(AF_INET, SOCK_DGRAM, 0), INVALID_SOCKET);
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(access(trace, F_OK), -1, "nothing written");
}

Test(trace, through_a_layered_provider) {
    pid_t pid = fork();
    if (pid == 0) {
        unsetenv("WS2POSIX_TRACE");
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl(CATALOG_TOOL, "catalog", "install", PASSTHROUGH_PATH, (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    wsa_start();
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET, "%d", WSAGetLastError());
    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(WSACleanup(), 0);
    read_trace();

    const char *top = "ws2 -> [entry 1009 'passthrough over ws2posix Tcpip [TCP/IP]'] ";
    const char *base = "  layer -> [entry 1001 'ws2posix Tcpip [TCP/IP]'] ";
    const char *a = line_with("WSPStartup(wVersionRequested=2.2, lpProtocolInfo=[entry 1009]) = 0\n", top);
    const char *b = line_with("WSPStartup(wVersionRequested=2.2, lpProtocolInfo=[entry 1001]) = 0\n", base);
    cr_assert_gt(b, a, "the layer's own startup of the base comes under WS2_32's startup of the layer");
    char want[256];
    snprintf(want, sizeof want, "lpProtocolInfo=[entry 1009], g=0, dwFlags=0x1) = SOCKET 0x%llx\n",
             (unsigned long long)s);
    const char *c = line_with(want, top);
    const char *lower = line_with("WSPSocket(af=AF_INET, type=SOCK_STREAM, protocol=0, lpProtocolInfo=[entry 1001]",
                                  base);
    cr_assert_gt(lower, c);
    cr_assert_eq(strchr(c, '\n') + 1, lower, "the crossing it caused is the next line");
    const char *sys_socket = "    sys -> socket(AF_INET=2, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 6) = ";
    cr_assert_eq(strncmp(strchr(lower, '\n') + 1, sys_socket, strlen(sys_socket)), 0,
                 "and the base provider's socket(2) under it (protocol 0 resolved to IPPROTO_TCP):\n%s", text);
    snprintf(want, sizeof want, "WSPCloseSocket(s=0x%llx) = 0\n", (unsigned long long)s);
    const char *close_top = line_with(want, top);
    const char *close_base = strstr(close_top, "  layer -> [entry 1001 'ws2posix Tcpip [TCP/IP]'] WSPCloseSocket(");
    cr_assert_not_null(close_base, "%s", text);
    line_with("WSPCleanup() = 0\n", top);
    const char *cleanup_top = strstr(text, "ws2 -> [entry 1009 'passthrough over ws2posix Tcpip [TCP/IP]'] WSPCleanup");
    cr_assert_not_null(strstr(cleanup_top, "  layer -> [entry 1001 'ws2posix Tcpip [TCP/IP]'] WSPCleanup() = 0\n"));
}

/* ---- a layer calling the layer below it ---- */

static GUID guid_a = {0x7a0ce001, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x74, 0x72, 0x61, 0x63, 0x65, 0x0a}};
static GUID guid_b = {0x7a0ce001, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x74, 0x72, 0x61, 0x63, 0x65, 0x0b}};
static GUID guid_chain = {0x7a0ce001, 0x2f0c, 0x4d7e, {0x9a, 0x1b, 0x74, 0x72, 0x61, 0x63, 0x65, 0x0c}};

static DWORD install(const GUID *g, const char *path, const WSAPROTOCOL_INFOW *info, const char *name) {
    WSAPROTOCOL_INFOW e = *info;
    WCHAR w[512];
    int err = 0;
    widen(name, e.szProtocol, WSAPROTOCOL_LEN + 1);
    widen(path, w, 512);
    cr_assert_eq(WSCInstallProvider((LPGUID)g, w, &e, 1, &err), 0, "%d", err);
    catalog_read();
    return by_guid(g)->dwCatalogEntryId;
}

/* Layer A over layer B over TCP/IPv4 (as tests/test_lsp_stack.c builds it),
 * the chain first in the catalog; its id. */
static DWORD install_stack(DWORD *id_b) {
    catalog_read();
    WSAPROTOCOL_INFOW base = cat[0];
    cr_assert_eq(base.dwCatalogEntryId, 1001u);
    WSAPROTOCOL_INFOW layered = base;
    layered.ProtocolChain.ChainLen = LAYERED_PROTOCOL;
    layered.dwServiceFlags1 &= ~(DWORD)XP1_IFS_HANDLES;
    layered.dwProviderFlags |= PFL_HIDDEN;
    DWORD a = install(&guid_a, PASSTHROUGH_PATH, &layered, "layer A");
    DWORD b = install(&guid_b, PASSTHROUGH_B_PATH, &layered, "layer B");
    WSAPROTOCOL_INFOW chain = base;
    chain.dwServiceFlags1 &= ~(DWORD)XP1_IFS_HANDLES;
    chain.ProtocolChain.ChainLen = 3;
    chain.ProtocolChain.ChainEntries[0] = a;
    chain.ProtocolChain.ChainEntries[1] = b;
    chain.ProtocolChain.ChainEntries[2] = 1001;
    DWORD c = install(&guid_chain, PASSTHROUGH_PATH, &chain, "A over B over TCP/IP");
    DWORD order[32];
    order[0] = c;
    for (int i = 0, k = 1; i < ncat; i++)
        if (cat[i].dwCatalogEntryId != c)
            order[k++] = cat[i].dwCatalogEntryId;
    cr_assert_eq(WSCWriteProviderOrder(order, (DWORD)ncat), 0);
    *id_b = b;
    return c;
}

/* The line right after `line`. */
static const char *next_line(const char *line) {
    const char *nl = strchr(line, '\n');
    cr_assert_not_null(nl);
    return nl + 1;
}

static void assert_starts(const char *line, const char *want) {
    cr_assert_eq(strncmp(line, want, strlen(want)), 0, "expected a line starting\n%s\ngot\n%.*s\nin:\n%s", want,
                 (int)(strchr(line, '\n') - line), line, text);
}

Test(trace, a_layer_calling_the_layer_below_it) {
    DWORD id_b, id = install_stack(&id_b);
    wsa_start();
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET, "%d", WSAGetLastError());
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int salen = sizeof sa;
    cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(getsockname(l, (struct sockaddr *)&sa, &salen), 0);
    cr_assert_eq(listen(l, 1), 0);
    cr_assert_eq(connect(s, (struct sockaddr *)&sa, salen), 0, "%d", WSAGetLastError());
    cr_assert_eq(send(s, "hi", 2, 0), 2);
    cr_assert_eq(closesocket(s), 0);
    cr_assert_eq(WSACleanup(), 0);
    read_trace();

    char top[128], mid[128], want[512];
    snprintf(top, sizeof top, "ws2 -> [entry %lu 'A over B over TCP/IP'] ", (unsigned long)id);
    snprintf(mid, sizeof mid, "  layer -> [entry %lu 'layer B'] ", (unsigned long)id_b);
    const char *base = "    layer -> [entry 1001 'ws2posix Tcpip [TCP/IP]'] ";

    /* Startup: WS2_32 starts A with the chain; A starts B (B's own entry in
     * brackets, the chain as its argument, unmodified); B starts the base
     * provider with entry 1001. */
    snprintf(want, sizeof want, "WSPStartup(wVersionRequested=2.2, lpProtocolInfo=[entry %lu]) = 0\n",
             (unsigned long)id);
    const char *l1 = line_with(want, top);
    const char *l2 = next_line(l1);
    snprintf(want, sizeof want, "%sWSPStartup(wVersionRequested=2.2, lpProtocolInfo=[entry %lu]) = 0\n", mid,
             (unsigned long)id);
    assert_starts(l2, want);
    snprintf(want, sizeof want, "%sWSPStartup(wVersionRequested=2.2, lpProtocolInfo=[entry 1001]) = 0\n", base);
    assert_starts(next_line(l2), want);

    /* WSPSocket: three crossings and the system call, each under the one
     * that caused it, each handle the one the layer above got back. */
    snprintf(want, sizeof want, "lpProtocolInfo=[entry %lu], g=0, dwFlags=0x1) = SOCKET 0x%llx\n", (unsigned long)id,
             (unsigned long long)s);
    const char *w1 = line_with(want, top);
    const char *w2 = next_line(w1);
    snprintf(want, sizeof want,
             "%sWSPSocket(af=AF_INET, type=SOCK_STREAM, protocol=0, lpProtocolInfo=[entry %lu], g=0, dwFlags=0x1) = "
             "SOCKET 0x",
             mid, (unsigned long)id);
    assert_starts(w2, want);
    unsigned long long sb = strtoull(w2 + strlen(want), NULL, 16);
    const char *w3 = next_line(w2);
    snprintf(want, sizeof want,
             "%sWSPSocket(af=AF_INET, type=SOCK_STREAM, protocol=0, lpProtocolInfo=[entry 1001], g=0, dwFlags=0x1) = "
             "SOCKET 0x",
             base);
    assert_starts(w3, want);
    unsigned long long sbase = strtoull(w3 + strlen(want), NULL, 16);
    cr_assert(sb != (unsigned long long)s && sbase != sb && sbase != (unsigned long long)s,
              "three layers, three handles (non-IFS layers): 0x%llx 0x%llx 0x%llx", (unsigned long long)s, sb, sbase);
    assert_starts(next_line(w3), "      sys -> socket(AF_INET=2, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 6) = ");

    /* A data call: each layer passes the bytes down with the handle the
     * layer below gave it, and the base provider makes the system call. */
    snprintf(want, sizeof want, "WSPSend(s=0x%llx, 1 buffer(s), 2 bytes, dwFlags=0x0) = 0, 2 bytes\n",
             (unsigned long long)s);
    const char *d1 = line_with(want, top);
    snprintf(want, sizeof want, "%sWSPSend(s=0x%llx, 1 buffer(s), 2 bytes, dwFlags=0x0) = 0, 2 bytes\n", mid, sb);
    assert_starts(next_line(d1), want);
    snprintf(want, sizeof want, "%sWSPSend(s=0x%llx, 1 buffer(s), 2 bytes, dwFlags=0x0) = 0, 2 bytes\n", base, sbase);
    assert_starts(next_line(next_line(d1)), want);
    assert_starts(next_line(next_line(next_line(d1))), "      sys -> sendmsg(");

    /* closesocket: down through B with B's handle, to the base with its own. */
    snprintf(want, sizeof want, "WSPCloseSocket(s=0x%llx) = 0\n", (unsigned long long)s);
    const char *c1 = line_with(want, top);
    snprintf(want, sizeof want, "%sWSPCloseSocket(s=0x%llx) = 0\n", mid, sb);
    assert_starts(next_line(c1), want);
    snprintf(want, sizeof want, "%sWSPCloseSocket(s=0x%llx) = 0\n", base, sbase);
    assert_starts(next_line(next_line(c1)), want);

    /* WSACleanup: each WSPCleanup balances its WSPStartup, top down. */
    const char *k1 = line_with("WSPCleanup() = 0\n", top);
    snprintf(want, sizeof want, "%sWSPCleanup() = 0\n", mid);
    assert_starts(next_line(k1), want);
    snprintf(want, sizeof want, "%sWSPCleanup() = 0\n", base);
    assert_starts(next_line(next_line(k1)), want);
}

/* ---- the seam beyond socket, bind, connect, send, recv and close ---- */

/* The line under `call` that starts with `want` (before the next
 * dispatcher line). */
static const char *under(const char *call, const char *want) {
    for (const char *l = next_line(call); *l && strncmp(l, "ws2 -> ", 7); l = next_line(l))
        if (!strncmp(l, want, strlen(want)))
            return l;
    cr_assert_fail("no line starting \"%s\" under\n%.*s\nin:\n%s", want, (int)(strchr(call, '\n') - call), call, text);
    return NULL;
}

static int descriptor_of(const char *socket_line) {
    const char *eq = strstr(next_line(socket_line), ") = ");
    cr_assert_not_null(eq);
    return atoi(eq + 4);
}

Test(trace, the_seam_poll_socket_options_and_ioctl) {
    SOCKET a, b;
    struct sockaddr_in sa = two_sockets_first_bound(SOCK_DGRAM, &a, &b);
    int len;
    int size = 65536, ttl = 33;
    cr_assert_eq(setsockopt(a, SOL_SOCKET, SO_RCVBUF, (const char *)&size, sizeof size), 0);
    cr_assert_eq(setsockopt(a, IPPROTO_IP, IP_TTL, (const char *)&ttl, sizeof ttl), 0);
    ttl = 0;
    len = sizeof ttl;
    cr_assert_eq(getsockopt(a, IPPROTO_IP, IP_TTL, (char *)&ttl, &len), 0);
    cr_assert_eq(ttl, 33);
    cr_assert_eq(sendto(b, "hello", 5, 0, (struct sockaddr *)&sa, sizeof sa), 5);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(a, &rd);
    struct timeval tv = {5, 0};
    cr_assert_eq(select(0, &rd, NULL, NULL, &tv), 1);
    u_long avail = 0;
    cr_assert_eq(ioctlsocket(a, FIONREAD, &avail), 0);
    cr_assert_eq(avail, 5ul);
    cr_assert_eq(WSACleanup(), 0);
    read_trace();

    char want[256];
    snprintf(want, sizeof want, "protocol=0, lpProtocolInfo=[entry 1002], g=0, dwFlags=0x1) = SOCKET 0x%llx\n",
             (unsigned long long)a);
    int fd = descriptor_of(line_with(want, "ws2 -> "));

    /* setsockopt/getsockopt in POSIX names and values (the provider keeps
     * SO_RCVBUF's value itself: IP_TTL is asked of the system). */
    snprintf(want, sizeof want, "WSPSetSockOpt(s=0x%llx, level=SOL_SOCKET, optname=SO_RCVBUF, optlen=4) = 0\n",
             (unsigned long long)a);
    const char *set = line_with(want, "ws2 -> ");
    snprintf(want, sizeof want, "  sys -> setsockopt(%d, SOL_SOCKET, SO_RCVBUF, [65536], 4) = 0\n", fd);
    under(set, want);
    snprintf(want, sizeof want, "WSPGetSockOpt(s=0x%llx, level=IPPROTO_IP, optname=IP_TTL) = 0\n", (unsigned long long)a);
    const char *get = line_with(want, "ws2 -> ");
    snprintf(want, sizeof want, "  sys -> getsockopt(%d, IPPROTO_IP, IP_TTL, [33], [4]) = 0\n", fd);
    under(get, want);

    /* select waits in poll(2): the descriptor, what it waited for, and what
     * came, in strace's form. */
    const char *sel = line_with("WSPSelect(", "ws2 -> ");
    snprintf(want, sizeof want, "  sys -> poll([{fd=%d, events=POLLIN", fd);
    const char *p = under(sel, want);
    snprintf(want, sizeof want, " = 1 ([{fd=%d, revents=POLLIN}])\n", fd);
    const char *end = strchr(p, '\n');
    cr_assert_not_null(strstr(p, want), "%.*s", (int)(end - p), p);
    cr_assert_lt(strstr(p, want), end, "on the same line");

    /* FIONREAD is ioctl(2), the value read in brackets. */
    snprintf(want, sizeof want, "WSPIoctl(s=0x%llx, dwIoControlCode=FIONREAD", (unsigned long long)a);
    const char *io = line_with(want, "ws2 -> ");
    snprintf(want, sizeof want, "  sys -> ioctl(%d, FIONREAD, [5]) = 0\n", fd);
    under(io, want);
}

Test(trace, the_seam_resolver) {
    wsa_start();
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    cr_assert_eq(getaddrinfo("127.0.0.1", "80", &hints, &res), 0);
    freeaddrinfo(res);
    cr_assert_eq(getaddrinfo("not-a-number", "80", &hints, &res), WSAHOST_NOT_FOUND);
    cr_assert_eq(WSACleanup(), 0);
    read_trace();
    /* No provider call around them: lines of their own, unindented. */
    line_with("sys -> getaddrinfo(\"127.0.0.1\", \"80\", {ai_flags=0x4, ai_family=AF_INET, ai_socktype=SOCK_STREAM}) "
              "= 0 ([{AF_INET, 127.0.0.1:80}])\n",
              "sys -> ");
    line_with("sys -> getaddrinfo(\"not-a-number\", \"80\", {ai_flags=0x4, ai_family=AF_INET, ai_socktype=SOCK_STREAM}) "
              "= -2 (EAI_NONAME -> WSAHOST_NOT_FOUND)\n",
              "sys -> ");
}
