/*
 * The base provider's internal objects (what mswsock.dll/msafd is on
 * Windows). Windows world above, the seam (sys/sys.h) below.
 */
#ifndef WS2POSIX_WSP_H
#define WS2POSIX_WSP_H

#include <winsock2.h>
#include <ws2spi.h>
#include <stdatomic.h>

#include "sys/sys.h"
#include "loop.h"

/* One socket of the base provider. Its life is tied to its handle: the
 * handle table runs wsp__sock_handle_gone when the handle is freed, and the
 * descriptor is closed when the last user has let go. */
typedef struct wsp__sock {
    /* What select and every call look at first share a cache line: select
     * over 64 sockets touches 64 of these. */
    _Atomic int refs;
    _Atomic int closing;
    int fd;
    _Atomic int state;        /* WSP__S_* below, for the codes Windows gives */
    SOCKET handle;
    int af, type, protocol;
    DWORD flags;              /* WSA_FLAG_* given at creation */
    GROUP group;
    int group_priority;
    WSAPROTOCOL_INFOW info;   /* as received (under a layer: the base entry's own, by the propagation rule) */

    /* Modes set by ioctlsocket/setsockopt and read by the I/O paths. The
     * descriptor is O_NONBLOCK (a blocking call tries the system call, and
     * waits with poll only when it would block), except where io.c lets a
     * connected stream's blocking receives block in the kernel (kblock). */
    _Atomic int nonblocking;  /* FIONBIO */
    _Atomic int kblock;       /* WSP__KB_*: the descriptor's mode (io.c) */
    _Atomic int recv_poll_first; /* io.c: blocking stream receives left that
                                    wait (poll) before trying: the last one
                                    had to wait; a hint, relaxed */
    _Atomic DWORD rcvtimeo;   /* SO_RCVTIMEO, milliseconds, 0 = forever */
    _Atomic DWORD sndtimeo;   /* SO_SNDTIMEO */
    _Atomic int shut;         /* SD_RECEIVE bit 1, SD_SEND bit 2 once shut */
    _Atomic int exclusive;    /* SO_EXCLUSIVEADDRUSE */
    _Atomic int reuseaddr;    /* SO_REUSEADDR as Windows means it */
    _Atomic(void *) deferred; /* WSAAccept CF_DEFER: the connection held back (connect.c) */
    /* connect.c: where a connect()/WSAConnect in progress goes, for
     * getpeername meanwhile (F219); length 0: none, -1: ConnectEx's attempt. */
    _Atomic int connect_tolen;
    SOCKADDR_STORAGE connect_to;

    /* Kept by options.c where the kernel cannot give Windows' answer back. */
    _Atomic int error;        /* SO_ERROR (WSA code): a failed connect seen by
                                 select/WSAPoll/SO_ERROR, or a value set with
                                 setsockopt; reading it does not clear it */
    _Atomic int bufset;       /* WSP__BUF_* bits: SO_RCVBUF / SO_SNDBUF were set */
    _Atomic int rcvbuf, sndbuf; /* the values set (Linux doubles and clamps) */

    /* WSAJoinLeaf (multipoint.c): a member of a session; with JL_BOTH, the
     * group send() goes to (mp_tolen 0: none). */
    _Atomic int mp_joined;
    _Atomic int mp_tolen;
    SOCKADDR_STORAGE mp_to;

    /* Readiness from the loop (ready.c). The watch and the two wants are
     * touched on the loop thread only: overlapped operations (overlapped.c)
     * and WSAEventSelect (eventselect.c) each say what they wait for, and
     * wsp__ready_update polls for the union. */
    struct wsp__watch *watch;
    int ovl_want, evsel_want;     /* WSP__READY_* bits */
    struct wsp__ovl_state *ovl;   /* pending overlapped operations (overlapped.c) */
    _Atomic int ovl_queued[2];    /* overlapped.c: operations queued to the loop and not yet
                                     complete, per direction (0 read, 1 write); any thread */
    /* overlapped.c: operations issued and not yet taken by the loop thread
     * (a stack, newest first); whether the loop polls for reads and takes
     * them when reads come (then an issuer need not wake it); the request
     * that wakes it otherwise, and whether that is on its way. */
    _Atomic(void *) ovl_inbox;
    _Atomic int ovl_armed;
    _Atomic int ovl_drain_queued;
    wsp__loop_req ovl_drain;
    int ovl_linger;               /* loop thread: poll for reads although none is queued */
    struct wsp__evsel_state *evsel; /* WSAEventSelect registration (eventselect.c) */

    /* Closing and sharing (socket.c, share.c). `closing` (above) says this
     * handle is closed: its blocked callers fail. `aborting` says the last
     * handle of this process onto the socket is closed: pending overlapped
     * operations end (F128, F284); for a socket never duplicated in this
     * process both come with its closesocket. */
    _Atomic int aborting;
    /* A socket that was duplicated, or is a duplicate, shares its open file
     * description: shutdown(2) would end the connection for every handle,
     * so its closesocket wakes this handle's own waiters through `wake`, an
     * eventfd (+ 1; 0: none) that wsp__wait polls beside the descriptor.
     * `deaf` counts the waits it cannot reach (a poll begun before the
     * socket had one, a receive blocked in the kernel); with one under way
     * the close still has to shut the descriptor down. */
    _Atomic int wake;
    _Atomic int deaf;
    _Atomic uint64_t share_id;    /* share.c: names the socket in its snapshots (0: never duplicated) */
    _Atomic(struct wsp__twins *) twins; /* share.c: the handles of this process onto the socket */
    struct wsp__sock *twin_next;  /* share.c, under its lock */
    struct wsp__sock *twin_todo;
    int twin_closed, twin_held;

    /* overlapped.c: this socket has been the accept socket of an AcceptEx
     * (then its close looks for that AcceptEx on the listener, F127); the
     * one waiting in a listener's queue now (loop thread only). Last: rare,
     * and the fields above keep their cache lines. */
    _Atomic int ovl_acceptor;
    void *ovl_accept_op;
    _Atomic int excl_held; /* exclusive.c: in its list of exclusive wildcard binds */
    _Atomic int addr_waits; /* addrchange.c: SIO_ADDRESS_LIST_CHANGE requests pending */
    _Atomic int bcast_forced, bcast_app; /* broadcast.c: SO_BROADCAST turned on for a connect (F238) */
} wsp__sock;

enum { WSP__BUF_RCV = 1, WSP__BUF_SND = 2 };

/* kblock: O_NONBLOCK (OFF), being switched, blocking (ON), or O_NONBLOCK for
 * good (NEVER): the loop thread or another process uses the descriptor. */
enum { WSP__KB_NEVER = -1, WSP__KB_OFF = 0, WSP__KB_ON = 1, WSP__KB_SWITCHING = 2 };

/* Before the loop thread, WSAEventSelect/WSAAsyncSelect, a file transfer or
 * another process gets the descriptor: make it O_NONBLOCK for good, so that
 * nothing but io.c's blocking receive can ever block in the kernel (io.c). */
void wsp__kblock_never(wsp__sock *so);

enum { WSP__S_NEW, WSP__S_BOUND, WSP__S_LISTENING, WSP__S_CONNECTING, WSP__S_CONNECTED };

extern WSPUPCALLTABLE wsp__upcalls;
extern BOOL wsp__own_dispatcher;

/* The socket behind s with a reference, or NULL with *err set. The caller
 * holds the handle s (the dispatcher's call on it). */
wsp__sock *wsp__sock_get(SOCKET s, LPINT err);
/* The same for a handle nobody holds for this call (WSAPoll's sockets, and
 * the extension functions' (AcceptEx, ConnectEx, DisconnectEx, WSARecvMsg,
 * TransmitFile, TransmitPackets), which programs call through the pointer
 * SIO_GET_EXTENSION_FUNCTION_POINTER gave, not through the dispatcher): the
 * reference is taken in a quick look (ws2/handles.h), so that a closesocket
 * meanwhile cannot free the socket (or reuse its slot) under us, and only
 * for a handle of ours (another provider's is WSAENOTSOCK). */
wsp__sock *wsp__sock_get_other(SOCKET s, LPINT err);
/* Inside a quick look (ws2/handles.h), own dispatcher only: the socket
 * behind a handle of ours, without a reference; NULL for anything else. */
wsp__sock *wsp__sock_peek(SOCKET s);
void wsp__sock_put(wsp__sock *so);
void wsp__sock_handle_gone(DWORD_PTR context);
/* Hand a new socket object (refs 1, fd open) its SOCKET: use this for every
 * socket the provider makes (WSPSocket, WSPAccept ...). */
SOCKET wsp__sock_publish(wsp__sock *so, DWORD catalog_id, LPINT err);
/* reuse.c, TF_REUSE_SOCKET: the connection ends and so gets a new, unbound
 * socket under the same descriptor number: 0 or a WSA error. Not from
 * inside one of so's overlapped operations on the loop thread. */
int wsp__sock_reuse(wsp__sock *so);
/* AcceptEx (overlapped.c): the accepted connection fd (consumed) becomes
 * so's socket under so's own descriptor number (reuse.c). 0 or a WSA code. */
int wsp__sock_adopt(wsp__sock *so, int fd);

/* Thread state: a blocking call of this thread is in progress. */
extern _Thread_local int wsp__blocking __attribute__((tls_model("initial-exec")));

/* groups.c */
int wsp__group_join(GROUP g, const wsp__sock *so, GROUP *out);
void wsp__group_leave(GROUP g);

/* loop.c: the libuv loop thread, shared by every started entry (loop.h) */

/* ready.c, loop thread only: poll so's descriptor for ovl_want|evsel_want
 * (opening its watch on first need). FALSE if it cannot be watched. */
BOOL wsp__ready_update(wsp__sock *so);
/* Called by ready.c with what the descriptor is ready for; each subsystem
 * does its part and updates its want. */
void wsp__ovl_ready(wsp__sock *so, int ready);
void wsp__evsel_ready(wsp__sock *so, int ready);
/* The last reference is gone: overlapped.c and eventselect.c release their
 * state (on the loop thread). */
void wsp__ovl_release(wsp__sock *so);
void wsp__evsel_release(wsp__sock *so);

/* eventselect.c: WSAEventSelect / WSAAsyncSelect. The calls that re-enable
 * a network event report it here (io.c, connect.c): FD_READ after a recv,
 * FD_OOB after a recv(MSG_OOB), FD_WRITE after a send that would block,
 * FD_ACCEPT after an accept, FD_CONNECT with a new connect attempt;
 * WSP__EVSEL_STATE when the socket's state changed (listen, connect) so
 * that what is watched follows. One atomic load for a socket never
 * selected. */
#define WSP__EVSEL_STATE (1L << 30)
void wsp__evsel_reenable(wsp__sock *so, LONG events);
/* An event selection is in effect (FIONBIO off is then WSAEINVAL, F151). */
int wsp__evsel_active(wsp__sock *so);
/* An accepted socket takes the listener's selection (F142). */
void wsp__evsel_inherit(wsp__sock *listener, wsp__sock *so);
int WSPAPI wsp__WSPEventSelect(SOCKET, WSAEVENT, LONG, LPINT);
int WSPAPI wsp__WSPAsyncSelect(SOCKET, HWND, unsigned int, LONG, LPINT);
int WSPAPI wsp__WSPEnumNetworkEvents(SOCKET, WSAEVENT, LPWSANETWORKEVENTS, LPINT);

/* The WSP functions, one file per area. */
SOCKET WSPAPI wsp__WSPSocket(int, int, int, LPWSAPROTOCOL_INFOW, GROUP, DWORD, LPINT);
int WSPAPI wsp__WSPCloseSocket(SOCKET, LPINT);
int WSPAPI wsp__WSPGetSockOpt(SOCKET, int, int, char *, LPINT, LPINT);
int WSPAPI wsp__WSPSetSockOpt(SOCKET, int, int, const char *, int, LPINT);
INT WSPAPI wsp__WSPStringToAddress(LPWSTR, INT, LPWSAPROTOCOL_INFOW, LPSOCKADDR, LPINT, LPINT);
INT WSPAPI wsp__WSPAddressToString(LPSOCKADDR, DWORD, LPWSAPROTOCOL_INFOW, LPWSTR, LPDWORD, LPINT);
int WSPAPI wsp__WSPIoctl(SOCKET, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPWSAOVERLAPPED,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPWSATHREADID, LPINT);
int WSPAPI wsp__WSPSelect(int, fd_set *, fd_set *, fd_set *, PTIMEVAL const, LPINT);
/* WSAPoll over base-provider handles (the dispatcher calls it directly, as
 * WS2_32 goes straight to AFD): the count, or SOCKET_ERROR with *lpErrno. */
int wsp__poll(WSAPOLLFD *fds, ULONG nfds, INT timeout, LPINT lpErrno);

/* options.c: SO_OOBINLINE is on (urgent data stays in the normal stream). */
int wsp__oobinline(wsp__sock *so);
/* ioctl.c: bytes of normal data queued, as Windows' FIONREAD counts them. */
int wsp__fionread(wsp__sock *so, u_long *avail);
void wsp__fill_notimpl(WSPPROC_TABLE *t);

/* share.c: shared sockets (WSADuplicateSocket). wsp__share_info: lpProtocolInfo
 * is one WSPDuplicateSocket made; WSPSocket then claims it (use once). */
int WSPAPI wsp__WSPDuplicateSocket(SOCKET, DWORD, LPWSAPROTOCOL_INFOW, LPINT);
BOOL wsp__share_info(const WSAPROTOCOL_INFOW *info);
SOCKET wsp__share_claim(LPWSAPROTOCOL_INFOW info, GROUP g, DWORD dwFlags, LPINT lpErrno);
void wsp__share_cleanup(void);
/* WSPCloseSocket, `closing` set: FALSE when so was the last handle of this
 * process onto its socket (its overlapped operations, and those of the
 * handles closed before it, are then aborted: `aborting`); TRUE when another
 * handle still uses the socket: so's pending operations live on (F128). */
BOOL wsp__share_close(wsp__sock *so);
/* so's last reference is gone (socket.c). */
void wsp__share_forget(wsp__sock *so);
/* TF_REUSE_SOCKET (reuse.c): so has a socket of its own now. */
void wsp__share_leave(wsp__sock *so);
/* The wake eventfd of so (see `wake`), -1 when it has none. */
static inline int wsp__wake_fd(wsp__sock *so) { return atomic_load(&so->wake) - 1; }
/* multipoint.c: WSAJoinLeaf and the multipoint ioctls */
SOCKET WSPAPI wsp__WSPJoinLeaf(SOCKET, const struct sockaddr *, int, LPWSABUF, LPWSABUF, LPQOS, LPQOS, DWORD, LPINT);
BOOL wsp__multipoint_dest(wsp__sock *so, const struct sockaddr **to, int *tolen);
int wsp__multipoint_ioctl(wsp__sock *so, DWORD code, const void *in, DWORD cb_in);
/* broadcast.c (F238): a datagram connect to a broadcast address without
 * SO_BROADCAST. Before a connect; the connect the kernel refused with
 * WSAEACCES, tried again; SO_BROADCAST's value while it holds (TRUE: *v was
 * read or set here); whether a sendto to `to` is refused (WSAEACCES). */
void wsp__bcast_unforce(wsp__sock *so);
int wsp__bcast_connect(wsp__sock *so, const struct sockaddr *name, int namelen);
BOOL wsp__bcast_option(wsp__sock *so, BOOL set, int *v);
BOOL wsp__bcast_refused(wsp__sock *so, const struct sockaddr *to, int tolen);
/* addrchange.c: SIO_ADDRESS_LIST_CHANGE (F193); the close's abort of its
 * requests (from wsp__ovl_abort); the last WSPCleanup's, before the loop
 * stops. */
int wsp__addrchange_ioctl(wsp__sock *so, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID tid);
void wsp__addrchange_abort(wsp__sock *so);
void wsp__addrchange_cleanup(void);
/* exclusive.c: SO_EXCLUSIVEADDRUSE wildcard binds of this process (F206).
 * After a bind; when the last reference goes; and whether a bind the kernel
 * refused (EADDRINUSE) is refused by one of them: WSAEACCES then. */
void wsp__excl_bound(wsp__sock *so);
void wsp__excl_forget(wsp__sock *so);
BOOL wsp__excl_denies(wsp__sock *binder, const struct sockaddr *name);
/* ifaces.c: SIO_GET_INTERFACE_LIST, SIO_ADDRESS_LIST_QUERY and
 * SIO_ROUTING_INTERFACE_QUERY; *bytes on success, *lpcb where the code
 * says what an error leaves there. */
int wsp__iface_ioctl(wsp__sock *so, DWORD code, const void *in, DWORD cb_in, void *out, DWORD cb_out,
                     DWORD *bytes, LPDWORD lpcb);

#endif
