/*
 * Shared sockets: WSPDuplicateSocket, and the WSPSocket side of
 * FROM_PROTOCOL_INFO for a structure WSPDuplicateSocket made.
 *
 * WSPDuplicateSocket hands the socket's descriptor to the seam's share
 * table (sys/share.c), which keeps a duplicate of it under a random 64-bit
 * token for the target process, and writes into the WSAPROTOCOL_INFOW
 * everything the target needs to find it again. Reserved fields carry it
 * (docs/sharing.md):
 *
 *   dwServiceFlags4     the source process id (never 0)
 *   dwServiceFlags3     the token's high 32 bits
 *   dwProviderReserved  the token's low 32 bits
 *
 * Every entry of the catalog has those three at 0, so an info with a source
 * pid and a non-zero token can only be a duplicate (or a forgery: the claim
 * then fails with WSAEINVAL). The structure stays plain data: it can go
 * through a pipe or a file. A layered provider passes it down to us
 * unchanged, as the WSPSocket page asks, whatever its dwCatalogEntryId.
 */
#include "wsp.h"
#include "sys/share.h"
#include "ws2/iocp.h"

#include <stdlib.h>
#include <string.h>

#define SNAP_VERSION 2

/* The socket behind s, as every WSP call starts (WSAEINPROGRESS inside a
 * Winsock 1.1 blocking hook, else the upcall's WSAENOTSOCK). */
static wsp__sock *enter(SOCKET s, LPINT lpErrno) {
    if (wsp__blocking) {
        *lpErrno = WSAEINPROGRESS;
        return NULL;
    }
    return wsp__sock_get(s, lpErrno);
}

/* The state the duplicate starts with: the source's at duplication time.
 * The descriptor's own state (connection, options the kernel keeps) is
 * shared for real; these are the modes the provider keeps beside it. */
typedef struct snapshot {
    uint32_t version;
    int32_t af, type, protocol;
    int32_t state, shut, nonblocking, exclusive, reuseaddr, bufset, rcvbuf, sndbuf, error;
    uint32_t rcvtimeo, sndtimeo;
    uint32_t sf3, sf4, reserved; /* the entry's own values of the fields borrowed */
    uint64_t handle;             /* the source's SOCKET (for a claim in its process) */
} snapshot;

BOOL wsp__share_info(const WSAPROTOCOL_INFOW *info) {
    return info->dwServiceFlags4 != 0 && (info->dwServiceFlags3 | info->dwProviderReserved) != 0;
}

int WSPAPI wsp__WSPDuplicateSocket(SOCKET s, DWORD dwProcessId, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                   LPINT lpErrno) {
    wsp__sock *so = enter(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err;
    /* Another process will share the descriptor's mode: O_NONBLOCK (io.c). */
    wsp__kblock_never(so);
    /* F280: the process id is checked before the structure pointer. */
    if ((err = sys__share_target_ok(dwProcessId)) != 0)
        goto out;
    if (!lpProtocolInfo) {
        err = WSAEFAULT;
        goto out;
    }
    snapshot snap = {
        .version = SNAP_VERSION,
        .af = so->af, .type = so->type, .protocol = so->protocol,
        .state = atomic_load(&so->state), .shut = atomic_load(&so->shut),
        .nonblocking = atomic_load(&so->nonblocking), .exclusive = atomic_load(&so->exclusive),
        .reuseaddr = atomic_load(&so->reuseaddr), .bufset = atomic_load(&so->bufset),
        .rcvbuf = atomic_load(&so->rcvbuf), .sndbuf = atomic_load(&so->sndbuf),
        .error = atomic_load(&so->error),
        .rcvtimeo = atomic_load(&so->rcvtimeo), .sndtimeo = atomic_load(&so->sndtimeo),
        .sf3 = so->info.dwServiceFlags3, .sf4 = so->info.dwServiceFlags4,
        .reserved = so->info.dwProviderReserved,
        .handle = (uint64_t)s,
    };
    uint64_t token;
    if ((err = sys__share_put(so->fd, dwProcessId, &snap, sizeof snap, &token)) != 0)
        goto out;
    /* F281: the socket's entry, with the socket's own triple. */
    *lpProtocolInfo = so->info;
    lpProtocolInfo->iAddressFamily = so->af;
    lpProtocolInfo->iSocketType = so->type;
    lpProtocolInfo->iProtocol = so->protocol;
    lpProtocolInfo->dwServiceFlags4 = sys__getpid();
    lpProtocolInfo->dwServiceFlags3 = (DWORD)(token >> 32);
    lpProtocolInfo->dwProviderReserved = (DWORD)token;
out:
    wsp__sock_put(so);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}

SOCKET wsp__share_claim(LPWSAPROTOCOL_INFOW info, GROUP g, DWORD dwFlags, LPINT lpErrno) {
    uint64_t token = (uint64_t)info->dwServiceFlags3 << 32 | info->dwProviderReserved;
    snapshot snap;
    size_t len = sizeof snap;
    int fd, err;
    if ((err = sys__share_claim(info->dwServiceFlags4, token, &fd, &snap, &len)) != 0)
        goto fail;
    if (len != sizeof snap || snap.version != SNAP_VERSION) {
        sys__close(fd);
        err = WSAEINVAL;
        goto fail;
    }
    wsp__sock *so = calloc(1, sizeof *so);
    if (!so) {
        sys__close(fd);
        err = WSAENOBUFS;
        goto fail;
    }
    so->fd = fd;
    so->kblock = WSP__KB_NEVER; /* shared with the process that duplicated it (io.c) */
    /* F282: the duplicate is the source's socket, whatever af, type and
     * protocol the caller named. */
    so->af = snap.af, so->type = snap.type, so->protocol = snap.protocol;
    so->flags = dwFlags;
    so->info = *info;
    so->info.dwServiceFlags3 = snap.sf3;
    so->info.dwServiceFlags4 = snap.sf4;
    so->info.dwProviderReserved = snap.reserved;
    atomic_init(&so->refs, 1);
    atomic_init(&so->state, snap.state);
    atomic_init(&so->shut, snap.shut);
    atomic_init(&so->nonblocking, snap.nonblocking);
    atomic_init(&so->exclusive, snap.exclusive);
    atomic_init(&so->reuseaddr, snap.reuseaddr);
    atomic_init(&so->bufset, snap.bufset);
    atomic_init(&so->rcvbuf, snap.rcvbuf);
    atomic_init(&so->sndbuf, snap.sndbuf);
    atomic_init(&so->error, snap.error);
    atomic_init(&so->rcvtimeo, snap.rcvtimeo);
    atomic_init(&so->sndtimeo, snap.sndtimeo);
    if ((err = wsp__group_join(g, so, &so->group)) != 0) {
        sys__close(fd);
        free(so);
        goto fail;
    }
    SOCKET s = wsp__sock_publish(so, info->dwCatalogEntryId, lpErrno);
    /* F291: claimed in the process that duplicated it, the socket is the
     * source's own object on Windows, so the two handles complete through
     * one completion port association. (The descriptors are separate
     * duplicates here; what is shared is the dispatcher's record.) If the
     * source handle is gone, the duplicate simply has its own. */
    if (s != INVALID_SOCKET && wsp__own_dispatcher && info->dwServiceFlags4 == sys__getpid())
        ws2__iocp_share((SOCKET)snap.handle, s);
    return s;
fail:
    *lpErrno = err;
    return INVALID_SOCKET;
}

void wsp__share_cleanup(void) { sys__share_shutdown(); }
