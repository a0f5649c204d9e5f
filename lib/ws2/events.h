/*
 * Event objects (WSAEVENT and the Windows event HANDLE are the same thing
 * here): the calls the upcalls and, later, overlapped completion use.
 */
#ifndef WS2POSIX_EVENTS_H
#define WS2POSIX_EVENTS_H

#include "ws2.h"

/* 0 or WSA_NOT_ENOUGH_MEMORY. */
int ws2__event_create(BOOL manual_reset, BOOL initial_state, HANDLE *out);
/* 0 or WSA_INVALID_HANDLE (closed, bogus or not an event). */
int ws2__event_set(HANDLE h);
int ws2__event_reset(HANDLE h);
int ws2__event_close(HANDLE h);
/* TRUE when h is a live event handle. */
BOOL ws2__event_valid(HANDLE h);

#endif
