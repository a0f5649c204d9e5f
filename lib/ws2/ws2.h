/*
 * The dispatcher's internal objects (what ws2_32.dll is on Windows). Windows
 * world: includes our Winsock headers, never a POSIX socket header.
 */
#ifndef WS2POSIX_WS2_H
#define WS2POSIX_WS2_H

#include <winsock2.h>
#include <ws2spi.h>
#include <stdatomic.h>

/* ---- last error (lasterror.c) ---- */
/* Only the dispatcher sets the thread's last error. Returns SOCKET_ERROR so
 * that API wrappers can `return ws2__fail(code);`. */
int ws2__fail(int code);

/* ---- process state (startup.c) ---- */
/* 0 when Winsock is started and the thread may call in, else the WSA code:
 * WSANOTINITIALISED, or WSAEINPROGRESS inside a 1.1 blocking hook. */
int ws2__enter(void);
WORD ws2__version(void);

/* ---- blocking hooks (blocking.c), Winsock 1.1 ---- */
int ws2__in_blocking_hook(void);
void ws2__blocking_reset(void);
BOOL CALLBACK ws2__blocking_callback(DWORD_PTR context);
int ws2__have_blocking_hook(void);

/* ---- providers (provider.c) ---- */
typedef struct ws2__provider {
    struct ws2__provider *next;
    DWORD catalog_id;          /* the entry it was started for */
    void *dl;                  /* dlopen handle, NULL for the built-in one */
    LPWSPSTARTUP startup;
    WSPPROC_TABLE procs;
    WSPDATA data;
} ws2__provider;

/* ---- catalog (catalog.c) ---- */
#define WS2__PATH_MAX 260

typedef struct ws2__entry {
    WSAPROTOCOL_INFOW info;
    WCHAR path[WS2__PATH_MAX]; /* provider path, as WSCGetProviderPath gives it */
    _Atomic(ws2__provider *) provider; /* started lazily on first use */
    BOOL builtin;              /* an entry of the embedded default */
    DWORD lsp_categories;      /* WSCSetProviderInfo(ProviderInfoLspCategories) */
} ws2__entry;

/* A whole catalog: entries in catalog order and the next id to give. */
typedef struct ws2__image {
    ws2__entry *entries;
    int count;
    DWORD next_id;
} ws2__image;

/* The embedded default (catalog.c). */
int ws2__catalog_default(ws2__image *img);
/* Fill *out with the embedded entry `id`; FALSE if there is none. */
BOOL ws2__catalog_base_entry(DWORD id, ws2__entry *out);

/* ---- the catalog file (catalog_file.c) ---- */
/* WS2POSIX_CATALOG, else the documented default; WSANO_RECOVERY if none. */
int ws2__catfile_path(char *buf, size_t n);
/* The installed catalog, or the embedded default without a file. 0,
 * WSANO_RECOVERY (corrupt, truncated, unreadable), WSAEACCES (writable by
 * another user) or WSA_NOT_ENOUGH_MEMORY; reported on stderr once. */
int ws2__catfile_load(ws2__image *img);
/* Lock, load, edit (0 to write, else the code to give up with), write
 * atomically, unlock. */
int ws2__catfile_update(int (*edit)(ws2__image *img, void *arg), void *arg);
void ws2__image_free(ws2__image *img);
/* 0 if no user but us or root could have written the object or its
 * directory, else WSAEACCES/WSAEINVAL with the reason in why. */
int ws2__object_trusted(const char *path, char *why, size_t n);
void ws2__object_report(const char *why);

int ws2__catalog_load(void);
void ws2__catalog_unload(void);
int ws2__catalog_count(void);
ws2__entry *ws2__catalog_at(int index);
ws2__entry *ws2__catalog_find(DWORD catalog_id);
/* The entry WSASocket would choose; 0 or the WSA code. */
int ws2__catalog_choose(int af, int type, int protocol, ws2__entry **out);

/* Started provider for an entry (starting it if needed); 0 or WSA code. */
int ws2__provider_get(ws2__entry *e, ws2__provider **out);
void ws2__providers_cleanup(void);

/* ---- handles (handles.c) ---- */
typedef struct ws2__socket {
    DWORD catalog_id;        /* entry of the provider that owns the handle */
    DWORD_PTR context;       /* the provider's context (WPUCreateSocketHandle) */
    ws2__provider *provider; /* whose proc table the API calls go to; NULL for
                                handles a lower layer made for its own use */
    BOOL ifs;                /* made by WPUModifyIFSHandle */
    /* CreateIoCompletionPort (iocp.c): the association with a port (port
     * and key), shared by the handles of one socket (a duplicate made in
     * this process, F291); set once (atomically), its reference dropped
     * when the slot is freed. */
    struct ws2__assoc *assoc;
} ws2__socket;

/* Make a handle; 0 or WSAEMFILE/WSAENOBUFS. */
int ws2__handle_create(const ws2__socket *init, SOCKET *out);
/* Take a reference: NULL if s is not a live handle (WSAENOTSOCK). */
ws2__socket *ws2__handle_get(SOCKET s);
void ws2__handle_put(SOCKET s);
/* Mark dead; FALSE if it was not live. The slot is freed at the last put. */
BOOL ws2__handle_close(SOCKET s);
/* Visit every live handle that API calls reach (closing them at cleanup). */
void ws2__handle_foreach(void (*fn)(SOCKET s, ws2__socket *so, void *arg), void *arg);
void ws2__handles_reset(void);
size_t ws2__handles_live(void);

/* The thread's SO_OPENTYPE (options.c): non-zero makes socket() sockets
 * non-overlapped (F47, F95). */
int ws2__opentype(void);

/* closesocket without the entry checks: 0 or the WSA code (socket.c) */
int ws2__close(SOCKET s);

/* A handle a provider just made (accept, a multipoint leaf): API calls on it
 * go to provider p. n, or INVALID_SOCKET with the last error set when the
 * provider did not make it through the upcalls (socket.c). */
SOCKET ws2__adopt(SOCKET n, ws2__provider *p);

/* The entry of every API call on a socket: the provider of a live handle
 * with a reference taken, or NULL with *err set (WSANOTINITIALISED,
 * WSAEINPROGRESS, WSAENOTSOCK; a lower layer's own handle is not for API
 * calls). ws2__result drops the reference and sets the last error. */
static inline ws2__provider *ws2__lookup(SOCKET s, int *err) {
    if ((*err = ws2__enter()) != 0)
        return NULL;
    ws2__socket *so = ws2__handle_get(s);
    if (!so) {
        *err = WSAENOTSOCK;
        return NULL;
    }
    if (!so->provider) {
        ws2__handle_put(s);
        *err = WSAENOTSOCK;
        return NULL;
    }
    return so->provider;
}

/* After the provider's call (never in the same expression: err is its
 * output). */
static inline int ws2__result(SOCKET s, int r, int err) {
    ws2__handle_put(s);
    if (r == SOCKET_ERROR)
        return ws2__fail(err);
    WSASetLastError(0);
    return r;
}

/* ---- upcalls (upcalls.c) ---- */
extern const WSPUPCALLTABLE ws2__upcalls;

/* ---- base provider, built in (provider/) ---- */
int WSPAPI wsp__startup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                        LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                        LPWSPPROC_TABLE lpProcTable);

/* ---- helpers ---- */
void ws2__w_to_a(const WCHAR *w, char *a, size_t n);
void ws2__a_to_w(const char *a, WCHAR *w, size_t n);
void ws2__info_w_to_a(const WSAPROTOCOL_INFOW *w, WSAPROTOCOL_INFOA *a);
void ws2__info_a_to_w(const WSAPROTOCOL_INFOA *a, WSAPROTOCOL_INFOW *w);

#endif
