/*
 * The echo example through a layered provider: the pass-through LSP of
 * examples/lsp installed over TCP/IPv4 into a private catalog, then the
 * unchanged examples/echo_server and echo_client run against each other with
 * that catalog in their environment. Each program's copy of the layer
 * appends its counters to PASSTHROUGH_STATS_FILE at its last WSPCleanup,
 * and logs each call to PASSTHROUGH_LOG as it happens; the test checks what
 * the layer saw on both sides, in both.
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
#include "layers.h"
#include "common.h"

static char dir[] = "/tmp/ws2posix-lsp-echo-XXXXXX";
static char catalog[sizeof dir + 16], stats[sizeof dir + 16], log_path[sizeof dir + 16];

static void setup(void) {
    cr_assert_not_null(mkdtemp(dir));
    snprintf(catalog, sizeof catalog, "%s/catalog", dir);
    snprintf(stats, sizeof stats, "%s/stats", dir);
    snprintf(log_path, sizeof log_path, "%s/log", dir);
    setenv("WS2POSIX_CATALOG", catalog, 1);
}

static void teardown(void) { remove_dir(dir); }

TestSuite(lsp_echo, .init = setup, .fini = teardown);

/* A loopback TCP port free a moment ago (asked of the default catalog). */
static int free_port(void) {
    wsa_start();
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

static void assert_prefix(const char *line, const char *want) {
    cr_assert_eq(strncmp(line, want, strlen(want)), 0, "expected\n  %s\ngot\n  %.*s", want,
                 (int)strcspn(line, "\n"), line);
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

/* ---- the layer's call log ---- */

static char logtext[1 << 16];

/* The log lines of one program, in order. */
static int lines_of(long pid, const char **out, int max) {
    char prefix[64];
    int n = snprintf(prefix, sizeof prefix, "passthrough pid %ld tid ", pid);
    int k = 0;
    for (char *l = logtext; *l && k < max; l = strchr(l, '\n') + 1) {
        cr_assert_not_null(strchr(l, '\n'), "every line is whole");
        if (!strncmp(l, prefix, (size_t)n))
            out[k++] = strstr(l, ": ") + 2;
    }
    return k;
}

/* The first of lines[from..] that starts with `want`; its index. */
static int find(const char **lines, int n, int from, const char *want) {
    for (int i = from; i < n; i++)
        if (!strncmp(lines[i], want, strlen(want)))
            return i;
    cr_assert_fail("the layer logged no line starting \"%s\" (from line %d):\n%s", want, from, logtext);
    return -1;
}

/* The handle a logged call was made on: "WSPxxx(s=0x...". */
static unsigned long long handle_of(const char *line) {
    unsigned long long h = 0;
    const char *p = strchr(line, '(');
    return p && p < strchr(line, '\n') && sscanf(p, "(s=0x%llx", &h) == 1 ? h : 0;
}

/* "= 0, N bytes (lower 0xL)" of a data call on handle h: N, checking L. */
static long long bytes_of(const char *line, unsigned long long lower) {
    long long n = -1;
    unsigned long long l = 0;
    const char *eq = strstr(line, ") = 0, ");
    cr_assert_not_null(eq, "%s", line);
    cr_assert_eq(sscanf(eq, ") = 0, %lld bytes (lower 0x%llx)", &n, &l), 2, "%s", line);
    cr_assert_eq(l, lower, "lower 0x%llx expected: %.*s", lower, (int)strcspn(line, "\n"), line);
    return n;
}

static void check_log(long long len, const struct seen *cli, const struct seen *srv) {
    FILE *f = fopen(log_path, "r");
    cr_assert_not_null(f, "the layer wrote no log");
    size_t got = fread(logtext, 1, sizeof logtext - 1, f);
    logtext[got] = 0;
    fclose(f);

    /* Two programs: find their process ids from their WSPStartup lines. */
    long pids[2];
    int np = 0;
    for (char *l = logtext; *l && np < 2; l = strchr(l, '\n') + 1) {
        long pid;
        if (strstr(l, ": WSPStartup(") && sscanf(l, "passthrough pid %ld", &pid) == 1)
            pids[np++] = pid;
    }
    cr_assert_eq(np, 2, "one WSPStartup per program:\n%s", logtext);

    for (int p = 0; p < 2; p++) {
        const char *lines[256];
        int n = lines_of(pids[p], lines, 256);
        cr_assert_geq(n, 4);
        assert_prefix(lines[0], "WSPStartup(wVersionRequested=2.2, lpProtocolInfo=[entry 1009]) = 0 (next layer: entry 1001, ");
        cr_assert_eq(strncmp(lines[n - 1], "WSPCleanup() = 0", 16), 0, "the last call is WSPCleanup: %s", lines[n - 1]);

        /* Every socket: made with a handle of the layer's own over the base
         * provider's, used with that handle, closed once. */
        int sockets = 0, sends = 0, recvs = 0;
        long long sent = 0, received = 0;
        for (int i = 0; i < n; i++) {
            unsigned long long h, lower;
            if (sscanf(lines[i], "WSPSocket(af=2, type=1, protocol=6, lpProtocolInfo=[entry 1009]) = 0x%llx (lower 0x%llx)",
                       &h, &lower) != 2 &&
                sscanf(lines[i], "WSPAccept(s=0x%*x) = 0x%llx (lower 0x%llx)", &h, &lower) != 2)
                continue;
            sockets++;
            cr_assert_neq(h, lower, "a non-IFS layer: its own handle");
            char want[128];
            int closed = 0;
            for (int j = i + 1; j < n; j++) {
                if (handle_of(lines[j]) != h)
                    continue;
                cr_assert_eq(closed, 0, "no call after WSPCloseSocket: %s", lines[j]);
                if (!strncmp(lines[j], "WSPSend(", 8))
                    sent += bytes_of(lines[j], lower), sends++;
                else if (!strncmp(lines[j], "WSPRecv(", 8))
                    received += bytes_of(lines[j], lower), recvs++;
                else if (!strncmp(lines[j], "WSPCloseSocket(", 15)) {
                    snprintf(want, sizeof want, "WSPCloseSocket(s=0x%llx) = 0 (lower 0x%llx)", h, lower);
                    assert_prefix(lines[j], want);
                    closed = 1;
                }
            }
            cr_assert(closed, "socket 0x%llx was closed through the layer:\n%s", h, logtext);
        }
        const struct seen *st = sockets == 1 ? cli : srv;
        cr_assert_eq(sockets, st->sockets, "the log and the counters agree");
        cr_assert_eq(sends, st->sends);
        cr_assert_eq(recvs, st->recvs);
        cr_assert_eq(sent, len);
        cr_assert_eq(received, len);

        if (sockets == 1) { /* the client: its calls in the order it made them */
            unsigned long long h, lower;
            int i = find(lines, n, 0, "WSPSocket(");
            cr_assert_eq(sscanf(lines[i], "WSPSocket(af=2, type=1, protocol=6, lpProtocolInfo=[entry 1009]) = 0x%llx (lower 0x%llx)",
                                &h, &lower), 2, "%s", lines[i]);
            char want[128];
            snprintf(want, sizeof want, "WSPConnect(s=0x%llx) = 0 (lower 0x%llx)", h, lower);
            i = find(lines, n, i, want);
            snprintf(want, sizeof want, "WSPSend(s=0x%llx, 1 buffer(s)) = 0, %lld bytes (lower 0x%llx)", h, len, lower);
            i = find(lines, n, i, want);
            snprintf(want, sizeof want, "WSPShutdown(s=0x%llx) = 0 (lower 0x%llx)", h, lower);
            i = find(lines, n, i, want);
            snprintf(want, sizeof want, "WSPRecv(s=0x%llx, 1 buffer(s)) = 0, %lld bytes (lower 0x%llx)", h, len, lower);
            i = find(lines, n, i, want);
            snprintf(want, sizeof want, "WSPCloseSocket(s=0x%llx) = 0 (lower 0x%llx)", h, lower);
            find(lines, n, i, want);
        } else { /* the server: listen, accept, echo */
            int i = find(lines, n, 0, "WSPBind(s=0x");
            i = find(lines, n, i, "WSPListen(s=0x");
            find(lines, n, i, "WSPAccept(s=0x");
        }
    }
}

Test(lsp_echo, the_echo_pair_through_the_layer) {
    char port[16];
    snprintf(port, sizeof port, "%d", free_port());
    cr_assert_eq(run(CATALOG_TOOL, "install", PASSTHROUGH_PATH, NULL, NULL), 0);
    setenv("PASSTHROUGH_STATS_FILE", stats, 1);
    setenv("PASSTHROUGH_LOG", log_path, 1);

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

    check_log(len, cli, srv);
}

/* Many threads calling through the layer at once: every line of the log
 * is whole (one write(2) each on an O_APPEND descriptor), and each thread's
 * calls are all there, under its own thread id. */
#include <pthread.h>

#define THREADS 4
#define ROUNDS 200

/* A connection of its own (the layer is over TCP/IPv4), ROUNDS small
 * messages over it. */
static void *messages(void *arg) {
    (void)arg;
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), a;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int len = sizeof sa;
    if (l == INVALID_SOCKET || c == INVALID_SOCKET || bind(l, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(l, (struct sockaddr *)&sa, &len) != 0 || listen(l, 1) != 0 ||
        connect(c, (struct sockaddr *)&sa, len) != 0 || (a = accept(l, NULL, NULL)) == INVALID_SOCKET)
        return (void *)1;
    char buf[8];
    for (int i = 0; i < ROUNDS; i++) {
        if (send(c, "ping", 4, 0) != 4)
            return (void *)2;
        for (int got = 0, n; got < 4; got += n)
            if ((n = recv(a, buf, 4 - got, 0)) <= 0)
                return (void *)3;
    }
    closesocket(a);
    closesocket(c);
    closesocket(l);
    return NULL;
}

Test(lsp_echo, the_log_from_many_threads) {
    cr_assert_eq(run(CATALOG_TOOL, "install", PASSTHROUGH_PATH, NULL, NULL), 0);
    setenv("PASSTHROUGH_LOG", log_path, 1);
    wsa_start();
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, messages, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        cr_assert_null(r, "thread %d failed at step %ld", i, (long)r);
    }
    cr_assert_eq(WSACleanup(), 0);

    FILE *f = fopen(log_path, "r");
    cr_assert_not_null(f);
    char line[512];
    long tids[THREADS + 1];
    int ntids = 0, lines = 0;
    long long sent[THREADS + 1] = {0}, received[THREADS + 1] = {0};
    while (fgets(line, sizeof line, f)) {
        long pid, tid;
        int at = 0;
        lines++;
        cr_assert_eq(sscanf(line, "passthrough pid %ld tid %ld: WSP%n", &pid, &tid, &at), 2, "a torn line: %s", line);
        cr_assert_gt(at, 0, "%s", line);
        cr_assert_eq(pid, (long)getpid());
        size_t n = strlen(line);
        cr_assert(n > 0 && line[n - 1] == '\n', "whole: %s", line);
        cr_assert_null(strstr(line + 1, "passthrough pid "), "one call per line: %s", line);
        int k = 0;
        while (k < ntids && tids[k] != tid)
            k++;
        if (k == ntids) {
            cr_assert_lt(ntids, THREADS + 1, "the main thread and %d others", THREADS);
            tids[ntids++] = tid;
        }
        const char *moved = strstr(line, ") = 0, ");
        long long bytes = 0;
        if (moved && sscanf(moved, ") = 0, %lld bytes", &bytes) == 1) {
            if (!strncmp(line + at - 3, "WSPSend(", 8))
                sent[k] += bytes;
            else if (!strncmp(line + at - 3, "WSPRecv(", 8))
                received[k] += bytes;
        }
    }
    fclose(f);
    int workers = 0;
    for (int k = 0; k < ntids; k++)
        if (sent[k]) {
            workers++;
            cr_assert_eq(sent[k], 4 * ROUNDS, "every WSPSend of a thread logged, with its count");
            cr_assert_eq(received[k], 4 * ROUNDS, "every WSPRecv of a thread logged, with its count");
        }
    cr_assert_eq(workers, THREADS, "each thread's lines carry its own thread id");
    cr_assert_geq(lines, THREADS * (2 * ROUNDS + 8));
}
