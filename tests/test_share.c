/*
 * Shared sockets: WSADuplicateSocket and WSASocket(FROM_PROTOCOL_INFO),
 * within one process and across processes (tests/share_worker.c is the
 * other process, spawned with the structure on a pipe as raw bytes).
 * Facts F86, F128, F280-F284, F291 of windows-behaviour.md; docs/sharing.md.
 */
#define _GNU_SOURCE /* setenv, pipe2 */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <mswsock.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"
#include "pairs.h"

extern char **environ;

TestSuite(share, .init = wsa_start, .fini = wsa_stop, .timeout = 30);

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
    struct sockaddr_in a = loopback(0);
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
    wsa_start();
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    worker w = spawn_worker("refused"); /* a live pid that never claims */
    cr_assert_eq(WSADuplicateSocketW(s, GetCurrentProcessId(), &info), 0);
    WSAPROTOCOL_INFOW other;
    cr_assert_eq(WSADuplicateSocketW(s, (DWORD)w.pid, &other), 0);
    closesocket(s);
    WSACleanup(); /* drops both shares and stops the broker */
    cr_expect_eq(open_fds(), before + 2, "descriptors left after WSACleanup (the worker's two pipes aside)");
    wsa_start();
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
    wsa_start();
    struct sockaddr_in a;
    int len = sizeof a;
    cr_expect_eq(getsockname(d, (struct sockaddr *)&a, &len), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_expect_eq(getsockname(s, (struct sockaddr *)&a, &len), SOCKET_ERROR);
    cr_expect_eq(WSAGetLastError(), WSAENOTSOCK);
}

/* ---- Closing one of two handles of a socket in this process --------------- */

/* On Windows the two handles are one socket (one file object): closing one
 * ends that handle only. Its blocked callers fail; the other handle keeps
 * the connection (or the listening) and its calls; pending overlapped
 * operations, whichever handle issued them, end only with the last handle
 * (F128, F284). */

enum { B_RECV, B_ACCEPT, B_SELECT };

/* A call blocked in another thread. */
typedef struct blocked {
    SOCKET s;
    int what;
    int r, err;
    char buf[8];
    SOCKET accepted;
    pthread_t th;
    _Atomic int done;
} blocked;

static void *blocked_call(void *arg) {
    blocked *b = arg;
    if (b->what == B_ACCEPT) {
        b->accepted = accept(b->s, NULL, NULL);
        b->r = b->accepted == INVALID_SOCKET ? SOCKET_ERROR : 0;
    } else if (b->what == B_SELECT) {
        fd_set r;
        FD_ZERO(&r);
        FD_SET(b->s, &r);
        b->r = select(0, &r, NULL, NULL, NULL);
    } else {
        b->r = recv(b->s, b->buf, 4, 0);
    }
    b->err = WSAGetLastError();
    atomic_store(&b->done, 1);
    return NULL;
}

/* Start the call and give it time to block. */
static void block_in(blocked *b, SOCKET s, int what) {
    memset(b, 0, sizeof *b);
    b->s = s, b->what = what;
    cr_assert_eq(pthread_create(&b->th, NULL, blocked_call, b), 0);
    usleep(100 * 1000);
    cr_assert_not(atomic_load(&b->done), "the call did not block (%d, %d)", b->r, b->err);
}

/* Has the call ended within ms? (Joined if so.) */
static int ends_within(blocked *b, int ms) {
    for (int i = 0; i < ms / 10 && !atomic_load(&b->done); i++)
        usleep(10 * 1000);
    if (!atomic_load(&b->done))
        return 0;
    pthread_join(b->th, NULL);
    return 1;
}

/* The connection c <-> s still carries data both ways. */
static void still_talks(SOCKET c, SOCKET s, const char *what) {
    char buf[8] = {0};
    cr_assert_eq(send(c, "ping", 4, 0), 4, "%s: send to it: %d", what, WSAGetLastError());
    cr_assert_eq(recv(s, buf, 4, MSG_WAITALL), 4, "%s: recv: %d", what, WSAGetLastError());
    cr_expect_eq(memcmp(buf, "ping", 4), 0);
    cr_assert_eq(send(s, "pong", 4, 0), 4, "%s: send: %d", what, WSAGetLastError());
    cr_assert_eq(recv(c, buf, 4, MSG_WAITALL), 4, "%s: the peer's recv: %d", what, WSAGetLastError());
    cr_expect_eq(memcmp(buf, "pong", 4), 0);
}

/* A recv blocked on the original; closesocket(original) from another thread
 * wakes it (WSAEINTR, as for any socket, F214); the duplicate's connection
 * is untouched. And the other way round. */
static void close_one_while_recv_blocked(int close_duplicate) {
    SOCKET c, srv;
    tcp_pair(&c, &srv);
    SOCKET d = duplicate_here(srv);
    SOCKET closed = close_duplicate ? d : srv, kept = close_duplicate ? srv : d;
    blocked b;
    block_in(&b, closed, B_RECV);
    cr_assert_eq(closesocket(closed), 0);
    cr_assert(ends_within(&b, 3000), "the recv on the closed handle was not woken");
    cr_expect_eq(b.r, SOCKET_ERROR);
    cr_expect_eq(b.err, WSAEINTR, "%d", b.err);
    still_talks(c, kept, "the other handle");
    cr_assert_eq(closesocket(kept), 0);
    char buf[4];
    cr_expect_eq(recv(c, buf, sizeof buf, 0), 0, "the last close ends the connection");
    closesocket(c);
}

Test(share, close_original_wakes_only_its_recv) { close_one_while_recv_blocked(0); }
Test(share, close_duplicate_wakes_only_its_recv) { close_one_while_recv_blocked(1); }

/* Both handles blocked in recv: closing one wakes that one only; the other
 * gets the data that comes next. */
Test(share, close_one_of_two_blocked_recvs) {
    SOCKET c, srv;
    tcp_pair(&c, &srv);
    SOCKET d = duplicate_here(srv);
    blocked on_srv, on_d;
    block_in(&on_srv, srv, B_RECV);
    block_in(&on_d, d, B_RECV);
    cr_assert_eq(closesocket(srv), 0);
    cr_assert(ends_within(&on_srv, 3000), "the recv on the closed handle was not woken");
    cr_expect_eq(on_srv.err, WSAEINTR, "%d", on_srv.err);
    cr_expect_not(ends_within(&on_d, 200), "the other handle's recv ended: %d, %d", on_d.r, on_d.err);
    cr_assert_eq(send(c, "data", 4, 0), 4);
    cr_assert(ends_within(&on_d, 3000), "the other handle's recv got nothing");
    cr_expect_eq(on_d.r, 4, "%d, %d", on_d.r, on_d.err);
    cr_expect_eq(memcmp(on_d.buf, "data", 4), 0);
    closesocket(d);
    closesocket(c);
}

/* A blocked accept on the original: closing it wakes that accept; the
 * duplicate still listens. */
Test(share, close_original_wakes_only_its_accept) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET d = duplicate_here(l);
    blocked b;
    block_in(&b, l, B_ACCEPT);
    cr_assert_eq(closesocket(l), 0);
    cr_assert(ends_within(&b, 3000), "the accept on the closed handle was not woken");
    cr_expect_eq(b.r, SOCKET_ERROR);
    cr_expect_eq(b.err, WSAEINTR, "%d", b.err);
    SOCKET c = connected_to(&a);
    SOCKET n = accept(d, NULL, NULL);
    cr_assert_neq(n, INVALID_SOCKET, "the duplicate no longer listens: %d", WSAGetLastError());
    still_talks(c, n, "a connection accepted on the duplicate");
    closesocket(n), closesocket(c), closesocket(d);
}

/* A blocked accept on the duplicate stays blocked when the original is
 * closed, and takes the next connection. */
Test(share, accept_on_duplicate_survives_original_close) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET d = duplicate_here(l);
    blocked b;
    block_in(&b, d, B_ACCEPT);
    cr_assert_eq(closesocket(l), 0);
    cr_expect_not(ends_within(&b, 200), "the duplicate's accept ended: %d", b.err);
    SOCKET c = connected_to(&a);
    cr_assert(ends_within(&b, 3000), "the duplicate's accept got no connection");
    cr_assert_neq(b.accepted, INVALID_SOCKET, "%d", b.err);
    still_talks(c, b.accepted, "the accepted connection");
    closesocket(b.accepted), closesocket(c), closesocket(d);
}

/* Another process holds a duplicate: closing our handle while a thread of
 * ours is blocked on it must not end the worker's connection. */
Test(share, close_with_blocked_recv_spares_worker) {
    SOCKET c, srv;
    tcp_pair(&c, &srv);
    worker w = spawn_worker("serve");
    WSAPROTOCOL_INFOW info;
    cr_assert_eq(WSADuplicateSocketW(srv, (DWORD)w.pid, &info), 0, "%d", WSAGetLastError());
    send_info(&w, &info);
    blocked b;
    block_in(&b, srv, B_RECV);
    cr_assert_eq(closesocket(srv), 0);
    cr_assert(ends_within(&b, 3000), "the recv on the closed handle was not woken");
    cr_expect_eq(b.err, WSAEINTR, "%d", b.err);
    cr_assert_eq(send(c, "ping", 4, 0), 4);
    char buf[8] = {0};
    cr_assert_eq(recv(c, buf, 4, MSG_WAITALL), 4, "no answer from the worker: %d", WSAGetLastError());
    cr_expect_eq(memcmp(buf, "pong", 4), 0);
    cr_assert_eq(worker_exit(&w), 0, "the worker failed (see its stderr)");
    closesocket(c);
}

/* ---- F128, F284: overlapped operations end with the last handle ---- */

static HANDLE port_for(SOCKET s, ULONG_PTR key) {
    HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    cr_assert_not_null(p);
    cr_assert_eq(CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, p, key, 0), p, "%lu", (unsigned long)GetLastError());
    return p;
}

static void no_packet(HANDLE port, DWORD ms, const char *what) {
    DWORD n = 7;
    ULONG_PTR key = 7;
    LPOVERLAPPED ov = NULL;
    BOOL r = GetQueuedCompletionStatus(port, &n, &key, &ov, ms);
    cr_assert(!r && ov == NULL && GetLastError() == WAIT_TIMEOUT, "%s: a packet came (error %lu)", what,
              (unsigned long)GetLastError());
}

/* The next packet is ov's, with key, and Win32 error `error` (0: success). */
static DWORD packet(HANDLE port, LPOVERLAPPED want, ULONG_PTR want_key, DWORD error, const char *what) {
    DWORD n = 9;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    BOOL r = GetQueuedCompletionStatus(port, &n, &key, &ov, 5000);
    cr_assert_eq(ov, want, "%s: no packet (%lu)", what, (unsigned long)GetLastError());
    cr_expect_eq(key, want_key, "%s: key", what);
    if (error) {
        cr_expect_not(r, "%s: succeeded", what);
        cr_expect_eq(GetLastError(), error, "%s: error %lu", what, (unsigned long)GetLastError());
    } else {
        cr_expect(r, "%s: failed with %lu", what, (unsigned long)GetLastError());
    }
    return n;
}

typedef struct pending_accept {
    char buf[2 * (sizeof(struct sockaddr_in) + 16)];
    SOCKET acc;
    OVERLAPPED ov;
} pending_accept;

static void accept_ex(SOCKET l, pending_accept *p) {
    LPFN_ACCEPTEX fn = ext(l, (GUID)WSAID_ACCEPTEX);
    memset(p, 0, sizeof *p);
    p->acc = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    DWORD got = 0;
    BOOL r = fn(l, p->acc, p->buf, 0, sizeof(struct sockaddr_in) + 16, sizeof(struct sockaddr_in) + 16, &got, &p->ov);
    cr_assert(!r && WSAGetLastError() == WSA_IO_PENDING, "AcceptEx: %d", WSAGetLastError());
}

/* F128 (Wine's test_completion_port): AcceptEx issued on the duplicate of a
 * listener whose original is associated. Closing one handle alone, the
 * original or the very handle the AcceptEx was issued on, does not cancel
 * it while the other lives: it completes when a client comes, through the
 * port (a closed issuer's slot is kept for it). */
static void acceptex_survives_one_close(BOOL close_issuer) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    HANDLE port = port_for(l, 125);
    SOCKET d = duplicate_here(l);
    pending_accept p;
    accept_ex(d, &p);
    cr_assert_eq(closesocket(close_issuer ? d : l), 0);
    no_packet(port, 200, close_issuer ? "closing the handle that issued it" : "closing the original");
    SOCKET c = connected_to(&a);
    packet(port, &p.ov, 125, 0, "a client came");
    still_talks(c, p.acc, "the connection AcceptEx took");
    closesocket(c), closesocket(p.acc), closesocket(close_issuer ? l : d);
    no_packet(port, 0, "after the last close");
    CloseHandle(port);
}

Test(share, acceptex_on_duplicate_survives_original_close) { acceptex_survives_one_close(FALSE); }
Test(share, acceptex_on_closed_duplicate_completes) { acceptex_survives_one_close(TRUE); }

/* F128: closing either handle alone does not cancel the AcceptEx; closing
 * the last one aborts it (ERROR_OPERATION_ABORTED), through the port. */
static void acceptex_aborted_by_last_close(int duplicate_first) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    HANDLE port = port_for(l, 125);
    SOCKET d = duplicate_here(l);
    pending_accept p;
    accept_ex(d, &p);
    cr_assert_eq(closesocket(duplicate_first ? d : l), 0);
    no_packet(port, 200, "closing one handle");
    cr_assert_eq(closesocket(duplicate_first ? l : d), 0);
    packet(port, &p.ov, 125, ERROR_OPERATION_ABORTED, "closing the last handle");
    closesocket(p.acc);
    CloseHandle(port);
}

Test(share, acceptex_aborted_by_last_close_original_first) { acceptex_aborted_by_last_close(0); }
Test(share, acceptex_aborted_by_last_close_duplicate_first) { acceptex_aborted_by_last_close(1); }
static void wsarecv(SOCKET s, WSAOVERLAPPED *ov, char *buf, ULONG len) {
    WSABUF wb = {len, buf};
    DWORD n = 0, f = 0;
    memset(ov, 0, sizeof *ov);
    int r = WSARecv(s, &wb, 1, &n, &f, ov, NULL);
    cr_assert(r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "WSARecv: %d %d", r, WSAGetLastError());
}

/* A receive of 4 bytes issued on `on` (srv or its duplicate), then srv
 * closed: no packet comes for it yet. */
static void recv_then_close_srv(SOCKET on, SOCKET srv, HANDLE port, WSAOVERLAPPED *ov, char *buf, const char *what) {
    wsarecv(on, ov, buf, 4);
    cr_assert_eq(closesocket(srv), 0);
    no_packet(port, 200, what);
}

/* c connected to srv; srv associated with a new port (key 7), then
 * duplicated into *d. */
static HANDLE duplicated_on_port(SOCKET *c, SOCKET *srv, SOCKET *d) {
    tcp_pair(c, srv);
    HANDLE port = port_for(*srv, 7);
    *d = duplicate_here(*srv);
    return port;
}

/* "ping" from c completes the receive ov into buf, through the port. */
static void ping_completes(SOCKET c, HANDLE port, WSAOVERLAPPED *ov, const char *buf) {
    cr_assert_eq(send(c, "ping", 4, 0), 4);
    cr_expect_eq(packet(port, ov, 7, 0, "data came"), 4);
    cr_expect_eq(memcmp(buf, "ping", 4), 0);
}

/* F284: a receive issued through the duplicate of an associated socket is
 * not cancelled by closing the original: it gets the data; one issued
 * afterwards ends, aborted (F124), with the last handle. */
Test(share, iocp_recv_on_duplicate_survives_original_close) {
    SOCKET c, srv, d;
    HANDLE port = duplicated_on_port(&c, &srv, &d);
    WSAOVERLAPPED ov;
    char buf[8] = {0};
    recv_then_close_srv(d, srv, port, &ov, buf, "closing the original");
    ping_completes(c, port, &ov, buf);
    wsarecv(d, &ov, buf, 4);
    cr_assert_eq(closesocket(d), 0);
    packet(port, &ov, 7, ERROR_CONNECTION_ABORTED, "the last close");
    closesocket(c);
    CloseHandle(port);
}

/* F284 for the handle closed first: its receive ends with the last handle
 * (aborted, F124), through the port. */
Test(share, iocp_recv_on_closed_handle_aborted_by_last_close) {
    SOCKET c, srv, d;
    HANDLE port = duplicated_on_port(&c, &srv, &d);
    WSAOVERLAPPED ov;
    char buf[8];
    recv_then_close_srv(srv, srv, port, &ov, buf, "closing the handle that issued it");
    cr_assert_eq(closesocket(d), 0);
    packet(port, &ov, 7, ERROR_CONNECTION_ABORTED, "the last close");
    closesocket(c);
    CloseHandle(port);
}
/* F284 for the handle closed first: its receive still gets the data that
 * comes while the other handle lives (the facts say so of AcceptEx, F128,
 * and of "an IOCP-associated operation issued via the duplicate", F284;
 * nothing singles out a receive on the original: the rule is the same). */
Test(share, iocp_recv_on_closed_handle_gets_data) {
    SOCKET c, srv, d;
    HANDLE port = duplicated_on_port(&c, &srv, &d);
    WSAOVERLAPPED ov;
    char buf[8] = {0};
    recv_then_close_srv(srv, srv, port, &ov, buf, "closing the handle that issued it");
    ping_completes(c, port, &ov, buf);
    still_talks(c, d, "the other handle");
    closesocket(d), closesocket(c);
    no_packet(port, 0, "after the last close");
    CloseHandle(port);
}

/* F169, F179: a select or WSAPoll blocked on the handle being closed is
 * woken (the socket readable / POLLNVAL); the other handle keeps the
 * connection. */
static void *poll_call(void *arg) {
    blocked *b = arg;
    WSAPOLLFD fd = {b->s, POLLRDNORM, 0};
    b->r = WSAPoll(&fd, 1, -1);
    b->err = fd.revents;
    atomic_store(&b->done, 1);
    return NULL;
}

Test(share, close_wakes_only_its_select) {
    SOCKET c, srv;
    tcp_pair(&c, &srv);
    SOCKET d = duplicate_here(srv);
    blocked b;
    block_in(&b, srv, B_SELECT);
    cr_assert_eq(closesocket(srv), 0);
    cr_assert(ends_within(&b, 3000), "the select was not woken");
    cr_expect_eq(b.r, 1, "%d (%d)", b.r, b.err);
    still_talks(c, d, "the other handle");
    closesocket(d), closesocket(c);
}

Test(share, close_wakes_only_its_wsapoll) {
    SOCKET c, srv;
    tcp_pair(&c, &srv);
    SOCKET d = duplicate_here(srv);
    blocked b;
    memset(&b, 0, sizeof b);
    b.s = srv;
    cr_assert_eq(pthread_create(&b.th, NULL, poll_call, &b), 0);
    usleep(100 * 1000);
    cr_assert_not(atomic_load(&b.done));
    cr_assert_eq(closesocket(srv), 0);
    cr_assert(ends_within(&b, 3000), "WSAPoll was not woken");
    cr_expect_eq(b.r, 1);
    cr_expect_eq(b.err, POLLNVAL, "revents %#x", b.err);
    still_talks(c, d, "the other handle");
    closesocket(d), closesocket(c);
}

/* TF_REUSE_SOCKET on the original: it gets a new socket of its own and is
 * no longer one of the handles onto the old one; the duplicate, closed
 * before with a receive pending, was the last other one: the receive ends,
 * aborted (F124). The original connects again. (On Windows the handles are
 * one object and would both see the reused socket; docs/sharing.md.) */
Test(share, reuse_leaves_the_old_socket) {
    SOCKET c, srv;
    tcp_pair(&c, &srv);
    SOCKET d = duplicate_here(srv);
    WSAOVERLAPPED ov;
    char buf[8];
    wsarecv(d, &ov, buf, 4);
    cr_assert_eq(closesocket(d), 0);
    LPFN_DISCONNECTEX disconnectex = ext(srv, (GUID)WSAID_DISCONNECTEX);
    cr_assert(disconnectex(srv, NULL, TF_REUSE_SOCKET, 0), "%d", WSAGetLastError());
    cr_expect_eq(recv(c, buf, sizeof buf, 0), 0, "the peer sees the end");
    DWORD got = 9, fl = 0;
    for (int i = 0; i < 300 && __atomic_load_n(&ov.Internal, __ATOMIC_SEQ_CST) == 0x103; i++)
        usleep(10 * 1000); /* STATUS_PENDING */
    cr_assert_not(WSAGetOverlappedResult(srv, &ov, &got, FALSE, &fl), "the receive did not end");
    cr_expect_eq(WSAGetLastError(), WSAECONNABORTED, "%d", WSAGetLastError());
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    cr_assert_eq(connect(srv, (struct sockaddr *)&a, sizeof a), 0, "the renewed socket: %d", WSAGetLastError());
    SOCKET n2 = accept(l, NULL, NULL);
    cr_assert_neq(n2, INVALID_SOCKET);
    still_talks(n2, srv, "the renewed socket");
    closesocket(n2), closesocket(l), closesocket(srv), closesocket(c);
}

/* The last WSACleanup with a closed duplicate's AcceptEx still pending:
 * everything goes (ASan: no leak of the socket kept for it). */
Test(share, cleanup_with_closed_duplicate_pending) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    HANDLE port = port_for(l, 125);
    SOCKET d = duplicate_here(l);
    pending_accept p;
    accept_ex(d, &p);
    usleep(50 * 1000); /* taken by the loop */
    cr_assert_eq(closesocket(d), 0);
    WSACleanup();
    wsa_start();
    CloseHandle(port);
}

/* ---- no descriptor left ---- */

/* Run fn with every descriptor of the process in use; the limit and the
 * table are back as they were afterwards. */
static void with_no_descriptor_left(void (*fn)(void *), void *arg) {
    struct rlimit old, low;
    cr_assert_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    low = old;
    low.rlim_cur = 256;
    cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
    int fill[256], n = 0;
    while (n < 256 && (fill[n] = dup(0)) >= 0)
        n++;
    fn(arg);
    while (n > 0)
        close(fill[--n]);
    setrlimit(RLIMIT_NOFILE, &old);
}

typedef struct {
    SOCKET s;
    WSAPROTOCOL_INFOW info;
    int r, err;
    SOCKET claimed;
} attempt;

static void duplicate_attempt(void *arg) {
    attempt *t = arg;
    t->r = WSADuplicateSocketW(t->s, GetCurrentProcessId(), &t->info);
    t->err = WSAGetLastError();
}

static void claim_attempt(void *arg) {
    attempt *t = arg;
    t->claimed = claim(t->info);
    t->err = WSAGetLastError();
}

/* A duplicated socket needs a descriptor of its own to wake its waiters
 * without disturbing the other handles (docs/sharing.md): without one,
 * WSADuplicateSocket fails with WSAEMFILE (one of its documented errors),
 * and works again once descriptors are free. */
Test(share, duplicate_without_descriptor_is_emfile) {
    attempt t = {.s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)};
    cr_assert_neq(t.s, INVALID_SOCKET);
    with_no_descriptor_left(duplicate_attempt, &t);
    cr_expect_eq(t.r, SOCKET_ERROR);
    cr_expect_eq(t.err, WSAEMFILE, "%d", t.err);
    cr_assert_eq(WSADuplicateSocketW(t.s, GetCurrentProcessId(), &t.info), 0, "%d", WSAGetLastError());
    SOCKET d = claim(t.info);
    cr_assert_neq(d, INVALID_SOCKET, "%d", WSAGetLastError());
    closesocket(d), closesocket(t.s);
}

/* The same for the claim (WSASocket's WSAEMFILE); the share stays
 * claimable. */
Test(share, claim_without_descriptor_is_emfile) {
    attempt t = {.s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)};
    cr_assert_eq(WSADuplicateSocketW(t.s, GetCurrentProcessId(), &t.info), 0, "%d", WSAGetLastError());
    with_no_descriptor_left(claim_attempt, &t);
    cr_expect_eq(t.claimed, INVALID_SOCKET);
    cr_expect_eq(t.err, WSAEMFILE, "%d", t.err);
    SOCKET d = claim(t.info);
    cr_assert_neq(d, INVALID_SOCKET, "the share was lost: %d", WSAGetLastError());
    closesocket(d), closesocket(t.s);
}
