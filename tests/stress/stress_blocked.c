/*
 * closesocket racing calls blocked on the same socket: a thread blocked in
 * accept, one in recv and one in select are released by another thread's
 * closesocket. Each blocked call must come back (the watchdog fails a hang)
 * with an error -- WSAEINTR when it was already waiting, WSAENOTSOCK when
 * the close came first -- never with data that was not sent, and nothing
 * leaks (descriptors and threads counted after WSACleanup).
 */
#define _GNU_SOURCE /* usleep */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <pthread.h>
#include <unistd.h>

#include "stress.h"
#include "stress_net.h"

enum { ACCEPT, RECV, SELECT, KINDS };
static const char *names[KINDS] = {"accept", "recv", "select"};
static _Atomic long outcome[KINDS][3]; /* WSAEINTR, WSAENOTSOCK, other */

struct blocked {
    int kind;
    SOCKET s;
    _Atomic int entered;
    int result, error;
};

static void *block(void *arg) {
    struct blocked *b = arg;
    atomic_store(&b->entered, 1);
    if (b->kind == ACCEPT) {
        SOCKET c = accept(b->s, NULL, NULL);
        b->result = c == INVALID_SOCKET ? SOCKET_ERROR : 0;
        if (c != INVALID_SOCKET)
            closesocket(c);
    } else if (b->kind == RECV) {
        char buf[16];
        b->result = recv(b->s, buf, sizeof buf, 0);
    } else {
        fd_set r;
        FD_ZERO(&r);
        FD_SET(b->s, &r);
        b->result = select(0, &r, NULL, NULL, NULL);
    }
    b->error = b->result == SOCKET_ERROR ? WSAGetLastError() : 0;
    return NULL;
}

static void round_of(long r) {
    SOCKADDR_IN addr;
    SOCKET l = stress_listener(&addr, 4);
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK_EQ(connect(c, (SOCKADDR *)&addr, sizeof addr), 0);
    SOCKET a = accept(l, NULL, NULL);
    CHECK(a != INVALID_SOCKET);
    /* a is blocked on twice: recv and select; l by accept */
    struct blocked b[KINDS] = {{ACCEPT, l, 0, 0, 0}, {RECV, a, 0, 0, 0}, {SELECT, a, 0, 0, 0}};
    pthread_t t[KINDS];
    for (int k = 0; k < KINDS; k++)
        pthread_create(&t[k], NULL, block, &b[k]);
    for (int k = 0; k < KINDS; k++)
        while (!atomic_load(&b[k].entered))
            usleep(100);
    /* mostly let them reach the wait; sometimes close at once */
    if (r % 4)
        usleep(1000 + (useconds_t)(r % 3) * 1000);
    CHECK_EQ(closesocket(l), 0);
    CHECK_EQ(closesocket(a), 0);
    for (int k = 0; k < KINDS; k++) {
        pthread_join(t[k], NULL);
        OP();
        if (k == SELECT && b[k].result >= 0)
            continue; /* select may see the closed socket as readable */
        CHECK_EQ(b[k].result, SOCKET_ERROR);
        int slot = b[k].error == WSAEINTR ? 0 : b[k].error == WSAENOTSOCK ? 1 : 2;
        atomic_fetch_add(&outcome[k][slot], 1);
        if (slot == 2) {
            fprintf(stderr, "  %s released with %d\n", names[k], b[k].error);
            CHECK(slot != 2);
        }
    }
    CHECK_EQ(closesocket(c), 0);
}

int main(void) {
    stress_watchdog("blocked", 240);
    stress_settle();
    long rounds = stress_scaled(60);
    int fds = stress_fd_count(), threads = stress_thread_count();
    stress_wsa_start();
    for (long r = 0; r < rounds; r++)
        round_of(r);
    CHECK_EQ(WSACleanup(), 0);
    CHECK_EQ(stress_fd_count(), fds);
    CHECK_EQ(stress_thread_count(), threads);
    for (int k = 0; k < KINDS; k++)
        printf("  %s: %ld WSAEINTR, %ld WSAENOTSOCK, %ld other\n", names[k], atomic_load(&outcome[k][0]),
               atomic_load(&outcome[k][1]), atomic_load(&outcome[k][2]));
    return stress_finish("blocked");
}
