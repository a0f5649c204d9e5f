/*
 * Per-thread completion-routine (user APC) queues and the upcalls that reach
 * them. See apc.h for the model; the waits themselves live in events.c.
 *
 * No lock: the loop thread queues completions while the owner runs them,
 * and a mutex between the two made one of them sleep in futex(2) many
 * times a second (overlapped echo). Other threads push onto an atomic
 * stack (inbox); only the owner takes from it, the whole stack at once,
 * into its private FIFO, oldest first, and runs the FIFO one routine at a
 * time (a routine that waits alertably itself runs the next ones).
 *
 * Invariant: the eventfd is set whenever the inbox or the FIFO is
 * non-empty, except after the thread queued to itself (an overlapped call
 * that completed at once): the thread is not waiting then, and every wait
 * asks for the eventfd (ws2__apc_wake_fd) before it polls, which sets it if
 * anything is pending. That saves an eventfd write and read per immediate
 * completion. `signalled` says whether the eventfd is set: CLEAR -> SETTING
 * (one pusher wins, writes the eventfd) -> SET; the owner, finding nothing
 * to run, turns SET back to CLEAR and reads the eventfd empty (never while
 * SETTING, so that no write lands after its read), then looks at the inbox
 * once more: a push it missed either found `signalled` CLEAR (and sets it
 * again) or is visible to that look.
 */
#include "ws2.h"
#include "apc.h"
#include "sys/sys.h"

#include <pthread.h>
#include <stdlib.h>

#define APC_MAGIC 0x43504171u /* "qAPC" */

enum { CLEAR, SETTING, SET };

typedef struct apc_node {
    struct apc_node *next;
    LPWSAUSERAPC routine;
    DWORD_PTR context;
} apc_node;

struct ws2__apc_queue {
    uint32_t magic;
    _Atomic int refs;
    int fd;                      /* eventfd: readable while signalled */
    _Atomic int exited;          /* the owning thread is gone: routines are refused */
    _Atomic(apc_node *) inbox;   /* pushed by anyone, newest first */
    _Alignas(64) _Atomic int signalled; /* CLEAR, SETTING or SET (above) */
    apc_node *head, *tail;       /* the owner's FIFO, taken from the inbox */
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
    free_nodes(atomic_load(&q->inbox)); /* queued after the owner exited */
    sys__close(q->fd);
    free(q);
}

/* The owning thread leaves: pending routines can never run (Windows drops a
 * thread's user APCs when it exits); later ones are refused. */
static void thread_exit(void *arg) {
    ws2__apc_queue *q = arg;
    atomic_store(&q->exited, 1);
    free_nodes(q->head);
    q->head = q->tail = NULL;
    free_nodes(atomic_exchange(&q->inbox, NULL)); /* later pushes: queue_put frees them */
    if (atomic_exchange(&q->signalled, CLEAR) != CLEAR)
        sys__eventfd_drain(q->fd);
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

/* Owner only: anything pending, in the FIFO or the inbox? */
static BOOL pending(ws2__apc_queue *q) { return q->head || atomic_load(&q->inbox); }

/* Set the eventfd unless it is set or being set. */
static void signal_queue(ws2__apc_queue *q) {
    int clear = CLEAR;
    if (atomic_load(&q->signalled) == CLEAR && /* seq_cst: after the push */
        atomic_compare_exchange_strong(&q->signalled, &clear, SETTING)) {
        sys__eventfd_signal(q->fd);
        atomic_store(&q->signalled, SET);
    }
}

/* Owner only, nothing left to run: the eventfd read empty if it is SET. A
 * SETTING is left alone: its pusher's node is in the inbox already (the
 * caller looks there next), and once its write lands the state is SET, to
 * be cleared by the run that follows (at worst one wake-up for nothing). */
static void unsignal_queue(ws2__apc_queue *q) {
    int set = SET;
    if (atomic_load(&q->signalled) == SET && atomic_compare_exchange_strong(&q->signalled, &set, CLEAR))
        sys__eventfd_drain(q->fd);
}

int ws2__apc_wake_fd(void) {
    ws2__apc_queue *q = queue_current();
    if (!q)
        return -1;
    if (pending(q))
        signal_queue(q); /* queued by this thread to itself */
    return q->fd;
}

/* Owner only: the inbox, oldest first, appended to the FIFO. */
static void take_inbox(ws2__apc_queue *q) {
    if (!atomic_load(&q->inbox))
        return; /* the usual case: no locked instruction */
    apc_node *n = atomic_exchange(&q->inbox, NULL), *fifo = NULL, *last = n;
    while (n) {
        apc_node *next = n->next;
        n->next = fifo;
        fifo = n;
        n = next;
    }
    if (!fifo)
        return;
    if (q->tail)
        q->tail->next = fifo;
    else
        q->head = fifo;
    q->tail = last;
}

int ws2__apc_run(void) {
    ws2__apc_queue *q = current;
    int ran = 0;
    if (!q)
        return 0; /* nobody could have queued to a thread without a queue */
    for (;;) {
        if (!q->head)
            take_inbox(q);
        if (!q->head) {
            /* Nothing to run: clear the eventfd, then look once more. */
            unsignal_queue(q);
            take_inbox(q);
            if (!q->head)
                return ran;
        }
        apc_node *n = q->head;
        q->head = n->next;
        if (!q->head)
            q->tail = NULL;
        LPWSAUSERAPC routine = n->routine;
        DWORD_PTR context = n->context;
        free(n);
        routine(context); /* it may queue more, or wait alertably itself */
        ran++;
    }
}

BOOL ws2__apc_quiet(void) {
    ws2__apc_queue *q = current;
    if (!q)
        return TRUE;
    /* Acquire: pairs with the release of the last WPUCloseThread, after
     * which whatever its holder queued is visible in the inbox. */
    if (atomic_load_explicit(&q->refs, memory_order_acquire) != 1)
        return FALSE;
    return !pending(q);
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
    if (atomic_load(&q->exited))
        return WSAEFAULT;
    apc_node *n = malloc(sizeof *n);
    if (!n)
        return WSAENOBUFS;
    n->routine = routine;
    n->context = context;
    apc_node *head = atomic_load_explicit(&q->inbox, memory_order_relaxed);
    do
        n->next = head;
    while (!atomic_compare_exchange_weak(&q->inbox, &head, n));
    /* Another thread's queue: wake it. Our own: we are not waiting, and
     * our next wait sets the eventfd itself (ws2__apc_wake_fd). */
    if (q != current)
        signal_queue(q);
    return 0;
}

void ws2__apc_cleanup(void) {
    ws2__apc_queue *q = current;
    if (!q)
        return;
    /* Only this thread adds references to its own queue, so one reference
     * now means no WSATHREADID is open on it. */
    BOOL idle = !pending(q) && atomic_load(&q->refs) == 1;
    if (!idle)
        return;
    pthread_setspecific(exit_key, NULL);
    current = NULL;
    queue_put(q);
}
