/* Handle-table calls used by the upcalls and by the built-in base provider. */
#ifndef WS2POSIX_HANDLES_H
#define WS2POSIX_HANDLES_H
#include "ws2.h"
/* The provider context of an allocated (possibly closing) handle. */
int ws2__handle_context(SOCKET s, DWORD_PTR *context);
/* The same for WPUQuerySocketHandleContext: only handles made by
 * WPUCreateSocketHandle have a context it answers; an IFS handle (made by
 * WPUModifyIFSHandle) is WSAENOTSOCK, as the upcall's page says, so that a
 * non-IFS layer never reads another provider's object as its own. */
int ws2__handle_socket_context(SOCKET s, DWORD_PTR *context);
/* Run destructor(context) when the slot is finally freed (the built-in base
 * provider ties its socket object's life to the handle's this way). */
void ws2__handle_set_destructor(SOCKET s, void (*destructor)(DWORD_PTR context));
/* A reference on the slot of s while it is allocated, even after
 * closesocket (not LIVE): what completes after the close (the aborts of its
 * pending operations) still finds the handle's completion port. NULL if s
 * names no allocated slot. Released with ws2__handle_put. */
ws2__socket *ws2__handle_hold(SOCKET s);
/* Quick looks (select's look at up to 64 handles without waiting): between
 * ws2__handle_quick_begin and ws2__handle_quick_end, ws2__handle_peek finds
 * a handle's entry without taking a reference. A slot whose last reference
 * goes meanwhile is freed (its destructor run, the slot reused) only after
 * every look that may have seen it has ended. A look must not block, take a
 * lock a closer may hold, or release a handle. */
unsigned ws2__handle_quick_begin(void);
void ws2__handle_quick_end(unsigned ticket);
/* The entry of s, allocated (live or closing) and tied to its provider's
 * object by destructor `owner` (so the context is that provider's object);
 * else NULL. Only inside a quick look. */
ws2__socket *ws2__handle_peek(SOCKET s, void (*owner)(DWORD_PTR context));
#endif
