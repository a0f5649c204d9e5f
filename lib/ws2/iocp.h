/*
 * I/O completion ports (iocp.c): what the rest of the library needs of them.
 * A socket's association (port and key) lives in its handle entry
 * (ws2__socket.port/port_key), as on Windows it belongs to the handle's
 * file object; the base provider's completion path and
 * WPUCompleteOverlappedRequest post through ws2__iocp_post.
 */
#ifndef WS2POSIX_IOCP_H
#define WS2POSIX_IOCP_H

#include "ws2.h"

struct ws2__port;

/* Drop a reference on a port (an association's, when its handle slot is
 * freed). */
void ws2__port_put(struct ws2__port *p);

/* An overlapped operation of s completed with NTSTATUS status and bytes
 * (Internal already written): queue a packet to s's port, if s has one.
 * The caller has checked that the packet is wanted (no completion routine,
 * hEvent's low bit clear). Works after closesocket while the handle's slot
 * is held (see ws2__handle_hold). */
void ws2__iocp_post(SOCKET s, LPOVERLAPPED ov, ULONG_PTR status, DWORD bytes);

/* TRUE when s is associated with a port (completion routines are then
 * refused: F114). */
BOOL ws2__iocp_bound(SOCKET s);

/* CloseHandle of a port: 0, or ERROR_INVALID_HANDLE when h is not a live
 * port. Threads waiting on it return ERROR_ABANDONED_WAIT_0. */
int ws2__iocp_close(HANDLE h);

#endif
