/* Winsock helpers of the workloads: plain Winsock 2, so that the same file
 * builds with our headers and with mingw-w64's (bench/wine.sh). */
#ifndef WS2POSIX_BENCH_WS_H
#define WS2POSIX_BENCH_WS_H

#include <winsock2.h>
#include <ws2tcpip.h>

void bench_ws_startup(void);
/* A listening TCP socket on 127.0.0.1 (port chosen by the system); *port in
 * network order. */
SOCKET bench_ws_listener(DWORD flags, int backlog, u_short *port);
/* A connected loopback TCP pair with TCP_NODELAY on both ends. */
void bench_ws_pair(SOCKET *client, SOCKET *server, DWORD flags);
/* The same made from a catalog entry (NULL: let WSASocket choose). */
void bench_ws_pair_info(SOCKET *client, SOCKET *server, DWORD flags, WSAPROTOCOL_INFOW *info);
/* n round trips of 64 bytes between a client (this thread) and an echo
 * thread over a fresh pair made from info (NULL: the default entry);
 * returns the seconds they took. */
double bench_ws_pingpong(long n, WSAPROTOCOL_INFOW *info);
/* recv until `len` bytes came: 0, or -1 on end of stream or error. */
int bench_ws_recv_all(SOCKET s, char *buf, int len);
int bench_ws_send_all(SOCKET s, const char *buf, int len);

#endif
