/* Memory per socket beyond the kernel's: the resident set added by n
 * connected TCP sockets made with WSA_FLAG_OVERLAPPED (default 10,000),
 * divided by n, against the same with socket(2)+connect(2). A forked peer
 * (raw.c) holds the accepting ends, so this process holds n descriptors.
 * The kernel's own socket memory is not in the resident set of either.
 *
 *   bench-memory [n] [idle]
 * Each socket has one overlapped WSARecv pending (the loop thread watches
 * it); idle: connected sockets with nothing posted. */
#include "bench_ws.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10000;
    int pending = !(argc > 2 && !strcmp(argv[2], "idle"));
    bench_ws_startup();

    /* The baseline first: raw descriptors, then the peer is gone again. */
    double raw = raw_connections_rss(n);

    int port = raw_peer_start(n);
    if (port < 0)
        bench_die("starting the peer", port);
    SOCKET *s = malloc((size_t)n * sizeof *s);
    WSAOVERLAPPED *ov = pending ? calloc((size_t)n, sizeof *ov) : NULL;
    static char sink[1];
    if (!s || (pending && !ov))
        bench_die("malloc", 0);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons((u_short)port);

    size_t before = bench_rss();
    for (long i = 0; i < n; i++) {
        s[i] = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
        if (s[i] == INVALID_SOCKET)
            bench_die("WSASocket", WSAGetLastError());
        if (connect(s[i], (struct sockaddr *)&sin, sizeof sin) != 0)
            bench_die("connect", WSAGetLastError());
        if (pending) {
            WSABUF b = {sizeof sink, sink};
            DWORD got = 0, flags = 0;
            if (WSARecv(s[i], &b, 1, &got, &flags, &ov[i], NULL) != 0 && WSAGetLastError() != WSA_IO_PENDING)
                bench_die("WSARecv", WSAGetLastError());
        }
    }
    size_t after = bench_rss();
    double ours = ((double)after - (double)before) / (double)n;

    raw_peer_stop(); /* the peer closes first: TIME_WAIT stays on its side */
    for (long i = 0; i < n; i++)
        closesocket(s[i]);
    printf("%-28s %-8s %14.0f bytes/socket%s\n", "10k connections: RSS", BENCH_SIDE, ours,
           pending ? " (one overlapped WSARecv pending on each)" : " (idle)");
    printf("%-28s %-8s %14.0f bytes/socket\n", "10k connections: RSS", "posix", raw);
    printf("%-28s extra    %14.0f bytes/socket\n", "10k connections: RSS", ours - raw);
    WSACleanup(); /* the OVERLAPPEDs stay valid until every completion is in */
    free(s);
    free(ov);
    return 0;
}
