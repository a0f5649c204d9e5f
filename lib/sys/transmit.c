/* transmit.c - the file side of TransmitFile / TransmitPackets.
 *
 * A file reaches the seam as a descriptor (mswsock.h: W2P_FILE_HANDLE).
 * Its bytes go to the socket with sendfile(2), which copies in the kernel;
 * a descriptor sendfile refuses is read with pread(2) and sent with send(2).
 * Both send from an explicit offset and leave the file position alone, so
 * a send that takes part of the bytes loses nothing: the caller moves its
 * offset by what was taken and comes back. The socket is non-blocking
 * (sys__socket): a full socket is WSAEWOULDBLOCK, for the provider to wait.
 * `count` is the most one call hands the kernel, whichever way: the
 * provider passes its bound per send (nNumberOfBytesPerSend, nSendSize) as
 * count, so the bound holds for the fallback's send too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "systrace.h"

/* WSA_INVALID_HANDLE (winsock2.h: ERROR_INVALID_HANDLE): what Windows
 * says of a file handle that is not one. */
#define SYS_W_INVALID_HANDLE 6

/* The fallback's piece: one pread, one send. */
#define CHUNK 65536

static int file_error(int errnum) {
  return errnum == EBADF ? SYS_W_INVALID_HANDLE : sys__wsa_error(errnum);
}

int sys__file_info(int fd, int64_t *size, int64_t *pos) {
  struct stat st;
  if (fd < 0)
    return SYS_W_INVALID_HANDLE;
  int r = fstat(fd, &st);
  SYS_TRACE(r, "fstat(%d, {st_mode=%#o, st_size=%lld})", fd, r == 0 ? (unsigned)st.st_mode : 0u,
            r == 0 ? (long long)st.st_size : 0ll);
  if (r != 0)
    return file_error(errno);
  /* A directory or a socket has no bytes to give; a pipe no offsets to
   * send from without losing what a partial send leaves behind. */
  if (S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode))
    return SYS_W_INVALID_HANDLE;
  off_t cur = lseek(fd, 0, SEEK_CUR);
  SYS_TRACE(cur, "lseek(%d, 0, SEEK_CUR)", fd);
  if (cur < 0)
    return errno == ESPIPE ? SYS_WSAEINVAL : file_error(errno);
  *size = (int64_t)st.st_size;
  *pos = (int64_t)cur;
  return 0;
}

int sys__file_seek(int fd, int64_t pos) {
  off_t r = lseek(fd, (off_t)pos, SEEK_SET);
  SYS_TRACE(r, "lseek(%d, %lld, SEEK_SET)", fd, (long long)pos);
  if (r < 0)
    return file_error(errno);
  return 0;
}

int sys__pread(int fd, void *buf, size_t len, int64_t off, size_t *got) {
  ssize_t n;
  do
    n = pread(fd, buf, len, (off_t)off);
  while (n < 0 && errno == EINTR);
  SYS_TRACE(n, "pread(%d, %zu, %lld)", fd, len, (long long)off);
  if (n < 0)
    return file_error(errno);
  *got = (size_t)n;
  return 0;
}

static int send_by_copy(int sock, int fd, int64_t off, size_t count, size_t *sent) {
  size_t len = count < CHUNK ? count : CHUNK, got = 0;
  char *buf = malloc(len);
  if (buf == NULL)
    return SYS_WSAENOBUFS;
  int err = sys__pread(fd, buf, len, off, &got);
  if (!err && got == 0)
    *sent = 0; /* the end of the file */
  else if (!err) {
    ssize_t n;
    do
      n = send(sock, buf, got, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    SYS_TRACE(n, "send(%d, %zu bytes, MSG_NOSIGNAL|MSG_DONTWAIT)", sock, got);
    if (n < 0)
      err = sys__send_error(sock, errno, 0);
    else
      *sent = (size_t)n;
  }
  free(buf);
  return err;
}

int sys__sendfile(int sock, int fd, int64_t off, size_t count, size_t *sent) {
  off_t o = (off_t)off;
  ssize_t n;
  if (count > 0x7ffff000) /* Linux's largest single transfer */
    count = 0x7ffff000;
  do
    n = sendfile(sock, fd, &o, count);
  while (n < 0 && errno == EINTR);
  SYS_TRACE(n, "sendfile(%d, %d, [%lld], %zu)", sock, fd, (long long)off, count);
  if (n >= 0) {
    *sent = (size_t)n; /* 0: the end of the file */
    return 0;
  }
  if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)
    return send_by_copy(sock, fd, off, count, sent);
  if (errno == EBADF || errno == EOVERFLOW || errno == ESPIPE)
    return file_error(errno);
  return sys__send_error(sock, errno, 0);
}
