/*
 * WSPSelect and WSAPoll over the base provider's sockets.
 *
 * Both ask poll(2) (through the seam) about the descriptors, then turn what
 * the kernel says into what Windows says, which depends on the socket's
 * state as well as on the bits (fact ids F... from
 * shared/reference/windows-behaviour.md):
 *  - a stream socket that is neither listening nor connected is never ready,
 *    although Linux calls it writable and hung up (F153);
 *  - a listening socket is readable when a connection waits (F161);
 *  - a connect in progress that succeeded is writable; one that failed is in
 *    exceptfds (WSAPoll: POLLWRNORM|POLLHUP|POLLERR), and its error is kept
 *    for SO_ERROR, which Windows does not clear on reading (F166, F180);
 *  - urgent data is in exceptfds / POLLRDBAND, unless SO_OOBINLINE puts it
 *    in the normal stream (F163, F177);
 *  - end of stream (peer closed or reset) is readable for select and
 *    POLLHUP for WSAPoll (F164, F172, F178).
 * A descriptor the kernel calls ready while Windows does not (a fresh TCP
 * socket is "hung up" on Linux) would make poll return at once, again and
 * again; such descriptors sit out the next wait, which is then cut into
 * slices of STALE_SLICE_MS so that they are looked at again.
 *
 * closesocket from another thread during select/WSAPoll: every socket in
 * the sets is held by a reference for the whole call, so the descriptor
 * stays open (never reused) until select returns. WSPCloseSocket marks the
 * socket closing and shuts the descriptor down, which wakes poll (or, for a
 * duplicated socket, whose descriptor other handles keep using, sets its
 * wake eventfd, which the wait polls too). The socket
 * then counts as readable in readfds (F169) and as POLLNVAL in WSAPoll
 * (F179); in writefds/exceptfds only, it is not ready, and if nothing else
 * is, select fails with WSAENOTSOCK (F169). A socket that sat out a wait
 * (above) is seen closing within STALE_SLICE_MS.
 *
 * The wait is alertable, as on Windows (F157, F179): completion routines
 * queued to the thread run while nothing is ready, and the wait goes on
 * (select and WSAPoll still return their count, not WSA_WAIT_IO_COMPLETION).
 * When something is ready at once, nothing runs (F157). The thread's APC
 * eventfd is the last entry of the poll set (with our own dispatcher only).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "wsp.h"
#include "ws2/apc.h"
#include "ws2/handles.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STALE_SLICE_MS 20
/* Sets up to this many entries in all live on the stack (no malloc). */
#define STACK_ITEMS 64

/* Windows' view of a socket. */
enum {
    V_READ = 1,      /* normal data, or a connection to accept */
    V_OOB = 2,       /* urgent data kept out of line */
    V_WRITE = 4,     /* room to send */
    V_HUP = 8,       /* end of stream: the peer closed, or reset */
    V_ERR = 16,      /* reset, or a failed connect */
    V_CONNFAIL = 32, /* a connect in progress failed */
    V_CLOSED = 64,   /* closed by closesocket meanwhile */
};

/* Roles of a select entry. */
enum { R_READ = 1, R_WRITE = 2, R_EXCEPT = 4 };

typedef struct item {
    wsp__sock *so; /* NULL: not a socket of ours (WSAPoll: POLLNVAL) */
    short events;  /* WSAPoll bits asked of the kernel */
    short revents; /* what the kernel said last */
    int role;      /* select: R_*; WSAPoll: the caller's events */
    int view;      /* V_* */
    int ready;     /* what ready() said of view */
} item;

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* look() fences once after its poll (pairs with WSPCloseSocket). */
static int closing(wsp__sock *so) { return atomic_load(&so->closing); }

/* A connect in progress ended in failure: keep its error for SO_ERROR. */
static void connect_failed(wsp__sock *so) {
    int v = 0, len = sizeof v;
    if (sys__getsockopt(so->fd, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v)
        atomic_store(&so->error, v);
}

static int view_of(wsp__sock *so, short rev) {
    if (closing(so) || (rev & POLLNVAL))
        return V_CLOSED;
    if (!rev)
        return 0; /* most of a select's sockets: nothing to see */
    int v = 0;
    if (so->type != SOCK_STREAM) {
        /* A pending error (an ICMP report) is what the next recv returns. */
        if (rev & (POLLRDNORM | POLLERR))
            v |= V_READ;
        if (rev & POLLWRNORM)
            v |= V_WRITE;
        return v;
    }
    int st = atomic_load(&so->state);
    switch (st) {
    case WSP__S_LISTENING:
        return rev & POLLRDNORM ? V_READ : 0;
    case WSP__S_CONNECTING:
        if (rev & (POLLERR | POLLHUP)) {
            connect_failed(so);
            return V_CONNFAIL | V_ERR | V_HUP | V_WRITE;
        }
        if (!(rev & POLLWRNORM))
            return 0; /* still in progress */
        /* Connected: the state follows, and an earlier failure is over. */
        if (atomic_compare_exchange_strong(&so->state, &st, WSP__S_CONNECTED))
            atomic_store(&so->error, 0);
        break;
    case WSP__S_CONNECTED:
        break;
    default:
        return 0; /* F153: neither listening nor connected */
    }
    if (rev & POLLERR)
        v |= V_ERR | V_HUP; /* reset */
    if (rev & POLLHUP)
        v |= V_HUP;
    if (rev & POLLRDNORM) {
        /* Readable with nothing to read is the end of the stream. Without
         * a hang-up (SYS_POLL_RDHUP, POLLHUP) or an error, readable is data:
         * no FIONREAD then. */
        u_long n = 1;
        if (!(rev & (SYS_POLL_RDHUP | POLLHUP | POLLERR)))
            v |= V_READ;
        else if (wsp__fionread(so, &n) == 0 && n == 0 && !(rev & POLLRDBAND))
            v |= V_HUP;
        else
            v |= V_READ;
    }
    if (rev & POLLRDBAND)
        v |= wsp__oobinline(so) ? V_READ : V_OOB;
    if (rev & POLLWRNORM)
        v |= V_WRITE;
    return v;
}

/* ---- the wait, shared by select and WSAPoll ---- */

typedef int (*ready_fn)(const item *it);

/* Poll every item without waiting and compute the views. *stale gets the
 * number of items the kernel calls ready while Windows does not. */
static int look(item *items, size_t n, sys_pollfd_t *pfds, ready_fn ready, int *nready, int *nstale) {
    for (size_t i = 0; i < n; i++) {
        pfds[i].fd = items[i].so ? items[i].so->fd : -1;
        /* A stream's end shows as RDHUP beside readable (view_of). */
        pfds[i].w_events = (short)(items[i].events | (items[i].events & POLLRDNORM ? SYS_POLL_RDHUP : 0));
        pfds[i].w_revents = 0;
    }
    int count = 0;
    int err = sys__poll(pfds, (uint32_t)n, 0, &count);
    if (err)
        return err;
    atomic_thread_fence(memory_order_seq_cst); /* one for every closing() */
    *nready = *nstale = 0;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].so)
            continue;
        items[i].revents = pfds[i].w_revents;
        items[i].view = view_of(items[i].so, pfds[i].w_revents);
        items[i].ready = items[i].view && ready(&items[i]); /* nothing seen: ready for nobody */
        if (items[i].ready || (items[i].view & V_CLOSED))
            ++*nready; /* a socket closed meanwhile ends the wait (F169) */
        else if (pfds[i].w_revents || items[i].view)
            ++*nstale;
    }
    return 0;
}

/* Wait until some item is ready (ready() says which) or timeout_ms has
 * passed (-1: forever). 0 or a WSA code. */
static int wait_items(item *items, size_t n, int timeout_ms, ready_fn ready) {
    /* the items, the APC eventfd, and the items' wake eventfds */
    sys_pollfd_t stack[2 * STACK_ITEMS + 1];
    sys_pollfd_t *pfds = n <= STACK_ITEMS ? stack : calloc(2 * n + 1, sizeof *pfds);
    if (!pfds)
        return WSAENOBUFS;
    int apc_fd = -2; /* asked for at the first wait */
    /* The clock is read only for a timed wait (not for select's quick look). */
    int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
    int err;
    for (;;) {
        int nready, nstale;
        if ((err = look(items, n, pfds, ready, &nready, &nstale)) != 0 || nready)
            break;
        int slice = -1;
        if (timeout_ms >= 0) {
            int64_t left = timeout_ms ? deadline - now_ms() : 0;
            if (left <= 0)
                break;
            slice = left > INT_MAX ? INT_MAX : (int)left;
        }
        /* Wait on the descriptors whose next change matters; the others
         * (already "ready" for the kernel) sit out, in short slices. */
        for (size_t i = 0; i < n; i++)
            if (pfds[i].w_revents || !items[i].so)
                pfds[i].fd = -1;
        if (nstale && (slice < 0 || slice > STALE_SLICE_MS))
            slice = STALE_SLICE_MS;
        if (apc_fd == -2)
            apc_fd = wsp__own_dispatcher ? ws2__apc_wake_fd() : -1;
        pfds[n] = (sys_pollfd_t){.fd = apc_fd, .w_events = POLLRDNORM};
        uint32_t np = (uint32_t)n + 1;
        for (size_t i = 0; i < n; i++) {
            int wake = items[i].so ? wsp__wake_fd(items[i].so) : -1;
            if (wake >= 0)
                pfds[np++] = (sys_pollfd_t){.fd = wake, .w_events = POLLRDNORM};
        }
        int count;
        if ((err = sys__poll(pfds, np, slice, &count)) != 0)
            break;
        if (apc_fd >= 0 && pfds[n].w_revents)
            ws2__apc_run(); /* then look again, and wait on */
    }
    if (pfds != stack)
        free(pfds);
    return err;
}

static void release(item *items, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (items[i].so)
            wsp__sock_put(items[i].so);
}

/* ---- select ---- */

static int ms_of(const struct timeval *tv) {
    if (!tv)
        return -1;
    int64_t sec = tv->tv_sec < 0 ? 0 : tv->tv_sec, usec = tv->tv_usec < 0 ? 0 : tv->tv_usec;
    int64_t ms = sec * 1000 + (usec + 999) / 1000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static int select_ready(const item *it) {
    int v = it->view;
    switch (it->role) {
    case R_READ:
        return (v & (V_READ | V_CLOSED)) || ((v & V_HUP) && !(v & V_CONNFAIL));
    case R_WRITE:
        return (v & V_WRITE) && !(v & (V_CONNFAIL | V_CLOSED));
    default:
        return (v & (V_OOB | V_CONNFAIL)) && !(v & V_CLOSED);
    }
}

/* Append s to set unless it is there already (the same set may be passed
 * for several roles, F159, and list a socket twice, F158). */
static int add_unique(fd_set *set, SOCKET s) {
    for (u_int i = 0; i < set->fd_count; i++)
        if (set->fd_array[i] == s)
            return 0;
    set->fd_array[set->fd_count++] = s;
    return 1;
}

int WSPAPI wsp__WSPSelect(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, PTIMEVAL const timeout,
                          LPINT lpErrno) {
    (void)nfds; /* F156 */
    fd_set *sets[3] = {readfds, writefds, exceptfds};
    static const int roles[3] = {R_READ, R_WRITE, R_EXCEPT};
    size_t total = 0;
    for (int k = 0; k < 3; k++)
        if (sets[k])
            total += sets[k]->fd_count;
    if (total == 0) {
        *lpErrno = WSAEINVAL; /* F154: not a sleep */
        return SOCKET_ERROR;
    }
    item stack_items[STACK_ITEMS];
    SOCKET stack_socks[STACK_ITEMS];
    int on_stack = total <= STACK_ITEMS;
    item *items = on_stack ? memset(stack_items, 0, total * sizeof *items) : calloc(total, sizeof *items);
    SOCKET *socks = on_stack ? stack_socks : calloc(total, sizeof *socks);
    if (!items || !socks) {
        free(items), free(socks); /* not on the stack: total > STACK_ITEMS */
        *lpErrno = WSAENOBUFS;
        return SOCKET_ERROR;
    }
    /* Read everything before writing anything: the sets may overlap. Under
     * our own dispatcher the first look, without waiting, is a quick look
     * (ws2/handles.h): no references, and a socket closed meanwhile is not
     * freed (nor its descriptor closed) until the look ends. Only a select
     * that must wait takes the sockets' own references, which a closesocket
     * meanwhile sees (it then wakes the wait) and which keep the descriptors
     * open. A select that finds something at once, or may not wait, saves
     * two locked instructions per socket. */
    BOOL quick = wsp__own_dispatcher, held = !quick;
    unsigned ticket = quick ? ws2__handle_quick_begin() : 0;
    size_t n = 0;
    int err = 0;
    for (int k = 0; k < 3 && !err; k++) {
        if (!sets[k])
            continue;
        for (u_int i = 0; i < sets[k]->fd_count; i++, n++) {
            socks[n] = sets[k]->fd_array[i];
            items[n].role = roles[k];
            items[n].events = roles[k] == R_READ ? POLLRDNORM : roles[k] == R_WRITE ? POLLWRNORM : POLLRDBAND;
            int e;
            if (quick) {
                /* Only our own sockets: another provider's handle has some
                 * other context (F155: WSAENOTSOCK). */
                items[n].so = wsp__sock_peek(socks[n]);
            } else {
                items[n].so = wsp__sock_get(socks[n], &e);
            }
            if (!items[n].so) {
                err = WSAENOTSOCK; /* F155, F85: the sets stay as they were */
                break;
            }
        }
    }
    int ms = ms_of(timeout);
    if (quick) {
        /* Timeout 0: one look, and no completion routine runs inside the
         * quick look (one that closed a socket would wait for this look to
         * end: handles.h). */
        if (!err)
            err = wait_items(items, n, 0, select_ready);
        BOOL done = err || ms == 0;
        for (size_t i = 0; i < n && !done; i++)
            done = items[i].ready || (items[i].view & V_CLOSED);
        if (!done) {
            for (size_t i = 0; i < n; i++)
                atomic_fetch_add_explicit(&items[i].so->refs, 1, memory_order_relaxed);
            held = TRUE;
        }
        ws2__handle_quick_end(ticket);
    }
    if (!err && held)
        err = wait_items(items, n, ms, select_ready);
    int count = 0;
    if (!err) {
        int closed = 0;
        for (size_t i = 0; i < n; i++)
            if (items[i].ready)
                count++;
            else if (items[i].view & V_CLOSED)
                closed = 1;
        if (count == 0 && closed) {
            err = WSAENOTSOCK; /* F169: closed meanwhile, only in writefds/exceptfds */
        } else {
            count = 0;
            for (int k = 0; k < 3; k++)
                if (sets[k])
                    sets[k]->fd_count = 0;
            for (size_t i = 0; i < n; i++) {
                if (!items[i].ready)
                    continue;
                fd_set *set = sets[items[i].role == R_READ ? 0 : items[i].role == R_WRITE ? 1 : 2];
                count += add_unique(set, socks[i]);
            }
        }
    }
    if (held)
        release(items, n);
    if (!on_stack)
        free(items), free(socks);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return count;
}

/* ---- WSAPoll ---- */

#define POLL_ASKABLE (POLLRDNORM | POLLRDBAND | POLLWRNORM)

static short revents_of(const item *it) {
    int v = it->view, ev = it->role;
    if (v & V_CLOSED)
        return POLLNVAL; /* F179 */
    short r = 0;
    if ((v & V_READ) && (ev & POLLRDNORM))
        r |= POLLRDNORM;
    if ((v & V_OOB) && (ev & POLLRDBAND))
        r |= POLLRDBAND;
    if ((v & V_WRITE) && (ev & POLLWRNORM))
        r |= POLLWRNORM;
    if (v & V_HUP)
        r |= POLLHUP; /* reported whether asked for or not (F178) */
    if (v & V_ERR)
        r |= POLLERR;
    return r;
}

static int poll_ready(const item *it) { return revents_of(it) != 0; }

int wsp__poll(WSAPOLLFD *fds, ULONG nfds, INT timeout, LPINT lpErrno) {
    if (nfds == 0) {
        *lpErrno = WSAEINVAL; /* F173 */
        return SOCKET_ERROR;
    }
    if (!fds) {
        *lpErrno = WSAEFAULT; /* F173 */
        return SOCKET_ERROR;
    }
    for (ULONG i = 0; i < nfds; i++)
        if (fds[i].events && !(fds[i].events & POLL_ASKABLE)) {
            *lpErrno = WSAEINVAL; /* F174: nothing it could report */
            return SOCKET_ERROR;
        }
    item *items = calloc(nfds, sizeof *items);
    if (!items) {
        *lpErrno = WSAENOBUFS;
        return SOCKET_ERROR;
    }
    size_t valid = 0;
    for (ULONG i = 0; i < nfds; i++) {
        int e;
        fds[i].revents = 0;
        items[i].role = fds[i].events;
        /* Normal data is always asked about: the end of a stream shows as
         * readable-with-nothing-to-read, and POLLHUP is reported whether
         * asked for or not (F178). */
        items[i].events = (short)((fds[i].events & POLL_ASKABLE) | POLLRDNORM);
        if (fds[i].fd != INVALID_SOCKET && (items[i].so = wsp__sock_get_other(fds[i].fd, &e)) != NULL)
            valid++;
        else
            fds[i].revents = POLLNVAL; /* F175: not counted */
    }
    int err = 0, count = 0;
    if (valid == 0)
        err = WSAENOTSOCK; /* F175: nothing but invalid entries */
    else
        err = wait_items(items, nfds, timeout < 0 ? -1 : timeout, poll_ready);
    if (!err)
        for (ULONG i = 0; i < nfds; i++)
            if (items[i].so && (fds[i].revents = revents_of(&items[i])) != 0)
                count++;
    release(items, nfds);
    free(items);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return count;
}
