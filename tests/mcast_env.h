/* Where multicast can be tested: a POSIX helper for tests/test_multipoint.c
 * (which lives in the Windows world and cannot include socket headers). */
#ifndef WS2POSIX_TESTS_MCAST_ENV_H
#define WS2POSIX_TESTS_MCAST_ENV_H
#include <stddef.h>

/* 1 when multicast datagrams of the family (v6: IPv6, else IPv4) sent on
 * this host come back to its own members: in the current network
 * namespace, or else in a private one this process makes (root only:
 * unshare(CLONE_NEWNET), lo up with MULTICAST, a multicast route on lo).
 * 2 when that private namespace is in use (where lo itself carries every
 * datagram back, so IP_MULTICAST_LOOP cannot be seen to work).
 * 0 with the reason in why. Call it before WSAStartup. */
int mcast_env_ready(int v6, char *why, size_t n);
#endif
