/*
 * Overlapped operations: the try-at-once, the per-socket FIFO queues the
 * loop thread finishes, the completion (WSAOVERLAPPED, event, completion
 * routine) and WSPGetOverlappedResult. See overlapped.h for the protocol.
 *
 * Threads. An operation is tried once on the caller's thread when nothing
 * is queued before it in its direction; otherwise (or when it would block)
 * it is handed to the loop thread with wsp__loop_post and lives there: the
 * queues (so->ovl) and the wants (so->ovl_want) are touched on the loop
 * thread only. A queued operation holds a reference on its socket, so the
 * socket outlives it; closesocket (wsp__ovl_abort) completes whatever is
 * still queued, each exactly once, with the code Windows gives: the close
 * of the last handle onto the socket, when it was duplicated in this
 * process (`aborting`, F128, F284; share.c).
 *
 * Fact ids (F...) refer to shared/reference/windows-behaviour.md.
 */
#include "overlapped.h"
#include "io.h"
#include "common/fault.h"
#include "ws2/handles.h"
#include "ws2/iocp.h"

#include <windows.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* NTSTATUS values kept in Internal (those Windows reports for these
 * outcomes, F97, F120, F124, F127, F130). */
#define ST_SUCCESS 0x00000000u
#define ST_PENDING 0x00000103u /* WSS_OPERATION_IN_PROGRESS */
#define ST_BUFFER_OVERFLOW 0x80000005u
#define ST_ACCESS_VIOLATION 0xC0000005u
#define ST_INSUFFICIENT_RESOURCES 0xC000009Au
#define ST_IO_TIMEOUT 0xC00000B5u
#define ST_NOT_SUPPORTED 0xC00000BBu
#define ST_CANCELLED 0xC0000120u
#define ST_CONNECTION_RESET 0xC000020Du
#define ST_CONNECTION_REFUSED 0xC0000236u
#define ST_NETWORK_UNREACHABLE 0xC000023Cu
#define ST_HOST_UNREACHABLE 0xC000023Du
#define ST_CONNECTION_ABORTED 0xC0000241u
/* Any other WSA code: a customer-defined error status carrying it. */
#define ST_WSA_BASE 0xE0570000u

static const struct {
    int wsa;
    uint32_t status;
} status_map[] = {
    {WSAEMSGSIZE, ST_BUFFER_OVERFLOW},
    {WSAEFAULT, ST_ACCESS_VIOLATION},
    {WSAENOBUFS, ST_INSUFFICIENT_RESOURCES},
    {WSAETIMEDOUT, ST_IO_TIMEOUT},
    {WSAEOPNOTSUPP, ST_NOT_SUPPORTED},
    {WSA_OPERATION_ABORTED, ST_CANCELLED},
    {WSAECONNRESET, ST_CONNECTION_RESET},
    {WSAECONNREFUSED, ST_CONNECTION_REFUSED},
    {WSAENETUNREACH, ST_NETWORK_UNREACHABLE},
    {WSAEHOSTUNREACH, ST_HOST_UNREACHABLE},
    {WSAECONNABORTED, ST_CONNECTION_ABORTED},
};

ULONG_PTR wsp__ovl_status(int wsa_error) {
    if (!wsa_error)
        return ST_SUCCESS;
    for (size_t i = 0; i < sizeof status_map / sizeof status_map[0]; i++)
        if (status_map[i].wsa == wsa_error)
            return status_map[i].status;
    return ST_WSA_BASE | ((uint32_t)wsa_error & 0xffff);
}

int wsp__ovl_error(ULONG_PTR status) {
    uint32_t st = (uint32_t)status;
    if (st == ST_PENDING)
        return WSA_IO_INCOMPLETE;
    if ((st & 0xffff0000u) == ST_WSA_BASE)
        return (int)(st & 0xffff);
    for (size_t i = 0; i < sizeof status_map / sizeof status_map[0]; i++)
        if (status_map[i].status == st)
            return status_map[i].wsa;
    return (st & 0xC0000000u) == 0xC0000000u ? WSAEINVAL : 0; /* F120: other failures */
}

static inline void set_internal(LPWSAOVERLAPPED ov, ULONG_PTR v) {
    __atomic_store_n(&ov->Internal, v, __ATOMIC_SEQ_CST);
}
static inline ULONG_PTR get_internal(LPWSAOVERLAPPED ov) { return __atomic_load_n(&ov->Internal, __ATOMIC_SEQ_CST); }

/* ---- completion ------------------------------------------------------------ */

/* WSPGetOverlappedResult(fWait) on a structure without an event waits here
 * (Windows waits on the socket handle, F99): every completion wakes it. */
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static _Atomic int done_waiters;

static void wake_waiters(void) {
    if (atomic_load(&done_waiters)) {
        pthread_mutex_lock(&done_lock);
        pthread_cond_broadcast(&done_cond);
        pthread_mutex_unlock(&done_lock);
    }
}

typedef struct apc_ctx {
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    LPWSAOVERLAPPED ov;
    DWORD err, bytes, flags;
} apc_ctx;

static void CALLBACK run_routine(DWORD_PTR context) {
    apc_ctx a = *(apc_ctx *)context;
    free((void *)context);
    a.routine(a.err, a.bytes, a.ov, a.flags);
}

/* Write the result into ov, then tell the caller: the completion routine
 * queued to the issuing thread (the event is then not signalled, F113), or
 * the event and, when s is bound to a completion port, a packet there
 * (F101, F134: not when hEvent's low bit is set). s is the handle the
 * operation was issued on (INVALID_SOCKET: no packet). Nothing of ov is
 * read after Internal is written. */
static void deliver(SOCKET s, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid,
                    int err, DWORD bytes, DWORD flags) {
    HANDLE event = ov->hEvent;
    BOOL packet = !routine && !((uintptr_t)event & 1) && s != INVALID_SOCKET && wsp__own_dispatcher;
    ULONG_PTR status = wsp__ovl_status(err);
    apc_ctx *a = NULL;
    if (routine && tid) {
        a = malloc(sizeof *a);
        if (a) /* F116: the routine's dwFlags is 0, a truncated datagram's too */
            *a = (apc_ctx){routine, ov, (DWORD)err, bytes, 0};
    }
    ov->Offset = flags;
    ov->InternalHigh = bytes;
    set_internal(ov, status);
    int ignored;
    if (a) {
        if (wsp__upcalls.lpWPUQueueApc(tid, run_routine, (DWORD_PTR)a, &ignored) != 0)
            free(a); /* the thread has gone: Windows drops its APCs too */
    } else if (!routine && event) {
        /* The low bit asks for no completion-port packet; the event is the
         * handle without it. */
        wsp__upcalls.lpWPUSetEvent((WSAEVENT)((uintptr_t)event & ~(uintptr_t)1), &ignored);
    }
    if (packet)
        ws2__iocp_post(s, ov, status, bytes); /* the handle's port, as Windows keeps it on the file */
    wake_waiters();
}

void wsp__ovl_mark_pending(LPWSAOVERLAPPED ov) { set_internal(ov, ST_PENDING); }

int wsp__ovl_wait(LPWSAOVERLAPPED ov) {
    pthread_mutex_lock(&done_lock);
    atomic_fetch_add(&done_waiters, 1);
    while (get_internal(ov) == ST_PENDING)
        pthread_cond_wait(&done_cond, &done_lock);
    atomic_fetch_sub(&done_waiters, 1);
    pthread_mutex_unlock(&done_lock);
    return wsp__ovl_error(get_internal(ov));
}

HANDLE wsp__ovl_complete_request(LPWSAOVERLAPPED ov, int err, DWORD bytes) {
    HANDLE event = (HANDLE)((uintptr_t)ov->hEvent & ~(uintptr_t)1);
    ov->InternalHigh = bytes;
    set_internal(ov, wsp__ovl_status(err));
    wake_waiters();
    return event;
}

void wsp__ovl_complete_now(LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid,
                           int err, DWORD bytes, DWORD flags) {
    deliver(INVALID_SOCKET, ov, routine, tid, err, bytes, flags);
}

void wsp__ovl_complete_on(SOCKET s, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID tid, int err, DWORD bytes, DWORD flags) {
    deliver(s, ov, routine, tid, err, bytes, flags);
}

/* ---- operations ------------------------------------------------------------ */

enum { DIR_READ, DIR_WRITE };
enum { OP_SEND, OP_RECV, OP_ACCEPT, OP_CONNECT, OP_TRANSMIT };
/* attempt(): the accept is done, the first data must still come. */
#define RETARGET (-1)

typedef struct op {
    struct op *next; /* in its queue, or in the socket's inbox */
    wsp__sock *so;   /* the socket whose queue holds it (a reference) */
    SOCKET handle; /* the handle it was issued on: its completion port gets the packet */
    int kind, dir;
    BOOL acceptex; /* aborted with WSA_OPERATION_ABORTED (F127) */
    LPWSAOVERLAPPED ov;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    WSATHREADID tid;
    LPWSATHREADID tidp; /* &tid, or NULL: no routine */
    BOOL tid_owned;     /* tid holds its own reference (WPUCloseThread at the end) */
    BOOL slot_held;     /* holds the handle's slot (its port) until delivered: see issue */
    /* data: a copy of the caller's WSABUF array, moved past what is done */
    sys_wbuf_t small[4];
    sys_wbuf_t *base, *b;
    DWORD n;
    size_t done;
    int flags, waitall, out_flags;
    int addrlen;
    char addr[SYS_W_SOCKADDR_MAX]; /* sendto destination, ConnectEx peer */
    struct sockaddr *from;
    LPINT fromlen;
    LPWSAMSG msg;
    void *control; /* WSASendMsg: a copy of the control data */
    size_t ctl_len;
    wsp__xmit *xmit; /* TransmitFile / TransmitPackets (transmit.c) */
    /* AcceptEx */
    wsp__sock *acceptor; /* a reference */
    char *out;
    DWORD recvlen, locallen, remotelen;
} op;

typedef struct wsp__ovl_state {
    op *head[2], *tail[2];
} ovl_state;

static int is_stream(const wsp__sock *so) { return so->type == SOCK_STREAM || so->type == SOCK_SEQPACKET; }

static op *op_new(wsp__sock *so, int kind, int dir, LPWSAOVERLAPPED ov,
                  LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid, const WSABUF *b, DWORD n) {
    op *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->so = so;
    o->handle = so->handle;
    o->kind = kind, o->dir = dir;
    o->ov = ov;
    if (routine && tid) {
        o->routine = routine;
        o->tid = *tid;
        o->tidp = &o->tid;
    }
    o->base = o->b = n <= 4 ? o->small : malloc(n * sizeof *o->b);
    if (!o->b) {
        free(o);
        return NULL;
    }
    if (n)
        memcpy(o->b, b, n * sizeof *o->b);
    o->n = n;
    return o;
}

static void op_free(op *o) {
    if (o->slot_held)
        ws2__handle_put(o->handle);
    if (o->tid_owned) {
        int ignored;
        wsp__upcalls.lpWPUCloseThread(&o->tid, &ignored);
    }
    if (o->base != o->small)
        free(o->base);
    free(o->control);
    wsp__xmit_free(o->xmit);
    free(o);
}

static size_t advance(op *o, size_t count) {
    while (o->n && count >= o->b->len) {
        count -= o->b->len;
        o->b++, o->n--;
    }
    if (o->n) {
        o->b->buf += count;
        o->b->len -= (uint32_t)count;
    }
    size_t left = 0;
    for (DWORD i = 0; i < o->n; i++)
        left += o->b[i].len;
    return left;
}

static size_t left_of(const op *o) {
    size_t left = 0;
    for (DWORD i = 0; i < o->n; i++)
        left += o->b[i].len;
    return left;
}

static int attempt_send(op *o) {
    wsp__sock *so = o->so;
    for (;;) {
        size_t sent = 0;
        int err = sys__sendmsg(so->fd, o->b, o->n, o->flags, o->addrlen ? o->addr : NULL, o->addrlen, o->control,
                               o->ctl_len, &sent);
        if (err)
            return err;
        o->done += sent;
        /* F234: a stream send completes with all of its bytes. */
        if (!is_stream(so) || advance(o, sent) == 0)
            return 0;
    }
}

static int attempt_recv(op *o) {
    wsp__sock *so = o->so;
    if (is_stream(so) && left_of(o) == 0 && !o->msg) {
        /* F108: a zero-length receive completes, with 0 bytes and without
         * taking any, once data (or the end) is there. */
        sys_pollfd_t p = {.fd = so->fd, .w_events = POLLRDNORM};
        int ready = 0;
        sys__poll(&p, 1, 0, &ready);
        return ready ? 0 : WSAEWOULDBLOCK;
    }
    for (;;) {
        size_t got = 0;
        int fo = 0;
        size_t ctl = 0;
        void *control = NULL;
        if (o->msg && o->msg->Control.buf && o->msg->Control.len) {
            control = o->msg->Control.buf;
            ctl = o->msg->Control.len;
        }
        int err = sys__recvmsg(so->fd, o->b, o->n, o->flags & ~MSG_WAITALL, o->from, o->fromlen, control,
                               control ? &ctl : NULL, &got, &fo);
        if (err == WSAEINVAL && (o->flags & MSG_OOB) && !wsp__oobinline(so))
            err = WSAEWOULDBLOCK; /* no urgent byte yet (F163) */
        if (err && err != WSAEMSGSIZE)
            return err;
        o->done += got;
        o->out_flags = (fo & MSG_OOB) | (err == WSAEMSGSIZE ? MSG_PARTIAL : 0);
        if (o->msg) {
            o->msg->Control.len = control ? (ULONG)ctl : 0;
            o->msg->dwFlags = (DWORD)fo;
        }
        if (err)
            return err;
        if (!o->waitall || got == 0 || advance(o, got) == 0)
            return 0;
    }
}

/* Write one address area of AcceptEx's buffer: its length, then the
 * address (Windows' layout, which GetAcceptExSockaddrs reads back). */
static void put_addr(char *area, DWORD size, const char *addr, int len) {
    if (size < sizeof(int) + (DWORD)len)
        return;
    memcpy(area, &len, sizeof len);
    memcpy(area + sizeof len, addr, (size_t)len);
}

static int attempt_accept(op *o) {
    char peer[SYS_W_SOCKADDR_MAX], local[SYS_W_SOCKADDR_MAX];
    int peerlen = sizeof peer, locallen = sizeof local, fd;
    if (atomic_load(&o->acceptor->aborting))
        return WSA_OPERATION_ABORTED; /* F127: the accept socket was closed */
    int err = sys__accept(o->so->fd, peer, &peerlen, &fd);
    if (err)
        return err;
    wsp__sock *a = o->acceptor;
    if ((err = wsp__sock_adopt(a, fd)) != 0)
        return err;
    atomic_store(&a->state, WSP__S_CONNECTED);
    wsp__evsel_reenable(a, WSP__EVSEL_STATE); /* an event selection follows the state */
    if (sys__getsockname(a->fd, local, &locallen) != 0)
        locallen = 0;
    if (o->locallen && locallen)
        put_addr(o->out + o->recvlen, o->locallen, local, locallen);
    put_addr(o->out + o->recvlen + o->locallen, o->remotelen, peer, peerlen);
    return o->recvlen ? RETARGET : 0;
}

static int attempt_connect(op *o) {
    wsp__sock *so = o->so;
    if (o->kind == OP_CONNECT) {
        int err = sys__connect(so->fd, o->addr, o->addrlen);
        if (err == WSAEALREADY || err == WSAEWOULDBLOCK)
            return WSAEWOULDBLOCK;
        if (err && err != WSAEISCONN) {
            atomic_store(&so->state, WSP__S_BOUND);
            atomic_store(&so->error, err);
            return err;
        }
        atomic_store(&so->state, WSP__S_CONNECTED);
        o->kind = OP_SEND;
        o->addrlen = 0;
        if (left_of(o) == 0)
            return 0;
    }
    return attempt_send(o);
}

static int attempt(op *o) {
    switch (o->kind) {
    case OP_SEND:
        return attempt_send(o);
    case OP_RECV:
        return attempt_recv(o);
    case OP_ACCEPT:
        return attempt_accept(o);
    case OP_TRANSMIT:
        return wsp__xmit_step(o->so, o->xmit, &o->done);
    default:
        return attempt_connect(o);
    }
}

/* The AcceptEx has its connection; the rest is a receive on the accepted
 * socket, into the start of the caller's buffer. */
static void retarget(op *o) {
    wsp__sock *l = o->so;
    o->so = o->acceptor;
    o->acceptor = NULL;
    o->kind = OP_RECV;
    o->dir = DIR_READ;
    o->small[0] = (sys_wbuf_t){o->recvlen, o->out};
    o->b = o->small;
    o->n = 1;
    /* the listener's reference goes with the caller (immediate) or the
     * loop (queued), which holds one of its own meanwhile */
    (void)l;
}

static int abort_code(const op *o) {
    /* Windows 8 and later: a pending send or receive cut by closesocket
     * ends with STATUS_CONNECTION_ABORTED (WSAECONNABORTED, F124); the SPI
     * reference pages still say WSA_OPERATION_ABORTED, which Windows gives
     * for a pending AcceptEx (F127). */
    return o->acceptex ? WSA_OPERATION_ABORTED : WSAECONNABORTED;
}

/* ---- the loop side ---------------------------------------------------------- */

static ovl_state *state_of(wsp__sock *so) {
    if (!so->ovl)
        so->ovl = calloc(1, sizeof *so->ovl);
    return so->ovl;
}

static void push(ovl_state *st, op *o) {
    o->next = NULL;
    if (st->tail[o->dir])
        st->tail[o->dir]->next = o;
    else
        st->head[o->dir] = o;
    st->tail[o->dir] = o;
}

static op *pop(ovl_state *st, int dir) {
    op *o = st->head[dir];
    if (o) {
        st->head[dir] = o->next;
        if (!st->head[dir])
            st->tail[dir] = NULL;
    }
    return o;
}

/* Loop thread: the operation leaves its queue with err. */
static void finish(op *o, int err) {
    wsp__sock *so = o->so;
    if (o->acceptor && o->acceptor->ovl_accept_op == o)
        o->acceptor->ovl_accept_op = NULL;
    deliver(o->handle, o->ov, o->routine, o->tidp, err, (DWORD)o->done, (DWORD)o->out_flags);
    atomic_fetch_sub(&so->ovl_queued[o->dir], 1);
    if (o->acceptor)
        wsp__sock_put(o->acceptor);
    op_free(o);
    wsp__sock_put(so); /* may free so: the caller holds its own reference */
}

static void abort_all(wsp__sock *so);

static void drain(wsp__sock *so);

static int is_oob_recv(const op *o) { return o->kind == OP_RECV && (o->flags & MSG_OOB); }

/* Poll for what the queues' first operations wait for. Reads stay polled
 * after the last read operation has completed (ovl_linger), so that the
 * next one, issued with the poll still on (ovl_armed), need not wake this
 * thread: it finds the operation in the inbox when reads come. Reads that
 * come with nothing queued end the lingering. Turning ovl_armed off is
 * followed by a look at the inbox (an issuer pushes, then reads ovl_armed:
 * one of the two sees the other). */
static void update_want(wsp__sock *so) {
    int want;
    for (;;) {
        ovl_state *st = so->ovl;
        want = 0;
        op *r = st ? st->head[DIR_READ] : NULL;
        if (r && is_oob_recv(r))
            want |= WSP__READY_PRI;
        else if (r || (so->ovl_linger && !atomic_load(&so->closing)))
            want |= WSP__READY_READ;
        if (r && !is_oob_recv(r))
            so->ovl_linger = 1;
        if (st && st->head[DIR_WRITE])
            want |= WSP__READY_WRITE;
        if (want & WSP__READY_READ) {
            atomic_store(&so->ovl_armed, 1);
            break;
        }
        if (!atomic_load(&so->ovl_armed))
            break;
        atomic_store(&so->ovl_armed, 0);
        if (!atomic_load(&so->ovl_inbox))
            break;
        drain(so); /* issued while the poll was thought on */
    }
    so->ovl_want = want;
    if (!wsp__ready_update(so) && want) {
        /* The descriptor cannot be watched: fail what waits on it (the
         * caller holds a reference on so); later operations wake the
         * loop, and fail here in turn. */
        ovl_state *st = so->ovl;
        so->ovl_linger = 0;
        atomic_store(&so->ovl_armed, 0);
        for (int d = 0; st && d < 2; d++) {
            op *o;
            while ((o = pop(st, d)) != NULL)
                finish(o, WSAENOBUFS);
        }
        so->ovl_want = 0;
        wsp__ready_update(so);
    }
}

static void enqueue(op *o);

static void run_queue(wsp__sock *so, int dir) {
    ovl_state *st = so->ovl;
    op *o;
    while ((o = st->head[dir]) != NULL) {
        int err = attempt(o);
        if (err == WSAEWOULDBLOCK)
            break;
        pop(st, dir);
        /* TF_REUSE_SOCKET: the socket is renewed before the completion
         * tells the caller it may be reused; o is out of the queue, and
         * whatever was queued behind it ends aborted. */
        if (!err && o->kind == OP_TRANSMIT && wsp__xmit_reuse_due(o->xmit))
            err = wsp__sock_reuse(so);
        /* Closed for good under the attempt: the close's shutdown makes
         * sends fail and receives see an end; either is the close's abort. */
        if (err != RETARGET && atomic_load(&so->aborting) && (err || (o->kind == OP_RECV && o->done == 0)))
            err = abort_code(o);
        if (err == RETARGET) {
            wsp__sock *l = o->so;
            if (o->acceptor->ovl_accept_op == o)
                o->acceptor->ovl_accept_op = NULL; /* now in the accept socket's own queue */
            atomic_fetch_sub(&l->ovl_queued[o->dir], 1);
            retarget(o);
            atomic_fetch_add(&o->so->ovl_queued[DIR_READ], 1);
            enqueue(o); /* the acceptor's reference passes to the queue */
            wsp__sock_put(l);
            continue;
        }
        finish(o, err);
    }
}

static void abort_all(wsp__sock *so) {
    drain(so); /* enqueue sees `aborting`: aborted at once */
    ovl_state *st = so->ovl;
    if (!st)
        return;
    for (int d = 0; d < 2; d++) {
        op *o;
        while ((o = pop(st, d)) != NULL)
            finish(o, abort_code(o));
    }
}

/* Loop thread: o joins its socket's queue (or ends at once if the socket
 * is closed for good). Consumes o's reference on o->so. */
static void enqueue(op *o) {
    wsp__sock *so = o->so;
    ovl_state *st;
    if (atomic_load(&so->aborting) || (o->acceptor && atomic_load(&o->acceptor->aborting))) {
        finish(o, abort_code(o));
        return;
    }
    if ((st = state_of(so)) == NULL) {
        finish(o, WSAENOBUFS);
        return;
    }
    push(st, o);
    if (o->acceptor)
        o->acceptor->ovl_accept_op = o; /* its close finds it here (abort_accepts) */
    /* it may be ready already: the poll reports that on the next turn */
    atomic_fetch_add(&so->refs, 1);
    update_want(so);
    wsp__sock_put(so);
}

/* Loop thread: the operations issued so far join their queues, oldest
 * first. */
static void drain(wsp__sock *so) {
    op *o = atomic_exchange(&so->ovl_inbox, NULL), *fifo = NULL;
    while (o) {
        op *next = o->next;
        o->next = fifo;
        fifo = o;
        o = next;
    }
    while (fifo) {
        op *next = fifo->next;
        enqueue(fifo);
        fifo = next;
    }
}

static void on_drain(wsp__loop_req *r) {
    wsp__sock *so = (wsp__sock *)(void *)((char *)r - offsetof(wsp__sock, ovl_drain));
    atomic_store(&so->ovl_drain_queued, 0); /* before the inbox is taken: see hand_over */
    drain(so);
    wsp__sock_put(so);
}

void wsp__ovl_ready(wsp__sock *so, int ready) {
    drain(so);
    if (!so->ovl) {
        so->ovl_want = 0;
        wsp__ready_update(so);
        return;
    }
    if (atomic_load(&so->aborting)) {
        abort_all(so);
    } else {
        if (ready & (WSP__READY_READ | WSP__READY_PRI | WSP__READY_HUP | WSP__READY_ERR)) {
            if (!so->ovl->head[DIR_READ])
                so->ovl_linger = 0; /* reads came for nobody: stop polling for them */
            run_queue(so, DIR_READ);
        }
        if (ready & (WSP__READY_WRITE | WSP__READY_HUP | WSP__READY_ERR))
            run_queue(so, DIR_WRITE);
    }
    update_want(so);
}

/* The last reference is gone: every operation held one, so none is left. */
void wsp__ovl_release(wsp__sock *so) {
    free(so->ovl);
    so->ovl = NULL;
}

typedef struct abort_req {
    wsp__loop_req req;
    wsp__sock *so;
    BOOL held; /* the handle's slot, kept until the aborts are delivered */
} abort_req;

/* Loop thread: the AcceptEx operations waiting in a listener's queue with
 * so as their accept socket end, aborted: F127, closing the accept socket
 * aborts them as closing the listener does. */
static void abort_accepts(wsp__sock *so) {
    op *a = so->ovl_accept_op;
    if (!a)
        return;
    wsp__sock *l = a->so;
    ovl_state *st = l->ovl; /* a is in its queue */
    op *keep = NULL, *last = NULL, *gone = NULL, **gone_tail = &gone;
    for (op *o = st->head[DIR_READ], *next; o; o = next) {
        next = o->next;
        o->next = NULL;
        if (o->acceptor == so) {
            *gone_tail = o;
            gone_tail = &o->next;
        } else {
            if (last)
                last->next = o;
            else
                keep = o;
            last = o;
        }
    }
    st->head[DIR_READ] = keep;
    st->tail[DIR_READ] = last;
    atomic_fetch_add(&l->refs, 1); /* the operations' own go with them */
    while (gone) {
        op *next = gone->next;
        finish(gone, abort_code(gone));
        gone = next;
    }
    update_want(l);
    wsp__sock_put(l);
}

static void on_abort(wsp__loop_req *r) {
    wsp__sock *so = ((abort_req *)r)->so;
    BOOL held = ((abort_req *)r)->held;
    free(r);
    abort_all(so);
    abort_accepts(so);
    update_want(so);
    if (held)
        ws2__handle_put(so->handle);
    wsp__sock_put(so);
}

void wsp__ovl_reset(wsp__sock *so) {
    abort_all(so);
    so->ovl_linger = 0;
    update_want(so);
}

void wsp__ovl_abort(wsp__sock *so) {
    wsp__addrchange_abort(so); /* SIO_ADDRESS_LIST_CHANGE requests (addrchange.c) */
    if (!atomic_load(&so->ovl_queued[DIR_READ]) && !atomic_load(&so->ovl_queued[DIR_WRITE]) &&
        !atomic_load(&so->ovl_acceptor))
        return; /* an operation still on its way to the loop sees `aborting` there */
    abort_req *r = malloc(sizeof *r);
    if (!r)
        return; /* the close's shutdown (a socket never duplicated) wakes the watch, which sees `aborting` */
    r->req.run = on_abort;
    r->so = so;
    /* The handle is being closed: its slot, where its completion port is
     * kept, stays allocated until the aborted operations have posted their
     * packets (F124, F127), as Windows keeps the file object for them. */
    r->held = wsp__own_dispatcher && ws2__handle_hold(so->handle) != NULL;
    atomic_fetch_add(&so->refs, 1);
    if (wsp__loop_post(&r->req) != 0) {
        if (r->held)
            ws2__handle_put(so->handle);
        free(r);
        wsp__sock_put(so);
    }
}

/* ---- issuing ---------------------------------------------------------------- */

/* Give a pending o to the loop thread: into the socket's inbox, and wake
 * the loop unless it polls for reads already and o waits for just that (it
 * takes o when reads come), or a wake-up is on its way. 0, or -1 when the
 * loop does not run. */
static int hand_over(op *o) {
    wsp__sock *so = o->so;
    /* Read before o is in the inbox: from then on the loop may finish and
     * free it. (An AcceptEx goes to its queue at once, where its accept
     * socket's close finds it.) */
    BOOL plain_read = o->dir == DIR_READ && !is_oob_recv(o) && !o->acceptor;
    void *head = atomic_load(&so->ovl_inbox);
    do
        o->next = head;
    while (!atomic_compare_exchange_weak(&so->ovl_inbox, &head, o));
    /* A closesocket under way may have taken the inbox already (its abort
     * drains it on the loop): then the loop must look again. */
    if (plain_read && atomic_load(&so->ovl_armed) && !atomic_load(&so->aborting))
        return 0;
    if (atomic_exchange(&so->ovl_drain_queued, 1))
        return 0;
    atomic_fetch_add(&so->refs, 1);
    so->ovl_drain.run = on_drain;
    if (wsp__loop_post(&so->ovl_drain) == 0)
        return 0;
    atomic_store(&so->ovl_drain_queued, 0);
    wsp__sock_put(so);
    return -1;
}

/* Try o at once unless operations are queued before it; else hand it to the
 * loop. Returns 0 / an error (completed here: delivered when it completed,
 * or failed without a completion) or WSA_IO_PENDING. Takes o. */
static int issue(op *o, LPWSATHREADID caller_tid, DWORD *bytes, DWORD *flags_out) {
    wsp__sock *so = o->so;
    int err = WSAEWOULDBLOCK;
    /* F114: a socket bound to a completion port takes no completion routine. */
    if (o->routine && wsp__own_dispatcher && ws2__iocp_bound(o->handle)) {
        op_free(o);
        return WSAEINVAL;
    }
    /* A connect under way is left to the loop: its outcome, a refusal
     * included, is the completion's (F220); so is a WSARecvMsg with a
     * completion routine, pending even when the data is there (F115). */
    if (o->kind != OP_CONNECT && !(o->msg && o->routine) && !atomic_load(&so->ovl_queued[o->dir])) {
        err = attempt(o);
        if (err == RETARGET) {
            /* Accepted at once, the data is still to come. The caller
             * holds the acceptor for this call: o drops its own reference
             * and, like a fresh operation, takes one if it must wait. */
            retarget(o);
            wsp__sock_put(o->so);
            err = atomic_load(&o->so->ovl_queued[DIR_READ]) ? WSAEWOULDBLOCK : attempt(o);
        }
    }
    if (!err && o->kind == OP_TRANSMIT && wsp__xmit_reuse_due(o->xmit))
        err = wsp__sock_reuse(so); /* before the completion: o is in no queue */
    if (err != WSAEWOULDBLOCK) {
        if (!err || err == WSAEMSGSIZE) {
            *bytes = (DWORD)o->done;
            if (flags_out)
                *flags_out = (DWORD)o->out_flags;
            deliver(o->handle, o->ov, o->routine, o->routine ? caller_tid : NULL, err, (DWORD)o->done,
                    (DWORD)o->out_flags);
        }
        if (o->acceptor)
            wsp__sock_put(o->acceptor);
        op_free(o);
        return err;
    }
    /* Pending: from here the loop owns o. A routine's thread id must stay
     * valid until the routine is queued: hold a reference of our own when
     * it names this thread (the usual case: the dispatcher's). */
    if (o->tidp && o->tid.Reserved == (DWORD_PTR)GetCurrentThreadId()) {
        int ignored;
        WSATHREADID own;
        if (wsp__upcalls.lpWPUOpenCurrentThread(&own, &ignored) == 0) {
            o->tid = own;
            o->tid_owned = TRUE;
        }
    }
    if (W2P_FAULT(W2P_FAULT_PEND_DELAY))
        nanosleep(&(struct timespec){0, 500 * 1000 * 1000}, NULL);
    wsp__kblock_never(o->so); /* the loop thread must never block on it (io.c) */
    atomic_fetch_add(&o->so->refs, 1);
    atomic_fetch_add(&o->so->ovl_queued[o->dir], 1);
    /* o keeps its handle's slot, where the completion port is named, until
     * its completion is delivered, as Windows keeps the file object for a
     * pending request: a closesocket under way may not find o (it looks
     * before o reaches the loop), and o's abort comes after the handle's
     * last reference is gone. The caller's dispatcher reference keeps the
     * slot until here. */
    if (wsp__own_dispatcher)
        o->slot_held = ws2__handle_hold(o->handle) != NULL;
    if (hand_over(o) != 0) {
        /* No loop: whatever waits in the inbox fails; o with it, here. */
        op *p = atomic_exchange(&o->so->ovl_inbox, NULL);
        while (p) {
            op *next = p->next;
            if (p == o) {
                atomic_fetch_sub(&o->so->ovl_queued[o->dir], 1);
                wsp__sock_put(o->so);
                if (o->acceptor)
                    wsp__sock_put(o->acceptor);
                op_free(o);
            } else {
                finish(p, WSAENETDOWN);
            }
            p = next;
        }
        return WSAENETDOWN;
    }
    return WSA_IO_PENDING;
}

int wsp__ovl_send(wsp__sock *so, const WSABUF *b, DWORD n, DWORD flags, const struct sockaddr *to, int tolen,
                  LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid,
                  DWORD *bytes) {
    return wsp__ovl_sendmsg(so, b, n, flags, to, tolen, NULL, 0, ov, routine, tid, bytes);
}

int wsp__ovl_recv(wsp__sock *so, const WSABUF *b, DWORD n, DWORD *flags, struct sockaddr *from, LPINT fromlen,
                  LPWSAMSG msg, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid,
                  DWORD *bytes) {
    if (!wsp__loop_running())
        return WSAENETDOWN;
    set_internal(ov, ST_PENDING);
    op *o = op_new(so, OP_RECV, DIR_READ, ov, routine, tid, b, n);
    if (!o)
        return WSAENOBUFS;
    o->flags = (int)*flags;
    o->waitall = (o->flags & MSG_WAITALL) && is_stream(so);
    o->from = from;
    o->fromlen = fromlen;
    o->msg = msg;
    return issue(o, tid, bytes, flags);
}

/* WSASendMsg: a send with control data, copied (the caller's WSAMSG need
 * not outlive the call). */
int wsp__ovl_sendmsg(wsp__sock *so, const WSABUF *b, DWORD n, DWORD flags, const struct sockaddr *to, int tolen,
                     const void *control, size_t ctl_len, LPWSAOVERLAPPED ov,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid, DWORD *bytes) {
    if (!wsp__loop_running())
        return WSAENETDOWN;
    if (to && (tolen <= 0 || tolen > SYS_W_SOCKADDR_MAX))
        return WSAEFAULT;
    set_internal(ov, ST_PENDING);
    op *o = op_new(so, OP_SEND, DIR_WRITE, ov, routine, tid, b, n);
    if (!o)
        return WSAENOBUFS;
    o->flags = (int)flags;
    if (to) {
        memcpy(o->addr, to, (size_t)tolen);
        o->addrlen = tolen;
    }
    if (ctl_len) {
        if ((o->control = malloc(ctl_len)) == NULL) {
            op_free(o);
            return WSAENOBUFS;
        }
        memcpy(o->control, control, ctl_len);
        o->ctl_len = ctl_len;
    }
    return issue(o, tid, bytes, NULL);
}

/* TransmitFile / TransmitPackets: the plan joins the write queue. Takes x. */
int wsp__ovl_transmit(wsp__sock *so, wsp__xmit *x, LPWSAOVERLAPPED ov, DWORD *bytes) {
    if (!wsp__loop_running()) {
        wsp__xmit_free(x);
        return WSAENETDOWN;
    }
    set_internal(ov, ST_PENDING);
    op *o = op_new(so, OP_TRANSMIT, DIR_WRITE, ov, NULL, NULL, NULL, 0);
    if (!o) {
        wsp__xmit_free(x);
        return WSAENOBUFS;
    }
    o->xmit = x;
    return issue(o, NULL, bytes, NULL);
}

int wsp__ovl_accept(wsp__sock *l, wsp__sock *a, char *out, DWORD recvlen, DWORD locallen, DWORD remotelen,
                    LPWSAOVERLAPPED ov, DWORD *bytes) {
    if (!wsp__loop_running())
        return WSAENETDOWN;
    op *o = op_new(l, OP_ACCEPT, DIR_READ, ov, NULL, NULL, NULL, 0);
    if (!o)
        return WSAENOBUFS;
    o->acceptex = TRUE;
    atomic_fetch_add(&a->refs, 1);
    o->acceptor = a;
    /* before the listener's queue sees o: a's close, from here on, looks
     * for it there (or o sees a's `aborting`) */
    atomic_store(&a->ovl_acceptor, 1);
    o->out = out;
    o->recvlen = recvlen, o->locallen = locallen, o->remotelen = remotelen;
    return issue(o, NULL, bytes, NULL);
}

int wsp__ovl_connect(wsp__sock *so, const struct sockaddr *name, int namelen, const char *data, DWORD datalen,
                     LPWSAOVERLAPPED ov, DWORD *bytes) {
    if (!wsp__loop_running())
        return WSAENETDOWN;
    if (namelen <= 0 || namelen > SYS_W_SOCKADDR_MAX)
        return WSAEFAULT;
    WSABUF b = {datalen, (char *)data};
    op *o = op_new(so, OP_CONNECT, DIR_WRITE, ov, NULL, NULL, &b, datalen ? 1 : 0);
    if (!o)
        return WSAENOBUFS;
    memcpy(o->addr, name, (size_t)namelen);
    o->addrlen = namelen;
    int err = sys__connect(so->fd, name, namelen);
    if (err && err != WSAEWOULDBLOCK && err != WSAEINPROGRESS) {
        op_free(o);
        return err;
    }
    atomic_store(&so->state, err ? WSP__S_CONNECTING : WSP__S_CONNECTED);
    if (!err)
        o->kind = OP_SEND, o->addrlen = 0;
    return issue(o, NULL, bytes, NULL);
}

/* ---- WSPGetOverlappedResult --------------------------------------------------- */

BOOL WSPAPI wsp__WSPGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer, BOOL fWait,
                                        LPDWORD lpdwFlags, LPINT lpErrno) {
    wsp__sock *so = wsp__sock_get(s, lpErrno); /* F91 */
    if (!so)
        return FALSE;
    wsp__sock_put(so);
    if (!lpOverlapped) {
        *lpErrno = WSA_INVALID_PARAMETER; /* F123 */
        return FALSE;
    }
    ULONG_PTR st = get_internal(lpOverlapped);
    if (st == ST_PENDING) {
        if (!fWait) {
            *lpErrno = WSA_IO_INCOMPLETE; /* F119 */
            return FALSE;
        }
        /* F121: a non-alertable wait on the event, or on the socket. */
        HANDLE ev = (HANDLE)((uintptr_t)lpOverlapped->hEvent & ~(uintptr_t)1);
        if (ev) {
            if (WaitForSingleObject(ev, INFINITE) == WAIT_FAILED) {
                *lpErrno = WSA_INVALID_HANDLE;
                return FALSE;
            }
        } else {
            pthread_mutex_lock(&done_lock);
            atomic_fetch_add(&done_waiters, 1);
            while (get_internal(lpOverlapped) == ST_PENDING)
                pthread_cond_wait(&done_cond, &done_lock);
            atomic_fetch_sub(&done_waiters, 1);
            pthread_mutex_unlock(&done_lock);
        }
        st = get_internal(lpOverlapped);
        if (st == ST_PENDING)
            return TRUE; /* F121: the event was set by someone else */
    }
    if (lpcbTransfer)
        *lpcbTransfer = (DWORD)lpOverlapped->InternalHigh; /* F122: on failure too */
    int err = wsp__ovl_error(st);
    if (err) {
        *lpErrno = err;
        return FALSE;
    }
    if (lpdwFlags)
        *lpdwFlags = lpOverlapped->Offset;
    return TRUE;
}
