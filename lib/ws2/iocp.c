/*
 * I/O completion ports: CreateIoCompletionPort, GetQueuedCompletionStatus,
 * GetQueuedCompletionStatusEx, PostQueuedCompletionStatus, and CloseHandle
 * of a port (through ws2__iocp_close).
 *
 * A port is a FIFO of packets (key, OVERLAPPED pointer, NTSTATUS, bytes)
 * under a mutex, a kernel object in the port table (objects.h): its HANDLE
 * is 1 << 32 | generation << 18 | (slot + 1) << 2, never an event (bit 31
 * and nothing above) nor a SOCKET (below 2^31). The handle holds one
 * reference, every associated socket one, every call in progress one, so
 * the port outlives CloseHandle while anything can still reach it.
 *
 * Waiting. A non-alertable wait sleeps on the port's condition variable
 * (one packet wakes one sleeper). An alertable GetQueuedCompletionStatusEx
 * must also wake for the thread's completion routines, so it polls the
 * port's eventfd together with the thread's APC eventfd (apc.c); the
 * eventfd is kept set only while such pollers exist and the queue is not
 * empty (or the port is closed), so posting costs no system call in the
 * common case. Packets win over completion routines, as signalled objects
 * do in events.c: routines run only when the queue is empty.
 *
 * NumberOfConcurrentThreads is not enforced: every waiting thread may take
 * a packet (Windows would hold back threads beyond the limit while others
 * of the port run).
 */
#define _GNU_SOURCE /* clock_gettime */
#include "ws2.h"
#include "iocp.h"
#include "handles.h"
#include "apc.h"
#include "objects.h"
#include "provider/overlapped.h" /* wsp__ovl_error: NTSTATUS -> WSA code */
#include "sys/sys.h"

#include <windows.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ws2__port {
    ws2__obj obj; /* first: the table's word */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    OVERLAPPED_ENTRY *ring; /* the FIFO: count packets from head, cap slots */
    uint32_t cap, head, count;
    uint32_t sleepers; /* threads in pthread_cond_(timed)wait */
    uint32_t pollers;  /* alertable waits polling fd */
    int fd;            /* eventfd: set while pollers wait and a packet is there, or closed */
    BOOL fd_set;
    BOOL closed;       /* CloseHandle: waiters leave with ERROR_ABANDONED_WAIT_0 */
};
typedef struct ws2__port port;

/* Serialises associations: a handle's record and a record's port are each
 * set once. */
static pthread_mutex_t bind_lock = PTHREAD_MUTEX_INITIALIZER;
/* Set at the first association: until then a completion costs no lookup. */
static _Atomic int any_bound;

/* ---- the table ---------------------------------------------------------------- */

static void port_destroy(ws2__obj *o) {
    port *p = (port *)o;
    free(p->ring);
    p->ring = NULL;
    sys__close(p->fd);
    p->fd = -1;
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
}

/* Handles 1 << 32 | generation << 18 | (slot + 1) << 2 (objects.h). */
static ws2__objtab table = WS2__OBJTAB((uintptr_t)1 << 32, 14, 6, port, port_destroy, "WS2POSIX_MAX_PORTS");

/* A new port with the handle's reference; 0 or a Win32 error. */
static DWORD port_create(port **out, HANDLE *h) {
    int fd;
    if (sys__eventfd_create(&fd) != 0)
        return ERROR_NO_SYSTEM_RESOURCES;
    ws2__obj *o;
    int e = ws2__obj_new(&table, &o);
    if (e) {
        sys__close(fd);
        return e == WS2__OBJ_NOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_NO_SYSTEM_RESOURCES;
    }
    port *p = (port *)o;
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, &ca);
    pthread_condattr_destroy(&ca);
    p->ring = NULL;
    p->cap = p->head = p->count = 0;
    p->sleepers = p->pollers = 0;
    p->fd = fd;
    p->fd_set = FALSE;
    p->closed = FALSE;
    *h = ws2__obj_publish(&table, o);
    *out = p;
    return 0;
}

void ws2__port_put(port *p) { ws2__obj_put(&table, &p->obj); }

static void port_ref(port *p) { ws2__obj_ref(&p->obj); }

/* A reference on a live port, or NULL (ERROR_INVALID_HANDLE). */
static port *port_get(HANDLE h) { return (port *)ws2__obj_get(&table, h); }

int ws2__iocp_close(HANDLE h) {
    port *p = (port *)ws2__obj_close(&table, h);
    if (!p)
        return ERROR_INVALID_HANDLE;
    pthread_mutex_lock(&p->lock);
    p->closed = TRUE;
    p->count = 0; /* nobody can take them any more */
    pthread_cond_broadcast(&p->cond);
    if (!p->fd_set) {
        sys__eventfd_signal(p->fd);
        p->fd_set = TRUE;
    }
    pthread_mutex_unlock(&p->lock);
    ws2__port_put(p); /* the handle's own reference; waits in progress keep theirs */
    return 0;
}

/* ---- the queue ------------------------------------------------------------------ */

/* Append a packet; 0 or ERROR_NOT_ENOUGH_MEMORY. A closed port takes
 * nothing (and says nothing: the packet has nowhere to go). */
static DWORD push(port *p, const OVERLAPPED_ENTRY *e) {
    pthread_mutex_lock(&p->lock);
    if (p->closed) {
        pthread_mutex_unlock(&p->lock);
        return 0;
    }
    if (p->count == p->cap) {
        uint32_t cap = p->cap ? p->cap * 2 : 64;
        OVERLAPPED_ENTRY *ring = cap > p->cap ? malloc(cap * sizeof *ring) : NULL;
        if (!ring) {
            pthread_mutex_unlock(&p->lock);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        for (uint32_t i = 0; i < p->count; i++)
            ring[i] = p->ring[(p->head + i) % p->cap];
        free(p->ring);
        p->ring = ring;
        p->cap = cap;
        p->head = 0;
    }
    p->ring[(p->head + p->count) % p->cap] = *e;
    p->count++;
    if (p->sleepers)
        pthread_cond_signal(&p->cond);
    if (p->pollers && !p->fd_set) {
        sys__eventfd_signal(p->fd);
        p->fd_set = TRUE;
    }
    pthread_mutex_unlock(&p->lock);
    return 0;
}

/* Under the lock: take up to max packets, oldest first. */
static ULONG take(port *p, OVERLAPPED_ENTRY *out, ULONG max) {
    ULONG n = 0;
    while (n < max && p->count) {
        out[n++] = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
    }
    if (!p->count && p->fd_set) {
        sys__eventfd_drain(p->fd);
        p->fd_set = FALSE;
    }
    return n;
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* poll(2)'s timeout until the deadline, rounded up to whole ms; -1 for none. */
static int timeout_left(int64_t deadline) {
    if (deadline < 0)
        return -1;
    int64_t left = deadline - now_ns();
    if (left <= 0)
        return 0;
    int64_t ms = (left + 999999) / 1000000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Wait for packets: 0 with *n of them taken, WAIT_TIMEOUT,
 * WAIT_IO_COMPLETION (alertable: completion routines ran) or
 * ERROR_ABANDONED_WAIT_0 (the port was closed). */
static DWORD port_wait(port *p, OVERLAPPED_ENTRY *out, ULONG max, ULONG *n, DWORD ms, BOOL alertable) {
    int64_t deadline = ms == INFINITE ? -1 : now_ns() + (int64_t)ms * 1000000;
    DWORD r;
    *n = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->closed) {
            r = ERROR_ABANDONED_WAIT_0;
            break;
        }
        if (p->count) {
            *n = take(p, out, max);
            r = 0;
            break;
        }
        if (alertable) {
            pthread_mutex_unlock(&p->lock);
            if (ws2__apc_run() > 0)
                return WAIT_IO_COMPLETION;
            int timeout = timeout_left(deadline);
            if (timeout == 0)
                return WAIT_TIMEOUT;
            pthread_mutex_lock(&p->lock);
            if (p->closed || p->count)
                continue;
            /* From here a post sets fd (the queue is empty, so it is not). */
            p->pollers++;
            pthread_mutex_unlock(&p->lock);
            sys_pollfd_t pfd[2] = {{.fd = p->fd, .w_events = POLLRDNORM}};
            uint32_t np = 1;
            int apc = ws2__apc_wake_fd();
            if (apc >= 0)
                pfd[np++] = (sys_pollfd_t){.fd = apc, .w_events = POLLRDNORM};
            int ready;
            sys__poll(pfd, np, timeout, &ready);
            pthread_mutex_lock(&p->lock);
            p->pollers--;
            continue;
        }
        if (deadline >= 0 && now_ns() >= deadline) {
            r = WAIT_TIMEOUT;
            break;
        }
        p->sleepers++;
        if (deadline < 0) {
            pthread_cond_wait(&p->cond, &p->lock);
        } else {
            struct timespec ts = {.tv_sec = deadline / 1000000000, .tv_nsec = deadline % 1000000000};
            pthread_cond_timedwait(&p->cond, &p->lock, &ts);
        }
        p->sleepers--;
    }
    pthread_mutex_unlock(&p->lock);
    return r;
}

/* ---- associations ------------------------------------------------------------------ */

/* What CreateIoCompletionPort sets on a socket. Its reference count is the
 * number of handle entries pointing to it; port and key are written once,
 * under bind_lock, the key before the port (readers load the port first). */
struct ws2__assoc {
    _Atomic int refs;
    _Atomic(port *) port;
    ULONG_PTR key;
};

void ws2__assoc_put(struct ws2__assoc *a) {
    if (atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) != 1)
        return;
    port *p = atomic_load_explicit(&a->port, memory_order_acquire);
    if (p)
        ws2__port_put(p); /* the association's reference */
    free(a);
}

/* so's record, made if it has none yet; under bind_lock. NULL: no memory. */
static struct ws2__assoc *assoc_of(ws2__socket *so) {
    struct ws2__assoc *a = __atomic_load_n(&so->assoc, __ATOMIC_ACQUIRE);
    if (!a && (a = calloc(1, sizeof *a)) != NULL) {
        atomic_init(&a->refs, 1);
        __atomic_store_n(&so->assoc, a, __ATOMIC_RELEASE);
    }
    return a;
}

static port *port_of(ws2__socket *so, ULONG_PTR *key) {
    struct ws2__assoc *a = __atomic_load_n(&so->assoc, __ATOMIC_ACQUIRE);
    port *p = a ? atomic_load_explicit(&a->port, memory_order_acquire) : NULL;
    if (p && key)
        *key = a->key;
    return p;
}

int ws2__iocp_share(SOCKET orig, SOCKET dup) {
    ws2__socket *o = ws2__handle_get(orig);
    if (!o)
        return WSAENOTSOCK;
    ws2__socket *d = ws2__handle_get(dup);
    if (!d) {
        ws2__handle_put(orig);
        return WSAENOTSOCK;
    }
    int err = 0;
    pthread_mutex_lock(&bind_lock);
    struct ws2__assoc *a = assoc_of(o);
    if (!a)
        err = WSAENOBUFS;
    else if (!__atomic_load_n(&d->assoc, __ATOMIC_ACQUIRE)) {
        atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
        __atomic_store_n(&d->assoc, a, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&bind_lock);
    ws2__handle_put(dup);
    ws2__handle_put(orig);
    return err;
}

/* ---- completions of sockets -------------------------------------------------------- */

void ws2__iocp_post(SOCKET s, LPOVERLAPPED ov, ULONG_PTR status, DWORD bytes) {
    if (!atomic_load_explicit(&any_bound, memory_order_acquire))
        return;
    ws2__socket *so = ws2__handle_hold(s);
    if (!so)
        return;
    ULONG_PTR key = 0;
    port *p = port_of(so, &key);
    if (p) {
        OVERLAPPED_ENTRY e = {key, ov, status, bytes};
        push(p, &e); /* no memory: the packet is lost, as nothing can report it */
    }
    ws2__handle_put(s);
}

BOOL ws2__iocp_bound(SOCKET s) {
    if (!atomic_load_explicit(&any_bound, memory_order_acquire))
        return FALSE;
    ws2__socket *so = ws2__handle_hold(s);
    if (!so)
        return FALSE;
    BOOL bound = port_of(so, NULL) != NULL;
    ws2__handle_put(s);
    return bound;
}

/* The Win32 error of a failed operation's NTSTATUS, as Windows' status
 * conversion gives it for the statuses overlapped.c writes (F124, F127,
 * F130, F189); others: their Winsock code, itself a Win32 error number. */
static DWORD win32_error(ULONG_PTR status) {
    static const struct {
        uint32_t status;
        DWORD error;
    } map[] = {
        {0x80000005u, ERROR_MORE_DATA},           /* STATUS_BUFFER_OVERFLOW */
        {0xC0000005u, ERROR_NOACCESS},            /* STATUS_ACCESS_VIOLATION */
        {0xC000009Au, ERROR_NO_SYSTEM_RESOURCES}, /* STATUS_INSUFFICIENT_RESOURCES */
        {0xC00000B5u, ERROR_SEM_TIMEOUT},         /* STATUS_IO_TIMEOUT */
        {0xC00000BBu, ERROR_NOT_SUPPORTED},       /* STATUS_NOT_SUPPORTED */
        {0xC0000120u, ERROR_OPERATION_ABORTED},   /* STATUS_CANCELLED */
        {0xC000020Du, ERROR_NETNAME_DELETED},     /* STATUS_CONNECTION_RESET */
        {0xC0000236u, ERROR_CONNECTION_REFUSED},  /* STATUS_CONNECTION_REFUSED */
        {0xC000023Cu, ERROR_NETWORK_UNREACHABLE}, /* STATUS_NETWORK_UNREACHABLE */
        {0xC000023Du, ERROR_HOST_UNREACHABLE},    /* STATUS_HOST_UNREACHABLE */
        {0xC0000241u, ERROR_CONNECTION_ABORTED},  /* STATUS_CONNECTION_ABORTED */
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].status == (uint32_t)status)
            return map[i].error;
    return (DWORD)wsp__ovl_error(status);
}

/* NT_SUCCESS: the status, as a 32-bit signed value, is not negative. */
static BOOL status_ok(ULONG_PTR status) { return (int32_t)(uint32_t)status >= 0; }

/* ---- windows.h ------------------------------------------------------------------------ */

/* Like CreateEvent, the port calls need no WSAStartup: ports are not
 * Winsock objects. */
HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort, ULONG_PTR CompletionKey,
                                     DWORD NumberOfConcurrentThreads) {
    (void)NumberOfConcurrentThreads; /* not enforced (see the top) */
    port *p;
    HANDLE h;
    DWORD err;
    if (FileHandle == INVALID_HANDLE_VALUE) {
        /* A new port alone: no key, no port to reuse. */
        if (ExistingCompletionPort) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return NULL;
        }
        if ((err = port_create(&p, &h)) != 0) {
            SetLastError(err);
            return NULL;
        }
        return h;
    }
    /* A SOCKET cast to HANDLE: only those can be associated here. */
    uintptr_t v = (uintptr_t)FileHandle;
    SOCKET s = (SOCKET)v;
    ws2__socket *so = v >> 31 ? NULL : ws2__handle_get(s);
    if (!so) {
        SetLastError(ERROR_INVALID_HANDLE);
        return NULL;
    }
    BOOL created = FALSE;
    if (ExistingCompletionPort) {
        p = port_get(ExistingCompletionPort); /* this reference becomes the association's */
        h = ExistingCompletionPort;
        err = p ? 0 : ERROR_INVALID_HANDLE;
    } else {
        err = port_create(&p, &h);
        if (!err) {
            created = TRUE;
            port_ref(p); /* the association's; the handle keeps its own */
        }
    }
    if (!err) {
        pthread_mutex_lock(&bind_lock);
        struct ws2__assoc *a = assoc_of(so);
        if (!a) {
            err = ERROR_NOT_ENOUGH_MEMORY;
        } else if (atomic_load_explicit(&a->port, memory_order_relaxed)) {
            err = ERROR_INVALID_PARAMETER; /* one port per socket, for its life */
        } else {
            a->key = CompletionKey;
            atomic_store_explicit(&a->port, p, memory_order_release);
            atomic_store_explicit(&any_bound, 1, memory_order_release);
        }
        pthread_mutex_unlock(&bind_lock);
        if (err) {
            ws2__port_put(p);
            if (created)
                ws2__iocp_close(h);
        }
    }
    ws2__handle_put(s);
    if (err) {
        SetLastError(err);
        return NULL;
    }
    return h;
}

BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                       ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped) {
    port *p = port_get(CompletionPort);
    if (!p) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    OVERLAPPED_ENTRY e = {dwCompletionKey, lpOverlapped, 0, dwNumberOfBytesTransferred};
    DWORD err = push(p, &e);
    ws2__port_put(p);
    if (err) {
        SetLastError(err);
        return FALSE;
    }
    return TRUE;
}

/* TRUE with a successful packet; FALSE with *lpOverlapped non-NULL for a
 * failed operation (its error in GetLastError), or NULL when no packet came
 * (WAIT_TIMEOUT, ERROR_ABANDONED_WAIT_0, ERROR_INVALID_HANDLE). The output
 * pointers must be valid: NULL ones are ERROR_INVALID_PARAMETER here where
 * Windows would fault. */
BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred,
                                      PULONG_PTR lpCompletionKey, LPOVERLAPPED *lpOverlapped, DWORD dwMilliseconds) {
    if (!lpNumberOfBytesTransferred || !lpCompletionKey || !lpOverlapped) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    *lpOverlapped = NULL;
    port *p = port_get(CompletionPort);
    if (!p) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    OVERLAPPED_ENTRY e;
    ULONG n;
    DWORD r = port_wait(p, &e, 1, &n, dwMilliseconds, FALSE);
    ws2__port_put(p);
    if (r) {
        SetLastError(r);
        return FALSE;
    }
    *lpNumberOfBytesTransferred = e.dwNumberOfBytesTransferred;
    *lpCompletionKey = e.lpCompletionKey;
    *lpOverlapped = e.lpOverlapped;
    if (!status_ok(e.Internal)) {
        SetLastError(win32_error(e.Internal));
        return FALSE;
    }
    return TRUE;
}

/* Up to ulCount packets at once; each entry's Internal is the operation's
 * NTSTATUS (the call itself succeeds whatever they are). FALSE with
 * WAIT_TIMEOUT, WAIT_IO_COMPLETION (alertable, routines ran) or
 * ERROR_ABANDONED_WAIT_0 and *ulNumEntriesRemoved 0. */
BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries,
                                        ULONG ulCount, PULONG ulNumEntriesRemoved, DWORD dwMilliseconds,
                                        BOOL fAlertable) {
    if (!lpCompletionPortEntries || ulCount == 0 || !ulNumEntriesRemoved) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    *ulNumEntriesRemoved = 0;
    port *p = port_get(CompletionPort);
    if (!p) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    ULONG n;
    DWORD r = port_wait(p, lpCompletionPortEntries, ulCount, &n, dwMilliseconds, fAlertable);
    ws2__port_put(p);
    if (r) {
        SetLastError(r);
        return FALSE;
    }
    *ulNumEntriesRemoved = n;
    return TRUE;
}
