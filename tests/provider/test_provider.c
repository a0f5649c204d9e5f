/*
 * A minimal non-IFS service provider, built as a shared object, that records
 * how the dispatcher drives it: the WSPStartup contract seen from the
 * provider's side. Its behaviour is chosen per catalog entry by
 * dwProviderReserved (set when the test installs the entry):
 *   0 a working provider, 1 WSPStartup fails, 2 WSPStartup leaves a proc-table
 *   slot empty.
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <stdlib.h>
#include <string.h>

#include "test_provider.h"

struct tp_state tp_state;
static WSPUPCALLTABLE upcalls;

typedef struct {
    int type;
    WSAPROTOCOL_INFOW info;
} tp_sock;

static SOCKET WSPAPI tp_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g, DWORD flags,
                               LPINT err) {
    tp_state.last_af = af, tp_state.last_type = type, tp_state.last_protocol = protocol;
    tp_state.last_g = g, tp_state.last_flags = flags;
    tp_state.last_info = *info;
    tp_sock *ts = calloc(1, sizeof *ts);
    if (!ts) {
        *err = WSAENOBUFS;
        return INVALID_SOCKET;
    }
    ts->type = type == 0 || type == FROM_PROTOCOL_INFO ? info->iSocketType : type;
    ts->info = *info;
    /* Not an IFS provider: the dispatcher makes the handle. */
    SOCKET s = upcalls.lpWPUCreateSocketHandle(info->dwCatalogEntryId, (DWORD_PTR)ts, err);
    if (s == INVALID_SOCKET) {
        free(ts);
        return INVALID_SOCKET;
    }
    tp_state.sockets_created++;
    return s;
}

static int WSPAPI tp_closesocket(SOCKET s, LPINT err) {
    DWORD_PTR ctx;
    if (upcalls.lpWPUQuerySocketHandleContext(s, &ctx, err) != 0)
        return SOCKET_ERROR;
    free((tp_sock *)ctx);
    if (upcalls.lpWPUCloseSocketHandle(s, err) != 0)
        return SOCKET_ERROR;
    tp_state.sockets_closed++;
    return 0;
}

static int WSPAPI tp_getsockopt(SOCKET s, int level, int name, char *val, LPINT len, LPINT err) {
    DWORD_PTR ctx;
    if (upcalls.lpWPUQuerySocketHandleContext(s, &ctx, err) != 0)
        return SOCKET_ERROR;
    tp_sock *ts = (tp_sock *)ctx;
    if (level == SOL_SOCKET && name == SO_PROTOCOL_INFOW && val && len && *len >= (int)sizeof ts->info) {
        memcpy(val, &ts->info, sizeof ts->info);
        return 0;
    }
    if (level == SOL_SOCKET && name == SO_TYPE && val && len && *len >= (int)sizeof(int)) {
        memcpy(val, &ts->type, sizeof(int));
        return 0;
    }
    *err = WSAENOPROTOOPT;
    return SOCKET_ERROR;
}

/* A "blocking" receive that never gets data: it calls the blocking callback
 * (a Winsock 1.1 blocking hook) until the callback says stop, as a provider
 * must while it blocks. */
static int WSPAPI tp_recv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD got, LPDWORD flags, LPWSAOVERLAPPED ov,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, LPWSATHREADID tid, LPINT err) {
    (void)s, (void)bufs, (void)n, (void)got, (void)flags, (void)ov, (void)cr, (void)tid;
    LPBLOCKINGCALLBACK callback = NULL;
    DWORD_PTR context = 0;
    if (upcalls.lpWPUQueryBlockingCallback(tp_state.startup_info.dwCatalogEntryId, &callback, &context, err) != 0)
        return SOCKET_ERROR;
    tp_state.blocking_callback_given = callback != NULL;
    for (int i = 0; callback && i < 1000; i++) {
        tp_state.hook_rounds++;
        if (!callback(context)) {
            *err = WSAEINTR; /* cancelled by WSACancelBlockingCall */
            return SOCKET_ERROR;
        }
    }
    *err = callback ? WSAETIMEDOUT : WSAEWOULDBLOCK;
    return SOCKET_ERROR;
}

static int WSPAPI tp_cleanup(LPINT err) {
    (void)err;
    tp_state.cleanups++;
    return 0;
}

/* Every slot must be filled. The tests never call the slots this provider
 * does not serve, so they share one placeholder (calling it through another
 * slot's type would be undefined: a real provider writes each one). */
static int WSPAPI tp_unsupported(void) { return SOCKET_ERROR; }

int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                      LPWSPPROC_TABLE procs) {
    int mode = (int)info->dwProviderReserved;
    tp_state.startups++;
    tp_state.startups_by_mode[mode & 3]++;
    tp_state.version_requested = version;
    tp_state.startup_info = *info;
    const void *const *slot = (const void *const *)&upcall_table;
    tp_state.upcalls_complete = 1;
    for (size_t i = 0; i < sizeof upcall_table / sizeof(void *); i++)
        if (!slot[i])
            tp_state.upcalls_complete = 0;
    if (mode == 1)
        return WSAEINVAL;
    upcalls = upcall_table;
    data->wVersion = MAKEWORD(2, 2);
    data->wHighVersion = MAKEWORD(2, 2);
    void **out = (void **)procs;
    for (size_t i = 0; i < sizeof *procs / sizeof(void *); i++)
        out[i] = (void *)(uintptr_t)tp_unsupported;
    procs->lpWSPSocket = tp_socket;
    procs->lpWSPCloseSocket = tp_closesocket;
    procs->lpWSPGetSockOpt = tp_getsockopt;
    procs->lpWSPRecv = tp_recv;
    procs->lpWSPCleanup = tp_cleanup;
    if (mode == 2)
        procs->lpWSPSend = NULL;
    return 0;
}
