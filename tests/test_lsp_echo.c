/*
 * The echo example through a layered provider: the pass-through LSP of
 * examples/lsp installed over TCP/IPv4 into a private catalog, then the
 * unchanged examples/echo_server and echo_client run against each other with
 * that catalog in their environment. Each program's copy of the layer
 * appends its counters to PASSTHROUGH_STATS_FILE at its last WSPCleanup;
 * the test checks what the layer saw on both sides.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <winsock2.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/ws2posix-lsp-echo-XXXXXX";
static char catalog[sizeof dir + 16], stats[sizeof dir + 16];

static void setup(void) {
    cr_assert_not_null(mkdtemp(dir));
    snprintf(catalog, sizeof catalog, "%s/catalog", dir);
    snprintf(stats, sizeof stats, "%s/stats", dir);
    setenv("WS2POSIX_CATALOG", catalog, 1);
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", dir);
}

TestSuite(lsp_echo, .init = setup, .fini = teardown);

/* A loopback TCP port free a moment ago (asked of the default catalog). */
static int free_port(void) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    closesocket(s);
    WSACleanup();
    return ntohs(a.sin_port);
}

static int run(const char *prog, const char *a1, const char *a2, const char *a3, const char *a4) {
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl(prog, prog, a1, a2, a3, a4, (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct seen {
    int startups, cleanups, sockets, closes, calls, sends, recvs;
    long long bytes_sent, bytes_received;
    unsigned long startup_entry, lower_entry;
};

static int parse(const char *line, struct seen *s) {
    return sscanf(line,
                  "startups=%d cleanups=%d sockets=%d closes=%d calls=%d sends=%d recvs=%d bytes_sent=%lld "
                  "bytes_received=%lld startup_entry=%lu lower_entry=%lu",
                  &s->startups, &s->cleanups, &s->sockets, &s->closes, &s->calls, &s->sends, &s->recvs,
                  &s->bytes_sent, &s->bytes_received, &s->startup_entry, &s->lower_entry) == 11;
}

Test(lsp_echo, the_echo_pair_through_the_layer) {
    char port[16];
    snprintf(port, sizeof port, "%d", free_port());
    cr_assert_eq(run(CATALOG_TOOL, "install", PASSTHROUGH_PATH, NULL, NULL), 0);
    setenv("PASSTHROUGH_STATS_FILE", stats, 1);

    /* The server says when it listens: wait for its line. */
    int out[2];
    cr_assert_eq(pipe(out), 0);
    pid_t server = fork();
    if (server == 0) {
        dup2(out[1], 1);
        close(out[0]);
        execl(ECHO_SERVER, "echo_server", "tcp", port, "4", "1", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[256];
    FILE *f = fdopen(out[0], "r");
    cr_assert_not_null(fgets(line, sizeof line, f), "the server did not start");
    cr_assert_not_null(strstr(line, "echo_server: TCP over IPv4"), "%s", line);

    const char *message = "hello through a layered provider";
    const long long len = (long long)strlen(message);
    cr_assert_eq(run(ECHO_CLIENT, "tcp", port, "4", message), 0, "the client got its echo back");
    int status;
    waitpid(server, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the server served one client and left");
    fclose(f);

    /* One line per program; the server had two sockets (listening, accepted). */
    FILE *sf = fopen(stats, "r");
    cr_assert_not_null(sf, "the layer wrote no counters");
    struct seen seen[2], *srv = NULL, *cli = NULL;
    int n = 0;
    while (n < 2 && fgets(line, sizeof line, sf))
        cr_assert(parse(line, &seen[n++]), "%s", line);
    cr_assert_null(fgets(line, sizeof line, sf), "only two programs loaded the layer");
    fclose(sf);
    cr_assert_eq(n, 2);
    for (int i = 0; i < 2; i++)
        *(seen[i].sockets == 2 ? &srv : &cli) = &seen[i];
    cr_assert(srv && cli, "a server (2 sockets) and a client (1 socket)");
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(seen[i].startups, 1);
        cr_assert_eq(seen[i].cleanups, 1, "WSPCleanup balanced WSPStartup");
        cr_assert_eq(seen[i].startup_entry, 1009ul, "started with the chain's entry");
        cr_assert_eq(seen[i].lower_entry, 1001ul, "the base provider with its own");
        cr_assert_eq(seen[i].closes, seen[i].sockets, "every socket was closed through the layer");
    }
    cr_assert_eq(cli->sockets, 1);
    cr_assert_eq(cli->bytes_sent, len, "the client's message went down through the layer");
    cr_assert_eq(cli->bytes_received, len, "... and its echo came up through it");
    cr_assert_geq(cli->sends, 1);
    cr_assert_geq(cli->recvs, 1);
    cr_assert_eq(srv->bytes_received, len);
    cr_assert_eq(srv->bytes_sent, len);
    cr_assert_geq(srv->recvs, 2, "the message, then the end of the stream");
    cr_assert_geq(srv->sends, 1);
    cr_assert_gt(srv->calls, srv->sends + srv->recvs, "bind, listen, accept, shutdown ... passed too");
}
