/*
 * I/O completion ports (iocp.c): what the rest of the library needs of them.
 * A socket's association (port and key) is a record its handle entry points
 * to (ws2__socket.assoc), as on Windows it belongs to the file object under
 * the handle: handles of one socket in this process (WSADuplicateSocket +
 * WSASocket(FROM_PROTOCOL_INFO), F291) share the record, so either one's
 * operations complete through the port either was associated with. The
 * base provider's completion path and
 * WPUCompleteOverlappedRequest post through ws2__iocp_post.
 */
#ifndef WS2POSIX_IOCP_H
#define WS2POSIX_IOCP_H

#include "ws2.h"

struct ws2__port;
struct ws2__assoc;

/* Drop a reference on a port (an association's, when its handle slot is
 * freed). */
void ws2__port_put(struct ws2__port *p);

/* Drop a handle's reference on its association (handles.c, slot freed). */
void ws2__assoc_put(struct ws2__assoc *a);

/* dup, a handle just made for the socket orig designates (a duplicate in
 * this process), shares orig's association, present or future: 0, or
 * WSAENOTSOCK (orig is gone: dup keeps an association of its own) or
 * WSAENOBUFS. */
int ws2__iocp_share(SOCKET orig, SOCKET dup);

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
