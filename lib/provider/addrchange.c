/*
 * SIO_ADDRESS_LIST_CHANGE (F193): a request that completes when an address
 * of the socket's family is added to or removed from the host. Overlapped:
 * pending, then completed (0 bytes) by the change, or aborted
 * (WSA_OPERATION_ABORTED) by the socket's close; without a WSAOVERLAPPED a
 * non-blocking socket gets WSAEWOULDBLOCK and a blocking one waits.
 *
 * The requests wait on the loop thread, which watches one netlink socket
 * (sys/ifaces.c) for the process, opened with the first request and closed
 * at the last WSPCleanup.
 */
#include "wsp.h"
#include "overlapped.h"
#include "ws2/handles.h"

#include <stdlib.h>
#include <string.h>

typedef struct change_req {
    wsp__loop_req lr;    /* first: the loop request that brings it there */
    struct change_req *next;
    wsp__sock *so;       /* a reference */
    SOCKET handle;       /* its completion port gets the packet; INVALID_SOCKET: none */
    BOOL held;           /* the handle's slot, kept until the completion */
    LPWSAOVERLAPPED ov;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    WSATHREADID tid;     /* the issuing thread's, its own reference */
    BOOL has_tid;
    int family;          /* SYS_ADDR_CHANGED_V4 or _V6 */
} change_req;

/* Loop thread only. */
static change_req *waiting;
static int watch_fd = -1;
static wsp__watch *watch;

static void complete(change_req *r, int err) {
    wsp__ovl_complete_on(r->handle, r->ov, r->routine, r->has_tid ? &r->tid : NULL, err, 0, 0);
    if (r->held)
        ws2__handle_put(r->handle);
    if (r->has_tid) {
        int ignored;
        wsp__upcalls.lpWPUCloseThread(&r->tid, &ignored);
    }
    atomic_fetch_sub(&r->so->addr_waits, 1);
    wsp__sock_put(r->so);
    free(r);
}

static void on_change(void *owner, int ready) {
    (void)owner, (void)ready;
    int changes = 0;
    if (sys__addr_watch_read(watch_fd, &changes) != 0 || !changes)
        return;
    change_req **p = &waiting;
    while (*p) {
        change_req *r = *p;
        if (r->family & changes) {
            *p = r->next;
            complete(r, 0);
        } else {
            p = &r->next;
        }
    }
}

static void on_issue(wsp__loop_req *lr) {
    change_req *r = (change_req *)lr;
    if (atomic_load(&r->so->aborting)) {
        complete(r, WSA_OPERATION_ABORTED); /* closed on its way here */
        return;
    }
    if (!watch) {
        if (sys__addr_watch_open(&watch_fd) != 0) {
            complete(r, WSAENOBUFS);
            return;
        }
        if ((watch = wsp__watch_open(watch_fd, on_change, NULL)) == NULL) {
            sys__close(watch_fd);
            watch_fd = -1;
            complete(r, WSAENOBUFS);
            return;
        }
        wsp__watch_interest(watch, WSP__READY_READ);
    }
    r->next = waiting;
    waiting = r;
}

typedef struct abort_req {
    wsp__loop_req lr;
    wsp__sock *so;
} abort_req;

static void on_abort(wsp__loop_req *lr) {
    wsp__sock *so = ((abort_req *)lr)->so;
    free(lr);
    change_req **p = &waiting;
    while (*p) {
        change_req *r = *p;
        if (r->so == so) {
            *p = r->next;
            complete(r, WSA_OPERATION_ABORTED);
        } else {
            p = &r->next;
        }
    }
    wsp__sock_put(so);
}

void wsp__addrchange_abort(wsp__sock *so) {
    /* `aborting` was set before: a request counted after this look sees it
     * on the loop (on_issue) */
    if (!atomic_load(&so->addr_waits))
        return;
    abort_req *a = malloc(sizeof *a);
    if (!a)
        return; /* it completes with the next change instead */
    a->lr.run = on_abort;
    a->so = so;
    atomic_fetch_add(&so->refs, 1);
    if (wsp__loop_post(&a->lr) != 0) {
        wsp__sock_put(so);
        free(a);
    }
}

static void watch_closed(void *owner) {
    (void)owner;
    sys__close(watch_fd);
    watch_fd = -1;
}

static void shut(void *arg) {
    (void)arg;
    while (waiting) { /* every socket is closed by now; a layer's may not be */
        change_req *r = waiting;
        waiting = r->next;
        complete(r, WSA_OPERATION_ABORTED);
    }
    if (watch) {
        wsp__watch_close(watch, watch_closed, NULL);
        watch = NULL;
    }
}

void wsp__addrchange_cleanup(void) { (void)wsp__loop_call(shut, NULL); }

int wsp__addrchange_ioctl(wsp__sock *so, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID tid) {
    WSAOVERLAPPED own;
    if (!ov) {
        if (atomic_load(&so->nonblocking))
            return WSAEWOULDBLOCK; /* F193 */
        memset(&own, 0, sizeof own); /* blocking: an overlapped request of our own, waited for */
    }
    if (!wsp__loop_running())
        return WSAENETDOWN;
    change_req *r = calloc(1, sizeof *r);
    if (!r)
        return WSAENOBUFS;
    r->lr.run = on_issue;
    r->so = so;
    r->ov = ov ? ov : &own;
    r->family = so->af == AF_INET6 ? SYS_ADDR_CHANGED_V6 : SYS_ADDR_CHANGED_V4;
    r->handle = ov ? so->handle : INVALID_SOCKET; /* a blocking call posts no packet */
    if (routine && ov) {
        int ignored;
        r->routine = routine;
        r->has_tid = tid && wsp__upcalls.lpWPUOpenCurrentThread(&r->tid, &ignored) == 0;
        if (!r->has_tid) {
            free(r);
            return WSAENOBUFS;
        }
    }
    r->held = r->handle != INVALID_SOCKET && wsp__own_dispatcher && ws2__handle_hold(r->handle) != NULL;
    wsp__ovl_mark_pending(r->ov);
    atomic_fetch_add(&so->refs, 1);
    atomic_fetch_add(&so->addr_waits, 1);
    if (wsp__loop_post(&r->lr) != 0) {
        atomic_fetch_sub(&so->addr_waits, 1);
        wsp__sock_put(so);
        if (r->held)
            ws2__handle_put(r->handle);
        if (r->has_tid) {
            int ignored;
            wsp__upcalls.lpWPUCloseThread(&r->tid, &ignored);
        }
        free(r);
        return WSAENETDOWN;
    }
    if (ov)
        return WSA_IO_PENDING;
    /* Blocking: until the change, or the close's abort (WSAEINTR, as for
     * every blocking call a closesocket ends). */
    int err = wsp__ovl_wait(&own);
    return err == WSA_OPERATION_ABORTED ? WSAEINTR : err;
}
