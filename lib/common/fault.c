#include "fault.h"

#include <stdlib.h>
#include <string.h>

unsigned common__faults;
int common__fault_socket_errno;

void common__fault_reload(void) {
    static const struct { const char *name; unsigned bit; } points[] = {
        {"loop", W2P_FAULT_LOOP},
        {"nomem", W2P_FAULT_NOMEM},
        {"nobufs", W2P_FAULT_NOBUFS},
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
    const char *e = env ? strstr(env, "socket_errno=") : NULL;
    common__fault_socket_errno = e ? atoi(e + strlen("socket_errno=")) : 0;
}
