/* sys.c - socket calls in neutral types: descriptors, names, data. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/tcp.h> /* struct tcp_info with tcpi_segs_out */
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cmsg.h"
#include "internal.h"
#include "systrace.h"

/* --- small helpers ------------------------------------------------------ */

static int sock_int_opt(int fd, int level, int name, int *value) {
  socklen_t len = sizeof *value;
  int r = getsockopt(fd, level, name, value, &len);
  SYS_TRACE(r, "getsockopt(%d, %s, %s, [%u])", fd, sys__trace_sockopt(level, name),
            r == 0 ? sys__trace_optval(level, name, value, len) : "?", (unsigned)len);
  if (r != 0)
    return sys__wsa_error(errno);
  return 0;
}

static int posix_domain(int fd, int *af) {
  return sock_int_opt(fd, SOL_SOCKET, SO_DOMAIN, af);
}

static int posix_type(int fd, int *type) {
  return sock_int_opt(fd, SOL_SOCKET, SO_TYPE, type);
}

int sys__socket_type(int fd, int *w_type) {
  int type, err;
  if (w_type == NULL)
    return SYS_WSAEFAULT;
  if ((err = posix_type(fd, &type)) != 0)
    return err;
  return sys__type_to_w(type, w_type);
}

int sys__socket_family(int fd, int *w_af) {
  int af, err;
  if (w_af == NULL)
    return SYS_WSAEFAULT;
  if ((err = posix_domain(fd, &af)) != 0)
    return err;
  return sys__af_to_w(af, w_af);
}

/* A Windows address for this socket: a length too short for the socket's
 * own family is WSAEFAULT (Winsock checks the length first), a family that
 * is not the socket's is WSAEAFNOSUPPORT. */
static int sock_addr_in(int fd, const void *w_addr, int w_len, int allow_unspec,
                        struct sockaddr_storage *ss, socklen_t *len) {
  int af, err;
  if ((err = posix_domain(fd, &af)) != 0)
    return err;
  if (w_addr == NULL)
    return SYS_WSAEFAULT;
  if (af == AF_INET && w_len < SYS_W_SOCKADDR_IN_SIZE)
    return SYS_WSAEFAULT;
  if (af == AF_INET6 && w_len < SYS_W_SOCKADDR_IN6_OLD_SIZE)
    return SYS_WSAEFAULT;
  if ((err = sys__addr_to_posix(w_addr, w_len, ss, len)) != 0)
    return err;
  if (ss->ss_family != af && !(allow_unspec && ss->ss_family == AF_UNSPEC))
    return SYS_WSAEAFNOSUPPORT;
  return 0;
}

/* Linux TCP states (include/net/tcp_states.h), for the EPIPE refinement. */
enum { LX_TCP_CLOSE = 7 };

/* EPIPE from a send: say what Winsock would.  For TCP: a connection never
 * made (or whose connect failed) -> WSAENOTCONN; one lost after it was made
 * -> WSAECONNRESET; our FIN sent and the connection still closing ->
 * WSAESHUTDOWN.  A socket shut down with SD_SEND whose connection has since
 * fully closed looks the same as a reset connection here; the provider,
 * which remembers shutdown calls, answers WSAESHUTDOWN for it first. */
static int send_epipe(int fd) {
  int type, af;
  if (posix_type(fd, &type) != 0 || posix_domain(fd, &af) != 0)
    return SYS_WSAESHUTDOWN;
  if (type == SOCK_STREAM && (af == AF_INET || af == AF_INET6)) {
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    int r = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len);
    SYS_TRACE(r, "getsockopt(%d, IPPROTO_TCP, TCP_INFO, {tcpi_state=%u, tcpi_segs_out=%u}, [%u])", fd,
              (unsigned)ti.tcpi_state, (unsigned)ti.tcpi_segs_out, (unsigned)len);
    if (r == 0 && ti.tcpi_state == LX_TCP_CLOSE)
      return ti.tcpi_segs_out == 0 ? SYS_WSAENOTCONN : SYS_WSAECONNRESET;
  }
  return SYS_WSAESHUTDOWN;
}

/* EAGAIN: every descriptor is non-blocking at the kernel level (the
 * provider waits and keeps the SO_RCVTIMEO / SO_SNDTIMEO deadlines), so this
 * is always "would block" — no system call to tell it from a timeout. */
static int again_error(int fd) {
  (void)fd;
  return SYS_WSAEWOULDBLOCK;
}

int sys__send_error(int fd, int errnum, int has_address) {
  if (errnum == EAGAIN || errnum == EWOULDBLOCK)
    return again_error(fd);
  if (errnum == EPIPE)
    return send_epipe(fd);
  if (errnum == EDESTADDRREQ && !has_address)
    return SYS_WSAENOTCONN; /* send() on an unconnected datagram socket */
  return sys__wsa_error(errnum);
}

/* --- descriptors -------------------------------------------------------- */

int sys__socket(int w_af, int w_type, int w_protocol, int *fd_out) {
  int af, type, err, fd;

  if (fd_out == NULL)
    return SYS_WSAEFAULT;
  if ((err = sys__af_to_posix(w_af, &af)) != 0)
    return err;
  if (af == AF_UNSPEC) /* the dispatcher chooses a family from the catalog */
    return SYS_WSAEAFNOSUPPORT;
  if ((err = sys__type_to_posix(w_type, &type)) != 0)
    return err;
  if (w_protocol < 0 || w_protocol > 255) /* IPPROTO_MAX is 256 */
    return SYS_WSAEPROTONOSUPPORT;

  /* Non-blocking at the kernel level: a blocking Winsock call tries the
   * system call and waits itself (provider/wait.c), so that time-outs,
   * closesocket from another thread and blocking hooks can end the wait. */
  fd = socket(af, type | SOCK_CLOEXEC | SOCK_NONBLOCK, w_protocol);
  SYS_TRACE(fd, "socket(%s=%d, %s|SOCK_NONBLOCK|SOCK_CLOEXEC, %d)", sys__trace_af(af), af,
             sys__trace_type(type), w_protocol);
  if (fd < 0)
    return sys__wsa_error(errno);
  if (af == AF_INET6) { /* Windows' default; Linux' depends on a sysctl */
    int on = 1;
    int r = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    SYS_TRACE(r, "setsockopt(%d, IPPROTO_IPV6, IPV6_V6ONLY, [1], 4)", fd);
  }
  *fd_out = fd;
  return 0;
}

int sys__close(int fd) {
  /* Linux releases the descriptor even when close() reports EINTR. */
  int r = close(fd);
  SYS_TRACE(r, "close(%d)", fd);
  if (r != 0 && errno != EINTR)
    return sys__wsa_error(errno);
  return 0;
}

/* fd's number now names the socket fresh_fd (which is closed): dup3(2)
 * swaps the open file in one step, so a thread using the number sees either
 * the old socket or the new one, never a closed or foreign descriptor. */
int sys__dup_onto(int fresh_fd, int fd) {
  int r = dup3(fresh_fd, fd, O_CLOEXEC);
  SYS_TRACE(r, "dup3(%d, %d, O_CLOEXEC)", fresh_fd, fd);
  int err = r < 0 ? sys__wsa_error(errno) : 0;
  close(fresh_fd);
  return err;
}

int sys__shutdown(int fd, int w_how) {
  int how, err;
  if ((err = sys__how_to_posix(w_how, &how)) != 0)
    return err;
  int r = shutdown(fd, how);
  SYS_TRACE(r, "shutdown(%d, %s)", fd, how == SHUT_RD ? "SHUT_RD" : how == SHUT_WR ? "SHUT_WR" : "SHUT_RDWR");
  if (r != 0)
    return sys__wsa_error(errno);
  return 0;
}

int sys__bind(int fd, const void *w_addr, int w_len) {
  struct sockaddr_storage ss;
  socklen_t len;
  int err;
  if ((err = sock_addr_in(fd, w_addr, w_len, 0, &ss, &len)) != 0)
    return err;
  int r = bind(fd, (struct sockaddr *)&ss, len);
  SYS_TRACE(r, "bind(%d, %s, %u)", fd, sys__trace_sockaddr((struct sockaddr *)&ss, len), (unsigned)len);
  if (r != 0)
    return sys__wsa_error(errno);
  return 0;
}

static int is_zero_inet_address(const struct sockaddr_storage *ss) {
  static const unsigned char zero[16];
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
    return in->sin_port == 0 && in->sin_addr.s_addr == 0;
  }
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
    return in6->sin6_port == 0 && memcmp(&in6->sin6_addr, zero, 16) == 0;
  }
  return 0;
}

/* A blocking connect interrupted by a signal goes on in the kernel: wait for
 * its end and collect the result. */
static int connect_finish(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  int pending = 0, err;
  for (;;) {
    int r = poll(&p, 1, -1);
    SYS_TRACE_DETAIL(r, r > 0 ? sys__trace_pollfds(&p, 1, 1) : NULL, "poll(%s, 1, -1)",
                     sys__trace_pollfds(&p, 1, 0));
    if (r >= 0)
      break;
    if (errno != EINTR)
      return sys__wsa_error(errno);
  }
  if ((err = sock_int_opt(fd, SOL_SOCKET, SO_ERROR, &pending)) != 0)
    return err;
  return sys__wsa_error(pending);
}

int sys__connect(int fd, const void *w_addr, int w_len) {
  struct sockaddr_storage ss;
  socklen_t len;
  int err, type;

  if ((err = sock_addr_in(fd, w_addr, w_len, 1, &ss, &len)) != 0)
    return err;
  if ((err = posix_type(fd, &type)) != 0)
    return err;
  if (type == SOCK_STREAM && ss.ss_family == AF_UNSPEC)
    return SYS_WSAEAFNOSUPPORT;
  /* Windows: a datagram socket "connected" to the zero address forgets its
   * peer; POSIX says so with AF_UNSPEC. */
  if (type != SOCK_STREAM && is_zero_inet_address(&ss)) {
    memset(&ss, 0, sizeof ss);
    ss.ss_family = AF_UNSPEC;
    len = sizeof(sa_family_t);
  }
  int r = connect(fd, (struct sockaddr *)&ss, len);
  SYS_TRACE(r, "connect(%d, %s, %u)", fd, sys__trace_sockaddr((struct sockaddr *)&ss, len), (unsigned)len);
  if (r == 0)
    return 0;
  if (errno == EINTR)
    return connect_finish(fd);
  if (errno == ENOENT && ss.ss_family == AF_UNIX)
    return SYS_WSAECONNREFUSED; /* no socket file: nobody listens there */
  return sys__wsa_error(errno);
}

int sys__listen(int fd, int backlog) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;

  if (backlog == SYS_W_SOMAXCONN)
    backlog = SOMAXCONN; /* the kernel caps it at net.core.somaxconn */
  else if (backlog < 0) { /* SOMAXCONN_HINT(n) */
    long hint = -(long)backlog;
    if (hint < SYS_W_SOMAXCONN_HINT_MIN) hint = SYS_W_SOMAXCONN_HINT_MIN;
    if (hint > SYS_W_SOMAXCONN_HINT_MAX) hint = SYS_W_SOMAXCONN_HINT_MAX;
    backlog = (int)hint;
  }

  /* Winsock refuses to listen on an unbound socket (Linux would pick a
   * port) and on a connected one (Linux: EINVAL). */
  int r = getpeername(fd, (struct sockaddr *)&ss, &len);
  SYS_TRACE(r, "getpeername(%d, %s, [%u])", fd, r == 0 ? sys__trace_sockaddr((struct sockaddr *)&ss, len) : "?",
            (unsigned)len);
  if (r == 0)
    return SYS_WSAEISCONN;
  len = sizeof ss;
  r = getsockname(fd, (struct sockaddr *)&ss, &len);
  SYS_TRACE(r, "getsockname(%d, %s, [%u])", fd, r == 0 ? sys__trace_sockaddr((struct sockaddr *)&ss, len) : "?",
            (unsigned)len);
  if (r != 0)
    return sys__wsa_error(errno);
  if ((ss.ss_family == AF_INET && ((struct sockaddr_in *)&ss)->sin_port == 0) ||
      (ss.ss_family == AF_INET6 && ((struct sockaddr_in6 *)&ss)->sin6_port == 0))
    return SYS_WSAEINVAL;

  r = listen(fd, backlog);
  SYS_TRACE(r, "listen(%d, %d)", fd, backlog);
  if (r != 0)
    return sys__wsa_error(errno);
  return 0;
}

int sys__accept(int fd, void *w_addr, int *w_len, int *fd_out) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  int nfd, af, err;

  if (fd_out == NULL)
    return SYS_WSAEFAULT;
  if (w_addr != NULL) {
    /* Check the room before a connection is taken off the queue. */
    if (w_len == NULL)
      return SYS_WSAEFAULT;
    if ((err = posix_domain(fd, &af)) != 0)
      return err;
    if (af != AF_UNIX && *w_len < sys__w_addr_size(af))
      return SYS_WSAEFAULT;
  }

  do
    nfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
  while (nfd < 0 && errno == EINTR);
  SYS_TRACE(nfd, "accept4(%d, %s, [%u], SOCK_CLOEXEC|SOCK_NONBLOCK)", fd,
            nfd >= 0 ? sys__trace_sockaddr((struct sockaddr *)&ss, len) : "?", (unsigned)len);
  if (nfd < 0) {
    if (errno == ECONNABORTED) /* reset by the peer while queued */
      return SYS_WSAECONNRESET;
    return sys__wsa_error(errno);
  }

  if (w_addr != NULL && (err = sys__addr_to_w(&ss, len, w_addr, w_len)) != 0) {
    int r = close(nfd);
    SYS_TRACE(r, "close(%d)", nfd);
    return err;
  }
  *fd_out = nfd;
  return 0;
}

int sys__getsockname(int fd, void *w_addr, int *w_len) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  int type = 0;

  if (w_addr == NULL || w_len == NULL)
    return SYS_WSAEFAULT;
  int r = getsockname(fd, (struct sockaddr *)&ss, &len);
  SYS_TRACE(r, "getsockname(%d, %s, [%u])", fd, r == 0 ? sys__trace_sockaddr((struct sockaddr *)&ss, len) : "?",
            (unsigned)len);
  if (r != 0)
    return sys__wsa_error(errno);
  /* Winsock: an unbound socket has no name (WSAEINVAL). */
  if ((ss.ss_family == AF_INET && ((struct sockaddr_in *)&ss)->sin_port == 0) ||
      (ss.ss_family == AF_INET6 && ((struct sockaddr_in6 *)&ss)->sin6_port == 0)) {
    if (posix_type(fd, &type) == 0 && type != SOCK_RAW)
      return SYS_WSAEINVAL;
  }
  return sys__addr_to_w(&ss, len, w_addr, w_len);
}

int sys__getpeername(int fd, void *w_addr, int *w_len) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;

  if (w_addr == NULL || w_len == NULL)
    return SYS_WSAEFAULT;
  int r = getpeername(fd, (struct sockaddr *)&ss, &len);
  SYS_TRACE(r, "getpeername(%d, %s, [%u])", fd, r == 0 ? sys__trace_sockaddr((struct sockaddr *)&ss, len) : "?",
            (unsigned)len);
  if (r != 0)
    return sys__wsa_error(errno);
  return sys__addr_to_w(&ss, len, w_addr, w_len);
}

/* --- data ----------------------------------------------------------------------- */

#define STACK_IOVS 16

/* A UDP (SOCK_DGRAM over IP) descriptor: asked only on an error path. */
static int is_udp(int fd) {
  int type = 0, family = 0;
  socklen_t len = sizeof type, flen = sizeof family;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
      getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &flen) != 0)
    return 0;
  return type == SOCK_DGRAM && (family == AF_INET || family == AF_INET6);
}

static unsigned port_of(const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET)
    return ((const struct sockaddr_in *)ss)->sin_port;
  if (ss->ss_family == AF_INET6)
    return ((const struct sockaddr_in6 *)ss)->sin6_port;
  return 1; /* no port: not the case */
}

static int send_common(int fd, struct iovec *iov, size_t niov, int w_flags,
                       const void *w_to, int w_tolen,
                       const void *control, size_t control_len, size_t *sent) {
  struct sockaddr_storage ss;
  struct msghdr msg;
  unsigned char cbuf[SYS_CMSG_POSIX_MAX];
  size_t clen = 0;
  int flags, err;
  ssize_t n;

  if (sent == NULL)
    return SYS_WSAEFAULT;
  if ((err = sys__msg_flags_to_posix(w_flags & ~SYS_MSG_BLOCK, 1, &flags)) != 0)
    return err;
  if (!(w_flags & SYS_MSG_BLOCK))
    flags |= MSG_DONTWAIT;

  memset(&msg, 0, sizeof msg);
  if (w_to != NULL) {
    socklen_t len;
    if ((err = sock_addr_in(fd, w_to, w_tolen, 0, &ss, &len)) != 0)
      return err;
    msg.msg_name = &ss;
    msg.msg_namelen = len;
  }
  if (control != NULL && control_len > 0) {
    clen = sizeof cbuf;
    if ((err = sys__cmsg_to_posix(control, control_len, cbuf, &clen)) != 0)
      return err;
    msg.msg_control = cbuf;
    msg.msg_controllen = clen;
  }
  msg.msg_iov = iov;
  msg.msg_iovlen = niov;

  int e = 0;
  for (int retried = 0;; retried = 1) {
    do
      n = sendmsg(fd, &msg, flags | MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    e = errno; /* before is_udp's calls */
    SYS_TRACE(n, "sendmsg(%d, %zu buffer(s), MSG_NOSIGNAL%s%s)", fd, niov,
              flags & MSG_DONTWAIT ? "|MSG_DONTWAIT" : "", flags & ~MSG_DONTWAIT ? "|..." : "");
    if (n >= 0 || retried || (e != ECONNREFUSED && e != EINVAL) || !is_udp(fd))
      break;
    /* F223: an ICMP port unreachable that answered an earlier datagram
     * fails this send on Linux, once (the error is consumed); Windows sends
     * on regardless. */
    if (e == ECONNREFUSED)
      continue;
    /* F237: Windows sends to port 0 (nothing can listen there), Linux
     * refuses it: the datagram goes nowhere either way. */
    if (msg.msg_name != NULL && port_of(&ss) == 0) {
      n = 0;
      for (size_t i = 0; i < niov; i++)
        n += (ssize_t)iov[i].iov_len;
    }
    break;
  }
  if (n < 0)
    return sys__send_error(fd, e, w_to != NULL);
  *sent = (size_t)n;
  return 0;
}

int sys__send(int fd, const void *buf, size_t len, int w_flags, size_t *sent) {
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  return send_common(fd, &iov, 1, w_flags, NULL, 0, NULL, 0, sent);
}

int sys__sendto(int fd, const void *buf, size_t len, int w_flags,
                const void *w_to, int w_tolen, size_t *sent) {
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  return send_common(fd, &iov, 1, w_flags, w_to, w_tolen, NULL, 0, sent);
}

/* sys_wbuf_t[] -> struct iovec[]; *heap is set when the array was allocated. */
static int make_iov(const sys_wbuf_t *bufs, uint32_t nbufs,
                    struct iovec *stack, struct iovec **iov, int *heap) {
  *heap = 0;
  if (nbufs > 0 && bufs == NULL)
    return SYS_WSAEFAULT;
  if (nbufs > IOV_MAX)
    return SYS_WSAENOBUFS;
  *iov = stack;
  if (nbufs > STACK_IOVS) {
    *iov = malloc(nbufs * sizeof **iov);
    if (*iov == NULL)
      return SYS_WSAENOBUFS;
    *heap = 1;
  }
  for (uint32_t i = 0; i < nbufs; i++) {
    (*iov)[i].iov_base = bufs[i].buf;
    (*iov)[i].iov_len = bufs[i].len;
  }
  return 0;
}

int sys__sendmsg(int fd, const sys_wbuf_t *bufs, uint32_t nbufs, int w_flags,
                 const void *w_to, int w_tolen,
                 const void *control, size_t control_len, size_t *sent) {
  struct iovec stack[STACK_IOVS], *iov;
  int heap, err;
  if ((err = make_iov(bufs, nbufs, stack, &iov, &heap)) != 0)
    return err;
  err = send_common(fd, iov, nbufs, w_flags, w_to, w_tolen, control, control_len, sent);
  if (heap)
    free(iov);
  return err;
}

static int recv_common(int fd, struct iovec *iov, size_t niov, int w_flags,
                       void *w_from, int *w_fromlen,
                       void *control, size_t *control_len,
                       size_t *received, int *w_flags_out) {
  struct sockaddr_storage ss;
  struct msghdr msg;
  unsigned char cbuf[SYS_CMSG_POSIX_MAX];
  int flags, err, out_flags;
  ssize_t n;

  if (received == NULL)
    return SYS_WSAEFAULT;
  if ((err = sys__msg_flags_to_posix(w_flags & ~SYS_MSG_BLOCK, 0, &flags)) != 0)
    return err;
  if (!(w_flags & SYS_MSG_BLOCK))
    flags |= MSG_DONTWAIT;
  if (w_from != NULL && w_fromlen == NULL)
    return SYS_WSAEFAULT;
  if (control != NULL && control_len == NULL)
    return SYS_WSAEFAULT;

  memset(&msg, 0, sizeof msg);
  msg.msg_name = &ss;
  msg.msg_namelen = sizeof ss;
  msg.msg_iov = iov;
  msg.msg_iovlen = niov;
  if (control != NULL) {
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
  }

  do
    n = recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  SYS_TRACE(n, "recvmsg(%d, %zu buffer(s), MSG_CMSG_CLOEXEC%s%s)", fd, niov,
            flags & MSG_DONTWAIT ? "|MSG_DONTWAIT" : "", flags & ~MSG_DONTWAIT ? "|..." : "");
  if (n < 0)
    return (errno == EAGAIN || errno == EWOULDBLOCK) ? again_error(fd)
                                                     : sys__wsa_error(errno);

  out_flags = sys__msg_flags_to_w(msg.msg_flags);
  if (control != NULL) {
    int ctrunc = 0;
    if ((err = sys__cmsg_to_w(&msg, control, control_len, &ctrunc)) != 0)
      return err;
    if (ctrunc)
      out_flags |= SYS_W_MSG_CTRUNC;
  }
  /* Connected stream sockets give no address: leave the caller's alone. */
  if (w_from != NULL && msg.msg_namelen > 0) {
    if ((err = sys__addr_to_w(&ss, msg.msg_namelen, w_from, w_fromlen)) != 0)
      return err;
  }
  *received = (size_t)n;
  if (w_flags_out != NULL)
    *w_flags_out = out_flags;
  return (out_flags & SYS_W_MSG_TRUNC) ? SYS_WSAEMSGSIZE : 0;
}

int sys__recv(int fd, void *buf, size_t len, int w_flags, size_t *received) {
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  return recv_common(fd, &iov, 1, w_flags, NULL, NULL, NULL, NULL, received, NULL);
}

int sys__recvfrom(int fd, void *buf, size_t len, int w_flags,
                  void *w_from, int *w_fromlen, size_t *received) {
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  return recv_common(fd, &iov, 1, w_flags, w_from, w_fromlen, NULL, NULL, received, NULL);
}

int sys__recvmsg(int fd, const sys_wbuf_t *bufs, uint32_t nbufs, int w_flags,
                 void *w_from, int *w_fromlen,
                 void *control, size_t *control_len,
                 size_t *received, int *w_flags_out) {
  struct iovec stack[STACK_IOVS], *iov;
  int heap, err;
  if ((err = make_iov(bufs, nbufs, stack, &iov, &heap)) != 0)
    return err;
  err = recv_common(fd, iov, nbufs, w_flags, w_from, w_fromlen,
                    control, control_len, received, w_flags_out);
  if (heap)
    free(iov);
  return err;
}
