/*
 * select's fd_set handling and WSAPoll's array: sets filled by the fd_set
 * macros and by hand from the fuzzer's bytes (live sockets, closed and
 * bogus handles, duplicates, INVALID_SOCKET), any nfds, a zero or tiny
 * timeout. select either fails with a WSA code or returns how many sockets
 * it left, each left set being a subset of what was passed; WSAPoll
 * reports POLLNVAL for what is not a socket, and does not count it. The FD_* macros keep a set
 * free of duplicates and within FD_SETSIZE.
 */
#include <winsock2.h>

#include "fuzz.h"

#define POOL 6
static SOCKET pool[POOL];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    WSADATA d;
    if (WSAStartup(MAKEWORD(2, 2), &d) != 0)
        abort();
    static const int kinds[POOL][2] = {{AF_INET, SOCK_STREAM}, {AF_INET, SOCK_DGRAM},  {AF_INET6, SOCK_STREAM},
                                       {AF_INET6, SOCK_DGRAM}, {AF_UNIX, SOCK_STREAM}, {AF_INET, SOCK_DGRAM}};
    for (int i = 0; i < POOL; i++)
        pool[i] = socket(kinds[i][0], kinds[i][1], 0);
    /* one closed handle among them */
    closesocket(pool[POOL - 1]);
    return 0;
}

static SOCKET pick(fuzz_in *in) {
    uint8_t k = fuzz_u8(in);
    if (k < 200)
        return pool[k % POOL];
    if (k < 220)
        return INVALID_SOCKET;
    return (SOCKET)fuzz_u32(in);
}

static BOOL subset(const fd_set *after, const fd_set *before) {
    if (after->fd_count > before->fd_count)
        return FALSE;
    for (u_int i = 0; i < after->fd_count; i++) {
        BOOL found = FALSE;
        for (u_int k = 0; k < before->fd_count && !found; k++)
            found = after->fd_array[i] == before->fd_array[k];
        if (!found)
            return FALSE;
    }
    return TRUE;
}

static void macros(fuzz_in *in) {
    fd_set *set = malloc(sizeof *set);
    FD_ZERO(set);
    int ops = fuzz_u8(in);
    for (int i = 0; i < ops && in->n; i++) {
        SOCKET s = (SOCKET)(fuzz_u8(in) % 80) * 4;
        if (fuzz_u8(in) & 1) {
            FD_SET(s, set);
            FUZZ_CHECK(FD_ISSET(s, set) || set->fd_count == FD_SETSIZE);
        } else {
            FD_CLR(s, set);
            FUZZ_CHECK(!FD_ISSET(s, set));
        }
        FUZZ_CHECK(set->fd_count <= FD_SETSIZE);
    }
    for (u_int i = 0; i < set->fd_count; i++)
        for (u_int k = i + 1; k < set->fd_count; k++)
            FUZZ_CHECK(set->fd_array[i] != set->fd_array[k]);
    free(set);
}

static void do_select(fuzz_in *in) {
    fd_set *sets[3], before[3];
    uint8_t which = fuzz_u8(in);
    for (int k = 0; k < 3; k++) {
        sets[k] = which & (1 << k) ? malloc(sizeof(fd_set)) : NULL;
        if (!sets[k])
            continue;
        FD_ZERO(sets[k]);
        u_int n = fuzz_u8(in) % (FD_SETSIZE + 1);
        for (u_int i = 0; i < n; i++)
            sets[k]->fd_array[i] = pick(in);
        sets[k]->fd_count = n;
        before[k] = *sets[k];
    }
    TIMEVAL tv = {0, (long)(fuzz_u8(in) % 4) * 250}, *tp = &tv;
    uint8_t t = fuzz_u8(in);
    if (t == 1)
        tv.tv_sec = -1;
    if (t == 2)
        tv.tv_usec = -1;
    /* No timeout only when a socket that is always writable is in the
     * write set, so that select cannot wait. */
    if (t == 3 && sets[1] && FD_ISSET(pool[1], sets[1]))
        tp = NULL;
    int nfds = fuzz_int(in);
    WSASetLastError(0x7777);
    int r = select(nfds, sets[0], sets[1], sets[2], tp);
    if (r == SOCKET_ERROR) {
        int e = WSAGetLastError();
        FUZZ_CHECK(e == WSAENOTSOCK || e == WSAEINVAL || e == WSAEFAULT || e == WSAENOBUFS);
    } else {
        int total = 0;
        for (int k = 0; k < 3; k++)
            if (sets[k]) {
                FUZZ_CHECK(subset(sets[k], &before[k]));
                total += (int)sets[k]->fd_count;
            }
        FUZZ_CHECK(r == total);
    }
    for (int k = 0; k < 3; k++)
        free(sets[k]);
}

static void do_poll(fuzz_in *in) {
    ULONG n = fuzz_u8(in) % 12;
    WSAPOLLFD *fds = n ? malloc(n * sizeof *fds) : NULL;
    for (ULONG i = 0; i < n; i++) {
        fds[i].fd = pick(in);
        fds[i].events = (SHORT)fuzz_u16(in);
        fds[i].revents = (SHORT)fuzz_u16(in);
    }
    WSASetLastError(0x7777);
    int r = WSAPoll(fds, n, 0);
    if (r == SOCKET_ERROR) {
        int e = WSAGetLastError();
        FUZZ_CHECK(e == WSAEINVAL || e == WSAEFAULT || e == WSAENOBUFS || e == WSAENOTSOCK);
    } else {
        /* Entries that are not sockets get POLLNVAL and are not counted
         * (windows-behaviour.md F175). */
        int ready = 0;
        for (ULONG i = 0; i < n; i++)
            ready += fds[i].revents != 0 && fds[i].revents != POLLNVAL;
        FUZZ_CHECK(r == ready);
    }
    free(fds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_in in = {data, size};
    switch (fuzz_u8(&in) % 3) {
    case 0: macros(&in); break;
    case 1: do_select(&in); break;
    default: do_poll(&in); break;
    }
    return 0;
}
