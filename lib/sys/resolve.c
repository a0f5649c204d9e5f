/* resolve.c - name and service lookups for the dispatcher (see resolve.h).
 *
 * The POSIX calls are the thread-safe ones (getaddrinfo, getnameinfo,
 * getservbyname_r); their results are copied out in Windows layout and
 * Windows values: families (AF_INET6 10 -> 23), AI_ and NI_ flags, and
 * EAI_ codes -> the WSA numbers Windows' EAI_ constants stand for. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "resolve.h"
#include "systrace.h"

/* Winsock's name-service errors (winsock2.h, winerror.h). */
enum {
  W_WSA_NOT_ENOUGH_MEMORY = 8,
  W_WSATYPE_NOT_FOUND = 10109,
  W_WSAHOST_NOT_FOUND = 11001,
  W_WSATRY_AGAIN = 11002,
  W_WSANO_RECOVERY = 11003,
  W_WSANO_DATA = 11004
};

/* AI_ flags: Windows value, POSIX value.  Windows-only flags (AI_FQDN,
 * AI_SECURE, AI_DISABLE_IDN_ENCODING ...) have no POSIX meaning and are
 * dropped. */
static const struct { int w, posix; } ai_flags[] = {
  {0x0001, AI_PASSIVE},
  {0x0002, AI_CANONNAME},
  {0x0004, AI_NUMERICHOST},
  {0x0008, AI_NUMERICSERV},
  {0x0100, AI_ALL},
  {0x0400, AI_ADDRCONFIG},
  {0x0800, AI_V4MAPPED},
};

/* NI_ flags: Windows value, POSIX value. */
static const struct { int w, posix; } ni_flags[] = {
  {0x01, NI_NOFQDN},
  {0x02, NI_NUMERICHOST},
  {0x04, NI_NAMEREQD},
  {0x08, NI_NUMERICSERV},
  {0x10, NI_DGRAM},
};

/* EAI_ code -> WSA number (Windows' EAI_ constants are WSA numbers). */
static int eai_to_w(int eai) {
  switch (eai) {
  case 0: return 0;
  case EAI_BADFLAGS: return SYS_WSAEINVAL;
  case EAI_NONAME: return W_WSAHOST_NOT_FOUND;
  case EAI_AGAIN: return W_WSATRY_AGAIN;
  case EAI_FAIL: return W_WSANO_RECOVERY;
  case EAI_FAMILY: return SYS_WSAEAFNOSUPPORT;
  case EAI_SOCKTYPE: return SYS_WSAESOCKTNOSUPPORT;
  case EAI_SERVICE: return W_WSATYPE_NOT_FOUND;
  case EAI_MEMORY: return W_WSA_NOT_ENOUGH_MEMORY;
  case EAI_OVERFLOW: return SYS_WSAEFAULT;
#ifdef EAI_NODATA
  case EAI_NODATA: return W_WSANO_DATA;
#endif
#ifdef EAI_ADDRFAMILY
  /* A name with no address of the family asked for: Windows says the
   * host was not found (F293: "[beef::cafe]" with AF_INET). */
  case EAI_ADDRFAMILY: return W_WSAHOST_NOT_FOUND;
#endif
  case EAI_SYSTEM: return errno ? sys__wsa_error(errno) : W_WSANO_RECOVERY;
  default: return W_WSANO_RECOVERY;
  }
}

/* The error of a host lookup (gethostbyname), Windows' h_errno-like set. */
static int eai_to_host_error(int eai) {
  switch (eai) {
  case EAI_NONAME: return W_WSAHOST_NOT_FOUND;
  case EAI_AGAIN: return W_WSATRY_AGAIN;
#ifdef EAI_NODATA
  case EAI_NODATA: return W_WSANO_DATA;
#endif
#ifdef EAI_ADDRFAMILY
  case EAI_ADDRFAMILY: return W_WSANO_DATA;
#endif
  case EAI_MEMORY: return W_WSA_NOT_ENOUGH_MEMORY;
  default: return W_WSANO_RECOVERY;
  }
}

/* --- getaddrinfo ---------------------------------------------------------- */

void sys__freeaddrinfo(sys_addrinfo_t *res) {
  while (res) {
    sys_addrinfo_t *next = res->next;
    free(res);
    res = next;
  }
}

/* Is this address already in the list?  (POSIX gives one result per socket
 * type; Windows one per address.) */
static int seen(const sys_addrinfo_t *list, const void *w_addr, size_t len) {
  for (; list; list = list->next)
    if (list->addrlen == len && memcmp(list->w_addr, w_addr, len) == 0)
      return 1;
  return 0;
}

int sys__getaddrinfo(const char *node, const char *service,
                     const sys_addrinfo_t *w_hints, sys_addrinfo_t **res) {
  struct addrinfo hints, *ai = NULL;
  int w_flags = 0, w_family = 0, w_socktype = 0, w_protocol = 0, err;
  *res = NULL;
  if (w_hints) {
    w_flags = w_hints->w_flags;
    w_family = w_hints->w_family;
    w_socktype = w_hints->w_socktype;
    w_protocol = w_hints->w_protocol;
  }
  memset(&hints, 0, sizeof hints);
  for (size_t i = 0; i < sizeof ai_flags / sizeof ai_flags[0]; i++)
    if (w_flags & ai_flags[i].w)
      hints.ai_flags |= ai_flags[i].posix;
  if ((err = sys__af_to_posix(w_family, &hints.ai_family)) != 0 ||
      hints.ai_family == AF_UNIX)
    return SYS_WSAEAFNOSUPPORT;
  if (w_socktype && sys__type_to_posix(w_socktype, &hints.ai_socktype) != 0)
    return SYS_WSAESOCKTNOSUPPORT; /* F294: ai_socktype 999 */
  /* The protocol is not given to POSIX, which would refuse mismatches that
   * Windows accepts and echoes (F294); it only picks the socket type when
   * none is given, so that a service is looked up for it. */
  if (!w_socktype && w_protocol == SYS_W_IPPROTO_TCP)
    hints.ai_socktype = SOCK_STREAM;
  else if (!w_socktype && w_protocol == SYS_W_IPPROTO_UDP)
    hints.ai_socktype = SOCK_DGRAM;

  errno = 0;
  int eai = getaddrinfo(node, service, &hints, &ai);
  SYS_TRACE_CODE(eai, eai ? sys__trace_eai(eai) : NULL, eai_to_w(eai), eai ? NULL : sys__trace_addrinfo(ai),
                 "getaddrinfo(%s, %s, %s)", sys__trace_str(node), sys__trace_str(service), sys__trace_hints(&hints));
  if (eai != 0)
    return eai_to_w(eai);

  sys_addrinfo_t *head = NULL, **tail = &head;
  for (struct addrinfo *p = ai; p; p = p->ai_next) {
    unsigned char w_addr[SYS_W_SOCKADDR_MAX];
    int w_len = sizeof w_addr;
    struct sockaddr_storage ss;
    if (p->ai_addrlen > sizeof ss)
      continue;
    memset(&ss, 0, sizeof ss);
    memcpy(&ss, p->ai_addr, p->ai_addrlen);
    if (sys__addr_to_w(&ss, p->ai_addrlen, w_addr, &w_len) != 0)
      continue;
    const char *canon = head ? NULL : p->ai_canonname;
    if (seen(head, w_addr, (size_t)w_len) && !canon)
      continue;
    size_t canon_len = canon ? strlen(canon) + 1 : 0;
    sys_addrinfo_t *e = malloc(sizeof *e + (size_t)w_len + canon_len);
    if (!e) {
      freeaddrinfo(ai);
      sys__freeaddrinfo(head);
      return W_WSA_NOT_ENOUGH_MEMORY;
    }
    memset(e, 0, sizeof *e);
    e->w_flags = w_flags;
    sys__af_to_w(p->ai_family, &e->w_family);
    e->w_socktype = w_socktype;
    e->w_protocol = w_protocol;
    e->addrlen = (size_t)w_len;
    e->w_addr = e + 1;
    memcpy(e->w_addr, w_addr, (size_t)w_len);
    if (canon) {
      e->canonname = (char *)e->w_addr + w_len;
      memcpy(e->canonname, canon, canon_len);
    }
    *tail = e;
    tail = &e->next;
  }
  freeaddrinfo(ai);
  if (!head)
    return W_WSAHOST_NOT_FOUND;
  *res = head;
  return 0;
}

/* --- getnameinfo ---------------------------------------------------------- */

int sys__getnameinfo(const void *w_addr, int w_len, char *host,
                     size_t hostlen, char *serv, size_t servlen, int w_flags) {
  struct sockaddr_storage ss;
  socklen_t len;
  int flags = 0, err;
  if (!w_addr)
    return SYS_WSAEFAULT;
  if ((err = sys__addr_to_posix(w_addr, w_len, &ss, &len)) != 0)
    return err;
  if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
    return SYS_WSAEAFNOSUPPORT;
  for (size_t i = 0; i < sizeof ni_flags / sizeof ni_flags[0]; i++)
    if (w_flags & ni_flags[i].w)
      flags |= ni_flags[i].posix;
  errno = 0;
  int eai = getnameinfo((struct sockaddr *)&ss, len, hostlen ? host : NULL,
                        (socklen_t)hostlen, servlen ? serv : NULL,
                        (socklen_t)servlen, flags);
  SYS_TRACE_CODE(eai, eai ? sys__trace_eai(eai) : NULL, eai_to_w(eai), NULL,
                 "getnameinfo(%s, %u, %s, %zu, %s, %zu, %#x)", sys__trace_sockaddr((struct sockaddr *)&ss, len),
                 (unsigned)len, sys__trace_str(eai == 0 && hostlen ? host : NULL), hostlen,
                 sys__trace_str(eai == 0 && servlen ? serv : NULL), servlen, (unsigned)flags);
  return eai_to_w(eai);
}

int sys__gethostname(char *buf, size_t len) {
  int r = gethostname(buf, len);
  SYS_TRACE(r, "gethostname(%s, %zu)", sys__trace_str(r == 0 ? buf : NULL), len);
  if (r != 0)
    return errno == ENAMETOOLONG ? SYS_WSAEFAULT : sys__wsa_error(errno);
  buf[len - 1] = 0;
  return 0;
}

/* --- hostent / servent into the caller's buffer -------------------------- */

struct arena {
  char *p;
  size_t left;
};

static void *take(struct arena *a, size_t n, size_t align) {
  size_t pad = (align - ((uintptr_t)a->p & (align - 1))) & (align - 1);
  if (pad + n > a->left)
    return NULL;
  void *r = a->p + pad;
  a->p += pad + n;
  a->left -= pad + n;
  return r;
}

static char *take_str(struct arena *a, const char *s) {
  size_t n = strlen(s) + 1;
  char *r = take(a, n, 1);
  if (r)
    memcpy(r, s, n);
  return r;
}

/* A NULL-terminated copy of a string list (as much as fits). */
static char **take_list(struct arena *a, char *const *list) {
  size_t n = 0;
  while (list && list[n])
    n++;
  char **r = take(a, (n + 1) * sizeof *r, sizeof(char *));
  if (!r)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if ((r[k] = take_str(a, list[i])) != NULL)
      k++;
  r[k] = NULL;
  return r;
}

#define MAX_HOST_ADDRS 35 /* what Windows' hostent buffer holds */

int sys__gethostbyname(const char *name, sys_hostent_t *h, void *buf,
                       size_t buflen) {
  struct addrinfo hints, *ai = NULL;
  struct arena a = {buf, buflen};
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET; /* gethostbyname is IPv4 only */
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_CANONNAME;
  int eai = getaddrinfo(name, NULL, &hints, &ai);
  SYS_TRACE_CODE(eai, eai ? sys__trace_eai(eai) : NULL, eai_to_host_error(eai), eai ? NULL : sys__trace_addrinfo(ai),
                 "getaddrinfo(%s, NULL, %s)", sys__trace_str(name), sys__trace_hints(&hints));
  if (eai != 0)
    return eai_to_host_error(eai);

  const char *canon = ai->ai_canonname ? ai->ai_canonname : name;
  char *addrs[MAX_HOST_ADDRS + 1];
  size_t n = 0;
  for (struct addrinfo *p = ai; p && n < MAX_HOST_ADDRS; p = p->ai_next) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)p->ai_addr;
    int dup = 0;
    for (size_t i = 0; i < n; i++)
      dup |= memcmp(addrs[i], &in->sin_addr, 4) == 0;
    if (!dup)
      addrs[n++] = (char *)&in->sin_addr;
  }
  int err = 0;
  char **list = take(&a, (n + 1) * sizeof *list, sizeof(char *));
  char *none = NULL;
  h->name = take_str(&a, canon);
  h->aliases = take_list(&a, &none);
  if (!list || !h->name || !h->aliases) {
    err = W_WSA_NOT_ENOUGH_MEMORY;
  } else {
    for (size_t i = 0; i < n; i++) {
      if (!(list[i] = take(&a, 4, 4))) {
        err = W_WSA_NOT_ENOUGH_MEMORY;
        break;
      }
      memcpy(list[i], addrs[i], 4);
    }
    list[n] = NULL;
  }
  freeaddrinfo(ai);
  if (err)
    return err;
  h->w_family = SYS_W_AF_INET;
  h->addr_len = 4;
  h->addrs = list;
  return 0;
}

int sys__gethostbyaddr(const void *addr, int len, int w_family,
                       sys_hostent_t *h, void *buf, size_t buflen) {
  struct sockaddr_storage ss;
  socklen_t sslen;
  struct arena a = {buf, buflen};
  int alen;
  memset(&ss, 0, sizeof ss);
  if (w_family == SYS_W_AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    if (len < 4)
      return SYS_WSAEFAULT;
    in->sin_family = AF_INET;
    memcpy(&in->sin_addr, addr, 4);
    sslen = sizeof *in;
    alen = 4;
  } else if (w_family == SYS_W_AF_INET6) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (len < 16)
      return SYS_WSAEFAULT;
    in6->sin6_family = AF_INET6;
    memcpy(&in6->sin6_addr, addr, 16);
    sslen = sizeof *in6;
    alen = 16;
  } else {
    return SYS_WSAEAFNOSUPPORT;
  }
  char host[NI_MAXHOST];
  int eai = getnameinfo((struct sockaddr *)&ss, sslen, host, sizeof host,
                        NULL, 0, NI_NAMEREQD);
  SYS_TRACE_CODE(eai, eai ? sys__trace_eai(eai) : NULL, eai ? eai_to_host_error(eai) : 0, NULL,
                 "getnameinfo(%s, %u, %s, %zu, NULL, 0, NI_NAMEREQD)",
                 sys__trace_sockaddr((struct sockaddr *)&ss, sslen), (unsigned)sslen,
                 sys__trace_str(eai == 0 ? host : NULL), sizeof host);
  if (eai != 0)
    return eai_to_host_error(eai);
  char *none = NULL;
  char **list = take(&a, 2 * sizeof *list, sizeof(char *));
  h->name = take_str(&a, host);
  h->aliases = take_list(&a, &none);
  if (!list || !h->name || !h->aliases || !(list[0] = take(&a, (size_t)alen, 4)))
    return W_WSA_NOT_ENOUGH_MEMORY;
  memcpy(list[0], addr, (size_t)alen);
  list[1] = NULL;
  h->w_family = w_family;
  h->addr_len = alen;
  h->addrs = list;
  return 0;
}

static int copy_servent(const struct servent *se, sys_servent_t *s,
                        struct arena *a) {
  s->name = take_str(a, se->s_name);
  s->aliases = take_list(a, se->s_aliases);
  s->proto = take_str(a, se->s_proto);
  if (!s->name || !s->aliases || !s->proto)
    return W_WSA_NOT_ENOUGH_MEMORY;
  s->port = se->s_port & 0xffff; /* already network order */
  return 0;
}

int sys__getservbyname(const char *name, const char *proto,
                       sys_servent_t *s, void *buf, size_t buflen) {
  struct servent se, *r = NULL;
  char tmp[4096];
  struct arena a = {buf, buflen};
  int e = getservbyname_r(name, proto, &se, tmp, sizeof tmp, &r);
  SYS_TRACE_CODE(e, r ? NULL : e ? strerrorname_np(e) : "no entry", r ? 0 : W_WSANO_DATA,
                 r ? sys__trace_text("({s_port=%u})", ntohs((uint16_t)r->s_port)) : NULL,
                 "getservbyname_r(%s, %s)", sys__trace_str(name), sys__trace_str(proto));
  if (e != 0 || !r)
    return W_WSANO_DATA;
  return copy_servent(r, s, &a);
}

int sys__getservbyport(int port_net, const char *proto, sys_servent_t *s,
                       void *buf, size_t buflen) {
  struct servent se, *r = NULL;
  char tmp[4096];
  struct arena a = {buf, buflen};
  int e = getservbyport_r(port_net, proto, &se, tmp, sizeof tmp, &r);
  SYS_TRACE_CODE(e, r ? NULL : e ? strerrorname_np(e) : "no entry", r ? 0 : W_WSANO_DATA,
                 r ? sys__trace_text("({s_name=%s})", sys__trace_str(r->s_name)) : NULL,
                 "getservbyport_r(htons(%u), %s)", ntohs((uint16_t)port_net), sys__trace_str(proto));
  if (e != 0 || !r)
    return W_WSANO_DATA;
  return copy_servent(r, s, &a);
}
