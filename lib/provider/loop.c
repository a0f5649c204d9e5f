/*
 * The libuv loop thread that runs overlapped and asynchronous work. Started
 * by the first WSPStartup, stopped by the last WSPCleanup. For now it only
 * runs; requests arrive with overlapped I/O. Neutral C (see loop.h).
 */
#define _GNU_SOURCE
#include "loop.h"
#include "common/fault.h"

#include <pthread.h>
#include <stdatomic.h>
#include <uv.h>

static uv_loop_t loop;
static uv_async_t stop_async;
static uv_thread_t thread;
static _Atomic int running;
/* Between the first WSPStartup and the last WSPCleanup. A start that failed
 * for want of resources (descriptors at RLIMIT_NOFILE, threads) is tried
 * again when the loop is next needed, so the process recovers once they are
 * back instead of staying WSAENETDOWN until the last WSACleanup. */
static _Atomic int wanted;
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_stop(uv_async_t *a) { uv_close((uv_handle_t *)a, NULL); }

static void run(void *arg) {
    (void)arg;
    uv_run(&loop, UV_RUN_DEFAULT);
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
    if (uv_thread_create(&thread, run, NULL) != 0) {
        uv_close((uv_handle_t *)&stop_async, NULL);
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
