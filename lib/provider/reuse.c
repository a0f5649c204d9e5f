/*
 * TF_REUSE_SOCKET: DisconnectEx, TransmitFile(TF_DISCONNECT) and
 * TransmitPackets(TP_DISCONNECT) leave the SOCKET ready to be handed to
 * AcceptEx, or bound and handed to ConnectEx, again.
 *
 * A Linux TCP socket cannot be connected twice, so the handle gets a new
 * socket under the same descriptor number (sys__dup_onto: dup3(2)). The
 * number never changes, so a thread still inside a call on the socket uses
 * either the old socket (woken first by a shutdown of both directions) or
 * the new one, never a closed or foreign descriptor. The swap runs on the
 * loop thread, after the socket's watch has been closed (libuv lets go of a
 * descriptor within uv_close, as its documentation says) and its pending
 * overlapped operations have ended: the next operation opens a new watch on
 * the new socket.
 *
 * Windows completes the reuse only once the transport has closed the
 * connection, which for TCP can mean waiting out TIME_WAIT. Here the old
 * socket's last descriptor goes with the dup3; Linux finishes the
 * connection in the background (FIN, TIME_WAIT) without the handle, so the
 * reuse completes at once. The only trace is that binding the old local
 * port again may fail with WSAEADDRINUSE while TIME_WAIT lasts, as it would
 * on Windows with another socket. Data received and never read is dropped
 * first: Linux answers the close of a socket with unread data by a reset,
 * which would throw away what is still on its way to the peer (the end of a
 * TransmitFile), where DisconnectEx promises a graceful disconnect.
 *
 * What goes back to a new socket's values: the state (unconnected,
 * unbound), the shutdown bits, SO_ERROR, and the options the kernel kept
 * (SO_RCVBUF, SO_SNDBUF, SO_REUSEADDR, SO_EXCLUSIVEADDRUSE ... : the new
 * kernel socket has its defaults, so the provider's copies are cleared to
 * agree with it). What stays: the handle and its completion port, the
 * WSA_FLAG_* flags, FIONBIO, SO_RCVTIMEO/SO_SNDTIMEO and a WSAEventSelect
 * registration, which belong to the handle on Windows as well.
 *
 * A socket duplicated in this process (WSADuplicateSocket): the handle
 * renewed leaves the others the old socket, disconnected; on Windows they
 * would see the reused socket itself, one object for all handles
 * (docs/sharing.md).
 */
#include "overlapped.h"
#include "io.h"

typedef struct {
    wsp__sock *so;
    int fresh;  /* the new socket's descriptor, consumed */
    BOOL loop;  /* on the loop thread (else the loop is down: no watch is kept) */
    int err;
} renew;

/* Read and drop what the old connection received (see above); bounded, as
 * this runs on the loop thread and a peer may send without end. */
static void drop_unread(wsp__sock *so) {
    char scratch[4096];
    size_t got;
    for (int i = 0; i < 64 && sys__recv(so->fd, scratch, sizeof scratch, 0, &got) == 0 && got > 0; i++)
        ;
}

static void swap(void *arg) {
    renew *r = arg;
    wsp__sock *so = r->so;
    if (r->loop)
        wsp__ovl_reset(so); /* pending operations end (aborted), nothing polls for them */
    drop_unread(so);
    sys__shutdown(so->fd, SD_BOTH); /* wakes whoever waits in the old socket */
    if (r->loop) {
        if (so->watch) {
            struct wsp__watch *w = so->watch;
            so->watch = NULL;
            wsp__watch_close(w, NULL, NULL);
        }
    }
    r->err = sys__dup_onto(r->fresh, so->fd);
    if (r->err)
        return;
    /* A duplicate's handles in this process shared the old socket; this
     * one no longer does (share.c). */
    wsp__share_leave(so);
    atomic_store(&so->shut, 0);
    atomic_store(&so->error, 0);
    atomic_store(&so->connect_tolen, 0);
    atomic_store(&so->bufset, 0);
    atomic_store(&so->rcvbuf, 0);
    atomic_store(&so->sndbuf, 0);
    atomic_store(&so->reuseaddr, 0);
    atomic_store(&so->exclusive, 0);
    atomic_store(&so->recv_poll_first, 0);
    atomic_store(&so->state, WSP__S_NEW);
}

int wsp__sock_reuse(wsp__sock *so) {
    renew r = {.so = so, .fresh = -1};
    /* The new socket first: if there is none, the connection is left as a
     * plain disconnect leaves it (F232) and the call fails. */
    int err = sys__socket(so->af, so->type, so->protocol, &r.fresh);
    if (err)
        return err;
    /* O_NONBLOCK for good before the swap: the new descriptor is O_NONBLOCK
     * as every descriptor of the seam is, and kblock must say so. */
    wsp__kblock_never(so);
    r.loop = TRUE;
    if (wsp__loop_call(swap, &r) != 0) {
        r.loop = FALSE;
        swap(&r);
    }
    if (!r.err)
        wsp__evsel_reenable(so, WSP__EVSEL_STATE); /* what is watched follows the state */
    return r.err;
}

/* AcceptEx: the accepted connection becomes the accept socket under the
 * accept socket's own descriptor number, as a renewal does (above): a thread
 * inside a call on it, or a watch on it, never meets a closed or reused
 * number, and so->fd is never written. On the loop thread a watch the
 * socket had (WSAEventSelect before AcceptEx) is closed first and opened
 * again, on the connection, with the same interest. */
typedef struct {
    wsp__sock *so;
    int fd;    /* the accepted connection, consumed */
    BOOL loop; /* on the loop thread (else the loop is down: no watch is kept) */
    int err;
} adoption;

static void adopt_swap(void *arg) {
    adoption *r = arg;
    wsp__sock *so = r->so;
    struct wsp__watch *w = r->loop ? so->watch : NULL;
    if (w) {
        so->watch = NULL;
        wsp__watch_close(w, NULL, NULL);
    }
    r->err = sys__dup_onto(r->fd, so->fd);
    if (w)
        wsp__ready_update(so); /* the same interest, on whichever socket is there */
}

int wsp__sock_adopt(wsp__sock *so, int fd) {
    /* The connection is O_NONBLOCK, as every descriptor of the seam, which
     * is what kblock OFF (the accept socket never received) says: a later
     * blocking receive may still switch it to waiting in the kernel (io.c). */
    adoption r = {.so = so, .fd = fd, .loop = TRUE};
    if (wsp__loop_call(adopt_swap, &r) != 0) {
        r.loop = FALSE;
        adopt_swap(&r);
    }
    return r.err;
}
