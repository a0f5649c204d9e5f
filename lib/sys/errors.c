/* errors.c - errno -> Winsock error number.  The one table.
 *
 * Choices worth knowing:
 *  - EBADF -> WSAENOTSOCK.  The seam only ever sees descriptors handed down
 *    by the provider; a descriptor that is not open means the SOCKET is not
 *    (any more) a socket, which Winsock reports as WSAENOTSOCK.  Winsock
 *    never uses WSAEBADF for sockets.
 *  - EAGAIN and EINPROGRESS -> WSAEWOULDBLOCK: Windows reports a pending
 *    non-blocking connect as WSAEWOULDBLOCK, not WSAEINPROGRESS (which in
 *    Winsock means "a blocking call is in progress on this thread").
 *  - EPIPE -> WSAESHUTDOWN.  With MSG_NOSIGNAL, Linux reports EPIPE when the
 *    sending side is shut down (by shutdown(SD_SEND), or after a reset whose
 *    ECONNRESET was already reported).  The send calls in sys.c refine it
 *    for stream sockets (never connected -> WSAENOTCONN).
 *  - An errno with no Winsock meaning -> WSASYSCALLFAILURE ("a system call
 *    that should never fail has failed"), not a plausible-looking WSAEINVAL
 *    that would send a reader looking for a bad argument.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>

#include "internal.h"

static const struct {
  int errnum;
  int wsa;
} error_table[] = {
  {EINTR, SYS_WSAEINTR},
  {EBADF, SYS_WSAENOTSOCK},
  {EACCES, SYS_WSAEACCES},
  {EPERM, SYS_WSAEACCES},
  {EFAULT, SYS_WSAEFAULT},
  {EINVAL, SYS_WSAEINVAL},
  {ENOTTY, SYS_WSAEINVAL},
  {EMFILE, SYS_WSAEMFILE},
  {ENFILE, SYS_WSAEMFILE},
  {EAGAIN, SYS_WSAEWOULDBLOCK},
#if EWOULDBLOCK != EAGAIN
  {EWOULDBLOCK, SYS_WSAEWOULDBLOCK},
#endif
  {EINPROGRESS, SYS_WSAEWOULDBLOCK},
  {EALREADY, SYS_WSAEALREADY},
  {ENOTSOCK, SYS_WSAENOTSOCK},
  {EDESTADDRREQ, SYS_WSAEDESTADDRREQ},
  {EMSGSIZE, SYS_WSAEMSGSIZE},
  {EPROTOTYPE, SYS_WSAEPROTOTYPE},
  {ENOPROTOOPT, SYS_WSAENOPROTOOPT},
  {EPROTONOSUPPORT, SYS_WSAEPROTONOSUPPORT},
  {ESOCKTNOSUPPORT, SYS_WSAESOCKTNOSUPPORT},
  {EOPNOTSUPP, SYS_WSAEOPNOTSUPP},
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
  {ENOTSUP, SYS_WSAEOPNOTSUPP},
#endif
  {ENOSYS, SYS_WSAEOPNOTSUPP},
  {EPFNOSUPPORT, SYS_WSAEPFNOSUPPORT},
  {EAFNOSUPPORT, SYS_WSAEAFNOSUPPORT},
  {EADDRINUSE, SYS_WSAEADDRINUSE},
  {EADDRNOTAVAIL, SYS_WSAEADDRNOTAVAIL},
  {ENETDOWN, SYS_WSAENETDOWN},
  {ENODEV, SYS_WSAENETDOWN},
#ifdef ENONET
  {ENONET, SYS_WSAENETDOWN},
#endif
  {ENETUNREACH, SYS_WSAENETUNREACH},
  {ENETRESET, SYS_WSAENETRESET},
  {ECONNABORTED, SYS_WSAECONNABORTED},
  {EPROTO, SYS_WSAECONNABORTED},
  {ECONNRESET, SYS_WSAECONNRESET},
  {ENOBUFS, SYS_WSAENOBUFS},
  {ENOMEM, SYS_WSAENOBUFS},
  {EISCONN, SYS_WSAEISCONN},
  {ENOTCONN, SYS_WSAENOTCONN},
  {ESHUTDOWN, SYS_WSAESHUTDOWN},
  {EPIPE, SYS_WSAESHUTDOWN},
  {ETOOMANYREFS, SYS_WSAETOOMANYREFS},
  {ETIMEDOUT, SYS_WSAETIMEDOUT},
  {ECONNREFUSED, SYS_WSAECONNREFUSED},
  {ELOOP, SYS_WSAELOOP},
  {ENAMETOOLONG, SYS_WSAENAMETOOLONG},
  {EHOSTDOWN, SYS_WSAEHOSTDOWN},
  {EHOSTUNREACH, SYS_WSAEHOSTUNREACH},
  {ENOTEMPTY, SYS_WSAENOTEMPTY},
  {EUSERS, SYS_WSAEUSERS},
  {EDQUOT, SYS_WSAEDQUOT},
  {ESTALE, SYS_WSAESTALE},
  {EREMOTE, SYS_WSAEREMOTE},
};

int sys__wsa_error(int errnum) {
  if (errnum == 0)
    return 0;
  for (size_t i = 0; i < sizeof error_table / sizeof error_table[0]; i++)
    if (error_table[i].errnum == errnum)
      return error_table[i].wsa;
  return SYS_WSASYSCALLFAILURE;
}
