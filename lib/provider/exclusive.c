/*
 * SO_EXCLUSIVEADDRUSE sockets of this process bound to a wildcard address:
 * a later bind that the kernel refuses with EADDRINUSE on the port one of
 * them holds is WSAEACCES, as Windows answers (F206). Linux decides the
 * conflict itself (its rules, not Windows': F206's cases where Windows lets
 * a specific address join a wildcard bind still fail); only the code is
 * Windows', and only against this process's own sockets.
 */
#include "wsp.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <ws2tcpip.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static wsp__sock **held;
static size_t count, room;

/* The wildcard address and port so is bound to, and whether it takes IPv4
 * (an IPv4 socket, or an IPv6 one without IPV6_V6ONLY) and IPv6. */
static BOOL wildcard_port(wsp__sock *so, u_short *port, BOOL *v4, BOOL *v6) {
    SOCKADDR_STORAGE ss;
    int len = sizeof ss;
    if (sys__getsockname(so->fd, &ss, &len) != 0)
        return FALSE;
    if (ss.ss_family == AF_INET) {
        SOCKADDR_IN *a = (SOCKADDR_IN *)&ss;
        *port = a->sin_port;
        *v4 = TRUE, *v6 = FALSE;
        return a->sin_addr.s_addr == INADDR_ANY;
    }
    if (ss.ss_family == AF_INET6) {
        SOCKADDR_IN6 *a = (SOCKADDR_IN6 *)&ss;
        static const IN6_ADDR any = {{{0}}};
        int only = 1;
        int olen = sizeof only;
        if (sys__getsockopt(so->fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, &olen) != 0)
            only = 1;
        *port = a->sin6_port;
        *v4 = !only, *v6 = TRUE;
        return memcmp(&a->sin6_addr, &any, sizeof any) == 0;
    }
    return FALSE;
}

void wsp__excl_bound(wsp__sock *so) {
    u_short port;
    BOOL v4, v6;
    if (!atomic_load(&so->exclusive) || !wildcard_port(so, &port, &v4, &v6))
        return;
    pthread_mutex_lock(&lock);
    if (count == room) {
        size_t n = room ? room * 2 : 8;
        wsp__sock **p = realloc(held, n * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&lock);
            return; /* the code stays Linux' WSAEADDRINUSE */
        }
        held = p, room = n;
    }
    held[count++] = so;
    atomic_store(&so->excl_held, 1);
    pthread_mutex_unlock(&lock);
}

void wsp__excl_forget(wsp__sock *so) {
    if (!atomic_load(&so->excl_held))
        return;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < count; i++)
        if (held[i] == so) {
            held[i] = held[--count];
            break;
        }
    if (!count) {
        free(held);
        held = NULL, room = 0;
    }
    pthread_mutex_unlock(&lock);
}

BOOL wsp__excl_denies(wsp__sock *binder, const struct sockaddr *name) {
    u_short port;
    BOOL want_v4 = name->sa_family == AF_INET;
    if (name->sa_family == AF_INET)
        port = ((const SOCKADDR_IN *)name)->sin_port;
    else if (name->sa_family == AF_INET6)
        port = ((const SOCKADDR_IN6 *)name)->sin6_port;
    else
        return FALSE;
    BOOL denied = FALSE;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < count && !denied; i++) {
        u_short p;
        BOOL v4, v6;
        if (held[i] != binder && wildcard_port(held[i], &p, &v4, &v6) && p == port)
            denied = want_v4 ? v4 : v6;
    }
    pthread_mutex_unlock(&lock);
    return denied;
}
