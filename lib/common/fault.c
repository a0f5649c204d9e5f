#include "fault.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

unsigned common__faults;
int common__fault_socket_errno;
int common__fault_alloc_at;
static _Atomic int alloc_count;

static int number_after(const char *env, const char *key) {
    const char *e = env ? strstr(env, key) : NULL;
    return e ? atoi(e + strlen(key)) : 0;
}

void common__fault_reload(void) {
    static const struct { const char *name; unsigned bit; } points[] = {
        {"loop", W2P_FAULT_LOOP},
        {"nomem", W2P_FAULT_NOMEM},
        {"nobufs", W2P_FAULT_NOBUFS},
        {"nomem_handle", W2P_FAULT_NOMEM_HANDLE},
        {"pend_delay", W2P_FAULT_PEND_DELAY},
    };
    const char *env = getenv("WS2POSIX_FAULT");
    unsigned bits = 0;
    for (size_t i = 0; env && i < sizeof points / sizeof points[0]; i++) {
        size_t n = strlen(points[i].name);
        for (const char *p = env; (p = strstr(p, points[i].name)) != NULL; p += n)
            if ((p == env || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
                bits |= points[i].bit;
    }
    common__faults = bits;
    common__fault_socket_errno = number_after(env, "socket_errno=");
    atomic_store(&alloc_count, 0);
    common__fault_alloc_at = number_after(env, "alloc_at=");
}

int common__fault_alloc(void) {
    return atomic_fetch_add(&alloc_count, 1) + 1 == common__fault_alloc_at;
}
