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

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/ws2posix-trace-XXXXXX";
static char trace[sizeof dir + 16], catalog[sizeof dir + 16];

static void setup(void) {
    cr_assert_not_null(mkdtemp(dir));
    snprintf(trace, sizeof trace, "%s/trace", dir);
    snprintf(catalog, sizeof catalog, "%s/catalog", dir);
    setenv("WS2POSIX_TRACE", trace, 1);
    setenv("WS2POSIX_CATALOG", catalog, 1);
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", dir);
}

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
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
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

Test(trace, the_seam_with_errno) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    SOCKET a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(a, (struct sockaddr *)&sa, sizeof sa), 0);
    int len = sizeof sa;
    cr_assert_eq(getsockname(a, (struct sockaddr *)&sa, &len), 0);
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
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
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

    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
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
