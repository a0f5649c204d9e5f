/* internal.h - shared between the seam's own files (POSIX world only). */
#ifndef WS2POSIX_SYS_INTERNAL_H
#define WS2POSIX_SYS_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP */
#endif
#include <poll.h>
#include <sys/socket.h>

#include "sys.h"
#include "wvalues.h"

/* values.c: one table per kind of value.  Each returns 0 or a WSA error. */
int sys__af_to_posix(int w_af, int *af);
int sys__af_to_w(int af, int *w_af);
int sys__type_to_posix(int w_type, int *type);
int sys__type_to_w(int type, int *w_type);
int sys__msg_flags_to_posix(int w_flags, int sending, int *flags);
int sys__msg_flags_to_w(int flags); /* out flags of recvmsg */
int sys__how_to_posix(int w_how, int *how);

/* WSAPoll bits. Windows reports out-of-band data as POLLRDBAND, Linux as
 * POLLPRI: RDNORM <-> POLLIN, RDBAND and PRI <-> POLLPRI, WRNORM <->
 * POLLOUT, WRBAND <-> POLLWRBAND, SYS_POLL_RDHUP <-> POLLRDHUP; ERR, HUP
 * and NVAL always come back. Inline bit tests: they run for every
 * descriptor of every select/WSAPoll call. */
static inline short sys__poll_events_to_posix(short w_events) {
  int out = 0;
  if (w_events & SYS_W_POLLRDNORM)
    out |= POLLIN;
  if (w_events & (SYS_W_POLLRDBAND | SYS_W_POLLPRI))
    out |= POLLPRI;
  if (w_events & SYS_W_POLLWRNORM)
    out |= POLLOUT;
  if (w_events & SYS_W_POLLWRBAND)
    out |= POLLWRBAND;
  if (w_events & SYS_POLL_RDHUP)
    out |= POLLRDHUP;
  return (short)out;
}

static inline short sys__poll_revents_to_w(short revents, short w_events) {
  int out = 0;
  if (revents & POLLIN)
    out |= SYS_W_POLLRDNORM;
  if (revents & POLLPRI)
    out |= SYS_W_POLLRDBAND | SYS_W_POLLPRI;
  if (revents & POLLOUT)
    out |= SYS_W_POLLWRNORM;
  if (revents & POLLWRBAND)
    out |= SYS_W_POLLWRBAND;
  if (revents & POLLRDHUP)
    out |= SYS_POLL_RDHUP;
  out &= w_events; /* only what was asked for ... */
  if (revents & POLLERR) /* ... and always these */
    out |= SYS_W_POLLERR;
  if (revents & POLLHUP)
    out |= SYS_W_POLLHUP;
  if (revents & POLLNVAL)
    out |= SYS_W_POLLNVAL;
  return (short)out;
}

/* Windows sockaddr -> POSIX.  AF_UNSPEC is accepted (2 bytes of family). */
int sys__addr_to_posix(const void *w_addr, int w_len,
                       struct sockaddr_storage *ss, socklen_t *len);
/* POSIX sockaddr -> Windows; *w_len in: room, out: length used.
 * Too little room gives WSAEFAULT and writes nothing. */
int sys__addr_to_w(const struct sockaddr_storage *ss, socklen_t len,
                   void *w_addr, int *w_len);
/* The Windows size of an address of a POSIX family (0 if unknown). */
int sys__w_addr_size(int af);

/* sys.c: errno of a failed send -> what Winsock says (EAGAIN, EPIPE refined). */
int sys__send_error(int fd, int errnum, int has_address);

/* errors.c */
int sys__wsa_error(int errnum);

#endif /* WS2POSIX_SYS_INTERNAL_H */
