/*
 * Readiness for a socket, on the loop thread: one watch per descriptor
 * (libuv allows one uv_poll per fd), polled for the union of what the
 * overlapped operations and the WSAEventSelect registration wait for; its
 * callback hands the news to both. Closing a watched socket goes through the
 * loop so that libuv lets go of the descriptor before it is closed.
 */
#include "wsp.h"

#include <stdlib.h>

static void on_ready(void *owner, int ready) {
    wsp__sock *so = owner;
    /* Keep the socket while both subsystems look at it; but never bring
     * back one whose last reference has gone: its release is queued to
     * this thread and would otherwise run twice. */
    int refs = atomic_load(&so->refs);
    do {
        if (refs == 0)
            return;
    } while (!atomic_compare_exchange_weak(&so->refs, &refs, refs + 1));
    wsp__ovl_ready(so, ready);
    wsp__evsel_ready(so, ready);
    wsp__sock_put(so);
}

BOOL wsp__ready_update(wsp__sock *so) {
    int want = so->ovl_want | so->evsel_want;
    if (!so->watch) {
        if (!want)
            return TRUE;
        so->watch = wsp__watch_open(so->fd, on_ready, so);
        if (!so->watch)
            return FALSE;
    }
    wsp__watch_interest(so->watch, want);
    return TRUE;
}
