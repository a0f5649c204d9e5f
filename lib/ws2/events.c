/*
 * Event objects and waiting on them: WSACreateEvent & co., the Windows event
 * calls of windows.h (CreateEvent, SetEvent, WaitForMultipleObjectsEx ...),
 * Sleep/SleepEx, and the thread and process ids.
 *
 * An event is an eventfd (readable = signalled) in the event table, a table
 * of kernel objects (objects.h: handle 0x80000000 | generation << 18 |
 * (slot + 1) << 2, never a SOCKET value; a closed handle cannot reach the
 * slot's next event), its state mirrored beside the eventfd so that looking
 * costs no system call. A wait holds a reference on every event it waits
 * for, so WSACloseEvent during a wait never lets the eventfd be closed (and
 * its number reused) under poll(2); the eventfd is closed at the last
 * reference.
 *
 * Manual-reset events are plain eventfds. An auto-reset event is "taken" by
 * the wait it satisfies: the check and the drain happen under consume_lock,
 * which every taker, every wait-all and every ResetEvent holds, so one
 * SetEvent releases one waiter, and a wait-all sees all its events
 * signalled at one instant and takes its auto-reset ones together.
 *
 * A wait is one poll(2) (through the seam) over the eventfds it still needs
 * plus, when alertable, the thread's APC eventfd (apc.c). Signalled objects
 * win over pending completion routines, as in the Windows kernel's wait: the
 * routines run, and the wait returns WAIT_IO_COMPLETION, only when no object
 * satisfies it.
 */
#define _GNU_SOURCE /* gettid, clock_gettime */
#include "ws2.h"
#include "events.h"
#include "objects.h"
#include "apc.h"
#include "iocp.h"
#include "sys/sys.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef struct ev_slot {
    ws2__obj obj; /* first: the table's word */
    int fd;
    /* Signalled: changed with the eventfd, both under consume_lock, so a
     * look at the state costs no system call (poll is for waiting) and a
     * set or reset that changes nothing costs none either. */
    _Atomic int set;
    BOOL manual;
} ev_slot;

static void ev_destroy(ws2__obj *o) {
    ev_slot *sl = (ev_slot *)o;
    sys__close(sl->fd);
    sl->fd = -1;
}

static ws2__objtab table = WS2__OBJTAB(0x80000000u, 13, 10, ev_slot, ev_destroy, "WS2POSIX_MAX_EVENTS");
static pthread_mutex_t consume_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the table -------------------------------------------------------------- */

int ws2__event_create(BOOL manual_reset, BOOL initial_state, HANDLE *out) {
    int fd;
    if (sys__eventfd_create(&fd) != 0)
        return WSA_NOT_ENOUGH_MEMORY;
    if (initial_state)
        sys__eventfd_signal(fd);
    ws2__obj *o;
    if (ws2__obj_new(&table, &o) != 0) {
        sys__close(fd);
        return WSA_NOT_ENOUGH_MEMORY;
    }
    ev_slot *sl = (ev_slot *)o;
    sl->fd = fd;
    atomic_store_explicit(&sl->set, initial_state ? 1 : 0, memory_order_relaxed);
    sl->manual = manual_reset ? TRUE : FALSE;
    *out = ws2__obj_publish(&table, o);
    return 0;
}

static void ev_put(ev_slot *sl) { ws2__obj_put(&table, &sl->obj); }

/* A reference on a live event, or NULL (WSA_INVALID_HANDLE). */
static ev_slot *ev_get(HANDLE h) { return (ev_slot *)ws2__obj_get(&table, h); }

BOOL ws2__event_valid(HANDLE h) {
    ev_slot *sl = ev_get(h);
    if (!sl)
        return FALSE;
    ev_put(sl);
    return TRUE;
}

int ws2__event_set(HANDLE h) {
    ev_slot *sl = ev_get(h);
    if (!sl)
        return WSA_INVALID_HANDLE;
    pthread_mutex_lock(&consume_lock);
    if (!atomic_load_explicit(&sl->set, memory_order_relaxed)) {
        atomic_store(&sl->set, 1); /* before the write that wakes a poll */
        sys__eventfd_signal(sl->fd);
    }
    pthread_mutex_unlock(&consume_lock);
    ev_put(sl);
    return 0;
}

int ws2__event_reset(HANDLE h) {
    ev_slot *sl = ev_get(h);
    if (!sl)
        return WSA_INVALID_HANDLE;
    pthread_mutex_lock(&consume_lock);
    if (atomic_load_explicit(&sl->set, memory_order_relaxed)) {
        sys__eventfd_drain(sl->fd);
        atomic_store(&sl->set, 0); /* after: a wait may still see it set, never the reverse */
    }
    pthread_mutex_unlock(&consume_lock);
    ev_put(sl);
    return 0;
}

int ws2__event_close(HANDLE h) {
    ws2__obj *o = ws2__obj_close(&table, h);
    if (!o)
        return WSA_INVALID_HANDLE;
    ws2__obj_put(&table, o); /* the handle's own reference; waits in progress keep theirs */
    return 0;
}

/* ---- waiting -------------------------------------------------------------------- */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A deadline for a Windows timeout in ms; -1 for INFINITE. */
static int64_t deadline_of(DWORD ms) { return ms == INFINITE ? -1 : now_ns() + (int64_t)ms * 1000000; }

/* The poll(2) timeout until the deadline, rounded up to whole ms; 0 when it
 * has passed, -1 for none. */
static int timeout_left(int64_t deadline) {
    if (deadline < 0)
        return -1;
    int64_t left = deadline - now_ns();
    if (left <= 0)
        return 0;
    int64_t ms = (left + 999999) / 1000000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static BOOL is_set(ev_slot *sl) { return atomic_load(&sl->set) != 0; }

/* Under consume_lock: an auto-reset event's wait takes it. */
static void consume(ev_slot *sl) {
    sys__eventfd_drain(sl->fd);
    atomic_store(&sl->set, 0);
}

/* Is the event signalled? An auto-reset one is taken (reset) if it is. */
static BOOL take(ev_slot *sl) {
    if (sl->manual)
        return is_set(sl);
    pthread_mutex_lock(&consume_lock);
    BOOL set = is_set(sl);
    if (set)
        consume(sl);
    pthread_mutex_unlock(&consume_lock);
    return set;
}

/* One look at the objects: TRUE with *result when the wait is satisfied,
 * else FALSE with the eventfds still to wait for in pfd/np. */
static BOOL try_satisfy(DWORD n, ev_slot **sl, BOOL all, DWORD *result, sys_pollfd_t *pfd, uint32_t *np) {
    *np = 0;
    if (!all) {
        for (DWORD i = 0; i < n; i++) {
            if (take(sl[i])) {
                *result = WAIT_OBJECT_0 + i; /* the lowest index signalled */
                return TRUE;
            }
            pfd[(*np)++] = (sys_pollfd_t){.fd = sl[i]->fd, .w_events = POLLRDNORM};
        }
        return FALSE;
    }
    pthread_mutex_lock(&consume_lock);
    for (DWORD i = 0; i < n; i++)
        if (!is_set(sl[i]))
            pfd[(*np)++] = (sys_pollfd_t){.fd = sl[i]->fd, .w_events = POLLRDNORM};
    if (*np == 0)
        for (DWORD i = 0; i < n; i++)
            if (!sl[i]->manual)
                consume(sl[i]);
    pthread_mutex_unlock(&consume_lock);
    if (*np)
        return FALSE;
    *result = WAIT_OBJECT_0;
    return TRUE;
}

/* The common wait: WAIT_OBJECT_0 + i, WAIT_TIMEOUT, WAIT_IO_COMPLETION, or
 * WAIT_FAILED with *err (ERROR_INVALID_PARAMETER, ERROR_INVALID_HANDLE). */
static DWORD wait_objects(DWORD n, const HANDLE *handles, BOOL all, DWORD ms, BOOL alertable, int *err) {
    if (n == 0 || n > MAXIMUM_WAIT_OBJECTS || !handles) {
        *err = ERROR_INVALID_PARAMETER;
        return WAIT_FAILED;
    }
    ev_slot *sl[MAXIMUM_WAIT_OBJECTS];
    for (DWORD i = 0; i < n; i++) {
        sl[i] = ev_get(handles[i]);
        if (!sl[i]) {
            while (i--)
                ev_put(sl[i]);
            *err = ERROR_INVALID_HANDLE;
            return WAIT_FAILED;
        }
    }
    DWORD result = WAIT_FAILED;
    /* Waiting for all of a list that names an object twice is refused, as
     * the WaitForMultipleObjects page says. */
    if (all)
        for (DWORD i = 0; i < n; i++)
            for (DWORD j = i + 1; j < n; j++)
                if (sl[i] == sl[j]) {
                    *err = ERROR_INVALID_PARAMETER;
                    goto out;
                }

    int64_t deadline = deadline_of(ms);
    sys_pollfd_t pfd[MAXIMUM_WAIT_OBJECTS + 1];
    for (;;) {
        uint32_t np;
        if (try_satisfy(n, sl, all, &result, pfd, &np))
            break;
        if (alertable && ws2__apc_run() > 0) {
            result = WAIT_IO_COMPLETION;
            break;
        }
        int timeout = timeout_left(deadline);
        if (timeout == 0) {
            result = WAIT_TIMEOUT;
            break;
        }
        if (alertable) {
            int fd = ws2__apc_wake_fd();
            if (fd >= 0)
                pfd[np++] = (sys_pollfd_t){.fd = fd, .w_events = POLLRDNORM};
        }
        int nready, e = sys__poll(pfd, np, timeout, &nready);
        if (e) {
            *err = e;
            result = WAIT_FAILED;
            break;
        }
    }
out:
    for (DWORD i = 0; i < n; i++)
        ev_put(sl[i]);
    return result;
}

/* ---- Winsock ---------------------------------------------------------------------- */

/* Like CreateEvent on Windows, these need no WSAStartup. */
WSAEVENT WSAAPI WSACreateEvent(void) {
    HANDLE h;
    int err = ws2__event_create(TRUE, FALSE, &h);
    if (err) {
        WSASetLastError(err);
        return WSA_INVALID_EVENT;
    }
    return h;
}

BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent) {
    int err = ws2__event_close(hEvent);
    if (err) {
        WSASetLastError(err);
        return FALSE;
    }
    return TRUE;
}

BOOL WSAAPI WSASetEvent(WSAEVENT hEvent) {
    int err = ws2__event_set(hEvent);
    if (err) {
        WSASetLastError(err);
        return FALSE;
    }
    return TRUE;
}

BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent) {
    int err = ws2__event_reset(hEvent);
    if (err) {
        WSASetLastError(err);
        return FALSE;
    }
    return TRUE;
}

DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents, BOOL fWaitAll, DWORD dwTimeout,
                                      BOOL fAlertable) {
    int err = 0;
    DWORD r = wait_objects(cEvents, lphEvents, fWaitAll, dwTimeout, fAlertable, &err);
    if (r == WSA_WAIT_FAILED)
        WSASetLastError(err);
    return r;
}

/* ---- windows.h ------------------------------------------------------------------------ */

/* Named events would be shared between processes; there is no such object
 * here, so a name is refused rather than silently ignored. */
static HANDLE create_event(BOOL manual, BOOL initial, BOOL named) {
    if (named) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    HANDLE h;
    int err = ws2__event_create(manual, initial, &h);
    if (err) {
        SetLastError((DWORD)err);
        return NULL;
    }
    return h;
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                           LPCSTR lpName) {
    (void)lpEventAttributes;
    return create_event(bManualReset, bInitialState, lpName && lpName[0]);
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                           LPCWSTR lpName) {
    (void)lpEventAttributes;
    return create_event(bManualReset, bInitialState, lpName && lpName[0]);
}

BOOL WINAPI SetEvent(HANDLE hEvent) { return WSASetEvent(hEvent); }
BOOL WINAPI ResetEvent(HANDLE hEvent) { return WSAResetEvent(hEvent); }

/* Events, completion ports (iocp.c) and sockets are the handles here. A
 * SOCKET is a multiple of 4 below 2^31 (handles.c); events and ports carry
 * tag bits from 31 up (objects.h), so the kinds never meet. */
static BOOL is_socket_value(HANDLE h) {
    uintptr_t v = (uintptr_t)h;
    return v && v < ((uintptr_t)1 << 31) && !(v & 3);
}

BOOL WINAPI CloseHandle(HANDLE hObject) {
    if (ws2__event_close(hObject) == 0 || ws2__iocp_close(hObject) == 0)
        return TRUE;
    /* F125: CloseHandle closes a socket as closesocket does (its pending
     * operations end aborted), although Microsoft asks for closesocket. */
    if (is_socket_value(hObject) && closesocket((SOCKET)hObject) == 0)
        return TRUE;
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds,
                                      BOOL bAlertable) {
    int err = 0;
    DWORD r = wait_objects(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable, &err);
    if (r == WAIT_FAILED)
        SetLastError((DWORD)err);
    return r;
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll, DWORD dwMilliseconds) {
    return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable) {
    return WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, bAlertable);
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
    return WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, FALSE);
}

/* 0 when the time is up; WAIT_IO_COMPLETION when alertable and completion
 * routines ran (they run at once if some are already queued: F117). */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable) {
    if (dwMilliseconds == 0 && !bAlertable) {
        sched_yield();
        return 0;
    }
    int64_t deadline = deadline_of(dwMilliseconds);
    for (;;) {
        if (bAlertable && ws2__apc_run() > 0)
            return WAIT_IO_COMPLETION;
        int timeout = timeout_left(deadline);
        if (timeout == 0)
            return 0;
        sys_pollfd_t p = {.fd = bAlertable ? ws2__apc_wake_fd() : -1, .w_events = POLLRDNORM};
        int nready;
        if (sys__poll(&p, p.fd >= 0 ? 1 : 0, timeout, &nready) != 0)
            return 0;
    }
}

VOID WINAPI Sleep(DWORD dwMilliseconds) { SleepEx(dwMilliseconds, FALSE); }

DWORD WINAPI GetCurrentProcessId(VOID) { return sys__getpid(); }
/* The id is asked for by every overlapped call with a completion routine
 * (WPUOpenCurrentThread): kept per thread instead of a gettid(2) each time.
 * A fork's child runs on a new thread id: its only thread forgets it. */
static _Thread_local DWORD thread_id;
static pthread_once_t thread_id_once = PTHREAD_ONCE_INIT;
static void forget_thread_id(void) { thread_id = 0; }
static void watch_forks(void) { pthread_atfork(NULL, NULL, forget_thread_id); }

DWORD WINAPI GetCurrentThreadId(VOID) {
    if (!thread_id) {
        pthread_once(&thread_id_once, watch_forks);
        thread_id = (DWORD)gettid();
    }
    return thread_id;
}
