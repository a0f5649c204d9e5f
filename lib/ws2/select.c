/*
 * select and WSAPoll.
 *
 * select goes to the provider of the first socket in the sets (readfds,
 * then writefds, then exceptfds), as WS2_32 does: that provider's WSPSelect
 * sees the whole sets and answers WSAENOTSOCK for a handle it cannot map to
 * one of its sockets. With no socket at all select is WSAEINVAL: Winsock's
 * select is no sleep (F154).
 *
 * WSAPoll has no SPI entry: on Windows WS2_32 asks each socket's provider
 * for its base handle (SIO_BSP_HANDLE_POLL) and polls the base handles
 * itself. Here the base handles go to the built-in base provider's poll.
 * Fact ids (F...) refer to shared/reference/windows-behaviour.md.
 */
#include "ws2.h"

#include <mswsock.h>
#include <stdlib.h>

/* The base provider's WSAPoll (provider/select.c). */
int wsp__poll(WSAPOLLFD *fds, ULONG nfds, INT timeout, LPINT lpErrno);

int WSAAPI select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const struct timeval *timeout) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    SOCKET first = INVALID_SOCKET;
    fd_set *sets[3] = {readfds, writefds, exceptfds};
    for (int k = 0; k < 3 && first == INVALID_SOCKET; k++)
        if (sets[k] && sets[k]->fd_count)
            first = sets[k]->fd_array[0];
    if (first == INVALID_SOCKET) {
        /* No sets, empty sets (F154), or INVALID_SOCKET first (F155). */
        BOOL any = FALSE;
        for (int k = 0; k < 3; k++)
            any |= sets[k] && sets[k]->fd_count;
        return ws2__fail(any ? WSAENOTSOCK : WSAEINVAL);
    }
    ws2__socket *so = ws2__handle_get(first);
    if (!so || !so->provider) {
        if (so)
            ws2__handle_put(first);
        return ws2__fail(WSAENOTSOCK);
    }
    /* The provider reads the timeout and leaves it as it was (F166). */
    int r = so->provider->procs.lpWSPSelect(nfds, readfds, writefds, exceptfds, (PTIMEVAL)timeout, &err);
    ws2__handle_put(first);
    return r == SOCKET_ERROR ? ws2__fail(err) : r;
}

/* Is s a handle of the built-in base provider? Its sockets are IFS handles
 * made for one of its catalog entries (or a chain ending in one). */
static BOOL base_handle(const ws2__socket *so) {
    if (!so->ifs)
        return FALSE;
    ws2__entry *e = ws2__catalog_find(so->catalog_id);
    if (!e || e->info.ProtocolChain.ChainLen > 1)
        return TRUE; /* a chain's entry: the base provider made it for the chain */
    ws2__provider *p = atomic_load(&e->provider);
    return p && p->startup == wsp__startup;
}

/* The base provider's handle behind s, or INVALID_SOCKET (POLLNVAL). */
static SOCKET base_of(SOCKET s) {
    ws2__socket *so = ws2__handle_get(s);
    if (!so)
        return INVALID_SOCKET;
    SOCKET base = INVALID_SOCKET;
    if (base_handle(so)) {
        base = s;
    } else if (so->provider) {
        DWORD bytes = 0;
        int err;
        if (so->provider->procs.lpWSPIoctl(s, SIO_BSP_HANDLE_POLL, NULL, 0, &base, sizeof base, &bytes, NULL, NULL,
                                           NULL, &err) != 0 ||
            base == s) {
            base = INVALID_SOCKET;
        } else {
            ws2__socket *b = ws2__handle_get(base);
            if (!b || !base_handle(b))
                base = INVALID_SOCKET;
            if (b)
                ws2__handle_put(base);
        }
    }
    ws2__handle_put(s);
    return base;
}

int WSAAPI WSAPoll(WSAPOLLFD fdArray[], ULONG fds, INT timeout) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    if (fds == 0)
        return ws2__fail(WSAEINVAL); /* F173 */
    if (!fdArray)
        return ws2__fail(WSAEFAULT); /* F173 */
    WSAPOLLFD *base = malloc(fds * sizeof *base);
    if (!base)
        return ws2__fail(WSAENOBUFS);
    for (ULONG i = 0; i < fds; i++) {
        base[i] = fdArray[i];
        base[i].fd = base_of(fdArray[i].fd);
    }
    int r = wsp__poll(base, fds, timeout, &err);
    for (ULONG i = 0; i < fds; i++)
        fdArray[i].revents = base[i].revents;
    free(base);
    return r == SOCKET_ERROR ? ws2__fail(err) : r;
}
