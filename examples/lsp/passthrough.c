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
 * curious). Build it as a shared object; install it with examples/catalog.
 * With PASSTHROUGH_STATS_FILE set, the last WSPCleanup of a process appends
 * one line of counters to that file (how a test reads what the layer saw in
 * another program, such as the echo examples). WS2POSIX_TRACE logs every
 * call that crosses into the layer and out of it.
 *
 * Compile-time variants (examples/lsp/meson.build builds each as its own
 * shared object, so that one process can load several at once):
 *   -DPT_STATS=name  the exported counters' name (a second, stacked copy)
 *   -DPT_IFS         an IFS layer: WSPSocket returns the next layer's handle
 *                    itself (no WPUCreateSocketHandle); the layer keeps its
 *                    own table from that handle to its socket object, since
 *                    the handle's context belongs to the provider below.
 */
#define _GNU_SOURCE /* dladdr */
#include <winsock2.h>
#include <ws2spi.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PT_STATS
#define PT_STATS passthrough_stats
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

/* ---- the forwarded calls ---- */

static SOCKET WSPAPI PT_Socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g, DWORD flags,
                               LPINT err) {
    if (!info) {
        *err = WSAEFAULT;
        return INVALID_SOCKET;
    }
    struct lower *l = lower_for(info->dwCatalogEntryId);
    if (!l) {
        *err = WSAEPROVIDERFAILEDINIT;
        return INVALID_SOCKET;
    }
    WSAPROTOCOL_INFOW next = l->next_info; /* the propagation rule, as at WSPStartup */
    /* A structure from WSADuplicateSocket carries the lower provider's token
     * in its reserved words (see PT_DuplicateSocket): hand them down. */
    next.dwServiceFlags3 = info->dwServiceFlags3;
    next.dwServiceFlags4 = info->dwServiceFlags4;
    next.dwProviderReserved = info->dwProviderReserved;
    passthrough_stats.lower_socket_entry = next.dwCatalogEntryId;
    passthrough_stats.socket_info = *info;
    passthrough_stats.lower_socket_info = next;
    SOCKET lower_s = l->procs.lpWSPSocket(af, type, protocol, &next, g, flags, err);
    if (lower_s == INVALID_SOCKET)
        return INVALID_SOCKET;
    return wrap(lower_s, l, info, err);
}

static int WSPAPI PT_CloseSocket(SOCKET s, LPINT err) {
    struct lsock *ls = lookup(s, err);
    if (!ls)
        return SOCKET_ERROR;
    int r = ls->l->procs.lpWSPCloseSocket(ls->lower, err);
#ifdef PT_IFS
    ifs_remove(ls); /* the handle was the next layer's: it released it */
#else
    int ignored;
    upcalls.lpWPUCloseSocketHandle(s, &ignored);
#endif
    free(ls);
    __atomic_add_fetch(&passthrough_stats.closes, 1, __ATOMIC_RELAXED);
    return r;
}

static SOCKET WSPAPI PT_Accept(SOCKET s, struct sockaddr *addr, LPINT addrlen, LPCONDITIONPROC cond,
                               DWORD_PTR data, LPINT err) {
    struct lsock *ls = lookup(s, err);
    if (!ls)
        return INVALID_SOCKET;
    SOCKET a = ls->l->procs.lpWSPAccept(ls->lower, addr, addrlen, cond, data, err);
    return a == INVALID_SOCKET ? a : wrap(a, ls->l, &ls->info, err);
}

static INT WSPAPI PT_AddressToString(LPSOCKADDR a, DWORD alen, LPWSAPROTOCOL_INFOW info, LPWSTR out, LPDWORD outlen,
                                     LPINT err) {
    struct lower *l = lower_for(info ? info->dwCatalogEntryId : 0);
    if (!l) {
        *err = WSAEINVAL;
        return SOCKET_ERROR;
    }
    WSAPROTOCOL_INFOW next = l->next_info;
    COUNT();
    passthrough_stats.address_entry = info ? info->dwCatalogEntryId : 0;
    passthrough_stats.lower_address_entry = info ? next.dwCatalogEntryId : 0;
    return l->procs.lpWSPAddressToString(a, alen, info ? &next : NULL, out, outlen, err);
}

static INT WSPAPI PT_StringToAddress(LPWSTR str, INT af, LPWSAPROTOCOL_INFOW info, LPSOCKADDR a, LPINT alen,
                                     LPINT err) {
    struct lower *l = lower_for(info ? info->dwCatalogEntryId : 0);
    if (!l) {
        *err = WSAEINVAL;
        return SOCKET_ERROR;
    }
    WSAPROTOCOL_INFOW next = l->next_info;
    COUNT();
    passthrough_stats.string_entry = info ? info->dwCatalogEntryId : 0;
    passthrough_stats.lower_string_entry = info ? next.dwCatalogEntryId : 0;
    return l->procs.lpWSPStringToAddress(str, af, info ? &next : NULL, a, alen, err);
}

static int WSPAPI PT_AsyncSelect(SOCKET s, HWND h, unsigned int msg, LONG ev, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPAsyncSelect(ls->lower, h, msg, ev, err) : SOCKET_ERROR;
}

static int WSPAPI PT_Bind(SOCKET s, const struct sockaddr *name, int namelen, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPBind(ls->lower, name, namelen, err) : SOCKET_ERROR;
}

static int WSPAPI PT_CancelBlockingCall(LPINT err) {
    struct lower *l = lower_for(0);
    if (!l) {
        *err = WSAEINVAL;
        return SOCKET_ERROR;
    }
    return l->procs.lpWSPCancelBlockingCall(err);
}

static int WSPAPI PT_Connect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller, LPWSABUF callee,
                             LPQOS sqos, LPQOS gqos, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPConnect(ls->lower, name, namelen, caller, callee, sqos, gqos, err) : SOCKET_ERROR;
}

/* The duplicate describes the chain (so that WSASocket with it comes back
 * through this layer); the next layer's reserved words carry its token. */
static int WSPAPI PT_DuplicateSocket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT err) {
    struct lsock *ls = lookup(s, err);
    if (!ls)
        return SOCKET_ERROR;
    if (ls->l->procs.lpWSPDuplicateSocket(ls->lower, pid, info, err) != 0)
        return SOCKET_ERROR;
    WSAPROTOCOL_INFOW lower = *info;
    passthrough_stats.lower_duplicate_entry = lower.dwCatalogEntryId;
    passthrough_stats.duplicate_entry = ls->info.dwCatalogEntryId;
    *info = ls->info;
    info->dwServiceFlags3 = lower.dwServiceFlags3;
    info->dwServiceFlags4 = lower.dwServiceFlags4;
    info->dwProviderReserved = lower.dwProviderReserved;
    return 0;
}

static int WSPAPI PT_EnumNetworkEvents(SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS ne, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPEnumNetworkEvents(ls->lower, ev, ne, err) : SOCKET_ERROR;
}

static int WSPAPI PT_EventSelect(SOCKET s, WSAEVENT ev, LONG events, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPEventSelect(ls->lower, ev, events, err) : SOCKET_ERROR;
}

static BOOL WSPAPI PT_GetOverlappedResult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD n, BOOL wait, LPDWORD flags,
                                          LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPGetOverlappedResult(ls->lower, ov, n, wait, flags, err) : FALSE;
}

static int WSPAPI PT_GetPeerName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPGetPeerName(ls->lower, name, namelen, err) : SOCKET_ERROR;
}

static int WSPAPI PT_GetSockName(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPGetSockName(ls->lower, name, namelen, err) : SOCKET_ERROR;
}

static int WSPAPI PT_GetSockOpt(SOCKET s, int level, int optname, char *optval, LPINT optlen, LPINT err) {
    struct lsock *ls = lookup(s, err);
    if (!ls)
        return SOCKET_ERROR;
    if (level == SOL_SOCKET && optname == SO_PROTOCOL_INFOW) {
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
    return ls->l->procs.lpWSPGetSockOpt(ls->lower, level, optname, optval, optlen, err);
}

static BOOL WSPAPI PT_GetQOSByName(SOCKET s, LPWSABUF name, LPQOS qos, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPGetQOSByName(ls->lower, name, qos, err) : FALSE;
}

static int WSPAPI PT_Ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out, DWORD outlen, LPDWORD ret,
                           LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPIoctl(ls->lower, code, in, inlen, out, outlen, ret, ov, cr, tid, err)
              : SOCKET_ERROR;
}

static SOCKET WSPAPI PT_JoinLeaf(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller, LPWSABUF callee,
                                 LPQOS sqos, LPQOS gqos, DWORD flags, LPINT err) {
    struct lsock *ls = lookup(s, err);
    if (!ls)
        return INVALID_SOCKET;
    SOCKET j = ls->l->procs.lpWSPJoinLeaf(ls->lower, name, namelen, caller, callee, sqos, gqos, flags, err);
    if (j == INVALID_SOCKET || j == ls->lower)
        return j == INVALID_SOCKET ? j : s;
    return wrap(j, ls->l, &ls->info, err);
}

static int WSPAPI PT_Listen(SOCKET s, int backlog, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPListen(ls->lower, backlog, err) : SOCKET_ERROR;
}

static int WSPAPI PT_Recv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD got, LPDWORD flags, LPWSAOVERLAPPED ov,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid, LPINT err) {
    struct lsock *ls = lookup(s, err);
    if (!ls)
        return SOCKET_ERROR;
    int r = ls->l->procs.lpWSPRecv(ls->lower, bufs, n, got, flags, ov, cr, tid, err);
    if (r == 0 && got) {
        __atomic_add_fetch(&passthrough_stats.bytes_received, *got, __ATOMIC_RELAXED);
        __atomic_add_fetch(&passthrough_stats.recvs, 1, __ATOMIC_RELAXED);
    }
    return r;
}

static int WSPAPI PT_RecvDisconnect(SOCKET s, LPWSABUF data, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPRecvDisconnect(ls->lower, data, err) : SOCKET_ERROR;
}

static int WSPAPI PT_RecvFrom(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD got, LPDWORD flags, struct sockaddr *from,
                              LPINT fromlen, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
                              LPWSATHREADID tid, LPINT err) {
    struct lsock *ls = lookup(s, err);
    if (!ls)
        return SOCKET_ERROR;
    int r = ls->l->procs.lpWSPRecvFrom(ls->lower, bufs, n, got, flags, from, fromlen, ov, cr, tid, err);
    if (r == 0 && got) {
        __atomic_add_fetch(&passthrough_stats.bytes_received, *got, __ATOMIC_RELAXED);
        __atomic_add_fetch(&passthrough_stats.recvs, 1, __ATOMIC_RELAXED);
    }
    return r;
}

/* fd_sets hold this layer's handles: translate them to the next layer's,
 * select there, and keep the ones whose lower socket is still set. */
static int WSPAPI PT_Select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, PTIMEVAL const timeout, LPINT err) {
    fd_set *sets[3] = {rd, wr, ex};
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
    int r = l->procs.lpWSPSelect(nfds, rd ? &lower[0] : NULL, wr ? &lower[1] : NULL, ex ? &lower[2] : NULL, timeout,
                                 err);
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

static int WSPAPI PT_Send(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags, LPWSAOVERLAPPED ov,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid, LPINT err) {
    struct lsock *ls = lookup(s, err);
    if (!ls)
        return SOCKET_ERROR;
    int r = ls->l->procs.lpWSPSend(ls->lower, bufs, n, sent, flags, ov, cr, tid, err);
    if (r == 0 && sent) {
        __atomic_add_fetch(&passthrough_stats.bytes_sent, *sent, __ATOMIC_RELAXED);
        __atomic_add_fetch(&passthrough_stats.sends, 1, __ATOMIC_RELAXED);
    }
    return r;
}

static int WSPAPI PT_SendDisconnect(SOCKET s, LPWSABUF data, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPSendDisconnect(ls->lower, data, err) : SOCKET_ERROR;
}

static int WSPAPI PT_SendTo(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags, const struct sockaddr *to,
                            int tolen, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid,
                            LPINT err) {
    struct lsock *ls = lookup(s, err);
    if (!ls)
        return SOCKET_ERROR;
    int r = ls->l->procs.lpWSPSendTo(ls->lower, bufs, n, sent, flags, to, tolen, ov, cr, tid, err);
    if (r == 0 && sent) {
        __atomic_add_fetch(&passthrough_stats.bytes_sent, *sent, __ATOMIC_RELAXED);
        __atomic_add_fetch(&passthrough_stats.sends, 1, __ATOMIC_RELAXED);
    }
    return r;
}

static int WSPAPI PT_SetSockOpt(SOCKET s, int level, int optname, const char *optval, int optlen, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPSetSockOpt(ls->lower, level, optname, optval, optlen, err) : SOCKET_ERROR;
}

static int WSPAPI PT_Shutdown(SOCKET s, int how, LPINT err) {
    struct lsock *ls = lookup(s, err);
    return ls ? ls->l->procs.lpWSPShutdown(ls->lower, how, err) : SOCKET_ERROR;
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
        return SOCKET_ERROR;
    }
    struct lower *l = lowers[--n_lowers];
    int last = n_lowers == 0;
    pthread_mutex_unlock(&lock);
    int ignored;
    l->procs.lpWSPCleanup(&ignored);
    dlclose(l->dl);
    free(l);
    passthrough_stats.lower_cleanups++;
    passthrough_stats.cleanups++;
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

__attribute__((visibility("default"))) int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                                                            LPWSAPROTOCOL_INFOW lpProtocolInfo,
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
    /* The same upcall table goes down: handles stay WS2_32's. */
    if (!err && next_startup(wVersionRequested, &l->data, &l->next_info, UpcallTable, &l->procs) != 0)
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
