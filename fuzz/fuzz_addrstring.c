/*
 * WSAStringToAddressA/W and their inverse WSAAddressToStringA/W: any text
 * (copied into a heap block of exactly its length plus the terminator),
 * any family, any output length (the output is a heap block of exactly
 * that size, so AddressSanitizer sees a write past it). A parsed address
 * has the requested family and fits the length reported; printing it back
 * follows the buffer protocol (WSAEFAULT with the length needed, then
 * success with that length).
 */
#include <winsock2.h>
#include <ws2tcpip.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    WSADATA d;
    return WSAStartup(MAKEWORD(2, 2), &d) == 0 ? 0 : (abort(), 0);
}

static void print_back(const SOCKADDR *sa, DWORD salen, int wide, DWORD want) {
    /* up to 4 characters: the length counts characters, not bytes */
    WCHAR small_w[4];
    char small_a[4];
    DWORD len = want % 5;
    int r = wide ? WSAAddressToStringW((LPSOCKADDR)sa, salen, NULL, small_w, &len)
                 : WSAAddressToStringA((LPSOCKADDR)sa, salen, NULL, small_a, &len);
    if (r == 0) {
        FUZZ_CHECK(len <= want % 5);
        return;
    }
    if (WSAGetLastError() != WSAEFAULT)
        return;
    FUZZ_CHECK(len > 0 && len < 4096);
    size_t unit = wide ? sizeof(WCHAR) : 1;
    char *buf = malloc(len * unit);
    DWORD len2 = len;
    r = wide ? WSAAddressToStringW((LPSOCKADDR)sa, salen, NULL, (LPWSTR)buf, &len2)
             : WSAAddressToStringA((LPSOCKADDR)sa, salen, NULL, buf, &len2);
    FUZZ_CHECK(r == 0 && len2 <= len);
    if (wide)
        FUZZ_CHECK(((WCHAR *)buf)[len2 - 1] == 0);
    else
        FUZZ_CHECK(buf[len2 - 1] == 0);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_in in = {data, size};
    uint8_t ctl = fuzz_u8(&in);
    static const int families[] = {AF_INET, AF_INET6, AF_UNSPEC, AF_UNIX};
    int af = ctl & 0x80 ? fuzz_int(&in) : families[ctl & 3];
    int wide = (ctl >> 2) & 1;
    INT outlen = ctl & 0x40 ? fuzz_int(&in) % 1024 : (INT)(fuzz_u8(&in) % 40); /* may be negative */
    size_t n = in.n;
    void *text;
    if (wide) {
        size_t chars = n / 2;
        WCHAR *w = malloc((chars + 1) * sizeof *w);
        memcpy(w, in.p, chars * sizeof *w);
        w[chars] = 0;
        text = w;
    } else {
        char *a = malloc(n + 1);
        memcpy(a, in.p, n);
        a[n] = 0;
        text = a;
    }
    size_t cap = outlen > 0 ? (size_t)outlen : 0;
    SOCKADDR *out = malloc(cap ? cap : 1);
    INT len = outlen;
    WSASetLastError(0x7777);
    int r = wide ? WSAStringToAddressW(text, af, NULL, out, &len) : WSAStringToAddressA(text, af, NULL, out, &len);
    if (r == 0) {
        FUZZ_CHECK(outlen > 0 && len > 0 && len <= outlen);
        FUZZ_CHECK(af == AF_UNSPEC || out->sa_family == af);
        print_back(out, (DWORD)len, wide, (DWORD)outlen);
    } else {
        int e = WSAGetLastError();
        FUZZ_CHECK(r == SOCKET_ERROR && e != 0x7777 && e >= WSABASEERR);
    }
    free(out);
    free(text);
    return 0;
}
