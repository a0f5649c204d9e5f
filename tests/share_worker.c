/*
 * The other process of tests/test_share.c, written as a Windows worker
 * would be: it gets a WSAPROTOCOL_INFOW as raw bytes on stdin (or makes one
 * and writes it to stdout), and reports through its exit status
 * (0 = as expected; else the step that went wrong, with a line on stderr).
 *
 *   share_worker serve    claim the socket, read "ping", answer "pong",
 *                          check that the info cannot be used twice
 *   share_worker claim    claim the socket (a datagram one) and close it
 *   share_worker refused  the claim must fail with WSAEINVAL
 *   share_worker source   make a UDP socket, duplicate it for the parent,
 *                          write the info to stdout, wait for stdin to close
 */
#include <winsock2.h>
#include <ws2tcpip.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(int step, const char *what) {
    fprintf(stderr, "share_worker: %s: error %d\n", what, WSAGetLastError());
    return step;
}

static int read_all(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

static int serve(const WSAPROTOCOL_INFOW *info) {
    WSAPROTOCOL_INFOW copy = *info;
    SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &copy, 0, 0);
    if (s == INVALID_SOCKET)
        return fail(10, "WSASocket(FROM_PROTOCOL_INFO)");
    int type = 0, len = sizeof type;
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0 || type != SOCK_STREAM)
        return fail(11, "SO_TYPE of the duplicate");
    /* Used once: the same structure again is refused. */
    copy = *info;
    SOCKET again = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &copy, 0, 0);
    if (again != INVALID_SOCKET || WSAGetLastError() != WSAEINVAL)
        return fail(12, "second WSASocket with the same info");
    char buf[8] = {0};
    int n = recv(s, buf, 4, MSG_WAITALL);
    if (n != 4 || memcmp(buf, "ping", 4) != 0)
        return fail(13, "recv ping");
    if (send(s, "pong", 4, 0) != 4)
        return fail(14, "send pong");
    if (closesocket(s) != 0)
        return fail(15, "closesocket");
    return 0;
}

static int refused(const WSAPROTOCOL_INFOW *info) {
    WSAPROTOCOL_INFOW copy = *info;
    SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &copy, 0, 0);
    if (s != INVALID_SOCKET) {
        fprintf(stderr, "share_worker: a claim that should fail succeeded\n");
        return 20;
    }
    if (WSAGetLastError() != WSAEINVAL)
        return fail(21, "claim refused with the wrong code");
    return 0;
}

static int claim_only(const WSAPROTOCOL_INFOW *info) {
    WSAPROTOCOL_INFOW copy = *info;
    SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &copy, 0, 0);
    if (s == INVALID_SOCKET)
        return fail(40, "WSASocket(FROM_PROTOCOL_INFO)");
    int type = 0, len = sizeof type;
    if (getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0 || type != SOCK_DGRAM)
        return fail(41, "SO_TYPE of the duplicate");
    closesocket(s);
    return 0;
}

static int source(void) {
    SOCKET s = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, 0);
    if (s == INVALID_SOCKET)
        return fail(30, "WSASocket");
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0)
        return fail(31, "bind");
    WSAPROTOCOL_INFOW info;
    if (WSADuplicateSocketW(s, (DWORD)getppid(), &info) != 0)
        return fail(32, "WSADuplicateSocket");
    if (write(1, &info, sizeof info) != (ssize_t)sizeof info)
        return 33;
    char c;
    while (read(0, &c, 1) > 0) {
    }
    closesocket(s);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2)
        return 2;
    WSADATA d;
    if (WSAStartup(MAKEWORD(2, 2), &d) != 0)
        return 3;
    int rc;
    if (strcmp(argv[1], "source") == 0) {
        rc = source();
    } else {
        WSAPROTOCOL_INFOW info;
        if (read_all(0, &info, sizeof info) != 0)
            return 4;
        if (strcmp(argv[1], "serve") == 0)
            rc = serve(&info);
        else if (strcmp(argv[1], "claim") == 0)
            rc = claim_only(&info);
        else
            rc = refused(&info);
    }
    WSACleanup();
    return rc;
}
