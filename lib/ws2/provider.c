/*
 * Starting providers: each catalog entry's provider is started on first use
 * through WSPStartup, the built-in base provider through the very same
 * contract as one loaded from a shared object. WSPCleanup balances every
 * successful WSPStartup at the last WSACleanup.
 */
#define _GNU_SOURCE /* dladdr */
#include "ws2.h"
#include "trace.h"
#include "common/fault.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifndef W2P_BASE_PROVIDER_PATH
#define W2P_BASE_PROVIDER_PATH "/usr/local/lib/libws2posix.so"
#endif

static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static ws2__provider *started;

/* The shared object that exports the base provider's WSPStartup, as
 * mswsock.dll is on Windows: this library itself when it was loaded as one. */
const char *ws2__base_provider_path(void) {
    static char path[4096];
    const char *env = getenv("WS2POSIX_BASE_PROVIDER");
    if (env && env[0] == '/')
        return env;
    Dl_info info;
    if (dladdr((void *)(uintptr_t)wsp__startup, &info) && info.dli_fname && strstr(info.dli_fname, ".so") &&
        realpath(info.dli_fname, path))
        return path;
    return W2P_BASE_PROVIDER_PATH;
}

static BOOL is_builtin(const ws2__entry *e) {
    char path[4096];
    ws2__w_to_a(e->path, path, sizeof path);
    return strcmp(path, ws2__base_provider_path()) == 0;
}

static BOOL table_complete(const WSPPROC_TABLE *t) {
    const void *const *slot = (const void *const *)t;
    for (size_t i = 0; i < sizeof *t / sizeof(void *); i++)
        if (!slot[i])
            return FALSE;
    return TRUE;
}

static int start(ws2__entry *e, ws2__provider **out) {
    ws2__provider *p = W2P_FAULT_ALLOC() ? NULL : calloc(1, sizeof *p);
    if (!p)
        return WSA_NOT_ENOUGH_MEMORY;
    p->catalog_id = e->info.dwCatalogEntryId;
    if (is_builtin(e)) {
        p->startup = wsp__startup;
    } else {
        char path[4096], why[4400];
        ws2__w_to_a(e->path, path, sizeof path);
        /* Code that another user could have written is never loaded. */
        if (ws2__object_trusted(path, why, sizeof why) != 0) {
            ws2__object_report(why);
            free(p);
            return WSAEPROVIDERFAILEDINIT;
        }
        p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        p->startup = p->dl ? (LPWSPSTARTUP)(uintptr_t)dlsym(p->dl, "WSPStartup") : NULL;
        if (!p->startup) {
            if (p->dl)
                dlclose(p->dl);
            free(p);
            return WSAEPROVIDERFAILEDINIT;
        }
    }
    WSAPROTOCOL_INFOW info = e->info;
    int t = ws2__trace_begin();
    int err = p->startup(MAKEWORD(2, 2), &p->data, &info, ws2__upcalls, &p->procs);
    ws2__trace_end(t, "ws2", &e->info, "WSPStartup(wVersionRequested=2.2, lpProtocolInfo=[entry %lu]) = %s",
                   (unsigned long)e->info.dwCatalogEntryId, ws2__trace_error_name(err));
    if (err == 0 && !table_complete(&p->procs)) {
        int ignored;
        if (p->procs.lpWSPCleanup)
            p->procs.lpWSPCleanup(&ignored);
        err = WSAEINVALIDPROCTABLE;
    } else if (err == 0 && LOBYTE(p->data.wVersion) < 2) {
        int ignored;
        p->procs.lpWSPCleanup(&ignored);
        err = WSAVERNOTSUPPORTED;
    } else if (err != 0) {
        err = WSAEPROVIDERFAILEDINIT;
    }
    if (err) {
        if (p->dl)
            dlclose(p->dl);
        free(p);
        return err;
    }
    ws2__trace_wrap("ws2", &e->info, &p->procs); /* when WS2POSIX_TRACE is set */
    p->next = started;
    started = p;
    *out = p;
    return 0;
}

int ws2__provider_get(ws2__entry *e, ws2__provider **out) {
    ws2__provider *p = atomic_load_explicit(&e->provider, memory_order_acquire);
    if (p) {
        *out = p;
        return 0;
    }
    pthread_mutex_lock(&start_lock);
    int err = 0;
    p = atomic_load(&e->provider);
    if (!p && (err = start(e, &p)) == 0)
        atomic_store_explicit(&e->provider, p, memory_order_release);
    pthread_mutex_unlock(&start_lock);
    *out = p;
    return err;
}

void ws2__providers_cleanup(void) {
    pthread_mutex_lock(&start_lock);
    while (started) {
        ws2__provider *p = started;
        started = p->next;
        int err;
        p->procs.lpWSPCleanup(&err);
        if (p->dl)
            dlclose(p->dl);
        free(p);
    }
    for (int i = 0; i < ws2__catalog_count(); i++)
        atomic_store(&ws2__catalog_at(i)->provider, NULL);
    pthread_mutex_unlock(&start_lock);
}
