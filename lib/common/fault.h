/*
 * Fault injection for tests: WS2POSIX_FAULT names failures to provoke, comma
 * separated ("loop,nomem"). Read at WSAStartup; one load per check. Neutral
 * C only, so every room can use it.
 */
#ifndef WS2POSIX_FAULT_H
#define WS2POSIX_FAULT_H

enum w2p__fault_point {
    W2P_FAULT_LOOP = 1u << 0,   /* the event loop thread cannot start */
    W2P_FAULT_NOMEM = 1u << 1,  /* the provider's socket object cannot be allocated */
    W2P_FAULT_NOBUFS = 1u << 2, /* the system reports no buffer space at socket() */
};

extern unsigned common__faults;
/* "socket_errno=N": socket(2) in the base provider fails with errno N, which
 * then goes through the seam's errno table like a real failure. */
extern int common__fault_socket_errno;
void common__fault_reload(void);
#define W2P_FAULT(point) (common__faults & (point))

#endif
