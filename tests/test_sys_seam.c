/* test_sys_seam.c - the system seam (lib/sys): its value tables and real
 * calls over loopback, with exact Winsock error numbers.
 *
 * The seam speaks Windows values, so this file writes them as literal
 * numbers (the Winsock ABI), not through any header's names. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/internal.h"
#include "sys/sys.h"

/* The seam makes O_NONBLOCK descriptors (blocking Winsock calls wait in the
 * provider). These tests drive them as blocking ones unless they switch. */
static int socket_blocking(int af, int type, int protocol, int *fd) {
  int err = sys__socket(af, type, protocol, fd);
  if (err == 0)
    sys__ioctl_fionbio(*fd, 0);
  return err;
}
static int accept_blocking(int fd, void *addr, int *len, int *nfd) {
  int err = sys__accept(fd, addr, len, nfd);
  if (err == 0)
    sys__ioctl_fionbio(*nfd, 0);
  return err;
}
#define sys__socket(...) socket_blocking(__VA_ARGS__)
#define sys__accept(...) accept_blocking(__VA_ARGS__)

Test(seam_socket, descriptors_are_nonblocking) {
  int fd;
  char b;
  size_t n;
  struct { uint16_t family, port; uint32_t addr; char zero[8]; } a = {2, 0, htonl(INADDR_LOOPBACK), {0}};
  cr_assert_eq(sys__socket(2, 2, 0, &fd), 0); /* the wrapper above makes it blocking */
  cr_assert_eq(sys__ioctl_fionbio(fd, 1), 0);
  sys__close(fd);
  cr_assert_eq((sys__socket)(2, 2, 0, &fd), 0); /* the seam's own: non-blocking */
  cr_assert_eq(sys__bind(fd, &a, sizeof a), 0);
  cr_expect_eq(sys__recv(fd, &b, 1, 0, &n), 10035);
  sys__close(fd);
}

/* Windows values used below */
#define W_AF_UNIX 1
#define W_AF_INET 2
#define W_AF_INET6 23
#define W_SOCK_STREAM 1
#define W_SOCK_DGRAM 2
#define W_SOL_SOCKET 0xffff
#define W_IPPROTO_IP 0
#define W_IPPROTO_TCP 6
#define W_IPPROTO_IPV6 41

/* ---- helpers: Windows-layout addresses built by hand ---------------------- */

struct w_sin { /* Windows sockaddr_in, 16 bytes */
  uint16_t family;
  uint16_t port; /* network order */
  uint32_t addr; /* network order */
  char zero[8];
};

struct w_sin6 { /* Windows sockaddr_in6, 28 bytes */
  uint16_t family;
  uint16_t port;
  uint32_t flowinfo;
  unsigned char addr[16];
  uint32_t scope_id;
};

static struct w_sin loopback4(uint16_t port) {
  struct w_sin a;
  memset(&a, 0, sizeof a);
  a.family = W_AF_INET;
  a.port = htons(port);
  a.addr = htonl(0x7f000001);
  return a;
}

static int tcp_listener(uint16_t *port) {
  int fd;
  struct w_sin a = loopback4(0);
  int len = sizeof a;
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &fd), 0);
  cr_assert_eq(sys__bind(fd, &a, sizeof a), 0);
  cr_assert_eq(sys__listen(fd, 0x7fffffff), 0);
  cr_assert_eq(sys__getsockname(fd, &a, &len), 0);
  *port = ntohs(a.port);
  return fd;
}

static void tcp_pair(int *client, int *server) {
  uint16_t port;
  int l = tcp_listener(&port);
  struct w_sin a = loopback4(port);
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, client), 0);
  cr_assert_eq(sys__connect(*client, &a, sizeof a), 0);
  cr_assert_eq(sys__accept(l, NULL, NULL, server), 0);
  sys__close(l);
}

static uint16_t closed_port(void) {
  uint16_t port;
  int l = tcp_listener(&port);
  sys__close(l);
  return port;
}

/* ---- tables ----------------------------------------------------------------- */

Test(seam_values, private_windows_constants) {
  cr_expect_eq(SYS_W_AF_INET6, 23);
  cr_expect_eq(SYS_W_SOL_SOCKET, 0xffff);
  cr_expect_eq(SYS_W_SO_REUSEADDR, 4);
  cr_expect_eq(SYS_W_SO_DONTLINGER, ~0x80);
  cr_expect_eq(SYS_W_SO_RCVTIMEO, 0x1006);
  cr_expect_eq(SYS_W_IPV6_V6ONLY, 27);
  cr_expect_eq(SYS_W_MSG_TRUNC, 0x100);
  cr_expect_eq(SYS_W_FIONBIO, 0x8004667eu);
  cr_expect_eq(SYS_W_FIONREAD, 0x4004667fu);
  cr_expect_eq(SYS_W_SIOCATMARK, 0x40047307u);
  cr_expect_eq(SYS_WSAEWOULDBLOCK, 10035);
  cr_expect_eq(SYS_WSAEREMOTE, 10071);
  cr_expect_eq(sizeof(sys_wbuf_t), 16);
  cr_expect_eq(offsetof(sys_wbuf_t, buf), 8);
}

Test(seam_values, address_families) {
  int v;
  cr_expect_eq(sys__af_to_posix(23, &v), 0); cr_expect_eq(v, AF_INET6);
  cr_expect_eq(sys__af_to_posix(2, &v), 0);  cr_expect_eq(v, AF_INET);
  cr_expect_eq(sys__af_to_posix(1, &v), 0);  cr_expect_eq(v, AF_UNIX);
  cr_expect_eq(sys__af_to_posix(0, &v), 0);  cr_expect_eq(v, AF_UNSPEC);
  cr_expect_eq(sys__af_to_posix(10, &v), 10047); /* Linux' AF_INET6 is not Windows' */
  cr_expect_eq(sys__af_to_w(AF_INET6, &v), 0); cr_expect_eq(v, 23);
  cr_expect_eq(sys__af_to_w(AF_NETLINK, &v), 10047);
}

Test(seam_values, socket_types_and_shutdown) {
  int v;
  for (int t = 1; t <= 5; t++) {
    cr_expect_eq(sys__type_to_posix(t, &v), 0);
    int back;
    cr_expect_eq(sys__type_to_w(v, &back), 0);
    cr_expect_eq(back, t);
  }
  cr_expect_eq(sys__type_to_posix(6, &v), 10044);
  cr_expect_eq(sys__how_to_posix(0, &v), 0); cr_expect_eq(v, SHUT_RD);
  cr_expect_eq(sys__how_to_posix(1, &v), 0); cr_expect_eq(v, SHUT_WR);
  cr_expect_eq(sys__how_to_posix(2, &v), 0); cr_expect_eq(v, SHUT_RDWR);
  cr_expect_eq(sys__how_to_posix(3, &v), 10022);
}

Test(seam_values, message_flags) {
  int f;
  cr_expect_eq(sys__msg_flags_to_posix(0x1 | 0x2 | 0x8, 0, &f), 0);
  cr_expect_eq(f, MSG_OOB | MSG_PEEK | MSG_WAITALL);
  cr_expect_eq(sys__msg_flags_to_posix(0x20, 0, &f), 0); /* PUSH_IMMEDIATE */
  cr_expect_eq(f, 0);
  cr_expect_eq(sys__msg_flags_to_posix(0x4, 1, &f), 0);
  cr_expect_eq(f, MSG_DONTROUTE);
  cr_expect_eq(sys__msg_flags_to_posix(0x2, 1, &f), 10045); /* PEEK on send */
  cr_expect_eq(sys__msg_flags_to_posix(0x8000, 0, &f), 10045); /* PARTIAL */
  cr_expect_eq(sys__msg_flags_to_posix(0x40000, 0, &f), 10045);
  cr_expect_eq(sys__msg_flags_to_w(MSG_TRUNC | MSG_CTRUNC), 0x300);
}

Test(seam_values, errno_table) {
  static const int pairs[][2] = {
    {0, 0}, {EINTR, 10004}, {EBADF, 10038}, {EACCES, 10013}, {EPERM, 10013},
    {EFAULT, 10014}, {EINVAL, 10022}, {EMFILE, 10024}, {ENFILE, 10024},
    {EAGAIN, 10035}, {EINPROGRESS, 10035}, {EALREADY, 10037},
    {ENOTSOCK, 10038}, {EDESTADDRREQ, 10039}, {EMSGSIZE, 10040},
    {EPROTOTYPE, 10041}, {ENOPROTOOPT, 10042}, {EPROTONOSUPPORT, 10043},
    {ESOCKTNOSUPPORT, 10044}, {EOPNOTSUPP, 10045}, {EPFNOSUPPORT, 10046},
    {EAFNOSUPPORT, 10047}, {EADDRINUSE, 10048}, {EADDRNOTAVAIL, 10049},
    {ENETDOWN, 10050}, {ENETUNREACH, 10051}, {ENETRESET, 10052},
    {ECONNABORTED, 10053}, {ECONNRESET, 10054}, {ENOBUFS, 10055},
    {ENOMEM, 10055}, {EISCONN, 10056}, {ENOTCONN, 10057}, {ESHUTDOWN, 10058},
    {EPIPE, 10058}, {ETIMEDOUT, 10060}, {ECONNREFUSED, 10061}, {ELOOP, 10062},
    {ENAMETOOLONG, 10063}, {EHOSTDOWN, 10064}, {EHOSTUNREACH, 10065},
    {EDQUOT, 10069}, {EIO, 10107},
  };
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
    cr_expect_eq(sys__wsa_error(pairs[i][0]), pairs[i][1], "errno %d -> %d, want %d",
                 pairs[i][0], sys__wsa_error(pairs[i][0]), pairs[i][1]);
}

Test(seam_values, sockaddr_conversion) {
  struct sockaddr_storage ss;
  socklen_t len;
  struct w_sin a = loopback4(80), b;
  struct w_sin6 a6, b6;
  int w_len;

  cr_expect_eq(sys__addr_to_posix(&a, 16, &ss, &len), 0);
  cr_expect_eq(ss.ss_family, AF_INET);
  cr_expect_eq(len, sizeof(struct sockaddr_in));
  cr_expect_eq(((struct sockaddr_in *)&ss)->sin_port, htons(80));
  cr_expect_eq(sys__addr_to_posix(&a, 15, &ss, &len), 10014);
  w_len = sizeof b;
  cr_expect_eq(sys__addr_to_w(&ss, len, &b, &w_len), 0);
  cr_expect_eq(w_len, 16);
  cr_expect_eq(memcmp(&a, &b, 16), 0);
  w_len = 15;
  cr_expect_eq(sys__addr_to_w(&ss, len, &b, &w_len), 10014);

  memset(&a6, 0, sizeof a6);
  a6.family = 23;
  a6.port = htons(443);
  a6.flowinfo = 0x12345;
  a6.addr[15] = 1;
  a6.scope_id = 7;
  cr_expect_eq(sizeof a6, 28);
  cr_expect_eq(sys__addr_to_posix(&a6, 28, &ss, &len), 0);
  cr_expect_eq(ss.ss_family, AF_INET6);
  cr_expect_eq(((struct sockaddr_in6 *)&ss)->sin6_scope_id, 7);
  w_len = 28;
  cr_expect_eq(sys__addr_to_w(&ss, len, &b6, &w_len), 0);
  cr_expect_eq(w_len, 28);
  cr_expect_eq(memcmp(&a6, &b6, 28), 0);
  /* the old 24-byte sockaddr_in6 (no scope id) is accepted */
  cr_expect_eq(sys__addr_to_posix(&a6, 24, &ss, &len), 0);
  cr_expect_eq(((struct sockaddr_in6 *)&ss)->sin6_scope_id, 0);
  cr_expect_eq(sys__addr_to_posix(&a6, 23, &ss, &len), 10014);

  a.family = 99;
  cr_expect_eq(sys__addr_to_posix(&a, 16, &ss, &len), 10047);
  cr_expect_eq(sys__addr_to_posix(&a, 1, &ss, &len), 10014);
}

Test(seam_values, poll_bits) {
  cr_expect_eq(sys__poll_events_to_posix(0x100 | 0x10), POLLIN | POLLOUT);
  cr_expect_eq(sys__poll_events_to_posix(0x200), POLLPRI);
  cr_expect_eq(sys__poll_revents_to_w(POLLIN | POLLOUT | POLLHUP, 0x100 | 0x200 | 0x10),
               0x100 | 0x10 | 0x2);
  /* not asked for, not reported; errors always */
  cr_expect_eq(sys__poll_revents_to_w(POLLOUT | POLLERR, 0x100), 0x1);
}

/* ---- descriptors and names ------------------------------------------------------ */

Test(seam_socket, creation_errors_and_cloexec) {
  int fd;
  cr_expect_eq(sys__socket(99, W_SOCK_STREAM, 0, &fd), 10047);
  cr_expect_eq(sys__socket(10, W_SOCK_STREAM, 0, &fd), 10047); /* Linux' AF_INET6 value */
  cr_expect_eq(sys__socket(W_AF_INET, 9, 0, &fd), 10044);
  cr_expect_eq(sys__socket(W_AF_INET, W_SOCK_DGRAM, 6, &fd), 10043);
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 6, &fd), 0);
  cr_expect(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  int t, af;
  cr_expect_eq(sys__socket_type(fd, &t), 0);
  cr_expect_eq(t, 1);
  cr_expect_eq(sys__socket_family(fd, &af), 0);
  cr_expect_eq(af, 2);
  cr_expect_eq(sys__close(fd), 0);
  cr_expect_eq(sys__close(fd), 10038); /* closed descriptor: not a socket */
}

Test(seam_socket, bind_errors) {
  int a_fd, b_fd;
  uint16_t port;
  struct w_sin a;

  a_fd = tcp_listener(&port);
  a = loopback4(port);
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &b_fd), 0);
  cr_expect_eq(sys__bind(b_fd, &a, sizeof a), 10048);
  cr_expect_eq(sys__bind(b_fd, &a, 8), 10014);
  cr_expect_eq(sys__bind(b_fd, NULL, 16), 10014);
  a.family = 99;
  cr_expect_eq(sys__bind(b_fd, &a, sizeof a), 10047);
  a.family = 23; /* IPv6 address on an IPv4 socket */
  struct w_sin6 a6;
  memset(&a6, 0, sizeof a6);
  a6.family = 23;
  cr_expect_eq(sys__bind(b_fd, &a6, sizeof a6), 10047);
  sys__close(a_fd);
  sys__close(b_fd);
}

Test(seam_socket, connect_refused_and_nonblocking) {
  int fd, ready = 0, err = 0, len = 4;
  struct w_sin a = loopback4(closed_port());

  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &fd), 0);
  cr_expect_eq(sys__connect(fd, &a, sizeof a), 10061);
  sys__close(fd);

  /* non-blocking: WSAEWOULDBLOCK, then SO_ERROR carries WSAECONNREFUSED */
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &fd), 0);
  cr_assert_eq(sys__ioctl_fionbio(fd, 1), 0);
  int r = sys__connect(fd, &a, sizeof a);
  cr_expect(r == 10035 || r == 10061, "connect gave %d", r);
  if (r == 10035) {
    cr_assert_eq(sys__wait_writable(fd, -1, 5000, &ready), 0);
    cr_expect_eq(ready, SYS_READY_FD);
    cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x1007, &err, &len), 0);
    cr_expect_eq(err, 10061);
    cr_expect_eq(len, 4);
  }
  sys__close(fd);
}

Test(seam_socket, listen_accept_names) {
  int l, c, s, len;
  uint16_t port;
  struct w_sin a, peer, name;

  /* listen on an unbound socket: WSAEINVAL (Linux would pick a port) */
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &l), 0);
  cr_expect_eq(sys__listen(l, 5), 10022);
  len = sizeof name;
  cr_expect_eq(sys__getsockname(l, &name, &len), 10022);
  sys__close(l);

  l = tcp_listener(&port);
  a = loopback4(port);
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &c), 0);
  cr_assert_eq(sys__connect(c, &a, sizeof a), 0);
  cr_expect_eq(sys__connect(c, &a, sizeof a), 10056);
  cr_expect_eq(sys__listen(c, 5), 10056);

  len = 8; /* too small for a sockaddr_in: refused before accepting */
  cr_expect_eq(sys__accept(l, &peer, &len, &s), 10014);
  len = sizeof peer;
  cr_assert_eq(sys__accept(l, &peer, &len, &s), 0);
  cr_expect_eq(len, 16);
  cr_expect_eq(peer.family, 2);
  cr_expect_eq(peer.addr, htonl(0x7f000001));
  cr_expect(fcntl(s, F_GETFD) & FD_CLOEXEC);

  len = sizeof name;
  cr_expect_eq(sys__getpeername(s, &name, &len), 0);
  cr_expect_eq(memcmp(&name, &peer, 16), 0);
  len = sizeof name;
  cr_expect_eq(sys__getsockname(c, &name, &len), 0);
  cr_expect_eq(name.port, peer.port);
  len = sizeof name;
  cr_expect_eq(sys__getpeername(l, &name, &len), 10057);
  sys__close(l); sys__close(c); sys__close(s);
}

Test(seam_socket, ipv6_is_v6only_and_windows_layout) {
  int fd, v = -1, len = 4;
  struct w_sin6 a, name;
  memset(&a, 0, sizeof a);
  a.family = 23;
  a.addr[15] = 1; /* ::1 */
  cr_assert_eq(sys__socket(W_AF_INET6, W_SOCK_DGRAM, 0, &fd), 0);
  cr_expect_eq(sys__getsockopt(fd, W_IPPROTO_IPV6, 27, &v, &len), 0);
  cr_expect_eq(v, 1);
  int r = sys__bind(fd, &a, sizeof a);
  if (r == 10049) { /* no IPv6 loopback in this sandbox */
    sys__close(fd);
    cr_skip_test("no ::1");
  }
  cr_assert_eq(r, 0);
  len = sizeof name;
  cr_expect_eq(sys__getsockname(fd, &name, &len), 0);
  cr_expect_eq(len, 28);
  cr_expect_eq(name.family, 23);
  cr_expect_neq(name.port, 0);
  cr_expect_eq(sys__bind(fd, &a, 20), 10014);
  sys__close(fd);
}

Test(seam_socket, unix_family) {
  int fd, len;
  char path[64];
  unsigned char w[110], name[110];
  snprintf(path, sizeof path, "/tmp/w2p-seam-%d.sock", (int)getpid());
  unlink(path);
  memset(w, 0, sizeof w);
  w[0] = 1; /* AF_UNIX */
  memcpy(w + 2, path, strlen(path) + 1);
  cr_assert_eq(sys__socket(W_AF_UNIX, W_SOCK_STREAM, 0, &fd), 0);
  cr_expect_eq(sys__bind(fd, w, sizeof w), 0);
  len = sizeof name;
  cr_expect_eq(sys__getsockname(fd, name, &len), 0);
  cr_expect_eq(name[0], 1);
  cr_expect_str_eq((char *)name + 2, path);
  sys__close(fd);
  unlink(path);

  /* nobody listening at a path: WSAECONNREFUSED */
  cr_assert_eq(sys__socket(W_AF_UNIX, W_SOCK_STREAM, 0, &fd), 0);
  cr_expect_eq(sys__connect(fd, w, sizeof w), 10061);
  sys__close(fd);
}

/* ---- data ------------------------------------------------------------------------ */

Test(seam_data, tcp_send_recv_peek_fionread) {
  int c, s;
  size_t n;
  char buf[32];
  uint32_t avail = 0;
  tcp_pair(&c, &s);

  cr_expect_eq(sys__send(c, "hello", 5, 0, &n), 0);
  cr_expect_eq(n, 5);
  int ready = 0;
  cr_expect_eq(sys__wait_readable(s, -1, 5000, &ready), 0);
  cr_expect_eq(ready, SYS_READY_FD);
  cr_expect_eq(sys__fionread(s, &avail), 0);
  cr_expect_eq(avail, 5);
  cr_expect_eq(sys__recv(s, buf, sizeof buf, 0x2 /* PEEK */, &n), 0);
  cr_expect_eq(n, 5);
  cr_expect_eq(sys__recv(s, buf, sizeof buf, 0, &n), 0);
  cr_expect_eq(n, 5);
  cr_expect_eq(memcmp(buf, "hello", 5), 0);
  cr_expect_eq(sys__recv(s, buf, sizeof buf, 0x40000, &n), 10045);

  /* scatter/gather with WSABUF-shaped buffers */
  sys_wbuf_t out[2] = {{3, "abc"}, {3, "def"}};
  cr_expect_eq(sys__sendmsg(c, out, 2, 0, NULL, 0, NULL, 0, &n), 0);
  cr_expect_eq(n, 6);
  char p1[2], p2[8];
  sys_wbuf_t in[2] = {{2, p1}, {4, p2}}; /* WAITALL: exactly what was sent */
  int flags = -1;
  cr_expect_eq(sys__wait_readable(s, -1, 5000, &ready), 0);
  cr_expect_eq(sys__recvmsg(s, in, 2, 0x8 /* WAITALL */, NULL, NULL, NULL, NULL, &n, &flags), 0);
  cr_expect_eq(n, 6);
  cr_expect_eq(flags, 0);
  cr_expect_eq(memcmp(p1, "ab", 2), 0);
  cr_expect_eq(memcmp(p2, "cdef", 4), 0);

  /* non-blocking recv with nothing there */
  cr_expect_eq(sys__ioctl_fionbio(s, 1), 0);
  cr_expect_eq(sys__recv(s, buf, sizeof buf, 0, &n), 10035);
  sys__close(c); sys__close(s);
}

Test(seam_data, send_errors) {
  int fd, c, s;
  size_t n;
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &fd), 0);
  cr_expect_eq(sys__send(fd, "x", 1, 0, &n), 10057); /* never connected */
  cr_expect_eq(sys__shutdown(fd, 1), 10057);
  sys__close(fd);

  tcp_pair(&c, &s);
  cr_expect_eq(sys__shutdown(c, 7), 10022);
  cr_expect_eq(sys__shutdown(c, 1), 0);
  cr_expect_eq(sys__send(c, "x", 1, 0, &n), 10058); /* after SD_SEND */
  cr_expect_eq(sys__send(c, "x", 1, 0x2, &n), 10045); /* PEEK on send */
  sys__close(c); sys__close(s);

  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_DGRAM, 0, &fd), 0);
  cr_expect_eq(sys__send(fd, "x", 1, 0, &n), 10057); /* unconnected datagram */
  sys__close(fd);
}

Test(seam_data, udp_truncation_and_from) {
  int a_fd, b_fd, len, flags;
  size_t n;
  struct w_sin a = loopback4(0), b = loopback4(0), from;
  char big[100], small[10];
  memset(big, 'x', sizeof big);

  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_DGRAM, 0, &a_fd), 0);
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_DGRAM, 0, &b_fd), 0);
  cr_assert_eq(sys__bind(a_fd, &a, sizeof a), 0);
  cr_assert_eq(sys__bind(b_fd, &b, sizeof b), 0);
  len = sizeof a; cr_assert_eq(sys__getsockname(a_fd, &a, &len), 0);
  len = sizeof b; cr_assert_eq(sys__getsockname(b_fd, &b, &len), 0);

  cr_expect_eq(sys__sendto(a_fd, big, sizeof big, 0, &b, sizeof b, &n), 0);
  cr_expect_eq(n, 100);
  cr_expect_eq(sys__sendto(a_fd, big, 1, 0, &b, 7, &n), 10014);
  len = sizeof from;
  cr_expect_eq(sys__recvfrom(b_fd, small, sizeof small, 0, &from, &len, &n), 10040);
  cr_expect_eq(n, 10);
  cr_expect_eq(len, 16);
  cr_expect_eq(from.family, 2);
  cr_expect_eq(from.port, a.port);

  cr_expect_eq(sys__sendto(a_fd, big, 50, 0, &b, sizeof b, &n), 0);
  sys_wbuf_t in = {10, small};
  flags = 0;
  cr_expect_eq(sys__recvmsg(b_fd, &in, 1, 0, NULL, NULL, NULL, NULL, &n, &flags), 10040);
  cr_expect_eq(flags & 0x100, 0x100);

  /* connect, then disconnect with the zero address (Windows' way) */
  struct w_sin zero;
  memset(&zero, 0, sizeof zero);
  zero.family = 2;
  cr_expect_eq(sys__connect(a_fd, &b, sizeof b), 0);
  cr_expect_eq(sys__send(a_fd, "y", 1, 0, &n), 0);
  cr_expect_eq(sys__connect(a_fd, &zero, sizeof zero), 0);
  len = sizeof from;
  cr_expect_eq(sys__getpeername(a_fd, &from, &len), 10057);
  sys__close(a_fd); sys__close(b_fd);
}

Test(seam_data, ip_pktinfo_control_message) {
  int a_fd, b_fd, len, on = 1, flags;
  size_t n, clen;
  struct w_sin b = loopback4(0);
  unsigned char control[64];
  char buf[8];

  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_DGRAM, 0, &a_fd), 0);
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_DGRAM, 0, &b_fd), 0);
  cr_assert_eq(sys__bind(b_fd, &b, sizeof b), 0);
  len = sizeof b; cr_assert_eq(sys__getsockname(b_fd, &b, &len), 0);
  cr_assert_eq(sys__setsockopt(b_fd, W_IPPROTO_IP, 19 /* IP_PKTINFO */, &on, 4), 0);
  cr_expect_eq(sys__sendto(a_fd, "pk", 2, 0, &b, sizeof b, &n), 0);

  sys_wbuf_t in = {sizeof buf, buf};
  clen = sizeof control;
  cr_assert_eq(sys__recvmsg(b_fd, &in, 1, 0, NULL, NULL, control, &clen, &n, &flags), 0);
  cr_expect_eq(n, 2);
  cr_expect_eq(flags, 0);
  cr_assert_eq(clen, 24); /* one WSACMSGHDR (16) + IN_PKTINFO (8) */
  uint64_t rec_len; int level, type; uint32_t addr;
  memcpy(&rec_len, control, 8);
  memcpy(&level, control + 8, 4);
  memcpy(&type, control + 12, 4);
  memcpy(&addr, control + 16, 4);
  cr_expect_eq(rec_len, 24);
  cr_expect_eq(level, 0);
  cr_expect_eq(type, 19);
  cr_expect_eq(addr, htonl(0x7f000001));

  /* too little room for the record: MSG_CTRUNC */
  cr_expect_eq(sys__sendto(a_fd, "pk", 2, 0, &b, sizeof b, &n), 0);
  clen = 8;
  cr_expect_eq(sys__recvmsg(b_fd, &in, 1, 0, NULL, NULL, control, &clen, &n, &flags), 0);
  cr_expect_eq(flags & 0x200, 0x200);
  cr_expect_eq(clen, 0);
  sys__close(a_fd); sys__close(b_fd);
}

/* ---- options ------------------------------------------------------------------------- */

Test(seam_options, errors) {
  int fd, v = 1, len = 4;
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &fd), 0);
  cr_expect_eq(sys__getsockopt(fd, 0x1234, 1, &v, &len), 10022);
  cr_expect_eq(sys__setsockopt(fd, 0x1234, 1, &v, 4), 10022);
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x7777, &v, &len), 10042);
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x2005 /* PROTOCOL_INFOW */, &v, &len), 10042);
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, ~4 /* EXCLUSIVEADDRUSE */, &v, 4), 10042);
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, 0x1008 /* SO_TYPE, get-only */, &v, 4), 10042);
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, 4, &v, 2), 10014);
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, 4, NULL, 4), 10014);
  len = 2;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 4, &v, &len), 10014);
  sys__close(fd);
}

Test(seam_options, bools_type_buffers) {
  int fd, v, len;
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &fd), 0);
  v = 7; /* any nonzero is TRUE; read back as 1 */
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, 4, &v, 4), 0);
  len = 4; v = -1;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 4, &v, &len), 0);
  cr_expect_eq(v, 1);
  v = 1;
  cr_expect_eq(sys__setsockopt(fd, W_IPPROTO_TCP, 1, &v, 4), 0);
  len = 4; v = -1;
  cr_expect_eq(sys__getsockopt(fd, W_IPPROTO_TCP, 1, &v, &len), 0);
  cr_expect_eq(v, 1);
  len = 4;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x1008, &v, &len), 0);
  cr_expect_eq(v, 1);
  v = 65536;
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, 0x1002, &v, 4), 0);
  len = 4;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x1002, &v, &len), 0);
  cr_expect_eq(v, 65536); /* what was set, not Linux' doubled figure */
  v = 33;
  cr_expect_eq(sys__setsockopt(fd, W_IPPROTO_IP, 4 /* IP_TTL */, &v, 4), 0);
  len = 4;
  cr_expect_eq(sys__getsockopt(fd, W_IPPROTO_IP, 4, &v, &len), 0);
  cr_expect_eq(v, 33);
  len = 4;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 2 /* ACCEPTCONN */, &v, &len), 0);
  cr_expect_eq(v, 0);
  sys__close(fd);
}

Test(seam_options, timeouts_in_milliseconds) {
  int fd, len;
  uint32_t ms;
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_DGRAM, 0, &fd), 0);
  len = 4; ms = 99;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x1006, &ms, &len), 0);
  cr_expect_eq(ms, 0);
  ms = 2500;
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, 0x1006, &ms, 4), 0);
  len = 4; ms = 0;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x1006, &ms, &len), 0);
  cr_expect_eq(ms, 2500);
  ms = 1000;
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, 0x1005, &ms, 4), 0);
  len = 4; ms = 0;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x1005, &ms, &len), 0);
  cr_expect_eq(ms, 1000);

  /* The seam keeps no deadline: its descriptors are non-blocking, the
   * provider waits and times out (WSAETIMEDOUT comes from provider/wait.c,
   * tested in test_tcp.c). An empty socket here is simply "would block". */
  struct w_sin a = loopback4(0);
  char b;
  size_t n;
  cr_assert_eq(sys__bind(fd, &a, sizeof a), 0);
  cr_expect_eq(sys__ioctl_fionbio(fd, 1), 0);
  cr_expect_eq(sys__recv(fd, &b, 1, 0, &n), 10035);
  sys__close(fd);
}

Test(seam_options, linger_as_two_ushorts) {
  int fd, len, v;
  uint16_t lg[2] = {1, 7}, got[2] = {0, 0};
  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_STREAM, 0, &fd), 0);
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, 0x80, lg, 4), 0);
  len = 4;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x80, got, &len), 0);
  cr_expect_eq(len, 4);
  cr_expect_eq(got[0], 1);
  cr_expect_eq(got[1], 7);
  len = 4;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, ~0x80, &v, &len), 0);
  cr_expect_eq(v, 0);
  v = 1; /* SO_DONTLINGER TRUE: linger off, time kept */
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, ~0x80, &v, 4), 0);
  len = 4;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x80, got, &len), 0);
  cr_expect_eq(got[0], 0);
  cr_expect_eq(got[1], 7);
  cr_expect_eq(sys__setsockopt(fd, W_SOL_SOCKET, 0x80, lg, 3), 10014);
  sys__close(fd);

  cr_assert_eq(sys__socket(W_AF_INET, W_SOCK_DGRAM, 0, &fd), 0);
  len = 4;
  cr_expect_eq(sys__getsockopt(fd, W_SOL_SOCKET, 0x80, got, &len), 10042);
  sys__close(fd);
}

Test(seam_options, so_error_after_reset) {
  int c, s, v = -1, len = 4;
  uint16_t lg[2] = {1, 0};
  size_t n;
  char b[4];
  tcp_pair(&c, &s);
  cr_assert_eq(sys__setsockopt(s, W_SOL_SOCKET, 0x80, lg, 4), 0);
  sys__close(s); /* abortive close: RST */
  int ready = 0;
  cr_expect_eq(sys__wait_readable(c, -1, 5000, &ready), 0);
  cr_expect_eq(sys__getsockopt(c, W_SOL_SOCKET, 0x1007, &v, &len), 0);
  cr_expect_eq(v, 10054);
  len = 4;
  cr_expect_eq(sys__getsockopt(c, W_SOL_SOCKET, 0x1007, &v, &len), 0);
  cr_expect_eq(v, 0); /* read clears it */
  cr_expect_eq(sys__send(c, "x", 1, 0, &n), 10054); /* a lost connection */
  cr_expect_eq(sys__recv(c, b, sizeof b, 0, &n), 0);
  cr_expect_eq(n, 0);
  sys__close(c);
}

/* ---- ioctls, waits, events --------------------------------------------------------------- */

Test(seam_wait, atmark_windows_meaning) {
  int c, s, mark = -1, ready = 0;
  size_t n;
  tcp_pair(&c, &s);
  cr_expect_eq(sys__atmark(s, &mark), 0);
  cr_expect_eq(mark, 1); /* no urgent data waiting */
  cr_expect_eq(sys__send(c, "!", 1, 0x1 /* OOB */, &n), 0);
  sys_pollfd_t p = {s, 0x200 /* POLLRDBAND */, 0};
  int nready = 0;
  cr_expect_eq(sys__poll(&p, 1, 5000, &nready), 0);
  cr_expect_eq(nready, 1);
  cr_expect_eq(p.w_revents & 0x200, 0x200);
  cr_expect_eq(sys__atmark(s, &mark), 0);
  cr_expect_eq(mark, 0);
  char b;
  cr_expect_eq(sys__recv(s, &b, 1, 0x1, &n), 0);
  cr_expect_eq(b, '!');
  cr_expect_eq(sys__atmark(s, &mark), 0);
  cr_expect_eq(mark, 1);
  (void)ready;
  sys__close(c); sys__close(s);
}

Test(seam_wait, eventfd_and_wait_with_extra_fd) {
  int ev, set = -1, ready = -1, c, s;
  cr_assert_eq(sys__eventfd_create(&ev), 0);
  cr_expect(fcntl(ev, F_GETFD) & FD_CLOEXEC);
  cr_expect_eq(sys__eventfd_is_set(ev, &set), 0);
  cr_expect_eq(set, 0);
  cr_expect_eq(sys__eventfd_signal(ev), 0);
  cr_expect_eq(sys__eventfd_signal(ev), 0);
  cr_expect_eq(sys__eventfd_is_set(ev, &set), 0);
  cr_expect_eq(set, 1);

  tcp_pair(&c, &s);
  /* nothing to read on s, but the event is set: wakes with EXTRA only */
  cr_expect_eq(sys__wait_readable(s, ev, 5000, &ready), 0);
  cr_expect_eq(ready, SYS_READY_EXTRA);
  cr_expect_eq(sys__eventfd_drain(ev), 0);
  cr_expect_eq(sys__eventfd_is_set(ev, &set), 0);
  cr_expect_eq(set, 0);
  cr_expect_eq(sys__wait_readable(s, ev, 20, &ready), 0);
  cr_expect_eq(ready, 0); /* timed out */
  cr_expect_eq(sys__wait_writable(s, ev, 1000, &ready), 0);
  cr_expect_eq(ready, SYS_READY_FD);

  sys_pollfd_t p[2] = {{s, 0x100 | 0x10, 0}, {ev, 0x100, 0}};
  int nready = -1;
  cr_expect_eq(sys__poll(p, 2, 0, &nready), 0);
  cr_expect_eq(nready, 1);
  cr_expect_eq(p[0].w_revents, 0x10);
  cr_expect_eq(p[1].w_revents, 0);
  sys__close(c); sys__close(s); sys__close(ev);
}

Test(seam_wait, process_facts) {
  int64_t soft = 0, hard = 0;
  cr_expect_eq(sys__fd_limit(&soft, &hard), 0);
  cr_expect_gt(soft, 0);
  cr_expect_geq(hard, soft);
  cr_expect_eq(sys__getpid(), (uint32_t)getpid());
  int r = 0;
  cr_expect_eq(sys__wait_readable(-1 + 100000, -1, 0, &r), 10038); /* not open */
}
