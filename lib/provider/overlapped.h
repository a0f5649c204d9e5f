/*
 * Overlapped operations of the base provider (overlapped.c) and the
 * extension functions built on them (extension.c).
 *
 * An overlapped call on an overlapped socket tries its system call at once
 * (non-blocking). Done: the call returns 0 and the completion is still
 * delivered (WSAOVERLAPPED written, event signalled or routine queued), as on
 * Windows. Not done: the operation joins its socket's queue for its direction
 * (FIFO), the call returns WSA_IO_PENDING, and the loop thread finishes it.
 *
 * What a completion writes in the caller's WSAOVERLAPPED, as Windows keeps
 * it: InternalHigh the bytes transferred, Internal an NTSTATUS (0 success,
 * WSS_OPERATION_IN_PROGRESS = STATUS_PENDING while pending; see
 * wsp__ovl_status), and, for receives, Offset the flags WSAGetOverlappedResult
 * gives back (where Wine keeps them too). Internal is written last; after it
 * the structure is the caller's again and nothing here touches it.
 */
#ifndef WS2POSIX_PROVIDER_OVERLAPPED_H
#define WS2POSIX_PROVIDER_OVERLAPPED_H

#include "wsp.h"
#include <mswsock.h>

/* NTSTATUS <-> WSA error, for Internal. */
ULONG_PTR wsp__ovl_status(int wsa_error);
int wsp__ovl_error(ULONG_PTR status);

/* Overlapped send/recv on an overlapped socket (the caller holds a reference
 * on so and has validated the arguments). Returns 0 (completed at once:
 * *bytes and *flags set, completion delivered), WSA_IO_PENDING (queued), or
 * an error code (nothing delivered, the overlapped structure untouched but
 * for Internal). */
int wsp__ovl_send(wsp__sock *so, const WSABUF *b, DWORD n, DWORD flags, const struct sockaddr *to, int tolen,
                  LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid,
                  DWORD *bytes);
int wsp__ovl_recv(wsp__sock *so, const WSABUF *b, DWORD n, DWORD *flags, struct sockaddr *from, LPINT fromlen,
                  LPWSAMSG msg, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid,
                  DWORD *bytes);

/* WSASendMsg: wsp__ovl_send with control data (WSACMSGHDR records, copied). */
int wsp__ovl_sendmsg(wsp__sock *so, const WSABUF *b, DWORD n, DWORD flags, const struct sockaddr *to, int tolen,
                     const void *control, size_t ctl_len, LPWSAOVERLAPPED ov,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid, DWORD *bytes);

/* TransmitFile / TransmitPackets (transmit.c): a plan of memory and file
 * pieces. wsp__xmit_step sends what the socket takes now (0 when all is
 * sent, WSAEWOULDBLOCK to come back, or an error), adding to *done;
 * wsp__ovl_transmit queues it as an operation of the write direction and
 * takes x. */
typedef struct wsp__xmit wsp__xmit;
int wsp__xmit_step(wsp__sock *so, wsp__xmit *x, size_t *done);
void wsp__xmit_free(wsp__xmit *x);
/* The plan has disconnected with TF_REUSE_SOCKET / TP_REUSE_SOCKET: TRUE
 * once, then the caller renews the socket (wsp__sock_reuse) before the
 * completion, outside every queue of the socket. */
BOOL wsp__xmit_reuse_due(wsp__xmit *x);
int wsp__ovl_transmit(wsp__sock *so, wsp__xmit *x, LPWSAOVERLAPPED ov, DWORD *bytes);

/* AcceptEx / ConnectEx / DisconnectEx work (extension.c validates). */
int wsp__ovl_accept(wsp__sock *l, wsp__sock *a, char *out, DWORD recvlen, DWORD locallen, DWORD remotelen,
                    LPWSAOVERLAPPED ov, DWORD *bytes);
int wsp__ovl_connect(wsp__sock *so, const struct sockaddr *name, int namelen, const char *data, DWORD datalen,
                     LPWSAOVERLAPPED ov, DWORD *bytes);

/* Deliver a completion for work finished synchronously (an overlapped
 * WSAIoctl, DisconnectEx, an overlapped call on a non-overlapped socket).
 * _on posts a packet to the completion port of s too, as every completion
 * does on Windows; _now does not (no socket to look at). */
void wsp__ovl_complete_now(LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid,
                           int err, DWORD bytes, DWORD flags);
void wsp__ovl_complete_on(SOCKET s, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID tid, int err, DWORD bytes, DWORD flags);

/* WPUCompleteOverlappedRequest: InternalHigh, then Internal (Offset and
 * OffsetHigh are left to the provider); returns the event to signal, read
 * before the structure went back to its owner. */
HANDLE wsp__ovl_complete_request(LPWSAOVERLAPPED ov, int err, DWORD bytes);

/* Internal says pending (before the operation can complete elsewhere). */
void wsp__ovl_mark_pending(LPWSAOVERLAPPED ov);
/* Wait, not alertably, until ov (without an event) is complete; its error. */
int wsp__ovl_wait(LPWSAOVERLAPPED ov);

/* The last handle onto so's socket is closed (`aborting` set: WSPCloseSocket,
 * share.c): complete every pending operation of so (aborted), on the loop
 * thread. */
void wsp__ovl_abort(wsp__sock *so);
/* Loop thread, TF_REUSE_SOCKET (reuse.c): complete every pending operation
 * of so (aborted) and stop polling for them, before its descriptor is
 * renewed. */
void wsp__ovl_reset(wsp__sock *so);

BOOL WSPAPI wsp__WSPGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer, BOOL fWait,
                                        LPDWORD lpdwFlags, LPINT lpErrno);

/* extension.c: SIO_GET_EXTENSION_FUNCTION_POINTER targets. */
BOOL WINAPI wsp__AcceptEx(SOCKET, SOCKET, PVOID, DWORD, DWORD, DWORD, LPDWORD, LPOVERLAPPED);
VOID WINAPI wsp__GetAcceptExSockaddrs(PVOID, DWORD, DWORD, DWORD, struct sockaddr **, LPINT, struct sockaddr **,
                                      LPINT);
BOOL WINAPI wsp__ConnectEx(SOCKET, const struct sockaddr *, int, PVOID, DWORD, LPDWORD, LPOVERLAPPED);
BOOL WINAPI wsp__DisconnectEx(SOCKET, LPOVERLAPPED, DWORD, DWORD);
INT WINAPI wsp__WSARecvMsg(SOCKET, LPWSAMSG, LPDWORD, LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE);
INT WSAAPI wsp__WSASendMsg(SOCKET, LPWSAMSG, DWORD, LPDWORD, LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE);
BOOL WINAPI wsp__TransmitFile(SOCKET, HANDLE, DWORD, DWORD, LPOVERLAPPED, LPTRANSMIT_FILE_BUFFERS, DWORD);
BOOL WINAPI wsp__TransmitPackets(SOCKET, LPTRANSMIT_PACKETS_ELEMENT, DWORD, DWORD, LPOVERLAPPED, DWORD);
/* SIO_EXT_SENDMSG (ioctl.c): WSASendMsg as WS2_32 hands it to the provider;
 * 0 or the WSA error (WSA_IO_PENDING included). */
int wsp__ext_sendmsg(wsp__sock *so, const WSASENDMSG *a, LPWSATHREADID tid);

#endif
