/*
 * WSAEventSelect and WSAEnumNetworkEvents. Not yet: WSPEventSelect and
 * WSPEnumNetworkEvents answer WSAEOPNOTSUPP (notimpl.c).
 */
#include "wsp.h"

void wsp__evsel_ready(wsp__sock *so, int ready) {
    (void)ready;
    so->evsel_want = 0;
    wsp__ready_update(so);
}

void wsp__evsel_release(wsp__sock *so) { (void)so; }
