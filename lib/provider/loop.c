/*
 * The libuv loop thread that runs overlapped and asynchronous work. Started
 * by the first WSPStartup, stopped by the last WSPCleanup. Requests arrive
 * through a queue and uv_async_send; readiness through uv_poll watches.
 * Neutral C (see loop.h).
 */
#define _GNU_SOURCE
#include "loop.h"
#include "common/fault.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <uv.h>

static uv_loop_t loop;
static uv_async_t stop_async;
static uv_async_t post_async;
static uv_thread_t thread;
/* Not `running`: that is already 0 while the loop's last drain runs, and
 * work done there (a socket's release) must still know it is on the loop. */
static _Thread_local int on_loop_thread;

/* The hand-off queue: FIFO, intrusive, under a lock. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static wsp__loop_req *queue_head, *queue_tail;
static _Atomic int running;
/* Between the first WSPStartup and the last WSPCleanup. A start that failed
 * for want of resources (descriptors at RLIMIT_NOFILE, threads) is tried
 * again when the loop is next needed, so the process recovers once they are
 * back instead of staying WSAENETDOWN until the last WSACleanup. */
static _Atomic int wanted;
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;

static void drain(void) {
    pthread_mutex_lock(&queue_lock);
    wsp__loop_req *req = queue_head;
    queue_head = queue_tail = NULL;
    pthread_mutex_unlock(&queue_lock);
    while (req) {
        wsp__loop_req *next = req->next;
        req->run(req); /* may free req */
        req = next;
    }
}

static void on_post(uv_async_t *a) {
    (void)a;
    drain();
}

struct wsp__watch {
    uv_poll_t poll;
    int events; /* what uv_poll_start was last given: no epoll_ctl if unchanged */
    wsp__ready_fn fn;
    void *owner;
    void (*closed)(void *owner);
    void *closed_owner;
};

static void on_watch_closed(uv_handle_t *h);

/* Watches still open belong to sockets freed later without the loop; their
 * memory goes now (their `closed` callback is not due: nobody waits). */
static void close_any(uv_handle_t *h, void *arg) {
    (void)arg;
    if (uv_is_closing(h))
        return;
    if (h->type == UV_POLL) {
        ((wsp__watch *)h->data)->closed = NULL;
        uv_close(h, on_watch_closed);
    } else {
        uv_close(h, NULL);
    }
}

/* Stop: run what is queued, then close every handle so uv_run returns. */
static void on_stop(uv_async_t *a) {
    (void)a;
    drain();
    uv_walk(&loop, close_any, NULL);
}

static void run(void *arg) {
    (void)arg;
    on_loop_thread = 1;
    uv_run(&loop, UV_RUN_DEFAULT);
}

int wsp__loop_post(wsp__loop_req *req) {
    if (!wsp__loop_running())
        return -1;
    req->next = NULL;
    pthread_mutex_lock(&queue_lock);
    if (queue_tail)
        queue_tail->next = req;
    else
        queue_head = req;
    queue_tail = req;
    pthread_mutex_unlock(&queue_lock);
    uv_async_send(&post_async);
    return 0;
}

int wsp__loop_on_thread(void) { return on_loop_thread; }

/* A call run on the loop thread while its caller waits. */
typedef struct {
    wsp__loop_req req;
    void (*fn)(void *);
    void *arg;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done;
} call_req;

static void on_call(wsp__loop_req *r) {
    call_req *c = (call_req *)r;
    c->fn(c->arg);
    pthread_mutex_lock(&c->lock);
    c->done = 1;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

int wsp__loop_call(void (*fn)(void *), void *arg) {
    if (on_loop_thread) {
        fn(arg);
        return 0;
    }
    call_req c = {.req.run = on_call, .fn = fn, .arg = arg, .done = 0};
    pthread_mutex_init(&c.lock, NULL);
    pthread_cond_init(&c.cond, NULL);
    int r = wsp__loop_post(&c.req);
    if (r == 0) {
        /* The loop's last drain runs every queued request, so this ends. */
        pthread_mutex_lock(&c.lock);
        while (!c.done)
            pthread_cond_wait(&c.cond, &c.lock);
        pthread_mutex_unlock(&c.lock);
    }
    pthread_mutex_destroy(&c.lock);
    pthread_cond_destroy(&c.cond);
    return r;
}

/* ---- watches ---- */


static void on_poll(uv_poll_t *p, int status, int events) {
    wsp__watch *w = p->data;
    int ready = 0;
    if (status < 0) {
        ready |= WSP__READY_ERR;
        w->events = 0; /* libuv stops a poll that reports an error */
    }
    if (events & UV_READABLE)
        ready |= WSP__READY_READ;
    if (events & UV_WRITABLE)
        ready |= WSP__READY_WRITE;
    if (events & UV_PRIORITIZED)
        ready |= WSP__READY_PRI;
    if (events & UV_DISCONNECT)
        ready |= WSP__READY_HUP;
    w->fn(w->owner, ready);
}

wsp__watch *wsp__watch_open(int fd, wsp__ready_fn fn, void *owner) {
    wsp__watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    if (uv_poll_init(&loop, &w->poll, fd) != 0) {
        free(w);
        return NULL;
    }
    w->poll.data = w;
    w->fn = fn;
    w->owner = owner;
    return w;
}

void wsp__watch_interest(wsp__watch *w, int interest) {
    int events = (interest & WSP__READY_READ ? UV_READABLE | UV_DISCONNECT : 0) |
                 (interest & WSP__READY_WRITE ? UV_WRITABLE : 0) | (interest & WSP__READY_PRI ? UV_PRIORITIZED : 0);
    /* A watch being closed must not be started again: libuv would poll its
     * descriptor after the close has let go of it (and the socket has
     * closed it), and abort on EBADF. */
    if (events == w->events || uv_is_closing((uv_handle_t *)&w->poll))
        return;
    w->events = events;
    if (events)
        uv_poll_start(&w->poll, events, on_poll);
    else
        uv_poll_stop(&w->poll);
}

static void on_watch_closed(uv_handle_t *h) {
    wsp__watch *w = h->data;
    if (w->closed)
        w->closed(w->closed_owner);
    free(w);
}

void wsp__watch_close(wsp__watch *w, void (*closed)(void *owner), void *owner) {
    w->closed = closed;
    w->closed_owner = owner;
    uv_close((uv_handle_t *)&w->poll, on_watch_closed);
}

static int start(void) {
    if (W2P_FAULT(W2P_FAULT_LOOP))
        return -1;
    if (uv_loop_init(&loop) != 0)
        return -1;
    if (uv_async_init(&loop, &stop_async, on_stop) != 0) {
        uv_loop_close(&loop);
        return -1;
    }
    if (uv_async_init(&loop, &post_async, on_post) != 0) {
        uv_close((uv_handle_t *)&stop_async, NULL);
        uv_run(&loop, UV_RUN_NOWAIT);
        uv_loop_close(&loop);
        return -1;
    }
    if (uv_thread_create(&thread, run, NULL) != 0) {
        uv_close((uv_handle_t *)&stop_async, NULL);
        uv_close((uv_handle_t *)&post_async, NULL);
        uv_run(&loop, UV_RUN_NOWAIT);
        uv_loop_close(&loop);
        return -1;
    }
    atomic_store(&running, 1);
    return 0;
}

int wsp__loop_start(void) {
    pthread_mutex_lock(&start_lock);
    atomic_store(&wanted, 1);
    int r = atomic_load(&running) ? 0 : start();
    pthread_mutex_unlock(&start_lock);
    return r;
}

void wsp__loop_stop(void) {
    pthread_mutex_lock(&start_lock);
    atomic_store(&wanted, 0);
    if (atomic_exchange(&running, 0)) {
        uv_async_send(&stop_async);
        uv_thread_join(&thread);
        uv_loop_close(&loop);
    }
    pthread_mutex_unlock(&start_lock);
}

int wsp__loop_running(void) {
    if (atomic_load(&running))
        return 1;
    if (!atomic_load(&wanted))
        return 0;
    pthread_mutex_lock(&start_lock);
    if (atomic_load(&wanted) && !atomic_load(&running))
        start();
    pthread_mutex_unlock(&start_lock);
    return atomic_load(&running);
}
