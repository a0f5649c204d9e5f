/*
 * Overlapped operations on the loop thread. Not yet: the WSP calls run an
 * overlapped request synchronously (io.c); this file will hold the queue of
 * pending operations per socket and their completion.
 */
#include "wsp.h"

void wsp__ovl_ready(wsp__sock *so, int ready) {
    (void)ready;
    so->ovl_want = 0;
    wsp__ready_update(so);
}

void wsp__ovl_release(wsp__sock *so) { (void)so; }
