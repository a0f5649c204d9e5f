/* Shared by the include-order cases: statements that compile only when
 * fd_set, FD_SET, select, timeval and u_long have Winsock's meaning. */
#ifdef __cplusplus
#define W2P_ASSERT(c, m) static_assert(c, m)
#else
#define W2P_ASSERT(c, m) _Static_assert(c, m)
#endif

W2P_ASSERT(sizeof(u_long) == 4, "u_long is 32 bits as on Windows");
W2P_ASSERT(sizeof(((fd_set *)0)->fd_array[0]) == 8, "fd_set holds SOCKETs");
W2P_ASSERT(sizeof(((fd_set *)0)->fd_count) == 4, "fd_set starts with a u_int count");
W2P_ASSERT(sizeof(struct timeval) == 8, "timeval is two 32-bit longs");
W2P_ASSERT(sizeof(((struct timeval *)0)->tv_sec) == 4, "tv_sec is a 32-bit long");
W2P_ASSERT(sizeof(SOCKET) == 8, "SOCKET is UINT_PTR");
W2P_ASSERT(AF_INET6 == 23, "AF_INET6 has its Windows value");
W2P_ASSERT(SOL_SOCKET == 0xffff, "SOL_SOCKET has its Windows value");
W2P_ASSERT(SO_REUSEADDR == 4, "SO_REUSEADDR has its Windows value");
W2P_ASSERT(sizeof(struct sockaddr_in) == 16, "sockaddr_in is 16 bytes");
W2P_ASSERT(sizeof(WSADATA) == 408, "WSADATA has its Windows x64 size");

static int w2p_uses_winsock(SOCKET s)
{
    fd_set rd;
    struct timeval tv;
    u_long nonblocking = 1;
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    tv.tv_sec = 1;
    tv.tv_usec = 0;
    if (ioctlsocket(s, FIONBIO, &nonblocking) == SOCKET_ERROR)
        return -1;
    /* Winsock's select ignores its first argument and takes fd_set *. */
    if (select(0, &rd, NULL, NULL, &tv) == SOCKET_ERROR)
        return WSAGetLastError();
    return FD_ISSET(s, &rd) ? 1 : 0;
}

int w2p_case_main(void);
int w2p_case_main(void)
{
    return w2p_uses_winsock(INVALID_SOCKET);
}
