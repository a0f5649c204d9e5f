/*
 * Per-thread completion-routine (user APC) queues and the upcalls that reach
 * them. See apc.h for the model; the waits themselves live in events.c.
 *
 * Invariant: a queue's eventfd is set (`signalled`) only while its FIFO is
 * non-empty, and is set whenever the FIFO is non-empty except after the
 * thread queued to itself (an overlapped call that completed at once):
 * the thread is not waiting then, and every wait asks for the eventfd
 * (ws2__apc_wake_fd) before it polls, which sets it if anything is queued.
 * That saves an eventfd write and read per immediate completion. Both
 * change together under the queue's lock.
 */
#include "ws2.h"
#include "apc.h"
#include "sys/sys.h"

#include <pthread.h>
#include <stdlib.h>

#define APC_MAGIC 0x43504171u /* "qAPC" */

typedef struct apc_node {
    struct apc_node *next;
    LPWSAUSERAPC routine;
    DWORD_PTR context;
} apc_node;

struct ws2__apc_queue {
    uint32_t magic;
    _Atomic int refs;
    pthread_mutex_t lock;
    int fd;          /* eventfd: readable while signalled */
    BOOL signalled;  /* fd set: head != NULL (see the invariant above) */
    BOOL exited;     /* the owning thread is gone: routines are refused */
    apc_node *head, *tail;
};

static _Thread_local ws2__apc_queue *current;
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static int exit_key_ok;

static void free_nodes(apc_node *n) {
    while (n) {
        apc_node *next = n->next;
        free(n);
        n = next;
    }
}

static void queue_put(ws2__apc_queue *q) {
    if (atomic_fetch_sub_explicit(&q->refs, 1, memory_order_acq_rel) != 1)
        return;
    q->magic = 0;
    free_nodes(q->head);
    sys__close(q->fd);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

/* The owning thread leaves: pending routines can never run (Windows drops a
 * thread's user APCs when it exits); later ones are refused. */
static void thread_exit(void *arg) {
    ws2__apc_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    q->exited = TRUE;
    apc_node *pending = q->head;
    q->head = q->tail = NULL;
    if (q->signalled)
        sys__eventfd_drain(q->fd);
    q->signalled = FALSE;
    pthread_mutex_unlock(&q->lock);
    free_nodes(pending);
    if (current == q)
        current = NULL;
    queue_put(q);
}

static void make_exit_key(void) { exit_key_ok = pthread_key_create(&exit_key, thread_exit) == 0; }

/* The calling thread's queue, created on first use; NULL when out of memory
 * or descriptors. */
static ws2__apc_queue *queue_current(void) {
    if (current)
        return current;
    pthread_once(&exit_key_once, make_exit_key);
    if (!exit_key_ok)
        return NULL;
    ws2__apc_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    if (sys__eventfd_create(&q->fd) != 0) {
        free(q);
        return NULL;
    }
    pthread_mutex_init(&q->lock, NULL);
    q->magic = APC_MAGIC;
    atomic_init(&q->refs, 1); /* the thread's own */
    if (pthread_setspecific(exit_key, q) != 0) {
        queue_put(q);
        return NULL;
    }
    current = q;
    return q;
}

/* The queue a WSATHREADID names (it holds a reference, so it is alive as long
 * as the provider keeps the id open); NULL when it names none. */
static ws2__apc_queue *queue_of(LPWSATHREADID id) {
    if (!id)
        return NULL;
    ws2__apc_queue *q = (ws2__apc_queue *)id->ThreadHandle;
    return q && q->magic == APC_MAGIC ? q : NULL;
}

int ws2__apc_wake_fd(void) {
    ws2__apc_queue *q = queue_current();
    if (!q)
        return -1;
    pthread_mutex_lock(&q->lock);
    if (q->head && !q->signalled) {
        sys__eventfd_signal(q->fd); /* queued by this thread to itself */
        q->signalled = TRUE;
    }
    pthread_mutex_unlock(&q->lock);
    return q->fd;
}

int ws2__apc_run(void) {
    ws2__apc_queue *q = current;
    int ran = 0;
    if (!q)
        return 0; /* nobody could have queued to a thread without a queue */
    for (;;) {
        pthread_mutex_lock(&q->lock);
        apc_node *n = q->head;
        if (n) {
            q->head = n->next;
            if (!q->head) {
                q->tail = NULL;
                if (q->signalled)
                    sys__eventfd_drain(q->fd);
                q->signalled = FALSE;
            }
        }
        pthread_mutex_unlock(&q->lock);
        if (!n)
            return ran;
        LPWSAUSERAPC routine = n->routine;
        DWORD_PTR context = n->context;
        free(n);
        routine(context); /* outside the lock: it may queue more, or wait */
        ran++;
    }
}

BOOL ws2__apc_quiet(void) {
    ws2__apc_queue *q = current;
    if (!q)
        return TRUE;
    /* Acquire: pairs with the release of the last WPUCloseThread, after
     * which whatever its holder queued is visible in head. */
    if (atomic_load_explicit(&q->refs, memory_order_acquire) != 1)
        return FALSE;
    pthread_mutex_lock(&q->lock);
    BOOL empty = q->head == NULL;
    pthread_mutex_unlock(&q->lock);
    return empty;
}

int ws2__apc_open_current(LPWSATHREADID id) {
    if (!id)
        return WSAEFAULT;
    ws2__apc_queue *q = queue_current();
    if (!q)
        return WSAENOBUFS;
    atomic_fetch_add_explicit(&q->refs, 1, memory_order_relaxed);
    id->ThreadHandle = (HANDLE)q;
    id->Reserved = (DWORD_PTR)GetCurrentThreadId();
    return 0;
}

int ws2__apc_close_thread(LPWSATHREADID id) {
    ws2__apc_queue *q = queue_of(id);
    if (!q)
        return WSAEFAULT;
    id->ThreadHandle = NULL;
    queue_put(q);
    return 0;
}

/* WSAEFAULT for a thread id that names no thread, as the WPUQueueApc page
 * has it; a thread that has exited is no longer a valid thread. */
int ws2__apc_queue_to(LPWSATHREADID id, LPWSAUSERAPC routine, DWORD_PTR context) {
    ws2__apc_queue *q = queue_of(id);
    if (!q || !routine)
        return WSAEFAULT;
    apc_node *n = malloc(sizeof *n);
    if (!n)
        return WSAENOBUFS;
    n->next = NULL;
    n->routine = routine;
    n->context = context;
    pthread_mutex_lock(&q->lock);
    if (q->exited) {
        pthread_mutex_unlock(&q->lock);
        free(n);
        return WSAEFAULT;
    }
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    /* Another thread's queue: wake it. Our own: we are not waiting, and
     * our next wait sets the eventfd itself (ws2__apc_wake_fd). */
    if (!q->signalled && q != current) {
        sys__eventfd_signal(q->fd);
        q->signalled = TRUE;
    }
    pthread_mutex_unlock(&q->lock);
    return 0;
}

void ws2__apc_cleanup(void) {
    ws2__apc_queue *q = current;
    if (!q)
        return;
    /* Only this thread adds references to its own queue, so one reference
     * now means no WSATHREADID is open on it. */
    pthread_mutex_lock(&q->lock);
    BOOL idle = !q->head && atomic_load(&q->refs) == 1;
    pthread_mutex_unlock(&q->lock);
    if (!idle)
        return;
    pthread_setspecific(exit_key, NULL);
    current = NULL;
    queue_put(q);
}
