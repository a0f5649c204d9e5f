/*
 * The wait of a blocking call. Descriptors are O_NONBLOCK at the kernel
 * level; a blocking Winsock call tries the system call on its own thread and,
 * when that would block, waits here for the descriptor, then tries again.
 *
 * The wait ends when the descriptor is ready, when the socket's timeout
 * (SO_RCVTIMEO / SO_SNDTIMEO, 0 = none) runs out (WSAETIMEDOUT, F110), when
 * another thread closes the socket (the call then fails with WSAEINTR,
 * F214), or when a Winsock 1.1 blocking hook cancels the call
 * (WSACancelBlockingCall: WSAEINTR). While a blocking hook is installed the
 * wait runs in short slices with the hook called between them, as Winsock
 * 1.1 specified.
 *
 * WSPCloseSocket wakes the poll by shutting the descriptor down. A
 * duplicated socket's descriptor is shared with other handles, which keep
 * the connection (F128), so its close sets the socket's wake eventfd
 * instead, polled here too. A wait on a socket without one counts itself
 * `deaf` meanwhile: should the socket be duplicated under it, its close
 * still knows to shut down.
 *
 * The wait is alertable, as on Windows (F105, F214): completion routines
 * queued to the thread (WPUQueueApc, overlapped completions) run while it
 * waits, and the call then goes on waiting: it still completes as it
 * would have (Windows' recv returns its data, not WSA_WAIT_IO_COMPLETION).
 * The thread's APC eventfd is polled with the descriptor. Only when our own
 * dispatcher drives the provider (it owns the queues); a call that does not
 * wait (data already there) never gets here.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "io.h"
#include "ws2/apc.h"

#include <time.h>

#define HOOK_SLICE_MS 20

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static short wanted(int what) {
    switch (what) {
    case WSP__WAIT_WRITE:
        return POLLWRNORM;
    case WSP__WAIT_OOB:
        return POLLPRI;
    default:
        return POLLRDNORM;
    }
}

static int wait_for(wsp__sock *so, int what, wsp__timer *t, short *ready_bits, int wake_fd);

int wsp__wait(wsp__sock *so, int what, wsp__timer *t, short *ready_bits) {
    int wake_fd = wsp__wake_fd(so);
    if (wake_fd >= 0)
        return wait_for(so, what, t, ready_bits, wake_fd);
    /* seq_cst, before the first look at `closing` (socket.c) */
    atomic_fetch_add(&so->deaf, 1);
    int err = wait_for(so, what, t, ready_bits, -1);
    atomic_fetch_sub(&so->deaf, 1);
    return err;
}

static int wait_for(wsp__sock *so, int what, wsp__timer *t, short *ready_bits, int wake_fd) {
    if (wsp__closing(so))
        return WSAEINTR;

    LPBLOCKINGCALLBACK hook = NULL;
    DWORD_PTR hook_ctx = 0;
    int ignored;
    if (wsp__upcalls.lpWPUQueryBlockingCallback &&
        wsp__upcalls.lpWPUQueryBlockingCallback(so->info.dwCatalogEntryId, &hook, &hook_ctx, &ignored) != 0)
        hook = NULL;

    if (t->timeout_ms && !t->deadline_ms)
        t->deadline_ms = now_ms() + t->timeout_ms;

    int apc_fd = wsp__own_dispatcher ? ws2__apc_wake_fd() : -1;
    int was_blocking = wsp__blocking;
    wsp__blocking = 1;
    int err = 0;
    for (;;) {
        int slice = -1; /* forever */
        if (t->timeout_ms) {
            int64_t left = t->deadline_ms - now_ms();
            if (left <= 0) {
                err = WSAETIMEDOUT;
                break;
            }
            slice = left > 0x7fffffff ? 0x7fffffff : (int)left;
        }
        if (hook && (slice < 0 || slice > HOOK_SLICE_MS))
            slice = HOOK_SLICE_MS;

        /* the descriptor, then the APC eventfd and the wake eventfd (set
         * only by the close, seen as `closing` below) when there are */
        sys_pollfd_t p[3] = {{.fd = so->fd, .w_events = wanted(what)},
                             {.fd = apc_fd, .w_events = POLLRDNORM},
                             {.fd = wake_fd, .w_events = POLLRDNORM}};
        uint32_t np = 1;
        if (apc_fd >= 0)
            np++;
        if (wake_fd >= 0)
            p[np++] = p[2];
        int n = 0;
        if ((err = sys__poll(p, np, slice, &n)) != 0)
            break;
        if (wsp__closing(so)) {
            err = WSAEINTR;
            break;
        }
        if (p[0].w_revents) {
            if (ready_bits)
                *ready_bits = p[0].w_revents;
            break;
        }
        if (apc_fd >= 0 && p[1].w_revents) {
            /* Completion routines run as the thread's own code, free to
             * call Winsock; then the call waits on. */
            wsp__blocking = was_blocking;
            ws2__apc_run();
            wsp__blocking = 1;
            if (wsp__closing(so)) {
                err = WSAEINTR;
                break;
            }
            continue;
        }
        if (hook && !hook(hook_ctx)) {
            err = WSAEINTR; /* WSACancelBlockingCall */
            break;
        }
        if (wsp__closing(so)) {
            err = WSAEINTR;
            break;
        }
    }
    wsp__blocking = was_blocking;
    return err;
}

int wsp__would_block(wsp__sock *so, int what, wsp__timer *t, short *ready_bits) {
    if (atomic_load_explicit(&so->nonblocking, memory_order_relaxed))
        return WSAEWOULDBLOCK;
    return wsp__wait(so, what, t, ready_bits);
}
