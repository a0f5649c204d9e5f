/*
 * select and WSAPoll as Windows has them: Windows fd_set, every error case,
 * readiness by socket state, and closesocket from another thread. F... ids
 * restate shared/reference/windows-behaviour.md.
 */
#define _GNU_SOURCE /* usleep */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include "common.h"
#include "pairs.h"

/* select on one socket in the sets named by "rwe"; returns the sets' bits. */
static int sel(SOCKET s, const char *which, long usec, int *ret) {
    fd_set r, w, e;
    FD_ZERO(&r), FD_ZERO(&w), FD_ZERO(&e);
    if (strchr(which, 'r'))
        FD_SET(s, &r);
    if (strchr(which, 'w'))
        FD_SET(s, &w);
    if (strchr(which, 'e'))
        FD_SET(s, &e);
    struct timeval tv = {usec / 1000000, usec % 1000000};
    *ret = select(0, strchr(which, 'r') ? &r : NULL, strchr(which, 'w') ? &w : NULL, strchr(which, 'e') ? &e : NULL,
                  &tv);
    return (FD_ISSET(s, &r) ? 1 : 0) | (FD_ISSET(s, &w) ? 2 : 0) | (FD_ISSET(s, &e) ? 4 : 0);
}
#define R 1
#define W 2
#define E 4

/* ---- select: errors ---- */

/* F154 */
Test(sel, no_sets_is_not_a_sleep, .init = wsa_start, .fini = wsa_stop) {
    struct timeval tv = {0, 1000};
    cr_assert_eq(select(0, NULL, NULL, NULL, &tv), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    fd_set r, w, e;
    FD_ZERO(&r), FD_ZERO(&w), FD_ZERO(&e);
    cr_assert_eq(select(0, &r, &w, &e, &tv), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
}

/* F84, F155, F85 */
Test(sel, not_a_socket, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    for (int k = 0; k < 3; k++) {
        fd_set sets[3];
        for (int j = 0; j < 3; j++)
            FD_ZERO(&sets[j]);
        FD_SET(s, &sets[k]);
        FD_SET(INVALID_SOCKET, &sets[k]);
        struct timeval tv = {0, 0};
        cr_assert_eq(select(0, &sets[0], &sets[1], &sets[2], &tv), SOCKET_ERROR);
        cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
        cr_assert_eq(sets[k].fd_count, 2, "sets unchanged");
    }
    SOCKET dead = tcp();
    closesocket(dead);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(s, &r);
    FD_SET(dead, &r);
    struct timeval tv = {0, 0};
    cr_assert_eq(select(0, &r, NULL, NULL, &tv), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(r.fd_count, 2);
    cr_assert_eq(r.fd_array[1], dead);
    closesocket(s);
}

/* ---- select: readiness ---- */

/* F153: fresh TCP sockets are nothing, and the timeout is kept. */
Test(sel, fresh_tcp_sockets_are_not_ready, .init = wsa_start, .fini = wsa_stop) {
    SOCKET a = tcp(), b = tcp();
    fd_set r, w, e;
    FD_ZERO(&r), FD_ZERO(&w), FD_ZERO(&e);
    FD_SET(a, &r); FD_SET(b, &w); FD_SET(a, &e); FD_SET(b, &e);
    struct timeval tv = {0, 0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(select(0, &r, &w, &e, &tv), 0);
    cr_assert_lt(ms_since(&t0), 100);
    cr_assert_eq(r.fd_count + w.fd_count + e.fd_count, 0);
    FD_SET(a, &r); FD_SET(b, &w);
    tv.tv_usec = 500;
    cr_assert_eq(select(0, &r, &w, &e, &tv), 0);
    FD_SET(a, &w);
    tv = (struct timeval){0, 120000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(select(0, NULL, &w, NULL, &tv), 0);
    long took = ms_since(&t0);
    cr_assert(took >= 110 && took < 1000, "waited %ld ms for 120", took);
    cr_assert_eq(tv.tv_usec, 120000, "the timeval is not modified");
    closesocket(a), closesocket(b);
}

/* F170, F181 */
Test(sel, udp_is_writable, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp();
    int ret;
    cr_assert_eq(sel(s, "rwe", 0, &ret), W);
    cr_assert_eq(ret, 1);
    closesocket(s);
}

/* F161, F162 */
Test(sel, listener_connector_accepted, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    int ret;
    cr_assert_eq(sel(l, "rwe", 0, &ret), 0, "nothing pending");
    SOCKET c = tcp();
    u_long one = 1;
    cr_assert_eq(ioctlsocket(c, FIONBIO, &one), 0);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    cr_assert(r == 0 || WSAGetLastError() == WSAEWOULDBLOCK);
    cr_assert_eq(sel(l, "r", 1000000, &ret), R, "a connection waits");
    cr_assert_eq(sel(c, "we", 1000000, &ret), W, "connected");
    int err = -1, len = sizeof err;
    cr_assert_eq(getsockopt(c, SOL_SOCKET, SO_ERROR, (char *)&err, &len), 0);
    cr_assert_eq(err, 0);
    SOCKET sv = accept(l, NULL, NULL);
    cr_assert_neq(sv, INVALID_SOCKET);
    cr_assert_eq(sel(sv, "rwe", 0, &ret), W);
    cr_assert_eq(send(c, "abc", 3, 0), 3);
    cr_assert_eq(sel(sv, "rwe", 1000000, &ret), R | W, "data: readable, not except");
    cr_assert_eq(ret, 2);
    closesocket(c), closesocket(sv), closesocket(l);
}

/* F163 */
Test(sel, urgent_data_is_except, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    int ret;
    cr_assert_eq(send(c, "!", 1, MSG_OOB), 1);
    cr_assert_eq(sel(sv, "e", 1000000, &ret), E);
    cr_assert_eq(sel(sv, "re", 0, &ret), E, "not readable");
    char b;
    cr_assert_eq(recv(sv, &b, 1, MSG_OOB), 1);
    cr_assert_eq(sel(sv, "re", 0, &ret), 0);
    closesocket(c), closesocket(sv);
    /* Linux keeps an urgent byte read out of line in the stream, where a
     * later SO_OOBINLINE would show it: a fresh pair for the inline case. */
    tcp_pair(&c, &sv);
    int one = 1;
    cr_assert_eq(setsockopt(sv, SOL_SOCKET, SO_OOBINLINE, (char *)&one, sizeof one), 0);
    cr_assert_eq(send(c, "?", 1, MSG_OOB), 1);
    cr_assert_eq(sel(sv, "r", 1000000, &ret), R);
    cr_assert_eq(sel(sv, "re", 0, &ret), R, "inline: readable, not except");
    cr_assert_eq(recv(sv, &b, 1, 0), 1);
    cr_assert_eq(b, '?', "got %#x", (unsigned char)b);
    closesocket(c), closesocket(sv);
}

/* F164 */
Test(sel, peer_close_is_readable, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    closesocket(c);
    int ret;
    cr_assert_eq(sel(sv, "re", 1000000, &ret) & (R | E), R);
    char b;
    cr_assert_eq(recv(sv, &b, 1, 0), 0);
    closesocket(sv);
}

/* A bound TCP port without a listener: connects there are refused. */
static SOCKET refusing(struct sockaddr_in *a) {
    SOCKET s = tcp();
    *a = loopback(0);
    cr_assert_eq(bind(s, (struct sockaddr *)a, sizeof *a), 0);
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&ss, &len), 0);
    memcpy(a, &ss, sizeof *a);
    return s;
}

/* A non-blocking connect under way to a port that will refuse it; *hold
 * keeps the port bound. */
static SOCKET refused_connect(SOCKET *hold) {
    struct sockaddr_in a;
    *hold = refusing(&a);
    SOCKET c = tcp();
    u_long one = 1;
    cr_assert_eq(ioctlsocket(c, FIONBIO, &one), 0);
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
    return c;
}

/* F166 */
Test(sel, failed_connect_is_except, .init = wsa_start, .fini = wsa_stop) {
    SOCKET hold, c = refused_connect(&hold);
    int ret;
    cr_assert_eq(sel(c, "rwe", 2000000, &ret), E);
    cr_assert_eq(ret, 1);
    for (int i = 0; i < 2; i++) {
        int err = 0, len = sizeof err;
        cr_assert_eq(getsockopt(c, SOL_SOCKET, SO_ERROR, (char *)&err, &len), 0);
        cr_assert_eq(err, WSAECONNREFUSED, "read %d: %d (reading keeps it)", i, err);
    }
    cr_assert_eq(sel(c, "rwe", 0, &ret), E, "still except");
    closesocket(c), closesocket(hold);
}

/* F158, F159 */
Test(sel, duplicates_and_shared_sets, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    fd_set w;
    w.fd_count = 2;
    w.fd_array[0] = c, w.fd_array[1] = c;
    struct timeval tv = {0, 0};
    cr_assert_eq(select(0, NULL, &w, NULL, &tv), 1);
    cr_assert_eq(w.fd_count, 1);
    cr_assert_eq(w.fd_array[0], c);
    fd_set set;
    FD_ZERO(&set);
    FD_SET(c, &set);
    cr_assert_eq(select(0, &set, &set, NULL, &tv), 1, "idle: writable only");
    cr_assert_eq(set.fd_count, 1);
    FD_ZERO(&set);
    FD_SET(c, &set); FD_SET(sv, &set);
    cr_assert_eq(select(0, &set, &set, NULL, &tv), 2);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    wait_readable(sv);
    FD_ZERO(&set);
    FD_SET(c, &set); FD_SET(sv, &set);
    cr_assert_eq(select(0, &set, &set, NULL, &tv), 2, "sv readable and writable counts once");
    closesocket(c), closesocket(sv);
}

/* F160: more sockets than the library's FD_SETSIZE, in order. */
#define MANY 100
Test(sel, larger_sets_than_fd_setsize, .init = wsa_start, .fini = wsa_stop) {
    struct {
        u_int fd_count;
        SOCKET fd_array[MANY];
    } big;
    big.fd_count = MANY;
    for (int i = 0; i < MANY; i++)
        big.fd_array[i] = udp();
    struct timeval tv = {0, 0};
    cr_assert_eq(select(0, NULL, (fd_set *)&big, NULL, &tv), MANY);
    cr_assert_eq(big.fd_count, MANY);
    for (int i = 1; i < MANY; i++)
        cr_assert_gt(big.fd_array[i], big.fd_array[i - 1], "order kept");
    cr_assert(FD_ISSET(big.fd_array[MANY - 1], (fd_set *)&big), "__WSAFDIsSet reads past 64");
    for (int i = 0; i < MANY; i++)
        closesocket(big.fd_array[i]);
}

struct later {
    SOCKET s;
    int delay_ms;
    int ret;
};

static void *send_later(void *arg) {
    struct later *l = arg;
    usleep(l->delay_ms * 1000);
    send(l->s, "z", 1, 0);
    return NULL;
}

static void *close_later(void *arg) {
    struct later *l = arg;
    usleep(l->delay_ms * 1000);
    l->ret = closesocket(l->s);
    return NULL;
}

/* NULL timeout waits as long as it takes. */
Test(sel, null_timeout_waits, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    struct later l = {c, 150, 0};
    pthread_t t;
    pthread_create(&t, NULL, send_later, &l);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(sv, &r);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(select(0, &r, NULL, NULL, NULL), 1);
    cr_assert_geq(ms_since(&t0), 100);
    pthread_join(t, NULL);
    closesocket(c), closesocket(sv);
}

/* F169: closesocket from another thread wakes select; the socket counts
 * as readable. */
Test(sel, closed_by_another_thread_while_reading, .init = wsa_start, .fini = wsa_stop) {
    SOCKET l = listener(NULL);
    struct later cl = {l, 150, -1};
    pthread_t t;
    pthread_create(&t, NULL, close_later, &cl);
    fd_set r, e;
    FD_ZERO(&r), FD_ZERO(&e);
    FD_SET(l, &r); FD_SET(l, &e);
    struct timeval tv = {5, 0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(select(0, &r, NULL, &e, &tv), 1);
    cr_assert_lt(ms_since(&t0), 2000, "woken, not timed out");
    cr_assert(FD_ISSET(l, &r));
    cr_assert_eq(e.fd_count, 0);
    pthread_join(t, NULL);
    cr_assert_eq(cl.ret, 0);
}

/* F169: in exceptfds only, a socket closed meanwhile is WSAENOTSOCK. The
 * socket here is fresh (never ready for the kernel either way). */
Test(sel, closed_by_another_thread_except_only, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = tcp();
    struct later cl = {s, 100, -1};
    pthread_t t;
    pthread_create(&t, NULL, close_later, &cl);
    fd_set e;
    FD_ZERO(&e);
    FD_SET(s, &e);
    struct timeval tv = {5, 0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(select(0, NULL, NULL, &e, &tv), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_lt(ms_since(&t0), 2000);
    pthread_join(t, NULL);
}

/* ---- WSAPoll ---- */

/* F173 */
Test(wsapoll, null_and_empty, .init = wsa_start, .fini = wsa_stop) {
    cr_assert_eq(WSAPoll(NULL, 0, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    cr_assert_eq(WSAPoll(NULL, 1, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(WSAPoll(NULL, 0, 1), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    cr_assert_eq(WSAPoll(NULL, 1, 1), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
}

/* F174 */
Test(wsapoll, events_it_cannot_report, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp();
    static const short bad[] = {POLLERR, POLLHUP, POLLNVAL, 0x8, POLLWRBAND, 0x40, 0x80, POLLPRI, 0x800};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        WSAPOLLFD p = {s, bad[i], 0};
        cr_assert_eq(WSAPoll(&p, 1, 0), SOCKET_ERROR, "events %#x", bad[i]);
        cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    }
    closesocket(s);
}

/* F175 */
Test(wsapoll, invalid_entries, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    WSAPOLLFD p[3] = {{sv, POLLRDNORM, 0x7f}, {INVALID_SOCKET, POLLRDNORM, 0}, {0xabacab, POLLRDNORM, 0}};
    WSASetLastError(0xbeef);
    cr_assert_eq(WSAPoll(p, 3, 0), 0, "invalid entries are not counted");
    cr_assert_eq(p[0].revents, 0);
    cr_assert_eq(p[1].revents, POLLNVAL);
    cr_assert_eq(p[2].revents, POLLNVAL);
    cr_assert_eq(WSAPoll(p + 1, 2, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_eq(p[1].revents, POLLNVAL);
    cr_assert_eq(p[2].revents, POLLNVAL);
    closesocket(c), closesocket(sv);
}

/* F176, F177 */
Test(wsapoll, listener_and_connected, .init = wsa_start, .fini = wsa_stop) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    WSAPOLLFD p = {l, POLLRDNORM | POLLWRNORM, 0};
    cr_assert_eq(WSAPoll(&p, 1, 0), 0);
    SOCKET c = tcp();
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    p.events = POLLRDBAND | POLLWRNORM;
    cr_assert_eq(WSAPoll(&p, 1, 100), 0, "only RDNORM reports a connection");
    p.events = POLLRDNORM;
    cr_assert_eq(WSAPoll(&p, 1, 1000), 1);
    cr_assert_eq(p.revents, POLLRDNORM);
    SOCKET sv = accept(l, NULL, NULL);
    WSAPOLLFD q[2] = {{c, POLLIN | POLLOUT, 0}, {sv, POLLIN | POLLOUT, 0}};
    cr_assert_eq(WSAPoll(q, 2, 0), 2);
    cr_assert_eq(q[0].revents, POLLWRNORM);
    cr_assert_eq(q[1].revents, POLLWRNORM);
    cr_assert_eq(send(c, "d", 1, 0), 1);
    q[1].events = POLLIN;
    cr_assert_eq(WSAPoll(q + 1, 1, 1000), 1);
    cr_assert_eq(q[1].revents, POLLRDNORM);
    char b;
    cr_assert_eq(recv(sv, &b, 1, 0), 1);
    cr_assert_eq(send(c, "o", 1, MSG_OOB), 1);
    cr_assert_eq(WSAPoll(q + 1, 1, 1000), 1);
    cr_assert_eq(q[1].revents, POLLRDBAND);
    closesocket(c), closesocket(sv), closesocket(l);
}

/* F178 */
Test(wsapoll, peer_close_is_hangup, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    closesocket(c);
    WSAPOLLFD p = {sv, 0, 0};
    cr_assert_eq(WSAPoll(&p, 1, 1000), 1);
    cr_assert_eq(p.revents, POLLHUP, "reported with no events asked");
    p.events = POLLRDNORM | POLLWRNORM;
    cr_assert_eq(WSAPoll(&p, 1, 1000), 1);
    cr_assert_eq(p.revents, POLLWRNORM | POLLHUP);
    closesocket(sv);
}

/* F180 */
Test(wsapoll, failed_connect, .init = wsa_start, .fini = wsa_stop) {
    SOCKET hold, c = refused_connect(&hold);
    WSAPOLLFD p = {c, POLLRDNORM | POLLWRNORM, 0};
    cr_assert_eq(WSAPoll(&p, 1, 2000), 1);
    cr_assert_eq(p.revents, POLLWRNORM | POLLHUP | POLLERR);
    int err = 0, len = sizeof err;
    cr_assert_eq(getsockopt(c, SOL_SOCKET, SO_ERROR, (char *)&err, &len), 0);
    cr_assert_eq(err, WSAECONNREFUSED);
    closesocket(c), closesocket(hold);
}

/* F181 */
Test(wsapoll, udp, .init = wsa_start, .fini = wsa_stop) {
    SOCKET s = udp(), t = udp();
    WSAPOLLFD p = {s, POLLRDNORM | POLLWRNORM, 0};
    cr_assert_eq(WSAPoll(&p, 1, 0), 1);
    cr_assert_eq(p.revents, POLLWRNORM);
    struct sockaddr_in a = loopback(0);
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&ss, &len), 0);
    memcpy(&a, &ss, sizeof a);
    cr_assert_eq(sendto(t, "u", 1, 0, (struct sockaddr *)&a, sizeof a), 1);
    p.events = POLLRDNORM;
    cr_assert_eq(WSAPoll(&p, 1, 1000), 1);
    cr_assert_eq(p.revents, POLLRDNORM);
    closesocket(s), closesocket(t);
}

/* Nothing ready: the timeout is honoured; negative waits. */
Test(wsapoll, timeouts, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    WSAPOLLFD p = {sv, POLLRDNORM, 0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(WSAPoll(&p, 1, 100), 0);
    cr_assert_geq(ms_since(&t0), 90);
    cr_assert_eq(p.revents, 0);
    struct later l = {c, 100, 0};
    pthread_t t;
    pthread_create(&t, NULL, send_later, &l);
    cr_assert_eq(WSAPoll(&p, 1, -1), 1);
    cr_assert_eq(p.revents, POLLRDNORM);
    pthread_join(t, NULL);
    closesocket(c), closesocket(sv);
}

/* F179 */
Test(wsapoll, closed_by_another_thread, .init = wsa_start, .fini = wsa_stop) {
    SOCKET c, sv;
    tcp_pair(&c, &sv);
    struct later cl = {sv, 150, -1};
    pthread_t t;
    pthread_create(&t, NULL, close_later, &cl);
    WSAPOLLFD p = {sv, POLLRDNORM, 0};
    cr_assert_eq(WSAPoll(&p, 1, 5000), 1);
    cr_assert_eq(p.revents, POLLNVAL);
    pthread_join(t, NULL);
    closesocket(c);
}

/* FD_SET as Windows' macro behaves: appends in order, ignores a socket
 * already present wherever it sits (the search goes four entries at a time,
 * so every position of the first five and the tail is tried), stops at
 * FD_SETSIZE, and FD_CLR keeps the order of the rest. Values need not be
 * sockets: the macros never look them up. */
Test(sel, fd_set_macros, .init = wsa_start, .fini = wsa_stop) {
    fd_set set;
    FD_ZERO(&set);
    for (SOCKET s = 4; s <= 4 * FD_SETSIZE + 40; s += 4)
        FD_SET(s, &set);
    cr_assert_eq(set.fd_count, FD_SETSIZE, "full at FD_SETSIZE");
    for (u_int i = 0; i < set.fd_count; i++)
        cr_assert_eq(set.fd_array[i], (SOCKET)(4 * (i + 1)), "in order");
    for (u_int i = 0; i < FD_SETSIZE; i++) {
        FD_SET(set.fd_array[i], &set); /* present: nothing changes */
        cr_assert_eq(set.fd_count, FD_SETSIZE);
    }
    for (u_int n = 1; n <= 9; n++) {
        FD_ZERO(&set);
        for (SOCKET s = 1; s <= n; s++)
            FD_SET(s * 100, &set);
        for (SOCKET s = 1; s <= n; s++) {
            FD_SET(s * 100, &set);
            cr_assert_eq(set.fd_count, n, "duplicate at %u of %u", (unsigned)s, n);
        }
        FD_SET((SOCKET)7, &set);
        cr_assert_eq(set.fd_count, n + 1);
        cr_assert_eq(set.fd_array[n], 7);
    }
    FD_CLR((SOCKET)300, &set);
    cr_assert_eq(set.fd_count, 9);
    cr_assert_eq(set.fd_array[2], 400, "FD_CLR keeps the order");
    cr_assert(!FD_ISSET((SOCKET)300, &set));
    cr_assert(FD_ISSET((SOCKET)7, &set));
    /* arguments evaluated once */
    SOCKET vals[2] = {11, 12};
    int k = 0;
    FD_ZERO(&set);
    FD_SET(vals[k++], &set);
    cr_assert_eq(k, 1);
    cr_assert_eq(set.fd_array[0], 11);
}
