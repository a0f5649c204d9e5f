/*
 * Completion routines (user APCs): one queue per thread, run only when that
 * thread is in an alertable wait (SleepEx(.., TRUE), WSAWaitForMultipleEvents
 * and WaitFor*Ex with fAlertable/bAlertable TRUE, and the blocking calls that
 * wait alertably as Windows does: F105, F157, F179, F214).
 *
 * A queue is a lock, a FIFO of {routine, context} and an eventfd that is
 * readable while the FIFO is non-empty (from the thread's next wait on, for
 * what it queued to itself), so an alertable wait is one poll(2) over what
 * it waits for plus ws2__apc_wake_fd().
 *
 * Queues are reference counted: the owning thread holds one reference (given
 * up by a pthread key destructor when the thread exits) and every open
 * WSATHREADID holds one, so a provider that queues a completion to a thread
 * that has already gone finds a live object that refuses the routine.
 */
#ifndef WS2POSIX_APC_H
#define WS2POSIX_APC_H

#include "ws2.h"

typedef struct ws2__apc_queue ws2__apc_queue;

/* The calling thread's APC eventfd (the queue is created if needed); -1 if
 * it cannot be created. Readable while routines are pending, from this
 * call on: ask for it just before each wait. */
int ws2__apc_wake_fd(void);
/* Run the calling thread's pending routines, oldest first (including any
 * they queue themselves); returns how many ran. */
int ws2__apc_run(void);

/* TRUE when no completion routine can reach the calling thread before it
 * next opens a WSATHREADID itself: nothing is queued and no WSATHREADID
 * naming it is open (only the thread itself opens one). A blocking call may
 * then block in the kernel instead of an alertable poll (provider/io.c). */
BOOL ws2__apc_quiet(void);

/* WPUOpenCurrentThread / WPUCloseThread / WPUQueueApc: 0 or a WSA code. */
int ws2__apc_open_current(LPWSATHREADID id);
int ws2__apc_close_thread(LPWSATHREADID id);
int ws2__apc_queue_to(LPWSATHREADID id, LPWSAUSERAPC routine, DWORD_PTR context);

/* The last WSACleanup: the calling thread gives up its queue when nothing
 * else refers to it and nothing is pending. */
void ws2__apc_cleanup(void);

#endif
