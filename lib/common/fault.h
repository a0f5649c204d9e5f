/*
 * Fault injection for tests: WS2POSIX_FAULT names failures to provoke, comma
 * separated ("loop,nomem"). Read at the first WSAStartup; one load per check.
 * Neutral C only, so every room can use it.
 *
 *   loop           the event loop thread cannot start (WSAENETDOWN)
 *   nomem          the provider's socket object cannot be allocated
 *   nobufs         the system reports no buffer space at socket()
 *   nomem_handle   the handle table cannot grow (WSAENOBUFS)
 *   pend_delay     an overlapped operation that must wait waits 500 ms
 *                  before it goes to the loop thread: a closesocket from
 *                  another thread lands in between (tests/test_iocp.c)
 *   alloc_at=N     the Nth counted allocation after the first WSAStartup
 *                  fails (1-based), the others succeed: a test walks N
 *                  upwards to fail each allocation site in turn
 *   socket_errno=N socket(2) in the base provider fails with errno N
 */
#ifndef WS2POSIX_FAULT_H
#define WS2POSIX_FAULT_H

enum w2p__fault_point {
    W2P_FAULT_LOOP = 1u << 0,   /* the event loop thread cannot start */
    W2P_FAULT_NOMEM = 1u << 1,  /* the provider's socket object cannot be allocated */
    W2P_FAULT_NOBUFS = 1u << 2, /* the system reports no buffer space at socket() */
    W2P_FAULT_NOMEM_HANDLE = 1u << 3, /* the handle table cannot grow */
    W2P_FAULT_PEND_DELAY = 1u << 4, /* a pending overlapped operation dawdles on its way to the loop */
};

extern unsigned common__faults;
/* "socket_errno=N": socket(2) in the base provider fails with errno N, which
 * then goes through the seam's errno table like a real failure. */
extern int common__fault_socket_errno;
/* "alloc_at=N": 0 when off. */
extern int common__fault_alloc_at;
void common__fault_reload(void);
/* 1 when this counted allocation is the one to fail ("alloc_at=N"). */
int common__fault_alloc(void);
#define W2P_FAULT(point) (common__faults & (point))
/* Put in front of an allocation: `p = W2P_FAULT_ALLOC() ? NULL : malloc(n);` */
#define W2P_FAULT_ALLOC() (common__fault_alloc_at != 0 && common__fault_alloc())

#endif
