/* systrace.c - the seam's lines of the teaching trace (systrace.h): the
 * text of a system call in POSIX values, and the hand-over to the hook.
 * Only reached when WS2POSIX_TRACE is on. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/un.h>

#include "internal.h"
#include "systrace.h"

#define CALL_MAX 320

static void hand_over(common__seam_trace_fn f, long result, const char *detail, const char *code, int wsa,
                      const char *fmt, va_list ap) {
  char call[CALL_MAX];
  vsnprintf(call, sizeof call, fmt, ap);
  f(call, result, detail, code, wsa);
}

void sys__trace_errno(common__seam_trace_fn f, int e, long result, const char *detail, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (result < 0)
    hand_over(f, result, detail, strerrorname_np(e), sys__wsa_error(e), fmt, ap);
  else
    hand_over(f, result, detail, NULL, 0, fmt, ap);
  va_end(ap);
}

void sys__trace_code(common__seam_trace_fn f, long result, const char *code, int wsa, const char *detail,
                     const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  hand_over(f, result, detail, code, wsa, fmt, ap);
  va_end(ap);
}

/* --- names -------------------------------------------------------------- */

#define SCRATCH 256
static _Thread_local char scratch[8][SCRATCH];
static _Thread_local unsigned next_scratch;
static char *buf(void) { return scratch[next_scratch++ & 7]; }

struct name {
  int value;
  const char *text;
};
#define N(x) {x, #x}

static const char *lookup(const struct name *t, size_t n, int v) {
  for (size_t i = 0; i < n; i++)
    if (t[i].value == v)
      return t[i].text;
  char *b = buf();
  snprintf(b, SCRATCH, "%d", v);
  return b;
}
#define LOOKUP(t, v) lookup(t, sizeof t / sizeof t[0], v)

static const struct name afs[] = {N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_INET6)};
static const struct name types[] = {N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_RDM),
                                    N(SOCK_SEQPACKET)};
static const struct name levels[] = {N(SOL_SOCKET), N(IPPROTO_IP), N(IPPROTO_IPV6), N(IPPROTO_TCP),
                                     N(IPPROTO_UDP)};
static const struct name sol_names[] = {
  N(SO_DEBUG), N(SO_REUSEADDR), N(SO_TYPE), N(SO_ERROR), N(SO_DONTROUTE), N(SO_BROADCAST),
  N(SO_SNDBUF), N(SO_RCVBUF), N(SO_KEEPALIVE), N(SO_OOBINLINE), N(SO_LINGER), N(SO_REUSEPORT),
  N(SO_RCVLOWAT), N(SO_SNDLOWAT), N(SO_RCVTIMEO), N(SO_SNDTIMEO), N(SO_ACCEPTCONN), N(SO_PEERCRED),
  N(SO_PROTOCOL), N(SO_DOMAIN)};
static const struct name ip_names[] = {
  N(IP_TOS), N(IP_TTL), N(IP_HDRINCL), N(IP_PKTINFO), N(IP_RECVTTL), N(IP_RECVTOS), N(IP_MTU_DISCOVER),
  N(IP_MULTICAST_IF), N(IP_MULTICAST_TTL), N(IP_MULTICAST_LOOP), N(IP_ADD_MEMBERSHIP),
  N(IP_DROP_MEMBERSHIP)};
static const struct name ipv6_names[] = {
  N(IPV6_UNICAST_HOPS), N(IPV6_MULTICAST_IF), N(IPV6_MULTICAST_HOPS), N(IPV6_MULTICAST_LOOP),
  N(IPV6_ADD_MEMBERSHIP), N(IPV6_DROP_MEMBERSHIP), N(IPV6_V6ONLY), N(IPV6_DONTFRAG),
  N(IPV6_RECVPKTINFO), N(IPV6_RECVHOPLIMIT), N(IPV6_RECVTCLASS), N(IPV6_MTU_DISCOVER)};
static const struct name tcp_names[] = {N(TCP_NODELAY), N(TCP_KEEPIDLE), N(TCP_KEEPINTVL), N(TCP_KEEPCNT),
                                        N(TCP_INFO)};
static const struct name eais[] = {
  N(EAI_BADFLAGS), N(EAI_NONAME), N(EAI_AGAIN), N(EAI_FAIL), N(EAI_FAMILY), N(EAI_SOCKTYPE),
  N(EAI_SERVICE), N(EAI_MEMORY), N(EAI_SYSTEM), N(EAI_OVERFLOW),
#ifdef EAI_NODATA
  N(EAI_NODATA),
#endif
#ifdef EAI_ADDRFAMILY
  N(EAI_ADDRFAMILY),
#endif
};

const char *sys__trace_text(const char *fmt, ...) {
  char *b = buf();
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b, SCRATCH, fmt, ap);
  va_end(ap);
  return b;
}

const char *sys__trace_af(int af) { return LOOKUP(afs, af); }
const char *sys__trace_type(int type) { return LOOKUP(types, type); }
const char *sys__trace_eai(int eai) { return LOOKUP(eais, eai); }

const char *sys__trace_sockopt(int level, int name) {
  char *b = buf();
  const char *n;
  switch (level) {
  case SOL_SOCKET: n = LOOKUP(sol_names, name); break;
  case IPPROTO_IP: n = LOOKUP(ip_names, name); break;
  case IPPROTO_IPV6: n = LOOKUP(ipv6_names, name); break;
  case IPPROTO_TCP: n = LOOKUP(tcp_names, name); break;
  default: n = lookup(NULL, 0, name); break;
  }
  snprintf(b, SCRATCH, "%s, %s", LOOKUP(levels, level), n);
  return b;
}

const char *sys__trace_optval(int level, int name, const void *val, socklen_t len) {
  char *b = buf();
  if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO) && len == sizeof(struct timeval)) {
    struct timeval tv;
    memcpy(&tv, val, sizeof tv);
    snprintf(b, SCRATCH, "{tv_sec=%ld, tv_usec=%ld}", (long)tv.tv_sec, (long)tv.tv_usec);
  } else if (level == SOL_SOCKET && name == SO_LINGER && len == sizeof(struct linger)) {
    struct linger lg;
    memcpy(&lg, val, sizeof lg);
    snprintf(b, SCRATCH, "{l_onoff=%d, l_linger=%d}", lg.l_onoff, lg.l_linger);
  } else if (len == sizeof(int)) {
    int v;
    memcpy(&v, val, sizeof v);
    snprintf(b, SCRATCH, "[%d]", v);
  } else {
    snprintf(b, SCRATCH, "{%u bytes}", (unsigned)len);
  }
  return b;
}

static const struct name poll_bits[] = {N(POLLIN), N(POLLPRI), N(POLLOUT), N(POLLERR), N(POLLHUP),
                                        N(POLLNVAL), N(POLLRDHUP), N(POLLWRBAND)};

static int bits(char *b, size_t room, int v) {
  int n = 0;
  for (size_t i = 0; i < sizeof poll_bits / sizeof poll_bits[0] && (size_t)n < room; i++)
    if (v & poll_bits[i].value) {
      n += snprintf(b + n, room - (size_t)n, "%s%s", n ? "|" : "", poll_bits[i].text);
      v &= ~poll_bits[i].value;
    }
  if ((size_t)n < room && (v || n == 0))
    n += snprintf(b + n, room - (size_t)n, "%s%#x", n ? "|" : "", (unsigned)v);
  return n;
}

#define MAX_SHOWN 6 /* select over 64 sockets: the first few and a count */

const char *sys__trace_pollfds(const struct pollfd *p, size_t n, int revents) {
  char *b = buf();
  size_t used = 0, shown = 0, ready = 0;
  used += (size_t)snprintf(b, SCRATCH, "%s[", revents ? "(" : "");
  for (size_t i = 0; i < n && used < SCRATCH; i++) {
    short v = revents ? p[i].revents : p[i].events;
    if (revents && v == 0)
      continue;
    ready++;
    if (shown++ == MAX_SHOWN) {
      used += (size_t)snprintf(b + used, SCRATCH - used, ", ...");
      continue;
    }
    if (shown > MAX_SHOWN)
      continue;
    used += (size_t)snprintf(b + used, SCRATCH - used, "%s{fd=%d, %s=", shown > 1 ? ", " : "", p[i].fd,
                             revents ? "revents" : "events");
    if (used < SCRATCH)
      used += (size_t)bits(b + used, SCRATCH - used, v);
    if (used < SCRATCH)
      used += (size_t)snprintf(b + used, SCRATCH - used, "}");
  }
  if (used < SCRATCH)
    snprintf(b + used, SCRATCH - used, "]%s", revents ? ")" : "");
  (void)ready;
  return b;
}

const char *sys__trace_fl(int flags) {
  char *b = buf();
  int acc = flags & O_ACCMODE;
  snprintf(b, SCRATCH, "%s%s%s", acc == O_RDWR ? "O_RDWR" : acc == O_WRONLY ? "O_WRONLY" : "O_RDONLY",
           flags & O_NONBLOCK ? "|O_NONBLOCK" : "", flags & ~(O_ACCMODE | O_NONBLOCK) ? "|..." : "");
  return b;
}

const char *sys__trace_str(const char *s) {
  if (s == NULL)
    return "NULL";
  char *b = buf();
  snprintf(b, SCRATCH, "\"%.200s\"", s);
  return b;
}

const char *sys__trace_sockaddr(const struct sockaddr *sa, socklen_t len) {
  char *b = buf(), host[INET6_ADDRSTRLEN];
  if (sa == NULL)
    return "NULL";
  if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    snprintf(b, SCRATCH, "{AF_INET, %s:%u}", host, ntohs(in->sin_port));
  } else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    snprintf(b, SCRATCH, "{AF_INET6, [%s]:%u}", host, ntohs(in6->sin6_port));
  } else if (sa->sa_family == AF_UNIX) {
    const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
    size_t room = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
    if (room > 1 && un->sun_path[0] == 0) /* the abstract namespace: "@name" */
      snprintf(b, SCRATCH, "{AF_UNIX, @\"%.*s\"}", (int)strnlen(un->sun_path + 1, room - 1), un->sun_path + 1);
    else
      snprintf(b, SCRATCH, "{AF_UNIX, \"%.*s\"}", (int)strnlen(un->sun_path, room), un->sun_path);
  } else {
    snprintf(b, SCRATCH, "{%s}", sys__trace_af(sa->sa_family));
  }
  return b;
}

const char *sys__trace_hints(const struct addrinfo *h) {
  char *b = buf();
  snprintf(b, SCRATCH, "{ai_flags=%#x, ai_family=%s, ai_socktype=%s}", (unsigned)h->ai_flags,
           sys__trace_af(h->ai_family), h->ai_socktype ? sys__trace_type(h->ai_socktype) : "0");
  return b;
}

const char *sys__trace_addrinfo(const struct addrinfo *ai) {
  char *b = buf();
  size_t used = (size_t)snprintf(b, SCRATCH, "([");
  int k = 0;
  for (; ai && used < SCRATCH; ai = ai->ai_next, k++) {
    if (k == 4) {
      snprintf(b + used, SCRATCH - used, ", ...");
      used += 5;
      break;
    }
    used += (size_t)snprintf(b + used, SCRATCH - used, "%s%s", k ? ", " : "",
                             sys__trace_sockaddr(ai->ai_addr, ai->ai_addrlen));
  }
  if (used < SCRATCH)
    snprintf(b + used, SCRATCH - used, "])");
  return b;
}
