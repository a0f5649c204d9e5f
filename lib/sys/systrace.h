/* systrace.h - the seam's side of the teaching trace (systrace.c).
 *
 * After each system call, a SYS_TRACE macro hands the hook of
 * common/trace_hook.h one line: the call with its arguments in POSIX values
 * (strace's way: out-values in brackets), its result, and for a failure the
 * error's name and the WSA error the seam turns it into.
 *
 * With WS2POSIX_TRACE off the hook is NULL: a macro is one relaxed load and
 * one branch predicted not taken, and its arguments (names, formatted sets)
 * are not even evaluated. errno is the same after the macro as before. */
#ifndef WS2POSIX_SYS_SYSTRACE_H
#define WS2POSIX_SYS_SYSTRACE_H

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>

#include "common/trace_hook.h"

#define SYS_TRACE_HOOK_() __atomic_load_n(&common__seam_trace, __ATOMIC_RELAXED)

/* A call that fails with -1 and errno. */
#define SYS_TRACE(result, ...) SYS_TRACE_DETAIL(result, NULL, __VA_ARGS__)

/* ... with text after the result, "(...)" (poll's revents). */
#define SYS_TRACE_DETAIL(result, detail, ...)                                  \
  do {                                                                         \
    common__seam_trace_fn f_ = SYS_TRACE_HOOK_();                              \
    if (__builtin_expect(f_ != NULL, 0)) {                                     \
      int e_ = errno;                                                          \
      sys__trace_errno(f_, e_, (long)(result), (detail), __VA_ARGS__);         \
      errno = e_;                                                              \
    }                                                                          \
  } while (0)

/* A call that reports failure its own way (getaddrinfo's EAI_ codes, an
 * empty getservbyname_r): code is its name or NULL, wsa what the seam makes
 * of it. */
#define SYS_TRACE_CODE(result, code, wsa, detail, ...)                         \
  do {                                                                         \
    common__seam_trace_fn f_ = SYS_TRACE_HOOK_();                              \
    if (__builtin_expect(f_ != NULL, 0)) {                                     \
      int e_ = errno;                                                          \
      sys__trace_code(f_, (long)(result), (code), (wsa), (detail),             \
                      __VA_ARGS__);                                            \
      errno = e_;                                                              \
    }                                                                          \
  } while (0)

void sys__trace_errno(common__seam_trace_fn f, int e, long result, const char *detail,
                      const char *fmt, ...)
    __attribute__((format(printf, 5, 6), noinline, cold));
void sys__trace_code(common__seam_trace_fn f, long result, const char *code, int wsa,
                     const char *detail, const char *fmt, ...)
    __attribute__((format(printf, 6, 7), noinline, cold));

/* POSIX names for the trace's text. The strings live in small per-thread
 * rotating buffers: several fit in one line, none outlives the next few. */
const char *sys__trace_af(int af);                /* "AF_INET" */
const char *sys__trace_type(int type);            /* "SOCK_STREAM" */
const char *sys__trace_sockopt(int level, int name); /* "SOL_SOCKET, SO_RCVBUF" */
/* An option's value as [int], {tv_sec=..}, {l_onoff=..} or {N bytes}. */
const char *sys__trace_optval(int level, int name, const void *val, socklen_t len);
/* "[{fd=7, events=POLLIN|POLLRDHUP}, ...]"; with revents set, strace's
 * after-result form "([{fd=7, revents=POLLIN}])" of the ready ones. */
const char *sys__trace_pollfds(const struct pollfd *p, size_t n, int revents);
const char *sys__trace_fl(int flags);             /* "O_RDWR|O_NONBLOCK" */
const char *sys__trace_str(const char *s);        /* "\"text\"" or "NULL" */
/* "{AF_INET, 127.0.0.1:80}", "{AF_INET6, [::1]:80}", "{AF_UNIX, \"path\"}" */
const char *sys__trace_sockaddr(const struct sockaddr *sa, socklen_t len);
const char *sys__trace_eai(int eai);              /* "EAI_NONAME" */
struct addrinfo;
const char *sys__trace_hints(const struct addrinfo *h);  /* "{ai_flags=0x1, ai_family=AF_INET, ...}" */
const char *sys__trace_addrinfo(const struct addrinfo *ai); /* "([{AF_INET, 127.0.0.1:80}, ...])" */
/* Any text, printf-style, in one of those buffers (a line's detail). */
const char *sys__trace_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* WS2POSIX_SYS_SYSTRACE_H */
