/* The Windows fd_set is a count and an array of SOCKET values; FD_ISSET is
 * __WSAFDIsSet, as on Windows, and FD_SET is w2p_fd_set_add. */
#include "ws2.h"

int WSAAPI __WSAFDIsSet(SOCKET fd, fd_set *set) {
    if (!set)
        return 0;
    /* The caller's FD_SETSIZE may be larger than the library's (F160): the
     * count says how many entries there are. */
    for (u_int i = 0; i < set->fd_count; i++)
        if (set->fd_array[i] == fd)
            return 1;
    return 0;
}

/* Four comparisons per step: the search runs for every FD_SET, so a set of
 * n sockets costs n*n/2 of them to build. */
void WSAAPI w2p_fd_set_add(SOCKET fd, fd_set *set, u_int setsize) {
    if (!set)
        return;
    u_int n = set->fd_count;
    const SOCKET *p = set->fd_array, *end = p + n;
    for (; end - p >= 4; p += 4)
        if (p[0] == fd || p[1] == fd || p[2] == fd || p[3] == fd)
            return;
    for (; p < end; p++)
        if (*p == fd)
            return;
    if (n < setsize) {
        set->fd_array[n] = fd;
        set->fd_count = n + 1;
    }
}
