/* The Windows fd_set is a count and an array of SOCKET values; FD_ISSET is
 * this function, as on Windows. */
#include "ws2.h"

int WSAAPI __WSAFDIsSet(SOCKET fd, fd_set *set) {
    if (!set)
        return 0;
    u_int n = set->fd_count < FD_SETSIZE ? set->fd_count : FD_SETSIZE;
    for (u_int i = 0; i < n; i++)
        if (set->fd_array[i] == fd)
            return 1;
    return 0;
}
