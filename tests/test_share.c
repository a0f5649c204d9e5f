/*
 * Shared sockets: WSADuplicateSocket and WSASocket(FROM_PROTOCOL_INFO),
 * within one process and across processes (tests/share_worker.c is the
 * other process, spawned with the structure on a pipe as raw bytes).
 * Facts F86, F280-F284 of windows-behaviour.md; docs/sharing.md.
 */
#define _GNU_SOURCE /* setenv, pipe2 */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void start(void) {
    WSADATA d;
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
}
static void stop(void) { WSACleanup(); }

TestSuite(share, .init = start, .fini = stop, .timeout = 30);

static struct sockaddr_in loopback(void) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A connected TCP pair over loopback: *client connected, *server accepted. */
static void tcp_pair(SOCKET *client, SOCKET *server) {
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_neq(l, INVALID_SOCKET);
    struct sockaddr_in a = loopback();
    cr_assert_eq(bind(l, (struct sockaddr *)&a, sizeof a), 0, "bind: %d", WSAGetLastError());
    cr_assert_eq(listen(l, 4), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
    *client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_assert_eq(connect(*client, (struct sockaddr *)&a, sizeof a), 0, "connect: %d", WSAGetLastError());
    *server = accept(l, NULL, NULL);
    cr_assert_neq(*server, INVALID_SOCKET, "accept: %d", WSAGetLastError());
    closesocket(l);
}

static SOCKET claim(WSAPROTOCOL_INFOW info) {
    return WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, 0);
}

static void expect_refused(WSAPROTOCOL_INFOW info, const char *why) {
    SOCKET s = claim(info);
    cr_assert_eq(s, INVALID_SOCKET, "%s: claimed", why);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL, "%s: error %d", why, WSAGetLastError());
}

/* The worker, with its stdin and stdout on pipes. */
typedef struct {
    pid_t pid;
    int to, from;
} worker;

static worker spawn_worker(const char *mode) {
    int in[2], out[2];
    cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
    cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    worker w;
    char *argv[] = {(char *)SHARE_WORKER, (char *)mode, NULL};
    cr_assert_eq(posix_spawn(&w.pid, SHARE_WORKER, &fa, NULL, argv, environ), 0, "cannot run %s", SHARE_WORKER);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    w.to = in[1];
    w.from = out[0];
    return w;
}

static int worker_exit(worker *w) {
    if (w->to >= 0)
        close(w->to);
    close(w->from);
    w->to = -1;
    int st;
    cr_assert_eq(waitpid(w->pid, &st, 0), w->pid);
    cr_assert(WIFEXITED(st), "worker died");
    return WEXITSTATUS(st);
}

static void send_info(worker *w, const WSAPROTOCOL_INFOW *info) {
    cr_assert_eq(write(w->to, info, sizeof *info), (ssize_t)sizeof *info);
}

static void read_info(worker *w, WSAPROTOCOL_INFOW *info) {
    size_t got = 0;
    while (got < sizeof *info) {
        ssize_t r = read(w->from, (char *)info + got, sizeof *info - got);
        cr_assert_gt(r, 0, "the worker wrote no info");
        got += (size_t)r;
    }
}

static int open_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    cr_assert_not_null(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* F86, F280: the socket first, then the process id, then the structure. */
Test(share, bad_arguments) {
    WSAPROTOCOL_INFOA a;
    WSAPROTOCOL_INFOW w;
    cr_expect_eq(WSADuplicateSocketA(0, 0, NULL), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_expect_eq(WSADuplicateSocketA(0, GetCurrentProcessId(), &a), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAENOTSOCK);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    cr_expect_eq(WSADuplicateSocketA(s, 0, NULL), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAEINVAL);
    cr_expect_eq(WSADuplicateSocketA(s, ~0u, &a), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAEINVAL);
    cr_expect_eq(WSADuplicateSocketW(s, ~0u, &w), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAEINVAL);
    cr_expect_eq(WSADuplicateSocketA(s, GetCurrentProcessId(), NULL), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAEFAULT);
    cr_expect_eq(WSADuplicateSocketW(s, GetCurrentProcessId(), NULL), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAEFAULT);
    closesocket(s);
    cr_expect_eq(WSADuplicateSocketW(s, GetCurrentProcessId(), &w), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAENOTSOCK);
}

/* F281, F282: the socket's entry and triple; the duplicate is the same
 * socket (a datagram sent by the source to its own address arrives on the
 * duplicate); the structure is used once. */
Test(share, same_process_udp) {
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    struct sockaddr_in a = loopback();
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    int len = sizeof a;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    WSAPROTOCOL_INFOA info;
    cr_assert_eq(WSADuplicateSocketA(s, GetCurrentProcessId(), &info), 0, "%d", WSAGetLastError());
    cr_expect_eq(info.iAddressFamily, AF_INET);
    cr_expect_eq(info.iSocketType, SOCK_DGRAM);
    cr_expect_eq(info.iProtocol, IPPROTO_UDP);
    cr_expect_eq(info.dwServiceFlags4, GetCurrentProcessId());
    WSAPROTOCOL_INFOA copy = info;
    SOCKET d = WSASocketA(0, 0, 0, &copy, 0, 0);
    cr_assert_neq(d, INVALID_SOCKET, "claim: %d", WSAGetLastError());
    cr_expect_neq(d, s, "an independent handle");
    copy = info;
    cr_expect_eq(WSASocketA(0, 0, 0, &copy, 0, 0), INVALID_SOCKET);
    cr_expect_eq(WSAGetLastError(), WSAEINVAL, "used once");
    int type = 0;
    len = sizeof type;
    cr_expect_eq(getsockopt(d, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
    cr_expect_eq(type, SOCK_DGRAM);
    /* The duplicate's own WSAPROTOCOL_INFO is the plain entry again. */
    WSAPROTOCOL_INFOW pi;
    len = sizeof pi;
    cr_expect_eq(getsockopt(d, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&pi, &len), 0);
    cr_expect_eq(pi.dwProviderReserved, 0);
    cr_expect_eq(pi.dwServiceFlags4, 0);
    cr_assert_eq(sendto(s, "hello", 5, 0, (struct sockaddr *)&a, sizeof a), 5, "%d", WSAGetLastError());
    char buf[16];
    cr_assert_eq(recv(d, buf, sizeof buf, 0), 5, "%d", WSAGetLastError());
    cr_expect_eq(memcmp(buf, "hello", 5), 0);
    closesocket(s);
    closesocket(d);
}

/* Reference-counted close within one process: the connection lives while
 * either handle does and ends with the last. */
Test(share, last_close_ends_connection) {
    SOCKET c, srv;
    tcp_pair(&c, &srv);
    WSAPROTOCOL_INFOW info;
    cr_assert_eq(WSADuplicateSocketW(srv, GetCurrentProcessId(), &info), 0);
    SOCKET d = WSASocketW(AF_INET, SOCK_STREAM, 0, &info, 0, WSA_FLAG_OVERLAPPED); /* F282 */
    cr_assert_neq(d, INVALID_SOCKET, "%d", WSAGetLastError());
    cr_assert_eq(closesocket(srv), 0);
    cr_assert_eq(send(c, "ping", 4, 0), 4);
    char buf[8];
    cr_assert_eq(recv(d, buf, 4, MSG_WAITALL), 4, "%d", WSAGetLastError());
    cr_assert_eq(send(d, "pong", 4, 0), 4, "%d", WSAGetLastError());
    cr_assert_eq(recv(c, buf, 4, MSG_WAITALL), 4);
    cr_assert_eq(closesocket(d), 0);
    cr_expect_eq(recv(c, buf, sizeof buf, 0), 0, "the connection ends with the last handle");
    closesocket(c);
}

/* The classic use: a parent accepts, hands the connection to a worker
 * process, and closes its own handle; the worker talks on it. */
Test(share, handoff_to_worker) {
    SOCKET c, srv;
    tcp_pair(&c, &srv);
    worker w = spawn_worker("serve");
    WSAPROTOCOL_INFOW info;
    cr_assert_eq(WSADuplicateSocketW(srv, (DWORD)w.pid, &info), 0, "%d", WSAGetLastError());
    send_info(&w, &info);
    cr_assert_eq(closesocket(srv), 0);
    cr_assert_eq(send(c, "ping", 4, 0), 4);
    char buf[8] = {0};
    cr_assert_eq(recv(c, buf, 4, MSG_WAITALL), 4, "no answer from the worker: %d", WSAGetLastError());
    cr_expect_eq(memcmp(buf, "pong", 4), 0);
    cr_assert_eq(worker_exit(&w), 0, "the worker failed (see its stderr)");
    cr_expect_eq(recv(c, buf, sizeof buf, 0), 0, "the worker's close ends the connection");
    closesocket(c);
}

/* A structure made for one process is refused to another, and stays
 * claimable by the right one. */
Test(share, another_process_refused) {
    SOCKET c, srv;
    tcp_pair(&c, &srv);
    WSAPROTOCOL_INFOW info;
    cr_assert_eq(WSADuplicateSocketW(srv, GetCurrentProcessId(), &info), 0);
    worker w = spawn_worker("refused");
    send_info(&w, &info);
    cr_assert_eq(worker_exit(&w), 0, "the other process was not refused with WSAEINVAL");
    SOCKET d = claim(info);
    cr_assert_neq(d, INVALID_SOCKET, "the right process lost its share: %d", WSAGetLastError());
    closesocket(d);
    closesocket(srv);
    closesocket(c);
}

/* Made for a worker, tried here: refused; the worker still gets it. */
Test(share, made_for_other_refused_here) {
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    worker w = spawn_worker("claim");
    WSAPROTOCOL_INFOW info;
    cr_assert_eq(WSADuplicateSocketW(s, (DWORD)w.pid, &info), 0);
    expect_refused(info, "made for another process");
    send_info(&w, &info);
    cr_assert_eq(worker_exit(&w), 0, "the worker, the real target, did not get it");
    closesocket(s);
}

/* Forged structures: a changed token, another source process, a token on
 * a plain catalog entry. */
Test(share, forged_info) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    WSAPROTOCOL_INFOW info, f;
    cr_assert_eq(WSADuplicateSocketW(s, GetCurrentProcessId(), &info), 0);
    f = info;
    f.dwProviderReserved ^= 1;
    expect_refused(f, "token changed");
    f = info;
    f.dwServiceFlags3 ^= 0x80000000u;
    expect_refused(f, "token's high half changed");
    f = info;
    f.dwServiceFlags4 = 1; /* init: no broker of ours there */
    expect_refused(f, "another source process");
    f = info;
    f.dwServiceFlags4 = 0x7ffffff0u; /* no such process */
    expect_refused(f, "a source that never was");
    SOCKET d = claim(info);
    cr_assert_neq(d, INVALID_SOCKET, "the genuine info after forgeries: %d", WSAGetLastError());
    closesocket(d);
    closesocket(s);
}

/* A share from a worker process: claimable while the worker lives,
 * refused once it has gone. */
Test(share, from_worker_then_source_gone) {
    worker w = spawn_worker("source");
    WSAPROTOCOL_INFOW info;
    read_info(&w, &info);
    cr_assert_eq(info.dwServiceFlags4, (DWORD)w.pid);
    SOCKET d = claim(info);
    cr_assert_neq(d, INVALID_SOCKET, "claim from a live source: %d", WSAGetLastError());
    int type = 0, len = sizeof type;
    cr_expect_eq(getsockopt(d, SOL_SOCKET, SO_TYPE, (char *)&type, &len), 0);
    cr_expect_eq(type, SOCK_DGRAM);
    struct sockaddr_in a;
    len = sizeof a;
    cr_expect_eq(getsockname(d, (struct sockaddr *)&a, &len), 0);
    cr_expect_eq(a.sin_addr.s_addr, htonl(INADDR_LOOPBACK), "the worker's bound socket");
    closesocket(d);
    cr_assert_eq(worker_exit(&w), 0);

    w = spawn_worker("source");
    read_info(&w, &info);
    cr_assert_eq(worker_exit(&w), 0);
    expect_refused(info, "the source process has gone");
}

/* Unclaimed shares go after their time (WS2POSIX_SHARE_TTL_MS here) and at
 * the last WSACleanup; no descriptor is left behind. */
Test(share, unclaimed_dropped) {
    setenv("WS2POSIX_SHARE_TTL_MS", "200", 1);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    WSAPROTOCOL_INFOW info;
    cr_assert_eq(WSADuplicateSocketW(s, GetCurrentProcessId(), &info), 0);
    usleep(500 * 1000);
    expect_refused(info, "expired");
    unsetenv("WS2POSIX_SHARE_TTL_MS");
    closesocket(s);
    WSACleanup();

    int before = open_fds();
    start();
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    worker w = spawn_worker("refused"); /* a live pid that never claims */
    cr_assert_eq(WSADuplicateSocketW(s, GetCurrentProcessId(), &info), 0);
    WSAPROTOCOL_INFOW other;
    cr_assert_eq(WSADuplicateSocketW(s, (DWORD)w.pid, &other), 0);
    closesocket(s);
    WSACleanup(); /* drops both shares and stops the broker */
    cr_expect_eq(open_fds(), before + 2, "descriptors left after WSACleanup (the worker's two pipes aside)");
    start();
    expect_refused(info, "dropped by WSACleanup");
    cr_expect_eq(worker_exit(&w), 4, "the worker ends when its stdin closes");
}

/* F77, F284: the last WSACleanup destroys the duplicates too. */
Test(share, cleanup_destroys_duplicates) {
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    WSAPROTOCOL_INFOW info;
    cr_assert_eq(WSADuplicateSocketW(s, GetCurrentProcessId(), &info), 0);
    SOCKET d = claim(info);
    cr_assert_neq(d, INVALID_SOCKET);
    WSACleanup();
    start();
    struct sockaddr_in a;
    int len = sizeof a;
    cr_expect_eq(getsockname(d, (struct sockaddr *)&a, &len), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_expect_eq(getsockname(s, (struct sockaddr *)&a, &len), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAENOTSOCK);
}
