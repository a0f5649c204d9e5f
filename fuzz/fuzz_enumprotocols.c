/*
 * WSAEnumProtocolsA/W and WSCEnumProtocols' buffer protocol: a filter list
 * (zero-terminated, values from the fuzzer), a buffer of exactly the length
 * the caller claims (or NULL), any length. Either the entries fit and the
 * count is returned, or WSAENOBUFS reports the size needed (a multiple of
 * the structure size) -- and a second call with that size succeeds.
 */
#include <winsock2.h>
#include <ws2spi.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    WSADATA d;
    return WSAStartup(MAKEWORD(2, 2), &d) == 0 ? 0 : (abort(), 0);
}

static int call(int which, INT *filter, void *buf, DWORD *len, int *err) {
    WSASetLastError(0x7777);
    int r;
    if (which == 2) {
        r = WSCEnumProtocols(filter, buf, len, err);
        return r;
    }
    r = which ? WSAEnumProtocolsA(filter, buf, len) : WSAEnumProtocolsW(filter, buf, len);
    *err = r == SOCKET_ERROR ? WSAGetLastError() : 0;
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_in in = {data, size};
    uint8_t ctl = fuzz_u8(&in);
    int which = ctl % 3;
    size_t unit = which == 1 ? sizeof(WSAPROTOCOL_INFOA) : sizeof(WSAPROTOCOL_INFOW);
    INT filter[17], *fp = NULL;
    if (ctl & 4) {
        int n = fuzz_u8(&in) % 16;
        for (int i = 0; i < n; i++) {
            filter[i] = fuzz_int(&in);
            if (filter[i] == 0)
                filter[i] = IPPROTO_TCP;
        }
        filter[n] = 0;
        fp = filter;
    }
    DWORD len = fuzz_u8(&in) & 1 ? fuzz_u32(&in) % (16 * unit) : (DWORD)(fuzz_u8(&in) % 16) * (DWORD)unit;
    void *buf = ctl & 8 ? NULL : malloc(len ? len : 1);
    DWORD claimed = buf ? len : fuzz_u32(&in) % 4096;
    DWORD l = claimed;
    int err = 0;
    int r = call(which, fp, buf, ctl & 16 && which != 2 ? NULL : &l, &err);
    if (ctl & 16 && which != 2) {
        FUZZ_CHECK(r == SOCKET_ERROR && err == WSAEFAULT);
    } else if (r == SOCKET_ERROR) {
        FUZZ_CHECK(err == WSAENOBUFS || err == WSAEFAULT || err == WSAEINVAL);
        if (err == WSAENOBUFS) {
            FUZZ_CHECK(l % unit == 0);
            FUZZ_CHECK(!buf || l > claimed);
            void *again = malloc(l ? l : 1);
            DWORD l2 = l;
            int r2 = call(which, fp, again, &l2, &err);
            FUZZ_CHECK(r2 >= 0 && (DWORD)r2 * unit == l);
            free(again);
        }
    } else {
        FUZZ_CHECK(buf && (size_t)r * unit <= claimed);
    }
    free(buf);
    return 0;
}
