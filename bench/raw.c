/* The POSIX baselines: the same work, straight to the system calls. */
#define _GNU_SOURCE
#include "bench.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

double raw_socket_close(long n) {
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
        close(fd);
    }
    return bench_now() - t0;
}

static int listener(int backlog, struct sockaddr_in *sin) {
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    socklen_t len = sizeof *sin;
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (l < 0 || bind(l, (struct sockaddr *)sin, sizeof *sin) != 0 || listen(l, backlog) != 0 ||
        getsockname(l, (struct sockaddr *)sin, &len) != 0)
        bench_die("raw listener", l < 0 ? l : 0);
    return l;
}

static void pair(int *client, int *server) {
    struct sockaddr_in sin;
    int l = listener(1, &sin);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    if (c < 0 || connect(c, (struct sockaddr *)&sin, sizeof sin) != 0)
        bench_die("raw connect", c);
    int a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (a < 0)
        bench_die("raw accept", a);
    close(l);
    int on = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    *client = c;
    *server = a;
}

static int recv_all(int s, char *buf, size_t len) {
    while (len > 0) {
        ssize_t r = recv(s, buf, len, 0);
        if (r <= 0)
            return -1;
        buf += r;
        len -= (size_t)r;
    }
    return 0;
}

static int send_all(int s, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t r = send(s, buf, len, MSG_NOSIGNAL);
        if (r <= 0)
            return -1;
        buf += r;
        len -= (size_t)r;
    }
    return 0;
}

/* ---- ping-pong ---- */

#define MSG 64

static void echo(void *arg) {
    int s = *(int *)arg;
    char buf[MSG];
    while (recv_all(s, buf, MSG) == 0)
        if (send_all(s, buf, MSG) != 0)
            break;
}

double raw_pingpong(long n) {
    int c, a;
    pair(&c, &a);
    bench_thread *t = bench_thread_start(echo, &a);
    char buf[MSG] = {0};
    double t0 = bench_now();
    for (long i = 0; i < n; i++)
        if (send_all(c, buf, MSG) != 0 || recv_all(c, buf, MSG) != 0)
            break;
    double dt = bench_now() - t0;
    shutdown(c, SHUT_WR);
    bench_thread_join(t);
    close(c);
    close(a);
    return dt;
}

/* ---- transfer ---- */

#define CHUNK (64 * 1024)

struct sender {
    int s;
    long mib;
};

static void sender(void *arg) {
    struct sender *sd = arg;
    static char buf[CHUNK];
    long calls = sd->mib * (1024 * 1024 / CHUNK);
    for (long i = 0; i < calls; i++)
        if (send_all(sd->s, buf, CHUNK) != 0)
            break;
    shutdown(sd->s, SHUT_WR);
}

double raw_pump(long mib) {
    int c, a;
    pair(&c, &a);
    static char buf[CHUNK];
    struct sender sd = {c, mib};
    long long want = (long long)mib * 1024 * 1024, got = 0;
    double t0 = bench_now();
    bench_thread *t = bench_thread_start(sender, &sd);
    for (;;) {
        ssize_t r = recv(a, buf, CHUNK, 0);
        if (r <= 0)
            break;
        got += r;
    }
    double dt = bench_now() - t0;
    bench_thread_join(t);
    close(c);
    close(a);
    return got == want ? dt : -1;
}

/* ---- poll over 64 sockets ---- */

#define NSOCK 64

double raw_poll64(long n) {
    static int cl[NSOCK], sv[NSOCK], ready;
    static struct pollfd p[NSOCK];
    if (!ready) {
        for (int k = 0; k < NSOCK; k++) {
            pair(&cl[k], &sv[k]);
            p[k].fd = sv[k];
            p[k].events = POLLIN;
        }
        if (send(cl[NSOCK / 2], "x", 1, 0) != 1)
            bench_die("raw send", -1);
        poll(&p[NSOCK / 2], 1, 1000);
        ready = 1;
    }
    double t0 = bench_now();
    for (long i = 0; i < n; i++)
        if (poll(p, NSOCK, 0) != 1)
            return -1;
    return bench_now() - t0;
}

/* ---- single calls ---- */

static int call_fd = -1;

static int call_socket(void) {
    if (call_fd < 0) {
        int c, a;
        pair(&c, &a);
        fcntl(a, F_SETFL, fcntl(a, F_GETFL) | O_NONBLOCK);
        call_fd = a;
    }
    return call_fd;
}

__attribute__((noinline)) static int raw_loop_getsockopt(int fd, long n) {
    int bad = 0;
    for (long i = 0; i < n; i++) {
        int v = 0;
        socklen_t len = sizeof v;
        bad |= getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len);
    }
    return bad;
}

__attribute__((noinline)) static int raw_loop_recv(int fd, long n) {
    char b[64];
    int bad = 0;
    for (long i = 0; i < n; i++)
        bad |= recv(fd, b, sizeof b, 0) != -1 || errno != EAGAIN;
    return bad;
}

double raw_getsockopt(long n) {
    int fd = call_socket();
    double t0 = bench_now();
    if (raw_loop_getsockopt(fd, n))
        return -1;
    return bench_now() - t0;
}

double raw_recv_empty(long n) {
    int fd = call_socket();
    double t0 = bench_now();
    if (raw_loop_recv(fd, n))
        return -1;
    return bench_now() - t0;
}

/* ---- one blocking recv round trip (the comparison for an overlapped recv) ---- */

static void echo1(void *arg) { echo(arg); }

double raw_recv_roundtrip(long n) {
    int c, a;
    pair(&c, &a);
    bench_thread *t = bench_thread_start(echo1, &a);
    char buf[MSG] = {0};
    double t0 = bench_now();
    for (long i = 0; i < n; i++)
        if (send_all(c, buf, MSG) != 0 || recv_all(c, buf, MSG) != 0)
            break;
    double dt = bench_now() - t0;
    shutdown(c, SHUT_WR);
    bench_thread_join(t);
    close(c);
    close(a);
    return dt;
}

/* ---- many connections: a forked peer holds the accepting ends ---- */

static pid_t peer = -1;
static int peer_pipe = -1;

int raw_peer_start(long n) {
    struct sockaddr_in sin;
    int l = listener(4096, &sin);
    int pp[2];
    if (pipe2(pp, O_CLOEXEC) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(pp[1]);
        int *fds = malloc((size_t)n * sizeof *fds);
        for (long i = 0; fds && i < n; i++)
            fds[i] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        char b;
        while (read(pp[0], &b, 1) > 0) /* until the parent closes the pipe */
            ;
        _exit(0);
    }
    close(pp[0]);
    peer_pipe = pp[1];
    peer = pid;
    close(l);
    return ntohs(sin.sin_port);
}

void raw_peer_stop(void) {
    if (peer_pipe >= 0)
        close(peer_pipe);
    if (peer > 0)
        waitpid(peer, NULL, 0);
    peer = -1;
    peer_pipe = -1;
}

/* RSS added by n connected descriptors (the kernel's memory is not in RSS). */
double raw_connections_rss(long n) {
    int port = raw_peer_start(n);
    if (port < 0)
        return -1;
    int *fds = malloc((size_t)n * sizeof *fds);
    if (!fds)
        return -1;
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons((uint16_t)port);
    size_t before = bench_rss();
    for (long i = 0; i < n; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);
        if (fds[i] < 0)
            return -1;
        connect(fds[i], (struct sockaddr *)&sin, sizeof sin);
    }
    size_t after = bench_rss();
    for (long i = 0; i < n; i++)
        close(fds[i]);
    free(fds);
    raw_peer_stop();
    return ((double)after - (double)before) / (double)n;
}
