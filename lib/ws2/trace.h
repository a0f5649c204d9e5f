/*
 * The teaching trace (trace.c): WS2POSIX_TRACE=1 or =<file>. Windows world.
 */
#ifndef WS2POSIX_TRACE_H
#define WS2POSIX_TRACE_H

#include <winsock2.h>
#include <ws2spi.h>

int ws2__trace_enabled(void);
/* Replace *table with a tracing one that logs each call as
 * "<caller> -> [entry <id> '<name>'] WSPxxx(...) = result". */
void ws2__trace_wrap(const char *caller, const WSAPROTOCOL_INFOW *info, WSPPROC_TABLE *table);
/* Around a call that is not in a table (WSPStartup): begin before, end
 * after with the line's text after the entry. */
int ws2__trace_begin(void);
void ws2__trace_end(int idx, const char *caller, const WSAPROTOCOL_INFOW *info, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "WSAENOTSOCK" for 10038, "0" for 0. */
const char *ws2__trace_error_name(int e);

#endif
