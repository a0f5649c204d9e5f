/* internal.h - shared between the seam's own files (POSIX world only). */
#ifndef WS2POSIX_SYS_INTERNAL_H
#define WS2POSIX_SYS_INTERNAL_H

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
short sys__poll_events_to_posix(short w_events);
short sys__poll_revents_to_w(short revents, short w_events);

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
