/* What the tests of layered providers share: the temporary directory that
 * holds a test's private catalog, ASCII names widened for the catalog calls,
 * and the catalog as WSCEnumProtocols lists it. */
#ifndef WS2POSIX_TESTS_LAYERS_H
#define WS2POSIX_TESTS_LAYERS_H
#include <criterion/criterion.h>
#include <winsock2.h>
#include <ws2spi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* dir and everything in it goes (a suite's .fini). */
static inline void remove_dir(const char *dir) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", dir);
}

/* s into w, at most n units with the terminating 0. */
static inline void widen(const char *s, WCHAR *w, size_t n) {
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        w[i] = (unsigned char)s[i];
    w[i] = 0;
}

/* The catalog's entries, as the last catalog_read found them (unused by the
 * tests that only need the directory). */
static WSAPROTOCOL_INFOW cat[32] __attribute__((unused));
static int ncat __attribute__((unused));

static inline void catalog_read(void) {
    DWORD size = sizeof cat;
    int err;
    ncat = WSCEnumProtocols(NULL, cat, &size, &err);
    cr_assert_gt(ncat, 0, "%d", err);
}

/* The entry whose ProviderId is g; NULL if none. */
static inline const WSAPROTOCOL_INFOW *by_guid(const GUID *g) {
    for (int i = 0; i < ncat; i++)
        if (!memcmp(&cat[i].ProviderId, g, sizeof *g))
            return &cat[i];
    return NULL;
}
#endif
