/*
 * The base provider's connection and data paths: bind/listen/accept/connect,
 * shutdown and names (connect.c), send/recv (io.c), and the wait a blocking
 * call does when the system call would block (wait.c).
 */
#ifndef WS2POSIX_PROVIDER_IO_H
#define WS2POSIX_PROVIDER_IO_H

#include "wsp.h"
#include <ws2ipdef.h>

/* The socket behind s for a WSP call: NULL with WSAEINPROGRESS inside a
 * Winsock 1.1 blocking hook, or with the upcall's WSAENOTSOCK. */
static inline wsp__sock *wsp__enter(SOCKET s, LPINT lpErrno) {
    if (wsp__blocking) {
        *lpErrno = WSAEINPROGRESS;
        return NULL;
    }
    return wsp__sock_get(s, lpErrno);
}

/* Has another thread closed the socket? For a call about to wait: it has
 * taken its reference, then looks; WSPCloseSocket sets `closing`, then
 * looks at the references (and wakes waiters it sees): one of the two sees
 * the other. */
static inline int wsp__closing(wsp__sock *so) {
    atomic_thread_fence(memory_order_seq_cst);
    return atomic_load(&so->closing);
}

/* 0, or SOCKET_ERROR with *lpErrno = err. */
static inline int wsp__done(int err, LPINT lpErrno) {
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}

/* ---- wait.c ---- */

/* What a blocking call waits for. */
enum { WSP__WAIT_READ, WSP__WAIT_WRITE, WSP__WAIT_OOB };

/* A blocking call's time budget: timeout_ms (0 = forever) counted from the
 * first wait of the call. */
typedef struct wsp__timer {
    DWORD timeout_ms;
    int64_t deadline_ms; /* 0 until the first wait */
} wsp__timer;

/* The system call on so would block. Non-blocking socket: WSAEWOULDBLOCK.
 * Blocking: wait until the descriptor is ready (or the time runs out, or the
 * socket is closed by another thread, or the Winsock 1.1 blocking hook
 * cancels) and return 0 to retry, else WSAETIMEDOUT / WSAEINTR / the wait's
 * own error. *ready_bits, when not NULL, gets the WSAPoll bits seen. */
int wsp__would_block(wsp__sock *so, int what, wsp__timer *t, short *ready_bits);
/* The same, ignoring the socket's non-blocking mode (connect completion). */
int wsp__wait(wsp__sock *so, int what, wsp__timer *t, short *ready_bits);

/* ---- connect.c ---- */
int WSPAPI wsp__WSPBind(SOCKET s, const struct sockaddr *name, int namelen, LPINT lpErrno);
int WSPAPI wsp__WSPListen(SOCKET s, int backlog, LPINT lpErrno);
SOCKET WSPAPI wsp__WSPAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen, LPCONDITIONPROC lpfnCondition,
                             DWORD_PTR dwCallbackData, LPINT lpErrno);
int WSPAPI wsp__WSPConnect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF lpCallerData,
                           LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS, LPINT lpErrno);
int WSPAPI wsp__WSPShutdown(SOCKET s, int how, LPINT lpErrno);
int WSPAPI wsp__WSPSendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData, LPINT lpErrno);
int WSPAPI wsp__WSPRecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData, LPINT lpErrno);
int WSPAPI wsp__WSPGetSockName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT lpErrno);
int WSPAPI wsp__WSPGetPeerName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT lpErrno);
/* A connection WSAAccept deferred (CF_DEFER) and still held for the next
 * accept: closed when the listener goes. */
void wsp__accept_forget(wsp__sock *so);
/* A stream socket whose non-blocking connect was in progress: 1 once the
 * connection is made (the state becomes CONNECTED), 0 while it is not. */
int wsp__connect_settled(wsp__sock *so);

/* ---- io.c ---- */
int WSPAPI wsp__WSPSend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                        DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                        LPINT lpErrno);
int WSPAPI wsp__WSPSendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                          DWORD dwFlags, const struct sockaddr *lpTo, int iTolen, LPWSAOVERLAPPED lpOverlapped,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                          LPINT lpErrno);
int WSPAPI wsp__WSPRecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                        LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                        LPINT lpErrno);
int WSPAPI wsp__WSPRecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                            LPDWORD lpFlags, struct sockaddr *lpFrom, LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                            LPINT lpErrno);

#endif
