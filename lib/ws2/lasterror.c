/* The per-thread last error. Providers report through lpErrno; only the
 * dispatcher writes here. GetLastError shares it, as on Windows. */
#include "ws2.h"

#include <windows.h>

/* initial-exec: read and written by every API call, without a __tls_get_addr call */
static _Thread_local int last_error __attribute__((tls_model("initial-exec")));

int ws2__fail(int code) {
    last_error = code;
    return SOCKET_ERROR;
}

int WSAAPI WSAGetLastError(void) { return last_error; }
void WSAAPI WSASetLastError(int iError) { last_error = iError; }
DWORD WINAPI GetLastError(void) { return (DWORD)last_error; }
void WINAPI SetLastError(DWORD dwErrCode) { last_error = (int)dwErrCode; }
