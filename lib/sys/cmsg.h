/* cmsg.h - Windows WSACMSGHDR records <-> POSIX control messages. */
#ifndef WS2POSIX_SYS_CMSG_H
#define WS2POSIX_SYS_CMSG_H

#include <stddef.h>
#include <sys/socket.h>

/* Room for the translated control data of one call. */
#define SYS_CMSG_POSIX_MAX 512

/* Windows records (w, w_len bytes) -> POSIX records in out (*out_len: room
 * in, bytes out).  Unknown records give WSAEINVAL, a malformed buffer
 * WSAEFAULT (as WSASendMsg). */
int sys__cmsg_to_posix(const void *w, size_t w_len, void *out, size_t *out_len);

/* The control data of a received msghdr -> Windows records in w (*w_len:
 * room in, bytes out).  Records without a Windows meaning are dropped
 * (descriptors passed with SCM_RIGHTS are closed); *ctrunc is set when
 * something did not fit. */
int sys__cmsg_to_w(struct msghdr *msg, void *w, size_t *w_len, int *ctrunc);

#endif /* WS2POSIX_SYS_CMSG_H */
