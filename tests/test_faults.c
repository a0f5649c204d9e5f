/*
 * Fault injection (WS2POSIX_FAULT, lib/common/fault.h) and resource
 * exhaustion: every injected failure gives its documented code, leaves no
 * descriptor behind (LeakSanitizer checks memory in the ASan build), and
 * the process recovers once the resource is back.
 * The descriptor counts come from tests/stress/posix_helpers.c (POSIX world).
 */
#define _GNU_SOURCE /* setenv */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <stdlib.h>

#include "stress/stress.h"

static int start(void) {
    WSADATA d;
    return WSAStartup(MAKEWORD(2, 2), &d);
}

TestSuite(faults, .timeout = 60);

/* The handle table cannot grow: the provider's socket is released again. */
Test(faults, handle_table_nomem) {
    stress_settle();
    int fds = stress_fd_count();
    setenv("WS2POSIX_FAULT", "nomem_handle", 1);
    cr_assert_eq(start(), 0);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
        cr_assert_eq(WSAGetLastError(), WSAENOBUFS);
    }
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(stress_fd_count(), fds, "the refused sockets' descriptors are closed");
    /* The fault is read at the first WSAStartup: without it, all is well. */
    unsetenv("WS2POSIX_FAULT");
    cr_assert_eq(start(), 0);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET);
    closesocket(s);
    WSACleanup();
}

Test(faults, socket_object_nomem) {
    stress_settle();
    int fds = stress_fd_count();
    setenv("WS2POSIX_FAULT", "nomem", 1);
    cr_assert_eq(start(), 0);
    cr_assert_eq(WSASocketA(AF_INET6, SOCK_DGRAM, 0, NULL, SG_UNCONSTRAINED_GROUP, 0), INVALID_SOCKET);
    cr_assert_eq(WSAGetLastError(), WSAENOBUFS);
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(stress_fd_count(), fds);
}

static BOOL nomem(int err) { return err == WSAENOBUFS || err == WSA_NOT_ENOUGH_MEMORY; }

/* One session touching every counted allocation site; 1 if some call failed
 * (with an out-of-memory code: anything else fails the test). */
static int scenario(void) {
    int failed = 0, err = start();
    if (err) {
        cr_assert(nomem(err), "WSAStartup: %d", err);
        return 1;
    }
    static const int triples[][3] = {{AF_INET, SOCK_STREAM, 0}, {AF_INET, SOCK_DGRAM, 0}, {AF_INET6, SOCK_STREAM, 0},
                                     {AF_UNIX, SOCK_STREAM, 0}};
    SOCKET s[6];
    int n = 0;
    for (size_t i = 0; i < 4; i++) {
        SOCKET x = socket(triples[i][0], triples[i][1], triples[i][2]);
        if (x == INVALID_SOCKET) {
            cr_assert(nomem(WSAGetLastError()), "socket(%d, %d): %d", triples[i][0], triples[i][1], WSAGetLastError());
            failed = 1;
        } else {
            s[n++] = x;
        }
    }
    for (int g = 0; g < 2; g++) {
        SOCKET x = WSASocketA(AF_INET, SOCK_DGRAM, 0, NULL, g ? SG_CONSTRAINED_GROUP : SG_UNCONSTRAINED_GROUP, 0);
        if (x == INVALID_SOCKET) {
            cr_assert(nomem(WSAGetLastError()), "group socket: %d", WSAGetLastError());
            failed = 1;
        } else {
            s[n++] = x;
        }
    }
    WSAPROTOCOL_INFOW info[16];
    DWORD len = sizeof info;
    if (WSAEnumProtocolsW(NULL, info, &len) == SOCKET_ERROR) {
        cr_assert(nomem(WSAGetLastError()));
        failed = 1;
    }
    for (int i = 0; i < n; i++)
        cr_assert_eq(closesocket(s[i]), 0);
    cr_assert_eq(WSACleanup(), 0);
    return failed;
}

/* alloc_at=N fails the Nth counted allocation; N walks up until a session
 * runs through without one. */
Test(faults, every_allocation_fails_in_turn) {
    stress_settle();
    int fds = stress_fd_count(), injected = 0, n;
    for (n = 1; n < 200; n++) {
        char v[32];
        snprintf(v, sizeof v, "alloc_at=%d", n);
        setenv("WS2POSIX_FAULT", v, 1);
        int failed = scenario();
        cr_assert_eq(stress_fd_count(), fds, "alloc_at=%d: descriptors left behind", n);
        if (!failed)
            break;
        injected++;
    }
    cr_assert_lt(n, 200);
    cr_assert_geq(injected, 4, "catalog, handle table, provider start, groups: %d", injected);
    cr_log_info("faults: %d allocation failures injected, each clean", injected);
    printf("faults: %d allocation failures injected, 0 failures\n", injected);
}

/* RLIMIT_NOFILE reached at the very first socket, before the event loop
 * could start: the call fails, and once descriptors are back the process
 * recovers without a new WSAStartup. */
Test(faults, descriptor_limit_before_the_loop) {
    stress_settle();
    cr_assert_eq(start(), 0);
    int fds = stress_fd_count();
    long old = stress_set_fd_limit(fds);
    cr_assert_gt(old, 0);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(s, INVALID_SOCKET);
    int err = WSAGetLastError();
    cr_assert(err == WSAEMFILE || err == WSAENETDOWN, "%d", err);
    stress_set_fd_limit(old);
    s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_neq(s, INVALID_SOCKET, "recovered once descriptors are back: %d", WSAGetLastError());
    closesocket(s);
    cr_assert_eq(WSACleanup(), 0);
}

/* RLIMIT_NOFILE reached while sockets are open: WSAEMFILE, and after
 * closing every socket the process is back where it started. */
Test(faults, descriptor_limit_many_times) {
    stress_settle();
    cr_assert_eq(start(), 0);
    SOCKET warm = socket(AF_INET, SOCK_DGRAM, 0); /* the loop runs */
    closesocket(warm);
    int fds = stress_fd_count(), emfile = 0;
    long old = stress_set_fd_limit(fds + 40);
    for (int round = 0; round < 20; round++) {
        SOCKET s[64];
        int n = 0;
        while (n < 64 && (s[n] = socket(round % 2 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0)) != INVALID_SOCKET)
            n++;
        cr_assert_eq(n, 40);
        cr_assert_eq(WSAGetLastError(), WSAEMFILE);
        emfile++;
        while (n > 0)
            cr_assert_eq(closesocket(s[--n]), 0);
        cr_assert_eq(stress_fd_count(), fds);
    }
    stress_set_fd_limit(old);
    cr_assert_eq(WSACleanup(), 0);
    printf("faults: %d descriptor exhaustions (WSAEMFILE), 0 failures\n", emfile);
}

/* The loop cannot start: WSAENETDOWN, never a hang, nothing left behind. */
Test(faults, loop_down) {
    stress_settle();
    int fds = stress_fd_count(), threads = stress_thread_count();
    setenv("WS2POSIX_FAULT", "loop", 1);
    cr_assert_eq(start(), 0);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
        cr_assert_eq(WSAGetLastError(), WSAENETDOWN);
    }
    cr_assert_eq(WSACleanup(), 0);
    cr_assert_eq(stress_fd_count(), fds);
    cr_assert_eq(stress_thread_count(), threads);
}
