/*
 * Winsock 1.1 blocking hooks. In a 1.1 session a thread may install a hook
 * that the provider calls (through WPUQueryBlockingCallback's callback) while
 * a blocking call waits; inside it the only Winsock calls allowed are
 * WSAIsBlocking and WSACancelBlockingCall, others fail with WSAEINPROGRESS.
 * Winsock 2 removed the hooks: there they answer WSAEOPNOTSUPP.
 */
#include "ws2.h"

#include <sched.h>

/* initial-exec: every API call reads in_hook; no __tls_get_addr call for it */
#define TLS_IE __attribute__((tls_model("initial-exec")))
static _Thread_local FARPROC hook TLS_IE; /* NULL: the default hook */
static _Thread_local int in_hook TLS_IE;  /* a blocking call is running the hook */
static _Thread_local int cancelled;

static int default_hook(void) {
    sched_yield(); /* Windows' default pumps messages; there are none here */
    return FALSE;
}

static BOOL session_is_1x(void) { return LOBYTE(ws2__version()) == 1; }

int ws2__in_blocking_hook(void) { return in_hook; }
int ws2__have_blocking_hook(void) { return session_is_1x(); }
void ws2__blocking_reset(void) {
    hook = NULL;
    cancelled = 0;
}

/* Called by the provider between waits of a blocking call: FALSE aborts it
 * (the provider then fails the call with WSAEINTR). */
BOOL CALLBACK ws2__blocking_callback(DWORD_PTR context) {
    (void)context;
    in_hook = 1;
    if (!cancelled)
        (hook ? hook : (FARPROC)default_hook)();
    in_hook = 0;
    BOOL go_on = !cancelled;
    cancelled = 0;
    return go_on;
}

FARPROC WSAAPI WSASetBlockingHook(FARPROC lpBlockFunc) {
    int err = ws2__enter();
    if (err) {
        ws2__fail(err);
        return NULL;
    }
    if (!session_is_1x()) {
        ws2__fail(WSAEOPNOTSUPP);
        return NULL;
    }
    if (!lpBlockFunc) {
        ws2__fail(WSAEFAULT);
        return NULL;
    }
    FARPROC previous = hook ? hook : (FARPROC)default_hook;
    hook = lpBlockFunc;
    return previous;
}

int WSAAPI WSAUnhookBlockingHook(void) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    if (!session_is_1x())
        return ws2__fail(WSAEOPNOTSUPP);
    hook = NULL;
    return 0;
}

BOOL WSAAPI WSAIsBlocking(void) { return in_hook != 0; }

int WSAAPI WSACancelBlockingCall(void) {
    if (ws2__version() == 0)
        return ws2__fail(WSANOTINITIALISED);
    if (!session_is_1x())
        return ws2__fail(WSAEOPNOTSUPP);
    if (!in_hook)
        return ws2__fail(WSAEINVAL);
    cancelled = 1;
    return 0;
}
