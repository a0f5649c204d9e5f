/* share.h - the seam's half of shared sockets (WSADuplicateSocket).
 *
 * The source process keeps a duplicate of the socket's descriptor (the same
 * open file description) under an unguessable 64-bit token, for one target
 * process.  The target claims it once: within one process straight from the
 * table, across processes from the source's broker, a thread that serves an
 * abstract AF_UNIX socket named "ws2posix-share-<source pid>" and hands the
 * descriptor over with SCM_RIGHTS after checking the caller with SO_PEERCRED
 * (same user, and the pid the share was made for).  docs/sharing.md.
 *
 * Neutral types only, like sys.h; results are 0 or a WSA error number.
 */
#ifndef WS2POSIX_SYS_SHARE_H
#define WS2POSIX_SYS_SHARE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Room for the provider's snapshot of the socket's state, carried with it. */
#define SYS_SHARE_BLOB_MAX 128
/* How long an unclaimed share is kept (WS2POSIX_SHARE_TTL_MS overrides). */
#define SYS_SHARE_TTL_MS 120000

/* 0 when pid names a live process of this user, else WSAEINVAL. */
int sys__share_target_ok(uint32_t pid);

/* Keep a duplicate of fd for process target_pid, with blob, under a fresh
 * non-zero token.  Starts the broker thread on first use.  0, WSAEMFILE,
 * WSAENOBUFS, or WSAENETDOWN when the broker cannot serve. */
int sys__share_put(int fd, uint32_t target_pid, const void *blob, size_t blob_len,
                   uint64_t *token_out);

/* Claim the share that process source_pid keeps under token for this
 * process.  *fd_out gets a close-on-exec descriptor of the same open file
 * description; blob (room *blob_len, SYS_SHARE_BLOB_MAX is enough) the
 * snapshot, *blob_len its length.  WSAEINVAL for anything but a live,
 * unclaimed share made for this process by a process of this user. */
int sys__share_claim(uint32_t source_pid, uint64_t token, int *fd_out, void *blob,
                     size_t *blob_len);

/* Drop every unclaimed share (closing its descriptor) and stop the broker. */
void sys__share_shutdown(void);

/* Unclaimed shares held now (tests). */
size_t sys__share_pending(void);

#ifdef __cplusplus
}
#endif

#endif /* WS2POSIX_SYS_SHARE_H */
