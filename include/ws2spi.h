/*
 * ws2posix - the Winsock 2 service provider interface (SPI).
 *
 * What a transport provider, a layered provider (LSP) or a namespace provider
 * sees of Winsock: the WSP* entry points it hands to the dispatcher in a
 * WSPPROC_TABLE, the WPU* upcalls the dispatcher hands back in a
 * WSPUPCALLTABLE, and the WSC* calls that edit the catalog. Names, parameter
 * lists, member order and layout are those of Windows x64.
 */
#ifndef WS2POSIX_WS2SPI_H
#define WS2POSIX_WS2SPI_H

#include <windef.h>
#include <winsock2.h>

/* Longest provider description in WSPDATA, not counting the terminator. */
#define WSPDESCRIPTION_LEN 255

/* A provider returns this (an NTSTATUS value) from an operation it has started
 * but not finished. */
#define WSS_OPERATION_IN_PROGRESS 0x00000103 /* 32-bit long on Windows */

/* What WSPStartup reports back about the provider. */
typedef struct WSPData {
    WORD wVersion;
    WORD wHighVersion;
    WCHAR szDescription[WSPDESCRIPTION_LEN + 1];
} WSPDATA, *LPWSPDATA;

/* Identifies the thread that issued an overlapped request, so that its
 * completion routine can be queued back to it (WPUQueueApc). */
typedef struct _WSATHREADID {
    HANDLE ThreadHandle;
    DWORD_PTR Reserved;
} WSATHREADID, *LPWSATHREADID;

W2P_BEGIN_DECLS

typedef BOOL (CALLBACK *LPBLOCKINGCALLBACK)(DWORD_PTR dwContext);
typedef VOID (CALLBACK *LPWSAUSERAPC)(DWORD_PTR dwContext);

/* ------------------------------------------------------------------------ */
/* Entry points of a transport provider, one per WSPPROC_TABLE slot.         */

typedef SOCKET (WSPAPI *LPWSPACCEPT)(SOCKET s, struct sockaddr *addr,
        LPINT addrlen, LPCONDITIONPROC lpfnCondition,
        DWORD_PTR dwCallbackData, LPINT lpErrno);
typedef INT (WSPAPI *LPWSPADDRESSTOSTRING)(LPSOCKADDR lpsaAddress,
        DWORD dwAddressLength, LPWSAPROTOCOL_INFOW lpProtocolInfo,
        LPWSTR lpszAddressString, LPDWORD lpdwAddressStringLength,
        LPINT lpErrno);
typedef int (WSPAPI *LPWSPASYNCSELECT)(SOCKET s, HWND hWnd,
        unsigned int wMsg, LONG lEvent, LPINT lpErrno);
typedef int (WSPAPI *LPWSPBIND)(SOCKET s, const struct sockaddr *name,
        int namelen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPCANCELBLOCKINGCALL)(LPINT lpErrno);
typedef int (WSPAPI *LPWSPCLEANUP)(LPINT lpErrno);
typedef int (WSPAPI *LPWSPCLOSESOCKET)(SOCKET s, LPINT lpErrno);
typedef int (WSPAPI *LPWSPCONNECT)(SOCKET s, const struct sockaddr *name,
        int namelen, LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
        LPQOS lpSQOS, LPQOS lpGQOS, LPINT lpErrno);
typedef int (WSPAPI *LPWSPDUPLICATESOCKET)(SOCKET s, DWORD dwProcessId,
        LPWSAPROTOCOL_INFOW lpProtocolInfo, LPINT lpErrno);
typedef int (WSPAPI *LPWSPENUMNETWORKEVENTS)(SOCKET s,
        WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents,
        LPINT lpErrno);
typedef int (WSPAPI *LPWSPEVENTSELECT)(SOCKET s, WSAEVENT hEventObject,
        LONG lNetworkEvents, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWSPGETOVERLAPPEDRESULT)(SOCKET s,
        LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer, BOOL fWait,
        LPDWORD lpdwFlags, LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETPEERNAME)(SOCKET s, struct sockaddr *name,
        LPINT namelen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETSOCKNAME)(SOCKET s, struct sockaddr *name,
        LPINT namelen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETSOCKOPT)(SOCKET s, int level, int optname,
        char *optval, LPINT optlen, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWSPGETQOSBYNAME)(SOCKET s, LPWSABUF lpQOSName,
        LPQOS lpQOS, LPINT lpErrno);
typedef int (WSPAPI *LPWSPIOCTL)(SOCKET s, DWORD dwIoControlCode,
        LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer,
        DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
        LPWSAOVERLAPPED lpOverlapped,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
        LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWSPJOINLEAF)(SOCKET s, const struct sockaddr *name,
        int namelen, LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
        LPQOS lpSQOS, LPQOS lpGQOS, DWORD dwFlags, LPINT lpErrno);
typedef int (WSPAPI *LPWSPLISTEN)(SOCKET s, int backlog, LPINT lpErrno);
typedef int (WSPAPI *LPWSPRECV)(SOCKET s, LPWSABUF lpBuffers,
        DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
        LPWSAOVERLAPPED lpOverlapped,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
        LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPRECVDISCONNECT)(SOCKET s,
        LPWSABUF lpInboundDisconnectData, LPINT lpErrno);
typedef int (WSPAPI *LPWSPRECVFROM)(SOCKET s, LPWSABUF lpBuffers,
        DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
        struct sockaddr *lpFrom, LPINT lpFromlen,
        LPWSAOVERLAPPED lpOverlapped,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
        LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSELECT)(int nfds, fd_set *readfds,
        fd_set *writefds, fd_set *exceptfds, PTIMEVAL const timeout,
        LPINT lpErrno);
typedef int (WSPAPI *LPWSPSEND)(SOCKET s, LPWSABUF lpBuffers,
        DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
        LPWSAOVERLAPPED lpOverlapped,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
        LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSENDDISCONNECT)(SOCKET s,
        LPWSABUF lpOutboundDisconnectData, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSENDTO)(SOCKET s, LPWSABUF lpBuffers,
        DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
        const struct sockaddr *lpTo, int iTolen,
        LPWSAOVERLAPPED lpOverlapped,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
        LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSETSOCKOPT)(SOCKET s, int level, int optname,
        const char *optval, int optlen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSHUTDOWN)(SOCKET s, int how, LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWSPSOCKET)(int af, int type, int protocol,
        LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags,
        LPINT lpErrno);
typedef INT (WSPAPI *LPWSPSTRINGTOADDRESS)(LPWSTR AddressString,
        INT AddressFamily, LPWSAPROTOCOL_INFOW lpProtocolInfo,
        LPSOCKADDR lpAddress, LPINT lpAddressLength, LPINT lpErrno);

/* Filled in by WSPStartup; the slots are in alphabetical order of the entry
 * point, as Windows lays them out (30 pointers). */
typedef struct _WSPPROC_TABLE {
    LPWSPACCEPT lpWSPAccept;
    LPWSPADDRESSTOSTRING lpWSPAddressToString;
    LPWSPASYNCSELECT lpWSPAsyncSelect;
    LPWSPBIND lpWSPBind;
    LPWSPCANCELBLOCKINGCALL lpWSPCancelBlockingCall;
    LPWSPCLEANUP lpWSPCleanup;
    LPWSPCLOSESOCKET lpWSPCloseSocket;
    LPWSPCONNECT lpWSPConnect;
    LPWSPDUPLICATESOCKET lpWSPDuplicateSocket;
    LPWSPENUMNETWORKEVENTS lpWSPEnumNetworkEvents;
    LPWSPEVENTSELECT lpWSPEventSelect;
    LPWSPGETOVERLAPPEDRESULT lpWSPGetOverlappedResult;
    LPWSPGETPEERNAME lpWSPGetPeerName;
    LPWSPGETSOCKNAME lpWSPGetSockName;
    LPWSPGETSOCKOPT lpWSPGetSockOpt;
    LPWSPGETQOSBYNAME lpWSPGetQOSByName;
    LPWSPIOCTL lpWSPIoctl;
    LPWSPJOINLEAF lpWSPJoinLeaf;
    LPWSPLISTEN lpWSPListen;
    LPWSPRECV lpWSPRecv;
    LPWSPRECVDISCONNECT lpWSPRecvDisconnect;
    LPWSPRECVFROM lpWSPRecvFrom;
    LPWSPSELECT lpWSPSelect;
    LPWSPSEND lpWSPSend;
    LPWSPSENDDISCONNECT lpWSPSendDisconnect;
    LPWSPSENDTO lpWSPSendTo;
    LPWSPSETSOCKOPT lpWSPSetSockOpt;
    LPWSPSHUTDOWN lpWSPShutdown;
    LPWSPSOCKET lpWSPSocket;
    LPWSPSTRINGTOADDRESS lpWSPStringToAddress;
} WSPPROC_TABLE, *LPWSPPROC_TABLE;

/* ------------------------------------------------------------------------ */
/* Upcalls: services the dispatcher offers to providers.                     */

typedef BOOL (WSPAPI *LPWPUCLOSEEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int (WSPAPI *LPWPUCLOSESOCKETHANDLE)(SOCKET s, LPINT lpErrno);
typedef WSAEVENT (WSPAPI *LPWPUCREATEEVENT)(LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWPUCREATESOCKETHANDLE)(DWORD dwCatalogEntryId,
        DWORD_PTR dwContext, LPINT lpErrno);
typedef int (WSPAPI *LPWPUFDISSET)(SOCKET s, fd_set *fdset);
typedef int (WSPAPI *LPWPUGETPROVIDERPATH)(LPGUID lpProviderId,
        WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
        LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWPUMODIFYIFSHANDLE)(DWORD dwCatalogEntryId,
        SOCKET ProposedHandle, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWPUPOSTMESSAGE)(HWND hWnd, UINT Msg, WPARAM wParam,
        LPARAM lParam);
typedef int (WSPAPI *LPWPUQUERYBLOCKINGCALLBACK)(DWORD dwCatalogEntryId,
        LPBLOCKINGCALLBACK *lplpfnCallback, DWORD_PTR *lpdwContext,
        LPINT lpErrno);
typedef int (WSPAPI *LPWPUQUERYSOCKETHANDLECONTEXT)(SOCKET s,
        DWORD_PTR *lpContext, LPINT lpErrno);
typedef int (WSPAPI *LPWPUQUEUEAPC)(LPWSATHREADID lpThreadId,
        LPWSAUSERAPC lpfnUserApc, DWORD_PTR dwContext, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWPURESETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWPUSETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int (WSPAPI *LPWPUOPENCURRENTTHREAD)(LPWSATHREADID lpThreadId,
        LPINT lpErrno);
typedef int (WSPAPI *LPWPUCLOSETHREAD)(LPWSATHREADID lpThreadId,
        LPINT lpErrno);
/* Not part of the table: an IFS provider reaches it by name. */
typedef int (WSPAPI *LPWPUCOMPLETEOVERLAPPEDREQUEST)(SOCKET s,
        LPWSAOVERLAPPED lpOverlapped, DWORD dwError, DWORD cbTransferred,
        LPINT lpErrno);

/* Handed to WSPStartup by value (15 pointers). */
typedef struct _WSPUPCALLTABLE {
    LPWPUCLOSEEVENT lpWPUCloseEvent;
    LPWPUCLOSESOCKETHANDLE lpWPUCloseSocketHandle;
    LPWPUCREATEEVENT lpWPUCreateEvent;
    LPWPUCREATESOCKETHANDLE lpWPUCreateSocketHandle;
    LPWPUFDISSET lpWPUFDIsSet;
    LPWPUGETPROVIDERPATH lpWPUGetProviderPath;
    LPWPUMODIFYIFSHANDLE lpWPUModifyIFSHandle;
    LPWPUPOSTMESSAGE lpWPUPostMessage;
    LPWPUQUERYBLOCKINGCALLBACK lpWPUQueryBlockingCallback;
    LPWPUQUERYSOCKETHANDLECONTEXT lpWPUQuerySocketHandleContext;
    LPWPUQUEUEAPC lpWPUQueueApc;
    LPWPURESETEVENT lpWPUResetEvent;
    LPWPUSETEVENT lpWPUSetEvent;
    LPWPUOPENCURRENTTHREAD lpWPUOpenCurrentThread;
    LPWPUCLOSETHREAD lpWPUCloseThread;
} WSPUPCALLTABLE, *LPWSPUPCALLTABLE;

/* ------------------------------------------------------------------------ */
/* Provider startup and catalog maintenance.                                 */

typedef int (WSPAPI *LPWSPSTARTUP)(WORD wVersionRequested,
        LPWSPDATA lpWSPData, LPWSAPROTOCOL_INFOW lpProtocolInfo,
        WSPUPCALLTABLE UpcallTable, LPWSPPROC_TABLE lpProcTable);
typedef int (WSPAPI *LPWSCENUMPROTOCOLS)(LPINT lpiProtocols,
        LPWSAPROTOCOL_INFOW lpProtocolBuffer, LPDWORD lpdwBufferLength,
        LPINT lpErrno);
typedef int (WSPAPI *LPWSCDEINSTALLPROVIDER)(LPGUID lpProviderId,
        LPINT lpErrno);
typedef int (WSPAPI *LPWSCINSTALLPROVIDER)(LPGUID lpProviderId,
        const WCHAR *lpszProviderDllPath,
        LPWSAPROTOCOL_INFOW const lpProtocolInfoList,
        DWORD dwNumberOfEntries, LPINT lpErrno);
typedef int (WSPAPI *LPWSCGETPROVIDERPATH)(LPGUID lpProviderId,
        WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
        LPINT lpErrno);
typedef int (WSPAPI *LPWSCUPDATEPROVIDER)(LPGUID lpProviderId,
        const WCHAR *lpszProviderDllPath,
        LPWSAPROTOCOL_INFOW const lpProtocolInfoList,
        DWORD dwNumberOfEntries, LPINT lpErrno);
typedef int (WSPAPI *LPWSCINSTALLQOSTEMPLATE)(LPGUID const Guid,
        LPWSABUF QosName, LPQOS Qos);
typedef int (WSPAPI *LPWSCREMOVEQOSTEMPLATE)(LPGUID const Guid,
        LPWSABUF QosName);

/* The one symbol a provider's shared object must export. */
int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
        LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
        LPWSPPROC_TABLE lpProcTable);

/* Not in Windows: a layered provider that calls its next layer's WSPStartup
 * through this (same arguments, the function first) has every call it makes
 * into that layer shown by WS2POSIX_TRACE as a "layer -> [entry N ...]" line.
 * With tracing off it is exactly lpfnStartup(...). Calls into the base
 * provider are traced without it. Guard it with #ifdef W2P_BSD (defined by
 * ws2posix's headers only) to keep the layer buildable on Windows. */
int WSPAPI w2p_CallWSPStartup(LPWSPSTARTUP lpfnStartup, WORD wVersionRequested,
        LPWSPDATA lpWSPData, LPWSAPROTOCOL_INFOW lpProtocolInfo,
        WSPUPCALLTABLE UpcallTable, LPWSPPROC_TABLE lpProcTable);

int WSPAPI WSCEnumProtocols(LPINT lpiProtocols,
        LPWSAPROTOCOL_INFOW lpProtocolBuffer, LPDWORD lpdwBufferLength,
        LPINT lpErrno);
int WSPAPI WSCDeinstallProvider(LPGUID lpProviderId, LPINT lpErrno);
int WSPAPI WSCInstallProvider(LPGUID lpProviderId,
        const WCHAR *lpszProviderDllPath,
        LPWSAPROTOCOL_INFOW const lpProtocolInfoList,
        DWORD dwNumberOfEntries, LPINT lpErrno);
int WSPAPI WSCGetProviderPath(LPGUID lpProviderId,
        WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
        LPINT lpErrno);
int WSPAPI WSCUpdateProvider(LPGUID lpProviderId,
        const WCHAR *lpszProviderDllPath,
        LPWSAPROTOCOL_INFOW const lpProtocolInfoList,
        DWORD dwNumberOfEntries, LPINT lpErrno);
int WSPAPI WSCInstallQOSTemplate(LPGUID const Guid, LPWSABUF QosName,
        LPQOS Qos);
int WSPAPI WSCRemoveQOSTemplate(LPGUID const Guid, LPWSABUF QosName);

/* The 32-bit catalog of a 64-bit system: Windows x64 declares these. */
int WSPAPI WSCEnumProtocols32(LPINT lpiProtocols,
        LPWSAPROTOCOL_INFOW lpProtocolBuffer, LPDWORD lpdwBufferLength,
        LPINT lpErrno);
int WSPAPI WSCDeinstallProvider32(LPGUID lpProviderId, LPINT lpErrno);
int WSPAPI WSCInstallProvider64_32(LPGUID lpProviderId,
        const WCHAR *lpszProviderDllPath,
        LPWSAPROTOCOL_INFOW const lpProtocolInfoList,
        DWORD dwNumberOfEntries, LPINT lpErrno);
int WSPAPI WSCGetProviderPath32(LPGUID lpProviderId,
        WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
        LPINT lpErrno);
int WSPAPI WSCUpdateProvider32(LPGUID lpProviderId,
        const WCHAR *lpszProviderDllPath,
        LPWSAPROTOCOL_INFOW const lpProtocolInfoList,
        DWORD dwNumberOfEntries, LPINT lpErrno);

/* The upcalls, by name (the same functions the WSPUPCALLTABLE points at). */
BOOL WSPAPI WPUCloseEvent(WSAEVENT hEvent, LPINT lpErrno);
int WSPAPI WPUCloseSocketHandle(SOCKET s, LPINT lpErrno);
WSAEVENT WSPAPI WPUCreateEvent(LPINT lpErrno);
SOCKET WSPAPI WPUCreateSocketHandle(DWORD dwCatalogEntryId,
        DWORD_PTR dwContext, LPINT lpErrno);
int WSPAPI WPUFDIsSet(SOCKET s, fd_set *fdset);
int WSPAPI WPUGetProviderPath(LPGUID lpProviderId,
        WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
        LPINT lpErrno);
SOCKET WSPAPI WPUModifyIFSHandle(DWORD dwCatalogEntryId,
        SOCKET ProposedHandle, LPINT lpErrno);
BOOL WSPAPI WPUPostMessage(HWND hWnd, UINT Msg, WPARAM wParam,
        LPARAM lParam);
int WSPAPI WPUQueryBlockingCallback(DWORD dwCatalogEntryId,
        LPBLOCKINGCALLBACK *lplpfnCallback, DWORD_PTR *lpdwContext,
        LPINT lpErrno);
int WSPAPI WPUQuerySocketHandleContext(SOCKET s, DWORD_PTR *lpContext,
        LPINT lpErrno);
int WSPAPI WPUQueueApc(LPWSATHREADID lpThreadId, LPWSAUSERAPC lpfnUserApc,
        DWORD_PTR dwContext, LPINT lpErrno);
BOOL WSPAPI WPUResetEvent(WSAEVENT hEvent, LPINT lpErrno);
BOOL WSPAPI WPUSetEvent(WSAEVENT hEvent, LPINT lpErrno);
int WSPAPI WPUCompleteOverlappedRequest(SOCKET s,
        LPWSAOVERLAPPED lpOverlapped, DWORD dwError, DWORD cbTransferred,
        LPINT lpErrno);
int WSPAPI WPUOpenCurrentThread(LPWSATHREADID lpThreadId, LPINT lpErrno);
int WSPAPI WPUCloseThread(LPWSATHREADID lpThreadId, LPINT lpErrno);

/* ------------------------------------------------------------------------ */
/* Namespace providers.                                                      */

/* Listing namespace providers is the API call under another name. */
#define WSCEnumNameSpaceProviders WSAEnumNameSpaceProvidersW
#define LPFN_WSCENUMNAMESPACEPROVIDERS LPFN_WSAENUMNAMESPACEPROVIDERSW
INT WSAAPI WSCEnumNameSpaceProviders32(LPDWORD lpdwBufferLength,
        LPWSANAMESPACE_INFOW lpnspBuffer);

typedef INT (WSPAPI *LPWSCINSTALLNAMESPACE)(LPWSTR lpszIdentifier,
        LPWSTR lpszPathName, DWORD dwNameSpace, DWORD dwVersion,
        LPGUID lpProviderId);
typedef INT (WSPAPI *LPWSCUNINSTALLNAMESPACE)(LPGUID lpProviderId);
typedef INT (WSPAPI *LPWSCENABLENSPROVIDER)(LPGUID lpProviderId,
        BOOL fEnable);

INT WSPAPI WSCInstallNameSpace(LPWSTR lpszIdentifier, LPWSTR lpszPathName,
        DWORD dwNameSpace, DWORD dwVersion, LPGUID lpProviderId);
INT WSPAPI WSCUnInstallNameSpace(LPGUID lpProviderId);
INT WSPAPI WSCEnableNSProvider(LPGUID lpProviderId, BOOL fEnable);
INT WSPAPI WSCInstallNameSpace32(LPWSTR lpszIdentifier,
        LPWSTR lpszPathName, DWORD dwNameSpace, DWORD dwVersion,
        LPGUID lpProviderId);
INT WSPAPI WSCUnInstallNameSpace32(LPGUID lpProviderId);
INT WSPAPI WSCEnableNSProvider32(LPGUID lpProviderId, BOOL fEnable);

/* Entry points of a version 1 namespace provider (NSP_ROUTINE). */
typedef INT (WSAAPI *LPNSPCLEANUP)(LPGUID lpProviderId);
typedef INT (WSAAPI *LPNSPLOOKUPSERVICEBEGIN)(LPGUID lpProviderId,
        LPWSAQUERYSETW lpqsRestrictions,
        LPWSASERVICECLASSINFOW lpServiceClassInfo, DWORD dwControlFlags,
        LPHANDLE lphLookup);
typedef INT (WSAAPI *LPNSPLOOKUPSERVICENEXT)(HANDLE hLookup,
        DWORD dwControlFlags, LPDWORD lpdwBufferLength,
        LPWSAQUERYSETW lpqsResults);
typedef INT (WSAAPI *LPNSPIOCTL)(HANDLE hLookup, DWORD dwControlCode,
        LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer,
        DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
        LPWSACOMPLETION lpCompletion, LPWSATHREADID lpThreadId);
typedef INT (WSAAPI *LPNSPLOOKUPSERVICEEND)(HANDLE hLookup);
typedef INT (WSAAPI *LPNSPSETSERVICE)(LPGUID lpProviderId,
        LPWSASERVICECLASSINFOW lpServiceClassInfo,
        LPWSAQUERYSETW lpqsRegInfo, WSAESETSERVICEOP essOperation,
        DWORD dwControlFlags);
typedef INT (WSAAPI *LPNSPINSTALLSERVICECLASS)(LPGUID lpProviderId,
        LPWSASERVICECLASSINFOW lpServiceClassInfo);
typedef INT (WSAAPI *LPNSPREMOVESERVICECLASS)(LPGUID lpProviderId,
        LPGUID lpServiceClassId);
typedef INT (WSAAPI *LPNSPGETSERVICECLASSINFO)(LPGUID lpProviderId,
        LPDWORD lpdwBufSize, LPWSASERVICECLASSINFOW lpServiceClassInfo);

/* Filled in by NSPStartup; cbSize tells which members the caller knows. */
typedef struct _NSP_ROUTINE {
    DWORD cbSize;
    DWORD dwMajorVersion;
    DWORD dwMinorVersion;
    LPNSPCLEANUP NSPCleanup;
    LPNSPLOOKUPSERVICEBEGIN NSPLookupServiceBegin;
    LPNSPLOOKUPSERVICENEXT NSPLookupServiceNext;
    LPNSPLOOKUPSERVICEEND NSPLookupServiceEnd;
    LPNSPSETSERVICE NSPSetService;
    LPNSPINSTALLSERVICECLASS NSPInstallServiceClass;
    LPNSPREMOVESERVICECLASS NSPRemoveServiceClass;
    LPNSPGETSERVICECLASSINFO NSPGetServiceClassInfo;
    LPNSPIOCTL NSPIoctl;
} NSP_ROUTINE, *LPNSP_ROUTINE;

typedef INT (WSAAPI *LPNSPSTARTUP)(LPGUID lpProviderId,
        LPNSP_ROUTINE lpnspRoutines);
INT WSAAPI NSPStartup(LPGUID lpProviderId, LPNSP_ROUTINE lpnspRoutines);

/* Version 2 namespace providers (Windows Vista and later). */
typedef int (WSAAPI *LPNSPV2CLEANUP)(LPGUID lpProviderId,
        LPVOID pvClientSessionArg);
typedef int (WSAAPI *LPNSPV2CLIENTSESSIONRUNDOWN)(LPGUID lpProviderId,
        LPVOID pvClientSessionArg);
typedef int (WSAAPI *LPNSPV2LOOKUPSERVICEBEGIN)(LPGUID lpProviderId,
        LPWSAQUERYSET2W lpqsRestrictions, DWORD dwControlFlags,
        LPVOID lpvClientSessionArg, LPHANDLE lphLookup);
typedef int (WSAAPI *LPNSPV2LOOKUPSERVICEEND)(HANDLE hLookup);
typedef int (WSAAPI *LPNSPV2LOOKUPSERVICENEXTEX)(HANDLE hAsyncCall,
        HANDLE hLookup, DWORD dwControlFlags, LPDWORD lpdwBufferLength,
        LPWSAQUERYSET2W lpqsResults);
typedef int (WSAAPI *LPNSPV2SETSERVICEEX)(HANDLE hAsyncCall,
        LPGUID lpProviderId, LPWSAQUERYSET2W lpqsRegInfo,
        WSAESETSERVICEOP essOperation, DWORD dwControlFlags,
        LPVOID lpvClientSessionArg);
typedef int (WSAAPI *LPNSPV2STARTUP)(LPGUID lpProviderId,
        LPVOID *ppvClientSessionArg);

typedef struct _NSPV2_ROUTINE {
    DWORD cbSize;
    DWORD dwMajorVersion;
    DWORD dwMinorVersion;
    LPNSPV2STARTUP NSPv2Startup;
    LPNSPV2CLEANUP NSPv2Cleanup;
    LPNSPV2LOOKUPSERVICEBEGIN NSPv2LookupServiceBegin;
    LPNSPV2LOOKUPSERVICENEXTEX NSPv2LookupServiceNextEx;
    LPNSPV2LOOKUPSERVICEEND NSPv2LookupServiceEnd;
    LPNSPV2SETSERVICEEX NSPv2SetServiceEx;
    LPNSPV2CLIENTSESSIONRUNDOWN NSPv2ClientSessionRundown;
} NSPV2_ROUTINE, *PNSPV2_ROUTINE, *LPNSPV2_ROUTINE;
/* Windows makes the "C" forms point to const; WSAAdvertiseProvider takes one. */
typedef const NSPV2_ROUTINE *PCNSPV2_ROUTINE, *LPCNSPV2_ROUTINE;

/* Categories of a layered provider (WSCSetProviderInfo with
 * ProviderInfoLspCategories) and the ones an application accepts. */
#define LSP_SYSTEM 0x80000000
#define LSP_INSPECTOR 0x00000001
#define LSP_REDIRECTOR 0x00000002
#define LSP_PROXY 0x00000004
#define LSP_FIREWALL 0x00000008
#define LSP_INBOUND_MODIFY 0x00000010
#define LSP_OUTBOUND_MODIFY 0x00000020
#define LSP_CRYPTO_COMPRESS 0x00000040
#define LSP_LOCAL_CACHE 0x00000080

typedef enum _WSC_PROVIDER_INFO_TYPE {
    ProviderInfoLspCategories = 0,
    ProviderInfoAudit = 1
} WSC_PROVIDER_INFO_TYPE;

typedef struct _WSC_PROVIDER_AUDIT_INFO {
    DWORD RecordSize;
    PVOID Reserved;
} WSC_PROVIDER_AUDIT_INFO, *PWSC_PROVIDER_AUDIT_INFO;

INT WSAAPI WSAAdvertiseProvider(const GUID *puuidProviderId,
        LPCNSPV2_ROUTINE const pNSPv2Routine);
INT WSPAPI WSAProviderCompleteAsyncCall(HANDLE hAsyncCall, INT iRetCode);
INT WSPAPI WSAUnadvertiseProvider(const GUID *puuidProviderId);

int WSPAPI WSCGetApplicationCategory(LPCWSTR Path, DWORD PathLength,
        LPCWSTR Extra, DWORD ExtraLength, DWORD *pPermittedLspCategories,
        LPINT lpErrno);
int WSPAPI WSCSetApplicationCategory(LPCWSTR Path, DWORD PathLength,
        LPCWSTR Extra, DWORD ExtraLength, DWORD PermittedLspCategories,
        DWORD *pPrevPermLspCat, LPINT lpErrno);
int WSPAPI WSCGetProviderInfo(LPGUID lpProviderId,
        WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info, size_t *InfoSize,
        DWORD Flags, LPINT lpErrno);
int WSPAPI WSCSetProviderInfo(LPGUID lpProviderId,
        WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info, size_t InfoSize,
        DWORD Flags, LPINT lpErrno);
int WSAAPI WSCInstallNameSpaceEx(LPWSTR lpszIdentifier,
        LPWSTR lpszPathName, DWORD dwNameSpace, DWORD dwVersion,
        LPGUID lpProviderId, LPBLOB lpProviderInfo);

#define WSCEnumNameSpaceProvidersEx WSAEnumNameSpaceProvidersExW
#define LPFN_WSCENUMNAMESPACEPROVIDERSEX LPFN_WSAENUMNAMESPACEPROVIDERSEXW

/* 32-bit catalog counterparts, declared on Windows x64. */
INT WSPAPI WSCEnumNameSpaceProvidersEx32(LPDWORD lpdwBufferLength,
        LPWSANAMESPACE_INFOEXW lpnspBuffer);
int WSPAPI WSCGetProviderInfo32(LPGUID lpProviderId,
        WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info, size_t *InfoSize,
        DWORD Flags, LPINT lpErrno);
int WSAAPI WSCInstallNameSpaceEx32(LPWSTR lpszIdentifier,
        LPWSTR lpszPathName, DWORD dwNameSpace, DWORD dwVersion,
        LPGUID lpProviderId, LPBLOB lpProviderInfo);
int WSPAPI WSCInstallProviderAndChains64_32(LPGUID const lpProviderId,
        LPWSTR const lpszProviderDllPath,
        LPWSTR const lpszProviderDllPath32, LPWSTR const lpszLspName,
        DWORD dwServiceFlags, LPWSAPROTOCOL_INFOW const lpProtocolInfoList,
        DWORD dwNumberOfEntries, LPDWORD lpdwCatalogEntryId,
        LPINT lpErrno);
int WSPAPI WSCSetProviderInfo32(LPGUID lpProviderId,
        WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info, size_t InfoSize,
        DWORD Flags, LPINT lpErrno);

W2P_END_DECLS

#endif /* WS2POSIX_WS2SPI_H */
