/*
 * ws2posix - windows.h: the part of the Windows API that Winsock programs
 * reach for besides Winsock itself: the base types, sleeping, the thread's
 * last error, handles, events and waiting on them, I/O completion ports,
 * window messages for WSAAsyncSelect, and the memory macros of the Winsock
 * samples (ZeroMemory ...).
 *
 * As on Windows, this header does not bring in <winsock2.h>, with or without
 * WIN32_LEAN_AND_MEAN; <winsock2.h> includes this one.
 */
#ifndef WS2POSIX_WINDOWS_H
#define WS2POSIX_WINDOWS_H

/* The guards Windows code tests to know that windows.h has been read. */
#ifndef _WINDOWS_
#define _WINDOWS_
#endif
#ifndef _INC_WINDOWS
#define _INC_WINDOWS
#endif

#include <windef.h>
#include <string.h> /* memset, memmove, memcpy of the *Memory macros */

/* Calling-convention keywords that Windows sources spell out (main is often
 * "int __cdecl main"); x86_64 System V has one convention, so they are empty. */
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __stdcall
#define __stdcall
#endif
#ifndef PASCAL
#define PASCAL
#endif
#ifndef WINAPIV
#define WINAPIV
#endif

/* ---- Memory ---------------------------------------------------------------- */

#define MoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define CopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define FillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define ZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define RtlMoveMemory MoveMemory
#define RtlCopyMemory CopyMemory
#define RtlFillMemory FillMemory
#define RtlZeroMemory ZeroMemory

/* ---- Security attributes of a new object ----------------------------------- */

#ifndef W2P_SECURITY_ATTRIBUTES_DEFINED
#define W2P_SECURITY_ATTRIBUTES_DEFINED
typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;
#endif

/* ---- Window messages (WSAAsyncSelect) --------------------------------------- */

#ifndef W2P_MSG_DEFINED
#define W2P_MSG_DEFINED
typedef struct tagPOINT {
    LONG x;
    LONG y;
} POINT, *PPOINT, *NPPOINT, *LPPOINT;

typedef struct tagMSG {
    HWND hwnd;
    UINT message;
    WPARAM wParam;
    LPARAM lParam;
    DWORD time;
    POINT pt;
} MSG, *PMSG, *NPMSG, *LPMSG;
#endif

#define WM_NULL 0x0000
#define WM_QUIT 0x0012
#define WM_USER 0x0400
#define PM_NOREMOVE 0x0000
#define PM_REMOVE 0x0001
#define ERROR_INVALID_WINDOW_HANDLE 1400

/* ---- I/O completion ports ---------------------------------------------------- */

/* One packet as GetQueuedCompletionStatusEx returns it; Internal is the
 * operation's NTSTATUS (0 for PostQueuedCompletionStatus). */
typedef struct _OVERLAPPED_ENTRY {
    ULONG_PTR lpCompletionKey;
    LPOVERLAPPED lpOverlapped;
    ULONG_PTR Internal;
    DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;

/* The Win32 errors GetQueuedCompletionStatus gives for a failed operation
 * (from its NTSTATUS) or a port closed under its waiters. */
#define ERROR_NOT_SUPPORTED 50
#define ERROR_SEM_TIMEOUT 121
#define ERROR_MORE_DATA 234
#define ERROR_ABANDONED_WAIT_0 735
#define ERROR_NOACCESS 998
#define ERROR_NETWORK_UNREACHABLE 1231
#define ERROR_HOST_UNREACHABLE 1232
#define ERROR_NO_SYSTEM_RESOURCES 1450

W2P_BEGIN_DECLS

/* ---- Sleeping -------------------------------------------------------------- */

VOID WINAPI Sleep(DWORD dwMilliseconds);
/* Alertable when bAlertable: returns WAIT_IO_COMPLETION after running the
 * thread's queued completion routines, else 0 when the time is up. */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);

/* ---- Errors, process and thread -------------------------------------------- */

DWORD WINAPI GetLastError(VOID);
VOID WINAPI SetLastError(DWORD dwErrCode);
DWORD WINAPI GetCurrentProcessId(VOID);
DWORD WINAPI GetCurrentThreadId(VOID);

/* ---- Handles, events and waits --------------------------------------------- */

BOOL WINAPI CloseHandle(HANDLE hObject);

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName);
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCWSTR lpName);
BOOL WINAPI SetEvent(HANDLE hEvent);
BOOL WINAPI ResetEvent(HANDLE hEvent);

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                    DWORD dwMilliseconds);
DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                      DWORD dwMilliseconds, BOOL bAlertable);

/* ---- I/O completion ports ------------------------------------------------------
 * A port is a FIFO of completion packets. CreateIoCompletionPort makes one
 * (FileHandle INVALID_HANDLE_VALUE) and/or associates a SOCKET, cast to
 * HANDLE, with one: each overlapped operation of that socket then posts a
 * packet when it completes (unless hEvent's low bit is set). The port is
 * closed with CloseHandle. NumberOfConcurrentThreads is accepted and not
 * enforced: every waiting thread may take a packet. */
HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort, ULONG_PTR CompletionKey,
                                     DWORD NumberOfConcurrentThreads);
BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred,
                                      PULONG_PTR lpCompletionKey, LPOVERLAPPED *lpOverlapped, DWORD dwMilliseconds);
BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries,
                                        ULONG ulCount, PULONG ulNumEntriesRemoved, DWORD dwMilliseconds,
                                        BOOL fAlertable);
BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                       ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);

/* ---- Window messages --------------------------------------------------------
 * POSIX has no windows: w2p_CreateMessageWindow() gives a message window owned
 * by the calling thread (a window handle that only receives messages), for
 * WSAAsyncSelect and PostMessage. GetMessage/PeekMessage on the owning thread
 * read its messages (hWnd NULL: every window of the thread); DestroyWindow
 * drops it. Not in Windows: the only call a ported program changes is the
 * CreateWindow that made its hidden window. */
HWND WINAPI w2p_CreateMessageWindow(void);
BOOL WINAPI DestroyWindow(HWND hWnd);
BOOL WINAPI IsWindow(HWND hWnd);
BOOL WINAPI PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI PeekMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg);
BOOL WINAPI PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg);
BOOL WINAPI GetMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
BOOL WINAPI GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);

W2P_END_DECLS

#ifdef UNICODE
#define CreateEvent CreateEventW
#define PostMessage PostMessageW
#define PeekMessage PeekMessageW
#define GetMessage GetMessageW
#else
#define CreateEvent CreateEventA
#define PostMessage PostMessageA
#define PeekMessage PeekMessageA
#define GetMessage GetMessageA
#endif

#endif /* WS2POSIX_WINDOWS_H */
