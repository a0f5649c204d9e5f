/*
 * The parts of the Winsock API that ws2posix does not provide: namespace
 * providers and service registration, QoS templates, the window-message
 * lookups, connect-by-name, GetAddrInfoEx. Each answers what Windows answers
 * when a feature is absent, WSAEOPNOTSUPP unless another code is documented
 * for it, and never touches its arguments. The README's status table lists
 * them.
 */
#include "ws2.h"

#include <ws2tcpip.h>
#include <sporder.h>

#define UNSUPPORTED(ret)                  \
    do {                                  \
        WSASetLastError(WSAEOPNOTSUPP);   \
        return ret;                       \
    } while (0)
#define UNSUPPORTED_ERRNO(ret)                  \
    do {                                        \
        if (lpErrno)                            \
            *lpErrno = WSAEOPNOTSUPP;           \
        return ret;                             \
    } while (0)

/* ---- window-message lookups (there is no asynchronous lookup here) ---- */

HANDLE WSAAPI WSAAsyncGetServByName(HWND hWnd, u_int wMsg, const char *name, const char *proto, char *buf,
                                    int buflen) {
    (void)hWnd, (void)wMsg, (void)name, (void)proto, (void)buf, (void)buflen;
    UNSUPPORTED(NULL);
}
HANDLE WSAAPI WSAAsyncGetServByPort(HWND hWnd, u_int wMsg, int port, const char *proto, char *buf, int buflen) {
    (void)hWnd, (void)wMsg, (void)port, (void)proto, (void)buf, (void)buflen;
    UNSUPPORTED(NULL);
}
HANDLE WSAAPI WSAAsyncGetProtoByName(HWND hWnd, u_int wMsg, const char *name, char *buf, int buflen) {
    (void)hWnd, (void)wMsg, (void)name, (void)buf, (void)buflen;
    UNSUPPORTED(NULL);
}
HANDLE WSAAPI WSAAsyncGetProtoByNumber(HWND hWnd, u_int wMsg, int number, char *buf, int buflen) {
    (void)hWnd, (void)wMsg, (void)number, (void)buf, (void)buflen;
    UNSUPPORTED(NULL);
}
HANDLE WSAAPI WSAAsyncGetHostByName(HWND hWnd, u_int wMsg, const char *name, char *buf, int buflen) {
    (void)hWnd, (void)wMsg, (void)name, (void)buf, (void)buflen;
    UNSUPPORTED(NULL);
}
HANDLE WSAAPI WSAAsyncGetHostByAddr(HWND hWnd, u_int wMsg, const char *addr, int len, int type, char *buf,
                                    int buflen) {
    (void)hWnd, (void)wMsg, (void)addr, (void)len, (void)type, (void)buf, (void)buflen;
    UNSUPPORTED(NULL);
}
/* No asynchronous request can exist, so every handle is not one:
 * WSAEINVAL, the page's code for an unknown request. */
int WSAAPI WSACancelAsyncRequest(HANDLE hAsyncTaskHandle) {
    (void)hAsyncTaskHandle;
    int err = ws2__enter();
    return ws2__fail(err ? err : WSAEINVAL);
}

/* ---- connect by name, QoS ---- */

BOOL WSAAPI WSAConnectByList(SOCKET s, PSOCKET_ADDRESS_LIST SocketAddressList, LPDWORD LocalAddressLength,
                             LPSOCKADDR LocalAddress, LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                             const struct timeval *timeout, LPWSAOVERLAPPED Reserved) {
    (void)s, (void)SocketAddressList, (void)LocalAddressLength, (void)LocalAddress, (void)RemoteAddressLength;
    (void)RemoteAddress, (void)timeout, (void)Reserved;
    UNSUPPORTED(FALSE);
}
BOOL WSAAPI WSAConnectByNameA(SOCKET s, LPSTR nodename, LPSTR servicename, LPDWORD LocalAddressLength,
                              LPSOCKADDR LocalAddress, LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct timeval *timeout, LPWSAOVERLAPPED Reserved) {
    (void)s, (void)nodename, (void)servicename, (void)LocalAddressLength, (void)LocalAddress;
    (void)RemoteAddressLength, (void)RemoteAddress, (void)timeout, (void)Reserved;
    UNSUPPORTED(FALSE);
}
BOOL WSAAPI WSAConnectByNameW(SOCKET s, LPWSTR nodename, LPWSTR servicename, LPDWORD LocalAddressLength,
                              LPSOCKADDR LocalAddress, LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct timeval *timeout, LPWSAOVERLAPPED Reserved) {
    (void)s, (void)nodename, (void)servicename, (void)LocalAddressLength, (void)LocalAddress;
    (void)RemoteAddressLength, (void)RemoteAddress, (void)timeout, (void)Reserved;
    UNSUPPORTED(FALSE);
}
BOOL WSAAPI WSAGetQOSByName(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS) {
    (void)s, (void)lpQOSName, (void)lpQOS;
    UNSUPPORTED(FALSE);
}

/* ---- namespace providers and services ---- */

INT WSAAPI WSALookupServiceBeginA(LPWSAQUERYSETA lpqsRestrictions, DWORD dwControlFlags, LPHANDLE lphLookup) {
    (void)lpqsRestrictions, (void)dwControlFlags, (void)lphLookup;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSALookupServiceBeginW(LPWSAQUERYSETW lpqsRestrictions, DWORD dwControlFlags, LPHANDLE lphLookup) {
    (void)lpqsRestrictions, (void)dwControlFlags, (void)lphLookup;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSALookupServiceNextA(HANDLE hLookup, DWORD dwControlFlags, LPDWORD lpdwBufferLength,
                                 LPWSAQUERYSETA lpqsResults) {
    (void)hLookup, (void)dwControlFlags, (void)lpdwBufferLength, (void)lpqsResults;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSALookupServiceNextW(HANDLE hLookup, DWORD dwControlFlags, LPDWORD lpdwBufferLength,
                                 LPWSAQUERYSETW lpqsResults) {
    (void)hLookup, (void)dwControlFlags, (void)lpdwBufferLength, (void)lpqsResults;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSANSPIoctl(HANDLE hLookup, DWORD dwControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                       LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                       LPWSACOMPLETION lpCompletion) {
    (void)hLookup, (void)dwControlCode, (void)lpvInBuffer, (void)cbInBuffer, (void)lpvOutBuffer;
    (void)cbOutBuffer, (void)lpcbBytesReturned, (void)lpCompletion;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSALookupServiceEnd(HANDLE hLookup) {
    (void)hLookup;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAInstallServiceClassA(LPWSASERVICECLASSINFOA lpServiceClassInfo) {
    (void)lpServiceClassInfo;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAInstallServiceClassW(LPWSASERVICECLASSINFOW lpServiceClassInfo) {
    (void)lpServiceClassInfo;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSARemoveServiceClass(LPGUID lpServiceClassId) {
    (void)lpServiceClassId;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAGetServiceClassInfoA(LPGUID lpProviderId, LPGUID lpServiceClassId, LPDWORD lpdwBufSize,
                                   LPWSASERVICECLASSINFOA lpServiceClassInfo) {
    (void)lpProviderId, (void)lpServiceClassId, (void)lpdwBufSize, (void)lpServiceClassInfo;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAGetServiceClassInfoW(LPGUID lpProviderId, LPGUID lpServiceClassId, LPDWORD lpdwBufSize,
                                   LPWSASERVICECLASSINFOW lpServiceClassInfo) {
    (void)lpProviderId, (void)lpServiceClassId, (void)lpdwBufSize, (void)lpServiceClassInfo;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAEnumNameSpaceProvidersA(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOA lpnspBuffer) {
    (void)lpdwBufferLength, (void)lpnspBuffer;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAEnumNameSpaceProvidersW(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOW lpnspBuffer) {
    (void)lpdwBufferLength, (void)lpnspBuffer;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAEnumNameSpaceProvidersExA(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOEXA lpnspBuffer) {
    (void)lpdwBufferLength, (void)lpnspBuffer;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAEnumNameSpaceProvidersExW(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOEXW lpnspBuffer) {
    (void)lpdwBufferLength, (void)lpnspBuffer;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAGetServiceClassNameByClassIdA(LPGUID lpServiceClassId, LPSTR lpszServiceClassName,
                                            LPDWORD lpdwBufferLength) {
    (void)lpServiceClassId, (void)lpszServiceClassName, (void)lpdwBufferLength;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAGetServiceClassNameByClassIdW(LPGUID lpServiceClassId, LPWSTR lpszServiceClassName,
                                            LPDWORD lpdwBufferLength) {
    (void)lpServiceClassId, (void)lpszServiceClassName, (void)lpdwBufferLength;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSASetServiceA(LPWSAQUERYSETA lpqsRegInfo, WSAESETSERVICEOP essoperation, DWORD dwControlFlags) {
    (void)lpqsRegInfo, (void)essoperation, (void)dwControlFlags;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSASetServiceW(LPWSAQUERYSETW lpqsRegInfo, WSAESETSERVICEOP essoperation, DWORD dwControlFlags) {
    (void)lpqsRegInfo, (void)essoperation, (void)dwControlFlags;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAProviderConfigChange(LPHANDLE lpNotificationHandle, LPWSAOVERLAPPED lpOverlapped,
                                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    (void)lpNotificationHandle, (void)lpOverlapped, (void)lpCompletionRoutine;
    UNSUPPORTED(SOCKET_ERROR);
}

/* ---- GetAddrInfoEx: these return the error code itself ---- */

INT WSAAPI GetAddrInfoExA(PCSTR pName, PCSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXA *hints, PADDRINFOEXA *ppResult, struct timeval *timeout,
                          LPOVERLAPPED lpOverlapped, LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle) {
    (void)pName, (void)pServiceName, (void)dwNameSpace, (void)lpNspId, (void)hints, (void)ppResult;
    (void)timeout, (void)lpOverlapped, (void)lpCompletionRoutine, (void)lpNameHandle;
    WSASetLastError(WSAEOPNOTSUPP);
    return WSAEOPNOTSUPP;
}
INT WSAAPI GetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXW *hints, PADDRINFOEXW *ppResult, struct timeval *timeout,
                          LPOVERLAPPED lpOverlapped, LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle) {
    (void)pName, (void)pServiceName, (void)dwNameSpace, (void)lpNspId, (void)hints, (void)ppResult;
    (void)timeout, (void)lpOverlapped, (void)lpCompletionRoutine, (void)lpNameHandle;
    WSASetLastError(WSAEOPNOTSUPP);
    return WSAEOPNOTSUPP;
}
INT WSAAPI SetAddrInfoExA(PCSTR pName, PCSTR pServiceName, SOCKET_ADDRESS *pAddresses, DWORD dwAddressCount,
                          LPBLOB lpBlob, DWORD dwFlags, DWORD dwNameSpace, LPGUID lpNspId, struct timeval *timeout,
                          LPOVERLAPPED lpOverlapped, LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle) {
    (void)pName, (void)pServiceName, (void)pAddresses, (void)dwAddressCount, (void)lpBlob, (void)dwFlags;
    (void)dwNameSpace, (void)lpNspId, (void)timeout, (void)lpOverlapped, (void)lpCompletionRoutine;
    (void)lpNameHandle;
    WSASetLastError(WSAEOPNOTSUPP);
    return WSAEOPNOTSUPP;
}
INT WSAAPI SetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, SOCKET_ADDRESS *pAddresses, DWORD dwAddressCount,
                          LPBLOB lpBlob, DWORD dwFlags, DWORD dwNameSpace, LPGUID lpNspId, struct timeval *timeout,
                          LPOVERLAPPED lpOverlapped, LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle) {
    (void)pName, (void)pServiceName, (void)pAddresses, (void)dwAddressCount, (void)lpBlob, (void)dwFlags;
    (void)dwNameSpace, (void)lpNspId, (void)timeout, (void)lpOverlapped, (void)lpCompletionRoutine;
    (void)lpNameHandle;
    WSASetLastError(WSAEOPNOTSUPP);
    return WSAEOPNOTSUPP;
}
/* GetAddrInfoEx never hands out a result, so there is nothing to free. */
void WSAAPI FreeAddrInfoEx(PADDRINFOEXA pAddrInfoEx) { (void)pAddrInfoEx; }
void WSAAPI FreeAddrInfoExW(PADDRINFOEXW pAddrInfoEx) { (void)pAddrInfoEx; }

/* ---- configuration calls for namespaces and QoS ---- */

INT WSAAPI WSCEnumNameSpaceProviders32(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOW lpnspBuffer) {
    (void)lpdwBufferLength, (void)lpnspBuffer;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSPAPI WSCEnumNameSpaceProvidersEx32(LPDWORD lpdwBufferLength, LPWSANAMESPACE_INFOEXW lpnspBuffer) {
    (void)lpdwBufferLength, (void)lpnspBuffer;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSPAPI WSCInstallNameSpace(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace, DWORD dwVersion,
                               LPGUID lpProviderId) {
    (void)lpszIdentifier, (void)lpszPathName, (void)dwNameSpace, (void)dwVersion, (void)lpProviderId;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSPAPI WSCInstallNameSpace32(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace, DWORD dwVersion,
                                 LPGUID lpProviderId) {
    return WSCInstallNameSpace(lpszIdentifier, lpszPathName, dwNameSpace, dwVersion, lpProviderId);
}
int WSAAPI WSCInstallNameSpaceEx(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace, DWORD dwVersion,
                                 LPGUID lpProviderId, LPBLOB lpProviderInfo) {
    (void)lpProviderInfo;
    return WSCInstallNameSpace(lpszIdentifier, lpszPathName, dwNameSpace, dwVersion, lpProviderId);
}
int WSAAPI WSCInstallNameSpaceEx32(LPWSTR lpszIdentifier, LPWSTR lpszPathName, DWORD dwNameSpace,
                                   DWORD dwVersion, LPGUID lpProviderId, LPBLOB lpProviderInfo) {
    (void)lpProviderInfo;
    return WSCInstallNameSpace(lpszIdentifier, lpszPathName, dwNameSpace, dwVersion, lpProviderId);
}
INT WSPAPI WSCUnInstallNameSpace(LPGUID lpProviderId) {
    (void)lpProviderId;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSPAPI WSCUnInstallNameSpace32(LPGUID lpProviderId) { return WSCUnInstallNameSpace(lpProviderId); }
INT WSPAPI WSCEnableNSProvider(LPGUID lpProviderId, BOOL fEnable) {
    (void)lpProviderId, (void)fEnable;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSPAPI WSCEnableNSProvider32(LPGUID lpProviderId, BOOL fEnable) {
    return WSCEnableNSProvider(lpProviderId, fEnable);
}
int WSPAPI WSCWriteNameSpaceOrder(LPGUID lpProviderId, DWORD dwNumberOfEntries) {
    (void)lpProviderId, (void)dwNumberOfEntries;
    return WSAEOPNOTSUPP; /* returns its error code, like WSCWriteProviderOrder */
}
int WSPAPI WSCWriteNameSpaceOrder32(LPGUID lpProviderId, DWORD dwNumberOfEntries) {
    return WSCWriteNameSpaceOrder(lpProviderId, dwNumberOfEntries);
}
int WSPAPI WSCInstallQOSTemplate(LPGUID const Guid, LPWSABUF QosName, LPQOS Qos) {
    (void)Guid, (void)QosName, (void)Qos;
    UNSUPPORTED(SOCKET_ERROR);
}
int WSPAPI WSCRemoveQOSTemplate(LPGUID const Guid, LPWSABUF QosName) {
    (void)Guid, (void)QosName;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAAdvertiseProvider(const GUID *puuidProviderId, LPCNSPV2_ROUTINE const pNSPv2Routine) {
    (void)puuidProviderId, (void)pNSPv2Routine;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSAAPI WSAUnadvertiseProvider(const GUID *puuidProviderId) {
    (void)puuidProviderId;
    UNSUPPORTED(SOCKET_ERROR);
}
INT WSPAPI WSAProviderCompleteAsyncCall(HANDLE hAsyncCall, INT iRetCode) {
    (void)hAsyncCall, (void)iRetCode;
    UNSUPPORTED(SOCKET_ERROR);
}

/* Application categories (LSP filtering by program): F68 says a missing
 * path is WSAEINVAL; with one, there is no category store here. */
int WSPAPI WSCGetApplicationCategory(LPCWSTR Path, DWORD PathLength, LPCWSTR Extra, DWORD ExtraLength,
                                     DWORD *pPermittedLspCategories, LPINT lpErrno) {
    (void)Extra, (void)ExtraLength, (void)pPermittedLspCategories;
    if (!Path || PathLength == 0) {
        if (lpErrno)
            *lpErrno = WSAEINVAL;
        return SOCKET_ERROR;
    }
    UNSUPPORTED_ERRNO(SOCKET_ERROR);
}
int WSPAPI WSCSetApplicationCategory(LPCWSTR Path, DWORD PathLength, LPCWSTR Extra, DWORD ExtraLength,
                                     DWORD PermittedLspCategories, DWORD *pPrevPermLspCat, LPINT lpErrno) {
    (void)Extra, (void)ExtraLength, (void)PermittedLspCategories, (void)pPrevPermLspCat;
    if (!Path || PathLength == 0) {
        if (lpErrno)
            *lpErrno = WSAEINVAL;
        return SOCKET_ERROR;
    }
    UNSUPPORTED_ERRNO(SOCKET_ERROR);
}
int WSPAPI WSCInstallProviderAndChains64_32(LPGUID const lpProviderId, LPWSTR const lpszProviderDllPath,
                                            LPWSTR const lpszProviderDllPath32, LPWSTR const lpszLspName,
                                            DWORD dwServiceFlags, LPWSAPROTOCOL_INFOW const lpProtocolInfoList,
                                            DWORD dwNumberOfEntries, LPDWORD lpdwCatalogEntryId, LPINT lpErrno) {
    (void)lpProviderId, (void)lpszProviderDllPath, (void)lpszProviderDllPath32, (void)lpszLspName;
    (void)dwServiceFlags, (void)lpProtocolInfoList, (void)dwNumberOfEntries, (void)lpdwCatalogEntryId;
    UNSUPPORTED_ERRNO(SOCKET_ERROR);
}

/* One catalog here: the 32-bit forms are the same calls. */
int WSPAPI WSCGetProviderInfo32(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                                size_t *InfoSize, DWORD Flags, LPINT lpErrno) {
    return WSCGetProviderInfo(lpProviderId, InfoType, Info, InfoSize, Flags, lpErrno);
}
int WSPAPI WSCSetProviderInfo32(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                                size_t InfoSize, DWORD Flags, LPINT lpErrno) {
    return WSCSetProviderInfo(lpProviderId, InfoType, Info, InfoSize, Flags, lpErrno);
}
