/*
 * Window messages without windows. WSAAsyncSelect reports network events as
 * messages posted to a window, and a Winsock program reads them in its
 * message loop (GetMessage / PeekMessage). POSIX has no windows, so the
 * library hands out message windows: w2p_CreateMessageWindow() makes one,
 * owned by the calling thread as a window belongs to the thread that made
 * it; PostMessage appends to it from any thread; GetMessage / PeekMessage on
 * the owning thread take its messages in order (hWnd NULL: any window of the
 * thread), with the message-range filter of Windows; DestroyWindow drops it
 * and what it still holds. WPUPostMessage (upcalls.c) posts here, so any
 * provider's WSPAsyncSelect can deliver as it would on Windows.
 *
 * One lock and one condition variable for all windows: messages of socket
 * events are few, and a wait wakes only to look at its own thread's queue.
 */
#define _GNU_SOURCE /* clock_gettime */
#include "ws2.h"
#include "messages.h"

#include <windows.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

typedef struct wm_msg {
    struct wm_msg *next;
    MSG m;
} wm_msg;

typedef struct wm_window {
    struct wm_window *next;
    HWND hwnd;
    DWORD owner; /* thread id */
} wm_window;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t posted = PTHREAD_COND_INITIALIZER;
static wm_window *windows;
static wm_msg *head, *tail; /* every window's messages, in posting order */
static uint32_t next_id;

static wm_window *find(HWND h) {
    for (wm_window *w = windows; w; w = w->next)
        if (w->hwnd == h)
            return w;
    return NULL;
}

static DWORD ticks(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (DWORD)((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

HWND WINAPI w2p_CreateMessageWindow(void) {
    wm_window *w = calloc(1, sizeof *w);
    if (!w) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    pthread_mutex_lock(&lock);
    /* Small multiples of 16 above 64K, never 0, never reused before 2^28
     * windows have been made. */
    next_id = (next_id + 1) & 0x0fffffff;
    if (next_id == 0)
        next_id = 1;
    w->hwnd = (HWND)(uintptr_t)(0x10000u + ((uintptr_t)next_id << 4));
    w->owner = GetCurrentThreadId();
    w->next = windows;
    windows = w;
    pthread_mutex_unlock(&lock);
    return w->hwnd;
}

BOOL WINAPI IsWindow(HWND hWnd) { return ws2__window_valid(hWnd); }

BOOL ws2__window_valid(HWND hWnd) {
    pthread_mutex_lock(&lock);
    BOOL ok = hWnd && find(hWnd) != NULL;
    pthread_mutex_unlock(&lock);
    return ok;
}

BOOL WINAPI DestroyWindow(HWND hWnd) {
    pthread_mutex_lock(&lock);
    wm_window **pw = &windows;
    while (*pw && (*pw)->hwnd != hWnd)
        pw = &(*pw)->next;
    wm_window *w = hWnd ? *pw : NULL;
    if (!w) {
        pthread_mutex_unlock(&lock);
        SetLastError(ERROR_INVALID_WINDOW_HANDLE);
        return FALSE;
    }
    *pw = w->next;
    wm_msg *keep = NULL, **kt = &keep, *gone = NULL;
    for (wm_msg *m = head, *next; m; m = next) {
        next = m->next;
        m->next = NULL;
        if (m->m.hwnd == hWnd) {
            m->next = gone;
            gone = m;
        } else {
            *kt = m;
            kt = &m->next;
        }
    }
    head = keep;
    tail = NULL;
    for (wm_msg *m = head; m; m = m->next)
        tail = m;
    pthread_mutex_unlock(&lock);
    while (gone) {
        wm_msg *next = gone->next;
        free(gone);
        gone = next;
    }
    free(w);
    return TRUE;
}

BOOL ws2__window_post(HWND hWnd, UINT msg, WPARAM wParam, LPARAM lParam) {
    wm_msg *m = malloc(sizeof *m);
    if (!m)
        return FALSE;
    *m = (wm_msg){.m = {.hwnd = hWnd, .message = msg, .wParam = wParam, .lParam = lParam, .time = ticks()}};
    pthread_mutex_lock(&lock);
    if (!hWnd || !find(hWnd)) {
        pthread_mutex_unlock(&lock);
        free(m);
        return FALSE;
    }
    if (tail)
        tail->next = m;
    else
        head = m;
    tail = m;
    pthread_cond_broadcast(&posted);
    pthread_mutex_unlock(&lock);
    return TRUE;
}

BOOL WINAPI PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
    if (!ws2__window_post(hWnd, Msg, wParam, lParam)) {
        SetLastError(ws2__window_valid(hWnd) ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_WINDOW_HANDLE);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
    return PostMessageA(hWnd, Msg, wParam, lParam);
}

/* The first message for this thread that the filter lets through: unlinked
 * when remove, else left in place. Under the lock. */
static BOOL take(DWORD self, HWND hWnd, UINT lo, UINT hi, BOOL remove, MSG *out) {
    wm_msg *prev = NULL;
    for (wm_msg *m = head; m; prev = m, m = m->next) {
        if (hWnd ? m->m.hwnd != hWnd : (find(m->m.hwnd) == NULL || find(m->m.hwnd)->owner != self))
            continue;
        if ((lo || hi) && (m->m.message < lo || m->m.message > hi))
            continue;
        *out = m->m;
        if (remove) {
            if (prev)
                prev->next = m->next;
            else
                head = m->next;
            if (tail == m)
                tail = prev;
            free(m);
        }
        return TRUE;
    }
    return FALSE;
}

/* A window given by the caller must exist and be the caller's. */
static BOOL usable(HWND hWnd, DWORD self) {
    wm_window *w = hWnd ? find(hWnd) : NULL;
    return !hWnd || (w && w->owner == self);
}

BOOL WINAPI PeekMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg) {
    if (!lpMsg) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    DWORD self = GetCurrentThreadId();
    pthread_mutex_lock(&lock);
    BOOL got = usable(hWnd, self) &&
               take(self, hWnd, wMsgFilterMin, wMsgFilterMax, (wRemoveMsg & PM_REMOVE) != 0, lpMsg);
    pthread_mutex_unlock(&lock);
    return got;
}

BOOL WINAPI PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg) {
    return PeekMessageA(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax, wRemoveMsg);
}

/* Blocks until a message comes: TRUE, FALSE for WM_QUIT, -1 for a window
 * that is not the caller's (as Windows' GetMessage). */
BOOL WINAPI GetMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax) {
    if (!lpMsg) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return -1;
    }
    DWORD self = GetCurrentThreadId();
    pthread_mutex_lock(&lock);
    for (;;) {
        if (!usable(hWnd, self)) {
            pthread_mutex_unlock(&lock);
            SetLastError(ERROR_INVALID_WINDOW_HANDLE);
            return -1;
        }
        if (take(self, hWnd, wMsgFilterMin, wMsgFilterMax, TRUE, lpMsg))
            break;
        pthread_cond_wait(&posted, &lock);
    }
    pthread_mutex_unlock(&lock);
    return lpMsg->message != WM_QUIT;
}

BOOL WINAPI GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax) {
    return GetMessageA(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax);
}
