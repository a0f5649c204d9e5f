/*
 * The upcall table (WPU*) handed to every provider at WSPStartup: handles for
 * IFS and non-IFS providers, the blocking callback, provider paths, event
 * objects (events.c) and completion routines queued to a thread (apc.c).
 */
#include "ws2.h"
#include "handles.h"
#include "events.h"
#include "apc.h"
#include "messages.h"

SOCKET WSPAPI WPUCreateSocketHandle(DWORD dwCatalogEntryId, DWORD_PTR dwContext, LPINT lpErrno) {
    ws2__socket init = {.catalog_id = dwCatalogEntryId, .context = dwContext};
    SOCKET s;
    int err = ws2__handle_create(&init, &s);
    if (err) {
        *lpErrno = err;
        return INVALID_SOCKET;
    }
    return s;
}

/* An IFS provider proposes its own handle; here the table hands out the
 * SOCKET and keeps the proposed value as the provider's context. */
SOCKET WSPAPI WPUModifyIFSHandle(DWORD dwCatalogEntryId, SOCKET ProposedHandle, LPINT lpErrno) {
    ws2__socket init = {.catalog_id = dwCatalogEntryId, .context = (DWORD_PTR)ProposedHandle, .ifs = TRUE};
    SOCKET s;
    int err = ws2__handle_create(&init, &s);
    if (err) {
        *lpErrno = err;
        return INVALID_SOCKET;
    }
    return s;
}

int WSPAPI WPUQuerySocketHandleContext(SOCKET s, PDWORD_PTR lpContext, LPINT lpErrno) {
    if (!lpContext) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    int err = ws2__handle_socket_context(s, lpContext);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}

/* Closing twice is harmless: the dispatcher's closesocket may already have
 * retired the handle while the provider's WSPCloseSocket releases it. */
int WSPAPI WPUCloseSocketHandle(SOCKET s, LPINT lpErrno) {
    DWORD_PTR ctx;
    if (ws2__handle_context(s, &ctx) != 0) {
        *lpErrno = WSAENOTSOCK;
        return SOCKET_ERROR;
    }
    ws2__handle_close(s);
    return 0;
}

int WSPAPI WPUQueryBlockingCallback(DWORD dwCatalogEntryId, LPBLOCKINGCALLBACK *lplpfnCallback,
                                    PDWORD_PTR lpdwContext, LPINT lpErrno) {
    (void)dwCatalogEntryId;
    if (!lplpfnCallback || !lpdwContext) {
        *lpErrno = WSAEFAULT;
        return SOCKET_ERROR;
    }
    /* Only a Winsock 1.1 session with a blocking hook has a callback. */
    *lplpfnCallback = ws2__have_blocking_hook() ? ws2__blocking_callback : NULL;
    *lpdwContext = 0;
    return 0;
}

int WSPAPI WPUFDIsSet(SOCKET s, fd_set *fdset) { return __WSAFDIsSet(s, fdset); }

int WSPAPI WPUGetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
                              LPINT lpErrno) {
    return WSCGetProviderPath(lpProviderId, lpszProviderDllPath, lpProviderDllPathLen, lpErrno);
}

/* ThreadHandle names the calling thread's completion-routine queue and holds
 * a reference on it until WPUCloseThread, so a routine queued after the
 * thread has exited is refused instead of reaching freed memory. */
int WSPAPI WPUOpenCurrentThread(LPWSATHREADID lpThreadId, LPINT lpErrno) {
    int err = ws2__apc_open_current(lpThreadId);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}

int WSPAPI WPUCloseThread(LPWSATHREADID lpThreadId, LPINT lpErrno) {
    int err = ws2__apc_close_thread(lpThreadId);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}

/* A manual-reset event, not signalled, as WSACreateEvent makes. */
WSAEVENT WSPAPI WPUCreateEvent(LPINT lpErrno) {
    HANDLE h;
    int err = ws2__event_create(TRUE, FALSE, &h);
    if (err) {
        *lpErrno = err;
        return WSA_INVALID_EVENT;
    }
    return h;
}
BOOL WSPAPI WPUCloseEvent(WSAEVENT hEvent, LPINT lpErrno) {
    int err = ws2__event_close(hEvent);
    if (err) {
        *lpErrno = err;
        return FALSE;
    }
    return TRUE;
}
BOOL WSPAPI WPUSetEvent(WSAEVENT hEvent, LPINT lpErrno) {
    int err = ws2__event_set(hEvent);
    if (err) {
        *lpErrno = err;
        return FALSE;
    }
    return TRUE;
}
BOOL WSPAPI WPUResetEvent(WSAEVENT hEvent, LPINT lpErrno) {
    int err = ws2__event_reset(hEvent);
    if (err) {
        *lpErrno = err;
        return FALSE;
    }
    return TRUE;
}
/* The routine runs on that thread during its next alertable wait. */
int WSPAPI WPUQueueApc(LPWSATHREADID lpThreadId, LPWSAUSERAPC lpfnUserApc, DWORD_PTR dwContext, LPINT lpErrno) {
    int err = ws2__apc_queue_to(lpThreadId, lpfnUserApc, dwContext);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}
/* To a message window (messages.c): how a provider's WSPAsyncSelect
 * delivers, as on Windows. */
BOOL WSPAPI WPUPostMessage(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
    return ws2__window_post(hWnd, Msg, wParam, lParam);
}

const WSPUPCALLTABLE ws2__upcalls = {
    .lpWPUCloseEvent = WPUCloseEvent,
    .lpWPUCloseSocketHandle = WPUCloseSocketHandle,
    .lpWPUCreateEvent = WPUCreateEvent,
    .lpWPUCreateSocketHandle = WPUCreateSocketHandle,
    .lpWPUFDIsSet = WPUFDIsSet,
    .lpWPUGetProviderPath = WPUGetProviderPath,
    .lpWPUModifyIFSHandle = WPUModifyIFSHandle,
    .lpWPUPostMessage = WPUPostMessage,
    .lpWPUQueryBlockingCallback = WPUQueryBlockingCallback,
    .lpWPUQuerySocketHandleContext = WPUQuerySocketHandleContext,
    .lpWPUQueueApc = WPUQueueApc,
    .lpWPUResetEvent = WPUResetEvent,
    .lpWPUSetEvent = WPUSetEvent,
    .lpWPUOpenCurrentThread = WPUOpenCurrentThread,
    .lpWPUCloseThread = WPUCloseThread,
};
