/*
 * Data: WSPSend, WSPSendTo, WSPRecv, WSPRecvFrom without overlapped I/O.
 * WSABUF arrays go to the seam as they are (same layout as sys_wbuf_t).
 *
 * Overlapped requests (lpOverlapped != NULL) on an overlapped socket go to
 * overlapped.c once their arguments are checked here. On a non-overlapped
 * socket they run synchronously, as Windows does (F47): the call completes
 * before it returns, the byte count and flags come back as for a plain call,
 * and the completion is still delivered through the WSAOVERLAPPED.
 *
 * Fact ids (F...) refer to shared/reference/windows-behaviour.md.
 */
#include "io.h"
#include "overlapped.h"
#include "ws2/apc.h"

#include <sched.h>

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(WSABUF) == sizeof(sys_wbuf_t), "WSABUF and sys_wbuf_t differ");
_Static_assert(offsetof(WSABUF, buf) == offsetof(sys_wbuf_t, buf), "WSABUF and sys_wbuf_t differ");

#define SD_RECEIVE_BIT 1
#define SD_SEND_BIT 2

static int is_stream(const wsp__sock *so) { return so->type == SOCK_STREAM || so->type == SOCK_SEQPACKET; }

/* A copy of the caller's buffer array that can be moved past the bytes
 * already done (a blocking send that goes out in pieces, MSG_WAITALL). */
typedef struct bufs {
    sys_wbuf_t stack[16];
    sys_wbuf_t *base; /* the copy */
    sys_wbuf_t *b;    /* the first buffer not yet done */
    DWORD n;
} bufs;

static int bufs_init(bufs *v, const WSABUF *src, DWORD n) {
    v->base = v->b = n <= 16 ? v->stack : malloc(n * sizeof *v->b);
    if (!v->b)
        return WSAENOBUFS;
    memcpy(v->b, src, n * sizeof *v->b);
    v->n = n;
    return 0;
}

static void bufs_free(bufs *v) {
    if (v->base != v->stack)
        free(v->base);
}

/* Move past `count` bytes; the number of bytes left. */
static size_t bufs_advance(bufs *v, size_t count) {
    while (v->n && count >= v->b->len) {
        count -= v->b->len;
        v->b++, v->n--;
    }
    if (v->n) {
        v->b->buf += count;
        v->b->len -= (uint32_t)count;
    }
    size_t left = 0;
    for (DWORD i = 0; i < v->n; i++)
        left += v->b[i].len;
    return left;
}

static size_t total_len(const WSABUF *b, DWORD n) {
    size_t t = 0;
    for (DWORD i = 0; i < n; i++)
        t += b[i].len;
    return t;
}

/* ---- send ---- */

static int send_data(wsp__sock *so, const WSABUF *b, DWORD n, DWORD flags, const struct sockaddr *to, int tolen,
                     size_t *sent) {
    wsp__timer t = {atomic_load_explicit(&so->sndtimeo, memory_order_relaxed), 0};
    size_t done = 0;
    int err;
    /* The common case: everything goes in one system call. */
    for (;;) {
        err = sys__sendmsg(so->fd, (const sys_wbuf_t *)b, n, (int)flags, to, tolen, NULL, 0, &done);
        if (err != WSAEWOULDBLOCK)
            break;
        if ((err = wsp__would_block(so, WSP__WAIT_WRITE, &t, NULL)) != 0)
            return err;
    }
    if (err)
        return err;
    *sent = done;
    if (!is_stream(so) || atomic_load_explicit(&so->nonblocking, memory_order_relaxed))
        /* A non-blocking stream send may take part of the data here; on
         * Windows it takes all or nothing (F234), which needs the loop
         * thread to hold the rest (issue 5). */
        return 0;
    size_t want = total_len(b, n);
    if (done == want)
        return 0;
    /* A blocking stream send returns when all of it is queued. */
    bufs v;
    if ((err = bufs_init(&v, b, n)) != 0)
        return err;
    size_t left = bufs_advance(&v, done);
    while (left) {
        size_t more = 0;
        err = sys__sendmsg(so->fd, v.b, v.n, (int)flags, NULL, 0, NULL, 0, &more);
        if (err == WSAEWOULDBLOCK) {
            if ((err = wsp__would_block(so, WSP__WAIT_WRITE, &t, NULL)) != 0)
                break;
            continue;
        }
        if (err)
            break;
        *sent += more;
        left = bufs_advance(&v, more);
    }
    bufs_free(&v);
    return err;
}

static int send_common(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                       const struct sockaddr *lpTo, int iTolen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    size_t sent = 0;
    int err = 0;
    if (!lpNumberOfBytesSent && !lpOverlapped)
        err = WSAEFAULT; /* F239 */
    else if (dwBufferCount && !lpBuffers)
        err = WSAEFAULT;
    else if (atomic_load(&so->shut) & SD_SEND_BIT)
        err = WSAESHUTDOWN; /* F226, F231 */
    else {
        if (!lpTo) wsp__multipoint_dest(so, &lpTo, &iTolen); /* WSAJoinLeaf JL_BOTH: the group (multipoint.c) */
        if (is_stream(so)) {
            /* F235: a stream socket's sendto ignores the address. */
            lpTo = NULL, iTolen = 0;
            if (atomic_load(&so->state) == WSP__S_CONNECTING && !wsp__connect_settled(so))
                err = WSAENOTCONN; /* F219 */
        } else if (wsp__bcast_refused(so, lpTo, iTolen)) {
            err = WSAEACCES; /* F238 */
        }
        if (!err && lpOverlapped && (so->flags & WSA_FLAG_OVERLAPPED)) {
            DWORD n = 0;
            err = wsp__ovl_send(so, lpBuffers, dwBufferCount, dwFlags, lpTo, iTolen, lpOverlapped, routine, tid, &n);
            sent = n;
        } else if (!err) {
            err = send_data(so, lpBuffers, dwBufferCount, dwFlags, lpTo, iTolen, &sent);
            if (!err && lpOverlapped) /* F47: done synchronously, still completed */
                wsp__ovl_complete_now(lpOverlapped, routine, tid, 0, (DWORD)sent, 0);
        }
        /* WSAEventSelect: a send that would block re-enables FD_WRITE (F143). */
        if (err == WSAEWOULDBLOCK)
            wsp__evsel_reenable(so, FD_WRITE);
        /* F239: a datagram sent from an unbound socket binds it. */
        if ((!err || err == WSA_IO_PENDING) && !is_stream(so))
            atomic_compare_exchange_strong(&so->state, &(int){WSP__S_NEW}, WSP__S_BOUND);
    }
    if (!err && lpNumberOfBytesSent)
        *lpNumberOfBytesSent = (DWORD)sent;
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

int WSPAPI wsp__WSPSend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                        DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                        LPINT lpErrno) {
    return send_common(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, NULL, 0, lpOverlapped,
                       lpCompletionRoutine, lpThreadId, lpErrno);
}

int WSPAPI wsp__WSPSendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                          DWORD dwFlags, const struct sockaddr *lpTo, int iTolen, LPWSAOVERLAPPED lpOverlapped,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                          LPINT lpErrno) {
    return send_common(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpTo, iTolen, lpOverlapped,
                       lpCompletionRoutine, lpThreadId, lpErrno);
}

/* ---- receive ---- */

#define POLL_FIRST_RUN 16

/*
 * Kernel-blocking receive. A blocking receive that waits with poll(2) costs
 * a second system call and poll's heavier sleep and wake-up: a 64-byte
 * ping-pong ran at 0.8 of plain blocking recv(2) that way. So a connected
 * stream socket whose blocking receive had to wait gets its descriptor put
 * in blocking mode, and its later blocking receives block in recvmsg(2)
 * itself, when nothing else needs the wait to be a poll:
 *  - closesocket from another thread still wakes it: WSPCloseSocket shuts
 *    the descriptor down when another thread is inside a call (F214), or,
 *    for a socket duplicated while we wait here, when one is counted
 *    `deaf` (wsp.h);
 *  - no completion routine can be queued to the thread while it blocks: it
 *    has none queued and no WSATHREADID open (ws2__apc_quiet), and only the
 *    thread itself opens one (so the wait need not be alertable, F105);
 *  - no SO_RCVTIMEO (the poll keeps that deadline), no Winsock 1.1 hook;
 *  - no other user that must not block: the seam's sends and receives are
 *    MSG_DONTWAIT unless asked (SYS_MSG_BLOCK), and before the loop thread,
 *    event selection, a file transfer or a duplicate in another process
 *    uses the descriptor, wsp__kblock_never makes it O_NONBLOCK for good.
 */
static int kblock_eligible(wsp__sock *so, int flags, const wsp__timer *t) {
    if (!wsp__own_dispatcher || t->timeout_ms || (flags & ~MSG_PEEK) ||
        atomic_load_explicit(&so->kblock, memory_order_relaxed) < 0 ||
        atomic_load_explicit(&so->state, memory_order_relaxed) != WSP__S_CONNECTED)
        return 0;
    LPBLOCKINGCALLBACK hook = NULL;
    DWORD_PTR ctx = 0;
    int ignored;
    if (wsp__upcalls.lpWPUQueryBlockingCallback &&
        (wsp__upcalls.lpWPUQueryBlockingCallback(so->info.dwCatalogEntryId, &hook, &ctx, &ignored) != 0 || hook))
        return 0;
    return ws2__apc_quiet();
}

/* Put the descriptor in blocking mode; TRUE when it is. */
static int kblock_on(wsp__sock *so) {
    int st = WSP__KB_OFF;
    if (!atomic_compare_exchange_strong(&so->kblock, &st, WSP__KB_SWITCHING))
        return st == WSP__KB_ON;
    int ok = sys__ioctl_fionbio(so->fd, 0) == 0;
    atomic_store(&so->kblock, ok ? WSP__KB_ON : WSP__KB_NEVER);
    return ok;
}

void wsp__kblock_never(wsp__sock *so) {
    for (;;) {
        int st = atomic_load(&so->kblock);
        if (st == WSP__KB_NEVER)
            return;
        if (st == WSP__KB_SWITCHING) {
            sched_yield(); /* one fcntl(2) away */
            continue;
        }
        if (atomic_compare_exchange_weak(&so->kblock, &st, WSP__KB_NEVER)) {
            if (st == WSP__KB_ON)
                sys__ioctl_fionbio(so->fd, 1);
            return;
        }
    }
}

static int recv_data(wsp__sock *so, const WSABUF *b, DWORD n, int flags, struct sockaddr *from, LPINT fromlen,
                     size_t *received, int *flags_out) {
    wsp__timer t = {atomic_load_explicit(&so->rcvtimeo, memory_order_relaxed), 0};
    int waitall = flags & MSG_WAITALL;
    int what = flags & MSG_OOB ? WSP__WAIT_OOB : WSP__WAIT_READ;
    flags &= ~MSG_WAITALL; /* done here: the kernel's would stop at what is there */
    size_t got = 0;
    int err;
    /* Adaptive: a blocking stream receive that had to wait is likely
     * followed by another (ping-pong), which then waits first and saves the
     * try that says EAGAIN (poll, recv: 2 system calls instead of 3). Every
     * POLL_FIRST_RUN receives it tries first again, and stays trying first
     * while the data is there already. The wait is the same wsp__wait as
     * after a failed try (close, SO_RCVTIMEO, hooks, APCs alike). */
    int adaptive = what == WSP__WAIT_READ && is_stream(so) &&
                   !atomic_load_explicit(&so->nonblocking, memory_order_relaxed);
    int kb = adaptive && kblock_eligible(so, flags, &t);
    if (adaptive && !(kb && atomic_load_explicit(&so->kblock, memory_order_relaxed) == WSP__KB_ON)) {
        int left = atomic_load_explicit(&so->recv_poll_first, memory_order_relaxed);
        if (left > 0) {
            atomic_store_explicit(&so->recv_poll_first, left - 1, memory_order_relaxed);
            if ((err = wsp__wait(so, what, &t, NULL)) != 0)
                return err;
        }
    }
    for (;;) {
        short ready = 0;
        int block = kb && atomic_load_explicit(&so->kblock, memory_order_relaxed) == WSP__KB_ON ? SYS_MSG_BLOCK : 0;
        if (block) {
            /* Only shutdown(2) reaches a wait in the kernel: tell a close
             * (see `deaf`), then look at `closing` (seq_cst both). */
            atomic_fetch_add(&so->deaf, 1);
            if (wsp__closing(so)) {
                atomic_fetch_sub(&so->deaf, 1);
                return WSAEINTR;
            }
            int was_blocking = wsp__blocking;
            wsp__blocking = 1;
            err = sys__recvmsg(so->fd, (const sys_wbuf_t *)b, n, flags | block, from, fromlen, NULL, NULL, &got,
                               flags_out);
            wsp__blocking = was_blocking;
            atomic_fetch_sub(&so->deaf, 1);
            if (err == WSAEWOULDBLOCK) /* O_NONBLOCK after all (another process?): poll from now on */
                wsp__kblock_never(so), kb = 0;
        } else {
            err = sys__recvmsg(so->fd, (const sys_wbuf_t *)b, n, flags, from, fromlen, NULL, NULL, &got, flags_out);
        }
        /* recv(MSG_OOB) with no urgent byte waiting: Linux says EINVAL at
         * once; Windows waits for one (or says WSAEWOULDBLOCK), except with
         * SO_OOBINLINE on, where it is WSAEINVAL (F163). */
        if (err == WSAEINVAL && what == WSP__WAIT_OOB && !wsp__oobinline(so))
            err = WSAEWOULDBLOCK;
        if (err != WSAEWOULDBLOCK)
            break;
        if (kb && !block && kblock_on(so))
            continue; /* and wait in the kernel */
        if (adaptive)
            atomic_store_explicit(&so->recv_poll_first, POLL_FIRST_RUN, memory_order_relaxed);
        if ((err = wsp__would_block(so, what, &t, &ready)) != 0)
            return err;
        if (what == WSP__WAIT_OOB && !(ready & POLLPRI)) {
            /* woken by an error or hang-up, no urgent byte will come */
            *received = 0;
            return 0;
        }
    }
    /* Closed (and shut down) between our entry and the system call: the
     * end of data is the shutdown's, not the peer's. */
    if (atomic_load(&so->closing) && (err ? err != WSAEMSGSIZE : got == 0))
        return WSAEINTR;
    if (err && err != WSAEMSGSIZE)
        return err;
    *received = got;
    if (err || !waitall || got == 0)
        return err;
    size_t want = total_len(b, n);
    if (got == want)
        return 0;
    /* MSG_WAITALL on a blocking stream socket: until the buffers are full,
     * the connection closes (what came is returned) or an error. */
    bufs v;
    if ((err = bufs_init(&v, b, n)) != 0)
        return err;
    size_t left = bufs_advance(&v, got);
    while (left) {
        size_t more = 0;
        err = sys__recvmsg(so->fd, v.b, v.n, flags, NULL, NULL, NULL, NULL, &more, NULL);
        if (err == WSAEWOULDBLOCK) {
            if ((err = wsp__would_block(so, WSP__WAIT_READ, &t, NULL)) != 0)
                break;
            continue;
        }
        if (err || more == 0)
            break;
        *received += more;
        left = bufs_advance(&v, more);
    }
    bufs_free(&v);
    return err;
}

static int recv_common(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                       LPDWORD lpFlags, struct sockaddr *lpFrom, LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    size_t got = 0;
    int err = 0, out = 0;
    int stream = is_stream(so);
    /* F98: the non-blocking mode does not matter to overlapped calls. */
    BOOL ovl = lpOverlapped && (so->flags & WSA_FLAG_OVERLAPPED);
    if (stream)
        lpFrom = NULL, lpFromlen = NULL; /* F235: left untouched */
    if (!dwBufferCount)
        err = WSAEINVAL; /* F107 */
    else if (!lpBuffers || !lpFlags || (!lpNumberOfBytesRecvd && !lpOverlapped))
        err = WSAEFAULT;
    else if (lpFrom && (!lpFromlen || *lpFromlen < (so->af == AF_INET6 ? (int)sizeof(SOCKADDR_IN6)
                                                    : so->af == AF_INET ? (int)sizeof(SOCKADDR_IN)
                                                                        : (int)sizeof(u_short))))
        err = WSAEFAULT; /* F236: checked before a datagram is taken */
    else if (atomic_load(&so->shut) & SD_RECEIVE_BIT)
        err = WSAESHUTDOWN; /* F227, F231 */
    else {
        int flags = (int)*lpFlags;
        int st = atomic_load(&so->state);
        if ((flags & MSG_WAITALL) &&
            ((flags & (MSG_OOB | MSG_PEEK | MSG_PARTIAL)) || !stream || (!ovl && atomic_load(&so->nonblocking))))
            /* WSARecv reference page: not with OOB/PEEK/PARTIAL, not on
             * message sockets, not in non-blocking mode. */
            err = WSAEOPNOTSUPP;
        else if (stream && st == WSP__S_CONNECTING && !wsp__connect_settled(so))
            err = WSAENOTCONN; /* F219 */
        else if (stream && st == WSP__S_LISTENING)
            err = WSAENOTCONN;
        else if (!stream && st == WSP__S_NEW)
            err = WSAEINVAL; /* F222: an unbound datagram socket would wait forever */
        else if (ovl) {
            DWORD n = 0, fl = *lpFlags;
            err = wsp__ovl_recv(so, lpBuffers, dwBufferCount, &fl, lpFrom, lpFromlen, NULL, lpOverlapped, routine,
                                tid, &n);
            got = n;
            out = (int)fl;
        } else {
            err = recv_data(so, lpBuffers, dwBufferCount, flags, lpFrom, lpFromlen, &got, &out);
            /* WSAEventSelect: a recv re-enables FD_READ (F144; a failing one
             * does not), recv(MSG_OOB) FD_OOB (F147). */
            if (!err || err == WSAEMSGSIZE || err == WSAEWOULDBLOCK)
                wsp__evsel_reenable(so, flags & MSG_OOB ? FD_OOB : FD_READ);
        }
    }
    if (!err || err == WSAEMSGSIZE) {
        /* A truncated datagram: the part that fit is stored and counted,
         * the call fails with WSAEMSGSIZE (F242) and, as the WSARecv page
         * says for message sockets, MSG_PARTIAL is set in *lpFlags. */
        if (lpNumberOfBytesRecvd)
            *lpNumberOfBytesRecvd = (DWORD)got;
        *lpFlags = (DWORD)((out & MSG_OOB) | (err == WSAEMSGSIZE ? MSG_PARTIAL : 0));
        if (lpOverlapped && !ovl) /* F47: done synchronously, still completed */
            wsp__ovl_complete_now(lpOverlapped, routine, tid, err, (DWORD)got, *lpFlags);
    }
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

int WSPAPI wsp__WSPRecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                        LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                        LPINT lpErrno) {
    return recv_common(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, NULL, NULL, lpOverlapped,
                       lpCompletionRoutine, lpThreadId, lpErrno);
}

int WSPAPI wsp__WSPRecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                            LPDWORD lpFlags, struct sockaddr *lpFrom, LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine, LPWSATHREADID lpThreadId,
                            LPINT lpErrno) {
    return recv_common(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpFrom, lpFromlen, lpOverlapped,
                       lpCompletionRoutine, lpThreadId, lpErrno);
}
