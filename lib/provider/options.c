/*
 * WSPGetSockOpt / WSPSetSockOpt. What the provider itself knows (protocol
 * info, group, type) is answered here; the rest goes through the seam's one
 * translation table.
 */
#include "wsp.h"

#include <string.h>

static int get_int(char *optval, LPINT optlen, int value, LPINT err) {
    if (!optval || !optlen || *optlen < (int)sizeof(int)) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    memcpy(optval, &value, sizeof value);
    *optlen = sizeof value;
    return 0;
}

int WSPAPI wsp__WSPGetSockOpt(SOCKET s, int level, int optname, char *optval, LPINT optlen, LPINT lpErrno) {
    wsp__sock *so = wsp__sock_get(s, lpErrno);
    if (!so)
        return SOCKET_ERROR;
    int r = 0, err = 0;
    if (level == SOL_SOCKET && optname == SO_PROTOCOL_INFOW) {
        if (!optval || !optlen) {
            r = SOCKET_ERROR, err = WSAEFAULT;
        } else if (*optlen < (int)sizeof(WSAPROTOCOL_INFOW)) {
            *optlen = sizeof(WSAPROTOCOL_INFOW);
            r = SOCKET_ERROR, err = WSAEFAULT;
        } else {
            /* The structure the socket was made from: for a socket made
             * through a protocol chain, the chain's entry. *optlen stays. */
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
    } else if (!optval || !optlen) {
        r = SOCKET_ERROR, err = WSAEFAULT;
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
    if (level == SOL_SOCKET && (optname == SO_TYPE || optname == SO_PROTOCOL_INFOW ||
                                optname == SO_PROTOCOL_INFOA || optname == SO_GROUP_ID ||
                                optname == SO_MAX_MSG_SIZE)) {
        err = WSAENOPROTOOPT; /* read-only on Windows */
    } else if (level == SOL_SOCKET && optname == SO_GROUP_PRIORITY) {
        if (!optval || optlen < (int)sizeof(int))
            err = WSAEFAULT;
        else
            memcpy(&so->group_priority, optval, sizeof(int));
    } else if (!optval) {
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
