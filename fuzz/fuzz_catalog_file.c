/*
 * The installed-catalog file parser (lib/ws2/catalog_file.c) through its
 * loader: the fuzzer's bytes are written to a private catalog file, either
 * as they are or as a body that gets the correct "checksum" line appended
 * (so that the line parser behind the checksum is reached). The loader
 * either returns entries that satisfy what the rest of the dispatcher
 * relies on, or a WSA error, and never reads past what it was given.
 * Linked with the static library to reach the internal loader.
 */
#define _GNU_SOURCE /* mkdtemp, setenv */
#include "ws2/ws2.h"

#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"

static char path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    char dir[] = "/tmp/ws2posix-fuzz-catalog-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/catalog", dir);
    setenv("WS2POSIX_CATALOG", path, 1);
    return 0;
}

static uint32_t crc32_of(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        abort();
    ssize_t w = 0;
    if (data[0] & 1) {
        /* a body, checksummed the way the writer does it */
        w = write(fd, data + 1, size - 1);
        char line[32];
        int n = snprintf(line, sizeof line, "checksum %08x\n", crc32_of(data + 1, size - 1));
        w += write(fd, line, (size_t)n);
    } else {
        w = write(fd, data + 1, size - 1);
    }
    (void)w;
    close(fd);
    ws2__image img;
    int err = ws2__catfile_load(&img);
    if (err == 0) {
        for (int i = 0; i < img.count; i++) {
            const ws2__entry *e = &img.entries[i];
            FUZZ_CHECK(e->info.dwCatalogEntryId != 0);
            FUZZ_CHECK(e->info.ProtocolChain.ChainLen >= 0 && e->info.ProtocolChain.ChainLen <= MAX_PROTOCOL_CHAIN);
            size_t n = 0;
            while (n < WS2__PATH_MAX && e->path[n])
                n++;
            FUZZ_CHECK(n < WS2__PATH_MAX); /* terminated */
            for (int k = 0; k < i; k++)
                FUZZ_CHECK(img.entries[k].info.dwCatalogEntryId != e->info.dwCatalogEntryId);
        }
        ws2__image_free(&img);
    } else {
        FUZZ_CHECK(err == WSANO_RECOVERY || err == WSAEACCES || err == WSA_NOT_ENOUGH_MEMORY);
        FUZZ_CHECK(img.entries == NULL && img.count == 0);
    }
    return 0;
}
