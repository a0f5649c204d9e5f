/* POSIX side of bench-ovlecho: the load (100 blocking loopback clients, the
 * same for both servers) and the baseline server, a plain libuv echo server
 * doing the same work as the overlapped one (bench_ovlecho.c). */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define MSG 64

static int recv_all(int fd, char *b, int len) {
    while (len > 0) {
        ssize_t r = recv(fd, b, (size_t)len, 0);
        if (r <= 0)
            return -1;
        b += r, len -= (int)r;
    }
    return 0;
}

double raw_echo_client(int port, int nconn, long rounds) {
    int *fd = calloc((size_t)nconn, sizeof *fd);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1, ok = fd != NULL;
    for (int i = 0; ok && i < nconn; i++) {
        fd[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fd[i] < 0 || connect(fd[i], (struct sockaddr *)&sa, sizeof sa) != 0)
            ok = 0;
        else
            setsockopt(fd[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    char buf[MSG];
    memset(buf, 'x', sizeof buf);
    double t0 = bench_now();
    for (long r = 0; ok && r < rounds; r++) {
        for (int i = 0; ok && i < nconn; i++)
            if (send(fd[i], buf, MSG, 0) != MSG)
                ok = 0;
        for (int i = 0; ok && i < nconn; i++)
            if (recv_all(fd[i], buf, MSG) != 0)
                ok = 0;
    }
    double dt = bench_now() - t0;
    for (int i = 0; fd && i < nconn; i++)
        if (fd[i] > 0)
            close(fd[i]);
    free(fd);
    return ok ? dt : -1;
}

/* ---- the libuv echo server ---- */

typedef struct {
    uv_write_t req;
    char data[];
} wreq;

static void on_closed(uv_handle_t *h) { free(h); }

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b) {
    (void)h, (void)hint;
    static char scratch[65536]; /* one loop thread: read then copied into the write */
    *b = uv_buf_init(scratch, sizeof scratch);
}

static void on_written(uv_write_t *req, int status) {
    (void)status;
    free(req);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
    if (n < 0) {
        uv_close((uv_handle_t *)s, on_closed);
        return;
    }
    if (n == 0)
        return;
    wreq *w = malloc(sizeof *w + (size_t)n);
    memcpy(w->data, b->base, (size_t)n);
    uv_buf_t out = uv_buf_init(w->data, (unsigned)n);
    if (uv_write(&w->req, s, &out, 1, on_written) != 0)
        free(w);
}

static void on_conn(uv_stream_t *server, int status) {
    if (status < 0)
        return;
    uv_tcp_t *c = malloc(sizeof *c);
    uv_tcp_init(server->loop, c);
    c->data = NULL; /* malloc'ed: freed on close */
    if (uv_accept(server, (uv_stream_t *)c) == 0) {
        uv_tcp_nodelay(c, 1);
        uv_read_start((uv_stream_t *)c, on_alloc, on_read);
    } else {
        uv_close((uv_handle_t *)c, on_closed);
    }
}

static void close_any(uv_handle_t *h, void *arg) {
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, h->data == (void *)1 ? NULL : on_closed);
}

static void on_stop(uv_async_t *a) { uv_walk(a->loop, close_any, NULL); }

static void *loop_main(void *arg) {
    uv_run(arg, UV_RUN_DEFAULT);
    return NULL;
}

double raw_uv_echo(long rounds) {
    uv_loop_t loop;
    uv_tcp_t server;
    uv_async_t stop;
    uv_loop_init(&loop);
    uv_tcp_init(&loop, &server);
    server.data = (void *)1, stop.data = (void *)1; /* not malloc'ed */
    struct sockaddr_in sa;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    struct sockaddr_storage bound;
    int len = sizeof bound;
    if (uv_tcp_bind(&server, (struct sockaddr *)&sa, 0) || uv_listen((uv_stream_t *)&server, 128, on_conn) ||
        uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &len))
        return -1;
    uv_async_init(&loop, &stop, on_stop);
    pthread_t t;
    pthread_create(&t, NULL, loop_main, &loop);
    double dt = raw_echo_client(ntohs(((struct sockaddr_in *)&bound)->sin_port), 100, rounds);
    uv_async_send(&stop);
    pthread_join(t, NULL);
    uv_loop_close(&loop);
    return dt;
}
