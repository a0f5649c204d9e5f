/*
 * Connections: WSPBind, WSPListen, WSPAccept, WSPConnect, WSPShutdown,
 * WSPSendDisconnect / WSPRecvDisconnect, WSPGetSockName / WSPGetPeerName.
 *
 * The socket's `state` remembers what Winsock answers from: a listening
 * socket refuses connect (WSAEINVAL), a connected one refuses a second
 * connect (WSAEISCONN) even after shutdown, and so on. The kernel has the
 * last word wherever its answer already is Winsock's. Fact ids (F...) refer
 * to the Windows behaviour reference (shared/reference/windows-behaviour.md).
 */
#include "io.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A connection taken off the kernel's queue that WSAAccept's condition
 * function deferred (CF_DEFER): the next accept hands it out. */
typedef struct wsp__deferred {
    int fd;
    int addrlen;
    char addr[SYS_W_SOCKADDR_MAX];
} wsp__deferred;

static int addr_size(int af) {
    switch (af) {
    case AF_INET:
        return (int)sizeof(SOCKADDR_IN);
    case AF_INET6:
        return (int)sizeof(SOCKADDR_IN6);
    default:
        return (int)sizeof(u_short); /* AF_UNIX: a family at least */
    }
}

static void set_state_if(wsp__sock *so, int from, int to) {
    atomic_compare_exchange_strong(&so->state, &from, to);
}

/* ---- bind / listen ---- */

int WSPAPI wsp__WSPBind(SOCKET s, const struct sockaddr *name, int namelen, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err;
    /* F196: NULL, 0 or a length shorter than the family's address is
     * WSAEFAULT; F201: for IPv6 the old 24-byte sockaddr_in6 too. */
    if (!name || namelen < addr_size(so->af))
        err = WSAEFAULT;
    else
        err = sys__bind(so->fd, name, namelen); /* F197 WSAEAFNOSUPPORT, F198, F199 WSAEINVAL, F200 */
    /* F204: asking for SO_REUSEADDR where a socket without it holds the
     * address is WSAEACCES, not WSAEADDRINUSE. (Had both asked for it, the
     * bind would have succeeded.) */
    if (err == WSAEADDRINUSE && atomic_load(&so->reuseaddr))
        err = WSAEACCES;
    /* F206: the port is held by an exclusive wildcard bind (of this
     * process: the only ones known here) */
    if (err == WSAEADDRINUSE && wsp__excl_denies(so, name))
        err = WSAEACCES;
    if (!err) {
        wsp__excl_bound(so);
        set_state_if(so, WSP__S_NEW, WSP__S_BOUND);
        wsp__evsel_reenable(so, WSP__EVSEL_STATE); /* a bound datagram socket has events (F137) */
    }
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

int WSPAPI wsp__WSPListen(SOCKET s, int backlog, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err;
    if (so->type != SOCK_STREAM && so->type != SOCK_SEQPACKET)
        err = WSAEOPNOTSUPP; /* F208 */
    else if (atomic_load(&so->state) == WSP__S_CONNECTED)
        /* The listen page says WSAEISCONN; Windows' AFD refuses a connected
         * socket as an invalid parameter (WSAEINVAL), which we follow. */
        err = WSAEINVAL;
    else if ((err = sys__listen(so->fd, backlog)) == WSAEISCONN) /* F209: unbound -> WSAEINVAL */
        err = WSAEINVAL;
    if (!err) {
        atomic_store(&so->state, WSP__S_LISTENING); /* F211: again is fine */
        wsp__evsel_reenable(so, WSP__EVSEL_STATE); /* FD_ACCEPT is watched now */
    }
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

/* ---- accept ---- */

void wsp__accept_forget(wsp__sock *so) {
    wsp__deferred *d = atomic_exchange(&so->deferred, NULL);
    if (d) {
        sys__close(d->fd);
        free(d);
    }
}

/* The accepted connection as a socket of this provider, made as WSPSocket
 * makes one (handle through WPUModifyIFSHandle), inheriting what Windows
 * passes on from the listener (F216: the kernel clones the options; the
 * provider's own modes are copied here). */
static int make_accepted(wsp__sock *l, int fd, SOCKET *out) {
    wsp__sock *n = calloc(1, sizeof *n);
    if (!n) {
        sys__close(fd);
        return WSAENOBUFS;
    }
    n->fd = fd;
    n->af = l->af, n->type = l->type, n->protocol = l->protocol;
    n->flags = l->flags;
    n->info = l->info;
    atomic_init(&n->refs, 1);
    atomic_init(&n->nonblocking, atomic_load(&l->nonblocking));
    atomic_init(&n->rcvtimeo, atomic_load(&l->rcvtimeo));
    atomic_init(&n->sndtimeo, atomic_load(&l->sndtimeo));
    atomic_init(&n->exclusive, atomic_load(&l->exclusive));
    atomic_init(&n->reuseaddr, atomic_load(&l->reuseaddr));
    atomic_init(&n->state, WSP__S_CONNECTED);
    int err = WSAENOBUFS;
    SOCKET s = wsp__sock_publish(n, l->info.dwCatalogEntryId, &err);
    if (s == INVALID_SOCKET)
        return err;
    wsp__evsel_inherit(l, n); /* F142: the listener's WSAEventSelect/WSAAsyncSelect */
    *out = s;
    return 0;
}

/* Refuse a connection the condition function rejected: a reset, as the
 * connection was already made at the TCP level. */
static void refuse(int fd) {
    struct linger lg = {1, 0};
    (void)sys__setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, (int)sizeof lg);
    sys__close(fd);
}

/* Ask WSAAccept's condition function; 0 to accept, else the WSA code. As
 * Windows' msafd does: caller id = the peer's address, callee id = ours,
 * no connect data (NULL), no QOS (NULL), group 0. */
static int ask(wsp__sock *l, int fd, char *peer, int peerlen, LPCONDITIONPROC cond, DWORD_PTR data) {
    char local[SYS_W_SOCKADDR_MAX];
    int locallen = sizeof local;
    if (sys__getsockname(fd, local, &locallen) != 0)
        locallen = 0;
    WSABUF caller = {(ULONG)peerlen, peer}, callee = {(ULONG)locallen, local};
    GROUP g = 0;
    int verdict = cond(&caller, NULL, NULL, NULL, &callee, NULL, &g, data);
    if (verdict == CF_ACCEPT)
        return 0;
    if (verdict == CF_DEFER) {
        /* F215: WSATRY_AGAIN, and the next accept returns this one. */
        wsp__deferred *d = malloc(sizeof *d);
        void *none = NULL; /* the type of l->deferred */
        if (d) {
            d->fd = fd;
            d->addrlen = peerlen;
            memcpy(d->addr, peer, (size_t)peerlen);
        }
        if (!d || !atomic_compare_exchange_strong(&l->deferred, &none, d)) {
            free(d); /* one deferred at a time (another thread's won) */
            refuse(fd);
        }
        return WSATRY_AGAIN;
    }
    refuse(fd);
    /* [Wine impl] CF_REJECT -> WSAECONNREFUSED; any other answer is an
     * invalid condition function result (WSAEINVAL, per the reference). */
    return verdict == CF_REJECT ? WSAECONNREFUSED : WSAEINVAL;
}

SOCKET WSPAPI wsp__WSPAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen, LPCONDITIONPROC lpfnCondition,
                             DWORD_PTR dwCallbackData, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return INVALID_SOCKET;
    SOCKET r = INVALID_SOCKET;
    int err;
    /* F213: accept(l, &ss, NULL) succeeds and leaves ss alone; the address
     * is returned only when both are given. */
    if (!addrlen)
        addr = NULL;
    if (so->type != SOCK_STREAM && so->type != SOCK_SEQPACKET) {
        err = WSAEOPNOTSUPP;
    } else if (atomic_load(&so->state) != WSP__S_LISTENING) {
        err = WSAEINVAL; /* [Wine impl], reference page: listen not called */
    } else if (addr && *addrlen < addr_size(so->af)) {
        err = WSAEFAULT; /* F213: checked before a connection is taken; *addrlen stays */
    } else {
        wsp__timer t = {0, 0};
        char peer[SYS_W_SOCKADDR_MAX];
        int peerlen, fd;
        for (;;) {
            peerlen = sizeof peer;
            wsp__deferred *d = atomic_exchange(&so->deferred, NULL);
            if (d) {
                fd = d->fd;
                peerlen = d->addrlen;
                memcpy(peer, d->addr, (size_t)peerlen);
                free(d);
                err = 0;
            } else {
                err = sys__accept(so->fd, peer, &peerlen, &fd);
                /* Closed (and shut down) between our entry and the system
                 * call: Linux says EINVAL; the caller was blocked in accept. */
                if (err && err != WSAEWOULDBLOCK && atomic_load(&so->closing))
                    err = WSAEINTR;
                if (err == WSAEWOULDBLOCK && (err = wsp__would_block(so, WSP__WAIT_READ, &t, NULL)) == 0)
                    continue;
                if (err)
                    break;
            }
            if (lpfnCondition && (err = ask(so, fd, peer, peerlen, lpfnCondition, dwCallbackData)) != 0)
                break;
            if ((err = make_accepted(so, fd, &r)) != 0)
                break;
            if (addr) {
                memcpy(addr, peer, (size_t)(peerlen < *addrlen ? peerlen : *addrlen));
                *addrlen = peerlen; /* F213: the storage's size shrinks to 16 */
            }
            break;
        }
    }
    /* WSAEventSelect: accept re-enables FD_ACCEPT (F140). */
    if (!err || err == WSAEWOULDBLOCK || err == WSATRY_AGAIN)
        wsp__evsel_reenable(so, FD_ACCEPT);
    wsp__sock_put(so);
    if (err) {
        *lpErrno = err;
        return INVALID_SOCKET;
    }
    return r;
}

/* ---- connect ---- */

int wsp__connect_settled(wsp__sock *so) {
    char peer[SYS_W_SOCKADDR_MAX];
    int len = sizeof peer;
    if (sys__getpeername(so->fd, peer, &len) != 0)
        return 0;
    set_state_if(so, WSP__S_CONNECTING, WSP__S_CONNECTED);
    return 1;
}

/* Errors that end a connection attempt (as opposed to refusing the call). */
static int attempt_failed(int err) {
    switch (err) {
    case WSAECONNREFUSED:
    case WSAETIMEDOUT:
    case WSAENETUNREACH:
    case WSAEHOSTUNREACH:
    case WSAECONNRESET:
    case WSAECONNABORTED:
    case WSAENETDOWN:
    case WSAEHOSTDOWN:
        return 1;
    default:
        return 0;
    }
}

/* F219: while a connect() is in progress, Windows' getpeername already
 * answers with the address being connected to (Linux says ENOTCONN), so
 * the attempt remembers it, as the kernel will report it: the family's
 * size, nothing of the caller's padding.
 *
 * A getpeername on another thread may be copying the address while a new
 * attempt rewrites it: a socket stays "connecting" after a failed attempt
 * until the next connect() starts another one, and a reader that saw the
 * old length copies after its poll. The copy and the rewrite hold one of a
 * few locks shared by all sockets (wsp__sock has no field for one; both
 * sides are rare: a connect that would block, a getpeername meanwhile). */
static pthread_mutex_t target_locks[8] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                          PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                          PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                          PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};

static pthread_mutex_t *target_lock(const wsp__sock *so) {
    return &target_locks[((uintptr_t)so >> 6) % (sizeof target_locks / sizeof target_locks[0])];
}

static void remember_target(wsp__sock *so, const struct sockaddr *name, int namelen) {
    int len = so->af == AF_INET || so->af == AF_INET6 ? addr_size(so->af) : namelen;
    if (len > namelen)
        len = namelen;
    if (len > (int)sizeof so->connect_to)
        len = (int)sizeof so->connect_to;
    pthread_mutex_t *lock = target_lock(so);
    pthread_mutex_lock(lock);
    atomic_store(&so->connect_tolen, 0);
    memset(&so->connect_to, 0, sizeof so->connect_to);
    memcpy(&so->connect_to, name, (size_t)len);
    if (so->af == AF_INET && len == (int)sizeof(SOCKADDR_IN))
        memset(((SOCKADDR_IN *)&so->connect_to)->sin_zero, 0, sizeof((SOCKADDR_IN *)0)->sin_zero);
    else if (so->af == AF_INET6 && len == (int)sizeof(SOCKADDR_IN6))
        ((SOCKADDR_IN6 *)&so->connect_to)->sin6_flowinfo = 0;
    atomic_store(&so->connect_tolen, len);
    pthread_mutex_unlock(lock);
}

static int connect_stream(wsp__sock *so, const struct sockaddr *name, int namelen) {
    int before = atomic_load(&so->state);
    if (before == WSP__S_LISTENING)
        return WSAEINVAL; /* F212 */
    if (before == WSP__S_CONNECTED)
        return WSAEISCONN; /* F218, F228 (after shutdown too) */
    if (before == WSP__S_CONNECTING && atomic_load(&so->connect_tolen) < 0)
        return WSAEINVAL; /* F219: a ConnectEx is pending */
    int err = sys__connect(so->fd, name, namelen);
    if (before == WSP__S_CONNECTING) {
        if (err == WSAEISCONN || err == 0) {
            /* the non-blocking connect made earlier has completed */
            atomic_store(&so->state, WSP__S_CONNECTED);
            return WSAEISCONN;
        }
        if (err == WSAEALREADY)
            return WSAEALREADY; /* F219: still in progress */
        if (attempt_failed(err)) {
            /* F166, F221: the earlier attempt failed (SO_ERROR keeps its
             * code); this call starts anew. */
            atomic_store(&so->error, err);
            atomic_store(&so->state, WSP__S_BOUND);
            err = sys__connect(so->fd, name, namelen);
        }
        /* WSAEWOULDBLOCK: the failure was collected already (select,
         * SO_ERROR) and the kernel started the new attempt itself. */
    }
    if (err == 0) {
        atomic_store(&so->state, WSP__S_CONNECTED);
        atomic_store(&so->error, 0);
        return 0;
    }
    if (err == WSAEISCONN) {
        atomic_store(&so->state, WSP__S_CONNECTED);
        return err;
    }
    if (err != WSAEWOULDBLOCK)
        return err; /* F165 WSAECONNREFUSED ... */
    remember_target(so, name, namelen);
    atomic_store(&so->state, WSP__S_CONNECTING);
    if (atomic_load(&so->nonblocking))
        return WSAEWOULDBLOCK; /* F166; completion shows in select / SO_ERROR */
    /* Blocking: wait for the outcome (no timeout: SO_SNDTIMEO does not
     * apply to connect; the kernel gives up on its own), then collect it by
     * asking again. */
    wsp__timer t = {0, 0};
    for (;;) {
        if ((err = wsp__wait(so, WSP__WAIT_WRITE, &t, NULL)) != 0)
            return err; /* WSAEINTR: closed by another thread */
        err = sys__connect(so->fd, name, namelen);
        if (err == WSAEALREADY || err == WSAEWOULDBLOCK)
            continue;
        if (err == 0 || err == WSAEISCONN) {
            atomic_store(&so->state, WSP__S_CONNECTED);
            atomic_store(&so->error, 0);
            return 0;
        }
        set_state_if(so, WSP__S_CONNECTING, before == WSP__S_NEW ? WSP__S_NEW : WSP__S_BOUND);
        return err;
    }
}

/* Linux's dissolve gives back a port that only an implicit bind (connect,
 * sendto) held, leaving the socket unbound; on Windows a socket once bound
 * stays bound (the facts are silent: this is what a Winsock program, which
 * goes on receiving on its port, expects). Bind it again: the same port,
 * the family's any address. */
static void keep_port(wsp__sock *so, char *local, int len) {
    char now[SYS_W_SOCKADDR_MAX];
    int nowlen = sizeof now;
    if (sys__getsockname(so->fd, now, &nowlen) == 0)
        return; /* bound by bind(): Linux kept it */
    if (so->af == AF_INET) {
        ((SOCKADDR_IN *)local)->sin_addr.s_addr = htonl(INADDR_ANY);
    } else if (so->af == AF_INET6) {
        SOCKADDR_IN6 *in6 = (SOCKADDR_IN6 *)local;
        memset(&in6->sin6_addr, 0, sizeof in6->sin6_addr);
        in6->sin6_flowinfo = 0, in6->sin6_scope_id = 0;
    } else {
        return;
    }
    if (sys__bind(so->fd, local, len) != 0)
        atomic_store(&so->state, WSP__S_NEW); /* taken meanwhile: unbound, as Linux left it */
}

static int connect_datagram(wsp__sock *so, const struct sockaddr *name, int namelen) {
    /* F222: connect binds implicitly, may be repeated, and a connect to the
     * zero address (or AF_UNSPEC) dissolves the association. */
    char local[SYS_W_SOCKADDR_MAX];
    int locallen = sizeof local;
    int bound = sys__getsockname(so->fd, local, &locallen) == 0;
    wsp__bcast_unforce(so);
    int err = sys__connect(so->fd, name, namelen);
    if (err == WSAEACCES)
        err = wsp__bcast_connect(so, name, namelen); /* F238: a broadcast address */
    if (!err) {
        char peer[SYS_W_SOCKADDR_MAX];
        int len = sizeof peer;
        int connected = sys__getpeername(so->fd, peer, &len) == 0;
        atomic_store(&so->state, connected ? WSP__S_CONNECTED : bound ? WSP__S_BOUND : WSP__S_NEW);
        if (!connected && bound)
            keep_port(so, local, locallen);
    }
    return err;
}

int WSPAPI wsp__WSPConnect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF lpCallerData,
                           LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS, LPINT lpErrno) {
    (void)lpSQOS, (void)lpGQOS; /* no QOS here: the requests are not honoured */
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err;
    if (!name || namelen <= 0)
        err = WSAEFAULT;
    else if (lpCallerData && lpCallerData->len && !(so->info.dwServiceFlags1 & XP1_CONNECT_DATA))
        err = WSAENOPROTOOPT; /* connect data: not a TCP/IP feature */
    else if (so->type == SOCK_STREAM || so->type == SOCK_SEQPACKET)
        err = connect_stream(so, name, namelen);
    else
        err = connect_datagram(so, name, namelen);
    if (!err && lpCalleeData)
        lpCalleeData->len = 0; /* no connect data came back */
    /* WSAEventSelect: a new attempt gets its own FD_CONNECT, and the new
     * state is watched. */
    if (!err || err == WSAEWOULDBLOCK)
        wsp__evsel_reenable(so, FD_CONNECT | WSP__EVSEL_STATE);
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

/* ---- shutdown ---- */

static int shut_down(wsp__sock *so, int how) {
    if (how != SD_RECEIVE && how != SD_SEND && how != SD_BOTH)
        return WSAEINVAL; /* F227 */
    int err;
    if (so->type == SOCK_STREAM || so->type == SOCK_SEQPACKET) {
        int st = atomic_load(&so->state);
        if (st == WSP__S_CONNECTING && wsp__connect_settled(so))
            st = WSP__S_CONNECTED;
        if (st != WSP__S_CONNECTED)
            return WSAENOTCONN; /* F225: unconnected, connecting or listening */
        /* F230: SD_RECEIVE is Winsock's own: later receives fail (`shut`,
         * io.c), but a receive already pending still gets the data that
         * comes, so the kernel's read side stays open. */
        err = how == SD_RECEIVE ? 0 : sys__shutdown(so->fd, SD_SEND);
        if (err == WSAENOTCONN)
            err = 0; /* F226: the connection has gone since; Windows still says 0 */
    } else {
        /* F231: a datagram socket shuts down whether bound, connected or
         * neither. */
        err = sys__shutdown(so->fd, how);
        if (err == WSAENOTCONN)
            err = 0;
    }
    if (!err)
        atomic_fetch_or(&so->shut, how == SD_RECEIVE ? 1 : how == SD_SEND ? 2 : 3);
    return err;
}

int WSPAPI wsp__WSPShutdown(SOCKET s, int how, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err = shut_down(so, how);
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

/* TCP/IP has no disconnect data: WSASendDisconnect with some is refused
 * (WSAENOPROTOOPT, as its reference page says); otherwise these are
 * shutdown(SD_SEND) and shutdown(SD_RECEIVE). */
int WSPAPI wsp__WSPSendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err;
    if (lpOutboundDisconnectData && lpOutboundDisconnectData->len &&
        !(so->info.dwServiceFlags1 & XP1_DISCONNECT_DATA))
        err = WSAENOPROTOOPT;
    else
        err = shut_down(so, SD_SEND);
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

int WSPAPI wsp__WSPRecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err = shut_down(so, SD_RECEIVE);
    if (!err && lpInboundDisconnectData && !(so->info.dwServiceFlags1 & XP1_DISCONNECT_DATA))
        lpInboundDisconnectData->len = 0; /* none came */
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

/* ---- names ---- */

/* The state is checked before the caller's pointers (F202, F203), and a
 * short buffer is WSAEFAULT with *namelen left as it was (F202). */
static int give_name(int err, const char *buf, int len, struct sockaddr *name, LPINT namelen) {
    if (err)
        return err;
    if (!name || !namelen || *namelen < len)
        return WSAEFAULT;
    memcpy(name, buf, (size_t)len);
    *namelen = len;
    return 0;
}

int WSPAPI wsp__WSPGetSockName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    char buf[SYS_W_SOCKADDR_MAX];
    int len = sizeof buf;
    int err = sys__getsockname(so->fd, buf, &len); /* F202: unbound WSAEINVAL */
    err = give_name(err, buf, len, name, namelen);
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

/* The connect() in progress (F219): its target while the kernel has no
 * outcome yet (not writable, no error, no hang-up); a failed attempt is
 * not connected to anything, as the kernel then says. ConnectEx's attempt
 * has no target remembered: WSAENOTCONN meanwhile, as on Windows. */
static int connecting_to(wsp__sock *so, char *buf, int *len) {
    int ready = 0;
    if (atomic_load(&so->state) != WSP__S_CONNECTING || atomic_load(&so->connect_tolen) <= 0)
        return 0;
    if (sys__wait_writable(so->fd, -1, 0, &ready) != 0 || ready)
        return 0;
    /* The length again, with the address, under the lock a new attempt
     * writes them under (remember_target). */
    pthread_mutex_t *lock = target_lock(so);
    pthread_mutex_lock(lock);
    int n = atomic_load(&so->connect_tolen);
    int copied = n > 0 && n <= *len;
    if (copied) {
        memcpy(buf, &so->connect_to, (size_t)n);
        *len = n;
    }
    pthread_mutex_unlock(lock);
    return copied;
}

int WSPAPI wsp__WSPGetPeerName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    char buf[SYS_W_SOCKADDR_MAX];
    int len = sizeof buf;
    int err = 0;
    if (!connecting_to(so, buf, &len))
        err = sys__getpeername(so->fd, buf, &len); /* F203 */
    err = give_name(err, buf, len, name, namelen);
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}
