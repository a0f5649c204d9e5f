/*
 * TransmitFile and TransmitPackets (SIO_GET_EXTENSION_FUNCTION_POINTER;
 * TransmitFile is also exported by name, as mswsock.dll does).
 *
 * Both become one plan: a list of pieces, each memory or a range of a file,
 * sent in order. wsp__xmit_step sends what the socket takes without
 * blocking and keeps its place, so a blocking call loops on it with the
 * usual alertable wait (wait.c) and an overlapped call is one more operation
 * of the socket's write queue (overlapped.c), completed in order with the
 * sends issued around it.
 *
 * Files. There is no CreateFile here: a file HANDLE is a POSIX descriptor,
 * (HANDLE)(INT_PTR)fd, which mswsock.h's W2P_FILE_HANDLE(fd) writes. NULL
 * means "no file", as on Windows, so descriptor 0 cannot be transmitted.
 * The bytes go by sendfile(2) (the seam, sys/transmit.c). Where a piece
 * starts at the file's current position (TransmitFile without OVERLAPPED,
 * TransmitPackets' nFileOffset -1), the position is read when the piece
 * starts and moved past it when it is done, as a read would; with an
 * OVERLAPPED, TransmitFile starts at its Offset/OffsetHigh and leaves the
 * position alone. A length of 0 means "to the end of the file"; a file
 * shorter than asked ends its piece early.
 *
 * Datagram sockets (TransmitPackets only; TransmitFile needs a connected
 * stream, F233): each piece is one datagram. nNumberOfBytesPerSend,
 * nSendSize and TP_ELEMENT_EOP are accepted and leave the sizes of the
 * sends to the kernel.
 *
 * TF_DISCONNECT / TP_DISCONNECT shut the sending side down once all is sent;
 * with TF_REUSE_SOCKET / TP_REUSE_SOCKET the socket is then renewed for
 * AcceptEx or ConnectEx (reuse.c) before the call completes.
 *
 * Fact ids (F...) refer to shared/reference/windows-behaviour.md.
 */
#include "overlapped.h"
#include "io.h"

#include <stdlib.h>
#include <string.h>

#define SD_SEND_BIT 2

/* Flags both calls accept. TF_REUSE_SOCKET only with TF_DISCONNECT. */
#define XMIT_FLAGS \
    (TF_DISCONNECT | TF_REUSE_SOCKET | TF_WRITE_BEHIND | TF_USE_SYSTEM_THREAD | TF_USE_KERNEL_APC)
#define DGRAM_MAX 65535

typedef struct piece {
    const char *buf; /* memory (fd -1) */
    int fd;          /* a file range (fd >= 0) */
    BOOL at_pos;  /* starts at the file's position, moves it on */
    BOOL to_end;  /* length 0: up to the end of the file */
    BOOL started;
    int64_t off;
    uint64_t left;
} piece;

struct wsp__xmit {
    DWORD n, i; /* pieces, the one under way */
    BOOL datagram;
    BOOL disconnect;
    BOOL reuse;     /* with disconnect: TF_REUSE_SOCKET */
    BOOL reuse_due; /* disconnected, the renewal is the caller's */
    piece p[];
};

void wsp__xmit_free(wsp__xmit *x) { free(x); }

static wsp__xmit *plan_new(DWORD n) {
    wsp__xmit *x = calloc(1, sizeof *x + (size_t)n * sizeof(piece));
    return x;
}

static void add_memory(wsp__xmit *x, const void *buf, DWORD len) {
    x->p[x->n++] = (piece){.buf = buf, .fd = -1, .left = len, .started = TRUE};
}

/* A file piece: the descriptor must be a readable, seekable file. */
static int add_file(wsp__xmit *x, HANDLE h, int64_t off, DWORD len) {
    INT_PTR fd = (INT_PTR)h;
    int64_t size, pos;
    if (fd < 0 || fd > 0x7fffffff)
        return WSA_INVALID_HANDLE;
    int err = sys__file_info((int)fd, &size, &pos);
    if (err)
        return err;
    x->p[x->n++] = (piece){.fd = (int)fd, .at_pos = off < 0, .to_end = len == 0, .off = off, .left = len};
    return 0;
}

/* The position and the length of a file piece, when it starts. */
static int start(piece *p) {
    int64_t size, pos;
    int err = sys__file_info(p->fd, &size, &pos);
    if (err)
        return err;
    if (p->at_pos)
        p->off = pos;
    if (p->to_end)
        p->left = size > p->off ? (uint64_t)(size - p->off) : 0;
    p->started = TRUE;
    return 0;
}

/* A file piece is done: move the position past it if it started there. */
static int finish_piece(piece *p) {
    return p->fd < 0 || !p->at_pos ? 0 : sys__file_seek(p->fd, p->off);
}

static int send_datagram(wsp__sock *so, piece *p, size_t *done) {
    size_t sent = 0;
    if (p->fd < 0) {
        int err = sys__send(so->fd, p->buf, (size_t)p->left, 0, &sent);
        if (!err)
            *done += sent;
        return err;
    }
    if (p->left > DGRAM_MAX)
        return WSAEMSGSIZE;
    char *buf = malloc(p->left ? (size_t)p->left : 1);
    if (!buf)
        return WSAENOBUFS;
    size_t got = 0;
    int err = sys__pread(p->fd, buf, (size_t)p->left, p->off, &got);
    if (!err)
        err = sys__send(so->fd, buf, got, 0, &sent);
    free(buf);
    if (!err) {
        p->off += (int64_t)got;
        *done += sent;
    }
    return err;
}

int wsp__xmit_step(wsp__sock *so, wsp__xmit *x, size_t *done) {
    while (x->i < x->n) {
        piece *p = &x->p[x->i];
        int err = p->started ? 0 : start(p);
        if (err)
            return err;
        if (x->datagram) {
            if ((err = send_datagram(so, p, done)) != 0)
                return err;
            p->left = 0;
        }
        while (p->left) {
            size_t sent = 0, want = p->left > 0x40000000u ? 0x40000000u : (size_t)p->left;
            err = p->fd < 0 ? sys__send(so->fd, p->buf, want, 0, &sent)
                            : sys__sendfile(so->fd, p->fd, p->off, want, &sent);
            if (err)
                return err;
            if (sent == 0 && p->fd >= 0)
                break; /* the file ended before the length asked */
            if (p->fd < 0)
                p->buf += sent;
            else
                p->off += (int64_t)sent;
            p->left -= sent;
            *done += sent;
        }
        if ((err = finish_piece(p)) != 0)
            return err;
        x->i++;
    }
    if (x->disconnect) {
        x->disconnect = FALSE;
        int err = sys__shutdown(so->fd, SD_SEND);
        if (err && err != WSAENOTCONN)
            return err;
        atomic_fetch_or(&so->shut, SD_SEND_BIT);
        x->reuse_due = x->reuse;
    }
    return 0;
}

BOOL wsp__xmit_reuse_due(wsp__xmit *x) {
    BOOL due = x->reuse_due;
    x->reuse_due = FALSE;
    return due;
}

/* Blocking: until all is sent, waiting as the other blocking calls do
 * (alertably; a closesocket from another thread ends it with WSAEINTR). It
 * waits even on a non-blocking socket: stopping part way would leave the
 * caller no way to know where. */
static int run_blocking(wsp__sock *so, wsp__xmit *x, DWORD *bytes) {
    wsp__timer t = {atomic_load(&so->sndtimeo), 0};
    size_t done = 0;
    int err;
    while ((err = wsp__xmit_step(so, x, &done)) == WSAEWOULDBLOCK)
        if ((err = wsp__wait(so, WSP__WAIT_WRITE, &t, NULL)) != 0)
            break;
    if (!err && wsp__xmit_reuse_due(x))
        err = wsp__sock_reuse(so);
    *bytes = (DWORD)done;
    return err;
}

/* Send the plan: overlapped on an overlapped socket, else at once (and,
 * with an OVERLAPPED, completed through it: F47). Takes x. */
static int run(wsp__sock *so, wsp__xmit *x, LPOVERLAPPED ov, DWORD *bytes) {
    /* sendfile(2) has no MSG_DONTWAIT: the descriptor must stay
     * O_NONBLOCK (a blocking receive may have switched it, io.c). */
    wsp__kblock_never(so);
    if (ov && (so->flags & WSA_FLAG_OVERLAPPED))
        return wsp__ovl_transmit(so, x, ov, bytes);
    int err = run_blocking(so, x, bytes);
    wsp__xmit_free(x);
    if (ov && !err)
        wsp__ovl_complete_now(ov, NULL, NULL, 0, *bytes, 0);
    return err;
}

static BOOL result(int err) {
    WSASetLastError(err);
    return err ? FALSE : TRUE;
}

/* The end of both calls: the plan checked (err 0) is sent; x and the
 * reference on so are let go. */
static BOOL submit(wsp__sock *so, wsp__xmit *x, int err, LPOVERLAPPED ov) {
    DWORD bytes = 0;
    if (err)
        wsp__xmit_free(x);
    else
        err = run(so, x, ov, &bytes);
    wsp__sock_put(so);
    return result(err);
}

static int sendable(wsp__sock *so, BOOL stream_only) {
    int st = atomic_load(&so->state);
    if (stream_only && so->type != SOCK_STREAM && so->type != SOCK_SEQPACKET)
        return WSAENOTCONN; /* F233: a UDP socket (the page: connection-oriented types only) */
    if (st != WSP__S_CONNECTED && !(st == WSP__S_CONNECTING && wsp__connect_settled(so)))
        return WSAENOTCONN; /* F233 */
    if (atomic_load(&so->shut) & SD_SEND_BIT)
        return WSAESHUTDOWN;
    return 0;
}


static int flags_ok(DWORD flags) {
    return !(flags & ~(DWORD)XMIT_FLAGS) && (!(flags & TF_REUSE_SOCKET) || (flags & TF_DISCONNECT));
}

BOOL WINAPI wsp__TransmitFile(SOCKET hSocket, HANDLE hFile, DWORD nNumberOfBytesToWrite, DWORD nNumberOfBytesPerSend,
                              LPOVERLAPPED lpOverlapped, LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers, DWORD dwReserved) {
    (void)nNumberOfBytesPerSend;
    int err;
    wsp__sock *so = wsp__sock_get_other(hSocket, &err);
    if (!so)
        return result(WSAENOTSOCK); /* F92 */
    const TRANSMIT_FILE_BUFFERS *tb = lpTransmitBuffers;
    wsp__xmit *x = NULL;
    /* The last parameter carries the TF_* flags (named dwReserved in the
     * headers, dwFlags on the reference page). */
    if (!flags_ok(dwReserved))
        err = WSAEINVAL;
    else if (tb && ((!tb->Head && tb->HeadLength) || (!tb->Tail && tb->TailLength)))
        err = WSAEFAULT;
    else if ((err = sendable(so, TRUE)) != 0)
        ;
    else if ((x = plan_new(3)) == NULL)
        err = WSAENOBUFS;
    else {
        if (tb && tb->HeadLength)
            add_memory(x, tb->Head, tb->HeadLength);
        if (hFile) {
            int64_t off = -1;
            if (lpOverlapped)
                off = (int64_t)(((uint64_t)lpOverlapped->OffsetHigh << 32) | lpOverlapped->Offset);
            err = add_file(x, hFile, off, nNumberOfBytesToWrite);
        }
        if (!err && tb && tb->TailLength)
            add_memory(x, tb->Tail, tb->TailLength);
        x->disconnect = (dwReserved & TF_DISCONNECT) != 0;
        x->reuse = x->disconnect && (dwReserved & TF_REUSE_SOCKET);
    }
    return submit(so, x, err, lpOverlapped);
}

BOOL WINAPI wsp__TransmitPackets(SOCKET hSocket, LPTRANSMIT_PACKETS_ELEMENT lpPacketArray, DWORD nElementCount,
                                 DWORD nSendSize, LPOVERLAPPED lpOverlapped, DWORD dwFlags) {
    (void)nSendSize;
    int err;
    wsp__sock *so = wsp__sock_get_other(hSocket, &err);
    if (!so)
        return result(WSAENOTSOCK);
    wsp__xmit *x = NULL;
    if (!flags_ok(dwFlags))
        err = WSAEINVAL;
    else if (nElementCount && !lpPacketArray)
        err = WSAEFAULT;
    else if ((err = sendable(so, FALSE)) != 0)
        ;
    else if ((x = plan_new(nElementCount)) == NULL)
        err = WSAENOBUFS;
    else {
        x->datagram = so->type != SOCK_STREAM;
        x->disconnect = x->datagram ? FALSE : (dwFlags & TP_DISCONNECT) != 0;
        x->reuse = x->disconnect && (dwFlags & TP_REUSE_SOCKET);
        for (DWORD i = 0; i < nElementCount && !err; i++) {
            const TRANSMIT_PACKETS_ELEMENT *e = &lpPacketArray[i];
            ULONG kind = e->dwElFlags & (TP_ELEMENT_MEMORY | TP_ELEMENT_FILE);
            if ((e->dwElFlags & ~(ULONG)(TP_ELEMENT_MEMORY | TP_ELEMENT_FILE | TP_ELEMENT_EOP)) ||
                (kind != TP_ELEMENT_MEMORY && kind != TP_ELEMENT_FILE))
                err = WSAEINVAL; /* exactly one of memory and file */
            else if (kind == TP_ELEMENT_MEMORY && !e->pBuffer && e->cLength)
                err = WSAEFAULT;
            else if (kind == TP_ELEMENT_MEMORY)
                add_memory(x, e->pBuffer, e->cLength);
            else if (e->nFileOffset.QuadPart < -1)
                err = WSAEINVAL;
            else
                err = add_file(x, e->hFile, e->nFileOffset.QuadPart, e->cLength);
        }
    }
    return submit(so, x, err, lpOverlapped);
}

/* mswsock.dll exports TransmitFile by name (TransmitPackets only through
 * SIO_GET_EXTENSION_FUNCTION_POINTER). */
BOOL WINAPI TransmitFile(SOCKET hSocket, HANDLE hFile, DWORD nNumberOfBytesToWrite, DWORD nNumberOfBytesPerSend,
                         LPOVERLAPPED lpOverlapped, LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers, DWORD dwReserved) {
    return wsp__TransmitFile(hSocket, hFile, nNumberOfBytesToWrite, nNumberOfBytesPerSend, lpOverlapped,
                             lpTransmitBuffers, dwReserved);
}
