/*
 * The libuv loop thread that runs overlapped and asynchronous work. Started
 * by the first WSPStartup, stopped by the last WSPCleanup. For now it only
 * runs; requests arrive with overlapped I/O. Neutral C (see loop.h).
 */
#define _GNU_SOURCE
#include "loop.h"
#include "common/fault.h"

#include <stdatomic.h>
#include <uv.h>

static uv_loop_t loop;
static uv_async_t stop_async;
static uv_thread_t thread;
static _Atomic int running;

static void on_stop(uv_async_t *a) { uv_close((uv_handle_t *)a, NULL); }

static void run(void *arg) {
    (void)arg;
    uv_run(&loop, UV_RUN_DEFAULT);
}

int wsp__loop_start(void) {
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

void wsp__loop_stop(void) {
    if (!atomic_exchange(&running, 0))
        return;
    uv_async_send(&stop_async);
    uv_thread_join(&thread);
    uv_loop_close(&loop);
}

int wsp__loop_running(void) { return atomic_load(&running); }
