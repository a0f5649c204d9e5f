/*
 * Multipoint: WSPJoinLeaf, SIO_MULTIPOINT_LOOPBACK and SIO_MULTICAST_SCOPE,
 * for the multipoint the catalog's UDP entries offer (XP1_SUPPORT_MULTIPOINT,
 * non-rooted control and data planes): IP multicast.
 *
 * A socket made with WSA_FLAG_MULTIPOINT_C_LEAF | WSA_FLAG_MULTIPOINT_D_LEAF
 * joins a session by naming its group: WSPJoinLeaf on such a c_leaf socket
 * returns the socket itself (no new descriptor is made, as the multipoint
 * pages say for a c_leaf), after
 *   - binding it to the wildcard address if it was not bound,
 *   - JL_RECEIVER_ONLY / JL_BOTH: joining the group (IP_ADD_MEMBERSHIP,
 *     IPV6_ADD_MEMBERSHIP) on the interface the socket's IP_MULTICAST_IF /
 *     IPV6_MULTICAST_IF (or the address's scope id) names, else the one the
 *     routing table gives,
 *   - JL_SENDER_ONLY: connecting the socket to the group, so that send()
 *     goes there;
 *   - JL_BOTH: remembering the group as send()'s destination without
 *     connecting (a connected UDP socket would only receive datagrams whose
 *     source is the group, that is none).
 */
#include "wsp.h"

#include <string.h>
#include <ws2ipdef.h>

#define LEAF_FLAGS (WSA_FLAG_MULTIPOINT_C_LEAF | WSA_FLAG_MULTIPOINT_D_LEAF)

/* The socket behind s, as every WSP call starts (WSAEINPROGRESS inside a
 * Winsock 1.1 blocking hook, else the upcall's WSAENOTSOCK). */
static wsp__sock *enter(SOCKET s, LPINT lpErrno) {
    if (wsp__blocking) {
        *lpErrno = WSAEINPROGRESS;
        return NULL;
    }
    return wsp__sock_get(s, lpErrno);
}

static int is_multicast(const struct sockaddr *name, int namelen, int af) {
    if (af == AF_INET) {
        SOCKADDR_IN a;
        memcpy(&a, name, sizeof a);
        return (((const unsigned char *)&a.sin_addr)[0] & 0xf0) == 0xe0;
    }
    (void)namelen;
    SOCKADDR_IN6 a;
    memcpy(&a, name, sizeof a);
    return a.sin6_addr.s6_addr[0] == 0xff;
}

/* An unbound socket gets the wildcard address and a port of the system's
 * choosing, as WSPJoinLeaf's page says. */
static int bind_if_unbound(wsp__sock *so) {
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    int err = sys__getsockname(so->fd, &ss, &len);
    if (err == 0) {
        unsigned short port = so->af == AF_INET ? ((SOCKADDR_IN *)&ss)->sin_port : ((SOCKADDR_IN6 *)&ss)->sin6_port;
        if (port != 0)
            return 0;
    } else if (err != WSAEINVAL) {
        return err;
    }
    memset(&ss, 0, sizeof ss);
    ss.ss_family = (ADDRESS_FAMILY)so->af;
    err = sys__bind(so->fd, &ss, so->af == AF_INET ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(SOCKADDR_IN6));
    if (!err)
        atomic_compare_exchange_strong(&so->state, &(int){WSP__S_NEW}, WSP__S_BOUND);
    return err;
}

static int join_group(wsp__sock *so, const struct sockaddr *name) {
    if (so->af == AF_INET) {
        IP_MREQ m;
        memset(&m, 0, sizeof m);
        memcpy(&m.imr_multiaddr, &((const SOCKADDR_IN *)name)->sin_addr, sizeof m.imr_multiaddr);
        DWORD iface = 0;
        int len = sizeof iface;
        if (sys__getsockopt(so->fd, IPPROTO_IP, IP_MULTICAST_IF, &iface, &len) == 0 && len == sizeof iface)
            memcpy(&m.imr_interface, &iface, sizeof iface);
        return sys__setsockopt(so->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m);
    }
    SOCKADDR_IN6 a;
    memcpy(&a, name, sizeof a);
    IPV6_MREQ m;
    memset(&m, 0, sizeof m);
    m.ipv6mr_multiaddr = a.sin6_addr;
    m.ipv6mr_interface = a.sin6_scope_id;
    if (m.ipv6mr_interface == 0) {
        DWORD iface = 0;
        int len = sizeof iface;
        if (sys__getsockopt(so->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &iface, &len) == 0 && len == sizeof iface)
            m.ipv6mr_interface = iface;
    }
    return sys__setsockopt(so->fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m, sizeof m);
}

SOCKET WSPAPI wsp__WSPJoinLeaf(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF lpCallerData,
                               LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS, DWORD dwFlags, LPINT lpErrno) {
    (void)lpSQOS, (void)lpGQOS; /* no QOS here: the requests are not honoured (as WSPConnect) */
    wsp__sock *so = enter(s, lpErrno);
    if (!so)
        return INVALID_SOCKET;
    int err = 0;
    int need = so->af == AF_INET ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(SOCKADDR_IN6);
    if ((so->flags & LEAF_FLAGS) != LEAF_FLAGS || !(so->info.dwServiceFlags1 & XP1_SUPPORT_MULTIPOINT) ||
        (so->af != AF_INET && so->af != AF_INET6))
        err = WSAEINVAL; /* not a multipoint socket: only those may join */
    else if (atomic_load(&so->state) == WSP__S_LISTENING)
        err = WSAEINVAL;
    else if (dwFlags != JL_SENDER_ONLY && dwFlags != JL_RECEIVER_ONLY && dwFlags != JL_BOTH)
        err = WSAEINVAL;
    else if (!name || namelen < need)
        err = WSAEFAULT;
    else if (lpCallerData && lpCallerData->len)
        err = WSAENOPROTOOPT; /* connect data: not an IP multicast feature (as WSPConnect) */
    else if (name->sa_family != so->af)
        err = WSAEAFNOSUPPORT;
    else if (!is_multicast(name, namelen, so->af))
        err = WSAEADDRNOTAVAIL; /* a session here is a multicast group */
    else if (atomic_exchange(&so->mp_joined, 1))
        err = WSAEISCONN; /* already a member of the session */
    else {
        err = bind_if_unbound(so);
        if (!err && dwFlags != JL_SENDER_ONLY)
            err = join_group(so, name);
        if (!err && dwFlags == JL_SENDER_ONLY)
            err = sys__connect(so->fd, name, need);
        if (!err && dwFlags == JL_BOTH) {
            memcpy(&so->mp_to, name, (size_t)need);
            atomic_store(&so->mp_tolen, need);
        }
        if (err)
            atomic_store(&so->mp_joined, 0); /* a failed join may be tried again */
    }
    if (!err && lpCalleeData)
        lpCalleeData->len = 0; /* no connect data came back */
    wsp__sock_put(so);
    if (err) {
        *lpErrno = err;
        return INVALID_SOCKET;
    }
    return s; /* a c_leaf: the same socket */
}

/* The destination send() uses on a socket that joined with JL_BOTH; FALSE
 * when there is none. */
BOOL wsp__multipoint_dest(wsp__sock *so, const struct sockaddr **to, int *tolen) {
    int len = atomic_load(&so->mp_tolen);
    if (len == 0)
        return FALSE;
    *to = (const struct sockaddr *)&so->mp_to;
    *tolen = len;
    return TRUE;
}

/* SIO_MULTIPOINT_LOOPBACK (BOOL in): whether this host's own multicast
 * comes back to its members; SIO_MULTICAST_SCOPE (int in): the hop count.
 * For the sockets of a multipoint entry (UDP, RAW); others do not know the
 * codes (WSAEOPNOTSUPP). */
int wsp__multipoint_ioctl(wsp__sock *so, DWORD code, const void *in, DWORD cb_in) {
    if (!(so->info.dwServiceFlags1 & XP1_SUPPORT_MULTIPOINT) || (so->af != AF_INET && so->af != AF_INET6))
        return WSAEOPNOTSUPP;
    DWORD v;
    if (!in || cb_in < sizeof v)
        return WSAEFAULT;
    memcpy(&v, in, sizeof v);
    int level = so->af == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
    if (code == SIO_MULTIPOINT_LOOPBACK) {
        v = v != 0;
        return sys__setsockopt(so->fd, level, so->af == AF_INET ? IP_MULTICAST_LOOP : IPV6_MULTICAST_LOOP, &v,
                               sizeof v);
    }
    if ((int)v < 0 || (int)v > 255)
        return WSAEINVAL;
    return sys__setsockopt(so->fd, level, so->af == AF_INET ? IP_MULTICAST_TTL : IPV6_MULTICAST_HOPS, &v,
                           sizeof v);
}
