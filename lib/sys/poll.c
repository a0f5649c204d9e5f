/* poll.c - waiting: poll(2) over WSAPoll bits, blocking-call waits that also
 * wake on a second descriptor, and eventfd-backed manual-reset events. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "systrace.h"

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll(2) with EINTR resumed for the time left. */
static int poll_retry(struct pollfd *p, nfds_t n, int timeout_ms, int *nready) {
  /* The clock is read only for a wait that may be interrupted: select's
   * look without waiting (timeout 0) makes none of these calls. */
  int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
  int left = timeout_ms, r;

  for (;;) {
    r = poll(p, n, left);
    SYS_TRACE_DETAIL(r, r > 0 ? sys__trace_pollfds(p, n, 1) : NULL, "poll(%s, %lu, %d)",
                     sys__trace_pollfds(p, n, 0), (unsigned long)n, left);
    if (r >= 0)
      break;
    if (errno != EINTR)
      return sys__wsa_error(errno);
    if (timeout_ms > 0) {
      int64_t rest = deadline - now_ms();
      left = rest > 0 ? (int)rest : 0;
    }
  }
  *nready = r;
  return 0;
}

#define STACK_POLLFDS 128 /* select: up to 64 sockets in two sets, and the APC fd */

int sys__poll(sys_pollfd_t *fds, uint32_t nfds, int timeout_ms, int *nready) {
  struct pollfd stack[STACK_POLLFDS], *p = stack;
  int err, count = 0;

  if (nready == NULL || (nfds > 0 && fds == NULL))
    return SYS_WSAEFAULT;
  if (nfds > STACK_POLLFDS) {
    p = malloc(nfds * sizeof *p);
    if (p == NULL)
      return SYS_WSAENOBUFS;
  }
  for (uint32_t i = 0; i < nfds; i++) {
    p[i].fd = fds[i].fd;
    p[i].events = sys__poll_events_to_posix(fds[i].w_events);
    p[i].revents = 0;
  }
  err = poll_retry(p, nfds, timeout_ms, &count);
  if (err == 0) {
    count = 0;
    for (uint32_t i = 0; i < nfds; i++) {
      /* Most descriptors of a select report nothing. */
      fds[i].w_revents = p[i].revents ? sys__poll_revents_to_w(p[i].revents, fds[i].w_events) : 0;
      if (fds[i].w_revents != 0)
        count++;
    }
    *nready = count;
  }
  if (p != stack)
    free(p);
  return err;
}

static int wait_fd(int fd, short events, int extra_fd, int timeout_ms, int *ready) {
  struct pollfd p[2];
  nfds_t n = 1;
  int err, count;

  if (ready == NULL)
    return SYS_WSAEFAULT;
  p[0].fd = fd;
  p[0].events = events;
  p[0].revents = 0;
  if (extra_fd >= 0) {
    p[1].fd = extra_fd;
    p[1].events = POLLIN;
    p[1].revents = 0;
    n = 2;
  }
  if ((err = poll_retry(p, n, timeout_ms, &count)) != 0)
    return err;
  if (p[0].revents & POLLNVAL)
    return SYS_WSAENOTSOCK;
  *ready = 0;
  if (p[0].revents)
    *ready |= SYS_READY_FD;
  if (n == 2 && p[1].revents)
    *ready |= SYS_READY_EXTRA;
  return 0;
}

int sys__wait_readable(int fd, int extra_fd, int timeout_ms, int *ready) {
  return wait_fd(fd, POLLIN, extra_fd, timeout_ms, ready);
}

int sys__wait_writable(int fd, int extra_fd, int timeout_ms, int *ready) {
  return wait_fd(fd, POLLOUT, extra_fd, timeout_ms, ready);
}

/* --- eventfd: manual-reset events -------------------------------------- */

int sys__eventfd_create(int *fd_out) {
  int fd;
  if (fd_out == NULL)
    return SYS_WSAEFAULT;
  fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  SYS_TRACE(fd, "eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK)");
  if (fd < 0)
    return sys__wsa_error(errno);
  *fd_out = fd;
  return 0;
}

int sys__eventfd_signal(int fd) {
  uint64_t one = 1;
  for (;;) {
    ssize_t r = write(fd, &one, sizeof one);
    SYS_TRACE(r, "write(%d, [1], 8)", fd);
    if (r == (ssize_t)sizeof one)
      return 0;
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN) /* counter full: it is set already */
      return 0;
    return sys__wsa_error(errno);
  }
}

int sys__eventfd_drain(int fd) {
  uint64_t value;
  for (;;) {
    ssize_t r = read(fd, &value, sizeof value);
    SYS_TRACE(r, "read(%d, [%llu], 8)", fd, r == 8 ? (unsigned long long)value : 0ull);
    if (r == (ssize_t)sizeof value)
      return 0; /* one read empties a non-semaphore eventfd */
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN)
      return 0;
    return sys__wsa_error(errno);
  }
}

int sys__eventfd_is_set(int fd, int *is_set) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  int count, err;
  if (is_set == NULL)
    return SYS_WSAEFAULT;
  if ((err = poll_retry(&p, 1, 0, &count)) != 0)
    return err;
  if (p.revents & POLLNVAL)
    return SYS_WSAEINVAL;
  *is_set = (p.revents & POLLIN) != 0;
  return 0;
}
