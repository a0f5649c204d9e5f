/*
 * Name resolution: getaddrinfo / GetAddrInfoW, getnameinfo / GetNameInfoW,
 * gethostbyname, gethostbyaddr, gethostname / GetHostNameW, getservbyname,
 * getservbyport, getprotobyname, getprotobynumber, gai_strerror.
 *
 * The lookups themselves are the seam's (sys/resolve.h); this file keeps
 * Windows' rules around them: WSAStartup first, the WSA-valued EAI_ codes
 * returned and also left as the last error, the per-thread result
 * structures with Windows' layouts, and Windows' own protocol table.
 */
#include "ws2.h"
#include <ws2tcpip.h>

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "sys/resolve.h"

/* The seam's result is laid out as ADDRINFOA; the chain is handed out as
 * it is. */
_Static_assert(sizeof(sys_addrinfo_t) == sizeof(ADDRINFOA), "ADDRINFOA layout");
_Static_assert(offsetof(sys_addrinfo_t, addrlen) == offsetof(ADDRINFOA, ai_addrlen), "ai_addrlen");
_Static_assert(offsetof(sys_addrinfo_t, canonname) == offsetof(ADDRINFOA, ai_canonname), "ai_canonname");
_Static_assert(offsetof(sys_addrinfo_t, w_addr) == offsetof(ADDRINFOA, ai_addr), "ai_addr");
_Static_assert(offsetof(sys_addrinfo_t, next) == offsetof(ADDRINFOA, ai_next), "ai_next");

/* getaddrinfo and friends return the code and leave it as the last error,
 * 0 included (F292). */
static int gai_result(int code) {
    WSASetLastError(code);
    return code;
}

/* Windows' own readings of the node and service (F292, F293): "" is this
 * host (here: the loopback addresses, which POSIX gives for no node), an
 * empty service is port 0, and a bracketed IPv6 literal loses its brackets
 * (and whatever follows the closing one). */
static int call_seam(const char *node, const char *service, const sys_addrinfo_t *hints,
                     sys_addrinfo_t **res) {
    char inner[NI_MAXHOST];
    if (node && !*node) {
        node = NULL;
        if (!service)
            service = "0";
    }
    if (service && !*service)
        service = "0";
    if (node && node[0] == '[') {
        const char *close = strchr(node, ']');
        size_t n = close ? (size_t)(close - node - 1) : 0;
        if (close && n < sizeof inner) {
            memcpy(inner, node + 1, n);
            inner[n] = 0;
            node = inner;
        }
    }
    if (!node && !service)
        return WSAHOST_NOT_FOUND; /* F292 */
    return sys__getaddrinfo(node, service, hints, res);
}

INT WSAAPI getaddrinfo(PCSTR pNodeName, PCSTR pServiceName, const ADDRINFOA *pHints, PADDRINFOA *ppResult) {
    int err = ws2__enter();
    if (ppResult)
        *ppResult = NULL;
    if (err)
        return gai_result(err);
    if (!ppResult)
        return gai_result(WSAEINVAL);
    sys_addrinfo_t hints, *res = NULL;
    if (pHints) {
        memset(&hints, 0, sizeof hints);
        hints.w_flags = pHints->ai_flags;
        hints.w_family = pHints->ai_family;
        hints.w_socktype = pHints->ai_socktype;
        hints.w_protocol = pHints->ai_protocol;
    }
    err = call_seam(pNodeName, pServiceName, pHints ? &hints : NULL, &res);
    if (!err)
        *ppResult = (PADDRINFOA)(void *)res;
    return gai_result(err);
}

VOID WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo) { sys__freeaddrinfo((sys_addrinfo_t *)(void *)pAddrInfo); }

/* UTF-16 -> UTF-8 copy on the heap (NULL stays NULL); *fail on no memory. */
static char *narrow(const WCHAR *w, int *fail) {
    if (!w)
        return NULL;
    size_t n = 0;
    while (w[n])
        n++;
    char *a = malloc(n * 3 + 1);
    if (!a)
        *fail = 1;
    else
        ws2__w_to_a(w, a, n * 3 + 1);
    return a;
}

INT WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName, const ADDRINFOW *pHints, PADDRINFOW *ppResult) {
    int err = ws2__enter();
    if (ppResult)
        *ppResult = NULL;
    if (err)
        return gai_result(err);
    if (!ppResult)
        return gai_result(WSAEINVAL);
    int fail = 0;
    char *node = narrow(pNodeName, &fail), *service = narrow(pServiceName, &fail);
    sys_addrinfo_t hints, *res = NULL;
    if (pHints) {
        memset(&hints, 0, sizeof hints);
        hints.w_flags = pHints->ai_flags;
        hints.w_family = pHints->ai_family;
        hints.w_socktype = pHints->ai_socktype;
        hints.w_protocol = pHints->ai_protocol;
    }
    err = fail ? WSA_NOT_ENOUGH_MEMORY : call_seam(node, service, pHints ? &hints : NULL, &res);
    free(node);
    free(service);
    /* The W chain: one allocation per element, address and name inside. */
    PADDRINFOW head = NULL, *tail = &head;
    for (sys_addrinfo_t *p = res; p && !err; p = p->next) {
        size_t canon = p->canonname ? strlen(p->canonname) + 1 : 0;
        size_t addr_room = (p->addrlen + 1) & ~(size_t)1; /* the name is 2-aligned */
        PADDRINFOW e = malloc(sizeof *e + addr_room + canon * sizeof(WCHAR));
        if (!e) {
            err = WSA_NOT_ENOUGH_MEMORY;
            break;
        }
        memset(e, 0, sizeof *e);
        e->ai_flags = p->w_flags;
        e->ai_family = p->w_family;
        e->ai_socktype = p->w_socktype;
        e->ai_protocol = p->w_protocol;
        e->ai_addrlen = p->addrlen;
        e->ai_addr = (struct sockaddr *)(e + 1);
        memcpy(e->ai_addr, p->w_addr, p->addrlen);
        if (canon) {
            e->ai_canonname = (PWSTR)((char *)(e + 1) + addr_room);
            ws2__a_to_w(p->canonname, e->ai_canonname, canon);
        }
        *tail = e;
        tail = &e->ai_next;
    }
    sys__freeaddrinfo(res);
    if (err) {
        FreeAddrInfoW(head);
        return gai_result(err);
    }
    *ppResult = head;
    return gai_result(0);
}

VOID WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo) {
    while (pAddrInfo) {
        PADDRINFOW next = pAddrInfo->ai_next;
        free(pAddrInfo);
        pAddrInfo = next;
    }
}

INT WSAAPI getnameinfo(const SOCKADDR *pSockaddr, socklen_t SockaddrLength, PCHAR pNodeBuffer,
                       DWORD NodeBufferSize, PCHAR pServiceBuffer, DWORD ServiceBufferSize, INT Flags) {
    int err = ws2__enter();
    if (err)
        return gai_result(err);
    if (!pSockaddr || SockaddrLength < (socklen_t)sizeof(pSockaddr->sa_family))
        return gai_result(WSAEFAULT);
    err = sys__getnameinfo(pSockaddr, SockaddrLength, pNodeBuffer, pNodeBuffer ? NodeBufferSize : 0,
                           pServiceBuffer, pServiceBuffer ? ServiceBufferSize : 0, Flags);
    return gai_result(err);
}

INT WSAAPI GetNameInfoW(const SOCKADDR *pSockaddr, socklen_t SockaddrLength, PWCHAR pNodeBuffer,
                        DWORD NodeBufferSize, PWCHAR pServiceBuffer, DWORD ServiceBufferSize, INT Flags) {
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    int err = getnameinfo(pSockaddr, SockaddrLength, pNodeBuffer ? host : NULL,
                          pNodeBuffer ? (NodeBufferSize < sizeof host ? NodeBufferSize : sizeof host) : 0,
                          pServiceBuffer ? serv : NULL,
                          pServiceBuffer ? (ServiceBufferSize < sizeof serv ? ServiceBufferSize : sizeof serv) : 0,
                          Flags);
    if (err)
        return err;
    /* ASCII in practice; a UTF-8 name needs no more UTF-16 units than bytes,
     * so the size checked above also bounds the W text. */
    if (pNodeBuffer)
        ws2__a_to_w(host, pNodeBuffer, NodeBufferSize);
    if (pServiceBuffer)
        ws2__a_to_w(serv, pServiceBuffer, ServiceBufferSize);
    return 0;
}

/* ---- gai_strerror ------------------------------------------------------------ */

static const char *gai_text(int ecode) {
    switch (ecode) {
    case 0: return "The operation completed successfully.";
    case WSATRY_AGAIN: return "This is usually a temporary error during hostname resolution and means that the local server did not receive a response from an authoritative server.";
    case WSAEINVAL: return "An invalid argument was supplied.";
    case WSANO_RECOVERY: return "A non-recoverable error occurred during a database lookup.";
    case WSAEAFNOSUPPORT: return "An address incompatible with the requested protocol was used.";
    case WSA_NOT_ENOUGH_MEMORY: return "Not enough memory resources are available to process this command.";
    case WSAHOST_NOT_FOUND: return "No such host is known.";
    case WSATYPE_NOT_FOUND: return "The specified class was not found.";
    case WSAESOCKTNOSUPPORT: return "The support for the specified socket type does not exist in this address family.";
    case WSANO_DATA: return "The requested name is valid, but no data of the requested type was found.";
    default: return "Unknown error.";
    }
}

static _Thread_local char gai_buf_a[GAI_STRERROR_BUFFER_SIZE + 1];
static _Thread_local WCHAR gai_buf_w[GAI_STRERROR_BUFFER_SIZE + 1];

char *WSAAPI gai_strerrorA(int ecode) {
    strncpy(gai_buf_a, gai_text(ecode), GAI_STRERROR_BUFFER_SIZE);
    return gai_buf_a;
}

WCHAR *WSAAPI gai_strerrorW(int ecode) {
    ws2__a_to_w(gai_text(ecode), gai_buf_w, GAI_STRERROR_BUFFER_SIZE + 1);
    return gai_buf_w;
}

/* ---- hostent: one structure and buffer per thread, as on Windows ------------- */

static _Thread_local struct hostent host_ent;
static _Thread_local alignas(8) char host_buf[4096];

static struct hostent *host_result(int err, const sys_hostent_t *h) {
    if (err) {
        ws2__fail(err);
        return NULL;
    }
    host_ent.h_name = h->name;
    host_ent.h_aliases = h->aliases;
    host_ent.h_addrtype = (short)h->w_family;
    host_ent.h_length = (short)h->addr_len;
    host_ent.h_addr_list = h->addrs;
    return &host_ent;
}

struct hostent *WSAAPI gethostbyname(const char *name) {
    int err = ws2__enter(); /* F71 */
    if (err) {
        ws2__fail(err);
        return NULL;
    }
    /* NULL or "" is this host. */
    char self[256];
    if (!name || !*name) {
        if ((err = sys__gethostname(self, sizeof self)) != 0) {
            ws2__fail(err);
            return NULL;
        }
        name = self;
    }
    sys_hostent_t h;
    return host_result(sys__gethostbyname(name, &h, host_buf, sizeof host_buf), &h);
}

struct hostent *WSAAPI gethostbyaddr(const char *addr, int len, int type) {
    int err = ws2__enter();
    if (!err && !addr)
        err = WSAEFAULT;
    if (err) {
        ws2__fail(err);
        return NULL;
    }
    sys_hostent_t h;
    return host_result(sys__gethostbyaddr(addr, len, type, &h, host_buf, sizeof host_buf), &h);
}

/* No room for the NUL is WSAEFAULT and the buffer stays untouched (F297). */
int WSAAPI gethostname(char *name, int namelen) {
    int err = ws2__enter();
    char self[256];
    if (!err && !name)
        err = WSAEFAULT;
    if (!err)
        err = sys__gethostname(self, sizeof self);
    if (!err && (namelen < 0 || strlen(self) >= (size_t)namelen))
        err = WSAEFAULT;
    if (err)
        return ws2__fail(err);
    strcpy(name, self);
    return 0;
}

int WSAAPI GetHostNameW(PWSTR name, int namelen) {
    int err = ws2__enter();
    char self[256];
    WCHAR w[256];
    if (!err && !name)
        err = WSAEFAULT;
    if (!err)
        err = sys__gethostname(self, sizeof self);
    size_t n = 0;
    if (!err) {
        ws2__a_to_w(self, w, sizeof w / sizeof w[0]);
        while (w[n])
            n++;
        if (namelen < 0 || n >= (size_t)namelen)
            err = WSAEFAULT;
    }
    if (err)
        return ws2__fail(err);
    memcpy(name, w, (n + 1) * sizeof(WCHAR));
    return 0;
}

/* ---- servent ---------------------------------------------------------------- */

static _Thread_local struct servent serv_ent;
static _Thread_local alignas(8) char serv_buf[1024];

static struct servent *serv_result(int err, const sys_servent_t *s) {
    if (err) {
        ws2__fail(err);
        return NULL;
    }
    /* x64 order: s_name, s_aliases, s_proto, s_port. */
    serv_ent.s_name = s->name;
    serv_ent.s_aliases = s->aliases;
    serv_ent.s_proto = s->proto;
    serv_ent.s_port = (short)s->port;
    return &serv_ent; /* the same structure on every call (F299) */
}

struct servent *WSAAPI getservbyname(const char *name, const char *proto) {
    int err = ws2__enter();
    if (!err && !name)
        err = WSAEFAULT;
    if (err) {
        ws2__fail(err);
        return NULL;
    }
    sys_servent_t s;
    return serv_result(sys__getservbyname(name, proto, &s, serv_buf, sizeof serv_buf), &s);
}

struct servent *WSAAPI getservbyport(int port, const char *proto) {
    int err = ws2__enter();
    if (err) {
        ws2__fail(err);
        return NULL;
    }
    sys_servent_t s;
    return serv_result(sys__getservbyport(port & 0xffff, proto, &s, serv_buf, sizeof serv_buf), &s);
}

/* ---- protoent: Windows' own protocol table (F298) ------------------------------ */

static const struct {
    const char *name, *alias;
    short number;
} protocols[] = {
    {"ip", "IP", 0},           {"icmp", "ICMP", 1},
    {"ggp", "GGP", 3},         {"tcp", "TCP", 6},
    {"egp", "EGP", 8},         {"pup", "PUP", 12},
    {"udp", "UDP", 17},        {"hmp", "HMP", 20},
    {"xns-idp", "XNS-IDP", 22}, {"rdp", "RDP", 27},
    {"ipv6", "IPv6", 41},      {"ipv6-route", "IPv6-Route", 43},
    {"ipv6-frag", "IPv6-Frag", 44}, {"esp", "ESP", 50},
    {"ah", "AH", 51},          {"ipv6-icmp", "IPv6-ICMP", 58},
    {"ipv6-nonxt", "IPv6-NoNxt", 59}, {"ipv6-opts", "IPv6-Opts", 60},
    {"rvd", "RVD", 66},
};

static _Thread_local struct protoent proto_ent;
static _Thread_local char proto_name[16], proto_alias[16];
static _Thread_local char *proto_aliases[2];

static int same_ci(const char *a, const char *b) {
    for (;; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return 0;
        if (!x)
            return 1;
    }
}

static struct protoent *proto_result(int i) {
    if (i < 0) {
        ws2__fail(WSANO_DATA);
        return NULL;
    }
    strcpy(proto_name, protocols[i].name);
    strcpy(proto_alias, protocols[i].alias);
    proto_aliases[0] = proto_alias;
    proto_aliases[1] = NULL;
    proto_ent.p_name = proto_name;
    proto_ent.p_aliases = proto_aliases;
    proto_ent.p_proto = protocols[i].number;
    return &proto_ent;
}

struct protoent *WSAAPI getprotobyname(const char *name) {
    int err = ws2__enter();
    if (!err && !name)
        err = WSAEFAULT;
    if (err) {
        ws2__fail(err);
        return NULL;
    }
    for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++)
        if (same_ci(name, protocols[i].name) || same_ci(name, protocols[i].alias))
            return proto_result((int)i);
    return proto_result(-1);
}

struct protoent *WSAAPI getprotobynumber(int number) {
    int err = ws2__enter();
    if (err) {
        ws2__fail(err);
        return NULL;
    }
    for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++)
        if (protocols[i].number == number)
            return proto_result((int)i);
    return proto_result(-1);
}
