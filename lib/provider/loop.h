/*
 * The libuv loop thread. Neutral C: loop.c includes <uv.h>, which drags in
 * POSIX socket headers, so it stays out of the Windows world.
 *
 * Other threads hand work to the loop with wsp__loop_post (an intrusive
 * request, FIFO, woken with uv_async_send). On the loop thread, a watch is
 * the uv_poll of one descriptor: readiness comes back through a callback
 * with the owner pointer (the provider's socket object). There is one watch
 * per descriptor (libuv allows no more), so every user of readiness on a
 * socket (overlapped operations, WSAEventSelect) shares it and sets the
 * union of what it waits for.
 */
#ifndef WS2POSIX_LOOP_H
#define WS2POSIX_LOOP_H

int wsp__loop_start(void); /* 0, or -1 when the loop cannot run */
void wsp__loop_stop(void);
int wsp__loop_running(void);

typedef struct wsp__loop_req {
    struct wsp__loop_req *next;
    void (*run)(struct wsp__loop_req *req); /* called on the loop thread */
} wsp__loop_req;

/* Queue req to run on the loop thread: 0, or -1 when the loop is down (the
 * caller then fails with WSAENETDOWN; req is not queued). */
int wsp__loop_post(wsp__loop_req *req);
int wsp__loop_on_thread(void);
/* Run fn(arg) on the loop thread and wait until it has run (at once when
 * called there): 0, or -1 when the loop does not run (fn was not called). */
int wsp__loop_call(void (*fn)(void *), void *arg);

enum {
    WSP__READY_READ = 1,  /* readable, or a connection to accept */
    WSP__READY_WRITE = 2, /* writable, or a connect finished */
    WSP__READY_PRI = 4,   /* urgent (OOB) data */
    WSP__READY_HUP = 8,   /* peer closed / hung up */
    WSP__READY_ERR = 16,  /* error pending (SO_ERROR) */
};

typedef struct wsp__watch wsp__watch;
typedef void (*wsp__ready_fn)(void *owner, int ready);

/* Loop thread only. NULL when the descriptor cannot be watched. */
wsp__watch *wsp__watch_open(int fd, wsp__ready_fn fn, void *owner);
/* READ/WRITE/PRI bits to wait for; 0 stops polling (the watch stays). */
void wsp__watch_interest(wsp__watch *w, int interest);
/* Stop and free; closed(owner) runs on the loop thread once libuv has let go
 * of the descriptor (only then may it be closed). closed may be NULL. */
void wsp__watch_close(wsp__watch *w, void (*closed)(void *owner), void *owner);

#endif
