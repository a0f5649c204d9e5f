/* cmsg.c - control messages of WSASendMsg / WSARecvMsg.
 *
 * Windows' WSACMSGHDR is { SIZE_T cmsg_len; INT cmsg_level; INT cmsg_type; }
 * with data at WSA_CMSGDATA_ALIGN(sizeof header) and records aligned like the
 * header (x64: 8 bytes).  The levels and types are Windows values and some
 * payloads differ (IN_PKTINFO is { addr; ifindex } where Linux' in_pktinfo
 * is { ifindex; spec_dst; addr }), so every record is translated. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cmsg.h"
#include "internal.h"
#include "systrace.h"

/* Windows record geometry (x64). */
#define W_ALIGN 8u
#define W_HDR_SIZE 16u /* sizeof(WSACMSGHDR) */
#define W_DATA_OFF 16u /* WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)) */
#define W_ALIGNED(n) (((n) + W_ALIGN - 1) & ~(size_t)(W_ALIGN - 1))

enum kind { K_COPY, K_PKTINFO4, K_INT };

static const struct {
  int w_level, w_type;
  int level, type;
  enum kind kind;
  size_t w_size; /* Windows payload size */
} cmsg_table[] = {
  {SYS_W_IPPROTO_IP, SYS_W_IP_PKTINFO, IPPROTO_IP, IP_PKTINFO, K_PKTINFO4,
   SYS_W_IN_PKTINFO_SIZE},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_PKTINFO, IPPROTO_IPV6, IPV6_PKTINFO, K_COPY,
   SYS_W_IN6_PKTINFO_SIZE},
  /* F258: the TTL comes as IP_TTL (Windows 10 1703 on; before, IP_HOPLIMIT,
   * the number of IP_RECVTTL), the TOS as IP_TOS, the traffic class as
   * IPV6_TCLASS; each an int (Linux gives the TOS as one byte). */
  {SYS_W_IPPROTO_IP, SYS_W_IP_TTL, IPPROTO_IP, IP_TTL, K_INT, sizeof(int)},
  {SYS_W_IPPROTO_IP, SYS_W_IP_TOS, IPPROTO_IP, IP_TOS, K_INT, sizeof(int)},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_HOPLIMIT, IPPROTO_IPV6, IPV6_HOPLIMIT, K_INT,
   sizeof(int)},
  {SYS_W_IPPROTO_IPV6, SYS_W_IPV6_TCLASS, IPPROTO_IPV6, IPV6_TCLASS, K_INT, sizeof(int)},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int sys__cmsg_to_posix(const void *w, size_t w_len, void *out, size_t *out_len) {
  const unsigned char *p = w;
  size_t off = 0, used = 0, room = *out_len;

  memset(out, 0, room);
  while (off + W_HDR_SIZE <= w_len) {
    uint64_t rec_len;
    int level, type;
    size_t i, data_len;
    const unsigned char *data;
    struct cmsghdr *c;

    memcpy(&rec_len, p + off, 8);
    memcpy(&level, p + off + 8, 4);
    memcpy(&type, p + off + 12, 4);
    if (rec_len < W_DATA_OFF || rec_len > w_len - off)
      return SYS_WSAEFAULT;
    data = p + off + W_DATA_OFF;
    data_len = (size_t)rec_len - W_DATA_OFF;

    for (i = 0; i < COUNT(cmsg_table); i++)
      if (cmsg_table[i].w_level == level && cmsg_table[i].w_type == type)
        break;
    if (i == COUNT(cmsg_table) || data_len < cmsg_table[i].w_size)
      return SYS_WSAEINVAL;

    size_t plen = cmsg_table[i].kind == K_PKTINFO4 ? sizeof(struct in_pktinfo)
                                                   : cmsg_table[i].w_size;
    if (used + CMSG_SPACE(plen) > room)
      return SYS_WSAENOBUFS;
    c = (struct cmsghdr *)((unsigned char *)out + used);
    c->cmsg_level = cmsg_table[i].level;
    c->cmsg_type = cmsg_table[i].type;
    c->cmsg_len = CMSG_LEN(plen);
    if (cmsg_table[i].kind == K_PKTINFO4) {
      struct in_pktinfo pi;
      uint32_t ifindex;
      memset(&pi, 0, sizeof pi);
      memcpy(&pi.ipi_spec_dst, data, 4); /* the source to send from */
      memcpy(&ifindex, data + 4, 4);
      pi.ipi_ifindex = (int)ifindex;
      memcpy(CMSG_DATA(c), &pi, sizeof pi);
    } else {
      memcpy(CMSG_DATA(c), data, plen);
    }
    used += CMSG_SPACE(plen);
    off += W_ALIGNED((size_t)rec_len);
  }
  *out_len = used;
  return 0;
}

static void close_passed_fds(struct cmsghdr *c) {
  if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t k = 0; k < n; k++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof fd);
      int r = close(fd); /* a descriptor a peer passed: Winsock has no use for it */
      SYS_TRACE(r, "close(%d)", fd);
    }
  }
}

int sys__cmsg_to_w(struct msghdr *msg, void *w, size_t *w_len, int *ctrunc) {
  unsigned char *p = w;
  size_t used = 0, room = *w_len;
  struct cmsghdr *c;

  *ctrunc = (msg->msg_flags & MSG_CTRUNC) != 0;
  if (msg->msg_controllen == 0) {
    *w_len = 0;
    return 0;
  }
  for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
    size_t i, rec_len, data_len = c->cmsg_len - CMSG_LEN(0);
    unsigned char payload[32];

    for (i = 0; i < COUNT(cmsg_table); i++)
      if (cmsg_table[i].level == c->cmsg_level && cmsg_table[i].type == c->cmsg_type)
        break;
    if (i == COUNT(cmsg_table)) {
      close_passed_fds(c);
      continue;
    }
    memset(payload, 0, sizeof payload);
    switch (cmsg_table[i].kind) {
    case K_PKTINFO4: {
      struct in_pktinfo pi;
      uint32_t ifindex;
      if (data_len < sizeof pi)
        continue;
      memcpy(&pi, CMSG_DATA(c), sizeof pi);
      ifindex = (uint32_t)pi.ipi_ifindex;
      memcpy(payload, &pi.ipi_addr, 4); /* the destination of the datagram */
      memcpy(payload + 4, &ifindex, 4);
      break;
    }
    case K_INT:
      if (data_len >= sizeof(int))
        memcpy(payload, CMSG_DATA(c), sizeof(int));
      else if (data_len >= 1) { /* some kernels give one byte */
        int v = *CMSG_DATA(c);
        memcpy(payload, &v, sizeof v);
      }
      break;
    case K_COPY:
      if (data_len < cmsg_table[i].w_size)
        continue;
      memcpy(payload, CMSG_DATA(c), cmsg_table[i].w_size);
      break;
    }

    rec_len = W_DATA_OFF + cmsg_table[i].w_size;
    if (used + rec_len > room) {
      *ctrunc = 1;
      break;
    }
    uint64_t len64 = rec_len;
    memset(p + used, 0, W_ALIGNED(rec_len) <= room - used ? W_ALIGNED(rec_len) : rec_len);
    memcpy(p + used, &len64, 8);
    memcpy(p + used + 8, &cmsg_table[i].w_level, 4);
    memcpy(p + used + 12, &cmsg_table[i].w_type, 4);
    memcpy(p + used + W_DATA_OFF, payload, cmsg_table[i].w_size);
    used += W_ALIGNED(rec_len);
    if (used > room)
      used = room;
  }
  /* Descriptors after a break still need closing. */
  if (*ctrunc && c != NULL)
    for (c = CMSG_NXTHDR(msg, c); c != NULL; c = CMSG_NXTHDR(msg, c))
      close_passed_fds(c);
  *w_len = used;
  return 0;
}
