/* TransmitFile and TransmitPackets: by name and through
 * SIO_GET_EXTENSION_FUNCTION_POINTER, blocking and overlapped, with files
 * given as W2P_FILE_HANDLE(fd). Facts: windows-behaviour.md F92, F233;
 * the rest is the reference pages' documented behaviour, and for the size
 * of each send (nNumberOfBytesPerSend, nSendSize, TP_ELEMENT_EOP) the
 * reading lib/provider/transmit.c's top comment gives: on a stream no send
 * carries more than the size (seen in the seam's trace, suite
 * transmit_sizes); on a datagram socket the elements' bytes are cut into
 * datagrams after each TP_ELEMENT_EOP element and the last one, and every
 * nSendSize bytes (0: SO_MAX_MSG_SIZE; 0xFFFFFFFF: no cut by size), which
 * the peer's recvfrom sees exactly. */
#define _GNU_SOURCE /* mkstemp under -std=c11 */
#include <criterion/criterion.h>
#include <winsock2.h>
#include <windows.h>
#include <mswsock.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "pairs.h"

#define ST_PENDING 0x103u

TestSuite(transmit, .init = wsa_start, .fini = wsa_stop);

static unsigned char pattern(size_t i) { return (unsigned char)(i * 7 + i / 251); }

/* A temporary file of `size` pattern bytes, already unlinked: the
 * descriptor is all that is left of it. */
static int temp_file(size_t size) {
    char path[] = "/tmp/w2p-transmit-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    unlink(path);
    unsigned char *buf = malloc(size ? size : 1);
    for (size_t i = 0; i < size; i++)
        buf[i] = pattern(i);
    cr_assert_eq(write(fd, buf, size), (ssize_t)size);
    free(buf);
    cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* The receiving side: everything that arrives until `want` bytes or the
 * end of the stream. */
typedef struct sink {
    SOCKET s;
    size_t want, got;
    unsigned char *buf;
    pthread_t thread;
} sink;

static void *sink_run(void *arg) {
    sink *k = arg;
    while (k->got < k->want) {
        int n = recv(k->s, (char *)k->buf + k->got, (int)(k->want - k->got), 0);
        if (n <= 0)
            break;
        k->got += (size_t)n;
    }
    return NULL;
}

static void sink_start(sink *k, SOCKET s, size_t want) {
    k->s = s, k->want = want, k->got = 0;
    k->buf = malloc(want ? want : 1);
    cr_assert_eq(pthread_create(&k->thread, NULL, sink_run, k), 0);
}

static void sink_join(sink *k) { pthread_join(k->thread, NULL); }

/* head, then bytes [off, off + len) of the pattern file, then tail */
static void expect_stream(const sink *k, const char *head, size_t off, size_t len, const char *tail) {
    size_t hl = head ? strlen(head) : 0, tl = tail ? strlen(tail) : 0;
    cr_assert_eq(k->got, hl + len + tl, "got %zu, want %zu", k->got, hl + len + tl);
    if (hl)
        cr_assert_eq(memcmp(k->buf, head, hl), 0);
    for (size_t i = 0; i < len; i++)
        if (k->buf[hl + i] != pattern(off + i))
            cr_assert_fail("byte %zu of the file differs", i);
    if (tl)
        cr_assert_eq(memcmp(k->buf + hl + len, tail, tl), 0);
}

/* An overlapped call that returned ok has completed or is pending: wait
 * for it through WSAGetOverlappedResult and give its byte count. */
static DWORD overlapped_wait(SOCKET s, WSAOVERLAPPED *ov, BOOL ok) {
    cr_assert(ok || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    DWORD n = 0, fl;
    cr_assert(WSAGetOverlappedResult(s, ov, &n, TRUE, &fl), "%d", WSAGetLastError());
    return n;
}

Test(transmit, pointers) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(ext(s, (GUID)WSAID_TRANSMITFILE), (void *)ext(s, (GUID)WSAID_TRANSMITFILE));
    ext(s, (GUID)WSAID_TRANSMITPACKETS);
    closesocket(s);
}

Test(transmit, not_a_socket) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    LPFN_TRANSMITPACKETS tp = ext(s, (GUID)WSAID_TRANSMITPACKETS);
    cr_assert_eq(TransmitFile(INVALID_SOCKET, NULL, 0, 0, NULL, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK); /* F92 */
    cr_assert_eq(tp(INVALID_SOCKET, NULL, 0, 0, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAENOTSOCK);
    closesocket(s);
}

/* F233 */
Test(transmit, not_connected) {
    SOCKET t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
    char head[] = "head";
    TRANSMIT_FILE_BUFFERS tb = {head, 4, NULL, 0};
    cr_assert_eq(TransmitFile(t, NULL, 0, 0, NULL, &tb, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAENOTCONN);
    cr_assert_eq(TransmitFile(u, NULL, 0, 0, NULL, &tb, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAENOTCONN);
    /* a connected UDP socket is still not one TransmitFile sends on */
    struct sockaddr_in a = loopback(htons(9));
    cr_assert_eq(connect(u, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(TransmitFile(u, NULL, 0, 0, NULL, &tb, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAENOTCONN);
    LPFN_TRANSMITPACKETS tp = ext(t, (GUID)WSAID_TRANSMITPACKETS);
    TRANSMIT_PACKETS_ELEMENT e = {TP_ELEMENT_MEMORY, 4, {.pBuffer = head}};
    cr_assert_eq(tp(t, &e, 1, 0, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAENOTCONN);
    closesocket(t);
    closesocket(u);
}

/* F233: nothing to send is a success that sends nothing. */
Test(transmit, nothing) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    cr_assert_eq(TransmitFile(c, NULL, 0, 0, NULL, NULL, 0), TRUE, "%d", WSAGetLastError());
    cr_assert_eq(WSAGetLastError(), 0);
    u_long on = 1, avail = 9;
    ioctlsocket(s, FIONBIO, &on);
    char b[4];
    Sleep(20);
    cr_assert_eq(recv(s, b, sizeof b, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
    cr_assert_eq(ioctlsocket(s, FIONREAD, &avail), 0);
    cr_assert_eq(avail, 0);
    closesocket(c);
    closesocket(s);
}

Test(transmit, bad_arguments) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    LPFN_TRANSMITPACKETS tp = ext(c, (GUID)WSAID_TRANSMITPACKETS);
    TRANSMIT_FILE_BUFFERS nohead = {NULL, 10, NULL, 0}, notail = {NULL, 0, NULL, 3};
    cr_assert_eq(TransmitFile(c, NULL, 0, 0, NULL, &nohead, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(TransmitFile(c, NULL, 0, 0, NULL, &notail, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    cr_assert_eq(TransmitFile(c, NULL, 0, 0, NULL, NULL, 0x100), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    /* TF_REUSE_SOCKET goes with TF_DISCONNECT only */
    cr_assert_eq(TransmitFile(c, NULL, 0, 0, NULL, NULL, TF_REUSE_SOCKET), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    /* not a file: a closed descriptor, a socket's, INVALID_HANDLE_VALUE */
    int fd = temp_file(10);
    close(fd);
    cr_assert_eq(TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 0, NULL, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    cr_assert_eq(TransmitFile(c, INVALID_HANDLE_VALUE, 0, 0, NULL, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    cr_assert_eq(TransmitFile(c, W2P_FILE_HANDLE(pipefd[0]), 0, 0, NULL, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL); /* no offsets to send from */
    close(pipefd[0]);
    close(pipefd[1]);
    /* TransmitPackets */
    char data[4] = "abcd";
    cr_assert_eq(tp(c, NULL, 1, 0, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    TRANSMIT_PACKETS_ELEMENT e = {0, 4, {.pBuffer = data}};
    cr_assert_eq(tp(c, &e, 1, 0, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL); /* neither memory nor file */
    e.dwElFlags = TP_ELEMENT_MEMORY | TP_ELEMENT_FILE;
    cr_assert_eq(tp(c, &e, 1, 0, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    e.dwElFlags = TP_ELEMENT_MEMORY | 0x80;
    cr_assert_eq(tp(c, &e, 1, 0, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    e.dwElFlags = TP_ELEMENT_MEMORY;
    e.pBuffer = NULL;
    cr_assert_eq(tp(c, &e, 1, 0, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEFAULT);
    e.pBuffer = data;
    cr_assert_eq(tp(c, &e, 1, 0, NULL, 0x400), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    TRANSMIT_PACKETS_ELEMENT f = {TP_ELEMENT_FILE, 0, {{.nFileOffset.QuadPart = 0, .hFile = W2P_FILE_HANDLE(fd)}}};
    cr_assert_eq(tp(c, &f, 1, 0, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSA_INVALID_HANDLE);
    fd = temp_file(10);
    f.hFile = W2P_FILE_HANDLE(fd);
    f.nFileOffset.QuadPart = -2;
    cr_assert_eq(tp(c, &f, 1, 0, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEINVAL);
    close(fd);
    /* after all that, nothing was sent */
    u_long avail = 9;
    Sleep(20);
    cr_assert_eq(ioctlsocket(s, FIONREAD, &avail), 0);
    cr_assert_eq(avail, 0);
    closesocket(c);
    closesocket(s);
}

/* A multi-megabyte file between a head and a tail, blocking: the whole
 * file from its position, which moves to the end. */
Test(transmit, blocking_file_head_tail) {
    enum { SIZE = 3 * 1024 * 1024 + 4321 };
    SOCKET c, s;
    tcp_pair(&c, &s);
    int fd = temp_file(SIZE);
    char head[] = "HEAD:", tail[] = ":TAIL";
    TRANSMIT_FILE_BUFFERS tb = {head, 5, tail, 5};
    sink k;
    sink_start(&k, s, 5 + SIZE + 5);
    cr_assert_eq(TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 0, NULL, &tb, 0), TRUE, "%d", WSAGetLastError());
    cr_assert_eq(WSAGetLastError(), 0);
    sink_join(&k);
    expect_stream(&k, head, 0, SIZE, tail);
    cr_assert_eq(lseek(fd, 0, SEEK_CUR), SIZE);
    /* from the current position, a count of bytes: through the pointer */
    LPFN_TRANSMITFILE tf = ext(c, (GUID)WSAID_TRANSMITFILE);
    cr_assert_eq(lseek(fd, 100, SEEK_SET), 100);
    free(k.buf);
    sink_start(&k, s, 5000);
    cr_assert_eq(tf(c, W2P_FILE_HANDLE(fd), 5000, 0, NULL, NULL, 0), TRUE, "%d", WSAGetLastError());
    sink_join(&k);
    expect_stream(&k, NULL, 100, 5000, NULL);
    cr_assert_eq(lseek(fd, 0, SEEK_CUR), 5100);
    free(k.buf);
    close(fd);
    closesocket(c);
    closesocket(s);
}

/* Overlapped with an event: the file from OVERLAPPED.Offset, the position
 * untouched; TF_DISCONNECT ends the stream. */
Test(transmit, overlapped_offset_disconnect) {
    enum { SIZE = 4 * 1024 * 1024, OFF = 1000, LEN = SIZE - 3000 };
    SOCKET c, s;
    tcp_pair(&c, &s);
    int fd = temp_file(SIZE);
    char head[] = "<<", tail[] = ">>";
    TRANSMIT_FILE_BUFFERS tb = {head, 2, tail, 2};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    ov.Offset = OFF;
    BOOL ok = TransmitFile(c, W2P_FILE_HANDLE(fd), LEN, 0, &ov, &tb, TF_DISCONNECT);
    /* a 4 MiB send over loopback with nobody reading cannot be done at once */
    cr_assert_eq(ok, FALSE);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    DWORD n = 0, fl = 0;
    cr_assert_eq(WSAGetOverlappedResult(c, &ov, &n, FALSE, &fl), FALSE);
    cr_assert_eq(WSAGetLastError(), WSA_IO_INCOMPLETE);
    sink k;
    sink_start(&k, s, SIZE + 100); /* more than comes: stops at the end of the stream */
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 10000, FALSE), WSA_WAIT_EVENT_0);
    cr_assert(WSAGetOverlappedResult(c, &ov, &n, FALSE, &fl));
    cr_assert_eq(n, 2 + LEN + 2);
    sink_join(&k);
    expect_stream(&k, head, OFF, LEN, tail);
    cr_assert_eq(lseek(fd, 0, SEEK_CUR), 0);
    /* the sending side is shut down */
    cr_assert_eq(send(c, "x", 1, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAESHUTDOWN);
    free(k.buf);
    close(fd);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
}

/* Overlapped without an event, WSAGetOverlappedResult waiting; a request
 * that completes at once is still completed through the structure. */
Test(transmit, overlapped_no_event) {
    enum { SIZE = 2 * 1024 * 1024 };
    SOCKET c, s;
    tcp_pair(&c, &s);
    int fd = temp_file(SIZE);
    sink k;
    sink_start(&k, s, SIZE);
    WSAOVERLAPPED ov = {0};
    DWORD n = overlapped_wait(c, &ov, TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 0, &ov, NULL, 0)), fl;
    cr_assert_eq(n, SIZE);
    sink_join(&k);
    expect_stream(&k, NULL, 0, SIZE, NULL);
    /* small: done at once, TRUE, the event set all the same */
    ov = (WSAOVERLAPPED){0};
    ov.hEvent = WSACreateEvent();
    char head[] = "small";
    TRANSMIT_FILE_BUFFERS tb = {head, 5, NULL, 0};
    cr_assert_eq(TransmitFile(c, NULL, 0, 0, &ov, &tb, 0), TRUE, "%d", WSAGetLastError());
    cr_assert_eq(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    cr_assert(WSAGetOverlappedResult(c, &ov, &n, FALSE, &fl));
    cr_assert_eq(n, 5);
    char b[8];
    cr_assert_eq(recv(s, b, sizeof b, 0), 5);
    cr_assert_eq(memcmp(b, "small", 5), 0);
    WSACloseEvent(ov.hEvent);
    free(k.buf);
    close(fd);
    closesocket(c);
    closesocket(s);
}

/* A socket associated with a completion port gets TransmitFile's and
 * TransmitPackets' completions there, as every overlapped operation's. */
Test(transmit, completion_port) {
    enum { SIZE = 2 * 1024 * 1024 };
    SOCKET c, s;
    tcp_pair(&c, &s);
    LPFN_TRANSMITPACKETS tp = ext(c, (GUID)WSAID_TRANSMITPACKETS);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    cr_assert_not_null(port);
    cr_assert_eq(CreateIoCompletionPort((HANDLE)(ULONG_PTR)c, port, 77, 0), port);
    int fd = temp_file(SIZE);
    WSAOVERLAPPED o1 = {0}, o2 = {0};
    BOOL ok = TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 0, &o1, NULL, 0);
    cr_assert(ok || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    char m[] = "packets";
    TRANSMIT_PACKETS_ELEMENT e = {TP_ELEMENT_MEMORY, 7, {.pBuffer = m}};
    ok = tp(c, &e, 1, 0, &o2, 0);
    cr_assert(ok || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    sink k;
    sink_start(&k, s, SIZE + 7);
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED got;
    cr_assert(GetQueuedCompletionStatus(port, &n, &key, &got, 10000));
    cr_assert_eq(got, &o1); /* in the order issued */
    cr_assert_eq(n, SIZE);
    cr_assert_eq(key, 77);
    cr_assert(GetQueuedCompletionStatus(port, &n, &key, &got, 10000));
    cr_assert_eq(got, &o2);
    cr_assert_eq(n, 7);
    sink_join(&k);
    cr_assert_eq(k.got, SIZE + 7);
    cr_assert_eq(memcmp(k.buf + SIZE, "packets", 7), 0);
    free(k.buf);
    close(fd);
    closesocket(c);
    closesocket(s);
    CloseHandle(port);
}

/* Overlapped operations of the write direction complete in the order
 * issued: a send queued behind a pending one, a TransmitFile behind it,
 * a send behind that. */
Test(transmit, ordered_with_sends) {
    enum { BIG = 4 * 1024 * 1024, SIZE = 1024 * 1024 };
    SOCKET c, s;
    tcp_pair(&c, &s);
    int fd = temp_file(SIZE);
    char *big = malloc(BIG);
    memset(big, 'A', BIG);
    WSABUF b1 = {BIG, big}, b3 = {3, "END"};
    WSAOVERLAPPED o1 = {0}, o2 = {0}, o3 = {0};
    o1.hEvent = WSACreateEvent(), o2.hEvent = WSACreateEvent(), o3.hEvent = WSACreateEvent();
    DWORD n;
    cr_assert_eq(WSASend(c, &b1, 1, NULL, 0, &o1, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 0, &o2, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(WSASend(c, &b3, 1, NULL, 0, &o3, NULL), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    sink k;
    sink_start(&k, s, BIG + SIZE + 3);
    WSAEVENT all[3] = {o1.hEvent, o2.hEvent, o3.hEvent};
    cr_assert_eq(WSAWaitForMultipleEvents(3, all, TRUE, 10000, FALSE), WSA_WAIT_EVENT_0);
    DWORD fl;
    cr_assert(WSAGetOverlappedResult(c, &o2, &n, FALSE, &fl));
    cr_assert_eq(n, SIZE);
    sink_join(&k);
    cr_assert_eq(k.got, BIG + SIZE + 3);
    for (size_t i = 0; i < BIG; i++)
        if (k.buf[i] != 'A')
            cr_assert_fail("byte %zu of the first send differs", i);
    for (size_t i = 0; i < SIZE; i++)
        if (k.buf[BIG + i] != pattern(i))
            cr_assert_fail("byte %zu of the file differs", i);
    cr_assert_eq(memcmp(k.buf + BIG + SIZE, "END", 3), 0);
    for (int i = 0; i < 3; i++)
        WSACloseEvent(all[i]);
    free(k.buf);
    free(big);
    close(fd);
    closesocket(c);
    closesocket(s);
}

/* Memory and file elements in order: a range at an offset, the rest of
 * the file from its position (-1, length 0), the same file again. */
Test(transmit, packets_memory_and_file) {
    enum { SIZE = 1536 * 1024 };
    SOCKET c, s;
    tcp_pair(&c, &s);
    LPFN_TRANSMITPACKETS tp = ext(c, (GUID)WSAID_TRANSMITPACKETS);
    int fd = temp_file(SIZE);
    cr_assert_eq(lseek(fd, SIZE - 700, SEEK_SET), SIZE - 700);
    char m1[] = "one", m2[] = "two";
    TRANSMIT_PACKETS_ELEMENT e[5] = {
        {TP_ELEMENT_MEMORY, 3, {.pBuffer = m1}},
        {TP_ELEMENT_FILE, 100000, {{.nFileOffset.QuadPart = 5, .hFile = W2P_FILE_HANDLE(fd)}}},
        {TP_ELEMENT_MEMORY | TP_ELEMENT_EOP, 3, {.pBuffer = m2}},
        {TP_ELEMENT_FILE, 0, {{.nFileOffset.QuadPart = -1, .hFile = W2P_FILE_HANDLE(fd)}}},
        {TP_ELEMENT_FILE, 0, {{.nFileOffset.QuadPart = 0, .hFile = W2P_FILE_HANDLE(fd)}}},
    };
    size_t total = 3 + 100000 + 3 + 700 + SIZE;
    /* blocking */
    sink k;
    sink_start(&k, s, total);
    cr_assert_eq(tp(c, e, 5, 0, NULL, 0), TRUE, "%d", WSAGetLastError());
    sink_join(&k);
    cr_assert_eq(k.got, total);
    cr_assert_eq(memcmp(k.buf, "one", 3), 0);
    for (size_t i = 0; i < 100000; i++)
        cr_assert_eq(k.buf[3 + i], pattern(5 + i));
    cr_assert_eq(memcmp(k.buf + 100003, "two", 3), 0);
    for (size_t i = 0; i < 700; i++)
        cr_assert_eq(k.buf[100006 + i], pattern(SIZE - 700 + i));
    for (size_t i = 0; i < SIZE; i++)
        if (k.buf[100706 + i] != pattern(i))
            cr_assert_fail("byte %zu of the whole file differs", i);
    cr_assert_eq(lseek(fd, 0, SEEK_CUR), SIZE); /* -1 moved the position on */
    free(k.buf);
    /* overlapped, with TP_DISCONNECT */
    cr_assert_eq(lseek(fd, SIZE - 700, SEEK_SET), SIZE - 700);
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    BOOL ok = tp(c, e, 5, 0, &ov, TP_DISCONNECT);
    cr_assert(ok || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    sink_start(&k, s, total + 10);
    DWORD n = 0, fl;
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 10000, FALSE), WSA_WAIT_EVENT_0);
    cr_assert(WSAGetOverlappedResult(c, &ov, &n, FALSE, &fl));
    cr_assert_eq(n, total);
    sink_join(&k);
    cr_assert_eq(k.got, total); /* then the end of the stream */
    cr_assert_eq(memcmp(k.buf + 100003, "two", 3), 0);
    free(k.buf);
    WSACloseEvent(ov.hEvent);
    close(fd);
    closesocket(c);
    closesocket(s);
}

/* ---- datagram sockets: where the datagrams end ------------------------------ */

#define SEND_SIZE_EOP 0xFFFFFFFFu /* nSendSize: cut at TP_ELEMENT_EOP only */
#define BIG 70000                 /* more than one UDP datagram carries */

/* w connected to r, both UDP on 127.0.0.1; r has room for a few of the
 * largest datagrams and gives up waiting for one after two seconds. */
static void udp_pair(SOCKET *w, SOCKET *r) {
    struct sockaddr_in a;
    *r = bound_udp(&a);
    *w = udp();
    int big = 1 << 20;
    DWORD ms = 2000;
    cr_assert_eq(setsockopt(*r, SOL_SOCKET, SO_RCVBUF, (char *)&big, sizeof big), 0);
    cr_assert_eq(setsockopt(*r, SOL_SOCKET, SO_RCVTIMEO, (char *)&ms, sizeof ms), 0);
    cr_assert_eq(connect(*w, (struct sockaddr *)&a, sizeof a), 0);
}

/* The next datagram on r is exactly want[0, len). */
static void expect_datagram(SOCKET r, const void *want, int len) {
    static char b[BIG];
    struct sockaddr_in from;
    int fromlen = sizeof from;
    int n = recvfrom(r, b, sizeof b, 0, (struct sockaddr *)&from, &fromlen);
    cr_assert_eq(n, len, "a datagram of %d bytes, want %d (error %d)", n, len, WSAGetLastError());
    cr_assert_eq(memcmp(b, want, (size_t)len), 0, "the %d bytes of the datagram differ", len);
}

/* No datagram is left on r. */
static void expect_no_datagram(SOCKET r) {
    u_long on = 1, off = 0;
    char b[8];
    Sleep(20);
    ioctlsocket(r, FIONBIO, &on);
    cr_assert_eq(recv(r, b, sizeof b, 0), SOCKET_ERROR, "one datagram too many");
    cr_assert_eq(WSAGetLastError(), WSAEWOULDBLOCK);
    ioctlsocket(r, FIONBIO, &off);
}

/* Bytes [off, off + len) of the pattern file. */
static void fill_pattern(unsigned char *dst, size_t off, size_t len) {
    for (size_t i = 0; i < len; i++)
        dst[i] = pattern(off + i);
}

/* nSendSize 0: the sockets layer's size, read as the socket's largest
 * message (SO_MAX_MSG_SIZE): elements without TP_ELEMENT_EOP are combined
 * into datagrams of that size; TP_ELEMENT_EOP still ends one. */
Test(transmit, packets_datagrams_default_size) {
    SOCKET w, r;
    udp_pair(&w, &r);
    LPFN_TRANSMITPACKETS tp = ext(w, (GUID)WSAID_TRANSMITPACKETS);
    int fd = temp_file(3000);
    char m[] = "first";
    TRANSMIT_PACKETS_ELEMENT e[3] = {
        {TP_ELEMENT_MEMORY, 5, {.pBuffer = m}},
        {TP_ELEMENT_FILE, 1000, {{.nFileOffset.QuadPart = 10, .hFile = W2P_FILE_HANDLE(fd)}}},
        {TP_ELEMENT_FILE, 0, {{.nFileOffset.QuadPart = 2500, .hFile = W2P_FILE_HANDLE(fd)}}},
    };
    cr_assert_eq(tp(w, e, 3, 0, NULL, 0), TRUE, "%d", WSAGetLastError());
    unsigned char want[1505];
    memcpy(want, "first", 5);
    fill_pattern(want + 5, 10, 1000);
    fill_pattern(want + 1005, 2500, 500);
    expect_datagram(r, want, 1505); /* one datagram of the three elements */
    expect_no_datagram(r);

    /* one element longer than a datagram: cut at SO_MAX_MSG_SIZE */
    int max = 0, len = sizeof max;
    cr_assert_eq(getsockopt(w, SOL_SOCKET, SO_MAX_MSG_SIZE, (char *)&max, &len), 0);
    cr_assert(max > 0 && max < BIG, "%d", max);
    static unsigned char big[BIG];
    fill_pattern(big, 0, BIG);
    TRANSMIT_PACKETS_ELEMENT one = {TP_ELEMENT_MEMORY, BIG, {.pBuffer = big}};
    cr_assert_eq(tp(w, &one, 1, 0, NULL, 0), TRUE, "%d", WSAGetLastError());
    expect_datagram(r, big, max);
    expect_datagram(r, big + max, BIG - max);
    expect_no_datagram(r);

    /* TP_ELEMENT_EOP ends a datagram whatever nSendSize says */
    TRANSMIT_PACKETS_ELEMENT two[2] = {{TP_ELEMENT_MEMORY | TP_ELEMENT_EOP, 2, {.pBuffer = "ab"}},
                                       {TP_ELEMENT_MEMORY, 2, {.pBuffer = "cd"}}};
    cr_assert_eq(tp(w, two, 2, 0, NULL, 0), TRUE, "%d", WSAGetLastError());
    expect_datagram(r, "ab", 2);
    expect_datagram(r, "cd", 2);
    /* no elements, no datagram */
    cr_assert_eq(tp(w, NULL, 0, 0, NULL, 0), TRUE, "%d", WSAGetLastError());
    expect_no_datagram(r);
    close(fd);
    closesocket(r);
    closesocket(w);
}

/* The datagrams of packets_datagrams_eop's elements, file position at 100. */
static void expect_eop_datagrams(SOCKET r) {
    unsigned char want[100];
    expect_datagram(r, "abcd", 4);
    fill_pattern(want, 100, 100);
    expect_datagram(r, want, 100);
    expect_datagram(r, "", 0);
    fill_pattern(want, 2990, 10);
    memcpy(want + 10, "ef", 2);
    expect_datagram(r, want, 12);
    expect_no_datagram(r);
}

/* nSendSize 0xFFFFFFFF: the caller's datagrams. Consecutive elements are
 * combined until one flagged TP_ELEMENT_EOP, and the last element ends one;
 * memory and file bytes mix in a datagram; two file elements at the file's
 * position (-1) follow each other; a group of empty elements is an empty
 * datagram. */
Test(transmit, packets_datagrams_eop) {
    SOCKET w, r;
    udp_pair(&w, &r);
    LPFN_TRANSMITPACKETS tp = ext(w, (GUID)WSAID_TRANSMITPACKETS);
    int fd = temp_file(3000);
    cr_assert_eq(lseek(fd, 100, SEEK_SET), 100);
    HANDLE h = W2P_FILE_HANDLE(fd);
    TRANSMIT_PACKETS_ELEMENT e[7] = {
        {TP_ELEMENT_MEMORY, 2, {.pBuffer = "ab"}},
        {TP_ELEMENT_MEMORY | TP_ELEMENT_EOP, 2, {.pBuffer = "cd"}},
        {TP_ELEMENT_FILE, 50, {{.nFileOffset.QuadPart = -1, .hFile = h}}},
        {TP_ELEMENT_FILE | TP_ELEMENT_EOP, 50, {{.nFileOffset.QuadPart = -1, .hFile = h}}},
        {TP_ELEMENT_MEMORY | TP_ELEMENT_EOP, 0, {.pBuffer = "unused"}},
        {TP_ELEMENT_FILE, 0, {{.nFileOffset.QuadPart = 2990, .hFile = h}}},
        {TP_ELEMENT_MEMORY, 2, {.pBuffer = "ef"}},
    };
    cr_assert_eq(tp(w, e, 7, SEND_SIZE_EOP, NULL, 0), TRUE, "%d", WSAGetLastError());
    expect_eop_datagrams(r);
    cr_assert_eq(lseek(fd, 0, SEEK_CUR), 200, "both -1 elements moved the position on");

    /* overlapped, through the socket's write queue: the same datagrams,
     * the bytes of all of them in the completion */
    cr_assert_eq(lseek(fd, 100, SEEK_SET), 100);
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    cr_assert_eq(overlapped_wait(w, &ov, tp(w, e, 7, SEND_SIZE_EOP, &ov, 0)), 4 + 100 + 0 + 12);
    expect_eop_datagrams(r);
    WSACloseEvent(ov.hEvent);
    close(fd);
    closesocket(r);
    closesocket(w);
}

/* nSendSize N: datagrams of N bytes, combining elements and splitting
 * longer ones; TP_ELEMENT_EOP and the last element end the one under way
 * early. */
Test(transmit, packets_datagrams_send_size) {
    SOCKET w, r;
    udp_pair(&w, &r);
    LPFN_TRANSMITPACKETS tp = ext(w, (GUID)WSAID_TRANSMITPACKETS);
    TRANSMIT_PACKETS_ELEMENT e[5] = {
        {TP_ELEMENT_MEMORY, 6, {.pBuffer = "abcdef"}},
        {TP_ELEMENT_MEMORY | TP_ELEMENT_EOP, 2, {.pBuffer = "gh"}},
        {TP_ELEMENT_MEMORY, 5, {.pBuffer = "ijklm"}},
        {TP_ELEMENT_MEMORY | TP_ELEMENT_EOP, 0, {.pBuffer = "unused"}},
        {TP_ELEMENT_MEMORY, 1, {.pBuffer = "n"}},
    };
    cr_assert_eq(tp(w, e, 5, 4, NULL, 0), TRUE, "%d", WSAGetLastError());
    expect_datagram(r, "abcd", 4);
    expect_datagram(r, "efgh", 4); /* across two elements */
    expect_datagram(r, "ijkl", 4);
    expect_datagram(r, "m", 1); /* the group of ijklm and the empty element ends */
    expect_datagram(r, "n", 1);
    expect_no_datagram(r);

    /* a file element in datagrams of 1000, the last one shorter */
    int fd = temp_file(3000);
    TRANSMIT_PACKETS_ELEMENT f = {TP_ELEMENT_FILE, 2500, {{.nFileOffset.QuadPart = 0, .hFile = W2P_FILE_HANDLE(fd)}}};
    WSAOVERLAPPED ov = {0};
    cr_assert_eq(overlapped_wait(w, &ov, tp(w, &f, 1, 1000, &ov, 0)), 2500);
    unsigned char want[1000];
    for (int i = 0; i < 3; i++) {
        size_t len = i < 2 ? 1000 : 500;
        fill_pattern(want, (size_t)i * 1000, len);
        expect_datagram(r, want, (int)len);
    }
    expect_no_datagram(r);
    close(fd);
    closesocket(r);
    closesocket(w);
}

/* A datagram longer than IP carries fails as a send of it does
 * (WSAEMSGSIZE); the datagrams before it have gone. */
Test(transmit, packets_datagram_too_long) {
    SOCKET w, r;
    udp_pair(&w, &r);
    LPFN_TRANSMITPACKETS tp = ext(w, (GUID)WSAID_TRANSMITPACKETS);
    static char half[BIG / 2];
    memset(half, 'h', sizeof half);
    TRANSMIT_PACKETS_ELEMENT e[3] = {
        {TP_ELEMENT_MEMORY | TP_ELEMENT_EOP, 5, {.pBuffer = "small"}},
        {TP_ELEMENT_MEMORY, sizeof half, {.pBuffer = half}},
        {TP_ELEMENT_MEMORY, sizeof half, {.pBuffer = half}},
    };
    cr_assert_eq(tp(w, e, 3, SEND_SIZE_EOP, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEMSGSIZE);
    expect_datagram(r, "small", 5);
    expect_no_datagram(r);
    closesocket(r);
    closesocket(w);
}

/* A file sendfile(2) refuses (a /proc file) goes by pread + send: the
 * same bytes. Its size reads 0, so the length is given: the file's length
 * plus `extra`, in sends of `per_send` bytes (0: any size). */
static void transmit_proc_file(DWORD extra, DWORD per_send) {
    int fd = open("/proc/self/cmdline", O_RDONLY);
    cr_assert_geq(fd, 0);
    unsigned char want[4096];
    ssize_t len = pread(fd, want, sizeof want, 0);
    cr_assert_gt(len, 0);
    SOCKET c, s;
    tcp_pair(&c, &s);
    sink k;
    sink_start(&k, s, (size_t)len);
    cr_assert_eq(TransmitFile(c, W2P_FILE_HANDLE(fd), (DWORD)len + extra, per_send, NULL, NULL, 0), TRUE, "%d",
                 WSAGetLastError());
    sink_join(&k);
    cr_assert_eq(k.got, (size_t)len);
    cr_assert_eq(memcmp(k.buf, want, (size_t)len), 0);
    free(k.buf);
    close(fd);
    closesocket(c);
    closesocket(s);
}

/* A length past the file's end sends what there is. */
Test(transmit, copy_when_sendfile_refuses) { transmit_proc_file(10, 0); }

/* A blocking TransmitFile waits alertably: a completion routine queued to
 * the thread meanwhile runs inside it. */
static int routine_calls;
static void CALLBACK on_recv(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags) {
    (void)err, (void)bytes, (void)ov, (void)flags;
    routine_calls++;
}

typedef struct late {
    sink k;
    SOCKET poke;
} late;

static void *late_run(void *arg) {
    late *l = arg;
    Sleep(150);
    send(l->poke, "!", 1, 0); /* completes the WSARecv while the sender waits */
    Sleep(150);
    return sink_run(&l->k);
}

Test(transmit, blocking_is_alertable) {
    enum { SIZE = 32 * 1024 * 1024 }; /* more than loopback buffers hold */
    SOCKET c, s, pc, ps;
    tcp_pair(&c, &s);
    tcp_pair(&pc, &ps);
    char one[4];
    WSABUF rb = {sizeof one, one};
    WSAOVERLAPPED ov = {0};
    DWORD fl = 0;
    routine_calls = 0;
    cr_assert_eq(WSARecv(pc, &rb, 1, NULL, &fl, &ov, on_recv), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    int fd = temp_file(SIZE);
    late l = {.poke = ps};
    l.k.s = s, l.k.want = SIZE, l.k.got = 0, l.k.buf = malloc(SIZE);
    pthread_t t;
    pthread_create(&t, NULL, late_run, &l);
    cr_assert_eq(TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 0, NULL, NULL, 0), TRUE, "%d", WSAGetLastError());
    cr_assert_eq(routine_calls, 1, "the routine ran inside the blocking call");
    pthread_join(t, NULL);
    expect_stream(&l.k, NULL, 0, SIZE, NULL);
    free(l.k.buf);
    close(fd);
    closesocket(c);
    closesocket(s);
    closesocket(pc);
    closesocket(ps);
}

typedef struct closer {
    SOCKET s;
    int ms;
} closer;

static void *close_later(void *arg) {
    closer *c = arg;
    Sleep((DWORD)c->ms);
    closesocket(c->s);
    return NULL;
}

/* A blocking TransmitFile that cannot finish ends when another thread
 * closes the socket (WSAEINTR, as every blocking call cut by closesocket). */
Test(transmit, blocking_closed_by_other_thread) {
    enum { SIZE = 16 * 1024 * 1024 };
    SOCKET c, s;
    tcp_pair(&c, &s);
    int fd = temp_file(SIZE);
    closer cl = {c, 200};
    pthread_t t;
    pthread_create(&t, NULL, close_later, &cl);
    cr_assert_eq(TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 0, NULL, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSAEINTR);
    pthread_join(t, NULL);
    close(fd);
    closesocket(s);
}

/* A pending overlapped TransmitFile is completed by closesocket, once,
 * with the code of a pending send (WSAECONNABORTED, F124). */
Test(transmit, overlapped_aborted_by_close) {
    enum { SIZE = 16 * 1024 * 1024 };
    SOCKET c, s;
    tcp_pair(&c, &s);
    int fd = temp_file(SIZE);
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    cr_assert_eq(TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 0, &ov, NULL, 0), FALSE);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    cr_assert_eq(ov.Internal, ST_PENDING);
    closesocket(c);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 5000, FALSE), WSA_WAIT_EVENT_0);
    cr_assert_neq(ov.Internal, ST_PENDING);
    cr_assert_eq(ov.Internal, 0xC0000241u); /* STATUS_CONNECTION_ABORTED: WSAECONNABORTED */
    cr_assert_lt(ov.InternalHigh, SIZE);
    WSACloseEvent(ov.hEvent);
    close(fd);
    closesocket(s);
}

/* ---- stream sockets: the size of each send ----------------------------------- */

/* With a bound per send the stream is the same: a large file between a
 * head and a tail, overlapped, in sends of 4096 bytes, many of which the
 * full socket refuses and the loop thread sends again. */
Test(transmit, overlapped_bytes_per_send_same_stream) {
    enum { SIZE = 2 * 1024 * 1024 + 77 };
    SOCKET c, s;
    tcp_pair(&c, &s);
    int fd = temp_file(SIZE);
    char head[] = "[head]", tail[] = "[tail]";
    TRANSMIT_FILE_BUFFERS tb = {head, 6, tail, 6};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    BOOL ok = TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 4096, &ov, &tb, 0);
    cr_assert(ok || WSAGetLastError() == WSA_IO_PENDING, "%d", WSAGetLastError());
    sink k;
    sink_start(&k, s, 6 + SIZE + 6);
    DWORD n = 0, fl;
    cr_assert(WSAGetOverlappedResult(c, &ov, &n, TRUE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, 6 + SIZE + 6);
    sink_join(&k);
    expect_stream(&k, head, 0, SIZE, tail);
    free(k.buf);
    /* TransmitPackets, blocking, in sends of 1000 bytes: memory, a file
     * range, the rest of the file from its position */
    LPFN_TRANSMITPACKETS tp = ext(c, (GUID)WSAID_TRANSMITPACKETS);
    cr_assert_eq(lseek(fd, SIZE - 3333, SEEK_SET), SIZE - 3333);
    TRANSMIT_PACKETS_ELEMENT e[3] = {
        {TP_ELEMENT_MEMORY, 6, {.pBuffer = head}},
        {TP_ELEMENT_FILE, 1000000, {{.nFileOffset.QuadPart = 7, .hFile = W2P_FILE_HANDLE(fd)}}},
        {TP_ELEMENT_FILE | TP_ELEMENT_EOP, 0, {{.nFileOffset.QuadPart = -1, .hFile = W2P_FILE_HANDLE(fd)}}},
    };
    sink_start(&k, s, 6 + 1000000 + 3333);
    cr_assert_eq(tp(c, e, 3, 1000, NULL, 0), TRUE, "%d", WSAGetLastError());
    sink_join(&k);
    cr_assert_eq(k.got, 6 + 1000000 + 3333);
    cr_assert_eq(memcmp(k.buf, head, 6), 0);
    for (size_t i = 0; i < 1000000; i++)
        if (k.buf[6 + i] != pattern(7 + i))
            cr_assert_fail("byte %zu of the file range differs", i);
    for (size_t i = 0; i < 3333; i++)
        cr_assert_eq(k.buf[1000006 + i], pattern(SIZE - 3333 + i));
    cr_assert_eq(lseek(fd, 0, SEEK_CUR), SIZE);
    free(k.buf);
    WSACloseEvent(ov.hEvent);
    close(fd);
    closesocket(c);
    closesocket(s);
}

/* The pread + send fallback keeps the bound too: the same bytes. */
Test(transmit, copy_with_bytes_per_send) { transmit_proc_file(0, 7); }

/* The sends handed to the kernel, as the seam's trace (WS2POSIX_TRACE)
 * shows them: each test of this suite runs in its own process, traced to
 * a file of its own from WSAStartup on. */
static char trace_dir[] = "/tmp/w2p-transmit-trace-XXXXXX";
static char trace_path[sizeof trace_dir + 8];

static void traced_setup(void) {
    cr_assert_not_null(mkdtemp(trace_dir));
    snprintf(trace_path, sizeof trace_path, "%s/trace", trace_dir);
    setenv("WS2POSIX_TRACE", trace_path, 1);
    wsa_start();
}
static void traced_teardown(void) {
    WSACleanup();
    unlink(trace_path);
    rmdir(trace_dir);
}
TestSuite(transmit_sizes, .init = traced_setup, .fini = traced_teardown);

/* Where the trace ends now: seam_sends reads what comes after. */
static long trace_mark(void) {
    FILE *f = fopen(trace_path, "r");
    cr_assert_not_null(f, "no trace file");
    fseek(f, 0, SEEK_END);
    long at = ftell(f);
    fclose(f);
    return at;
}

/* The sends in the trace after `from`, in order: "send = N" for one of
 * memory (N: the bytes the kernel took), "sendfile OFF COUNT = N" for a
 * file range; compared with want[0, n). */
static void expect_sends(long from, const char *const *want, int n) {
    FILE *f = fopen(trace_path, "r");
    cr_assert_not_null(f, "no trace file");
    fseek(f, from, SEEK_SET);
    char line[1024], got[64][64], all[4096] = "";
    int count = 0;
    while (fgets(line, sizeof line, f) && count < 64) {
        const char *p;
        long long off, r;
        size_t len;
        if ((p = strstr(line, "sys -> sendfile(")) &&
            sscanf(p, "sys -> sendfile(%*d, %*d, [%lld], %zu) = %lld", &off, &len, &r) == 3)
            snprintf(got[count++], sizeof got[0], "sendfile %lld %zu = %lld", off, len, r);
        else if ((p = strstr(line, "sys -> sendmsg(")) && (p = strstr(p, ") = ")) && sscanf(p, ") = %lld", &r) == 1)
            snprintf(got[count++], sizeof got[0], "send = %lld", r);
    }
    fclose(f);
    for (int i = 0; i < count; i++)
        snprintf(all + strlen(all), sizeof all - strlen(all), "  %s\n", got[i]);
    cr_assert_eq(count, n, "%d sends, want %d:\n%s", count, n, all);
    for (int i = 0; i < n; i++)
        cr_assert_str_eq(got[i], want[i], "send %d:\n%s", i, all);
}

/* TransmitFile(c, h, 0, per_send, NULL, tb, 0) on a traced socket: s gets
 * tb's head, the first `len` bytes of the pattern file and tb's tail, in
 * the n sends want names. */
static void transmit_traced(SOCKET c, SOCKET s, HANDLE h, DWORD per_send, TRANSMIT_FILE_BUFFERS *tb, size_t len,
                            const char *const *want, int n) {
    size_t hl = tb->Head ? strlen(tb->Head) : 0, tl = tb->Tail ? strlen(tb->Tail) : 0;
    sink k;
    sink_start(&k, s, hl + len + tl);
    long mark = trace_mark();
    cr_assert_eq(TransmitFile(c, h, 0, per_send, NULL, tb, 0), TRUE, "%d", WSAGetLastError());
    sink_join(&k);
    expect_stream(&k, tb->Head, 0, len, tb->Tail);
    expect_sends(mark, want, n);
    free(k.buf);
}

/* nNumberOfBytesPerSend 1000: the head, the file in sendfile(2) calls of
 * 1000 bytes, the tail; 0 leaves the size to the kernel (one sendfile for
 * the whole file). Loopback takes these few kilobytes at once. */
Test(transmit_sizes, transmitfile_bytes_per_send) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    int fd = temp_file(5000);
    char head[] = "0123456789", tail[] = "tail!!!";
    TRANSMIT_FILE_BUFFERS tb = {head, 10, tail, 7};
    const char *const by_1000[] = {"send = 10",
                                   "sendfile 0 1000 = 1000",
                                   "sendfile 1000 1000 = 1000",
                                   "sendfile 2000 1000 = 1000",
                                   "sendfile 3000 1000 = 1000",
                                   "sendfile 4000 1000 = 1000",
                                   "send = 7"};
    transmit_traced(c, s, W2P_FILE_HANDLE(fd), 1000, &tb, 5000, by_1000, 7);

    /* a head longer than the size is cut too; 0: the kernel's size */
    TRANSMIT_FILE_BUFFERS tb4 = {head, 10, NULL, 0};
    const char *const by_4[] = {"send = 4", "send = 4", "send = 2"};
    transmit_traced(c, s, NULL, 4, &tb4, 0, by_4, 3);
    cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
    const char *const by_kernel[] = {"send = 10", "sendfile 0 5000 = 5000", "send = 7"};
    transmit_traced(c, s, W2P_FILE_HANDLE(fd), 0, &tb, 5000, by_kernel, 3);
    close(fd);
    closesocket(c);
    closesocket(s);
}

/* TransmitPackets on a stream: nSendSize N bounds every send, memory and
 * file alike; 0xFFFFFFFF and 0 leave the size to the kernel. No send spans
 * two elements, so TP_ELEMENT_EOP changes nothing more here. */
Test(transmit_sizes, packets_send_size_stream) {
    SOCKET c, s;
    tcp_pair(&c, &s);
    LPFN_TRANSMITPACKETS tp = ext(c, (GUID)WSAID_TRANSMITPACKETS);
    int fd = temp_file(3000);
    static char m[2500];
    memset(m, 'm', sizeof m);
    TRANSMIT_PACKETS_ELEMENT e[4] = {
        {TP_ELEMENT_MEMORY, sizeof m, {.pBuffer = m}},
        {TP_ELEMENT_FILE, 700, {{.nFileOffset.QuadPart = 100, .hFile = W2P_FILE_HANDLE(fd)}}},
        {TP_ELEMENT_MEMORY | TP_ELEMENT_EOP, 10, {.pBuffer = "0123456789"}},
        {TP_ELEMENT_MEMORY, 3, {.pBuffer = "xyz"}},
    };
    const DWORD sizes[3] = {1000, 0xFFFFFFFFu, 0};
    const char *const by_1000[] = {"send = 1000", "send = 1000", "send = 500", "sendfile 100 700 = 700",
                                   "send = 10", "send = 3"};
    const char *const whole[] = {"send = 2500", "sendfile 100 700 = 700", "send = 10", "send = 3"};
    for (int t = 0; t < 3; t++) {
        sink k;
        sink_start(&k, s, 2500 + 700 + 13);
        long mark = trace_mark();
        cr_assert_eq(tp(c, e, 4, sizes[t], NULL, 0), TRUE, "%d", WSAGetLastError());
        sink_join(&k);
        cr_assert_eq(k.got, 2500 + 700 + 13);
        cr_assert_eq(memcmp(k.buf, m, sizeof m), 0);
        for (size_t i = 0; i < 700; i++)
            cr_assert_eq(k.buf[2500 + i], pattern(100 + i));
        cr_assert_eq(memcmp(k.buf + 3200, "0123456789xyz", 13), 0);
        if (t == 0)
            expect_sends(mark, by_1000, 6);
        else
            expect_sends(mark, whole, 4);
        free(k.buf);
    }
    close(fd);
    closesocket(c);
    closesocket(s);
}

/* ---- TF_REUSE_SOCKET ------------------------------------------------------ */

/* Bound to 127.0.0.1, ConnectEx to a (with "hi" as its data), then data
 * both ways: what a reused socket must be able to do (ConnectEx page). */
static void connectex_again(SOCKET c, SOCKET l, const struct sockaddr_in *a) {
    LPFN_CONNECTEX connectex = ext(c, (GUID)WSAID_CONNECTEX);
    struct sockaddr_in any = loopback(0);
    cr_assert_eq(bind(c, (struct sockaddr *)&any, sizeof any), 0, "bind after reuse: %d", WSAGetLastError());
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    DWORD sent = 0, n = 0, fl;
    BOOL r = connectex(c, (const struct sockaddr *)a, sizeof *a, "hi", 2, &sent, &ov);
    cr_assert(r || WSAGetLastError() == WSA_IO_PENDING, "ConnectEx after reuse: %d", WSAGetLastError());
    cr_assert(WSAGetOverlappedResult(c, &ov, &n, TRUE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, 2);
    SOCKET s = accept(l, NULL, NULL);
    char buf[4];
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 2);
    cr_assert_eq(send(c, "ok", 2, 0), 2, "%d", WSAGetLastError());
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 2);
    cr_assert_eq(send(s, "yo", 2, 0), 2);
    cr_assert_eq(recv(c, buf, sizeof buf, 0), 2);
    cr_assert_eq(memcmp(buf, "yo", 2), 0);
    WSACloseEvent(ov.hEvent);
    closesocket(s);
}

/* TransmitFile(TF_DISCONNECT | TF_REUSE_SOCKET), overlapped and too big to
 * go at once: it completes on the loop thread, after everything was sent
 * and the connection closed; the socket then connects again with
 * ConnectEx. */
Test(transmit, overlapped_disconnect_reuse) {
    enum { SIZE = 4 * 1024 * 1024 };
    struct sockaddr_in a1, a2;
    SOCKET l1 = listener(&a1), l2 = listener(&a2);
    SOCKET c = tcp_overlapped();
    cr_assert_eq(connect(c, (struct sockaddr *)&a1, sizeof a1), 0);
    SOCKET s = accept(l1, NULL, NULL);
    int fd = temp_file(SIZE);
    /* data c never reads: dropped at the reuse, so that the close is a
     * graceful one (a reset would cut the file short at the peer) */
    cr_assert_eq(send(s, "unread", 6, 0), 6);
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    BOOL ok = TransmitFile(c, W2P_FILE_HANDLE(fd), 0, 0, &ov, NULL, TF_DISCONNECT | TF_REUSE_SOCKET);
    cr_assert_eq(ok, FALSE);
    cr_assert_eq(WSAGetLastError(), WSA_IO_PENDING);
    sink k;
    sink_start(&k, s, SIZE + 100);
    cr_assert_eq(WSAWaitForMultipleEvents(1, &ov.hEvent, TRUE, 10000, FALSE), WSA_WAIT_EVENT_0);
    DWORD n = 0, fl = 0;
    cr_assert(WSAGetOverlappedResult(c, &ov, &n, FALSE, &fl), "%d", WSAGetLastError());
    cr_assert_eq(n, SIZE);
    sink_join(&k);
    expect_stream(&k, NULL, 0, SIZE, NULL);
    /* a new socket: unconnected, nothing shut down */
    cr_assert_eq(send(c, "x", 1, 0), SOCKET_ERROR);
    cr_assert_eq(WSAGetLastError(), WSAENOTCONN);
    connectex_again(c, l2, &a2);
    free(k.buf);
    close(fd);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
    closesocket(l1);
    closesocket(l2);
}

/* Small enough to complete at once (overlapped: in the calling thread), and
 * blocking TransmitPackets(TP_DISCONNECT | TP_REUSE_SOCKET): the same
 * renewal either way. */
Test(transmit, immediate_and_packets_reuse) {
    struct sockaddr_in a1, a2;
    SOCKET l1 = listener(&a1), l2 = listener(&a2);
    SOCKET c = tcp_overlapped();
    cr_assert_eq(connect(c, (struct sockaddr *)&a1, sizeof a1), 0);
    SOCKET s = accept(l1, NULL, NULL);
    char head[] = "head", buf[16];
    TRANSMIT_FILE_BUFFERS tb = {head, 4, NULL, 0};
    WSAOVERLAPPED ov = {0};
    ov.hEvent = WSACreateEvent();
    cr_assert_eq(overlapped_wait(c, &ov, TransmitFile(c, NULL, 0, 0, &ov, &tb, TF_DISCONNECT | TF_REUSE_SOCKET)), 4);
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 4);
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 0);
    closesocket(s);
    connectex_again(c, l2, &a2);

    /* now connected to l2's peer (closed): a fresh pair on l1 instead */
    SOCKET d = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(connect(d, (struct sockaddr *)&a1, sizeof a1), 0);
    s = accept(l1, NULL, NULL);
    LPFN_TRANSMITPACKETS tp = ext(d, (GUID)WSAID_TRANSMITPACKETS);
    TRANSMIT_PACKETS_ELEMENT e = {TP_ELEMENT_MEMORY, 4, {.pBuffer = head}};
    cr_assert(tp(d, &e, 1, 0, NULL, TP_DISCONNECT | TP_REUSE_SOCKET), "%d", WSAGetLastError());
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 4);
    cr_assert_eq(recv(s, buf, sizeof buf, 0), 0);
    connectex_again(d, l2, &a2);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(d);
    closesocket(s);
    closesocket(l1);
    closesocket(l2);
}
