/* The POSIX baselines: the same work, straight to the system calls. */
#define _GNU_SOURCE
#include "bench.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

double raw_socket_close(long n) {
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
        close(fd);
    }
    return bench_now() - t0;
}
