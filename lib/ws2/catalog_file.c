/*
 * The installed catalog on disk: what the Winsock2\Parameters registry keys
 * are on Windows. One text file, read whole at the first WSAStartup of a
 * session and by every WSC* call; rewritten whole, atomically, under a lock.
 *
 *   WS2POSIX-CATALOG 1
 *   # comment lines (the protocol names, for a reader)
 *   next-id 1010
 *   base 1001                              an entry of the embedded default
 *   entry 1008 <categories> <hex> <path>   an installed entry: its
 *                                          WSAPROTOCOL_INFOW as hex bytes
 *                                          (Windows x64 layout) and its
 *                                          provider path, to the end of line
 *   checksum <crc32 of everything above, 8 hex digits>
 *
 * Lines are in catalog order. A file that does not parse, whose checksum or
 * last line is missing, or that cannot be read is reported (stderr, once)
 * and left as it is: never replaced, never truncated. A file, or the
 * directory holding it, that a user other than us or root could write is
 * refused the same way: every Winsock program loads the code it names.
 *
 * File and lock I/O only (fcntl.h, sys/file.h, sys/stat.h, unistd.h): no
 * socket header is involved.
 */
#define _GNU_SOURCE /* mkostemp */
#include "ws2.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "WS2POSIX-CATALOG 1"
#define MAX_FILE (4u << 20)

/* ---- where ---- */

int ws2__catfile_path(char *buf, size_t n) {
    const char *env = getenv("WS2POSIX_CATALOG");
    int r;
    if (env && env[0])
        r = snprintf(buf, n, "%s", env);
    else if (geteuid() == 0)
        r = snprintf(buf, n, "/etc/ws2posix/catalog");
    else if ((env = getenv("XDG_CONFIG_HOME")) != NULL && env[0] == '/')
        r = snprintf(buf, n, "%s/ws2posix/catalog", env);
    else if ((env = getenv("HOME")) != NULL && env[0] == '/')
        r = snprintf(buf, n, "%s/.config/ws2posix/catalog", env);
    else
        r = -1;
    if (r < 0 || (size_t)r >= n) {
        buf[0] = 0;
        return WSANO_RECOVERY;
    }
    return 0;
}

/* ---- reporting: once per process and kind, as a message a reader can act on ---- */

static void report(int *once, const char *fmt, ...) {
    if (__atomic_exchange_n(once, 1, __ATOMIC_RELAXED))
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("ws2posix: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int once_corrupt, once_unreadable, once_insecure, once_write, once_object;

/* ---- trust: sshd's rule for key files ---- */

static int stat_trusted(const struct stat *st, const char *what, const char *path, char *why, size_t n) {
    if (st->st_uid != geteuid() && st->st_uid != 0) {
        snprintf(why, n, "%s %s is owned by uid %u, not by us (uid %u) or root", what, path,
                 (unsigned)st->st_uid, (unsigned)geteuid());
        return WSAEACCES;
    }
    if (st->st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(why, n, "%s %s is writable by %s (mode %04o)", what, path,
                 st->st_mode & S_IWOTH ? "every user" : "its group", (unsigned)(st->st_mode & 07777));
        return WSAEACCES;
    }
    return 0;
}

static int dir_trusted(const char *path, char *why, size_t n) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = 0;
    else
        *slash = 0;
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(why, n, "directory %s: %s", dir, strerror(errno));
        return WSANO_RECOVERY;
    }
    return stat_trusted(&st, "directory", dir, why, n);
}

/* A provider object may be loaded only if no other user could have written
 * it or replaced it: 0, or WSAEACCES / WSAEINVAL with *why filled. */
int ws2__object_trusted(const char *path, char *why, size_t n) {
    if (path[0] != '/') {
        snprintf(why, n, "provider path %s is not absolute", path);
        return WSAEINVAL;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, n, "provider %s: %s", path, strerror(errno));
        return WSAEINVAL;
    }
    int err = stat_trusted(&st, "provider", path, why, n);
    return err ? err : dir_trusted(path, why, n);
}

void ws2__object_report(const char *why) { report(&once_object, "refusing to load a provider: %s", why); }

/* ---- CRC-32 (IEEE 802.3), for a torn or edited file ---- */

static uint32_t crc32_of(const char *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= (unsigned char)p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* ---- reading ---- */

static int hexval(int ch) {
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

static BOOL parse_hex(const char *s, size_t len, void *out, size_t n) {
    if (len != 2 * n)
        return FALSE;
    unsigned char *o = out;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        o[i] = (unsigned char)(hi << 4 | lo);
    }
    return TRUE;
}

static BOOL parse_dword(const char *s, DWORD *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > 0xffffffffu || s[0] == '-')
        return FALSE;
    *out = (DWORD)v;
    return TRUE;
}

static int append(ws2__image *img, const ws2__entry *e) {
    ws2__entry *grown = realloc(img->entries, ((size_t)img->count + 1) * sizeof *grown);
    if (!grown)
        return WSA_NOT_ENOUGH_MEMORY;
    img->entries = grown;
    img->entries[img->count] = *e;
    atomic_init(&img->entries[img->count].provider, NULL);
    img->count++;
    return 0;
}

/* One line; 0, WSANO_RECOVERY (does not parse) or WSA_NOT_ENOUGH_MEMORY. */
static int parse_line(char *line, ws2__image *img, BOOL *have_next) {
    if (line[0] == '#' || line[0] == 0)
        return 0;
    if (!strncmp(line, "next-id ", 8)) {
        if (*have_next || !parse_dword(line + 8, &img->next_id))
            return WSANO_RECOVERY;
        *have_next = TRUE;
        return 0;
    }
    ws2__entry e;
    memset(&e, 0, sizeof e);
    if (!strncmp(line, "base ", 5)) {
        DWORD id;
        if (!parse_dword(line + 5, &id) || !ws2__catalog_base_entry(id, &e))
            return WSANO_RECOVERY;
        return append(img, &e);
    }
    if (strncmp(line, "entry ", 6))
        return WSANO_RECOVERY;
    /* entry <id> <categories> <hex> <path> */
    char *f[4], *p = line + 6;
    for (int i = 0; i < 3; i++) {
        f[i] = p;
        p = strchr(p, ' ');
        if (!p)
            return WSANO_RECOVERY;
        *p++ = 0;
    }
    f[3] = p;
    DWORD id, cats;
    if (!parse_dword(f[0], &id) || !parse_dword(f[1], &cats) ||
        !parse_hex(f[2], strlen(f[2]), &e.info, sizeof e.info) || e.info.dwCatalogEntryId != id)
        return WSANO_RECOVERY;
    size_t plen = strlen(f[3]);
    if (f[3][0] != '/' || plen >= WS2__PATH_MAX)
        return WSANO_RECOVERY;
    if (e.info.ProtocolChain.ChainLen < 0 || e.info.ProtocolChain.ChainLen > MAX_PROTOCOL_CHAIN)
        return WSANO_RECOVERY;
    ws2__a_to_w(f[3], e.path, WS2__PATH_MAX);
    e.lsp_categories = cats;
    return append(img, &e);
}

/* Everything the file says, checked whole before any of it is used. */
static int parse(char *text, size_t size, ws2__image *img) {
    if (size == 0 || text[size - 1] != '\n')
        return WSANO_RECOVERY; /* empty or torn */
    text[size - 1] = 0;
    char *last = strrchr(text, '\n');
    if (!last || strncmp(last + 1, "checksum ", 9) || strlen(last + 1) != 17)
        return WSANO_RECOVERY;
    uint32_t want = 0;
    for (int i = 0; i < 8; i++) {
        int d = hexval(last[10 + i]);
        if (d < 0)
            return WSANO_RECOVERY;
        want = want << 4 | (uint32_t)d;
    }
    if (crc32_of(text, (size_t)(last + 1 - text)) != want)
        return WSANO_RECOVERY;
    *last = 0;
    char *line = text, *nl = strchr(line, '\n');
    if (!nl)
        return WSANO_RECOVERY;
    *nl = 0;
    if (strcmp(line, MAGIC))
        return WSANO_RECOVERY;
    BOOL have_next = FALSE;
    for (line = nl + 1; line && *line; line = nl) {
        nl = strchr(line, '\n');
        if (nl)
            *nl++ = 0;
        int err = parse_line(line, img, &have_next);
        if (err)
            return err;
    }
    if (!have_next)
        return WSANO_RECOVERY;
    for (int i = 0; i < img->count; i++) {
        DWORD id = img->entries[i].info.dwCatalogEntryId;
        if (id >= img->next_id)
            return WSANO_RECOVERY;
        for (int k = 0; k < i; k++)
            if (img->entries[k].info.dwCatalogEntryId == id)
                return WSANO_RECOVERY;
    }
    return 0;
}

static int read_all(int fd, char **out, size_t *size) {
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        return WSA_NOT_ENOUGH_MEMORY;
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_FILE) {
                free(buf);
                return WSANO_RECOVERY;
            }
            char *grown = realloc(buf, cap * 2 + 1);
            if (!grown) {
                free(buf);
                return WSA_NOT_ENOUGH_MEMORY;
            }
            buf = grown, cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return WSANO_RECOVERY;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = 0;
    *out = buf;
    *size = n;
    return 0;
}

void ws2__image_free(ws2__image *img) {
    free(img->entries);
    img->entries = NULL;
    img->count = 0;
}

/* The catalog as the file at `path` says, or the embedded default when there
 * is no file. 0, WSANO_RECOVERY (corrupt or unreadable), WSAEACCES (another
 * user could have written it) or WSA_NOT_ENOUGH_MEMORY. */
static int load_from(const char *path, ws2__image *img) {
    memset(img, 0, sizeof *img);
    if (!path[0])
        return ws2__catalog_default(img);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT)
        return ws2__catalog_default(img);
    if (fd < 0) {
        report(&once_unreadable, "cannot read the Winsock catalog %s: %s (left as it is)", path, strerror(errno));
        return WSANO_RECOVERY;
    }
    struct stat st;
    char why[4400];
    int err = fstat(fd, &st) != 0 ? WSANO_RECOVERY : 0;
    if (!err && !S_ISREG(st.st_mode)) {
        snprintf(why, sizeof why, "%s is not a regular file", path);
        err = WSAEACCES;
    } else if (!err && (err = stat_trusted(&st, "catalog", path, why, sizeof why)) == 0) {
        err = dir_trusted(path, why, sizeof why);
    }
    if (err == WSAEACCES) {
        close(fd);
        report(&once_insecure, "refusing the Winsock catalog: %s", why);
        return WSAEACCES;
    }
    char *text = NULL;
    size_t size = 0;
    if (!err)
        err = read_all(fd, &text, &size);
    close(fd);
    if (!err)
        err = parse(text, size, img);
    free(text);
    if (err) {
        ws2__image_free(img);
        if (err == WSANO_RECOVERY)
            report(&once_corrupt,
                   "the Winsock catalog %s is corrupt or truncated (left as it is; "
                   "repair it, or remove it to return to the default catalog)", path);
    }
    return err;
}

int ws2__catfile_load(ws2__image *img) {
    char path[4096];
    ws2__catfile_path(path, sizeof path);
    return load_from(path, img);
}

/* ---- writing ---- */

static int put(FILE *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r < 0;
}

static char *render(const ws2__image *img, size_t *len) {
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    int bad = put(f, "%s\n# The Winsock catalog of ws2posix, in catalog order. Written by WSCInstallProvider,\n"
                     "# WSCWriteProviderOrder & co. under a lock; checksummed: do not edit by hand.\n",
                  MAGIC);
    bad |= put(f, "next-id %lu\n", (unsigned long)img->next_id);
    for (int i = 0; i < img->count; i++) {
        const ws2__entry *e = &img->entries[i];
        char name[WSAPROTOCOL_LEN + 1], path[WS2__PATH_MAX * 3];
        ws2__w_to_a(e->info.szProtocol, name, sizeof name);
        for (char *c = name; *c; c++)
            if (*c == '\n' || *c == '\r')
                *c = ' ';
        bad |= put(f, "# %lu %s\n", (unsigned long)e->info.dwCatalogEntryId, name);
        if (e->builtin) {
            bad |= put(f, "base %lu\n", (unsigned long)e->info.dwCatalogEntryId);
            continue;
        }
        bad |= put(f, "entry %lu %lu ", (unsigned long)e->info.dwCatalogEntryId, (unsigned long)e->lsp_categories);
        const unsigned char *b = (const unsigned char *)&e->info;
        for (size_t k = 0; k < sizeof e->info; k++)
            bad |= put(f, "%02x", b[k]);
        ws2__w_to_a(e->path, path, sizeof path);
        bad |= put(f, " %s\n", path);
    }
    if (fflush(f) != 0)
        bad = 1;
    if (!bad)
        bad |= put(f, "checksum %08lx\n", (unsigned long)crc32_of(text, *len));
    if (fclose(f) != 0 || bad) {
        free(text);
        return NULL;
    }
    return text;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

static void dir_of(const char *path, char *dir, size_t n) {
    snprintf(dir, n, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, n, ".");
    else if (slash == dir)
        dir[1] = 0;
    else
        *slash = 0;
}

/* Temporary file in the same directory, fsync, rename over, fsync the
 * directory: a reader sees the old catalog or the new one, never a mix. */
static int write_to(const char *path, const ws2__image *img) {
    size_t len = 0;
    char *text = render(img, &len);
    if (!text)
        return WSA_NOT_ENOUGH_MEMORY;
    char tmp[4200], dir[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    dir_of(path, dir, sizeof dir);
    int err = WSANO_RECOVERY;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        report(&once_write, "cannot write the Winsock catalog %s: %s", path, strerror(errno));
        free(text);
        return err;
    }
    if (fchmod(fd, 0644) == 0 && write_all(fd, text, len) == 0 && fsync(fd) == 0) {
        if (close(fd) == 0 && rename(tmp, path) == 0) {
            int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
            }
            err = 0;
        }
        fd = -1;
    }
    if (err) {
        report(&once_write, "cannot write the Winsock catalog %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
    }
    free(text);
    return err;
}

/* ---- read-modify-write under the lock ---- */

static int lock_catalog(const char *path) {
    char dir[4096], lock[4200];
    dir_of(path, dir, sizeof dir);
    mkdir(dir, 0755); /* one level, for the default place; EEXIST is fine */
    snprintf(lock, sizeof lock, "%s.lock", path);
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        report(&once_write, "cannot lock the Winsock catalog %s: %s", lock, strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

/* Serialised across processes by flock on <catalog>.lock: read the current
 * file, let `edit` change the image, write it back. edit returns 0 to write,
 * or the WSA code to give up without writing. */
int ws2__catfile_update(int (*edit)(ws2__image *img, void *arg), void *arg) {
    char path[4096];
    if (ws2__catfile_path(path, sizeof path) != 0) {
        report(&once_write, "no place for the Winsock catalog: set WS2POSIX_CATALOG (or HOME)");
        return WSANO_RECOVERY;
    }
    int lock = lock_catalog(path);
    if (lock < 0)
        return WSANO_RECOVERY;
    ws2__image img;
    int err = load_from(path, &img);
    if (!err)
        err = edit(&img, arg);
    if (!err)
        err = write_to(path, &img);
    ws2__image_free(&img);
    close(lock); /* releases the lock */
    return err;
}
