/*
 * A pass-through layered service provider, written the way Windows LSPs are
 * (a non-IFS layer, like the Platform SDK's "nonifslsp" sample in spirit):
 *
 *   WSPStartup   WS2_32 calls it once per chain entry naming this object.
 *                The layer finds itself in the chain (the layered entry
 *                whose provider path is this object), finds the next layer
 *                with WSCEnumProtocols, its path with WSCGetProviderPath,
 *                loads it and calls its WSPStartup. As the WSPStartup and
 *                WSPSocket pages ask: a next layer that is itself layered
 *                gets the chain's WSAPROTOCOL_INFOW unchanged; the base
 *                provider gets its own entry instead, so base providers
 *                need know nothing of chains.
 *   WSPSocket    creates the lower socket, then its own handle with
 *                WPUCreateSocketHandle, the context pointing at the lower
 *                socket; every other call finds the lower socket with
 *                WPUQuerySocketHandleContext and forwards.
 *   SO_PROTOCOL_INFOW  is answered with the chain's entry, the one the
 *                application's socket was made from.
 *
 * It counts what passes (passthrough_stats, exported for tests and the
 * curious) and, like the SDK samples' debug output, can log every call.
 * Build it as a shared object; install it with examples/catalog.
 *
 * Environment (read at the first WSPStartup of a process):
 *   PASSTHROUGH_LOG=<file>  one line per WSP call, appended:
 *       passthrough pid 4242 tid 4243: WSPSend(s=0x400008, 1 buffer(s)) = 0, 5 bytes (lower 0x400004)
 *     the handle the application used, the result (SOCKET_ERROR, error N
 *     with *lpErrno), and the next layer's handle the call went down with.
 *     Each line is one write(2) on a descriptor opened with O_APPEND, so the
 *     lines of many threads, and of several programs sharing the file, never
 *     mix. Unset: one untaken branch per call.
 *   PASSTHROUGH_STATS_FILE=<file>  the last WSPCleanup of a process appends
 *     one line of counters (how a test reads what the layer saw in another
 *     program, such as the echo examples).
 *   WS2POSIX_TRACE  the library's trace shows every call crossing into the
 *     layer and, since the layer starts its next layer through
 *     w2p_CallWSPStartup, every call it makes into that layer.
 *
 * Compile-time variants (examples/lsp/meson.build builds each as its own
 * shared object, so that one process can load several at once):
 *   -DPT_STATS=name  the exported counters' name (a second, stacked copy)
 *   -DPT_IFS         an IFS layer: WSPSocket returns the next layer's handle
 *                    itself (no WPUCreateSocketHandle); the layer keeps its
 *                    own table from that handle to its socket object, since
 *                    the handle's context belongs to the provider below.
 */
#define _GNU_SOURCE /* dladdr, gettid */
#include <winsock2.h>
#include <ws2spi.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PT_STATS
#define PT_STATS passthrough_stats
#endif
#ifndef PT_NAME
#define PT_NAME "passthrough" /* the log's name for this layer */
#endif
#define passthrough_stats PT_STATS

#include "passthrough.h"
__attribute__((visibility("default"))) struct passthrough_stats passthrough_stats;

#define MAX_LOWER 16

/* One started next layer per WSPStartup (one per chain entry). */
struct lower {
    DWORD chain_id;
    WSAPROTOCOL_INFOW next_info; /* what the next layer is handed */
    void *dl;
    WSPPROC_TABLE procs;
    WSPDATA data;
};

/* A socket of this layer: the lower socket behind our handle. */
struct lsock {
    SOCKET lower;
    struct lower *l;
    WSAPROTOCOL_INFOW info; /* the chain's entry */
    struct lsock *next;     /* PT_IFS: the layer's own table */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct lower *lowers[MAX_LOWER];
static int n_lowers;
static WSPUPCALLTABLE upcalls;

#define COUNT() __atomic_add_fetch(&passthrough_stats.calls, 1, __ATOMIC_RELAXED)

/* ---- the call log (PASSTHROUGH_LOG) ---- */

/* Opened at the first WSPStartup; closed when the object is unloaded, when
 * no call can still be writing (closing it at the last WSPCleanup could let
 * a late call write into a descriptor reused meanwhile). */
static int log_fd = -1;

#define LOGGING() (__atomic_load_n(&log_fd, __ATOMIC_RELAXED) >= 0)

/* One line, one write(2): O_APPEND keeps whole lines from interleaving. */
__attribute__((format(printf, 1, 2))) static void log_line(const char *fmt, ...) {
    char line[512];
    int n = snprintf(line, sizeof line, PT_NAME " pid %ld tid %ld: ", (long)getpid(), (long)gettid());
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && n < (int)sizeof line)
        n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof line)
        n = (int)sizeof line - 1;
    line[n++] = '\n';
    int fd = __atomic_load_n(&log_fd, __ATOMIC_RELAXED);
    if (fd >= 0 && write(fd, line, (size_t)n) != n) {
        /* a log that cannot be written is not the application's problem */
    }
}

static void log_open(void) {
    const char *path = getenv("PASSTHROUGH_LOG");
    if (path && path[0] && !LOGGING())
        __atomic_store_n(&log_fd, open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600), __ATOMIC_RELAXED);
}

__attribute__((destructor)) static void log_close(void) {
    int fd = __atomic_exchange_n(&log_fd, -1, __ATOMIC_RELAXED);
    if (fd >= 0)
        close(fd);
}

/* "0", "SOCKET_ERROR, error 10054" */
static const char *int_text(int r, const int *err, char *buf, size_t n) {
    if (r == SOCKET_ERROR)
        snprintf(buf, n, "SOCKET_ERROR, error %d", *err);
    else
        snprintf(buf, n, "%d", r);
    return buf;
}

/* The end of most lines: result, and the handle the call went down with. */
static void log_int(const char *call, SOCKET s, SOCKET lower, int r, const int *err) {
    char b[64];
    if (lower != INVALID_SOCKET)
        log_line("%s(s=0x%llx) = %s (lower 0x%llx)", call, (unsigned long long)s, int_text(r, err, b, sizeof b),
                 (unsigned long long)lower);
    else
        log_line("%s(s=0x%llx) = %s", call, (unsigned long long)s, int_text(r, err, b, sizeof b));
}

/* Data calls: the bytes moved when the call completed at once. */
static void log_io(const char *call, SOCKET s, SOCKET lower, DWORD nbufs, int r, const int *err, const DWORD *n) {
    char b[64];
    if (r == 0)
        snprintf(b, sizeof b, "0, %lu bytes", n ? (unsigned long)*n : 0ul);
    else
        int_text(r, err, b, sizeof b);
    log_line("%s(s=0x%llx, %lu buffer(s)) = %s (lower 0x%llx)", call, (unsigned long long)s, (unsigned long)nbufs, b,
             (unsigned long long)lower);
}

static void log_socket(const char *call, const char *args, SOCKET r, const int *err, SOCKET lower) {
    if (r == INVALID_SOCKET)
        log_line("%s(%s) = INVALID_SOCKET, error %d", call, args, *err);
    else
        log_line("%s(%s) = 0x%llx (lower 0x%llx)", call, args, (unsigned long long)r, (unsigned long long)lower);
}

static void log_bool(const char *call, SOCKET s, SOCKET lower, BOOL r, const int *err) {
    if (r)
        log_line("%s(s=0x%llx) = TRUE (lower 0x%llx)", call, (unsigned long long)s, (unsigned long long)lower);
    else
        log_line("%s(s=0x%llx) = FALSE, error %d", call, (unsigned long long)s, *err);
}

#ifdef PT_IFS
/* The handle is the next layer's: its context is not ours to read, so an
 * IFS layer finds its socket object in a table of its own. */
static struct lsock *ifs_socks;

static struct lsock *lookup(SOCKET s, LPINT err) {
    pthread_mutex_lock(&lock);
    struct lsock *ls = ifs_socks;
    while (ls && ls->lower != s)
        ls = ls->next;
    pthread_mutex_unlock(&lock);
    if (!ls) {
        *err = WSAENOTSOCK;
        return NULL;
    }
    COUNT();
    return ls;
}

static void ifs_remove(struct lsock *gone) {
    pthread_mutex_lock(&lock);
    for (struct lsock **p = &ifs_socks; *p; p = &(*p)->next)
        if (*p == gone) {
            *p = gone->next;
            break;
        }
    pthread_mutex_unlock(&lock);
}
#else
static struct lsock *lookup(SOCKET s, LPINT err) {
    DWORD_PTR ctx = 0;
    if (upcalls.lpWPUQuerySocketHandleContext(s, &ctx, err) != 0)
        return NULL;
    COUNT();
    return (struct lsock *)ctx;
}
#endif

static struct lower *lower_for(DWORD chain_id) {
    pthread_mutex_lock(&lock);
    struct lower *l = n_lowers ? lowers[0] : NULL;
    for (int i = 0; i < n_lowers; i++)
        if (lowers[i]->chain_id == chain_id)
            l = lowers[i];
    pthread_mutex_unlock(&lock);
    return l;
}

/* Wrap a socket the next layer made (WSPSocket, WSPAccept, WSPJoinLeaf). */
static SOCKET wrap(SOCKET lower_s, struct lower *l, const WSAPROTOCOL_INFOW *info, LPINT err) {
    struct lsock *ls = calloc(1, sizeof *ls);
    int ignored;
    if (!ls) {
        l->procs.lpWSPCloseSocket(lower_s, &ignored);
        *err = WSAENOBUFS;
        return INVALID_SOCKET;
    }
    ls->lower = lower_s, ls->l = l, ls->info = *info;
#ifdef PT_IFS
    /* IFS: the application gets the next layer's handle itself. */
    pthread_mutex_lock(&lock);
    ls->next = ifs_socks;
    ifs_socks = ls;
    pthread_mutex_unlock(&lock);
    SOCKET s = lower_s;
#else
    SOCKET s = upcalls.lpWPUCreateSocketHandle(info->dwCatalogEntryId, (DWORD_PTR)ls, err);
#endif
    if (s == INVALID_SOCKET) {
        l->procs.lpWSPCloseSocket(lower_s, &ignored);
        free(ls);
        return INVALID_SOCKET;
    }
    __atomic_add_fetch(&passthrough_stats.sockets, 1, __ATOMIC_RELAXED);
    passthrough_stats.last_socket = s;
    passthrough_stats.last_lower_socket = lower_s;
    return s;
}

/* ---- the forwarded calls ----
 * Each finds its socket, calls the next layer with the lower handle, counts,
 * and logs (when PASSTHROUGH_LOG is set) the handle it was given, the result
 * and the lower handle. */

#define LOWER(ls) ((ls) ? (ls)->lower : INVALID_SOCKET)

/* The usual shape: int result, one socket; lower is read before the call
 * (WSPCloseSocket frees ls). */
#define FORWARD_INT(name, s, call)                                                                                   \
    do {                                                                                                             \
        struct lsock *ls = lookup(s, err);                                                                           \
        SOCKET lower_ = LOWER(ls);                                                                                   \
        int r_ = ls ? ls->l->procs.call : SOCKET_ERROR;                                                              \
        if (LOGGING())                                                                                               \
            log_int(name, s, lower_, r_, err);                                                                       \
        return r_;                                                                                                   \
    } while (0)

static SOCKET WSPAPI PT_Socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g, DWORD flags,
                               LPINT err) {
    SOCKET r = INVALID_SOCKET, lower_s = INVALID_SOCKET;
    struct lower *l = info ? lower_for(info->dwCatalogEntryId) : NULL;
    if (!info) {
        *err = WSAEFAULT;
    } else if (!l) {
        *err = WSAEPROVIDERFAILEDINIT;
    } else {
        WSAPROTOCOL_INFOW next = l->next_info; /* the propagation rule, as at WSPStartup */
        /* A structure from WSADuplicateSocket carries the lower provider's
         * token in its reserved words (see PT_DuplicateSocket): hand them down. */
        next.dwServiceFlags3 = info->dwServiceFlags3;
        next.dwServiceFlags4 = info->dwServiceFlags4;
        next.dwProviderReserved = info->dwProviderReserved;
        passthrough_stats.lower_socket_entry = next.dwCatalogEntryId;
        passthrough_stats.socket_info = *info;
        passthrough_stats.lower_socket_info = next;
        lower_s = l->procs.lpWSPSocket(af, type, protocol, &next, g, flags, err);
        if (lower_s != INVALID_SOCKET)
            r = wrap(lower_s, l, info, err);
    }
    if (LOGGING()) {
        char args[128];
        snprintf(args, sizeof args, "af=%d, type=%d, protocol=%d, lpProtocolInfo=[entry %lu]", af, type, protocol,
                 info ? (unsigned long)info->dwCatalogEntryId : 0ul);
        log_socket("WSPSocket", args, r, err, lower_s);
    }
    return r;
}

static int WSPAPI PT_CloseSocket(SOCKET s, LPINT err) {
    struct lsock *ls = lookup(s, err);
    SOCKET lower = LOWER(ls);
    int r = SOCKET_ERROR;
    if (ls) {
        r = ls->l->procs.lpWSPCloseSocket(ls->lower, err);
#ifdef PT_IFS
        ifs_remove(ls); /* the handle was the next layer's: it released it */
#else
        int ignored;
        upcalls.lpWPUCloseSocketHandle(s, &ignored);
#endif
        free(ls);
        __atomic_add_fetch(&passthrough_stats.closes, 1, __ATOMIC_RELAXED);
    }
    if (LOGGING())
        log_int("WSPCloseSocket", s, lower, r, err);
    return r;
}

static SOCKET WSPAPI PT_Accept(SOCKET s, struct sockaddr *addr, LPINT addrlen, LPCONDITIONPROC cond,
                               DWORD_PTR data, LPINT err) {
    struct lsock *ls = lookup(s, err);
    SOCKET a = ls ? ls->l->procs.lpWSPAccept(ls->lower, addr, addrlen, cond, data, err) : INVALID_SOCKET;
    SOCKET r = a == INVALID_SOCKET ? a : wrap(a, ls->l, &ls->info, err);
    if (LOGGING()) {
        char args[64];
        snprintf(args, sizeof args, "s=0x%llx", (unsigned long long)s);
        log_socket("WSPAccept", args, r, err, a);
    }
    return r;
}

static INT WSPAPI PT_AddressToString(LPSOCKADDR a, DWORD alen, LPWSAPROTOCOL_INFOW info, LPWSTR out, LPDWORD outlen,
                                     LPINT err) {
    struct lower *l = lower_for(info ? info->dwCatalogEntryId : 0);
    int r = SOCKET_ERROR;
    if (!l) {
        *err = WSAEINVAL;
    } else {
        WSAPROTOCOL_INFOW next = l->next_info;
        COUNT();
        passthrough_stats.address_entry = info ? info->dwCatalogEntryId : 0;
        passthrough_stats.lower_address_entry = info ? next.dwCatalogEntryId : 0;
        r = l->procs.lpWSPAddressToString(a, alen, info ? &next : NULL, out, outlen, err);
    }
    if (LOGGING()) {
        char b[64];
        log_line("WSPAddressToString(lpProtocolInfo=[entry %lu]) = %s", info ? (unsigned long)info->dwCatalogEntryId : 0ul,
                 int_text(r, err, b, sizeof b));
    }
    return r;
}

static INT WSPAPI PT_StringToAddress(LPWSTR str, INT af, LPWSAPROTOCOL_INFOW info, LPSOCKADDR a, LPINT alen,
                                     LPINT err) {
    struct lower *l = lower_for(info ? info->dwCatalogEntryId : 0);
    int r = SOCKET_ERROR;
    if (!l) {
        *err = WSAEINVAL;
    } else {
        WSAPROTOCOL_INFOW next = l->next_info;
        COUNT();
        passthrough_stats.string_entry = info ? info->dwCatalogEntryId : 0;
        passthrough_stats.lower_string_entry = info ? next.dwCatalogEntryId : 0;
        r = l->procs.lpWSPStringToAddress(str, af, info ? &next : NULL, a, alen, err);
    }
    if (LOGGING()) {
        char b[64];
        log_line("WSPStringToAddress(af=%d, lpProtocolInfo=[entry %lu]) = %s", af,
                 info ? (unsigned long)info->dwCatalogEntryId : 0ul, int_text(r, err, b, sizeof b));
    }
    return r;
}

static int WSPAPI PT_AsyncSelect(SOCKET s, HWND h, unsigned int msg, LONG ev, LPINT err) {
    FORWARD_INT("WSPAsyncSelect", s, lpWSPAsyncSelect(ls->lower, h, msg, ev, err));
}

static int WSPAPI PT_Bind(SOCKET s, const struct sockaddr *name, int namelen, LPINT err) {
    FORWARD_INT("WSPBind", s, lpWSPBind(ls->lower, name, namelen, err));
}

static int WSPAPI PT_CancelBlockingCall(LPINT err) {
    struct lower *l = lower_for(0);
    int r = SOCKET_ERROR;
    if (!l)
        *err = WSAEINVAL;
    else
        r = l->procs.lpWSPCancelBlockingCall(err);
    if (LOGGING()) {
        char b[64];
        log_line("WSPCancelBlockingCall() = %s", int_text(r, err, b, sizeof b));
    }
    return r;
}

static int WSPAPI PT_Connect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller, LPWSABUF callee,
                             LPQOS sqos, LPQOS gqos, LPINT err) {
    FORWARD_INT("WSPConnect", s, lpWSPConnect(ls->lower, name, namelen, caller, callee, sqos, gqos, err));
}

/* The duplicate describes the chain (so that WSASocket with it comes back
 * through this layer); the next layer's reserved words carry its token. */
static int WSPAPI PT_DuplicateSocket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT err) {
    struct lsock *ls = lookup(s, err);
    int r = ls ? ls->l->procs.lpWSPDuplicateSocket(ls->lower, pid, info, err) : SOCKET_ERROR;
    if (r == 0) {
        WSAPROTOCOL_INFOW lower = *info;
        passthrough_stats.lower_duplicate_entry = lower.dwCatalogEntryId;
        passthrough_stats.duplicate_entry = ls->info.dwCatalogEntryId;
        *info = ls->info;
        info->dwServiceFlags3 = lower.dwServiceFlags3;
        info->dwServiceFlags4 = lower.dwServiceFlags4;
        info->dwProviderReserved = lower.dwProviderReserved;
    }
    if (LOGGING())
        log_int("WSPDuplicateSocket", s, LOWER(ls), r, err);
    return r;
}

static int WSPAPI PT_EnumNetworkEvents(SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS ne, LPINT err) {
    FORWARD_INT("WSPEnumNetworkEvents", s, lpWSPEnumNetworkEvents(ls->lower, ev, ne, err));
}

static int WSPAPI PT_EventSelect(SOCKET s, WSAEVENT ev, LONG events, LPINT err) {
    FORWARD_INT("WSPEventSelect", s, lpWSPEventSelect(ls->lower, ev, events, err));
}

static BOOL WSPAPI PT_GetOverlappedResult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD n, BOOL wait, LPDWORD flags,
                                          LPINT err) {
    struct lsock *ls = lookup(s, err);
    BOOL r = ls ? ls->l->procs.lpWSPGetOverlappedResult(ls->lower, ov, n, wait, flags, err) : FALSE;
    if (LOGGING())
        log_bool("WSPGetOverlappedResult", s, LOWER(ls), r, err);
    return r;
}

static int WSPAPI PT_GetPeerName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err) {
    FORWARD_INT("WSPGetPeerName", s, lpWSPGetPeerName(ls->lower, name, namelen, err));
}

static int WSPAPI PT_GetSockName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err) {
    FORWARD_INT("WSPGetSockName", s, lpWSPGetSockName(ls->lower, name, namelen, err));
}

/* SO_PROTOCOL_INFOW is the chain's entry, which only this layer knows. */
static int protocol_info(struct lsock *ls, char *optval, LPINT optlen, LPINT err) {
    if (!optval || !optlen) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (*optlen < (int)sizeof(WSAPROTOCOL_INFOW)) {
        *optlen = sizeof(WSAPROTOCOL_INFOW);
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    memcpy(optval, &ls->info, sizeof ls->info);
    *optlen = sizeof ls->info;
    return 0;
}

static int WSPAPI PT_GetSockOpt(SOCKET s, int level, int optname, char *optval, LPINT optlen, LPINT err) {
    struct lsock *ls = lookup(s, err);
    int r = SOCKET_ERROR;
    if (ls && level == SOL_SOCKET && optname == SO_PROTOCOL_INFOW)
        r = protocol_info(ls, optval, optlen, err);
    else if (ls)
        r = ls->l->procs.lpWSPGetSockOpt(ls->lower, level, optname, optval, optlen, err);
    if (LOGGING()) {
        char b[64];
        log_line("WSPGetSockOpt(s=0x%llx, level=%d, optname=%d) = %s (lower 0x%llx)", (unsigned long long)s, level,
                 optname, int_text(r, err, b, sizeof b), (unsigned long long)LOWER(ls));
    }
    return r;
}

static BOOL WSPAPI PT_GetQOSByName(SOCKET s, LPWSABUF name, LPQOS qos, LPINT err) {
    struct lsock *ls = lookup(s, err);
    BOOL r = ls ? ls->l->procs.lpWSPGetQOSByName(ls->lower, name, qos, err) : FALSE;
    if (LOGGING())
        log_bool("WSPGetQOSByName", s, LOWER(ls), r, err);
    return r;
}

static int WSPAPI PT_Ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out, DWORD outlen, LPDWORD ret,
                           LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid, LPINT err) {
    struct lsock *ls = lookup(s, err);
    int r = ls ? ls->l->procs.lpWSPIoctl(ls->lower, code, in, inlen, out, outlen, ret, ov, cr, tid, err)
               : SOCKET_ERROR;
    if (LOGGING()) {
        char b[64];
        log_line("WSPIoctl(s=0x%llx, dwIoControlCode=0x%lx) = %s (lower 0x%llx)", (unsigned long long)s,
                 (unsigned long)code, int_text(r, err, b, sizeof b), (unsigned long long)LOWER(ls));
    }
    return r;
}

static SOCKET WSPAPI PT_JoinLeaf(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller, LPWSABUF callee,
                                 LPQOS sqos, LPQOS gqos, DWORD flags, LPINT err) {
    struct lsock *ls = lookup(s, err);
    SOCKET j = ls ? ls->l->procs.lpWSPJoinLeaf(ls->lower, name, namelen, caller, callee, sqos, gqos, flags, err)
                  : INVALID_SOCKET;
    SOCKET r = j;
    if (j != INVALID_SOCKET)
        r = j == ls->lower ? s : wrap(j, ls->l, &ls->info, err);
    if (LOGGING()) {
        char args[64];
        snprintf(args, sizeof args, "s=0x%llx, dwFlags=0x%lx", (unsigned long long)s, (unsigned long)flags);
        log_socket("WSPJoinLeaf", args, r, err, j);
    }
    return r;
}

static int WSPAPI PT_Listen(SOCKET s, int backlog, LPINT err) {
    FORWARD_INT("WSPListen", s, lpWSPListen(ls->lower, backlog, err));
}

static void count_received(int r, const DWORD *got) {
    if (r == 0 && got) {
        __atomic_add_fetch(&passthrough_stats.bytes_received, *got, __ATOMIC_RELAXED);
        __atomic_add_fetch(&passthrough_stats.recvs, 1, __ATOMIC_RELAXED);
    }
}

static void count_sent(int r, const DWORD *sent) {
    if (r == 0 && sent) {
        __atomic_add_fetch(&passthrough_stats.bytes_sent, *sent, __ATOMIC_RELAXED);
        __atomic_add_fetch(&passthrough_stats.sends, 1, __ATOMIC_RELAXED);
    }
}

static int WSPAPI PT_Recv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD got, LPDWORD flags, LPWSAOVERLAPPED ov,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid, LPINT err) {
    struct lsock *ls = lookup(s, err);
    int r = ls ? ls->l->procs.lpWSPRecv(ls->lower, bufs, n, got, flags, ov, cr, tid, err) : SOCKET_ERROR;
    count_received(r, got);
    if (LOGGING())
        log_io("WSPRecv", s, LOWER(ls), n, r, err, got);
    return r;
}

static int WSPAPI PT_RecvDisconnect(SOCKET s, LPWSABUF data, LPINT err) {
    FORWARD_INT("WSPRecvDisconnect", s, lpWSPRecvDisconnect(ls->lower, data, err));
}

static int WSPAPI PT_RecvFrom(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD got, LPDWORD flags, struct sockaddr *from,
                              LPINT fromlen, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
                              LPWSATHREADID tid, LPINT err) {
    struct lsock *ls = lookup(s, err);
    int r = ls ? ls->l->procs.lpWSPRecvFrom(ls->lower, bufs, n, got, flags, from, fromlen, ov, cr, tid, err)
               : SOCKET_ERROR;
    count_received(r, got);
    if (LOGGING())
        log_io("WSPRecvFrom", s, LOWER(ls), n, r, err, got);
    return r;
}

/* fd_sets hold this layer's handles: translate them to the next layer's,
 * select there, and keep the ones whose lower socket is still set. */
static int select_lower(int nfds, fd_set **sets, PTIMEVAL const timeout, LPINT err) {
    fd_set lower[3];
    struct lsock *owner[3][FD_SETSIZE];
    struct lower *l = NULL;
    for (int k = 0; k < 3; k++) {
        lower[k].fd_count = 0;
        if (!sets[k])
            continue;
        for (u_int i = 0; i < sets[k]->fd_count && i < FD_SETSIZE; i++) {
            struct lsock *ls = lookup(sets[k]->fd_array[i], err);
            if (!ls)
                return SOCKET_ERROR; /* WSAENOTSOCK from the upcall */
            owner[k][i] = ls;
            lower[k].fd_array[lower[k].fd_count++] = ls->lower;
            l = ls->l;
        }
    }
    if (!l) {
        *err = WSAEINVAL;
        return SOCKET_ERROR;
    }
    int r = l->procs.lpWSPSelect(nfds, sets[0] ? &lower[0] : NULL, sets[1] ? &lower[1] : NULL,
                                 sets[2] ? &lower[2] : NULL, timeout, err);
    if (r == SOCKET_ERROR)
        return r;
    int total = 0;
    for (int k = 0; k < 3; k++) {
        if (!sets[k])
            continue;
        u_int kept = 0, n = sets[k]->fd_count < FD_SETSIZE ? sets[k]->fd_count : FD_SETSIZE;
        for (u_int i = 0; i < n; i++)
            if (upcalls.lpWPUFDIsSet(owner[k][i]->lower, &lower[k]))
                sets[k]->fd_array[kept++] = sets[k]->fd_array[i];
        sets[k]->fd_count = kept;
        total += (int)kept;
    }
    return total;
}

static int WSPAPI PT_Select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, PTIMEVAL const timeout, LPINT err) {
    fd_set *sets[3] = {rd, wr, ex};
    unsigned asked[3] = {rd ? rd->fd_count : 0, wr ? wr->fd_count : 0, ex ? ex->fd_count : 0};
    int r = select_lower(nfds, sets, timeout, err);
    if (LOGGING()) {
        char b[64];
        log_line("WSPSelect(%u/%u/%u socket(s)) = %s", asked[0], asked[1], asked[2], int_text(r, err, b, sizeof b));
    }
    return r;
}

static int WSPAPI PT_Send(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags, LPWSAOVERLAPPED ov,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid, LPINT err) {
    struct lsock *ls = lookup(s, err);
    int r = ls ? ls->l->procs.lpWSPSend(ls->lower, bufs, n, sent, flags, ov, cr, tid, err) : SOCKET_ERROR;
    count_sent(r, sent);
    if (LOGGING())
        log_io("WSPSend", s, LOWER(ls), n, r, err, sent);
    return r;
}

static int WSPAPI PT_SendDisconnect(SOCKET s, LPWSABUF data, LPINT err) {
    FORWARD_INT("WSPSendDisconnect", s, lpWSPSendDisconnect(ls->lower, data, err));
}

static int WSPAPI PT_SendTo(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags, const struct sockaddr *to,
                            int tolen, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
                            LPINT err) {
    struct lsock *ls = lookup(s, err);
    int r = ls ? ls->l->procs.lpWSPSendTo(ls->lower, bufs, n, sent, flags, to, tolen, ov, cr, tid, err)
               : SOCKET_ERROR;
    count_sent(r, sent);
    if (LOGGING())
        log_io("WSPSendTo", s, LOWER(ls), n, r, err, sent);
    return r;
}

static int WSPAPI PT_SetSockOpt(SOCKET s, int level, int optname, const char *optval, int optlen, LPINT err) {
    struct lsock *ls = lookup(s, err);
    int r = ls ? ls->l->procs.lpWSPSetSockOpt(ls->lower, level, optname, optval, optlen, err) : SOCKET_ERROR;
    if (LOGGING()) {
        char b[64];
        log_line("WSPSetSockOpt(s=0x%llx, level=%d, optname=%d) = %s (lower 0x%llx)", (unsigned long long)s, level,
                 optname, int_text(r, err, b, sizeof b), (unsigned long long)LOWER(ls));
    }
    return r;
}

static int WSPAPI PT_Shutdown(SOCKET s, int how, LPINT err) {
    FORWARD_INT("WSPShutdown", s, lpWSPShutdown(ls->lower, how, err));
}

/* PASSTHROUGH_STATS_FILE: one line per process, at its last WSPCleanup. */
static void write_stats(void) {
    const char *path = getenv("PASSTHROUGH_STATS_FILE");
    FILE *f = path && path[0] ? fopen(path, "a") : NULL;
    if (!f)
        return;
    const struct passthrough_stats *st = &passthrough_stats;
    fprintf(f,
            "startups=%d cleanups=%d sockets=%d closes=%d calls=%d sends=%d recvs=%d bytes_sent=%lld "
            "bytes_received=%lld startup_entry=%lu lower_entry=%lu\n",
            st->startups, st->cleanups, st->sockets, st->closes, st->calls, st->sends, st->recvs, st->bytes_sent,
            st->bytes_received, (unsigned long)st->startup_entry, (unsigned long)st->lower_startup_entry);
    fclose(f);
}

/* Each WSPCleanup balances one WSPStartup: the next layer started for it
 * is cleaned up and unloaded, most recent first. */
static int WSPAPI PT_Cleanup(LPINT err) {
    pthread_mutex_lock(&lock);
    if (n_lowers == 0) {
        pthread_mutex_unlock(&lock);
        *err = WSANOTINITIALISED;
        if (LOGGING())
            log_line("WSPCleanup() = SOCKET_ERROR, error %d", *err);
        return SOCKET_ERROR;
    }
    struct lower *l = lowers[--n_lowers];
    int last = n_lowers == 0;
    pthread_mutex_unlock(&lock);
    DWORD chain_id = l->chain_id;
    int ignored;
    l->procs.lpWSPCleanup(&ignored);
    dlclose(l->dl);
    free(l);
    passthrough_stats.lower_cleanups++;
    passthrough_stats.cleanups++;
    if (LOGGING())
        log_line("WSPCleanup() = 0 (the one of entry %lu; its next layer cleaned up and unloaded)",
                 (unsigned long)chain_id);
    if (last)
        write_stats();
    return 0;
}

/* ---- finding and starting the next layer ---- */

static void to_narrow(const WCHAR *w, char *a, size_t n) {
    size_t i = 0;
    for (; w[i] && i + 1 < n; i++)
        a[i] = (char)w[i];
    a[i] = 0;
}

static BOOL path_of(const GUID *provider, char *out, size_t n) {
    WCHAR w[512];
    int len = 512, err;
    if (WSCGetProviderPath((LPGUID)provider, w, &len, &err) != 0)
        return FALSE;
    to_narrow(w, out, n);
    return TRUE;
}

static const WSAPROTOCOL_INFOW *entry(const WSAPROTOCOL_INFOW *all, int n, DWORD id) {
    for (int i = 0; i < n; i++)
        if (all[i].dwCatalogEntryId == id)
            return &all[i];
    return NULL;
}

/* Which element of the chain is this object, and what comes after it. */
static int find_next(const WSAPROTOCOL_INFOW *chain, WSAPROTOCOL_INFOW *next, char *next_path, size_t n) {
    char self[4096], real_self[4096];
    Dl_info di;
    if (!dladdr((void *)(uintptr_t)PT_Socket, &di) || !realpath(di.dli_fname, real_self))
        return WSAEPROVIDERFAILEDINIT;
    DWORD size = 0;
    int err, count;
    WSCEnumProtocols(NULL, NULL, &size, &err);
    WSAPROTOCOL_INFOW *all = malloc(size ? size : 1);
    if (!all || (count = WSCEnumProtocols(NULL, all, &size, &err)) == SOCKET_ERROR) {
        free(all);
        return WSAEPROVIDERFAILEDINIT;
    }
    int result = WSAEPROVIDERFAILEDINIT;
    int len = chain->ProtocolChain.ChainLen;
    for (int i = 0; i + 1 < len; i++) {
        const WSAPROTOCOL_INFOW *me = entry(all, count, chain->ProtocolChain.ChainEntries[i]);
        if (!me || !path_of(&me->ProviderId, self, sizeof self))
            continue;
        char real[4096];
        if (!realpath(self, real) || strcmp(real, real_self))
            continue;
        const WSAPROTOCOL_INFOW *below = entry(all, count, chain->ProtocolChain.ChainEntries[i + 1]);
        if (!below || !path_of(&below->ProviderId, next_path, n))
            break;
        /* The rule: the base gets its own entry; another layer, the chain. */
        *next = i + 1 == len - 1 ? *below : *chain;
        result = 0;
        break;
    }
    free(all);
    return result;
}

static int startup(WORD wVersionRequested, LPWSPDATA lpWSPData, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                   WSPUPCALLTABLE UpcallTable, LPWSPPROC_TABLE lpProcTable) {
    if (!lpWSPData || !lpProtocolInfo || !lpProcTable)
        return WSAEFAULT;
    if (LOBYTE(wVersionRequested) < 2)
        return WSAVERNOTSUPPORTED;
    if (lpProtocolInfo->ProtocolChain.ChainLen < 2)
        return WSAEPROVIDERFAILEDINIT; /* a layer runs inside a chain only */
    struct lower *l = calloc(1, sizeof *l);
    if (!l)
        return WSAENOBUFS;
    l->chain_id = lpProtocolInfo->dwCatalogEntryId;
    char path[512];
    int err = find_next(lpProtocolInfo, &l->next_info, path, sizeof path);
    LPWSPSTARTUP next_startup = NULL;
    if (!err) {
        l->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        next_startup = l->dl ? (LPWSPSTARTUP)(uintptr_t)dlsym(l->dl, "WSPStartup") : NULL;
        if (!next_startup)
            err = WSAEPROVIDERFAILEDINIT;
    }
    /* The same upcall table goes down: handles stay WS2_32's. Through
     * ws2posix's w2p_CallWSPStartup, WS2POSIX_TRACE shows our calls into the
     * next layer; it is the plain call on Windows. */
#ifdef W2P_BSD
    if (!err && w2p_CallWSPStartup(next_startup, wVersionRequested, &l->data, &l->next_info, UpcallTable,
                                   &l->procs) != 0)
#else
    if (!err && next_startup(wVersionRequested, &l->data, &l->next_info, UpcallTable, &l->procs) != 0)
#endif
        err = WSAEPROVIDERFAILEDINIT;
    if (err) {
        if (l->dl)
            dlclose(l->dl);
        free(l);
        return err;
    }
    pthread_mutex_lock(&lock);
    if (n_lowers == MAX_LOWER) {
        pthread_mutex_unlock(&lock);
        int ignored;
        l->procs.lpWSPCleanup(&ignored);
        dlclose(l->dl);
        free(l);
        return WSAENOBUFS;
    }
    lowers[n_lowers++] = l;
    upcalls = UpcallTable;
    passthrough_stats.startups++;
    passthrough_stats.lower_startups++;
    passthrough_stats.startup_entry = lpProtocolInfo->dwCatalogEntryId;
    passthrough_stats.startup_info = *lpProtocolInfo;
#ifdef PT_IFS
    passthrough_stats.ifs = 1;
#endif
    passthrough_stats.lower_startup_entry = l->next_info.dwCatalogEntryId;
    snprintf(passthrough_stats.lower_path, sizeof passthrough_stats.lower_path, "%s", path);
    pthread_mutex_unlock(&lock);

    *lpWSPData = l->data;
    lpWSPData->wVersion = MAKEWORD(2, 2);
    lpWSPData->wHighVersion = MAKEWORD(2, 2);
    static const WSPPROC_TABLE table = {
        .lpWSPAccept = PT_Accept,
        .lpWSPAddressToString = PT_AddressToString,
        .lpWSPAsyncSelect = PT_AsyncSelect,
        .lpWSPBind = PT_Bind,
        .lpWSPCancelBlockingCall = PT_CancelBlockingCall,
        .lpWSPCleanup = PT_Cleanup,
        .lpWSPCloseSocket = PT_CloseSocket,
        .lpWSPConnect = PT_Connect,
        .lpWSPDuplicateSocket = PT_DuplicateSocket,
        .lpWSPEnumNetworkEvents = PT_EnumNetworkEvents,
        .lpWSPEventSelect = PT_EventSelect,
        .lpWSPGetOverlappedResult = PT_GetOverlappedResult,
        .lpWSPGetPeerName = PT_GetPeerName,
        .lpWSPGetSockName = PT_GetSockName,
        .lpWSPGetSockOpt = PT_GetSockOpt,
        .lpWSPGetQOSByName = PT_GetQOSByName,
        .lpWSPIoctl = PT_Ioctl,
        .lpWSPJoinLeaf = PT_JoinLeaf,
        .lpWSPListen = PT_Listen,
        .lpWSPRecv = PT_Recv,
        .lpWSPRecvDisconnect = PT_RecvDisconnect,
        .lpWSPRecvFrom = PT_RecvFrom,
        .lpWSPSelect = PT_Select,
        .lpWSPSend = PT_Send,
        .lpWSPSendDisconnect = PT_SendDisconnect,
        .lpWSPSendTo = PT_SendTo,
        .lpWSPSetSockOpt = PT_SetSockOpt,
        .lpWSPShutdown = PT_Shutdown,
        .lpWSPSocket = PT_Socket,
        .lpWSPStringToAddress = PT_StringToAddress,
    };
    *lpProcTable = table;
    return 0;
}

__attribute__((visibility("default"))) int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                                                            LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                                            WSPUPCALLTABLE UpcallTable, LPWSPPROC_TABLE lpProcTable) {
    log_open();
    int r = startup(wVersionRequested, lpWSPData, lpProtocolInfo, UpcallTable, lpProcTable);
    if (LOGGING()) {
        if (r == 0)
            log_line("WSPStartup(wVersionRequested=%u.%u, lpProtocolInfo=[entry %lu]) = 0 (next layer: entry %lu, %s)",
                     LOBYTE(wVersionRequested), HIBYTE(wVersionRequested),
                     (unsigned long)lpProtocolInfo->dwCatalogEntryId,
                     (unsigned long)passthrough_stats.lower_startup_entry, passthrough_stats.lower_path);
        else
            log_line("WSPStartup(wVersionRequested=%u.%u, lpProtocolInfo=[entry %lu]) = error %d",
                     LOBYTE(wVersionRequested), HIBYTE(wVersionRequested),
                     lpProtocolInfo ? (unsigned long)lpProtocolInfo->dwCatalogEntryId : 0ul, r);
    }
    return r;
}
