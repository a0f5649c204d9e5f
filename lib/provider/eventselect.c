/*
 * Network events: WSPEventSelect, WSPEnumNetworkEvents and WSPAsyncSelect.
 * Fact ids (F...) refer to shared/reference/windows-behaviour.md (4.5).
 *
 * The model is AFD's. A socket's selection holds:
 *  - mask: the FD_* events asked for (WSAEventSelect / WSAAsyncSelect);
 *  - reported: events already recorded and not yet re-enabled. An event is
 *    recorded once, then not again until the call that re-enables it runs
 *    (recv for FD_READ, send failing with WSAEWOULDBLOCK for FD_WRITE,
 *    accept for FD_ACCEPT, recv(MSG_OOB) for FD_OOB, a new connect for
 *    FD_CONNECT; FD_CLOSE is never re-enabled): io.c and connect.c call
 *    wsp__evsel_reenable;
 *  - pending + errors (event mode): the record WSAEnumNetworkEvents returns
 *    and clears. In message mode each recorded event is a message instead,
 *    posted through the WPUPostMessage upcall.
 * Conditions are level-triggered, as on Windows: data that is already there,
 * a connection already made or waiting to be accepted is reported as soon as
 * the event is selected (F138, F140, F145).
 *
 * Readiness comes from the loop thread's watch (ready.c): evsel_want is the
 * poll interest that the enabled events need in the socket's state, and
 * wsp__evsel_ready turns what the descriptor is ready for into events. The
 * kernel's readiness is level-triggered too: a bit that woke us without
 * giving an event (data waiting while FD_READ is already reported, end of
 * stream after FD_CLOSE) would wake us again at once, so such a bit sits
 * out ("dormant") until the next re-enabling call or selection, which is
 * when the answer can change.
 *
 * Every field below is under `lock`; want/watch changes happen on the loop
 * thread only (requests posted with wsp__loop_post).
 *
 * Not modelled: new data arriving while FD_READ is reported but not yet
 * re-enabled does not record FD_READ again (Windows does in event mode,
 * Wine does not: F144), nor does a second urgent byte (F147). A peer that
 * closes while data is unread and FD_READ is already reported gets its
 * FD_CLOSE at the next recv rather than at once (F148).
 */
#include "io.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { MODE_NONE, MODE_EVENT, MODE_MSG }; /* the last selection's kind; mask 0 = cancelled */

typedef struct wsp__evsel_state {
    pthread_mutex_t lock;
    wsp__sock *so;          /* whose state this is */
    int mode;
    LONG mask;
    WSAEVENT event;         /* event mode */
    HWND hwnd;              /* message mode */
    unsigned int msg;
    LONG reported;          /* recorded, not yet re-enabled */
    LONG pending;           /* event mode: recorded, not yet enumerated */
    int errors[FD_MAX_EVENTS];
    int dormant;            /* WSP__READY_* bits that sit out (above) */
    int conn_failed;        /* the last connect attempt failed (reported) */
    _Atomic int update_queued;
    wsp__loop_req update;   /* "recompute the interest", posted by any thread */
} wsp__evsel_state;

#define SD_RECEIVE_BIT 1

static wsp__evsel_state *state_of(wsp__sock *so) { return __atomic_load_n(&so->evsel, __ATOMIC_ACQUIRE); }

static int is_stream(const wsp__sock *so) { return so->type == SOCK_STREAM || so->type == SOCK_SEQPACKET; }

/* ---- the interest: what the enabled events need polled ---- */

static int want_of(wsp__sock *so, wsp__evsel_state *st) {
    LONG on = st->mask & ~st->reported;
    if (!on || atomic_load(&so->closing))
        return 0;
    int want = 0;
    int state = atomic_load(&so->state);
    if (is_stream(so)) {
        switch (state) {
        case WSP__S_LISTENING:
            if (on & FD_ACCEPT)
                want |= WSP__READY_READ;
            break;
        case WSP__S_CONNECTING:
            /* Watch for the outcome, which every other event waits for. */
            if (!st->conn_failed)
                want |= WSP__READY_WRITE;
            break;
        case WSP__S_CONNECTED:
            if (on & (FD_READ | FD_CLOSE))
                want |= WSP__READY_READ;
            if (on & (FD_WRITE | FD_CONNECT))
                want |= WSP__READY_WRITE;
            if ((on & FD_OOB) && !wsp__oobinline(so))
                want |= WSP__READY_PRI;
            break;
        default:
            break; /* F137: neither listening nor connected: no events */
        }
    } else if (state != WSP__S_NEW) { /* F150: an unbound datagram socket has none */
        if (on & FD_READ)
            want |= WSP__READY_READ;
        if (on & (FD_WRITE | (state == WSP__S_CONNECTED ? FD_CONNECT : 0)))
            want |= WSP__READY_WRITE;
    }
    return want & ~st->dormant;
}

/* ---- recording ---- */

typedef struct {
    LONG events;
    int errors[FD_MAX_EVENTS];
} news;

static void add(news *n, int bit, int err) {
    n->events |= 1L << bit;
    n->errors[bit] = err;
}

/* Record what n holds that is selected and enabled; the events that are
 * new (to signal or post) are returned in *out. Under the lock. */
static void record(wsp__evsel_state *st, const news *n, news *out) {
    memset(out, 0, sizeof *out);
    LONG fresh = n->events & st->mask & ~st->reported;
    for (int bit = 0; bit < FD_MAX_EVENTS; bit++) {
        if (!(fresh & (1L << bit)))
            continue;
        st->reported |= 1L << bit;
        if (st->mode == MODE_EVENT) {
            st->pending |= 1L << bit;
            st->errors[bit] = n->errors[bit];
        }
        add(out, bit, n->errors[bit]);
    }
}

/* Tell the application, outside the lock: set the event, or post one
 * message per event, wParam the SOCKET and lParam
 * WSAMAKESELECTREPLY(event, error), in the order they happen: the connection
 * first, the close last. */
static void deliver(const news *out, int mode, WSAEVENT event, HWND hwnd, unsigned int msg, SOCKET s) {
    if (!out->events)
        return;
    if (mode == MODE_EVENT) {
        int ignored;
        if (wsp__upcalls.lpWPUSetEvent)
            wsp__upcalls.lpWPUSetEvent(event, &ignored);
        return;
    }
    if (mode != MODE_MSG || !wsp__upcalls.lpWPUPostMessage)
        return;
    static const int order[] = {FD_CONNECT_BIT, FD_ACCEPT_BIT, FD_READ_BIT, FD_OOB_BIT, FD_WRITE_BIT, FD_CLOSE_BIT};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (out->events & (1L << order[i])) {
            int bit = order[i];
            wsp__upcalls.lpWPUPostMessage(hwnd, msg, (WPARAM)s,
                                          (LPARAM)WSAMAKESELECTREPLY((WORD)(1u << bit), (WORD)out->errors[bit]));
        }
}

/* The error of a connect attempt that did not succeed: the kernel's, or
 * the one select/SO_ERROR collected already (options.c keeps it). */
static int connect_error(wsp__sock *so) {
    int v = 0, len = sizeof v;
    if (sys__getsockopt(so->fd, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v) {
        atomic_store(&so->error, v);
        return v;
    }
    v = atomic_load(&so->error);
    return v ? v : WSAECONNREFUSED;
}

/* What the descriptor's readiness means in the socket's state. */
static void conditions(wsp__sock *so, wsp__evsel_state *st, int ready, news *n) {
    memset(n, 0, sizeof *n);
    int state = atomic_load(&so->state);
    if (!is_stream(so)) {
        if (state == WSP__S_NEW)
            return;
        /* A pending error (an ICMP report) is what the next recv returns. */
        if (ready & (WSP__READY_READ | WSP__READY_ERR))
            add(n, FD_READ_BIT, 0);
        if (ready & WSP__READY_WRITE) {
            add(n, FD_WRITE_BIT, 0);
            if (state == WSP__S_CONNECTED)
                add(n, FD_CONNECT_BIT, 0); /* F150 */
        }
        return;
    }
    switch (state) {
    case WSP__S_LISTENING:
        if (ready & WSP__READY_READ)
            add(n, FD_ACCEPT_BIT, 0);
        return;
    case WSP__S_CONNECTING:
        if (!(ready & (WSP__READY_WRITE | WSP__READY_HUP | WSP__READY_ERR)))
            return;
        if (wsp__connect_settled(so)) {
            atomic_store(&so->error, 0);
            break; /* connected: FD_CONNECT and the rest below */
        }
        /* F139: the attempt failed; FD_CONNECT carries its error. */
        st->conn_failed = 1;
        add(n, FD_CONNECT_BIT, connect_error(so));
        return;
    case WSP__S_CONNECTED:
        break;
    default:
        return;
    }
    /* Connected. F138: FD_CONNECT once, however long ago that was. */
    add(n, FD_CONNECT_BIT, 0);
    if (ready & WSP__READY_ERR) {
        /* An error on a connected stream is a reset by the peer: F149. */
        add(n, FD_CLOSE_BIT, WSAECONNABORTED);
        return;
    }
    if (ready & (WSP__READY_READ | WSP__READY_HUP)) {
        u_long avail = 0;
        if (wsp__fionread(so, &avail) == 0 && avail > 0)
            add(n, FD_READ_BIT, 0);
        else if (!(ready & WSP__READY_PRI) && !(atomic_load(&so->shut) & SD_RECEIVE_BIT))
            add(n, FD_CLOSE_BIT, 0); /* readable with nothing to read: the peer closed (F148) */
        if ((ready & WSP__READY_HUP) && !(atomic_load(&so->shut) & SD_RECEIVE_BIT))
            add(n, FD_CLOSE_BIT, 0);
    }
    if (ready & WSP__READY_WRITE)
        add(n, FD_WRITE_BIT, 0);
    if (ready & WSP__READY_PRI)
        add(n, wsp__oobinline(so) ? FD_READ_BIT : FD_OOB_BIT, 0);
}

/* Loop thread: poll for what the enabled events need. */
static void apply_want(wsp__sock *so, wsp__evsel_state *st) {
    pthread_mutex_lock(&st->lock);
    int want = want_of(so, st);
    pthread_mutex_unlock(&st->lock);
    so->evsel_want = want;
    wsp__ready_update(so);
}

void wsp__evsel_ready(wsp__sock *so, int ready) {
    wsp__evsel_state *st = state_of(so);
    if (!st) {
        so->evsel_want = 0;
        wsp__ready_update(so);
        return;
    }
    news n, out;
    pthread_mutex_lock(&st->lock);
    int before = want_of(so, st);
    int mode = st->mode;
    WSAEVENT event = st->event;
    HWND hwnd = st->hwnd;
    unsigned int msg = st->msg;
    if (before) {
        conditions(so, st, ready & (before | WSP__READY_HUP | WSP__READY_ERR), &n);
        record(st, &n, &out);
    } else {
        memset(&out, 0, sizeof out);
    }
    /* Bits that would wake us again at once without news sit out. An error
     * stops libuv's poll and stays until the application meets it. */
    int seen = ready & (WSP__READY_READ | WSP__READY_WRITE | WSP__READY_PRI);
    if (ready & WSP__READY_HUP)
        seen |= WSP__READY_READ;
    if (ready & WSP__READY_ERR)
        seen |= WSP__READY_READ | WSP__READY_WRITE | WSP__READY_PRI;
    st->dormant |= seen & want_of(so, st);
    int want = want_of(so, st);
    pthread_mutex_unlock(&st->lock);
    deliver(&out, mode, event, hwnd, msg, so->handle);
    so->evsel_want = want;
    wsp__ready_update(so);
}

void wsp__evsel_release(wsp__sock *so) {
    wsp__evsel_state *st = state_of(so);
    if (!st)
        return;
    __atomic_store_n(&so->evsel, NULL, __ATOMIC_RELEASE);
    so->evsel_want = 0;
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* ---- asking the loop ---- */

static void run_update(wsp__loop_req *req) {
    wsp__evsel_state *st = (wsp__evsel_state *)((char *)req - offsetof(wsp__evsel_state, update));
    wsp__sock *so = st->so;
    atomic_store(&st->update_queued, 0);
    apply_want(so, st);
    wsp__sock_put(so); /* the request's reference; may free st (last one) */
}

/* Have the loop recompute so's interest. 0, or WSAENETDOWN. */
static int post_update(wsp__sock *so, wsp__evsel_state *st) {
    if (atomic_exchange(&st->update_queued, 1))
        return 0; /* one is on its way and will read the state afresh */
    atomic_fetch_add(&so->refs, 1);
    st->update.run = run_update;
    if (wsp__loop_post(&st->update) != 0) {
        atomic_store(&st->update_queued, 0);
        wsp__sock_put(so);
        return WSAENETDOWN;
    }
    return 0;
}

/* The socket's selection state, made on first use. */
static wsp__evsel_state *state_get(wsp__sock *so) {
    wsp__evsel_state *st = state_of(so);
    if (st)
        return st;
    st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    pthread_mutex_init(&st->lock, NULL);
    st->so = so;
    wsp__evsel_state *none = NULL;
    if (!__atomic_compare_exchange_n(&so->evsel, &none, st, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        pthread_mutex_destroy(&st->lock);
        free(st);
        return none; /* another thread's won */
    }
    return st;
}

/* ---- the calls of io.c and connect.c ---- */

void wsp__evsel_reenable(wsp__sock *so, LONG events) {
    wsp__evsel_state *st = state_of(so);
    if (!st)
        return; /* the common case: one load */
    pthread_mutex_lock(&st->lock);
    BOOL changed = (st->reported & events) || st->dormant || (events & WSP__EVSEL_STATE) ||
                   ((events & FD_CONNECT) && st->conn_failed);
    st->reported &= ~(events & FD_ALL_EVENTS);
    st->dormant = 0;
    if (events & FD_CONNECT)
        st->conn_failed = 0;
    changed = changed && st->mask;
    pthread_mutex_unlock(&st->lock);
    if (changed)
        post_update(so, st);
}

int wsp__evsel_active(wsp__sock *so) {
    wsp__evsel_state *st = state_of(so);
    if (!st)
        return 0;
    pthread_mutex_lock(&st->lock);
    int active = st->mask != 0;
    pthread_mutex_unlock(&st->lock);
    return active;
}

void wsp__evsel_inherit(wsp__sock *listener, wsp__sock *so) {
    wsp__evsel_state *l = state_of(listener);
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    int mode = l->mode;
    LONG mask = l->mask;
    WSAEVENT event = l->event;
    HWND hwnd = l->hwnd;
    unsigned int msg = l->msg;
    pthread_mutex_unlock(&l->lock);
    if (!mask)
        return;
    /* F142: the same event (or window), the same mask; non-blocking. */
    wsp__evsel_state *st = state_get(so);
    if (!st)
        return;
    atomic_store(&so->nonblocking, 1);
    pthread_mutex_lock(&st->lock);
    st->mode = mode;
    st->mask = mask;
    st->event = event;
    st->hwnd = hwnd;
    st->msg = msg;
    st->reported = FD_CONNECT; /* it never connected: no FD_CONNECT */
    pthread_mutex_unlock(&st->lock);
    post_update(so, st);
}

/* ---- WSPEventSelect / WSPAsyncSelect / WSPEnumNetworkEvents ---- */

static int select_events(SOCKET s, int mode, WSAEVENT event, HWND hwnd, unsigned int msg, LONG mask, LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err = 0;
    wsp__evsel_state *st = NULL;
    if (mask && mode == MODE_EVENT && (!event || event == WSA_INVALID_EVENT))
        err = WSAEINVAL;
    else if (mask && mode == MODE_MSG && !hwnd)
        err = WSAEINVAL;
    else if (!wsp__loop_running())
        err = WSAENETDOWN;
    else if (!(st = state_get(so)))
        err = WSAENOBUFS;
    if (err) {
        wsp__sock_put(so);
        return wsp__done(err, lpErrno);
    }
    /* Either call makes the socket non-blocking, even with mask 0, and it
     * stays so (the WSAEventSelect page). */
    atomic_store(&so->nonblocking, 1);
    wsp__kblock_never(so); /* the loop thread watches it now (io.c) */
    news now;
    memset(&now, 0, sizeof now);
    pthread_mutex_lock(&st->lock);
    if (mode == MODE_MSG || st->mode != MODE_EVENT) {
        /* Message mode reports again what was reported before the new
         * selection (F137, F140, F144), except a late FD_CONNECT (F138);
         * event mode does not, and keeps the record that was not
         * enumerated yet (F141, F145). */
        st->reported = mode == MODE_MSG && is_stream(so) && atomic_load(&so->state) == WSP__S_CONNECTED ? FD_CONNECT : 0;
        st->pending = 0;
    }
    st->mode = mode;
    st->mask = mask;
    st->event = mode == MODE_EVENT ? event : NULL;
    st->hwnd = mode == MODE_MSG ? hwnd : NULL;
    st->msg = msg;
    st->dormant = 0;
    /* F141: records not yet enumerated signal the new event at once. */
    if (mode == MODE_EVENT && (st->pending & mask))
        now.events = st->pending & mask;
    pthread_mutex_unlock(&st->lock);
    if (now.events) {
        int ignored;
        wsp__upcalls.lpWPUSetEvent(event, &ignored);
    }
    err = post_update(so, st);
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}

int WSPAPI wsp__WSPEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents, LPINT lpErrno) {
    return select_events(s, MODE_EVENT, hEventObject, NULL, 0, lNetworkEvents, lpErrno);
}

int WSPAPI wsp__WSPAsyncSelect(SOCKET s, HWND hWnd, unsigned int wMsg, LONG lEvent, LPINT lpErrno) {
    return select_events(s, MODE_MSG, NULL, hWnd, wMsg, lEvent, lpErrno);
}

int WSPAPI wsp__WSPEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents,
                                     LPINT lpErrno) {
    wsp__sock *so = wsp__enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err = 0;
    if (!lpNetworkEvents) {
        err = WSAEFAULT;
    } else {
        wsp__evsel_state *st = state_of(so);
        LONG events = 0;
        if (st)
            pthread_mutex_lock(&st->lock);
        /* Reset first, under the lock the loop records under: an event
         * recorded after this is signalled again, none is lost. */
        if (hEventObject) {
            int e;
            if (!wsp__upcalls.lpWPUResetEvent(hEventObject, &e))
                err = WSAEINVAL;
        }
        if (st && !err) {
            /* F145: only what is selected; the rest stays recorded. F136:
             * iErrorCode only for the bits reported. */
            events = st->pending & st->mask;
            st->pending &= ~events;
            for (int bit = 0; bit < FD_MAX_EVENTS; bit++)
                if (events & (1L << bit))
                    lpNetworkEvents->iErrorCode[bit] = st->errors[bit];
        }
        if (st)
            pthread_mutex_unlock(&st->lock);
        if (!err)
            lpNetworkEvents->lNetworkEvents = events;
    }
    wsp__sock_put(so);
    return wsp__done(err, lpErrno);
}
