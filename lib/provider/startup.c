/*
 * WSPStartup / WSPCleanup of the base provider. WS2_32 starts it once per
 * catalog entry, like any other provider; the libuv loop thread is shared by
 * all of those startups and stops with the last WSPCleanup.
 */
#include "wsp.h"
#include "ws2/trace.h"
#include "io.h"
#include "overlapped.h"

#include <pthread.h>

WSPUPCALLTABLE wsp__upcalls;
BOOL wsp__own_dispatcher;
static pthread_mutex_t startup_lock = PTHREAD_MUTEX_INITIALIZER;
static int startups;

static int WSPAPI wsp__WSPCleanup(LPINT lpErrno) {
    pthread_mutex_lock(&startup_lock);
    if (startups == 0) {
        pthread_mutex_unlock(&startup_lock);
        *lpErrno = WSANOTINITIALISED;
        return SOCKET_ERROR;
    }
    if (--startups == 0) {
        wsp__share_cleanup(); /* unclaimed duplicates go, the broker stops */
        wsp__addrchange_cleanup(); /* the address watch closes */
        wsp__loop_stop();
    }
    pthread_mutex_unlock(&startup_lock);
    return 0;
}

int WSPAPI wsp__startup(WORD wVersionRequested, LPWSPDATA lpWSPData, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                        WSPUPCALLTABLE UpcallTable, LPWSPPROC_TABLE lpProcTable) {
    if (!lpWSPData || !lpProcTable || !lpProtocolInfo)
        return WSAEFAULT;
    /* This provider speaks SPI 2.2; an older caller cannot use it. */
    if (LOBYTE(wVersionRequested) < 2)
        return WSAVERNOTSUPPORTED;
    lpWSPData->wVersion = MAKEWORD(2, 2);
    lpWSPData->wHighVersion = MAKEWORD(2, 2);
    static const WCHAR description[] = {'w', 's', '2', 'p', 'o', 's', 'i', 'x', ' ', 'b', 'a', 's', 'e', 0};
    for (size_t i = 0; i < sizeof description / sizeof description[0]; i++)
        lpWSPData->szDescription[i] = description[i];

    pthread_mutex_lock(&startup_lock);
    /* A loop that cannot start is not a startup failure: sockets then fail
     * with WSAENETDOWN, as on Windows when the network subsystem is down.
     * The upcall table is taken at the first startup only: later ones (one
     * per catalog entry) run while other threads read it without a lock. */
    if (startups++ == 0) {
        wsp__upcalls = UpcallTable;
        /* Driven by our own dispatcher, a socket's life follows its handle (see
         * socket.c); driven by another caller's upcalls, it ends at close. */
        wsp__own_dispatcher = UpcallTable.lpWPUModifyIFSHandle == WPUModifyIFSHandle;
        wsp__loop_start();
    }
    pthread_mutex_unlock(&startup_lock);

    wsp__fill_notimpl(lpProcTable);
    lpProcTable->lpWSPSocket = wsp__WSPSocket;
    lpProcTable->lpWSPCloseSocket = wsp__WSPCloseSocket;
    lpProcTable->lpWSPGetSockOpt = wsp__WSPGetSockOpt;
    lpProcTable->lpWSPSetSockOpt = wsp__WSPSetSockOpt;
    lpProcTable->lpWSPStringToAddress = wsp__WSPStringToAddress;
    lpProcTable->lpWSPAddressToString = wsp__WSPAddressToString;
    lpProcTable->lpWSPIoctl = wsp__WSPIoctl;
    lpProcTable->lpWSPSelect = wsp__WSPSelect;
    lpProcTable->lpWSPCleanup = wsp__WSPCleanup;
    lpProcTable->lpWSPDuplicateSocket = wsp__WSPDuplicateSocket;
    lpProcTable->lpWSPJoinLeaf = wsp__WSPJoinLeaf;
    lpProcTable->lpWSPAccept = wsp__WSPAccept;
    lpProcTable->lpWSPBind = wsp__WSPBind;
    lpProcTable->lpWSPConnect = wsp__WSPConnect;
    lpProcTable->lpWSPGetPeerName = wsp__WSPGetPeerName;
    lpProcTable->lpWSPGetSockName = wsp__WSPGetSockName;
    lpProcTable->lpWSPListen = wsp__WSPListen;
    lpProcTable->lpWSPRecv = wsp__WSPRecv;
    lpProcTable->lpWSPRecvDisconnect = wsp__WSPRecvDisconnect;
    lpProcTable->lpWSPRecvFrom = wsp__WSPRecvFrom;
    lpProcTable->lpWSPSend = wsp__WSPSend;
    lpProcTable->lpWSPSendDisconnect = wsp__WSPSendDisconnect;
    lpProcTable->lpWSPSendTo = wsp__WSPSendTo;
    lpProcTable->lpWSPShutdown = wsp__WSPShutdown;
    lpProcTable->lpWSPEventSelect = wsp__WSPEventSelect;
    lpProcTable->lpWSPEnumNetworkEvents = wsp__WSPEnumNetworkEvents;
    lpProcTable->lpWSPAsyncSelect = wsp__WSPAsyncSelect;
    lpProcTable->lpWSPGetOverlappedResult = wsp__WSPGetOverlappedResult; /* overlapped.c */
    return 0;
}

/* Exported as the shared object's WSPStartup, as mswsock.dll exports its
 * own: a layered provider that loads its next layer by path finds it here. */
int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                      WSPUPCALLTABLE UpcallTable, LPWSPPROC_TABLE lpProcTable) {
    /* With WS2POSIX_TRACE, the layer above sees a tracing table: its calls
     * into this provider appear in the trace as a layer crossing. */
    int t = ws2__trace_begin();
    int r = wsp__startup(wVersionRequested, lpWSPData, lpProtocolInfo, UpcallTable, lpProcTable);
    ws2__trace_end(t, "layer", lpProtocolInfo, "WSPStartup(wVersionRequested=%u.%u, lpProtocolInfo=[entry %lu]) = %s",
                   LOBYTE(wVersionRequested), HIBYTE(wVersionRequested),
                   lpProtocolInfo ? (unsigned long)lpProtocolInfo->dwCatalogEntryId : 0ul, ws2__trace_error_name(r));
    if (r == 0)
        ws2__trace_wrap("layer", lpProtocolInfo, lpProcTable);
    return r;
}
