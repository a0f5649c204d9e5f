/*
 * WSPGetSockOpt / WSPSetSockOpt.
 *
 * Three kinds of option:
 *  - what the provider itself knows (protocol info, group, type) or must keep
 *    because Linux cannot give Windows' answer back: SO_RCVTIMEO/SO_SNDTIMEO
 *    (the I/O paths read them; descriptors are O_NONBLOCK, so the kernel's
 *    own timeouts are never used), SO_EXCLUSIVEADDRUSE, SO_ERROR (Windows
 *    keeps it, Linux clears it on reading), SO_RCVBUF/SO_SNDBUF as set
 *    (Linux doubles and clamps), SO_CONNECT_TIME;
 *  - options whose value goes through the seam's one translation table
 *    (sys__getsockopt / sys__setsockopt), with Windows' length rules applied
 *    here first (the `rows` table below), so the seam sees 4-byte values;
 *  - the rest, handed to the seam as given (its table answers WSAEINVAL for
 *    an unknown level, WSAENOPROTOOPT for an unknown name, WSAEFAULT for a
 *    short value).
 *
 * SO_REUSEADDR, Windows' meaning: "let this socket bind to an address
 * another socket already uses, even an active (listening, connected) one",
 * where both ask for it. Linux: SO_REUSEADDR alone only allows that when no
 * socket listens; SO_REUSEPORT allows it for listeners of the same user.
 * So Windows' SO_REUSEADDR sets both (the seam maps the one name onto the
 * two), and reads back as set. What Linux then does differently: incoming
 * connections are spread over the listeners (Windows gives them to the first
 * one, F204), and a socket of another user cannot share. WSPBind turns the
 * kernel's EADDRINUSE into WSAEACCES for a socket that asked (F204).
 * SO_EXCLUSIVEADDRUSE is Linux's default behaviour (no sharing unless both
 * ask), so it is only remembered; it and SO_REUSEADDR exclude each other
 * (WSAEINVAL, F205).
 *
 * Fact ids (F...) refer to shared/reference/windows-behaviour.md.
 */
#include "wsp.h"

#include <mswsock.h>
#include <string.h>
#include <ws2tcpip.h>

/* How Windows reads and writes an option's value (F245, F249-F252). */
enum shape {
    BOOL_SHORT, /* SOL_SOCKET BOOL: set takes 0-3 bytes too (zero-extended),
                   get writes 1 byte when given fewer than 4 */
    ONE_BYTE,   /* only the low byte counts; get writes 1 byte, always */
    INT_FILL,   /* 4 bytes; a short get fails but zero-fills the buffer */
    INT_KEEP,   /* 4 bytes; a short get fails, buffer and optlen untouched */
    INT_ZERO,   /* 4 bytes; a short get fails and sets optlen 0 */
    INT_SHORT,  /* set takes 1-3 bytes too (the low ones); get as BOOL_SHORT */
};

#define F_BOOL 1       /* any nonzero value is TRUE */
#define F_OCTET 2      /* 0..255, else WSAEINVAL (F252) */
#define F_HOPS 4       /* -1..255, else WSAEINVAL (F252) */
#define F_DGRAM_GET 8  /* reading it on a stream socket: WSAEINVAL (F257) */
#define F_RAW 16       /* only raw sockets: WSAEINVAL elsewhere (F253) */
#define F_READONLY 32  /* setting it: WSAENOPROTOOPT */

static const struct row {
    int level, name;
    enum shape shape;
    int flags;
} rows[] = {
    {SOL_SOCKET, SO_REUSEADDR, BOOL_SHORT, F_BOOL},
    {SOL_SOCKET, SO_EXCLUSIVEADDRUSE, BOOL_SHORT, F_BOOL},
    {SOL_SOCKET, SO_BROADCAST, BOOL_SHORT, F_BOOL},
    {SOL_SOCKET, SO_DONTLINGER, BOOL_SHORT, F_BOOL},
    {SOL_SOCKET, SO_OOBINLINE, BOOL_SHORT, F_BOOL},
    {SOL_SOCKET, SO_KEEPALIVE, ONE_BYTE, 0},
    {SOL_SOCKET, SO_DONTROUTE, ONE_BYTE, 0},
    {SOL_SOCKET, SO_LINGER, INT_FILL, 0},
    {SOL_SOCKET, SO_RCVBUF, INT_FILL, 0},
    {SOL_SOCKET, SO_SNDBUF, INT_FILL, 0},
    {SOL_SOCKET, SO_RCVTIMEO, INT_KEEP, 0},
    {SOL_SOCKET, SO_SNDTIMEO, INT_KEEP, 0},
    {SOL_SOCKET, SO_ERROR, INT_KEEP, 0},
    {SOL_SOCKET, SO_CONNECT_TIME, INT_KEEP, F_READONLY},
    {IPPROTO_TCP, TCP_NODELAY, ONE_BYTE, 0},
    {IPPROTO_TCP, TCP_KEEPALIVE, INT_ZERO, 0},
    {IPPROTO_TCP, TCP_KEEPCNT, INT_ZERO, F_OCTET},
    {IPPROTO_TCP, TCP_KEEPINTVL, INT_ZERO, 0},
    {IPPROTO_IP, IP_HDRINCL, INT_KEEP, F_BOOL | F_RAW},
    {IPPROTO_IP, IP_TOS, INT_SHORT, F_OCTET},
    {IPPROTO_IP, IP_TTL, INT_SHORT, F_OCTET},
    {IPPROTO_IP, IP_MULTICAST_IF, INT_KEEP, F_DGRAM_GET},
    {IPPROTO_IP, IP_MULTICAST_TTL, INT_SHORT, F_OCTET | F_DGRAM_GET},
    {IPPROTO_IP, IP_MULTICAST_LOOP, INT_SHORT, F_BOOL | F_DGRAM_GET},
    {IPPROTO_IP, IP_PKTINFO, INT_ZERO, F_BOOL | F_DGRAM_GET},
    {IPPROTO_IP, IP_RECVTTL, INT_ZERO, F_BOOL | F_DGRAM_GET},
    {IPPROTO_IP, IP_RECVTOS, INT_ZERO, F_BOOL | F_DGRAM_GET},
    {IPPROTO_IPV6, IPV6_V6ONLY, ONE_BYTE, 0},
    {IPPROTO_IPV6, IPV6_DONTFRAG, INT_SHORT, F_BOOL},
    {IPPROTO_IPV6, IPV6_UNICAST_HOPS, INT_SHORT, F_HOPS},
    {IPPROTO_IPV6, IPV6_MULTICAST_IF, INT_KEEP, F_DGRAM_GET},
    {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, INT_SHORT, F_HOPS | F_DGRAM_GET},
    {IPPROTO_IPV6, IPV6_MULTICAST_LOOP, INT_SHORT, F_BOOL | F_DGRAM_GET},
    {IPPROTO_IPV6, IPV6_PKTINFO, INT_ZERO, F_BOOL | F_DGRAM_GET},
    {IPPROTO_IPV6, IPV6_HOPLIMIT, INT_ZERO, F_BOOL | F_DGRAM_GET},
    {IPPROTO_IPV6, IPV6_RECVTCLASS, INT_ZERO, F_BOOL | F_DGRAM_GET},
};

static const struct row *find(int level, int name) {
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].level == level && rows[i].name == name)
            return &rows[i];
    return NULL;
}

static int get_int(char *optval, LPINT optlen, int value, LPINT err) {
    if (!optval || !optlen || *optlen < (int)sizeof(int)) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    memcpy(optval, &value, sizeof value);
    *optlen = sizeof value;
    return 0;
}

int wsp__oobinline(wsp__sock *so) {
    int v = 0, len = sizeof v;
    return sys__getsockopt(so->fd, SOL_SOCKET, SO_OOBINLINE, &v, &len) == 0 && v;
}

/* The value of a row's option, as a 4-byte Windows value. */
static int row_get(wsp__sock *so, const struct row *r, int *v) {
    int len = sizeof *v;
    if (r->level == SOL_SOCKET) {
        switch (r->name) {
        case SO_REUSEADDR:
            *v = atomic_load(&so->reuseaddr) != 0;
            return 0;
        case SO_EXCLUSIVEADDRUSE:
            *v = atomic_load(&so->exclusive) != 0;
            return 0;
        case SO_RCVTIMEO:
            *v = (int)atomic_load(&so->rcvtimeo);
            return 0;
        case SO_SNDTIMEO:
            *v = (int)atomic_load(&so->sndtimeo);
            return 0;
        case SO_RCVBUF:
        case SO_SNDBUF: {
            int bit = r->name == SO_RCVBUF ? WSP__BUF_RCV : WSP__BUF_SND;
            if (atomic_load(&so->bufset) & bit) {
                *v = atomic_load(r->name == SO_RCVBUF ? &so->rcvbuf : &so->sndbuf);
                return 0;
            }
            break; /* never set: the kernel's (halved by the seam) */
        }
        case SO_ERROR: {
            /* Windows keeps the error; Linux hands a pending one out once.
             * On a stream socket a pending error is a failed connect, which
             * Windows goes on reporting (F166). */
            int kept = atomic_load(&so->error);
            if (kept) {
                *v = kept;
                return 0;
            }
            int err = sys__getsockopt(so->fd, SOL_SOCKET, SO_ERROR, v, &len);
            if (!err && *v && so->type == SOCK_STREAM)
                atomic_store(&so->error, *v);
            return err;
        }
        case SO_BROADCAST:
            if (wsp__bcast_option(so, FALSE, v))
                return 0; /* F238: the program's value, not the kernel's */
            break;
        case SO_CONNECT_TIME:
            /* F224: seconds connected, 0xFFFFFFFF when not connected (and
             * always on datagram sockets). No connect time is kept yet, so a
             * connected socket reads 0. */
            *v = so->type == SOCK_STREAM && atomic_load(&so->state) == WSP__S_CONNECTED ? 0 : -1;
            return 0;
        }
    }
    if (r->level == IPPROTO_IPV6 && r->name == IPV6_V6ONLY && so->af == AF_INET) {
        *v = 1; /* F207: an IPv4 socket answers TRUE */
        return 0;
    }
    return sys__getsockopt(so->fd, r->level, r->name, v, &len);
}

static int row_set(wsp__sock *so, const struct row *r, int v) {
    if (r->level == SOL_SOCKET) {
        switch (r->name) {
        case SO_REUSEADDR:
            if (v && atomic_load(&so->exclusive))
                return WSAEINVAL; /* F205 */
            {
                int err = sys__setsockopt(so->fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v);
                if (!err)
                    atomic_store(&so->reuseaddr, v);
                return err;
            }
        case SO_EXCLUSIVEADDRUSE:
            if (v && atomic_load(&so->reuseaddr))
                return WSAEINVAL; /* F205 */
            atomic_store(&so->exclusive, v);
            return 0;
        case SO_BROADCAST:
            if (wsp__bcast_option(so, TRUE, &v))
                return 0; /* F238: the kernel's stays on while connected */
            break;
        case SO_RCVTIMEO:
            atomic_store(&so->rcvtimeo, (DWORD)v);
            return 0;
        case SO_SNDTIMEO:
            atomic_store(&so->sndtimeo, (DWORD)v);
            return 0;
        case SO_RCVBUF:
        case SO_SNDBUF: {
            int err = sys__setsockopt(so->fd, SOL_SOCKET, r->name, &v, sizeof v);
            if (err)
                return err;
            atomic_store(r->name == SO_RCVBUF ? &so->rcvbuf : &so->sndbuf, v);
            atomic_fetch_or(&so->bufset, r->name == SO_RCVBUF ? WSP__BUF_RCV : WSP__BUF_SND);
            return 0;
        }
        case SO_ERROR:
            atomic_store(&so->error, v); /* F248: settable, read back as set */
            return 0;
        }
    }
    return sys__setsockopt(so->fd, r->level, r->name, &v, sizeof v);
}

static int rows_get(wsp__sock *so, const struct row *r, char *optval, LPINT optlen) {
    if (!optval || !optlen)
        return WSAEFAULT;
    if ((r->flags & F_RAW) && so->type != SOCK_RAW)
        return WSAEINVAL; /* F253 */
    if ((r->flags & F_DGRAM_GET) && so->type == SOCK_STREAM)
        return WSAEINVAL; /* F257 */
    int len = *optlen;
    if (len <= 0)
        return WSAEFAULT; /* F250: optlen 0 or negative */
    if (len < 4) {
        switch (r->shape) {
        case INT_FILL:
            memset(optval, 0, (size_t)len); /* F249 */
            return WSAEFAULT;
        case INT_KEEP:
            return WSAEFAULT;
        case INT_ZERO:
            *optlen = 0;
            return WSAEFAULT;
        default:
            break; /* one byte will do */
        }
    }
    int v = 0;
    int err = row_get(so, r, &v);
    if (err)
        return err;
    if (r->shape == ONE_BYTE || ((r->shape == BOOL_SHORT || r->shape == INT_SHORT) && len < 4)) {
        optval[0] = (char)(unsigned char)v;
        *optlen = 1;
    } else {
        memcpy(optval, &v, 4);
        *optlen = 4;
    }
    return 0;
}

static int rows_set(wsp__sock *so, const struct row *r, const char *optval, int optlen) {
    if (r->flags & F_READONLY)
        return WSAENOPROTOOPT;
    if (!optval)
        return WSAEFAULT; /* F244 */
    if ((r->flags & F_RAW) && so->type != SOCK_RAW)
        return WSAEINVAL; /* F253 */
    uint32_t u = 0;
    switch (r->shape) {
    case BOOL_SHORT:
        /* F251: even 0 bytes are accepted; F250: -1 reads 4 bytes. */
        memcpy(&u, optval, optlen < 0 || optlen > 4 ? 4 : (size_t)optlen);
        break;
    case ONE_BYTE:
        if (optlen == 0)
            return WSAEFAULT; /* F245 */
        if (optlen < 0)
            return WSAENOBUFS; /* F250 */
        u = (unsigned char)optval[0]; /* F252: 0x100 reads back 0 */
        break;
    case INT_FILL:
    case INT_KEEP:
    case INT_ZERO:
        if (optlen < 0 && r->level != SOL_SOCKET)
            return WSAENOBUFS; /* F250 */
        if (optlen >= 0 && optlen < 4)
            return WSAEFAULT;
        memcpy(&u, optval, 4);
        break;
    case INT_SHORT:
        if (optlen < 0)
            return WSAENOBUFS; /* F250 */
        if (optlen == 0)
            return WSAEFAULT; /* F251 */
        memcpy(&u, optval, optlen > 4 ? 4 : (size_t)optlen); /* F252: the low bytes */
        break;
    }
    int v = (int)u;
    if (r->flags & F_BOOL)
        v = v != 0;
    if ((r->flags & F_OCTET) && u > 255)
        return WSAEINVAL; /* F252 */
    if ((r->flags & F_HOPS) && (v < -1 || v > 255))
        return WSAEINVAL; /* F252 */
    return row_set(so, r, v);
}

int WSPAPI wsp__WSPGetSockOpt(SOCKET s, int level, int optname, char *optval, LPINT optlen, LPINT lpErrno) {
    wsp__sock *so = wsp__sock_get(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int r = 0, err = 0;
    const struct row *row;
    if (level == SOL_SOCKET && optname == SO_PROTOCOL_INFOW) {
        if (!optval || !optlen) {
            r = SOCKET_ERROR, err = WSAEFAULT;
        } else if (*optlen < (int)sizeof(WSAPROTOCOL_INFOW)) {
            *optlen = sizeof(WSAPROTOCOL_INFOW);
            r = SOCKET_ERROR, err = WSAEFAULT;
        } else {
            /* The structure the socket was made from (a layer above answers
             * with its chain's entry itself). *optlen stays. */
            memcpy(optval, &so->info, sizeof so->info);
        }
    } else if (level == SOL_SOCKET && optname == SO_GROUP_ID) {
        r = get_int(optval, optlen, (int)so->group, &err);
    } else if (level == SOL_SOCKET && optname == SO_GROUP_PRIORITY) {
        r = get_int(optval, optlen, so->group_priority, &err);
    } else if (level == SOL_SOCKET && optname == SO_TYPE) {
        r = get_int(optval, optlen, so->type, &err);
    } else if (level == SOL_SOCKET && optname == SO_MAX_MSG_SIZE) {
        r = get_int(optval, optlen, (int)(so->type == SOCK_STREAM ? 0xffffffffu : so->info.dwMessageSize), &err);
    } else if ((row = find(level, optname)) != NULL) {
        err = rows_get(so, row, optval, optlen);
        r = err ? SOCKET_ERROR : 0;
    } else if (!optval || !optlen) {
        /* The level is checked first (F247), then the pointers. */
        int probe = 0, plen = sizeof probe;
        err = sys__getsockopt(so->fd, level, optname, &probe, &plen);
        if (err != WSAEINVAL && err != WSAENOPROTOOPT)
            err = WSAEFAULT;
        r = SOCKET_ERROR;
    } else {
        err = sys__getsockopt(so->fd, level, optname, optval, optlen);
        r = err ? SOCKET_ERROR : 0;
    }
    wsp__sock_put(so);
    if (r)
        *lpErrno = err;
    return r;
}

int WSPAPI wsp__WSPSetSockOpt(SOCKET s, int level, int optname, const char *optval, int optlen, LPINT lpErrno) {
    wsp__sock *so = wsp__sock_get(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int err = 0;
    const struct row *row;
    if (level == SOL_SOCKET && (optname == SO_TYPE || optname == SO_PROTOCOL_INFOW ||
                                optname == SO_PROTOCOL_INFOA || optname == SO_GROUP_ID ||
                                optname == SO_MAX_MSG_SIZE || optname == SO_ACCEPTCONN)) {
        err = WSAENOPROTOOPT; /* read-only on Windows (F49, F210) */
    } else if (level == SOL_SOCKET && (optname == SO_UPDATE_ACCEPT_CONTEXT || optname == SO_UPDATE_CONNECT_CONTEXT)) {
        /* A socket of AcceptEx / ConnectEx is complete already (extension.c). */
        err = 0;
    } else if (level == SOL_SOCKET && optname == SO_GROUP_PRIORITY) {
        if (!optval || optlen < (int)sizeof(int))
            err = WSAEFAULT;
        else
            memcpy(&so->group_priority, optval, sizeof(int));
    } else if ((row = find(level, optname)) != NULL) {
        err = rows_set(so, row, optval, optlen);
    } else if (!optval) {
        /* The level and name are checked first (F247), then the pointer. */
        int zero = 0;
        err = sys__setsockopt(so->fd, level, optname, &zero, -1);
        if (err != WSAEINVAL && err != WSAENOPROTOOPT)
            err = WSAEFAULT;
    } else {
        err = sys__setsockopt(so->fd, level, optname, optval, optlen);
    }
    wsp__sock_put(so);
    if (err) {
        *lpErrno = err;
        return SOCKET_ERROR;
    }
    return 0;
}
