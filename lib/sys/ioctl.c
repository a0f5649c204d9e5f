/* ioctl.c - the ioctlsocket commands that reach the system, and process
 * facts the provider needs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "internal.h"
#include "systrace.h"

int sys__ioctl_fionbio(int fd, int on) {
  int flags = fcntl(fd, F_GETFL);
  SYS_TRACE_DETAIL(flags, flags >= 0 ? sys__trace_text("(flags %s)", sys__trace_fl(flags)) : NULL,
                   "fcntl(%d, F_GETFL)", fd);
  if (flags < 0)
    return sys__wsa_error(errno);
  flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  int r = fcntl(fd, F_SETFL, flags);
  SYS_TRACE(r, "fcntl(%d, F_SETFL, %s)", fd, sys__trace_fl(flags));
  if (r != 0)
    return sys__wsa_error(errno);
  return 0;
}

/* Linux answers with the bytes queued on a stream socket and the size of
 * the next datagram on a datagram socket. */
int sys__fionread(int fd, uint32_t *avail) {
  int n = 0;
  if (avail == NULL)
    return SYS_WSAEFAULT;
  int r = ioctl(fd, FIONREAD, &n);
  SYS_TRACE(r, "ioctl(%d, FIONREAD, [%d])", fd, n);
  if (r != 0)
    return sys__wsa_error(errno);
  *avail = n < 0 ? 0 : (uint32_t)n;
  return 0;
}

/* SIOCATMARK has opposite meanings: Linux says "the next byte is the urgent
 * one", Windows says "no urgent data is waiting" (TRUE when there is none).
 * Urgent data waiting is what poll reports as POLLPRI. */
int sys__atmark(int fd, int *at_mark) {
  struct pollfd p = {.fd = fd, .events = POLLPRI};
  int r;
  if (at_mark == NULL)
    return SYS_WSAEFAULT;
  do {
    r = poll(&p, 1, 0);
    SYS_TRACE_DETAIL(r, r > 0 ? sys__trace_pollfds(&p, 1, 1) : NULL, "poll(%s, 1, 0)",
                     sys__trace_pollfds(&p, 1, 0));
  } while (r < 0 && errno == EINTR);
  if (r < 0)
    return sys__wsa_error(errno);
  if (p.revents & POLLNVAL)
    return SYS_WSAENOTSOCK;
  *at_mark = (p.revents & POLLPRI) == 0;
  return 0;
}

int sys__fd_limit(int64_t *soft_out, int64_t *hard_out) {
  struct rlimit rl;
  int r = getrlimit(RLIMIT_NOFILE, &rl);
  SYS_TRACE(r, "getrlimit(RLIMIT_NOFILE, {rlim_cur=%llu, rlim_max=%llu})", r == 0 ? (unsigned long long)rl.rlim_cur : 0ull,
            r == 0 ? (unsigned long long)rl.rlim_max : 0ull);
  if (r != 0)
    return sys__wsa_error(errno);
  if (soft_out != NULL)
    *soft_out = rl.rlim_cur == RLIM_INFINITY ? INT64_MAX : (int64_t)rl.rlim_cur;
  if (hard_out != NULL)
    *hard_out = rl.rlim_max == RLIM_INFINITY ? INT64_MAX : (int64_t)rl.rlim_max;
  return 0;
}

uint32_t sys__getpid(void) {
  pid_t pid = getpid();
  SYS_TRACE(pid, "getpid()");
  return (uint32_t)pid;
}
