/* The Windows fd_set is a count and an array of SOCKET values; FD_ISSET is
 * this function, as on Windows. */
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
