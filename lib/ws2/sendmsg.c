/*
 * WSASendMsg. It has no entry in WSPPROC_TABLE: WS2_32 first asks the
 * socket's chain which provider takes it (WSPIoctl SIO_BSP_HANDLE: a layer
 * that wants to see WSASendMsg answers with its own socket, one that passes
 * the ioctl down lets the base provider answer with its socket), then hands
 * the call to that provider as WSPIoctl(SIO_EXT_SENDMSG) with the arguments
 * in a WSASENDMSG block. Done the same way here, so that a layered provider
 * sees (or does not see) the call as it would on Windows.
 * Fact ids (F...) refer to shared/reference/windows-behaviour.md.
 */
#include "ws2.h"

#include <mswsock.h>

/* The built-in base provider's WSPIoctl, for its own handles under a layer
 * (those carry no provider of their own in the handle table). */
int WSPAPI wsp__WSPIoctl(SOCKET, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPWSAOVERLAPPED,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPWSATHREADID, LPINT);

int WSAAPI WSASendMsg(SOCKET Handle, LPWSAMSG lpMsg, DWORD dwFlags, LPDWORD lpNumberOfBytesSent,
                      LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int err;
    ws2__provider *p = ws2__lookup(Handle, &err);
    if (!p)
        return ws2__fail(err); /* F89 */
    WSATHREADID tid;
    LPWSATHREADID t = NULL;
    if (lpOverlapped && lpCompletionRoutine && WPUOpenCurrentThread(&tid, &err) == 0)
        t = &tid;
    LPWSPIOCTL ioctl = p->procs.lpWSPIoctl;
    SOCKET target = Handle, bsp = INVALID_SOCKET;
    DWORD n = 0;
    if (p->procs.lpWSPIoctl(Handle, SIO_BSP_HANDLE, NULL, 0, &bsp, sizeof bsp, &n, NULL, NULL, NULL, &err) == 0 &&
        bsp != Handle && bsp != INVALID_SOCKET) {
        ws2__socket *b = ws2__handle_get(bsp);
        if (b && (b->provider || b->ifs)) {
            target = bsp;
            ioctl = b->provider ? b->provider->procs.lpWSPIoctl : wsp__WSPIoctl;
        } else if (b) {
            ws2__handle_put(bsp);
        }
    }
    WSASENDMSG a = {lpMsg, dwFlags, lpNumberOfBytesSent, lpOverlapped, lpCompletionRoutine};
    int r = ioctl(target, SIO_EXT_SENDMSG, &a, sizeof a, NULL, 0, &n, NULL, NULL, t, &err);
    if (target != Handle)
        ws2__handle_put(target);
    if (t)
        WPUCloseThread(t, &(int){0});
    return ws2__result(Handle, r, err);
}
