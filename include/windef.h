/*
 * ws2posix - Windows base types as Windows x64 defines them (LLP64: long and
 * DWORD are 32 bits, pointers 64), so that Winsock code compiles unchanged.
 * This header is the only one that knows the C/C++ and compiler details; every
 * other public header includes it.
 */
#ifndef WS2POSIX_WINDEF_H
#define WS2POSIX_WINDEF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define W2P_BEGIN_DECLS extern "C" {
#define W2P_END_DECLS }
#else
#define W2P_BEGIN_DECLS
#define W2P_END_DECLS
#endif

/* Calling conventions mean nothing on x86_64 System V: empty, as agreed. */
#ifndef WINAPI
#define WINAPI
#endif
#ifndef WSAAPI
#define WSAAPI
#endif
#ifndef WSPAPI
#define WSPAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef APIENTRY
#define APIENTRY
#endif
#ifndef FAR
#define FAR
#endif
#ifndef NEAR
#define NEAR
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef CONST
#define CONST const
#endif
#ifndef VOID
#define VOID void
#endif

/*
 * Winsock reuses BSD names (socket, send, htons ...). The library exports them
 * as w2p_<name> and a declaration carrying W2P_BSD(name) binds the Winsock
 * name to that symbol, so libc keeps its own for the rest of the process.
 */
#define W2P_BSD(name) __asm__("w2p_" #name)

/* Windows programs carry `#pragma comment(lib, "Ws2_32.lib")`, a link hint
 * for Microsoft's tools; here it means nothing and must not warn. */
#if defined(__GNUC__) && !defined(W2P_KEEP_UNKNOWN_PRAGMA_WARNINGS)
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#endif

#ifndef FALSE
#define FALSE 0
#endif
#ifndef TRUE
#define TRUE 1
#endif

typedef unsigned char BYTE, *PBYTE, *LPBYTE;
typedef unsigned char UCHAR, *PUCHAR;
typedef unsigned char BOOLEAN, *PBOOLEAN;
typedef char CHAR, *PCHAR, *LPCH;
typedef signed char INT8;
typedef unsigned char UINT8;
typedef short SHORT;
typedef unsigned short USHORT, *PUSHORT;
typedef unsigned short WORD, *PWORD, *LPWORD;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;
typedef int BOOL, *PBOOL, *LPBOOL;
typedef int32_t LONG, *PLONG, *LPLONG;
typedef uint32_t ULONG, *PULONG;
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef int32_t INT32;
typedef uint32_t UINT32;
typedef int64_t LONGLONG, INT64;
typedef uint64_t ULONGLONG, DWORDLONG, UINT64, DWORD64, ULONG64;
typedef int64_t LONG64;
typedef intptr_t INT_PTR, LONG_PTR;
typedef uintptr_t UINT_PTR, ULONG_PTR, DWORD_PTR, SIZE_T, *PULONG_PTR, *PDWORD_PTR, *PUINT_PTR;
typedef intptr_t SSIZE_T;
typedef void *PVOID, *LPVOID, *HANDLE;
typedef const void *LPCVOID;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef HANDLE HWND;
typedef HANDLE HINSTANCE;
typedef HANDLE HMODULE;
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef LONG_PTR LRESULT;
typedef int (*FARPROC)(void);

/* WCHAR is UTF-16 as on Windows: char16_t, so u"..." literals work (L"..."
 * is 32-bit wchar_t on POSIX and does not). */
#ifdef __cplusplus
typedef char16_t WCHAR;
#else
typedef uint_least16_t WCHAR; /* = char16_t of <uchar.h> */
#endif
typedef WCHAR *PWCHAR, *LPWCH, *PWCH, *LPWSTR, *PWSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR, *LPCWCH;
typedef CHAR *LPSTR, *PSTR, *PSZ;
typedef const CHAR *LPCSTR, *PCSTR, *LPCCH;
typedef CHAR TCHAR; /* non-UNICODE default, as Windows without UNICODE */
typedef LPSTR LPTSTR;
typedef LPCSTR LPCTSTR;

/* BSD unsigned types with Windows widths. glibc's <sys/types.h> (pulled in by
 * <stdlib.h>) has a 64-bit u_long: rename ours if it came first, keep it out
 * if it comes later. */
#ifdef __u_char_defined
#define u_long w2p_u_long
#else
#define __u_char_defined 1
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
#endif
typedef uint32_t u_long;
typedef uint64_t u_int64;

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
#endif
typedef GUID *LPGUID;
typedef const GUID *LPCGUID;
typedef GUID IID;
typedef GUID CLSID;
#define REFGUID const GUID *

typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

/* Offset, OffsetHigh and Pointer are reached directly, as on Windows: the
 * union and the struct are anonymous (__extension__ keeps -pedantic quiet
 * about the anonymous struct in C++). */
typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    __extension__ union {
        __extension__ struct {
            DWORD Offset;
            DWORD OffsetHigh;
        };
        PVOID Pointer;
    };
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

#define MAKEWORD(a, b) ((WORD)(((BYTE)(((DWORD_PTR)(a)) & 0xff)) | ((WORD)((BYTE)(((DWORD_PTR)(b)) & 0xff))) << 8))
#define MAKELONG(a, b) ((LONG)(((WORD)(((DWORD_PTR)(a)) & 0xffff)) | ((DWORD)((WORD)(((DWORD_PTR)(b)) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)(((DWORD_PTR)(l)) & 0xffff))
#define HIWORD(l) ((WORD)((((DWORD_PTR)(l)) >> 16) & 0xffff))
#define LOBYTE(w) ((BYTE)(((DWORD_PTR)(w)) & 0xff))
#define HIBYTE(w) ((BYTE)((((DWORD_PTR)(w)) >> 8) & 0xff))

/* Windows writes these with an L suffix; its long is 32 bits, so here they
 * are int (or DWORD where Windows casts), to keep their size and sign. */
#define INFINITE 0xFFFFFFFF
#define WAIT_OBJECT_0 ((DWORD)0x00000000)
#define WAIT_ABANDONED_0 ((DWORD)0x00000080)
#define WAIT_IO_COMPLETION ((DWORD)0x000000C0)
#define WAIT_TIMEOUT 258
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)
#define MAXIMUM_WAIT_OBJECTS 64
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

#define ERROR_SUCCESS 0
#define NO_ERROR 0
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_PARAMETER 87
#define ERROR_IO_INCOMPLETE 996
#define ERROR_IO_PENDING 997
#define ERROR_OPERATION_ABORTED 995
#define ERROR_NETNAME_DELETED 64
#define ERROR_CONNECTION_REFUSED 1225
#define ERROR_CONNECTION_ABORTED 1236

#endif /* WS2POSIX_WINDEF_H */
