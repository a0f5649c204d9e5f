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
 * The size of each send. TransmitFile's nNumberOfBytesPerSend and
 * TransmitPackets' nSendSize give the size of the block each send carries,
 * 0 letting the sockets layer choose (reference pages); nSendSize
 * 0xFFFFFFFF lets the caller shape each send request out of elements with
 * TP_ELEMENT_EOP, which keeps an element from being combined with the next
 * one in a single send request, for control of each message's content on a
 * datagram socket (TRANSMIT_PACKETS_ELEMENT). No page names an error for
 * any value, so none is refused. (The TransmitPackets page writes the value
 * 0xFFFFFFF, seven F's; as a size it is larger than any datagram, so on a
 * datagram socket it cuts where 0xFFFFFFFF does.)
 *
 * Stream sockets: no send handed to the kernel (send(2) of memory,
 * sendfile(2) of a file range, pread + send where sendfile refuses the
 * descriptor) carries more than nNumberOfBytesPerSend / nSendSize bytes; 0
 * and 0xFFFFFFFF leave the size to the kernel, as before. A send never spans
 * two pieces (head, file, tail; elements), so TP_ELEMENT_EOP has nothing
 * more to separate. The byte stream is the same whatever the sizes.
 *
 * Datagram sockets (TransmitPackets only; TransmitFile needs a connected
 * stream, F233): each send request is one datagram, and the pages' words
 * are read literally. The elements' bytes, in order, are cut into
 * datagrams
 *   - after an element flagged TP_ELEMENT_EOP, and after the last element:
 *     the elements between two cuts (a group) are combined;
 *   - and, within a group, every nSendSize bytes: nSendSize N gives
 *     datagrams of N bytes, the group's last one shorter (an element longer
 *     than N spans datagrams); nSendSize 0, the size the sockets layer
 *     chooses, is the socket's largest message, SO_MAX_MSG_SIZE (65467 for
 *     UDP); 0xFFFFFFFF cuts at TP_ELEMENT_EOP and the end only.
 * A group without a byte (empty elements ending in TP_ELEMENT_EOP) is one
 * empty datagram, as send(s, buf, 0, 0) is. A datagram is gathered into one
 * buffer, files read with pread(2), and sent with one send(2); one larger
 * than an IP datagram can carry (65535 bytes) fails with WSAEMSGSIZE, as a
 * send of it would, the datagrams before it sent.
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
#define DGRAM_MAX 65535 /* the most an IP datagram can carry */
#define SEND_MAX 0x40000000u /* the most one memory send hands the kernel */

typedef struct piece {
    const char *buf; /* memory (fd -1) */
    int fd;          /* a file range (fd >= 0) */
    BOOL at_pos;  /* starts at the file's position, moves it on */
    BOOL to_end;  /* length 0: up to the end of the file */
    BOOL started;
    BOOL eop;     /* TP_ELEMENT_EOP: the datagram ends with this piece */
    int64_t off;
    uint64_t left;
} piece;

struct wsp__xmit {
    DWORD n, i; /* pieces, the one under way */
    BOOL datagram;
    BOOL disconnect;
    BOOL reuse;     /* with disconnect: TF_REUSE_SOCKET */
    BOOL reuse_due; /* disconnected, the renewal is the caller's */
    uint64_t per_send; /* stream: the most bytes one send carries; 0, the kernel's choice */
    uint64_t dgram;    /* datagram: the most bytes one datagram carries before a cut */
    BOOL in_group;     /* datagram: the group under way was already cut by size */
    BOOL pending;      /* datagram: buf[0, len) is gathered and not yet sent */
    char *buf;
    size_t len;
    piece p[];
};

void wsp__xmit_free(wsp__xmit *x) {
    if (x)
        free(x->buf);
    free(x);
}

static wsp__xmit *plan_new(DWORD n) {
    wsp__xmit *x = calloc(1, sizeof *x + (size_t)n * sizeof(piece));
    return x;
}

static void add_memory(wsp__xmit *x, const void *buf, DWORD len, BOOL eop) {
    x->p[x->n++] = (piece){.buf = buf, .fd = -1, .left = len, .started = TRUE, .eop = eop};
}

/* A file piece: the descriptor must be a readable, seekable file. */
static int add_file(wsp__xmit *x, HANDLE h, int64_t off, DWORD len, BOOL eop) {
    INT_PTR fd = (INT_PTR)h;
    int64_t size, pos;
    if (fd < 0 || fd > 0x7fffffff)
        return WSA_INVALID_HANDLE;
    int err = sys__file_info((int)fd, &size, &pos);
    if (err)
        return err;
    x->p[x->n++] =
        (piece){.fd = (int)fd, .at_pos = off < 0, .to_end = len == 0, .eop = eop, .off = off, .left = len};
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

/* Up to `want` bytes of a file piece into dst; fewer only where the file
 * ends first, which ends the piece. */
static int read_piece(piece *p, char *dst, size_t want, size_t *got) {
    size_t total = 0;
    while (total < want) {
        size_t n = 0;
        int err = sys__pread(p->fd, dst + total, want - total, p->off, &n);
        if (err)
            return err;
        if (n == 0)
            break;
        total += n;
        p->off += (int64_t)n;
    }
    *got = total;
    return 0;
}

/* The next datagram into x->buf: bytes of the pieces from x->i on, until
 * x->dgram bytes (a cut by size), the end of a TP_ELEMENT_EOP piece or the
 * end of the last piece (a group's end). Pieces used up are finished here,
 * so a file piece at its file's position starts after the one before it has
 * moved that position on. Sets x->pending unless there is nothing to send
 * (a group without a byte after a cut by size). */
static int gather(wsp__xmit *x) {
    BOOL ends = TRUE;
    x->len = 0;
    while (x->i < x->n) {
        piece *p = &x->p[x->i];
        int err = p->started ? 0 : start(p);
        if (err)
            return err;
        if (p->left) {
            if (x->len == x->dgram) {
                ends = FALSE; /* cut by size: this piece goes on in the next one */
                break;
            }
            uint64_t room = x->dgram - x->len;
            size_t take = (size_t)(p->left < room ? p->left : room), got = take;
            if (x->len + take > DGRAM_MAX)
                return WSAEMSGSIZE;
            if (!x->buf && !(x->buf = malloc(x->dgram < DGRAM_MAX ? (size_t)x->dgram : DGRAM_MAX)))
                return WSAENOBUFS;
            if (p->fd < 0) {
                memcpy(x->buf + x->len, p->buf, take);
                p->buf += take;
            } else if ((err = read_piece(p, x->buf + x->len, take, &got)) != 0) {
                return err;
            }
            x->len += got;
            p->left = got < take ? 0 : p->left - take;
            continue;
        }
        if ((err = finish_piece(p)) != 0)
            return err;
        x->i++;
        if (p->eop)
            break;
    }
    x->pending = x->len > 0 || (ends && !x->in_group);
    x->in_group = !ends;
    return 0;
}

/* Datagram sockets: gather a datagram, send it, and again. A datagram the
 * socket cannot take now stays gathered for the next step. */
static int step_datagrams(wsp__sock *so, wsp__xmit *x, size_t *done) {
    for (;;) {
        if (x->pending) {
            size_t sent = 0;
            int err = sys__send(so->fd, x->buf, x->len, 0, &sent);
            if (err)
                return err;
            x->pending = FALSE;
            *done += sent;
        }
        if (x->i >= x->n)
            return 0;
        int err = gather(x);
        if (err)
            return err;
    }
}

/* Stream sockets: each piece in sends of at most x->per_send bytes. */
static int step_stream(wsp__sock *so, wsp__xmit *x, size_t *done) {
    while (x->i < x->n) {
        piece *p = &x->p[x->i];
        int err = p->started ? 0 : start(p);
        if (err)
            return err;
        while (p->left) {
            uint64_t want = p->left;
            if (x->per_send && want > x->per_send)
                want = x->per_send;
            if (p->fd < 0 && want > SEND_MAX)
                want = SEND_MAX;
            size_t sent = 0;
            err = p->fd < 0 ? sys__send(so->fd, p->buf, (size_t)want, 0, &sent)
                            : sys__sendfile(so->fd, p->fd, p->off, (size_t)want, &sent);
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
    return 0;
}

int wsp__xmit_step(wsp__sock *so, wsp__xmit *x, size_t *done) {
    int err = x->datagram ? step_datagrams(so, x, done) : step_stream(so, x, done);
    if (err)
        return err;
    if (x->disconnect) {
        x->disconnect = FALSE;
        err = sys__shutdown(so->fd, SD_SEND);
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

/* TransmitPackets' nSendSize (see the top of the file): on a stream the
 * most one send carries, 0 and 0xFFFFFFFF none; on a datagram socket the
 * most one datagram carries before a cut, 0 the socket's largest message
 * (SO_MAX_MSG_SIZE, options.c), 0xFFFFFFFF no cut but TP_ELEMENT_EOP's. */
#define SEND_SIZE_EOP 0xFFFFFFFFu

static void send_size(wsp__xmit *x, const wsp__sock *so, DWORD n) {
    if (!x->datagram)
        x->per_send = n == SEND_SIZE_EOP ? 0 : n;
    else if (n == SEND_SIZE_EOP)
        x->dgram = UINT64_MAX;
    else if (n)
        x->dgram = n;
    else
        x->dgram = so->info.dwMessageSize && so->info.dwMessageSize < DGRAM_MAX ? so->info.dwMessageSize : DGRAM_MAX;
}

BOOL WINAPI wsp__TransmitFile(SOCKET hSocket, HANDLE hFile, DWORD nNumberOfBytesToWrite, DWORD nNumberOfBytesPerSend,
                              LPOVERLAPPED lpOverlapped, LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers, DWORD dwReserved) {
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
            add_memory(x, tb->Head, tb->HeadLength, FALSE);
        if (hFile) {
            int64_t off = -1;
            if (lpOverlapped)
                off = (int64_t)(((uint64_t)lpOverlapped->OffsetHigh << 32) | lpOverlapped->Offset);
            err = add_file(x, hFile, off, nNumberOfBytesToWrite, FALSE);
        }
        if (!err && tb && tb->TailLength)
            add_memory(x, tb->Tail, tb->TailLength, FALSE);
        x->per_send = nNumberOfBytesPerSend; /* 0: the kernel's choice */
        x->disconnect = (dwReserved & TF_DISCONNECT) != 0;
        x->reuse = x->disconnect && (dwReserved & TF_REUSE_SOCKET);
    }
    return submit(so, x, err, lpOverlapped);
}

BOOL WINAPI wsp__TransmitPackets(SOCKET hSocket, LPTRANSMIT_PACKETS_ELEMENT lpPacketArray, DWORD nElementCount,
                                 DWORD nSendSize, LPOVERLAPPED lpOverlapped, DWORD dwFlags) {
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
        send_size(x, so, nSendSize);
        for (DWORD i = 0; i < nElementCount && !err; i++) {
            const TRANSMIT_PACKETS_ELEMENT *e = &lpPacketArray[i];
            ULONG kind = e->dwElFlags & (TP_ELEMENT_MEMORY | TP_ELEMENT_FILE);
            BOOL eop = (e->dwElFlags & TP_ELEMENT_EOP) != 0;
            if ((e->dwElFlags & ~(ULONG)(TP_ELEMENT_MEMORY | TP_ELEMENT_FILE | TP_ELEMENT_EOP)) ||
                (kind != TP_ELEMENT_MEMORY && kind != TP_ELEMENT_FILE))
                err = WSAEINVAL; /* exactly one of memory and file */
            else if (kind == TP_ELEMENT_MEMORY && !e->pBuffer && e->cLength)
                err = WSAEFAULT;
            else if (kind == TP_ELEMENT_MEMORY)
                add_memory(x, e->pBuffer, e->cLength, eop);
            else if (e->nFileOffset.QuadPart < -1)
                err = WSAEINVAL;
            else
                err = add_file(x, e->hFile, e->nFileOffset.QuadPart, e->cLength, eop);
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
