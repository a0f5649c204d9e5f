/* ifaces.c - the host's interface addresses, the route a datagram would
 * take, and the kernel's word when an address comes or goes (netlink), for
 * WSAIoctl's SIO_GET_INTERFACE_LIST, SIO_ADDRESS_LIST_QUERY,
 * SIO_ROUTING_INTERFACE_QUERY (provider/ifaces.c) and
 * SIO_ADDRESS_LIST_CHANGE (provider/addrchange.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "sys.h"
#include "systrace.h"

/* Windows' IFF_ bits (ws2ipdef.h). */
#define W_IFF_UP 0x1
#define W_IFF_BROADCAST 0x2
#define W_IFF_LOOPBACK 0x4
#define W_IFF_POINTTOPOINT 0x8
#define W_IFF_MULTICAST 0x10

static void put_addr(const struct sockaddr *sa, unsigned char *w, int *w_len) {
  struct sockaddr_storage ss;
  int len = SYS_W_IFADDR_MAX;
  memset(w, 0, SYS_W_IFADDR_MAX);
  if (sa == NULL || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
    return;
  memset(&ss, 0, sizeof ss);
  memcpy(&ss, sa, sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
  if (sys__addr_to_w(&ss, sizeof ss, w, &len) == 0 && w_len != NULL)
    *w_len = len;
}

int sys__if_addrs(int w_af, sys_ifaddr_t **list, size_t *count) {
  struct ifaddrs *all, *i;
  int af;
  size_t n = 0;

  *list = NULL;
  *count = 0;
  if (sys__af_to_posix(w_af, &af) != 0 || (af != AF_INET && af != AF_INET6))
    return SYS_WSAEAFNOSUPPORT;
  if (getifaddrs(&all) != 0) {
    int e = errno;
    SYS_TRACE(-1, "getifaddrs()");
    return sys__wsa_error(e);
  }
  SYS_TRACE(0, "getifaddrs()");
  for (i = all; i != NULL; i = i->ifa_next)
    if (i->ifa_addr != NULL && i->ifa_addr->sa_family == af && (i->ifa_flags & IFF_UP))
      n++;
  sys_ifaddr_t *out = n ? calloc(n, sizeof *out) : NULL;
  if (n && out == NULL) {
    freeifaddrs(all);
    return SYS_WSAENOBUFS;
  }
  n = 0;
  for (i = all; i != NULL; i = i->ifa_next) {
    if (i->ifa_addr == NULL || i->ifa_addr->sa_family != af || !(i->ifa_flags & IFF_UP))
      continue;
    sys_ifaddr_t *e = &out[n++];
    put_addr(i->ifa_addr, e->addr, &e->addr_len);
    put_addr(i->ifa_netmask, e->netmask, NULL);
    if (i->ifa_flags & IFF_BROADCAST)
      put_addr(i->ifa_broadaddr, e->broadcast, NULL);
    e->w_flags = W_IFF_UP | (i->ifa_flags & IFF_BROADCAST ? W_IFF_BROADCAST : 0) |
                 (i->ifa_flags & IFF_LOOPBACK ? W_IFF_LOOPBACK : 0) |
                 (i->ifa_flags & IFF_POINTOPOINT ? W_IFF_POINTTOPOINT : 0) |
                 (i->ifa_flags & IFF_MULTICAST ? W_IFF_MULTICAST : 0);
  }
  freeifaddrs(all);
  *list = out;
  *count = n;
  return 0;
}

int sys__route_source(const void *w_dest, int w_len, void *w_src, int *w_src_len) {
  struct sockaddr_storage ss, local;
  socklen_t len, llen = sizeof local;
  int err, fd, r;

  if ((err = sys__addr_to_posix(w_dest, w_len, &ss, &len)) != 0)
    return err;
  if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
    return SYS_WSAEAFNOSUPPORT;
  /* The route does not depend on the port; connect(2) wants one. */
  if (ss.ss_family == AF_INET)
    ((struct sockaddr_in *)&ss)->sin_port = htons(9);
  else
    ((struct sockaddr_in6 *)&ss)->sin6_port = htons(9);
  fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  SYS_TRACE(fd, "socket(%d, SOCK_DGRAM|SOCK_CLOEXEC, 0)", ss.ss_family);
  if (fd < 0)
    return sys__wsa_error(errno);
  r = connect(fd, (struct sockaddr *)&ss, len);
  SYS_TRACE(r, "connect(%d, ...)", fd);
  if (r == 0) {
    r = getsockname(fd, (struct sockaddr *)&local, &llen);
    SYS_TRACE(r, "getsockname(%d, ...)", fd);
  }
  err = r != 0 ? sys__wsa_error(errno) : 0;
  r = close(fd);
  SYS_TRACE(r, "close(%d)", fd);
  if (err)
    return err; /* no route: WSAENETUNREACH */
  if (local.ss_family == AF_INET)
    ((struct sockaddr_in *)&local)->sin_port = 0;
  else
    ((struct sockaddr_in6 *)&local)->sin6_port = 0;
  return sys__addr_to_w(&local, llen, w_src, w_src_len);
}

int sys__addr_watch_open(int *fd_out) {
  struct sockaddr_nl nl;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  SYS_TRACE(fd, "socket(AF_NETLINK, SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC, NETLINK_ROUTE)");
  if (fd < 0)
    return sys__wsa_error(errno);
  memset(&nl, 0, sizeof nl);
  nl.nl_family = AF_NETLINK;
  nl.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  int r = bind(fd, (struct sockaddr *)&nl, sizeof nl);
  SYS_TRACE(r, "bind(%d, RTMGRP_IPV4_IFADDR|RTMGRP_IPV6_IFADDR)", fd);
  if (r != 0) {
    int err = sys__wsa_error(errno);
    close(fd);
    return err;
  }
  *fd_out = fd;
  return 0;
}

int sys__addr_watch_read(int fd, int *changes) {
  char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
  *changes = 0;
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return 0;
      if (errno == ENOBUFS) { /* messages were lost: something changed */
        *changes |= SYS_ADDR_CHANGED_V4 | SYS_ADDR_CHANGED_V6;
        continue;
      }
      return sys__wsa_error(errno);
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR)
        continue;
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
        continue;
      const struct ifaddrmsg *m = NLMSG_DATA(h);
      *changes |= m->ifa_family == AF_INET6 ? SYS_ADDR_CHANGED_V6 : SYS_ADDR_CHANGED_V4;
    }
  }
}
