/* ioctlsocket / WSAIoctl: look up, call down (WSPIoctl of the socket's
 * provider), set the error. ioctlsocket is WSAIoctl with argp as both the
 * input and the output buffer, 4 bytes each, as on Windows. */
#include "ws2.h"

int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer,
                    DWORD cbOutBuffer, LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    ws2__socket *so = ws2__handle_get(s);
    if (!so || !so->provider) {
        if (so)
            ws2__handle_put(s);
        return ws2__fail(WSAENOTSOCK);
    }
    /* The thread a completion routine is queued to. */
    WSATHREADID thread = {0}, *lpThreadId = NULL;
    if (lpOverlapped && lpCompletionRoutine && ws2__upcalls.lpWPUOpenCurrentThread(&thread, &err) == 0)
        lpThreadId = &thread;
    int r = so->provider->procs.lpWSPIoctl(s, dwIoControlCode, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer,
                                           lpcbBytesReturned, lpOverlapped, lpCompletionRoutine, lpThreadId, &err);
    if (lpThreadId) /* the provider took its own reference if it keeps the id */
        ws2__upcalls.lpWPUCloseThread(lpThreadId, &(int){0});
    ws2__handle_put(s);
    if (r == SOCKET_ERROR)
        return ws2__fail(err);
    WSASetLastError(0); /* F183, F185 */
    return 0;
}

int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long *argp) {
    int err = ws2__enter();
    if (err)
        return ws2__fail(err);
    DWORD bytes = 0;
    /* A NULL argp reaches the provider, which answers WSAEFAULT (F182). */
    return WSAIoctl(s, (DWORD)cmd, argp, argp ? sizeof *argp : 0, argp, argp ? sizeof *argp : 0, &bytes, NULL,
                    NULL);
}
