/*
 * The teaching trace's hook into the system seam. Neutral C only: the seam
 * (lib/sys/, POSIX world) calls it, the dispatcher's trace (lib/ws2/trace.c,
 * Windows world) sets it, and neither includes the other's headers.
 *
 * NULL when WS2POSIX_TRACE is off: a seam call then pays one load and one
 * branch (lib/sys/systrace.h). When on, the seam calls it right after each
 * system call with
 *   call       what was called, with its arguments in POSIX values,
 *              e.g. "socket(AF_INET=2, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0)"
 *   result     the system call's return value
 *   detail     text that belongs after the result ("([{fd=7, revents=POLLIN}])"
 *              for poll, the addresses getaddrinfo found), or NULL
 *   code       why it failed: errno's name ("ECONNREFUSED"), an EAI_ name for
 *              the resolver; NULL when it did not fail
 *   wsa_error  the WSA error the seam turns that code into (0 if none)
 */
#ifndef WS2POSIX_COMMON_TRACE_HOOK_H
#define WS2POSIX_COMMON_TRACE_HOOK_H

typedef void (*common__seam_trace_fn)(const char *call, long result, const char *detail, const char *code,
                                      int wsa_error);

extern common__seam_trace_fn common__seam_trace;

#endif
