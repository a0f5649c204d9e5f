/* values.c - Windows <-> POSIX values: families, types, message flags,
 * shutdown codes, WSAPoll bits and sockaddr structures.  One table each. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct pair {
  int w;
  int posix;
};

/* --- address families ------------------------------------------------- */

static const struct pair af_table[] = {
  {SYS_W_AF_UNSPEC, AF_UNSPEC},
  {SYS_W_AF_UNIX, AF_UNIX},
  {SYS_W_AF_INET, AF_INET},
  {SYS_W_AF_INET6, AF_INET6},
};

int sys__af_to_posix(int w_af, int *af) {
  for (size_t i = 0; i < COUNT(af_table); i++)
    if (af_table[i].w == w_af) {
      *af = af_table[i].posix;
      return 0;
    }
  return SYS_WSAEAFNOSUPPORT;
}

int sys__af_to_w(int af, int *w_af) {
  for (size_t i = 0; i < COUNT(af_table); i++)
    if (af_table[i].posix == af) {
      *w_af = af_table[i].w;
      return 0;
    }
  return SYS_WSAEAFNOSUPPORT;
}

/* --- socket types ---------------------------------------------------------- */

static const struct pair type_table[] = {
  {SYS_W_SOCK_STREAM, SOCK_STREAM},
  {SYS_W_SOCK_DGRAM, SOCK_DGRAM},
  {SYS_W_SOCK_RAW, SOCK_RAW},
  {SYS_W_SOCK_RDM, SOCK_RDM},
  {SYS_W_SOCK_SEQPACKET, SOCK_SEQPACKET},
};

int sys__type_to_posix(int w_type, int *type) {
  for (size_t i = 0; i < COUNT(type_table); i++)
    if (type_table[i].w == w_type) {
      *type = type_table[i].posix;
      return 0;
    }
  return SYS_WSAESOCKTNOSUPPORT;
}

int sys__type_to_w(int type, int *w_type) {
  for (size_t i = 0; i < COUNT(type_table); i++)
    if (type_table[i].posix == type) {
      *w_type = type_table[i].w;
      return 0;
    }
  return SYS_WSAESOCKTNOSUPPORT;
}

/* --- message flags ------------------------------------------------------------ */

#define F_SEND 1
#define F_RECV 2

static const struct {
  int w;
  int posix; /* 0: accepted, no POSIX counterpart */
  int dirs;
} msg_flag_table[] = {
  {SYS_W_MSG_OOB, MSG_OOB, F_SEND | F_RECV},
  {SYS_W_MSG_PEEK, MSG_PEEK, F_RECV},
  {SYS_W_MSG_DONTROUTE, MSG_DONTROUTE, F_SEND},
  {SYS_W_MSG_WAITALL, MSG_WAITALL, F_RECV},
  {SYS_W_MSG_PUSH_IMMEDIATE, 0, F_RECV},
};

int sys__msg_flags_to_posix(int w_flags, int sending, int *flags) {
  int dir = sending ? F_SEND : F_RECV;
  int out = 0;
  for (size_t i = 0; i < COUNT(msg_flag_table); i++)
    if ((w_flags & msg_flag_table[i].w) && (msg_flag_table[i].dirs & dir)) {
      out |= msg_flag_table[i].posix;
      w_flags &= ~msg_flag_table[i].w;
    }
  if (w_flags != 0)
    return SYS_WSAEOPNOTSUPP;
  *flags = out;
  return 0;
}

/* Flags the system reports back from recvmsg. */
static const struct pair msg_out_table[] = {
  {SYS_W_MSG_OOB, MSG_OOB},
  {SYS_W_MSG_TRUNC, MSG_TRUNC},
  {SYS_W_MSG_CTRUNC, MSG_CTRUNC},
};

int sys__msg_flags_to_w(int flags) {
  int out = 0;
  for (size_t i = 0; i < COUNT(msg_out_table); i++)
    if (flags & msg_out_table[i].posix)
      out |= msg_out_table[i].w;
  return out;
}

/* --- shutdown ---------------------------------------------------------------------- */

static const struct pair how_table[] = {
  {SYS_W_SD_RECEIVE, SHUT_RD},
  {SYS_W_SD_SEND, SHUT_WR},
  {SYS_W_SD_BOTH, SHUT_RDWR},
};

int sys__how_to_posix(int w_how, int *how) {
  for (size_t i = 0; i < COUNT(how_table); i++)
    if (how_table[i].w == w_how) {
      *how = how_table[i].posix;
      return 0;
    }
  return SYS_WSAEINVAL;
}

/* --- sockaddr ------------------------------------------------------------------------------
 *
 * Windows and Linux x86-64 share the layouts: a 16-bit family first (no
 * sa_len), sockaddr_in 16 bytes, sockaddr_in6 28 bytes (family, port,
 * flowinfo, addr, scope_id), sockaddr_un 110 bytes (family, 108 of path).
 * Only the family value differs (AF_INET6 23 vs 10).  The code still copies
 * field by field so that it stays right on a system whose layout differs. */

static uint16_t get_u16(const void *p, size_t off) {
  uint16_t v;
  memcpy(&v, (const char *)p + off, sizeof v);
  return v;
}

static void put_u16(void *p, size_t off, uint16_t v) {
  memcpy((char *)p + off, &v, sizeof v);
}

/* Offsets inside the Windows structures. */
enum {
  W_FAMILY = 0,
  W_IN_PORT = 2,
  W_IN_ADDR = 4,
  W_IN6_PORT = 2,
  W_IN6_FLOWINFO = 4,
  W_IN6_ADDR = 8,
  W_IN6_SCOPE = 24,
  W_UN_PATH = 2
};

int sys__w_addr_size(int af) {
  switch (af) {
  case AF_INET: return SYS_W_SOCKADDR_IN_SIZE;
  case AF_INET6: return SYS_W_SOCKADDR_IN6_SIZE;
  case AF_UNIX: return SYS_W_SOCKADDR_UN_SIZE;
  default: return 0;
  }
}

static int addr_to_posix(const void *w_addr, int w_len,
                         struct sockaddr_storage *ss, socklen_t *len);

/* Writes *ss and *len only on success. */
int sys__addr_to_posix(const void *w_addr, int w_len,
                       struct sockaddr_storage *ss, socklen_t *len) {
  struct sockaddr_storage tmp;
  socklen_t tmp_len = 0;
  int err = addr_to_posix(w_addr, w_len, &tmp, &tmp_len);
  if (err == 0) {
    *ss = tmp;
    *len = tmp_len;
  }
  return err;
}

static int addr_to_posix(const void *w_addr, int w_len,
                         struct sockaddr_storage *ss, socklen_t *len) {
  int af, err;

  if (w_addr == NULL || w_len < 2)
    return SYS_WSAEFAULT;
  if ((err = sys__af_to_posix(get_u16(w_addr, W_FAMILY), &af)) != 0)
    return err;
  memset(ss, 0, sizeof *ss);

  switch (af) {
  case AF_UNSPEC:
    ss->ss_family = AF_UNSPEC;
    *len = sizeof(sa_family_t);
    return 0;

  case AF_INET: {
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    if (w_len < SYS_W_SOCKADDR_IN_SIZE)
      return SYS_WSAEFAULT;
    in->sin_family = AF_INET;
    memcpy(&in->sin_port, (const char *)w_addr + W_IN_PORT, 2);
    memcpy(&in->sin_addr, (const char *)w_addr + W_IN_ADDR, 4);
    *len = sizeof *in;
    return 0;
  }

  case AF_INET6: {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    /* Windows still takes the old 24-byte form without a scope id. */
    if (w_len < SYS_W_SOCKADDR_IN6_OLD_SIZE)
      return SYS_WSAEFAULT;
    in6->sin6_family = AF_INET6;
    memcpy(&in6->sin6_port, (const char *)w_addr + W_IN6_PORT, 2);
    memcpy(&in6->sin6_flowinfo, (const char *)w_addr + W_IN6_FLOWINFO, 4);
    memcpy(&in6->sin6_addr, (const char *)w_addr + W_IN6_ADDR, 16);
    if (w_len >= SYS_W_SOCKADDR_IN6_SIZE)
      memcpy(&in6->sin6_scope_id, (const char *)w_addr + W_IN6_SCOPE, 4);
    *len = sizeof *in6;
    return 0;
  }

  case AF_UNIX: {
    struct sockaddr_un *un = (struct sockaddr_un *)ss;
    size_t path_len = (size_t)w_len - W_UN_PATH;
    if (path_len > sizeof un->sun_path)
      path_len = sizeof un->sun_path;
    un->sun_family = AF_UNIX;
    memcpy(un->sun_path, (const char *)w_addr + W_UN_PATH, path_len);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_len);
    return 0;
  }
  }
  return SYS_WSAEAFNOSUPPORT;
}

int sys__addr_to_w(const struct sockaddr_storage *ss, socklen_t len,
                   void *w_addr, int *w_len) {
  int w_af, err, need;

  if (w_len == NULL || w_addr == NULL)
    return SYS_WSAEFAULT;
  if ((err = sys__af_to_w(ss->ss_family, &w_af)) != 0)
    return err;

  switch (ss->ss_family) {
  case AF_INET: {
    const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
    need = SYS_W_SOCKADDR_IN_SIZE;
    if (*w_len < need)
      return SYS_WSAEFAULT;
    memset(w_addr, 0, (size_t)need);
    put_u16(w_addr, W_FAMILY, (uint16_t)w_af);
    memcpy((char *)w_addr + W_IN_PORT, &in->sin_port, 2);
    memcpy((char *)w_addr + W_IN_ADDR, &in->sin_addr, 4);
    break;
  }
  case AF_INET6: {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
    need = SYS_W_SOCKADDR_IN6_SIZE;
    if (*w_len < need)
      return SYS_WSAEFAULT;
    memset(w_addr, 0, (size_t)need);
    put_u16(w_addr, W_FAMILY, (uint16_t)w_af);
    memcpy((char *)w_addr + W_IN6_PORT, &in6->sin6_port, 2);
    memcpy((char *)w_addr + W_IN6_FLOWINFO, &in6->sin6_flowinfo, 4);
    memcpy((char *)w_addr + W_IN6_ADDR, &in6->sin6_addr, 16);
    memcpy((char *)w_addr + W_IN6_SCOPE, &in6->sin6_scope_id, 4);
    break;
  }
  case AF_UNIX: {
    const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
    size_t path_len = 0;
    if (len > offsetof(struct sockaddr_un, sun_path))
      path_len = len - offsetof(struct sockaddr_un, sun_path);
    if (path_len > SYS_W_UNIX_PATH_MAX)
      path_len = SYS_W_UNIX_PATH_MAX;
    need = (int)(W_UN_PATH + path_len);
    if (*w_len < need)
      return SYS_WSAEFAULT;
    put_u16(w_addr, W_FAMILY, (uint16_t)w_af);
    memcpy((char *)w_addr + W_UN_PATH, un->sun_path, path_len);
    break;
  }
  default:
    return SYS_WSAEAFNOSUPPORT;
  }
  *w_len = need;
  return 0;
}
