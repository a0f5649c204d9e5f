/*
 * WSPSocket and WSPCloseSocket, as the WSPSocket reference page describes
 * them: wildcards and FROM_PROTOCOL_INFO resolved from lpProtocolInfo, the
 * group argument, the multipoint flags, every error where its cause arises,
 * and the handle obtained through WPUModifyIFSHandle (this is an IFS-style
 * provider: XP1_IFS_HANDLES).
 */
#include "wsp.h"
#include "io.h"
#include "overlapped.h"
#include "common/fault.h"
#include "ws2/handles.h"

#include <stdlib.h>

_Thread_local int wsp__blocking __attribute__((tls_model("initial-exec")));

wsp__sock *wsp__sock_get(SOCKET s, LPINT err) {
    DWORD_PTR ctx;
    if (wsp__own_dispatcher) {
        /* The upcall's own body, without the call through the table: this
         * runs for every socket of every select. */
        if ((*err = ws2__handle_context(s, &ctx)) != 0)
            return NULL;
    } else if (wsp__upcalls.lpWPUQuerySocketHandleContext(s, &ctx, err) != 0) {
        return NULL;
    }
    wsp__sock *so = (wsp__sock *)ctx;
    atomic_fetch_add_explicit(&so->refs, 1, memory_order_relaxed);
    return so;
}

wsp__sock *wsp__sock_peek(SOCKET s) {
    ws2__socket *h = ws2__handle_peek(s, wsp__sock_handle_gone);
    return h ? (wsp__sock *)h->context : NULL;
}

wsp__sock *wsp__sock_get_other(SOCKET s, LPINT err) {
    if (!wsp__own_dispatcher)
        return wsp__sock_get(s, err);
    /* A quick look (ws2/handles.h) keeps the slot from being freed while
     * the reference is taken, and the owner check keeps another provider's
     * handle (a slot reused meanwhile by a layer, say) from being read as
     * ours: WSAENOTSOCK. */
    unsigned ticket = ws2__handle_quick_begin();
    wsp__sock *so = wsp__sock_peek(s);
    if (so)
        atomic_fetch_add_explicit(&so->refs, 1, memory_order_relaxed);
    ws2__handle_quick_end(ticket);
    if (!so)
        *err = WSAENOTSOCK;
    return so;
}

static void sock_free(void *owner) {
    wsp__sock *so = owner;
    sys__close(so->fd);
    if (wsp__wake_fd(so) >= 0)
        sys__close(wsp__wake_fd(so));
    free(so);
}

/* On the loop thread: let the subsystems drop their state, then stop
 * watching; the descriptor is closed once libuv has let go of it. */
static void release_now(wsp__sock *so) {
    wsp__ovl_release(so);
    wsp__evsel_release(so);
    if (so->watch) {
        struct wsp__watch *w = so->watch;
        so->watch = NULL; /* nothing may set its interest any more */
        wsp__watch_close(w, sock_free, so);
    }
    else
        sock_free(so);
}

typedef struct {
    wsp__loop_req req;
    wsp__sock *so;
} release_req;

static void release_on_loop(wsp__loop_req *r) {
    wsp__sock *so = ((release_req *)r)->so;
    free(r);
    release_now(so);
}

void wsp__sock_put(wsp__sock *so) {
    if (atomic_fetch_sub_explicit(&so->refs, 1, memory_order_acq_rel) != 1)
        return;
    wsp__group_leave(so->group);
    wsp__accept_forget(so);
    wsp__share_forget(so);
    wsp__excl_forget(so);
    if (!so->watch && !so->ovl && !so->evsel) {
        sock_free(so); /* never seen by the loop: nothing to wait for */
        return;
    }
    /* The descriptor closes on the loop thread, a little later. A listener
     * stops listening now, as the port refuses at once after closesocket
     * on Windows (a connection in between was taken, then reset:
     * WSAECONNRESET instead of WSAECONNREFUSED). Not a duplicated one: the
     * other handles listen on. */
    if (atomic_load(&so->state) == WSP__S_LISTENING && !atomic_load(&so->share_id))
        sys__shutdown(so->fd, SD_RECEIVE);
    if (wsp__loop_on_thread()) {
        release_now(so);
        return;
    }
    release_req *r = malloc(sizeof *r);
    if (r) {
        r->req.run = release_on_loop;
        r->so = so;
        if (wsp__loop_post(&r->req) == 0)
            return;
        free(r);
    }
    /* The loop is gone (or no memory; or this runs in the loop's last
     * drain, at the last WSPCleanup): its handles are closed already, or
     * will be by the loop's stop. The subsystems' state goes with us. */
    wsp__ovl_release(so);
    wsp__evsel_release(so);
    sock_free(so);
}

void wsp__sock_handle_gone(DWORD_PTR context) { wsp__sock_put((wsp__sock *)context); }

/* Give a new socket object its handle through the IFS upcall. With our own
 * dispatcher the object then lives as long as the handle does. On failure
 * the object is released. */
SOCKET wsp__sock_publish(wsp__sock *so, DWORD catalog_id, LPINT err) {
    SOCKET s = wsp__upcalls.lpWPUModifyIFSHandle(catalog_id, (SOCKET)(uintptr_t)so, err);
    if (s == INVALID_SOCKET) {
        wsp__sock_put(so);
        return INVALID_SOCKET;
    }
    so->handle = s;
    if (wsp__own_dispatcher)
        ws2__handle_set_destructor(s, wsp__sock_handle_gone);
    return s;
}

static BOOL known_type(int type) {
    return type == SOCK_STREAM || type == SOCK_DGRAM || type == SOCK_RAW || type == SOCK_RDM ||
           type == SOCK_SEQPACKET;
}

static BOOL known_family(int af) { return af == AF_INET || af == AF_INET6 || af == AF_UNIX; }

#define MULTIPOINT_FLAGS (WSA_FLAG_MULTIPOINT_C_ROOT | WSA_FLAG_MULTIPOINT_C_LEAF | \
                          WSA_FLAG_MULTIPOINT_D_ROOT | WSA_FLAG_MULTIPOINT_D_LEAF)

/* Exactly one control-plane and one data-plane role, each allowed by the
 * protocol: roots need the rooted plane, leaves need multipoint support. */
static int check_multipoint(DWORD flags, DWORD service_flags) {
    DWORD c = flags & (WSA_FLAG_MULTIPOINT_C_ROOT | WSA_FLAG_MULTIPOINT_C_LEAF);
    DWORD d = flags & (WSA_FLAG_MULTIPOINT_D_ROOT | WSA_FLAG_MULTIPOINT_D_LEAF);
    if (!(flags & MULTIPOINT_FLAGS))
        return 0;
    if (!(service_flags & XP1_SUPPORT_MULTIPOINT))
        return WSAEINVAL;
    if (c != WSA_FLAG_MULTIPOINT_C_ROOT && c != WSA_FLAG_MULTIPOINT_C_LEAF)
        return WSAEINVAL;
    if (d != WSA_FLAG_MULTIPOINT_D_ROOT && d != WSA_FLAG_MULTIPOINT_D_LEAF)
        return WSAEINVAL;
    if (c == WSA_FLAG_MULTIPOINT_C_ROOT && !(service_flags & XP1_MULTIPOINT_CONTROL_PLANE))
        return WSAEINVAL;
    if (d == WSA_FLAG_MULTIPOINT_D_ROOT && !(service_flags & XP1_MULTIPOINT_DATA_PLANE))
        return WSAEINVAL;
    return 0;
}

static int resolve(int given, int from_info) {
    return given == 0 || given == FROM_PROTOCOL_INFO ? from_info : given;
}

SOCKET WSPAPI wsp__WSPSocket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g,
                             DWORD dwFlags, LPINT lpErrno) {
    int err;
    if (wsp__blocking) {
        err = WSAEINPROGRESS;
        goto fail;
    }
    if (!wsp__loop_running()) {
        err = WSAENETDOWN;
        goto fail;
    }
    if (!lpProtocolInfo) {
        err = WSAEFAULT;
        goto fail;
    }
    /* A structure WSPDuplicateSocket made: claim the shared socket (share.c). */
    if (wsp__share_info(lpProtocolInfo))
        return wsp__share_claim(lpProtocolInfo, g, dwFlags, lpErrno);
    /* 0 and FROM_PROTOCOL_INFO take the structure's value; anything else is
     * the caller's explicit choice and wins. */
    af = resolve(af, lpProtocolInfo->iAddressFamily);
    type = resolve(type, lpProtocolInfo->iSocketType);
    protocol = resolve(protocol, lpProtocolInfo->iProtocol);
    if (!known_type(type)) {
        err = WSAESOCKTNOSUPPORT;
        goto fail;
    }
    if (!known_family(af)) {
        err = WSAEAFNOSUPPORT;
        goto fail;
    }
    if ((err = check_multipoint(dwFlags, lpProtocolInfo->dwServiceFlags1)) != 0)
        goto fail;
    wsp__sock *so = W2P_FAULT(W2P_FAULT_NOMEM) ? NULL : calloc(1, sizeof *so);
    if (!so) {
        err = WSAENOBUFS;
        goto fail;
    }
    so->af = af, so->type = type, so->protocol = protocol;
    so->flags = dwFlags;
    so->info = *lpProtocolInfo;
    atomic_init(&so->refs, 1); /* held by the handle until it is freed */
    /* g: 0 is no group, SG_* make one, a live group's id joins it, anything
     * else is WSAEINVAL. */
    if ((err = wsp__group_join(g, so, &so->group)) != 0) {
        free(so);
        goto fail;
    }
    if (common__fault_socket_errno)
        err = sys__wsa_error(common__fault_socket_errno);
    else if (W2P_FAULT(W2P_FAULT_NOBUFS))
        err = WSAENOBUFS;
    else
        /* Windows' raw entries take protocol 0 (IPPROTO_IP); Linux wants a
         * real one: 0 becomes IPPROTO_RAW, and the socket still reports 0. */
        err = sys__socket(af, type, type == SOCK_RAW && protocol == 0 ? IPPROTO_RAW : protocol, &so->fd);
    if (err) {
        wsp__group_leave(so->group);
        free(so);
        goto fail;
    }
    SOCKET s = wsp__sock_publish(so, lpProtocolInfo->dwCatalogEntryId, &err);
    if (s == INVALID_SOCKET)
        goto fail;
    return s;
fail:
    *lpErrno = err;
    return INVALID_SOCKET;
}

/* Wake the callers blocked on this handle (they see `closing` and fail with
 * WSAEINTR). A socket never duplicated: shut its descriptor down, when
 * someone else is in a call on it (blocked in recv, say). A duplicated one:
 * its wake eventfd, so that the other handles keep the connection; only a
 * wait it cannot reach (see `deaf`) still needs the shutdown. The
 * descriptor itself is closed only when the last of them lets go. */
static void wake_callers(wsp__sock *so) {
    int wake = wsp__wake_fd(so);
    if (wake >= 0)
        sys__eventfd_signal(wake);
    /* seq_cst: `closing` was stored before, a waiter counts itself deaf
     * before it looks at `closing` (wait.c): one of the two sees the other */
    if (atomic_load(&so->refs) > 2 && (wake < 0 || atomic_load(&so->deaf) > 0))
        sys__shutdown(so->fd, SD_BOTH);
}

int WSPAPI wsp__WSPCloseSocket(SOCKET s, LPINT lpErrno) {
    wsp__sock *so = wsp__sock_get(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    atomic_store(&so->closing, 1);
    /* Another handle of this process onto the socket lives on: so's pending
     * overlapped operations do too, until the last handle goes (F128). */
    if (!wsp__share_close(so)) {
        atomic_store(&so->aborting, 1);
        wsp__ovl_abort(so); /* pending overlapped operations complete, aborted (overlapped.c) */
    }
    wake_callers(so);
    wsp__upcalls.lpWPUCloseSocketHandle(s, lpErrno);
    if (!wsp__own_dispatcher)
        wsp__sock_put(so); /* no handle destructor will: drop the handle's reference */
    wsp__sock_put(so);
    return 0;
}
