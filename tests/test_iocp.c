/* I/O completion ports: CreateIoCompletionPort, GetQueuedCompletionStatus(Ex),
 * PostQueuedCompletionStatus, CloseHandle of a port, and the packets the
 * overlapped operations of an associated socket post. Facts:
 * windows-behaviour.md F101, F114, F124, F126, F127, F130-F135, F184, F185,
 * F189, F190; the rest is the documented Win32 behaviour of the port calls. */
#define _GNU_SOURCE /* setenv */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <windows.h>
#include <mswsock.h>
#include <ws2spi.h>
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "pairs.h"

#define ST_CANCELLED 0xC0000120u
#define ST_CONNECTION_ABORTED 0xC0000241u
#define ST_CONNECTION_RESET 0xC000020Du
#define ST_NOT_SUPPORTED 0xC00000BBu

TestSuite(iocp, .init = wsa_start, .fini = wsa_stop);

static HANDLE new_port(void) {
    HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    cr_assert_not_null(p, "%lu", (unsigned long)GetLastError());
    return p;
}

static void associate(SOCKET s, HANDLE port, ULONG_PTR key) {
    cr_assert_eq(CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, port, key, 0), port, "%lu",
                 (unsigned long)GetLastError());
}

/* Nothing queued: GetQueuedCompletionStatus(0) times out. */
static void assert_no_packet(HANDLE port, DWORD ms) {
    DWORD n = 7;
    ULONG_PTR key = 7;
    LPOVERLAPPED ov = (LPOVERLAPPED)&n;
    cr_assert_not(GetQueuedCompletionStatus(port, &n, &key, &ov, ms));
    cr_assert_eq(GetLastError(), WAIT_TIMEOUT);
    cr_assert_null(ov);
}

/* The next packet is ov's, failed with the Win32 error err (so
 * GetQueuedCompletionStatus is FALSE), with key, no bytes and status in
 * Internal. */
static void expect_failed_packet(HANDLE port, LPOVERLAPPED ov, ULONG_PTR key, DWORD err, uint32_t status) {
    DWORD n = 7;
    ULONG_PTR k = 0;
    LPOVERLAPPED o = NULL;
    cr_assert_not(GetQueuedCompletionStatus(port, &n, &k, &o, 2000), "no failure came");
    cr_assert_eq(GetLastError(), err, "%lu, want %lu", (unsigned long)GetLastError(), (unsigned long)err);
    cr_assert_eq(o, ov);
    cr_assert_eq(k, key);
    cr_assert_eq(n, 0);
    cr_assert_eq((uint32_t)ov->Internal, status, "%#x", (unsigned)ov->Internal);
    cr_assert_eq(ov->InternalHigh, 0);
}

/* ---- the port itself ----------------------------------------------------------- */

Test(iocp, create_and_close) {
    HANDLE p = new_port();
    cr_assert_neq(p, INVALID_HANDLE_VALUE);
    HANDLE q = new_port();
    cr_assert_neq(p, q);
    cr_assert(CloseHandle(p));
    SetLastError(0);
    cr_assert_not(CloseHandle(p));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    /* a closed port is no longer a handle for the other calls */
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED ov = (LPOVERLAPPED)&n;
    cr_assert_not(GetQueuedCompletionStatus(p, &n, &key, &ov, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    cr_assert_null(ov);
    cr_assert_not(PostQueuedCompletionStatus(p, 0, 0, NULL));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    /* an event is not a port, nor a port an event */
    HANDLE ev = WSACreateEvent();
    cr_assert_not(PostQueuedCompletionStatus(ev, 0, 0, NULL));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    cr_assert_not(SetEvent(q));
    cr_assert(CloseHandle(ev));
    cr_assert(CloseHandle(q));
}

Test(iocp, bad_arguments) {
    HANDLE p = new_port();
    /* a new port alone takes no existing port */
    SetLastError(0);
    cr_assert_null(CreateIoCompletionPort(INVALID_HANDLE_VALUE, p, 0, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    /* handles that are no sockets */
    cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)0x1234, p, 0, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    cr_assert_null(CreateIoCompletionPort(NULL, p, 0, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    HANDLE ev = WSACreateEvent();
    cr_assert_null(CreateIoCompletionPort(ev, p, 0, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    cr_assert_null(CreateIoCompletionPort(p, p, 0, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    SOCKET closed = socket(AF_INET, SOCK_STREAM, 0);
    closesocket(closed);
    cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)closed, p, 0, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    /* a socket with a port that is not one */
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, ev, 0, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, (HANDLE)(ULONG_PTR)0x100000040, 0, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    /* one association per handle: a second one fails, to any port */
    associate(s, p, 1);
    cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, p, 2, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, NULL, 2, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    /* output pointers (Windows would fault) */
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    cr_assert_not(GetQueuedCompletionStatus(p, NULL, &key, &ov, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    cr_assert_not(GetQueuedCompletionStatus(p, &n, NULL, &ov, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    cr_assert_not(GetQueuedCompletionStatus(p, &n, &key, NULL, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    OVERLAPPED_ENTRY e[2];
    ULONG got = 9;
    cr_assert_not(GetQueuedCompletionStatusEx(p, e, 0, &got, 0, FALSE));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    cr_assert_not(GetQueuedCompletionStatusEx(p, NULL, 2, &got, 0, FALSE));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    cr_assert_not(GetQueuedCompletionStatusEx(p, e, 2, NULL, 0, FALSE));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    cr_assert_not(GetQueuedCompletionStatusEx(ev, e, 2, &got, 0, FALSE));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    cr_assert_eq(got, 0);
    closesocket(s);
    CloseHandle(ev);
    CloseHandle(p);
}

/* A socket given with no port makes one and associates it; the socket's
 * packets then come out of it. */
Test(iocp, create_with_socket) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, NULL, 42, 1);
    cr_assert_not_null(p);
    char buf[8];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    DWORD f = 0;
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &f, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(send(c, "hey", 3, 0), 3);
    DWORD n = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED got = NULL;
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &got, 2000), "%lu", (unsigned long)GetLastError());
    cr_assert_eq(n, 3);
    cr_assert_eq(key, 42);
    cr_assert_eq(got, &ov);
    cr_assert_eq(ov.Internal, 0);
    closesocket(c);
    closesocket(s);
    CloseHandle(p);
}

/* ---- the port table full ---------------------------------------------------------- */

/* Open descriptors of the process (each port has an eventfd). */
static int fd_count(void) {
    DIR *d = opendir("/proc/self/fd");
    cr_assert_not_null(d);
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n - 3; /* ".", "..", and the directory stream itself */
}

/* The slot bits of a port handle (1 << 32 | generation << 18 | (slot + 1)
 * << 2, lib/ws2/objects.h): what stays the same when a slot is reused. */
#define PORT_SLOT(h) ((uintptr_t)(h) & 0x3fffc)

/* The table holds 65,535 ports; WS2POSIX_MAX_PORTS makes it small (read at
 * the first port of the process, so set before any is made). */
static void small_port_table(void) { setenv("WS2POSIX_MAX_PORTS", "3", 1); }

/* A new port in a full table: NULL with ERROR_NO_SYSTEM_RESOURCES, what
 * Windows reports when a process's handle table cannot take another handle
 * (STATUS_INSUFFICIENT_RESOURCES; CreateIoCompletionPort's page names no
 * code, the facts file says nothing). Nothing is left behind: no eventfd,
 * and a socket whose own new port was refused is not associated (it can
 * be, once there is room). A closed port's slot takes the next port, and
 * the closed handle reaches nothing, although its slot lives again. */
Test(iocp, table_full, .init = small_port_table) {
    SOCKET c, s;
    tcp_pair(&c, &s); /* first: the event loop's own descriptors are counted in fds */
    int fds = fd_count();
    HANDLE p[3];
    for (int i = 0; i < 3; i++)
        p[i] = new_port();
    int with_ports = fd_count();
    cr_assert_eq(with_ports, fds + 3);
    for (int round = 0; round < 3; round++) {
        SetLastError(0);
        cr_assert_null(CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0));
        cr_assert_eq(GetLastError(), ERROR_NO_SYSTEM_RESOURCES);
        SetLastError(0);
        cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, NULL, 7, 0), "a socket's own new port");
        cr_assert_eq(GetLastError(), ERROR_NO_SYSTEM_RESOURCES);
    }
    cr_assert_eq(fd_count(), with_ports, "the refused ports closed their eventfds");
    cr_assert(PostQueuedCompletionStatus(p[2], 5, 55, NULL), "the ports there still work");

    /* Closing one makes room for one: in the same slot, a new generation. */
    HANDLE old = p[1];
    cr_assert(CloseHandle(old));
    HANDLE fresh = new_port();
    cr_assert_eq(PORT_SLOT(fresh), PORT_SLOT(old), "the freed slot was reused");
    cr_assert_neq(fresh, old);
    cr_assert_null(CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0), "full again");
    cr_assert_eq(GetLastError(), ERROR_NO_SYSTEM_RESOURCES);

    /* The old handle of the reused slot reaches nothing. */
    SetLastError(0);
    cr_assert_not(PostQueuedCompletionStatus(old, 1, 1, NULL));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    DWORD n = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = (LPOVERLAPPED)&n;
    SetLastError(0);
    cr_assert_not(GetQueuedCompletionStatus(old, &n, &key, &ov, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    cr_assert_null(ov);
    SetLastError(0);
    cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)s, old, 1, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    cr_assert_not(CloseHandle(old));
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    assert_no_packet(fresh, 0); /* the post went nowhere */
    p[1] = fresh;

    /* The refused associations left s free: it takes a port now, and its
     * packets come out of that port. */
    associate(s, fresh, 42);
    char buf[8];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED rov = {0};
    DWORD f = 0;
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &f, &rov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(send(c, "hey", 3, 0), 3);
    ov = NULL;
    cr_assert(GetQueuedCompletionStatus(fresh, &n, &key, &ov, 2000), "%lu", (unsigned long)GetLastError());
    cr_assert_eq(n, 3);
    cr_assert_eq(key, 42);
    cr_assert_eq(ov, &rov);

    /* A port closed while a socket is associated with it lives on for the
     * socket; once the socket is closed too, nothing is left of it, and
     * its slot takes a new port. */
    cr_assert(CloseHandle(fresh));
    closesocket(s);
    closesocket(c);
    HANDLE again = NULL;
    for (int i = 0; i < 100 && !again; i++) /* the socket's last reference may go on the loop thread */
        if (!(again = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0)))
            Sleep(10);
    cr_assert_not_null(again, "the association's reference went with the socket: %lu", (unsigned long)GetLastError());
    cr_assert_eq(PORT_SLOT(again), PORT_SLOT(fresh));
    cr_assert(CloseHandle(again));
    cr_assert(CloseHandle(p[0]));
    cr_assert(CloseHandle(p[2]));
    for (int i = 0; i < 100 && fd_count() != fds - 2; i++)
        Sleep(10); /* the sockets' descriptors are closed on the loop thread */
    cr_assert_eq(fd_count(), fds - 2, "every port's eventfd closed, and the pair's sockets");
}

Test(iocp, timeout) {
    HANDLE p = new_port();
    assert_no_packet(p, 0);
    int64_t t0 = now_ms();
    assert_no_packet(p, 60);
    cr_assert_geq(now_ms() - t0, 55);
    OVERLAPPED_ENTRY e[4];
    ULONG got = 9;
    cr_assert_not(GetQueuedCompletionStatusEx(p, e, 4, &got, 30, FALSE));
    cr_assert_eq(GetLastError(), WAIT_TIMEOUT);
    cr_assert_eq(got, 0);
    cr_assert_not(GetQueuedCompletionStatusEx(p, e, 4, &got, 0, TRUE));
    cr_assert_eq(GetLastError(), WAIT_TIMEOUT);
    CloseHandle(p);
}

/* Packets come out in the order they were queued, one by one or many at a
 * time; a posted packet is a success whatever it carries. */
Test(iocp, post_fifo) {
    HANDLE p = new_port();
    OVERLAPPED o[6];
    for (int i = 0; i < 6; i++)
        cr_assert(PostQueuedCompletionStatus(p, 100 + i, 10 + i, &o[i]));
    cr_assert(PostQueuedCompletionStatus(p, 0, 0, NULL));
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &ov, 0));
    cr_assert_eq(n, 100);
    cr_assert_eq(key, 10);
    cr_assert_eq(ov, &o[0]);
    OVERLAPPED_ENTRY e[3];
    ULONG got = 0;
    cr_assert(GetQueuedCompletionStatusEx(p, e, 3, &got, 0, FALSE));
    cr_assert_eq(got, 3);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(e[i].dwNumberOfBytesTransferred, 101 + i);
        cr_assert_eq(e[i].lpCompletionKey, 11 + i);
        cr_assert_eq(e[i].lpOverlapped, &o[1 + i]);
        cr_assert_eq(e[i].Internal, 0);
    }
    OVERLAPPED_ENTRY more[8];
    cr_assert(GetQueuedCompletionStatusEx(p, more, 8, &got, INFINITE, TRUE));
    cr_assert_eq(got, 3);
    cr_assert_eq(more[0].lpOverlapped, &o[4]);
    cr_assert_eq(more[1].lpOverlapped, &o[5]);
    cr_assert_null(more[2].lpOverlapped);
    assert_no_packet(p, 0);
    /* many: the queue grows */
    for (int i = 0; i < 1000; i++)
        cr_assert(PostQueuedCompletionStatus(p, (DWORD)i, 0, NULL));
    for (int i = 0; i < 1000; i++) {
        cr_assert(GetQueuedCompletionStatus(p, &n, &key, &ov, 0));
        cr_assert_eq(n, (DWORD)i);
    }
    CloseHandle(p);
}

/* ---- packets of socket operations --------------------------------------------------- */

/* F101: a receive that completes at once returns 0, signals its event and
 * still queues a packet. */
Test(iocp, immediate_success_queues_a_packet) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 5);
    cr_assert_eq(send(c, "hello", 5, 0), 5);
    wait_readable(s);
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD f = 0, got = 0;
    cr_assert_eq(WSARecv(s, &b, 1, &got, &f, &ov, NULL), 0, "%d", WSAGetLastError());
    cr_assert_eq(got, 5);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 0, FALSE), WSA_WAIT_EVENT_0);
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED o;
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, 0));
    cr_assert_eq(n, 5);
    cr_assert_eq(key, 5);
    cr_assert_eq(o, &ov);
    /* a send too, completed at once */
    WSABUF sb = {3, "abc"};
    WSAOVERLAPPED sov = {0};
    cr_assert_eq(WSASend(s, &sb, 1, NULL, 0, &sov, NULL), 0);
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, 1000));
    cr_assert_eq(n, 3);
    cr_assert_eq(o, &sov);
    assert_no_packet(p, 0);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
    CloseHandle(p);
}

/* F134: hEvent's low bit set: the event is signalled, no packet queued. */
Test(iocp, event_low_bit_suppresses_the_packet) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 5);
    WSAEVENT ev = WSACreateEvent();
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = (HANDLE)((ULONG_PTR)ev | 1);
    DWORD f = 0;
    int r = WSARecv(s, &b, 1, NULL, &f, &ov, NULL);
    cr_assert(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, TRUE, 2000, FALSE), WSA_WAIT_EVENT_0);
    assert_no_packet(p, 50);
    /* and an immediate completion likewise */
    cr_assert_eq(send(c, "y", 1, 0), 1);
    wait_readable(s);
    WSAResetEvent(ev);
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &f, &ov, NULL), 0);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, TRUE, 0, FALSE), WSA_WAIT_EVENT_0);
    assert_no_packet(p, 0);
    WSACloseEvent(ev);
    closesocket(c);
    closesocket(s);
    CloseHandle(p);
}

/* F133, F131, F134: errors found at once queue nothing. */
Test(iocp, synchronous_errors_queue_nothing) {
    HANDLE p = new_port();
    SOCKET u = socket(AF_INET, SOCK_STREAM, 0);
    associate(u, p, 1);
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    DWORD f = 0;
    cr_assert_eq(WSARecv(u, &b, 1, NULL, &f, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTCONN);
    cr_assert_eq(WSASend(u, &b, 1, NULL, 0, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTCONN);
    assert_no_packet(p, 0);
    /* F131: after a reset, a send fails at once and queues nothing */
    SOCKET c, s;
    tcp_pair(&c, &s);
    associate(s, p, 2);
    struct linger lg = {1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof lg);
    closesocket(c);
    Sleep(50);
    WSABUF sb = {3, "abc"};
    int r = WSASend(s, &sb, 1, NULL, 0, &ov, NULL);
    cr_assert_eq(r, SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAECONNRESET);
    assert_no_packet(p, 20);
    closesocket(s);
    closesocket(u);
    CloseHandle(p);
}

static int routine_calls;
static void CALLBACK routine(DWORD err, DWORD n, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)err, (void)n, (void)ov, (void)flags;
    routine_calls++;
}

/* F114: a completion routine on a socket bound to a port is refused. */
Test(iocp, completion_routine_refused) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 1);
    routine_calls = 0;
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    DWORD f = 0;
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &f, &ov, routine), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    cr_assert_eq(WSASend(s, &b, 1, NULL, 0, &ov, routine), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    wait_readable(s);
    cr_assert_eq(SleepEx(20, TRUE), 0);
    cr_assert_eq(routine_calls, 0);
    assert_no_packet(p, 0);
    /* the data is still there: nothing was received */
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 1);
    closesocket(c);
    closesocket(s);
    CloseHandle(p);
}

/* F124: closesocket with a receive pending: the packet comes, FALSE with
 * ERROR_CONNECTION_ABORTED and STATUS_CONNECTION_ABORTED in Internal. */
Test(iocp, close_with_pending_receive) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 9);
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    DWORD f = 0;
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &f, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    closesocket(s);
    expect_failed_packet(p, &ov, 9, ERROR_CONNECTION_ABORTED, ST_CONNECTION_ABORTED);
    assert_no_packet(p, 20);
    closesocket(c);
    CloseHandle(p);
}

/* GetQueuedCompletionStatusEx succeeds whatever its packets carry: a
 * failed operation's NTSTATUS is in its entry's Internal. */
Test(iocp, ex_reports_failures_in_entries) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 9);
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    DWORD f = 0;
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &f, &ov, NULL), SOCKET_ERROR);
    cr_assert(PostQueuedCompletionStatus(p, 5, 6, NULL));
    closesocket(s);
    OVERLAPPED_ENTRY e[4];
    ULONG got = 0, total = 0;
    int64_t t0 = now_ms();
    while (total < 2 && now_ms() - t0 < 2000) {
        cr_assert(GetQueuedCompletionStatusEx(p, e + total, 4 - total, &got, 2000, FALSE));
        total += got;
    }
    cr_assert_eq(total, 2);
    cr_assert_eq(e[0].lpCompletionKey, 6);
    cr_assert_eq(e[0].Internal, 0);
    cr_assert_eq(e[1].lpOverlapped, &ov);
    cr_assert_eq(e[1].lpCompletionKey, 9);
    cr_assert_eq(e[1].Internal, ST_CONNECTION_ABORTED);
    cr_assert_eq(e[1].dwNumberOfBytesTransferred, 0);
    closesocket(c);
    CloseHandle(p);
}

/* F126: closing with nothing pending posts nothing. */
Test(iocp, close_with_nothing_pending) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 9);
    closesocket(s);
    assert_no_packet(p, 50);
    closesocket(c);
    CloseHandle(p);
}

/* F130: a peer reset under a pending receive: ERROR_NETNAME_DELETED. */
Test(iocp, peer_reset_under_pending_receive) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 3);
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    DWORD f = 0;
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &f, &ov, NULL), SOCKET_ERROR);
    struct linger lg = {1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof lg);
    closesocket(c);
    expect_failed_packet(p, &ov, 3, ERROR_NETNAME_DELETED, ST_CONNECTION_RESET);
    closesocket(s);
    CloseHandle(p);
}

/* F132: a graceful close from the peer completes a receive with 0 bytes,
 * and that is a success. */
Test(iocp, peer_close_is_a_zero_byte_success) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 3);
    char buf[16];
    WSABUF b = {sizeof buf, buf};
    WSAOVERLAPPED ov = {0};
    DWORD f = 0;
    int r = WSARecv(s, &b, 1, NULL, &f, &ov, NULL);
    cr_assert(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
    closesocket(c);
    DWORD n = 7;
    ULONG_PTR key;
    LPOVERLAPPED o = NULL;
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, 2000));
    cr_assert_eq(n, 0);
    cr_assert_eq(o, &ov);
    closesocket(s);
    CloseHandle(p);
}

/* F127: a pending AcceptEx aborted by closing the listener: the packet
 * carries ERROR_OPERATION_ABORTED, also when the listener was associated
 * after AcceptEx was issued. */
Test(iocp, acceptex_aborted) {
    for (int after = 0; after < 2; after++) {
        SOCKET l = listener(NULL);
        HANDLE p = new_port();
        if (!after)
            associate(l, p, 77);
        LPFN_ACCEPTEX acceptex = ext(l, (GUID)WSAID_ACCEPTEX);
        SOCKET a = socket(AF_INET, SOCK_STREAM, 0);
        char buf[2 * (sizeof(struct sockaddr_in) + 16)];
        OVERLAPPED ov = {0};
        DWORD got = 0;
        cr_assert_not(acceptex(l, a, buf, 0, sizeof(struct sockaddr_in) + 16, sizeof(struct sockaddr_in) + 16, &got,
                               &ov));
        cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
        if (after)
            associate(l, p, 77);
        closesocket(l);
        expect_failed_packet(p, &ov, 77, ERROR_OPERATION_ABORTED, ST_CANCELLED);
        closesocket(a);
        CloseHandle(p);
    }
}

/* F127: closing the accept socket aborts the pending AcceptEx too, at once
 * (ws2posix used to end it only when a connection came): ERROR_OPERATION_ABORTED
 * on the listener's port. A second AcceptEx on the same listener, with
 * another accept socket, stays pending and takes the next connection; the
 * aborted one took none. */
Test(iocp, acceptex_aborted_by_closing_the_accept_socket) {
    struct sockaddr_in addr;
    SOCKET l = listener(&addr);
    HANDLE p = new_port();
    associate(l, p, 78);
    LPFN_ACCEPTEX acceptex = ext(l, (GUID)WSAID_ACCEPTEX);
    enum { ADDR = sizeof(struct sockaddr_in) + 16 };
    SOCKET a1 = socket(AF_INET, SOCK_STREAM, 0), a2 = socket(AF_INET, SOCK_STREAM, 0);
    char buf1[2 * ADDR], buf2[2 * ADDR];
    OVERLAPPED ov1 = {0}, ov2 = {0};
    DWORD got = 0;
    cr_assert_not(acceptex(l, a1, buf1, 0, ADDR, ADDR, &got, &ov1));
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_not(acceptex(l, a2, buf2, 0, ADDR, ADDR, &got, &ov2));
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(closesocket(a1), 0);
    /* no connection came: the close ended it */
    expect_failed_packet(p, &ov1, 78, ERROR_OPERATION_ABORTED, ST_CANCELLED);
    assert_no_packet(p, 50); /* the other AcceptEx waits on */
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(connect(c, (struct sockaddr *)&addr, sizeof addr), 0);
    DWORD n = 7;
    ULONG_PTR key = 0;
    LPOVERLAPPED o = NULL;
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, 2000), "%lu", (unsigned long)GetLastError());
    cr_assert_eq(o, &ov2);
    cr_assert_eq(n, 0);
    cr_assert_eq(setsockopt(a2, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&l, sizeof l), 0);
    cr_assert_eq(send(c, "x", 1, 0), 1);
    char x = 0;
    cr_assert_eq(recv(a2, &x, 1, 0), 1);
    cr_assert_eq(x, 'x');
    closesocket(c);
    closesocket(a2);
    closesocket(l);
    CloseHandle(p);
}

/* F125: CloseHandle on a socket closes it as closesocket does: its pending
 * WSARecv ends aborted, with the same packet; the handle is gone after.
 * (Windows also posts FD_CLOSE to a WSAAsyncSelect window here, which Wine
 * does not either; ws2posix does not.) */
Test(iocp, closehandle_closes_a_socket) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 12);
    char buf[8];
    WSABUF b = {sizeof buf, buf};
    DWORD f = 0;
    OVERLAPPED ov = {0};
    cr_assert_eq(WSARecv(s, &b, 1, NULL, &f, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert(CloseHandle((HANDLE)(ULONG_PTR)s), "%lu", (unsigned long)GetLastError());
    expect_failed_packet(p, &ov, 12, ERROR_CONNECTION_ABORTED, ST_CONNECTION_ABORTED);
    cr_assert_eq(send(s, "x", 1, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    cr_assert_not(CloseHandle((HANDLE)(ULONG_PTR)s), "closed already");
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    cr_assert_not(CloseHandle((HANDLE)(ULONG_PTR)6), "not a multiple of 4");
    cr_assert_eq(GetLastError(), ERROR_INVALID_HANDLE);
    closesocket(c);
    CloseHandle(p);
}

/* F184, F185: an overlapped WSAIoctl done at once posts a packet; F190: one
 * that fails at once posts nothing; F189: an unknown code completes with
 * STATUS_NOT_SUPPORTED (ERROR_NOT_SUPPORTED). */
Test(iocp, overlapped_ioctl) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 4);
    OVERLAPPED ov = {0};
    u_long one = 1;
    DWORD size = 9;
    cr_assert_eq(WSAIoctl(s, FIONBIO, &one, sizeof one, NULL, 0, &size, &ov, NULL), 0);
    DWORD n = 7;
    ULONG_PTR key;
    LPOVERLAPPED o;
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, 1000));
    cr_assert_eq(o, &ov);
    cr_assert_eq(n, 0);
    cr_assert_eq(key, 4);
    cr_assert_eq(ov.Internal, 0);
    cr_assert_eq(ov.InternalHigh, 0);
    u_long avail = 9;
    cr_assert_eq(WSAIoctl(s, FIONREAD, NULL, 0, &avail, sizeof avail, &size, &ov, NULL), 0);
    cr_assert_eq(size, 4);
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, 1000));
    cr_assert_eq(o, &ov);
    cr_assert_eq(n, 4);
    GUID bogus = {1, 2, 3, {4}};
    void *fn;
    cr_assert_eq(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &bogus, sizeof bogus, &fn, sizeof fn, &size, &ov,
                          NULL),
                 SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    assert_no_packet(p, 0);
    cr_assert_eq(WSAIoctl(s, 0x667e, NULL, 0, NULL, 0, &size, &ov, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_not(GetQueuedCompletionStatus(p, &n, &key, &o, 1000));
    cr_assert_eq(GetLastError(), ERROR_NOT_SUPPORTED);
    cr_assert_eq(o, &ov);
    cr_assert_eq(ov.Internal, ST_NOT_SUPPORTED);
    closesocket(c);
    closesocket(s);
    CloseHandle(p);
}

/* F135: connect and shutdown post nothing; ConnectEx and DisconnectEx do;
 * DisconnectEx without an OVERLAPPED does not. */
Test(iocp, connect_and_disconnect) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    HANDLE p = new_port();
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    associate(c, p, 1);
    cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(shutdown(c, SD_SEND), 0);
    assert_no_packet(p, 20);
    closesocket(c);

    SOCKET x = socket(AF_INET, SOCK_STREAM, 0);
    associate(x, p, 2);
    struct sockaddr_in any = loopback(0);
    cr_assert_eq(bind(x, (struct sockaddr *)&any, sizeof any), 0);
    LPFN_CONNECTEX connectex = ext(x, (GUID)WSAID_CONNECTEX);
    LPFN_DISCONNECTEX disconnectex = ext(x, (GUID)WSAID_DISCONNECTEX);
    OVERLAPPED ov = {0};
    DWORD sent = 0;
    BOOL r = connectex(x, (struct sockaddr *)&a, sizeof a, "hi", 2, &sent, &ov);
    cr_assert(r || WSAGetLastError() == WSA_IO_PENDING);
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED o;
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, 2000), "%lu", (unsigned long)GetLastError());
    cr_assert_eq(o, &ov);
    cr_assert_eq(key, 2);
    cr_assert_eq(n, 2);
    OVERLAPPED dov = {0};
    r = disconnectex(x, &dov, 0, 0);
    cr_assert(r || WSAGetLastError() == WSA_IO_PENDING);
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, 2000));
    cr_assert_eq(o, &dov);
    closesocket(x);

    SOCKET y = socket(AF_INET, SOCK_STREAM, 0);
    associate(y, p, 3);
    cr_assert_eq(connect(y, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert(disconnectex(y, NULL, 0, 0));
    assert_no_packet(p, 20);
    closesocket(y);
    closesocket(l);
    CloseHandle(p);
}

/* WPUCompleteOverlappedRequest completes into the port of the (non-IFS)
 * handle it names, unless hEvent's low bit is set. */
Test(iocp, wpu_complete_overlapped_request) {
    int err = 0;
    SOCKET h = WPUCreateSocketHandle(1001, 0x1234, &err);
    cr_assert_neq(h, INVALID_SOCKET, "%d", err);
    HANDLE p = new_port();
    associate(h, p, 8);
    WSAOVERLAPPED ov = {0};
    cr_assert_eq(WPUCompleteOverlappedRequest(h, &ov, 0, 7, &err), 0);
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED o;
    cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, 0));
    cr_assert_eq(n, 7);
    cr_assert_eq(key, 8);
    cr_assert_eq(o, &ov);
    cr_assert_eq(WPUCompleteOverlappedRequest(h, &ov, WSAECONNABORTED, 0, &err), 0);
    cr_assert_not(GetQueuedCompletionStatus(p, &n, &key, &o, 0));
    cr_assert_eq(GetLastError(), ERROR_CONNECTION_ABORTED);
    WSAEVENT ev = WSACreateEvent();
    ov.hEvent = (HANDLE)((ULONG_PTR)ev | 1);
    cr_assert_eq(WPUCompleteOverlappedRequest(h, &ov, 0, 1, &err), 0);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ev, TRUE, 0, FALSE), WSA_WAIT_EVENT_0);
    assert_no_packet(p, 0);
    WSACloseEvent(ev);
    cr_assert_eq(WPUCloseSocketHandle(h, &err), 0);
    CloseHandle(p);
}

/* ---- alertable waits ---------------------------------------------------------------- */

static int apc_calls;
static void CALLBACK count_apc(DWORD err, DWORD n, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)err, (void)n, (void)ov, (void)flags;
    apc_calls++;
}

/* Queue a completion routine to this thread: an overlapped send on a
 * socket without a port, completed at once. */
static void queue_routine(SOCKET s, WSAOVERLAPPED *ov) {
    WSABUF b = {1, "z"};
    memset(ov, 0, sizeof *ov);
    cr_assert_eq(WSASend(s, &b, 1, NULL, 0, ov, count_apc), 0, "%d", WSAGetLastError());
}

/* GetQueuedCompletionStatusEx(fAlertable): completion routines run when no
 * packet is there, and the call returns FALSE with WAIT_IO_COMPLETION;
 * packets win over routines. */
Test(iocp, alertable_ex) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    OVERLAPPED_ENTRY e[4];
    ULONG got = 9;
    WSAOVERLAPPED rov;
    apc_calls = 0;
    queue_routine(c, &rov);
    cr_assert_not(GetQueuedCompletionStatusEx(p, e, 4, &got, 1000, TRUE));
    cr_assert_eq(GetLastError(), WAIT_IO_COMPLETION);
    cr_assert_eq(got, 0);
    cr_assert_eq(apc_calls, 1);
    /* a packet and a routine: the packet first, the routine left queued */
    queue_routine(c, &rov);
    cr_assert(PostQueuedCompletionStatus(p, 1, 2, NULL));
    cr_assert(GetQueuedCompletionStatusEx(p, e, 4, &got, 1000, TRUE));
    cr_assert_eq(got, 1);
    cr_assert_eq(apc_calls, 1);
    /* not alertable: the routine stays queued */
    cr_assert_not(GetQueuedCompletionStatusEx(p, e, 4, &got, 20, FALSE));
    cr_assert_eq(GetLastError(), WAIT_TIMEOUT);
    cr_assert_eq(apc_calls, 1);
    cr_assert_eq(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    cr_assert_eq(apc_calls, 2);
    closesocket(c);
    closesocket(s);
    CloseHandle(p);
}

typedef struct {
    HANDLE port;
    int delay_ms;
} poster_arg;

static void *poster(void *arg) {
    poster_arg *a = arg;
    Sleep((DWORD)a->delay_ms);
    PostQueuedCompletionStatus(a->port, 11, 22, NULL);
    return NULL;
}

/* Waits that block: a packet posted from another thread wakes them. */
Test(iocp, blocked_waits_wake) {
    HANDLE p = new_port();
    poster_arg a = {p, 30};
    for (int mode = 0; mode < 3; mode++) {
        pthread_t t;
        pthread_create(&t, NULL, poster, &a);
        if (mode == 0) {
            DWORD n;
            ULONG_PTR key;
            LPOVERLAPPED o;
            cr_assert(GetQueuedCompletionStatus(p, &n, &key, &o, INFINITE));
            cr_assert_eq(n, 11);
            cr_assert_eq(key, 22);
        } else {
            OVERLAPPED_ENTRY e[2];
            ULONG got;
            cr_assert(GetQueuedCompletionStatusEx(p, e, 2, &got, 5000, mode == 2));
            cr_assert_eq(got, 1);
            cr_assert_eq(e[0].lpCompletionKey, 22);
        }
        pthread_join(t, NULL);
    }
    CloseHandle(p);
}

/* ---- threads ------------------------------------------------------------------------ */

typedef struct {
    HANDLE port;
    BOOL ex, alertable;
    DWORD result, error;
    LPOVERLAPPED ov;
} waiter_arg;

static void *waiter(void *arg) {
    waiter_arg *w = arg;
    if (w->ex) {
        OVERLAPPED_ENTRY e[2];
        ULONG got = 9;
        w->result = GetQueuedCompletionStatusEx(w->port, e, 2, &got, INFINITE, w->alertable);
        w->ov = got ? e[0].lpOverlapped : NULL;
    } else {
        DWORD n;
        ULONG_PTR key;
        w->ov = (LPOVERLAPPED)&n;
        w->result = GetQueuedCompletionStatus(w->port, &n, &key, &w->ov, INFINITE);
    }
    w->error = GetLastError();
    return NULL;
}

/* Closing the port under its waiters: each returns FALSE with
 * ERROR_ABANDONED_WAIT_0 and no packet. */
Test(iocp, close_port_with_waiters) {
    HANDLE p = new_port();
    enum { N = 4 };
    waiter_arg w[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        w[i] = (waiter_arg){.port = p, .ex = i >= 2, .alertable = i == 3};
        pthread_create(&t[i], NULL, waiter, &w[i]);
    }
    Sleep(50);
    cr_assert(CloseHandle(p));
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        cr_assert_not(w[i].result, "waiter %d", i);
        cr_assert_eq(w[i].error, ERROR_ABANDONED_WAIT_0, "waiter %d: %lu", i, (unsigned long)w[i].error);
        cr_assert_null(w[i].ov);
    }
}

/* Several threads in GetQueuedCompletionStatus serve many sockets: every
 * receive completes exactly once, with all the data, and closing the
 * sockets under their last pending receives delivers each abort once. */
enum { PAIRS = 32, ROUNDS = 40, WORKERS = 4, CHUNK = 8 };

typedef struct conn {
    SOCKET c, s;
    WSAOVERLAPPED ov;
    char buf[CHUNK];
    WSABUF b;
    _Atomic int received, completions, aborts, issued, returned;
} conn;

static conn conns[PAIRS];
static _Atomic int stray;
#define STRAY(why) (fprintf(stderr, "stray: %s %lu\n", why, (unsigned long)GetLastError()), atomic_fetch_add(&stray, 1))

static void issue_recv(conn *k) {
    DWORD f = 0;
    memset(&k->ov, 0, sizeof k->ov);
    k->b = (WSABUF){CHUNK, k->buf};
    atomic_fetch_add(&k->issued, 1);
    int r = WSARecv(k->s, &k->b, 1, NULL, &f, &k->ov, NULL);
    if (r != 0 && WSAGetLastError() != WSA_IO_PENDING)
        STRAY("issue");
    atomic_fetch_add(&k->returned, 1);
}

static void *worker(void *arg) {
    HANDLE p = arg;
    for (;;) {
        DWORD n;
        ULONG_PTR key;
        LPOVERLAPPED o;
        BOOL ok = GetQueuedCompletionStatus(p, &n, &key, &o, 10000);
        if (ok && key == (ULONG_PTR)-1)
            return NULL; /* the end */
        if (!o) {
            if (GetLastError() != WAIT_TIMEOUT || ok)
                STRAY("no packet");
            return NULL; /* timed out: the test fails on the counts */
        }
        conn *k = &conns[key];
        if (o != &k->ov) {
            STRAY("ov");
            continue;
        }
        atomic_fetch_add(&k->completions, 1);
        if (!ok) {
            if (GetLastError() == ERROR_CONNECTION_ABORTED)
                atomic_fetch_add(&k->aborts, 1);
            else
                STRAY("failed");
            continue;
        }
        int total = atomic_fetch_add(&k->received, (int)n) + (int)n;
        /* one receive more after the last byte: closesocket aborts it */
        if (n > 0 && total <= ROUNDS * CHUNK)
            issue_recv(k);
    }
}

Test(iocp, threads_and_sockets, .timeout = 60) {
    HANDLE p = new_port();
    atomic_store(&stray, 0);
    for (int i = 0; i < PAIRS; i++) {
        conn *k = &conns[i];
        memset(k, 0, sizeof *k);
        tcp_pair(&k->c, &k->s);
        associate(k->s, p, (ULONG_PTR)i);
    }
    pthread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, p);
    for (int i = 0; i < PAIRS; i++)
        issue_recv(&conns[i]);
    char data[CHUNK];
    memset(data, 'd', sizeof data);
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < PAIRS; i++)
            cr_assert_eq(send(conns[i].c, data, CHUNK, 0), CHUNK);
    /* wait until every byte is in */
    int64_t t0 = now_ms();
    for (int i = 0; i < PAIRS; i++)
        while (atomic_load(&conns[i].received) < ROUNDS * CHUNK && now_ms() - t0 < 20000)
            Sleep(1);
    /* now every socket has one receive pending: close them all */
    for (int i = 0; i < PAIRS; i++) {
        conn *k = &conns[i];
        cr_assert_eq(atomic_load(&k->received), ROUNDS * CHUNK, "pair %d", i);
        /* the last WSARecv has returned: a close before that could beat it
         * to the handle (WSAENOTSOCK, as on Windows) */
        while ((atomic_load(&k->returned) != atomic_load(&k->issued) ||
                atomic_load(&k->issued) != atomic_load(&k->completions) + 1) &&
               now_ms() - t0 < 20000)
            Sleep(1);
    }
    for (int i = 0; i < PAIRS; i++)
        closesocket(conns[i].s);
    t0 = now_ms();
    for (int i = 0; i < PAIRS; i++)
        while (atomic_load(&conns[i].aborts) < 1 && now_ms() - t0 < 5000)
            Sleep(1);
    Sleep(50); /* a doubled completion would show up here */
    for (int i = 0; i < WORKERS; i++)
        cr_assert(PostQueuedCompletionStatus(p, 0, (ULONG_PTR)-1, NULL));
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    cr_assert_eq(atomic_load(&stray), 0);
    for (int i = 0; i < PAIRS; i++) {
        conn *k = &conns[i];
        cr_assert_eq(atomic_load(&k->aborts), 1, "pair %d", i);
        cr_assert_eq(atomic_load(&k->completions), atomic_load(&k->issued), "pair %d", i);
        closesocket(k->c);
    }
    assert_no_packet(p, 0);
    CloseHandle(p);
}

/* A WSARecv racing closesocket from another thread: the close looks for
 * pending operations while the receive, which found no data, is still on
 * its way to the loop (held there by the pend_delay fault). The receive
 * still reports its abort on the port, once. Before the fix its packet was
 * lost (threads_and_sockets failed now and then in CI): the closed handle's
 * slot, which names the port, was gone when the abort was delivered. */
typedef struct racing {
    SOCKET s;
    WSAOVERLAPPED ov;
    char buf[8];
    int r, err;
} racing;

static void *racing_recv(void *arg) {
    racing *x = arg;
    WSABUF b = {sizeof x->buf, x->buf};
    DWORD f = 0;
    x->r = WSARecv(x->s, &b, 1, NULL, &f, &x->ov, NULL);
    x->err = WSAGetLastError();
    return NULL;
}

Test(iocp, recv_racing_close_still_posts_its_abort) {
    WSADATA d;
    cr_assert_eq(WSACleanup(), 0);
    setenv("WS2POSIX_FAULT", "pend_delay", 1); /* read at the first WSAStartup */
    cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &d), 0);
    unsetenv("WS2POSIX_FAULT");
    SOCKET c, s;
    tcp_pair(&c, &s);
    HANDLE p = new_port();
    associate(s, p, 5);
    racing x = {.s = s};
    pthread_t t;
    pthread_create(&t, NULL, racing_recv, &x);
    Sleep(150); /* the receive has tried once and dawdles for 500 ms */
    cr_assert_eq(closesocket(s), 0);
    pthread_join(t, NULL);
    cr_assert_eq(x.r, SOCKET_ERROR);
    cr_assert_eq(x.err, WSA_IO_PENDING);
    expect_failed_packet(p, (LPOVERLAPPED)&x.ov, 5, ERROR_CONNECTION_ABORTED, ST_CONNECTION_ABORTED);
    assert_no_packet(p, 50);
    closesocket(c);
    CloseHandle(p);
}

/* ---- F291: a duplicate made in this process is the same socket -------------- */

/* An AcceptEx on listener l (a duplicate or the original) completes by a
 * packet on port with key. */
static void accept_through(SOCKET l, const struct sockaddr_in *a, HANDLE port, ULONG_PTR want_key, const char *what) {
    LPFN_ACCEPTEX acceptex = ext(l, (GUID)WSAID_ACCEPTEX);
    cr_assert_not_null(acceptex);
    enum { ADDR = sizeof(struct sockaddr_in) + 16 };
    char buf[2 * ADDR];
    SOCKET acc = socket(AF_INET, SOCK_STREAM, 0);
    OVERLAPPED ov = {0};
    DWORD got = 0;
    BOOL r = acceptex(l, acc, buf, 0, ADDR, ADDR, &got, &ov);
    cr_assert(r || WSAGetLastError() == WSA_IO_PENDING, "AcceptEx (%s): %d", what, WSAGetLastError());
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(connect(c, (const struct sockaddr *)a, sizeof *a), 0);
    DWORD n = 9;
    ULONG_PTR key = 0;
    LPOVERLAPPED pov = NULL;
    cr_assert(GetQueuedCompletionStatus(port, &n, &key, &pov, 5000), "%lu", (unsigned long)GetLastError());
    cr_assert_eq(pov, &ov);
    cr_assert_eq(key, want_key);
    cr_assert_eq(n, 0);
    closesocket(c);
    closesocket(acc);
}

/* F291 (Wine's test_completion_port): the original listener associated,
 * AcceptEx issued on its duplicate completes through the original's port
 * with its key; the duplicate cannot take a second port (one association
 * per socket). Operations on the duplicate after the original's
 * closesocket (F128, F284): tests/test_share.c. */
Test(iocp, duplicate_completes_through_original_port) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    HANDLE port = new_port(), other = new_port();
    associate(l, port, 125);
    SOCKET d = duplicate_here(l);
    cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)d, other, 5, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    accept_through(d, &a, port, 125, "on the duplicate");
    accept_through(l, &a, port, 125, "on the original");
    accept_through(d, &a, port, 125, "on the duplicate again");
    assert_no_packet(other, 0);
    /* the record goes with the last of the two handles (no leak: ASan) */
    closesocket(l);
    closesocket(d);
    CloseHandle(port);
    CloseHandle(other);
}

/* The other order: the duplicate made first, then associated: the
 * original's operations complete through that port, and a completion
 * routine is refused on the original as on any associated socket (F114). */
Test(iocp, duplicate_associated_later_shares_the_port) {
    struct sockaddr_in a;
    SOCKET l = listener(&a);
    SOCKET d = duplicate_here(l);
    HANDLE port = new_port();
    associate(d, port, 77);
    accept_through(l, &a, port, 77, "on the original");
    cr_assert_null(CreateIoCompletionPort((HANDLE)(ULONG_PTR)l, port, 1, 0));
    cr_assert_eq(GetLastError(), ERROR_INVALID_PARAMETER);
    closesocket(d);
    closesocket(l);
    CloseHandle(port);
}
