/* A private network namespace (tests/netns_env.c, POSIX world) where a test
 * can make the kernel add addresses: bringing its loopback up adds
 * 127.0.0.1 and ::1. */
#ifndef WS2POSIX_TESTS_NETNS_ENV_H
#define WS2POSIX_TESTS_NETNS_ENV_H
#include <stddef.h>

/* 1 when the calling thread (and the threads it starts later) moved to a
 * new network namespace, whose loopback is down; 0 with the reason in why
 * (root only). Call it before WSAStartup, which starts the loop thread. */
int netns_private(char *why, size_t n);
/* Bring that namespace's loopback up: 0 or errno. */
int netns_lo_up(void);
#endif
