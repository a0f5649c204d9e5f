/*
 * F238: Windows lets a datagram socket without SO_BROADCAST connect to a
 * broadcast address, and send() to it then works, while sendto() to a
 * broadcast address is still refused (WSAEACCES). Linux refuses the
 * connect. So for that connect the kernel's SO_BROADCAST is turned on
 * (`bcast_forced`), the program's own value is kept beside it
 * (`bcast_app`, what getsockopt reads and setsockopt sets), and a sendto to
 * a broadcast address (255.255.255.255, or an interface's broadcast
 * address) is refused here while the program's value is off. The next
 * connect puts the kernel's value back first.
 */
#include "wsp.h"

#include <stdlib.h>
#include <string.h>
#include <ws2tcpip.h> /* IFF_BROADCAST */

void wsp__bcast_unforce(wsp__sock *so) {
    if (!atomic_exchange(&so->bcast_forced, 0))
        return;
    int v = atomic_load(&so->bcast_app);
    (void)sys__setsockopt(so->fd, SOL_SOCKET, SO_BROADCAST, &v, sizeof v);
}

int wsp__bcast_connect(wsp__sock *so, const struct sockaddr *name, int namelen) {
    int on = 1, off = 0;
    if (sys__setsockopt(so->fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0)
        return WSAEACCES;
    int err = sys__connect(so->fd, name, namelen);
    if (err) {
        (void)sys__setsockopt(so->fd, SOL_SOCKET, SO_BROADCAST, &off, sizeof off);
        return err;
    }
    atomic_store(&so->bcast_app, 0);
    atomic_store(&so->bcast_forced, 1);
    return 0;
}

BOOL wsp__bcast_option(wsp__sock *so, BOOL set, int *v) {
    if (!atomic_load(&so->bcast_forced))
        return FALSE;
    if (set)
        atomic_store(&so->bcast_app, *v != 0);
    else
        *v = atomic_load(&so->bcast_app);
    return TRUE;
}

BOOL wsp__bcast_refused(wsp__sock *so, const struct sockaddr *to, int tolen) {
    if (!to || !atomic_load(&so->bcast_forced) || atomic_load(&so->bcast_app) || to->sa_family != AF_INET ||
        tolen < (int)sizeof(SOCKADDR_IN))
        return FALSE;
    IN_ADDR a = ((const SOCKADDR_IN *)to)->sin_addr;
    if (a.s_addr == INADDR_BROADCAST)
        return TRUE;
    sys_ifaddr_t *l;
    size_t n;
    BOOL found = FALSE;
    if (sys__if_addrs(AF_INET, &l, &n) != 0)
        return FALSE;
    for (size_t i = 0; i < n && !found; i++)
        found = (l[i].w_flags & IFF_BROADCAST) && ((const SOCKADDR_IN *)l[i].broadcast)->sin_addr.s_addr == a.s_addr;
    free(l);
    return found;
}
