/* sockopt.c - getsockopt/setsockopt through one table.
 *
 * Each row: Windows level + name -> POSIX level + name, and how the value is
 * converted (its "kind").  Options the dispatcher or the provider keep
 * themselves (SO_PROTOCOL_INFO*, SO_GROUP_*, SO_EXCLUSIVEADDRUSE,
 * SO_MAX_MSG_SIZE, SO_CONNECT_TIME, SO_UPDATE_*_CONTEXT ...) have no row:
 * the seam answers WSAENOPROTOOPT for them. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "internal.h"
#include "systrace.h"

enum kind {
  K_BOOL,       /* BOOL (4 bytes), nonzero is TRUE; read back as 0/1 */
  K_INT,        /* int / DWORD, same meaning both sides */
  K_BUFSIZE,    /* int; Linux reports twice what was set, Windows what was set */
  K_TIMEO,      /* DWORD milliseconds <-> struct timeval */
  K_LINGER,     /* struct linger { u_short l_onoff, l_linger; } <-> ints */
  K_DONTLINGER, /* BOOL == !l_onoff of SO_LINGER */
  K_ERROR,      /* int: pending errno -> WSA error */
  K_TYPE,       /* int: socket type -> Windows type */
  K_MREQ,       /* struct ip_mreq, same layout */
  K_MREQ6,      /* struct ipv6_mreq, same layout */
  K_MCAST_IF,   /* IN_ADDR, or an interface index as 0.x.x.x (network order) */
  K_DONTFRAG4,  /* BOOL <-> IP_MTU_DISCOVER DO/DONT */
  K_DONTFRAG6,  /* BOOL <-> IPV6_MTU_DISCOVER DO/DONT (streams), IPV6_DONTFRAG (others) */
  K_REUSE       /* BOOL; set: SO_REUSEADDR and SO_REUSEPORT (see below) */
};

#define GET 1
#define SET 2
#define BOTH (GET | SET)
#define STREAM_ONLY 4 /* Windows: WSAENOPROTOOPT on datagram sockets */

static const struct sockopt_row {
  int w_level, w_name;
  int level, name;
  enum kind kind;
  int flags;
} sockopt_table[] = {
  {SYS_W_SOL_SOCKET, SYS_W_SO_ACCEPTCONN, SOL_SOCKET, SO_ACCEPTCONN, K_BOOL, GET},
  /* Windows' SO_REUSEADDR lets a socket bind to an address that another
   * socket which asked for it too uses, even a listening one: on Linux that
   * takes SO_REUSEPORT as well as SO_REUSEADDR (same user only; incoming
   * connections are then spread over the listeners). */
  {SYS_W_SOL_SOCKET, SYS_W_SO_REUSEADDR, SOL_SOCKET, SO_REUSEADDR, K_REUSE, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE, K_BOOL, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_DONTROUTE, SOL_SOCKET, SO_DONTROUTE, K_BOOL, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_BROADCAST, SOL_SOCKET, SO_BROADCAST, K_BOOL, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_LINGER, SOL_SOCKET, SO_LINGER, K_LINGER, BOTH | STREAM_ONLY},
  {SYS_W_SOL_SOCKET, SYS_W_SO_DONTLINGER, SOL_SOCKET, SO_LINGER, K_DONTLINGER, BOTH | STREAM_ONLY},
  {SYS_W_SOL_SOCKET, SYS_W_SO_OOBINLINE, SOL_SOCKET, SO_OOBINLINE, K_BOOL, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_SNDBUF, SOL_SOCKET, SO_SNDBUF, K_BUFSIZE, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_RCVBUF, SOL_SOCKET, SO_RCVBUF, K_BUFSIZE, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_RCVLOWAT, SOL_SOCKET, SO_RCVLOWAT, K_INT, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_SNDTIMEO, SOL_SOCKET, SO_SNDTIMEO, K_TIMEO, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_RCVTIMEO, SOL_SOCKET, SO_RCVTIMEO, K_TIMEO, BOTH},
  {SYS_W_SOL_SOCKET, SYS_W_SO_ERROR, SOL_SOCKET, SO_ERROR, K_ERROR, GET},
  {SYS_W_SOL_SOCKET, SYS_W_SO_TYPE, SOL_SOCKET, SO_TYPE, K_TYPE, GET},

  {SYS_W_IPPROTO_TCP, SYS_W_TCP_NODELAY, IPPROTO_TCP, TCP_NODELAY, K_BOOL, BOTH},
  {SYS_W_IPPROTO_TCP, SYS_W_TCP_KEEPALIVE, IPPROTO_TCP, TCP_KEEPIDLE, K_INT, BOTH},
  {SYS_W_IPPROTO_TCP, SYS_W_TCP_KEEPCNT, IPPROTO_TCP, TCP_KEEPCNT, K_INT, BOTH},
  {SYS_W_IPPROTO_TCP, SYS_W_TCP_KEEPINTVL, IPPROTO_TCP, TCP_KEEPINTVL, K_INT, BOTH},

  {SYS_W_IPPROTO_IP, SYS_W_IP_HDRINCL, IPPROTO_IP, IP_HDRINCL, K_BOOL, BOTH},
  {SYS_W_IPPROTO_IP, SYS_W_IP_TOS, IPPROTO_IP, IP_TOS, K_INT, BOTH},
  {SYS_W_IPPROTO_IP, SYS_W_IP_TTL, IPPROTO_IP, IP_TTL, K_INT, BOTH},
  {SYS_W_IPPROTO_IP, SYS_W_IP_MULTICAST_IF, IPPROTO_IP, IP_MULTICAST_IF, K_MCAST_IF, BOTH},
  {SYS_W_IPPROTO_IP, SYS_W_IP_MULTICAST_TTL, IPPROTO_IP, IP_MULTICAST_TTL, K_INT, BOTH},
  {SYS_W_IPPROTO_IP, SYS_W_IP_MULTICAST_LOOP, IPPROTO_IP, IP_MULTICAST_LOOP, K_BOOL, BOTH},
  {SYS_W_IPPROTO_IP, SYS_W_IP_ADD_MEMBERSHIP, IPPROTO_IP, IP_ADD_MEMBERSHIP, K_MREQ, SET},
  {SYS_W_IPPROTO_IP, SYS_W_IP_DROP_MEMBERSHIP, IPPROTO_IP, IP_DROP_MEMBERSHIP, K_MREQ, SET},
  {SYS_W_IPPROTO_IP, SYS_W_IP_DONTFRAGMENT, IPPROTO_IP, IP_MTU_DISCOVER, K_DONTFRAG4, BOTH},
  {SYS_W_IPPROTO_IP, SYS_W_IP_PKTINFO, IPPROTO_IP, IP_PKTINFO, K_BOOL, BOTH},
  {SYS_W_IPPROTO_IP, SYS_W_IP_RECVTTL, IPPROTO_IP, IP_RECVTTL, K_BOOL, BOTH},
  {SYS_W_IPPROTO_IP, SYS_W_IP_RECVTOS, IPPROTO_IP, IP_RECVTOS, K_BOOL, BOTH},

  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_UNICAST_HOPS, IPPROTO_IPV6, IPV6_UNICAST_HOPS, K_INT, BOTH},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_MULTICAST_IF, IPPROTO_IPV6, IPV6_MULTICAST_IF, K_INT, BOTH},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_MULTICAST_HOPS, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, K_INT, BOTH},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_MULTICAST_LOOP, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, K_BOOL, BOTH},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_ADD_MEMBERSHIP, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, K_MREQ6, SET},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_DROP_MEMBERSHIP, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, K_MREQ6, SET},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_DONTFRAG, IPPROTO_IPV6, IPV6_DONTFRAG, K_DONTFRAG6, BOTH},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_PKTINFO, IPPROTO_IPV6, IPV6_RECVPKTINFO, K_BOOL, BOTH},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_HOPLIMIT, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, K_BOOL, BOTH},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_RECVTCLASS, IPPROTO_IPV6, IPV6_RECVTCLASS, K_BOOL, BOTH},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_V6ONLY, IPPROTO_IPV6, IPV6_V6ONLY, K_BOOL, BOTH},
};

/* Levels the seam knows; a level not here is WSAEINVAL, a known level
 * without the name is WSAENOPROTOOPT. */
static const int known_levels[] = {
  SYS_W_SOL_SOCKET, SYS_W_IPPROTO_IP, SYS_W_IPPROTO_TCP, SYS_W_IPPROTO_UDP,
  SYS_W_IPPROTO_IPV6,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int find_row(int w_level, int w_name, int access,
                    const struct sockopt_row **row) {
  size_t i;
  for (i = 0; i < COUNT(known_levels); i++)
    if (known_levels[i] == w_level)
      break;
  if (i == COUNT(known_levels))
    return SYS_WSAEINVAL;
  for (i = 0; i < COUNT(sockopt_table); i++)
    if (sockopt_table[i].w_level == w_level && sockopt_table[i].w_name == w_name) {
      if (!(sockopt_table[i].flags & access))
        return SYS_WSAENOPROTOOPT;
      *row = &sockopt_table[i];
      return 0;
    }
  return SYS_WSAENOPROTOOPT;
}

static int get_type(int fd, int *type) {
  socklen_t len = sizeof *type;
  int r = getsockopt(fd, SOL_SOCKET, SO_TYPE, type, &len);
  SYS_TRACE(r, "getsockopt(%d, SOL_SOCKET, SO_TYPE, %s, [%u])", fd,
            r == 0 ? sys__trace_text("[%s]", sys__trace_type(*type)) : "?", (unsigned)len);
  return r != 0 ? sys__wsa_error(errno) : 0;
}

static int check_stream(int fd, const struct sockopt_row *row) {
  int type, err;
  if (!(row->flags & STREAM_ONLY))
    return 0;
  if ((err = get_type(fd, &type)) != 0)
    return err;
  return type == SOCK_STREAM ? 0 : SYS_WSAENOPROTOOPT;
}

/* Windows size of a value of this kind. */
static int w_size(enum kind kind) {
  switch (kind) {
  case K_LINGER: return SYS_W_LINGER_SIZE;
  case K_MREQ: return SYS_W_IP_MREQ_SIZE;
  case K_MREQ6: return SYS_W_IPV6_MREQ_SIZE;
  default: return 4; /* BOOL, int, DWORD, IN_ADDR */
  }
}

static int posix_get(int fd, int level, int name, void *val, socklen_t size) {
  socklen_t len = size;
  int r = getsockopt(fd, level, name, val, &len);
  SYS_TRACE(r, "getsockopt(%d, %s, %s, [%u])", fd, sys__trace_sockopt(level, name),
            r == 0 ? sys__trace_optval(level, name, val, len) : "?", (unsigned)len);
  if (r != 0)
    return sys__wsa_error(errno);
  return 0;
}

static int posix_set(int fd, int level, int name, const void *val, socklen_t len) {
  int r = setsockopt(fd, level, name, val, len);
  SYS_TRACE(r, "setsockopt(%d, %s, %s, %u)", fd, sys__trace_sockopt(level, name),
            sys__trace_optval(level, name, val, len), (unsigned)len);
  if (r != 0)
    return sys__wsa_error(errno);
  return 0;
}

int sys__getsockopt(int fd, int w_level, int w_name, void *w_val, int *w_len) {
  const struct sockopt_row *row;
  int err, v = 0;
  uint32_t u;

  if ((err = find_row(w_level, w_name, GET, &row)) != 0)
    return err;
  if (w_val == NULL || w_len == NULL || *w_len < w_size(row->kind))
    return SYS_WSAEFAULT;
  if ((err = check_stream(fd, row)) != 0)
    return err;

  switch (row->kind) {
  case K_BOOL:
  case K_REUSE:
    if ((err = posix_get(fd, row->level, row->name, &v, sizeof v)) != 0)
      return err;
    v = v != 0;
    break;
  case K_INT:
  case K_MCAST_IF:
    if ((err = posix_get(fd, row->level, row->name, &v, sizeof v)) != 0)
      return err;
    break;
  case K_BUFSIZE:
    if ((err = posix_get(fd, row->level, row->name, &v, sizeof v)) != 0)
      return err;
    v /= 2; /* socket(7): the kernel doubles the value set */
    break;
  case K_TIMEO: {
    struct timeval tv;
    uint64_t ms;
    if ((err = posix_get(fd, row->level, row->name, &tv, sizeof tv)) != 0)
      return err;
    ms = (uint64_t)tv.tv_sec * 1000u + (uint64_t)(tv.tv_usec + 999) / 1000u;
    u = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
    memcpy(w_val, &u, 4);
    *w_len = 4;
    return 0;
  }
  case K_LINGER: {
    struct linger lg;
    uint16_t w[2];
    if ((err = posix_get(fd, row->level, row->name, &lg, sizeof lg)) != 0)
      return err;
    w[0] = lg.l_onoff != 0;
    w[1] = lg.l_linger > 0xffff ? 0xffff : lg.l_linger < 0 ? 0 : (uint16_t)lg.l_linger;
    memcpy(w_val, w, 4);
    *w_len = SYS_W_LINGER_SIZE;
    return 0;
  }
  case K_DONTLINGER: {
    struct linger lg;
    if ((err = posix_get(fd, row->level, row->name, &lg, sizeof lg)) != 0)
      return err;
    v = lg.l_onoff == 0;
    break;
  }
  case K_ERROR:
    if ((err = posix_get(fd, row->level, row->name, &v, sizeof v)) != 0)
      return err;
    v = sys__wsa_error(v);
    break;
  case K_TYPE:
    if ((err = posix_get(fd, row->level, row->name, &v, sizeof v)) != 0)
      return err;
    if ((err = sys__type_to_w(v, &v)) != 0)
      return err;
    break;
  case K_DONTFRAG4: {
    int type;
    if ((err = posix_get(fd, row->level, row->name, &v, sizeof v)) != 0)
      return err;
    /* F255: a TCP socket's default reads 1, as on Windows Vista and later
     * (Linux' default, WANT, sets DF on TCP segments); UDP's reads 0. */
    if (v == IP_PMTUDISC_WANT && (err = get_type(fd, &type)) == 0)
      v = type == SOCK_STREAM ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;
    v = v == IP_PMTUDISC_DO || v == IP_PMTUDISC_PROBE;
    break;
  }
  case K_DONTFRAG6: {
    int type;
    if ((err = get_type(fd, &type)) != 0)
      return err;
    if (type == SOCK_STREAM) { /* F255, as for IPv4 */
      if ((err = posix_get(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v, sizeof v)) != 0)
        return err;
      v = v != IPV6_PMTUDISC_DONT;
    } else {
      if ((err = posix_get(fd, row->level, row->name, &v, sizeof v)) != 0)
        return err;
      v = v != 0;
    }
    break;
  }
  case K_MREQ:
  case K_MREQ6:
    return SYS_WSAENOPROTOOPT; /* set-only; find_row already refused */
  }
  memcpy(w_val, &v, 4);
  *w_len = 4;
  return 0;
}

int sys__setsockopt(int fd, int w_level, int w_name, const void *w_val, int w_len) {
  const struct sockopt_row *row;
  int err, v;
  uint32_t u;

  if ((err = find_row(w_level, w_name, SET, &row)) != 0)
    return err;
  if (w_val == NULL || w_len < w_size(row->kind))
    return SYS_WSAEFAULT;
  if ((err = check_stream(fd, row)) != 0)
    return err;
  memcpy(&v, w_val, 4); /* every kind starts with 4 bytes */
  memcpy(&u, w_val, 4);

  switch (row->kind) {
  case K_BOOL:
    v = v != 0;
    return posix_set(fd, row->level, row->name, &v, sizeof v);
  case K_REUSE:
    v = v != 0;
    if ((err = posix_set(fd, row->level, row->name, &v, sizeof v)) != 0)
      return err;
#ifdef SO_REUSEPORT
    if ((err = posix_set(fd, SOL_SOCKET, SO_REUSEPORT, &v, sizeof v)) != 0 && v) {
      int off = 0;
      (void)posix_set(fd, row->level, row->name, &off, sizeof off);
      return err;
    }
#endif
    return 0;
  case K_INT:
  case K_BUFSIZE:
    return posix_set(fd, row->level, row->name, &v, sizeof v);
  case K_TIMEO: {
    struct timeval tv = {.tv_sec = u / 1000u, .tv_usec = (u % 1000u) * 1000};
    return posix_set(fd, row->level, row->name, &tv, sizeof tv);
  }
  case K_LINGER: {
    uint16_t w[2];
    struct linger lg;
    memcpy(w, w_val, 4);
    lg.l_onoff = w[0] != 0;
    lg.l_linger = w[1];
    return posix_set(fd, row->level, row->name, &lg, sizeof lg);
  }
  case K_DONTLINGER: {
    struct linger lg;
    if ((err = posix_get(fd, row->level, row->name, &lg, sizeof lg)) != 0)
      return err;
    lg.l_onoff = v == 0; /* SO_DONTLINGER FALSE: linger with the kept time */
    return posix_set(fd, row->level, row->name, &lg, sizeof lg);
  }
  case K_MREQ: {
    struct ip_mreq m;
    memcpy(&m.imr_multiaddr, w_val, 4);
    memcpy(&m.imr_interface, (const char *)w_val + 4, 4);
    return posix_set(fd, row->level, row->name, &m, sizeof m);
  }
  case K_MREQ6: {
    struct ipv6_mreq m;
    uint32_t ifindex;
    memcpy(&m.ipv6mr_multiaddr, w_val, 16);
    memcpy(&ifindex, (const char *)w_val + 16, 4);
    m.ipv6mr_interface = ifindex;
    return posix_set(fd, row->level, row->name, &m, sizeof m);
  }
  case K_MCAST_IF: {
    /* Windows: an address in 0.0.0.0/8 (other than 0) names an interface
     * index, in network byte order. */
    uint32_t host = ntohl(u);
    if (host != 0 && host < 0x01000000u) {
      struct ip_mreqn mn;
      memset(&mn, 0, sizeof mn);
      mn.imr_ifindex = (int)host;
      return posix_set(fd, row->level, row->name, &mn, sizeof mn);
    } else {
      struct in_addr a;
      memcpy(&a, w_val, 4);
      return posix_set(fd, row->level, row->name, &a, sizeof a);
    }
  }
  case K_DONTFRAG4:
    v = v ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;
    return posix_set(fd, row->level, row->name, &v, sizeof v);
  case K_DONTFRAG6: {
    int type;
    if ((err = get_type(fd, &type)) != 0)
      return err;
    if (type == SOCK_STREAM) {
      v = v ? IPV6_PMTUDISC_DO : IPV6_PMTUDISC_DONT;
      return posix_set(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v, sizeof v);
    }
    v = v != 0;
    return posix_set(fd, row->level, row->name, &v, sizeof v);
  }
  case K_ERROR:
  case K_TYPE:
    break; /* get-only; find_row already refused */
  }
  return SYS_WSAENOPROTOOPT;
}
