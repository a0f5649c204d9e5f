/* WSAStartup / WSACleanup: the process's Winsock state, reference counted. */
#include "ws2.h"
#include "common/fault.h"
#include "apc.h"
#include "trace.h"

#include <pthread.h>
#include <string.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int startup_count;
static _Atomic WORD granted_version;

int ws2__enter(void) {
    if (atomic_load_explicit(&startup_count, memory_order_acquire) <= 0)
        return WSANOTINITIALISED;
    if (ws2__in_blocking_hook())
        return WSAEINPROGRESS;
    return 0;
}

WORD ws2__version(void) { return atomic_load(&granted_version); }

static WORD negotiate(WORD requested) {
    BYTE major = LOBYTE(requested), minor = HIBYTE(requested);
    if (major == 1)
        return MAKEWORD(1, minor > 1 ? 1 : minor);
    if (major == 2)
        return MAKEWORD(2, minor > 2 ? 2 : minor);
    return MAKEWORD(2, 2); /* anything newer is granted as 2.2 */
}

static void fill(LPWSADATA d, WORD version, BYTE requested_major) {
    d->wVersion = version;
    d->wHighVersion = MAKEWORD(2, 2);
    /* Windows fills these two only for 1.x callers. lpVendorInfo is left alone. */
    d->iMaxSockets = requested_major == 1 ? 32767 : 0;
    d->iMaxUdpDg = requested_major == 1 ? 65467 : 0;
    memset(d->szDescription, 0, sizeof d->szDescription);
    memset(d->szSystemStatus, 0, sizeof d->szSystemStatus);
    strcpy(d->szDescription, "WinSock 2.0");
    strcpy(d->szSystemStatus, "Running");
}

int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) {
    BYTE major = LOBYTE(wVersionRequested);
    if (major == 0) {
        /* Checked before the pointer; WSADATA is still filled (as 2.2). */
        if (lpWSAData)
            fill(lpWSAData, MAKEWORD(2, 2), major);
        return WSAVERNOTSUPPORTED;
    }
    if (!lpWSAData)
        return WSAEFAULT;
    WORD version = negotiate(wVersionRequested);

    pthread_mutex_lock(&state_lock);
    if (atomic_load(&startup_count) == 0) {
        common__fault_reload();
        /* WS2POSIX_TRACE is read now: the resolver's calls, which start no
         * provider, are traced as well. */
        (void)ws2__trace_enabled();
        int err = ws2__catalog_load();
        if (err) {
            pthread_mutex_unlock(&state_lock);
            return err;
        }
    }
    atomic_store(&granted_version, version);
    atomic_fetch_add_explicit(&startup_count, 1, memory_order_release);
    pthread_mutex_unlock(&state_lock);

    fill(lpWSAData, version, major);
    return 0;
}

static void close_one(SOCKET s, ws2__socket *so, void *arg) {
    (void)arg;
    if (so->provider)
        ws2__close(s);
}

int WSAAPI WSACleanup(void) {
    pthread_mutex_lock(&state_lock);
    int count = atomic_load(&startup_count);
    if (count <= 0) {
        pthread_mutex_unlock(&state_lock);
        return ws2__fail(WSANOTINITIALISED);
    }
    if (ws2__in_blocking_hook()) {
        pthread_mutex_unlock(&state_lock);
        return ws2__fail(WSAEINPROGRESS);
    }
    if (count == 1) {
        /* The last cleanup destroys every socket of the process, then stops
         * the providers (each WSPCleanup balances one WSPStartup). */
        ws2__handle_foreach(close_one, NULL);
        ws2__providers_cleanup();
        ws2__handles_reset();
        ws2__catalog_unload();
        ws2__blocking_reset();
        ws2__apc_cleanup(); /* the calling thread's completion-routine queue, if idle */
    }
    atomic_fetch_sub_explicit(&startup_count, 1, memory_order_release);
    pthread_mutex_unlock(&state_lock);
    WSASetLastError(0);
    return 0;
}
