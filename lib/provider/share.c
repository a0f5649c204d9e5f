/*
 * Shared sockets: WSPDuplicateSocket, and the WSPSocket side of
 * FROM_PROTOCOL_INFO for a structure WSPDuplicateSocket made.
 *
 * WSPDuplicateSocket hands the socket's descriptor to the seam's share
 * table (sys/share.c), which keeps a duplicate of it under a random 64-bit
 * token for the target process, and writes into the WSAPROTOCOL_INFOW
 * everything the target needs to find it again. Reserved fields carry it
 * (docs/sharing.md):
 *
 *   dwServiceFlags4     the source process id (never 0)
 *   dwServiceFlags3     the token's high 32 bits
 *   dwProviderReserved  the token's low 32 bits
 *
 * Every entry of the catalog has those three at 0, so an info with a source
 * pid and a non-zero token can only be a duplicate (or a forgery: the claim
 * then fails with WSAEINVAL). The structure stays plain data: it can go
 * through a pipe or a file. A layered provider passes it down to us
 * unchanged, as the WSPSocket page asks, whatever its dwCatalogEntryId.
 */
#include "wsp.h"
#include "overlapped.h"
#include "sys/share.h"
#include "ws2/handles.h"
#include "ws2/iocp.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_VERSION 3

/* The socket behind s, as every WSP call starts (WSAEINPROGRESS inside a
 * Winsock 1.1 blocking hook, else the upcall's WSAENOTSOCK). */
static wsp__sock *enter(SOCKET s, LPINT lpErrno) {
    if (wsp__blocking) {
        *lpErrno = WSAEINPROGRESS;
        return NULL;
    }
    return wsp__sock_get(s, lpErrno);
}

/* The state the duplicate starts with: the source's at duplication time.
 * The descriptor's own state (connection, options the kernel keeps) is
 * shared for real; these are the modes the provider keeps beside it. */
typedef struct snapshot {
    uint32_t version;
    int32_t af, type, protocol;
    int32_t state, shut, nonblocking, exclusive, reuseaddr, bufset, rcvbuf, sndbuf, error;
    uint32_t rcvtimeo, sndtimeo;
    uint32_t sf3, sf4, reserved; /* the entry's own values of the fields borrowed */
    uint64_t handle;             /* the source's SOCKET (for a claim in its process) */
    uint64_t id;                 /* the source's share_id: is that handle still this socket? */
} snapshot;

/* ---- the handles of this process onto one socket ---------------------------
 *
 * On Windows a duplicate claimed in the process that made it is a second
 * handle onto the same socket object: closing one handle leaves the socket
 * to the other, pending I/O included, which ends only when the last handle
 * is closed (F128, F284). Here each handle has its own wsp__sock over its own
 * duplicate of the descriptor; the twins record ties together those that
 * share one open file description: how many of their handles are still open,
 * and which sockets (closed ones included, kept alive by their pending
 * overlapped operations) belong to it. One lock for all records: they change
 * only when a duplicate is claimed or one of their handles closed.
 */
typedef struct wsp__twins {
    int live;           /* handles not closed yet */
    wsp__sock *members; /* through twin_next, until each socket is freed */
} twins;

static pthread_mutex_t twins_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t next_share_id;

/* A reference on so unless its last one has gone already (it is then
 * waiting for the lock in wsp__share_forget). */
static BOOL ref_if_alive(wsp__sock *so) {
    int r = atomic_load(&so->refs);
    while (r > 0)
        if (atomic_compare_exchange_weak(&so->refs, &r, r + 1))
            return TRUE;
    return FALSE;
}

/* so has overlapped operations issued and not yet complete (overlapped.c). */
static BOOL has_pending(wsp__sock *so) {
    return atomic_load(&so->ovl_queued[0]) || atomic_load(&so->ovl_queued[1]) || atomic_load(&so->ovl_inbox);
}

/* Under the lock: one of t's open handles is closed (or its socket freed,
 * or renewed). TRUE if another is still open. Else the socket is closed
 * for good: the members closed before join *todo (with a reference and
 * their slot hold) for end_closed, after the lock. This happens once per
 * record: a record without open handles takes no new member. */
static BOOL drop_live(twins *t, wsp__sock **todo) {
    if (--t->live > 0)
        return TRUE;
    for (wsp__sock *m = t->members; m; m = m->twin_next)
        if (m->twin_closed && ref_if_alive(m)) {
            m->twin_todo = *todo;
            *todo = m;
        }
    return FALSE;
}

/* Outside the lock (what runs here may free sockets, which takes it): the
 * last handle has gone, so the pending operations of the handles closed
 * before end now, aborted (F128); then each gives up the slot it held for
 * their completions. */
static void end_closed(wsp__sock *todo) {
    while (todo) {
        wsp__sock *m = todo;
        todo = m->twin_todo;
        atomic_store(&m->aborting, 1);
        wsp__ovl_abort(m); /* holds the slot itself until the aborts are delivered */
        if (m->twin_held) { /* m's alone now: no record refers to it any more */
            m->twin_held = 0;
            ws2__handle_put(m->handle);
        }
        wsp__sock_put(m);
    }
}

static void unlink_member(twins *t, wsp__sock *so) {
    for (wsp__sock **p = &t->members; *p; p = &(*p)->twin_next)
        if (*p == so) {
            *p = so->twin_next;
            break;
        }
    so->twin_next = NULL;
    atomic_store(&so->twins, NULL);
}

BOOL wsp__share_close(wsp__sock *so) {
    /* seq_cst: `closing` is stored before; a claim links its source, then
     * looks at `closing` (link_twin): one of the two sees the other */
    if (!atomic_load(&so->twins))
        return FALSE;
    wsp__sock *todo = NULL;
    BOOL others = FALSE;
    pthread_mutex_lock(&twins_lock);
    twins *t = atomic_load(&so->twins);
    if (t && !so->twin_closed) {
        others = drop_live(t, &todo);
        so->twin_closed = 1;
        /* Its operations still to complete post to its completion port,
         * which lives in its handle's slot: keep the slot (allocated, not
         * LIVE: the handle stays closed) until the last handle goes. */
        if (others && wsp__own_dispatcher && has_pending(so) && ws2__handle_hold(so->handle))
            so->twin_held = 1;
    }
    pthread_mutex_unlock(&twins_lock);
    end_closed(todo);
    return others;
}

void wsp__share_forget(wsp__sock *so) {
    if (!atomic_load(&so->twins))
        return;
    wsp__sock *todo = NULL;
    pthread_mutex_lock(&twins_lock);
    twins *t = atomic_load(&so->twins);
    if (t) {
        /* Freed without a close: its handle went with the last WSACleanup
         * (which freed a held slot too: twin_held means nothing then). */
        if (!so->twin_closed)
            drop_live(t, &todo);
        unlink_member(t, so);
        if (!t->members)
            free(t);
    }
    pthread_mutex_unlock(&twins_lock);
    end_closed(todo);
}

void wsp__share_leave(wsp__sock *so) {
    atomic_store(&so->share_id, 0); /* its snapshots name the old socket */
    if (!atomic_load(&so->twins))
        return;
    wsp__sock *todo = NULL;
    BOOL held = FALSE;
    pthread_mutex_lock(&twins_lock);
    twins *t = atomic_load(&so->twins);
    if (t) {
        if (!so->twin_closed)
            drop_live(t, &todo);
        held = so->twin_held;
        so->twin_held = 0;
        so->twin_closed = 0;
        unlink_member(t, so);
        if (!t->members)
            free(t);
    }
    pthread_mutex_unlock(&twins_lock);
    end_closed(todo);
    if (held) /* its operations were reset with the old socket (reuse.c) */
        ws2__handle_put(so->handle);
}

/* dup, just claimed in this process, is a second handle onto src's socket. */
static void link_twin(wsp__sock *src, wsp__sock *dup) {
    pthread_mutex_lock(&twins_lock);
    twins *t = atomic_load(&src->twins);
    if (!t) {
        if ((t = calloc(1, sizeof *t)) == NULL)
            goto out; /* each handle then behaves as the only one */
        t->live = 1;
        t->members = src;
        atomic_store(&src->twins, t);
        if (atomic_load(&src->closing)) {
            /* Closed meanwhile: its close may have missed the record. */
            unlink_member(t, src);
            free(t);
            goto out;
        }
    } else if (t->live == 0) {
        goto out; /* its last handle was closed meanwhile */
    }
    t->live++;
    dup->twin_next = t->members;
    t->members = dup;
    atomic_store(&dup->twins, t);
out:
    pthread_mutex_unlock(&twins_lock);
}

/* Give so its wake eventfd (see `wake`), if it has none yet: 0 or the
 * error (WSAEMFILE when the process has no descriptor left). */
static int give_wake(wsp__sock *so) {
    if (atomic_load(&so->wake))
        return 0;
    int fd, err = sys__eventfd_create(&fd);
    if (err)
        return err;
    int none = 0;
    if (!atomic_compare_exchange_strong(&so->wake, &none, fd + 1))
        sys__close(fd); /* another duplication was first */
    return 0;
}

BOOL wsp__share_info(const WSAPROTOCOL_INFOW *info) {
    return info->dwServiceFlags4 != 0 && (info->dwServiceFlags3 | info->dwProviderReserved) != 0;
}

int WSPAPI wsp__WSPDuplicateSocket(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                   LPINT lpErrno) {
    wsp__sock *so = enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err;
    /* Another process will share the descriptor's mode: O_NONBLOCK (io.c). */
    wsp__kblock_never(so);
    /* F280: the process id is checked before the structure pointer. */
    if ((err = sys__share_target_ok(dwProcessId)) != 0)
        goto out;
    if (!lpProtocolInfo) {
        err = WSAEFAULT;
        goto out;
    }
    /* From now on another handle may use the descriptor: closing this one
     * must not shut it down (socket.c). */
    if ((err = give_wake(so)) != 0)
        goto out;
    uint64_t id = atomic_load(&so->share_id);
    if (!id) {
        uint64_t fresh = atomic_fetch_add(&next_share_id, 1) + 1;
        if (atomic_compare_exchange_strong(&so->share_id, &id, fresh))
            id = fresh; /* else id is the name another duplication gave it */
    }
    snapshot snap = {
        .version = SNAP_VERSION,
        .af = so->af, .type = so->type, .protocol = so->protocol,
        .state = atomic_load(&so->state), .shut = atomic_load(&so->shut),
        .nonblocking = atomic_load(&so->nonblocking), .exclusive = atomic_load(&so->exclusive),
        .reuseaddr = atomic_load(&so->reuseaddr), .bufset = atomic_load(&so->bufset),
        .rcvbuf = atomic_load(&so->rcvbuf), .sndbuf = atomic_load(&so->sndbuf),
        .error = atomic_load(&so->error),
        .rcvtimeo = atomic_load(&so->rcvtimeo), .sndtimeo = atomic_load(&so->sndtimeo),
        .sf3 = so->info.dwServiceFlags3, .sf4 = so->info.dwServiceFlags4,
        .reserved = so->info.dwProviderReserved,
        .handle = (uint64_t)s,
        .id = id,
    };
    uint64_t token;
    if ((err = sys__share_put(so->fd, dwProcessId, &snap, sizeof snap, &token)) != 0)
        goto out;
    /* F281: the socket's entry, with the socket's own triple. */
    *lpProtocolInfo = so->info;
    lpProtocolInfo->iAddressFamily = so->af;
    lpProtocolInfo->iSocketType = so->type;
    lpProtocolInfo->iProtocol = so->protocol;
    lpProtocolInfo->dwServiceFlags4 = sys__getpid();
    lpProtocolInfo->dwServiceFlags3 = (DWORD)(token >> 32);
    lpProtocolInfo->dwProviderReserved = (DWORD)token;
out:
    wsp__sock_put(so);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}

SOCKET wsp__share_claim(LPWSAPROTOCOL_INFOW info, GROUP g, DWORD dwFlags, LPINT lpErrno) {
    uint64_t token = (uint64_t)info->dwServiceFlags3 << 32 | info->dwProviderReserved;
    snapshot snap;
    size_t len = sizeof snap;
    int fd, wake, err;
    /* The duplicate's wake eventfd first: without a descriptor for it the
     * share stays in the table, claimable later. */
    if ((err = sys__eventfd_create(&wake)) != 0)
        goto fail;
    if ((err = sys__share_claim(info->dwServiceFlags4, token, &fd, &snap, &len)) != 0) {
        sys__close(wake);
        goto fail;
    }
    if (len != sizeof snap || snap.version != SNAP_VERSION) {
        sys__close(fd);
        sys__close(wake);
        err = WSAEINVAL;
        goto fail;
    }
    wsp__sock *so = calloc(1, sizeof *so);
    if (!so) {
        sys__close(fd);
        sys__close(wake);
        err = WSAENOBUFS;
        goto fail;
    }
    so->fd = fd;
    atomic_init(&so->wake, wake + 1);
    atomic_init(&so->share_id, snap.id); /* its own duplicates name the same socket */
    so->kblock = WSP__KB_NEVER; /* shared with the process that duplicated it (io.c) */
    /* F282: the duplicate is the source's socket, whatever af, type and
     * protocol the caller named. */
    so->af = snap.af, so->type = snap.type, so->protocol = snap.protocol;
    so->flags = dwFlags;
    so->info = *info;
    so->info.dwServiceFlags3 = snap.sf3;
    so->info.dwServiceFlags4 = snap.sf4;
    so->info.dwProviderReserved = snap.reserved;
    atomic_init(&so->refs, 1);
    atomic_init(&so->state, snap.state);
    atomic_init(&so->shut, snap.shut);
    atomic_init(&so->nonblocking, snap.nonblocking);
    atomic_init(&so->exclusive, snap.exclusive);
    atomic_init(&so->reuseaddr, snap.reuseaddr);
    atomic_init(&so->bufset, snap.bufset);
    atomic_init(&so->rcvbuf, snap.rcvbuf);
    atomic_init(&so->sndbuf, snap.sndbuf);
    atomic_init(&so->error, snap.error);
    atomic_init(&so->rcvtimeo, snap.rcvtimeo);
    atomic_init(&so->sndtimeo, snap.sndtimeo);
    if ((err = wsp__group_join(g, so, &so->group)) != 0) {
        sys__close(fd);
        sys__close(wake);
        free(so);
        goto fail;
    }
    SOCKET s = wsp__sock_publish(so, info->dwCatalogEntryId, lpErrno);
    /* F291: claimed in the process that duplicated it, the socket is the
     * source's own object on Windows, so the two handles complete through
     * one completion port association (the dispatcher's record), and one
     * handle's close leaves the socket to the other (F128: the twins
     * record). The descriptors are separate duplicates here. If the source
     * handle is gone, or is another socket now, the duplicate stands alone. */
    if (s != INVALID_SOCKET && wsp__own_dispatcher && info->dwServiceFlags4 == sys__getpid()) {
        ws2__iocp_share((SOCKET)snap.handle, s);
        /* The handle, if it is still ours (a quick look: the socket cannot
         * be freed under it) and still that socket (its name). */
        wsp__sock *src = NULL;
        unsigned ticket = ws2__handle_quick_begin();
        ws2__socket *h = ws2__handle_peek((SOCKET)snap.handle, wsp__sock_handle_gone);
        if (h) {
            src = (wsp__sock *)h->context;
            atomic_fetch_add(&src->refs, 1);
        }
        ws2__handle_quick_end(ticket);
        if (src) {
            if (snap.id && atomic_load(&src->share_id) == snap.id)
                link_twin(src, so);
            wsp__sock_put(src);
        }
    }
    return s;
fail:
    *lpErrno = err;
    return INVALID_SOCKET;
}

void wsp__share_cleanup(void) { sys__share_shutdown(); }
