/* resolve.h - the seam's name and service lookups, in neutral C types.
 *
 * Like sys.h, it includes neither world's headers: the dispatcher's
 * resolve.c (Windows world) calls it.  Values are Windows values (AF_INET6
 * 23, AI_/NI_ flags of ws2def.h), addresses are Windows-layout sockaddrs
 * (sockaddr_in6: family 23, 28 bytes), and every function returns 0 or a
 * Winsock error number: WSAHOST_NOT_FOUND 11001, WSATRY_AGAIN 11002,
 * WSANO_RECOVERY 11003, WSANO_DATA 11004, WSATYPE_NOT_FOUND 10109,
 * WSAEAFNOSUPPORT, WSAESOCKTNOSUPPORT, WSAEINVAL, WSAEFAULT,
 * WSA_NOT_ENOUGH_MEMORY 8.  Lookups use the system's resolver (files, then
 * whatever nsswitch.conf names).
 */
#ifndef WS2POSIX_SYS_RESOLVE_H
#define WS2POSIX_SYS_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One getaddrinfo result, laid out as Windows' ADDRINFOA (ai_addrlen
 * before ai_canonname before ai_addr), so the dispatcher hands the chain
 * out as it is.  Each element is one allocation holding its address and
 * canonical name; sys__freeaddrinfo frees the chain. */
typedef struct sys_addrinfo {
  int w_flags;
  int w_family;
  int w_socktype;
  int w_protocol;
  size_t addrlen;
  char *canonname;
  void *w_addr;
  struct sys_addrinfo *next;
} sys_addrinfo_t;

/* getaddrinfo with Windows hints (w_hints may be NULL).  The results echo
 * the hints' socket type and protocol, one element per address, as
 * Windows gives them. */
int sys__getaddrinfo(const char *node, const char *service,
                     const sys_addrinfo_t *w_hints, sys_addrinfo_t **res);
void sys__freeaddrinfo(sys_addrinfo_t *res);

/* getnameinfo of a Windows sockaddr with NI_ flags (Windows values).
 * host or serv may be NULL (length 0).  Too small a buffer: WSAEFAULT. */
int sys__getnameinfo(const void *w_addr, int w_len, char *host,
                     size_t hostlen, char *serv, size_t servlen, int w_flags);

/* The host's name, NUL-terminated, into buf (len bytes; 256 is enough). */
int sys__gethostname(char *buf, size_t len);

/* Host, service results: pointers into the caller's buffer. */
typedef struct sys_hostent {
  char *name;
  char **aliases;  /* NULL-terminated */
  int w_family;
  int addr_len;
  char **addrs;    /* NULL-terminated, network order */
} sys_hostent_t;

typedef struct sys_servent {
  char *name;
  char **aliases;  /* NULL-terminated */
  char *proto;
  int port;        /* network order, in the low 16 bits */
} sys_servent_t;

/* IPv4 addresses of a name (gethostbyname): WSAHOST_NOT_FOUND,
 * WSANO_DATA (the name has no IPv4 address), WSATRY_AGAIN ... */
int sys__gethostbyname(const char *name, sys_hostent_t *h, void *buf,
                       size_t buflen);
/* The name of an address (w_family AF_INET 2 with 4 bytes, AF_INET6 23 with
 * 16 bytes). */
int sys__gethostbyaddr(const void *addr, int len, int w_family,
                       sys_hostent_t *h, void *buf, size_t buflen);
/* proto may be NULL (any).  Unknown service: WSANO_DATA. */
int sys__getservbyname(const char *name, const char *proto,
                       sys_servent_t *s, void *buf, size_t buflen);
int sys__getservbyport(int port_net, const char *proto, sys_servent_t *s,
                       void *buf, size_t buflen);

#ifdef __cplusplus
}
#endif

#endif /* WS2POSIX_SYS_RESOLVE_H */
