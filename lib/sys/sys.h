/* sys.h - the system seam: BSD sockets in neutral C types.
 *
 * This is the one place where the Windows world (lib/ws2, lib/provider) meets
 * the POSIX world.  It is included by the base provider, which also includes
 * ws2posix's Windows headers, so this header includes nothing from either
 * world: only <stddef.h> and <stdint.h>.
 *
 * Rules of the seam:
 *  - Every value that crosses it is a Windows value: address families,
 *    socket types, option levels and names, message flags, shutdown codes,
 *    WSAPoll bits, and sockaddr structures in Windows layout.
 *  - Every function returns 0 on success or a positive Winsock error number
 *    (WSAE*, e.g. 10035 for WSAEWOULDBLOCK) and puts its results in
 *    out-parameters.  errno never leaks out.
 *  - Descriptors are created close-on-exec; sends never raise SIGPIPE.
 *  - EINTR from a signal is retried: Winsock has no signals, and WSAEINTR is
 *    reserved for a call cancelled by closesocket, which the dispatcher
 *    reports itself.
 */
#ifndef WS2POSIX_SYS_SYS_H
#define WS2POSIX_SYS_SYS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Scatter/gather buffer with the layout of Windows' WSABUF
 * (ULONG len; CHAR *buf;), so an LPWSABUF can be passed as it is. */
typedef struct sys_wbuf {
  uint32_t len;
  char *buf;
} sys_wbuf_t;

/* One entry of sys__poll: a descriptor and WSAPoll event bits
 * (POLLRDNORM 0x100, POLLRDBAND 0x200, POLLPRI 0x400, POLLWRNORM 0x10,
 * POLLWRBAND 0x20; out: also POLLERR 0x1, POLLHUP 0x2, POLLNVAL 0x4). */
typedef struct sys_pollfd {
  int fd;
  short w_events;
  short w_revents;
} sys_pollfd_t;

/* Not a Windows bit: asks sys__poll whether the peer has shut its sending
 * side down (or the receiving side is shut here): Linux's POLLRDHUP.
 * Reported only when asked for. */
#define SYS_POLL_RDHUP 0x2000

/* Bits of sys__wait_*'s *ready. */
#define SYS_READY_FD 1
#define SYS_READY_EXTRA 2

/* Largest Windows sockaddr (SOCKADDR_STORAGE). */
#define SYS_W_SOCKADDR_MAX 128

/* --- errors ------------------------------------------------------------ */

/* errno -> Winsock error number; 0 -> 0.  The one table: errors.c. */
int sys__wsa_error(int errnum);

/* --- descriptors -------------------------------------------------------- */

/* socket(2) with Windows af/type/protocol.  AF_INET6 sockets start with
 * IPV6_V6ONLY set, as on Windows.  The descriptor is O_NONBLOCK: blocking
 * Winsock calls wait in the provider, not in the kernel. */
int sys__socket(int w_af, int w_type, int w_protocol, int *fd_out);
int sys__close(int fd);
int sys__shutdown(int fd, int w_how); /* SD_RECEIVE 0, SD_SEND 1, SD_BOTH 2 */
/* Put the socket fresh_fd under fd's number (closing what fd was), and close
 * fresh_fd: the same descriptor number, a new socket (TF_REUSE_SOCKET). */
int sys__dup_onto(int fresh_fd, int fd);

/* Windows-layout addresses; too short a length gives WSAEFAULT, an unknown
 * family WSAEAFNOSUPPORT. */
int sys__bind(int fd, const void *w_addr, int w_len);
/* A datagram socket connected to an all-zero address (or AF_UNSPEC) is
 * disconnected, as on Windows.  A connect in progress on a non-blocking
 * socket gives WSAEWOULDBLOCK. */
int sys__connect(int fd, const void *w_addr, int w_len);
/* backlog: SOMAXCONN (0x7fffffff) -> the system's; SOMAXCONN_HINT(n) (-n) ->
 * n clamped to 200..65535. */
int sys__listen(int fd, int backlog);
/* w_addr may be NULL; else *w_len is checked before a connection is taken
 * and set to the address length.  The new descriptor is close-on-exec and
 * non-blocking, like those of sys__socket. */
int sys__accept(int fd, void *w_addr, int *w_len, int *fd_out);
int sys__getsockname(int fd, void *w_addr, int *w_len);
int sys__getpeername(int fd, void *w_addr, int *w_len);

/* --- data ---------------------------------------------------------------- */

/* Send flags allowed: MSG_OOB, MSG_DONTROUTE; others give WSAEOPNOTSUPP. */
int sys__send(int fd, const void *buf, size_t len, int w_flags, size_t *sent);
int sys__sendto(int fd, const void *buf, size_t len, int w_flags,
                const void *w_to, int w_tolen, size_t *sent);
/* w_to may be NULL.  control/control_len: Windows WSACMSGHDR records
 * (IP_PKTINFO, IPV6_PKTINFO are translated; others give WSAEINVAL). */
int sys__sendmsg(int fd, const sys_wbuf_t *bufs, uint32_t nbufs, int w_flags,
                 const void *w_to, int w_tolen,
                 const void *control, size_t control_len, size_t *sent);

/* Every send and receive here is non-blocking (MSG_DONTWAIT), whatever the
 * descriptor's mode, unless w_flags has SYS_MSG_BLOCK: then a descriptor put
 * in blocking mode (sys__ioctl_fionbio(fd, 0)) blocks in the kernel. The
 * provider's blocking receive uses that (provider/io.c); everything else,
 * the loop thread first, can count on never blocking. */
#define SYS_MSG_BLOCK 0x40000000

/* Receive flags allowed: MSG_OOB, MSG_PEEK, MSG_WAITALL, MSG_PUSH_IMMEDIATE
 * (accepted, no effect).  A datagram larger than the buffer fills the buffer,
 * sets *received to what was stored and returns WSAEMSGSIZE. */
int sys__recv(int fd, void *buf, size_t len, int w_flags, size_t *received);
/* w_from may be NULL; for connected stream sockets it is left untouched. */
int sys__recvfrom(int fd, void *buf, size_t len, int w_flags,
                  void *w_from, int *w_fromlen, size_t *received);
/* As sys__recvfrom over several buffers.  control may be NULL; else
 * *control_len is its size in and the bytes of Windows WSACMSGHDR records
 * out.  *w_flags_out gets MSG_TRUNC / MSG_CTRUNC / MSG_OOB (Windows values);
 * WSAEMSGSIZE is returned when MSG_TRUNC is set. */
int sys__recvmsg(int fd, const sys_wbuf_t *bufs, uint32_t nbufs, int w_flags,
                 void *w_from, int *w_fromlen,
                 void *control, size_t *control_len,
                 size_t *received, int *w_flags_out);

/* --- files (TransmitFile, TransmitPackets: transmit.c) ------------------------ */

/* A file descriptor's size and current position; not a readable file
 * (closed, a directory, a socket) -> WSA_INVALID_HANDLE (6), one without
 * positions (a pipe) -> WSAEINVAL. */
int sys__file_info(int fd, int64_t *size, int64_t *pos);
int sys__file_seek(int fd, int64_t pos);
int sys__pread(int fd, void *buf, size_t len, int64_t off, size_t *got);
/* Up to count bytes of fd from off to the (non-blocking) socket: sendfile(2),
 * else pread + send.  *sent 0 with 0 returned: the end of the file.  The
 * file position does not move. */
int sys__sendfile(int sock, int fd, int64_t off, size_t count, size_t *sent);

/* --- options --------------------------------------------------------------- */

/* Windows level + name, Windows value layout.  Unknown level -> WSAEINVAL,
 * unknown name -> WSAENOPROTOOPT, short *w_len -> WSAEFAULT.  Options the
 * dispatcher or provider keep themselves (SO_PROTOCOL_INFO*, SO_GROUP_*,
 * SO_EXCLUSIVEADDRUSE, SO_MAX_MSG_SIZE ...) are not known here. */
int sys__getsockopt(int fd, int w_level, int w_name, void *w_val, int *w_len);
int sys__setsockopt(int fd, int w_level, int w_name, const void *w_val, int w_len);
/* The socket's Windows type (SOCK_STREAM 1 ...) and family (AF_INET6 23 ...). */
int sys__socket_type(int fd, int *w_type);
int sys__socket_family(int fd, int *w_af);

/* --- ioctlsocket ------------------------------------------------------------ */

int sys__ioctl_fionbio(int fd, int on);
int sys__fionread(int fd, uint32_t *avail);
/* Windows meaning: *at_mark is 1 when no urgent (OOB) data waits. */
int sys__atmark(int fd, int *at_mark);

/* --- waiting ------------------------------------------------------------------ */

/* poll(2) over WSAPoll bits.  timeout_ms < 0 waits forever; EINTR resumes
 * with the time left.  *nready: entries with w_revents != 0. */
int sys__poll(sys_pollfd_t *fds, uint32_t nfds, int timeout_ms, int *nready);
/* Wait until fd is readable (or writable) or extra_fd (e.g. an eventfd; -1
 * for none) is readable.  Errors and hang-ups count as ready.  *ready gets
 * SYS_READY_FD / SYS_READY_EXTRA bits; 0 means the time ran out. */
int sys__wait_readable(int fd, int extra_fd, int timeout_ms, int *ready);
int sys__wait_writable(int fd, int extra_fd, int timeout_ms, int *ready);

/* --- eventfd: a manual-reset event ---------------------------------------------- */

int sys__eventfd_create(int *fd_out); /* non-blocking, close-on-exec, reset */
int sys__eventfd_signal(int fd);      /* set (idempotent) */
int sys__eventfd_drain(int fd);       /* reset */
int sys__eventfd_is_set(int fd, int *is_set);

/* --- interfaces (ifaces.c) ----------------------------------------------------------- */

/* Largest Windows address an interface has (SOCKADDR_IN6). */
#define SYS_W_IFADDR_MAX 28

/* One address of an interface that is up, in Windows layouts (SOCKADDR_IN,
 * SOCKADDR_IN6; netmask and broadcast zero when there is none). */
typedef struct sys_ifaddr {
  unsigned char addr[SYS_W_IFADDR_MAX], netmask[SYS_W_IFADDR_MAX], broadcast[SYS_W_IFADDR_MAX];
  int addr_len;
  uint32_t w_flags; /* Windows IFF_UP 1, IFF_BROADCAST 2, IFF_LOOPBACK 4, IFF_POINTTOPOINT 8, IFF_MULTICAST 16 */
} sys_ifaddr_t;

/* The addresses of family w_af (AF_INET 2, AF_INET6 23) of the interfaces
 * that are up, in getifaddrs(3) order; *list is malloc'd (free it). */
int sys__if_addrs(int w_af, sys_ifaddr_t **list, size_t *count);
/* The local address (port 0) a datagram to w_dest would be sent from. */
int sys__route_source(const void *w_dest, int w_len, void *w_src, int *w_src_len);
/* A descriptor (non-blocking, close-on-exec) that becomes readable when an
 * IPv4 or IPv6 address is added or removed; sys__addr_watch_read takes what
 * came and sets *changes to SYS_ADDR_CHANGED_* bits (0: nothing that
 * counts). */
#define SYS_ADDR_CHANGED_V4 1
#define SYS_ADDR_CHANGED_V6 2
int sys__addr_watch_open(int *fd_out);
int sys__addr_watch_read(int fd, int *changes);

/* --- process ------------------------------------------------------------------------ */

int sys__fd_limit(int64_t *soft_out, int64_t *hard_out); /* RLIMIT_NOFILE */
uint32_t sys__getpid(void);

#ifdef __cplusplus
}
#endif

#endif /* WS2POSIX_SYS_SYS_H */
