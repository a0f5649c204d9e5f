/* getsockopt / setsockopt: look up, call down, set the error. The ANSI
 * protocol-info option is answered from the provider's wide one. */
#include "ws2.h"

#include <mswsock.h>
#include <string.h>

/* SO_OPENTYPE: a thread option, not a socket's (F95): SO_SYNCHRONOUS_ALERT /
 * _NONALERT make the thread's later socket() calls create non-overlapped
 * sockets. Read and set with any handle, even INVALID_SOCKET (F93).
 * (socket() does not consult it yet: overlapped I/O is issue 5.) */
static _Thread_local int opentype;

int ws2__opentype(void) { return opentype; }

static int opentype_get(char *optval, int *optlen) {
    if (!optval || !optlen)
        return WSAEFAULT;
    if (*optlen >= 0 && *optlen < (int)sizeof opentype)
        return WSAEFAULT; /* F249: untouched */
    memcpy(optval, &opentype, sizeof opentype); /* F250: -1 reads 4 bytes */
    *optlen = sizeof opentype;
    return 0;
}

static int opentype_set(const char *optval, int optlen) {
    if (!optval || (optlen >= 0 && optlen < (int)sizeof opentype))
        return WSAEFAULT;
    memcpy(&opentype, optval, sizeof opentype);
    return 0;
}

int WSAAPI getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    if (level == SOL_SOCKET && optname == SO_OPENTYPE)
        return (err = opentype_get(optval, optlen)) != 0 ? ws2__fail(err) : 0;
    ws2__socket *so = ws2__handle_get(s);
    if (!so || !so->provider) {
        if (so)
            ws2__handle_put(s);
        return ws2__fail(WSAENOTSOCK);
    }
    int r;
    if (level == SOL_SOCKET && optname == SO_PROTOCOL_INFOA) {
        WSAPROTOCOL_INFOW w;
        int wlen = sizeof w;
        if (!optval || !optlen) {
            r = SOCKET_ERROR, err = WSAEFAULT;
        } else if (*optlen < (int)sizeof(WSAPROTOCOL_INFOA)) {
            *optlen = sizeof(WSAPROTOCOL_INFOA); /* Windows tells the size it needs */
            r = SOCKET_ERROR, err = WSAEFAULT;
        } else if ((r = so->provider->procs.lpWSPGetSockOpt(s, level, SO_PROTOCOL_INFOW, (char *)&w, &wlen,
                                                             &err)) == 0) {
            ws2__info_w_to_a(&w, (WSAPROTOCOL_INFOA *)optval);
        }
    } else {
        r = so->provider->procs.lpWSPGetSockOpt(s, level, optname, optval, optlen, &err);
    }
    ws2__handle_put(s);
    return r == SOCKET_ERROR ? ws2__fail(err) : 0;
}

int WSAAPI setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    if (level == SOL_SOCKET && optname == SO_OPENTYPE)
        return (err = opentype_set(optval, optlen)) != 0 ? ws2__fail(err) : 0;
    ws2__socket *so = ws2__handle_get(s);
    if (!so || !so->provider) {
        if (so)
            ws2__handle_put(s);
        return ws2__fail(WSAENOTSOCK);
    }
    int r = so->provider->procs.lpWSPSetSockOpt(s, level, optname, optval, optlen, &err);
    ws2__handle_put(s);
    return r == SOCKET_ERROR ? ws2__fail(err) : 0;
}
